import numpy as np
import pytest

from wordvec.errors import CheckpointError
from wordvec.io.checkpoints import (
    checkpoint_path,
    list_checkpoints,
    load_checkpoint,
    load_latest,
    prune_checkpoints,
    save_checkpoint,
)


def test_round_trip(tmp_path):
    path = tmp_path / "c.npz"
    x = np.arange(6.0).reshape(2, 3)
    save_checkpoint(path, {"x": x, "state": np.array([7], dtype=np.uint64)}, {"iteration": 3, "a": [1, 2]})
    arrays, meta = load_checkpoint(path)
    assert np.array_equal(arrays["x"], x) and arrays["state"].dtype == np.uint64
    assert meta == {"a": [1, 2], "iteration": 3}
    assert [p.name for p in tmp_path.iterdir()] == ["c.npz"]  # no temporary file left


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_damaged_file_is_refused_by_name(tmp_path, damage):
    path = tmp_path / "c.npz"
    save_checkpoint(path, {"x": np.random.default_rng(0).normal(size=1000)}, {"iteration": 1})
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data[len(data) // 2] ^= 0xFF
    elif damage == "empty":
        data = b""
    else:
        data = b"not a checkpoint at all"
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=f"checkpoint {path} is unreadable"):
        load_checkpoint(path)


def test_pickled_object_array_is_never_loaded(tmp_path):
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    path = tmp_path / "evil.npz"
    np.savez(path, x=np.array([Payload()], dtype=object), __meta__=np.frombuffer(b"{}", dtype=np.uint8))
    with pytest.raises(CheckpointError):
        load_checkpoint(path)
    assert not marker.exists()


def test_latest_falls_back_past_a_damaged_checkpoint(tmp_path, caplog):
    for it in (1, 2, 3):
        save_checkpoint(checkpoint_path(tmp_path, "sgd", it), {"x": np.full(3, it)}, {"iteration": it})
    newest = checkpoint_path(tmp_path, "sgd", 3)
    newest.write_bytes(newest.read_bytes()[:50])
    arrays, meta, path = load_latest(tmp_path, "sgd")
    assert meta["iteration"] == 2 and path == checkpoint_path(tmp_path, "sgd", 2)
    assert str(newest) in caplog.text and "falling back" in caplog.text


def test_latest_with_every_checkpoint_damaged_lists_them(tmp_path):
    path = checkpoint_path(tmp_path, "sgd", 1)
    path.write_bytes(b"junk")
    with pytest.raises(CheckpointError, match="no usable checkpoint.*sgd-0000000001.npz"):
        load_latest(tmp_path, "sgd")
    assert load_latest(tmp_path / "missing", "sgd") is None


def test_prune_keeps_the_newest(tmp_path):
    for it in (5, 10, 15, 20):
        save_checkpoint(checkpoint_path(tmp_path, "sgd", it), {"x": np.zeros(1)}, {})
    prune_checkpoints(tmp_path, "sgd", keep=2)
    assert [p.name for p in list_checkpoints(tmp_path, "sgd")] == ["sgd-0000000015.npz", "sgd-0000000020.npz"]
