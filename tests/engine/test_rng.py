import numpy as np
import pytest
from numba import njit

from wordvec.engine.cpu.rng import fill_uniform, new_state, randint, uniform
from wordvec.training import weights


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


def _splitmix_fractions(seed: int, n: int) -> np.ndarray:
    """Python's integers: draw k + 1 of splitmix64 gives elements 2k (its top 24 bits) and 2k + 1."""
    out, z, mask = [], seed, (1 << 64) - 1
    while len(out) < n:
        z = (z + 0x9E3779B97F4A7C15) & mask
        x = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & mask
        x ^= x >> 31
        out += [x >> 40, (x >> 8) & 0xFFFFFF]
    return np.array(out[:n], dtype=np.float64) / 16777216.0


def test_a_range_of_the_uniform_stream_is_the_stream_drawn_from_its_start():
    seed, flat = 12345, np.zeros(1001, dtype=np.float32)
    for start, stop in [(0, 1001), (0, 10), (10, 11), (500, 1001), (998, 1001)]:
        fill_uniform(flat, start, stop, -1.0, 3.0, np.uint64(seed))
    want = (-1.0 + 4.0 * _splitmix_fractions(seed, 1001)).astype(np.float32)
    assert np.array_equal(flat, want)


@pytest.mark.parametrize("workers", [2, 3, 16])
def test_new_rows_are_the_same_for_any_number_of_threads(monkeypatch, workers):
    monkeypatch.setattr(weights, "_PART", 64)  # parts of a few rows, cut inside rows of an odd width
    one = weights.uniform_rows(np.random.default_rng(9), 301, 7, workers=1)
    many = weights.uniform_rows(np.random.default_rng(9), 301, 7, workers=workers)
    assert np.array_equal(one, many) and np.abs(one).max() <= 0.5 / 7 and len(np.unique(one)) > 2000
