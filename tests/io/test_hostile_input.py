"""Property-based tests: any bytes given to a reader raise only the documented error.

A light version of fuzz/fuzz_readers.py (which runs 100,000 inputs per reader)."""

import gzip

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wordvec import KeyedVectors
from wordvec.errors import DataError
from wordvec.io.formats import read_glove, read_word2vec
from wordvec.text.scan import scan_corpus
from wordvec.experiments.sst.data import read_sentences

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def valid_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("seeds")
    kv = KeyedVectors(["a", "b\u00e9", "c"], np.arange(12, dtype=np.float32).reshape(3, 4))
    kv.save_word2vec_format(d / "v.txt")
    kv.save_word2vec_format(d / "v.bin", binary=True)
    kv.save(d / "v.npz")
    return {name: (d / name).read_bytes() for name in ("v.txt", "v.bin", "v.npz")}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    return valid_files(tmp_path_factory)


def damaged(seed: bytes):
    """The seed with a slice replaced by arbitrary bytes, or cut short."""
    return st.tuples(st.integers(0, len(seed)), st.integers(0, 64), st.binary(max_size=64)).map(
        lambda t: seed[:t[0]] + t[2] + seed[t[0] + t[1]:])


def only_data_errors(read, path, data: bytes):
    path.write_bytes(data)
    try:
        read(path)
    except DataError:
        pass


@SETTINGS
@given(data=st.binary(max_size=3000))
def test_corpus_reader_and_scan(tmp_path, data):
    only_data_errors(lambda p: scan_corpus(p, tmp_path, 1, None), tmp_path / "c.txt", data)
    only_data_errors(lambda p: scan_corpus(p, tmp_path, 1, None), tmp_path / "c.gz", gzip.compress(data)[:len(data)])


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_sst_sentences(tmp_path, data):
    only_data_errors(read_sentences, tmp_path / "s.txt", data)


@SETTINGS
@given(st.data())
def test_word2vec_and_glove_readers(tmp_path, seeds, data):
    text = data.draw(st.one_of(st.binary(max_size=500), damaged(seeds["v.txt"])))
    only_data_errors(read_word2vec, tmp_path / "v.txt", text)
    only_data_errors(read_glove, tmp_path / "g.txt", text)
    binary = data.draw(st.one_of(st.binary(max_size=500), damaged(seeds["v.bin"])))
    only_data_errors(lambda p: read_word2vec(p, binary=True), tmp_path / "v.bin", binary)


@SETTINGS
@given(st.data())
def test_native_loader(tmp_path, seeds, data):
    blob = data.draw(st.one_of(st.binary(max_size=500), damaged(seeds["v.npz"])))
    only_data_errors(lambda p: (KeyedVectors.load(p), KeyedVectors.load(p, mmap=True)), tmp_path / "v.npz", blob)
