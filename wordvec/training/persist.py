"""A fitted Word2Vec in wordvec's native format (.npz arrays and JSON metadata, no pickle)."""

from __future__ import annotations

import dataclasses
import os

from wordvec import params as table
from wordvec.errors import StorageError
from wordvec.io.formats import check_finite
from wordvec.io.native import load_arrays, save_arrays
from wordvec.text.vocab import Vocabulary
from wordvec.vectors.keyedvectors import KeyedVectors

FORMAT = "wordvec.Word2Vec"


def save_model(model, path: str | os.PathLike) -> None:
    """Write ``model`` atomically: its vectors, output weights, counts, saved parameters and loss history."""
    if not hasattr(model, "wv"):
        raise ValueError("this Word2Vec is not fitted yet: call fit first")
    check_finite(model.wv.words, model.wv.vectors)
    arrays = {"vectors": model.wv.vectors, "vectors_out": model.vectors_out_, "counts": model.vocab_.counts}
    meta = {"format": FORMAT, "version": 1, "words": model.wv.words, "params": table.saved(model.get_params()),
            "loss_history": model.loss_history_, "words_per_second": model.words_per_second_}
    if model.wv.ngrams is not None:
        arrays["vectors_in"] = model.vectors_in_
        meta["ngrams"] = dataclasses.asdict(model.wv.ngrams)
    save_arrays(path, arrays, meta)


def load_model(cls, path: str | os.PathLike, mmap: bool = False):
    """A ``cls`` (Word2Vec) from a file of :func:`save_model`; parameters the file predates get their defaults."""
    arrays, meta = load_arrays(path, mmap=mmap)
    wv = KeyedVectors._from_saved(path, arrays, meta, FORMAT)
    try:
        known = {name for name, param in table.PARAMS.items() if param.save}
        model = cls(**{name: value for name, value in meta["params"].items() if name in known})
        table.validate(model.get_params())
        model.vocab_ = Vocabulary(wv.words, arrays["counts"])
        model.loss_history_ = [float(x) for x in meta["loss_history"]]
        model.words_per_second_ = float(meta["words_per_second"])
        model.vectors_out_ = arrays["vectors_out"]
        if wv.ngrams is not None:
            model.vectors_in_ = arrays["vectors_in"]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StorageError(f"{path} is not a valid {FORMAT} file: {exc}") from None
    model.wv = wv
    return model
