"""The row arithmetic of the ranks' exchanges: numpy's expressions (as distributed.py had them)
against ``training.exchange``'s compiled passes, on mix8m's vocabulary and its hot rows at 4 and 8
ranks (SG-NS defaults, sync_words 262,144). The MPI allreduce itself is left out: this is what
each exchange costs a rank's main thread besides it. Under ``mpiexec``, ``--blocks`` times instead
the whole exchange with its allreduce (``exchange.add_up``), a block of rows at a time for
each block size given (as many rows as the vocabulary: the whole matrix at once).

    python benchmarks/exchange.py [--corpus ../shared/data/corpus/mix8m.txt.gz]
    mpiexec -n 2 python benchmarks/exchange.py --blocks 1024,2048,4096,8192,60211
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import numpy as np

from wordvec import Word2Vec
from wordvec.engine.contract import Weights
from wordvec.engine.tables import build_tables
from wordvec.text.scan import scan_corpus
from wordvec.training import distributed
from wordvec.training.exchange import add_up, apply_hot, apply_sum, changes, hot_changes

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def numpy_hot(current, last, rows, scale):
    mine = current[rows] - last[rows]
    summed = mine.copy()  # (the allreduce would add the other ranks' here)
    summed *= scale
    last[rows] += summed
    current[rows] += summed - mine


def numpy_whole(current, last, delta, scale):
    np.subtract(current, last, out=delta)
    if scale is not None:
        delta *= scale
    last += delta
    current[:] = last


def median_ms(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def blocked(sizes: list[int], rows: int, dim: int, repeats: int = 20) -> None:
    """Under mpiexec: ms per whole exchange of two rows x dim matrices (each rank changed every row),
    a block of each size at a time, the ranks starting each exchange together."""
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    rng = np.random.default_rng(comm.Get_rank())
    matrices = [rng.random((rows, dim), dtype=np.float32) for _ in range(2)]
    last = [m.copy() for m in matrices]

    def allreduce(block):
        comm.Allreduce(MPI.IN_PLACE, block, op=MPI.SUM)

    if comm.Get_rank() == 0:
        print(f"# {time.strftime('%Y-%m-%d')}, {comm.Get_size()} ranks, two {rows:,} x {dim} matrices, median of "
              f"{repeats}\n| rows a block | ms an exchange |\n|---|---|")
    for size in sizes:
        buffer = np.empty((min(size, rows), dim), dtype=np.float32)
        times = []
        for _ in range(repeats + 1):  # the first loads (or compiles) the passes
            for m in matrices:
                m += 1e-3
            comm.Barrier()
            start = time.perf_counter()
            for current, old in zip(matrices, last):
                add_up(current, old, None, None, buffer, allreduce)
            times.append(time.perf_counter() - start)
        if comm.Get_rank() == 0:
            print(f"| {size:,} | {1e3 * float(np.median(times[1:])):.1f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--blocks", help="under mpiexec: block sizes in rows, comma-separated")
    parser.add_argument("--rows", type=int, default=60_211, help="with --blocks: the matrices' rows (mix8m's words)")
    args = parser.parse_args()
    if args.blocks:
        return blocked([int(b) for b in args.blocks.split(",")], args.rows, Word2Vec().vector_size)
    with tempfile.TemporaryDirectory() as tmp:
        scanned = scan_corpus(args.corpus, Path(tmp), 5, None, name=None, workers=2)
        scanned.ids.close()
    vocab = scanned.vocab
    model = Word2Vec()
    tables = build_tables(vocab.counts, vocab.keep_probability(model.sample), 0.75, False)
    rng = np.random.default_rng(0)
    matrices = [rng.random((len(vocab), model.vector_size), dtype=np.float32) for _ in range(2)]
    weights = Weights(*matrices, None, None)
    rates = distributed.update_rates(vocab.counts, tables, model._kernel_settings(), weights)
    print(f"# {time.strftime('%Y-%m-%d')}, {args.corpus.name}: {len(vocab):,} words, "
          f"dim {model.vector_size}")
    print("| ranks | hot rows (in / out) | numpy hot ms | compiled hot ms | numpy whole ms "
          "| compiled whole ms |")
    print("|---|---|---|---|---|---|")
    for ranks in (4, 8):
        words = scanned.n_words / ranks
        between = words / math.ceil(words / model.sync_words)
        hot = [np.flatnonzero(r * between >= distributed.HOT_UPDATES) for r in rates]
        scales = [distributed.damping(r, between, ranks) for r in rates]
        last = [m.copy() for m in matrices]
        buffers = [np.empty((2, len(h), model.vector_size), dtype=np.float32) for h in hot]
        deltas = [np.empty_like(m) for m in matrices]

        def numpy_hots():
            for current, old, rows, scale in zip(matrices, last, hot, scales):
                numpy_hot(current, old, rows, scale[rows])

        def compiled_hots():
            for current, old, rows, scale, (mine, summed) in zip(matrices, last, hot, scales, buffers):
                hot_changes(current, old, rows, mine, summed)
                apply_hot(current, old, rows, mine, summed, scale[rows])

        def numpy_wholes():
            for current, old, delta, scale in zip(matrices, last, deltas, scales):
                numpy_whole(current, old, delta, scale)

        every = np.arange(len(vocab))

        def compiled_wholes():
            for current, old, delta, scale in zip(matrices, last, deltas, scales):
                changes(current, old, every, delta)
                apply_sum(current, old, every, delta, scale)

        compiled_hots(), compiled_wholes()  # loaded (or compiled) before timing
        figures = [median_ms(work, repeats) for work, repeats in
                   ((numpy_hots, 50), (compiled_hots, 50), (numpy_wholes, 10), (compiled_wholes, 10))]
        print(f"| {ranks} | {len(hot[0]):,} / {len(hot[1]):,} | " + " | ".join(f"{f:.1f}" for f in figures)
              + " |")


if __name__ == "__main__":
    main()
