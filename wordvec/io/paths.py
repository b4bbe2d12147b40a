"""What a path given to a reader may be: an existing regular file.

A FIFO or a character device would block a reader forever or feed it without
end, so readers refuse them up front, with the right words.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from wordvec.errors import DataError, StorageError

_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}


def regular_file(path: str | os.PathLike, what: str = "file", error: type[DataError] = DataError) -> Path:
    """``path`` as a Path if it is an existing regular file (following links); else ``error``
    saying what it is instead: "vector file x does not exist", "... is a FIFO (named pipe), not
    a regular file"."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise error(f"{what} {path} does not exist") from None
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise error(f"{what} {path} is {kind}, not a regular file")
    return path


def storage_file(path: str | os.PathLike) -> Path:
    """:func:`regular_file` for wordvec's own files (raises StorageError)."""
    return regular_file(path, "file", StorageError)
