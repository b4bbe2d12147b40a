"""The row arithmetic of the ranks' exchanges: numpy's expressions (as distributed.py had them)
against ``training.exchange``'s compiled passes, on mix8m's vocabulary and its hot rows at 4 and 8
ranks (SG-NS defaults, sync_words 262,144). The MPI allreduce itself is left out: this is what
each exchange costs a rank's main thread besides it.

    python benchmarks/exchange.py [--corpus ../shared/data/corpus/mix8m.txt.gz]
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
from wordvec.training.exchange import apply_hot, apply_whole, changes, hot_changes

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    args = parser.parse_args()
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

        def compiled_wholes():
            for current, old, delta, scale in zip(matrices, last, deltas, scales):
                changes(current, old, delta)
                apply_whole(current, old, delta, scale)

        compiled_hots(), compiled_wholes()  # loaded (or compiled) before timing
        figures = [median_ms(work, repeats) for work, repeats in
                   ((numpy_hots, 50), (compiled_hots, 50), (numpy_wholes, 10), (compiled_wholes, 10))]
        print(f"| {ranks} | {len(hot[0]):,} / {len(hot[1]):,} | " + " | ".join(f"{f:.1f}" for f in figures)
              + " |")


if __name__ == "__main__":
    main()
