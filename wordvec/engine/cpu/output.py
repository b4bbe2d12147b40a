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
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import overload

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
def negative_targets(tables, k, target, out, state, stream, rows, signs):
    """rows = (target, k noise words drawn, those equal to the target skipped), signs (+1, -1, ..., -1),
    each row prefetched; returns how many."""
    rows[0], signs[0] = target, 1.0
    n = 1 + draw_negatives(target, k, tables.noise_packed, state, stream, rows, 1)
    prefetch_row(out, target)
    for r in range(1, n):
        signs[r] = -1.0
        prefetch_row(out, rows[r])
    return n


_CACHED_DEPTH = 8  # the 2**8 nodes nearest the root are on nearly every path: cached already


@njit(cache=True, nogil=True, inline="always")
def path_targets(tables, k, target, out, state, stream, rows, signs):
    """rows = the inner nodes of the target's Huffman path, signs 1 - 2 d_l, the nodes below the
    depth that stays cached prefetched; returns how many (``k``, ``state`` unused: no draws)."""
    n = tables.lengths[target]
    for d in range(n):
        rows[d] = tables.points[target, d]
        signs[d] = 1.0 - 2.0 * tables.codes[target, d]
        if d >= _CACHED_DEPTH:
            prefetch_row(out, rows[d])
    return n


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def binary_logistic_step(hidden, grad, n, rows, signs, k, out, alpha, coeffs, held):
    """One gradient step of sum_i J(h_i); returns the summed loss (float64).

    Written as small matrix products over the rows R = (u_r): S = diag(s) R H^T,
    G = alpha s (1 - sigma(S)), ``grad[i]`` = -alpha dJ/dh_i = sum_r G_ir u_r, and
    u_r += sum_i G_ir h_i. ``coeffs`` (float32) is scratch of shape (>= n, >= k).
    Each product takes four rows at a time, then two, then one, so that the row
    it accumulates into (or reads against) is loaded once per four (or two).

    ``held`` = (changes, touched, start): the change of an output row r >= start
    goes to ``changes[r - start]`` (marked in ``touched``) instead of the row,
    until :func:`apply_held` adds it (see ``Settings.held_rows``); None: no row held.
    """
    for i in range(n):
        r = 0
        while r + 4 <= k:
            s0, s1, s2, s3 = dot_rows4(hidden, i, out, rows[r], rows[r + 1], rows[r + 2], rows[r + 3])
            coeffs[i, r], coeffs[i, r + 1] = signs[r] * s0, signs[r + 1] * s1
            coeffs[i, r + 2], coeffs[i, r + 3] = signs[r + 2] * s2, signs[r + 3] * s3
            r += 4
        if r + 2 <= k:
            s0, s1 = dot_rows2(hidden, i, out, rows[r], rows[r + 1])
            coeffs[i, r], coeffs[i, r + 1] = signs[r] * s0, signs[r + 1] * s1
            r += 2
        if r < k:
            coeffs[i, r] = signs[r] * dot_rows(out, rows[r], hidden, i)
    loss = 0.0
    for i in range(n):  # -dJ/ds = 1 - sigma(s); the sign comes back in G
        for r in range(k):
            p, log_p = sigmoid_and_log(coeffs[i, r])
            loss -= log_p
            coeffs[i, r] = alpha * (1.0 - p) * signs[r]
    for i in range(n):
        zero_row(grad, i)
        r = 0
        while r + 4 <= k:
            axpy_rows4(coeffs[i, r], coeffs[i, r + 1], coeffs[i, r + 2], coeffs[i, r + 3],
                       out, rows[r], rows[r + 1], rows[r + 2], rows[r + 3], grad, i)
            r += 4
        if r + 2 <= k:
            axpy_rows2(coeffs[i, r], coeffs[i, r + 1], out, rows[r], rows[r + 1], grad, i)
            r += 2
        if r < k:
            axpy_rows(coeffs[i, r], out, rows[r], grad, i)
    add_products_to_rows(coeffs, k, rows, hidden, n, out, held)
    return loss


def add_products_to_rows(coeffs, k, rows, hidden, n, out, held):
    """out[rows[r]] += sum_i coeffs[i, r] hidden[i] for each r < k; with ``held`` (not None), the
    changes of the rows it holds go to its buffer."""


@overload(add_products_to_rows, inline="always", fastmath=True)
def _add_products_to_rows(coeffs, k, rows, hidden, n, out, held):
    if isinstance(held, types.NoneType):  # negative sampling: every row shared, no test per row
        def shared(coeffs, k, rows, hidden, n, out, held):
            for r in range(k):
                _add_products(coeffs, r, hidden, n, out, rows[r])
        return shared

    def holding(coeffs, k, rows, hidden, n, out, held):
        changes, touched, start = held
        for r in range(k):
            if rows[r] >= start:
                touched[rows[r] - start] = True
                _add_products(coeffs, r, hidden, n, changes, rows[r] - start)
            else:
                _add_products(coeffs, r, hidden, n, out, rows[r])
    return holding


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


@njit(cache=True, nogil=True, fastmath=True)
def apply_held(out, held):
    """Add the held changes to their output rows and clear them; nothing when ``held`` is None.
    A compiled function of its own: inlined, its loop slowed the kernels around it."""
    if held is None:
        return
    changes, touched, start = held
    for s in range(touched.shape[0]):
        if touched[s]:
            for d in range(out.shape[1]):
                out[start + s, d] += changes[s, d]
                changes[s, d] = 0.0
            touched[s] = False


@njit(cache=True, nogil=True, inline="always")
def held_rows(out, n, dim):
    """The buffers of the last ``n`` rows of ``out`` that hierarchical softmax holds (see
    :func:`binary_logistic_step`)."""
    n = min(n, out.shape[0])
    return np.zeros((n, dim), dtype=np.float32), np.zeros(n, dtype=np.bool_), out.shape[0] - n


@njit(cache=True, nogil=True, inline="always")
def no_held_rows(out, n, dim):
    """Negative sampling holds no row: its output rows are spread over the vocabulary."""
    return None  # noqa: RET501 (the None is the point: kernels compiled with it hold nothing)
