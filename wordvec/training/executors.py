"""Executors: how the chunks of an epoch get trained, behind one small interface.

The epoch loop (``training.loop``) cuts the corpus into chunks, gives each its
learning rates, and hands them to an :class:`Executor`; it knows nothing of
threads, devices or machines. :class:`HogwildThreads` is the executor for host
backends: ``workers`` threads, each with its own random stream, update shared
weights without locks. The distributed executor (``training.distributed.Synchronised``)
wraps one of them per rank and adds the ranks' exchanges between chunks.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Protocol

import numpy as np

from wordvec.engine import Backend
from wordvec.engine.contract import ChunkResult

OnResult = Callable[[int, ChunkResult, float], None]  # (stream, result, alpha_end), from any thread
IDLE_SECONDS = 0.0005  # while a submit waits for room: how often it calls its idle function


class Executor(Protocol):
    """Trains submitted chunks; ``on_result`` is called once per finished chunk."""

    def submit(self, chunk: np.ndarray, alpha_start: float, alpha_end: float,
               idle: Callable[[], None] | None = None) -> None:
        """Queue a chunk (may block while the executor is busy, calling ``idle`` now and then)."""

    def wait(self) -> None:
        """Return once every submitted chunk is trained; raise the first error a chunk raised."""

    def close(self) -> None:
        """Stop the workers (after :meth:`wait`, or to abandon the queue on an error)."""


class HogwildThreads:
    """``workers`` threads calling ``backend.train_chunk`` on shared weights (Hogwild).

    Use as a context manager. After a failure the remaining queued chunks are
    skipped and :meth:`wait` raises the first error; leaving the block on an
    exception (an interrupt) skips the queued chunks too, so only the chunks in
    the threads' hands are finished.
    """

    def __init__(self, backend: Backend, workers: int, on_result: OnResult):
        self.backend, self.on_result = backend, on_result
        self._jobs: queue.Queue = queue.Queue(maxsize=1)  # one waiting chunk: a stop waits for little work
        self._errors: list[BaseException] = []
        self._cancelled = False
        self._threads = [threading.Thread(target=self._work, args=(k,), daemon=True) for k in range(workers)]
        for t in self._threads:
            t.start()

    def _work(self, stream: int) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                if not self._errors and not self._cancelled:  # after a failure or a cancel, only drain
                    chunk, alpha_start, alpha_end = job
                    self.on_result(stream, self.backend.train_chunk(chunk, alpha_start, alpha_end, stream), alpha_end)
            except BaseException as exc:  # reported by wait() in the caller's thread
                self._errors.append(exc)
            finally:
                self._jobs.task_done()
        self._jobs.task_done()

    def submit(self, chunk: np.ndarray, alpha_start: float, alpha_end: float,
               idle: Callable[[], None] | None = None) -> None:
        """Queue a chunk for the next free thread; while the queue is full, block, calling ``idle``
        every :data:`IDLE_SECONDS` if given (the distributed executor moves its allreduces on)."""
        if self._errors:
            raise self._errors[0]
        job = (chunk, alpha_start, alpha_end)
        while idle is not None:
            try:
                self._jobs.put(job, timeout=IDLE_SECONDS)
                return
            except queue.Full:
                idle()
        self._jobs.put(job)

    def wait(self) -> None:
        """Return once every queued chunk is trained; raise the first error a thread raised."""
        self._jobs.join()
        if self._errors:
            raise self._errors[0]

    def close(self) -> None:
        """Stop the threads (they finish the chunk they hold)."""
        for _ in self._threads:
            self._jobs.put(None)
        for t in self._threads:
            t.join()

    def __enter__(self) -> HogwildThreads:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self._cancelled = exc_type is not None  # leaving on an error or an interrupt: skip what is queued
        if exc_type is KeyboardInterrupt:  # a second SIGINT: stop at once, leaving the daemon threads
            return
        self.close()


def open_executor(backend: Backend, workers: int, on_result: OnResult) -> HogwildThreads:
    """The executor for ``backend`` (host backends: a pool of ``workers`` threads)."""
    return HogwildThreads(backend, workers, on_result)
