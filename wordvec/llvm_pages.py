"""LLVM's pages handed back to the OS once a run's kernels are loaded.

numba runs LLVM (llvmlite's shared library, about 170 MB on disk) to load a kernel
from its cache as well as to compile one: linking cached machine code and setting
up numba's code generator run LLVM's code. Loading the kernels of one run touches
60-70 MB of that library, and those pages then count in the process's resident
memory for the whole run, though training never runs them. :func:`release_llvm_pages`
tells the OS that the process no longer needs them (``madvise(MADV_DONTNEED)``):
they leave the process's resident set and stay in the OS's page cache, so that
whatever compiles or loads later gets them back as minor page faults.

Only mappings of the library that cannot be written (no ``w`` permission) and
hold no page of the process's own (``Anonymous: 0 kB`` in ``/proc/self/smaps``)
are released: their pages are the file's, and dropping them loses nothing.
Elsewhere than Linux it does nothing.
"""

from __future__ import annotations

import ctypes
import sys

LIBRARY = "libllvmlite"  # llvmlite's shared library (libllvmlite.so)
_MADV_DONTNEED = 4
_SMAPS = "/proc/self/smaps"


def releasable(smaps: str, library: str = LIBRARY) -> list[tuple[int, int]]:
    """The (start, end) address ranges in ``smaps`` (the text of ``/proc/<pid>/smaps``) of the
    mappings of a file whose name contains ``library`` that are read-only and hold no anonymous
    page; those holding no resident page are left out."""
    ranges, mapping = [], None
    for line in smaps.splitlines():
        head = line.split()
        if not head:
            continue
        if "-" in head[0] and not head[0].endswith(":"):  # a mapping's first line: range perms offset dev inode path
            mapping, path = None, line.split(None, 5)[5] if len(head) >= 6 else ""  # a path may hold spaces
            if library in path.rsplit("/", 1)[-1] and "w" not in head[1]:
                start, end = (int(x, 16) for x in head[0].split("-"))
                mapping = {"range": (start, end)}
        elif mapping is not None and head[0] in ("Rss:", "Anonymous:"):
            mapping[head[0]] = int(head[1])
            if "Rss:" in mapping and "Anonymous:" in mapping:
                if mapping["Rss:"] > 0 and mapping["Anonymous:"] == 0:
                    ranges.append(mapping["range"])
                mapping = None
    return ranges


def release_llvm_pages() -> int:
    """Drop LLVM's resident pages from this process (see the module docstring); returns the bytes
    of address space advised (0 where there is no ``/proc/self/smaps`` or no ``madvise``)."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        with open(_SMAPS, encoding="ascii", errors="replace") as f:
            ranges = releasable(f.read())
        madvise = ctypes.CDLL(None).madvise  # the C library's, among the process's own symbols
    except (OSError, AttributeError):
        return 0
    madvise.argtypes, madvise.restype = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int], ctypes.c_int
    return sum(end - start for start, end in ranges if madvise(start, end - start, _MADV_DONTNEED) == 0)
