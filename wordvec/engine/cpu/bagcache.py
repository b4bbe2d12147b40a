"""With subwords, the input vectors of the words in the window's reach, each composed once.

A word of a line is a context of about window + 1 windows in a row, and its input
vector is the mean of its bag of rows (its own and its n-grams', ``Weights``),
10-30 of them. Composing it, and adding each window's gradient to every row of
its bag, for every window it is in, was two thirds of a subword kernel's time.
So the kernel keeps a ring of 2 window + 1 slots, one a position of the line:

* when position j comes within reach (j = pos + window), its vector v_j is
  composed into its slot and its pending change g_j set to zero;
* a window reads its contexts' vectors from their slots, and adds each
  context's gradient to both v_j (the mean of its rows moves by it: each row of
  the bag gets it) and g_j;
* when j leaves the reach (after window j + window), g_j is added to every row
  of its bag, once.

The rows end as if each window had updated them (fastText's update), except
where two words within one reach share a row (a word repeated, or a common
n-gram): each then sees the other's changes only once they are added, as
threads see each other's (Hogwild). Without bags (no subwords) the cache is
None, compiled away: contexts read and write their rows directly.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import overload

from wordvec.engine.cpu.prefetch import prefetch_row, prefetch_row_far
from wordvec.engine.cpu.vecops import (
    add_bag_mean,
    axpy_rows,
    copy_row,
    gather_bag,
    has_bags,
    scatter_bag,
    zero_row,
)


BAG_AHEAD = 4  # the bag of the word this many positions past the reach is prefetched into the L2


def context_cache(weights, window, dim):
    """``(vectors, pending)``, each (2 window + 1, dim) float32, with bags; None without."""


def cache_enter(cache, weights, sentence, length, pos, window):
    """Before window ``pos``: the position that left the reach adds its change to its rows, and
    the one that comes within reach (all of the first window's at ``pos`` 0) is composed."""


def cache_leave_line(cache, weights, sentence, length, window):
    """After a line's last window: the positions still cached add their changes to their rows."""


def read_input(weights, cache, words, where, i, y, j):
    """y[j] = the input vector of context ``i`` (word ``words[i]`` at line position ``where[i]``)."""


def add_input_mean(scale, weights, cache, words, where, i, y, j):
    """y[j] += scale * the input vector of context ``i``."""


def add_to_input(scale, x, k, weights, cache, words, where, i):
    """The input of context ``i`` += scale * x[k] (every row of its bag, now or when it leaves)."""


@overload(context_cache, inline="always")
def _context_cache(weights, window, dim):
    if not has_bags(weights):
        return lambda weights, window, dim: None

    def ring(weights, window, dim):
        return (np.zeros((2 * window + 1, dim), dtype=np.float32),
                np.zeros((2 * window + 1, dim), dtype=np.float32))
    return ring


@njit(cache=True, nogil=True, inline="always")
def _compose(cache, weights, sentence, j):
    vectors, pending = cache
    gather_bag(weights, sentence[j], vectors, j % vectors.shape[0])
    zero_row(pending, j % vectors.shape[0])


@njit(cache=True, nogil=True, inline="always")
def _prefetch_bag(weights, word, far):
    """Ask for the cache lines of every row of word's bag: they are scattered over the n-gram rows.
    ``far``: only into the L2, for a bag needed windows later (a bag is ~8 KB, the L1 32-64 KB)."""
    for b in range(weights.bag_indptr[word], weights.bag_indptr[word + 1]):
        if far:
            prefetch_row_far(weights.vectors_in, weights.bag_indices[b])
        else:
            prefetch_row(weights.vectors_in, weights.bag_indices[b])


@njit(cache=True, nogil=True, inline="always")
def _add_pending(cache, weights, sentence, j):
    pending = cache[1]
    scatter_bag(1.0, pending, j % pending.shape[0], weights, sentence[j])


@overload(cache_enter, inline="always")
def _cache_enter(cache, weights, sentence, length, pos, window):
    if isinstance(cache, types.NoneType):
        return lambda cache, weights, sentence, length, pos, window: None

    def enter(cache, weights, sentence, length, pos, window):
        if pos == 0:
            for j in range(min(window + 1, length)):
                _compose(cache, weights, sentence, j)
            return
        if pos - window - 1 >= 0:
            _add_pending(cache, weights, sentence, pos - window - 1)
        if pos + window < length:
            _compose(cache, weights, sentence, pos + window)
        if pos + window + BAG_AHEAD < length:
            _prefetch_bag(weights, sentence[pos + window + BAG_AHEAD], True)
        if pos + window + 1 < length:  # the next window's bags: the one it composes and the one it adds to
            _prefetch_bag(weights, sentence[pos + window + 1], False)
        if pos - window >= 0:
            _prefetch_bag(weights, sentence[pos - window], False)
    return enter


@overload(cache_leave_line, inline="always")
def _cache_leave_line(cache, weights, sentence, length, window):
    if isinstance(cache, types.NoneType):
        return lambda cache, weights, sentence, length, window: None

    def leave(cache, weights, sentence, length, window):
        for j in range(max(0, length - window - 1), length):
            _add_pending(cache, weights, sentence, j)
    return leave


@overload(read_input, inline="always", fastmath=True)
def _read_input(weights, cache, words, where, i, y, j):
    if isinstance(cache, types.NoneType):
        return lambda weights, cache, words, where, i, y, j: gather_bag(weights, words[i], y, j)

    def cached(weights, cache, words, where, i, y, j):
        copy_row(cache[0], where[i] % cache[0].shape[0], y, j)
    return cached


@overload(add_input_mean, inline="always", fastmath=True)
def _add_input_mean(scale, weights, cache, words, where, i, y, j):
    if isinstance(cache, types.NoneType):
        return lambda scale, weights, cache, words, where, i, y, j: add_bag_mean(scale, weights, words[i], y, j)

    def cached(scale, weights, cache, words, where, i, y, j):
        axpy_rows(scale, cache[0], where[i] % cache[0].shape[0], y, j)
    return cached


@overload(add_to_input, inline="always", fastmath=True)
def _add_to_input(scale, x, k, weights, cache, words, where, i):
    if isinstance(cache, types.NoneType):
        return lambda scale, x, k, weights, cache, words, where, i: scatter_bag(scale, x, k, weights, words[i])

    def cached(scale, x, k, weights, cache, words, where, i):
        slot = where[i] % cache[0].shape[0]
        axpy_rows(scale, x, k, cache[0], slot)
        axpy_rows(scale, x, k, cache[1], slot)
    return cached
