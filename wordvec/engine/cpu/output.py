"""Output layers: negative sampling and hierarchical softmax, forward and backward.

Both predict one target word from each of ``n`` hidden vectors (the rows of
``hidden``: context-word rows for skip-gram, their mean for CBOW) and

* return the summed loss  sum_i J(h_i, target)  (float64),
* write the update direction  -alpha * dJ/dh_i  into ``grad[i]``,
* apply  u <- u - alpha * dJ/du  to every output row involved.

All scores are computed from the rows as they were on entry and only then are
the output rows updated, so one call is exactly one gradient step on the summed
loss (the step the reference maths gives), whatever rows repeat.
"""

from __future__ import annotations

from numba import njit

from wordvec.engine.cpu.mathfn import sigmoid_and_log
from wordvec.engine.cpu.vecops import axpy_rows, dot_rows, zero_row


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def negative_sampling(hidden, grad, n, target, negatives, n_negatives, out, alpha, coeffs):
    """J(h) = -log sigma(u_target . h) - sum_k log sigma(-u_k . h), the negatives shared by all h_i.

    Written as small matrix products over the rows R = (u_target, u_1..u_K):
    S = H R^T (with the negatives' sign), G = alpha (1 - sigma(S)), grad = G R,
    R += G^T H. ``coeffs`` (float32) is scratch of shape (>= n, >= n_negatives + 1).
    """
    for i in range(n):  # S, signed so that every term is -log sigma(s)
        coeffs[i, 0] = dot_rows(out, target, hidden, i)
        for r in range(n_negatives):
            coeffs[i, r + 1] = -dot_rows(out, negatives[r], hidden, i)
    loss = 0.0
    for i in range(n):  # -dJ/ds_signed = 1 - sigma(s_signed); the sign comes back in G
        for r in range(n_negatives + 1):
            p, log_p = sigmoid_and_log(coeffs[i, r])
            loss -= log_p
            coeffs[i, r] = alpha * (1.0 - p) * (1.0 if r == 0 else -1.0)
    for i in range(n):
        zero_row(grad, i)
        axpy_rows(coeffs[i, 0], out, target, grad, i)
        for r in range(n_negatives):
            axpy_rows(coeffs[i, r + 1], out, negatives[r], grad, i)
    for i in range(n):
        axpy_rows(coeffs[i, 0], hidden, i, out, target)
        for r in range(n_negatives):
            axpy_rows(coeffs[i, r + 1], hidden, i, out, negatives[r])
    return loss


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def hierarchical_softmax(hidden, grad, n, target, codes, points, lengths, out, alpha, coeffs):
    """J(h) = -sum_l log sigma((1 - 2 d_l) u_{n_l} . h) along the target's tree path.

    ``codes[target]`` and ``points[target]`` are the turns d_l and inner nodes
    n_l (``lengths[target]`` of them); ``coeffs`` (float32) is scratch of shape
    (>= n, >= the longest path).
    """
    length = lengths[target]
    for i in range(n):
        for l in range(length):
            coeffs[i, l] = (1.0 - 2.0 * codes[target, l]) * dot_rows(out, points[target, l], hidden, i)
    loss = 0.0
    for i in range(n):  # J = -log sigma(sign s); -dJ/ds = sign (1 - sigma(sign s))
        for l in range(length):
            p, log_p = sigmoid_and_log(coeffs[i, l])
            loss -= log_p
            coeffs[i, l] = alpha * (1.0 - 2.0 * codes[target, l]) * (1.0 - p)
    for i in range(n):
        zero_row(grad, i)
        for l in range(length):
            axpy_rows(coeffs[i, l], out, points[target, l], grad, i)
    for l in range(length):
        for i in range(n):
            axpy_rows(coeffs[i, l], hidden, i, out, points[target, l])
    return loss
