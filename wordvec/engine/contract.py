"""The kernel contract: the named bundles every backend's training kernel receives.

A kernel trains one chunk of word ids (``-1`` at each line end; windows never
cross one) with the learning rate falling linearly from ``alpha_start`` to
``alpha_end`` over the chunk, updates ``Weights`` in place, and returns a
:class:`ChunkResult`. Everything else it needs comes in three bundles, so that
a new feature adds a field, not a kernel signature:

* :class:`Weights`: the two matrices and, for each word, the *bag* of input rows
  whose mean is the word's input vector (CSR: ``bag_indptr``, ``bag_indices``).
  Bag arrays of None mean that each word is its own row (no subwords: the kernel
  is then compiled without bags, reading rows directly); with subwords a bag will be the word's row plus the
  rows of its hashed character n-grams.
* :class:`Tables`: what the kernel samples from (see ``engine.tables``).
* :class:`Settings`: architecture, output layer and window.

numba compiles functions of these NamedTuples and caches them like plain arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

ARCH_SKIPGRAM, ARCH_CBOW = 0, 1
LOSS_NEGATIVE, LOSS_HIERARCHICAL = 0, 1
TOP_NODES = 1023  # Settings.top_rows under hierarchical softmax: the inner nodes on the most paths (made last)


class Weights(NamedTuple):
    """``vectors_in`` (n_input_rows, dim) and ``vectors_out`` (n_output_rows, dim), float32,
    updated in place; word w's input rows are ``bag_indices[bag_indptr[w]:bag_indptr[w + 1]]``,
    or row w alone when both bag arrays are None."""

    vectors_in: np.ndarray
    vectors_out: np.ndarray
    bag_indptr: np.ndarray | None  # int64 (n_words + 1,), or None: no bags
    bag_indices: np.ndarray | None  # int64 (n_bag_entries,), or None


class Tables(NamedTuple):
    """Subsampling, noise and Huffman tables, indexed by word id."""

    keep_prob: np.ndarray  # float64 (n_words,): probability of keeping each occurrence
    noise_prob: np.ndarray  # float64 (n_words,): alias table of the noise distribution
    noise_alias: np.ndarray  # int64 (n_words,)
    codes: np.ndarray  # uint8 (n_words, max_len): the turns of each word's Huffman path
    points: np.ndarray  # int32 (n_words, max_len): its inner nodes, root first
    lengths: np.ndarray  # int32 (n_words,): its path length
    noise_packed: np.ndarray  # uint64 (n_words,): the alias table packed for one load per draw
    # (``engine.tables.pack_alias``): a draw's one miss in a table half the size


class Settings(NamedTuple):
    """What to train: ARCH_* and LOSS_* constants and the window."""

    arch: int
    loss: int
    per_window: bool  # skip-gram: one step per window (HogBatch) or per pair (word2vec.c)
    window: int
    shrink_windows: bool  # draw each window's size from 1..window
    negative: int
    cbow_mean_gradient: bool  # CBOW: 1/n of the mean's gradient to each context word (exact) or all of it
    top_rows: int = 0  # hierarchical softmax: the last top_rows output rows (the nodes nearest the root),
    # which each thread of several trains in a copy of its own during a chunk (engine/cpu/output.py)


class ChunkResult(NamedTuple):
    """What a kernel reports for one chunk."""

    loss: float  # summed loss of the chunk's predictions, each taken before its update
    predictions: int
    words: int  # raw words read, before subsampling


def identity_bags(n_words: int) -> tuple[None, None]:
    """``(bag_indptr, bag_indices)`` giving each of ``n_words`` words its own row only (no subwords)."""
    return None, None
