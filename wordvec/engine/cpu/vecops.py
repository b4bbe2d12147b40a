"""Row operations on 2-D float arrays for kernels (inlined; numba vectorises the loops).

They take a matrix and a row index rather than a row view: creating views in a
hot loop costs reference counting, which threads sharing the weights would
contend on. Arithmetic stays in the arrays' precision (float32 for training
weights): a float64 scalar mixed in would convert every element.
"""

from __future__ import annotations

from numba import njit


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
def copy_row(x, i, y, j):
    """y[j] = x[i]"""
    for d in range(x.shape[1]):
        y[j, d] = x[i, d]


@njit(cache=True, inline="always", fastmath=True)
def zero_row(y, j):
    for d in range(y.shape[1]):
        y[j, d] = 0.0


@njit(cache=True, inline="always", fastmath=True)
def gather_bag(weights, word, y, j):
    """y[j] = the mean of word's input rows (its bag; a copy when the bag is one row)."""
    start, end = weights.bag_indptr[word], weights.bag_indptr[word + 1]
    if end - start == 1:
        copy_row(weights.vectors_in, weights.bag_indices[start], y, j)
        return
    zero_row(y, j)
    for b in range(start, end):
        axpy_rows(1.0 / (end - start), weights.vectors_in, weights.bag_indices[b], y, j)


@njit(cache=True, inline="always", fastmath=True)
def add_bag_mean(scale, weights, word, y, j):
    """y[j] += scale * the mean of word's input rows."""
    start, end = weights.bag_indptr[word], weights.bag_indptr[word + 1]
    for b in range(start, end):
        axpy_rows(scale / (end - start), weights.vectors_in, weights.bag_indices[b], y, j)


@njit(cache=True, inline="always", fastmath=True)
def scatter_bag(scale, x, i, weights, word):
    """Every input row of word's bag += scale * x[i] (fastText's update of subword rows)."""
    for b in range(weights.bag_indptr[word], weights.bag_indptr[word + 1]):
        axpy_rows(scale, x, i, weights.vectors_in, weights.bag_indices[b])
