"""The sigmoid and the softmax, written to be exact and never overflow."""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    """Logistic function sigma(x) = 1 / (1 + exp(-x)).

    Evaluated as ``1 / (1 + e)`` for x >= 0 and ``e / (1 + e)`` for x < 0 with
    ``e = exp(-|x|) <= 1``, so no exponential can overflow for any finite x.
    """
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out.item() if out.ndim == 0 else out


def log_sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    """log sigma(x) = -log(1 + exp(-x)), computed as -logaddexp(0, -x)."""
    out = -np.logaddexp(0.0, -np.asarray(x, dtype=np.float64))
    return out.item() if np.ndim(out) == 0 else out


def softmax(x: np.ndarray) -> np.ndarray:
    """softmax(x)_i = exp(x_i) / sum_j exp(x_j), along the last axis.

    The maximum is subtracted first; softmax is invariant to that shift and the
    largest exponent becomes exp(0) = 1.
    """
    x = np.asarray(x, dtype=np.float64)
    shifted = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def log_softmax(x: np.ndarray) -> np.ndarray:
    """log softmax(x) along the last axis: x - max - log sum exp(x - max)."""
    x = np.asarray(x, dtype=np.float64)
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
