"""The corpus stored as word ids: written in the order training reads it, checked, read in chunks.

A file of int32 ids, :data:`SEPARATOR` (-1) at each line end. The scan writes it
(:func:`rewrite`) in the corpus's order or interleaved (``interleave`` = K > 1):
the corpus is cut at line ends into K stretches of about equal length, and the
file holds a piece of about :data:`PIECE` ids of each stretch in turn. An epoch
then meets every part of the corpus all along, as word2vec.c's and fastText's
threads do, each starting at its own offset: an ordered corpus (sources one
after another) no longer ends every epoch, at its lowest learning rates, on its
last source. Training reads it in chunks that end at line ends (:func:`iter_chunks`);
a resumed run checks it first (:func:`check_ids`).
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from wordvec.io.atomic import atomic_write

SEPARATOR = -1
BLOCK = 1 << 20  # ids read at a time
TAIL_CHUNK = 4096  # the smallest chunk an epoch's tail is cut into (see iter_chunks)
PIECE = 4096  # ids of a stretch written at a time when the corpus is interleaved


def rewrite(fin: BinaryIO, dst: Path | BinaryIO, remap: np.ndarray, interleave: int = 1) -> tuple[int, int]:
    """Map provisional ids to final ones, dropping words outside the vocabulary, in the order
    of :func:`interleaved`; returns the number of ids written and their crc32."""
    table = np.append(remap, np.int32(SEPARATOR))  # index -1 (a line end) maps to -1
    n_ids, crc32 = 0, 0
    with atomic_write(dst) if isinstance(dst, Path) else contextlib.nullcontext(dst) as fout:
        for block in interleaved(fin, interleave):
            mapped = table[block]
            data = mapped[mapped != -2].tobytes()
            fout.write(data)
            n_ids, crc32 = n_ids + len(data) // 4, zlib.crc32(data, crc32)
    if not isinstance(dst, Path):
        dst.flush()
    return n_ids, crc32


def interleaved(fin: BinaryIO, stretches: int) -> Iterator[np.ndarray]:
    """The ids of ``fin``: in order (``stretches`` = 1), or cut at line ends into that many
    stretches of about equal length, whole lines of about :data:`PIECE` ids (at least one
    line) of each in turn, the stretches that end first dropping out."""
    total = os.fstat(fin.fileno()).st_size // 4
    if stretches <= 1:
        yield from _blocks(fin, 0, total)
        return
    bounds = [0]
    for s in range(1, stretches):  # a cut within the line the last cut ended: the same end (no stretch)
        at = total * s // stretches
        bounds.append(bounds[-1] if bounds[-1] > at else _after_line_end(fin, at))
    cursors = [(at, end) for at, end in zip(bounds, bounds[1:] + [total]) if at < end]
    while cursors:
        for s, (at, end) in enumerate(cursors):
            fin.seek(4 * at)
            block = np.fromfile(fin, dtype=np.int32, count=min(PIECE, end - at))
            ends = np.flatnonzero(block == SEPARATOR)
            if at + len(block) == end:  # the stretch's last piece
                stop = end
                yield block
            elif len(ends):  # its whole lines
                stop = at + int(ends[-1]) + 1
                yield block[:stop - at]
            else:  # a line longer than a piece goes whole, so that no window joins two stretches
                yield block
                stop = yield from _rest_of_line(fin, at + len(block))
            cursors[s] = (stop, end)
        cursors = [(at, end) for at, end in cursors if at < end]


def _blocks(f: BinaryIO, start: int, stop: int) -> Iterator[np.ndarray]:
    """The ids from ``start`` to ``stop`` in blocks of at most :data:`BLOCK`."""
    for at in range(start, stop, BLOCK):
        f.seek(4 * at)
        yield np.fromfile(f, dtype=np.int32, count=min(BLOCK, stop - at))


def _rest_of_line(f: BinaryIO, position: int) -> Generator[np.ndarray, None, int]:
    """The ids from ``position`` through the next line end (or the file's end) in blocks of at
    most :data:`BLOCK`, read once; returns the position after them."""
    f.seek(4 * position)
    while len(block := np.fromfile(f, dtype=np.int32, count=BLOCK)):
        ends = np.flatnonzero(block == SEPARATOR)
        if len(ends):
            yield block[:ends[0] + 1]
            return position + int(ends[0]) + 1
        yield block
        position += len(block)
    return position


def _after_line_end(f: BinaryIO, position: int) -> int:
    """The position just after the first line end at or after ``position`` (the file's end if none)."""
    f.seek(4 * position)
    while len(block := np.fromfile(f, dtype=np.int32, count=PIECE)):
        ends = np.flatnonzero(block == SEPARATOR)
        if len(ends):
            return position + int(ends[0]) + 1
        position += len(block)
    return position


def check_ids(ids_path: Path, n_ids: int, crc32: int, vocab_size: int) -> str | None:
    """What is wrong with a stored corpus, or None: its length, its crc32 and the range of
    its ids (-1 to vocab_size - 1) are checked in one pass of C loops."""
    size = ids_path.stat().st_size
    if size != 4 * n_ids:
        return f"holds {size // 4} ids, {n_ids} were written" + (" (truncated)" if size < 4 * n_ids else "")
    found, low, high = 0, 0, 0
    with open(ids_path, "rb") as f:
        while len(block := np.fromfile(f, dtype=np.int32, count=BLOCK)):
            found = zlib.crc32(block.tobytes(), found)
            low, high = min(low, int(block.min())), max(high, int(block.max()))
    if found != crc32:
        return f"has crc32 {found:08x}, {crc32:08x} was written (changed or replaced)"
    if low < SEPARATOR or high >= vocab_size:
        return f"holds ids from {low} to {high}, outside the vocabulary's 0 to {vocab_size - 1}"
    return None


def iter_chunks(ids: Path | BinaryIO, chunk_tokens: int, start: int = 0,
                workers: int = 1) -> Iterator[tuple[int, np.ndarray]]:
    """``(position, chunk)`` pairs: chunks of about ``chunk_tokens`` ids from token
    ``start`` on, each ending at a line end when it can (a longer line goes on in
    the next chunk). For several ``workers`` the chunks shrink toward the end, none
    above 1 / (2 workers) of the ids left nor below :data:`TAIL_CHUNK`, so that the
    workers end an epoch nearly together instead of all but one waiting for the
    last large chunk. Where a chunk begins depends only on where the previous one
    began, so reading again from any chunk's position gives the same chunks. ``ids`` is a
    path or an open file."""
    with open(ids, "rb") if isinstance(ids, Path) else contextlib.nullcontext(ids) as f:
        total, position = os.fstat(f.fileno()).st_size // 4, start
        while True:
            size = chunk_tokens if workers <= 1 else \
                min(chunk_tokens, max(TAIL_CHUNK, -(-(total - position) // (2 * workers))))
            f.seek(4 * position)
            block = np.fromfile(f, dtype=np.int32, count=size)
            if len(block) == 0:
                return
            ends = np.flatnonzero(block == SEPARATOR)
            cut = ends[-1] + 1 if len(ends) and len(block) == size else len(block)
            yield position, block[:cut]
            position += int(cut)
