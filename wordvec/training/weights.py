"""The weights a run starts from: new, grown for continued training, or restored; and, with
subwords, each word's bag of input rows and the word vectors composed from them.

New input rows are uniform in +-0.5/dim and output rows zero, as in word2vec.c;
with subwords the n-gram rows (``buckets`` of them, after the words' rows) are
drawn the same way (fastText draws its rows in +-1/dim; that range was measured
with subwords and gained nothing: BENCHMARKS.md, issue 14).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from wordvec.engine import contract
from wordvec.engine.cpu.rng import fill_uniform
from wordvec.text.subwords import Ngrams, mean_of_bags
from wordvec.text.vocab import Vocabulary

_PART = 1 << 21  # the fewest floats a thread draws


def ngrams_of(params: dict) -> Ngrams | None:
    """The n-gram settings of a run with ``subwords=True``, or None."""
    return Ngrams(params["min_n"], params["max_n"], params["buckets"]) if params["subwords"] else None


def input_rows(n_words: int, ngrams: Ngrams | None) -> int:
    """Rows of the input matrix: one a word, plus one a bucket with subwords."""
    return n_words + (ngrams.buckets if ngrams is not None else 0)


def uniform_rows(rng: np.random.Generator, n: int, dim: int, workers: int = 1) -> np.ndarray:
    """``n`` rows uniform in +-0.5/dim (float32), drawn in place by a compiled generator seeded
    from ``rng`` (numpy's generator takes seconds for fastText's 2M x 100 bucket rows), by
    ``workers`` threads each filling a part: the same rows for any number of them."""
    rows = np.empty((n, dim), dtype=np.float32)
    flat, seed, low, high = rows.reshape(-1), np.uint64(rng.integers(1 << 63)), -0.5 / dim, 0.5 / dim
    parts = max(1, min(workers, flat.shape[0] // _PART))
    step = (-(-flat.shape[0] // parts) + 1) & ~1  # each part starts at an even element (two a draw)
    if parts == 1:
        fill_uniform(flat, 0, flat.shape[0], low, high, seed)
        return rows
    with ThreadPoolExecutor(parts) as pool:
        list(pool.map(lambda start: fill_uniform(flat, start, min(start + step, flat.shape[0]), low, high, seed),
                      range(0, flat.shape[0], step)))
    return rows


def new_weights(n_words: int, dim: int, seed: int, hierarchical: bool,
                ngrams: Ngrams | None, workers: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Input rows uniform in +-0.5/dim, output rows zero (one per inner node under hierarchical softmax)."""
    vectors_in = uniform_rows(np.random.default_rng(seed), input_rows(n_words, ngrams), dim, workers)
    return vectors_in, np.zeros((max(n_words - 1, 1) if hierarchical else n_words, dim), np.float32)


def grown_weights(moved: np.ndarray, n_words: int, vectors: np.ndarray, vectors_out: np.ndarray,
                  hierarchical: bool, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Weights for a grown vocabulary: the old rows moved to their new ids (``moved``), new input
    rows uniform as in a new run, new output rows zero (every output row under hierarchical
    softmax: the rebuilt tree's inner nodes are not the old ones)."""
    dim = vectors.shape[1]
    fresh = np.ones(n_words, dtype=bool)
    fresh[moved] = False
    vectors_in = np.empty((n_words, dim), dtype=np.float32)
    vectors_in[moved] = vectors
    vectors_in[fresh] = uniform_rows(rng, int(fresh.sum()), dim)
    if hierarchical:
        return vectors_in, np.zeros((max(n_words - 1, 1), dim), np.float32)
    grown_out = np.zeros((n_words, dim), np.float32)
    grown_out[moved] = vectors_out
    return vectors_in, grown_out


def bundle(vectors_in: np.ndarray, vectors_out: np.ndarray, vocab: Vocabulary,
           ngrams: Ngrams | None) -> contract.Weights:
    """The kernel's weights: with subwords, each word's bag is its row and its n-grams' rows."""
    bags = ngrams.bags(vocab.words) if ngrams is not None else contract.identity_bags(len(vocab))
    return contract.Weights(vectors_in.astype(np.float32, copy=False), vectors_out, *bags)


def word_vectors(weights: contract.Weights, n_words: int) -> np.ndarray:
    """Each word's input vector: its row, or with subwords the mean of its bag's rows (a new array)."""
    if weights.bag_indptr is None:
        return weights.vectors_in
    return mean_of_bags(weights.vectors_in, weights.bag_indptr, weights.bag_indices)
