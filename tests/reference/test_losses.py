import numpy as np
import pytest
from numpy.testing import assert_allclose

from wordvec.reference import (
    naive_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
    softmax,
)
from wordvec.reference.gradcheck import gradcheck

DIMS = [3, 10, 50]


def random_problem(dim, n_words=7, seed=0):
    rng = np.random.default_rng(seed + dim)
    return rng.normal(size=dim), rng.normal(size=(n_words, dim)), rng


def test_cross_entropy_identity():
    """(a) -sum_w y_w log y_hat_w = -log y_hat_o for a one-hot y."""
    v, U, _ = random_problem(5)
    y_hat = softmax(U @ v)
    for o in range(len(U)):
        y = np.zeros(len(U))
        y[o] = 1.0
        loss, _, _ = naive_softmax_loss_and_gradient(v, o, U)
        assert_allclose(-np.sum(y * np.log(y_hat)), loss, rtol=1e-12)
        assert_allclose(loss, -np.log(y_hat[o]), rtol=1e-12)


def two_word_vocabulary():
    return np.array([1.0, 0.0]), np.array([[1.0, 0.0], [0.0, 1.0]])


def test_naive_softmax_by_hand():
    # scores U v = (1, 0); softmax = (e, 1) / (e + 1); J = log(1 + 1/e)
    v, U = two_word_vocabulary()
    loss, grad_v, grad_U = naive_softmax_loss_and_gradient(v, 0, U)
    p = 1 / (np.e + 1)
    assert_allclose(loss, np.log(1 + np.exp(-1)), rtol=1e-14)
    assert_allclose(grad_v, [-p, p], rtol=1e-14)  # U^T (y_hat - y)
    assert_allclose(grad_U, [[-p, 0.0], [p, 0.0]], rtol=1e-14)  # (y_hat - y) v^T


def test_neg_sampling_by_hand():
    # u_o . v = 1, one negative with u_k . v = 0: J = -log sigma(1) - log sigma(0)
    v, U = two_word_vocabulary()
    loss, grad_v, grad_U = neg_sampling_loss_and_gradient(v, 0, U, np.array([1]))
    s1 = 1 / (1 + np.exp(-1))
    assert_allclose(loss, -np.log(s1) + np.log(2), rtol=1e-14)
    assert_allclose(grad_v, [s1 - 1, 0.5], rtol=1e-14)  # (s1 - 1) u_o + sigma(0) u_k
    assert_allclose(grad_U, [[s1 - 1, 0.0], [0.5, 0.0]], rtol=1e-14)


@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("loss_fn", ["naive", "negative"])
def test_gradients_pass_gradcheck(dim, loss_fn):
    v, U, rng = random_problem(dim)
    negatives = rng.integers(0, len(U), size=10)
    if loss_fn == "naive":
        fn = lambda v_, U_: naive_softmax_loss_and_gradient(v_, 3, U_)  # noqa: E731
    else:
        fn = lambda v_, U_: neg_sampling_loss_and_gradient(v_, 3, U_, negatives)  # noqa: E731
    assert gradcheck(lambda x: fn(x, U)[:2], v) < 1e-6
    assert gradcheck(lambda x: (fn(v, x)[0], fn(v, x)[2]), U) < 1e-6


def test_repeated_negatives_count_every_time():
    v, U, _ = random_problem(4)
    once = neg_sampling_loss_and_gradient(v, 0, U, np.array([2]))
    thrice = neg_sampling_loss_and_gradient(v, 0, U, np.array([2, 2, 2]))
    no_negative = neg_sampling_loss_and_gradient(v, 0, U, np.array([], dtype=int))
    row2_once = once[2][2]
    assert np.any(row2_once != 0)
    assert_allclose(thrice[2][2], 3 * row2_once, rtol=1e-14)
    assert_allclose(thrice[0] - no_negative[0], 3 * (once[0] - no_negative[0]), rtol=1e-12)


def test_negative_equal_to_outside_word_is_not_special():
    """u_o appears both as the true word and as a negative: both terms count."""
    v, U, _ = random_problem(4)
    loss, grad_v, grad_U = neg_sampling_loss_and_gradient(v, 1, U, np.array([1]))
    s = 1 / (1 + np.exp(-(U[1] @ v)))
    assert_allclose(loss, -np.log(s) - np.log(1 - s), rtol=1e-12)
    assert_allclose(grad_U[1], (s - 1) * v + s * v, rtol=1e-12)
    assert_allclose(grad_v, (2 * s - 1) * U[1], rtol=1e-12)
    assert gradcheck(lambda x: neg_sampling_loss_and_gradient(v, 1, x, np.array([1]))[::2], U) < 1e-6


@pytest.mark.parametrize("dim", DIMS)
def test_hierarchical_softmax_passes_gradcheck(dim):
    from wordvec.engine.tables import build_huffman
    from wordvec.reference import hierarchical_softmax_loss_and_gradient as hs

    codes, points, lengths = build_huffman(np.array([9, 7, 5, 3, 2, 1]))
    codes = [c[:n] for c, n in zip(codes, lengths)]
    points = [p[:n] for p, n in zip(points, lengths)]
    rng = np.random.default_rng(dim)
    v, nodes = rng.normal(size=dim), rng.normal(size=(5, dim))
    for word in range(6):
        assert gradcheck(lambda x: hs(x, word, nodes, codes, points)[:2], v) < 1e-6
        assert gradcheck(lambda x: hs(v, word, x, codes, points)[::2], nodes) < 1e-6


def test_hierarchical_softmax_probabilities_sum_to_one():
    """The leaves' probabilities prod_l sigma((1 - 2 d_l) u_l . v) form a distribution."""
    from wordvec.engine.tables import build_huffman
    from wordvec.reference import hierarchical_softmax_loss_and_gradient as hs

    codes, points, lengths = build_huffman(np.array([9, 7, 5, 3, 2, 1]))
    codes = [c[:n] for c, n in zip(codes, lengths)]
    points = [p[:n] for p, n in zip(points, lengths)]
    rng = np.random.default_rng(0)
    v, nodes = rng.normal(size=4), rng.normal(size=(5, 4))
    total = sum(np.exp(-hs(v, w, nodes, codes, points)[0]) for w in range(6))
    assert_allclose(total, 1.0, rtol=1e-12)
