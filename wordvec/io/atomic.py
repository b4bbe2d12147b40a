"""The one way wordvec writes a file: whole or not at all, never through a planted link.

:func:`atomic_write` writes to a temporary file created exclusively (``O_EXCL``
and ``O_NOFOLLOW``: a symlink or file already at that name is never opened) under
an unpredictable name in the target's directory, fsyncs it, renames it over the
target and fsyncs the directory. A crash or a full disk leaves the previous file
as it was; a failed write removes its temporary file, and temporary files left
by killed processes are removed the next time wordvec writes to that directory.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from wordvec.errors import StorageError

SUFFIX = ".wordvec-tmp"
_NAME = re.compile(rf"\..+\.(\d+)-[0-9a-f]{{12}}{re.escape(SUFFIX)}")
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, text: bool = False) -> Iterator[IO]:
    """Open ``path`` for writing (bytes, or UTF-8 text); it appears complete when the block ends.

    Any failure (OSError: disk full, file size limit, permissions) is raised as one
    :class:`~wordvec.errors.StorageError` naming the file, with nothing left behind.
    """
    path = Path(path)
    tmp, fd = _create_temporary(path)
    try:
        with os.fdopen(fd, "w" if text else "wb", **({"encoding": "utf-8"} if text else {})) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {describe(exc)}") from None
    finally:
        tmp.unlink(missing_ok=True)
    fsync_directory(path.parent)


def describe(exc: OSError) -> str:
    """An OSError in words: its strerror, or, for a short write (numpy's ``tofile`` reports
    one without an errno), the likely cause."""
    if exc.strerror:
        return exc.strerror
    return f"the disk is full or a file size limit was reached ({exc})"


def check_writable(path: str | os.PathLike) -> None:
    """Fail now, with one line, if :func:`atomic_write` could not write ``path`` later
    (a missing or read-only directory, a directory in the way): by creating and removing
    a temporary file where the real one will go."""
    tmp, fd = _create_temporary(Path(path))
    os.close(fd)
    tmp.unlink()


def _create_temporary(path: Path) -> tuple[Path, int]:
    """A new temporary file beside ``path``, and its open descriptor."""
    if path.is_dir():
        raise StorageError(f"cannot write {path}: it is a directory")
    directory = path.parent
    if not directory.is_dir():
        raise StorageError(f"cannot write {path}: directory {directory} does not exist")
    remove_stale_temporaries(directory)
    tmp = directory / f".{path.name[:80]}.{os.getpid()}-{secrets.token_hex(6)}{SUFFIX}"
    try:
        return tmp, os.open(tmp, _FLAGS, 0o666)
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {describe(exc)}") from None


def remove_stale_temporaries(directory: str | os.PathLike) -> int:
    """Remove the temporary files of processes that no longer run; returns how many."""
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for entry in entries:
        match = _NAME.fullmatch(entry.name)
        if match and not _alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fsync_directory(directory: str | os.PathLike) -> None:
    """Make a rename in ``directory`` durable (where the platform can open directories)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
