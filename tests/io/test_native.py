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


def test_every_member_is_aligned_for_memory_maps(tmp_path):
    """Array data starts at a multiple of 64 bytes, so mapped vectors compute as fast as read ones."""
    import zipfile

    from wordvec.io.native import ALIGN, load_arrays, save_arrays

    rng = np.random.default_rng(0)
    arrays = {"vectors": rng.random((33, 7), dtype=np.float32), "counts": np.arange(33), "scalar": np.float64(2.5),
              "odd_name_length_x": np.ones(3, dtype=np.int8)}
    save_arrays(tmp_path / "a.npz", arrays, {"k": 1})
    mapped, meta = load_arrays(tmp_path / "a.npz", mmap=True)
    assert meta == {"k": 1}
    for name, array in arrays.items():
        assert mapped[name].offset % ALIGN == 0 and mapped[name].ctypes.data % ALIGN == 0
        assert np.array_equal(mapped[name], array) and mapped[name].shape == np.shape(array)
    with zipfile.ZipFile(tmp_path / "a.npz") as archive:  # still an ordinary zip of .npy files
        assert archive.testzip() is None
    with np.load(tmp_path / "a.npz") as plain:
        assert np.array_equal(plain["vectors"], arrays["vectors"])


def test_queries_on_a_mapped_file_make_no_unit_copy(tmp_path):
    import tracemalloc

    rng = np.random.default_rng(0)
    kv = KeyedVectors([f"w{i}" for i in range(20000)], rng.random((20000, 50), dtype=np.float32))
    kv.save(tmp_path / "kv.npz")
    mapped = KeyedVectors.load(tmp_path / "kv.npz", mmap=True)
    tracemalloc.start()
    result = mapped.most_similar("w1", topn=5)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result == kv.most_similar("w1", topn=5)
    assert peak < kv.vectors.nbytes / 2  # scores, norms and a block of rows, not a second matrix
