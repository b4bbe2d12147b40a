"""The width of the kernels' vector loops: 256 bits, also where the CPU has AVX-512.

numba asks LLVM for code tuned to the host CPU. On AMD Zen 4 (AVX-512 executed as
two 256-bit halves) LLVM then vectorises a row loop 16 floats wide and four times
interleaved: a row of 100 floats becomes one 64-float pass, a 256-bit epilogue, a
scalar tail and, for a dot product, 16 vector accumulators to reduce. At 256 bits
the same row is three 32-float passes and a tail. Intel's AVX-512 server CPUs get
256 from LLVM already (its default ``prefer-vector-width`` for them); this hint
makes it the kernels' width on every CPU, and nothing else in the process changes
(it is an attribute of the function that calls it, as clang's
``-mprefer-vector-width=256`` sets it). Measured on a 2-core Zen 4, one thread:
SG-NS 1.08-1.17x, SG-HS 1.12-1.20x, CBOW-NS 1.07-1.18x, skip-gram with subwords
1.22x (``benchmarks/kernels.py``, BENCHMARKS.md).

And the rows' length: a kernel that tells LLVM its rows hold ``ROW`` floats
(:func:`assume_equal`) gets each row loop with a known trip count, unrolled with
no remainder loop; ``kernel.py`` compiles such a twin of each kernel for the
default ``vector_size`` and runs it when the rows have that length (one thread on
Zen 4: SG-NS 1.135x, SG-HS 1.095x, skip-gram with subwords 1.066x).
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

_ATTRIBUTE = '"prefer-vector-width"="256"'
ROW = 100  # the default vector_size: the row length the kernels' twins are compiled for


@intrinsic
def prefer_256_bit_vectors(typingctx):
    """Compile the calling function's vector loops at most 256 bits wide (no effect on results
    beyond the order of float additions that ``fastmath`` already allows)."""
    def codegen(context, builder, signature, args):
        try:  # llvmlite accepts only the attribute names it knows; a string attribute goes in as is
            set.add(builder.function.attributes, _ATTRIBUTE)
        except (AttributeError, TypeError):  # another llvmlite: the hint is only a hint
            pass
        return context.get_dummy_value()

    return types.void(), codegen


@intrinsic
def assume_equal(typingctx, a, b):
    """Tell LLVM that the integers ``a`` and ``b`` are equal (``llvm.assume``), so that it may
    compile code after it with one for the other; the caller makes sure they are."""
    if not (isinstance(a, types.Integer) and isinstance(b, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        x, y = (context.cast(builder, v, t, types.intp) for v, t in zip(args, signature.args))
        assume = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), [ir.IntType(1)]),
                                                "llvm.assume")
        builder.call(assume, [builder.icmp_signed("==", x, y)])
        return context.get_dummy_value()

    return types.void(a, b), codegen
