"""wordvec: word2vec, exact where the maths is taught, fast where the work is heavy.

The layers, each a subpackage:

* ``wordvec.reference``: the exact float64 maths, gradient checks, a reference trainer;
* ``wordvec.text``: corpus readers, the tokenizer, the vocabulary scan;
* ``wordvec.engine``: the kernel contract and its backends (``engine.cpu``);
* ``wordvec.training``: the ``Word2Vec`` estimator, the epoch loop, executors, checkpoints;
* ``wordvec.vectors``: ``KeyedVectors``, evaluation, plots;
* ``wordvec.io``: every file wordvec reads or writes;
* ``wordvec.experiments``: the classic Stanford Sentiment Treebank experiment.
"""

__version__ = "0.1.0"

from wordvec.numba_cache import drop_stale_cache

drop_stale_cache()  # before any compiled kernel loads: numba alone would miss an edited helper

from wordvec.io.registry import load
from wordvec.text.phrases import ENGLISH_CONNECTOR_WORDS, Phrases
from wordvec.training.word2vec import Word2Vec
from wordvec.vectors.keyedvectors import KeyedVectors

__all__ = ["ENGLISH_CONNECTOR_WORDS", "KeyedVectors", "Phrases", "Word2Vec", "evaluate", "load"]


def __getattr__(name: str):
    """``wordvec.evaluate`` on first use: it brings scipy.stats, which training does not need."""
    if name == "evaluate":
        from wordvec.vectors import evaluate

        return evaluate
    raise AttributeError(f"module 'wordvec' has no attribute {name!r}")
