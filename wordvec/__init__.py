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

from typing import TYPE_CHECKING

from wordvec.numba_cache import drop_stale_cache

drop_stale_cache()  # before any compiled kernel loads: numba alone would miss an edited helper

if TYPE_CHECKING:
    from wordvec.io.registry import load
    from wordvec.text.phrases import ENGLISH_CONNECTOR_WORDS, Phrases
    from wordvec.training.word2vec import Word2Vec
    from wordvec.vectors import evaluate
    from wordvec.vectors.keyedvectors import KeyedVectors

__all__ = ["ENGLISH_CONNECTOR_WORDS", "KeyedVectors", "Phrases", "Word2Vec", "evaluate", "load"]
_HOMES = {"load": "wordvec.io.registry", "ENGLISH_CONNECTOR_WORDS": "wordvec.text.phrases",
          "Phrases": "wordvec.text.phrases", "Word2Vec": "wordvec.training.word2vec",
          "KeyedVectors": "wordvec.vectors.keyedvectors", "evaluate": "wordvec.vectors.evaluate"}


def __getattr__(name: str):
    """The public names, each imported on first use (PEP 562): ``import wordvec`` itself stays light,
    so that the command's entry point (``wordvec.command``) is in place before numpy and numba load,
    and ``wordvec.evaluate`` does not bring scipy.stats to a run that only trains."""
    if name not in _HOMES:
        raise AttributeError(f"module 'wordvec' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(_HOMES[name])
    value = module if name == "evaluate" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})  # a name used once is in both
