"""Corpus input: paths (text, .gz, .bz2, .xz), directories, lists of paths, or token lists.

A corpus is one sentence per line (for files: UTF-8 text, words separated by
ASCII whitespace) or one list of tokens per sentence (for an iterable). Bad
input is reported with the file and line.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from wordvec.errors import DataError, quote
from wordvec.io.paths import regular_file

_BLOCK = 1 << 20  # bytes read at a time
_LONGEST_PIECE = 1 << 26  # a line longer than this is read in pieces cut at spaces
_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def corpus_files(corpus) -> list[Path] | None:
    """The files a path-like corpus names, or None for an iterable of token lists.

    Raises :class:`DataError` for missing paths or an empty directory, and
    TypeError for a one-shot iterator (it could be read only once).
    """
    if isinstance(corpus, (str, os.PathLike)):
        return _expand(Path(corpus))
    if isinstance(corpus, (list, tuple)) and corpus and all(isinstance(p, (str, os.PathLike)) for p in corpus):
        return [f for p in corpus for f in _expand(Path(p))]
    if not isinstance(corpus, Iterable):
        raise TypeError(f"corpus must be a path, a list of paths or an iterable of token lists, "
                        f"got {type(corpus).__name__}")
    if iter(corpus) is corpus:
        raise TypeError("corpus is a one-shot iterator (such as a generator), which can be read only "
                        "once; pass a list, a re-iterable object, or a path")
    return None


def _expand(path: Path) -> list[Path]:
    if not path.exists() and any(c.isspace() for c in str(path)):
        raise DataError(f"corpus item {quote(str(path))} is neither a file nor a directory; to train on "
                        f"sentences given as strings, split them into token lists first: "
                        f"[s.split() for s in sentences]")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        if not files:
            raise DataError(f"corpus directory {path} holds no files")
        return files
    return [regular_file(path, "corpus file")]


def open_binary(path: Path) -> BinaryIO:
    """Open a corpus file for reading bytes, decompressing by its suffix."""
    return _OPENERS.get(path.suffix.lower(), open)(path, "rb")


def read_blocks(path: Path) -> Iterator[bytes]:
    """Yield the bytes of ``path`` in blocks of whole lines, checked to be UTF-8 text.

    A line longer than 64 MiB goes on in pieces cut at white space; a word is
    never split: one that fills 64 MiB of buffer without ending is an error.
    """
    lineno = 1
    rest = b""
    try:
        with open_binary(path) as f:
            while True:
                block = f.read(_BLOCK)
                if not block:
                    break
                data = rest + block
                cut = data.rfind(b"\n") + 1
                if cut == 0 and len(data) < _LONGEST_PIECE:
                    rest = data  # no line end yet: keep reading
                    continue
                if cut == 0:  # a very long line goes on in pieces, cut after its last white space
                    cut = max(data.rfind(c) for c in (b" ", b"\t", b"\r", b"\v", b"\f")) + 1
                if cut == 0:
                    raise DataError(f"{path}:{lineno}: a word longer than {_LONGEST_PIECE >> 20} MiB "
                                    f"(words are separated by ASCII whitespace): {quote(data[:80])}")
                data, rest = data[:cut], data[cut:]
                yield _checked(path, data, lineno)
                lineno += data.count(b"\n")
            if rest:
                yield _checked(path, rest, lineno)
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as exc:  # damaged compressed data too
        raise DataError(f"{path}: cannot read: {exc}") from None


def read_lines(path: Path) -> Iterator[list[str]]:
    """Yield the lines of ``path`` decoded, in blocks (see :func:`read_blocks`)."""
    for block in read_blocks(path):
        yield block.decode("utf-8").split("\n")


def _checked(path: Path, data: bytes, lineno: int) -> bytes:
    nul = data.find(b"\x00")
    if nul >= 0:
        line = lineno + data.count(b"\n", 0, nul)
        raise DataError(f"{path}:{line}: binary data (NUL byte); a corpus must be UTF-8 text")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = lineno + data.count(b"\n", 0, exc.start)
        raise DataError(f"{path}:{line}: invalid UTF-8 (byte {data[exc.start]:#04x})") from None
    return data
