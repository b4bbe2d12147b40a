"""Random draws the CPU kernels make: from an alias table (Walker), and the negatives of a prediction."""

from __future__ import annotations

from numba import njit, uint64

from wordvec.engine.cpu.rng import next_u64, uniform

_LOW = uint64(0xFFFFFFFF)
_HIGH = uint64(32)


@njit(cache=True, inline="always")
def draw(prob, alias, state, stream):
    """One draw from the alias table."""
    u = uniform(state, stream) * prob.shape[0]
    i = int(u)
    if u - i < prob[i]:
        return i
    return alias[i]


@njit(cache=True, inline="always")
def draw_packed(table, state, stream):
    """One draw from the packed alias table (``engine.tables.pack_alias``): the high 32 random bits
    pick column i = floor(bits n / 2**32), the low 32 keep i when below its threshold."""
    bits = next_u64(state, stream)
    i = ((bits >> _HIGH) * uint64(table.shape[0])) >> _HIGH
    entry = table[i]
    if (bits & _LOW) < (entry >> _HIGH):
        return int(i)
    return int(entry & _LOW)


@njit(cache=True, nogil=True, inline="always")
def draw_negatives(target, k, noise_packed, state, stream, negatives, start):
    """Draw k noise words from the packed alias table into ``negatives[start:]``, skipping any
    equal to the target (as word2vec.c does); returns how many were kept."""
    n = 0
    for _ in range(k):
        w = draw_packed(noise_packed, state, stream)
        if w != target:
            negatives[start + n] = w
            n += 1
    return n
