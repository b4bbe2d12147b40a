"""The subword kernels' cache of the reach's input vectors changes nothing where no two words
within a reach share a row: the rows end as if each window had updated every row of its bags."""

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
)
from wordvec.engine.cpu.kernel import train_chunk
from wordvec.engine.cpu.rng import new_state
from wordvec.engine.tables import build_tables

N, DIM, WINDOW = 12, 8, 2
# no word twice within 2 WINDOW + 1 positions of a line; lines shorter than a window, and of one word
LINES = [[0, 3, 1, 7, 5, 2, 4, 0, 3, 11], [2, 6], [9], [1, 0, 3, 8, 5, 10, 2, 1, 4, 6, 9, 7], [4, 11, 6]]


def _chunk(lines):
    return np.array([w for line in lines for w in [*line, -1]], dtype=np.int32)


@pytest.mark.parametrize("loss", [LOSS_NEGATIVE, LOSS_HIERARCHICAL])
@pytest.mark.parametrize("arch, per_window", [(ARCH_SKIPGRAM, True), (ARCH_SKIPGRAM, False), (ARCH_CBOW, True)])
def test_bags_without_shared_rows_train_as_their_means_would(arch, per_window, loss):
    rng = np.random.default_rng(3)
    rows = rng.normal(scale=0.3, size=(2 * N, DIM)).astype(np.float32)  # word w's bag: rows w and N + w
    out = rng.normal(scale=0.3, size=(N - 1 if loss == LOSS_HIERARCHICAL else N, DIM)).astype(np.float32)
    tables = build_tables(np.arange(2 * N, N, -1), np.ones(N), 0.75, loss == LOSS_HIERARCHICAL)
    settings = Settings(arch, loss, per_window, WINDOW, True, 3, False)
    indices = np.stack([np.arange(N), N + np.arange(N)], axis=1).ravel()
    bags = Weights(rows.copy(), out.copy(), np.arange(0, 2 * N + 1, 2), indices)
    means = (rows[:N] + rows[N:]) / 2
    single = Weights(means.copy(), out.copy(), None, None)
    a = train_chunk(_chunk(LINES), bags, tables, settings, 0.1, 0.02, new_state(7), 0)
    b = train_chunk(_chunk(LINES), single, tables, settings, 0.1, 0.02, new_state(7), 0)
    assert a[1:] == b[1:] and a[1] > 0
    assert_allclose(a[0], b[0], rtol=1e-5)
    assert_allclose(bags.vectors_out, single.vectors_out, rtol=1e-5, atol=1e-6)
    change = single.vectors_in - means  # each row of a bag gets every change of the word's vector
    assert np.abs(change).max() > 1e-3
    assert_allclose(bags.vectors_in[:N] - rows[:N], change, rtol=1e-4, atol=1e-6)
    assert_allclose(bags.vectors_in[N:] - rows[N:], change, rtol=1e-4, atol=1e-6)
