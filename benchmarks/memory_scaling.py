"""Peak RSS of wordvec on mix8m and on mix8m four times over: memory must not grow with the corpus.

    python benchmarks/memory_scaling.py [--epochs 1] [--workers 2]

The fourfold corpus is four gzip members of mix8m in one temporary file (valid
gzip). Each training runs in its own child process and reports its own peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def child(corpus: str, epochs: int, workers: int) -> None:
    from wordvec import Word2Vec

    start = time.perf_counter()
    model = Word2Vec(epochs=epochs, workers=workers, progress=False).fit(corpus)
    print(json.dumps({"seconds": time.perf_counter() - start, "words": model.vocab_.total,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def measure(corpus: Path, args) -> dict:
    cmd = [sys.executable, __file__, "--child", str(corpus), "--epochs", str(args.epochs),
           "--workers", str(args.workers)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.epochs, args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        fourfold = Path(tmp) / "mix8m-x4.txt.gz"
        with open(fourfold, "wb") as out:
            for _ in range(4):
                with open(args.corpus, "rb") as part:
                    shutil.copyfileobj(part, out)
        once, four = measure(args.corpus, args), measure(fourfold, args)
    print(f"| corpus | words per epoch | wall s | peak RSS MB |\n|---|---|---|---|")
    for name, r in (("mix8m", once), ("mix8m x4", four)):
        print(f"| {name} | {r['words']:,} | {r['seconds']:.1f} | {r['peak_mb']:.0f} |")
    print(f"peak RSS grows by {100 * (four['peak_mb'] / once['peak_mb'] - 1):+.1f}% for 4x the corpus")


if __name__ == "__main__":
    main()
