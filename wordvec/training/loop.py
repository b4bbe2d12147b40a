"""The epoch loop: schedule, progress, callbacks, checkpoints and stop requests.

Each epoch reads the corpus ids in chunks; every chunk gets the learning rate
of its place in the whole run (decaying linearly from ``alpha`` to
``min_alpha`` over all epochs) and goes to the executor (``training.executors``),
which decides where and how it is trained. Between chunks, with the executor
idle, a due checkpoint is written, and a stop request (SIGINT, SIGTERM) ends
the run after one. Each stream keeps its own loss tally, summed in float64 at
the end of the epoch.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from wordvec.engine.contract import ChunkResult
from wordvec.errors import TrainingDiverged, TrainingInterrupted
from wordvec.text.ids import iter_chunks
from wordvec.text.scan import ScannedCorpus
from wordvec.training.executors import Executor, OnResult
from wordvec.training.state import Checkpointer, Progress

logger = logging.getLogger("wordvec")
LOG_EVERY = 15.0  # seconds between progress lines when stderr is not a terminal


@dataclass
class Schedule:
    """The learning-rate schedule of a run and its parallelism."""

    alpha: float
    min_alpha: float
    epochs: int
    workers: int
    chunk_words: int
    even_tail: bool = True  # chunks shrink toward each epoch's end so that the workers end it together
    # (host threads: without it all but one wait for the last large chunk; a GPU's streams share one card)

    def alpha_at(self, progress: float) -> float:
        """alpha_t = alpha - (alpha - min_alpha) * progress, progress in [0, 1] over all epochs."""
        return self.alpha - (self.alpha - self.min_alpha) * min(1.0, progress)


def run_epochs(scanned: ScannedCorpus, make_executor: Callable[[OnResult], Executor], schedule: Schedule,
               progress: Progress, show_progress: bool, on_epoch_end: Callable[[int, float], None],
               checkpointer: Checkpointer | None = None, stop: threading.Event | None = None) -> float:
    """Train the epochs from ``progress`` on (updated in place); returns the seconds spent.

    ``make_executor(on_result)`` opens the executor. When ``stop`` is set, a
    checkpoint is written (if there is a checkpointer) and
    :class:`~wordvec.errors.TrainingInterrupted` is raised.
    """
    total = schedule.epochs * scanned.n_words
    on_terminal = sys.stderr.isatty()  # a bar on a terminal; periodic log lines in a redirected log
    bar = tqdm(total=total, initial=progress.done, unit="word", unit_scale=True,
               disable=not (show_progress and on_terminal), dynamic_ncols=True, mininterval=0.5)
    lock = threading.Lock()
    health = _Health()
    started, last_line, seen = time.monotonic(), [time.monotonic()], [0]  # seen: words since this call began

    def on_result(stream: int, result: ChunkResult, alpha_end: float) -> None:
        health.check(result, progress.epoch)
        progress.tallies[stream, 0] += result.loss
        progress.tallies[stream, 1] += result.predictions
        with lock:
            bar.update(result.words)
            seen[0] += result.words
            loss = result.loss / max(result.predictions, 1)
            bar.set_postfix(lr=f"{alpha_end:.5f}", loss=f"{loss:.4f}", refresh=False)
            if show_progress and not on_terminal and time.monotonic() - last_line[0] >= LOG_EVERY:
                last_line[0] = now = time.monotonic()
                logger.info("epoch %d/%d: %.0f%% of the run, %.0f words/s, lr %.5f, loss %.4f",
                            progress.epoch + 1, schedule.epochs, 100 * progress.done / max(total, 1),
                            seen[0] / max(now - started, 1e-9), alpha_end, loss)

    start = time.perf_counter()
    stop = stop or threading.Event()
    try:
        with make_executor(on_result) as executor:
            while progress.epoch < schedule.epochs:
                _run_epoch(scanned, executor, schedule, progress, total, checkpointer, stop, health)
                loss = progress.tallies[:, 0].sum() / max(progress.tallies[:, 1].sum(), 1.0)
                progress.loss_history.append(float(loss))
                progress.epoch, progress.position = progress.epoch + 1, 0
                progress.tallies[:] = 0.0
                bar.set_postfix(epoch=progress.epoch, loss=f"{loss:.4f}", refresh=False)
                on_epoch_end(progress.epoch - 1, float(loss))
    finally:
        bar.close()
    if stop.is_set():  # asked once the last chunks were queued: their end is the next safe point
        logger.warning("the stop request came after the last chunk had been queued: training is complete")
    return time.perf_counter() - start


def _run_epoch(scanned: ScannedCorpus, executor: Executor, schedule: Schedule, progress: Progress, total: int,
               checkpointer: Checkpointer | None, stop: threading.Event, health: _Health) -> None:
    workers = schedule.workers if schedule.even_tail else 1
    for position, chunk in iter_chunks(scanned.ids, schedule.chunk_words, progress.position, workers):
        progress.position = position
        health.raise_if_diverged()
        if stop.is_set() or (checkpointer is not None and checkpointer.due(progress)):
            executor.wait()  # every submitted chunk done: a safe point
            health.raise_if_diverged()  # never checkpoint broken weights
            _safe_point(progress, checkpointer, stop)
        n = int(np.count_nonzero(chunk >= 0))
        alphas = schedule.alpha_at(progress.done / total), schedule.alpha_at((progress.done + n) / total)
        progress.position, progress.done = position + len(chunk), progress.done + n  # as it stands once trained
        executor.submit(chunk, *alphas)
    executor.wait()
    health.raise_if_diverged()


class _Health:
    """Watches the loss of every chunk: NaN or infinite, or a mean loss per prediction that
    grew tenfold (and by more than 10) over the first chunk's, means the training diverged."""

    def __init__(self) -> None:
        self.first: float | None = None
        self.problem: str | None = None

    def check(self, result: ChunkResult, epoch: int) -> None:
        mean = result.loss / max(result.predictions, 1)
        if self.first is None and math.isfinite(mean):
            self.first = mean
        if not math.isfinite(mean):
            self.problem = f"the loss became {mean} in epoch {epoch + 1}"
        elif self.first is not None and mean > 10 * self.first + 10:
            self.problem = (f"the mean loss per prediction grew from {self.first:.3g} to {mean:.3g} "
                            f"in epoch {epoch + 1}")

    def raise_if_diverged(self) -> None:
        if self.problem is not None:
            raise TrainingDiverged(f"training diverged: {self.problem}")


def _safe_point(progress: Progress, checkpointer: Checkpointer | None, stop: threading.Event) -> None:
    """Write a checkpoint; on a stop request, then end the run saying how to resume."""
    if checkpointer is not None:
        checkpointer.save(progress)
    if stop.is_set():
        where = (f"resume with Word2Vec.resume({str(checkpointer.directory)!r}) or wordvec train ... "
                 f"--checkpoint-dir {checkpointer.directory} --resume" if checkpointer is not None
                 else "no checkpoint_dir was set, so it cannot be resumed")
        raise TrainingInterrupted(f"training interrupted in epoch {progress.epoch + 1}; {where}")


def default_workers() -> int:
    """The cores this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
