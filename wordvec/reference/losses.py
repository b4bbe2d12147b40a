"""The two word2vec losses for one (center, outside) pair, with their gradients.

Notation of the derivation: ``v_c`` is the center word's vector, ``U`` the matrix
of outside vectors (one row ``u_w`` per word), ``o`` the index of the true
outside word.
"""

from __future__ import annotations

import numpy as np

from wordvec.reference.functions import log_sigmoid, log_softmax, sigmoid, softmax


def naive_softmax_loss_and_gradient(
    center_vec: np.ndarray, outside_idx: int, outside_vectors: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """Naive-softmax loss J = -log softmax(U v_c)[o] and its gradients.

    Parameters
    ----------
    center_vec : ndarray of shape (dim,)
    outside_idx : int, index o of the true outside word
    outside_vectors : ndarray of shape (n_words, dim), the matrix U

    Returns
    -------
    loss : float
    grad_center_vec : ndarray of shape (dim,), dJ/dv_c = U^T (y_hat - y)
    grad_outside_vectors : ndarray of shape (n_words, dim), dJ/dU = (y_hat - y) v_c^T
    """
    scores = outside_vectors @ center_vec  # (n_words,)
    loss = -log_softmax(scores)[outside_idx]
    delta = softmax(scores)  # y_hat
    delta[outside_idx] -= 1.0  # y_hat - y
    grad_center_vec = outside_vectors.T @ delta
    grad_outside_vectors = np.outer(delta, center_vec)
    return float(loss), grad_center_vec, grad_outside_vectors


def neg_sampling_loss_and_gradient(
    center_vec: np.ndarray,
    outside_idx: int,
    outside_vectors: np.ndarray,
    negative_indices: np.ndarray,
) -> tuple[float, np.ndarray, np.ndarray]:
    """Negative-sampling loss and its gradients.

    J = -log sigma(u_o . v_c) - sum_k log sigma(-u_k . v_c)

    dJ/dv_c = (sigma(u_o . v_c) - 1) u_o + sum_k sigma(u_k . v_c) u_k
    dJ/du_o = (sigma(u_o . v_c) - 1) v_c,   dJ/du_k = sigma(u_k . v_c) v_c

    A negative index drawn k times contributes k times to its gradient row, and a
    negative equal to ``outside_idx`` is treated like any other negative: the
    formula already covers both.

    Parameters
    ----------
    center_vec : ndarray of shape (dim,)
    outside_idx : int
    outside_vectors : ndarray of shape (n_words, dim)
    negative_indices : ndarray of shape (K,), indices of the sampled words

    Returns
    -------
    loss, grad_center_vec (dim,), grad_outside_vectors (n_words, dim)
    """
    negative_indices = np.asarray(negative_indices, dtype=np.int64)
    indices = np.concatenate(([outside_idx], negative_indices))  # (K + 1,)
    signs = np.ones(len(indices))
    signs[1:] = -1.0  # +u_o . v_c for the true word, -u_k . v_c for the negatives
    scores = signs * (outside_vectors[indices] @ center_vec)  # (K + 1,)
    loss = -np.sum(log_sigmoid(scores))
    # d(-log sigma(s x))/dx = -s (1 - sigma(s x))
    coeffs = -signs * (1.0 - sigmoid(scores))  # (K + 1,)
    grad_center_vec = coeffs @ outside_vectors[indices]
    grad_outside_vectors = np.zeros_like(outside_vectors, dtype=np.float64)
    np.add.at(grad_outside_vectors, indices, np.outer(coeffs, center_vec))
    return float(loss), grad_center_vec, grad_outside_vectors


def hierarchical_softmax_loss_and_gradient(
    center_vec: np.ndarray,
    outside_idx: int,
    outside_vectors: np.ndarray,
    codes: np.ndarray,
    points: np.ndarray,
) -> tuple[float, np.ndarray, np.ndarray]:
    """Hierarchical-softmax loss for one pair and its gradients.

    The outside word o is the leaf of a binary (Huffman) tree; ``points[o]`` lists
    the inner nodes n_1..n_L on its path from the root and ``codes[o]`` the turns
    d_l in {0, 1} taken there. With s_l = (1 - 2 d_l) u_{n_l} . v_c,

    J = -sum_l log sigma(s_l)
    dJ/dv_c = -sum_l (1 - sigma(s_l)) (1 - 2 d_l) u_{n_l}
    dJ/du_{n_l} = -(1 - sigma(s_l)) (1 - 2 d_l) v_c

    Here ``outside_vectors`` holds one row per inner node.

    Parameters
    ----------
    center_vec : ndarray of shape (dim,)
    outside_idx : int, the leaf o
    outside_vectors : ndarray of shape (n_nodes, dim), inner-node vectors
    codes, points : sequences indexed by word: ``codes[o]`` and ``points[o]`` of
        equal length L (turns and node indices)
    """
    nodes = np.asarray(points[outside_idx], dtype=np.int64)  # (L,)
    signs = 1.0 - 2.0 * np.asarray(codes[outside_idx], dtype=np.float64)  # (L,)
    scores = signs * (outside_vectors[nodes] @ center_vec)
    loss = -np.sum(log_sigmoid(scores))
    coeffs = -signs * (1.0 - sigmoid(scores))  # (L,)
    grad_center_vec = coeffs @ outside_vectors[nodes]
    grad_outside_vectors = np.zeros_like(outside_vectors, dtype=np.float64)
    np.add.at(grad_outside_vectors, nodes, np.outer(coeffs, center_vec))
    return float(loss), grad_center_vec, grad_outside_vectors
