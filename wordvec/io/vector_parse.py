"""Compiled parsing of word2vec files: the fast path of ``io.formats``' readers.

The kernels work on a block of the file in a byte buffer and fill the final
float32 matrix in place, so that peak memory is that matrix, the words and one
buffer. They parse only what is plainly well formed; anything else (a number
they cannot round exactly, a short line, a non-finite value, an empty word)
stops them with a status, and the careful Python reader of ``io.formats``
takes over that line, or the whole file, and reports any fault with its line.

Numbers are read as float64 correctly rounded, then cast to float32, which is
what ``np.float32("...")`` and therefore gensim and the Python reader do: up to
15 significant digits exactly (an exact integer times an exact power of ten);
16 to 18 digits (such as ``repr`` of a float32) with an error under 2 ulp of
float64, accepted only when that cannot change the float32 result.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

NEED_MORE, DONE, SLOW = 0, 1, 2  # kernel status: the buffer ends mid-entry; all rows read; Python's turn
POW10 = np.array([10.0 ** k for k in range(23)])  # exact in float64


@njit(cache=True)
def _number(buf, p, end, pow10):
    """(value, next position, ok) of the decimal number at ``buf[p:end]``; ok is False for
    anything not plainly ``[-+]digits[.digits][e[-+]digits]`` or not exactly roundable."""
    negative = False
    if p < end and (buf[p] == 45 or buf[p] == 43):
        negative = buf[p] == 45
        p += 1
    mantissa, digits, exponent, seen = 0, 0, 0, False
    while p < end and 48 <= buf[p] <= 57:
        seen = True
        if digits < 18:  # 18 digits fit an int64
            mantissa = mantissa * 10 + (buf[p] - 48)
            if mantissa > 0:
                digits += 1
        else:
            return 0.0, p, False
        p += 1
    if p < end and buf[p] == 46:
        p += 1
        while p < end and 48 <= buf[p] <= 57:
            seen = True
            if digits < 18:
                mantissa = mantissa * 10 + (buf[p] - 48)
                if mantissa > 0:
                    digits += 1
                exponent -= 1
            elif buf[p] != 48:
                return 0.0, p, False
            p += 1
    if not seen:
        return 0.0, p, False
    if p < end and (buf[p] == 101 or buf[p] == 69):
        p += 1
        sign, value, any_digit = 1, 0, False
        if p < end and (buf[p] == 45 or buf[p] == 43):
            sign = -1 if buf[p] == 45 else 1
            p += 1
        while p < end and 48 <= buf[p] <= 57:
            any_digit = True
            value = min(value * 10 + (buf[p] - 48), 100000)
            p += 1
        if not any_digit:
            return 0.0, p, False
        exponent += sign * value
    if p < end and buf[p] != 32 and buf[p] != 10 and buf[p] != 13:
        return 0.0, p, False
    if mantissa == 0:
        return -0.0 if negative else 0.0, p, True
    if exponent < -22 or exponent > 22:
        return 0.0, p, False
    value = float(mantissa)
    value = value * pow10[exponent] if exponent >= 0 else value / pow10[-exponent]
    if mantissa >= 1 << 53 and not _safe_for_float32(value):
        return 0.0, p, False
    return -value if negative else value, p, True


@njit(cache=True)
def _safe_for_float32(value):
    """Whether every float64 within 4 ulp of ``value`` rounds to the same float32 (so an
    approximation that close gives the correctly rounded result)."""
    f = np.float32(value)
    fraction, exp2 = math.frexp(float(f))
    if abs(fraction) == 0.5 or abs(f) < 1.2e-38 or not math.isfinite(f):
        return False  # a power of two (ulp changes), subnormal or overflow: let Python decide
    ulp32 = math.ldexp(1.0, exp2 - 24)
    margin = 0.5 - abs(value - float(f)) / ulp32
    return margin * ulp32 > 4 * abs(value) * 2.0 ** -52


@njit(cache=True)
def parse_text(buf, p, end, at_eof, out, row, words, pow10):
    """Parse whole lines of ``buf[p:end]`` into ``out[row:]``, recording each word's (start, end)
    in ``words`` (row ``row`` of the call at index 0). Returns (position, row, lines, status): status NEED_MORE (the rest of the
    buffer is a partial line), DONE (``out`` is full, or the file ends) or SLOW (the line at
    ``position`` is for Python: it is not plainly a word and ``dim`` numbers)."""
    lines, dim, first = 0, out.shape[1], row
    while row < out.shape[0] and row - first < words.shape[0]:
        if p >= end:
            return p, row, lines, DONE if at_eof else NEED_MORE
        eol = p
        while eol < end and buf[eol] != 10:
            eol += 1
        if eol == end and not at_eof:
            return p, row, lines, NEED_MORE
        blank = True
        for q in range(p, eol):
            if buf[q] != 32 and buf[q] != 13 and buf[q] != 9 and buf[q] != 11 and buf[q] != 12:
                blank = False
                break
        if blank:
            p, lines = eol + 1, lines + 1
            continue
        q = p
        while q < eol and buf[q] != 32:
            q += 1
        if q == p or q == eol:
            return p, row, lines, SLOW
        words[row - first, 0], words[row - first, 1] = p, q
        count = 0
        while True:
            while q < eol and buf[q] == 32:
                q += 1
            if q == eol or (buf[q] == 13 and q + 1 >= eol):
                break
            if count == dim:
                return p, row, lines, SLOW
            value, q, ok = _number(buf, q, eol, pow10)
            if not ok:
                return p, row, lines, SLOW
            out[row, count] = value
            count += 1
        if count != dim:
            return p, row, lines, SLOW
        row, p, lines = row + 1, eol + 1, lines + 1
    return p, row, lines, DONE if row == out.shape[0] else NEED_MORE


@njit(cache=True)
def parse_binary(buf, end, out_bytes, row, n_rows, row_bytes, words, max_word):
    """Parse entries ``word ' ' float32 * dim`` of ``buf[:end]`` into rows of ``out_bytes``
    (the matrix's bytes), recording each word's (start, end) in ``words`` (row ``row`` of the
    call at index 0). Returns (position, row, status): NEED_MORE (the rest of the buffer is a
    partial entry, or ``words`` is full), DONE, or SLOW (an empty or overlong word: Python's turn)."""
    p, first = 0, row
    while row < n_rows:
        if row - first == words.shape[0]:
            return p, row, NEED_MORE
        s = p
        while s < end and buf[s] == 10:  # the newline after the previous vector
            s += 1
        q = s
        while q < end and buf[q] != 32:
            if q - s >= max_word:
                return p, row, SLOW
            q += 1
        if q == end or q + 1 + row_bytes > end:
            return p, row, NEED_MORE
        if q == s:
            return p, row, SLOW
        words[row - first, 0], words[row - first, 1] = s, q
        base = row * row_bytes
        out_bytes[base:base + row_bytes] = buf[q + 1:q + 1 + row_bytes]
        row, p = row + 1, q + 1 + row_bytes
    return p, row, DONE
