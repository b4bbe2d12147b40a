"""The classic experiment: 10-dimensional skip-gram vectors on the Stanford Sentiment Treebank.

Negative sampling, SGD over minibatches of random context windows, then a 2-D
picture of word clusters. The compiled path (default) and the numpy reference
path (``exact=True``) draw the very same windows and negatives from the same
seed, so they follow the same trajectory.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from wordvec.engine.cpu.rng import new_state
from wordvec.engine.tables import build_alias
from wordvec.errors import DataError
from wordvec.experiments.sst.minibatch import sample_minibatch, skipgram_negative_step, subsample_corpus
from wordvec.experiments.sst.sgd import SGDResult, sgd
from wordvec.reference import neg_sampling_loss_and_gradient, skipgram
from wordvec.text.vocab import Vocabulary

PLOT_WORDS = (
    "great", "cool", "brilliant", "wonderful", "well", "amazing", "worth", "sweet",
    "enjoyable", "boring", "bad", "dumb", "annoying", "female", "male", "queen", "king",
    "man", "woman", "rain", "snow", "hail", "coffee", "tea",
)


@dataclass
class SSTConfig:
    """Hyperparameters of the experiment, as in the derivation's code."""

    dim: int = 10
    context: int = 5  # C: each window's size is drawn uniformly from 1..C
    negatives: int = 10  # K
    batch_size: int = 50
    step: float = 0.3
    anneal_every: int = 20000
    iterations: int = 40000
    copies: int = 30  # the corpus is replicated this often before subsampling
    sample: float = 1e-5  # subsampling threshold t
    seed: int = 31415

    def validate(self) -> None:
        """Raise ValueError naming the first hyperparameter out of range."""
        for name in ("dim", "context", "negatives", "batch_size", "anneal_every", "iterations", "copies"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}={getattr(self, name)} must be a positive integer")
        if not self.step > 0:
            raise ValueError(f"step={self.step} must be positive")


@dataclass
class SSTResult:
    """The trained vocabulary, both vector matrices and the SGD history."""

    vocab: Vocabulary
    center_vectors: np.ndarray  # (n_words, dim)
    outside_vectors: np.ndarray  # (n_words, dim)
    sgd: SGDResult


class _Windows:
    """The subsampled corpus and the noise table: draws minibatches of windows."""

    def __init__(self, vocab: Vocabulary, sentences: Sequence[Sequence[str]], config: SSTConfig):
        encoded = [vocab.encode(s) for s in sentences]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(s) for s in encoded], out=offsets[1:])
        states = new_state(config.seed, 2)
        corpus_state, self.state = states[:1].copy(), states[1:].copy()  # one stream each
        self.tokens, self.offsets = subsample_corpus(
            np.concatenate(encoded).astype(np.int32), offsets,
            vocab.discard_probability(config.sample), config.copies, corpus_state)
        if len(self.offsets) < 2:
            raise DataError("no sentence keeps two words after subsampling; the corpus is too small")
        self.noise_prob, self.noise_alias = build_alias(vocab.noise_distribution(0.75))
        self.config = config

    def draw(self):
        c = self.config
        *batch, ok = sample_minibatch(self.tokens, self.offsets, c.batch_size, c.context,
                                      self.noise_prob, self.noise_alias, c.negatives, self.state)
        if not ok:
            raise DataError("no context window holds a word different from its center word")
        return batch


def train_sst(
    sentences: Sequence[Sequence[str]],
    config: SSTConfig = SSTConfig(),
    *,
    exact: bool = False,
    checkpoint_dir: str | os.PathLike | None = None,
    checkpoint_every: int = 5000,
    resume: bool = False,
    progress: Callable[[int, float], None] | None = None,
) -> SSTResult:
    """Train skip-gram with negative sampling on ``sentences`` (lists of tokens)."""
    config.validate()
    vocab = Vocabulary.from_sentences(sentences)
    if len(vocab) < 2:
        raise DataError(f"the corpus has {len(vocab)} distinct word(s); at least 2 are needed")
    windows = _Windows(vocab, sentences, config)
    n = len(vocab)
    rng = np.random.default_rng(config.seed)
    x0 = np.concatenate([(rng.random((n, config.dim)) - 0.5) / config.dim, np.zeros((n, config.dim))])
    step_fn = _exact_step(windows, vocab) if exact else _compiled_step(windows, n, config.dim)
    result = sgd(step_fn, x0, config.step, config.iterations, anneal_every=config.anneal_every,
                 in_place=not exact, random_state=windows.state, checkpoint_dir=checkpoint_dir,
                 checkpoint_every=checkpoint_every, resume=resume,
                 config=_resume_config(config, n), progress=progress)
    return SSTResult(vocab, result.x[:n], result.x[n:], result)


def _resume_config(config: SSTConfig, n_words: int) -> dict:
    """Settings a checkpoint must share with the run resuming it (any iteration count will do)."""
    settings = asdict(config)
    del settings["iterations"]
    return {**settings, "n_words": n_words}


def _compiled_step(windows: _Windows, n_words: int, dim: int):
    grad_center, grad_outside = np.zeros((n_words, dim)), np.zeros((n_words, dim))
    touched = np.zeros(n_words, dtype=np.bool_)

    def step(x: np.ndarray, step_size: float) -> float:
        centers, _, outside, n_outside, negatives = windows.draw()
        return skipgram_negative_step(x[:n_words], x[n_words:], centers, outside, n_outside,
                                      negatives, step_size, grad_center, grad_outside, touched)

    return step


def _exact_step(windows: _Windows, vocab: Vocabulary):
    """The same minibatch through the numpy reference: J = (1/B) sum_b J_skipgram(window_b)."""
    n = len(vocab)

    def loss_and_gradient(x: np.ndarray) -> tuple[float, np.ndarray]:
        centers, sizes, outside, n_outside, negatives = windows.draw()
        loss, grad = 0.0, np.zeros_like(x)
        for b in range(len(centers)):
            k = n_outside[b]
            words = [vocab.words[o] for o in outside[b, :k]]
            c_loss, g_in, g_out = skipgram(
                vocab.words[centers[b]], int(sizes[b]), words, vocab.index, x[:n], x[n:],
                neg_sampling_loss_and_gradient, negative_indices=negatives[b, :k])
            loss += c_loss / len(centers)
            grad[:n] += g_in / len(centers)
            grad[n:] += g_out / len(centers)
        return loss, grad

    return loss_and_gradient
