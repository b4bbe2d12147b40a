"""Coverage-guided fuzzing of one reader with atheris (libFuzzer for Python).

    pip install atheris     # or: pip install ".[fuzz]"
    python fuzz/atheris_readers.py native -atheris_runs=100000
    python fuzz/atheris_readers.py corpus -atheris_runs=100000 fuzz-corpus-dir/

Readers: corpus, corpus-gz, sst, word2vec-text, word2vec-binary, glove, native. Any
exception other than wordvec's DataError (and its subclasses) is a crash that
libFuzzer reports with the input that caused it; at exit the script prints the
number of inputs and the count of each error type. Without a corpus directory
libFuzzer starts from valid files of the reader's kind (``fuzz_readers.seeds``).
"""

from __future__ import annotations

import atexit
import sys
import tempfile
from collections import Counter
from pathlib import Path

import atheris

ENGINE = ["wordvec.engine", "wordvec.engine.contract", "wordvec.engine.tables", "wordvec.engine.cpu",
          "wordvec.engine.cpu.kernel", "wordvec.engine.cpu.output", "wordvec.engine.cpu.sampling",
          "wordvec.engine.cpu.mathfn", "wordvec.engine.cpu.rng", "wordvec.engine.cpu.vecops",
          "wordvec.experiments.sst.minibatch", "wordvec.text.tokenize"]  # numba compiles these: leave their bytecode alone
with atheris.instrument_imports(include=["wordvec"], exclude=ENGINE):
    import wordvec.experiments.sst.data  # noqa: F401  (the registry imports its readers lazily: instrument them now)
    import wordvec.text.scan  # noqa: F401
    from wordvec.errors import DataError
    from wordvec.io.registry import UNTRUSTED_READERS

WORKDIR = Path(tempfile.mkdtemp(dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
READERS = UNTRUSTED_READERS
COUNTS: Counter = Counter()


def _seed_directory(name: str) -> Path:
    """Valid files of the reader's kind, for libFuzzer to start from (see fuzz_readers.seeds)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from fuzz_readers import seeds

    directory = WORKDIR / "seeds"
    directory.mkdir()
    for i, data in enumerate(seeds(WORKDIR)[name]):
        (directory / f"seed{i}").write_bytes(data)
    return directory


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in READERS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(READERS)}}} [libFuzzer options]")
    name = sys.argv.pop(1)
    suffix, read = READERS[name]
    if not any(Path(a).is_dir() for a in sys.argv[1:]):  # no corpus given: start from valid files
        sys.argv.append(str(_seed_directory(name)))
    path = WORKDIR / f"input{suffix}"

    def test_one_input(data: bytes) -> None:
        path.write_bytes(data)
        try:
            read(path)
            COUNTS["read without error"] += 1
        except DataError as exc:
            COUNTS[type(exc).__name__] += 1

    atexit.register(lambda: print(f"{name}: {sum(COUNTS.values())} inputs: "
                                  + ", ".join(f"{k} {v}" for k, v in COUNTS.most_common()), file=sys.stderr))
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
