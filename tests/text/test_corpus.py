import bz2
import gzip
import lzma
import threading
import time

import pytest

from wordvec.errors import DataError
from wordvec.text.corpus import corpus_files, read_ahead, read_lines

TEXT = "the cat sat\non the mat\n\nsnow \u00e9t\u00e9\n"


@pytest.mark.parametrize("suffix, opener", [("", open), (".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open)])
def test_reads_plain_and_compressed_files(tmp_path, suffix, opener):
    path = tmp_path / f"c.txt{suffix}"
    with opener(path, "wb") as f:
        f.write(TEXT.encode())
    lines = [line for block in read_lines(path) for line in block]
    assert [line.split() for line in lines if line] == [["the", "cat", "sat"], ["on", "the", "mat"], ["snow", "\u00e9t\u00e9"]]


def test_directory_and_list_of_paths(tmp_path):
    (tmp_path / "b.txt").write_text("b\n")
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / ".hidden").write_text("x\n")
    assert [p.name for p in corpus_files(tmp_path)] == ["a.txt", "b.txt"]
    assert [p.name for p in corpus_files([tmp_path / "b.txt", str(tmp_path / "a.txt")])] == ["b.txt", "a.txt"]


def test_token_lists_and_one_shot_iterators():
    assert corpus_files([["a", "b"], ["c"]]) is None
    with pytest.raises(TypeError, match="one-shot iterator"):
        corpus_files(s for s in [["a"]])
    with pytest.raises(TypeError, match="got int"):
        corpus_files(3)


def test_missing_paths(tmp_path):
    with pytest.raises(DataError, match="corpus file .*nope.txt does not exist"):
        corpus_files(tmp_path / "nope.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="corpus directory .*empty holds no files"):
        corpus_files(tmp_path / "empty")


def test_binary_file_names_file_and_line(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"fine line\nsecond\n\x00\x01\x02binary")
    with pytest.raises(DataError, match=r"data.bin:3: binary data \(NUL byte\)"):
        list(read_lines(path))


def test_invalid_utf8_names_file_and_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("ok\ncaf\u00e9\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin1.txt:2: invalid UTF-8 \(byte 0xe9\)"):
        list(read_lines(path))


def test_truncated_gzip_is_a_clear_error(tmp_path):
    path = tmp_path / "c.txt.gz"
    path.write_bytes(gzip.compress(TEXT.encode() * 100)[:-20])
    with pytest.raises(DataError, match="c.txt.gz: cannot read"):
        list(read_lines(path))


def _source(n, log, fail_at=None):
    try:
        for i in range(n):
            if i == fail_at:
                raise DataError(f"corpus.txt:{i}: invalid UTF-8")
            yield i
    finally:
        log.append("closed")


def _read_ahead_threads():
    return [t for t in threading.enumerate() if t.name == "wordvec-read-ahead"]


def test_read_ahead_gives_every_item_in_order_to_a_slow_consumer():
    log, got = [], []
    for item in read_ahead(_source(50, log), 2):
        time.sleep(0.001 if item % 10 == 0 else 0)
        got.append(item)
    assert got == list(range(50)) and log == ["closed"] and not _read_ahead_threads()


def test_read_ahead_raises_the_sources_error_after_the_items_before_it():
    log, got = [], []
    with pytest.raises(DataError, match="corpus.txt:7: invalid UTF-8"):
        got.extend(read_ahead(_source(50, log, fail_at=7), 3))
    assert got == list(range(7)) and log == ["closed"] and not _read_ahead_threads()


def test_a_consumer_that_stops_early_stops_the_reading_thread():
    log = []
    items = read_ahead(_source(10_000, log), 2)
    assert [next(items) for _ in range(3)] == [0, 1, 2]
    items.close()  # what a merge that raises does to the generator
    assert log == ["closed"] and not _read_ahead_threads()
