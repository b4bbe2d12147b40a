"""The kernels' vector width hint: an attribute of the function that calls it, and only of that one."""

import re

import llvmlite.binding as llvm
import numpy as np
import pytest
from numba import njit

from wordvec.engine.cpu.width import prefer_256_bit_vectors


@njit(fastmath=True)
def _hinted(x):
    prefer_256_bit_vectors()
    s = x.dtype.type(0.0)
    for i in range(x.shape[0]):
        s += x[i] * x[i]
    return s


@njit(fastmath=True)
def _plain(x):
    s = x.dtype.type(0.0)
    for i in range(x.shape[0]):
        s += x[i] * x[i]
    return s


def _attributes_of(dispatcher, name):
    """The attribute groups of the LLVM function ``dispatcher`` compiled for ``name``."""
    ir = next(iter(dispatcher.inspect_llvm().values()))
    define = next(line for line in ir.splitlines() if line.startswith("define") and name in line)
    groups = re.findall(r"#(\d+)", define.split("{")[0])
    return " ".join(line for line in ir.splitlines() for g in groups if line.startswith(f"attributes #{g} "))


def test_the_hint_marks_the_calling_function_and_leaves_the_result():
    x = np.linspace(-1.0, 1.0, 100, dtype=np.float32)
    assert np.isclose(_hinted(x), _plain(x), rtol=1e-6)
    assert '"prefer-vector-width"="256"' in _attributes_of(_hinted, "_hinted")
    assert "prefer-vector-width" not in _attributes_of(_plain, "_plain")


@pytest.mark.skipif("+avx512f" not in llvm.get_host_cpu_features().flatten(), reason="the host has no AVX-512")
def test_no_512_bit_register_in_the_hinted_code():
    _hinted(np.ones(100, dtype=np.float32))
    assert "zmm" not in next(iter(_hinted.inspect_asm().values()))
