"""Skip-gram and CBOW over one context window, built on a pair loss.

Both take the same arguments and return ``(loss, grad_center_vectors,
grad_outside_vectors)``: the loss summed over the window and its gradients with
respect to the full matrices V (``center_vectors``, the input vectors) and U
(``outside_vectors``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from wordvec.reference.losses import naive_softmax_loss_and_gradient

LossFn = Callable[..., tuple[float, np.ndarray, np.ndarray]]


def _pair_kwargs(loss_kwargs: Mapping, j: int) -> Mapping:
    """Loss arguments for the j-th outside word of a window.

    ``negative_indices`` may be 1-D (one set of negatives for the whole window)
    or 2-D with one row per outside word (fresh negatives for every pair).
    """
    negatives = loss_kwargs.get("negative_indices")
    if negatives is not None and np.ndim(negatives) == 2:
        return {**loss_kwargs, "negative_indices": negatives[j]}
    return loss_kwargs


def skipgram(center_word: str, window_size: int, outside_words: Sequence[str], word2ind: Mapping[str, int],
             center_vectors: np.ndarray, outside_vectors: np.ndarray,
             loss_and_gradient: LossFn = naive_softmax_loss_and_gradient,
             **loss_kwargs) -> tuple[float, np.ndarray, np.ndarray]:
    """Skip-gram: the center word predicts each outside word of its window.

    J_skipgram = sum_{o in window} J(v_c, o, U).

    Only row c of the center-vector gradient can be non-zero.

    Parameters
    ----------
    center_word : str
    window_size : int, context size m (the window holds at most 2m outside words)
    outside_words : sequence of str, the words of the window except the center
    word2ind : mapping from word to row index
    center_vectors : ndarray of shape (n_words, dim), V
    outside_vectors : ndarray of shape (n_words, dim), U
    loss_and_gradient : a pair loss such as ``neg_sampling_loss_and_gradient``
    **loss_kwargs : passed to the loss (see ``_pair_kwargs`` for negatives)
    """
    _check_window(window_size, outside_words)
    c = word2ind[center_word]
    loss = 0.0
    grad_center_vectors = np.zeros(center_vectors.shape)
    grad_outside_vectors = np.zeros(outside_vectors.shape)
    for j, word in enumerate(outside_words):
        pair_loss, grad_v, grad_u = loss_and_gradient(
            center_vectors[c], word2ind[word], outside_vectors, **_pair_kwargs(loss_kwargs, j)
        )
        loss += pair_loss
        grad_center_vectors[c] += grad_v
        grad_outside_vectors += grad_u
    return loss, grad_center_vectors, grad_outside_vectors


def cbow(center_word: str, window_size: int, outside_words: Sequence[str], word2ind: Mapping[str, int],
         center_vectors: np.ndarray, outside_vectors: np.ndarray,
         loss_and_gradient: LossFn = naive_softmax_loss_and_gradient,
         **loss_kwargs) -> tuple[float, np.ndarray, np.ndarray]:
    """CBOW: the mean of the context words' vectors predicts the center word.

    h = (1/n) sum_{w in window} v_w,   J_cbow = J(h, c, U),
    dJ/dv_w = (1/n) dJ/dh for each occurrence of w in the window.

    Here the *input* vectors V (``center_vectors``) are those of the context
    words and the target is the center word's row of U, as in word2vec's CBOW.
    Arguments and return value as in :func:`skipgram`.
    """
    _check_window(window_size, outside_words)
    if not outside_words:
        raise ValueError("cbow needs at least one outside word")
    context = np.array([word2ind[w] for w in outside_words], dtype=np.int64)
    hidden = center_vectors[context].mean(axis=0)  # (dim,)
    loss, grad_hidden, grad_outside_vectors = loss_and_gradient(
        hidden, word2ind[center_word], outside_vectors, **loss_kwargs
    )
    grad_center_vectors = np.zeros(center_vectors.shape)
    np.add.at(grad_center_vectors, context, grad_hidden / len(context))
    return loss, grad_center_vectors, grad_outside_vectors


def _check_window(window_size: int, outside_words: Sequence[str]) -> None:
    if len(outside_words) > 2 * window_size:
        raise ValueError(
            f"a window of size {window_size} holds at most {2 * window_size} outside "
            f"words, got {len(outside_words)}"
        )
