"""The output layer: negative sampling and hierarchical softmax as one binary-logistic step.

Both losses are a sum of binary logistic terms over a few output rows u_r with
signs s_r, predicted from each of ``n`` hidden vectors h_i (context-word rows
for skip-gram, their mean for CBOW):

    J(h) = -sum_r log sigma(s_r u_r . h)

* negative sampling: rows (target, noise_1..noise_K), signs (+1, -1, ..., -1);
* hierarchical softmax: the inner nodes n_l on the target's Huffman path, signs
  1 - 2 d_l from its turns d_l.

So the losses only choose their rows and signs (:func:`negative_targets`,
:func:`path_targets`) and share the rest (:func:`binary_logistic_step`): scores,
loss, coefficients, the update direction of each h_i and the updates of the
rows. All scores are computed from the rows as they were on entry, and only
then are the rows updated, so one call is exactly one gradient step on the
summed loss (the step the reference maths gives), whatever rows repeat.

The kernel chooses a window's rows two windows before it computes it, and the
choosing prefetches them: rows scattered over a matrix larger than the caches
(the noise words, the deep Huffman nodes) are then on their way when read.

Under hierarchical softmax every prediction of every thread reads and writes
the nodes nearest the root, and two threads writing one row take its cache lines
from each other's caches at each step: on 2 cores, two threads on shared rows
ran at 0.53-0.65 of two on copies of their own (CBOW 0.37-0.53; BENCHMARKS.md).
So each thread trains the last rows (``Settings.top_rows``, the nodes nearest the
root) in a copy of its own during a chunk (:func:`copy_top_rows`) and at the
chunk's end adds its change divided by the number of threads (:func:`add_top_change`):
the copies are averaged, as in local SGD. Every thread visits each of these rows
many times a chunk, and the nodes nearest the root settle within a few hundred
predictions; each thread's copy moves them to about the same place, so summed
changes would move them there once per thread, past it, and back the next chunk
(two CBOW-HS threads summing: loss 7.815 after the first epoch, averaging 7.600,
nodes shared 7.622-7.646). One thread takes the same steps either way.
"""

from __future__ import annotations

from numba import njit

from wordvec.engine.cpu.mathfn import sigmoid_and_log
from wordvec.engine.cpu.prefetch import prefetch_row
from wordvec.engine.cpu.sampling import draw_negatives
from wordvec.engine.cpu.vecops import (
    axpy_rows,
    axpy_rows2,
    axpy_rows4,
    dot_rows,
    dot_rows2,
    dot_rows4,
    zero_row,
)


@njit(cache=True, nogil=True, inline="always")
def negative_targets(tables, k, target, out, top, state, stream, rows, signs):
    """rows = (target, k noise words drawn, those equal to the target skipped), signs (+1, -1, ..., -1),
    each row prefetched; returns (how many, 0): no row is in the thread's copy ``top``."""
    rows[0], signs[0] = target, 1.0
    n = 1 + draw_negatives(target, k, tables.noise_packed, state, stream, rows, 1)
    prefetch_row(out, target)
    for r in range(1, n):
        signs[r] = -1.0
        prefetch_row(out, rows[r])
    return n, 0


_CACHED_DEPTH = 8  # the 2**8 nodes nearest the root are on nearly every path: cached already


@njit(cache=True, nogil=True, inline="always")
def path_targets(tables, k, target, out, top, state, stream, rows, signs):
    """rows = the inner nodes of the target's Huffman path, signs 1 - 2 d_l; returns (how many,
    how many are in the thread's copy ``top``) (``k``, ``state`` unused: no draws).

    The copy holds the last ``len(top)`` rows of ``out``, the nodes nearest the root; a node's id
    is above its children's, so those on a path are its first ones, renumbered into the copy.
    The others below the depth that stays cached are prefetched."""
    n, start, h = tables.lengths[target], out.shape[0] - top.shape[0], 0
    for d in range(n):
        node = tables.points[target, d]
        signs[d] = 1.0 - 2.0 * tables.codes[target, d]
        if node >= start:
            rows[d] = node - start
            h += 1
        else:
            rows[d] = node
            if d >= _CACHED_DEPTH:
                prefetch_row(out, node)
    return n, h


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def binary_logistic_step(hidden, grad, n, rows, signs, k, h, out, top, alpha, coeffs):
    """One gradient step of sum_i J(h_i); returns the summed loss (float64).

    Written as small matrix products over the rows R = (u_r): S = diag(s) R H^T,
    G = alpha s (1 - sigma(S)), ``grad[i]`` = -alpha dJ/dh_i = sum_r G_ir u_r, and
    u_r += sum_i G_ir h_i. ``coeffs`` (float32) is scratch of shape (>= n, >= k).
    The first ``h`` rows are rows of the thread's copy ``top``, the others of ``out``
    (negative sampling: ``top`` is ``out`` and ``h`` 0). Each product is written once, over
    the two parts in turn: inlining them is most of what numba spends compiling a kernel.
    """
    for part in range(2):
        y, lo, hi = (top, 0, h) if part == 0 else (out, h, k)
        _scores(hidden, n, y, rows, signs, lo, hi, coeffs)
    loss = 0.0
    for i in range(n):  # -dJ/ds = 1 - sigma(s); the sign comes back in G
        for r in range(k):
            p, log_p = sigmoid_and_log(coeffs[i, r])
            loss -= log_p
            coeffs[i, r] = alpha * (1.0 - p) * signs[r]
    for i in range(n):
        zero_row(grad, i)
        for part in range(2):
            y, lo, hi = (top, 0, h) if part == 0 else (out, h, k)
            _add_rows(coeffs, i, y, rows, lo, hi, grad)
    for r in range(k):
        _add_products(coeffs, r, hidden, n, top if r < h else out, rows[r])
    return loss


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _scores(hidden, n, y, rows, signs, lo, hi, coeffs):
    """coeffs[i, r] = s_r y[rows[r]] . hidden[i] for r in lo..hi-1: hidden[i] read once per
    four rows (then two, then one)."""
    for i in range(n):
        r = lo
        while r + 4 <= hi:
            s0, s1, s2, s3 = dot_rows4(hidden, i, y, rows[r], rows[r + 1], rows[r + 2], rows[r + 3])
            coeffs[i, r], coeffs[i, r + 1] = signs[r] * s0, signs[r + 1] * s1
            coeffs[i, r + 2], coeffs[i, r + 3] = signs[r + 2] * s2, signs[r + 3] * s3
            r += 4
        if r + 2 <= hi:
            s0, s1 = dot_rows2(hidden, i, y, rows[r], rows[r + 1])
            coeffs[i, r], coeffs[i, r + 1] = signs[r] * s0, signs[r + 1] * s1
            r += 2
        if r < hi:
            coeffs[i, r] = signs[r] * dot_rows(y, rows[r], hidden, i)


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _add_rows(coeffs, i, y, rows, lo, hi, grad):
    """grad[i] += sum_r coeffs[i, r] y[rows[r]] for r in lo..hi-1: grad[i] read and written once
    per four rows (then two, then one)."""
    r = lo
    while r + 4 <= hi:
        axpy_rows4(coeffs[i, r], coeffs[i, r + 1], coeffs[i, r + 2], coeffs[i, r + 3],
                   y, rows[r], rows[r + 1], rows[r + 2], rows[r + 3], grad, i)
        r += 4
    if r + 2 <= hi:
        axpy_rows2(coeffs[i, r], coeffs[i, r + 1], y, rows[r], rows[r + 1], grad, i)
        r += 2
    if r < hi:
        axpy_rows(coeffs[i, r], y, rows[r], grad, i)


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _add_products(coeffs, r, hidden, n, y, j):
    """y[j] += sum_i coeffs[i, r] hidden[i], four rows of hidden at a time, then two, then one."""
    fours = n - n % 4  # no loop variable reassigned after its loop: numba's inliner warns of those
    for i in range(0, fours, 4):
        axpy_rows4(coeffs[i, r], coeffs[i + 1, r], coeffs[i + 2, r], coeffs[i + 3, r],
                   hidden, i, i + 1, i + 2, i + 3, y, j)
    if n - fours >= 2:
        axpy_rows2(coeffs[fours, r], coeffs[fours + 1, r], hidden, fours, fours + 1, y, j)
    if (n - fours) % 2 == 1:
        axpy_rows(coeffs[n - 1, r], hidden, n - 1, y, j)


@njit(cache=True, nogil=True, inline="always")
def copy_top_rows(out, top):
    """The thread's copy of the last ``top.shape[1]`` rows of ``out``: ``top[0]`` (trained) and
    ``top[1]`` (as copied), so that :func:`add_top_change` can add what the thread changed;
    returns ``top[0]``."""
    start = out.shape[0] - top.shape[1]
    for s in range(top.shape[1]):
        for d in range(out.shape[1]):
            top[0, s, d] = top[1, s, d] = out[start + s, d]
    return top[0]


@njit(cache=True, nogil=True, fastmath=True)
def add_top_change(out, top, scale):
    """out[-len:] += scale (top[0] - top[1]): the change the thread made to its copy since
    :func:`copy_top_rows`, times ``scale`` (1 / the threads: see above), added to the shared rows,
    which the other threads' changes may have reached since."""
    start, c = out.shape[0] - top.shape[1], out.dtype.type(scale)
    for s in range(top.shape[1]):
        for d in range(out.shape[1]):
            out[start + s, d] += c * (top[0, s, d] - top[1, s, d])
