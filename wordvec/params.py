"""The one table of ``Word2Vec``'s parameters: type, default, allowed range and meaning.

Everything else is generated from :data:`PARAMS`: the estimator's signature and
docstring, validation (:func:`validate`), the settings a checkpoint must share
with the run that resumes it (:func:`settings`), the metadata of a saved model
(:func:`saved`), and the flags and help of ``wordvec train`` (:func:`add_cli_flags`).
Adding a parameter is one line here plus the code that uses it.
"""

from __future__ import annotations

import argparse
import inspect
import math
import numbers
import os
from collections.abc import Callable
from dataclasses import dataclass

from wordvec.errors import ParameterError


@dataclass(frozen=True)
class Param:
    """One parameter. ``kind`` is int, float, bool, str (one of ``choices``) or callable
    (a sequence of callables); a str without ``choices`` is a path; ``low``/``high`` bound numbers (``low_open``: strictly
    above ``low``); ``none``: None is allowed too. ``compare``: a checkpoint written
    with another value is refused on resume; ``save``: stored with a saved model;
    ``flag``: ``wordvec train`` has an option for it."""

    name: str
    kind: type
    default: object
    doc: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: tuple = ()
    none: bool = False
    compare: bool = True
    save: bool = True
    flag: bool = True

    def check(self, value) -> None:
        """Raise :class:`ParameterError` naming the parameter, the value and what is allowed."""
        if value is None and self.none:
            return
        if not self._accepts(value):
            raise ParameterError(f"{self.name}={value!r} must be {self.allowed()}")

    def _accepts(self, value) -> bool:
        if self.kind is bool:
            return isinstance(value, bool)
        if self.kind is str:
            return value in self.choices if self.choices else isinstance(value, (str, os.PathLike))
        if self.kind is Callable:
            return not isinstance(value, str) and all(callable(v) for v in value)
        integral = isinstance(value, numbers.Integral) and not isinstance(value, bool)
        real = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
        if not (integral if self.kind is int else real):
            return False
        above = self.low is None or value > self.low or (value == self.low and not self.low_open)
        return above and (self.high is None or value <= self.high)

    def allowed(self) -> str:
        """What the parameter accepts, in words: 'an integer >= 1 or None'."""
        if self.kind is bool:
            text = "True or False"
        elif self.kind is str:
            text = "one of " + ", ".join(map(repr, self.choices)) if self.choices else "a path"
        elif self.kind is Callable:
            text = "a sequence of callables"
        else:
            text = "an integer" if self.kind is int else "a number"
            bounds = [f"{'>' if self.low_open else '>='} {self.low}" if self.low is not None else "",
                      f"<= {self.high}" if self.high is not None else ""]
            text += " " + " and ".join(b for b in bounds if b) if any(bounds) else " (finite)"
        return text + (" or None" if self.none else "")


PARAMS: dict[str, Param] = {p.name: p for p in [
    Param("vector_size", int, 100, "dimension of the word vectors", low=1),
    Param("window", int, 5, "largest distance between a center word and a context word", low=1),
    Param("min_count", int, 5, "words rarer than this are left out of the vocabulary", low=1),
    Param("max_vocab_size", int, None, "keep at most this many of the most frequent words (None: all)",
          low=1, none=True),
    Param("sample", float, 1e-3, "subsampling threshold t: a word of frequency f is kept with probability "
          "(sqrt(f / t) + 1) t / f, as in word2vec.c (0: keep every word)", low=0.0),
    Param("arch", str, "skipgram", "architecture: skip-gram or CBOW", choices=("skipgram", "cbow")),
    Param("loss", str, "negative", "output layer: negative sampling or hierarchical softmax",
          choices=("negative", "hierarchical")),
    Param("negative", int, 5, "noise words per prediction (loss='negative'); the literature uses 2-25",
          low=0, high=1000),
    Param("ns_exponent", float, None, "noise distribution proportional to count ** ns_exponent (None: "
          "word2vec's 0.75, or fastText's 0.5 with subwords)", none=True),
    Param("subwords", bool, False, "fastText's model: a word's input vector is the mean of its own row and "
          "the rows of its character n-grams, hashed into buckets, so unseen words get vectors too"),
    Param("min_n", int, 3, "subwords: the shortest character n-gram (fastText's -minn)", low=1, high=64),
    Param("max_n", int, 6, "subwords: the longest character n-gram (fastText's -maxn)", low=1, high=64),
    Param("buckets", int, 2_000_000, "subwords: the rows the n-grams are hashed into (fastText's -bucket)",
          low=1, high=(1 << 31) - 1),
    Param("alpha", float, None, "initial learning rate (None: 0.025 for skip-gram, 0.05 for CBOW and with "
          "subwords, as fastText)",
          low=0.0, low_open=True, high=1.0, none=True),
    Param("min_alpha", float, 1e-4, "learning rate reached at the end of the last epoch", low=0.0, high=1.0),
    Param("epochs", int, 5, "passes over the corpus", low=1),
    Param("seed", int, 1, "seed of the initial vectors and of every thread's random stream", low=0),
    Param("shrink_windows", bool, True, "draw each window's size uniformly from 1..window"),
    Param("update", str, "auto", "skip-gram only: 'window' takes one gradient step per context window with "
          "negatives shared by the window (Ji et al.'s HogBatch, much faster); 'pair' is word2vec.c's "
          "per-pair step with fresh negatives; 'auto' is 'pair' with hierarchical softmax on the CPU (as fast "
          "there, and better in analogies), 'window' otherwise", choices=("auto", "window", "pair")),
    Param("cbow_mean_gradient", bool, False, "CBOW only: give each context word 1/n of the mean's gradient "
          "(the exact gradient) instead of all of it (word2vec.c and gensim)"),
    Param("interleave", int, 8, "the epochs' order: the corpus cut at line ends into this many stretches, read "
          "a piece of about 4,096 words of each in turn, so that every part of an epoch (its lowest learning "
          "rates included) meets every part of an ordered corpus, as word2vec.c's and fastText's threads do "
          "(1: the corpus's own order; a resumed run keeps the order its corpus was stored in)",
          low=1, high=1 << 16, compare=False),
    Param("chunk_words", int, None, "words per chunk handed to a thread or a CUDA stream (gensim's batch_words; "
          "None: 65,536 on the CPU, 1,048,576 on a GPU); on the CPU smaller toward each epoch's end, so that "
          "the threads end it together", low=1024, high=1 << 24, none=True),
    Param("workers", int, None, "training threads (None: every core; on a GPU, the host threads feeding it, "
          "each with its own CUDA stream, None: 2); with more than one the result varies from run to run "
          "(Hogwild)", low=1, high=1024, none=True, compare=False),
    Param("device", str, "cpu", "where to train: 'cpu' (threads) or 'cuda' (one NVIDIA GPU, "
          "pip install 'wordvec[cuda]')", choices=("cpu", "cuda"), compare=False),
    Param("distributed", bool, False, "train over MPI, each rank on its share of the corpus (launch with "
          "mpiexec -n N; pip install 'wordvec[mpi]')", compare=False),
    Param("sync_words", int, 1 << 18, "distributed: words a rank trains between two exchanges of the ranks' "
          "changes", low=1024, high=1 << 30),
    Param("progress", bool, True, "show a progress bar", compare=False),
    Param("callbacks", Callable, (), "callables f(model, epoch_loss) run at the end of each epoch",
          compare=False, save=False, flag=False),
    Param("checkpoint_dir", str, None, "write checkpoints here (None: none); the directory also keeps the "
          "corpus as word ids until training ends", none=True, compare=False, save=False),
    Param("checkpoint_every", float, 600.0, "seconds between checkpoints (None: not by time)",
          low=0.0, low_open=True, none=True, compare=False, save=False),
    Param("checkpoint_words", int, None, "words between checkpoints (None: not by count)",
          low=1, none=True, compare=False, save=False),
]}

# Rules that tie two parameters together: (parameter, test that fails, what is allowed).
RULES: list[tuple[str, Callable[[dict], bool], str | Callable[[dict], str]]] = [
    ("negative", lambda v: v["loss"] == "negative" and v["negative"] < 1, 'an integer >= 1 with loss="negative"'),
    ("min_alpha", lambda v: v["min_alpha"] > initial_alpha(v), "at most alpha (the rate falls to it)"),
    ("min_n", lambda v: v["min_n"] > v["max_n"], lambda v: f"at most max_n={v['max_n']}"),
]


def initial_alpha(values: dict) -> float:
    """``alpha``, or its default for the architecture."""
    if values["alpha"] is not None:
        return values["alpha"]
    return 0.05 if values["arch"] == "cbow" or values.get("subwords") else 0.025  # fastText's lr: 0.05


def noise_exponent(values: dict) -> float:
    """``ns_exponent``, or its default: fastText's 0.5 with subwords (measured: syntactic analogy
    +0.015 over 0.75, five runs each; BENCHMARKS.md, issue 14), word2vec's 0.75 otherwise."""
    if values["ns_exponent"] is not None:
        return values["ns_exponent"]
    return 0.5 if values.get("subwords") else 0.75


def validate(values: dict) -> None:
    """Check every parameter of ``values`` (name -> value) and the rules between them."""
    for name, param in PARAMS.items():
        param.check(values[name])
    for name, fails, allowed in RULES:
        if fails(values):
            raise ParameterError(f"{name}={values[name]!r} must be {allowed(values) if callable(allowed) else allowed}")


def settings(values: dict) -> dict:
    """The parameters a checkpoint must share with the run that resumes it; ``ns_exponent`` as the
    exponent it stands for, so that a checkpoint written when its default was 0.75 still resumes."""
    return {name: noise_exponent(values) if name == "ns_exponent" else values[name]
            for name, p in PARAMS.items() if p.compare}


def saved(values: dict) -> dict:
    """The parameters stored with a saved model."""
    return {name: values[name] for name, p in PARAMS.items() if p.save}


def signature() -> inspect.Signature:
    """Keyword-only signature with the table's defaults (shown by help() and IDEs)."""
    self = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return inspect.Signature([self] + [inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=p.default)
                                       for p in PARAMS.values()])


def numpydoc() -> str:
    """The numpydoc 'Parameters' section of the table."""
    lines = ["Parameters", "----------"]
    for p in PARAMS.values():
        kind = {Callable: "sequence of callables"}.get(p.kind, p.kind.__name__)
        lines += [f"{p.name} : {kind}{' or None' if p.none else ''}, default={p.default!r}",
                  f"    {p.doc[0].upper()}{p.doc[1:]}. Allowed: {p.allowed()}."]
    return "\n".join(lines)


def add_cli_flags(parser: argparse.ArgumentParser) -> None:
    """One option per parameter with ``flag``: ``--vector-size N``, ``--no-shrink-windows``, ..."""
    for p in PARAMS.values():
        if not p.flag:
            continue
        flag = "--" + p.name.replace("_", "-")
        if p.kind is bool:
            negated = "--no-" + p.name.replace("_", "-")
            parser.add_argument(negated if p.default else flag, dest=p.name, default=p.default,
                                action="store_false" if p.default else "store_true",
                                help=f"{'do not ' if p.default else ''}{p.doc} (default: {'on' if p.default else 'off'})")
        else:
            parser.add_argument(flag, dest=p.name, default=p.default, type=_parser(p),
                                choices=p.choices or None, metavar=None if p.choices else p.name.upper(),
                                help=f"{p.doc} (default: {p.default})")


def _parser(param: Param) -> Callable[[str], object]:
    """argparse type: the text parsed and checked against the table (a usage error otherwise)."""
    def parse(text: str):
        if param.kind is str:
            return text
        try:
            value = param.kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {param.allowed()}, got {text!r}") from None
        try:
            param.check(value)
        except ParameterError:
            raise argparse.ArgumentTypeError(f"expected {param.allowed()}, got {text!r}") from None
        return value
    return parse
