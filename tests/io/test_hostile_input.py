"""Property-based tests: any bytes given to a reader raise only the documented error.

A light version of fuzz/fuzz_readers.py (which runs 100,000 inputs per reader)."""

import gzip

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wordvec import KeyedVectors
from wordvec.errors import DataError
from wordvec.io.fasttext import write_fasttext_bin
from wordvec.io.registry import UNTRUSTED_READERS
from wordvec.text.subwords import Ngrams

SEED_FILES = {"word2vec-text": "v.txt", "glove": "v.txt", "word2vec-binary": "v.bin", "native": "v.npz",
              "phrases": "p.npz", "any-vectors": "v.bin", "fasttext": "f.bin"}
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def valid_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("seeds")
    kv = KeyedVectors(["a", "b\u00e9", "c"], np.arange(12, dtype=np.float32).reshape(3, 4))
    kv.save_word2vec_format(d / "v.txt")
    kv.save_word2vec_format(d / "v.bin", binary=True)
    kv.save(d / "v.npz")
    write_fasttext_bin(KeyedVectors(kv.words, kv.vectors, None, Ngrams(2, 4, 8), np.ones((8, 4), np.float32)),
                       d / "f.bin")
    from wordvec.text.phrases import Phrases

    Phrases(min_count=1, threshold=0.1, connector_words={"and"}).fit([["the", "king", "and", "queen"]] * 3).save(
        d / "p.npz")
    return {name: (d / name).read_bytes() for name in ("v.txt", "v.bin", "v.npz", "p.npz", "f.bin")}


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


def test_every_untrusted_reader_is_covered_here():
    """The registry is the list of readers; this file must cover each of them."""
    assert set(UNTRUSTED_READERS) == set(SEED_FILES) | {"corpus", "corpus-gz", "sst"}


@SETTINGS
@given(data=st.binary(max_size=3000))
def test_corpus_reader_and_scan(tmp_path, data):
    only_data_errors(UNTRUSTED_READERS["corpus"][1], tmp_path / "c.txt", data)
    only_data_errors(UNTRUSTED_READERS["corpus-gz"][1], tmp_path / "c.gz", gzip.compress(data)[:len(data)])


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_sst_sentences(tmp_path, data):
    only_data_errors(UNTRUSTED_READERS["sst"][1], tmp_path / "s.txt", data)


@SETTINGS
@given(st.data(), st.sampled_from(sorted(SEED_FILES)))
def test_vector_file_readers(tmp_path, seeds, data, name):
    suffix, read = UNTRUSTED_READERS[name]
    blob = data.draw(st.one_of(st.binary(max_size=500), damaged(seeds[SEED_FILES[name]])))
    only_data_errors(read, tmp_path / f"v{suffix}", blob)
