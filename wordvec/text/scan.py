"""The vocabulary scan: one pass that counts words and stores the corpus as ids.

The pass gives each new word a provisional id (order of first appearance) and
writes the ids, with -1 at each line end, to an anonymous temporary file. Once the counts
are known the vocabulary is chosen (``min_count``, ``max_vocab_size``, ids by
decreasing count) and the file is rewritten with final ids, dropping the words
left out, in the order ``interleave`` asks (``text/ids.py``). Training epochs then
read that file in fixed-size chunks, so memory stays the vocabulary plus buffers
whatever the corpus length.
"""

from __future__ import annotations

import array
import ctypes
import logging
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from wordvec.errors import DataError, StorageError
from wordvec.io.atomic import describe
from wordvec.llvm_pages import release_llvm_pages
from wordvec.text.corpus import Range, corpus_files, dealt_ranges, read_ahead, read_blocks
from wordvec.text.ids import SEPARATOR, rewrite
from wordvec.text.tokenize import WordTable, load_compiled
from wordvec.text.vocab import Vocabulary

logger = logging.getLogger("wordvec")
_FLUSH_TOKENS = 1 << 20
SHARE_PIECES = 8  # stretches of each process's share, spread over the corpus (see corpus.dealt_ranges)


class _ProvisionalIds(dict):
    """word -> id, handing out the next id to each new word."""

    def __missing__(self, word: str) -> int:
        self[word] = n = len(self)
        return n


@dataclass
class Share:
    """One process's part of a corpus that several processes (MPI ranks) scan together: process
    ``rank`` of ``size`` reads its own byte ranges; ``exchange(x)`` returns every process's x in
    rank order (an allgather)."""

    rank: int
    size: int
    exchange: Callable[[object], list]


@dataclass
class ScannedCorpus:
    """A scanned corpus: its vocabulary and its words as ids in a file, ready for the epochs."""

    vocab: Vocabulary
    ids: Path | BinaryIO  # int32 ids, -1 at line ends: a file, or an open file without a name
    n_words: int  # tokens kept in the vocabulary, per epoch
    n_tokens: int  # all tokens read
    seconds: float
    n_ids: int = 0  # ids in the file (words and line ends): what a resumed run checks
    crc32: int = 0  # zlib.crc32 of the file's bytes
    moved: np.ndarray | None = None  # scanned against a previous vocabulary: its id -> the new id


def scan_corpus(corpus, workdir: Path, min_count: int, max_vocab_size: int | None,
                name: str | None = "corpus.ids", base: Vocabulary | None = None, workers: int = 1,
                share: Share | None = None, interleave: int = 1) -> ScannedCorpus:
    """Count ``corpus`` and store it as ids in ``workdir / name`` (see the module docstring).

    With ``name=None`` the ids go to an open temporary file without a name in
    ``workdir`` (``ScannedCorpus.ids``; close it when done): nothing is left on
    disk even if the process is killed. With a ``base`` vocabulary (continued
    training) every base word stays, its count grows by its new occurrences, and
    new words join when they occur ``min_count`` times in ``corpus``;
    ``n_words`` counts the new corpus only and ``moved`` maps base ids to new ids.
    ``workers`` threads tokenize files (the result is the same for any number).
    With a ``share``, this process scans only its byte ranges of the files and
    stores only their ids, but the vocabulary is that of the whole corpus (the
    merge of every share's counts, the same as one process's scan); ``n_words``
    and ``n_tokens`` then count this share. ``interleave``: the stretches whose pieces
    the file takes in turn (see the module docstring; 1: the corpus's order).
    """
    start = time.perf_counter()
    files = corpus_files(corpus)
    load_compiled()
    release_llvm_pages()  # the tokenizer is loaded: LLVM's pages out before the tables grow (wordvec/llvm_pages.py)
    ids = workdir / name if name is not None else tempfile.TemporaryFile(dir=workdir)
    try:
        with tempfile.TemporaryFile(dir=workdir) as raw:  # no name: nothing to plant, nothing left behind
            if share is not None:
                words, counts, mine, local = _encode_share(files, raw, workers, share)
            else:
                words, counts = (_encode_files([(path, 0, None) for path in files], raw, workers)[:2]
                                 if files is not None else _encode_token_lists(corpus, raw))
                mine, local = None, counts
            n_tokens = int(local.sum())
            if counts.sum() == 0:
                raise DataError("the corpus is empty: it holds no tokens")
            if base is None:
                vocab, remap = _choose_vocabulary(words, counts, min_count, max_vocab_size)
                remap = remap if mine is None else remap[mine]  # a share: its own provisional ids
                moved, n_words = None, int(local[remap >= 0].sum())
            else:
                vocab, remap, moved = _extend_vocabulary(base, words, counts, min_count, max_vocab_size)
                n_words = int(counts[remap >= 0].sum())
            raw.seek(0)
            n_ids, crc32 = rewrite(raw, ids, remap, interleave)
    except OSError as exc:
        raise StorageError(f"cannot store the corpus as word ids in {workdir}: {describe(exc)}") from None
    seconds, n_distinct = time.perf_counter() - start, len(counts)
    del words, counts  # the table of every distinct word, freed before training allocates its weights
    _return_freed_memory()
    logger.info("vocabulary: %d words kept of %d distinct, %d of %d tokens (%.0f tokens/s)",
                len(vocab), n_distinct, n_words, n_tokens, n_tokens / max(seconds, 1e-9))
    return ScannedCorpus(vocab, ids, n_words, n_tokens, seconds, n_ids, crc32, moved)


def _encode_files(parts: list[Range], raw: BinaryIO,
                  workers: int = 1) -> tuple[Callable, np.ndarray, np.ndarray]:
    """Write provisional ids of the words of every (file, start, end) byte range to ``raw``.
    Returns a function from provisional ids to words, the counts, and the number of
    distinct words after each range (the words new in range i are ids ends[i-1] to ends[i]).

    With several ``workers``, threads tokenize blocks with tables of their own
    while this thread merges each block's table into the global one, in block
    order: the ids, the counts and the file are those of the serial pass. Another
    thread reads (and decompresses) the blocks meanwhile.
    """
    table, ends = WordTable(), np.zeros(len(parts), dtype=np.int64)
    blocks = ((i, block) for i, (path, start, end) in enumerate(parts)
              for block in read_blocks(path, start, end))
    if workers <= 1:
        for i, block in blocks:
            table.encode(block).tofile(raw)
            ends[i] = table.n_words
    else:
        with ThreadPoolExecutor(workers) as pool:
            tagged = _in_order(pool, lambda item: (item[0], *_encode_alone(item[1])),
                               read_ahead(blocks, workers + 1), workers + 1)
            for i, local, ids in tagged:
                _merge(table, local, ids).tofile(raw)
                ends[i] = table.n_words
    return table.words, table.counts[: table.n_words], np.maximum.accumulate(ends)  # an empty range: the last


def _encode_share(files: list[Path] | None, raw: BinaryIO, workers: int,
                  share: Share) -> tuple[Callable, np.ndarray, np.ndarray, np.ndarray]:
    """Encode this share's byte ranges, then merge every share's words in the corpus's order (the
    words new in each range, the ranges by their place in the corpus: the order of first
    appearance of one process reading the whole corpus). Returns the merged words and counts,
    this share's provisional ids in the merged numbering, and this share's own counts."""
    if files is None:
        raise DataError("a corpus scanned by several processes must be files (a path, a directory or "
                        "a list of paths), not token lists")
    dealt = list(dealt_ranges(files, share.size, SHARE_PIECES))  # (share, range), in corpus order
    idle = share.size - len({k for k, _ in dealt})
    if idle and share.rank == 0:
        logger.warning("%d of %d processes have nothing to read: compressed files cannot be cut, so each goes "
                       "whole to one process; give a directory of several files, or uncompressed text",
                       idle, share.size)
    words, counts, ends = _encode_files([part for k, part in dealt if k == share.rank], raw, workers)
    everyone = share.exchange(("\n".join(words(np.arange(len(counts)))), counts, ends))
    texts = [text.split("\n") if text else [] for text, _, _ in everyone]
    ids = [np.zeros(len(theirs), dtype=np.int64) for _, theirs, _ in everyone]
    index: dict[str, int] = {}
    done = [0] * share.size  # each share's ranges met so far
    for rank, _ in dealt:
        i, done[rank] = done[rank], done[rank] + 1
        new = slice(everyone[rank][2][i - 1] if i else 0, everyone[rank][2][i])  # the words range i met first
        ids[rank][new] = [index.setdefault(word, len(index)) for word in texts[rank][new]]
    merged = np.zeros(len(index), dtype=np.int64)
    for rank, (_, theirs, _) in enumerate(everyone):
        np.add.at(merged, ids[rank], theirs)
    every = list(index)
    return (lambda chosen: [every[i] for i in chosen]), merged, ids[share.rank], counts


def _return_freed_memory() -> None:
    """Hand the scan's freed tables back to the system (glibc keeps freed memory, in the main arena
    and in the arenas of the threads that tokenized, which would otherwise stay in the training's
    resident memory)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _encode_alone(block: bytes) -> tuple[WordTable, np.ndarray]:
    local = WordTable()
    ids = local.encode(block)
    local.release_buffer()  # a table used once: its output buffer (4 bytes a byte of block) is not kept
    return local, ids


def _merge(table: WordTable, local: WordTable, ids: np.ndarray) -> np.ndarray:
    """``ids`` of ``local``'s words as ids of ``table``, which learns the new words (in
    ``local``'s order of first appearance) and adds ``local``'s counts."""
    lookup = np.append(table.merge(local), SEPARATOR).astype(np.int32)  # index -1 (a line end) maps to -1
    return lookup[ids]


def _in_order(pool: ThreadPoolExecutor, work: Callable, items: Iterable, ahead: int) -> Iterator:
    """``work(item)`` for each item, run on ``pool`` with at most ``ahead`` in flight, yielded in order,
    each as soon as it and those before it are done (the consumer's work overlaps the pool's from
    the first item on, instead of waiting until ``ahead`` are in flight)."""
    pending: deque = deque()
    for item in items:
        while pending and pending[0].done():
            yield pending.popleft().result()
        if len(pending) >= ahead:
            yield pending.popleft().result()
        pending.append(pool.submit(work, item))
    while pending:
        yield pending.popleft().result()


def _encode_token_lists(corpus: Iterable[Sequence[str]], raw: BinaryIO) -> tuple[Callable, np.ndarray]:
    """As :func:`_encode_files` for an iterable of token lists."""
    ids = _ProvisionalIds()
    lookup = ids.__getitem__
    out = array.array("i")
    counts = np.zeros(0, dtype=np.int64)
    for n, sentence in enumerate(corpus, start=1):
        if isinstance(sentence, str) or not all(isinstance(t, str) for t in sentence):
            raise DataError(f"corpus sentence {n} is not a list of strings: {str(sentence)[:60]!r}")
        if sentence:
            out.extend(map(lookup, sentence))
            out.append(SEPARATOR)
        if len(out) >= _FLUSH_TOKENS:
            counts = _flush(out, raw, counts, len(ids))
    counts = _flush(out, raw, counts, len(ids))
    words = list(ids)
    return lambda chosen: [words[i] for i in chosen], counts


def _flush(out: array.array, raw: BinaryIO, counts: np.ndarray, n_ids: int) -> np.ndarray:
    """Write the buffered ids and add them to the counts."""
    block = np.frombuffer(out, dtype=np.int32)
    block.tofile(raw)
    counts = np.concatenate([counts, np.zeros(n_ids - len(counts), dtype=np.int64)])
    counts += np.bincount(block[block >= 0], minlength=n_ids)
    del block
    del out[:]
    return counts


def _choose_vocabulary(words: Callable, counts: np.ndarray, min_count: int,
                       max_vocab_size: int | None) -> tuple[Vocabulary, np.ndarray]:
    """Words with count >= min_count, most frequent first, at most max_vocab_size of them."""
    order = np.argsort(-counts, kind="stable")  # ties keep order of first appearance
    order = order[counts[order] >= min_count][:max_vocab_size]
    if len(order) == 0:
        top = int(np.argmax(counts))
        raise DataError(f"no word reaches min_count={min_count}: the most frequent, {words([top])[0]!r}, "
                        f"occurs {counts[top]} times")
    remap = np.full(len(counts), -2, dtype=np.int32)
    remap[order] = np.arange(len(order), dtype=np.int32)
    return Vocabulary(words(order), counts[order]), remap


def _extend_vocabulary(base: Vocabulary, words: Callable, counts: np.ndarray, min_count: int,
                       max_vocab_size: int | None) -> tuple[Vocabulary, np.ndarray, np.ndarray]:
    """``base`` grown by the new words reaching ``min_count`` (the most frequent first, up to
    ``max_vocab_size`` words in all), counts accumulated, re-sorted by count. Returns the
    vocabulary, the map from provisional to final ids, and the map from base ids to final ids."""
    scanned = words(np.arange(len(counts)))
    in_base = np.array([base.index.get(w, -1) for w in scanned], dtype=np.int64)
    fresh = np.flatnonzero((in_base < 0) & (counts >= min_count))
    fresh = fresh[np.argsort(-counts[fresh], kind="stable")]
    if max_vocab_size is not None:
        fresh = fresh[:max(0, max_vocab_size - len(base))]
    combined = np.concatenate([base.counts, counts[fresh]])
    np.add.at(combined, in_base[in_base >= 0], counts[in_base >= 0])
    order = np.argsort(-combined, kind="stable")  # ties keep base words first
    final = np.empty(len(order), dtype=np.int32)
    final[order] = np.arange(len(order), dtype=np.int32)
    remap = np.full(len(counts), -2, dtype=np.int32)
    remap[in_base >= 0] = final[in_base[in_base >= 0]]
    remap[fresh] = final[len(base) + np.arange(len(fresh))]
    all_words = base.words + [scanned[i] for i in fresh]
    return Vocabulary([all_words[i] for i in order], combined[order]), remap, final[:len(base)]
