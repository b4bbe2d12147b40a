"""One registry of the vector file formats wordvec reads and writes, and of its untrusted readers.

:data:`FORMATS` is the one place a format is declared: its name (as ``wordvec
convert --to`` takes it), the suffixes that name it, and how to read and write
it. Files are read by their content (:func:`sniff`, :func:`load`) and written by
the format named or the suffix. The CLI, ``convert``, the fuzz harnesses and the
hostile-input tests all take their lists from here. :data:`UNTRUSTED_READERS`
adds the readers of outside data that are not vector files (corpus, SST).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wordvec.errors import DataError, ParameterError, quote
from wordvec.io import fasttext, formats
from wordvec.io.paths import regular_file
from wordvec.vectors.keyedvectors import KeyedVectors


@dataclass(frozen=True)
class Format:
    """A vector file format; ``read`` is None for a format wordvec only writes."""

    name: str
    suffixes: tuple[str, ...]
    read: Callable[[Path], KeyedVectors] | None
    write: Callable[[KeyedVectors, Path], None]
    doc: str


FORMATS: dict[str, Format] = {f.name: f for f in [
    Format("native", (".npz",), KeyedVectors.load, KeyedVectors.save,
           "wordvec's .npz: arrays and JSON, no pickle; a saved Word2Vec model reads as its vectors"),
    Format("word2vec-binary", (".bin",), lambda p: KeyedVectors.load_word2vec_format(p, binary=True),
           lambda kv, p: kv.save_word2vec_format(p, binary=True), "word2vec.c's binary format"),
    Format("word2vec-text", (".txt", ".vec"), KeyedVectors.load_word2vec_format, KeyedVectors.save_word2vec_format,
           "word2vec text: a header 'n_words dim', then 'word v1 ... vd' lines (fastText's .vec)"),
    Format("fasttext", (), fasttext.read_fasttext_bin, fasttext.write_fasttext_bin,
           "fastText's binary model (.bin, by content): words, counts and n-gram buckets, so unseen words "
           "get vectors; written by name (convert --to fasttext)"),
    Format("glove", (), lambda p: KeyedVectors(*formats.read_glove(p)),
           lambda kv, p: formats.write_glove(p, kv.words, kv.vectors), "GloVe text: word2vec text without the header"),
    Format("tsv", (), None, lambda kv, p: formats.write_projector(p, kv.words, kv.vectors),
           "TensorBoard projector: a directory with vectors.tsv and metadata.tsv"),
]}
DEFAULT = "word2vec-text"  # for a file name with no known suffix


def sniff(path: str | os.PathLike) -> Format:
    """The format of an existing vector file, from its first bytes: a zip (native), fastText's
    magic number (fasttext), a header 'n_words dim' followed by text (word2vec text) or not
    (word2vec binary), or lines of a word and numbers (GloVe). A file that is none of these raises DataError naming it."""
    path = regular_file(path, "vector file")
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head.startswith(b"PK\x03\x04"):
        return FORMATS["native"]
    if fasttext.is_fasttext_bin(head):
        return FORMATS["fasttext"]
    first, _, rest = head.partition(b"\n")
    parts = first.split()
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        entry = rest.split(b"\n", 1)[0].split()
        text = _is_text(rest) and len(entry) == int(parts[1]) + 1 and all(_is_number(p) for p in entry[1:])
        return FORMATS["word2vec-text" if text or not rest.strip() else "word2vec-binary"]
    if len(parts) >= 2 and _is_text(head) and all(_is_number(p) for p in parts[1:]):
        return FORMATS["glove"]
    kind = "gzip-compressed" if head.startswith(b"\x1f\x8b") else "not"
    raise DataError(f"{path} is {kind} a vector file wordvec reads (native .npz, fastText .bin, word2vec binary "
                    f"or text, GloVe text{'; decompress it first' if kind != 'not' else ''}): it starts with "
                    f"{quote(head[:40])}")


def _is_text(data: bytes) -> bool:
    """Whether ``data`` reads as UTF-8 text without control characters (a cut last character allowed)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 3:
            return False
        text = data[:exc.start].decode("utf-8")
    return not any(ord(c) < 32 and c not in "\n\r\t" for c in text)


def _is_number(token: bytes) -> bool:
    try:
        float(token)
        return True
    except ValueError:
        return False


def load(path: str | os.PathLike, mmap: bool = False) -> KeyedVectors:
    """The vectors of any file wordvec reads, whatever its name: a native file (saved vectors or
    a Word2Vec model), a fastText model (.bin), word2vec binary or text, or GloVe text, told
    apart by their content.

    Parameters
    ----------
    path : str or PathLike
    mmap : bool, default=False
        Map a native file's vectors instead of reading them.
    """
    fmt = sniff(path)
    if fmt.name == "native":
        return KeyedVectors.load(path, mmap=mmap)
    return fmt.read(Path(path))


def format_of(path: str | os.PathLike, name: str | None = None) -> Format:
    """The format called ``name``, or else the one ``path``'s suffix names (word2vec text by default)."""
    if name is not None:
        if name not in FORMATS:
            raise ParameterError(f"format={name!r} must be one of {', '.join(map(repr, FORMATS))}")
        return FORMATS[name]
    suffix = Path(path).suffix.lower()
    return next((f for f in FORMATS.values() if suffix in f.suffixes), FORMATS[DEFAULT])


def read_vectors(path: str | os.PathLike, name: str | None = None) -> KeyedVectors:
    """Vectors from ``path`` in format ``name`` (default: told by the content, see :func:`sniff`)."""
    fmt = format_of(path, name) if name is not None else sniff(path)
    if fmt.read is None:
        raise ParameterError(f"format {fmt.name!r} can be written but not read")
    return fmt.read(Path(path))


def write_vectors(kv: KeyedVectors, path: str | os.PathLike, name: str | None = None) -> Format:
    """Write ``kv`` to ``path`` in format ``name`` (default: by suffix); returns the format used."""
    fmt = format_of(path, name)
    fmt.write(kv, Path(path))
    return fmt


def _scan(path: Path) -> object:
    from wordvec.text.scan import scan_corpus

    return scan_corpus(path, path.parent, 1, None)


def _sst(path: Path) -> object:
    from wordvec.experiments.sst.data import read_sentences

    return read_sentences(path)


def _native_both_ways(path: Path) -> object:
    return KeyedVectors.load(path), KeyedVectors.load(path, mmap=True)


def _phrases(path: Path) -> object:
    from wordvec.text.phrases import Phrases

    return Phrases.load(path)


# Every reader of outside data: name -> (suffix of the file it reads, reader). Each must raise
# only DataError (or a subclass) on any bytes; fuzz/ and tests/io/test_hostile_input.py check it.
UNTRUSTED_READERS: dict[str, tuple[str, Callable[[Path], object]]] = {
    "corpus": (".txt", _scan),
    "corpus-gz": (".gz", _scan),
    "sst": (".txt", _sst),
    **{name: (f.suffixes[0] if f.suffixes else ".txt", f.read) for name, f in FORMATS.items() if f.read},
    "native": (".npz", _native_both_ways),
    "phrases": (".npz", _phrases),
    "any-vectors": (".vec", load),  # recognised by content, then read
}
