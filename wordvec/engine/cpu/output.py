"""The output layer: negative sampling and hierarchical softmax as one binary-logistic step.

Both losses are a sum of binary logistic terms over a few output rows u_r with
signs s_r, predicted from each of ``n`` hidden vectors h_i (context-word rows
for skip-gram, their mean for CBOW):

    J(h) = -sum_r log sigma(s_r u_r . h)

* negative sampling: rows (target, noise_1..noise_K), signs (+1, -1, ..., -1);
* hierarchical softmax: the inner nodes n_l on the target's Huffman path, signs
  1 - 2 d_l from its turns d_l.

So the losses only choose their rows and signs (:func:`_negative_targets`,
:func:`_path_targets`) and share the rest (:func:`binary_logistic_step`): scores,
loss, coefficients, the update direction of each h_i and the updates of the
rows. All scores are computed from the rows as they were on entry, and only then
are the rows updated, so one call is exactly one gradient step on the summed
loss (the step the reference maths gives), whatever rows repeat.

The nodes nearest the root of the Huffman tree are on nearly every path, so
threads sharing them would pass their cache lines back and forth on every
prediction (at 16 threads the hierarchical kernels ran at a fifth of the speed
of threads on private weights). Each thread therefore trains its own copy of
them (:func:`hot_copy`) and adds what it changed to the shared rows every few
thousand words (:func:`flush_hot`): Hogwild, with those rows' updates batched.
"""

from __future__ import annotations

from numba import njit

from wordvec.engine.cpu.mathfn import sigmoid_and_log
from wordvec.engine.cpu.prefetch import prefetch_row
from wordvec.engine.cpu.sampling import draw_negatives
from wordvec.engine.cpu.vecops import axpy_rows, axpy_rows4, dot_rows, dot_rows4, zero_row


@njit(cache=True, nogil=True, inline="always")
def _negative_targets(target, tables, k, state, stream, rows, signs):
    """rows = (target, k noise words drawn, those equal to the target skipped); returns how many."""
    rows[0], signs[0] = target, 1.0
    n = 1 + draw_negatives(target, k, tables.noise_prob, tables.noise_alias, state, stream, rows, 1)
    for r in range(1, n):
        signs[r] = -1.0
    return n


@njit(cache=True, nogil=True, inline="always")
def _path_targets(target, tables, base, rows, signs):
    """rows = the inner nodes of the target's Huffman path, signs 1 - 2 d_l; returns (how many,
    how many lead it from the root and are rows of the thread's copy, numbered from ``base``)."""
    n, split = tables.lengths[target], 0
    for d in range(n):
        node = tables.points[target, d]
        if node >= base:  # ancestors have higher numbers, so these come first
            rows[d], split = node - base, d + 1
        else:
            rows[d] = node
        signs[d] = 1.0 - 2.0 * tables.codes[target, d]
    return n, split


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _scores(hidden, n, out, rows, signs, r0, r1, coeffs):
    """coeffs[i, r] = s_r u_r . h_i for r in [r0, r1), u_r = out[rows[r]]."""
    for i in range(n):
        r = r0
        while r + 4 <= r1:
            s0, s1, s2, s3 = dot_rows4(hidden, i, out, rows[r], rows[r + 1], rows[r + 2], rows[r + 3])
            coeffs[i, r], coeffs[i, r + 1] = signs[r] * s0, signs[r + 1] * s1
            coeffs[i, r + 2], coeffs[i, r + 3] = signs[r + 2] * s2, signs[r + 3] * s3
            r += 4
        for q in range(r, r1):
            coeffs[i, q] = signs[q] * dot_rows(out, rows[q], hidden, i)


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _hidden_gradient(coeffs, n, out, rows, r0, r1, grad):
    """grad[i] += sum_r G_ir u_r for r in [r0, r1)."""
    for i in range(n):
        r = r0
        while r + 4 <= r1:
            axpy_rows4(coeffs[i, r], coeffs[i, r + 1], coeffs[i, r + 2], coeffs[i, r + 3],
                       out, rows[r], rows[r + 1], rows[r + 2], rows[r + 3], grad, i)
            r += 4
        for q in range(r, r1):
            axpy_rows(coeffs[i, q], out, rows[q], grad, i)


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _update_rows(coeffs, hidden, n, out, rows, r0, r1):
    """u_r += sum_i G_ir h_i for r in [r0, r1)."""
    for r in range(r0, r1):
        i = 0
        while i + 4 <= n:
            axpy_rows4(coeffs[i, r], coeffs[i + 1, r], coeffs[i + 2, r], coeffs[i + 3, r],
                       hidden, i, i + 1, i + 2, i + 3, out, rows[r])
            i += 4
        for j in range(i, n):
            axpy_rows(coeffs[j, r], hidden, j, out, rows[r])


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def binary_logistic_step(hidden, grad, n, rows, signs, k, out, hot, split, alpha, coeffs):
    """One gradient step of sum_i J(h_i); returns the summed loss (float64).

    Written as small matrix products over the rows R = (u_r): S = diag(s) R H^T,
    G = alpha s (1 - sigma(S)), ``grad[i]`` = -alpha dJ/dh_i = sum_r G_ir u_r, and
    u_r += sum_i G_ir h_i. Rows ``rows[:split]`` are rows of ``hot`` (the thread's
    copy of the rows every prediction touches), the others rows of ``out``.
    ``coeffs`` (float32) is scratch of shape (>= n, >= k). Each product takes four
    rows at a time where it can, so that the row it accumulates into (or reads
    against) is loaded once per four.
    """
    _scores(hidden, n, hot, rows, signs, 0, split, coeffs)
    _scores(hidden, n, out, rows, signs, split, k, coeffs)
    loss = 0.0
    for i in range(n):  # -dJ/ds = 1 - sigma(s); the sign comes back in G
        for r in range(k):
            p, log_p = sigmoid_and_log(coeffs[i, r])
            loss -= log_p
            coeffs[i, r] = alpha * (1.0 - p) * signs[r]
    for i in range(n):
        zero_row(grad, i)
    _hidden_gradient(coeffs, n, hot, rows, 0, split, grad)
    _hidden_gradient(coeffs, n, out, rows, split, k, grad)
    _update_rows(coeffs, hidden, n, hot, rows, 0, split)
    _update_rows(coeffs, hidden, n, out, rows, split, k)
    return loss


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def predict_negative(settings, tables, hidden, grad, n, target, out, hot, alpha, state, stream, rows, signs, coeffs):
    """Negative sampling: ``n`` rows of ``hidden`` predict ``target`` against ``settings.negative`` noise words."""
    k = _negative_targets(target, tables, settings.negative, state, stream, rows, signs)
    for r in range(1, k):
        prefetch_row(out, rows[r])
    return binary_logistic_step(hidden, grad, n, rows, signs, k, out, hot, 0, alpha, coeffs)


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def predict_hierarchical(settings, tables, hidden, grad, n, target, out, hot, alpha, state, stream, rows, signs,
                         coeffs):
    """Hierarchical softmax: ``n`` rows of ``hidden`` predict each turn of ``target``'s Huffman path;
    the nodes nearest the root are read and written in ``hot``, the thread's copy of the last rows of ``out``."""
    k, split = _path_targets(target, tables, out.shape[0] - hot.shape[0], rows, signs)
    return binary_logistic_step(hidden, grad, n, rows, signs, k, out, hot, split, alpha, coeffs)


@njit(cache=True, nogil=True, inline="always")
def ahead_negative(tables, out, target):
    """Prefetch the output row a later prediction of ``target`` reads."""
    prefetch_row(out, target)


HOT_NODES = 256  # the inner nodes within about 8 turns of the root: a thread's own copy, 100 KB at dim 100
FLUSH_WORDS = 4096  # words between two flushes of that copy into the shared rows


@njit(cache=True, nogil=True, inline="always")
def hot_copy(out, n_hot):
    """(copy, snapshot) of the last ``n_hot`` rows of ``out`` (the nodes nearest the root)."""
    n_hot = min(n_hot, out.shape[0])
    hot = out[out.shape[0] - n_hot:].copy()
    return hot, hot.copy()


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def flush_hot(out, hot, snapshot):
    """Add what this thread changed in ``hot`` since ``snapshot`` to the shared rows, and take
    their new values (other threads' changes included) as the copy and the snapshot."""
    base = out.shape[0] - hot.shape[0]
    for j in range(hot.shape[0]):
        for d in range(hot.shape[1]):
            v = out[base + j, d] + (hot[j, d] - snapshot[j, d])
            out[base + j, d] = v
            hot[j, d] = v
            snapshot[j, d] = v


_CACHED_DEPTH = 8  # the 2**8 nodes nearest the root are on nearly every path: cached already


@njit(cache=True, nogil=True, inline="always")
def ahead_hierarchical(tables, out, target):
    """Prefetch the output rows of ``target``'s Huffman path below the depth that stays cached."""
    for d in range(_CACHED_DEPTH, tables.lengths[target]):
        prefetch_row(out, tables.points[target, d])
