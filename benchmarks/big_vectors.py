"""Big pretrained files: loading a word2vec file, and queries on a memory-mapped model,
wordvec against gensim in the same run.

Makes (once, in --dir) a 1,000,000 x 300 word2vec binary of random vectors with
words of realistic length, and a 100,000 x 300 text file. Each load runs in its own
child process, which reports wall time and peak RSS (VmHWM) and the RSS it had
before loading (the interpreter and libraries), so that the cost of the load itself
is the difference. Then: per-query time of most_similar on the native file loaded
into memory and memory-mapped (aligned), and gensim's on its own load.

    python benchmarks/big_vectors.py [--words 1000000 --dim 300 --dir /tmp/wordvec-big]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

CHILD = r"""
import json, sys, time
def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
which, path, binary = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
if which == "gensim":
    from gensim.models import KeyedVectors
    before = rss("VmRSS")
    start = time.perf_counter()
    kv = KeyedVectors.load_word2vec_format(path, binary=binary)
else:
    from wordvec import KeyedVectors
    before = rss("VmRSS")
    start = time.perf_counter()
    kv = KeyedVectors.load_word2vec_format(path, binary=binary)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak": rss("VmHWM"), "before": before, "array": kv.vectors.nbytes / 2**20,
                  "n": len(kv), "checksum": float(kv.vectors[::9973].sum())}))
"""


def make_files(directory: Path, n: int, dim: int, n_text: int) -> tuple[Path, Path]:
    from wordvec.io import formats

    directory.mkdir(parents=True, exist_ok=True)
    binary, text = directory / f"vectors-{n}x{dim}.bin", directory / f"vectors-{n_text}x{dim}.txt"
    rng = np.random.default_rng(0)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words = list(dict.fromkeys("".join(rng.choice(letters, size=k)) + str(i)
                                for i, k in enumerate(rng.integers(3, 12, size=n))))
    if not binary.exists():
        vectors = rng.standard_normal((n, dim), dtype=np.float32) * 0.1
        formats.write_word2vec(binary, words, vectors, binary=True)
    if not text.exists():
        vectors = (rng.standard_normal((n_text, dim), dtype=np.float32) * 0.1).round(6)
        with open(text, "w") as f:
            f.write(f"{n_text} {dim}\n")
            for word, row in zip(words, vectors):
                f.write(word + " " + " ".join(f"{x:.6f}" for x in row) + "\n")
    return binary, text


def load(which: str, path: Path, binary: bool) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, which, str(path), "1" if binary else "0"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def per_query(most_similar, queries) -> float:
    most_similar(queries[0])  # the first query computes the norms
    start = time.perf_counter()
    for q in queries:
        most_similar(q, topn=10)
    return 1000 * (time.perf_counter() - start) / len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--text-words", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/wordvec-big"))
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()
    binary, text = make_files(args.dir, args.words, args.dim, args.text_words)
    print(f"# {time.strftime('%Y-%m-%d')}, {args.words:,} x {args.dim} binary ({binary.stat().st_size / 2**20:.0f} MiB), "
          f"{args.text_words:,} x {args.dim} text ({text.stat().st_size / 2**20:.0f} MiB)")
    load("wordvec", binary, True)  # compiles (and caches) the parser once, outside the timings
    for path, is_binary in ((binary, True), (text, False)):
        results = {}
        for which in ("wordvec", "gensim", "wordvec", "gensim"):
            r = load(which, path, is_binary)
            results.setdefault(which, []).append(r)
            print(f"{path.name}: {which:8s} {r['seconds']:6.2f} s, peak RSS {r['peak']:7.0f} MiB "
                  f"({r['peak'] - r['before']:.0f} MiB over the {r['before']:.0f} before loading; "
                  f"array {r['array']:.0f} MiB)", flush=True)
        ours, theirs = (min(x["seconds"] for x in results[w]) for w in ("wordvec", "gensim"))
        assert results["wordvec"][0]["checksum"] == results["gensim"][0]["checksum"], "different vectors"
        print(f"{path.name}: wordvec {theirs / ours:.2f}x faster than gensim (best of two each); same vectors")

    from gensim.models import KeyedVectors as GensimKV

    from wordvec import KeyedVectors

    native = args.dir / "vectors.npz"
    if not native.exists():
        KeyedVectors.load_word2vec_format(binary, binary=True).save(native)
    rng = np.random.default_rng(1)
    queries = [f"w{i}" for i in range(0)]
    loaded = KeyedVectors.load(native)
    queries = [loaded.index_to_key[i] for i in rng.integers(0, len(loaded), size=args.queries)]
    in_memory = per_query(loaded.most_similar, queries)
    del loaded
    mapped = KeyedVectors.load(native, mmap=True)
    address = mapped.vectors.ctypes.data % 64
    on_map = per_query(mapped.most_similar, queries)
    del mapped
    theirs = GensimKV.load_word2vec_format(binary, binary=True)
    gensim_ms = per_query(theirs.most_similar, queries)
    print(f"most_similar per query: in memory {in_memory:.1f} ms, memory-mapped {on_map:.1f} ms "
          f"(address mod 64 = {address}; {on_map / in_memory:.2f}x), gensim {gensim_ms:.1f} ms")


if __name__ == "__main__":
    main()
