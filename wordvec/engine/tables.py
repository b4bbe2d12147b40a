"""The tables every backend samples from, built once on the host from the word counts.

* ``keep_prob``: word2vec.c's subsampling, P(keep w) = (sqrt(f_w / (t T)) + 1) t T / f_w;
* ``noise_prob``, ``noise_alias``: Walker's alias table of the noise distribution
  P(w) proportional to count_w ** ns_exponent (O(1) draws), and ``noise_packed``, the
  same table in one word per column (:func:`pack_alias`) for the CPU kernels;
* ``codes``, ``points``, ``lengths``: the Huffman tree of hierarchical softmax, as in word2vec.c.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wordvec.engine.contract import Tables


def build_tables(counts: np.ndarray, keep_prob: np.ndarray, ns_exponent: float, hierarchical: bool) -> Tables:
    """The :class:`Tables` of a vocabulary with ``counts`` (decreasing); the Huffman tree only
    when ``hierarchical`` (an empty one otherwise)."""
    if hierarchical and len(counts) > 1:
        codes, points, lengths = build_huffman(counts)
    else:
        codes, points, lengths = np.zeros((1, 1), np.uint8), np.zeros((1, 1), np.int32), np.zeros(1, np.int32)
    noise_prob, noise_alias = build_alias(counts.astype(np.float64) ** ns_exponent)
    return Tables(keep_prob=np.asarray(keep_prob, dtype=np.float64), noise_prob=noise_prob,
                  noise_alias=noise_alias, codes=codes, points=points, lengths=lengths,
                  noise_packed=pack_alias(noise_prob, noise_alias))


def pack_alias(prob: np.ndarray, alias: np.ndarray) -> np.ndarray:
    """The alias table ``(prob, alias)`` as one uint64 per column: floor(prob 2**32) in the high
    32 bits (2**32 - 1 at most: a column whose prob is 1 is its own alias), the alias in the low.
    A draw then loads one word, from a table of 8 bytes a column instead of 16."""
    if len(alias) >= 2**32:
        raise ValueError(f"an alias table of {len(alias):,} columns cannot be packed (at most 2**32 - 1)")
    threshold = np.minimum(np.floor(prob * 2.0**32), 2.0**32 - 1).astype(np.uint64)
    return (threshold << np.uint64(32)) | alias.astype(np.uint64)


@njit(cache=True)
def build_alias(weights):
    """Alias table ``(prob, alias)`` for weights of shape (n,) (Vose's method).

    A draw picks a column i uniformly and returns i with probability prob[i],
    otherwise alias[i].
    """
    n = weights.shape[0]
    scaled = weights * (n / weights.sum())
    prob = np.ones(n)
    alias = np.arange(n).astype(np.int64)
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    n_small = 0
    n_large = 0
    for i in range(n):
        if scaled[i] < 1.0:
            small[n_small] = i
            n_small += 1
        else:
            large[n_large] = i
            n_large += 1
    while n_small > 0 and n_large > 0:
        n_small -= 1
        s = small[n_small]
        g = large[n_large - 1]
        prob[s] = scaled[s]
        alias[s] = g
        scaled[g] = scaled[g] + scaled[s] - 1.0
        if scaled[g] < 1.0:
            n_large -= 1
            small[n_small] = g
            n_small += 1
    return prob, alias




@njit(cache=True)
def build_huffman(counts):
    """Codes and paths of a Huffman tree over ``counts`` sorted in decreasing order.

    Two queues (the leaves, read from the rarest, and the inner nodes, created
    in increasing order of count) give the two smallest nodes in O(1), so the
    tree takes O(V). Inner node j (0..V-2) is the row j of the output matrix;
    the root is V-2.

    Returns
    -------
    codes : ndarray of uint8 of shape (V, max_len), the turn (0/1) at each node
    points : ndarray of int32 of shape (V, max_len), the inner nodes root first
    lengths : ndarray of int32 of shape (V,), the path length of each word
    """
    n = counts.shape[0]
    count = np.empty(2 * n - 1, dtype=np.float64)
    count[:n] = counts
    count[n:] = 1e300
    parent = np.zeros(2 * n - 1, dtype=np.int64)
    turn = np.zeros(2 * n - 1, dtype=np.uint8)
    leaf, inner = n - 1, n
    for a in range(n - 1):
        picked = np.empty(2, dtype=np.int64)
        for k in range(2):
            if leaf >= 0 and count[leaf] < count[inner]:
                picked[k] = leaf
                leaf -= 1
            else:
                picked[k] = inner
                inner += 1
        count[n + a] = count[picked[0]] + count[picked[1]]
        parent[picked[0]] = n + a
        parent[picked[1]] = n + a
        turn[picked[1]] = 1
    lengths = np.zeros(n, dtype=np.int32)
    root = 2 * n - 2
    for w in range(n):
        node = w
        while node != root:
            lengths[w] += 1
            node = parent[node]
    max_len = max(1, lengths.max())
    codes = np.zeros((n, max_len), dtype=np.uint8)
    points = np.zeros((n, max_len), dtype=np.int32)
    for w in range(n):
        node, depth = w, lengths[w]
        while node != root:
            depth -= 1
            codes[w, depth] = turn[node]
            points[w, depth] = parent[node] - n
            node = parent[node]
    return codes, points, lengths
