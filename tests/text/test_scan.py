import bisect
import gzip
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from wordvec.errors import DataError
from wordvec.text import corpus, ids, scan
from wordvec.text.ids import iter_chunks
from wordvec.text.scan import Share, scan_corpus


def ids_of(result):
    return np.fromfile(result.ids, dtype=np.int32).tolist()


def test_counts_ids_and_line_ends(tmp_path):
    (tmp_path / "c.txt").write_text("b a b\n\nc a b\nd\n")
    result = scan_corpus(tmp_path / "c.txt", tmp_path, min_count=2, max_vocab_size=None)
    assert result.vocab.words == ["b", "a"] and result.vocab.counts.tolist() == [3, 2]
    assert ids_of(result) == [0, 1, 0, -1, 1, 0, -1, -1]  # c and d left out, lines kept apart
    assert result.n_words == 5 and result.n_tokens == 7


def test_max_vocab_size_keeps_the_most_frequent(tmp_path):
    result = scan_corpus([["x", "y", "y", "z", "z", "z"]], tmp_path, min_count=1, max_vocab_size=2)
    assert result.vocab.words == ["z", "y"]


def test_empty_corpus(tmp_path):
    (tmp_path / "empty.txt").write_text("\n \n")
    with pytest.raises(DataError, match="the corpus is empty"):
        scan_corpus(tmp_path / "empty.txt", tmp_path, 1, None)


def test_no_word_reaches_min_count(tmp_path):
    with pytest.raises(DataError, match="no word reaches min_count=5: the most frequent, 'b', occurs 2 times"):
        scan_corpus([["a", "b", "b"]], tmp_path, 5, None)


def test_sentence_that_is_not_a_token_list(tmp_path):
    with pytest.raises(DataError, match="corpus sentence 2 is not a list of strings"):
        scan_corpus([["a"], "a b c"], tmp_path, 1, None)


def test_a_line_longer_than_every_buffer_keeps_every_token(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "_BLOCK", 64)
    monkeypatch.setattr(corpus, "_LONGEST_PIECE", 256)
    words = [f"w{i % 50}" for i in range(5000)]
    (tmp_path / "long.txt").write_text(" ".join(words) + "\nshort line\n")
    result = scan_corpus(tmp_path / "long.txt", tmp_path, 1, None)
    assert result.n_tokens == 5002 and result.vocab.total == 5002
    ids = ids_of(result)
    decoded = [result.vocab.words[i] for i in ids if i >= 0]
    assert decoded == words + ["short", "line"]  # no token lost or split
    chunks = [c for _, c in iter_chunks(result.ids, 1000)]
    assert sum(len(c) for c in chunks) == len(ids)
    assert np.concatenate(chunks).tolist() == ids


def lines_of(result):
    """The file's lines as tuples of words, in the file's order."""
    text = " ".join(result.vocab.words[i] if i >= 0 else "\n" for i in ids_of(result))
    return [tuple(line.split()) for line in text.split("\n")[:-1]]


@pytest.mark.parametrize(("piece", "order"), [(4, [0, 5, 1, 6, 2, 7, 3, 4]), (6, [0, 1, 5, 6, 2, 3, 7, 4])])
def test_interleaved_stretches_take_turns(tmp_path, monkeypatch, piece, order):
    """Eight lines of 3 ids each, 2 stretches (the first ends at the line end after id 12: lines
    0-4, then 5-7): whole lines of about ``piece`` ids of each in turn."""
    monkeypatch.setattr(ids, "PIECE", piece)
    (tmp_path / "c.txt").write_text("".join(f"a{i} b{i}\n" for i in range(8)))
    result = scan_corpus(tmp_path / "c.txt", tmp_path, 1, None, interleave=2)
    assert lines_of(result) == [(f"a{i}", f"b{i}") for i in order]
    in_order = scan_corpus(tmp_path / "c.txt", tmp_path, 1, None, name="in_order.ids")
    assert lines_of(in_order) == [(f"a{i}", f"b{i}") for i in range(8)]


@pytest.mark.parametrize("interleave", [2, 3, 8, 500])
def test_interleaving_keeps_every_line_whole_and_once(tmp_path, monkeypatch, interleave):
    """Lines of 0-11 words and some far longer than a piece (and than a block of the rewrite), more
    stretches than lines (500): every line once, whole, the vocabulary and the counts unchanged;
    threads give the same file."""
    monkeypatch.setattr(ids, "PIECE", 8)
    monkeypatch.setattr(scan, "_FLUSH_TOKENS", 16)
    monkeypatch.setattr(ids, "BLOCK", 16)
    rng = np.random.default_rng(interleave)
    lines = [" ".join(f"w{int(x)}" for x in rng.integers(0, 30, rng.integers(0, 12))) for _ in range(300)]
    for at in (0, 77, 299):
        lines[at] = " ".join(f"long{at}_{i % 9}" for i in range(100))
    (tmp_path / "c.txt").write_text("\n".join(lines) + "\n")
    plain = scan_corpus(tmp_path / "c.txt", tmp_path, 2, None, name="plain.ids")
    mixed = scan_corpus(tmp_path / "c.txt", tmp_path, 2, None, name="mixed.ids", interleave=interleave)
    threaded = scan_corpus(tmp_path / "c.txt", tmp_path, 2, None, name="threaded.ids", workers=3,
                           interleave=interleave)
    assert mixed.vocab.words == plain.vocab.words and mixed.vocab.counts.tolist() == plain.vocab.counts.tolist()
    assert sorted(lines_of(mixed)) == sorted(lines_of(plain)) and mixed.n_ids == plain.n_ids
    assert lines_of(mixed) != lines_of(plain)
    assert ids_of(threaded) == ids_of(mixed) and threaded.crc32 == mixed.crc32


def test_a_corpus_of_one_line_is_stored_as_it_is(tmp_path, monkeypatch):
    """text8 is one line of 17M words: no line end to cut it at, so one stretch, read in blocks."""
    monkeypatch.setattr(ids, "PIECE", 8)
    monkeypatch.setattr(scan, "_FLUSH_TOKENS", 16)
    monkeypatch.setattr(ids, "BLOCK", 16)
    (tmp_path / "c.txt").write_text(" ".join(f"w{i % 13}" for i in range(1000)))
    mixed = scan_corpus(tmp_path / "c.txt", tmp_path, 1, None, name="mixed.ids", interleave=8)
    assert ids_of(mixed) == ids_of(scan_corpus(tmp_path / "c.txt", tmp_path, 1, None, name="plain.ids"))


@pytest.mark.parametrize("workers", [2, 3, 8])
def test_threads_give_the_serial_vocabulary_and_ids(tmp_path, monkeypatch, workers):
    """Many small blocks over several files, a line longer than a block, words that first
    appear late, ties in counts: the same vocabulary, counts and id file as one thread."""
    monkeypatch.setattr(corpus, "_BLOCK", 97)
    monkeypatch.setattr(corpus, "_LONGEST_PIECE", 300)
    rng = np.random.default_rng(workers)
    for k in range(3):
        lines = [" ".join(f"w{int(x)}" for x in rng.zipf(1.3, rng.integers(0, 12)) if x < 400) for _ in range(200)]
        lines.insert(50, " ".join(f"long{i % 7}" for i in range(120)))
        (tmp_path / f"part{k}.txt").write_text("\n".join(lines) + f"\nlate{k} late{k}\n")
    files = sorted(tmp_path.glob("part*.txt"))
    serial = scan_corpus(files, tmp_path, 1, None, name="serial.ids", workers=1)
    threaded = scan_corpus(files, tmp_path, 1, None, name=f"threads{workers}.ids", workers=workers)
    assert threaded.vocab.words == serial.vocab.words
    assert threaded.vocab.counts.tolist() == serial.vocab.counts.tolist()
    assert ids_of(threaded) == ids_of(serial) and threaded.crc32 == serial.crc32
    assert threaded.n_tokens == serial.n_tokens and len(serial.vocab) > 100


def test_blocks_are_merged_as_soon_as_done_in_order_with_a_bounded_number_in_flight():
    """Each block's result is handed on once it and those before it are done, not after ``ahead``
    blocks are in flight (the merges overlap the tokenizing from the first block on); never more
    than ``ahead`` are in flight, and the results keep the items' order."""
    log, done, in_flight, most = [], [threading.Event() for _ in range(12)], [0], [0]
    lock = threading.Lock()

    def work(i):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.002 * (i % 3))
        with lock:
            in_flight[0] -= 1
        done[i].set()
        return i

    def items():
        for i in range(12):
            if i:  # the block before is done (and its future settles) before this one is read
                assert done[i - 1].wait(5)
                time.sleep(0.05)
            log.append(("read", i))
            yield i

    with ThreadPoolExecutor(3) as pool:
        for result in scan._in_order(pool, work, items(), 4):
            log.append(("merged", result))
    assert [x for kind, x in log if kind == "merged"] == list(range(12))
    assert log.index(("merged", 0)) < log.index(("read", 2))
    assert most[0] <= 4


class _Allgather:
    """What MPI's allgather does, for processes played by threads."""

    def __init__(self, n):
        self.items, self.barrier = [None] * n, threading.Barrier(n)

    def share(self, rank):
        def exchange(x):
            self.items[rank] = x
            self.barrier.wait()
            everyone = list(self.items)
            self.barrier.wait()
            return everyone
        return Share(rank, len(self.items), exchange)


def _scan_shares(corpus, tmp_path, parts, min_count, **options):
    """``scan_corpus`` of each of ``parts`` shares, the processes played by threads."""
    gather, scanned = _Allgather(parts), [None] * parts

    def scan(rank):
        scanned[rank] = scan_corpus(corpus, tmp_path, min_count, None, name=f"{rank}.ids",
                                    share=gather.share(rank), **options)

    threads = [threading.Thread(target=scan, args=(rank,)) for rank in range(parts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return scanned


def _all_ids(scanned):
    return np.concatenate([c for _, c in iter_chunks(scanned.ids, 1 << 16)] or [np.zeros(0, np.int32)])


@pytest.mark.parametrize("workers", [1, 3])
def test_bad_bytes_late_in_a_file_name_its_line_with_any_number_of_threads(tmp_path, monkeypatch, workers):
    """Blocks of 97 bytes: the error comes from a block read ahead of the merges, and names the line."""
    monkeypatch.setattr(corpus, "_BLOCK", 97)
    lines = [f"w{i % 13} w{i % 7} w{i % 5}" for i in range(300)]
    lines[250] = "caf\xe9 au lait"
    path = tmp_path / "late.txt"
    path.write_bytes("\n".join(lines).encode("latin-1") + b"\n")
    with pytest.raises(DataError, match=r"late.txt:251: invalid UTF-8 \(byte 0xe9\)"):
        scan_corpus(path, tmp_path, 1, None, workers=workers)
    assert not [t for t in threading.enumerate() if t.name == "wordvec-read-ahead"]


def _lines(ids):
    """The lines of an ids array (each a tuple of ids), in order."""
    ends = np.flatnonzero(ids == -1)
    return [tuple(ids[a + 1:b]) for a, b in zip(np.concatenate([[-1], ends[:-1]]), ends)]


@pytest.mark.parametrize(("parts", "workers"), [(1, 1), (2, 1), (3, 3), (5, 1)])
def test_shares_scanned_apart_give_the_vocabulary_and_ids_of_one_scan(tmp_path, parts, workers):
    """Each share reads its byte ranges only; merged, they are the serial scan: vocabulary (ties of
    count in the order of first appearance), counts, and every line's ids, each line in exactly
    one share (a plain file cut mid-line, a short one, a .gz)."""
    rng = np.random.default_rng(4)
    text = "\n".join(" ".join(f"w{x}" for x in rng.zipf(1.5, rng.integers(0, 15)) % 300) for _ in range(4000))
    (tmp_path / "a.txt").write_text(text)  # no final line end
    (tmp_path / "b.txt").write_text("w1 w2\n\nw3 w1 w1\n")
    with gzip.open(tmp_path / "c.gz", "wt") as f:
        f.write(text[: len(text) // 3] + "\n")
    corpus = [tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.gz"]
    serial = scan_corpus(corpus, tmp_path, 2, None, name="serial.ids")
    scanned = _scan_shares(corpus, tmp_path, parts, 2, workers=workers)
    for s in scanned:
        assert s.vocab.words == serial.vocab.words and np.array_equal(s.vocab.counts, serial.vocab.counts)
    assert sorted(line for s in scanned for line in _lines(_all_ids(s))) == sorted(_lines(_all_ids(serial)))
    assert sum(s.n_words for s in scanned) == serial.n_words and sum(s.n_tokens for s in scanned) == serial.n_tokens
    if parts > 1:
        assert all(s.n_tokens < serial.n_tokens for s in scanned)  # nobody read everything


def test_a_file_given_twice_keeps_the_serial_order_of_first_appearance(tmp_path):
    """Ties of count keep the serial scan's order when the corpus names a file twice."""
    (tmp_path / "x.txt").write_text("p q\n")
    (tmp_path / "y.txt").write_text("r s\nr s\n")
    corpus = [tmp_path / "x.txt", tmp_path / "y.txt", tmp_path / "x.txt"]
    serial = scan_corpus(corpus, tmp_path, 1, None, name="serial.ids")
    assert serial.vocab.words == ["p", "q", "r", "s"]
    assert [s.vocab.words for s in _scan_shares(corpus, tmp_path, 2, 1)] == [serial.vocab.words] * 2


def test_shares_are_spread_over_the_corpus(tmp_path):
    """Every share holds lines from the first and the last eighth of a file (sources one after
    another reach every process), each line in one share."""
    path = tmp_path / "a.txt"
    path.write_text("".join(f"w{i} x{i % 7}\n" for i in range(8000)))
    scanned = _scan_shares(path, tmp_path, 2, 1)
    vocab = scanned[0].vocab
    for s in scanned:
        numbers = [int(vocab.words[line[0]][1:]) for line in _lines(_all_ids(s))]
        assert min(numbers) < 1000 and max(numbers) >= 7000, (min(numbers), max(numbers))
    firsts = [int(vocab.words[line[0]][1:]) for s in scanned for line in _lines(_all_ids(s))]
    assert sorted(firsts) == list(range(8000))


@pytest.mark.parametrize(("parts", "pieces"), [(1, 1), (2, 1), (3, 4), (4, 8)])
def test_dealt_ranges_cover_every_byte_once_dealt_in_turn(tmp_path, parts, pieces):
    """The ranges of all shares tile each file; share k's uncompressed ranges are the k-th, the
    (k + parts)-th, ... of parts x pieces; a compressed file goes whole to one share."""
    (tmp_path / "a.txt").write_bytes(b"x" * 1000)
    (tmp_path / "b.txt").write_bytes(b"y" * 600)
    with gzip.open(tmp_path / "c.gz", "wb") as f:
        f.write(b"z\n")
    files = [tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.gz"]
    dealt = list(corpus.dealt_ranges(files, parts, pieces))
    offsets = {files[0]: 0, files[1]: 1000, files[2]: 1600}
    tiles = sorted((offsets[p] + start, offsets[p] + (end if end is not None else p.stat().st_size), k)
                   for k, (p, start, end) in dealt if p.suffix == ".txt")
    assert [a for a, _, _ in tiles] == [0] + [b for _, b, _ in tiles[:-1]] and tiles[-1][1] == 1600
    cut, total = parts * pieces, sum(p.stat().st_size for p in files)  # the cuts count the .gz's bytes too
    bounds = [c * total // cut for c in range(cut + 1)]
    for a, b, k in tiles:  # each range lies within one cut, and its cut is dealt to share k
        c = bisect.bisect_right(bounds, a) - 1
        assert (c - k) % parts == 0 and b <= bounds[c + 1]
    assert sum(p.suffix == ".gz" for _, (p, _, _) in dealt) == 1


def test_shares_left_without_anything_to_read_are_reported(tmp_path, caplog):
    """One compressed file cannot be cut: the other process would idle, and rank 0 says so."""
    with gzip.open(tmp_path / "c.gz", "wt") as f:
        f.write("a b c\nb c a\n" * 50)
    with caplog.at_level("WARNING", logger="wordvec"):
        scanned = _scan_shares(tmp_path / "c.gz", tmp_path, 2, 1)
    assert [s.n_tokens for s in scanned] == [300, 0]
    assert [r.message for r in caplog.records if r.levelname == "WARNING"] == [
        "1 of 2 processes have nothing to read: compressed files cannot be cut, so each goes whole to one "
        "process; give a directory of several files, or uncompressed text"]
