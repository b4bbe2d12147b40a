import numpy as np
import pytest
from numpy.testing import assert_allclose

from wordvec.engine.cpu.rng import new_state
from wordvec.engine.tables import build_alias
from wordvec.experiments.sst.minibatch import (
    neg_sampling_pair,
    sample_minibatch,
    skipgram_negative_step,
    subsample_corpus,
)
from wordvec.reference import neg_sampling_loss_and_gradient, skipgram


@pytest.mark.parametrize("dim", [3, 10, 50])
def test_compiled_pair_matches_reference(dim):
    rng = np.random.default_rng(dim)
    v, U = rng.normal(size=dim), rng.normal(size=(9, dim))
    negatives = rng.integers(0, 9, size=12)  # repeats and the outside word itself may occur
    negatives[0] = 4
    loss_ref, gv_ref, gU_ref = neg_sampling_loss_and_gradient(v, 4, U, negatives)
    gv, gU = np.zeros(dim), np.zeros_like(U)
    loss = neg_sampling_pair(v, 4, negatives, U, gv, gU, 1.0)
    assert_allclose(loss, loss_ref, rtol=1e-6)
    assert_allclose(gv, gv_ref, rtol=1e-6)
    assert_allclose(gU, gU_ref, rtol=1e-6, atol=1e-12)


def corpus():
    tokens = np.array([0, 1, 2, 3, 1, 4, 0, 2, 5, 5, 1, 3], dtype=np.int32)
    offsets = np.array([0, 5, 6, 12], dtype=np.int64)  # the middle sentence has one word
    return tokens, offsets


def test_subsampling_drops_short_sentences_and_frequent_words():
    tokens, offsets = corpus()
    discard = np.zeros(6)
    out, out_offsets = subsample_corpus(tokens, offsets, discard, 2, new_state(0))
    assert len(out_offsets) - 1 == 4  # two copies of two sentences; the 1-word one is gone
    assert out.tolist() == [0, 1, 2, 3, 1, 0, 2, 5, 5, 1, 3] * 2
    discard[1] = 1.0
    out, _ = subsample_corpus(tokens, offsets, discard, 3, new_state(0))
    assert 1 not in out.tolist()


def test_minibatch_windows_are_inside_sentences_and_exclude_the_center():
    tokens, offsets = corpus()
    prob, alias = build_alias(np.ones(6))
    centers, sizes, outside, n_outside, negatives, ok = sample_minibatch(
        tokens, offsets, 200, 2, prob, alias, 3, new_state(1))
    assert ok
    assert np.all((sizes >= 1) & (sizes <= 2))
    for b in range(200):
        n = n_outside[b]
        assert 1 <= n <= 2 * sizes[b]
        assert np.all(outside[b, :n] != centers[b])
        assert np.all(outside[b, n:] == -1)
        assert np.all(negatives[b, :n] != outside[b, :n, None])  # the outside word is rejected


def test_minibatch_reports_a_corpus_without_usable_windows():
    tokens = np.array([3, 3, 3], dtype=np.int32)
    prob, alias = build_alias(np.ones(4))
    *_, ok = sample_minibatch(tokens, np.array([0, 3]), 2, 2, prob, alias, 1, new_state(0))
    assert not ok


def test_compiled_step_equals_reference_gradient_step():
    rng = np.random.default_rng(0)
    n, dim, step = 6, 4, 0.2
    V, U = rng.normal(size=(n, dim)), rng.normal(size=(n, dim))
    tokens, offsets = corpus()
    prob, alias = build_alias(np.ones(n))
    centers, _, outside, n_outside, negatives, _ = sample_minibatch(
        tokens, offsets, 8, 2, prob, alias, 4, new_state(2))
    words = [str(i) for i in range(n)]
    w2i = {w: i for i, w in enumerate(words)}
    loss_ref, gV, gU = 0.0, np.zeros_like(V), np.zeros_like(U)
    for b in range(8):
        k = n_outside[b]
        l_, gv, gu = skipgram(words[centers[b]], 2, [words[o] for o in outside[b, :k]], w2i, V, U,
                              neg_sampling_loss_and_gradient, negative_indices=negatives[b, :k])
        loss_ref, gV, gU = loss_ref + l_ / 8, gV + gv / 8, gU + gu / 8
    V2, U2 = V.copy(), U.copy()
    scratch = np.zeros_like(V), np.zeros_like(U), np.zeros(n, dtype=np.bool_)
    loss = skipgram_negative_step(V2, U2, centers, outside, n_outside, negatives, step, *scratch)
    assert not any(np.any(buffer) for buffer in scratch)  # scratch is clean for the next step
    assert_allclose(loss, loss_ref, rtol=1e-10)
    assert_allclose(V2, V - step * gV, rtol=1e-10, atol=1e-14)
    assert_allclose(U2, U - step * gU, rtol=1e-10, atol=1e-14)
