"""Standard evaluations: analogy accuracy and word-pair similarity correlations.

Both follow gensim's ``evaluate_word_analogies`` and ``evaluate_word_pairs``
rule for rule (case-insensitive matching where the most frequent casing wins,
questions with unknown words skipped and counted, the question words excluded
from the answers), so that the figures agree with gensim's on the same vectors;
the analogies run as batched matrix products.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
from scipy import stats

from wordvec.errors import DataError
from wordvec.io.paths import regular_file
from wordvec.vectors.keyedvectors import KeyedVectors
from wordvec.vectors.scoring import unitvec

DATASETS = {"analogies": "questions-words.txt", "ws353": "wordsim353.tsv", "simlex999": "simlex999.txt"}
_BATCH = 1024


def dataset_path(name: str) -> Path:
    """Path of a packaged evaluation set: 'analogies', 'ws353' or 'simlex999'."""
    if name not in DATASETS:
        raise ValueError(f"dataset={name!r} must be one of {', '.join(map(repr, DATASETS))}")
    return Path(str(resources.files("wordvec") / "data" / DATASETS[name]))


@dataclass
class AnalogySection:
    """One section of an analogy set ('capital-common-countries', ...): its questions
    (upper-cased (a, b, c, expected) tuples) in file order, each with its outcome."""

    name: str
    questions: list[tuple] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)  # "right", "wrong", or "unknown" (a word not in the vocabulary)

    def having(self, *outcomes: str) -> list[tuple]:
        """The questions with one of ``outcomes``, in file order."""
        return [q for q, o in zip(self.questions, self.outcomes) if o in outcomes]

    @property
    def correct(self) -> int:
        return self.outcomes.count("right")

    @property
    def incorrect(self) -> int:
        return self.outcomes.count("wrong")

    @property
    def skipped(self) -> int:
        return self.outcomes.count("unknown")

    @property
    def accuracy(self) -> float:
        """correct / (correct + incorrect), 0 when nothing was answered."""
        answered = self.correct + self.incorrect
        return self.correct / answered if answered else 0.0


@dataclass
class AnalogyResult:
    """Analogy results by section, in file order."""

    sections: list[AnalogySection] = field(default_factory=list)

    @property
    def total(self) -> AnalogySection:
        """Every section's counts added up, under gensim's name 'Total accuracy'."""
        return AnalogySection("Total accuracy", [q for s in self.sections for q in s.questions],
                              [o for s in self.sections for o in s.outcomes])

    @property
    def accuracy(self) -> float:
        """Accuracy over every section."""
        return self.total.accuracy


@dataclass
class PairResult:
    """Correlation of the model's cosine similarities with human judgements of word pairs."""

    pearson: float
    spearman: float
    oov_ratio: float  # percent of pairs skipped for unknown words
    pairs: int  # pairs used


def _ok_vocab(kv: KeyedVectors, restrict_vocab: int | None) -> dict[str, int]:
    """Upper-cased word -> index over the first ``restrict_vocab`` words; the most frequent casing wins."""
    return {w.upper(): i for i, w in reversed(list(enumerate(kv.words[:restrict_vocab])))}


def analogy(kv: KeyedVectors, path: str | os.PathLike | None = None, restrict_vocab: int = 30000,
            method: str = "3cosadd") -> AnalogyResult:
    """Accuracy on analogy questions 'a b c d' (a is to b as c is to d), by section.

    ``path`` defaults to the packaged Google analogy set; ``method`` is
    '3cosadd' or '3cosmul'. Questions with a word outside the ``restrict_vocab``
    most frequent words are skipped and counted.
    """
    if method not in ("3cosadd", "3cosmul"):
        raise ValueError(f"method={method!r} must be '3cosadd' or '3cosmul'")
    ok = _ok_vocab(kv, restrict_vocab)
    result, questions, owners = AnalogyResult(), [], []
    path = Path(path) if path is not None else dataset_path("analogies")
    for lineno, line in enumerate(_read_lines(path), start=1):
        if line.startswith(": "):
            result.sections.append(AnalogySection(line[2:].strip()))
            continue
        words = line.upper().split()
        if len(words) != 4:
            continue  # gensim skips malformed lines too
        if not result.sections:
            raise DataError(f"{path}:{lineno}: a question before the first ': section' line")
        section = result.sections[-1]
        section.questions.append(tuple(words))
        section.outcomes.append("unknown" if not all(w in ok for w in words) else "")
        if section.outcomes[-1] == "":
            questions.append(words)
            owners.append((section, len(section.outcomes) - 1))
    for (section, i), words, predicted in zip(owners, questions, _predict(kv, questions, ok, restrict_vocab, method)):
        section.outcomes[i] = "right" if predicted == words[3] else "wrong"
    return result


def _predict(kv, questions, ok, restrict_vocab, method) -> list[str | None]:
    """gensim's answer to each question: the first of the top five (question words
    excluded) whose upper case is not a question word.

    Scores come from one matrix product per batch (``KeyedVectors.analogy_scores``;
    3CosMul over the whole vocabulary, as gensim's); a question whose leading
    scores lie within 1e-5 of each other, where the rounding of a matrix-matrix
    product might order them differently from gensim's matrix-vector product,
    is scored again in gensim's arithmetic.
    """
    if not questions:
        return []
    idx = np.array([[ok[w] for w in q[:3]] for q in questions])  # (n, 3): a, b, c
    vocab, answers = restrict_vocab if method == "3cosadd" else None, []
    for start in range(0, len(idx), _BATCH):
        batch = idx[start:start + _BATCH]
        positive, negative = kv.unit_rows(batch[:, 1:]), kv.unit_rows(batch[:, :1])  # b, c and a
        scores = kv.analogy_scores(positive, negative, method, vocab)
        for i, (row, (a, b, c), words) in enumerate(zip(scores, batch, questions[start:start + _BATCH])):
            best = kv.top_indices(row, 5 + 3)
            if np.any(np.diff(row[best]) > -1e-5):  # a near tie: score as gensim does
                row = kv.analogy_scores(positive[i:i + 1], negative[i:i + 1], method, vocab, gensim_arithmetic=True)[0]
                best = kv.top_indices(row, 5 + 3)
            answers.append(_first_answer(kv, best, [b, c, a], set(words[:3]), ok))
    return answers


def _first_answer(kv, best, inputs, ignore, ok) -> str | None:
    predicted = None
    for i in [i for i in best if i not in inputs][:5]:
        predicted = kv.words[i].upper()
        if predicted in ok and predicted not in ignore:
            break
    return predicted


def word_pairs(kv: KeyedVectors, path: str | os.PathLike, restrict_vocab: int = 300000,
               delimiter: str = "\t") -> PairResult:
    """Pearson and Spearman correlation of cosine similarity with human judgements.

    Lines are 'word1<delimiter>word2<delimiter>score'; '#' starts a comment.
    Pairs with a word outside the vocabulary are skipped; ``oov_ratio`` says
    how many, in percent.
    """
    gold, model, oov = pair_scores(kv, path, restrict_vocab, delimiter)
    return PairResult(pearson=float(stats.pearsonr(gold, model)[0]),
                      spearman=float(stats.spearmanr(gold, model)[0]),
                      oov_ratio=100.0 * oov / (len(gold) + oov), pairs=len(gold))


def pair_scores(kv: KeyedVectors, path: str | os.PathLike, restrict_vocab: int | None = 300000,
                delimiter: str = "\t", dummy4unknown: bool = False) -> tuple[list[float], list[float], int]:
    """Human scores and cosine similarities of the pairs of a word-pair file, and how many pairs
    had an unknown word (skipped, or scored 0 with ``dummy4unknown``), as gensim reads them."""
    ok = _ok_vocab(kv, restrict_vocab)
    gold, model, oov = [], [], 0
    for line in _read_lines(Path(path)):
        if not line or line.startswith("#"):
            continue
        parts = line.upper().split(delimiter)
        try:
            a, b, score = parts
            score = float(score)
        except ValueError:
            continue  # gensim skips malformed lines too
        if a not in ok or b not in ok:
            oov += 1
            if dummy4unknown:
                gold.append(score)
                model.append(0.0)
            continue
        gold.append(score)
        model.append(float(np.dot(unitvec(kv.vectors[ok[a]]), unitvec(kv.vectors[ok[b]]))))
    if not gold:
        raise DataError(f"{path}: no pair with both words in the vocabulary")
    return gold, model, oov


def report(kv: KeyedVectors, restrict_vocab: int = 30000) -> dict[str, float]:
    """The standard figures: analogy accuracy (3CosAdd, top ``restrict_vocab``
    words), and Spearman on WS353 and SimLex-999."""
    return {
        "analogy": analogy(kv, restrict_vocab=restrict_vocab).accuracy,
        "ws353": word_pairs(kv, dataset_path("ws353")).spearman,
        "simlex999": word_pairs(kv, dataset_path("simlex999")).spearman,
    }


def _read_lines(path: Path) -> list[str]:
    try:
        return regular_file(path, "evaluation file").read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: invalid UTF-8 at byte {exc.start}") from None
