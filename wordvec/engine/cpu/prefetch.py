"""Software prefetch of matrix rows for kernels: ask for a row's cache lines before they are needed.

The rows a training step touches are scattered over matrices far larger than the
caches (the noise words and the Huffman nodes of rare words); a dot product that
meets an uncached row waits for memory one line at a time. Issuing the loads of
every line of a row early (LLVM's ``llvm.prefetch``, a hint that never faults)
lets those waits overlap with each other and with the work before them.

A row needed soon is asked for in every cache (``prefetch_row``, for writing); a
row needed many steps later only as far as the core's L2 (``prefetch_row_far``,
for reading), where it does not evict from the small L1 the rows needed before it.
"""

from __future__ import annotations

from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

_LINE_FLOATS = 16  # a 64-byte cache line of float32


@intrinsic
def _prefetch(typingctx, matrix, row, column):
    """Hint that ``matrix[row, column]`` will be read and written soon (no effect on the result)."""
    if not (isinstance(matrix, types.Array) and matrix.ndim == 2):
        return None
    return types.void(matrix, types.intp, types.intp), _codegen(matrix)


@intrinsic
def _prefetch_far(typingctx, matrix, row, column):
    """Hint that ``matrix[row, column]`` will be read, not soon: into the L2 cache and beyond."""
    if not (isinstance(matrix, types.Array) and matrix.ndim == 2):
        return None
    return types.void(matrix, types.intp, types.intp), _codegen(matrix, write=0, locality=2)


@intrinsic
def prefetch_item(typingctx, vector, index):
    """Hint that ``vector[index]`` (a 1-D array) will be read and written soon (no effect on the result)."""
    if not (isinstance(vector, types.Array) and vector.ndim == 1):
        return None
    return types.void(vector, types.intp), _codegen(vector)


def _codegen(array_type, write=1, locality=3):
    """The code of a prefetch of the array element at the index arguments after the array
    (``llvm.prefetch``: ``write`` 1 for writing, 0 for reading; ``locality`` 3 keeps it in
    every cache, 2 from the L2 on)."""
    def codegen(context, builder, signature, args):
        array = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, array_type, array, list(args[1:]))
        byte_pointer = builder.bitcast(pointer, ir.IntType(8).as_pointer())
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_pointer.type, i32, i32, i32]), "llvm.prefetch.p0")
        builder.call(fn, [byte_pointer, i32(write), i32(locality), i32(1)])  # 1: data, not code
        return context.get_dummy_value()

    return codegen


@njit(cache=True, inline="always")
def prefetch_row(matrix, row):
    """Prefetch every cache line of ``matrix[row]``."""
    for column in range(0, matrix.shape[1], _LINE_FLOATS):
        _prefetch(matrix, row, column)


@njit(cache=True, inline="always")
def prefetch_row_far(matrix, row):
    """Prefetch every cache line of ``matrix[row]`` as far as the L2 cache, for reading."""
    for column in range(0, matrix.shape[1], _LINE_FLOATS):
        _prefetch_far(matrix, row, column)
