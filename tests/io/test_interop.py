"""Vectors move between wordvec and gensim in both directions, text and binary."""

import numpy as np
import pytest

from wordvec import KeyedVectors

gensim = pytest.importorskip("gensim", reason="gensim is needed to test interoperability with it")


@pytest.fixture
def kv():
    rng = np.random.default_rng(2)
    words = ["the", "of", "caf\u00e9", "\u00fcber", "x-ray", "don't"] + [f"w{i}" for i in range(200)]
    return KeyedVectors(words, rng.normal(size=(len(words), 25)).astype(np.float32))


@pytest.mark.parametrize("binary", [False, True])
def test_wordvec_to_gensim(kv, tmp_path, binary):
    path = tmp_path / "v.bin"
    kv.save_word2vec_format(path, binary=binary)
    theirs = gensim.models.KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert theirs.index_to_key == kv.words
    if binary:
        assert np.array_equal(theirs.vectors, kv.vectors)
    else:
        np.testing.assert_allclose(theirs.vectors, kv.vectors, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_to_wordvec(kv, tmp_path, binary):
    theirs = gensim.models.KeyedVectors(kv.vector_size)
    theirs.add_vectors(kv.words, kv.vectors)
    path = tmp_path / "g.bin"
    theirs.save_word2vec_format(str(path), binary=binary)
    ours = KeyedVectors.load_word2vec_format(path, binary=binary)
    assert ours.words == kv.words
    if binary:
        assert np.array_equal(ours.vectors, kv.vectors)
    else:
        np.testing.assert_allclose(ours.vectors, kv.vectors, rtol=1e-6, atol=1e-7)
