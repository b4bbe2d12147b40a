"""Data-parallel training over MPI: each rank trains its share of the corpus and the ranks
add up what they changed, every ``sync_words`` words.

Launched as ``mpiexec -n N wordvec train ... --distributed`` (or
``Word2Vec(distributed=True)`` under ``mpiexec``), every rank scans its own byte
ranges of the corpus (``text.scan.Share``; the vocabulary is the whole corpus's)
and runs the usual executor on them. :class:`Synchronised` wraps that executor:
at K points of every epoch, the same K on every rank, it waits for the chunks in
flight and adds up the ranks' changes since the last point with an allreduce:

    w <- w_last + sum_r (w_r - w_last),

Hogwild across ranks, each rank's updates reaching the others at the next point.
Every occurrence of a word thus gets its step, as in one process. Averaging the
changes of the rows several ranks changed, as model averaging does, was measured
and lost 0.05 analogy on 2 ranks (BENCHMARKS.md): a frequent word then gets half
its steps. A rank that fails stops every rank (:func:`fail_together`): the others
would otherwise wait for it forever in their next allreduce. mpi4py is imported
only here.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import sys

import numpy as np

from wordvec.engine.contract import Weights
from wordvec.errors import ParameterError
from wordvec.text.scan import Share
from wordvec.training.executors import Executor

logger = logging.getLogger("wordvec")
INSTALL = "pip install 'wordvec[mpi]'"
_LAUNCH_VARIABLES = ("PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS")


def open_world():
    """MPI's world communicator, or a one-line :class:`ParameterError` saying how to launch. Ranks
    other than 0 log warnings and errors only: rank 0 speaks for the run."""
    if not any(v in os.environ for v in _LAUNCH_VARIABLES):
        raise ParameterError("distributed=True runs under MPI: launch it as mpiexec -n 4 wordvec train CORPUS "
                             "-o model.npz --distributed (or mpiexec -n 4 python script.py)")
    try:
        from mpi4py import MPI
    except ImportError:
        raise ParameterError(f"distributed=True needs mpi4py and an MPI library: {INSTALL}") from None
    if MPI.COMM_WORLD.Get_rank() != 0:
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
    return MPI.COMM_WORLD


def writes_outputs(distributed: bool) -> bool:
    """Whether this process writes a run's outputs: always, except the ranks other than 0 under MPI."""
    if not distributed:
        return True
    from mpi4py import MPI

    return MPI.COMM_WORLD.Get_rank() == 0


@contextlib.contextmanager
def fail_together(comm):
    """Run a block on every rank; if it raises on one, print one line naming the rank and the error,
    and end every rank of the job (MPI's Abort: mpiexec then stops the others)."""
    if comm is None:
        yield
        return
    try:
        yield
    except BaseException as exc:
        what = "was interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        sys.stderr.write(f"wordvec: rank {comm.Get_rank()} of {comm.Get_size()} {what}, so every rank stops: "
                         f"{type(exc).__name__}: {exc}\n")
        sys.stderr.flush()
        comm.Abort(1)


def share_of(comm) -> Share:
    """This rank's share of the corpus, exchanging through ``comm``."""
    return Share(comm.Get_rank(), comm.Get_size(), comm.allgather)


class Synchronised:
    """An executor whose ranks combine their weights ``syncs`` times an epoch (see the module).

    ``words`` is this rank's words per epoch; the sync points fall after each
    1/``syncs`` of them, and a rank with no words still takes part in each.
    """

    def __init__(self, local: Executor, comm, weights: Weights, words: int, syncs: int):
        self.local, self.comm, self.weights, self.words, self.syncs = local, comm, weights, words, syncs
        self.last = [weights.vectors_in.copy(), weights.vectors_out.copy()]
        self.done, self.synced, self.bytes_sent = 0, 0, 0

    def submit(self, chunk: np.ndarray, alpha_start: float, alpha_end: float) -> None:
        self.local.submit(chunk, alpha_start, alpha_end)
        self.done += int(np.count_nonzero(chunk >= 0))
        while self.synced < self.syncs and self.done * self.syncs >= (self.synced + 1) * self.words:
            self.local.wait()
            self._combine()
        if self.synced == self.syncs:  # the epoch is over on this rank
            self._epoch_over()

    def wait(self) -> None:
        """Wait for the chunks in flight; at the end of an epoch of a rank without words, take
        part in the epoch's synchronisations."""
        self.local.wait()
        if self.words == 0:
            for _ in range(self.syncs):
                self._combine()
            self._epoch_over()

    def close(self) -> None:
        self.local.close()

    def __enter__(self) -> Synchronised:
        self.local.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.local.__exit__(*exc)

    def _epoch_over(self) -> None:
        if self.comm.Get_rank() == 0:
            logger.info("rank 0 of %d: %d exchanges this epoch, %.1f MB of changes sent", self.comm.Get_size(),
                        self.syncs, self.bytes_sent / 1e6)
        self.done = self.synced = self.bytes_sent = 0

    def _combine(self) -> None:
        from mpi4py import MPI

        for current, last in zip((self.weights.vectors_in, self.weights.vectors_out), self.last):
            delta = current - last
            self.comm.Allreduce(MPI.IN_PLACE, delta, op=MPI.SUM)
            last += delta
            current[:] = last
            self.bytes_sent += delta.nbytes
        self.synced += 1


def syncs_per_epoch(comm, words: int, sync_words: int) -> int:
    """The same number on every rank: enough that no rank trains more than ``sync_words`` between two."""
    from mpi4py import MPI

    most = comm.allreduce(words, op=MPI.MAX)
    return max(1, math.ceil(most / sync_words))
