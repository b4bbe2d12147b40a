"""The CUDA kernel's random draws: pure functions of a chunk's seed and a word's position.

Thousands of GPU threads cannot share one generator, so nothing here carries
state between positions. Whether the word at position p is kept (subsampling)
is a hash of (seed, p): every thread that walks over p, as a center or as
someone's context, decides alike without a table. The draws of the window
centred at p (its reach, its negatives) come from a splitmix64 stream started at
another hash of (seed, p). The same functions compile for the device (the
kernel) and the host (the tests' replay of the kernel's steps): numba's
``register_jitable`` makes them callable from both.
"""

from __future__ import annotations

from numba import float64, int64, uint64
from numba.extending import register_jitable

GAMMA = uint64(0x9E3779B97F4A7C15)
MIX1 = uint64(0xBF58476D1CE4E5B9)
MIX2 = uint64(0x94D049BB133111EB)
KEEP_SALT = uint64(0x5851F42D4C957F2D)
TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@register_jitable
def mix64(z):
    """splitmix64's finaliser: 64 well-mixed bits of z."""
    z = (z ^ (z >> uint64(30))) * MIX1
    z = (z ^ (z >> uint64(27))) * MIX2
    return z ^ (z >> uint64(31))


@register_jitable
def unit(bits):
    """A float64 uniform on [0, 1) from 64 random bits."""
    return float64(bits >> uint64(11)) * TO_UNIT


@register_jitable
def kept(seed, position, keep_prob):
    """Whether the word at ``position`` survives subsampling (kept with probability ``keep_prob``)."""
    if keep_prob >= 1.0:
        return True
    return unit(mix64((uint64(seed) ^ KEEP_SALT) + uint64(position) * GAMMA)) < keep_prob


@register_jitable
def window_stream(seed, position):
    """The start of the random stream of the window centred at ``position``."""
    return mix64(uint64(seed) + uint64(position) * GAMMA)


@register_jitable
def next_unit(state):
    """(next state, a float64 uniform on [0, 1)) of a splitmix64 stream."""
    state = state + GAMMA
    return state, unit(mix64(state))


@register_jitable
def next_noise(state, noise_prob, noise_alias):
    """(next state, a word drawn from the alias table (noise_prob, noise_alias))."""
    state, u = next_unit(state)
    u = u * noise_prob.shape[0]
    i = int64(u)
    if u - i < noise_prob[i]:
        return state, i
    return state, int64(noise_alias[i])


@register_jitable
def reach_of(state, window, shrink):
    """(next state, how far the window reaches: uniform on 1..window when ``shrink``, else window)."""
    if not shrink:
        return state, window
    state, u = next_unit(state)
    return state, window - int64(u * window)
