"""The compiled word2vec parser gives what the careful Python reader gives, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from wordvec.errors import DataError
from wordvec.io import formats

FORMATTERS = {
    "repr": lambda x: repr(float(x)),  # up to 17 digits: the approximate path with its safety check
    "fixed6": lambda x: f"{x:.6f}",
    "g9": lambda x: f"{x:.9g}",
    "exp": lambda x: f"{x:e}",
    "g17": lambda x: f"{x:.17g}",
    "E3": lambda x: f"{x:.3E}",
    "float64": lambda x: repr(float(np.float64(x) * 1.0000001)),
}


def careful(path, n, dim, binary=False):
    with open(path, "rb") as f:
        header = f.readline()
        if binary:
            return formats._read_binary(path, f, n, dim, len(header), "strict")
        return formats._read_text(path, f, n, dim, "strict", 2)


@pytest.fixture
def small_blocks(monkeypatch):
    """A 4 KiB buffer, so that entries straddle blocks and long lines grow it."""
    monkeypatch.setattr(formats, "_BLOCK", 4096)


@pytest.mark.parametrize("style", FORMATTERS)
def test_text_values_round_as_numpy_does(tmp_path, small_blocks, style):
    rng = np.random.default_rng(0)
    n, dim = 400, 12
    vectors = (rng.standard_normal((n, dim)) * 10.0 ** rng.integers(-12, 12, (n, dim))).astype(np.float32)
    words = [f"w{i}é" for i in range(n)]
    lines = [f"{n} {dim}"] + [w + " " + " ".join(FORMATTERS[style](x) for x in row) for w, row in zip(words, vectors)]
    (tmp_path / "v.txt").write_text("\n".join(lines) + "\n\n")
    fast_words, fast = formats.read_word2vec(tmp_path / "v.txt")
    slow_words, slow = careful(tmp_path / "v.txt", n, dim)
    assert fast_words == slow_words == words
    assert np.array_equal(fast.view(np.uint32), slow.view(np.uint32))


def test_lines_the_kernel_leaves_to_python_and_long_lines(tmp_path, small_blocks):
    dim = 1500  # a line longer than the buffer: it grows
    rows = np.round(np.random.default_rng(1).standard_normal((6, dim)), 4).astype(np.float32)
    lines = [f"6 {dim}"] + [f"w{i} " + " ".join(f"{x:.4f}" for x in row) for i, row in enumerate(rows)]
    lines[2] = lines[2].replace(" ", "  ", 3) + " \r"  # doubled spaces and a CR: still well formed
    lines[3] = lines[3].replace(f"{rows[2, 0]:.4f}", "1" + "0" * 25, 1)  # too many digits for the kernel
    (tmp_path / "v.txt").write_text("\n".join(lines) + "\n")
    words, vectors = formats.read_word2vec(tmp_path / "v.txt")
    assert words == [f"w{i}" for i in range(6)] and vectors[2, 0] == np.float32(1e25)
    assert np.array_equal(np.delete(vectors, 2, axis=0), np.delete(rows, 2, axis=0))


@pytest.mark.parametrize("line, message", [
    ("w1 1 2 x", ":3: word 'w1' has a value that is not a number"),
    ("w1 1 2", ":3: word 'w1' has 2 values, expected 3"),
    ("w1 1 2 3 4", ":3: word 'w1' has 4 values, expected 3"),
    ("w1 1 2 1e999", "line 3: word 'w1' has a NaN or infinite value"),
    ("w0 1 2 3", "line 3: word 'w0' occurs twice"),
])
def test_faults_are_named_by_line(tmp_path, small_blocks, line, message):
    (tmp_path / "v.txt").write_text(f"3 3\nw0 0 0 0\n{line}\nw2 1 1 1\n")
    with pytest.raises(DataError, match=message):
        formats.read_word2vec(tmp_path / "v.txt")


def test_binary_across_blocks_with_limit(tmp_path, small_blocks):
    rng = np.random.default_rng(2)
    n, dim = 300, 25
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    words = [f"word{i}" * (1 + i % 7) for i in range(n)]
    formats.write_word2vec(tmp_path / "v.bin", words, vectors, binary=True)
    got_words, got = formats.read_word2vec(tmp_path / "v.bin", binary=True)
    assert got_words == words and np.array_equal(got, vectors)
    got_words, got = formats.read_word2vec(tmp_path / "v.bin", binary=True, limit=123)
    assert got_words == words[:123] and np.array_equal(got, vectors[:123])
    data = (tmp_path / "v.bin").read_bytes()
    (tmp_path / "cut.bin").write_bytes(data[:-50])
    with pytest.raises(DataError, match=f"truncated at entry {n} of {n}"):
        formats.read_word2vec(tmp_path / "cut.bin", binary=True)
