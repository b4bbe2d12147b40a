"""Shared fixtures: small synthetic data and the location of the shared data sets."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SIMULATED = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"


def gpu_at_hand() -> bool:
    """Whether numba-cuda is installed and sees a real GPU."""
    try:
        from numba import cuda

        return cuda.is_available()
    except Exception:
        return False


needs_cuda = pytest.mark.skipif(not (SIMULATED or gpu_at_hand()), reason="needs NUMBA_ENABLE_CUDASIM=1 or a CUDA GPU")


def shared_path(*parts: str) -> Path:
    """A file under ../shared/data, or skip the test with the reason."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared data sets live beside the project)")
    return path


def write_topics(path: Path, words: int, lines: int) -> Path:
    """A corpus of two topics that never share a line (a0.. and b0..), ``lines`` lines of each."""
    rng = np.random.default_rng(0)
    text = [" ".join(rng.choice([f"{t}{i}" for i in range(words)], size=8)) for _ in range(lines) for t in "ab"]
    path.write_text("\n".join(text) + "\n")
    return path


def make_sentences(n_sentences: int = 300, seed: int = 0) -> list[list[str]]:
    """Sentences from a tiny grammar: two topics whose words co-occur."""
    rng = np.random.default_rng(seed)
    topics = [["good", "great", "fine", "nice", "film"], ["bad", "dull", "poor", "awful", "plot"]]
    filler = ["the", "a", "is", "and", "this"]
    sentences = []
    for _ in range(n_sentences):
        words = topics[rng.integers(2)]
        length = rng.integers(4, 12)
        sentences.append([str(rng.choice(words if rng.random() < 0.7 else filler)) for _ in range(length)])
    return sentences


def write_sst(directory: Path, sentences: list[list[str]]) -> Path:
    """Write ``sentences`` in the layout of datasetSentences.txt."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = ["sentence_index\tsentence"] + [f"{i}\t{' '.join(s)}" for i, s in enumerate(sentences, 1)]
    (directory / "datasetSentences.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


@pytest.fixture
def sentences() -> list[list[str]]:
    return make_sentences()


@pytest.fixture
def sst_dir(tmp_path: Path, sentences) -> Path:
    return write_sst(tmp_path / "sst", sentences)
