"""Checkpoints and resume of Word2Vec training."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from wordvec import Word2Vec
from wordvec.errors import CheckpointError, TrainingInterrupted
from wordvec.io.checkpoints import list_checkpoints
from wordvec.training.state import PREFIX, Checkpointer

SETTINGS = dict(chunk_words=2000, vector_size=16, min_count=1, epochs=3, workers=1, progress=False, window=3)


@pytest.fixture
def corpus(tmp_path):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(200)]
    lines = [" ".join(rng.choice(words, size=rng.integers(3, 20), p=None)) for _ in range(3000)]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def crash_after_saves(monkeypatch, n):
    """Make the process 'die' right after the n-th checkpoint is written."""
    real_save, calls = Checkpointer.save, []

    def save(self, *args, **kwargs):
        path = real_save(self, *args, **kwargs)
        calls.append(path)
        if len(calls) == n:
            raise SystemExit("simulated crash")
        return path

    monkeypatch.setattr(Checkpointer, "save", save)


def test_resumed_run_is_bit_identical_with_one_thread(corpus, tmp_path, monkeypatch):
    full = Word2Vec(**SETTINGS).fit(corpus)
    with monkeypatch.context() as m:
        crash_after_saves(m, 5)
        with pytest.raises(SystemExit):
            Word2Vec(**SETTINGS, checkpoint_dir=tmp_path / "ck", checkpoint_words=4000).fit(corpus)
    assert len(list_checkpoints(tmp_path / "ck", PREFIX)) == 2  # the newest two are kept
    resumed = Word2Vec.resume(tmp_path / "ck", progress=False)
    assert np.array_equal(resumed.wv.vectors, full.wv.vectors)
    assert np.array_equal(resumed.vectors_out_, full.vectors_out_)
    assert resumed.loss_history_ == full.loss_history_
    assert not (tmp_path / "ck" / "corpus.ids").exists()  # the stored corpus goes once training is done


def test_resume_falls_back_past_a_damaged_checkpoint(corpus, tmp_path, monkeypatch, caplog):
    full = Word2Vec(**SETTINGS).fit(corpus)
    with monkeypatch.context() as m:
        crash_after_saves(m, 4)
        with pytest.raises(SystemExit):
            Word2Vec(**SETTINGS, checkpoint_dir=tmp_path / "ck", checkpoint_words=4000).fit(corpus)
    newest = list_checkpoints(tmp_path / "ck", PREFIX)[-1]
    newest.write_bytes(newest.read_bytes()[:1000])
    resumed = Word2Vec(**SETTINGS, checkpoint_dir=tmp_path / "ck").fit(corpus, resume=True)
    assert str(newest) in caplog.text and "falling back" in caplog.text
    assert np.array_equal(resumed.wv.vectors, full.wv.vectors)


def test_a_signal_while_training_is_set_up_stops_it_with_a_checkpoint(corpus, tmp_path, monkeypatch):
    """SIGINT while the weights are drawn or the kernels load (or compile, a first run's 20 s) had
    ended the run with nothing to resume from; it now asks for a stop at the first safe point."""
    from wordvec.training import word2vec

    full = Word2Vec(**SETTINGS).fit(corpus)
    real = word2vec.open_backend

    def interrupted_while_opening(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs in here
        return real(*args, **kwargs)

    monkeypatch.setattr(word2vec, "open_backend", interrupted_while_opening)
    with pytest.raises(TrainingInterrupted, match=r"epoch 1; .*--resume"):
        Word2Vec(**SETTINGS, checkpoint_dir=tmp_path / "ck").fit(corpus)
    monkeypatch.setattr(word2vec, "open_backend", real)
    assert len(list_checkpoints(tmp_path / "ck", PREFIX)) == 1
    resumed = Word2Vec.resume(tmp_path / "ck", progress=False)
    assert np.array_equal(resumed.wv.vectors, full.wv.vectors)


def test_mismatched_settings_or_corpus_are_refused(corpus, tmp_path, monkeypatch):
    with monkeypatch.context() as m:
        crash_after_saves(m, 1)
        with pytest.raises(SystemExit):
            Word2Vec(**SETTINGS, checkpoint_dir=tmp_path / "ck", checkpoint_words=4000).fit(corpus)
    with pytest.raises(CheckpointError, match="written with window=3, this run has window=4"):
        Word2Vec(**{**SETTINGS, "window": 4}, checkpoint_dir=tmp_path / "ck").fit(corpus, resume=True)
    corpus.write_text(corpus.read_text() + "one more line\n")
    with pytest.raises(CheckpointError, match=f"written for another corpus: {corpus.resolve()} differs"):
        Word2Vec(**SETTINGS, checkpoint_dir=tmp_path / "ck").fit(corpus, resume=True)
    with pytest.raises(CheckpointError, match="already holds checkpoints"):
        Word2Vec(**SETTINGS, checkpoint_dir=tmp_path / "ck").fit(corpus)


def test_checkpoint_settings_are_validated():
    with pytest.raises(ValueError, match="checkpoint_every=0 must be a number > 0.0"):
        Word2Vec(checkpoint_every=0).fit([["a"]])
    with pytest.raises(ValueError, match="checkpoint_words=0 must be an integer >= 1"):
        Word2Vec(checkpoint_words=0).fit([["a"]])


def test_sigint_writes_a_checkpoint_and_says_how_to_resume(tmp_path):
    rng = np.random.default_rng(1)
    lines = [" ".join(rng.choice([f"w{i}" for i in range(500)], size=15)) for _ in range(40000)]
    (tmp_path / "big.txt").write_text("\n".join(lines) + "\n")
    ck = tmp_path / "ck"
    args = [sys.executable, "-m", "wordvec", "train", str(tmp_path / "big.txt"), "-o", str(tmp_path / "m.npz"),
            "--min-count", "1", "--epochs", "20", "--workers", "2", "--no-progress", "--checkpoint-dir", str(ck)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (ck / "corpus.ids").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # training is under way
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("wordvec: training interrupted in epoch") and f"--checkpoint-dir {ck} --resume" in last
    assert len(list_checkpoints(ck, PREFIX)) >= 1
    done = subprocess.run(args + ["--resume"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "resuming from" in done.stderr and (tmp_path / "m.npz").exists()
