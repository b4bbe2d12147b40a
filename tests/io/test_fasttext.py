"""fastText's .bin both ways (io.fasttext); against the fasttext package when it is installed
(pip install fasttext-wheel, a test-only dependency)."""

import random
import string
import struct

import numpy as np
import pytest

import wordvec
from wordvec import KeyedVectors
from wordvec.errors import DataError
from wordvec.io.fasttext import read_fasttext_bin, write_fasttext_bin
from wordvec.text.subwords import Ngrams

fasttext = pytest.importorskip("fasttext", reason="needs the fasttext package: pip install fasttext-wheel")


def unseen_words(n, seed=0):
    rng = random.Random(seed)
    alphabet = string.ascii_lowercase + "\u00e9\u00f6\u00f1\u65e5\u672c"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(n)]


@pytest.fixture(scope="module")
def fasttext_model(tmp_path_factory):
    d = tmp_path_factory.mktemp("ft")
    (d / "c.txt").write_text("h\u00e9llo w\u00f6rld na\u00efve caf\u00e9 the cat sat on the mat\n" * 60
                             + "dogs run fast and cats sleep long\n" * 40, encoding="utf-8")
    model = fasttext.train_unsupervised(str(d / "c.txt"), model="skipgram", minn=2, maxn=5, bucket=20000, dim=16,
                                        epoch=2, minCount=1, verbose=0)
    model.save_model(str(d / "m.bin"))
    return model, d / "m.bin"


def test_a_model_written_by_fasttext_gives_its_vectors_for_1000_unseen_words(fasttext_model):
    model, path = fasttext_model
    kv = wordvec.load(path)  # recognised by its content
    assert kv.words == model.words and kv.ngrams == Ngrams(2, 5, 20000)
    words = unseen_words(1000)
    assert not set(words) & set(kv.words) - {"a"}
    ours = kv[words]
    theirs = np.stack([model.get_word_vector(w) for w in words])
    assert np.abs(ours - theirs).max() < 1e-6
    assert np.abs(kv[model.words] - np.stack([model.get_word_vector(w) for w in model.words])).max() < 1e-6


def test_a_model_written_by_wordvec_loads_in_fasttext_with_the_same_vectors(fasttext_model, tmp_path):
    _, path = fasttext_model
    kv = read_fasttext_bin(path)
    write_fasttext_bin(kv, tmp_path / "ours.bin")
    loaded = fasttext.load_model(str(tmp_path / "ours.bin"))
    assert loaded.words == kv.words
    words = kv.words + unseen_words(300, seed=1)
    assert np.abs(np.stack([loaded.get_word_vector(w) for w in words]) - kv[words]).max() < 1e-6


def test_a_wordvec_subword_model_round_trips_through_fasttext(tmp_path):
    rng = np.random.default_rng(0)
    kv = KeyedVectors(["alpha", "beta", "gamma"], rng.normal(size=(3, 6)).astype(np.float32), np.array([9, 5, 2]),
                      Ngrams(3, 5, 64), rng.normal(size=(64, 6)).astype(np.float32))
    write_fasttext_bin(kv, tmp_path / "k.bin")
    loaded = fasttext.load_model(str(tmp_path / "k.bin"))
    again = read_fasttext_bin(tmp_path / "k.bin")
    for word in ["alpha", "gamma", "alphabet", "zeta"]:
        assert np.abs(loaded.get_word_vector(word) - kv[word]).max() < 1e-5
        assert np.abs(again[word] - kv[word]).max() < 1e-5
    assert list(again.expandos["count"]) == [9, 5, 2]


def _with(data: bytes, offset: int, fmt: str, value) -> bytes:
    return data[:offset] + struct.pack(fmt, value) + data[offset + struct.calcsize(fmt):]


@pytest.mark.parametrize("change, message", [
    (lambda b: b[:3], "ends inside its header"),
    (lambda b: _with(b, 0, "<i", 1234), "is not a fastText model"),
    (lambda b: _with(b, 4, "<i", 11), "of file version 11; wordvec reads version 12"),
    (lambda b: _with(b, 8 + 7 * 4, "<i", 3), "is a supervised fastText model"),
    (lambda b: _with(b, 8 + 8 * 4, "<i", 0), "its arguments are out of range: buckets=0"),
    (lambda b: _with(b, 64, "<i", 7), "its dictionary holds 7 entries but 17 words"),
    (lambda b: _with(_with(b, 64, "<i", 2 ** 30), 68, "<i", 2 ** 30), "its dictionary promises 1073741824 words"),
    (lambda b: b[:len(b) // 2], r"its input matrix of 20017 x 16 needs \d+ bytes, \d+ are left"),
])
def test_damaged_files_are_one_line_errors(fasttext_model, tmp_path, change, message):
    _, path = fasttext_model
    (tmp_path / "bad.bin").write_bytes(change(path.read_bytes()))
    with pytest.raises(DataError, match=message) as info:
        read_fasttext_bin(tmp_path / "bad.bin")
    assert "\n" not in str(info.value) and str(tmp_path / "bad.bin") in str(info.value)


def test_a_word_fasttexts_format_cannot_hold_is_refused_before_anything_is_written(tmp_path):
    kv = KeyedVectors(["ok", "nul\0inside"], np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="holds a NUL character"):
        write_fasttext_bin(kv, tmp_path / "x.bin")
    assert not (tmp_path / "x.bin").exists()
