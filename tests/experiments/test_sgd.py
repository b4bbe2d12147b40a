import numpy as np
import pytest
from numpy.testing import assert_allclose

from wordvec.errors import CheckpointError
from wordvec.experiments.sst.sgd import sgd
from wordvec.io.checkpoints import checkpoint_path, list_checkpoints


def quadratic(x):
    return float(np.sum(x**2)), 2 * x


def noisy_quadratic(state):
    """A loss with random draws taken from (and advancing) ``state``."""

    def f(x):
        rng = np.random.default_rng(int(state[0]))
        state[0] = rng.integers(2**62)
        noise = rng.normal(size=x.shape)
        return float(np.sum((x - noise) ** 2)), 2 * (x - noise)

    return f


def test_converges_on_a_quadratic():
    result = sgd(quadratic, np.array([3.0, -4.0]), 0.1, 200, anneal_every=1000)
    assert np.all(np.abs(result.x) < 1e-10)
    assert result.loss_history.shape == (200,)
    assert result.loss_history[0] == 25.0  # L_1 = J_1


def test_step_is_halved_every_anneal_period():
    steps = []
    sgd(lambda x, s: steps.append(s) or 0.0, np.zeros(1), 0.3, 7, anneal_every=3, in_place=True)
    assert steps == [0.3, 0.3, 0.3, 0.15, 0.15, 0.15, 0.075]


def test_loss_is_exponentially_smoothed():
    losses = iter([10.0, 0.0, 20.0])
    result = sgd(lambda x, s: next(losses), np.zeros(1), 0.1, 3, in_place=True)
    assert_allclose(result.loss_history, [10.0, 9.5, 0.95 * 9.5 + 1.0])


def test_resume_equals_an_uninterrupted_run(tmp_path):
    state = np.array([12345], dtype=np.uint64)
    full = sgd(noisy_quadratic(state), np.ones(4), 0.05, 40, anneal_every=15, random_state=state)

    state = np.array([12345], dtype=np.uint64)
    sgd(noisy_quadratic(state), np.ones(4), 0.05, 25, anneal_every=15, random_state=state,
        checkpoint_dir=tmp_path, checkpoint_every=10)
    assert [p.name for p in list_checkpoints(tmp_path, "sgd")][-1] == "sgd-0000000025.npz"
    checkpoint_path(tmp_path, "sgd", 25).unlink()  # as if killed between 20 and 25

    state = np.array([999], dtype=np.uint64)  # the checkpoint restores the real state
    resumed = sgd(noisy_quadratic(state), np.ones(4), 0.05, 40, anneal_every=15, random_state=state,
                  checkpoint_dir=tmp_path, checkpoint_every=10, resume=True)
    assert np.array_equal(resumed.x, full.x)
    assert np.array_equal(resumed.loss_history, full.loss_history)


def test_resume_refuses_other_settings(tmp_path):
    sgd(quadratic, np.ones(2), 0.1, 5, checkpoint_dir=tmp_path, checkpoint_every=5, config={"dim": 2})
    with pytest.raises(CheckpointError, match="written with dim=2, this run has dim=3"):
        sgd(quadratic, np.ones(2), 0.1, 10, checkpoint_dir=tmp_path, resume=True, config={"dim": 3})
    with pytest.raises(CheckpointError, match="does not match"):
        sgd(quadratic, np.ones(3), 0.1, 10, checkpoint_dir=tmp_path, resume=True, config={"dim": 2})


def test_resume_without_checkpoint_starts_over(tmp_path):
    result = sgd(quadratic, np.array([1.0]), 0.1, 3, checkpoint_dir=tmp_path, resume=True)
    assert result.loss_history[0] == 1.0


@pytest.mark.parametrize("name", ["iterations", "anneal_every", "checkpoint_every"])
def test_invalid_schedule_is_refused(name):
    kwargs = {"anneal_every": 5, "checkpoint_every": 5, name: 0}
    iterations = kwargs.pop("iterations", 5)
    with pytest.raises(ValueError, match=f"{name}=0 must be a positive integer"):
        sgd(quadratic, np.ones(1), 0.1, iterations, **kwargs)
