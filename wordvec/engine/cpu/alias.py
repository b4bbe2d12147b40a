"""Walker's alias method: O(1) draws from a discrete distribution."""

from __future__ import annotations

import numpy as np
from numba import njit

from wordvec.engine.cpu.rng import uniform


@njit(cache=True)
def build_alias(weights):
    """Alias table ``(prob, alias)`` for weights of shape (n,) (Vose's method).

    A draw picks a column i uniformly and returns i with probability prob[i],
    otherwise alias[i].
    """
    n = weights.shape[0]
    scaled = weights * (n / weights.sum())
    prob = np.ones(n)
    alias = np.arange(n).astype(np.int64)
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    n_small = 0
    n_large = 0
    for i in range(n):
        if scaled[i] < 1.0:
            small[n_small] = i
            n_small += 1
        else:
            large[n_large] = i
            n_large += 1
    while n_small > 0 and n_large > 0:
        n_small -= 1
        s = small[n_small]
        g = large[n_large - 1]
        prob[s] = scaled[s]
        alias[s] = g
        scaled[g] = scaled[g] + scaled[s] - 1.0
        if scaled[g] < 1.0:
            n_large -= 1
            small[n_small] = g
            n_small += 1
    return prob, alias


@njit(cache=True, inline="always")
def draw(prob, alias, state, stream):
    """One draw from the alias table."""
    u = uniform(state, stream) * prob.shape[0]
    i = int(u)
    if u - i < prob[i]:
        return i
    return alias[i]
