"""Readers never inflate blindly, never block, never quote a whole bad word (issue 9, rows by row)."""

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from wordvec import KeyedVectors, Word2Vec
from wordvec.cli import main
from wordvec.errors import DataError, StorageError
from wordvec.io.registry import UNTRUSTED_READERS

ROOT = Path(__file__).resolve().parents[2]


def zip_bomb(path: Path, inflated: int) -> Path:
    """A native-looking .npz whose vectors member is deflated zeros inflating to ``inflated`` bytes."""
    kv = KeyedVectors(["a"], np.zeros((1, 4), np.float32))
    kv.save(path)
    with zipfile.ZipFile(path) as src:
        members = {name: src.read(name) for name in src.namelist()}
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False,
                                                  "shape": (inflated // 400, 100)})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        dst.writestr("__meta__.npy", members["__meta__.npy"], compress_type=zipfile.ZIP_STORED)
        with dst.open("vectors.npy", "w", force_zip64=True) as member:
            member.write(header.getvalue())
            block = bytes(1 << 20)
            for _ in range(inflated >> 20):
                member.write(block)
    return path


def test_a_zip_bomb_is_refused_without_inflating_it(tmp_path):
    path = zip_bomb(tmp_path / "bomb.npz", 256 << 20)
    assert path.stat().st_size < 2 << 20
    code = ("import sys; from wordvec import KeyedVectors\n"
            "try:\n    KeyedVectors.load(sys.argv[1])\nexcept Exception as e:\n    print(e)\n"
            "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) // 1024)")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    message, peak_mb = done.stdout.strip().splitlines()
    assert "member vectors.npy is compressed, which wordvec never writes" in message
    assert int(peak_mb) < 250  # the member was never inflated (256 MB)
    with pytest.raises(StorageError, match="compressed"):
        KeyedVectors.load(path, mmap=True)


@pytest.mark.parametrize("name", list(UNTRUSTED_READERS))
def test_every_reader_refuses_a_fifo_at_once(tmp_path, name):
    fifo = tmp_path / f"pipe{UNTRUSTED_READERS[name][0]}"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match=r"is a FIFO \(named pipe\), not a regular file"):
        UNTRUSTED_READERS[name][1](fifo)


def test_the_cli_says_a_fifo_is_a_fifo(tmp_path, capsys):
    os.mkfifo(tmp_path / "v.bin")
    assert main(["similar", str(tmp_path / "v.bin"), "king"]) == 1
    assert f"model file {tmp_path / 'v.bin'} is a FIFO (named pipe), not a regular file" in capsys.readouterr().err


@pytest.mark.parametrize("binary", [False, True])
def test_a_huge_word_is_quoted_in_80_characters(tmp_path, binary):
    word = "x" * (2 << 20)
    path = tmp_path / "v.txt"
    if binary:
        path.write_bytes(b"1 2\n" + word.encode() + b" " + bytes(8))
    else:
        path.write_text(f"1 2\n{word} 1.0\n")  # one value, two expected
    with pytest.raises(DataError) as info:
        KeyedVectors.load_word2vec_format(path, binary=binary)
    message = str(info.value)
    assert len(message) < 300 and ("characters)" in message or "longer than 65536 bytes" in message)


def test_a_token_over_64_mib_is_an_error_not_a_split(tmp_path):
    """A word is read whole or refused; this one outgrows the 64 MiB buffer before its line ends."""
    path = tmp_path / "c.txt"
    with open(path, "wb") as f:
        f.write(b"first line\n")
        f.write(b"a" * (66 << 20))
        f.write(b"\n")
    with pytest.raises(DataError, match=rf"{path}:2: a word longer than 64 MiB"):
        Word2Vec(min_count=1, progress=False).fit(path)


def test_a_link_planted_where_the_scan_once_wrote_is_never_followed(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious")
    work = tmp_path / "work"
    work.mkdir()
    (work / "provisional.ids").symlink_to(victim)
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c a b\n" * 50)
    Word2Vec(min_count=1, epochs=1, progress=False).fit(corpus, tmp_dir=work)
    assert victim.read_text() == "precious"
    assert sorted(p.name for p in work.iterdir()) == ["provisional.ids"]  # nothing else left either
