"""Split UTF-8 bytes into words and give each distinct word an id, in one compiled pass.

Words are separated by ASCII whitespace (space, tab, CR, VT, FF, as in
word2vec.c); a newline ends a line, written as id -1 after the line's words.
Distinct words live in an open-addressing hash table (FNV-1a hashes, linear
probing) whose keys are slices of a byte arena; ids are handed out in order of
first appearance and counted as they go.
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

from wordvec.engine.cpu.prefetch import prefetch_item

_FNV_OFFSET = uint64(0xCBF29CE484222325)
_FNV_PRIME = uint64(0x100000001B3)
NEWLINE = 10


@njit(cache=True, inline="always")
def _is_space(b):
    return b == 32 or b == 9 or b == 13 or b == 11 or b == 12


@njit(cache=True, inline="always")
def _same_bytes(data, start, length, arena, offset):
    for k in range(length):
        if data[start + k] != arena[offset + k]:
            return False
    return True


@njit(cache=True, inline="always")
def _lookup(data, first, length, h, mask, slots, hashes, arena, offsets):
    """(id, slot) of the word ``data[first:first + length]`` of hash h, or (-1, its empty slot)."""
    j = h & mask
    while slots[j] >= 0:
        w = slots[j]
        if hashes[w] == h and offsets[w + 1] - offsets[w] == length:
            if _same_bytes(data, first, length, arena, offsets[w]):
                return w, j
        j = (j + uint64(1)) & mask
    return -1, j


@njit(cache=True, inline="always")
def _full(length, slots, hashes, arena, offsets, counts, n_words, arena_used):
    """Whether adding a word of ``length`` bytes would overflow a table."""
    return (2 * (n_words + 1) > slots.shape[0] or n_words + 2 > offsets.shape[0]
            or n_words + 1 > hashes.shape[0] or n_words + 1 > counts.shape[0]
            or arena_used + length > arena.shape[0])


@njit(cache=True, inline="always")
def _insert(data, first, length, h, j, slots, hashes, arena, offsets, n_words, arena_used):
    """Add the key ``data[first:first + length]`` of hash h at empty slot j (the table has
    room: see :func:`_full`). Returns (its id, n_words, arena_used)."""
    key = n_words
    for k in range(length):
        arena[arena_used + k] = data[first + k]
    offsets[key] = arena_used
    offsets[key + 1] = arena_used + length
    hashes[key] = h
    slots[j] = key
    return key, n_words + 1, arena_used + length


@njit(cache=True)
def rehash(slots, hashes, n_words, capacity):
    """The ids of ``slots`` placed in a new table of ``capacity`` slots."""
    new_slots = np.full(capacity, -1, dtype=np.int64)
    mask = uint64(capacity - 1)
    for w in range(n_words):
        j = hashes[w] & mask
        while new_slots[j] >= 0:
            j = (j + uint64(1)) & mask
        new_slots[j] = w
    return new_slots


@njit(cache=True, nogil=True)
def encode_bytes(data, start, in_line, out, slots, hashes, arena, offsets, counts, n_words, arena_used):
    """Write the ids of the words in ``data[start:]`` (uint8) to ``out``, -1 after each line.

    The vocabulary state is updated in place: ``slots`` (hash table of ids), and
    per id ``hashes``, ``offsets`` into ``arena`` (the word's bytes end at
    ``offsets[id + 1]``) and ``counts``. Stops early, at a word boundary, when
    a table would overflow. ``in_line`` says whether the line at ``start``
    already has words. Returns ``(position, n_out, n_words, arena_used,
    in_line)``: call again from ``position`` after growing the tables if it is
    not the end.
    """
    n = data.shape[0]
    mask = uint64(slots.shape[0] - 1)
    n_out = 0
    i = start
    line_has_words = in_line
    while i < n:
        b = data[i]
        if b == NEWLINE:
            if line_has_words:
                out[n_out] = -1
                n_out += 1
                line_has_words = False
            i += 1
            continue
        if _is_space(b):
            i += 1
            continue
        first = i
        h = _FNV_OFFSET
        while i < n and data[i] != NEWLINE and not _is_space(data[i]):
            h = (h ^ uint64(data[i])) * _FNV_PRIME
            i += 1
        length = i - first
        word, j = _lookup(data, first, length, h, mask, slots, hashes, arena, offsets)
        if word < 0:
            if _full(length, slots, hashes, arena, offsets, counts, n_words, arena_used):
                return first, n_out, n_words, arena_used, line_has_words
            word, n_words, arena_used = _insert(data, first, length, h, j, slots, hashes, arena, offsets,
                                                n_words, arena_used)
        counts[word] += 1
        out[n_out] = word
        n_out += 1
        line_has_words = True
    if line_has_words:
        out[n_out] = -1
        n_out += 1
    return n, n_out, n_words, arena_used, False


_AHEAD = 16  # words whose slot is fetched ahead in merge_words


@njit(cache=True, nogil=True)
def merge_words(start, l_hashes, l_arena, l_offsets, l_counts, n_local, mapping, slots, hashes, arena, offsets,
                counts, n_words, arena_used):
    """Add the words of another table (``l_*``, ids from ``start`` on, in their order) to this one:
    ``mapping[i]`` = the id here of their word i, and its count is added. The other table's
    hashes are reused, and the slot of the word ``_AHEAD`` places on is prefetched, since the
    lookups of a large table miss the caches. Stops early, like :func:`encode_bytes`, when a
    table would overflow; returns ``(position, n_words, arena_used)``.
    """
    mask = uint64(slots.shape[0] - 1)
    for i in range(start, n_local):
        if i + _AHEAD < n_local:
            prefetch_item(slots, l_hashes[i + _AHEAD] & mask)
        h, first = l_hashes[i], l_offsets[i]
        length = l_offsets[i + 1] - first
        word, j = _lookup(l_arena, first, length, h, mask, slots, hashes, arena, offsets)
        if word < 0:
            if _full(length, slots, hashes, arena, offsets, counts, n_words, arena_used):
                return i, n_words, arena_used
            word, n_words, arena_used = _insert(l_arena, first, length, h, j, slots, hashes, arena, offsets,
                                                n_words, arena_used)
        counts[word] += l_counts[i]
        mapping[i] = word
    return n_local, n_words, arena_used


def load_compiled() -> None:
    """Load the tokenizer's compiled functions now (from numba's cache), on a tiny table."""
    table, other = WordTable(), WordTable()
    other.encode(b"w\n")
    table.merge(other)
    rehash(table.slots, table.hashes, 0, len(table.slots))


class WordTable:
    """The growing vocabulary of :func:`encode_bytes`, held between calls."""

    def __init__(self) -> None:
        self.slots = np.full(1 << 16, -1, dtype=np.int64)
        self.hashes = np.zeros(1 << 15, dtype=np.uint64)
        self.arena = np.zeros(1 << 20, dtype=np.uint8)
        self.offsets = np.zeros(1 << 15, dtype=np.int64)
        self.counts = np.zeros(1 << 15, dtype=np.int64)
        self.n_words = 0
        self.arena_used = 0
        self._out = np.empty(0, dtype=np.int32)

    def encode(self, data: bytes) -> np.ndarray:
        """Ids of the words in ``data``; -1 after each line."""
        array = np.frombuffer(data, dtype=np.uint8)
        if len(self._out) < len(array) + 1:  # one buffer for every call: no heap churn
            self._out = np.empty(len(array) + 1, dtype=np.int32)
        out = self._out
        position, n_out, in_line = 0, 0, False
        while True:
            position, written, self.n_words, self.arena_used, in_line = encode_bytes(
                array, position, in_line, out[n_out:], self.slots, self.hashes, self.arena, self.offsets,
                self.counts, self.n_words, self.arena_used)
            n_out += written
            if position == len(array):
                break
            self._grow()
        return out[:n_out].copy()

    def merge(self, other: WordTable) -> np.ndarray:
        """Add ``other``'s words and counts (new words in ``other``'s id order); returns the id
        here of each of ``other``'s ids."""
        mapping = np.empty(other.n_words, dtype=np.int64)
        position = 0
        while True:
            position, self.n_words, self.arena_used = merge_words(
                position, other.hashes, other.arena, other.offsets, other.counts, other.n_words, mapping,
                self.slots, self.hashes, self.arena, self.offsets, self.counts, self.n_words, self.arena_used)
            if position == other.n_words:
                return mapping
            self._grow()

    def _grow(self) -> None:
        """Double the table that made ``encode_bytes`` stop (the arena if no other is full)."""
        full_ids = self.n_words + 2 > min(len(self.offsets), len(self.hashes) + 1, len(self.counts) + 1)
        full_slots = 2 * (self.n_words + 1) > len(self.slots)
        if full_ids:
            self.hashes = np.concatenate([self.hashes, np.zeros_like(self.hashes)])
            self.offsets = np.concatenate([self.offsets, np.zeros_like(self.offsets)])
            self.counts = np.concatenate([self.counts, np.zeros_like(self.counts)])
        if full_slots:
            self.slots = rehash(self.slots, self.hashes, self.n_words, 2 * len(self.slots))
        if not (full_ids or full_slots):
            self.arena = np.concatenate([self.arena, np.zeros_like(self.arena)])

    def release_buffer(self) -> None:
        """Free the output buffer that :meth:`encode` keeps for its next call."""
        self._out = np.empty(0, dtype=np.int32)

    def words(self, ids=None) -> list[str]:
        """The words with the given ids (default: all, in id order); the bytes were
        checked to be UTF-8 before encoding."""
        ids = np.arange(self.n_words) if ids is None else np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(ids) == 0:
            return []
        starts, ends = self.offsets[ids], self.offsets[ids + 1]
        # every word's bytes and a line end after each, gathered at once: one decode, one split
        # (a word never holds a line end), not a bytes object and a decode per word
        sizes = ends - starts + 1
        stops = np.cumsum(sizes)  # where each word's line end goes
        where = np.arange(int(stops[-1])) + np.repeat(starts - (stops - sizes), sizes)
        # (a line end's place reads the byte after its word, which may lie past a full arena: clipped)
        gathered = self.arena[np.minimum(where, len(self.arena) - 1)]
        gathered[stops - 1] = ord("\n")
        return gathered.tobytes().decode("utf-8").split("\n")[:-1]
