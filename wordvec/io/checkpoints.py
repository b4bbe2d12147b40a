"""Checkpoint files: numbered .npz files of arrays and JSON metadata (see ``storage``).

Each is written atomically, and older checkpoints stay until newer ones are
complete; a damaged one is named and skipped in favour of the one before.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import numpy as np

from wordvec.errors import CheckpointError, StorageError
from wordvec.io.native import load_arrays, save_arrays

logger = logging.getLogger("wordvec")


def save_checkpoint(path: str | os.PathLike, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Atomically write ``arrays`` and the JSON-serialisable ``meta`` to ``path``."""
    save_arrays(path, arrays, meta)


def load_checkpoint(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict]:
    """Read a checkpoint; any damage raises :class:`CheckpointError` naming the file."""
    try:
        return load_arrays(path)
    except StorageError as exc:
        raise CheckpointError(f"checkpoint {exc}") from None


def checkpoint_path(directory: str | os.PathLike, prefix: str, step: int) -> Path:
    """``directory/prefix-STEP.npz``, STEP zero-padded so that names sort by step."""
    return Path(directory) / f"{prefix}-{step:010d}.npz"


def list_checkpoints(directory: str | os.PathLike, prefix: str) -> list[Path]:
    """Checkpoint files in ``directory``, oldest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    pattern = re.compile(rf"{re.escape(prefix)}-(\d+)\.npz")
    found = [(int(m.group(1)), p) for p in directory.iterdir() if (m := pattern.fullmatch(p.name))]
    return [p for _, p in sorted(found)]


def load_latest(directory: str | os.PathLike, prefix: str) -> tuple[dict, dict, Path] | None:
    """The newest readable checkpoint as ``(arrays, meta, path)``, or None if there is none.

    A damaged checkpoint is skipped with a warning naming it and the one used
    instead; if every checkpoint is damaged, :class:`CheckpointError` lists them.
    """
    paths = list_checkpoints(directory, prefix)
    problems = []
    for path in reversed(paths):
        try:
            arrays, meta = load_checkpoint(path)
        except CheckpointError as exc:
            problems.append(str(exc))
            logger.warning("%s; falling back to an older checkpoint", exc)
            continue
        if problems:
            logger.warning("resuming from %s", path)
        return arrays, meta, path
    if problems:
        raise CheckpointError("no usable checkpoint: " + "; ".join(problems))
    return None


def prune_checkpoints(directory: str | os.PathLike, prefix: str, keep: int) -> None:
    """Delete all but the newest ``keep`` checkpoints."""
    for path in list_checkpoints(directory, prefix)[:-keep]:
        path.unlink(missing_ok=True)
