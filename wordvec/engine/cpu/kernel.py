"""The training kernel: one chunk of the corpus, skip-gram or CBOW, either output layer.

Every architecture predicts the center word of a window; they differ in what
predicts it (the ``hidden`` vectors handed to the output layer in ``losses``):

* skip-gram, per window: each context word's vector, in one gradient step, with
  one set of negatives shared by the window (Ji et al.'s HogBatch);
* skip-gram, per pair: each context word's vector in turn, a step each, fresh
  negatives each (word2vec.c's algorithm);
* CBOW: the mean of the context words' vectors.

A chunk holds word ids with -1 at each line end; windows never cross a line end.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wordvec.engine.cpu.alias import draw
from wordvec.engine.cpu.output import hierarchical_softmax, negative_sampling
from wordvec.engine.cpu.rng import randint, uniform
from wordvec.engine.cpu.vecops import axpy_rows, copy_row, zero_row

ARCH_SKIPGRAM, ARCH_CBOW = 0, 1
LOSS_NEGATIVE, LOSS_HIERARCHICAL = 0, 1


@njit(cache=True, nogil=True, inline="always")
def draw_negatives(target, k, noise_prob, noise_alias, state, stream, negatives):
    """Draw k noise words into ``negatives``, skipping any equal to the target (as
    word2vec.c does); returns how many were kept."""
    n = 0
    for _ in range(k):
        w = draw(noise_prob, noise_alias, state, stream)
        if w != target:
            negatives[n] = w
            n += 1
    return n


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def predict(loss_kind, hidden, grad, n, target, out, alpha, n_negatives, noise_prob, noise_alias,
            codes, points, lengths, state, stream, negatives, coeffs):
    """One gradient step of the output layer: ``n`` rows of ``hidden`` predict ``target``."""
    if loss_kind == LOSS_HIERARCHICAL:
        return hierarchical_softmax(hidden, grad, n, target, codes, points, lengths, out, alpha, coeffs)
    k = draw_negatives(target, n_negatives, noise_prob, noise_alias, state, stream, negatives)
    return negative_sampling(hidden, grad, n, target, negatives, k, out, alpha, coeffs)


@njit(cache=True, nogil=True, fastmath=True, error_model="numpy")
def train_chunk(chunk, arch, loss_kind, per_window, window, shrink_windows, keep_prob,
                vectors_in, vectors_out, alpha_start, alpha_end, n_negatives, noise_prob, noise_alias,
                codes, points, lengths, cbow_mean_gradient, state, stream):
    """Train on one chunk; returns ``(loss_sum, n_predictions, n_words)``.

    Parameters
    ----------
    chunk : int32 ids, -1 at line ends
    arch, loss_kind : ARCH_* and LOSS_* constants
    per_window : skip-gram only: one step per window (True) or per pair (False)
    window, shrink_windows : the largest window, and whether each center draws
        its window size uniformly from 1..window
    keep_prob : float64 (n_words,), probability of keeping each word (subsampling)
    vectors_in, vectors_out : float32 (n_words, dim) and (n_out, dim), updated in place
    alpha_start, alpha_end : learning rate at the chunk's start and end (linear between)
    cbow_mean_gradient : CBOW only: each context row gets 1/n of the mean's
        gradient (True, the exact gradient) or all of it (False, word2vec.c)
    state, stream : the random generator of this thread
    """
    dim = vectors_in.shape[1]
    context = np.empty(2 * window, dtype=np.int64)
    hidden = np.empty((2 * window, dim), dtype=np.float32)
    grad = np.empty((2 * window, dim), dtype=np.float32)
    negatives = np.empty(max(n_negatives, 1), dtype=np.int64)
    coeffs = np.empty((2 * window, max(n_negatives + 1, codes.shape[1])), dtype=np.float32)
    sentence = np.empty(chunk.shape[0], dtype=np.int64)
    slope = (alpha_end - alpha_start) / max(1, np.count_nonzero(chunk >= 0))  # per word
    loss, n_predictions, words_done = 0.0, 0, 0
    i = 0
    while i < chunk.shape[0]:
        length, raw = 0, 0
        while i < chunk.shape[0] and chunk[i] >= 0:
            w = chunk[i]
            raw += 1
            if keep_prob[w] >= 1.0 or uniform(state, stream) < keep_prob[w]:
                sentence[length] = w
                length += 1
            i += 1
        i += 1  # the line end
        raw_per_kept = raw / max(length, 1)
        for pos in range(length):
            alpha = alpha_start + slope * (words_done + pos * raw_per_kept)
            reach = window - randint(state, stream, window) if shrink_windows else window
            m = 0
            for j in range(max(0, pos - reach), min(length, pos + reach + 1)):
                if j != pos:
                    context[m] = sentence[j]
                    m += 1
            if m == 0:
                continue
            center = sentence[pos]
            if arch == ARCH_CBOW:
                zero_row(hidden, 0)
                for j in range(m):
                    axpy_rows(1.0 / m, vectors_in, context[j], hidden, 0)
                loss += predict(loss_kind, hidden, grad, 1, center, vectors_out, alpha, n_negatives,
                                noise_prob, noise_alias, codes, points, lengths, state, stream, negatives, coeffs)
                scale = 1.0 / m if cbow_mean_gradient else 1.0
                for j in range(m):
                    axpy_rows(scale, grad, 0, vectors_in, context[j])
                n_predictions += 1
                continue
            batch = m if per_window else 1
            for start in range(0, m, batch):
                for j in range(batch):
                    copy_row(vectors_in, context[start + j], hidden, j)
                loss += predict(loss_kind, hidden, grad, batch, center, vectors_out, alpha, n_negatives,
                                noise_prob, noise_alias, codes, points, lengths, state, stream, negatives, coeffs)
                for j in range(batch):
                    axpy_rows(1.0, grad, j, vectors_in, context[start + j])
            n_predictions += m
        words_done += raw
    return loss, n_predictions, words_done
