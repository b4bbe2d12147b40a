"""One kernel against another: this tree's CPU kernel against a git revision's, paired and interleaved.

The machine this project measures on drifts by 10-30% from minute to minute, so
two whole runs minutes apart cannot show a 5% change. Here each round runs the
old and the new kernel in two child processes, one right after the other (the
order alternating), on the same chunks (``--tokens`` spread over the corpus
with its whole vocabulary) from the same starting weights (one warm pass
trains them, and compiles, before the clock starts), timing process time of
the kernel alone, one thread (or, with ``--threads N``, the wall time of N
threads sharing the weights, each training every Nth chunk). It prints each
round's times and the median of the rounds' ratios (old over new: above 1, the
new kernel is faster). Processes started one after another on this project's
machine differ by more than a 5% change; ``--one-process`` runs both kernels in
one process instead (the old package copied under another name), alternating on
the same weights.

    python benchmarks/kernel_ab.py --rev HEAD~1                       # SG-NS, 8 rounds
    python benchmarks/kernel_ab.py --rev b97f227 --kinds sg-ns,cbow-ns --rounds 6
    python benchmarks/kernel_ab.py --rev HEAD~1 --kinds sg-ns-subwords --threads 2 --rounds 20
    python benchmarks/kernel_ab.py --rev HEAD~1 --kinds sg-hs --one-process --rounds 12
    python benchmarks/kernel_ab.py --old .old/main --kinds cbow-ns --one-process --threads 16   # no git there
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def child(root: Path, kind: str, corpus: Path, tokens: int, threads: int) -> None:
    """Time the kernel of the package under ``root``; print {"seconds", "loss"} as JSON."""
    sys.path.insert(0, str(root))
    importlib.import_module("wordvec")  # binds the package to root's tree before kernels.py puts this one first
    from kernels import setup

    from wordvec.engine.cpu import kernel
    from wordvec.engine.cpu.rng import new_state

    with tempfile.TemporaryDirectory() as tmp:
        model, weights, tables, states, chunks, _ = setup(kind, corpus, Path(tmp), 100, tokens)
    settings = model._kernel_settings()
    for c in chunks:  # compiles, and trains the weights once
        kernel.train_chunk(c, weights, tables, settings, 0.025, 0.0001, states, 0)
    states = new_state(7, threads)  # a random stream per thread
    with ThreadPoolExecutor(threads) as pool:
        seconds, loss = timed(kernel, weights, tables, settings, states, chunks, pool, threads)
    print(json.dumps({"seconds": seconds, "loss": loss}))


def timed(kernel, weights, tables, settings, states, chunks, pool, threads: int) -> tuple[float, float]:
    """(seconds, summed loss) of ``kernel`` over ``chunks``: process time on one thread, else the
    wall time of ``threads`` threads of ``pool``, thread t training chunks t, t + threads, ..."""
    def part(t: int) -> float:
        return sum(kernel.train_chunk(c, weights, tables, settings, 0.025, 0.0001, states, t)[0]
                   for c in chunks[t::threads])
    clock = time.process_time if threads == 1 else time.perf_counter
    start = clock()
    loss = part(0) if threads == 1 else sum(pool.map(part, range(threads)))
    return clock() - start, loss


def checkout(rev: str, into: Path) -> Path:
    """The tree of ``rev`` (its ``wordvec`` package) extracted under ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "wordvec"], capture_output=True, check=True)
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def copied(tree: Path, into: Path) -> Path:
    """The ``wordvec`` package of ``tree`` copied under ``into`` (without compiled caches)."""
    if not (tree / "wordvec").is_dir():
        sys.exit(f"--old {tree}: no wordvec package there")
    shutil.copytree(tree / "wordvec", into / "wordvec", ignore=shutil.ignore_patterns("__pycache__"))
    return into


def run(root: Path, kind: str, args) -> dict:
    cmd = [sys.executable, __file__, "--child", str(root), "--kinds", kind, "--corpus", str(args.corpus),
           "--tokens", str(args.tokens), "--threads", str(args.threads)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{kind} under {root} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def in_children(old: Path, kind: str, args):
    """Each round's (old, new) seconds, each kernel in a child process of its own."""
    for r in range(args.rounds):
        order = [("old", old), ("new", ROOT)] if r % 2 == 0 else [("new", ROOT), ("old", old)]
        t = {name: run(root, kind, args)["seconds"] for name, root in order}
        yield t["old"], t["new"]


def renamed(root: Path, name: str = "wordvec_old") -> Path:
    """``root``'s package moved to ``root/name`` and every ``wordvec`` in its sources renamed, so that
    it imports beside this tree's package in one process; returns ``root``."""
    (root / "wordvec").rename(root / name)
    for path in (root / name).rglob("*.py"):
        path.write_text(re.sub(r"\bwordvec\b", name, path.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def in_one_process(old: Path, kind: str, args):
    """Each round's (old, new) seconds, both kernels in this process (the old one ``renamed``) on the
    same chunks from the same weights: no difference between processes (memory placement, the
    machine's state when each started) enters the ratio."""
    if str(old) not in sys.path:
        sys.path.append(str(old))
    from kernels import setup

    from wordvec.engine.cpu import kernel as new_kernel
    from wordvec.engine.cpu.rng import new_state

    old_kernel = importlib.import_module("wordvec_old.engine.cpu.kernel")
    with tempfile.TemporaryDirectory() as tmp:
        model, weights, tables, _, chunks, _ = setup(kind, args.corpus, Path(tmp), 100, args.tokens)
    settings, states = model._kernel_settings(), new_state(7, args.threads)
    for kernel in (old_kernel, new_kernel):  # compiles both, and trains the weights
        for c in chunks:
            kernel.train_chunk(c, weights, tables, settings, 0.025, 0.0001, states, 0)
    start_in, start_out = weights.vectors_in.copy(), weights.vectors_out.copy()
    with ThreadPoolExecutor(args.threads) as pool:
        for r in range(args.rounds):
            order = [("old", old_kernel), ("new", new_kernel)]
            t = {}
            for name, kernel in order if r % 2 == 0 else order[::-1]:
                weights.vectors_in[:], weights.vectors_out[:] = start_in, start_out
                t[name] = timed(kernel, weights, tables, settings, states, chunks, pool, args.threads)[0]
            yield t["old"], t["new"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rev", default="HEAD", help="the git revision of the old kernel")
    parser.add_argument("--old", type=Path, help="instead of --rev: a directory holding the old wordvec package "
                        "(for a machine without git, as device.sh's .old/main)")
    parser.add_argument("--kinds", default="sg-ns")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--tokens", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=1, help="1: process time, else wall time")
    parser.add_argument("--one-process", action="store_true", help="both kernels in this process")
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.kinds, args.corpus, args.tokens, args.threads)
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} is absent; the benchmark needs ../shared/data")
    with tempfile.TemporaryDirectory() as tmp:
        old = copied(args.old, Path(tmp)) if args.old else checkout(args.rev, Path(tmp))
        rounds = in_one_process if args.one_process else in_children
        if args.one_process:
            renamed(old)
        print(f"# {time.strftime('%Y-%m-%d %H:%M')}, {args.threads} thread(s), {args.tokens:,} tokens over "
              f"{args.corpus.name}; old: {args.old or args.rev}, new: this tree; "
              f"{'one process' if args.one_process else 'a process each'}")
        for kind in args.kinds.split(","):
            ratios = []
            for r, (t_old, t_new) in enumerate(rounds(old, kind, args)):
                ratios.append(t_old / t_new)
                print(f"{kind} round {r}: old {t_old:.3f} s, new {t_new:.3f} s, old/new {ratios[-1]:.3f}",
                      flush=True)
            print(f"| {kind} | new kernel {statistics.median(ratios):.3f}x the old one's speed (median of "
                  f"{len(ratios)} rounds, {min(ratios):.3f}-{max(ratios):.3f}) |", flush=True)


if __name__ == "__main__":
    main()
