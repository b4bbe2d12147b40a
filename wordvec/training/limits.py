"""Limits derived from the data and the machine, checked before the work they bound.

* the weights must fit in the memory available (:func:`check_memory`);
* a kernel call must return to Python often, so that a stop request (SIGINT,
  SIGTERM) is honoured within a fraction of a second whatever the settings
  (:func:`bounded_chunk`).
"""

from __future__ import annotations

import os

from wordvec.errors import ParameterError

# Twice the work of one default chunk: 65,536 words of skip-gram with window 5, 5 negatives
# and 100 dimensions (2 * 5 * 6 * 100 operations a word), about 60 ms for one thread. Every
# default configuration (either architecture, either loss, dim 100) stays within it.
CHUNK_BUDGET = (1 << 16) * 2 * 5 * 6 * 100 * 2
MIN_CHUNK = 16


def bounded_chunk(chunk_words: int, cost_per_word: float) -> int:
    """``chunk_words``, or fewer words where each costs so much that a chunk would take
    more than about two default chunks' time (never under 16 words)."""
    return int(min(chunk_words, max(MIN_CHUNK, CHUNK_BUDGET // max(cost_per_word, 1.0))))


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux: MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(vector_size: int, n_words: int, hierarchical: bool, input_rows: int | None = None) -> None:
    """Refuse, before allocating them, weights that cannot fit in the memory available.

    float32 matrices of (input_rows, vector_size) (``n_words`` rows, or more with
    subwords) and (n_words, vector_size), plus one more of the input's size while it
    is initialised.
    """
    input_rows = n_words if input_rows is None else input_rows
    needed = 4 * vector_size * (2 * input_rows + n_words) - (4 * vector_size if hierarchical else 0)
    available = available_memory()
    if available is not None and needed > available:
        what = f"{n_words:,} words" + (f" and {input_rows - n_words:,} n-gram buckets" if input_rows > n_words else "")
        raise ParameterError(f"vector_size={vector_size} needs {_size(needed)} for the weights of {what}, more than "
                             f"the {_size(available)} of memory available; lower vector_size, raise min_count"
                             f"{' or lower buckets' if input_rows > n_words else ''}")


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.1f} {unit}" if unit != "bytes" else f"{int(n)} bytes"
        n /= 1000
    return f"{n:.1f} TB"
