"""The exchange formats of word vectors: word2vec text and binary, GloVe text, TensorBoard TSV.

word2vec (word2vec.c, gensim, fastText's .vec): a header line "n_words dim",
then one word per entry followed by its vector, as text ("word v1 ... vd") or
as dim little-endian float32 after "word ". GloVe: the text form without the
header. Every reader reports a malformed file with its name and the line (text)
or the entry and byte offset (binary).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import numpy as np

from wordvec.errors import DataError, quote
from wordvec.io import vector_parse
from wordvec.io.atomic import atomic_write
from wordvec.io.paths import regular_file

_UNICODE_ERRORS = ("strict", "replace", "ignore")
MAX_WORD_BYTES = 1 << 16  # a longer word in a binary file means the file is not what it claims
_BLOCK = 16 << 20  # bytes the compiled parser reads at a time


def write_word2vec(path: str | os.PathLike, words, vectors: np.ndarray, binary: bool = False) -> None:
    """Write ``words`` and ``vectors`` (n, dim) in the word2vec format."""
    vectors = check_finite(words, np.asarray(vectors, dtype=np.float32))
    with atomic_write(path) as f:
        f.write(f"{len(words)} {vectors.shape[1]}\n".encode())
        for word, vector in zip(words, vectors):
            _check_writable(word)
            if binary:
                f.write(word.encode() + b" " + vector.astype("<f4").tobytes() + b"\n")
            else:
                f.write(f"{word} {' '.join(repr(float(x)) for x in vector)}\n".encode())


def write_glove(path: str | os.PathLike, words, vectors: np.ndarray) -> None:
    """GloVe text: "word v1 ... vd" lines, no header."""
    with atomic_write(path, text=True) as f:
        for word, vector in zip(words, check_finite(words, np.asarray(vectors, dtype=np.float32))):
            _check_writable(word)
            f.write(f"{word} {' '.join(repr(float(x)) for x in vector)}\n")


def write_projector(directory: str | os.PathLike, words, vectors: np.ndarray) -> tuple[Path, Path]:
    """TensorBoard projector files: vectors.tsv (tab-separated) and metadata.tsv (one word a line)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    bad = next((w for w in words if "\n" in w or "\t" in w), None)
    if bad is not None:
        raise ValueError(f"word {bad!r} holds a tab or a newline: it cannot go in metadata.tsv")
    with atomic_write(directory / "vectors.tsv", text=True) as f:
        np.savetxt(f, np.asarray(vectors, dtype=np.float32), delimiter="\t", fmt="%.7g")
    with atomic_write(directory / "metadata.tsv", text=True) as f:
        f.writelines(word + "\n" for word in words)
    return directory / "vectors.tsv", directory / "metadata.tsv"


def read_word2vec(path: str | os.PathLike, binary: bool = False, limit: int | None = None,
                  unicode_errors: str = "strict") -> tuple[list[str], np.ndarray]:
    """Read the word2vec format; ``limit`` reads only the first words (the most frequent)."""
    _check_options(limit, unicode_errors)
    path = regular_file(path, "vector file")
    with open(path, "rb") as f:
        header = f.readline(1 << 16)
        n_words, dim = _parse_header(path, header)
        n = n_words if limit is None else min(limit, n_words)
        size = os.path.getsize(path)
        if (4 if binary else 2) * dim > size:  # checked before any buffer of that size is made
            raise DataError(f"{path}: the header's dimension {dim} cannot fit in its {size} bytes")
        fast = _fast_binary(f, n, dim, unicode_errors, size - len(header)) if binary else \
            _fast_text(path, f, n, dim, unicode_errors, 2, size - len(header))
        if fast is not None:
            return fast
        f.seek(len(header))  # something the compiled parser does not take: the careful reader names it
        if binary:
            words, vectors = _read_binary(path, f, n, dim, len(header), unicode_errors)
        else:
            words, vectors = _read_text(path, f, n, dim, unicode_errors, first_line=2)
        if len(words) < n:
            raise DataError(f"{path}: the header promises {n_words} words, the file holds {len(words)}")
    return words, vectors


def read_glove(path: str | os.PathLike, limit: int | None = None,
               unicode_errors: str = "strict") -> tuple[list[str], np.ndarray]:
    """Read GloVe text (no header); the dimension is the first line's."""
    _check_options(limit, unicode_errors)
    path = regular_file(path, "vector file")
    with open(path, "rb") as f:
        first = f.readline()
        if not first.strip():
            raise DataError(f"{path} is empty")
        dim = len(first.split()) - 1
        f.seek(0)
        return _read_text(path, f, limit, dim, unicode_errors, first_line=1)


def _fast_binary(f: BinaryIO, n: int, dim: int, errors: str, size: int) -> tuple[list[str], np.ndarray] | None:
    """The binary entries by the compiled parser, or None where it meets anything unusual."""
    row_bytes = 4 * dim
    if n * (row_bytes + 2) > size:  # the file cannot hold what the header promises
        return None
    out, words = np.empty((n, dim), dtype=np.float32), []
    flat = out.reshape(-1).view(np.uint8)  # float32 is little-endian on every platform numba runs on
    buf, have, row = np.empty(max(_BLOCK, 2 * (row_bytes + MAX_WORD_BYTES + 2)), dtype=np.uint8), 0, 0
    spans = np.empty((len(buf) // (row_bytes + 2) + 2, 2), dtype=np.int64)  # (start, end) of a buffer's words
    while row < n:
        have, at_eof = _fill(f, buf, have)
        pos, done, status = vector_parse.parse_binary(buf, have, flat, row, n, row_bytes, spans, MAX_WORD_BYTES)
        if not _take_words(buf, spans, row, done, words, errors) or not np.isfinite(out[row:done]).all():
            return None
        row = done
        if status == vector_parse.SLOW or (status == vector_parse.NEED_MORE and at_eof):
            return None
        have = _keep_tail(buf, pos, have)
    return _unique(words, out)


def _fast_text(path: Path, f: BinaryIO, n: int, dim: int, errors: str, first_line: int,
               size: int) -> tuple[list[str], np.ndarray] | None:
    """The text lines by the compiled parser, the lines it leaves by :func:`_text_line` (which
    raises on a malformed one), or None where a word is not valid UTF-8, empty or twice there."""
    if n * (2 * dim + 1) > size:
        return None
    out, words = np.empty((n, dim), dtype=np.float32), []
    buf, have, row, lineno = np.empty(_BLOCK, dtype=np.uint8), 0, 0, first_line
    spans = np.empty((len(buf) // (2 * dim + 1) + 2, 2), dtype=np.int64)
    while row < n:
        have, at_eof = _fill(f, buf, have)
        pos = 0
        while True:  # the kernel over the buffer, and a line for Python wherever it stops at one
            pos, done, lines, status = vector_parse.parse_text(buf, pos, have, at_eof, out, row, spans,
                                                               vector_parse.POW10)
            if not _take_words(buf, spans, row, done, words, errors):
                return None
            row, lineno = done, lineno + lines
            if status != vector_parse.SLOW or row == n:
                break
            eol = _line_end(buf, pos, have)
            entry = _text_line(path, buf[pos:eol].tobytes(), lineno, dim, errors)
            if entry is not None:
                if not np.isfinite(entry[1]).all() or not entry[0]:
                    return None
                words.append(entry[0])
                out[row] = entry[1]
                row += 1
            pos, lineno = eol + 1, lineno + 1
        if at_eof and row < n:
            return None  # fewer lines than promised: the careful reader says so
        if status == vector_parse.NEED_MORE and pos == 0 and have == len(buf):
            buf = np.concatenate([buf, np.empty_like(buf)])  # a line longer than the buffer
        have = _keep_tail(buf, min(pos, have), have)
    return _unique(words, out)


def _fill(f: BinaryIO, buf: np.ndarray, have: int) -> tuple[int, bool]:
    """Top up ``buf`` after its first ``have`` bytes; returns the bytes held and whether the file ended."""
    view = memoryview(buf)
    while have < len(buf):
        got = f.readinto(view[have:])
        if not got:
            return have, True
        have += got
    return have, False


def _keep_tail(buf: np.ndarray, pos: int, have: int) -> int:
    """Move the unread ``buf[pos:have]`` to the front; returns its length."""
    buf[:have - pos] = buf[pos:have]
    return have - pos


def _line_end(buf: np.ndarray, start: int, end: int) -> int:
    found = np.flatnonzero(buf[start:end] == 10)
    return start + int(found[0]) if len(found) else end


def _take_words(buf: np.ndarray, spans: np.ndarray, first: int, last: int, words: list, errors: str) -> bool:
    """Decode the words of rows first..last-1 (``spans`` from index 0) into ``words``; False if one is
    not valid UTF-8 or empty."""
    try:
        new = [buf[s:e].tobytes().decode("utf-8", errors) for s, e in spans[:last - first].tolist()]
    except UnicodeDecodeError:
        return False
    words += new
    return all(new)


def _unique(words: list[str], vectors: np.ndarray) -> tuple[list[str], np.ndarray] | None:
    return (words, vectors) if len(dict.fromkeys(words)) == len(words) else None


def _read_text(path: Path, f: BinaryIO, n: int | None, dim: int, errors: str,
               first_line: int) -> tuple[list[str], np.ndarray]:
    words, rows, seen = [], [], set()
    for lineno, raw in enumerate(f, start=first_line):
        if n is not None and len(words) >= n:
            break
        entry = _text_line(path, raw, lineno, dim, errors)
        if entry is None:
            continue
        word, row = entry
        _check_entry(path, f"line {lineno}", word, row, seen)
        words.append(word)
        rows.append(row)
    if not rows and n != 0:
        raise DataError(f"{path} holds no vectors")
    return words, np.array(rows, dtype=np.float32).reshape(len(rows), dim)


def _text_line(path: Path, raw: bytes, lineno: int, dim: int, errors: str) -> tuple[str, np.ndarray] | None:
    """(word, vector) of one line of text, None for a blank line; a malformed line raises DataError."""
    if not raw.strip():
        return None
    word, *values = _decode(path, raw, errors, f"line {lineno}").rstrip("\r\n").split(" ")
    values = [v for v in values if v]
    if len(values) != dim:
        raise DataError(f"{path}:{lineno}: word {quote(word)} has {len(values)} values, expected {dim}")
    try:
        with np.errstate(over="ignore"):  # a value beyond float32 becomes inf, refused by the caller
            return word, np.array(values, dtype=np.float32)
    except ValueError:
        raise DataError(f"{path}:{lineno}: word {quote(word)} has a value that is not a number") from None


def _read_binary(path: Path, f: BinaryIO, n: int, dim: int, offset: int,
                 errors: str) -> tuple[list[str], np.ndarray]:
    rows: list[np.ndarray] = []  # grown as read: a false header allocates nothing
    words, seen = [], set()
    row_bytes = 4 * dim
    for i in range(n):
        word_bytes = bytearray()
        while True:
            c = f.read(1)
            if not c and not word_bytes:
                raise DataError(f"{path}: the header promises {n} words, the file holds {i}")
            if not c:
                raise DataError(f"{path}: truncated at entry {i + 1} of {n} (byte {offset}): no vector")
            offset += 1
            if c == b" ":
                break
            if len(word_bytes) >= MAX_WORD_BYTES:
                raise DataError(f"{path}: entry {i + 1} of {n} (byte {offset}): a word longer than "
                                f"{MAX_WORD_BYTES} bytes: {quote(bytes(word_bytes[:80]))}")
            if c != b"\n" or word_bytes:  # a newline before a word ends the previous entry
                word_bytes += c
        data = f.read(row_bytes)
        if len(data) < row_bytes:
            raise DataError(f"{path}: truncated at entry {i + 1} of {n} (byte {offset}): "
                            f"{len(data)} of {row_bytes} vector bytes")
        offset += row_bytes
        word = _decode(path, bytes(word_bytes), errors, f"entry {i + 1}")
        rows.append(np.frombuffer(data, dtype="<f4").astype(np.float32))
        _check_entry(path, f"entry {i + 1}", word, rows[-1], seen)
        words.append(word)
    return words, np.array(rows, dtype=np.float32).reshape(len(rows), dim)


def _parse_header(path: Path, header: bytes) -> tuple[int, int]:
    if not header.strip():
        raise DataError(f"{path} is empty")
    parts = header.split()
    try:
        n_words, dim = int(parts[0]), int(parts[1])
        if len(parts) != 2 or n_words < 0 or dim < 1:
            raise ValueError
    except (ValueError, IndexError):
        raise DataError(f"{path}:1: expected a header 'n_words dim', got {header[:60]!r}") from None
    return n_words, dim


def _decode(path: Path, raw: bytes, errors: str, where: str) -> str:
    try:
        return raw.decode("utf-8", errors=errors)
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: {where}: invalid UTF-8 in word {quote(raw[:80])} (byte {exc.start}); "
                        f"pass unicode_errors='replace' or 'ignore' to read it anyway") from None


def _check_entry(path: Path, where: str, word: str, row: np.ndarray, seen: set[str]) -> None:
    if not np.all(np.isfinite(row)):
        raise DataError(f"{path}: {where}: word {quote(word)} has a NaN or infinite value")
    if word in seen:
        raise DataError(f"{path}: {where}: word {quote(word)} occurs twice")
    if not word:
        raise DataError(f"{path}: {where}: empty word")
    seen.add(word)


def _check_options(limit, unicode_errors) -> None:
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit={limit!r} must be a non-negative integer or None")
    if unicode_errors not in _UNICODE_ERRORS:
        raise ValueError(f"unicode_errors={unicode_errors!r} must be one of {', '.join(map(repr, _UNICODE_ERRORS))}")


def check_finite(words, vectors: np.ndarray) -> np.ndarray:
    """``vectors``, or ValueError naming the first word whose vector holds NaN or infinity:
    such vectors are never written (no reader would take them back)."""
    bad = np.flatnonzero(~np.isfinite(vectors).all(axis=1)) if vectors.ndim == 2 else []
    if len(bad):
        raise ValueError(f"the vector of word {quote(words[bad[0]])} (and {len(bad) - 1} more) holds NaN or "
                         f"infinite values: refusing to write it")
    return vectors


def _check_writable(word: str) -> None:
    if not word or any(c.isspace() for c in word):
        raise ValueError(f"word {quote(word)} is empty or holds white space: the format cannot store it")
