"""Approximate neighbours (the optional 'ann' extra): recall against the exact answer, files."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec import KeyedVectors
from wordvec.errors import StorageError

pytest.importorskip("faiss", reason="approximate neighbours need the optional extra: pip install 'wordvec[ann]'")
from wordvec.vectors.ann import AnnIndex  # noqa: E402


@pytest.fixture(scope="module")
def kv():
    rng = np.random.default_rng(0)
    centers = rng.standard_normal((50, 8)).astype(np.float32)
    factors = centers[rng.integers(0, 50, 5000)] + 0.5 * rng.standard_normal((5000, 8)).astype(np.float32)
    vectors = factors @ rng.standard_normal((8, 32)).astype(np.float32)
    return KeyedVectors([f"w{i}" for i in range(5000)], vectors * rng.uniform(0.5, 2, (5000, 1)).astype(np.float32))


def test_recall_against_the_exact_answer(kv):
    index = AnnIndex(kv, threads=1)
    words = kv.index_to_key[:200]
    exact = [{w for w, _ in kv.most_similar(word, topn=10)} for word in words]
    approx = [{w for w, _ in kv.most_similar(word, topn=10, indexer=index)} for word in words]
    recall = np.mean([len(a & e) / 10 for a, e in zip(approx, exact)])
    assert recall > 0.9
    first = kv.most_similar("w1", topn=5, indexer=index)
    assert "w1" not in dict(first) and len(first) == 5
    assert first[0][1] == pytest.approx(kv.similarity("w1", first[0][0]), abs=1e-5)  # scores are cosines
    index.ef_search = 1  # a narrow beam finds less: the setting reaches faiss
    narrow = [{w for w, _ in kv.most_similar(word, topn=10, indexer=index)} for word in words]
    assert np.mean([len(a & e) / 10 for a, e in zip(narrow, exact)]) < recall


def test_saved_index_is_refused_for_other_vectors(kv, tmp_path):
    index = AnnIndex(kv, ef_search=50, threads=1)
    index.save(tmp_path / "ann.npz")
    loaded = AnnIndex.load(tmp_path / "ann.npz", kv)
    assert loaded.ef_search == 50
    assert loaded.most_similar(kv["w7"], 5) == index.most_similar(kv["w7"], 5)
    other = KeyedVectors(kv.index_to_key[::-1], kv.vectors[::-1])
    with pytest.raises(StorageError, match="built over other vectors"):
        AnnIndex.load(tmp_path / "ann.npz", other)
    with pytest.raises(ValueError, match="restrict_vocab"):
        kv.most_similar("w1", restrict_vocab=10, indexer=index)
