"""Peak RSS of wordvec on mix8m and on mix8m four times over: memory must not grow with the corpus.

With the same min_count the fourfold corpus has a larger vocabulary (a word seen
twice in mix8m is seen eight times in it), and the vocabulary's weights grow
with it; min_count 20 on the fourfold corpus keeps exactly mix8m's vocabulary
and isolates the effect of the corpus length.

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


def child(corpus: str, epochs: int, workers: int, min_count: int) -> None:
    from wordvec import Word2Vec

    start = time.perf_counter()
    model = Word2Vec(epochs=epochs, workers=workers, min_count=min_count, progress=False).fit(corpus)
    print(json.dumps({"seconds": time.perf_counter() - start, "words": model.vocab_.total,
                      "vocab": len(model.wv),
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def measure(corpus: Path, args, min_count: int = 5) -> dict:
    cmd = [sys.executable, __file__, "--child", str(corpus), "--epochs", str(args.epochs),
           "--workers", str(args.workers), "--min-count", str(min_count)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--min-count", type=int, default=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.epochs, args.workers, args.min_count)
    with tempfile.TemporaryDirectory() as tmp:
        fourfold = Path(tmp) / "mix8m-x4.txt.gz"
        with open(fourfold, "wb") as out:
            for _ in range(4):
                with open(args.corpus, "rb") as part:
                    shutil.copyfileobj(part, out)
        runs = {"mix8m, min_count 5": measure(args.corpus, args),
                "mix8m x4, min_count 5": measure(fourfold, args),
                "mix8m x4, min_count 20 (the same vocabulary)": measure(fourfold, args, min_count=20)}
    print("| corpus | vocabulary | words per epoch | wall s | peak RSS MB | RSS vs mix8m |\n|---|---|---|---|---|---|")
    base = runs["mix8m, min_count 5"]["peak_mb"]
    for name, r in runs.items():
        print(f"| {name} | {r['vocab']:,} | {r['words']:,} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | "
              f"{100 * (r['peak_mb'] / base - 1):+.1f}% |")


if __name__ == "__main__":
    main()
