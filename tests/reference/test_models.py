import numpy as np
import pytest
from numpy.testing import assert_allclose

from wordvec.reference import (
    cbow,
    naive_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
    skipgram,
)
from wordvec.reference.gradcheck import gradcheck

WORDS = ["a", "b", "c", "d", "e"]
WORD2IND = {w: i for i, w in enumerate(WORDS)}
OUTSIDE = ["a", "b", "e", "b"]  # "b" twice: a repeated context word counts twice


def vectors(dim, seed=0):
    rng = np.random.default_rng(seed + dim)
    return rng.normal(size=(5, dim)), rng.normal(size=(5, dim)), rng


def loss_options(name, rng):
    if name == "naive":
        return naive_softmax_loss_and_gradient, {}
    return neg_sampling_loss_and_gradient, {"negative_indices": rng.integers(0, 5, size=(len(OUTSIDE), 6))}


@pytest.mark.parametrize("dim", [3, 10, 50])
@pytest.mark.parametrize("loss", ["naive", "negative"])
@pytest.mark.parametrize("model", [skipgram, cbow])
def test_model_gradients_pass_gradcheck(model, loss, dim):
    V, U, rng = vectors(dim)
    loss_fn, kwargs = loss_options(loss, rng)
    if model is cbow and "negative_indices" in kwargs:
        kwargs["negative_indices"] = kwargs["negative_indices"][0]

    def f_center(x):
        loss_, g_in, _ = model("c", 2, OUTSIDE, WORD2IND, x, U, loss_fn, **kwargs)
        return loss_, g_in

    def f_outside(x):
        loss_, _, g_out = model("c", 2, OUTSIDE, WORD2IND, V, x, loss_fn, **kwargs)
        return loss_, g_out

    assert gradcheck(f_center, V) < 1e-6
    assert gradcheck(f_outside, U) < 1e-6


def test_skipgram_touches_only_the_center_row():
    V, U, rng = vectors(4)
    _, g_in, _ = skipgram("c", 2, OUTSIDE, WORD2IND, V, U, neg_sampling_loss_and_gradient,
                          negative_indices=rng.integers(0, 5, size=(4, 3)))
    others = np.delete(g_in, WORD2IND["c"], axis=0)
    assert np.all(others == 0.0)
    assert np.any(g_in[WORD2IND["c"]] != 0.0)


def test_skipgram_is_the_sum_over_the_window():
    V, U, _ = vectors(4)
    total, _, _ = skipgram("c", 2, OUTSIDE, WORD2IND, V, U)
    pairs = [naive_softmax_loss_and_gradient(V[2], WORD2IND[w], U)[0] for w in OUTSIDE]
    assert_allclose(total, sum(pairs), rtol=1e-12)


def test_skipgram_shares_1d_negatives_across_the_window():
    V, U, _ = vectors(4)
    negatives = np.array([0, 4, 4])
    total, _, _ = skipgram("c", 2, OUTSIDE, WORD2IND, V, U, neg_sampling_loss_and_gradient,
                           negative_indices=negatives)
    pairs = [neg_sampling_loss_and_gradient(V[2], WORD2IND[w], U, negatives)[0] for w in OUTSIDE]
    assert_allclose(total, sum(pairs), rtol=1e-12)


def test_cbow_predicts_center_from_the_mean_of_the_context():
    V, U, _ = vectors(4)
    loss, g_in, _ = cbow("c", 2, OUTSIDE, WORD2IND, V, U)
    hidden = V[[0, 1, 4, 1]].mean(axis=0)
    assert_allclose(loss, naive_softmax_loss_and_gradient(hidden, 2, U)[0], rtol=1e-12)
    assert np.all(g_in[[2, 3]] == 0.0)  # the center and the unused word
    assert_allclose(g_in[1], 2 * g_in[0], rtol=1e-12)  # "b" occurs twice, "a" once


@pytest.mark.parametrize("model", [skipgram, cbow])
def test_window_larger_than_its_size_is_refused(model):
    V, U, _ = vectors(3)
    with pytest.raises(ValueError, match="window of size 1 holds at most 2 outside words, got 4"):
        model("c", 1, OUTSIDE, WORD2IND, V, U)
