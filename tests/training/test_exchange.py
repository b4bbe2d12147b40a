"""The compiled row arithmetic of the ranks' exchanges against the numpy expressions it replaced,
bit for bit (every rank must reach the same weights)."""

import numpy as np
import pytest

from wordvec.training.exchange import add_up, apply_hot, apply_sum, changes, hot_changes


def _matrices(seed, rows=300, dim=7):
    rng = np.random.default_rng(seed)
    last = rng.standard_normal((rows, dim), dtype=np.float32)
    return last + 0.01 * rng.standard_normal((rows, dim), dtype=np.float32), last, rng


def test_hot_rows_get_the_damped_sum_and_keep_what_the_threads_added_meanwhile():
    current, last, rng = _matrices(0)
    rows = np.sort(rng.choice(len(current), 40, replace=False))
    scale = rng.uniform(0.2, 1.0, (len(rows), 1)).astype(np.float32)
    others = 0.01 * rng.standard_normal((len(rows), current.shape[1]), dtype=np.float32)  # the other ranks' changes
    meanwhile = 0.001 * rng.standard_normal((len(rows), current.shape[1]), dtype=np.float32)  # the threads', during it

    expected_current, expected_last = current.copy(), last.copy()
    mine = expected_current[rows] - expected_last[rows]
    summed = mine + others
    expected_current[rows] += meanwhile
    summed *= scale
    expected_last[rows] += summed
    expected_current[rows] += summed - mine

    mine_buf, summed_buf = np.empty((2, len(rows), current.shape[1]), dtype=np.float32)
    hot_changes(current, last, rows, mine_buf, summed_buf)
    assert np.array_equal(mine_buf, mine) and np.array_equal(summed_buf, mine)
    summed_buf += others  # what the allreduce does
    current[rows] += meanwhile
    untouched = np.setdiff1d(np.arange(len(current)), rows)
    before = current[untouched].copy(), last[untouched].copy()
    apply_hot(current, last, rows, mine_buf, summed_buf, scale)
    assert np.array_equal(current, expected_current) and np.array_equal(last, expected_last)
    assert np.array_equal(current[untouched], before[0]) and np.array_equal(last[untouched], before[1])


@pytest.mark.parametrize("damped", [False, True])
def test_the_whole_model_gets_the_sum_and_every_rank_starts_again_from_it(damped):
    current, last, rng = _matrices(1)
    others = 0.01 * rng.standard_normal(current.shape, dtype=np.float32)
    scale = rng.uniform(0.2, 1.0, (len(current), 1)).astype(np.float32) if damped else None

    expected_last = last.copy()
    delta = current - last + others
    if damped:
        delta *= scale
    expected_last += delta

    buffer, every = np.empty_like(current), np.arange(len(current))
    changes(current, last, every, buffer)
    assert np.array_equal(buffer, current - last)
    buffer += others
    apply_sum(current, last, every, buffer, scale)
    assert np.array_equal(last, expected_last) and np.array_equal(current, expected_last)


def _blocks_of(others, seen):
    def allreduce(delta):  # the other ranks' changes of the same rows, added in place
        start = sum(len(b) for b in seen)
        seen.append(delta.copy())
        delta += others[start:start + len(delta)]

    return allreduce


@pytest.mark.parametrize("damped", [False, True])
@pytest.mark.parametrize("block", [1, 7, 300, 1000])  # 7: the last block is short (300 rows)
def test_the_whole_model_added_up_a_block_at_a_time_is_the_whole_sum(damped, block):
    current, last, rng = _matrices(2)
    others = 0.01 * rng.standard_normal(current.shape, dtype=np.float32)
    scale = rng.uniform(0.2, 1.0, (len(current), 1)).astype(np.float32) if damped else None
    expected, every = (current.copy(), last.copy()), np.arange(len(current))
    buffer = np.empty_like(current)
    changes(*expected, every, buffer)
    buffer += others
    apply_sum(*expected, every, buffer, scale)

    seen = []
    add_up(current, last, None, scale, np.empty((block, current.shape[1]), dtype=np.float32),
           _blocks_of(others, seen))
    assert [len(b) for b in seen] == [min(block, len(current) - s) for s in range(0, len(current), block)]
    assert np.array_equal(current, expected[0]) and np.array_equal(last, expected[1])


@pytest.mark.parametrize("damped", [False, True])
@pytest.mark.parametrize("block", [1, 7, 1000])
def test_rows_that_no_rank_changed_can_be_left_out_of_the_exchange(damped, block):
    """Two ranks from the same last exchange, each changing its own rows (some in common): adding
    up only the rows either changed gives every rank what adding up every row gives, bit for bit."""
    rng = np.random.default_rng(3)
    last = rng.standard_normal((300, 7), dtype=np.float32)
    ranks = [last.copy(), last.copy()]
    changed = [np.sort(rng.choice(300, 90, replace=False)) for _ in ranks]
    for current, rows in zip(ranks, changed):
        current[rows] += 0.01 * rng.standard_normal((len(rows), 7), dtype=np.float32)
    scale = rng.uniform(0.2, 1.0, (300, 1)).astype(np.float32) if damped else None
    either = np.union1d(*changed)
    assert 90 < len(either) < 180

    for mine, theirs in ((0, 1), (1, 0)):
        whole = ranks[mine].copy(), last.copy()
        buffer = np.empty((block, 7), dtype=np.float32)
        add_up(*whole, None, scale, buffer, _blocks_of(ranks[theirs] - last, []))
        sparse = ranks[mine].copy(), last.copy()
        seen = []
        add_up(*sparse, either, scale, buffer, _blocks_of(ranks[theirs][either] - last[either], seen))
        assert sum(len(b) for b in seen) == len(either)
        assert np.array_equal(sparse[0], whole[0]) and np.array_equal(sparse[1], whole[1])
        missed, some = (ranks[mine].copy(), last.copy()), either[1:]  # a changed row left out: lost
        add_up(*missed, some, scale, buffer, _blocks_of(ranks[theirs][some] - last[some], []))
        assert not np.array_equal(missed[1], whole[1])
