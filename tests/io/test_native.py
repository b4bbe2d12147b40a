from pathlib import Path

import numpy as np
import pytest

from wordvec import KeyedVectors, Word2Vec
from wordvec.io.native import StorageError, load_arrays, save_arrays


class Payload:
    """Unpickling this writes a file: proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_round_trip(tmp_path):
    save_arrays(tmp_path / "a.npz", {"x": np.arange(4.0)}, {"k": "v"})
    arrays, meta = load_arrays(tmp_path / "a.npz")
    assert arrays["x"].tolist() == [0, 1, 2, 3] and meta == {"k": "v"}


@pytest.mark.parametrize("member", ["vectors", "__meta__", "extra"])
def test_a_pickle_payload_is_refused_without_running(tmp_path, member):
    marker = tmp_path / "payload-ran"
    path = tmp_path / "evil.npz"
    KeyedVectors(["a"], np.zeros((1, 2), np.float32)).save(path)
    arrays = dict(np.load(path, allow_pickle=False))
    arrays[member] = np.array([Payload(marker)], dtype=object)
    np.savez(path, **arrays)
    with pytest.raises(StorageError, match="evil.npz is unreadable"):
        KeyedVectors.load(path)
    with pytest.raises(StorageError):
        KeyedVectors.load(path, mmap=True)
    with pytest.raises(StorageError):
        Word2Vec.load(path)
    assert not marker.exists()


def test_other_files_are_named(tmp_path):
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(StorageError, match="junk.npz is unreadable"):
        KeyedVectors.load(tmp_path / "junk.npz")
    save_arrays(tmp_path / "other.npz", {"x": np.zeros(1)}, {"format": "something else"})
    with pytest.raises(StorageError, match="other.npz is not a wordvec.KeyedVectors file"):
        KeyedVectors.load(tmp_path / "other.npz")


def test_word2vec_model_round_trip(tmp_path):
    corpus = [["a", "b", "c", "a", "b"], ["c", "a", "d"]] * 50
    model = Word2Vec(vector_size=8, min_count=1, epochs=2, workers=1, progress=False, window=2).fit(corpus)
    model.save(tmp_path / "m.npz")
    loaded = Word2Vec.load(tmp_path / "m.npz")
    assert loaded.wv.words == model.wv.words and np.array_equal(loaded.wv.vectors, model.wv.vectors)
    assert np.array_equal(loaded.vectors_out_, model.vectors_out_)
    assert loaded.vocab_.counts.tolist() == model.vocab_.counts.tolist()
    assert loaded.loss_history_ == model.loss_history_ and loaded.window == 2
    with pytest.raises(ValueError, match="not fitted"):
        Word2Vec().save(tmp_path / "x.npz")


def test_npy_header_that_breaks_numpys_parser(tmp_path):
    """Found by atheris: a header with a stray ')' made numpy raise tokenize.TokenError."""
    path = tmp_path / "bad.npz"
    path.write_bytes((Path(__file__).parents[1] / "data" / "atheris-native-tokenerror.npz").read_bytes())
    with pytest.raises(StorageError, match="bad.npz is unreadable: TokenError"):
        KeyedVectors.load(path)
