"""A gensim user's script, ported: every KeyedVectors call under gensim's name gives gensim's result."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec import KeyedVectors
from wordvec.errors import UnknownWordError
from wordvec.vectors.evaluate import dataset_path

gensim_kv = pytest.importorskip("gensim.models.keyedvectors", reason="gensim is needed to compare against it")


@pytest.fixture(scope="module")
def pair():
    """The same vectors (with counts, and ties among them) in wordvec and in gensim."""
    rng = np.random.default_rng(0)
    pairs = [line.split("\t")[:2] for line in dataset_path("ws353").read_text().splitlines()[:120]
             if not line.startswith("#")]
    extra = list(dict.fromkeys(w.lower() for p in pairs for w in p))
    words = [f"w{i}" for i in range(300)] + ["king", "queen", "man", "woman", "paris", "france", "berlin", "germany"]
    words += [w for w in extra if w not in words]
    vectors = rng.normal(size=(len(words), 20)).astype(np.float32)
    counts = rng.integers(1, 40, len(words))
    ours = KeyedVectors(words, vectors, counts)
    return ours, _gensim(words, vectors, counts)


def _gensim(words, vectors, counts):
    kv = gensim_kv.KeyedVectors(vectors.shape[1])
    kv.add_vectors(list(words), vectors.copy())  # (gensim 4.4's add_vectors fails when given extras)
    for word, count in zip(words, counts):
        kv.set_vecattr(word, "count", int(count))
    return kv


def same(a, b) -> None:
    if isinstance(a, list) and a and isinstance(a[0], tuple):
        assert [w for w, _ in a] == [w for w, _ in b]
        np.testing.assert_allclose([s for _, s in a], [s for _, s in b], rtol=1e-6, atol=1e-7)
    else:
        np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-6, atol=1e-7)


CALLS = [
    lambda kv: kv[["king", "queen", "w3"]],
    lambda kv: kv["king"],
    lambda kv: kv.get_vector("king", norm=True),
    lambda kv: kv.get_index("queen"),
    lambda kv: kv.get_index("nope", -1),
    lambda kv: kv.key_to_index["paris"],
    lambda kv: kv.index_to_key[:10],
    lambda kv: kv.get_vecattr("w5", "count"),
    lambda kv: kv.most_similar("king", topn=5),
    lambda kv: kv.most_similar(positive=["king", "woman"], negative=["man"], topn=5),
    lambda kv: kv.most_similar(positive=[("king", 2.0), "woman"], negative=[("man", 0.5)], topn=5),
    lambda kv: kv.most_similar("king", topn=None),
    lambda kv: kv.most_similar("king", topn=5, restrict_vocab=100),
    lambda kv: kv.most_similar(positive=[kv["king"] * 3, "queen"], topn=4),
    lambda kv: kv.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=5),
    lambda kv: kv.similar_by_word("paris", topn=3),
    lambda kv: kv.similar_by_key("paris", topn=3),
    lambda kv: kv.similar_by_vector(kv["paris"] + kv["germany"], topn=3),
    lambda kv: kv.similarity("king", "queen"),
    lambda kv: kv.n_similarity(["king", "man"], ["queen", "woman", "w1"]),
    lambda kv: kv.distance("king", "queen"),
    lambda kv: kv.distances("king", ["queen", "man", "w7"]),
    lambda kv: kv.distances(kv["king"]),
    lambda kv: kv.closer_than("king", "w17"),
    lambda kv: kv.rank("king", "w17"),
    lambda kv: kv.cosine_similarities(kv["king"], kv[["queen", "man"]]),
    lambda kv: kv.doesnt_match(["king", "queen", "man", "w9"]),
    lambda kv: kv.most_similar_to_given("king", ["w1", "queen", "w2"]),
    lambda kv: kv.relative_cosine_similarity("king", "queen"),
    lambda kv: kv.rank_by_centrality(["king", "queen", "man"]),
    lambda kv: kv.get_mean_vector(["king", "queen"], weights=[1.0, 3.0], post_normalize=True),
    lambda kv: kv.get_normed_vectors()[:5],
    lambda kv: len(kv),
    lambda kv: "king" in kv and "nope" not in kv and kv.has_index_for("man"),
]


@pytest.mark.parametrize("call", CALLS, ids=range(len(CALLS)))
def test_each_call_gives_gensims_result(pair, call):
    ours, theirs = pair
    result = call(ours)
    expected = call(theirs)
    if call is CALLS[29]:  # (score, word) pairs
        assert [(float(s), w) for s, w in result] == [(float(s), w) for s, w in expected]
        return
    if isinstance(expected, (str, bool, int, list)) and not (expected and isinstance(expected[0], tuple)
                                                             if isinstance(expected, list) else False):
        assert result == expected
    else:
        same(result, expected)


def test_evaluations_give_gensims_shapes_and_numbers(pair):
    ours, theirs = pair
    path = dataset_path("ws353")
    for dummy in (False, True):
        mine, theirs_ = ours.evaluate_word_pairs(path, dummy4unknown=dummy), theirs.evaluate_word_pairs(path, dummy4unknown=dummy)
        assert mine[0][0] == pytest.approx(theirs_[0][0]) and mine[1][0] == pytest.approx(theirs_[1][0])
        assert mine[1].pvalue == pytest.approx(theirs_[1].pvalue) and mine[2] == pytest.approx(theirs_[2])
    questions = _analogies(pair)
    for dummy in (False, True):
        score, sections = ours.evaluate_word_analogies(questions, dummy4unknown=dummy)
        their_score, their_sections = theirs.evaluate_word_analogies(questions, dummy4unknown=dummy)
        assert score == their_score and sections == their_sections


def _analogies(pair):
    import tempfile
    from pathlib import Path

    text = (": royals\nman king woman queen\nking queen man woman\nman king nope queen\n"
            ": capitals\nparis france berlin germany\nfrance paris germany berlin\nw1 w2 w3 w4\n")
    path = Path(tempfile.mkdtemp()) / "questions.txt"
    path.write_text(text)
    return path


def test_growth_and_sorting_as_gensim(pair):
    ours, theirs = pair
    ours = KeyedVectors(list(ours.index_to_key), ours.vectors.copy(), ours.expandos["count"].copy())
    theirs2 = _gensim(theirs.index_to_key, theirs.vectors, theirs.expandos["count"])
    new = np.ones((2, 20), dtype=np.float32)
    for kv in (ours, theirs2):
        kv.add_vectors(["zeta", "king"], new * 2)
        kv.set_vecattr("zeta", "count", 99)
        kv.add_vector("eta", new[0])
        kv["king"] = new[1] * 3
        kv.sort_by_descending_frequency()
    assert ours.index_to_key == theirs2.index_to_key
    np.testing.assert_array_equal(ours.vectors, theirs2.vectors)
    np.testing.assert_array_equal(ours.expandos["count"], theirs2.expandos["count"])
    assert ours.most_similar("zeta", topn=3) == theirs2.most_similar("zeta", topn=3)


def test_counts_are_saved_and_unknown_words_named(pair, tmp_path):
    ours, _ = pair
    ours.save(tmp_path / "kv.npz")
    loaded = KeyedVectors.load(tmp_path / "kv.npz")
    assert loaded.get_vecattr("w5", "count") == ours.get_vecattr("w5", "count")
    with pytest.raises(UnknownWordError, match="kign.*king"):
        ours.most_similar(positive=["kign"])
    with pytest.raises(KeyError, match="no attribute 'rank'"):
        ours.get_vecattr("w5", "rank")
    empty = KeyedVectors(20)
    empty.add_vectors(["a", "b"], np.eye(2, 20, dtype=np.float32))
    assert empty.most_similar("a", topn=1)[0][0] == "b" and empty.expandos == {}
