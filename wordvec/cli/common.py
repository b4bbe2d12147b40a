"""What every command shares: argument types, the model argument, loading vectors, the logger."""

from __future__ import annotations

import argparse
import logging

import numpy as np

from wordvec.io.paths import regular_file

logger = logging.getLogger("wordvec")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


MODEL_HELP = "vectors or a model in any format wordvec reads (native, word2vec binary or text, GloVe)"


def load_vectors(path: str):
    """KeyedVectors from any vector file wordvec reads, told apart by its content."""
    from wordvec.io import registry

    regular_file(path, "model file")
    return registry.load(path)
