import numpy as np
import pytest

from wordvec import KeyedVectors
from wordvec.errors import DataError
from wordvec.io import formats


@pytest.fixture
def kv():
    rng = np.random.default_rng(1)
    words = ["the", "caf\u00e9", "na\u00efve", "\u6f22\u5b57", "x"]
    return KeyedVectors(words, rng.normal(size=(5, 7)).astype(np.float32))


@pytest.mark.parametrize("binary", [False, True])
def test_word2vec_round_trip(kv, tmp_path, binary):
    path = tmp_path / ("v.bin" if binary else "v.txt")
    kv.save_word2vec_format(path, binary=binary)
    loaded = KeyedVectors.load_word2vec_format(path, binary=binary)
    assert loaded.words == kv.words
    np.testing.assert_array_equal(loaded.vectors, kv.vectors)  # repr() keeps every float32 bit
    assert KeyedVectors.load_word2vec_format(path, binary=binary, limit=2).words == kv.words[:2]


def test_glove_and_projector(kv, tmp_path):
    formats.write_glove(tmp_path / "g.txt", kv.words, kv.vectors)
    words, vectors = formats.read_glove(tmp_path / "g.txt")
    assert words == kv.words and np.array_equal(vectors, kv.vectors)
    vec_path, meta_path = formats.write_projector(tmp_path / "tsv", kv.words, kv.vectors)
    assert meta_path.read_text(encoding="utf-8").splitlines() == kv.words
    np.testing.assert_allclose(np.loadtxt(vec_path, delimiter="\t"), kv.vectors, rtol=1e-6)


def write(tmp_path, data: bytes, name="bad.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("data, message", [
    (b"", "is empty"),
    (b"2 3\na 1 2 3\n", "the header promises 2 words, the file holds 1"),
    (b"2 3\na 1 2 3\nb 1 2\n", r"bad.txt:3: word 'b' has 2 values, expected 3"),
    (b"1 3\na 1 nan 3\n", r"line 2: word 'a' has a NaN or infinite value"),
    (b"1 3\na 1 inf 3\n", r"line 2: word 'a' has a NaN or infinite value"),
    (b"2 2\na 1 2\na 3 4\n", r"line 3: word 'a' occurs twice"),
    (b"1 2\n\xffa 1 2\n", r"line 2: invalid UTF-8 in word"),
    (b"1 2\na 1 x\n", r"bad.txt:2: word 'a' has a value that is not a number"),
    (b"words 2\n", r"bad.txt:1: expected a header 'n_words dim'"),
])
def test_bad_text_files_are_named(tmp_path, data, message):
    with pytest.raises(DataError, match=message):
        formats.read_word2vec(write(tmp_path, data))


def test_invalid_utf8_can_be_replaced(tmp_path):
    words, _ = formats.read_word2vec(write(tmp_path, b"1 2\n\xffa 1 2\n"), unicode_errors="replace")
    assert words == ["\ufffda"]


def binary_file(words, vectors):
    out = f"{len(words)} {vectors.shape[1]}\n".encode()
    for w, v in zip(words, vectors):
        out += w.encode() + b" " + v.astype("<f4").tobytes() + b"\n"
    return out


def test_bad_binary_files_are_named(tmp_path):
    good = binary_file(["a", "b"], np.ones((2, 4), np.float32))
    with pytest.raises(DataError, match=r"truncated at entry 2 of 2 .*: 8 of 16 vector bytes"):
        formats.read_word2vec(write(tmp_path, good[:-9], "t.bin"), binary=True)
    with pytest.raises(DataError, match="header promises 3 words"):
        formats.read_word2vec(write(tmp_path, b"3" + good[1:], "h.bin"), binary=True)
    nan = binary_file(["a"], np.array([[1, np.nan, 2, 3]], np.float32))
    with pytest.raises(DataError, match="entry 1: word 'a' has a NaN"):
        formats.read_word2vec(write(tmp_path, nan, "n.bin"), binary=True)
    dup = binary_file(["a", "a"], np.ones((2, 4), np.float32))
    with pytest.raises(DataError, match="entry 2: word 'a' occurs twice"):
        formats.read_word2vec(write(tmp_path, dup, "d.bin"), binary=True)


def test_words_with_spaces_cannot_be_written(tmp_path):
    with pytest.raises(ValueError, match="white space"):
        formats.write_word2vec(tmp_path / "x.txt", ["new york"], np.zeros((1, 2)))
