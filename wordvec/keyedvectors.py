"""Trained vectors with their vocabulary, usable on their own."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class KeyedVectors:
    """Word vectors: ``kv[word]``, ``word in kv``, ``len(kv)``, ``kv.index(word)``.

    Parameters
    ----------
    words : sequence of str, row i of ``vectors`` is ``words[i]``
    vectors : ndarray of shape (n_words, dim)
    """

    def __init__(self, words: Sequence[str], vectors: np.ndarray):
        vectors = np.asarray(vectors)
        if vectors.ndim != 2 or len(words) != vectors.shape[0]:
            raise ValueError(f"{len(words)} words but vectors of shape {vectors.shape}")
        self.words = list(words)
        self.vectors = vectors
        self._index = {w: i for i, w in enumerate(self.words)}
        if len(self._index) != len(self.words):
            raise ValueError("a word occurs twice in the vocabulary")

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def index(self, word: str) -> int:
        try:
            return self._index[word]
        except KeyError:
            raise KeyError(f"word {word!r} is not in the vocabulary") from None

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self.index(word)]

    @property
    def vector_size(self) -> int:
        return self.vectors.shape[1]
