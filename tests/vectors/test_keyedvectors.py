import numpy as np
import pytest

from wordvec import KeyedVectors
from wordvec.errors import UnknownWordError


@pytest.fixture
def kv():
    rng = np.random.default_rng(0)
    words = ["king", "queen", "man", "woman", "apple", "pear", "kingdom", "zebra"]
    vectors = rng.normal(size=(len(words), 16)).astype(np.float32)
    vectors[1] = vectors[0] - vectors[2] + vectors[3] + 0.01  # queen = king - man + woman
    vectors[5] = vectors[4] * 2 + 0.05  # pear close to apple
    return KeyedVectors(words, vectors)


def test_lookups(kv):
    assert len(kv) == 8 and "king" in kv and "emperor" not in kv
    assert kv.index("man") == 2 and kv.words[2] == "man"
    assert np.array_equal(kv["woman"], kv.vectors[3])
    assert kv.vector_size == 16


def test_unknown_word_names_it_and_a_close_spelling(kv):
    with pytest.raises(UnknownWordError, match="word 'kingg' is not in the vocabulary; did you mean 'king'") as info:
        kv["kingg"]
    assert isinstance(info.value, KeyError) and info.value.word == "kingg"
    with pytest.raises(KeyError, match="'xylophone' is not in the vocabulary$"):
        kv.similarity("xylophone", "king")


def test_similarity_is_cosine(kv):
    a, b = kv["apple"].astype(np.float64), kv["pear"].astype(np.float64)
    assert kv.similarity("apple", "pear") == pytest.approx(a @ b / np.linalg.norm(a) / np.linalg.norm(b), abs=1e-6)


def test_most_similar_excludes_the_query_and_sorts(kv):
    result = kv.most_similar("apple", topn=3)
    assert result[0][0] == "pear" and "apple" not in [w for w, _ in result]
    assert [s for _, s in result] == sorted((s for _, s in result), reverse=True)
    assert len(kv.most_similar("apple", topn=100)) == 7


def test_analogies_both_methods(kv):
    assert kv.analogy("man", "king", "woman")[0][0] == "queen"
    assert kv.analogy("man", "king", "woman", method="3cosmul")[0][0] == "queen"
    assert kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"
    with pytest.raises(ValueError, match="method='x'"):
        kv.analogy("a", "b", "c", method="x")


def test_restrict_vocab_limits_the_candidates(kv):
    assert all(kv.index(w) < 3 for w, _ in kv.most_similar("apple", restrict_vocab=3))


def test_vector_queries_single_and_batched(kv):
    single = kv.similar_by_vector(kv["pear"], topn=2)
    assert single[0][0] == "pear"
    batch = kv.similar_by_vector(kv.vectors[[4, 5]], topn=2)
    assert [r[0][0] for r in batch] == ["apple", "pear"]
    assert kv.most_similar(positive=[kv["apple"]], topn=1)[0][0] == "apple"  # vectors are not excluded


def test_doesnt_match(kv):
    kv2 = KeyedVectors(["a", "b", "c", "odd"], np.array([[1, 0.1], [1, 0], [1, -0.1], [-1, 1]], dtype=np.float32))
    assert kv2.doesnt_match(["a", "b", "c", "odd"]) == "odd"


def test_zero_vectors_do_not_break_queries():
    kv = KeyedVectors(["a", "b", "z"], np.array([[1, 0], [0.9, 0.1], [0, 0]], dtype=np.float32))
    assert kv.most_similar("a", topn=1)[0][0] == "b"
    assert np.all(np.isfinite(kv.get_normed_vectors()))


@pytest.mark.parametrize("gensim_arithmetic", [False, True])
def test_a_zero_row_scores_the_same_in_every_path(gensim_arithmetic):
    """A zero vector has cosine 0 with everything: 3CosAdd scores it 0, 3CosMul 0.5 / (0.5 + 1e-6),
    whether scored in batches or in gensim's arithmetic (the path evaluate uses on near ties)."""
    kv = KeyedVectors(["a", "b", "c", "z"], np.array([[1, 0], [0.6, 0.8], [0, 1], [0, 0]], dtype=np.float32))
    pos, neg = kv.unit_rows(np.array([[1, 2]])), kv.unit_rows(np.array([[0]]))
    add = kv.analogy_scores(pos, neg, "3cosadd", gensim_arithmetic=gensim_arithmetic)[0]
    mul = kv.analogy_scores(pos, neg, "3cosmul", gensim_arithmetic=gensim_arithmetic)[0]
    assert np.all(np.isfinite(add)) and np.all(np.isfinite(mul))
    assert add[3] == 0.0
    assert mul[3] == pytest.approx(0.25 / (0.5 + 1e-6))
    assert dict(kv.most_similar(["b", "c"], ["a"], topn=4))["z"] == 0.0
    assert dict(kv.most_similar_cosmul(["b", "c"], ["a"], topn=4))["z"] == pytest.approx(mul[3])
    assert kv.similar_by_vector(np.zeros(2), topn=4)[0][1] == 0.0


def test_duplicate_words_are_refused():
    with pytest.raises(ValueError, match="word 'a' occurs twice"):
        KeyedVectors(["a", "b", "a"], np.zeros((3, 2)))


def test_native_round_trip_and_mmap(kv, tmp_path):
    path = tmp_path / "vectors.npz"
    kv.save(path)
    for mmap in (False, True):
        loaded = KeyedVectors.load(path, mmap=mmap)
        assert loaded.words == kv.words and np.array_equal(np.asarray(loaded.vectors), kv.vectors)
    mapped = KeyedVectors.load(path, mmap=True).vectors
    assert not mapped.flags.writeable and not mapped.flags.owndata  # a read-only view of the file
