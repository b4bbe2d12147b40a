"""Word2Vec(subwords=True): fastText's model on the thread backend."""

import numpy as np
import pytest

from wordvec import KeyedVectors, Word2Vec
from wordvec.errors import ParameterError, UnknownWordError
from wordvec.text.subwords import Ngrams

LETTERS = "bcdfghjklm"


@pytest.fixture(scope="module")
def stems(tmp_path_factory):
    """Two topics whose words share a stem: aqua* never on a line with pyro*."""
    rng = np.random.default_rng(0)
    a = [f"aqua{x}{y}" for x in LETTERS for y in LETTERS[:3]]
    b = [f"pyro{x}{y}" for x in LETTERS for y in LETTERS[:3]]
    lines = [" ".join(rng.choice(a if k % 2 else b, 8)) for k in range(3000)]
    path = tmp_path_factory.mktemp("stems") / "stems.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def model(stems):
    return Word2Vec(vector_size=24, min_count=1, epochs=4, workers=1, subwords=True, min_n=3, max_n=5,
                    buckets=4000, progress=False).fit(stems)


def test_an_unseen_word_gets_a_vector_near_the_words_that_share_its_ngrams(model):
    kv = model.wv
    assert "aquazz" not in kv.key_to_index and "aquazz" in kv
    unit = kv.get_vector("aquazz", norm=True)
    a = kv.get_normed_vectors()[[kv.key_to_index[w] for w in kv.words if w.startswith("aqua")]]
    b = kv.get_normed_vectors()[[kv.key_to_index[w] for w in kv.words if w.startswith("pyro")]]
    assert (a @ unit).mean() > (b @ unit).mean() + 0.3
    best = [w for w, _ in kv.most_similar("aquazz", topn=5)]
    assert all(w.startswith("aqua") for w in best)
    assert "subwords: 3-5 character n-grams in 4,000 buckets" in repr(kv)


def test_a_known_words_vector_is_the_mean_of_its_bag(model):
    kv, n = model.wv, len(model.wv)
    rows = [kv.key_to_index["aquabb"]] + [n + b for b in Ngrams(3, 5, 4000).buckets_of("aquabb")]
    assert np.allclose(kv["aquabb"], model.vectors_in_[rows].mean(axis=0), atol=1e-6)
    assert np.allclose(kv["aquazz"], model.vectors_in_[[n + b for b in Ngrams(3, 5, 4000).buckets_of("aquazz")]]
                       .mean(axis=0), atol=1e-6)


def test_without_subwords_an_unseen_word_is_unknown(stems):
    plain = Word2Vec(vector_size=8, min_count=1, epochs=1, workers=1, progress=False).fit(stems)
    with pytest.raises(UnknownWordError):
        plain.wv["aquazz"]


def test_a_word_with_no_ngram_is_unknown_even_with_subwords(model):
    kv = KeyedVectors(model.wv.words, model.wv.vectors, None, Ngrams(5, 5, 4000), model.wv.ngram_vectors)
    assert "ab" not in kv
    with pytest.raises(UnknownWordError, match="word 'ab' is not in the vocabulary"):
        kv["ab"]


def test_saved_models_keep_their_ngrams_and_map_them(model, tmp_path):
    model.save(tmp_path / "m.npz")
    again = Word2Vec.load(tmp_path / "m.npz")
    assert np.array_equal(again.wv["aquazz"], model.wv["aquazz"])
    mapped = KeyedVectors.load(tmp_path / "m.npz", mmap=True)
    assert not mapped.ngram_vectors.flags.writeable and np.array_equal(mapped["pyrozz"], model.wv["pyrozz"])
    model.wv.save(tmp_path / "kv.npz")
    model.wv.without_subwords().save(tmp_path / "small.npz")
    assert (tmp_path / "small.npz").stat().st_size * 10 < (tmp_path / "kv.npz").stat().st_size
    assert np.array_equal(KeyedVectors.load(tmp_path / "kv.npz")["aquazz"], model.wv["aquazz"])
    with pytest.raises(UnknownWordError):
        KeyedVectors.load(tmp_path / "small.npz")["aquazz"]


@pytest.mark.parametrize("params, message", [
    ({"min_n": 5, "max_n": 3}, "min_n=5 must be at most max_n=3"),
    ({"buckets": 0}, "buckets=0 must be an integer >= 1"),
    ({"min_n": 0}, "min_n=0 must be an integer >= 1 and <= 64"),
])
def test_impossible_ngram_settings_are_one_line_errors(stems, params, message):
    with pytest.raises(ParameterError, match=f"^{message}"):
        Word2Vec(subwords=True, progress=False, **params).fit(stems)


def test_continued_training_of_a_subword_model_is_refused_in_one_line(model, stems):
    with pytest.raises(ParameterError, match="^subwords=True is not available for partial_fit yet"):
        model.partial_fit(stems)


@pytest.mark.parametrize("arch, loss", [("cbow", "negative"), ("skipgram", "hierarchical"), ("cbow", "hierarchical")])
def test_every_architecture_and_loss_learns_with_subwords(stems, arch, loss):
    kv = Word2Vec(vector_size=16, min_count=1, epochs=3, workers=1, subwords=True, min_n=3, max_n=5, buckets=2000,
                  arch=arch, loss=loss, progress=False).fit(stems).wv
    best = [w for w, _ in kv.most_similar("pyrozz", topn=5)]
    assert sum(w.startswith("pyro") for w in best) >= 4, best
