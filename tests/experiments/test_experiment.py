import numpy as np
import pytest
from conftest import shared_path
from numpy.testing import assert_allclose

from wordvec.errors import DataError
from wordvec.experiments.sst.data import load_sst
from wordvec.experiments.sst.experiment import SSTConfig, train_sst

SMALL = dict(dim=5, context=3, negatives=4, batch_size=10, iterations=30, copies=3, sample=1e-2)


def test_compiled_and_exact_paths_follow_the_same_trajectory(sentences):
    fast = train_sst(sentences, SSTConfig(**SMALL))
    exact = train_sst(sentences, SSTConfig(**SMALL), exact=True)
    assert_allclose(fast.center_vectors, exact.center_vectors, rtol=1e-9, atol=1e-12)
    assert_allclose(fast.outside_vectors, exact.outside_vectors, rtol=1e-9, atol=1e-12)
    assert_allclose(fast.sgd.loss_history, exact.sgd.loss_history, rtol=1e-9)


def test_training_lowers_the_loss(sentences):
    result = train_sst(sentences, SSTConfig(**{**SMALL, "iterations": 2000}))
    history = result.sgd.loss_history
    assert history[-1] < 0.8 * history[0]


def test_resume_ends_where_an_uninterrupted_run_ends(sentences, tmp_path):
    config = SSTConfig(**{**SMALL, "iterations": 60})
    full = train_sst(sentences, config)
    train_sst(sentences, SSTConfig(**{**SMALL, "iterations": 35}), checkpoint_dir=tmp_path, checkpoint_every=20)
    resumed = train_sst(sentences, config, checkpoint_dir=tmp_path, checkpoint_every=20, resume=True)
    assert np.array_equal(resumed.center_vectors, full.center_vectors)
    assert resumed.sgd.final_loss == full.sgd.final_loss


def test_a_one_word_corpus_is_refused():
    with pytest.raises(DataError, match="1 distinct word"):
        train_sst([["same", "same"]], SSTConfig(**SMALL))


def test_invalid_setting_is_named(sentences):
    with pytest.raises(ValueError, match="negatives=0 must be a positive integer"):
        train_sst(sentences, SSTConfig(**{**SMALL, "negatives": 0}))


def test_full_experiment_reaches_the_classic_loss():
    """The classic sanity check: the final smoothed loss is around or below 10."""
    result = train_sst(load_sst(shared_path("sst")), SSTConfig())
    assert result.sgd.final_loss < 10.0
    assert result.sgd.loss_history[999] > result.sgd.final_loss + 2
