"""``Word2Vec``: the estimator that learns word vectors from a corpus.

The constructor only stores its arguments; ``fit`` validates them all, scans
the vocabulary, builds the sampling tables, trains with the compiled kernels
and returns ``self``. Learned state: ``wv``, ``vocab_``, ``loss_history_``,
``words_per_second_``, ``vectors_out_``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import numbers
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from wordvec.text.corpus import corpus_files
from wordvec.engine.cpu.alias import build_alias
from wordvec.engine.huffman import build_huffman
from wordvec.engine.cpu.rng import new_state
from wordvec.errors import CheckpointError
from wordvec.engine.cpu.kernel import ARCH_CBOW, ARCH_SKIPGRAM, LOSS_HIERARCHICAL, LOSS_NEGATIVE
from wordvec.vectors.keyedvectors import KeyedVectors
from wordvec.text.scan import ScannedCorpus, scan_corpus
from wordvec.io.native import StorageError, load_arrays, save_arrays
from wordvec.training.loop import KernelSettings, Schedule, default_workers, run_epochs
from wordvec.training.state import (
    CORPUS_FILE,
    Checkpointer,
    Progress,
    check_compatible,
    corpus_fingerprint,
    has_checkpoints,
    load_state,
    restore_progress,
)
from wordvec.text.vocab import Vocabulary

logger = logging.getLogger("wordvec")
_FORMAT = "wordvec.Word2Vec"
_PARAMS = ("vector_size", "window", "min_count", "max_vocab_size", "sample", "arch", "loss", "negative",
           "ns_exponent", "alpha", "min_alpha", "epochs", "workers", "seed", "shrink_windows", "update",
           "cbow_mean_gradient", "progress")


class Word2Vec:
    """Skip-gram or CBOW with negative sampling or hierarchical softmax.

    Parameters
    ----------
    vector_size : dimension of the vectors
    window : largest distance between a center word and a context word
    min_count : words rarer than this are left out of the vocabulary
    max_vocab_size : keep at most this many of the most frequent words (None: no cap)
    sample : subsampling threshold t; a word of frequency f is kept with
        probability (sqrt(f / t) + 1) t / f as in word2vec.c (0 disables)
    arch : "skipgram" or "cbow"
    loss : "negative" (negative sampling) or "hierarchical" (hierarchical softmax)
    negative : negative samples per prediction (loss="negative")
    ns_exponent : noise distribution proportional to count ** ns_exponent
    alpha : initial learning rate (None: 0.025 for skip-gram, 0.05 for CBOW)
    min_alpha : learning rate reached at the end of the last epoch
    epochs : passes over the corpus
    workers : training threads (None: all cores)
    seed : seed of the initial vectors and of every thread's random stream
    shrink_windows : draw each window's size uniformly from 1..window
    update : skip-gram only. "window": one gradient step per context window,
        negatives shared by the window (Ji et al.'s HogBatch, much faster);
        "pair": word2vec.c's per-pair updates with fresh negatives per pair.
    cbow_mean_gradient : CBOW only. False (default): every context word gets the
        full gradient of the mean, as in word2vec.c and gensim; True: the exact
        gradient, 1/n of it.
    progress : show a progress bar
    callbacks : callables ``f(model, epoch_loss)`` run at the end of each epoch
    checkpoint_dir : where to write checkpoints (None: none). The directory also
        keeps the corpus as word ids until training finishes; resume with
        :meth:`resume` or ``fit(..., resume=True)``. SIGINT and SIGTERM stop
        training at the next chunk boundary, after a checkpoint.
    checkpoint_every : seconds between checkpoints (None: not by time)
    checkpoint_words : words between checkpoints (None: not by count)
    """

    def __init__(self, *, vector_size: int = 100, window: int = 5, min_count: int = 5,
                 max_vocab_size: int | None = None, sample: float = 1e-3, arch: str = "skipgram",
                 loss: str = "negative", negative: int = 5, ns_exponent: float = 0.75,
                 alpha: float | None = None, min_alpha: float = 1e-4, epochs: int = 5,
                 workers: int | None = None, seed: int = 1, shrink_windows: bool = True,
                 update: str = "window", cbow_mean_gradient: bool = False, progress: bool = True,
                 callbacks: Sequence[Callable] = (), checkpoint_dir: str | os.PathLike | None = None,
                 checkpoint_every: float | None = 600.0, checkpoint_words: int | None = None):
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.max_vocab_size = max_vocab_size
        self.sample = sample
        self.arch = arch
        self.loss = loss
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.alpha = alpha
        self.min_alpha = min_alpha
        self.epochs = epochs
        self.workers = workers
        self.seed = seed
        self.shrink_windows = shrink_windows
        self.update = update
        self.cbow_mean_gradient = cbow_mean_gradient
        self.progress = progress
        self.callbacks = callbacks
        self.checkpoint_dir = checkpoint_dir
        self.checkpoint_every = checkpoint_every
        self.checkpoint_words = checkpoint_words

    def fit(self, corpus, tmp_dir: str | None = None, resume: bool = False) -> Word2Vec:
        """Learn vectors from ``corpus``: a path (text, .gz, .bz2, .xz), a directory,
        a list of paths, or a re-iterable of token lists. Returns ``self``.

        The corpus is stored as word ids for the epochs: in ``checkpoint_dir``
        when there is one, else in a temporary directory (``tmp_dir``, default
        the system's). With ``resume=True`` training continues from the newest
        readable checkpoint in ``checkpoint_dir`` (refused if it was written with
        other settings or from another corpus), or starts if there is none.
        """
        self._validate()
        start = time.perf_counter()
        checkpoints = Path(self.checkpoint_dir) if self.checkpoint_dir is not None else None
        if checkpoints is not None and has_checkpoints(checkpoints) and not resume:
            raise CheckpointError(f"checkpoint_dir {checkpoints} already holds checkpoints: resume them "
                                  f"(Word2Vec.resume or fit(..., resume=True)) or choose another directory")
        if checkpoints is not None and resume and has_checkpoints(checkpoints):
            self._resume_training(checkpoints, corpus_files(corpus) if corpus is not None else None)
        elif checkpoints is not None:
            checkpoints.mkdir(parents=True, exist_ok=True)
            self._train(scan_corpus(corpus, checkpoints, self.min_count, self.max_vocab_size, CORPUS_FILE),
                        corpus_fingerprint(corpus_files(corpus)))
        else:
            with tempfile.TemporaryDirectory(prefix="wordvec-", dir=tmp_dir) as workdir:
                self._train(scan_corpus(corpus, Path(workdir), self.min_count, self.max_vocab_size), None)
        self.seconds_ = time.perf_counter() - start
        return self

    @classmethod
    def resume(cls, checkpoint_dir: str | os.PathLike, progress: bool = True,
               workers: int | None = None) -> Word2Vec:
        """Continue the run whose checkpoints are in ``checkpoint_dir``, with its settings
        (and its number of threads, unless ``workers`` is given)."""
        arrays, meta, path = load_state(checkpoint_dir)
        model = cls(**{**meta["params"], "checkpoint_dir": checkpoint_dir, "progress": progress,
                       "workers": workers if workers is not None else meta.get("workers"),
                       "checkpoint_every": meta.get("checkpoint_every"),
                       "checkpoint_words": meta.get("checkpoint_words")})
        return model.fit(None, resume=True)

    def _resume_training(self, checkpoints: Path, files) -> None:
        arrays, meta, path = load_state(checkpoints)
        check_compatible(path, meta, self._settings(), corpus_fingerprint(files))
        vocab = Vocabulary(meta["words"], arrays["counts"])
        ids_path = checkpoints / CORPUS_FILE
        if not meta.get("finished") and not ids_path.is_file():
            raise CheckpointError(f"{ids_path}, the corpus of checkpoint {path}, is missing")
        scanned = ScannedCorpus(vocab, ids_path, vocab.total, int(meta.get("n_tokens", vocab.total)), 0.0)
        logger.info("resuming from %s: epoch %d, %d of %d words done", path, meta["epoch"] + 1, meta["done"],
                    self.epochs * vocab.total)
        self._train(scanned, meta.get("corpus"), (arrays, meta))

    def save(self, path: str | os.PathLike) -> None:
        """Save the trained model (both weight matrices, vocabulary with counts, settings,
        loss history) in the native format: .npz arrays and JSON, no pickle."""
        if not hasattr(self, "wv"):
            raise ValueError("this Word2Vec is not fitted yet: call fit first")
        params = {name: getattr(self, name) for name in _PARAMS}
        save_arrays(path, {"vectors": self.wv.vectors, "vectors_out": self.vectors_out_,
                           "counts": self.vocab_.counts},
                    {"format": _FORMAT, "version": 1, "words": self.wv.words, "params": params,
                     "loss_history": self.loss_history_, "words_per_second": self.words_per_second_})

    @classmethod
    def load(cls, path: str | os.PathLike, mmap: bool = False) -> Word2Vec:
        """Load a model written by :meth:`save` (``mmap=True`` maps the weights read-only)."""
        arrays, meta = load_arrays(path, mmap=mmap)
        wv = KeyedVectors._from_saved(path, arrays, meta, _FORMAT)
        try:
            model = cls(**{name: meta["params"][name] for name in _PARAMS})
            model._validate()
            model.vocab_ = Vocabulary(wv.words, arrays["counts"])
            model.loss_history_ = [float(x) for x in meta["loss_history"]]
            model.words_per_second_ = float(meta["words_per_second"])
            model.vectors_out_ = arrays["vectors_out"]
        except (KeyError, TypeError, ValueError) as exc:
            raise StorageError(f"{path} is not a valid {_FORMAT} file: {exc}") from None
        model.wv = wv
        return model

    def _train(self, scanned: ScannedCorpus, fingerprint: list | None, saved: tuple | None = None) -> None:
        vocab = scanned.vocab
        n, dim = len(vocab), self.vector_size
        schedule = self._schedule()
        if saved is None:
            rng = np.random.default_rng(self.seed)
            vectors_in = ((rng.random((n, dim), dtype=np.float32) - 0.5) / dim).astype(np.float32)
            vectors_out = np.zeros((max(n - 1, 1) if self.loss == "hierarchical" else n, dim), np.float32)
            progress = Progress(states=new_state(self.seed, schedule.workers), tallies=np.zeros((schedule.workers, 2)))
        else:
            arrays, meta = saved
            vectors_in, vectors_out = np.array(arrays["vectors_in"]), np.array(arrays["vectors_out"])
            progress = restore_progress(arrays, meta, schedule.workers, new_state(self.seed, schedule.workers))
        self.vocab_, self.loss_history_ = vocab, progress.loss_history
        self.wv = KeyedVectors(vocab.words, vectors_in)
        self.vectors_out_ = vectors_out

        def on_epoch_end(epoch: int, loss: float) -> None:
            logger.info("epoch %d/%d: mean loss %.4f", epoch + 1, self.epochs, loss)
            for callback in self.callbacks:
                callback(self, loss)

        checkpointer = None
        if self.checkpoint_dir is not None:
            meta = {"params": self._settings(), "words": vocab.words, "corpus": fingerprint,
                    "n_tokens": scanned.n_tokens, "workers": schedule.workers,
                    "checkpoint_every": self.checkpoint_every,
                    "checkpoint_words": self.checkpoint_words}
            checkpointer = Checkpointer(Path(self.checkpoint_dir), self.checkpoint_every, self.checkpoint_words, meta)
        words_before = progress.done
        with _stop_on_signals() as stop:
            seconds = run_epochs(scanned, vectors_in, vectors_out, self._kernel_settings(vocab), schedule,
                                 progress, self.progress, on_epoch_end, checkpointer, stop)
        self.words_per_second_ = (progress.done - words_before) / max(seconds, 1e-9)
        if checkpointer is not None:
            checkpointer.save(progress, vectors_in, vectors_out, vocab.counts, finished=True)
            (Path(self.checkpoint_dir) / CORPUS_FILE).unlink(missing_ok=True)
        logger.info("trained %d epochs of %d words (%.0f words/s)", self.epochs, scanned.n_words,
                    self.words_per_second_)

    def _settings(self) -> dict:
        """The settings a checkpoint must share with the run resuming it."""
        return {name: getattr(self, name) for name in _PARAMS if name not in ("workers", "progress")}

    def _kernel_settings(self, vocab: Vocabulary) -> KernelSettings:
        hierarchical = self.loss == "hierarchical"
        if hierarchical and len(vocab) > 1:
            codes, points, lengths = build_huffman(vocab.counts)
        else:
            codes, points, lengths = (np.zeros((1, 1), np.uint8), np.zeros((1, 1), np.int32),
                                      np.zeros(1, np.int32))
        noise_prob, noise_alias = build_alias(vocab.counts.astype(np.float64) ** self.ns_exponent)
        return KernelSettings(
            arch=ARCH_CBOW if self.arch == "cbow" else ARCH_SKIPGRAM,
            loss=LOSS_HIERARCHICAL if hierarchical else LOSS_NEGATIVE,
            per_window=self.update == "window", window=self.window,
            shrink_windows=self.shrink_windows, negative=self.negative,
            cbow_mean_gradient=self.cbow_mean_gradient,
            keep_prob=vocab.keep_probability(self.sample), noise_prob=noise_prob,
            noise_alias=noise_alias, codes=codes, points=points, lengths=lengths)

    def _schedule(self) -> Schedule:
        alpha = self.alpha if self.alpha is not None else (0.05 if self.arch == "cbow" else 0.025)
        workers = self.workers if self.workers is not None else default_workers()
        return Schedule(alpha, self.min_alpha, self.epochs, workers, self.seed)

    def _validate(self) -> None:
        """Check every parameter before any work; errors name parameter, value and range."""
        _check_int("vector_size", self.vector_size, 1)
        _check_int("window", self.window, 1)
        _check_int("min_count", self.min_count, 1)
        if self.max_vocab_size is not None:
            _check_int("max_vocab_size", self.max_vocab_size, 1, "or None")
        _check_float("sample", self.sample, 0.0)
        _check_choice("arch", self.arch, ("skipgram", "cbow"))
        _check_choice("loss", self.loss, ("negative", "hierarchical"))
        _check_int("negative", self.negative, 1 if self.loss == "negative" else 0,
                   'with loss="negative"' if self.loss == "negative" else "")
        _check_float("ns_exponent", self.ns_exponent, -math.inf)
        if self.alpha is not None:
            _check_float("alpha", self.alpha, 0.0, exclusive=True, extra="or None")
        _check_float("min_alpha", self.min_alpha, 0.0)
        _check_int("epochs", self.epochs, 1)
        if self.workers is not None:
            _check_int("workers", self.workers, 1, "or None")
        _check_int("seed", self.seed, 0)
        _check_choice("update", self.update, ("window", "pair"))
        for name in ("shrink_windows", "cbow_mean_gradient", "progress"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}={getattr(self, name)!r} must be True or False")
        if self.checkpoint_every is not None:
            _check_float("checkpoint_every", self.checkpoint_every, 0.0, exclusive=True, extra="(seconds) or None")
        if self.checkpoint_words is not None:
            _check_int("checkpoint_words", self.checkpoint_words, 1, "or None")
        if not all(callable(c) for c in self.callbacks):
            raise ValueError(f"callbacks={self.callbacks!r} must be a sequence of callables")


@contextlib.contextmanager
def _stop_on_signals():
    """An event set by SIGINT or SIGTERM while training (a second signal stops at once)."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        logger.warning("%s: stopping at the next safe point (again to stop at once)", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _check_int(name: str, value, low: int, extra: str = "") -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        suffix = f" {extra}" if extra else ""
        raise ValueError(f"{name}={value!r} must be an integer >= {low}{suffix}")


def _check_float(name: str, value, low: float, exclusive: bool = False, extra: str = "") -> None:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < low or (exclusive and value == low):
        bound = f"> {low}" if exclusive else (f">= {low}" if low > -math.inf else "finite")
        raise ValueError(f"{name}={value!r} must be a number {bound}{' ' + extra if extra else ''}")


def _check_choice(name: str, value, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name}={value!r} must be one of {', '.join(map(repr, choices))}")
