"""A vocabulary: words, their counts, and the two distributions word2vec draws from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Vocabulary:
    """Words sorted by decreasing count (ties keep first appearance), with counts.

    Attributes
    ----------
    words : list of str, ``words[i]`` is the word with id i
    counts : ndarray of int64 of shape (n_words,)
    index : dict from word to id
    """

    words: list[str]
    counts: np.ndarray
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.counts = np.asarray(self.counts, dtype=np.int64)
        if len(self.words) != len(self.counts):
            raise ValueError(f"{len(self.words)} words but {len(self.counts)} counts")
        self.index = {word: i for i, word in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise ValueError("the vocabulary holds a word twice")

    @classmethod
    def from_sentences(cls, sentences: Iterable[Sequence[str]]) -> Vocabulary:
        """Count every token of every sentence."""
        counter: Counter[str] = Counter()
        for sentence in sentences:
            counter.update(sentence)
        ranked = sorted(counter.items(), key=lambda item: -item[1])  # stable: ties keep order
        return cls([w for w, _ in ranked], np.array([c for _, c in ranked], dtype=np.int64))

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    @property
    def total(self) -> int:
        """Number of tokens counted."""
        return int(self.counts.sum())

    def encode(self, sentence: Sequence[str]) -> np.ndarray:
        """Ids of the words of ``sentence`` that are in the vocabulary."""
        index = self.index
        return np.array([index[w] for w in sentence if w in index], dtype=np.int32)

    def discard_probability(self, threshold: float = 1e-5) -> np.ndarray:
        """Frequent-word subsampling: P(discard w) = max(0, 1 - sqrt(t * total / count_w))."""
        return np.maximum(0.0, 1.0 - np.sqrt(threshold * self.total / self.counts))

    def noise_distribution(self, exponent: float = 0.75) -> np.ndarray:
        """Negative-sampling noise: P(w) proportional to count_w ** exponent."""
        weights = self.counts.astype(np.float64) ** exponent
        return weights / weights.sum()

    def keep_probability(self, sample: float) -> np.ndarray:
        """word2vec.c's subsampling: P(keep w) = (sqrt(f_w / (t T)) + 1) t T / f_w, capped at 1.

        Here f_w is the count, T the total and t = ``sample``; 0 keeps every word.
        """
        if sample <= 0:
            return np.ones(len(self.counts))
        threshold = sample * self.total
        return np.minimum(1.0, (np.sqrt(self.counts / threshold) + 1) * threshold / self.counts)
