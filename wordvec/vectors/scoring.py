"""The one scorer: every query of ``KeyedVectors`` and every evaluation goes through it.

Scores follow gensim's definitions so that results agree with it: cosine
similarity, 3CosAdd (Mikolov et al. 2013) and 3CosMul (Levy and Goldberg 2014).
Scores are computed from the vectors and their norms, so that no unit-length
copy of the whole matrix is ever made (a memory-mapped file stays mapped).
"""

from __future__ import annotations

from functools import cache

import numpy as np


@cache
def _dnrm2():
    """BLAS dnrm2, as gensim uses it (scipy.linalg is imported on first use: training never needs it)."""
    from scipy.linalg import get_blas_funcs

    return get_blas_funcs(("nrm2",), (np.zeros(1),))[0]


def unitvec(vector: np.ndarray) -> np.ndarray:
    """``vector`` scaled to length 1 exactly as gensim scales it (norm and scaling in
    float64 BLAS, the result cast back), so that scores agree bit for bit."""
    as_double = np.asarray(vector, dtype=np.float64)
    length = float(_dnrm2()(as_double))
    if length <= 0:
        return vector
    return (as_double * (1.0 / length)).astype(vector.dtype)


def top_indices(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest of ``scores``, best first (ties keep index order)."""
    k = min(k, len(scores))
    best = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return best[np.argsort(-scores[best], kind="stable")]


class Scorer:
    """Cosine, 3CosAdd and 3CosMul scores of every word, for many queries at once.
    Mixed into ``KeyedVectors``: needs ``vectors``, ``norms`` and ``vector_size``."""

    def unit_rows(self, index) -> np.ndarray:
        """The rows at ``index`` (an int or an array of them) scaled to length 1 (a zero row stays zero):
        gensim's ``get_vector(word, norm=True)``, for just those rows."""
        norms = self.norms[index]
        return self.vectors[index] / np.where(norms > 0, norms, 1)[..., None]

    def cosine_scores(self, queries: np.ndarray, restrict_vocab: int | None = None) -> np.ndarray:
        """cos(q, w) = q . w / |w| for each unit row q of ``queries`` (n, dim) and each of the
        first ``restrict_vocab`` words w: shape (n, n_words). A zero word vector scores 0.
        One query is a matrix-vector product, as gensim's."""
        vectors, norms = self.vectors[:restrict_vocab], self.norms[:restrict_vocab]
        norms = np.where(norms > 0, norms, 1)
        if len(queries) == 1:
            return (np.dot(vectors, queries[0]) / norms)[None]
        return (queries @ vectors.T) / norms

    def analogy_scores(self, positive: np.ndarray, negative: np.ndarray, method: str = "3cosadd",
                       restrict_vocab: int | None = None, gensim_arithmetic: bool = False) -> np.ndarray:
        """Scores of every word for n queries at once: shape (n, n_words).

        ``positive`` (n, p, dim) and ``negative`` (n, q, dim) hold unit vectors.
        3CosAdd: cos(w, unit(mean(p_1, .., p_p, -n_1, .., -n_q))) (gensim's mean
        vector); 3CosMul: prod_i s(w, p_i) / (prod_j s(w, n_j) + 1e-6), s = (1 + cos) / 2.
        ``gensim_arithmetic=True`` computes each query operation for operation as
        gensim does (matrix-vector products; slower), for results equal to its
        bit for bit where scores nearly tie.
        """
        if method not in ("3cosadd", "3cosmul"):
            raise ValueError(f"method={method!r} must be '3cosadd' or '3cosmul'")
        if gensim_arithmetic:
            return np.array([self._gensim_scores(p, n, method, restrict_vocab) for p, n in zip(positive, negative)])
        if method == "3cosadd":
            terms = np.concatenate([positive, -negative], axis=1)
            means = terms.sum(axis=1, dtype=self.vectors.dtype) / terms.shape[1]
            return self.cosine_scores(np.array([unitvec(m) for m in means]), restrict_vocab)
        n, p = positive.shape[:2]
        queries = np.concatenate([positive, negative], axis=1).reshape(-1, self.vector_size)
        s = (1 + self.cosine_scores(queries, restrict_vocab)) / 2
        s = s.reshape(n, -1, s.shape[1])
        return np.prod(s[:, :p], axis=1) / (np.prod(s[:, p:], axis=1) + 1e-6)

    def _gensim_scores(self, positive, negative, method, restrict_vocab) -> np.ndarray:
        """One query's scores in gensim's order of operations (see :meth:`analogy_scores`)."""
        vectors, norms = self.vectors[:restrict_vocab], self.norms[:restrict_vocab]
        norms = np.where(norms > 0, norms, 1)
        if method == "3cosadd":
            mean = np.zeros(self.vector_size, dtype=self.vectors.dtype)
            for weight, term in [(1, p) for p in positive] + [(-1, n) for n in negative]:
                mean += self.vectors.dtype.type(weight) * term
            mean = unitvec(mean / self.vectors.dtype.type(len(positive) + len(negative)))
            return np.dot(vectors, mean) / norms
        pos = [(1 + np.dot(vectors, term) / norms) / 2 for term in positive]
        neg = [(1 + np.dot(vectors, term) / norms) / 2 for term in negative]
        return np.prod(pos, axis=0) / (np.prod(neg, axis=0) + 1e-6)

    top_indices = staticmethod(top_indices)
