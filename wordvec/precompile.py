"""The package's numba cache: every kernel compiled once, so that no run waits for it, and
dropped when the sources change.

numba compiles a kernel the first time it is called and, with ``cache=True``,
writes the machine code next to the module (``__pycache__``), keyed by a hash
of the source, numba's version and the CPU. A fresh install would otherwise
spend its first run compiling. Building the package (``pip install .``) runs
this module on the built files (see ``setup.py``), so the wheel carries the
cache; run it by hand after installing a wheel built elsewhere:

    python -m wordvec.precompile

It trains a tiny corpus with each architecture and output layer, without and
with subwords, learns and applies phrases, and writes and reads vectors in each
word2vec format and fastText's, and runs the ranks' row arithmetic: the calls of a
real run, with the argument types of a real run.

When the sources change, ``wordvec.numba_cache`` empties the cache at import.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

_KINDS = [("skipgram", "negative"), ("skipgram", "hierarchical"), ("cbow", "negative"), ("cbow", "hierarchical")]


def _corpus(path: Path) -> Path:
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(50)]
    lines = (" ".join(rng.choice(words, size=12)) for _ in range(200))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def precompile(workdir: Path) -> list[str]:
    """Call every kernel once (with the types a run uses); returns what was done, one line each."""
    from wordvec import Phrases, Word2Vec, load
    from wordvec.engine.cpu.width import ROW
    from wordvec.io.fasttext import write_fasttext_bin
    from wordvec.io.formats import read_word2vec, write_word2vec
    from wordvec.text.tokenize import WordTable

    corpus, done = _corpus(workdir / "corpus.txt"), []

    def timed(label: str, work) -> object:
        start = time.perf_counter()
        result = work()
        done.append(f"{label}: {time.perf_counter() - start:.1f} s")
        return result

    # enough distinct words to make the table grow (rehash)
    timed("tokenizer", lambda: WordTable().encode(" ".join(f"w{i}" for i in range(40_000)).encode()))
    for subwords in (False, True):
        for arch, loss in _KINDS:
            for dim in (ROW, 8):  # the kernels' twins for the default rows, then the general ones
                label = f"train {arch} {loss}{' with subwords' if subwords else ''}, dim {dim}"
                model = timed(label, lambda arch=arch, loss=loss, sub=subwords, dim=dim: Word2Vec(
                    vector_size=dim, min_count=1, epochs=1, workers=2, arch=arch, loss=loss, subwords=sub,
                    buckets=64, progress=False).fit(corpus))
    timed("phrases", lambda: list(Phrases(min_count=1, threshold=0.0).fit(corpus)[corpus]))

    def vector_files() -> None:
        for binary in (False, True):
            path = workdir / f"vectors{int(binary)}.w2v"
            write_word2vec(path, model.wv.words, model.wv.vectors, binary=binary)
            read_word2vec(path, binary=binary)
            load(path)
        write_fasttext_bin(model.wv, workdir / "fasttext.bin")  # the last model has subwords
        load(workdir / "fasttext.bin")["unseen"]

    timed("vector files", vector_files)
    timed("exchanges", _exchanges)
    return done


def _exchanges() -> None:
    """The row arithmetic of distributed runs (``training.exchange``), with the types of a run's."""
    from wordvec.training.exchange import apply_hot, apply_sum, changes, hot_changes

    current, last = np.zeros((2, 4, 8), dtype=np.float32)
    rows, scale = np.flatnonzero(np.ones(2)), np.ones(2, dtype=np.float32)[:, None]
    mine, summed = np.zeros((2, 2, 8), dtype=np.float32)
    hot_changes(current, last, rows, mine, summed)
    apply_hot(current, last, rows, mine, summed, scale)
    delta = np.empty_like(current)
    for rows in (np.arange(4), np.flatnonzero(np.ones(4))[1:]):  # a block of every row, of the changed ones
        changes(current, last, rows, delta)
        apply_sum(current, last, rows, delta, None)
        apply_sum(current, last, rows, delta, np.ones(4, dtype=np.float32)[:, None])


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for line in precompile(Path(tmp)):
            print(f"wordvec.precompile: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
