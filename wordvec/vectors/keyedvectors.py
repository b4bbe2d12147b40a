"""Trained vectors with their vocabulary: lookups, per-word attributes, growth, save and load.

The queries (``most_similar`` and the rest) live in ``vectors.similarity`` and
the scores in ``vectors.scoring``; this module holds the storage. Names follow
gensim's ``KeyedVectors`` where the concept is the same (``key_to_index``,
``index_to_key``, ``get_vector``, ``get_vecattr``, ``add_vectors``, ...).
"""

from __future__ import annotations

import dataclasses
import difflib
import numbers
import os
from collections.abc import Sequence

import numpy as np

from wordvec.errors import StorageError, UnknownWordError
from wordvec.io import formats
from wordvec.io.native import load_arrays, save_arrays
from wordvec.text.subwords import Ngrams
from wordvec.vectors.scoring import unitvec  # noqa: F401  (re-exported: wordvec.vectors.keyedvectors.unitvec)
from wordvec.vectors.similarity import Similarities

_FORMAT = "wordvec.KeyedVectors"
_READABLE = (_FORMAT, "wordvec.Word2Vec")


class KeyedVectors(Similarities):
    """Word vectors: ``kv[word]``, ``kv[[w1, w2]]``, ``word in kv``, ``len(kv)``, and queries.

    Parameters
    ----------
    words : sequence of str, or int
        Row i of ``vectors`` is ``words[i]`` (most frequent first); no word twice.
        An int makes empty vectors of that dimension, to fill with :meth:`add_vectors`.
    vectors : ndarray of shape (n_words, dim)
        The vectors; modify them through :meth:`add_vectors` (norms are cached).
    counts : ndarray of shape (n_words,), optional
        Corpus counts: ``get_vecattr(word, "count")``, saved with the vectors.
    ngrams : Ngrams, optional
        With ``ngram_vectors``: the subword model (fastText's), which gives a word
        outside the vocabulary the mean of its character n-grams' rows.
    ngram_vectors : ndarray of shape (ngrams.buckets, dim), optional

    Attributes
    ----------
    index_to_key : list of str
        The vocabulary, in row order (also ``words``).
    key_to_index : dict of str to int
        Row of each word.
    vectors : ndarray of shape (n_words, dim)
        The vectors (a read-only memory map after ``load(..., mmap=True)``).
    expandos : dict of str to ndarray
        Per-word attributes, such as "count".
    """

    def __init__(self, words: Sequence[str] | int, vectors: np.ndarray | None = None,
                 counts: np.ndarray | None = None, ngrams: Ngrams | None = None,
                 ngram_vectors: np.ndarray | None = None):
        if isinstance(words, numbers.Integral):  # gensim's KeyedVectors(vector_size)
            words, vectors = [], np.zeros((0, int(words)), dtype=np.float32)
        vectors = np.asarray(vectors)
        if vectors.ndim != 2 or len(words) != vectors.shape[0]:
            raise ValueError(f"{len(words)} words but vectors of shape {vectors.shape}")
        self.index_to_key = list(words)
        self.vectors = vectors
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        if len(self.key_to_index) != len(self.index_to_key):
            duplicate = next(w for i, w in enumerate(self.index_to_key) if self.key_to_index[w] != i)
            raise ValueError(f"word {duplicate!r} occurs twice in the vocabulary")
        self.expandos: dict[str, np.ndarray] = {}
        if counts is not None:
            self.expandos["count"] = np.asarray(counts, dtype=np.int64).reshape(len(self.index_to_key))
        self._norms: np.ndarray | None = None  # cache; reset by every change made through this class
        self.ngrams, self.ngram_vectors = ngrams, ngram_vectors
        if (ngrams is None) != (ngram_vectors is None) or (
                ngrams is not None and ngram_vectors.shape != (ngrams.buckets, self.vectors.shape[1])):
            raise ValueError(f"n-gram vectors of shape {getattr(ngram_vectors, 'shape', None)} for "
                             f"{getattr(ngrams, 'buckets', None)} buckets of dimension {self.vectors.shape[1]}")

    def __repr__(self) -> str:
        sub = (f", subwords: {self.ngrams.min_n}-{self.ngrams.max_n} character n-grams in {self.ngrams.buckets:,} "
               f"buckets (vectors for unseen words too)" if self.ngrams is not None else "")
        return f"<KeyedVectors: {len(self):,} words of dimension {self.vector_size}{sub}>"

    # lookups

    @property
    def words(self) -> list[str]:
        """The vocabulary in row order (the same list as ``index_to_key``)."""
        return self.index_to_key

    @property
    def vector_size(self) -> int:
        """The dimension of the vectors."""
        return self.vectors.shape[1]

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, word: object) -> bool:
        """Whether ``word`` has a vector: a vocabulary word, or with subwords any word with an n-gram."""
        if word in self.key_to_index:
            return True
        return self.ngrams is not None and isinstance(word, str) and len(self.ngrams.buckets_of(word)) > 0

    def has_index_for(self, key: object) -> bool:
        """Whether ``key`` is a word of the vocabulary."""
        return key in self.key_to_index

    def __iter__(self):
        return iter(self.index_to_key)

    def index(self, word: str) -> int:
        """Row of ``word`` (an int is taken as a row); :class:`~wordvec.errors.UnknownWordError`
        names an unknown word and a close spelling."""
        try:
            return self.key_to_index[word]
        except (KeyError, TypeError):
            if isinstance(word, numbers.Integral) and not isinstance(word, bool) and 0 <= word < len(self):
                return int(word)
            raise UnknownWordError(word, self._close_spelling(word)) from None

    def get_index(self, key: str, default: int | None = None) -> int:
        """Row of ``key``, or ``default`` when given and ``key`` is unknown."""
        if default is not None and key not in self.key_to_index:
            return default
        return self.index(key)

    def __getitem__(self, keys) -> np.ndarray:
        """The vector of one word (dim,), or the matrix of several (n, dim)."""
        if isinstance(keys, (str, numbers.Integral)):
            return self._vector(keys)
        if self.ngrams is not None and any(isinstance(k, str) and k not in self.key_to_index for k in keys):
            return np.stack([self._vector(k) for k in keys]).reshape(-1, self.vector_size)
        return self.vectors[[self.index(k) for k in keys]].reshape(-1, self.vector_size)

    def _vector(self, key) -> np.ndarray:
        """A vocabulary word's row; with subwords, an unseen word's mean of n-gram rows (fastText's
        getWordVector); otherwise :class:`~wordvec.errors.UnknownWordError`."""
        if self.ngrams is None or not isinstance(key, str) or key in self.key_to_index:
            return self.vectors[self.index(key)]
        rows = self.ngrams.buckets_of(key)
        if len(rows) == 0:
            raise UnknownWordError(key, self._close_spelling(key))
        return self.ngram_vectors[rows].mean(axis=0, dtype=np.float32)

    def __setitem__(self, keys, vectors) -> None:
        """Set (or add) the vectors of one word or several."""
        self.add_vectors(keys, vectors, replace=True)

    def get_vector(self, key: str, norm: bool = False) -> np.ndarray:
        """The vector of ``key``, scaled to length 1 if ``norm`` (computed for that row only)."""
        if norm and (self.ngrams is None or key in self.key_to_index):
            return self.unit_rows(self.index(key))
        return unitvec(self[key]).astype(np.float32) if norm else self[key]

    @property
    def norms(self) -> np.ndarray:
        """Euclidean length of every row, computed once (as gensim computes it, but 4,096 rows
        at a time: no temporary the size of the matrix)."""
        if self._norms is None:
            step = 4096
            self._norms = np.concatenate([np.linalg.norm(self.vectors[i:i + step], axis=1)
                                          for i in range(0, len(self), step)] or [np.zeros(0, np.float32)])
        return self._norms

    def fill_norms(self, force: bool = False) -> None:
        """Compute the norms now (again if ``force``)."""
        if force:
            self._norms = None
        _ = self.norms

    def get_normed_vectors(self) -> np.ndarray:
        """A new matrix of every row scaled to length 1 (the only call that makes one)."""
        return self.unit_rows(np.arange(len(self)))

    def _close_spelling(self, word: object) -> str | None:
        """A vocabulary word spelled like ``word``, looked for among words of similar
        length and the same first letter only, so that a miss stays cheap."""
        if not isinstance(word, str) or not word:
            return None
        lower = word.lower()
        candidates = [w for w in self.index_to_key[:200000]
                      if w[:1].lower() == lower[:1] and abs(len(w) - len(word)) <= 2]
        found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
        return found[0] if found else None

    # per-word attributes and growth

    def get_vecattr(self, key: str, attr: str):
        """The attribute ``attr`` (such as "count") of ``key``."""
        if attr not in self.expandos:
            raise KeyError(f"no attribute {attr!r}: these vectors have {sorted(self.expandos) or 'none'}")
        return self.expandos[attr][self.index(key)].item()

    def set_vecattr(self, key: str, attr: str, value) -> None:
        """Set the attribute ``attr`` of ``key`` (the array is made, zero, on first use)."""
        if attr not in self.expandos:
            self.expandos[attr] = np.zeros(len(self), dtype=np.asarray(value).dtype)
        self.expandos[attr][self.index(key)] = value

    def add_vector(self, key: str, vector: np.ndarray) -> int:
        """Add one word (or replace its vector); returns its row."""
        self.add_vectors([key], np.asarray(vector).reshape(1, -1), replace=True)
        return self.key_to_index[key]

    def add_vectors(self, keys, weights, extras: dict | None = None, replace: bool = False) -> None:
        """Append words and their vectors; known words are replaced only if ``replace``.

        Parameters
        ----------
        keys : str or list of str
        weights : ndarray of shape (dim,) or (n, dim)
        extras : dict of str to ndarray of shape (n,), optional
            Attributes of the new words (such as "count"); missing ones are 0.
        replace : bool, default=False
        """
        keys = [keys] if isinstance(keys, str) else list(keys)
        weights = np.asarray(weights, dtype=self.vectors.dtype).reshape(len(keys), self.vector_size)
        if len(set(keys)) != len(keys):
            raise ValueError("add_vectors got a word twice")
        if not all(isinstance(k, str) and k for k in keys):
            raise ValueError("words must be non-empty strings")
        extras = {name: np.asarray(v) for name, v in (extras or {}).items()}
        known = np.array([k in self.key_to_index for k in keys], dtype=bool)
        new = np.flatnonzero(~known)
        for name, values in extras.items():
            if name not in self.expandos:
                self.expandos[name] = np.zeros(len(self), dtype=values.dtype)
        for name in self.expandos:
            added = extras[name][new] if name in extras else np.zeros(len(new), self.expandos[name].dtype)
            self.expandos[name] = np.concatenate([self.expandos[name], added])
        for i in new:
            self.key_to_index[keys[i]] = len(self.index_to_key)
            self.index_to_key.append(keys[i])
        self.vectors = np.vstack([self.vectors, weights[new]])
        if replace and known.any():
            rows = [self.key_to_index[keys[i]] for i in np.flatnonzero(known)]
            self.vectors[rows] = weights[known]
            for name, values in extras.items():
                self.expandos[name][rows] = values[known]
        self._norms = None

    def sort_by_descending_frequency(self) -> None:
        """Reorder the rows by decreasing "count" (ties: the later row first, as gensim)."""
        if not len(self):
            return
        if "count" not in self.expandos:
            raise KeyError("these vectors have no counts to sort by")
        order = np.lexsort((-np.arange(len(self)), -self.expandos["count"]))
        self.index_to_key = [self.index_to_key[i] for i in order]
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        self.vectors = self.vectors[order]
        self.expandos = {name: values[order] for name, values in self.expandos.items()}
        self._norms = None

    # evaluation with gensim's return values

    def evaluate_word_analogies(self, analogies, restrict_vocab: int = 300000, case_insensitive: bool = True,
                                dummy4unknown: bool = False, similarity_function: str = "most_similar"):
        """Analogy accuracy as gensim returns it: (accuracy, sections), each section a dict
        {"section", "correct", "incorrect"} of (a, b, c, expected) tuples, the last "Total accuracy".
        ``wordvec.evaluate.analogy`` gives the same figures as objects."""
        from wordvec.vectors import evaluate

        _gensim_only(case_insensitive)
        methods = {"most_similar": "3cosadd", "most_similar_cosmul": "3cosmul"}
        if similarity_function not in methods:
            raise ValueError(f"similarity_function={similarity_function!r} must be one of {', '.join(methods)}")
        result = evaluate.analogy(self, analogies, restrict_vocab, methods[similarity_function])
        sections = [{"section": s.name, "correct": s.having("right"),
                     "incorrect": s.having("wrong", "unknown") if dummy4unknown else s.having("wrong")}
                    for s in result.sections + [result.total]]
        total = sections[-1]
        answered = len(total["correct"]) + len(total["incorrect"])
        return (len(total["correct"]) / answered if answered else 0.0), sections

    def evaluate_word_pairs(self, pairs, delimiter: str = "\t", encoding: str = "utf8",
                            restrict_vocab: int = 300000, case_insensitive: bool = True,
                            dummy4unknown: bool = False):
        """Word-pair correlations as gensim returns them: (pearson, spearman, oov_ratio), the first
        two scipy results ((statistic, pvalue)), the ratio in percent."""
        from scipy import stats

        from wordvec.vectors import evaluate

        _gensim_only(case_insensitive, encoding)
        gold, model, oov = evaluate.pair_scores(self, pairs, restrict_vocab, delimiter, dummy4unknown)
        ratio = 100.0 * oov / (len(gold) if dummy4unknown else len(gold) + oov)
        return stats.pearsonr(gold, model), stats.spearmanr(gold, model), ratio

    # files

    def save(self, path: str | os.PathLike) -> None:
        """Save in wordvec's native format (.npz of the vectors and counts, JSON words; no pickle),
        atomically: an existing file is replaced only once the new one is complete."""
        formats.check_finite(self.index_to_key, self.vectors)
        arrays = {"vectors": self.vectors, **{f"expando_{k}": v for k, v in self.expandos.items() if k != "count"}}
        if "count" in self.expandos:
            arrays["counts"] = self.expandos["count"]
        meta = {"format": _FORMAT, "version": 1, "words": self.index_to_key}
        if self.ngrams is not None:
            arrays["ngram_vectors"] = self.ngram_vectors
            meta["ngrams"] = dataclasses.asdict(self.ngrams)
        save_arrays(path, arrays, meta)

    def without_subwords(self) -> KeyedVectors:
        """The same words and vectors without the n-gram rows (no vectors for unseen words):
        a much smaller file to save. The arrays are shared, not copied."""
        kv = KeyedVectors(self.index_to_key, self.vectors)
        kv.expandos = dict(self.expandos)
        return kv

    @classmethod
    def load(cls, path: str | os.PathLike, mmap: bool = False) -> KeyedVectors:
        """Load the native format: saved vectors, or the vectors of a saved Word2Vec model.

        Parameters
        ----------
        path : str or PathLike
        mmap : bool, default=False
            Map the vectors read-only instead of reading them into memory; queries
            then read them in place (no unit-length copy is made).

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
            ngrams, ngram_vectors = None, None
            if meta.get("ngrams") is not None:
                ngrams = Ngrams(**meta["ngrams"])
                ngram_vectors = arrays["ngram_vectors"] if "ngram_vectors" in arrays else \
                    arrays["vectors_in"][len(meta["words"]):]  # a Word2Vec model: after the words' rows
            kv = cls(meta["words"], arrays["vectors"], arrays.get("counts"), ngrams, ngram_vectors)
            for name in [n for n in arrays if n.startswith("expando_")]:
                kv.expandos[name[len("expando_"):]] = np.asarray(arrays[name]).reshape(len(kv))
        except (ValueError, TypeError, KeyError) as exc:
            raise StorageError(f"{path}: {exc}") from None
        return kv

    def save_word2vec_format(self, path: str | os.PathLike, binary: bool = False, write_header: bool = True) -> None:
        """Write the word2vec text or binary format (read by gensim, word2vec.c, fastText), atomically;
        ``write_header=False`` writes GloVe's text format."""
        if not write_header:
            formats.write_glove(path, self.index_to_key, self.vectors)
        else:
            formats.write_word2vec(path, self.index_to_key, self.vectors, binary=binary)

    @classmethod
    def load_word2vec_format(cls, path: str | os.PathLike, binary: bool = False, limit: int | None = None,
                             unicode_errors: str = "strict", no_header: bool = False) -> KeyedVectors:
        """Read the word2vec text or binary format (``no_header=True``: GloVe's text format).

        Parameters
        ----------
        path : str or PathLike
        binary : bool, default=False
        limit : int or None, default=None
            Read only the first ``limit`` words (the most frequent).
        unicode_errors : {"strict", "replace", "ignore"}, default="strict"
            What to do with a word that is not valid UTF-8.
        no_header : bool, default=False

        Raises
        ------
        DataError
            A malformed file, naming the file and the line or entry.
        """
        if no_header:
            return cls(*formats.read_glove(path, limit=limit, unicode_errors=unicode_errors))
        return cls(*formats.read_word2vec(path, binary=binary, limit=limit, unicode_errors=unicode_errors))


def _gensim_only(case_insensitive: bool, encoding: str = "utf8") -> None:
    if not case_insensitive:
        raise ValueError("case_insensitive=False is not supported: words are matched case-insensitively, "
                         "the most frequent casing first, as gensim's default")
    if encoding.lower().replace("-", "") != "utf8":
        raise ValueError(f"encoding={encoding!r}: evaluation files are read as UTF-8")
