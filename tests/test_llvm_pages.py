"""wordvec.llvm_pages: LLVM's read-only pages leave the resident set, and numba still works after."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numba import njit

from wordvec import Word2Vec
from wordvec.llvm_pages import LIBRARY, release_llvm_pages, releasable

SMAPS = Path("/proc/self/smaps")
needs_smaps = pytest.mark.skipif(not SMAPS.exists(), reason="needs Linux's /proc/self/smaps")


def _mapping(start: str, perms: str, path: str, rss: int, anonymous: int) -> str:
    return (f"{start}-{int(start, 16) + 0x1000:x} {perms} 00000000 08:01 42 {path}\n"
            f"Size:                  4 kB\nRss:               {rss:4d} kB\nPss:               {rss:4d} kB\n"
            f"Anonymous:         {anonymous:4d} kB\nVmFlags: rd mr mw me\n")


def test_only_read_only_file_pages_of_the_library_are_chosen():
    lib = "/home/a user/venv/site-packages/llvmlite/binding/libllvmlite.so"  # a space in the path
    smaps = "".join([
        _mapping("7f0000000000", "r--p", lib, 4, 0),  # chosen
        _mapping("7f0000010000", "r-xp", lib, 4, 0),  # chosen
        _mapping("7f0000020000", "r--p", lib, 4, 4),  # relocated pages (copies of the process's own): kept
        _mapping("7f0000030000", "rw-p", lib, 4, 0),  # writable: kept
        _mapping("7f0000040000", "r-xp", lib, 0, 0),  # nothing resident: nothing to do
        _mapping("7f0000050000", "r-xp", "/usr/lib/libc.so.6", 4, 0),  # another library: kept
        _mapping("7f0000060000", "rw-p", "", 4, 4),  # anonymous memory: kept
    ])
    assert releasable(smaps) == [(0x7f0000000000, 0x7f0000001000), (0x7f0000010000, 0x7f0000011000)]


def _resident_kb() -> int:
    """kB of LLVM's library resident in this process, from /proc/self/smaps."""
    total, ours = 0, False
    for line in SMAPS.read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and not head[0].endswith(":"):
            ours = len(head) >= 6 and LIBRARY in head[5]
        elif ours and head and head[0] == "Rss:":
            total += int(head[1])
    return total


def _compile_something_new() -> int:
    """Compile a function numba has not seen (runs LLVM's optimiser and code generator); returns its result."""
    salt, scope = int(np.random.default_rng().integers(1 << 30)), {}
    exec(f"def squares(n):\n    s = 0\n    for i in range(n):\n        s += i * i + {salt}\n    return s - {salt} * n",
         scope)
    return njit(cache=False)(scope["squares"])(10)


@needs_smaps
def test_release_drops_the_pages_and_numba_still_compiles():
    assert _compile_something_new() == 285
    before = _resident_kb()
    assert before > 1024, "numba should have LLVM's library resident after compiling"
    assert release_llvm_pages() > 0
    assert _resident_kb() < before / 4
    assert _compile_something_new() == 285  # the pages come back from the file as needed


@needs_smaps
def test_the_epochs_run_without_llvm_resident(tmp_path):
    _compile_something_new()
    before = _resident_kb()
    during = []
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(" ".join(f"w{(i * 7 + j) % 40}" for j in range(10)) for i in range(200)) + "\n")
    Word2Vec(vector_size=16, min_count=1, epochs=2, workers=2, progress=False,
             callbacks=[lambda model, loss: during.append(_resident_kb())]).fit(corpus)
    assert len(during) == 2
    assert max(during) < before / 2, (before, during)
