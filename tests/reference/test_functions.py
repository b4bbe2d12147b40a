import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

from wordvec.reference import log_sigmoid, log_softmax, sigmoid, softmax
from wordvec.reference.gradcheck import gradcheck


def test_sigmoid_known_values():
    assert sigmoid(0.0) == 0.5
    assert_allclose(sigmoid(np.array([1.0, -2.0])), [1 / (1 + np.exp(-1)), 1 / (1 + np.exp(2))], rtol=1e-15)


@pytest.mark.parametrize("fn", [sigmoid, log_sigmoid, softmax, log_softmax])
def test_extreme_inputs_give_no_warning_and_no_nan(fn):
    x = np.array([-1e4, -50.0, 0.0, 50.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = fn(x)
    assert np.all(np.isfinite(out))


def test_sigmoid_saturates_exactly():
    assert sigmoid(1e4) == 1.0
    assert sigmoid(-1e4) == 0.0
    assert log_sigmoid(-1e4) == -1e4


def test_sigmoid_symmetry():
    x = np.linspace(-30, 30, 101)
    assert_allclose(sigmoid(x) + sigmoid(-x), 1.0, rtol=1e-15)


def test_sigmoid_derivative_is_sigma_times_one_minus_sigma():
    x = np.random.default_rng(0).normal(size=20) * 3

    def f(z):
        return float(np.sum(sigmoid(z))), sigmoid(z) * (1 - sigmoid(z))

    assert gradcheck(f, x) < 1e-6


def test_softmax_sums_to_one_and_ignores_shifts():
    x = np.random.default_rng(1).normal(size=(4, 7))
    assert_allclose(softmax(x).sum(axis=1), 1.0, rtol=1e-15)
    assert_allclose(softmax(x + 1000.0), softmax(x), rtol=1e-12)
    assert_allclose(np.exp(log_softmax(x)), softmax(x), rtol=1e-12)


def test_softmax_of_huge_input_is_one_hot():
    assert_allclose(softmax(np.array([1e4, 0.0, -1e4])), [1.0, 0.0, 0.0])
