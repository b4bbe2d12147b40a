"""text.ids: the corpus stored as ids, read back in chunks that end at line ends and interleaved."""

import numpy as np
import pytest

from wordvec.text import ids
from wordvec.text.ids import iter_chunks


def test_chunks_end_at_line_ends_when_they_can(tmp_path):
    path = tmp_path / "ids"
    np.array([1, 2, -1, 3, -1, 4, 5, 6, -1], dtype=np.int32).tofile(path)
    chunks = [(p, c.tolist()) for p, c in iter_chunks(path, 4)]
    assert chunks == [(0, [1, 2, -1]), (3, [3, -1]), (5, [4, 5, 6, -1])]
    assert [(p, c.tolist()) for p, c in iter_chunks(path, 4, start=3)] == chunks[1:]  # resumable
    assert ids.SEPARATOR == -1


@pytest.mark.parametrize("workers", [2, 16])
def test_chunks_shrink_toward_the_end_for_several_workers(tmp_path, workers):
    """Lines of 1-9 words, 200,000 ids in all, chunks of 20,000: full chunks while more than 2 workers
    chunks are left, then each at most 1/(2 workers) of what is left and at least TAIL_CHUNK; every id
    once, in order; resumable from any chunk's position."""
    rng = np.random.default_rng(0)
    stored = []
    while len(stored) < 200_000:
        stored += list(rng.integers(0, 50, rng.integers(1, 10))) + [-1]
    path = tmp_path / "ids"
    np.array(stored, dtype=np.int32).tofile(path)
    chunks = list(iter_chunks(path, 20_000, workers=workers))
    assert np.concatenate([c for _, c in chunks]).tolist() == stored
    assert all(c[-1] == -1 for _, c in chunks)  # whole lines
    for position, chunk in chunks[:-1]:
        left = len(stored) - position
        want = min(20_000, max(ids.TAIL_CHUNK, -(-left // (2 * workers))))
        assert want - 9 <= len(chunk) <= want  # cut at the last line end within it
    sizes = [len(c) for _, c in chunks]
    assert max(sizes[-3:]) <= ids.TAIL_CHUNK and len(chunks) > len(list(iter_chunks(path, 20_000)))
    position, _ = chunks[len(chunks) // 2]
    assert [(p, c.tolist()) for p, c in iter_chunks(path, 20_000, position, workers)] == \
        [(p, c.tolist()) for p, c in chunks[len(chunks) // 2:]]


def test_a_corpus_of_one_line_is_read_less_than_twice_to_interleave_it(tmp_path, monkeypatch):
    """Cuts that fall inside the one line reuse its end, and the line is written as it is read
    (each cut searching to the file's end and the line read again made 5.5 reads of each id)."""
    monkeypatch.setattr(ids, "PIECE", 8)
    monkeypatch.setattr(ids, "BLOCK", 16)
    in_order = [i % 13 for i in range(1000)]
    np.array(in_order, dtype=np.int32).tofile(tmp_path / "plain.ids")
    read, fromfile = [], np.fromfile
    monkeypatch.setattr(np, "fromfile", lambda *a, **k: read.append(len(out := fromfile(*a, **k))) or out)
    with open(tmp_path / "plain.ids", "rb") as f:
        written = np.concatenate(list(ids.interleaved(f, 8)))
    assert written.tolist() == in_order and sum(read) < 2 * len(written)
