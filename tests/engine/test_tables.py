import numpy as np
import pytest
from numba import njit

from wordvec.engine.cpu.rng import new_state
from wordvec.engine.cpu.sampling import draw, draw_packed
from wordvec.engine.tables import build_alias, build_huffman, pack_alias


@njit
def _histogram(prob, alias, state, n):
    counts = np.zeros(prob.shape[0], dtype=np.int64)
    for _ in range(n):
        counts[draw(prob, alias, state, 0)] += 1
    return counts


@njit
def _histogram_packed(table, state, n):
    counts = np.zeros(table.shape[0], dtype=np.int64)
    for _ in range(n):
        counts[draw_packed(table, state, 0)] += 1
    return counts


@pytest.mark.parametrize("packed", [False, True])
@pytest.mark.parametrize("weights", [
    [1.0, 1.0, 1.0, 1.0],
    [10.0, 1.0, 0.5, 0.0, 3.0],
    list(np.arange(1, 50, dtype=float) ** 0.75),
])
def test_draws_follow_the_distribution(weights, packed):
    """From the alias table, and from the same table packed (what the CPU kernels draw from)."""
    weights = np.array(weights)
    p = weights / weights.sum()
    prob, alias = build_alias(weights)
    n = 400_000
    if packed:
        counts = _histogram_packed(pack_alias(prob, alias), new_state(0), n)
    else:
        counts = _histogram(prob, alias, new_state(0), n)
    expected = p * n
    assert counts[p == 0].sum() == 0
    # every bucket within 5 standard deviations of its binomial expectation
    assert np.all(np.abs(counts - expected) <= 5 * np.sqrt(expected * (1 - p)) + 1)


def test_table_reproduces_the_probabilities_exactly():
    weights = np.array([5.0, 2.0, 2.0, 1.0])
    prob, alias = build_alias(weights)
    n = len(weights)
    implied = prob / n
    for i in range(n):
        implied[alias[i]] += (1 - prob[i]) / n
    np.testing.assert_allclose(implied, weights / weights.sum(), rtol=1e-12)


def test_the_packed_table_holds_each_column_to_2_to_the_minus_32():
    prob, alias = build_alias(np.array([5.0, 2.0, 2.0, 1.0, 0.0]))
    packed = pack_alias(prob, alias)
    np.testing.assert_array_equal(packed & np.uint64(0xFFFFFFFF), alias)
    threshold = (packed >> np.uint64(32)).astype(np.float64) / 2.0**32
    assert np.all((prob - threshold >= 0) & (prob - threshold <= 2.0**-32 + 1e-15))


@pytest.mark.parametrize("seed", range(3))
def test_each_huffman_path_runs_down_from_the_root_through_falling_ids(seed):
    """Root first, each node's id above its child's: a thread's copy of the last rows (the nodes
    nearest the root) holds the first nodes of every path (``output.path_targets``)."""
    counts = np.random.default_rng(seed).zipf(1.3, size=500).clip(1, 10**6)
    _, points, lengths = build_huffman(counts)
    root = len(counts) - 2
    for w in range(len(counts)):
        path = points[w, :lengths[w]]
        assert path[0] == root and np.all(np.diff(path) < 0)
