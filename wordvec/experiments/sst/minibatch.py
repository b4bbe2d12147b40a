"""Kernels of the classic experiment: minibatches of random context windows, SGD steps.

This follows the derivation's training loop exactly: the corpus is replicated
and subsampled once, each minibatch draws random windows (window size uniform
in 1..C), negatives are drawn per (center, outside) pair from the noise
distribution, rejecting the outside word itself, and one SGD step applies the
mean gradient of the batch. Only the rows a batch touches are updated, which is
what makes it fast; the numbers are the same as the dense numpy step.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wordvec.engine.cpu.mathfn import log_sigmoid, sigmoid
from wordvec.engine.cpu.rng import randint, uniform
from wordvec.engine.cpu.sampling import draw

_MAX_TRIES = 1_000_000


@njit(cache=True)
def subsample_corpus(tokens, offsets, discard_prob, copies, state):
    """Replicate the corpus ``copies`` times, dropping each token w with P = discard_prob[w].

    Sentences left with fewer than two tokens are dropped. ``tokens`` of shape
    (n_tokens,) and ``offsets`` of shape (n_sentences + 1,) store the sentences
    back to back. Returns ``(tokens, offsets)`` of the subsampled corpus.
    """
    n_sentences = offsets.shape[0] - 1
    out = np.empty(tokens.shape[0] * copies, dtype=np.int32)
    out_offsets = np.zeros(n_sentences * copies + 1, dtype=np.int64)
    n_out = 0
    n_kept = 0
    for _ in range(copies):
        for s in range(n_sentences):
            start = n_out
            for t in range(offsets[s], offsets[s + 1]):
                w = tokens[t]
                if discard_prob[w] <= 0.0 or uniform(state, 0) >= discard_prob[w]:
                    out[n_out] = w
                    n_out += 1
            if n_out - start > 1:
                n_kept += 1
                out_offsets[n_kept] = n_out
            else:
                n_out = start
    return out[:n_out].copy(), out_offsets[: n_kept + 1].copy()


@njit(cache=True)
def sample_minibatch(tokens, offsets, batch_size, window, noise_prob, noise_alias, n_negatives, state):
    """Draw ``batch_size`` random context windows and their negatives.

    Returns ``(centers, window_sizes, outside, n_outside, negatives, ok)``:
    centers (B,), window_sizes (B,), outside (B, 2 window) padded with -1,
    n_outside (B,), negatives (B, 2 window, K), and ok = False when no window
    with an outside word different from its center could be found.
    """
    centers = np.empty(batch_size, dtype=np.int64)
    window_sizes = np.empty(batch_size, dtype=np.int64)
    outside = np.full((batch_size, 2 * window), -1, dtype=np.int64)
    n_outside = np.zeros(batch_size, dtype=np.int64)
    negatives = np.empty((batch_size, 2 * window, n_negatives), dtype=np.int64)
    n_sentences = offsets.shape[0] - 1
    for b in range(batch_size):
        size = 1 + randint(state, 0, window)
        for _ in range(_MAX_TRIES):
            s = randint(state, 0, n_sentences)
            start, end = offsets[s], offsets[s + 1]
            pos = start + randint(state, 0, end - start)
            center = tokens[pos]
            n = 0
            for t in range(max(start, pos - size), min(end, pos + size + 1)):
                if t != pos and tokens[t] != center:
                    outside[b, n] = tokens[t]
                    n += 1
            if n > 0:
                break
        if n == 0:
            return centers, window_sizes, outside, n_outside, negatives, False
        centers[b] = center
        window_sizes[b] = size
        n_outside[b] = n
        for j in range(n):
            for k in range(n_negatives):
                neg = draw(noise_prob, noise_alias, state, 0)
                for _ in range(_MAX_TRIES):
                    if neg != outside[b, j]:
                        break
                    neg = draw(noise_prob, noise_alias, state, 0)
                negatives[b, j, k] = neg
    return centers, window_sizes, outside, n_outside, negatives, True


@njit(cache=True)
def neg_sampling_pair(v, o, negatives, outside_vectors, grad_v, grad_outside, scale):
    """Negative-sampling loss of one pair; adds ``scale`` times its gradients.

    J = -log sigma(u_o . v) - sum_k log sigma(-u_k . v); grad_v (dim,) and
    grad_outside (n_words, dim) are accumulated in place. Returns J.
    """
    dim = v.shape[0]
    loss = 0.0
    for k in range(-1, negatives.shape[0]):
        w = o if k < 0 else negatives[k]
        sign = 1.0 if k < 0 else -1.0
        score = 0.0
        for d in range(dim):
            score += outside_vectors[w, d] * v[d]
        loss -= log_sigmoid(sign * score)
        coeff = scale * (sigmoid(score) - (1.0 if k < 0 else 0.0))
        for d in range(dim):
            grad_v[d] += coeff * outside_vectors[w, d]
            grad_outside[w, d] += coeff * v[d]
    return loss


@njit(cache=True)
def skipgram_negative_step(center_vectors, outside_vectors, centers, outside, n_outside,
                           negatives, step, grad_center, grad_outside, touched):
    """One SGD step on a minibatch: x -= step * (1/B) sum_b grad J_skipgram(window_b).

    ``grad_center``, ``grad_outside`` (n_words, dim) and ``touched`` (n_words,)
    are zeroed scratch buffers; they are zero again on return. Returns the mean
    loss of the batch, computed before the step.
    """
    batch = centers.shape[0]
    scale = 1.0 / batch
    loss = 0.0
    for b in range(batch):
        c = centers[b]
        touched[c] = True
        for j in range(n_outside[b]):
            o = outside[b, j]
            loss += neg_sampling_pair(center_vectors[c], o, negatives[b, j], outside_vectors,
                                      grad_center[c], grad_outside, scale)
            touched[o] = True
            for k in range(negatives.shape[2]):
                touched[negatives[b, j, k]] = True
    for b in range(batch):
        _apply_row(centers[b], step, center_vectors, outside_vectors, grad_center, grad_outside, touched)
        for j in range(n_outside[b]):
            _apply_row(outside[b, j], step, center_vectors, outside_vectors, grad_center, grad_outside, touched)
            for k in range(negatives.shape[2]):
                _apply_row(negatives[b, j, k], step, center_vectors, outside_vectors,
                           grad_center, grad_outside, touched)
    return loss * scale


@njit(cache=True, inline="always")
def _apply_row(w, step, center_vectors, outside_vectors, grad_center, grad_outside, touched):
    """Apply and clear the accumulated gradient of row w, once per step."""
    if touched[w]:
        for d in range(center_vectors.shape[1]):
            center_vectors[w, d] -= step * grad_center[w, d]
            outside_vectors[w, d] -= step * grad_outside[w, d]
            grad_center[w, d] = 0.0
            grad_outside[w, d] = 0.0
        touched[w] = False
