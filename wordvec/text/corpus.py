"""Corpus input: paths (text, .gz, .bz2, .xz), directories, lists of paths, or token lists.

A corpus is one sentence per line (for files: UTF-8 text, words separated by
ASCII whitespace) or one list of tokens per sentence (for an iterable). Bad
input is reported with the file and line.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import lzma
import os
import queue
import threading
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from wordvec.errors import DataError, quote
from wordvec.io.paths import regular_file

_BLOCK = 1 << 20  # bytes read at a time
_LONGEST_PIECE = 1 << 26  # a line longer than this is read in pieces cut at spaces
_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
Range = tuple[Path, int, "int | None"]  # (path, start, end): lines beginning in [start, end), end None: EOF


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


def read_blocks(path: Path, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """Yield the bytes of ``path`` in blocks of whole lines, checked to be UTF-8 text.

    A line longer than 64 MiB goes on in pieces cut at white space; a word is
    never split: one that fills 64 MiB of buffer without ending is an error.
    With ``start`` or ``end`` (byte offsets of an uncompressed file), only the
    lines that begin in [start, end) are read: ranges that tile a file read each
    line once. Line numbers in errors then count from the range's first line.
    """
    lineno = 1
    rest = b""
    try:
        with open_binary(path) as f:
            left = _seek_line(f, start, end)
            while left is None or left > 0:
                block = f.read(_BLOCK if left is None else min(_BLOCK, left))
                if left is not None:
                    left -= len(block)
                    if left <= 0 and not block.endswith(b"\n"):  # finish the line that crosses the end
                        block += f.readline()
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


def read_ahead(items: Iterator, depth: int) -> Iterator:
    """The items of ``items``, produced by a thread of their own up to ``depth`` ahead of the consumer.

    The threaded scan's main thread merges each block's words while this thread reads
    and decompresses the next blocks (zlib, bz2 and lzma release the GIL). An exception
    of ``items`` is raised here, after the items before it; a consumer that stops early
    stops the thread, and the thread is gone when this generator is closed.
    """
    box: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                box.put((True, item))
            box.put((False, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            box.put((False, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="wordvec-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            more, item = box.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # a producer waiting for room gets it, sees the stop and ends
            with contextlib.suppress(queue.Empty):
                box.get(timeout=0.05)
        thread.join()


def _seek_line(f: BinaryIO, start: int, end: int | None) -> int | None:
    """Move ``f`` to the first line beginning at or after ``start``; returns the bytes from there to
    ``end`` (None: to the end of the file)."""
    if start > 0:
        f.seek(start - 1)
        if f.read(1) != b"\n":
            f.readline()  # the rest of a line that began before start: the previous range's
    return None if end is None else max(0, end - f.tell())


def dealt_ranges(files: list[Path], parts: int, pieces: int = 1) -> Iterator[tuple[int, Range]]:
    """(share, (path, start, end)) of ``parts`` shares of ``files``, in corpus order.

    Uncompressed files are cut into ``parts`` x ``pieces`` byte ranges of about equal size
    (whole lines, see :func:`read_blocks`), dealt in turn: share k takes ranges k, k + parts,
    k + 2 parts, ... With ``pieces`` > 1 every share holds text from all along the corpus, so
    that processes training their shares side by side meet the same mixture of its parts (a
    corpus of sources one after another would otherwise give one process the first source
    and another the last). Compressed files go whole to the share where they begin,
    counted in ``parts`` equal stretches.
    """
    sizes = [p.stat().st_size for p in files]
    total, cuts, offset = max(sum(sizes), 1), parts * pieces, 0
    for path, size in zip(files, sizes):
        if path.suffix.lower() in _OPENERS or size == 0:
            yield min(parts - 1, offset * parts // total), (path, 0, None)
        else:
            for k in range(min(cuts - 1, offset * cuts // total), cuts):
                lo, hi = max(offset, k * total // cuts), min(offset + size, (k + 1) * total // cuts)
                if hi > lo:
                    yield k % parts, (path, lo - offset, None if hi >= offset + size else hi - offset)
        offset += size


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
