"""The Python loop around the kernel: epochs, learning-rate schedule, threads, progress.

Each epoch reads the corpus ids in chunks; every chunk gets the learning rate
of its place in the whole run (decaying linearly from ``alpha`` to
``min_alpha`` over all epochs) and goes to whichever worker thread is free.
The kernels release the GIL, so the threads train in parallel on shared
weights without locks (Hogwild). Each thread owns one random stream and its own
loss tally, summed in float64 at the end of the epoch.

With one worker the result depends only on the seed; with several, the order
in which threads update the shared weights varies from run to run.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from wordvec.engine.cpu.kernel import train_chunk
from wordvec.text.scan import ScannedCorpus, iter_chunks
from wordvec.training.state import Checkpointer, Progress, TrainingInterrupted

logger = logging.getLogger("wordvec")
CHUNK_TOKENS = 1 << 16


@dataclass
class KernelSettings:
    """Everything the kernel needs besides the chunk, the weights and the schedule."""

    arch: int
    loss: int
    per_window: bool
    window: int
    shrink_windows: bool
    negative: int
    cbow_mean_gradient: bool
    keep_prob: np.ndarray  # (n_words,)
    noise_prob: np.ndarray  # alias table (n_words,)
    noise_alias: np.ndarray
    codes: np.ndarray  # Huffman tree (n_words, max_len)
    points: np.ndarray
    lengths: np.ndarray


@dataclass
class Schedule:
    alpha: float
    min_alpha: float
    epochs: int
    workers: int
    seed: int

    def alpha_at(self, progress: float) -> float:
        """alpha_t = alpha - (alpha - min_alpha) * progress, progress in [0, 1] over all epochs."""
        return self.alpha - (self.alpha - self.min_alpha) * min(1.0, progress)


def run_epochs(scanned: ScannedCorpus, vectors_in: np.ndarray, vectors_out: np.ndarray,
               kernel: KernelSettings, schedule: Schedule, progress: Progress, show_progress: bool,
               on_epoch_end: Callable[[int, float], None], checkpointer: Checkpointer | None = None,
               stop: threading.Event | None = None) -> float:
    """Train the epochs from ``progress`` on (updated in place); returns the seconds spent.

    Between chunks, with every worker idle, a due checkpoint is written; when
    ``stop`` is set, one is written (if there is a checkpointer) and
    :class:`TrainingInterrupted` is raised.
    """
    total = schedule.epochs * scanned.n_words
    bar = tqdm(total=total, initial=progress.done, unit="word", unit_scale=True, disable=not show_progress,
               dynamic_ncols=True, mininterval=0.5)
    start = time.perf_counter()
    stop = stop or threading.Event()

    def pause_wanted() -> bool:
        return stop.is_set() or (checkpointer is not None and checkpointer.due(progress))

    def safe_point() -> None:
        if checkpointer is not None:
            checkpointer.save(progress, vectors_in, vectors_out, scanned.vocab.counts)
        if stop.is_set():
            where = (f"resume with Word2Vec.resume({str(checkpointer.directory)!r}) or wordvec train ... "
                     f"--checkpoint-dir {checkpointer.directory} --resume" if checkpointer is not None
                     else "no checkpoint_dir was set, so it cannot be resumed")
            raise TrainingInterrupted(f"training interrupted in epoch {progress.epoch + 1}; {where}")

    try:
        while progress.epoch < schedule.epochs:
            _run_epoch(scanned, vectors_in, vectors_out, kernel, schedule, progress, total, bar, pause_wanted,
                       safe_point)
            loss = progress.tallies[:, 0].sum() / max(progress.tallies[:, 1].sum(), 1.0)
            progress.loss_history.append(float(loss))
            progress.epoch, progress.position = progress.epoch + 1, 0
            progress.tallies[:] = 0.0
            bar.set_postfix(epoch=progress.epoch, loss=f"{loss:.4f}", refresh=False)
            on_epoch_end(progress.epoch - 1, float(loss))
    finally:
        bar.close()
    return time.perf_counter() - start


def _run_epoch(scanned, vectors_in, vectors_out, kernel, schedule, progress, total, bar, pause_wanted,
               safe_point) -> None:
    jobs: queue.Queue = queue.Queue(maxsize=2 * schedule.workers)
    errors: list[BaseException] = []
    lock = threading.Lock()
    tallies, states = progress.tallies, progress.states

    def work(stream: int) -> None:
        while (job := jobs.get()) is not None:
            try:
                if not errors:  # after a failure, only drain the queue
                    chunk, alpha_start, alpha_end = job
                    loss, predictions, words = train_chunk(
                        chunk, kernel.arch, kernel.loss, kernel.per_window, kernel.window,
                        kernel.shrink_windows, kernel.keep_prob, vectors_in, vectors_out, alpha_start,
                        alpha_end, kernel.negative, kernel.noise_prob, kernel.noise_alias, kernel.codes,
                        kernel.points, kernel.lengths, kernel.cbow_mean_gradient, states, stream)
                    tallies[stream, 0] += loss
                    tallies[stream, 1] += predictions
                    with lock:
                        bar.update(words)
                        bar.set_postfix(lr=f"{alpha_end:.5f}", loss=f"{loss / max(predictions, 1):.4f}",
                                        refresh=False)
            except BaseException as exc:  # reported in the main thread
                errors.append(exc)
            finally:
                jobs.task_done()
        jobs.task_done()

    threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(schedule.workers)]
    for t in threads:
        t.start()
    try:
        for position, chunk in iter_chunks(scanned.ids_path, CHUNK_TOKENS, start=progress.position):
            if errors:
                break
            progress.position = position
            if pause_wanted():
                jobs.join()  # every queued chunk done: the workers are idle
                if not errors:
                    safe_point()
            n = int(np.count_nonzero(chunk >= 0))
            jobs.put((chunk, schedule.alpha_at(progress.done / total), schedule.alpha_at((progress.done + n) / total)))
            progress.done += n
        jobs.join()
    finally:
        for _ in threads:
            jobs.put(None)
        for t in threads:
            t.join()
    if errors:
        raise errors[0]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
