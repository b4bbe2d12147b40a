"""Borrowed arrays: the same memory, with no reference count for numba to update."""

from typing import NamedTuple

import numpy as np
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from wordvec.engine.cpu.borrow import borrowed, keep


class Pair(NamedTuple):
    a: np.ndarray
    b: np.ndarray | None
    n: int


@intrinsic
def _counted(typingctx, array):
    """Whether numba counts references to ``array`` (its meminfo pointer is not null)."""
    def codegen(context, builder, sig, args):
        meminfo = context.make_array(sig.args[0])(context, builder, value=args[0]).meminfo
        return builder.icmp_unsigned("!=", meminfo, cgutils.get_null_value(meminfo.type))
    return types.boolean(array), codegen


@njit
def _counts(pair):
    lent = borrowed(pair)
    return _counted(pair.a), _counted(lent.a), lent.b is None, lent.n


@njit
def _bump(pair):
    lent = borrowed(pair)
    for i in range(lent.a.shape[0]):
        lent.a[i] += lent.n


@njit
def _fill_own(n):
    owned = (np.empty(n), np.empty(n, dtype=np.int64))
    x, y = borrowed(owned)
    for i in range(n):
        x[i], y[i] = 0.5 * i, i
    for _ in range(50):  # allocations that would reuse the memory, were it already freed
        np.full(n, -1.0).sum()
    total = x.sum() + y.sum()
    keep(owned)
    return total


def test_a_borrowed_tuple_has_no_counts_and_keeps_its_other_members():
    assert _counts(Pair(np.zeros(3), None, 7)) == (True, False, True, 7)


def test_a_borrowed_array_writes_through_to_its_owner():
    a = np.zeros(4)
    _bump(Pair(a, None, 2))
    _bump(Pair(a, None, 3))
    np.testing.assert_array_equal(a, 5.0)


def test_arrays_kept_until_keep_are_not_freed_before():
    """Without the keep, numba frees ``owned`` once borrowed, and the sum comes out as garbage."""
    n = 1000
    assert _fill_own(n) == 0.5 * n * (n - 1) / 2 + n * (n - 1) / 2
