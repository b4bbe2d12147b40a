"""The CPU kernels alone, against their physical limits: words/s, FLOP/s and bytes of rows per word.

Scans the whole corpus (so that the matrices have the size of a real run's, and
miss the caches as often), then trains chunks spread evenly over it, ``--tokens``
in all, with each kernel in one thread (the compile is done before the clock
starts), several times, and prints the best time. For each kind it also
counts, from the same tables and the same windows, what one word costs at least:

* FLOPs: the window products, 2 FLOPs per multiply-add, three products of
  (rows of hidden) x (output rows) x dim per prediction step (scores, the
  hidden gradient, the output update) plus the gathers and scatters;
* bytes: the input and output rows touched per word, each read and written
  once (4 bytes x dim x 2).

and prints the rate the FLOPs would allow at one core's peak, and the share of
that peak reached. The bytes per word, against the rows per second a core
can fetch from memory, say whether bandwidth could bind: most rows (frequent
words, the Huffman nodes near the root) come from the caches, so the rate of
rows touched can exceed memory bandwidth, and what binds is the latency of the
rows that miss.

    python benchmarks/kernels.py                              # all four kinds, 2M tokens
    python benchmarks/kernels.py --kinds sg-ns --tokens 1000000 --repeat 5
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wordvec import Word2Vec
from wordvec.engine.cpu import kernel
from wordvec.engine.tables import build_tables
from wordvec.params import noise_exponent
from wordvec.text.ids import iter_chunks
from wordvec.text.scan import scan_corpus

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
KINDS = {"sg-ns": ("skipgram", "negative"), "cbow-ns": ("cbow", "negative"),
         "sg-hs": ("skipgram", "hierarchical"), "cbow-hs": ("cbow", "hierarchical")}
# fastText's model with vs_fasttext.py's settings (its bags and 2M bucket rows; not counted by limits())
SUBWORDS = {"sg-ns-subwords": ("skipgram", "negative")}


def setup(kind: str, corpus: Path, workdir: Path, dim: int, tokens: int, chunk: int = 10_000):
    arch, loss = {**KINDS, **SUBWORDS}[kind]
    subwords = {"subwords": True, "min_n": 3, "max_n": 6, "buckets": 2_000_000, "sample": 1e-4} if kind in SUBWORDS else {}
    model = Word2Vec(**{"vector_size": dim, "window": 5, "negative": 5, "min_count": 5, "sample": 1e-3, "arch": arch,
                        "loss": loss, "workers": 1, "progress": False, **subwords})
    scanned = scan_corpus(corpus, workdir, 5, None, name=f"{kind}.ids")
    vocab = scanned.vocab
    tables = build_tables(vocab.counts, vocab.keep_probability(model.sample), noise_exponent(model.get_params()),
                          loss == "hierarchical")
    weights, progress = model._initial_state(vocab, 1, None)
    chunks = [c.copy() for _, c in iter_chunks(scanned.ids, chunk)]
    every = max(1, len(chunks) * chunk // max(tokens, 1))
    chunks = chunks[::every]  # spread over the corpus
    return model, weights, tables, progress.states, chunks, vocab


def limits(kind: str, tables, vocab, dim: int, window: int = 5, negative: int = 5) -> tuple[float, float]:
    """(FLOPs, bytes) per corpus word, counted from the tables (expected values)."""
    arch, loss = KINDS[kind]
    freq = vocab.counts / vocab.counts.sum()
    keep = float(np.sum(freq * tables.keep_prob))  # kept fraction
    m = keep * 2 * (window + 1) / 2  # mean context of a kept word: reach uniform on 1..window, kept neighbours
    k = float(np.sum(freq * tables.keep_prob * tables.lengths) / keep) if loss == "hierarchical" else negative + 1
    hidden = m if arch == "skipgram" else 1.0
    flops = keep * (3 * 2 * hidden * k * dim + 2 * 2 * m * dim)
    rows = keep * (m + k)
    return flops, rows * dim * 4 * 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--tokens", type=int, default=2_000_000)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gflops", type=float, default=2.45 * 32, help="peak FLOP/s of one core, 1e9 "
                        "(default: 2.45 GHz x two 8-wide FMA units)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus
        print(f"# {time.strftime('%Y-%m-%d')}, 1 thread, {args.tokens:,} tokens spread over {args.corpus.name} "
              f"(its whole vocabulary), dim {args.dim}, "
              f"window 5, negative 5, sample 1e-3; best of {args.repeat}")
        print("| kind | words/s | GFLOP/s | share of FLOP peak | GB/s of rows touched | FLOPs/word | bytes/word | "
              "FLOP-bound words/s |")
        print("|---" * 8 + "|")
        for kind in args.kinds.split(","):
            model, weights, tables, states, chunks, vocab = setup(kind, corpus, Path(tmp), args.dim, args.tokens)
            settings = model._kernel_settings()
            kernel.train_chunk(chunks[0][:100], weights, tables, settings, 0.0, 0.0, states, 0)  # compile
            best = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                words = sum(kernel.train_chunk(c, weights, tables, settings, 0.025, 0.0001, states, 0)[2]
                            for c in chunks)
                best = min(best, time.perf_counter() - start)
            rate = words / best
            if kind in SUBWORDS:  # the bags' rows are not in the model of limits()
                print(f"| {kind} | {rate:,.0f} |" + " - |" * 6, flush=True)
                continue
            flops, nbytes = limits(kind, tables, vocab, args.dim)
            print(f"| {kind} | {rate:,.0f} | {rate * flops / 1e9:.1f} | {rate * flops / 1e9 / args.gflops:.0%} | "
                  f"{rate * nbytes / 1e9:.2f} | {flops:,.0f} | {nbytes:,.0f} | {args.gflops * 1e9 / flops:,.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()
