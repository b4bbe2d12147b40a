"""SIGKILL a training run at random moments and resume it each time.

    python benchmarks/kill_resume.py [--kills 10] [--repeats 3]

1. ``--repeats`` uninterrupted runs (skip-gram, 2 threads, mix8m): the
   run-to-run spread of analogy, WS353 and SimLex.
2. One run killed with SIGKILL ``--kills`` times at random moments, resumed with
   ``wordvec train ... --resume`` after each kill; after every kill, every
   checkpoint on disk must load. Its final quality must fall within the spread.
3. Resume cost: a run killed right after a checkpoint near the middle and
   resumed, against an uninterrupted run with the same checkpointing.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CORPUS = DATA / "corpus" / "mix8m.txt.gz"


def train_cmd(out: Path, checkpoints: Path | None, every: float) -> list[str]:
    cmd = [sys.executable, "-m", "wordvec", "train", str(CORPUS), "-o", str(out), "--workers", "2",
           "--no-progress"]
    if checkpoints is not None:
        cmd += ["--checkpoint-dir", str(checkpoints), "--checkpoint-every", str(every)]
    return cmd


def quality(model: Path) -> dict:
    from wordvec import KeyedVectors, evaluate

    return evaluate.report(KeyedVectors.load(model))


def all_checkpoints_load(directory: Path) -> int:
    from wordvec.io.checkpoints import list_checkpoints, load_checkpoint
    from wordvec.training.state import PREFIX

    paths = list_checkpoints(directory, PREFIX)
    for path in paths:
        load_checkpoint(path)  # raises on a damaged file
    return len(paths)


def killed_run(tmp: Path, kills: int, rng: random.Random) -> tuple[dict, float, list]:
    out, ck = tmp / "killed.npz", tmp / "killed-ck"
    log, start = [], time.perf_counter()
    for k in range(kills):
        cmd = train_cmd(out, ck, every=2.0) + (["--resume"] if k else [])
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delay = rng.uniform(1.0, 6.0)
        time.sleep(delay)
        if proc.poll() is not None:
            log.append((k + 1, delay, "finished before the kill"))
            break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        log.append((k + 1, round(delay, 2), f"{all_checkpoints_load(ck)} checkpoints, all readable"))
    done = subprocess.run(train_cmd(out, ck, every=2.0) + ["--resume"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"the final resume failed:\n{done.stderr[-2000:]}")
    return quality(out), time.perf_counter() - start, log


def resume_cost(tmp: Path) -> tuple[float, float]:
    """Seconds of an uninterrupted run with checkpoints every 3 s, and of a run killed
    right after its checkpoint nearest the middle, then resumed."""
    start = time.perf_counter()
    subprocess.run(train_cmd(tmp / "a.npz", tmp / "a-ck", 3.0), check=True, capture_output=True)
    whole = time.perf_counter() - start
    ck = tmp / "b-ck"
    start = time.perf_counter()
    proc = subprocess.Popen(train_cmd(tmp / "b.npz", ck, 3.0), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.perf_counter() - start < whole / 2 or not list(ck.glob("word2vec-*.npz")):
        time.sleep(0.01)
    seen = {p.name for p in ck.glob("word2vec-*.npz")}
    while {p.name for p in ck.glob("word2vec-*.npz")} <= seen:  # wait for the next checkpoint
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    subprocess.run(train_cmd(tmp / "b.npz", ck, 3.0) + ["--resume"], check=True, capture_output=True)
    return whole, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        runs = []
        for r in range(args.repeats):
            subprocess.run(train_cmd(tmp / f"u{r}.npz", None, 0), check=True, capture_output=True)
            runs.append(quality(tmp / f"u{r}.npz"))
        killed, seconds, log = killed_run(tmp, args.kills, rng)
        whole, interrupted = resume_cost(tmp)
    print(f"# {time.strftime('%Y-%m-%d')}: skip-gram, 2 threads, mix8m, defaults; checkpoints every 2 s")
    for name in ("analogy", "ws353", "simlex999"):
        values = [r[name] for r in runs]
        inside = min(values) <= killed[name] <= max(values)
        print(f"{name}: uninterrupted {min(values):.4f}..{max(values):.4f} (n={len(values)}), "
              f"killed {args.kills}x and resumed {killed[name]:.4f} ({'inside' if inside else 'OUTSIDE'} the spread)")
    for kill, delay, what in log:
        print(f"  kill {kill} after {delay} s: {what}")
    print(f"killed run: {seconds:.1f} s in all")
    print(f"resume cost: uninterrupted {whole:.1f} s, killed after a mid-run checkpoint and resumed "
          f"{interrupted:.1f} s ({100 * (interrupted / whole - 1):+.1f}%)")


if __name__ == "__main__":
    main()
