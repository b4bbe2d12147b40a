"""The Huffman tree of hierarchical softmax, built as in word2vec.c."""

from __future__ import annotations

import numpy as np
from numba import njit


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
