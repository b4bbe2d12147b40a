"""The vocabulary scan with 1, 2, ... threads on the same corpus, interleaved: tokens/s,
and whether every run gives the same vocabulary, counts and id file.

    python benchmarks/scan.py [--threads 1,2] [--repeats 3] [--corpus ../shared/data/corpus/mix8m.txt.gz]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from wordvec.text.scan import scan_corpus

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        scan_corpus(args.corpus, Path(tmp), 5, None, name="warm.ids")  # compiles the tokenizer
        times, first = {t: [] for t in threads}, None
        for _ in range(args.repeats):
            for t in threads:
                start = time.perf_counter()
                result = scan_corpus(args.corpus, Path(tmp), 5, None, name="ids", workers=t)
                times[t].append(time.perf_counter() - start)
                key = (result.vocab.words, result.vocab.counts.tolist(), result.crc32, result.n_ids)
                same = first is None or key == first
                first = first or key
                if not same:
                    raise SystemExit(f"{t} threads gave another vocabulary or id file")
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {args.corpus.name}: {result.n_tokens:,} tokens, "
          f"{len(result.vocab):,} words kept; every run gave the same vocabulary, counts and ids")
    for t in threads:
        best = min(times[t])
        print(f"{t:3d} threads: best {best:.2f} s ({result.n_tokens / best / 1e6:.2f} M tokens/s), "
              f"all {', '.join(f'{x:.2f}' for x in times[t])}; {min(times[threads[0]]) / best:.2f}x over {threads[0]}")


if __name__ == "__main__":
    main()
