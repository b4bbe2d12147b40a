"""The CPU training kernel: one chunk of the corpus, skip-gram or CBOW, either output layer.

The architecture only gathers the inputs of each prediction; the output layer
chooses its rows (``output.negative_targets`` or ``output.path_targets``) and
``output.binary_logistic_step`` does the rest. Every architecture predicts the center word
of a window; they differ in what predicts it (the ``hidden`` rows):

* skip-gram, per window: each context word's input vector, in one gradient step,
  with one set of negatives shared by the window (Ji et al.'s HogBatch);
* skip-gram, per pair: each context word's input vector in turn, a step each,
  fresh negatives each (word2vec.c's algorithm);
* CBOW: the mean of the context words' input vectors.

A word's input vector is the mean of its bag of input rows (``Weights``); the
gradient reaching it goes to every row of the bag. With bags (subwords) the
vectors of the words within reach are composed once each and their changes
added to their rows once each (``bagcache``), not once a window. A chunk holds
word ids with -1 at each line end; windows never cross a line end.

There is one compiled kernel per architecture and output layer (:data:`KERNELS`),
each the shared loop :func:`_train` with its step and its output layer fixed, so
that a run compiles only the code it runs, and a twin of each for rows of the
default length, whose loops LLVM then compiles for that length (``width.py``). Rows scattered over matrices larger
than the caches are what the kernels wait for most, so each window's output rows
are chosen (its negatives drawn) and prefetched :data:`LEAD` windows before it
computes, and the context row that enters the next window one window before.
"""

from __future__ import annotations

import contextlib

import numpy as np
from numba import njit

from wordvec.engine.contract import ARCH_CBOW, ARCH_SKIPGRAM, LOSS_HIERARCHICAL, LOSS_NEGATIVE
from wordvec.engine.cpu.bagcache import (
    add_input_mean,
    add_to_input,
    cache_enter,
    cache_leave_line,
    context_cache,
    read_input,
)
from wordvec.engine.cpu.borrow import borrowed, keep
from wordvec.engine.cpu.output import (
    add_top_change,
    binary_logistic_step,
    copy_top_rows,
    negative_targets,
    path_targets,
)
from wordvec.engine.cpu.prefetch import prefetch_row
from wordvec.engine.cpu.rng import randint, uniform
from wordvec.engine.cpu.vecops import zero_row
from wordvec.engine.cpu.width import ROW, assume_equal, prefer_256_bit_vectors

LEAD = 2  # windows between choosing (and prefetching) a window's output rows and computing it
_RING = 4  # slots of chosen rows: a power of two above LEAD
_OWN = 8  # uint64s in a cache line: element _OWN of 2 * _OWN is on a line that nothing else shares


@njit(cache=True, nogil=True, fastmath=True, error_model="numpy", inline="always")
def _train(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top, step, targets,
           per_context, row):
    """Train on one chunk with ``step`` (:func:`_skipgram_step` or :func:`_cbow_step`) and the output
    layer's ``targets``; returns ``(loss_sum, n_predictions, n_words)`` (see ``engine.contract``).
    ``top``: the thread's copy of the last output rows (:func:`train_chunk`), copied in here, or None.
    ``per_context``: a prediction per context word (skip-gram) or per window (CBOW).
    ``row``: 0, or the length of every weight row, known when the kernel is compiled (``engine/cpu/width.py``).

    The learning rate of the word at raw position p of the chunk is
    alpha_start + p (alpha_end - alpha_start) / n_words: each kept word gets the
    rate of its place among the raw words, so subsampling does not bend the schedule.
    Random draws come in this order: a line's subsampling, the output rows of its
    first LEAD words, then per word those of the word LEAD ahead and its window's reach.
    Every array is used borrowed (``engine/cpu/borrow.py``): the windows' loop updates no
    reference counts (1.21-1.29x faster one-thread kernels, CBOW-NS unchanged).
    The threads' random states lie side by side in one array, eight to a cache line, and
    every draw writes its state: drawn there, each draw took the line from the other cores.
    The chunk draws from a copy on a line of its own and puts it back at its end (two
    threads on 2 cores: CBOW-NS 1.08-1.14x, SG-NS 1.00-1.04x; BENCHMARKS.md).
    """
    prefer_256_bit_vectors()  # each kernel's row loops 8 floats wide (engine/cpu/width.py)
    chunk, weights, tables = borrowed(chunk), borrowed(weights), borrowed(tables)  # not state: see below
    if row > 0:  # a constant: the twin of the generic kernel (train_chunk checks the rows' length)
        assume_equal(weights.vectors_in.shape[1], row)
        assume_equal(weights.vectors_out.shape[1], row)
    window, dim, out = settings.window, weights.vectors_in.shape[1], weights.vectors_out
    width = max(settings.negative + 1, tables.codes.shape[1])
    span = 2 * min(window, chunk.shape[0])  # a context never holds more words than the chunk
    owned = (np.empty(span, dtype=np.int64),  # the context's words
             np.empty(span, dtype=np.int64),  # their positions in the line
             np.empty((span, dim), dtype=np.float32),  # hidden
             np.empty((span, dim), dtype=np.float32),  # grad
             np.empty((_RING, width), dtype=np.int64),  # slot p % _RING: the output rows of the word at p
             np.empty((_RING, width), dtype=np.float32),  # their signs
             np.zeros(_RING, dtype=np.int64),  # how many
             np.empty((span, width), dtype=np.float32),  # coefficients
             np.zeros(_RING, dtype=np.int64),  # how many of them are rows of the thread's copy
             np.empty(chunk.shape[0], dtype=np.int64),  # the line after subsampling
             context_cache(weights, window, dim),  # with subwords: the reach's input vectors (engine/cpu/bagcache.py)
             np.empty(2 * _OWN, dtype=np.uint64))  # the random state at [_OWN]: no other array on its line
    context, where, hidden, grad, rows, signs, n_rows, coeffs, n_top, sentence, cache, rng = borrowed(owned)
    # the copy the thread trains (borrowed: its owner is the caller); under negative sampling no row
    # is in a copy (train_chunk passes None) and the output rows stand in for it
    mine = out if top is None else borrowed(copy_top_rows(out, top))
    if row > 0:
        assume_equal(mine.shape[1], row)
    rng[_OWN] = state[stream]  # the chunk draws from a copy of its stream's state, on a line of its own
    slope = (alpha_end - alpha_start) / max(1, np.count_nonzero(chunk >= 0))  # per word
    loss, n_predictions, words_done = 0.0, 0, 0
    i = 0
    while i < chunk.shape[0]:
        i, length, raw = _subsample_line(chunk, i, tables.keep_prob, rng, _OWN, sentence)
        raw_per_kept = raw / max(length, 1)
        for p in range(min(LEAD, length)):
            n_rows[p], n_top[p] = targets(tables, settings.negative, sentence[p], out, mine, rng, _OWN, rows[p],
                                          signs[p])
        for pos in range(length):
            p = (pos + LEAD) % _RING
            if pos + LEAD < length:
                n_rows[p], n_top[p] = targets(tables, settings.negative, sentence[pos + LEAD], out, mine, rng, _OWN,
                                              rows[p], signs[p])
            if pos + 1 < length:  # the context row that enters the next window
                prefetch_row(weights.vectors_in, sentence[min(pos + 1 + window, length - 1)])
            cache_enter(cache, weights, sentence, length, pos, window)
            alpha = alpha_start + slope * (words_done + pos * raw_per_kept)
            reach = window - randint(rng, _OWN, window) if settings.shrink_windows else window
            m = _gather_context(sentence, length, pos, reach, context)
            if cache is not None:  # compiled only with subwords
                _where_context(length, pos, reach, where)
            if m == 0:
                continue
            s = pos % _RING
            loss += step(targets, weights, tables, settings, sentence[pos], context, where, m, alpha, rng, _OWN,
                         hidden, grad, rows[s], signs[s], n_rows[s], n_top[s], mine, coeffs, cache)
            n_predictions += m if per_context else 1
        cache_leave_line(cache, weights, sentence, length, window)
        words_done += raw
    state[stream] = rng[_OWN]  # the stream goes on next chunk (borrowed, numba drops this: borrow.py)
    keep(owned)
    return loss, n_predictions, words_done


@njit(cache=True, nogil=True, inline="always")
def _subsample_line(chunk, i, keep_prob, state, stream, sentence):
    """Copy the line starting at ``chunk[i]`` into ``sentence``, each word kept with its
    probability; returns (the index after its line end, words kept, words read)."""
    length, raw = 0, 0
    while i < chunk.shape[0] and chunk[i] >= 0:
        w = chunk[i]
        raw += 1
        if keep_prob[w] >= 1.0 or uniform(state, stream) < keep_prob[w]:
            sentence[length] = w
            length += 1
        i += 1
    return i + 1, length, raw


@njit(cache=True, nogil=True, inline="always")
def _gather_context(sentence, length, pos, reach, context):
    """The words within ``reach`` of ``pos`` (not itself) into ``context``; returns how many."""
    m = 0
    for j in range(max(0, pos - reach), min(length, pos + reach + 1)):
        if j != pos:
            context[m] = sentence[j]
            m += 1
    return m


@njit(cache=True, nogil=True, inline="always")
def _where_context(length, pos, reach, where):
    """The positions in the line of the contexts :func:`_gather_context` gathers, into ``where``."""
    m = 0
    for j in range(max(0, pos - reach), min(length, pos + reach + 1)):
        if j != pos:
            where[m] = j
            m += 1


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _cbow_step(targets, weights, tables, settings, center, context, where, m, alpha, state, stream, hidden, grad,
               rows, signs, k, h, top, coeffs, cache):
    """The mean of the context's input vectors predicts the center (output ``rows[:k]``); each
    context word's rows get the whole update (word2vec.c) or 1/m of it (``cbow_mean_gradient``)."""
    zero_row(hidden, 0)
    for j in range(m):
        add_input_mean(1.0 / m, weights, cache, context, where, j, hidden, 0)
    loss = binary_logistic_step(hidden, grad, 1, rows, signs, k, h, weights.vectors_out, top, alpha, coeffs)
    scale = 1.0 / m if settings.cbow_mean_gradient else 1.0
    for j in range(m):
        add_to_input(scale, grad, 0, weights, cache, context, where, j)
    return loss


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _skipgram_step(targets, weights, tables, settings, center, context, where, m, alpha, state, stream, hidden,
                   grad, rows, signs, k, h, top, coeffs, cache):
    """Each context word's input vector predicts the center (output ``rows[:k]``): all m in one
    step (per window), or one step per pair (word2vec.c), each pair after the first with fresh
    noise words under negative sampling (the center's path is the same for every pair)."""
    if settings.per_window:
        for j in range(m):
            read_input(weights, cache, context, where, j, hidden, j)
        loss = binary_logistic_step(hidden, grad, m, rows, signs, k, h, weights.vectors_out, top, alpha, coeffs)
        for j in range(m):
            add_to_input(1.0, grad, j, weights, cache, context, where, j)
        return loss
    loss = 0.0
    for j in range(m):
        if j > 0 and settings.loss == LOSS_NEGATIVE:
            k, h = targets(tables, settings.negative, center, weights.vectors_out, top, state, stream, rows, signs)
        read_input(weights, cache, context, where, j, hidden, 0)
        loss += binary_logistic_step(hidden, grad, 1, rows, signs, k, h, weights.vectors_out, top, alpha, coeffs)
        add_to_input(1.0, grad, 0, weights, cache, context, where, j)
    return loss


# Eight thin kernels written out: numba's cache cannot hold closures made by a factory apart
# (they share one index and recompile on every run), so each specialisation is a module-level
# function; the second of each pair knows that its rows hold ROW floats.
_FLAGS = {"cache": True, "nogil": True, "fastmath": True, "error_model": "numpy"}


@njit(**_FLAGS)
def _skipgram_negative(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top):
    return _train(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top, _skipgram_step,
                  negative_targets, True, 0)


@njit(**_FLAGS)
def _skipgram_negative_row(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top):
    return _train(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top, _skipgram_step,
                  negative_targets, True, ROW)


@njit(**_FLAGS)
def _skipgram_hierarchical(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top):
    return _train(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top, _skipgram_step,
                  path_targets, True, 0)


@njit(**_FLAGS)
def _skipgram_hierarchical_row(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top):
    return _train(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top, _skipgram_step,
                  path_targets, True, ROW)


@njit(**_FLAGS)
def _cbow_negative(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top):
    return _train(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top, _cbow_step,
                  negative_targets, False, 0)


@njit(**_FLAGS)
def _cbow_negative_row(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top):
    return _train(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top, _cbow_step,
                  negative_targets, False, ROW)


@njit(**_FLAGS)
def _cbow_hierarchical(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top):
    return _train(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top, _cbow_step,
                  path_targets, False, 0)


@njit(**_FLAGS)
def _cbow_hierarchical_row(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top):
    return _train(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top, _cbow_step,
                  path_targets, False, ROW)


# (arch, loss) -> (the kernel for any row length, its twin for rows of ROW floats)
KERNELS = {(ARCH_SKIPGRAM, LOSS_NEGATIVE): (_skipgram_negative, _skipgram_negative_row),
           (ARCH_SKIPGRAM, LOSS_HIERARCHICAL): (_skipgram_hierarchical, _skipgram_hierarchical_row),
           (ARCH_CBOW, LOSS_NEGATIVE): (_cbow_negative, _cbow_negative_row),
           (ARCH_CBOW, LOSS_HIERARCHICAL): (_cbow_hierarchical, _cbow_hierarchical_row)}


def kernel_for(weights, settings):
    """The compiled kernel of ``settings.arch`` and ``settings.loss``: the twin for rows of ROW
    floats when every weight row has that length."""
    generic, fixed = KERNELS[settings.arch, settings.loss]
    return fixed if weights.vectors_in.shape[1] == ROW == weights.vectors_out.shape[1] else generic


def top_copy(vectors_out: np.ndarray, rows: int) -> np.ndarray:
    """A thread's copy of the last ``rows`` rows of ``vectors_out`` (at most all of them) for
    :func:`train_chunk`: two float32 matrices, trained and as copied."""
    return np.zeros((2, min(rows, vectors_out.shape[0]), vectors_out.shape[1]), dtype=np.float32)


def train_chunk(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream, top=None,
                lock=contextlib.nullcontext(), threads=1):
    """Train on one chunk with the kernel of ``settings.arch`` and ``settings.loss``; returns
    ``(loss_sum, n_predictions, n_words)`` (see ``engine.contract``).

    The last ``len(top[0])`` output rows (``settings.top_rows`` when ``top`` is None) are copied into
    ``top`` at the chunk's start, the kernel reads and writes them there, and at its end their change
    over ``threads`` (the threads training at once) is added to the shared rows, holding ``lock``
    (``output.add_top_change``). One thread takes the same steps either way.
    """
    top = top_copy(weights.vectors_out, settings.top_rows) if top is None else top
    if top.shape[1:] != (min(top.shape[1], weights.vectors_out.shape[0]), weights.vectors_out.shape[1]):
        raise ValueError(f"top rows of shape {top.shape[1:]} do not fit output rows of shape "
                         f"{weights.vectors_out.shape}")
    copied = settings.loss == LOSS_HIERARCHICAL  # only paths reach the copy: negative sampling passes none
    result = kernel_for(weights, settings)(chunk, weights, tables, settings, alpha_start, alpha_end, state, stream,
                                           top if copied else None)
    if copied and top.shape[1]:
        with lock:
            add_top_change(weights.vectors_out, top, 1.0 / threads)
    return result
