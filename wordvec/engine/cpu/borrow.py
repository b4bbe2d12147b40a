"""Arrays a kernel's hot loop uses without counting references to them.

numba counts the references to every array it holds: each time an array (or a
NamedTuple of arrays such as ``Weights``) is bound to a new name in an inlined
helper, or carried around a loop, it adds one to the array's count and later
takes it away, each an atomic read-modify-write of the count's cache line.
In the skip-gram kernel that was 13 arrays each window and about 9% of a
thread's time; threads whose arrays share one count (an array numba made and
handed to every thread) would also wait on each other's caches for it.

:func:`borrowed` returns the same arrays with no count attached (numba skips
counting an array whose count is null), valid while their owner holds them:
the caller for arguments, and for arrays the kernel allocates itself, the
kernel, which hands them to :func:`keep` after its loop so that they live
until then.

numba's dead-code pass does not know that a borrowed array is the array it was
given: a store into it that nothing reads afterwards is dropped as dead (seen
with the kernel's random state put back at a chunk's end). Such a store goes to
the original array.
"""

from __future__ import annotations

from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def borrowed(typingctx, value):
    """``value`` (an array, or a tuple of arrays, None and scalars, nested) with no reference count
    on its arrays: the caller keeps the originals alive while it is used."""
    def codegen(context, builder, sig, args):
        return _detach(context, builder, sig.args[0], args[0])
    return value(value), codegen


@intrinsic
def keep(typingctx, value):
    """Nothing; a use of ``value`` that keeps its arrays alive up to this point of the function."""
    def codegen(context, builder, sig, args):
        return context.get_dummy_value()
    return types.none(value), codegen


def _detach(context, builder, typ, value):
    if isinstance(typ, types.Array):
        array = context.make_array(typ)(context, builder, value=value)
        array.meminfo = cgutils.get_null_value(array.meminfo.type)
        array.parent = cgutils.get_null_value(array.parent.type)
        return array._getvalue()
    if isinstance(typ, types.BaseTuple):
        for i, member in enumerate(typ.types):
            value = builder.insert_value(value, _detach(context, builder, member, builder.extract_value(value, i)), i)
    return value
