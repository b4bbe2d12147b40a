"""A splitmix64 random generator whose whole state is one uint64 in an array.

Keeping the state in a plain array lets a kernel draw numbers without Python
objects, lets every thread own its own state, and makes checkpointing the
random state as simple as saving the array.
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

_GAMMA = uint64(0x9E3779B97F4A7C15)
_MIX1 = uint64(0xBF58476D1CE4E5B9)
_MIX2 = uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


def new_state(seed: int, n_streams: int = 1) -> np.ndarray:
    """State array for ``n_streams`` independent generators derived from ``seed``."""
    seeds = np.random.SeedSequence(seed).generate_state(n_streams, dtype=np.uint64)
    return np.asarray(seeds, dtype=np.uint64)


@njit(cache=True, inline="always")
def next_u64(state, stream):
    """Advance generator ``stream`` and return 64 random bits (splitmix64)."""
    z = state[stream] + _GAMMA
    state[stream] = z
    z = (z ^ (z >> uint64(30))) * _MIX1
    z = (z ^ (z >> uint64(27))) * _MIX2
    return z ^ (z >> uint64(31))


@njit(cache=True, inline="always")
def uniform(state, stream):
    """A float64 uniform on [0, 1)."""
    return float(next_u64(state, stream) >> uint64(11)) * _TO_UNIT


@njit(cache=True, inline="always")
def randint(state, stream, n):
    """An integer uniform on [0, n)."""
    return int(uniform(state, stream) * n)


@njit(cache=True, nogil=True)
def fill_uniform(flat, start, stop, low, high, seed):
    """Fill ``flat[start:stop]`` (float32, ``start`` even) with elements start .. stop - 1 of the
    uniform stream of ``seed`` on [low, high): splitmix64 draws, each 64 bits giving two 24-bit
    fractions (elements 2k and 2k + 1 from draw k + 1). Its state after k draws is
    seed + k gamma, so a range is filled without the draws before it and threads can fill
    a matrix in parts, the same matrix for the same seed however it is cut."""
    z, scale = uint64(seed) + uint64(start // 2) * _GAMMA, (high - low) / 16777216.0
    for i in range(start, stop, 2):
        z += _GAMMA
        x = (z ^ (z >> uint64(30))) * _MIX1
        x = (x ^ (x >> uint64(27))) * _MIX2
        x ^= x >> uint64(31)
        flat[i] = low + scale * float(x >> uint64(40))
        if i + 1 < stop:
            flat[i + 1] = low + scale * float((x >> uint64(8)) & uint64(0xFFFFFF))
