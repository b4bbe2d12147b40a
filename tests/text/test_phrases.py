"""Phrases: the same phrases and the same rewritten sentences as gensim's Phrases."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec.errors import DataError, ParameterError
from wordvec.text.phrases import ENGLISH_CONNECTOR_WORDS, Phrases


def corpus(n: int = 3000, seed: int = 0) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    vocab = ["new", "york", "bank", "of", "america", "the", "city", "is", "big", "and", "a", "san",
             "francisco"] + [f"x{i}" for i in range(30)]
    sentences = []
    for _ in range(n):
        s = [str(w) for w in rng.choice(vocab, rng.integers(1, 12))]
        if rng.random() < 0.4:
            s[1:1] = ["new", "york"]
        if rng.random() < 0.3:
            s[0:0] = ["bank", "of", "america"]
        if rng.random() < 0.3:
            s += ["san", "francisco", "of", "the", "city"]
        sentences.append(s)
    return sentences


SETTINGS = [("default", 0.5, frozenset()), ("default", 1.0, ENGLISH_CONNECTOR_WORDS),
            ("npmi", 0.1, frozenset()), ("npmi", 0.1, ENGLISH_CONNECTOR_WORDS)]


@pytest.mark.parametrize("scoring, threshold, connectors", SETTINGS)
def test_same_phrases_and_sentences_as_gensim(scoring, threshold, connectors):
    phrases = pytest.importorskip("gensim.models.phrases", reason="gensim is needed to compare against it")
    assert phrases.ENGLISH_CONNECTOR_WORDS == ENGLISH_CONNECTOR_WORDS
    sentences = corpus()
    theirs = phrases.Phrases(sentences, min_count=3, threshold=threshold, scoring=scoring, connector_words=connectors)
    ours = Phrases(min_count=3, threshold=threshold, scoring=scoring, connector_words=connectors).fit(sentences)
    expected, found = theirs.export_phrases(), ours.export_phrases()
    assert found.keys() == expected.keys() and len(found) > 0
    assert all(found[k] == pytest.approx(expected[k], rel=1e-12) for k in found)
    assert list(ours[sentences]) == [theirs[s] for s in sentences]
    trigrams_theirs = phrases.Phrases(theirs[sentences], min_count=3, threshold=threshold, scoring=scoring,
                                      connector_words=connectors)
    trigrams_ours = Phrases(min_count=3, threshold=threshold, scoring=scoring, connector_words=connectors).fit(
        ours[sentences])
    # (gensim's export_phrases splits a bigram token at its delimiter, so compare what the second pass writes)
    assert list(trigrams_ours[ours[sentences]]) == [trigrams_theirs[theirs[s]] for s in sentences]


def test_files_save_load_and_transform(tmp_path):
    sentences = corpus()
    (tmp_path / "c.txt").write_text("\n".join(" ".join(s) for s in sentences) + "\n")
    from_file = Phrases(min_count=3, threshold=1.0, connector_words=ENGLISH_CONNECTOR_WORDS).fit(tmp_path / "c.txt")
    from_lists = Phrases(min_count=3, threshold=1.0, connector_words=ENGLISH_CONNECTOR_WORDS).fit(sentences)
    assert from_file.export_phrases() == from_lists.export_phrases()
    assert {"new_york", "bank_of_america", "san_francisco"} <= set(from_file.export_phrases())
    from_file.save(tmp_path / "p.npz")
    loaded = Phrases.load(tmp_path / "p.npz")
    assert loaded.export_phrases() == from_file.export_phrases()
    assert loaded[["in", "new", "york", "unseen"]] == ["in", "new_york", "unseen"]
    assert from_file.transform_file(tmp_path / "c.txt", tmp_path / "out.txt.gz") == len(sentences)
    import gzip

    written = gzip.open(tmp_path / "out.txt.gz", "rt").read().splitlines()
    assert [line.split() for line in written] == list(from_lists[sentences])


def test_bad_settings_and_input_are_named():
    with pytest.raises(ParameterError, match="scoring='pmi'"):
        Phrases(scoring="pmi").fit(corpus(10))
    with pytest.raises(ParameterError, match=r"threshold=2.0 must be a number in \[-1.0, 1.0\]"):
        Phrases(scoring="npmi", threshold=2.0).fit(corpus(10))
    with pytest.raises(ParameterError, match="min_count=0"):
        Phrases(min_count=0).fit(corpus(10))
    with pytest.raises(DataError, match="sentence 2 is not a list of strings"):
        Phrases().fit([["a"], "b c"])
    with pytest.raises(DataError, match="empty"):
        Phrases().fit([[]])
    with pytest.raises(ValueError, match="not fitted"):
        Phrases().export_phrases()


def test_a_phrased_corpus_trains_directly():
    from wordvec import Word2Vec

    sentences = corpus()
    phrases = Phrases(min_count=3, threshold=1.0, connector_words=ENGLISH_CONNECTOR_WORDS).fit(sentences)
    model = Word2Vec(vector_size=8, min_count=3, epochs=1, workers=1, progress=False).fit(phrases[sentences])
    assert "new_york" in model.wv and "bank_of_america" in model.wv and "york" in model.wv
