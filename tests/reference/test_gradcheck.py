import numpy as np
import pytest

from wordvec.errors import GradcheckError
from wordvec.reference.gradcheck import gradcheck


def test_accepts_a_correct_gradient():
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    assert gradcheck(lambda z: (float(np.sum(z**3)), 3 * z**2), x) < 1e-8


def test_rejects_a_wrong_gradient_naming_the_coordinate():
    x = np.array([0.5, -1.0, 2.0])

    def f(z):
        grad = 2 * z
        grad[2] += 1e-3  # one coordinate off
        return float(np.sum(z**2)), grad

    with pytest.raises(GradcheckError, match=r"coordinate \(2,\): analytic 4\.001, numerical 4\.0"):
        gradcheck(f, x)


def test_leaves_x_unchanged_and_checks_shape():
    x = np.array([1.0, 2.0])
    gradcheck(lambda z: (float(z @ z), 2 * z), x)
    assert x.tolist() == [1.0, 2.0]
    with pytest.raises(GradcheckError, match="shape"):
        gradcheck(lambda z: (0.0, np.zeros(3)), x)
