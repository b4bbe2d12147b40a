"""Mutation fuzzing of every reader of outside data: random and mutated bytes must never
crash the process, never hang, and raise only the documented error (DataError and
its subclasses). Run as a script; it is not part of the test suite.

    python fuzz/fuzz_readers.py [--inputs 100000] [--readers corpus,native,...] [--seed 0]

Each input starts from a valid file of the reader's kind (or from nothing) and
gets one to four mutations: bit flips, special bytes, insertions, deletions,
truncation, duplicated or spliced ranges, or wholly random bytes. Prints, per
reader, the number of inputs, how many were read without error, and the count
of each error type; any other exception is printed with its input and the
script exits non-zero.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from wordvec import KeyedVectors
from wordvec.errors import DataError
from wordvec.io.fasttext import write_fasttext_bin
from wordvec.io.registry import UNTRUSTED_READERS
from wordvec.text.subwords import Ngrams

SPECIAL = [b"\x00", b"\xff", b"\xc3", b" ", b"\n", b"\t", b"-", b"9", b"nan", b"inf", b"1e999", b"\r\n"]


def seeds(workdir: Path) -> dict[str, list[bytes]]:
    rng = np.random.default_rng(0)
    words = ["the", "caf\u00e9", "king", "queen", "\u6f22", "x"]
    vectors = rng.normal(size=(len(words), 5)).astype(np.float32)
    kv = KeyedVectors(words, vectors)
    kv.save_word2vec_format(workdir / "v.txt")
    kv.save_word2vec_format(workdir / "v.bin", binary=True)
    kv.save(workdir / "v.npz")
    write_fasttext_bin(KeyedVectors(words, vectors, None, Ngrams(2, 4, 16), rng.normal(size=(16, 5)).astype(np.float32)),
                       workdir / "f.bin")
    from wordvec.text.phrases import Phrases

    Phrases(min_count=1, threshold=0.1, connector_words={"and"}).fit(
        [["the", "king", "and", "queen"], ["the", "king"]] * 3).save(workdir / "p.npz")
    text = "the king and the queen\ncaf\u00e9 au lait\n\n  spaced   words \n".encode()
    glove = b"".join((workdir / "v.txt").read_bytes().splitlines(True)[1:])  # no header
    return {
        "corpus": [text],
        "corpus-gz": [gzip.compress(text)],
        "sst": [b"sentence_index\tsentence\n1\tThe Rock is great .\n2\tA film .\n"],
        "word2vec-text": [(workdir / "v.txt").read_bytes()],
        "word2vec-binary": [(workdir / "v.bin").read_bytes()],
        "glove": [glove],
        "native": [(workdir / "v.npz").read_bytes()],
        "fasttext": [(workdir / "f.bin").read_bytes()],
        "phrases": [(workdir / "p.npz").read_bytes()],
        "any-vectors": [(workdir / name).read_bytes() for name in ("v.txt", "v.bin", "v.npz", "f.bin")] + [glove],
    }


def mutate(data: bytes, pool: list[bytes], rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(9)
        pos = rng.randrange(len(buf) + 1)
        if kind == 0 and buf:
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif kind == 1:
            buf[pos:pos + rng.randint(0, 2)] = rng.choice(SPECIAL)
        elif kind == 2:
            buf[pos:pos] = rng.randbytes(rng.randint(1, 16))
        elif kind == 3:
            del buf[pos:pos + rng.randint(1, 64)]
        elif kind == 4:
            del buf[pos:]
        elif kind == 5 and buf:
            start = rng.randrange(len(buf))
            buf[pos:pos] = buf[start:start + rng.randint(1, 128)]
        elif kind == 6:
            other = rng.choice(pool)
            buf[pos:] = other[rng.randrange(len(other) + 1):]
        elif kind == 7:
            buf = bytearray(rng.randbytes(rng.randint(0, 512)))
        else:
            i = rng.randrange(len(buf) + 1)
            buf[i:i + 4] = rng.randint(0, 2**32 - 1).to_bytes(4, "little")
    return bytes(buf)


def _kind(message: str, path: Path) -> str:
    """The message with the file name, numbers and quoted text taken out."""
    message = message.replace(str(path), "FILE")
    message = re.sub(r"'[^']*'|\"[^\"]*\"|b'[^']*'", "...", message)
    return re.sub(r"\d+", "N", message)[:90]


class Hang(Exception):
    pass


def on_alarm(signum, frame):
    raise Hang


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=100000)
    parser.add_argument("--readers", default=",".join(UNTRUSTED_READERS))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, on_alarm)
    failures = 0
    shm = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=shm) as tmp:
        workdir = Path(tmp)
        pool = seeds(workdir)
        every = [s for group in pool.values() for s in group]
        for name in args.readers.split(","):
            suffix, read = UNTRUSTED_READERS[name]
            rng, counts, kinds = random.Random(f"{args.seed}-{name}"), Counter(), Counter()
            start = time.perf_counter()
            for i in range(args.inputs):
                data = mutate(rng.choice(pool[name]), every, rng)
                path = workdir / f"input{suffix}"
                path.write_bytes(data)
                signal.setitimer(signal.ITIMER_REAL, 10.0)
                try:
                    read(path)
                    counts["read without error"] += 1
                except DataError as exc:
                    counts[type(exc).__name__] += 1
                    kinds[_kind(str(exc), path)] += 1
                except Hang:
                    counts["HANG (over 10 s)"] += 1
                    failures += 1
                    print(f"{name}: input {i} hung: {data[:200]!r}", file=sys.stderr)
                except Exception as exc:  # the finding: an undocumented error
                    counts[f"UNEXPECTED {type(exc).__name__}"] += 1
                    failures += 1
                    print(f"{name}: input {i} raised {type(exc).__name__}: {exc}\n  {data[:300]!r}", file=sys.stderr)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            seconds = time.perf_counter() - start
            print(f"{name}: {args.inputs} inputs in {seconds:.0f} s: "
                  + ", ".join(f"{k} {v}" for k, v in counts.most_common()), flush=True)
            for kind, n in kinds.most_common(8):
                print(f"    {n:6d}  {kind}")
    print(f"unexpected exceptions and hangs: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
