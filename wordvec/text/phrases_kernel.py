"""Compiled passes of phrase detection over word ids (-1 at line ends).

A phrase candidate is a run of ids: a word, the connector words after it, and
the next word (gensim's and word2vec.c's rule: each word ends one candidate
and starts the next). Candidates are keys of a hash table like the tokenizer's,
whose key bytes are the run's int32 ids; so a candidate is counted without
ever being made into a string.
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

from wordvec.text.tokenize import _FNV_OFFSET, _FNV_PRIME, _full, _insert, _lookup

PHRASE = 1 << 30  # an output id >= PHRASE is the phrase key (id - PHRASE)


@njit(cache=True, inline="always")
def _hash(data, first, length):
    h = _FNV_OFFSET
    for k in range(first, first + length):
        h = (h ^ uint64(data[k])) * _FNV_PRIME
    return h


@njit(cache=True, inline="always")
def _find(ids_bytes, s, e, slots, hashes, arena, offsets):
    """Key id of the run ids[s:e+1] (bytes 4s to 4e+4), or -1, and its slot."""
    first, length = 4 * s, 4 * (e - s + 1)
    h = _hash(ids_bytes, first, length)
    key, j = _lookup(ids_bytes, first, length, h, uint64(slots.shape[0] - 1), slots, hashes, arena, offsets)
    return key, j, h


@njit(cache=True, nogil=True)
def count_runs(ids, i, start, connector, slots, hashes, arena, offsets, counts, n_keys, arena_used):
    """Count every candidate of ``ids[i:]``, continuing a line whose open candidate starts at
    ``start`` (-1: none). Stops early when a table would overflow. Returns (position, start,
    n_keys, arena_used): call again from ``position`` after growing the tables if not the end."""
    ids_bytes = ids.view(np.uint8)
    while i < ids.shape[0]:
        t = ids[i]
        if t < 0:
            start = -1
        elif not connector[t]:
            if start >= 0:
                key, j, h = _find(ids_bytes, start, i, slots, hashes, arena, offsets)
                if key < 0:
                    length = 4 * (i - start + 1)
                    if _full(length, slots, hashes, arena, offsets, counts, n_keys, arena_used):
                        return i, start, n_keys, arena_used
                    key, n_keys, arena_used = _insert(ids_bytes, 4 * start, length, h, j, slots, hashes, arena,
                                                      offsets, n_keys, arena_used)
                counts[key] += 1
            start = i
        i += 1
    return i, start, n_keys, arena_used


@njit(cache=True, nogil=True)
def apply_runs(ids, connector, slots, hashes, arena, offsets, accepted, out):
    """Rewrite ``ids`` (whole lines) with each accepted candidate as one id, PHRASE + key, as
    gensim's ``Phrases.analyze_sentence`` does: a phrase's last word starts no new candidate;
    the words of a rejected one are kept and its last word starts the next. Returns the
    number of ids written to ``out``."""
    ids_bytes = ids.view(np.uint8)
    n, start = 0, -1
    for i in range(ids.shape[0]):
        t = ids[i]
        if t < 0 or not connector[t]:
            if t >= 0 and start >= 0:
                key, _, _ = _find(ids_bytes, start, i, slots, hashes, arena, offsets)
                if key >= 0 and accepted[key]:
                    out[n] = PHRASE + key
                    n += 1
                    start = -1
                    continue
            if start >= 0:  # the open candidate's words, as they were
                for k in range(start, i):
                    out[n] = ids[k]
                    n += 1
            start = i if t >= 0 else -1
            if t < 0:
                out[n] = -1
                n += 1
        elif start < 0:
            out[n] = t
            n += 1
    if start >= 0:
        for k in range(start, ids.shape[0]):
            out[n] = ids[k]
            n += 1
    return n
