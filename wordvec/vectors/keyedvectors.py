"""Trained vectors with their vocabulary: lookups, similarities, analogies, save and load.

Queries are matrix products over unit vectors computed once and cached; many
queries at once go as one product. Scores follow gensim's definitions so that
results agree with it: cosine similarity, 3CosAdd (``most_similar``) and
3CosMul (``most_similar_cosmul``, Levy and Goldberg 2014).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence

import numpy as np
from scipy.linalg import get_blas_funcs

from wordvec.errors import StorageError, UnknownWordError
from wordvec.io import formats
from wordvec.io.native import load_arrays, save_arrays

_FORMAT = "wordvec.KeyedVectors"
(_DNRM2,) = get_blas_funcs(("nrm2",), (np.zeros(1),))
_READABLE = (_FORMAT, "wordvec.Word2Vec")
_BATCH = 1000  # queries scored by one matrix product


class KeyedVectors:
    """Word vectors: ``kv[word]``, ``word in kv``, ``len(kv)``, ``kv.index(word)``, and queries.

    Parameters
    ----------
    words : sequence of str
        Row i of ``vectors`` is ``words[i]`` (most frequent first); no word twice.
    vectors : ndarray of shape (n_words, dim)
        The vectors; not to be modified in place once queried (norms are cached).

    Attributes
    ----------
    words : list of str
        The vocabulary, in row order.
    vectors : ndarray of shape (n_words, dim)
        The vectors (a read-only memory map after ``load(..., mmap=True)``).
    norms : ndarray of shape (n_words,)
        Euclidean length of each row, computed on first use.
    unit_vectors : ndarray of shape (n_words, dim)
        Rows scaled to length 1 (zero rows stay zero), computed on first use.
    vector_size : int
        The dimension.
    """

    def __init__(self, words: Sequence[str], vectors: np.ndarray):
        vectors = np.asarray(vectors)
        if vectors.ndim != 2 or len(words) != vectors.shape[0]:
            raise ValueError(f"{len(words)} words but vectors of shape {vectors.shape}")
        self.words = list(words)
        self.vectors = vectors
        self._index = {w: i for i, w in enumerate(self.words)}
        if len(self._index) != len(self.words):
            duplicate = next(w for i, w in enumerate(self.words) if self._index[w] != i)
            raise ValueError(f"word {duplicate!r} occurs twice in the vocabulary")
        self._unit: np.ndarray | None = None  # caches; the vectors are not to be modified in place
        self._norms: np.ndarray | None = None

    # lookups

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def __iter__(self):
        return iter(self.words)

    def index(self, word: str) -> int:
        """Row of ``word``; :class:`~wordvec.errors.UnknownWordError` names it and a close spelling."""
        try:
            return self._index[word]
        except (KeyError, TypeError):
            raise UnknownWordError(word, self._close_spelling(word)) from None

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self.index(word)]

    @property
    def vector_size(self) -> int:
        """The dimension of the vectors."""
        return self.vectors.shape[1]

    @property
    def norms(self) -> np.ndarray:
        """Euclidean length of every row, computed once (as gensim computes it)."""
        if self._norms is None:
            self._norms = np.linalg.norm(self.vectors, axis=1)
        return self._norms

    @property
    def unit_vectors(self) -> np.ndarray:
        """Rows scaled to length 1 (zero rows stay zero), computed once."""
        if self._unit is None:
            norms = self.norms[:, None]
            self._unit = (self.vectors / np.where(norms > 0, norms, 1)).astype(self.vectors.dtype)
        return self._unit

    def _close_spelling(self, word: object) -> str | None:
        """A vocabulary word spelled like ``word``, looked for among words of similar
        length and the same first letter only, so that a miss stays cheap."""
        if not isinstance(word, str) or not word:
            return None
        lower = word.lower()
        candidates = [w for w in self.words[:200000]
                      if w[:1].lower() == lower[:1] and abs(len(w) - len(word)) <= 2]
        found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
        return found[0] if found else None

    # similarity queries

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words, cos(a, b) = a . b / (|a| |b|), as gensim computes it."""
        return float(np.dot(unitvec(self[a]), unitvec(self[b])))

    def most_similar(self, positive: str | Iterable = (), negative: str | Iterable = (), topn: int = 10,
                     restrict_vocab: int | None = None) -> list[tuple[str, float]]:
        """Words closest to mean(unit(positive)) - mean(unit(negative)) (3CosAdd).

        Parameters
        ----------
        positive, negative : str, vector, or list of them, default=()
            Words or vectors whose unit vectors are added (positive) or subtracted.
        topn : int, default=10
            How many words to return.
        restrict_vocab : int or None, default=None
            Look only at the first (most frequent) words.

        Returns
        -------
        list of (word, cosine similarity), best first; the query words themselves left out.
        """
        pos, neg, exclude = self._terms(positive, negative)
        return self._best(self.analogy_scores(pos, neg, "3cosadd", restrict_vocab)[0], exclude, topn)

    def most_similar_cosmul(self, positive: str | Iterable = (), negative: str | Iterable = (),
                            topn: int = 10, restrict_vocab: int | None = None) -> list[tuple[str, float]]:
        """3CosMul (Levy and Goldberg 2014): the words w maximising
        prod_p s(w, p) / (prod_n s(w, n) + 1e-6), with s = (1 + cos) / 2.

        Parameters and return value as in :meth:`most_similar` (scores are the ratio above).
        """
        pos, neg, exclude = self._terms(positive, negative)
        return self._best(self.analogy_scores(pos, neg, "3cosmul", restrict_vocab)[0], exclude, topn)

    def similar_by_vector(self, vector: np.ndarray, topn: int = 10,
                          restrict_vocab: int | None = None) -> list[tuple[str, float]] | list[list]:
        """Words closest to a vector by cosine similarity, or, for an array of shape (n, dim),
        to each row (one matrix product per 1,000 rows).

        Parameters
        ----------
        vector : ndarray of shape (dim,) or (n, dim)
        topn : int, default=10
        restrict_vocab : int or None, default=None
            Look only at the first (most frequent) words.

        Returns
        -------
        list of (word, cosine similarity), or a list of such lists for a 2-D ``vector``.
        """
        vectors = np.asarray(vector, dtype=self.vectors.dtype)
        batch = vectors.reshape(-1, self.vector_size)
        norms = np.linalg.norm(batch, axis=1, keepdims=True)
        batch = batch / np.where(norms > 0, norms, 1)
        results = []
        for start in range(0, len(batch), _BATCH):  # (batch, n_words) scores at a time
            scores = self.cosine_scores(batch[start:start + _BATCH], restrict_vocab)
            results += [self._best(row, set(), topn) for row in scores]
        return results if vectors.ndim == 2 else results[0]

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The word farthest from the mean of the others' unit vectors."""
        words = [w for w in words]
        if not words:
            raise ValueError("doesnt_match needs at least one word")
        unit = self.unit_vectors[[self.index(w) for w in words]]
        mean = unit.mean(axis=0)
        return words[int(np.argmin(unit @ (mean / np.linalg.norm(mean))))]

    def analogy(self, a: str, b: str, c: str, method: str = "3cosadd", topn: int = 1,
                restrict_vocab: int | None = None) -> list[tuple[str, float]]:
        """a is to b as c is to ?: the words w maximising 3CosAdd cos(w, b - a + c) or 3CosMul.

        Parameters
        ----------
        a, b, c : str
        method : {"3cosadd", "3cosmul"}, default="3cosadd"
        topn : int, default=1
        restrict_vocab : int or None, default=None

        Returns
        -------
        list of (word, score), best first, the three query words left out.
        """
        if method == "3cosadd":
            return self.most_similar([b, c], [a], topn=topn, restrict_vocab=restrict_vocab)
        if method == "3cosmul":
            return self.most_similar_cosmul([b, c], [a], topn=topn, restrict_vocab=restrict_vocab)
        raise ValueError(f"method={method!r} must be '3cosadd' or '3cosmul'")

    # the one scorer: every query above and every evaluation goes through these

    def cosine_scores(self, queries: np.ndarray, restrict_vocab: int | None = None) -> np.ndarray:
        """cos(q, w) = q . w / |w| for each unit row q of ``queries`` (n, dim) and each of the
        first ``restrict_vocab`` words w: shape (n, n_words). A zero word vector scores 0."""
        norms = self.norms[:restrict_vocab]
        return (queries @ self.vectors[:restrict_vocab].T) / np.where(norms > 0, norms, 1)

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
        s = (1 + self.cosine_scores(np.concatenate([positive, negative], axis=1).reshape(-1, self.vector_size),
                                    restrict_vocab)) / 2
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

    @staticmethod
    def top_indices(scores: np.ndarray, k: int) -> np.ndarray:
        """Indices of the ``k`` highest of ``scores``, best first (ties keep index order)."""
        k = min(k, len(scores))
        best = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        return best[np.argsort(-scores[best], kind="stable")]

    # files

    def save(self, path: str | os.PathLike) -> None:
        """Save in wordvec's native format (.npz of the vectors, JSON words; no pickle), atomically.

        Parameters
        ----------
        path : str or PathLike
            The file; an existing one is replaced only once the new one is complete.
        """
        formats.check_finite(self.words, self.vectors)
        save_arrays(path, {"vectors": self.vectors}, {"format": _FORMAT, "version": 1, "words": self.words})

    @classmethod
    def load(cls, path: str | os.PathLike, mmap: bool = False) -> KeyedVectors:
        """Load the native format: saved vectors, or the vectors of a saved Word2Vec model.

        Parameters
        ----------
        path : str or PathLike
        mmap : bool, default=False
            Map the vectors read-only instead of reading them into memory.

        Raises
        ------
        StorageError
            The file is missing, damaged or not a wordvec file (never runs code: no pickle).
        """
        arrays, meta = load_arrays(path, mmap=mmap)
        saved = meta.get("format")
        return cls._from_saved(path, arrays, meta, saved if saved in _READABLE else _FORMAT)

    @classmethod
    def _from_saved(cls, path, arrays: dict, meta: dict, expected: str) -> KeyedVectors:
        if meta.get("format") != expected or "vectors" not in arrays or not isinstance(meta.get("words"), list):
            raise StorageError(f"{path} is not a {expected} file")
        try:
            return cls(meta["words"], arrays["vectors"])
        except ValueError as exc:
            raise StorageError(f"{path}: {exc}") from None

    def save_word2vec_format(self, path: str | os.PathLike, binary: bool = False) -> None:
        """Write the word2vec text or binary format (read by gensim, word2vec.c, fastText), atomically.

        Parameters
        ----------
        path : str or PathLike
        binary : bool, default=False
            Binary (float32 after each word) instead of text.
        """
        formats.write_word2vec(path, self.words, self.vectors, binary=binary)

    @classmethod
    def load_word2vec_format(cls, path: str | os.PathLike, binary: bool = False, limit: int | None = None,
                             encoding_errors: str = "strict") -> KeyedVectors:
        """Read the word2vec text or binary format.

        Parameters
        ----------
        path : str or PathLike
        binary : bool, default=False
        limit : int or None, default=None
            Read only the first ``limit`` words (the most frequent).
        encoding_errors : {"strict", "replace", "ignore"}, default="strict"
            What to do with a word that is not valid UTF-8.

        Raises
        ------
        DataError
            A malformed file, naming the file and the line or entry.
        """
        return cls(*formats.read_word2vec(path, binary=binary, limit=limit, encoding_errors=encoding_errors))

    # helpers

    def _unit_of(self, item) -> np.ndarray:
        if isinstance(item, str):
            return self.unit_vectors[self.index(item)]
        vector = np.asarray(item, dtype=self.vectors.dtype)
        if vector.shape != (self.vector_size,):
            raise ValueError(f"a query vector must have shape ({self.vector_size},), got {vector.shape}")
        return vector / (np.linalg.norm(vector) or 1)

    def _terms(self, positive, negative) -> tuple[np.ndarray, np.ndarray, set[int]]:
        """A query's positive and negative unit vectors, shaped (1, p, dim) and (1, q, dim), and
        the indices of its words (left out of the answers)."""
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive and not negative:
            raise ValueError("give at least one positive or negative word")
        shape = (1, -1, self.vector_size)
        pos = np.array([self._unit_of(x) for x in positive], dtype=self.vectors.dtype).reshape(shape)
        neg = np.array([self._unit_of(x) for x in negative], dtype=self.vectors.dtype).reshape(shape)
        return pos, neg, {self.index(x) for x in positive + negative if isinstance(x, str)}

    def _best(self, scores: np.ndarray, exclude: set[int], topn: int) -> list[tuple[str, float]]:
        best = self.top_indices(scores, topn + len(exclude))
        return [(self.words[i], float(scores[i])) for i in best if i not in exclude][:topn]


def unitvec(vector: np.ndarray) -> np.ndarray:
    """``vector`` scaled to length 1 exactly as gensim scales it (norm and scaling in
    float64 BLAS, the result cast back), so that scores agree bit for bit."""
    as_double = np.asarray(vector, dtype=np.float64)
    length = float(_DNRM2(as_double))
    if length <= 0:
        return vector
    return (as_double * (1.0 / length)).astype(vector.dtype)


def _as_list(items) -> list:
    if isinstance(items, (str, np.ndarray)):
        return [items]
    return list(items)
