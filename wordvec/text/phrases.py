"""Phrases: collocation detection, as word2vec.c's word2phrase and gensim's ``Phrases``.

One streaming pass counts words and candidates (a word, any connector words,
the next word: "bank_of_america") in compiled code; a candidate becomes a
phrase when its score exceeds ``threshold``:

* "default" (Mikolov et al. 2013, eq. 6): (count(ab) - min_count) / (count(a) count(b)) * |V|,
  where |V| counts the distinct words and candidates;
* "npmi" (Bouma 2009): ln(p(ab) / (p(a) p(b))) / -ln(p(ab)), probabilities over all
  tokens, for candidates seen at least ``min_count`` times.

Applying the phrases joins each accepted candidate into one token, left to right
as gensim does; running a second ``Phrases`` on the output finds trigrams.
Connector words are never counted alone. Saved as npz + JSON, no pickle.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from wordvec.errors import DataError, ParameterError, StorageError
from wordvec.io.atomic import atomic_write
from wordvec.io.native import load_arrays, save_arrays
from wordvec.text import phrases_kernel as kernel
from wordvec.text.corpus import corpus_files, read_blocks
from wordvec.text.tokenize import WordTable

# gensim's ENGLISH_CONNECTOR_WORDS: the words that may sit inside a phrase
ENGLISH_CONNECTOR_WORDS = frozenset({"a", "an", "the", "for", "of", "with", "without", "at", "from", "to", "in",
                                     "on", "by", "and", "or"})
_FORMAT = "wordvec.Phrases"
_BATCH_LINES = 20000  # token-list sentences encoded at a time


class Phrases:
    """Detect phrases in a corpus and join them into single tokens.

    Parameters
    ----------
    min_count : int, default=5
        Candidates seen fewer times are ignored ("npmi"), or discounted ("default").
    threshold : float, default=10.0
        A candidate whose score exceeds it is a phrase (for "npmi" it lies in [-1, 1]).
    scoring : {"default", "npmi"}, default="default"
    connector_words : iterable of str, default=()
        Words that may sit inside a phrase and never start or end one
        (``ENGLISH_CONNECTOR_WORDS`` is gensim's English set).
    delimiter : str, default="_"
        Joins the words of a phrase.

    Attributes
    ----------
    corpus_word_count_ : int
        Tokens counted, connector words included.
    """

    def __init__(self, min_count: int = 5, threshold: float = 10.0, scoring: str = "default",
                 connector_words: Iterable[str] = (), delimiter: str = "_"):
        self.min_count, self.threshold, self.scoring = min_count, threshold, scoring
        self.connector_words, self.delimiter = frozenset(connector_words), delimiter

    def _check(self) -> None:
        if not isinstance(self.min_count, int) or isinstance(self.min_count, bool) or self.min_count < 1:
            raise ParameterError(f"min_count={self.min_count!r} must be an integer >= 1")
        if self.scoring not in ("default", "npmi"):
            raise ParameterError(f"scoring={self.scoring!r} must be one of 'default', 'npmi'")
        low, high = (-1.0, 1.0) if self.scoring == "npmi" else (0.0, np.inf)
        if not isinstance(self.threshold, (int, float)) or not low <= self.threshold <= high:
            raise ParameterError(f"threshold={self.threshold!r} must be a number in [{low}, {high}] "
                                 f"for scoring={self.scoring!r}")
        if not isinstance(self.delimiter, str) or not self.delimiter or any(c.isspace() for c in self.delimiter):
            raise ParameterError(f"delimiter={self.delimiter!r} must be a non-empty string without white space")

    # learning

    def fit(self, corpus) -> Phrases:
        """Count words and candidates of ``corpus`` (paths, or a re-iterable of token lists, such
        as another ``Phrases``' output) in one streaming pass; returns ``self``."""
        self._check()
        self._reset()
        for ids in self._encoded(_blocks(corpus)):
            self._count(ids)
        counts = self.words_.counts[:self.words_.n_words]
        if counts.sum() == 0:
            raise DataError("the corpus is empty: it holds no tokens")
        self.corpus_word_count_ = int(counts.sum())
        self._score()
        return self

    def _reset(self) -> None:
        self.words_, self.keys_ = WordTable(), WordTable()  # words; candidates (runs of word ids)
        self._connector, self._words, self._phrases = np.zeros(0, dtype=np.bool_), [], {}

    def _encoded(self, blocks: Iterable[bytes]) -> Iterator[np.ndarray]:
        """Blocks of word ids (-1 at line ends), the word list and connector table kept up to date."""
        for block in blocks:
            ids = self.words_.encode(block)
            if self.words_.n_words > len(self._words):
                new = self.words_.words(range(len(self._words), self.words_.n_words))
                self._words += new
                self._connector = np.concatenate([self._connector, [w in self.connector_words for w in new]])
            yield ids

    def _count(self, ids: np.ndarray) -> None:
        t, position, start = self.keys_, 0, -1
        while True:
            position, start, t.n_words, t.arena_used = kernel.count_runs(
                ids, position, start, self._connector, t.slots, t.hashes, t.arena, t.offsets, t.counts,
                t.n_words, t.arena_used)
            if position == len(ids):
                return
            t._grow()

    def _score(self) -> None:
        """Score every candidate: ``scores_`` by key id, and which are phrases."""
        t = self.keys_
        counts = self.words_.counts[:self.words_.n_words].astype(np.float64)
        pair = t.counts[:t.n_words].astype(np.float64)
        first, last = self._ends()
        a, b = counts[first], counts[last]
        n_vocab = float(np.count_nonzero(~self._connector) + t.n_words)
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.scoring == "default":
                scores = (pair - self.min_count) / (a * b) * n_vocab
            else:
                total = float(self.corpus_word_count_)
                pab = pair / total
                scores = np.log(pab / ((a / total) * (b / total))) / -np.log(pab)
                scores[pair < self.min_count] = -np.inf
        self.scores_ = np.nan_to_num(scores, nan=-np.inf)
        self.accepted_ = self.scores_ > self.threshold

    def _ends(self) -> tuple[np.ndarray, np.ndarray]:
        """First and last word id of every candidate."""
        t = self.keys_
        offsets = t.offsets[:t.n_words + 1]
        arena = t.arena[:t.arena_used].view(np.int32)
        return arena[offsets[:-1] // 4], arena[offsets[1:] // 4 - 1]

    # applying

    def export_phrases(self) -> dict[str, float]:
        """Every phrase (joined by ``delimiter``) and its score."""
        self._fitted()
        return {self._phrase(k): float(self.scores_[k]) for k in np.flatnonzero(self.accepted_)}

    def _phrase(self, key: int) -> str:
        if key not in self._phrases:
            t = self.keys_
            ids = t.arena[t.offsets[key]:t.offsets[key + 1]].view(np.int32)
            self._phrases[key] = self.delimiter.join(self._words[i] for i in ids.tolist())
        return self._phrases[key]

    def __getitem__(self, sentence_or_corpus):
        """A sentence (list of str) with its phrases joined, or, for a corpus, a re-iterable of
        such sentences (a path-like corpus is read as token lists, line by line)."""
        self._fitted()
        if isinstance(sentence_or_corpus, list) and all(isinstance(w, str) for w in sentence_or_corpus):
            out = list(self._apply_blocks(_token_blocks([sentence_or_corpus])))
            return out[0] if out else []
        return PhrasedCorpus(self, sentence_or_corpus)

    def _apply_blocks(self, blocks: Iterable[bytes]) -> Iterator[list[str]]:
        """Sentences of ``blocks`` (bytes of whole lines) with their phrases joined (words new
        since ``fit`` join the word table, uncounted)."""
        for ids in self._encoded(blocks):
            yield from self._split_lines(self._apply(ids))

    def _apply(self, ids: np.ndarray) -> np.ndarray:
        t, out = self.keys_, np.empty(len(ids), dtype=np.int64)
        n = kernel.apply_runs(ids, self._connector, t.slots, t.hashes, t.arena, t.offsets, self.accepted_, out)
        return out[:n]

    def _split_lines(self, out: np.ndarray) -> Iterator[list[str]]:
        strings = self._strings(out)
        ends = np.flatnonzero(out < 0)
        start = 0
        for end in ends.tolist():
            yield strings[start:end]
            start = end + 1

    def _strings(self, out: np.ndarray) -> list[str]:
        """The token of each output id (line ends become empty strings)."""
        words = self._words
        return [words[i] if 0 <= i < kernel.PHRASE else (self._phrase(i - kernel.PHRASE) if i >= 0 else "")
                for i in out.tolist()]

    def transform_file(self, corpus, output: str | os.PathLike) -> int:
        """Write ``corpus`` with its phrases joined to ``output`` (plain, or gzip if it ends in .gz),
        one sentence a line, streaming, atomically. Returns the lines written."""
        import gzip

        self._fitted()
        lines = 0
        with atomic_write(output) as raw:
            f = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if str(output).endswith(".gz") else raw
            for sentences in _batched(self._apply_blocks(_blocks(corpus)), _BATCH_LINES):
                f.write("".join(" ".join(s) + "\n" for s in sentences).encode())
                lines += len(sentences)
            if f is not raw:
                f.close()
        return lines

    def _fitted(self) -> None:
        if not hasattr(self, "scores_"):
            raise ValueError("this Phrases is not fitted yet: call fit first")

    # files

    def save(self, path: str | os.PathLike) -> None:
        """Save the counts and settings (npz + JSON, no pickle), atomically."""
        self._fitted()
        w, t = self.words_, self.keys_
        save_arrays(path, {"word_counts": w.counts[:w.n_words], "key_ids": t.arena[:t.arena_used].view(np.int32),
                           "key_offsets": t.offsets[:t.n_words + 1] // 4, "key_counts": t.counts[:t.n_words]},
                    {"format": _FORMAT, "version": 1, "words": w.words(), "min_count": self.min_count,
                     "threshold": self.threshold, "scoring": self.scoring, "delimiter": self.delimiter,
                     "connector_words": sorted(self.connector_words)})

    @classmethod
    def load(cls, path: str | os.PathLike) -> Phrases:
        """Load what :meth:`save` wrote; a damaged or foreign file raises StorageError naming it."""
        arrays, meta = load_arrays(path)
        if meta.get("format") != _FORMAT:
            raise StorageError(f"{path} is not a {_FORMAT} file")
        try:
            return cls._restore(arrays, meta)
        except (KeyError, TypeError, ValueError, IndexError, DataError) as exc:
            raise StorageError(f"{path} is a damaged {_FORMAT} file: {type(exc).__name__}: {exc}") from None

    @classmethod
    def _restore(cls, arrays: dict, meta: dict) -> Phrases:
        model = cls(meta["min_count"], meta["threshold"], meta["scoring"], meta["connector_words"], meta["delimiter"])
        model._check()
        words, counts = meta["words"], np.asarray(arrays["word_counts"], dtype=np.int64)
        ids, offsets = np.asarray(arrays["key_ids"], dtype=np.int32), np.asarray(arrays["key_offsets"], dtype=np.int64)
        key_counts = np.asarray(arrays["key_counts"], dtype=np.int64)
        if not (isinstance(words, list) and len(counts) == len(words) and len(offsets) == len(key_counts) + 1
                and offsets[0] == 0 and offsets[-1] == len(ids) and np.all(np.diff(offsets) >= 2)
                and (len(ids) == 0 or (ids.min() >= 0 and ids.max() < len(words)))):
            raise ValueError("its arrays do not fit together")
        model._reset()
        for _ in model._encoded(_token_blocks([words])):
            pass  # the words take ids 0, 1, ... in saved order
        if model.words_.n_words != len(words):
            raise ValueError("its word list repeats a word")
        model.words_.counts[:len(words)] = counts
        runs = np.full(len(ids) + len(key_counts), -1, dtype=np.int32)  # each run, then -1
        runs[np.arange(len(ids)) + np.repeat(np.arange(len(key_counts)), np.diff(offsets))] = ids
        inner = np.ones(len(ids), dtype=bool)
        inner[offsets[:-1]], inner[offsets[1:] - 1] = False, False
        if np.any(model._connector[ids] != inner):
            raise ValueError("a candidate does not run from a word through connector words to a word")
        model._count(runs)  # every run is counted once, taking ids in saved order
        if model.keys_.n_words != len(key_counts):
            raise ValueError("a candidate occurs twice")
        model.keys_.counts[:len(key_counts)] = key_counts
        model.corpus_word_count_ = int(counts.sum())
        model._score()
        return model


class PhrasedCorpus:
    """A corpus with phrases joined: re-iterable, sentence by sentence (a ``fit`` corpus)."""

    def __init__(self, phrases: Phrases, corpus):
        self.phrases, self.corpus = phrases, corpus
        corpus_files(corpus)  # refuse a one-shot iterator now, not on the second pass

    def __iter__(self) -> Iterator[list[str]]:
        return self.phrases._apply_blocks(_blocks(self.corpus))


def _blocks(corpus) -> Iterator[bytes]:
    """Bytes of whole lines of a corpus: its files' (checked UTF-8), or token lists'."""
    files = corpus_files(corpus)
    if files is None:
        return _token_blocks(corpus)
    return (block for f in files for block in read_blocks(f))


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _token_blocks(sentences: Iterable[Sequence[str]]) -> Iterator[bytes]:
    """Token-list sentences as bytes of whole lines, many at a time."""
    lines: list[str] = []
    for n, sentence in enumerate(sentences, start=1):
        if isinstance(sentence, str) or not all(isinstance(t, str) for t in sentence):
            raise DataError(f"corpus sentence {n} is not a list of strings: {str(sentence)[:60]!r}")
        bad = next((t for t in sentence if not t or any(c.isspace() for c in t)), None)
        if bad is not None:
            raise DataError(f"corpus sentence {n}: token {bad!r} is empty or holds white space")
        lines.append(" ".join(sentence))
        if len(lines) >= _BATCH_LINES:
            yield ("\n".join(lines) + "\n").encode()
            lines = []
    if lines:
        yield ("\n".join(lines) + "\n").encode()
