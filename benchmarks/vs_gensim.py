"""wordvec against gensim on the same corpus, settings and evaluation, in one run.

Each training runs in its own child process, so that peak RSS is its own; the
child times vocabulary scan plus training (wall clock), then evaluates the
vectors with the same code for both libraries. The parent prints a table and
the wordvec/gensim ratios.

    python benchmarks/vs_gensim.py                     # all four configurations
    python benchmarks/vs_gensim.py --configs sg-ns --workers 1

gensim is a benchmark-only dependency: pip install gensim.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CONFIGS = {
    "sg-ns": dict(arch="skipgram", loss="negative"),
    "cbow-ns": dict(arch="cbow", loss="negative"),
    "sg-hs": dict(arch="skipgram", loss="hierarchical"),
    "cbow-hs": dict(arch="cbow", loss="hierarchical"),
}


def train_wordvec(corpus: str, config: dict, workers: int, epochs: int, extra: dict):
    from wordvec import Word2Vec

    model = Word2Vec(vector_size=100, window=5, negative=5, min_count=5, sample=1e-3, epochs=epochs,
                     workers=workers, progress=False, **config, **extra).fit(corpus)
    return model.wv.words, model.wv.vectors, model.loss_history_


def train_gensim(corpus: str, config: dict, workers: int, epochs: int, extra: dict):
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    hs = config["loss"] == "hierarchical"
    model = Word2Vec(LineSentence(corpus), vector_size=100, window=5, min_count=5, sample=1e-3,
                     sg=int(config["arch"] == "skipgram"), hs=int(hs), negative=0 if hs else 5,
                     epochs=epochs, workers=workers, seed=1, **extra)
    return model.wv.index_to_key, model.wv.vectors, None


def evaluate(words, vectors) -> dict:
    """Analogy accuracy (top 30,000 words) and Spearman on WS353 and SimLex-999, by gensim's code."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(list(words), vectors)
    analogy, _ = kv.evaluate_word_analogies(str(DATA / "eval" / "questions-words.txt"), restrict_vocab=30000)
    ws = kv.evaluate_word_pairs(str(DATA / "eval" / "wordsim353.tsv"))[1][0]
    simlex = kv.evaluate_word_pairs(str(DATA / "eval" / "simlex999.txt"))[1][0]
    return {"analogy": analogy, "ws353": ws, "simlex": simlex}


def child(args) -> None:
    """Train one library on one configuration and print one JSON line."""
    config = CONFIGS[args.config]
    trainer = train_wordvec if args.library == "wordvec" else train_gensim
    extra = json.loads(args.extra)
    start = time.perf_counter()
    words, vectors, losses = trainer(str(args.corpus), config, args.workers, args.epochs, extra)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before evaluation
    result = {"seconds": seconds, "peak_mb": peak_mb, "vocab": len(words), "losses": losses,
              **evaluate(words, vectors)}
    print(json.dumps(result))


def run_child(library: str, config: str, args) -> dict:
    cmd = [sys.executable, __file__, "--child", library, "--config", config, "--corpus", str(args.corpus),
           "--workers", str(args.workers), "--epochs", str(args.epochs),
           "--extra", args.wordvec_extra if library == "wordvec" else "{}"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{library} {config} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--configs", default="sg-ns,cbow-ns,sg-hs,cbow-hs")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=None, help="tokens in the corpus, for words/s "
                        "(default: counted once)")
    parser.add_argument("--wordvec-extra", default="{}", help="JSON of extra Word2Vec arguments")
    parser.add_argument("--child", choices=["wordvec", "gensim"], help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--extra", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.library = args.child
        return child(args)
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} is absent; the benchmark needs ../shared/data")
    tokens = args.tokens or _count_tokens(args.corpus)
    print(f"# corpus {args.corpus.name}: {tokens:,} tokens; dim 100, window 5, negative 5, min_count 5, "
          f"sample 1e-3, {args.epochs} epochs, {args.workers} threads; wordvec extra {args.wordvec_extra}")
    header = "| config | library | wall s | words/s | peak RSS MB | analogy | WS353 | SimLex | loss per epoch |"
    print(header)
    print("|---" * 9 + "|")
    for config in args.configs.split(","):
        results = {lib: run_child(lib, config, args) for lib in ("wordvec", "gensim")}
        for lib, r in results.items():
            losses = ", ".join(f"{x:.3f}" for x in r["losses"]) if r["losses"] else "-"
            print(f"| {config} | {lib} | {r['seconds']:.1f} | {args.epochs * tokens / r['seconds']:,.0f} | "
                  f"{r['peak_mb']:.0f} | {r['analogy']:.4f} | {r['ws353']:.4f} | {r['simlex']:.4f} | {losses} |")
        w, g = results["wordvec"], results["gensim"]
        print(f"| {config} | **ratio** | **{g['seconds'] / w['seconds']:.2f}x faster** | | "
              f"{w['peak_mb'] / g['peak_mb']:.2f} | {w['analogy'] - g['analogy']:+.4f} | "
              f"{w['ws353'] - g['ws353']:+.4f} | {w['simlex'] - g['simlex']:+.4f} | |", flush=True)


def _count_tokens(path: Path) -> int:
    import gzip

    with gzip.open(path, "rt", encoding="utf-8") as f:
        return sum(len(line.split()) for line in f)


if __name__ == "__main__":
    main()
