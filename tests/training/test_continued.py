"""Continued training: partial_fit grows the vocabulary and keeps what was learned;
fit on a fitted model says it starts from scratch."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec import Word2Vec
from wordvec.errors import DataError, ParameterError

KINDS = [dict(), dict(loss="hierarchical"), dict(arch="cbow"), dict(arch="cbow", loss="hierarchical")]


def corpus(low: int, high: int, seed: int, n: int = 300) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    return [[f"w{i}" for i in rng.integers(low, high, 10)] for _ in range(n)]


def model(**kw) -> Word2Vec:
    return Word2Vec(**{**dict(vector_size=16, min_count=3, workers=1, progress=False, epochs=2), **kw})


@pytest.mark.parametrize("kind", KINDS, ids=["sg-ns", "sg-hs", "cbow-ns", "cbow-hs"])
def test_vocabulary_grows_and_old_vectors_are_kept(kind, tmp_path):
    first, second = corpus(0, 50, 1), corpus(20, 80, 2) + [["rare"]] * 2  # 'rare' stays below min_count
    m = model(**kind).fit(first)
    m.save(tmp_path / "m.npz")
    m = Word2Vec.load(tmp_path / "m.npz")  # a loaded model continues as a fitted one does
    old = {w: m.wv[w].copy() for w in m.wv.words}
    counts = dict(zip(m.vocab_.words, m.vocab_.counts))
    m.alpha, m.min_alpha = 1e-7, 0.0  # (almost) no learning: every old row must be found where it moved
    m.partial_fit(second)
    assert set(m.wv.words) == {f"w{i}" for i in range(80)} and "rare" not in m.wv
    added = {w: sum(s.count(w) for s in second) for w in m.wv.words}
    assert all(m.vocab_.counts[m.wv.index(w)] == counts.get(w, 0) + added[w] for w in m.wv.words)
    assert list(m.vocab_.counts) == sorted(m.vocab_.counts, reverse=True)
    assert all(np.allclose(m.wv[w], v, atol=1e-5) for w, v in old.items())
    fresh = np.array([m.wv[f"w{i}"] for i in range(50, 80)])
    assert np.isfinite(fresh).all() and np.abs(fresh).max() <= 0.5 / 16 and len(np.unique(fresh, axis=0)) == 30
    assert len(m.loss_history_) == 4 and np.isfinite(m.loss_history_).all()
    expected_out = len(m.wv) - 1 if kind.get("loss") == "hierarchical" else len(m.wv)
    assert m.vectors_out_.shape == (expected_out, 16)


def test_continued_training_learns_the_new_words():
    """Words seen only in the second corpus end near the words they co-occur with."""
    topics = [[f"a{i}" for i in range(30)], [f"b{i}" for i in range(30)]]
    rng = np.random.default_rng(0)
    first = [list(rng.choice(topics[i % 2], 8)) for i in range(1000)]
    second = [list(rng.choice(topics[i % 2] + [f"new{i % 2}"], 8)) for i in range(1000)]
    m = model(epochs=5, min_count=2, sample=0.0).fit(first).partial_fit(second, epochs=5)
    for k in (0, 1):
        own = np.mean([m.wv.similarity(f"new{k}", w) for w in topics[k]])
        other = np.mean([m.wv.similarity(f"new{k}", w) for w in topics[1 - k]])
        assert own > other + 0.2


def test_partial_fit_of_an_unfitted_model_is_fit():
    a = model().partial_fit(corpus(0, 50, 1))
    b = model().fit(corpus(0, 50, 1))
    assert np.array_equal(a.wv.vectors, b.wv.vectors)
    assert len(model().partial_fit(corpus(0, 50, 1), epochs=3).loss_history_) == 3


def test_fit_on_a_fitted_model_says_it_starts_from_scratch(tmp_path):
    m = model().fit(corpus(0, 50, 1))
    with pytest.warns(UserWarning, match="fit starts from scratch.*50 words.*partial_fit"):
        m.fit(corpus(40, 60, 2))
    assert len(m.wv) == 20
    m.save(tmp_path / "m.npz")
    with pytest.warns(UserWarning, match="starts from scratch"):
        Word2Vec.load(tmp_path / "m.npz").fit(corpus(0, 50, 1))


def test_partial_fit_refuses_checkpoints_and_bad_epochs(tmp_path):
    m = model().fit(corpus(0, 50, 1))
    with pytest.raises(ParameterError, match="epochs=0"):
        m.partial_fit(corpus(0, 50, 2), epochs=0)
    m.checkpoint_dir = str(tmp_path / "ck")
    with pytest.raises(ParameterError, match="checkpoint_dir=.*partial_fit does not write checkpoints"):
        m.partial_fit(corpus(0, 50, 2))


def test_sentences_given_as_strings_are_explained():
    with pytest.raises(DataError, match=r"'the cat sat'.*split them into token lists"):
        model().fit(["the cat sat", "on the mat"])
    with pytest.raises(DataError, match="split them into token lists"):
        model().fit("the cat sat on the mat")


def test_a_trained_model_carries_its_counts_in_wv(tmp_path):
    m = model().fit(corpus(0, 50, 1))
    sentences = corpus(0, 50, 1)
    assert m.wv.get_vecattr("w7", "count") == sum(s.count("w7") for s in sentences)
    m.partial_fit(corpus(0, 50, 2))
    both = sentences + corpus(0, 50, 2)
    assert m.wv.get_vecattr("w7", "count") == sum(s.count("w7") for s in both)
    m.wv.save(tmp_path / "kv.npz")
    from wordvec import KeyedVectors

    assert KeyedVectors.load(tmp_path / "kv.npz").get_vecattr("w7", "count") == m.wv.get_vecattr("w7", "count")
