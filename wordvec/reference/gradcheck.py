"""Central-difference gradient check."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wordvec.errors import GradcheckError


def gradcheck(
    f: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x: np.ndarray,
    *,
    h: float = 1e-5,
    tolerance: float = 1e-6,
) -> float:
    """Compare ``f``'s gradient with central differences, coordinate by coordinate.

    numerical_i = (f(x + h e_i) - f(x - h e_i)) / 2h
    error_i = |numerical_i - analytic_i| / max(1, |numerical_i|, |analytic_i|)

    The error is relative wherever the gradient is larger than 1 and absolute
    below, so coordinates whose true gradient is zero are checked too.

    Parameters
    ----------
    f : callable returning ``(loss, grad)`` for an array shaped like ``x``; it
        must be deterministic (pass any random draws in as fixed arguments).
    x : ndarray of float64, the point to check at (left unchanged)
    h : step of the central difference
    tolerance : the largest accepted error

    Returns
    -------
    The largest error over all coordinates.

    Raises
    ------
    GradcheckError naming the first coordinate whose error exceeds ``tolerance``,
    with the analytic and numerical values and the error.
    """
    x = np.array(x, dtype=np.float64)
    _, analytic = f(x.copy())
    analytic = np.asarray(analytic, dtype=np.float64)
    if analytic.shape != x.shape:
        raise GradcheckError(f"gradient has shape {analytic.shape}, x has shape {x.shape}")
    worst = 0.0
    for ix in np.ndindex(x.shape):
        original = x[ix]
        x[ix] = original + h
        plus, _ = f(x.copy())
        x[ix] = original - h
        minus, _ = f(x.copy())
        x[ix] = original
        numerical, exact = float((plus - minus) / (2 * h)), float(analytic[ix])
        error = abs(numerical - exact) / max(1.0, abs(numerical), abs(exact))
        if error > tolerance:
            raise GradcheckError(
                f"gradient check failed at coordinate {ix}: analytic {exact!r}, "
                f"numerical {numerical!r}, error {error:.3g} > {tolerance:g}"
            )
        worst = max(worst, error)
    return worst
