"""The Stanford Sentiment Treebank sentences: locate, download, read.

Socher et al., "Recursive Deep Models for Semantic Compositionality Over a
Sentiment Treebank", EMNLP 2013.
"""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from wordvec.errors import DataError
from wordvec.io.paths import regular_file

SST_URL = "http://nlp.stanford.edu/~socherr/stanfordSentimentTreebank.zip"
SENTENCES_FILE = "datasetSentences.txt"
_ZIP_FOLDER = "stanfordSentimentTreebank"


def cache_dir() -> Path:
    """Where downloaded data lives: ``$WORDVEC_DATA``, default ``~/.cache/wordvec``."""
    return Path(os.environ.get("WORDVEC_DATA") or Path.home() / ".cache" / "wordvec")


def locate_sst(data_dir: str | os.PathLike | None = None, download: bool = True) -> Path:
    """The directory that holds ``datasetSentences.txt``.

    With ``data_dir`` given, that directory (or its ``stanfordSentimentTreebank``
    subfolder) must hold the file. Without it, the cache directory is used and
    the official zip is downloaded into it when the file is missing.
    """
    if data_dir is not None:
        data_dir = Path(data_dir)
        if not data_dir.is_dir():
            raise DataError(f"SST data directory {data_dir} does not exist")
        for candidate in (data_dir, data_dir / _ZIP_FOLDER):
            if (candidate / SENTENCES_FILE).is_file():
                return candidate
        raise DataError(f"{data_dir} holds no {SENTENCES_FILE}")
    target = cache_dir() / _ZIP_FOLDER
    if not (target / SENTENCES_FILE).is_file():
        if not download:
            raise DataError(f"{target / SENTENCES_FILE} is missing")
        _download(target.parent)
    return target


def _download(into: Path) -> None:
    """Fetch and unpack the official zip into ``into``; one clear line when offline."""
    partial = into / "stanfordSentimentTreebank.zip.part"
    try:
        into.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(SST_URL, timeout=30) as response, open(partial, "wb") as out:
            shutil.copyfileobj(response, out)
        with zipfile.ZipFile(partial) as archive:
            archive.extractall(into)
    except (urllib.error.URLError, OSError, zipfile.BadZipFile) as exc:
        raise DataError(
            f"could not download the SST from {SST_URL} ({exc}); put {SENTENCES_FILE} "
            f"in {into / _ZIP_FOLDER} or pass the directory that holds it with --data"
        ) from None
    finally:
        partial.unlink(missing_ok=True)


def read_sentences(path: str | os.PathLike) -> list[list[str]]:
    """Read ``datasetSentences.txt``: a header, then ``index<TAB>sentence`` lines.

    Tokens are the dataset's own (split on whitespace), lower-cased.
    """
    path = regular_file(path, "SST file")
    sentences = []
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DataError(f"{path}:{lineno}: invalid UTF-8 ({exc.reason})") from None
            if lineno == 1 and line.startswith("sentence_index"):
                continue
            if not line.strip():
                continue
            index, tab, text = line.partition("\t")
            if not tab or not index.strip().isdigit():
                raise DataError(f"{path}:{lineno}: expected 'index<TAB>sentence', got {line[:40]!r}")
            tokens = text.lower().split()
            if tokens:
                sentences.append(tokens)
    if not sentences:
        raise DataError(f"{path} holds no sentences")
    return sentences


def load_sst(data_dir: str | os.PathLike | None = None) -> list[list[str]]:
    """The SST sentences as lists of lower-cased tokens (see :func:`locate_sst`)."""
    return read_sentences(locate_sst(data_dir) / SENTENCES_FILE)
