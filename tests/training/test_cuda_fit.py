"""Word2Vec(device='cuda') end to end, on numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1) or a GPU:
the shared epoch loop gives it chunks, checkpoints, resume and SIGINT as on the CPU."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import SIMULATED, needs_cuda, write_topics
from wordvec import Word2Vec
from wordvec.io.checkpoints import list_checkpoints
from wordvec.training.state import PREFIX

pytestmark = needs_cuda
# On a card thousands of windows update the rows at once and race (Hogwild), so two runs differ;
# the simulator runs them one at a time, and only there is a run reproducible.
simulator_only = pytest.mark.skipif(not SIMULATED, reason="a GPU's windows race, so only the simulator "
                                                          "reproduces a run exactly")
SETTINGS = dict(vector_size=8, window=2, min_count=1, negative=3, sample=0, device="cuda", workers=1,
                progress=False, chunk_words=1024)


@pytest.fixture
def topics(tmp_path):
    """Two topics that never share a line: words of one topic should end up closer to each other."""
    return write_topics(tmp_path / "topics.txt", 6, 50)


def topic_margin(model: Word2Vec) -> float:
    """Mean similarity of words of one topic minus that of words of different topics."""
    within = np.mean([model.wv.similarity(f"a{i}", f"a{j}") for i in range(6) for j in range(i)])
    across = np.mean([model.wv.similarity(f"a{i}", f"b{j}") for i in range(6) for j in range(6)])
    return float(within - across)


@pytest.mark.parametrize("arch, loss", [("skipgram", "negative"), ("cbow", "negative"), ("skipgram", "hierarchical"),
                                        ("cbow", "hierarchical")])
def test_a_tiny_fit_learns_the_topics(topics, arch, loss):
    model = Word2Vec(**SETTINGS, arch=arch, loss=loss, epochs=4, alpha=0.05).fit(topics)
    assert model.loss_history_[-1] < model.loss_history_[0]
    assert topic_margin(model) > 0.3


def test_a_corpus_larger_than_the_chunk_buffer_learns_as_one_that_fits(tmp_path):
    """The corpus streams to the card a chunk at a time: 2,112 words in chunks of 1,024 (the
    smallest) learn the topics as well as in one chunk."""
    topics = write_topics(tmp_path / "topics.txt", 6, 132)
    streamed = Word2Vec(**SETTINGS, epochs=2, alpha=0.05).fit(topics)
    whole = Word2Vec(**{**SETTINGS, "chunk_words": 4096}, epochs=2, alpha=0.05).fit(topics)
    assert topic_margin(streamed) > 0.3 and abs(topic_margin(streamed) - topic_margin(whole)) < 0.05
    if SIMULATED:  # windows in order: training only the first chunk of each epoch ends 0.069 higher, the two
        # chunkings 0.0017 apart (on an H200, where a chunk's windows run at once, 0.016 apart)
        assert abs(streamed.loss_history_[-1] - whole.loss_history_[-1]) < 0.01


@simulator_only
def test_a_crashed_cuda_run_resumes_to_the_very_same_vectors(topics, tmp_path, monkeypatch):
    """800 words in chunks of 1024 words: one chunk an epoch, a checkpoint after each."""
    from tests.training.test_resume import crash_after_saves

    full = Word2Vec(**SETTINGS, epochs=3).fit(topics)
    with monkeypatch.context() as m:
        crash_after_saves(m, 2)
        with pytest.raises(SystemExit):
            Word2Vec(**SETTINGS, epochs=3, checkpoint_dir=tmp_path / "ck", checkpoint_words=500).fit(topics)
    resumed = Word2Vec.resume(tmp_path / "ck", progress=False)
    assert np.array_equal(resumed.wv.vectors, full.wv.vectors)
    assert resumed.loss_history_ == full.loss_history_


def test_sigint_stops_a_cuda_run_with_a_checkpoint_that_resumes(tmp_path):
    rng = np.random.default_rng(1)
    (tmp_path / "big.txt").write_text("\n".join(" ".join(rng.choice([f"w{i}" for i in range(50)], size=10))
                                                for _ in range(200)) + "\n")
    ck = tmp_path / "ck"
    # a checkpoint after each epoch of 2,000 words; the signal follows the first, so it lands in epoch 2
    # and is honoured before epoch 3 at the latest (the loop may have queued all of epoch 2's chunks
    # already, and a stop in the last epoch just finishes the run). The simulator trains some 400
    # words a second, a card 3 epochs in milliseconds.
    epochs = 3 if SIMULATED else 500
    args = [sys.executable, "-m", "wordvec", "train", str(tmp_path / "big.txt"), "-o", str(tmp_path / "m.npz"),
            "--min-count", "1", "--epochs", str(epochs), "--device", "cuda", "--vector-size", "8",
            "--chunk-words", "1024", "--no-progress", "--checkpoint-dir", str(ck), "--checkpoint-words", "2000"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list_checkpoints(ck, PREFIX) and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "wordvec: training interrupted in epoch" in err, err
    assert len(list_checkpoints(ck, PREFIX)) >= 1
    done = subprocess.run(args + ["--resume"], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "resuming from" in done.stderr and (tmp_path / "m.npz").exists()



def test_subwords_train_on_the_card(topics):
    """fastText's model through the general kernel: the words' and the n-grams' rows learn the topics."""
    from wordvec.text.subwords import Ngrams
    from wordvec.training.weights import new_weights

    model = Word2Vec(**SETTINGS, subwords=True, min_n=3, max_n=4, buckets=300, epochs=2, alpha=0.05).fit(topics)
    assert model.loss_history_[-1] < model.loss_history_[0]
    assert topic_margin(model) > 0.3
    n = len(model.wv)
    initial, _ = new_weights(n, 8, model.seed, False, Ngrams(3, 4, 300))  # the rows the run began with
    assert model.vectors_in_.shape == initial.shape == (n + 300, 8)
    trained = np.abs(model.vectors_in_[n:] - initial[n:]).max(axis=1) > 1e-3
    assert trained.sum() > 20  # the n-gram rows of the corpus's words moved on the card


def test_callbacks_see_the_vectors_of_the_epoch_just_trained(topics):
    """The weights live on the card during a run: each epoch's end brings them back before a callback."""
    seen = []
    model = Word2Vec(**SETTINGS, epochs=3, alpha=0.05, callbacks=[lambda m, loss: seen.append(m.wv["a0"].copy())])
    model.fit(topics)
    assert len(seen) == 3
    assert not np.allclose(seen[0], seen[1]) and not np.allclose(seen[1], seen[2])
    assert np.array_equal(seen[-1], model.wv["a0"])
