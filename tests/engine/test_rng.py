import numpy as np
from numba import njit

from wordvec.engine.cpu.rng import new_state, randint, uniform


@njit
def _draw_uniform(state, n):
    out = np.empty(n)
    for i in range(n):
        out[i] = uniform(state, 0)
    return out


@njit
def _draw_int(state, n, k):
    counts = np.zeros(k, dtype=np.int64)
    for _ in range(n):
        counts[randint(state, 0, k)] += 1
    return counts


def test_uniform_is_in_range_and_flat():
    u = _draw_uniform(new_state(3), 200_000)
    assert u.min() >= 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.005
    hist, _ = np.histogram(u, bins=10, range=(0, 1))
    assert np.all(np.abs(hist / 20_000 - 1) < 0.05)


def test_randint_covers_every_value_evenly():
    counts = _draw_int(new_state(4), 70_000, 7)
    assert np.all(np.abs(counts / 10_000 - 1) < 0.05)


def test_same_seed_same_stream_different_seed_different_stream():
    assert np.array_equal(_draw_uniform(new_state(5), 10), _draw_uniform(new_state(5), 10))
    assert not np.array_equal(_draw_uniform(new_state(5), 10), _draw_uniform(new_state(6), 10))
    a, b = new_state(5, 2)
    assert a != b


def test_state_is_advanced_in_place():
    state = new_state(7)
    before = state.copy()
    first = _draw_uniform(state, 3)
    assert not np.array_equal(state, before)
    assert not np.array_equal(_draw_uniform(state, 3), first)
