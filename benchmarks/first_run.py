"""What a newcomer meets: the first and later `wordvec train` runs after a fresh install.

Installs this tree twice, each time with `pip install` into a fresh virtual
environment (with the kernels precompiled, as `pip install .` does, and with
WORDVEC_PRECOMPILE=0, the way every numba package ships), and times `wordvec
train` three times on the first ``--tokens`` tokens of the corpus, 2 threads,
1 epoch. The first run's
excess over the later ones is what compiling costs. Needs the package index
(pip installs numpy, numba, ... into the new environments).

    python benchmarks/first_run.py [--tokens 1000000]
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def _prefix(corpus: Path, tokens: int, out: Path) -> int:
    n = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as f, open(out, "w", encoding="utf-8") as g:
        for line in f:
            g.write(line)
            n += len(line.split())
            if n >= tokens:
                break
    return n


def _install(tmp: Path, name: str, precompile: bool) -> tuple[Path, float]:
    """A fresh venv with ``pip install`` of this tree, as a newcomer runs it; returns (its bin, install seconds)."""
    env = dict(os.environ, WORDVEC_PRECOMPILE="1" if precompile else "0")
    env.pop("NUMBA_CACHE_DIR", None)
    venv = tmp / f"venv-{name}"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    start = time.perf_counter()
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(ROOT)], env=env, check=True, capture_output=True)
    return venv / "bin", time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--tokens", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        n = _prefix(args.corpus, args.tokens, tmp / "corpus.txt")
        print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores; wordvec train on {n:,} tokens of "
              f"{args.corpus.name}, 2 threads, 1 epoch, in fresh virtual environments")
        print("| install | pip install s | run 1 s | later runs s | first run's excess s |")
        print("|---|---|---|---|---|")
        for name, precompile in (("precompiled (pip install .)", True), ("WORDVEC_PRECOMPILE=0", False)):
            bin_dir, install = _install(tmp, name.split()[0], precompile)
            env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
            times = []
            for i in range(args.runs):
                start = time.perf_counter()
                subprocess.run([str(bin_dir / "wordvec"), "train", str(tmp / "corpus.txt"), "-o",
                                str(tmp / f"model{i}.npz"), "--workers", "2", "--epochs", "1"], env=env,
                               check=True, capture_output=True, cwd=tmp)
                times.append(time.perf_counter() - start)
            later = min(times[1:])
            print(f"| {name} | {install:.1f} | {times[0]:.2f} | {', '.join(f'{t:.2f}' for t in times[1:])} | "
                  f"{times[0] - later:+.2f} |", flush=True)


if __name__ == "__main__":
    main()
