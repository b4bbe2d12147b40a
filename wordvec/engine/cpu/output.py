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
"""

from __future__ import annotations

from numba import njit

from wordvec.engine.cpu.mathfn import sigmoid_and_log
from wordvec.engine.cpu.sampling import draw_negatives
from wordvec.engine.cpu.vecops import axpy_rows, dot_rows, zero_row


@njit(cache=True, nogil=True, inline="always")
def _negative_targets(target, tables, k, state, stream, rows, signs):
    """rows = (target, k noise words drawn, those equal to the target skipped); returns how many."""
    rows[0], signs[0] = target, 1.0
    n = 1 + draw_negatives(target, k, tables.noise_prob, tables.noise_alias, state, stream, rows, 1)
    for r in range(1, n):
        signs[r] = -1.0
    return n


@njit(cache=True, nogil=True, inline="always")
def _path_targets(target, tables, rows, signs):
    """rows = the inner nodes of the target's Huffman path, signs 1 - 2 d_l; returns how many."""
    n = tables.lengths[target]
    for d in range(n):
        rows[d] = tables.points[target, d]
        signs[d] = 1.0 - 2.0 * tables.codes[target, d]
    return n


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def binary_logistic_step(hidden, grad, n, rows, signs, k, out, alpha, coeffs):
    """One gradient step of sum_i J(h_i); returns the summed loss (float64).

    Written as small matrix products over the rows R = (u_r): S = diag(s) R H^T,
    G = alpha s (1 - sigma(S)), ``grad[i]`` = -alpha dJ/dh_i = sum_r G_ir u_r, and
    u_r += sum_i G_ir h_i. ``coeffs`` (float32) is scratch of shape (>= n, >= k).
    """
    for i in range(n):
        for r in range(k):
            coeffs[i, r] = signs[r] * dot_rows(out, rows[r], hidden, i)
    loss = 0.0
    for i in range(n):  # -dJ/ds = 1 - sigma(s); the sign comes back in G
        for r in range(k):
            p, log_p = sigmoid_and_log(coeffs[i, r])
            loss -= log_p
            coeffs[i, r] = alpha * (1.0 - p) * signs[r]
    for i in range(n):
        zero_row(grad, i)
        for r in range(k):
            axpy_rows(coeffs[i, r], out, rows[r], grad, i)
    for i in range(n):
        for r in range(k):
            axpy_rows(coeffs[i, r], hidden, i, out, rows[r])
    return loss


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def predict_negative(settings, tables, hidden, grad, n, target, out, alpha, state, stream, rows, signs, coeffs):
    """Negative sampling: ``n`` rows of ``hidden`` predict ``target`` against ``settings.negative`` noise words."""
    k = _negative_targets(target, tables, settings.negative, state, stream, rows, signs)
    return binary_logistic_step(hidden, grad, n, rows, signs, k, out, alpha, coeffs)


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def predict_hierarchical(settings, tables, hidden, grad, n, target, out, alpha, state, stream, rows, signs, coeffs):
    """Hierarchical softmax: ``n`` rows of ``hidden`` predict each turn of ``target``'s Huffman path."""
    k = _path_targets(target, tables, rows, signs)
    return binary_logistic_step(hidden, grad, n, rows, signs, k, out, alpha, coeffs)
