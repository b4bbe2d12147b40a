"""The CPU backend: each of several threads trains the top Huffman nodes in its own copy."""

import numpy as np
from numpy.testing import assert_allclose

from wordvec.engine.contract import ARCH_CBOW, LOSS_HIERARCHICAL, Settings, Weights, identity_bags
from wordvec.engine.cpu import CpuBackend
from wordvec.engine.cpu.rng import new_state
from wordvec.engine.tables import build_tables

COUNTS = np.array([40, 30, 20, 12, 8, 5, 3, 2])
CHUNK = np.array([0, 1, 2, 0, 3, 1, 4, 0, 5, 2, 6, 1, 7, 0, -1] * 20, dtype=np.int32)


def _backend(streams):
    rng = np.random.default_rng(0)
    V, U = rng.normal(scale=0.3, size=(8, 16)).astype(np.float32), rng.normal(scale=0.3, size=(7, 16)).astype(np.float32)
    settings = Settings(ARCH_CBOW, LOSS_HIERARCHICAL, True, 2, False, 0, False, top_rows=4)
    tables = build_tables(COUNTS, np.ones(8), 0.75, hierarchical=True)
    return CpuBackend(Weights(V, U, *identity_bags(8)), tables, settings, new_state(1, streams)), U.copy()


def test_one_thread_trains_the_shared_rows_directly():
    backend, _ = _backend(1)
    assert backend.top[0].shape[1] == 0


def test_each_of_two_threads_adds_half_its_copys_change_to_the_top_nodes():
    backend, U = _backend(2)
    assert [t.shape for t in backend.top] == [(2, 4, 16)] * 2
    backend.train_chunk(CHUNK, 0.1, 0.1, 1)
    copy = backend.top[1]
    assert np.abs(copy[0] - copy[1]).max() > 1e-2  # the thread trained its copy of the top nodes
    assert_allclose(backend.weights.vectors_out[3:], U[3:] + (copy[0] - copy[1]) / 2, rtol=1e-6, atol=1e-7)
    assert np.abs(backend.weights.vectors_out[:3] - U[:3]).max() > 1e-3  # and the other rows in place
