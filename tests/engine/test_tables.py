import numpy as np
import pytest
from numba import njit

from wordvec.engine.cpu.rng import new_state
from wordvec.engine.cpu.sampling import draw
from wordvec.engine.tables import build_alias


@njit
def _histogram(prob, alias, state, n):
    counts = np.zeros(prob.shape[0], dtype=np.int64)
    for _ in range(n):
        counts[draw(prob, alias, state, 0)] += 1
    return counts


@pytest.mark.parametrize("weights", [
    [1.0, 1.0, 1.0, 1.0],
    [10.0, 1.0, 0.5, 0.0, 3.0],
    list(np.arange(1, 50, dtype=float) ** 0.75),
])
def test_draws_follow_the_distribution(weights):
    weights = np.array(weights)
    p = weights / weights.sum()
    prob, alias = build_alias(weights)
    n = 400_000
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
