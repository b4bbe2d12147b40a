"""Every exception wordvec raises on purpose. The CLI prints each as one line.

=====================  ===========================  ==========================================
error                  is also a                    raised when
=====================  ===========================  ==========================================
``ParameterError``     ``ValueError``               a parameter is out of its range: the
                                                    message names it, its value and what is allowed
``DataError``          ``ValueError``               input data is missing, empty or malformed:
                                                    the message names the file and line or entry
``StorageError``       ``DataError``                a wordvec file (native, checkpoint) is
                                                    missing, damaged or of another kind
``UnknownWordError``   ``KeyError``                 a word is not in the vocabulary
``CheckpointError``    ``WordvecError``             no usable checkpoint, or one written by
                                                    other settings or for another corpus
``TrainingInterrupted`` ``KeyboardInterrupt``        SIGINT or SIGTERM stopped training at a safe
                                                    point; the message says how to resume
``TrainingDiverged``   ``WordvecError``             the loss became NaN, infinite or exploded
                                                    (a learning rate too high): nothing is saved
``GradcheckError``     ``AssertionError``           an analytic gradient disagrees with finite
                                                    differences (``reference.gradcheck``)
=====================  ===========================  ==========================================
"""

from __future__ import annotations


class WordvecError(Exception):
    """Base class of the errors that describe a problem with the user's input."""


class ParameterError(WordvecError, ValueError):
    """A parameter outside its allowed range; the message names parameter, value and range."""


class DataError(WordvecError, ValueError):
    """A data file is missing, empty or malformed; the message names file and line."""


class StorageError(DataError):
    """A wordvec file is missing, damaged or not of the expected kind; the message names it."""


class CheckpointError(WordvecError):
    """No usable checkpoint: missing, corrupt, or written by different settings."""


class TrainingDiverged(WordvecError):
    """The training loss became NaN, infinite or exploded; the message names the likely cause."""


class UnknownWordError(WordvecError, KeyError):
    """A word that is not in the vocabulary; the message names it and a close spelling."""

    def __init__(self, word: str, suggestion: str | None = None):
        self.word, self.suggestion = word, suggestion
        hint = f"; did you mean {suggestion!r}?" if suggestion else ""
        super().__init__(f"word {quote(word)} is not in the vocabulary{hint}")

    def __str__(self) -> str:
        return self.args[0]


class TrainingInterrupted(KeyboardInterrupt):
    """Training stopped on SIGINT or SIGTERM at a safe point; the message says how to resume."""


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with the numerical one."""


def quote(value: object, limit: int = 80) -> str:
    """``repr(value)``, cut to ``limit`` characters so that an error message stays one short line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"
