"""Where a Word2Vec run stands, and its checkpoints: save, find, check, restore.

A checkpoint is taken at a safe point, with every worker idle between chunks:
both weight matrices, the vocabulary, the settings, the corpus fingerprint, the
epoch and the position of the next chunk in the stored corpus, the words done
(the learning-rate schedule follows from them), the loss tallies of the epoch
so far and every thread's random state. The corpus itself, as word ids, stays
in the checkpoint directory until training finishes, so resuming needs no scan.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from wordvec.errors import CheckpointError
from wordvec.io.checkpoints import (
    checkpoint_path,
    list_checkpoints,
    load_latest,
    prune_checkpoints,
    save_checkpoint,
)
from wordvec.text.ids import check_ids

logger = logging.getLogger("wordvec")
PREFIX = "word2vec"
FORMAT = "wordvec.Checkpoint"
CORPUS_FILE = "corpus.ids"
LOCK_FILE = "lock"


@dataclass
class Progress:
    """The position of a run: what a checkpoint must hold besides the weights."""

    states: np.ndarray  # uint64 (workers,): every thread's random generator
    tallies: np.ndarray  # float64 (workers, 2): loss sum and predictions of the current epoch
    epoch: int = 0
    position: int = 0  # token offset of the next chunk of the current epoch
    done: int = 0  # words handed to the kernels over all epochs
    loss_history: list[float] = field(default_factory=list)
    synced: int = 0  # exchanges of the ranks' changes passed this epoch (distributed runs)


def corpus_fingerprint(files: list[Path] | None) -> list | None:
    """Path, size and modification time of each corpus file (None for an in-memory corpus)."""
    if files is None:
        return None
    return [[str(Path(f).resolve()), os.path.getsize(f), os.stat(f).st_mtime_ns] for f in files]


class Checkpointer:
    """Decides when a checkpoint is due and writes it atomically, keeping the newest two."""

    def __init__(self, directory: Path, every_seconds: float | None, every_words: int | None, meta: dict,
                 arrays: Callable[[], dict]):
        self.directory, self.every_seconds, self.every_words = Path(directory), every_seconds, every_words
        self.meta = meta  # settings, vocabulary and corpus: the same in every checkpoint
        self.arrays = arrays  # the weights and counts as they are now
        self._last_time, self._last_words = time.monotonic(), None

    def due(self, progress: Progress) -> bool:
        """Whether a checkpoint is due: ``every_words`` words or ``every_seconds`` seconds since the last."""
        if self._last_words is None:
            self._last_words = progress.done
        if self.every_words is not None and progress.done - self._last_words >= self.every_words:
            return True
        return self.every_seconds is not None and time.monotonic() - self._last_time >= self.every_seconds

    def save(self, progress: Progress, finished: bool = False) -> Path:
        """Write a checkpoint of the run as it stands (every worker idle) and keep the newest two."""
        path = checkpoint_path(self.directory, PREFIX, progress.done)
        arrays = {**self.arrays(), "states": progress.states, "tallies": progress.tallies}
        meta = {**self.meta, "format": FORMAT, "version": 1, "epoch": progress.epoch,
                "position": progress.position, "done": progress.done,
                "loss_history": progress.loss_history, "synced": progress.synced, "finished": finished}
        save_checkpoint(path, arrays, meta)
        prune_checkpoints(self.directory, PREFIX, keep=2)
        self._last_time, self._last_words = time.monotonic(), progress.done
        logger.info("checkpoint %s (epoch %d, %d words done)", path, progress.epoch + 1, progress.done)
        return path


def has_checkpoints(directory: str | os.PathLike) -> bool:
    """Whether ``directory`` holds any Word2Vec checkpoint (readable or not)."""
    return bool(list_checkpoints(directory, PREFIX))


def load_state(directory: str | os.PathLike) -> tuple[dict, dict, Path]:
    """The newest readable checkpoint ``(arrays, meta, path)``; damaged ones are named and skipped."""
    found = load_latest(directory, PREFIX)
    if found is None:
        raise CheckpointError(f"no checkpoint in {directory}")
    arrays, meta, path = found
    needed = {"vectors_in", "vectors_out", "counts", "states", "tallies"}
    if meta.get("format") != FORMAT or not needed <= set(arrays):
        raise CheckpointError(f"{path} is not a wordvec training checkpoint")
    return arrays, meta, path


def check_compatible(path: Path, meta: dict, params: dict, fingerprint: list | None) -> None:
    """Refuse a checkpoint written with other settings or from another corpus, naming the difference."""
    saved = meta.get("params", {})
    for name in sorted(set(saved) | set(params)):
        if saved.get(name) != params.get(name):
            raise CheckpointError(f"checkpoint {path} was written with {name}={saved.get(name)!r}, "
                                  f"this run has {name}={params.get(name)!r}")
    saved_corpus = meta.get("corpus")
    if fingerprint is not None and saved_corpus is not None and fingerprint != saved_corpus:
        was = {f[0]: f[1:] for f in saved_corpus}
        now = {f[0]: f[1:] for f in fingerprint}
        changed = sorted(set(was) ^ set(now)) or [f for f in now if now[f] != was[f]]
        raise CheckpointError(f"checkpoint {path} was written for another corpus: {changed[0]} "
                              f"{'differs' if changed[0] in was and changed[0] in now else 'is not in both'}")


def check_stored_corpus(checkpoint: Path, ids_path: Path, meta: dict, vocab_size: int) -> None:
    """Refuse a stored corpus that is missing, truncated, changed, or holds ids outside the
    vocabulary: resuming on it would train on other words or crash."""
    if not ids_path.is_file():
        raise CheckpointError(f"{ids_path}, the corpus of checkpoint {checkpoint}, is missing")
    n_ids, crc32 = meta.get("corpus_ids", (None, None))
    if n_ids is None:  # a checkpoint written before corpus checksums: check the ids' range at least
        n_ids, crc32 = ids_path.stat().st_size // 4, None
    problem = check_ids(ids_path, n_ids, crc32, vocab_size)
    if problem is not None:
        raise CheckpointError(f"{ids_path}, the corpus of checkpoint {checkpoint}, {problem}; "
                              f"it cannot be resumed (start again without --resume in another directory)")


@contextlib.contextmanager
def run_lock(directory: Path) -> Iterator[None]:
    """Hold ``directory/lock`` for a run: a second run on the same directory is refused,
    naming the first. The lock is the kernel's (flock), released when its process ends
    however it ends, so a killed run leaves no stale lock."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise CheckpointError(f"cannot use checkpoint_dir {directory}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another run"
            raise CheckpointError(f"checkpoint_dir {directory} is in use by {holder}; wait for that run to "
                                  f"end or choose another directory") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"process {os.getpid()} on {socket.gethostname()} since {time.ctime()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def restore_progress(arrays: dict, meta: dict, workers: int, seed_states: np.ndarray) -> Progress:
    """The saved position; threads beyond those saved get fresh streams."""
    states = seed_states.copy()
    saved = arrays["states"]
    states[: min(len(saved), workers)] = saved[:workers]
    tallies = np.zeros((workers, 2))
    tallies[0] = arrays["tallies"].sum(axis=0)  # the epoch's tally so far, kept whole
    return Progress(states=states, tallies=tallies, epoch=int(meta["epoch"]), position=int(meta["position"]),
                    done=int(meta["done"]), loss_history=[float(x) for x in meta["loss_history"]],
                    synced=int(meta.get("synced", 0)))
