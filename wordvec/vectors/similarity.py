"""The queries of ``KeyedVectors``, under gensim's names and with gensim's results.

A mixin: it needs the lookups of ``KeyedVectors`` (``get_index``, ``get_vector``,
``vectors``, ``norms``, ``index_to_key``) and the scorer of ``vectors.scoring``.
Each method computes what gensim 4.4's method of the same name computes, in the
same order of operations, so that the numbers agree (``tests/vectors`` checks).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import numpy as np

from wordvec.vectors.scoring import Scorer, unitvec

logger = logging.getLogger("wordvec")
_BATCH = 1000  # queries scored by one matrix product


class Similarities(Scorer):
    """Similarity queries (mixed into :class:`~wordvec.KeyedVectors`)."""

    def similarity(self, w1: str, w2: str) -> float:
        """Cosine similarity of two words, cos(a, b) = a . b / (|a| |b|)."""
        return float(np.dot(unitvec(self[w1]), unitvec(self[w2])))

    def distance(self, w1: str, w2: str) -> float:
        """Cosine distance, 1 - cos(a, b)."""
        return 1 - self.similarity(w1, w2)

    @staticmethod
    def cosine_similarities(vector_1: np.ndarray, vectors_all: np.ndarray) -> np.ndarray:
        """cos(v, w) for one vector v (dim,) and each row w of ``vectors_all`` (n, dim)."""
        return np.dot(vectors_all, vector_1) / (np.linalg.norm(vector_1) * np.linalg.norm(vectors_all, axis=1))

    def distances(self, word_or_vector, other_words: Sequence[str] = ()) -> np.ndarray:
        """1 - cos from a word or vector to each of ``other_words`` (default: every word), in their order."""
        vector = self.get_vector(word_or_vector) if isinstance(word_or_vector, str) else word_or_vector
        others = self.vectors if not other_words else self.vectors[[self.get_index(w) for w in other_words]]
        return 1 - self.cosine_similarities(vector, others)

    def n_similarity(self, ws1: Sequence[str], ws2: Sequence[str]) -> float:
        """Cosine similarity of the means of two sets of word vectors."""
        if not (len(ws1) and len(ws2)):
            raise ValueError("n_similarity needs at least one word on each side")
        mean1 = self.get_mean_vector(ws1, pre_normalize=False)
        mean2 = self.get_mean_vector(ws2, pre_normalize=False)
        return float(np.dot(unitvec(mean1), unitvec(mean2)))

    def closer_than(self, key1: str, key2: str) -> list[str]:
        """Every word closer to ``key1`` than ``key2`` is (by cosine distance), in index order."""
        all_distances = self.distances(key1)
        e1, e2 = self.get_index(key1), self.get_index(key2)
        return [self.index_to_key[i] for i in np.flatnonzero(all_distances < all_distances[e2]) if i != e1]

    def rank(self, key1: str, key2: str) -> int:
        """Rank of ``key2`` among the neighbours of ``key1`` (1: the nearest)."""
        return len(self.closer_than(key1, key2)) + 1

    def get_mean_vector(self, keys, weights=None, pre_normalize: bool = True, post_normalize: bool = False,
                        ignore_missing: bool = True) -> np.ndarray:
        """sum_i w_i x_i / sum_i |w_i| over words (unit vectors if ``pre_normalize``) and raw
        vectors; scaled to length 1 if ``post_normalize``. Missing words are skipped
        (``ignore_missing``) or raise :class:`~wordvec.errors.UnknownWordError`."""
        if len(keys) == 0:
            raise ValueError("get_mean_vector needs at least one key")
        weights = np.ones(len(keys), dtype=self.vectors.dtype) if weights is None else weights
        weights = np.array(weights, dtype=self.vectors.dtype) if isinstance(weights, list) else weights
        if len(keys) != weights.shape[0]:
            raise ValueError(f"{len(keys)} keys but {weights.shape[0]} weights")
        mean, total = np.zeros(self.vector_size, self.vectors.dtype), 0
        for weight, key in zip(weights, keys):
            if isinstance(key, np.ndarray) or key in self:
                mean += weight * (key if isinstance(key, np.ndarray) else self.get_vector(key, norm=pre_normalize))
                total += abs(weight)
            elif not ignore_missing:
                self.get_index(key)  # raises, naming the word and a close spelling
        if total > 0:
            mean = mean / total
        return unitvec(mean).astype(np.float32) if post_normalize else mean

    def most_similar(self, positive=(), negative=(), topn: int | None = 10, restrict_vocab: int | None = None,
                     indexer=None) -> list[tuple[str, float]] | np.ndarray:
        """Words closest to the weighted mean of unit(positive) minus unit(negative) (3CosAdd).

        Parameters
        ----------
        positive, negative : str, vector, (str, weight) pair, or a list of them, default=()
            Words (as unit vectors) or raw vectors added (weight 1) or subtracted (weight -1),
            or given their own weight as ``(word, weight)``.
        topn : int or None, default=10
            How many words to return; None returns the scores of every word as an array.
        restrict_vocab : int or None, default=None
            Look only at the first (most frequent) words.
        indexer : object with ``most_similar(vector, topn)``, optional
            Approximate search instead of exact, such as :class:`wordvec.vectors.ann.AnnIndex`.

        Returns
        -------
        list of (word, cosine similarity), best first, the query words left out; or an array.
        """
        if topn is not None and topn < 1:
            return []
        if indexer is not None and (topn is None or restrict_vocab is not None):
            raise ValueError("an indexer answers a number of words (topn) over the whole vocabulary "
                             "(no restrict_vocab)")
        positive, negative = _as_list(positive), _as_list(negative)
        weights = np.concatenate((np.ones(len(positive)), -1.0 * np.ones(len(negative))))
        keys = []
        for i, item in enumerate(positive + negative):
            if isinstance(item, (str, np.ndarray)):
                keys.append(item)
            else:
                keys.append(item[0])
                weights[i] = item[1]
        if not keys:
            raise ValueError("give at least one positive or negative word")
        mean = self.get_mean_vector(keys, weights, pre_normalize=True, post_normalize=True, ignore_missing=False)
        if indexer is not None:
            asked = {k for k in keys if isinstance(k, str)}
            return [(w, s) for w, s in indexer.most_similar(mean, topn + len(asked)) if w not in asked][:topn]
        scores = self.cosine_scores(mean[None], restrict_vocab)[0]
        if topn is None:
            return scores
        return self._best(scores, self._rows_of(keys), topn)

    def most_similar_cosmul(self, positive=(), negative=(), topn: int | None = 10,
                            restrict_vocab: int | None = None) -> list[tuple[str, float]] | np.ndarray:
        """3CosMul (Levy and Goldberg 2014): the words w maximising
        prod_p s(w, p) / (prod_n s(w, n) + 1e-6), with s = (1 + cos) / 2.

        Parameters and return value as in :meth:`most_similar` (scores are the ratio above).
        """
        if topn is not None and topn < 1:
            return []
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive:
            raise ValueError("most_similar_cosmul needs at least one positive word")
        exclude = self._rows_of(positive + negative)
        pos, neg = ([self.get_vector(x, norm=True) if isinstance(x, str) else x for x in terms]
                    for terms in (positive, negative))
        scores = self._gensim_scores(pos, neg, "3cosmul", restrict_vocab)
        return scores if topn is None else self._best(scores, exclude, topn)

    def similar_by_key(self, key: str, topn: int | None = 10,
                       restrict_vocab: int | None = None) -> list[tuple[str, float]] | np.ndarray:
        """The nearest neighbours of one word: ``most_similar(key, ...)``."""
        return self.most_similar(key, topn=topn, restrict_vocab=restrict_vocab)

    similar_by_word = similar_by_key

    def similar_by_vector(self, vector: np.ndarray, topn: int = 10,
                          restrict_vocab: int | None = None) -> list[tuple[str, float]] | list[list]:
        """Words closest to a vector by cosine similarity, or, for an array of shape (n, dim),
        to each row (one matrix product per 1,000 rows).

        Returns
        -------
        list of (word, cosine similarity), or a list of such lists for a 2-D ``vector``.
        """
        vectors = np.asarray(vector, dtype=self.vectors.dtype)
        if vectors.ndim == 1:
            return self.most_similar(vectors, topn=topn, restrict_vocab=restrict_vocab)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        batch = vectors / np.where(norms > 0, norms, 1)
        results = []
        for start in range(0, len(batch), _BATCH):  # (batch, n_words) scores at a time
            scores = self.cosine_scores(batch[start:start + _BATCH], restrict_vocab)
            results += [self._best(row, set(), topn) for row in scores]
        return results

    def most_similar_to_given(self, key1: str, keys_list: Sequence[str]) -> str:
        """The word of ``keys_list`` most similar to ``key1``."""
        return keys_list[int(np.argmax([self.similarity(key1, key) for key in keys_list]))]

    def relative_cosine_similarity(self, wa: str, wb: str, topn: int = 10) -> float:
        """cos(wa, wb) / the sum of wa's ``topn`` highest cosines (Leeuwenberg et al. 2016)."""
        return self.similarity(wa, wb) / sum(s for _, s in self.similar_by_word(wa, topn))

    def rank_by_centrality(self, words: Iterable[str], use_norm: bool = True) -> list[tuple[float, str]]:
        """(cosine to the mean, word) pairs, most central first; unknown words are left out, with a warning."""
        words = list(words)
        used = [w for w in words if w in self]
        if len(used) != len(words):
            logger.warning("not in the vocabulary, left out: %s", ", ".join(sorted(set(words) - set(used))))
        if not used:
            raise ValueError("none of the words is in the vocabulary")
        vectors = np.vstack([self.get_vector(w, norm=use_norm) for w in used]).astype(np.float32)
        mean = self.get_mean_vector(vectors, post_normalize=True)
        return sorted(zip(np.dot(vectors, mean).tolist(), used), reverse=True)

    def doesnt_match(self, words: Iterable[str]) -> str:
        """The word farthest from the mean of the words' unit vectors."""
        return self.rank_by_centrality(words)[-1][1]

    def analogy(self, a: str, b: str, c: str, method: str = "3cosadd", topn: int = 1,
                restrict_vocab: int | None = None) -> list[tuple[str, float]]:
        """a is to b as c is to ?: the words w maximising 3CosAdd cos(w, b - a + c) or 3CosMul.

        Returns
        -------
        list of (word, score), best first, the three query words left out.
        """
        if method == "3cosadd":
            return self.most_similar([b, c], [a], topn=topn, restrict_vocab=restrict_vocab)
        if method == "3cosmul":
            return self.most_similar_cosmul([b, c], [a], topn=topn, restrict_vocab=restrict_vocab)
        raise ValueError(f"method={method!r} must be '3cosadd' or '3cosmul'")

    def _rows_of(self, keys) -> set[int]:
        """The rows of the query words that have one (an unseen word composed from n-grams has none)."""
        return {self.key_to_index[k] for k in keys if isinstance(k, str) and k in self.key_to_index}

    def _best(self, scores: np.ndarray, exclude: set[int], topn: int) -> list[tuple[str, float]]:
        best = self.top_indices(scores, topn + len(exclude))
        return [(self.index_to_key[i], float(scores[i])) for i in best if i not in exclude][:topn]


def _as_list(items) -> list:
    if isinstance(items, (str, np.ndarray)):
        return [items]
    if isinstance(items, tuple) and len(items) == 2 and isinstance(items[0], str) and not isinstance(items[1], str):
        return [items]  # one (word, weight) pair
    return list(items)
