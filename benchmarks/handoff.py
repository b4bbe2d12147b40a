"""How far apart this machine's cores are now: the time a cache line takes to pass from one to another.

Two threads pass a counter back and forth through one cache line, each waiting
(spinning on an atomic load) for the other's increment; the time per one-way
pass is the latency of moving a written line between the two cores. On the
project's 2-core KVM guest it is about 25-35 ns when the host runs the two
virtual CPUs on cores that share an L3, and 160-175 ns when it places them
apart; in the second state two threads training on shared weights ran no
faster than one (BENCHMARKS.md, 2026-12-06 night), so a speed figure means
little without it. ``vs_gensim.py`` prints it beside each wordvec run.

    python benchmarks/handoff.py             # one figure, in ns
    python benchmarks/handoff.py --every 5   # one every 5 s until interrupted
"""

from __future__ import annotations

import argparse
import threading
import time

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

SPIN_LIMIT = 1 << 26  # loads a waiting thread makes before it gives up (the other is not running)


def _pointer(context, builder, array_type, array, index):
    return cgutils.get_item_pointer(context, builder, array_type, context.make_array(array_type)(
        context, builder, array), [index])


@intrinsic
def _load_acquire(typingctx, array, index):
    """``array[index]`` (int64) read with acquire ordering: never hoisted out of a loop."""
    def codegen(context, builder, signature, args):
        pointer = _pointer(context, builder, signature.args[0], args[0], args[1])
        return builder.load_atomic(pointer, "acquire", 8)
    return types.int64(array, types.intp), codegen


@intrinsic
def _store_release(typingctx, array, index, value):
    """``array[index] = value`` (int64) with release ordering."""
    def codegen(context, builder, signature, args):
        pointer = _pointer(context, builder, signature.args[0], args[0], args[1])
        builder.store_atomic(args[2], pointer, "release", 8)
        return context.get_dummy_value()
    return types.void(array, types.intp, types.int64), codegen


@njit(nogil=True, cache=True)
def _pass(line, n, side):
    """Side 0 writes the odd counts, side 1 the even ones, each after the other's; returns False
    if a wait ran past SPIN_LIMIT loads."""
    for i in range(n):
        want, give = 2 * i + side, 2 * i + side + 1
        spins = 0
        while _load_acquire(line, 8) != want:
            spins += 1
            if spins > SPIN_LIMIT:
                _store_release(line, 0, 1)  # tells the other side to stop too
                return False
            if _load_acquire(line, 0) != 0:
                return False
        _store_release(line, 8, give)
    return True


def handoff_ns(n: int = 50_000) -> float:
    """Nanoseconds a written cache line takes to pass between the two threads' cores (median of three
    runs of ``n`` round trips); nan when the two threads could not run at the same time."""
    figures = []
    for _ in range(3):
        line = np.zeros(16, dtype=np.int64)  # [8]: the counter, on a line of its own; [0]: stop
        done = [False, False]

        def side(s: int) -> None:
            done[s] = _pass(line, n, s)

        other = threading.Thread(target=side, args=(1,))
        start = time.perf_counter()
        other.start()
        side(0)
        other.join()
        seconds = time.perf_counter() - start
        figures.append(seconds * 1e9 / (2 * n) if all(done) else float("nan"))
    return float(np.median(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=float, help="repeat every this many seconds")
    args = parser.parse_args()
    handoff_ns(1000)  # compiles
    while True:
        print(f"{time.strftime('%H:%M:%S')} {handoff_ns():.1f} ns", flush=True)
        if not args.every:
            return
        time.sleep(args.every)


if __name__ == "__main__":
    main()
