"""Where thread scaling goes: the kernel on private weights, on shared weights, and the whole fit.

For each thread count N it prints three rates, in words/s of all threads together:

* private: each thread trains its own copy of the weights, so no row is shared.
  This is what the machine gives N threads of this kernel (cores or hyperthreads,
  memory bandwidth, clock): the ceiling for Hogwild.
* shared: the threads train one set of weights, as a fit does. What it loses
  against private is the cost of contention on shared rows (cache lines moving
  between cores).
* fit (with --fit): ``Word2Vec.fit`` with ``workers=N``, one epoch of the whole
  corpus, its training rate (``words_per_second_``). What it loses against shared
  is the loop's: the chunk producer, the queue, the end-of-epoch barrier.

Each thread trains the same number of words (weak scaling), chunks spread over
the corpus; the kernels are compiled before any clock starts.

    python benchmarks/scaling.py --threads 1,2,4,8,16 --kinds sg-ns,cbow-ns --fit
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from kernels import DATA, KINDS, setup  # noqa: E402

from wordvec import Word2Vec  # noqa: E402
from wordvec.engine.contract import Weights  # noqa: E402
from wordvec.engine.cpu import CpuBackend  # noqa: E402
from wordvec.engine.cpu.rng import new_state  # noqa: E402


def kernel_rate(threads: int, weights: list[Weights], tables, settings, chunks, per_thread: int) -> float:
    """Words/s of ``threads`` threads, thread k training ``weights[k % len(weights)]`` through a
    ``CpuBackend`` of ``threads`` streams (its rule for hierarchical softmax's top-node copies)."""
    backends = [CpuBackend(w, tables, settings, new_state(1, threads)) for w in weights[:threads]]
    barrier, words = threading.Barrier(threads + 1), [0] * threads

    def work(k: int) -> None:
        mine = [chunks[(k * per_thread + i) % len(chunks)] for i in range(per_thread)]
        backend = backends[k % len(backends)]
        barrier.wait()
        for c in mine:
            words[k] += backend.train_chunk(c, 0.025, 0.0001, k).words

    pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in pool:
        t.join()
    return sum(words) / (time.perf_counter() - start)


def fit_rate(kind: str, corpus: Path, threads: int) -> float:
    arch, loss = KINDS[kind]
    model = Word2Vec(vector_size=100, window=5, negative=5, min_count=5, sample=1e-3, arch=arch, loss=loss,
                     epochs=1, workers=threads, progress=False).fit(corpus)
    return model.words_per_second_


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--kinds", default="sg-ns,cbow-ns")
    parser.add_argument("--words", type=int, default=500_000, help="words each thread trains")
    parser.add_argument("--fit", action="store_true", help="also time Word2Vec.fit for one epoch")
    args = parser.parse_args()
    sweep = [int(t) for t in args.threads.split(",")]
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {args.corpus.name}, dim 100, window 5, "
          f"negative 5, sample 1e-3; kernel: {args.words:,} words per thread in chunks of 10,000")
    print("| kind | threads | private words/s | shared words/s | fit words/s | private, over 1 thread | "
          "shared over private | fit over shared |")
    print("|---" * 8 + "|")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds.split(","):
            model, weights, tables, _, chunks, _ = setup(kind, args.corpus, Path(tmp), 100, 10**9)
            settings = model._kernel_settings()
            kernel_rate(1, [weights], tables, settings, chunks[:1], 1)  # compile
            per_thread = max(1, args.words // 10_000)
            copies = [Weights(weights.vectors_in.copy(), weights.vectors_out.copy(), None, None)
                      for _ in range(max(sweep))]
            base = None
            for n in sweep:
                private = kernel_rate(n, copies, tables, settings, chunks, per_thread)
                shared = kernel_rate(n, [copies[0]], tables, settings, chunks, per_thread)
                fit = fit_rate(kind, args.corpus, n) if args.fit else float("nan")
                base = base or private / n
                print(f"| {kind} | {n} | {private:,.0f} | {shared:,.0f} | {fit:,.0f} | {private / base:.2f}x | "
                      f"{shared / private:.2f} | {fit / shared:.2f} |", flush=True)


if __name__ == "__main__":
    main()
