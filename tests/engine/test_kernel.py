"""The CPU kernel against the reference trainer: same draws, same steps, same vectors."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from wordvec.engine.contract import (
    ARCH_CBOW,
    ARCH_SKIPGRAM,
    LOSS_HIERARCHICAL,
    LOSS_NEGATIVE,
    Settings,
    Weights,
    identity_bags,
)
from wordvec.engine.cpu.kernel import KERNELS, kernel_for, top_copy, train_chunk
from wordvec.engine.cpu.output import add_top_change
from wordvec.engine.cpu.rng import new_state
from wordvec.engine.cpu.sampling import draw_negatives
from wordvec.engine.cpu.width import ROW
from wordvec.engine.tables import build_alias, build_tables, pack_alias
from wordvec.reference.trainer import ReferenceTrainer

COUNTS = np.array([9, 7, 5, 3, 2, 1])
LINES = [[0, 3, 1, 0, 5, 2, 4], [2, 2, 1], [4], [1, 0, 3, 3, 5, 0, 2, 1, 4]]
MODES = {  # name: (arch, per_window, cbow_mean_gradient)
    "skipgram-window": (ARCH_SKIPGRAM, True, False),
    "skipgram-pair": (ARCH_SKIPGRAM, False, False),
    "cbow-word2vec": (ARCH_CBOW, True, False),
    "cbow-mean-gradient": (ARCH_CBOW, True, True),
}
SCHEDULES = {  # name: (keep probabilities, shrink_windows, alpha_start, alpha_end)
    "fixed": (np.ones(6), False, 0.05, 0.05),
    "subsampled-shrinking-decaying": (np.array([0.3, 0.6, 1.0, 0.8, 1.0, 0.5]), True, 0.05, 0.01),
}


def chunk_of(lines):
    return np.array([w for line in lines for w in line + [-1]], dtype=np.int32)


SHAPES = {  # name: (window, negative, dim, top_rows); the wider one fills the kernels' blocks of four rows and
    # leaves a rest, and trains three output rows (hierarchical softmax's top nodes) in the thread's copy;
    # rows of the default length train with each kernel's twin compiled for them
    "small": (2, 4, 8, 0),
    "wide": (4, 7, 13, 3),
    "default-rows": (5, 5, ROW, 3),
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("schedule", list(SCHEDULES))
@pytest.mark.parametrize("loss_kind", [LOSS_NEGATIVE, LOSS_HIERARCHICAL])
@pytest.mark.parametrize("mode", list(MODES))
def test_kernel_steps_equal_reference_steps(mode, loss_kind, schedule, shape):
    arch, per_window, mean_gradient = MODES[mode]
    keep, shrink, alpha_start, alpha_end = SCHEDULES[schedule]
    window, negative, dim, top = SHAPES[shape]
    rng = np.random.default_rng(0)
    n = len(COUNTS)
    V = rng.normal(scale=0.5, size=(n, dim)).astype(np.float32)
    U = rng.normal(scale=0.5, size=(n - 1 if loss_kind == LOSS_HIERARCHICAL else n, dim)).astype(np.float32)
    tables = build_tables(COUNTS, keep, 0.75, hierarchical=loss_kind == LOSS_HIERARCHICAL)
    settings = Settings(arch, loss_kind, per_window, window, shrink, negative, mean_gradient, top)
    reference = ReferenceTrainer(V, U, tables, settings, new_state(5))
    expected = reference.train_chunk(chunk_of(LINES), alpha_start, alpha_end)

    loss, predictions, words = train_chunk(chunk_of(LINES), Weights(V, U, *identity_bags(n)), tables, settings,
                                           alpha_start, alpha_end, new_state(5), 0)
    assert words == expected[2] == sum(map(len, LINES))
    assert predictions == expected[1] > 0
    assert_allclose(loss, expected[0], rtol=1e-5)
    assert_allclose(V, reference.V, rtol=1e-5, atol=1e-5 * np.abs(reference.V).max())
    assert_allclose(U, reference.U, rtol=1e-5, atol=1e-5 * np.abs(reference.U).max())


@pytest.mark.parametrize("dims", [(ROW, ROW), (ROW - 1, ROW - 1), (ROW, ROW - 1)])
def test_the_twin_runs_only_where_every_row_has_its_length(dims):
    n = len(COUNTS)
    weights = Weights(np.zeros((n, dims[0]), np.float32), np.zeros((n, dims[1]), np.float32), *identity_bags(n))
    settings = Settings(ARCH_SKIPGRAM, LOSS_NEGATIVE, True, 2, False, 2, False)
    generic, twin = KERNELS[ARCH_SKIPGRAM, LOSS_NEGATIVE]
    assert kernel_for(weights, settings) is (twin if dims == (ROW, ROW) else generic)


def test_the_stream_goes_on_where_the_chunk_left_it():
    """The kernel draws from a copy of its stream's state and puts it back: the state ends where
    the reference trainer's does after the same chunk, and the other threads' streams are untouched."""
    tables = build_tables(COUNTS, np.array([0.3, 0.6, 1.0, 0.8, 1.0, 0.5]), 0.75, hierarchical=False)
    settings = Settings(ARCH_SKIPGRAM, LOSS_NEGATIVE, True, 2, True, 3, False)
    rng = np.random.default_rng(8)
    V, U = (rng.normal(scale=0.5, size=(6, 8)).astype(np.float32) for _ in range(2))
    states = new_state(9, 3)
    before, alone = states.copy(), states[1:2].copy()
    ReferenceTrainer(V.copy(), U.copy(), tables, settings, alone).train_chunk(chunk_of(LINES), 0.1, 0.1)
    train_chunk(chunk_of(LINES), Weights(V, U, *identity_bags(6)), tables, settings, 0.1, 0.1, states, 1)
    assert states[1] == alone[0] != before[1]
    assert states[0] == before[0] and states[2] == before[2]


def _hierarchical(seed):
    tables = build_tables(COUNTS, np.ones(6), 0.75, hierarchical=True)
    rng = np.random.default_rng(seed)
    V, U = rng.normal(scale=0.5, size=(6, 8)).astype(np.float32), rng.normal(scale=0.5, size=(5, 8)).astype(np.float32)
    return tables, Settings(ARCH_SKIPGRAM, LOSS_HIERARCHICAL, True, 4, False, 1, False, 3), V, U


def test_one_thread_takes_the_same_steps_with_its_copy_of_the_top_nodes():
    """The copy changes where a thread's steps are made, not the steps (the reference test above
    checks the same with three rows copied)."""
    tables, settings, V, U = _hierarchical(4)
    outs = []
    for rows in (0, 3, 5):
        weights = Weights(V.copy(), U.copy(), *identity_bags(6))
        train_chunk(chunk_of(LINES * 3), weights, tables, settings, 0.1, 0.1, new_state(6), 0, top_copy(U, rows))
        outs.append(weights)
    assert np.abs(outs[0].vectors_out - U).max() > 1e-2  # it trained
    for w in outs[1:]:
        assert_allclose(w.vectors_out, outs[0].vectors_out, rtol=1e-6, atol=1e-6)
        assert_allclose(w.vectors_in, outs[0].vectors_in, rtol=1e-6, atol=1e-6)


def test_two_threads_copies_of_the_top_nodes_are_averaged():
    """Two threads copy the top nodes, train, and each adds half its change, one after the other:
    the rows end at the mean of the two copies, the first thread's half as it was when it trained alone."""
    tables, settings, V, U = _hierarchical(5)
    alone = Weights(V.copy(), U.copy(), *identity_bags(6))
    train_chunk(chunk_of(LINES), alone, tables, settings, 0.1, 0.1, new_state(6), 0)
    weights = Weights(V.copy(), U.copy(), *identity_bags(6))
    kernel, first, second = kernel_for(weights, settings), top_copy(U, 3), top_copy(U, 3)
    kernel(chunk_of(LINES), weights, tables, settings, 0.1, 0.1, new_state(6), 0, first)
    kernel(chunk_of(LINES[::-1]), weights, tables, settings, 0.1, 0.1, new_state(7), 0, second)
    assert np.array_equal(weights.vectors_out[2:], U[2:])  # the copies' rows wait for the changes
    add_top_change(weights.vectors_out, first, 0.5)
    add_top_change(weights.vectors_out, second, 0.5)
    assert_allclose(weights.vectors_out[2:], (first[0] + second[0]) / 2, rtol=1e-6, atol=1e-6)
    second_change = second[0] - second[1]
    assert np.abs(second_change).max() > 1e-2
    assert_allclose(weights.vectors_out[2:] - second_change / 2, (U[2:] + alone.vectors_out[2:]) / 2,
                    rtol=1e-6, atol=1e-6)


def test_the_subsampled_schedule_drops_words_and_shrinks_windows():
    """The second schedule really exercises what it claims: fewer predictions than without it."""
    tables = build_tables(COUNTS, SCHEDULES["subsampled-shrinking-decaying"][0], 0.75, hierarchical=False)
    full = build_tables(COUNTS, np.ones(6), 0.75, hierarchical=False)
    counts = []
    for t, shrink in ((full, False), (tables, True)):
        weights = Weights(np.zeros((6, 4), np.float32), np.zeros((6, 4), np.float32), *identity_bags(6))
        counts.append(train_chunk(chunk_of(LINES), weights, t, Settings(ARCH_SKIPGRAM, LOSS_NEGATIVE, True, 2, shrink,
                                                                          2, False), 0.1, 0.1, new_state(3), 0)[1])
    assert counts[1] < counts[0]


def test_a_bag_of_rows_is_averaged_and_each_row_gets_the_gradient():
    """Word 0's input vector is the mean of rows 0 and 2: the same step as one row holding that mean."""
    settings = Settings(ARCH_SKIPGRAM, LOSS_NEGATIVE, True, 1, False, 2, False)
    tables = build_tables(np.array([5, 4]), np.ones(2), 0.75, hierarchical=False)
    rng = np.random.default_rng(1)
    rows = rng.normal(size=(3, 4)).astype(np.float32)
    U = rng.normal(size=(2, 4)).astype(np.float32)
    bag = Weights(rows.copy(), U.copy(), np.array([0, 2, 3]), np.array([0, 2, 1]))
    single = Weights(np.stack([(rows[0] + rows[2]) / 2, rows[1]]), U.copy(), *identity_bags(2))
    chunk = np.array([0, 1, -1], dtype=np.int32)
    a = train_chunk(chunk, bag, tables, settings, 0.1, 0.1, new_state(2), 0)
    b = train_chunk(chunk, single, tables, settings, 0.1, 0.1, new_state(2), 0)
    assert_allclose(a[0], b[0], rtol=1e-6)
    assert_allclose(bag.vectors_out, single.vectors_out, rtol=1e-5, atol=1e-7)
    step = single.vectors_in[0] - (rows[0] + rows[2]) / 2  # the update of word 0's vector
    assert_allclose(bag.vectors_in[0] - rows[0], step, rtol=1e-4, atol=1e-7)
    assert_allclose(bag.vectors_in[2] - rows[2], step, rtol=1e-4, atol=1e-7)


def test_windows_do_not_cross_line_ends_and_subsampling_drops_words():
    n, dim = 4, 3
    V = np.ones((n, dim), dtype=np.float32)
    U = np.zeros((n, dim), dtype=np.float32)
    settings = Settings(ARCH_SKIPGRAM, LOSS_NEGATIVE, True, 5, False, 2, False)
    chunk = np.array([0, -1, 1, -1, 2, 3, -1], dtype=np.int32)  # two one-word lines, then a pair
    weights = Weights(V, U, *identity_bags(n))
    _, predictions, words = train_chunk(chunk, weights, build_tables(np.array([4, 3, 2, 1]), np.ones(n), 0.75, False),
                                        settings, 0.1, 0.1, new_state(0), 0)
    assert words == 4 and predictions == 2  # only 2 <-> 3 share a line
    assert np.all(V[:2] == 1.0)  # the lone words were never trained
    keep = np.array([1.0, 1.0, 0.0, 1.0])  # word 2 is always dropped
    _, predictions, _ = train_chunk(chunk, weights, build_tables(np.array([4, 3, 2, 1]), keep, 0.75, False),
                                    settings, 0.1, 0.1, new_state(0), 0)
    assert predictions == 0


def test_negatives_skip_the_target():
    table = pack_alias(*build_alias(np.array([1.0, 1.0])))
    buf = np.empty(1000, dtype=np.int64)
    k = draw_negatives(0, 1000, table, new_state(1), 0, buf, 0)
    assert 400 < k < 600 and np.all(buf[:k] == 1)


def test_a_copy_of_the_top_nodes_never_reaches_past_the_output_rows():
    """A vocabulary with fewer inner nodes than ``Settings.top_rows`` copies them all; a copy of
    another shape is refused before the kernel could write outside the rows."""
    tables, settings, V, U = _hierarchical(6)
    assert top_copy(U, 1023).shape == (2, len(U), U.shape[1])
    weights = Weights(V, U, *identity_bags(6))
    for shape in ((2, len(U) + 1, 8), (2, 2, 7)):
        with pytest.raises(ValueError, match="top rows"):
            train_chunk(chunk_of(LINES), weights, tables, settings, 0.1, 0.1, new_state(6), 0,
                        np.zeros(shape, np.float32))
