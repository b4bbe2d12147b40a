"""The row arithmetic of the ranks' exchanges (``training.distributed``), compiled.

An exchange runs on a rank's main thread while its threads train (the hot rows)
or wait (the whole model). Written with numpy it took several passes and
temporaries per matrix, holding the GIL through the fancy indexing: about 11 ms for
the 10,000 hot rows of 4 or 8 ranks on mix8m, as long as the threads take to train
the words between two hot exchanges. Each compiled function here is one pass, without
the GIL, and gives the numpy expressions' float32 results bit for bit (no fastmath: the
ranks must agree); :func:`add_up` runs the whole model's through the caches a block
of rows at a time.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def hot_changes(current, last, rows, mine, summed):
    """mine[i] = summed[i] = current[rows[i]] - last[rows[i]]: this rank's change of each hot row
    (``summed`` is then added up over the ranks in place)."""
    for i in range(rows.shape[0]):
        r = rows[i]
        for d in range(current.shape[1]):
            x = current[r, d] - last[r, d]
            mine[i, d] = x
            summed[i, d] = x


@njit(cache=True, nogil=True)
def apply_hot(current, last, rows, mine, summed, scale):
    """With s_i = scale[i] summed[i] (the ranks' damped sum): last[rows[i]] += s_i and
    current[rows[i]] += s_i - mine[i], so that what the threads added since
    :func:`hot_changes` stays."""
    for i in range(rows.shape[0]):
        r, c = rows[i], scale[i, 0]
        for d in range(current.shape[1]):
            s = c * summed[i, d]
            last[r, d] += s
            current[r, d] += s - mine[i, d]


@njit(cache=True, nogil=True)
def changes(current, last, rows, delta):
    """delta[i] = current[rows[i]] - last[rows[i]]: this rank's change of each row."""
    for i in range(rows.shape[0]):
        r = rows[i]
        for d in range(current.shape[1]):
            delta[i, d] = current[r, d] - last[r, d]


@njit(cache=True, nogil=True)
def apply_sum(current, last, rows, delta, scale):
    """With r = rows[i]: last[r] += scale[r] delta[i] (``scale`` a column, or None: the plain sum),
    then current[r] = last[r]."""
    for i in range(rows.shape[0]):
        r = rows[i]
        for d in range(current.shape[1]):
            s = delta[i, d] if scale is None else scale[r, 0] * delta[i, d]
            last[r, d] += s
            current[r, d] = last[r, d]


def add_up(current: np.ndarray, last: np.ndarray, rows: np.ndarray | None, scale: np.ndarray | None,
           buffer: np.ndarray, allreduce: Callable[[np.ndarray], None]) -> None:
    """The whole exchange of one matrix: the ``rows`` that any rank changed (ascending; None: every
    row), as many at a time as ``buffer`` holds: each block's change (:func:`changes`) into
    ``buffer``, added up over the ranks in place by ``allreduce``, and its sum applied
    (:func:`apply_sum`). A block's three steps then stay in the caches; a whole matrix at a
    time, each went to memory and back (2 ranks on mix8m: 18 ms an exchange of both matrices
    in blocks of 1 MiB, 22-28 ms whole). A row that no rank changed has current = last on
    every rank, and its sum of changes is 0: leaving it out changes nothing."""
    n, step = (current.shape[0] if rows is None else rows.shape[0]), buffer.shape[0]
    for start in range(0, n, step):
        which = np.arange(start, min(start + step, n)) if rows is None else rows[start:start + step]
        delta = buffer[:which.shape[0]]
        changes(current, last, which, delta)
        allreduce(delta)
        apply_sum(current, last, which, delta, scale)
