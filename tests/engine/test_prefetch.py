"""Prefetches change no result; what they ask the CPU for is in the compiled code."""

import re

import numpy as np
from numba import njit

from wordvec.engine.cpu.prefetch import prefetch_row, prefetch_row_far


@njit
def _near(matrix, row):
    prefetch_row(matrix, row)
    return matrix[row, 0]


@njit
def _far(matrix, row):
    prefetch_row_far(matrix, row)
    return matrix[row, 0]


def _prefetch_args(function, matrix) -> set[tuple[int, int]]:
    """The (write, locality) of every llvm.prefetch call in ``function``'s LLVM IR."""
    assert function(matrix, 2) == matrix[2, 0]  # compiles it; the row is read unchanged
    ir = function.inspect_llvm(function.signatures[0])
    calls = re.findall(r"@llvm\.prefetch[.\w]*\([^,]+, i32 (\d), i32 (\d), i32 1\)", ir)
    return {(int(w), int(loc)) for w, loc in calls}


def test_a_near_row_is_asked_for_writing_into_every_cache():
    assert _prefetch_args(_near, np.arange(300, dtype=np.float32).reshape(3, 100)) == {(1, 3)}


def test_a_far_row_is_asked_for_reading_into_the_l2():
    assert _prefetch_args(_far, np.arange(300, dtype=np.float32).reshape(3, 100)) == {(0, 2)}
