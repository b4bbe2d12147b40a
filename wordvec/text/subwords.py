"""Character n-grams of words, hashed into buckets as fastText does (Bojanowski et al., 2017).

A word ``w`` is written ``<w>``; its n-grams are the substrings of ``min_n`` to
``max_n`` characters (UTF-8 characters, not bytes), except the one-character
ones at either end (``<`` and ``>`` alone). Each n-gram g goes to bucket
``fnv1a(g) mod buckets``, where ``fnv1a`` is fastText's 32-bit FNV-1a over the
UTF-8 bytes, each byte taken as a *signed* char (fastText's ``int8_t`` cast), so
that vectors trained here and by fastText address the same rows. A word's bag is
its own row (if it has one) and the rows ``n_words + bucket`` of its n-grams: its
vector is the mean of the bag's rows. fastText's end-of-line word ``</s>`` has no n-grams.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence

import numba
import numpy as np

from wordvec.engine.cpu.vecops import axpy_rows
from wordvec.errors import ParameterError

EOS = "</s>"  # fastText's end-of-line word: it has no n-grams
MAX_N = 64  # characters in an n-gram
MAX_BUCKETS = 1 << 31  # fastText's bucket is an int32


@numba.njit(cache=True, nogil=True)
def _hash_bytes(buf, start, end):
    """fastText's hash: h = (h ^ int8(byte)) * 16777619 mod 2**32, from 2166136261."""
    h = np.uint64(2166136261)
    for k in range(start, end):
        b = np.uint64(buf[k])
        if b >= 128:
            b |= np.uint64(0xFFFFFF00)  # the sign extension of a negative char
        h = ((h ^ b) * np.uint64(16777619)) & np.uint64(0xFFFFFFFF)
    return h


@numba.njit(cache=True, nogil=True)
def _ngram_hashes(buf, start, end, min_n, max_n, buckets, out, k):
    """Write the buckets of the n-grams of the bracketed word buf[start:end] to out[k:]
    (out=None counts them); returns the new k (fastText's computeSubwords)."""
    for i in range(start, end):
        if (buf[i] & 0xC0) == 0x80:  # a continuation byte: n-grams start at characters
            continue
        j, n = i, 1
        while j < end and n <= max_n:
            j += 1
            while j < end and (buf[j] & 0xC0) == 0x80:
                j += 1
            if n >= min_n and not (n == 1 and (i == start or j == end)):
                if out is not None:
                    out[k] = _hash_bytes(buf, i, j) % np.uint64(buckets)
                k += 1
            n += 1
    return k


@numba.njit(cache=True, nogil=True)
def _bags(buf, offsets, known, n_words, min_n, max_n, buckets):
    """CSR bags of every bracketed word buf[offsets[w]:offsets[w + 1]]: row w first when
    known[w], then n_words + the bucket of each n-gram."""
    n = len(offsets) - 1
    indptr = np.zeros(n + 1, dtype=np.int64)
    for w in range(n):
        count = _ngram_hashes(buf, offsets[w], offsets[w + 1], min_n, max_n, buckets, None, 0)
        indptr[w + 1] = indptr[w] + count + (1 if known[w] else 0)
    hashes = np.empty(indptr[n], dtype=np.uint32)
    indices = np.empty(indptr[n], dtype=np.int64)
    for w in range(n):
        k = indptr[w]
        if known[w]:
            indices[k] = w
            k += 1
        end = _ngram_hashes(buf, offsets[w], offsets[w + 1], min_n, max_n, buckets, hashes, k)
        for m in range(k, end):
            indices[m] = n_words + np.int64(hashes[m])
    return indptr, indices


@dataclass(frozen=True)
class Ngrams:
    """fastText's ``-minn -maxn -bucket``: which n-grams a word has and which rows they use."""

    min_n: int = 3
    max_n: int = 6
    buckets: int = 2_000_000

    def __post_init__(self) -> None:
        for name, value, high in (("min_n", self.min_n, MAX_N), ("max_n", self.max_n, MAX_N),
                                  ("buckets", self.buckets, MAX_BUCKETS)):
            if not 0 <= value <= high:
                raise ParameterError(f"{name}={value} must be from 0 to {high}")
        if self.max_n >= max(self.min_n, 1) and self.buckets < 1:
            raise ParameterError(f"buckets={self.buckets} must be at least 1 when words have n-grams "
                                 f"(min_n={self.min_n}, max_n={self.max_n})")

    def strings(self, word: str) -> list[str]:
        """The n-grams of ``word`` as strings, in fastText's order (for reading; not used in training)."""
        chars, grams = (f"<{word}>" if word != EOS else ""), []
        for i in range(len(chars)):
            for n in range(1, self.max_n + 1):
                if i + n > len(chars):
                    break
                if n >= self.min_n and not (n == 1 and (i == 0 or i + n == len(chars))):
                    grams.append(chars[i:i + n])
        return grams

    def buckets_of(self, word: str) -> np.ndarray:
        """The bucket (0 .. buckets - 1) of each n-gram of ``word``, in :meth:`strings` order."""
        indptr, indices = self.bags([word], n_words=0, known=np.zeros(1, dtype=bool))
        return indices

    def bags(self, words: Sequence[str], n_words: int | None = None,
             known: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """CSR ``(indptr, indices)``: the input rows of each word, its own row ``w`` first (when
        ``known[w]``, by default every word) then ``n_words + bucket`` for each n-gram."""
        n_words = len(words) if n_words is None else n_words
        known = np.ones(len(words), dtype=bool) if known is None else known
        encoded = [f"<{w}>".encode() if w != EOS else b"" for w in words]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        buf = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        return _bags(buf, offsets, known, n_words, self.min_n, self.max_n, self.buckets)


def check_ngram_settings(min_n: int, max_n: int, buckets: int) -> None:
    """One-line errors for n-gram settings that cannot work (beyond each one's own range)."""
    if min_n > max_n:
        raise ParameterError(f"min_n={min_n} must be at most max_n={max_n}")


def fnv1a(text: str) -> int:
    """fastText's 32-bit hash of ``text`` (its UTF-8 bytes, each as a signed char)."""
    data = np.frombuffer(text.encode(), dtype=np.uint8)
    return int(_hash_bytes(data, 0, len(data)))


@numba.njit(cache=True, nogil=True)
def mean_of_bags(matrix, indptr, indices):
    """Row w of the result: the mean of ``matrix``'s rows indices[indptr[w]:indptr[w + 1]]
    (zero for an empty bag), the sum times 1/|bag| as fastText's getWordVector does, for
    every word at once."""
    out = np.zeros((len(indptr) - 1, matrix.shape[1]), dtype=np.float32)
    for w in range(len(indptr) - 1):
        start, end = indptr[w], indptr[w + 1]
        for b in range(start, end):
            axpy_rows(1.0, matrix, indices[b], out, w)
        if end > start:
            out[w] *= np.float32(1.0 / (end - start))
    return out
