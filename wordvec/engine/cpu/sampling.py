"""Random draws the CPU kernels make: from an alias table (Walker), and the negatives of a prediction."""

from __future__ import annotations

from numba import njit

from wordvec.engine.cpu.rng import uniform


@njit(cache=True, inline="always")
def draw(prob, alias, state, stream):
    """One draw from the alias table."""
    u = uniform(state, stream) * prob.shape[0]
    i = int(u)
    if u - i < prob[i]:
        return i
    return alias[i]


@njit(cache=True, nogil=True, inline="always")
def draw_negatives(target, k, noise_prob, noise_alias, state, stream, negatives, start):
    """Draw k noise words into ``negatives[start:]``, skipping any equal to the target (as
    word2vec.c does); returns how many were kept."""
    n = 0
    for _ in range(k):
        w = draw(noise_prob, noise_alias, state, stream)
        if w != target:
            negatives[start + n] = w
            n += 1
    return n
