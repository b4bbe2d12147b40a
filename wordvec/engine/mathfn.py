"""Scalar sigmoid and log-sigmoid for kernels, stable for any finite input."""

from __future__ import annotations

import math

from numba import njit


@njit(cache=True, inline="always")
def sigmoid(x):
    """sigma(x) = 1 / (1 + exp(-x)) without overflow."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@njit(cache=True, inline="always")
def log_sigmoid(x):
    """log sigma(x) = -log(1 + exp(-x)) without overflow."""
    if x >= 0.0:
        return -math.log1p(math.exp(-x))
    return x - math.log1p(math.exp(x))
