"""fastText's binary model (``.bin``), both ways: its words, counts, arguments, and the input
matrix of word rows followed by n-gram bucket rows.

The layout (fastText 0.9, file version 12), little-endian throughout:

* int32 magic 793712314, int32 version 12;
* the arguments: int32 dim, ws, epoch, minCount, neg, wordNgrams, loss, model,
  bucket, minn, maxn, lrUpdateRate, then float64 t;
* the dictionary: int32 size, nwords, nlabels, int64 ntokens, pruneidx_size; each
  entry a NUL-terminated word, int64 count, int8 type (0 word, 1 label); then
  pruneidx_size pairs of int32 (pruneidx_size is -1 in a model never pruned);
* uint8 quantised (0), the input matrix as int64 rows, int64 cols, float32 data;
  uint8 quantised output (0), the output matrix the same way.

A word's vector is the mean of its row and its n-grams' rows (``text.subwords``);
a word outside the dictionary gets the mean of its n-grams' rows. The reader trusts
no size in the file: every count is checked against the bytes that remain before
anything is allocated for it.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np

from wordvec.errors import DataError, ParameterError, quote
from wordvec.io.atomic import atomic_write
from wordvec.io.paths import regular_file
from wordvec.text.subwords import Ngrams, mean_of_bags
from wordvec.vectors.keyedvectors import KeyedVectors

MAGIC, VERSION = 793712314, 12
_ARGS = struct.Struct("<12id")  # dim ws epoch minCount neg wordNgrams loss model bucket minn maxn lrUpdateRate t
_DICT = struct.Struct("<3i2q")  # size nwords nlabels ntokens pruneidx_size
_LOSS_NS, _LOSS_HS, _MODEL_CBOW, _MODEL_SG, _MODEL_SUP = 2, 1, 1, 2, 3
MAX_WORD = 1 << 16  # bytes in one dictionary word


def is_fasttext_bin(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a fastText binary model."""
    return len(head) >= 4 and struct.unpack("<i", head[:4])[0] == MAGIC


def read_fasttext_bin(path: str | os.PathLike) -> KeyedVectors:
    """The word vectors of a fastText ``.bin`` (or gensim's FastText saved with ``save_facebook_model``),
    with its n-grams: vectors for unseen words equal fastText's ``get_word_vector``.

    Raises
    ------
    DataError
        The file is not a fastText model, is damaged, truncated, quantised (.ftz) or a
        supervised classifier; the message names the file and what is wrong.
    """
    path = regular_file(path, "fastText model")
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        reader = _Reader(path, f, size)
        magic, version = struct.unpack("<2i", reader.take(8, "its header"))
        if magic != MAGIC:
            raise DataError(f"{path} is not a fastText model: it does not start with fastText's magic number")
        if version != VERSION:
            raise DataError(f"{path} is a fastText model of file version {version}; wordvec reads version {VERSION}")
        args = _ARGS.unpack(reader.take(_ARGS.size, "its arguments"))
        dim, bucket, minn, maxn, model = args[0], args[8], args[9], args[10], args[7]
        if model == _MODEL_SUP:
            raise DataError(f"{path} is a supervised fastText model (a classifier): wordvec reads word vectors")
        try:
            ngrams = Ngrams(minn, maxn, bucket) if maxn >= max(minn, 1) else None
        except ParameterError as exc:
            raise DataError(f"{path}: its arguments are out of range: {exc}") from None
        words, counts = _read_dictionary(reader)
        if reader.take(1, "the quantisation flag") != b"\0":
            raise DataError(f"{path} is a quantised fastText model (.ftz): wordvec reads full ones (.bin)")
        rows = len(words) + (bucket if ngrams is not None else 0)
        matrix = reader.matrix(rows, dim, "input matrix")
    vectors, ngram_rows = matrix, None
    if ngrams is not None:  # a word's vector: the mean of its row and its n-grams' rows
        vectors, ngram_rows = mean_of_bags(matrix, *ngrams.bags(words)), matrix[len(words):]
    try:
        return KeyedVectors(words, vectors, counts, ngrams, ngram_rows)
    except ValueError as exc:
        raise DataError(f"{path}: {exc}") from None


def write_fasttext_bin(kv: KeyedVectors, path: str | os.PathLike, vectors_out: np.ndarray | None = None,
                       skipgram: bool = True, hierarchical: bool = False, epochs: int = 5, window: int = 5,
                       negative: int = 5, min_count: int = 1, sample: float = 1e-4) -> None:
    """Write ``kv`` as a fastText ``.bin`` that the ``fasttext`` package loads with the same vectors.

    fastText keeps raw rows, not the words' means: each vocabulary word's row is set so
    that the mean of its bag (its row and its n-grams' rows) is its vector in ``kv``.
    ``vectors_out`` (fastText's output matrix, one row a word) is written as zeros when
    not given; ``get_word_vector`` does not use it.
    """
    ngrams, n = kv.ngrams, len(kv)
    bad = next((w for w in kv.words if not w or "\0" in w), None)
    if bad is not None:
        raise ValueError(f"word {quote(bad)} is empty or holds a NUL character: fastText's format cannot store it")
    if vectors_out is not None and vectors_out.shape != (n, kv.vector_size):
        vectors_out = None  # hierarchical softmax keeps inner nodes, which fastText lays out otherwise
    counts = kv.expandos.get("count", np.ones(n, dtype=np.int64))
    with atomic_write(path) as f:
        f.write(struct.pack("<2i", MAGIC, VERSION))
        f.write(_ARGS.pack(kv.vector_size, window, epochs, min_count, negative, 1,
                           _LOSS_HS if hierarchical else _LOSS_NS, _MODEL_SG if skipgram else _MODEL_CBOW,
                           ngrams.buckets if ngrams else 0, ngrams.min_n if ngrams else 0,
                           ngrams.max_n if ngrams else 0, 100, sample))
        f.write(_DICT.pack(n, n, 0, int(np.sum(counts)), -1))
        for word, count in zip(kv.words, counts):
            f.write(word.encode() + b"\0" + struct.pack("<qb", int(count), 0))
        f.write(b"\0")
        _write_matrix(f, _raw_word_rows(kv), rows=n + (ngrams.buckets if ngrams else 0))
        if ngrams is not None:
            _write_rows(f, kv.ngram_vectors)
        f.write(b"\0")
        _write_matrix(f, vectors_out if vectors_out is not None else np.zeros((n, kv.vector_size), np.float32))


def _raw_word_rows(kv: KeyedVectors) -> np.ndarray:
    """Word rows r_w with mean(r_w, its n-gram rows) = kv[w]: r_w = (k + 1) v_w - sum of n-gram rows."""
    vectors = np.asarray(kv.vectors, dtype=np.float32)
    if kv.ngrams is None:
        return vectors
    indptr, indices = kv.ngrams.bags(kv.words, n_words=0, known=np.zeros(len(kv), dtype=bool))
    sums = mean_of_bags(kv.ngram_vectors, indptr, indices) * np.diff(indptr)[:, None].astype(np.float32)
    return (np.diff(indptr)[:, None] + 1).astype(np.float32) * vectors - sums


def _write_matrix(f: BinaryIO, matrix: np.ndarray, rows: int | None = None) -> None:
    f.write(struct.pack("<2q", matrix.shape[0] if rows is None else rows, matrix.shape[1]))
    _write_rows(f, matrix)


def _write_rows(f: BinaryIO, matrix: np.ndarray) -> None:
    for start in range(0, len(matrix), 65536):  # no copy of a 2M-row matrix at once
        f.write(np.ascontiguousarray(matrix[start:start + 65536], dtype="<f4").tobytes())


def _read_dictionary(reader: _Reader) -> tuple[list[str], np.ndarray]:
    path = reader.path
    n, nwords, nlabels, _, pruned = _DICT.unpack(reader.take(_DICT.size, "its dictionary header"))
    if nlabels != 0:
        raise DataError(f"{path}: its dictionary has {nlabels} labels (a classifier's): wordvec reads word vectors")
    if n != nwords:
        raise DataError(f"{path}: its dictionary holds {n} entries but {nwords} words")
    if pruned > 0:  # -1 in a model never pruned
        raise DataError(f"{path} is a pruned (quantised) fastText model: wordvec reads full ones")
    if not 0 <= n <= reader.left() // 10:  # each entry takes at least 10 bytes
        raise DataError(f"{path}: its dictionary promises {n} words, more than its {reader.left()} bytes can hold")
    words, counts = [], np.empty(n, dtype=np.int64)
    for i in range(n):
        raw = reader.cstring(f"word {i + 1}")
        count, kind = struct.unpack("<qb", reader.take(9, f"the count of word {i + 1}"))
        try:
            word = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DataError(f"{path}: word {i + 1} of its dictionary is not UTF-8: {quote(raw)}") from None
        if kind != 0 or count < 0 or not word:
            raise DataError(f"{path}: word {i + 1} of its dictionary ({quote(word)}) has count {count} and type {kind}")
        words.append(word)
        counts[i] = count
    return words, counts


class _Reader:
    """Reads a file front to back in 1 MB blocks, refusing any read past its end."""

    def __init__(self, path: Path, f: BinaryIO, size: int):
        self.path, self.f, self.size = path, f, size
        self.buf, self.pos, self.offset = b"", 0, 0  # offset: file position of buf[0]

    def left(self) -> int:
        return self.size - self.offset - self.pos

    def _fill(self, need: int) -> None:
        if len(self.buf) - self.pos < need:
            self.offset += self.pos
            self.buf = self.buf[self.pos:] + self.f.read(max(need, 1 << 20))
            self.pos = 0

    def take(self, n: int, what: str) -> bytes:
        self._fill(n)
        if len(self.buf) - self.pos < n:
            raise DataError(f"{self.path} ends inside {what}: it is cut short or not a fastText model")
        self.pos += n
        return self.buf[self.pos - n:self.pos]

    def cstring(self, what: str) -> bytes:
        while True:
            end = self.buf.find(b"\0", self.pos, self.pos + MAX_WORD)
            if end >= 0:
                raw, self.pos = self.buf[self.pos:end], end + 1
                return raw
            if len(self.buf) - self.pos >= MAX_WORD:
                raise DataError(f"{self.path}: {what} is longer than {MAX_WORD} bytes")
            before = len(self.buf) - self.pos
            self._fill(before + 1)
            if len(self.buf) - self.pos == before:
                raise DataError(f"{self.path} ends inside {what}: it is cut short or not a fastText model")

    def matrix(self, rows: int, dim: int, what: str) -> np.ndarray:
        m, n = struct.unpack("<2q", self.take(16, f"the shape of its {what}"))
        if (m, n) != (rows, dim) or dim < 1:
            raise DataError(f"{self.path}: its {what} is {m} x {n}, the arguments and dictionary call for "
                            f"{rows} x {dim}")
        if 4 * m * n > self.left():
            raise DataError(f"{self.path}: its {what} of {m} x {n} needs {4 * m * n} bytes, {self.left()} are left")
        buffered = (len(self.buf) - self.pos) // 4 * 4
        head = np.frombuffer(self.take(min(buffered, 4 * m * n), what), dtype="<f4")
        self.f.seek(self.offset + self.pos)
        rest = np.fromfile(self.f, dtype="<f4", count=m * n - len(head))
        self.offset, self.buf, self.pos = self.f.tell(), b"", 0
        return np.concatenate((head, rest)).astype(np.float32).reshape(m, n)
