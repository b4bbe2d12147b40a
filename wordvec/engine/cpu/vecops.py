"""Row operations on 2-D float arrays for kernels (inlined; numba vectorises the loops).

They take a matrix and a row index rather than a row view: creating views in a
hot loop costs reference counting, which threads sharing the weights would
contend on. Arithmetic stays in the arrays' precision (float32 for training
weights): a float64 scalar mixed in would convert every element.
"""

from __future__ import annotations

from numba import njit, types
from numba.extending import overload


@njit(cache=True, inline="always", fastmath=True)
def dot_rows(a, i, b, j):
    """a[i] . b[j]"""
    s = a.dtype.type(0.0)
    for d in range(a.shape[1]):
        s += a[i, d] * b[j, d]
    return s


@njit(cache=True, inline="always", fastmath=True)
def axpy_rows(alpha, x, i, y, j):
    """y[j] += alpha * x[i]"""
    a = y.dtype.type(alpha)
    for d in range(x.shape[1]):
        y[j, d] += a * x[i, d]


@njit(cache=True, inline="always", fastmath=True)
def dot_rows4(a, i, b, j0, j1, j2, j3):
    """(a[i] . b[j0], a[i] . b[j1], a[i] . b[j2], a[i] . b[j3]): a[i] read once for four products."""
    s0 = s1 = s2 = s3 = a.dtype.type(0.0)
    for d in range(a.shape[1]):
        x = a[i, d]
        s0 += x * b[j0, d]
        s1 += x * b[j1, d]
        s2 += x * b[j2, d]
        s3 += x * b[j3, d]
    return s0, s1, s2, s3


@njit(cache=True, inline="always", fastmath=True)
def dot_rows2(a, i, b, j0, j1):
    """(a[i] . b[j0], a[i] . b[j1]): a[i] read once for two products."""
    s0 = s1 = a.dtype.type(0.0)
    for d in range(a.shape[1]):
        x = a[i, d]
        s0 += x * b[j0, d]
        s1 += x * b[j1, d]
    return s0, s1


@njit(cache=True, inline="always", fastmath=True)
def axpy_rows2(a0, a1, x, i0, i1, y, j):
    """y[j] += a0 x[i0] + a1 x[i1]: y[j] read and written once for two updates."""
    t = y.dtype.type
    c0, c1 = t(a0), t(a1)
    for d in range(x.shape[1]):
        y[j, d] += c0 * x[i0, d] + c1 * x[i1, d]


@njit(cache=True, inline="always", fastmath=True)
def axpy_rows4(a0, a1, a2, a3, x, i0, i1, i2, i3, y, j):
    """y[j] += a0 x[i0] + a1 x[i1] + a2 x[i2] + a3 x[i3]: y[j] read and written once for four updates."""
    t = y.dtype.type
    c0, c1, c2, c3 = t(a0), t(a1), t(a2), t(a3)
    for d in range(x.shape[1]):
        y[j, d] += c0 * x[i0, d] + c1 * x[i1, d] + c2 * x[i2, d] + c3 * x[i3, d]


@njit(cache=True, inline="always", fastmath=True)
def copy_row(x, i, y, j):
    """y[j] = x[i]"""
    for d in range(x.shape[1]):
        y[j, d] = x[i, d]


@njit(cache=True, inline="always", fastmath=True)
def zero_row(y, j):
    """y[j] = 0"""
    for d in range(y.shape[1]):
        y[j, d] = 0.0


# A word's input vector: its bag of rows (``engine.contract.Weights``). Whether there are bags is
# known from the types (None or arrays), so each is chosen when the kernel is compiled and a
# kernel without subwords reads rows directly, exactly as if bags did not exist.


def has_bags(weights) -> bool:
    """At compile time: whether the Weights NamedTuple type carries bag arrays (not None)."""
    return not isinstance(weights.types[weights.fields.index("bag_indptr")], types.NoneType)


def gather_bag(weights, word, y, j):
    """y[j] = word's input vector: its own row, or the mean of its bag of rows."""


def add_bag_mean(scale, weights, word, y, j):
    """y[j] += scale * word's input vector (its own row, or the mean of its bag)."""


def scatter_bag(scale, x, i, weights, word):
    """Every input row of word (its own, or each of its bag: fastText's update) += scale * x[i]."""


@overload(gather_bag, inline="always", fastmath=True)
def _gather_bag(weights, word, y, j):
    if not has_bags(weights):
        return lambda weights, word, y, j: copy_row(weights.vectors_in, word, y, j)

    def mean(weights, word, y, j):
        start, end = weights.bag_indptr[word], weights.bag_indptr[word + 1]
        zero_row(y, j)
        for b in range(start, end):
            axpy_rows(1.0 / (end - start), weights.vectors_in, weights.bag_indices[b], y, j)
    return mean


@overload(add_bag_mean, inline="always", fastmath=True)
def _add_bag_mean(scale, weights, word, y, j):
    if not has_bags(weights):
        return lambda scale, weights, word, y, j: axpy_rows(scale, weights.vectors_in, word, y, j)

    def add(scale, weights, word, y, j):
        start, end = weights.bag_indptr[word], weights.bag_indptr[word + 1]
        for b in range(start, end):
            axpy_rows(scale / (end - start), weights.vectors_in, weights.bag_indices[b], y, j)
    return add


@overload(scatter_bag, inline="always", fastmath=True)
def _scatter_bag(scale, x, i, weights, word):
    if not has_bags(weights):
        return lambda scale, x, i, weights, word: axpy_rows(scale, x, i, weights.vectors_in, word)

    def scatter(scale, x, i, weights, word):
        for b in range(weights.bag_indptr[word], weights.bag_indptr[word + 1]):
            axpy_rows(scale, x, i, weights.vectors_in, weights.bag_indices[b])
    return scatter
