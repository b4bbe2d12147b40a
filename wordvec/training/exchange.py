"""The row arithmetic of the ranks' exchanges (``training.distributed``), compiled.

An exchange runs on a rank's main thread while its threads train (the hot rows)
or wait (the whole model). Written with numpy it took several passes and
temporaries per matrix, holding the GIL through the fancy indexing: about 11 ms for
the 10,000 hot rows of 4 or 8 ranks on mix8m, as long as the threads take to train
the words between two hot exchanges. Each compiled function here is one pass, without
the GIL, and gives the numpy expressions' float32 results bit for bit (no fastmath: the
ranks must agree); :func:`add_up_whole` runs the whole model's through the caches a block
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
def changes(current, last, delta):
    """delta = current - last, row by row: this rank's change of every row."""
    for r in range(current.shape[0]):
        for d in range(current.shape[1]):
            delta[r, d] = current[r, d] - last[r, d]


@njit(cache=True, nogil=True)
def apply_whole(current, last, delta, scale):
    """last += scale delta (``scale`` a column, or None: the plain sum), then current = last."""
    for r in range(current.shape[0]):
        for d in range(current.shape[1]):
            s = delta[r, d] if scale is None else scale[r, 0] * delta[r, d]
            last[r, d] += s
            current[r, d] = last[r, d]


def add_up_whole(current: np.ndarray, last: np.ndarray, scale: np.ndarray | None, buffer: np.ndarray,
                 allreduce: Callable[[np.ndarray], None]) -> None:
    """The whole exchange of one matrix, as many rows at a time as ``buffer`` holds: each block's
    change (:func:`changes`) into ``buffer``, added up over the ranks in place by ``allreduce``, and
    its sum applied (:func:`apply_whole`). A block's three steps then stay in the caches; a whole
    matrix at a time, each went to memory and back (2 ranks on mix8m: 18 ms an exchange of both
    matrices in blocks of 1 MiB, 22-28 ms whole)."""
    step = buffer.shape[0]
    for start in range(0, current.shape[0], step):
        rows = slice(start, start + step)
        delta = buffer[:current[rows].shape[0]]
        changes(current[rows], last[rows], delta)
        allreduce(delta)
        apply_whole(current[rows], last[rows], delta, None if scale is None else scale[rows])
