"""Checkpoint files: named numpy arrays plus JSON metadata in one .npz, written atomically.

A checkpoint is written to a temporary file, flushed to disk with fsync and then
renamed over its final name, so a crash leaves either the complete new file or
none; older checkpoints stay until newer ones are complete. Files are read with
``allow_pickle=False``: loading one can never run code. The zip container's CRC
catches corrupted bytes, and a truncated file fails to open.
"""

from __future__ import annotations

import json
import logging
import os
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np

from wordvec.errors import CheckpointError

logger = logging.getLogger("wordvec")
_META_KEY = "__meta__"


def save_checkpoint(path: str | os.PathLike, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Atomically write ``arrays`` and the JSON-serialisable ``meta`` to ``path``."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    meta_bytes = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8)
    with open(tmp, "wb") as f:
        np.savez(f, **arrays, **{_META_KEY: meta_bytes})
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def load_checkpoint(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict]:
    """Read a checkpoint; any damage raises :class:`CheckpointError` naming the file."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        meta = json.loads(arrays.pop(_META_KEY).tobytes().decode())
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise CheckpointError(f"checkpoint {path} is unreadable: {exc}") from None
    if not isinstance(meta, dict):
        raise CheckpointError(f"checkpoint {path} has malformed metadata")
    return arrays, meta


def checkpoint_path(directory: str | os.PathLike, prefix: str, step: int) -> Path:
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


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # some platforms cannot open directories
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
