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

from wordvec.engine.rng import new_state
from wordvec.engine.train import train_chunk
from wordvec.scan import ScannedCorpus, iter_chunks

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
               kernel: KernelSettings, schedule: Schedule, show_progress: bool,
               on_epoch_end: Callable[[int, float], None]) -> float:
    """Train all epochs; returns the seconds spent training."""
    states = new_state(schedule.seed, schedule.workers)
    total = schedule.epochs * scanned.n_words
    bar = tqdm(total=total, unit="word", unit_scale=True, disable=not show_progress,
               dynamic_ncols=True, mininterval=0.5)
    start = time.perf_counter()
    try:
        done = 0
        for epoch in range(schedule.epochs):
            tallies = np.zeros((schedule.workers, 2))  # loss sum, predictions (float64)
            done = _run_epoch(scanned, vectors_in, vectors_out, kernel, schedule, states, tallies,
                              done, total, bar)
            loss = tallies[:, 0].sum() / max(tallies[:, 1].sum(), 1.0)
            bar.set_postfix(epoch=epoch + 1, loss=f"{loss:.4f}", refresh=False)
            on_epoch_end(epoch, float(loss))
    finally:
        bar.close()
    return time.perf_counter() - start


def _run_epoch(scanned, vectors_in, vectors_out, kernel, schedule, states, tallies, done, total, bar) -> int:
    jobs: queue.Queue = queue.Queue(maxsize=2 * schedule.workers)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(stream: int) -> None:
        while (job := jobs.get()) is not None:
            if errors:
                continue  # drain the queue after a failure
            chunk, alpha_start, alpha_end = job
            try:
                loss, predictions, words = train_chunk(
                    chunk, kernel.arch, kernel.loss, kernel.per_window, kernel.window,
                    kernel.shrink_windows, kernel.keep_prob, vectors_in, vectors_out, alpha_start,
                    alpha_end, kernel.negative, kernel.noise_prob, kernel.noise_alias, kernel.codes,
                    kernel.points, kernel.lengths, kernel.cbow_mean_gradient, states, stream)
            except BaseException as exc:  # reported in the main thread
                errors.append(exc)
                continue
            tallies[stream, 0] += loss
            tallies[stream, 1] += predictions
            with lock:
                bar.update(words)
                bar.set_postfix(lr=f"{alpha_end:.5f}", loss=f"{loss / max(predictions, 1):.4f}", refresh=False)

    threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(schedule.workers)]
    for t in threads:
        t.start()
    try:
        for chunk in iter_chunks(scanned.ids_path, CHUNK_TOKENS):
            if errors:
                break
            n = int(np.count_nonzero(chunk >= 0))
            jobs.put((chunk, schedule.alpha_at(done / total), schedule.alpha_at((done + n) / total)))
            done += n
    finally:
        for _ in threads:
            jobs.put(None)
        for t in threads:
            t.join()
    if errors:
        raise errors[0]
    return done


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
