"""Data-parallel training over MPI: each rank trains its share of the corpus and the ranks
add up what they changed, every ``sync_words`` words.

Launched as ``mpiexec -n N wordvec train ... --distributed`` (or
``Word2Vec(distributed=True)`` under ``mpiexec``), every rank scans its own byte
ranges of the corpus (``text.scan.Share``; the vocabulary is the whole corpus's),
:data:`text.scan.SHARE_PIECES` stretches dealt in turn from all along it, and runs
the usual executor on them. Dealt so, the ranks train side by side on the same
mixture of the corpus's parts; with one contiguous half each of mix8m (a dictionary,
then other sources) 2 ranks' SimLex fell 0.004-0.008 under one process's, dealt so
0.001 (ten seeds, BENCHMARKS.md). :class:`Synchronised` wraps that executor:
at K points of every epoch, the same K on every rank, it waits for the chunks in
flight and adds up the ranks' changes since the last point with an allreduce:

    w <- w_last + s_row sum_r (w_r - w_last),

Hogwild across ranks, each rank's updates reaching the others at the next point.
Of the input matrix only the rows of the words some rank read since the last point
go (the others have w_r = w_last on every rank): on 2 ranks of mix8m half of them.
With s_row = 1 (the plain sum) every occurrence of a word gets its step, as in one
process. Averaging instead (s_row = 1/N, model averaging) was measured and lost
0.05 analogy on 2 ranks (BENCHMARKS.md): a frequent word then gets half its
steps. But with 4 and 8 ranks the plain sum diverged (3 were not measured). Our
reading: a row that every rank updates hundreds of times between two exchanges
(a frequent word's) moves on each rank about as far as its gradients let it, and
N such moves added up overshoot. So the rows are damped by how often each rank
updates them (:func:`damping`): from s = 1 for rows each rank touches a few times
(a rare word's change is that rank's alone) down towards 1/N, the mean, for the
most frequent. Two ranks overshoot far less and damp only the rows updated
thousands of times (U0 :data:`DAMPED_UPDATES_TWO`); damped as from 3 ranks on,
they lost quality on every set (BENCHMARKS.md).

From 3 ranks on, the hot rows (those each rank updates at least :data:`HOT_UPDATES`
times between two exchanges) are also exchanged :data:`HOT_EXCHANGES` - 1 times in
between, as pWord2Vec synchronises frequent words more often than rare ones: a few
thousand rows, so a small fraction of the bytes of the whole model, and damped by
their updates over the shorter interval. A hot exchange does not stop the rank: its
allreduce is begun at one point and finished at the next (or before a whole exchange),
so the ranks' hot changes arrive a part late, and the threads go on training meanwhile;
what they add after a hot exchange's snapshot is kept and travels with the next one.

A rank that fails stops every rank (:func:`fail_together`): the others
would otherwise wait for it forever in their next allreduce.

Checkpoints are taken at the exchange points, where every rank holds the same
weights: the ranks agree there whether one is due (rank 0's clock) or a stop was
asked for on any rank, and rank 0 writes it with every rank's position
(:class:`SharedCheckpointer`). Each rank keeps its share of the corpus as ids
in the checkpoint directory, which must be one every rank sees (a shared file
system on a cluster). A run resumes with the same number of ranks. mpi4py is
imported only here.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import sys
import time

import numpy as np

from wordvec.engine.contract import ARCH_CBOW, LOSS_HIERARCHICAL, Settings, Tables, Weights
from wordvec.errors import CheckpointError, ParameterError, TrainingInterrupted
from wordvec.text.scan import Share
from wordvec.training.exchange import add_up, apply_hot, hot_changes
from wordvec.training.executors import Executor
from wordvec.training.state import CORPUS_FILE, Checkpointer, Progress, run_lock

logger = logging.getLogger("wordvec")
INSTALL = "pip install 'wordvec[mpi]'"
DAMPED_UPDATES = 300.0  # U0 of damping(): chosen from 4- and 8-rank runs on mix8m (BENCHMARKS.md, issue 13)
DAMPED_UPDATES_TWO = 10_000.0  # 2 ranks': of 300, 1,000, 3,000, 10,000, none: the best SimLex (BENCHMARKS.md)
HOT_EXCHANGES = 16  # from 3 ranks on, the hot rows are exchanged this many times per exchange of the whole model
HOT_UPDATES = 30.0  # a row is hot when each rank updates it this many times between two whole exchanges
EXCHANGE_BLOCK_BYTES = 1 << 20  # a whole exchange's block (exchange.add_up): 2,048-4,096 rows of 100 fastest
HOT_FROM_RANKS = 3  # 2 ranks have no hot exchanges: there they cost more than they gained (BENCHMARKS.md)
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


def together(exc: BaseException, comm) -> BaseException:
    """Mark an error that every rank raises at the same point (under MPI; ``comm`` None: as is)."""
    if comm is not None:
        exc.on_every_rank = True
    return exc


@contextlib.contextmanager
def fail_together(comm):
    """Run a block on every rank; if it raises on one, print one line naming the rank and the error,
    and end every rank of the job (MPI's Abort: mpiexec then stops the others). An error that every
    rank raised together (:func:`together`) is rank 0's to report; the other ranks exit quietly."""
    if comm is None:
        yield
        return
    try:
        yield
    except BaseException as exc:
        if getattr(exc, "on_every_rank", False):
            if comm.Get_rank() == 0:
                raise
            raise SystemExit(130 if isinstance(exc, KeyboardInterrupt) else 1) from None
        what = "was interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        sys.stderr.write(f"wordvec: rank {comm.Get_rank()} of {comm.Get_size()} {what}, so every rank stops: "
                         f"{type(exc).__name__}: {exc}\n")
        sys.stderr.flush()
        comm.Abort(1)
        raise  # should Abort return, this rank stops all the same


def share_of(comm) -> Share:
    """This rank's share of the corpus, exchanging through ``comm``."""
    return Share(comm.Get_rank(), comm.Get_size(), comm.allgather)


class Synchronised:
    """An executor whose ranks combine their weights ``syncs`` times an epoch (see the module).

    ``rates``: each matrix's :func:`update_rates` (None: no damping, no hot rows).
    ``words`` is this rank's words per epoch; the whole model is exchanged after each
    1/``syncs`` of them and the hot rows after each 1/(``syncs`` x ``parts``), the same
    points on every rank, and a rank with no words still takes part in each (``parts``:
    :func:`hot_parts`, given ``round_words``, the words of a chunk for each thread). At each
    whole exchange the ranks agree whether to checkpoint (``checkpointer``) or stop
    (``stop`` set on any rank); ``progress`` is this rank's, as it stands after the chunks
    submitted so far (``progress.synced``: the whole exchanges passed this epoch).
    """

    def __init__(self, local: Executor, comm, weights: Weights, words: int, syncs: int, progress: Progress,
                 stop, checkpointer: SharedCheckpointer | None = None, rates: list[np.ndarray] | None = None,
                 round_words: int = 1):
        self.local, self.comm, self.weights, self.words, self.syncs = local, comm, weights, words, syncs
        self.progress, self.stop, self.checkpointer = progress, stop, checkpointer
        self.last = [weights.vectors_in.copy(), weights.vectors_out.copy()]
        rows = max(1, EXCHANGE_BLOCK_BYTES // weights.vectors_in[:1].nbytes)  # (made once: a fresh one each exchange
        self.delta = np.empty((rows, weights.vectors_in.shape[1]), dtype=np.float32)  # page-faults)
        words_in = len(weights.vectors_in) if weights.bag_indptr is None else len(weights.bag_indptr) - 1
        self.read = np.zeros(words_in, dtype=np.uint8)  # 1: a word in a chunk since the last whole exchange
        self.done = progress.done - progress.epoch * words  # this epoch's words, resumed mid-epoch
        self.bytes_sent, self.draining, self.exchanging = 0, 0.0, 0.0  # this epoch's bytes and seconds
        self.scales = [None, None]  # one rank (or no rates): the plain sum
        self.hot, self.parts = [], 1
        if rates is not None and comm.Get_size() >= 2:
            between = comm.allreduce(words) / comm.Get_size() / syncs  # a rank's words between exchanges, on average
            u0 = DAMPED_UPDATES if comm.Get_size() >= HOT_FROM_RANKS else DAMPED_UPDATES_TWO
            self.scales = [damping(r, between, comm.Get_size(), u0) for r in rates]
            if comm.Get_size() >= HOT_FROM_RANKS:
                self.parts = hot_parts(between, round_words)
        if self.parts > 1:
            for scale, rate in zip(self.scales, rates):  # a hot row's change spans a part: damped by its updates then
                hot = comm.bcast(np.flatnonzero(rate * between >= HOT_UPDATES), root=0)  # rank 0's, lest floats differ
                scale[hot] = damping(rate[hot], between / self.parts, comm.Get_size())
                buffers = np.empty((2, len(hot), weights.vectors_in.shape[1]), dtype=np.float32)  # mine, summed
                self.hot.append((hot, scale[hot], *buffers))
        self.exchanged = progress.synced * self.parts  # exchanges of either kind this epoch
        self.in_flight = []  # the hot exchange begun at the last point: its allreduces' requests
        if progress.synced == self.syncs:  # resumed at the last exchange of an epoch: its exchanges are over
            self._epoch_over()

    def submit(self, chunk: np.ndarray, alpha_start: float, alpha_end: float) -> None:
        self.local.submit(chunk, alpha_start, alpha_end, self._move_on if self.in_flight else None)
        self.done += int(np.count_nonzero(chunk >= 0))
        self.read[chunk[chunk >= 0]] = 1
        self._move_on()
        while (self.progress.synced < self.syncs
               and self.done * self.syncs * self.parts >= (self.exchanged + 1) * self.words):
            self._exchange()
        if self.progress.synced == self.syncs:  # the epoch is over on this rank
            self._epoch_over()

    def _move_on(self) -> None:
        """MPI moves a collective on only inside its calls: the hot exchange in flight is tested
        while the threads train (each submit, and while it waits for room), lest the whole of its
        allreduce be left for the next point (2 ranks with hot exchanges: 5.5 ms a point, BENCHMARKS.md)."""
        for request in self.in_flight:
            request.Test()

    def wait(self) -> None:
        """Wait for the chunks in flight; at the end of an epoch of a rank without words, take
        part in the epoch's exchanges."""
        self.local.wait()
        if self.words == 0:
            while self.progress.synced < self.syncs:
                self._exchange()
            self._epoch_over()

    def close(self) -> None:
        self.local.close()

    def __enter__(self) -> Synchronised:
        self.local.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.local.__exit__(*exc)

    def _epoch_over(self) -> None:
        if self.comm.Get_rank() == 0 and self.bytes_sent:
            hot = f" and {self.exchanged - self.progress.synced} of the hot rows" if self.hot else ""
            logger.info("rank 0 of %d: %d exchanges of the whole model this epoch%s, %.1f MB of changes sent; "
                        "%.2f s waiting for the chunks in flight before the whole exchanges, %.2f s in the exchanges "
                        "(waiting for the other ranks included)", self.comm.Get_size(), self.progress.synced, hot,
                        self.bytes_sent / 1e6, self.draining, self.exchanging)
        self.done = self.progress.synced = self.bytes_sent = self.exchanged = 0
        self.draining = self.exchanging = 0.0

    def _exchange(self) -> None:
        self.exchanged += 1
        start = time.perf_counter()
        self._finish_hot()
        if self.exchanged % self.parts:
            self._begin_hot()
        else:
            self.local.wait()
            drained = time.perf_counter()
            self.draining += drained - start
            self._combine()
            start = drained
        self.exchanging += time.perf_counter() - start

    def _begin_hot(self) -> None:
        """Begin adding up the ranks' changes of the hot rows (d, this rank's change up to now, kept),
        while the threads train; :meth:`_finish_hot` applies them."""
        from mpi4py import MPI

        matrices = (self.weights.vectors_in, self.weights.vectors_out)
        for current, last, (rows, _, mine, summed) in zip(matrices, self.last, self.hot):
            hot_changes(current, last, rows, mine, summed)
            self.in_flight.append(self.comm.Iallreduce(MPI.IN_PLACE, summed, op=MPI.SUM))
            self.bytes_sent += summed.nbytes

    def _finish_hot(self) -> None:
        """Wait for the hot exchange in flight, if any, and apply it: w <- w + (s sum_r d_r - d), so
        that what the threads added since it began stays."""
        if not self.in_flight:
            return
        for request in self.in_flight:
            request.Wait()
        self.in_flight = []
        matrices = (self.weights.vectors_in, self.weights.vectors_out)
        for current, last, (rows, scale, mine, summed) in zip(matrices, self.last, self.hot):
            apply_hot(current, last, rows, mine, summed, scale)

    def _combine(self) -> None:
        from mpi4py import MPI

        def allreduce(block):
            self.comm.Allreduce(MPI.IN_PLACE, block, op=MPI.SUM)

        matrices = (self.weights.vectors_in, self.weights.vectors_out)
        for current, last, rows, scale in zip(matrices, self.last, (self._inputs_read(), None), self.scales):
            add_up(current, last, rows, scale, self.delta, allreduce)
            self.bytes_sent += current[:1].nbytes * (len(current) if rows is None else len(rows))
        self.progress.synced += 1
        self._safe_point()

    def _inputs_read(self) -> np.ndarray:
        """The input rows of the words any rank read since the last whole exchange (its bag's, with
        subwords), the same on every rank: the only input rows a rank's threads changed. The output
        rows are not known here (the negatives are drawn in the kernels) and go whole."""
        from mpi4py import MPI

        self.comm.Allreduce(MPI.IN_PLACE, self.read, op=MPI.MAX)
        self.bytes_sent += self.read.nbytes
        words, self.read[:] = self.read.astype(bool), 0
        bags = self.weights.bag_indptr
        if bags is None:
            return np.flatnonzero(words)
        rows = np.zeros(len(self.weights.vectors_in), dtype=bool)
        rows[self.weights.bag_indices[np.repeat(words, np.diff(bags))]] = True
        return np.flatnonzero(rows)

    def _safe_point(self) -> None:
        """Every rank idle and equal: agree on a checkpoint (rank 0's clock) or a stop (any rank's request)."""
        from mpi4py import MPI

        due = self.checkpointer is not None and self.comm.Get_rank() == 0 and self.checkpointer.due(self.progress)
        flags = np.array([self.stop.is_set(), due], dtype=np.int8)
        self.comm.Allreduce(MPI.IN_PLACE, flags, op=MPI.MAX)
        if flags.any() and self.checkpointer is not None:
            self.checkpointer.save(self.progress)
        if flags[0]:
            where = (f"resume with mpiexec -n {self.comm.Get_size()} wordvec train ... --distributed --checkpoint-dir "
                     f"{self.checkpointer.directory} --resume" if self.checkpointer is not None
                     else "no checkpoint_dir was set, so it cannot be resumed")
            raise together(TrainingInterrupted(f"training interrupted in epoch {self.progress.epoch + 1}; {where}"),
                           self.comm)


class SharedCheckpointer(Checkpointer):
    """Checkpoints of a distributed run: every rank calls :meth:`save` at the same exchange point,
    rank 0 writes the weights (the same on every rank there) with every rank's position
    (``states`` and ``tallies`` gain a first axis of ranks; ``meta["ranks"]`` lists each rank's
    position, words done and stored corpus)."""

    def __init__(self, comm, corpus: dict, *args):
        super().__init__(*args)
        self.comm, self.corpus = comm, corpus  # corpus: this rank's n_words, n_tokens, corpus_ids

    def save(self, progress: Progress, finished: bool = False):
        mine = {**self.corpus, "position": progress.position, "done": progress.done}
        ranks = self.comm.gather((mine, progress.states, progress.tallies), root=0)
        problem, path = None, None
        if ranks is not None:
            whole = Progress(np.stack([r[1] for r in ranks]), np.stack([r[2] for r in ranks]), progress.epoch,
                             progress.position, sum(r[0]["done"] for r in ranks), progress.loss_history,
                             progress.synced)
            self.meta["ranks"] = [r[0] for r in ranks]
            try:
                path = super().save(whole, finished)
            except Exception as exc:  # noqa: BLE001 - every rank must hear of it, or they go on without a checkpoint
                problem = exc
        failed = self.comm.bcast(None if problem is None else f"{type(problem).__name__}: {problem}", root=0)
        if failed:
            raise together(problem if problem is not None else CheckpointError(failed), self.comm)
        return path


def rank_progress(arrays: dict, meta: dict, comm) -> tuple[dict, dict]:
    """This rank's part of a distributed checkpoint, shaped as a single process's; refuses a
    checkpoint written by another number of ranks."""
    ranks = meta.get("ranks")
    size = comm.Get_size() if comm is not None else 1
    if (ranks is None) != (comm is None) or (ranks is not None and len(ranks) != size):
        written = f"by {len(ranks)} MPI ranks" if ranks is not None else "by a single process"
        how = (f"resume it with mpiexec -n {len(ranks)} ... --distributed" if ranks is not None
               else "resume it without --distributed")
        raise together(CheckpointError(f"this checkpoint was written {written}; {how}"), comm)
    if ranks is None:
        return arrays, meta
    rank = comm.Get_rank()
    return ({**arrays, "states": arrays["states"][rank], "tallies": arrays["tallies"][rank]},
            {**meta, **ranks[rank]})


def corpus_file(comm) -> str:
    """The name of this process's stored corpus in a checkpoint directory."""
    return CORPUS_FILE if comm is None else f"corpus.rank{comm.Get_rank()}.ids"


def agree(comm, value, what: str) -> None:
    """Refuse to go on, on every rank, unless ``value`` is the same on every rank."""
    values = comm.allgather(value)
    odd = next((r for r, v in enumerate(values) if v != values[0]), None)
    if odd is not None:
        raise together(CheckpointError(f"rank {odd} sees {values[odd]!r} where rank 0 sees {values[0]!r} as "
                                       f"{what}: the checkpoint directory must be one every rank sees"), comm)


@contextlib.contextmanager
def lock_directory(directory, comm):
    """Hold the checkpoint directory for this run (:func:`state.run_lock`): rank 0 holds the
    lock, and no rank goes on if rank 0 could not take it."""
    if comm is None:
        with run_lock(directory):
            yield
        return
    with contextlib.ExitStack() as stack:
        problem = None
        if comm.Get_rank() == 0:
            try:
                stack.enter_context(run_lock(directory))
            except CheckpointError as exc:
                problem = str(exc)
        problem = comm.bcast(problem, root=0)
        if problem is not None:
            raise together(CheckpointError(problem), comm)
        directory.mkdir(parents=True, exist_ok=True)
        yield


def hot_parts(between: float, round_words: int) -> int:
    """How many parts the words between two whole exchanges (``between``) fall into, a hot
    exchange after each: :data:`HOT_EXCHANGES`, or fewer so that each part still spans a round
    of chunks (``round_words``; exchanges happen between chunks, so shorter parts would come
    in bursts, and their damping would be wrong)."""
    return int(max(1, min(HOT_EXCHANGES, between // max(round_words, 1))))


def exchange_words(comm, sync_words: int) -> int:
    """The words between two exchanges of any kind, the chunks' bound: from 3 ranks on, the hot rows
    go :data:`HOT_EXCHANGES` times as often as the whole model (every ``sync_words``)."""
    return sync_words // HOT_EXCHANGES if comm.Get_size() >= HOT_FROM_RANKS else sync_words


def syncs_per_epoch(comm, words: int, sync_words: int) -> int:
    """The same number on every rank: enough that no rank trains more than ``sync_words`` between two."""
    from mpi4py import MPI

    if comm.Get_size() >= HOT_FROM_RANKS and comm.Get_rank() == 0:
        logger.info("%d ranks: the most often updated rows are exchanged %d times as often as the rest, and the "
                    "changes of frequent words damped so that they do not diverge (in our measurements 4 and 8 ranks "
                    "came within 0.03 of one process's analogy, WS353 and SimLex: BENCHMARKS.md, issue 13)",
                    comm.Get_size(), HOT_EXCHANGES)
    most = comm.allreduce(words, op=MPI.MAX)
    return max(1, math.ceil(most / sync_words))


def update_rates(counts: np.ndarray, tables: Tables, settings: Settings, weights: Weights) -> list[np.ndarray]:
    """The updates each input row and each output row gets per word read, in expectation, from
    the words' counts (the same on every rank).

    A word w read with probability p_w is kept with probability keep_w and then centres
    a window, c = window + 1 context words on average (2 window without shrinking).
    Each context word's rows (its bag) are updated once a window; each window makes
    P predictions (1 for CBOW and skip-gram per window, c per pair), each updating
    the center's output row and K noise rows drawn with probability q_v
    (hierarchical softmax: the nodes of the center's path).
    """
    p = counts / max(counts.sum(), 1)
    windows = p * tables.keep_prob  # windows centred on each word, per word read
    contexts = settings.window + 1 if settings.shrink_windows else 2 * settings.window
    predictions = windows * (1 if settings.arch == ARCH_CBOW or settings.per_window else contexts)
    rate_in = windows * contexts
    if weights.bag_indptr is not None:  # subwords: each row of a word's bag
        rate_in = np.bincount(weights.bag_indices, np.repeat(rate_in, np.diff(weights.bag_indptr)),
                              minlength=len(weights.vectors_in))
    if settings.loss == LOSS_HIERARCHICAL:
        on_path = np.arange(tables.points.shape[1]) < tables.lengths[:, None]
        each = np.broadcast_to(predictions[:, None], on_path.shape)
        rate_out = np.bincount(tables.points[on_path], each[on_path], minlength=len(weights.vectors_out))
    else:  # the noise distribution, read back from its alias table
        n = len(tables.noise_prob)
        noise = (tables.noise_prob + np.bincount(tables.noise_alias, 1.0 - tables.noise_prob, minlength=n)) / n
        rate_out = predictions + predictions.sum() * settings.negative * noise
    return [rate_in, rate_out]


def damping(rate: np.ndarray, words: float, ranks: int, u0: float = DAMPED_UPDATES) -> np.ndarray:
    """s = 1 / (1 + (N - 1) u / (u + U0)) of each row, as a (rows, 1) float32 column: u = rate x
    words is the row's expected updates on one rank between two exchanges. A row each rank
    updates far less than U0 times keeps the sum of the ranks' changes (s near 1); one
    updated far more, their mean (s near 1/N)."""
    u = rate * words
    return (1.0 / (1.0 + (ranks - 1) * u / (u + u0))).astype(np.float32)[:, None]
