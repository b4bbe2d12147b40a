"""The one write helper, with each fault caused for real: kills, full disks, planted links."""

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from wordvec import KeyedVectors
from wordvec.errors import StorageError
from wordvec.io.atomic import SUFFIX, atomic_write, check_writable, remove_stale_temporaries
from wordvec.io.registry import FORMATS

ROOT = Path(__file__).resolve().parents[2]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(SUFFIX))


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_write(path, text=True) as f:
            f.write("new, half written")
            raise RuntimeError("the writer failed")
    assert path.read_text() == "old" and leftovers(tmp_path) == []


def test_a_planted_symlink_at_the_name_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / "out.txt").symlink_to(victim)
    with atomic_write(tmp_path / "out.txt", text=True) as f:
        f.write("vectors")
    assert victim.read_text() == "precious"
    assert not (tmp_path / "out.txt").is_symlink() and (tmp_path / "out.txt").read_text() == "vectors"


def test_refusals_before_any_work_name_the_file(tmp_path):
    (tmp_path / "adir").mkdir()
    with pytest.raises(StorageError, match=r"cannot write .*adir: it is a directory"):
        check_writable(tmp_path / "adir")
    with pytest.raises(StorageError, match=r"cannot write .*m.npz: directory .*missing does not exist"):
        check_writable(tmp_path / "missing" / "m.npz")
    check_writable(tmp_path / "fine.npz")
    assert list(tmp_path.iterdir()) == [tmp_path / "adir"]


def test_temporaries_of_dead_processes_are_removed_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".m.npz.{dead.stdout.strip()}-0123456789ab{SUFFIX}"
    live = tmp_path / f".m.npz.{os.getpid()}-0123456789ab{SUFFIX}"
    stale.write_bytes(b"x" * 100)
    live.write_bytes(b"x")
    assert remove_stale_temporaries(tmp_path) == 1
    assert not stale.exists() and live.exists()


def _limited_file_size(limit):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


WRITE = """
import sys, numpy as np
from wordvec import KeyedVectors
from wordvec.io.registry import write_vectors
kv = KeyedVectors([f"w{i}" for i in range(20000)], np.random.default_rng(0).normal(size=(20000, 50)))
try:
    write_vectors(kv, sys.argv[1], sys.argv[2])
except Exception as exc:
    print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(1)
"""


@pytest.mark.parametrize("name", [n for n, f in FORMATS.items() if n != "tsv"])
def test_a_full_disk_keeps_the_previous_file(tmp_path, name):
    """RLIMIT_FSIZE makes every write past 64 KiB fail as a full disk would (EFBIG)."""
    path = tmp_path / f"vectors{FORMATS[name].suffixes[0] if FORMATS[name].suffixes else '.txt'}"
    KeyedVectors(["good"], np.ones((1, 50), np.float32)).save_word2vec_format(path) if name != "native" \
        else KeyedVectors(["good"], np.ones((1, 50), np.float32)).save(path)
    before = path.read_bytes()
    proc = subprocess.run([sys.executable, "-c", WRITE, str(path), name], capture_output=True, text=True,
                          preexec_fn=_limited_file_size(1 << 16), env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and f"StorageError: cannot write {path}: File too large" in proc.stderr
    assert path.read_bytes() == before and leftovers(tmp_path) == []


KILLED = """
import sys, numpy as np
from wordvec import KeyedVectors
kv = KeyedVectors([f"w{i}" for i in range(100000)], np.random.default_rng(0).normal(size=(100000, 100)))
print("ready", flush=True)
while True:
    kv.save_word2vec_format(sys.argv[1], binary=sys.argv[2] == "binary")
"""


@pytest.mark.parametrize("kind", ["binary", "text"])
def test_sigkill_during_saves_never_leaves_a_partial_file(tmp_path, kind):
    """Kill a process that saves over and over at random moments: the final name only ever
    holds a complete file, and the next write clears the killed writers' temporaries."""
    path = tmp_path / "v.bin"
    rng = np.random.default_rng(0)
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", KILLED, str(path), kind], stdout=subprocess.PIPE,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.05, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if path.exists():
            assert len(KeyedVectors.load_word2vec_format(path, binary=kind == "binary")) == 100000
    KeyedVectors(["a"], np.ones((1, 2))).save_word2vec_format(tmp_path / "other.txt")
    assert leftovers(tmp_path) == []
