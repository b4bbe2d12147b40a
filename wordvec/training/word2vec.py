"""``Word2Vec``: the estimator that learns word vectors from a corpus.

The constructor only stores its arguments (their table is ``wordvec.params``);
``fit`` validates them all, scans the vocabulary, builds the sampling tables,
opens a backend for ``device`` and an executor, runs the epoch loop and
returns ``self``.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from wordvec import params as table
from wordvec.engine import contract, open_backend
from wordvec.engine.cpu.rng import new_state
from wordvec.engine.tables import build_tables
from wordvec.errors import CheckpointError, ParameterError, TrainingDiverged
from wordvec.llvm_pages import release_llvm_pages
from wordvec.text.corpus import corpus_files
from wordvec.text.scan import ScannedCorpus, scan_corpus
from wordvec.text.vocab import Vocabulary
from wordvec.training import distributed, persist
from wordvec.training.distributed import fail_together, open_world, share_of, together
from wordvec.training.executors import open_executor
from wordvec.training.limits import bounded_chunk, check_memory
from wordvec.training.loop import Schedule, default_workers, run_epochs
from wordvec.training.signals import stop_on_signals
from wordvec.training.weights import bundle, grown_weights, input_rows, new_weights, ngrams_of, word_vectors
from wordvec.training.state import (
    Checkpointer,
    Progress,
    check_compatible,
    check_stored_corpus,
    corpus_fingerprint,
    has_checkpoints,
    load_state,
    restore_progress,
)
from wordvec.vectors.keyedvectors import KeyedVectors

logger = logging.getLogger("wordvec")


class Word2Vec:
    """Skip-gram or CBOW with negative sampling or hierarchical softmax.

    Every parameter is keyword-only; its default, meaning and allowed range
    come from the table in ``wordvec.params`` (listed below). ``fit`` checks
    them all before any work and raises :class:`~wordvec.errors.ParameterError`
    naming the parameter, its value and what is allowed.

    With ``workers=1`` a run depends only on ``seed`` and is repeatable bit for
    bit. With more threads the order in which they update the shared weights
    (without locks, Hogwild) varies from run to run, and so do the vectors.

    {params}

    Attributes
    ----------
    wv : KeyedVectors
        The learned input vectors, one row per vocabulary word.
    vocab_ : Vocabulary
        Words (most frequent first) and their counts.
    vectors_out_ : ndarray of float32, shape (n_words, vector_size) or (n_words - 1, vector_size)
        The output weights: one row per word (negative sampling) or per inner
        node of the Huffman tree (hierarchical softmax).
    vectors_in_ : ndarray of float32, shape (n_words + buckets, vector_size)
        With ``subwords``: the input rows, the words' then the n-gram buckets'
        (``wv`` holds each word's mean of its bag, and the bucket rows for unseen words).
    loss_history_ : list of float
        Mean loss per prediction of each epoch, each taken before its update.
    words_per_second_ : float
        Raw corpus words trained per second of the epoch loop.
    seconds_ : float
        Wall time of the whole ``fit``: scan, tables and training.
    """

    def __init__(self, **kwargs):
        unknown = sorted(set(kwargs) - set(table.PARAMS))
        if unknown:
            raise TypeError(f"Word2Vec got an unexpected keyword argument {unknown[0]!r}")
        for name, param in table.PARAMS.items():
            setattr(self, name, kwargs.get(name, param.default))

    def get_params(self) -> dict:
        """Every parameter's value, by name (as scikit-learn's ``get_params``)."""
        return {name: getattr(self, name) for name in table.PARAMS}

    def fit(self, corpus, tmp_dir: str | os.PathLike | None = None, resume: bool = False) -> Word2Vec:
        """Learn vectors from ``corpus``; returns ``self``.

        Parameters
        ----------
        corpus : path, list of paths, or re-iterable of token lists
            Text files (plain, .gz, .bz2, .xz; one sentence per line), directories
            of them, or lists of string tokens. A one-shot generator is refused.
        tmp_dir : path, optional
            Where the corpus is stored as word ids for the epochs when there is
            no ``checkpoint_dir`` (default: the system's temporary directory).
        resume : bool, default=False
            Continue from the newest readable checkpoint in ``checkpoint_dir``
            (refused if written with other settings or from another corpus), or
            start if there is none.
        """
        table.validate(self.get_params())
        if hasattr(self, "wv"):
            warnings.warn(f"fit starts from scratch: the fitted vocabulary of {len(self.wv)} words and its "
                          f"vectors are replaced (partial_fit continues training instead)", stacklevel=2)
        start = time.perf_counter()
        comm = self._world()
        if self.checkpoint_dir is None:
            workdir = Path(tmp_dir if tmp_dir is not None else tempfile.gettempdir())
            with fail_together(comm):
                scanned = self._scan(corpus, workdir, name=None, share=share_of(comm) if comm else None)
                with scanned.ids:  # a file without a name: gone when closed, or when the process dies
                    self._train(scanned, None, comm=comm)
        else:
            with fail_together(comm), distributed.lock_directory(Path(self.checkpoint_dir), comm):
                self._fit_with_checkpoints(corpus, Path(self.checkpoint_dir), resume, comm)
        self.seconds_ = time.perf_counter() - start
        return self

    def partial_fit(self, corpus, epochs: int | None = None,
                    tmp_dir: str | os.PathLike | None = None) -> Word2Vec:
        """Continue training on ``corpus`` from the fitted (or loaded) vectors; returns ``self``.

        Known words keep their vectors and their counts grow; words of ``corpus``
        that occur ``min_count`` times join the vocabulary with rows drawn as in
        :meth:`fit`; rows are re-sorted by count; the sampling tables and the
        Huffman tree are rebuilt; the learning rate falls from ``alpha`` to
        ``min_alpha`` over ``epochs`` passes of ``corpus`` alone. Under
        hierarchical softmax the output weights restart at zero, since the
        rebuilt tree's inner nodes are not the old ones. ``loss_history_`` grows
        by the new epochs. An unfitted model is fitted.

        Parameters
        ----------
        corpus : as in :meth:`fit`
        epochs : int, optional
            Passes over ``corpus`` (default: the model's ``epochs``).
        tmp_dir : path, optional
            As in :meth:`fit`.
        """
        table.validate(self.get_params())
        table.PARAMS["epochs"].check(epochs if epochs is not None else self.epochs)
        for name in ("distributed", "subwords"):
            if getattr(self, name):
                raise ParameterError(f"{name}=True is not available for partial_fit yet")
        if not hasattr(self, "wv"):
            return self.fit(corpus, tmp_dir) if epochs is None else self._fit_epochs(corpus, epochs, tmp_dir)
        if self.checkpoint_dir is not None:
            raise ParameterError(f"checkpoint_dir={str(self.checkpoint_dir)!r}: partial_fit does not write "
                                 f"checkpoints; set checkpoint_dir=None to continue training")
        start = time.perf_counter()
        workdir = Path(tmp_dir if tmp_dir is not None else tempfile.gettempdir())
        scanned = self._scan(corpus, workdir, name=None, base=self.vocab_)
        logger.info("continued training: %d new words, %d in all", len(scanned.vocab) - len(self.vocab_),
                    len(scanned.vocab))
        with scanned.ids:
            self._train(scanned, None, grown=self._grown_weights(scanned), epochs=epochs)
        self.seconds_ = time.perf_counter() - start
        return self

    def _fit_epochs(self, corpus, epochs: int, tmp_dir) -> Word2Vec:
        saved_epochs, self.epochs = self.epochs, epochs
        try:
            return self.fit(corpus, tmp_dir)
        finally:
            self.epochs = saved_epochs

    def _grown_weights(self, scanned: ScannedCorpus) -> tuple[np.ndarray, np.ndarray]:
        return grown_weights(scanned.moved, len(scanned.vocab), self.wv.vectors, self.vectors_out_,
                             self.loss == "hierarchical", np.random.default_rng([self.seed, len(self.loss_history_)]))

    def _fit_with_checkpoints(self, corpus, checkpoints: Path, resume: bool, comm=None) -> None:
        found = has_checkpoints(checkpoints)
        if comm is not None:
            distributed.agree(comm, found, f"whether {checkpoints} holds checkpoints")
        if found and not resume:
            raise together(CheckpointError(f"checkpoint_dir {checkpoints} already holds checkpoints: resume them "
                                           f"(Word2Vec.resume or fit(..., resume=True)) or choose another "
                                           f"directory"), comm)
        if found:
            self._resume_training(checkpoints, corpus_files(corpus) if corpus is not None else None, comm)
        else:
            self._train(self._scan(corpus, checkpoints, name=distributed.corpus_file(comm),
                                   share=share_of(comm) if comm else None),
                        corpus_fingerprint(corpus_files(corpus)), comm=comm)

    def _scan(self, corpus, workdir: Path, **options) -> ScannedCorpus:
        """``corpus`` counted and stored as ids in ``workdir`` with this model's vocabulary
        settings, threads and interleaving; ``options`` as :func:`scan_corpus`'s."""
        return scan_corpus(corpus, workdir, self.min_count, self.max_vocab_size, workers=self._schedule().workers,
                           interleave=self.interleave, **options)

    @classmethod
    def resume(cls, checkpoint_dir: str | os.PathLike, progress: bool = True,
               workers: int | None = None, device: str | None = None) -> Word2Vec:
        """Continue the run whose checkpoints are in ``checkpoint_dir``, with its settings
        (and its number of threads and its device, unless ``workers`` or ``device`` is given);
        returns the fitted model."""
        arrays, meta, path = load_state(checkpoint_dir)
        values = {name: value for name, value in meta["params"].items() if name in table.PARAMS}
        model = cls(**{**values, "checkpoint_dir": checkpoint_dir, "progress": progress,
                       "distributed": "ranks" in meta,
                       "workers": workers if workers is not None else meta.get("workers"),
                       "device": device if device is not None else meta.get("device", "cpu"),
                       "checkpoint_every": meta.get("checkpoint_every"),
                       "checkpoint_words": meta.get("checkpoint_words")})
        return model.fit(None, resume=True)

    def _resume_training(self, checkpoints: Path, files, comm=None) -> None:
        arrays, meta, path = load_state(checkpoints)
        if comm is not None:
            distributed.agree(comm, path.name, f"the newest checkpoint in {checkpoints}")
        check_compatible(path, meta, table.settings(self.get_params()), corpus_fingerprint(files))
        arrays, meta = distributed.rank_progress(arrays, meta, comm)
        vocab = Vocabulary(meta["words"], arrays["counts"])
        ids_path = checkpoints / distributed.corpus_file(comm)
        if not meta.get("finished"):
            check_stored_corpus(path, ids_path, meta, len(vocab))
        scanned = ScannedCorpus(vocab, ids_path, int(meta.get("n_words", vocab.total)),
                                int(meta.get("n_tokens", vocab.total)), 0.0, *meta.get("corpus_ids", (0, 0)))
        logger.info("resuming from %s: epoch %d, %d of %d words done", path, meta["epoch"] + 1, meta["done"],
                    self.epochs * scanned.n_words)
        self._train(scanned, meta.get("corpus"), (arrays, meta), comm=comm)

    def save(self, path: str | os.PathLike) -> None:
        """Save the fitted model in the native format (.npz arrays and JSON, no pickle):
        both weight matrices, the vocabulary with counts, the parameters and the loss history
        (with subwords, the input rows of the words and the n-gram buckets too)."""
        persist.save_model(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike, mmap: bool = False) -> Word2Vec:
        """Load a model written by :meth:`save` (``mmap=True`` maps the weights read-only).
        Parameters the file predates get their defaults."""
        return persist.load_model(cls, path, mmap)

    def _set_vectors(self, vocab, weights, ngrams) -> None:
        """``wv`` from the training weights: the rows themselves, or with subwords each word's bag mean
        and the bucket rows (for unseen words)."""
        if ngrams is None:
            self.wv = KeyedVectors(vocab.words, weights.vectors_in, vocab.counts)
            return
        self.vectors_in_ = weights.vectors_in
        self.wv = KeyedVectors(vocab.words, word_vectors(weights, len(vocab)), vocab.counts, ngrams,
                               weights.vectors_in[len(vocab):])

    def _refresh_vectors(self, backend, weights, n_words: int, ngrams) -> None:
        """A GPU's weights back into the host arrays, and with subwords ``wv``'s vectors composed again
        from them (without, ``wv`` holds the rows themselves)."""
        backend.host_weights()
        if ngrams is not None:
            self.wv.vectors[:] = word_vectors(weights, n_words)
            self.wv.fill_norms(force=True)

    def _world(self):
        """MPI's communicator for ``distributed=True`` (None otherwise), checking what it supports."""
        if not self.distributed:
            return None
        if self.device != "cpu":
            raise ParameterError(f"device={self.device!r} is not available with distributed=True yet")
        return open_world()

    def _train(self, scanned: ScannedCorpus, fingerprint: list | None, saved: tuple | None = None,
               grown: tuple | None = None, epochs: int | None = None, comm=None) -> None:
        """Train on the scanned corpus. A SIGINT or SIGTERM from here on asks for a stop at the first
        safe point, which writes a checkpoint: one while the weights are drawn or the kernels load
        (or compile, on a first run) had ended the run with nothing to resume from."""
        with stop_on_signals() as stop:
            self._train_until(stop, scanned, fingerprint, saved, grown, epochs, comm)

    def _train_until(self, stop, scanned: ScannedCorpus, fingerprint: list | None, saved: tuple | None,
                     grown: tuple | None, epochs: int | None, comm) -> None:
        vocab, schedule = scanned.vocab, self._schedule(epochs)
        ngrams = ngrams_of(self.get_params())
        check_memory(self.vector_size, len(vocab), self.loss == "hierarchical", input_rows(len(vocab), ngrams))
        release_llvm_pages()  # the scan's compiled code is loaded: LLVM's pages out before the weights come in
        weights, progress = self._initial_state(vocab, schedule.workers, saved, grown)
        if comm is not None and saved is None:  # the same first weights everywhere, other random streams on each rank
            progress.states[:] = new_state([self.seed, comm.Get_rank()], schedule.workers)
        self.vocab_, self.loss_history_ = vocab, progress.loss_history
        self.vectors_out_ = weights.vectors_out
        self._set_vectors(vocab, weights, ngrams)
        tables = build_tables(vocab.counts, vocab.keep_probability(self.sample),
                              table.noise_exponent(self.get_params()), self.loss == "hierarchical")
        backend = open_backend(self.device, weights, tables, self._kernel_settings(), progress.states)
        if backend.name == "cpu":  # a GPU's chunk takes milliseconds whatever the settings
            schedule.chunk_words = bounded_chunk(schedule.chunk_words, self._cost_per_word(tables, vocab.counts))
        if comm is not None:  # an exchange falls between chunks: a chunk within the words between two
            between = distributed.exchange_words(comm, self.sync_words)
            schedule.chunk_words = min(schedule.chunk_words, max(1024, between // schedule.workers // 4))

        def on_epoch_end(epoch: int, loss: float) -> None:
            logger.info("epoch %d/%d: mean loss %.4f", epoch + 1, schedule.epochs, loss)
            if self.callbacks:  # they see the words' vectors as they now are
                self._refresh_vectors(backend, weights, len(vocab), ngrams)
            for callback in self.callbacks:
                callback(self, loss)

        checkpointer = self._checkpointer(scanned, fingerprint, schedule.workers, backend, comm)
        words_before = progress.done
        try:
            executors = self._executors(backend, schedule, weights, scanned, comm, progress, stop, checkpointer,
                                        tables)
            # under MPI the ranks checkpoint and stop together, at their exchanges
            seconds = run_epochs(scanned, executors, schedule, progress,
                                 self.progress and (comm is None or comm.Get_rank() == 0), on_epoch_end,
                                 checkpointer if comm is None else None, stop if comm is None else None)
            self._refresh_vectors(backend, weights, len(vocab), ngrams)
            if not (_all_finite(weights.vectors_in) and _all_finite(weights.vectors_out)):
                raise TrainingDiverged("training diverged: the vectors hold NaN or infinite values")
        except TrainingDiverged as exc:
            raise TrainingDiverged(f"{exc}; the learning rate alpha={schedule.alpha} is likely too high "
                                   f"(the default is {table.initial_alpha({**self.get_params(), 'alpha': None})}); "
                                   f"nothing was saved") from None
        self.words_per_second_ = (progress.done - words_before) / max(seconds, 1e-9)
        if checkpointer is not None:
            checkpointer.save(progress, finished=True)
            (Path(self.checkpoint_dir) / distributed.corpus_file(comm)).unlink(missing_ok=True)
        logger.info("trained %d epochs of %d words (%.0f words/s)", schedule.epochs, scanned.n_words,
                    self.words_per_second_)

    def _executors(self, backend, schedule: Schedule, weights, scanned: ScannedCorpus, comm, progress, stop,
                   checkpointer, tables):
        """What opens the run's executor: threads on the backend, synchronised across ranks under MPI."""
        if comm is None:
            return lambda on_result: open_executor(backend, schedule.workers, on_result)
        syncs = distributed.syncs_per_epoch(comm, scanned.n_words, self.sync_words)
        rates = distributed.update_rates(scanned.vocab.counts, tables, self._kernel_settings(), weights)
        return lambda on_result: distributed.Synchronised(open_executor(backend, schedule.workers, on_result), comm,
                                                          weights, scanned.n_words, syncs, progress, stop,
                                                          checkpointer, rates,
                                                          schedule.chunk_words * schedule.workers)

    def _initial_state(self, vocab, workers: int, saved: tuple | None,
                       grown: tuple | None = None) -> tuple[contract.Weights, Progress]:
        """Weights and progress of a new run, of a continued one (``grown`` weights), or of a checkpoint."""
        if grown is not None:
            vectors_in, vectors_out = grown
            history = list(self.loss_history_)
            progress = Progress(states=new_state(self.seed + len(history), workers),
                                tallies=np.zeros((workers, 2)), loss_history=history)
        elif saved is None:
            vectors_in, vectors_out = new_weights(len(vocab), self.vector_size, self.seed, self.loss == "hierarchical",
                                                  ngrams_of(self.get_params()), workers)
            progress = Progress(states=new_state(self.seed, workers), tallies=np.zeros((workers, 2)))
        else:
            arrays, meta = saved
            vectors_in, vectors_out = np.array(arrays["vectors_in"]), np.array(arrays["vectors_out"])
            progress = restore_progress(arrays, meta, workers, new_state(self.seed, workers))
        return bundle(vectors_in, vectors_out, vocab, ngrams_of(self.get_params())), progress

    def _checkpointer(self, scanned: ScannedCorpus, fingerprint, workers: int, backend,
                      comm=None) -> Checkpointer | None:
        if self.checkpoint_dir is None:
            return None
        meta = {"params": table.settings(self.get_params()), "words": scanned.vocab.words, "corpus": fingerprint,
                "n_tokens": scanned.n_tokens, "corpus_ids": [scanned.n_ids, scanned.crc32], "workers": workers,
                "device": self.device,
                "checkpoint_every": self.checkpoint_every, "checkpoint_words": self.checkpoint_words}

        def arrays() -> dict:
            weights = backend.host_weights()
            return {"vectors_in": weights.vectors_in, "vectors_out": weights.vectors_out,
                    "counts": scanned.vocab.counts}

        args = (Path(self.checkpoint_dir), self.checkpoint_every, self.checkpoint_words, meta, arrays)
        if comm is None:
            return Checkpointer(*args)
        mine = {"n_words": scanned.n_words, "n_tokens": scanned.n_tokens, "corpus_ids": [scanned.n_ids, scanned.crc32]}
        return distributed.SharedCheckpointer(comm, mine, *args)

    def _kernel_settings(self) -> contract.Settings:
        return contract.Settings(
            arch=contract.ARCH_CBOW if self.arch == "cbow" else contract.ARCH_SKIPGRAM,
            loss=contract.LOSS_HIERARCHICAL if self.loss == "hierarchical" else contract.LOSS_NEGATIVE,
            per_window=self._update() == "window", window=self.window, shrink_windows=self.shrink_windows,
            negative=self.negative, cbow_mean_gradient=self.cbow_mean_gradient,
            top_rows=contract.TOP_NODES if self.loss == "hierarchical" else 0)

    def _update(self) -> str:
        """``update``, with 'auto' resolved: 'pair' under hierarchical softmax on the CPU, where two threads
        run it as fast as 'window' and it scored 0.01-0.02 higher in analogies on mix8m (BENCHMARKS.md)."""
        if self.update != "auto":
            return self.update
        return "pair" if self.loss == "hierarchical" and self.device == "cpu" else "window"

    def _schedule(self, epochs: int | None = None) -> Schedule:
        gpu = self.device == "cuda"
        workers = self.workers if self.workers is not None else 2 if gpu else default_workers()
        chunk = self.chunk_words if self.chunk_words is not None else 1 << 20 if gpu else 1 << 16
        return Schedule(table.initial_alpha(self.get_params()), self.min_alpha, epochs or self.epochs, workers, chunk,
                        even_tail=not gpu)

    def _cost_per_word(self, tables, counts: np.ndarray) -> float:
        """Float operations per corpus word, roughly: what bounds a chunk's time."""
        if self.loss == "hierarchical":
            outputs = float(np.average(tables.lengths, weights=counts)) if len(counts) > 1 else 1.0
        else:
            outputs = self.negative + 1.0
        per_window = outputs + 2 * self.window if self.arch == "cbow" else 2 * self.window * outputs
        return per_window * self.vector_size


def _all_finite(matrix: np.ndarray, rows: int = 4096) -> bool:
    """Whether every value is finite, checked a block of rows at a time (no mask as large as the matrix)."""
    return all(np.isfinite(matrix[i:i + rows]).all() for i in range(0, len(matrix), rows))


Word2Vec.__doc__ = Word2Vec.__doc__.replace("{params}", table.numpydoc().replace("\n", "\n    "))
Word2Vec.__init__.__signature__ = table.signature()
