"""The package's numba cache: every kernel compiled once, so that no run waits for it, and
dropped when the sources change.

numba compiles a kernel the first time it is called and, with ``cache=True``,
writes the machine code next to the module (``__pycache__``), keyed by a hash
of the source, numba's version and the CPU. A fresh install would otherwise
spend its first run compiling. Building the package (``pip install .``) runs
this module on the built files (see ``setup.py``), so the wheel carries the
cache; run it by hand after installing a wheel built elsewhere:

    python -m wordvec.precompile

It trains a tiny corpus with each architecture and output layer, learns and
applies phrases, and writes and reads vectors in each word2vec format: the
calls of a real run, with the argument types of a real run.

numba checks a cached kernel against its own file only, not against the helpers
it inlined from other files (``engine/cpu/vecops.py`` into ``kernel.py``, say),
so an edited helper would leave the kernels running the old one.
:func:`drop_stale_cache`, called when wordvec is imported, keeps a hash of every
source file beside the cache and empties the cache when the hash changes.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PACKAGE = Path(__file__).resolve().parent
STAMP = Path("__pycache__") / "wordvec-sources.sha256"  # under the package: the sources the cache was built from

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
    for arch, loss in _KINDS:
        model = timed(f"train {arch} {loss}", lambda arch=arch, loss=loss: Word2Vec(
            vector_size=8, min_count=1, epochs=1, workers=2, arch=arch, loss=loss, progress=False).fit(corpus))
    timed("phrases", lambda: list(Phrases(min_count=1, threshold=0.0).fit(corpus)[corpus]))

    def vector_files() -> None:
        for binary in (False, True):
            path = workdir / f"vectors{int(binary)}.w2v"
            write_word2vec(path, model.wv.words, model.wv.vectors, binary=binary)
            read_word2vec(path, binary=binary)
            load(path)

    timed("vector files", vector_files)
    return done


def sources_digest(root: Path = PACKAGE) -> str:
    """sha256 of every Python file under ``root`` (names and contents, in sorted order)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def drop_stale_cache(root: Path = PACKAGE) -> bool:
    """Delete numba's cache files under ``root`` if its sources changed since the cache's stamp was
    written; then stamp the current sources. Returns whether files were deleted. A package
    without a stamp keeps its cache (the first stamp is written by the build, or by the first
    import of a source tree); a read-only package is left as it is."""
    from wordvec.errors import StorageError
    from wordvec.io.atomic import atomic_write

    stamp, digest = root / STAMP, sources_digest(root)
    try:
        old = stamp.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        old = None
    if old == digest:
        return False
    dropped = False
    try:
        if old is not None:
            for path in root.rglob("*.nb[ic]"):
                path.unlink(missing_ok=True)
                dropped = True
        stamp.parent.mkdir(exist_ok=True)
        with atomic_write(stamp, text=True) as f:
            f.write(digest + "\n")
    except (OSError, StorageError):  # a read-only install, or a race with another process: harmless
        pass
    return dropped


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for line in precompile(Path(tmp)):
            print(f"wordvec.precompile: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
