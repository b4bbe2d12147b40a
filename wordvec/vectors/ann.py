"""Approximate nearest neighbours for large vocabularies, through faiss's HNSW graph.

An optional extra (``pip install "wordvec[ann]"``, which brings faiss-cpu):
chosen over hnswlib, usearch and pynndescent on the figures of
``benchmarks/ann.py`` (build time, query time, recall@10, install weight; see
BENCHMARKS.md). The index holds the unit-length vectors, so that inner product
is cosine similarity; it is given to ``KeyedVectors.most_similar(...,
indexer=index)``, as gensim's indexers are.
"""

from __future__ import annotations

import os
import zlib

import numpy as np

from wordvec.errors import StorageError
from wordvec.io.native import load_arrays, save_arrays

_FORMAT = "wordvec.AnnIndex"
_ADD_ROWS = 65536  # rows normalised and added at a time: no unit-length copy of the whole matrix


def _faiss():
    try:
        import faiss
    except ImportError:
        raise ImportError('approximate neighbours need faiss: pip install "wordvec[ann]" (or faiss-cpu)') from None
    return faiss


class AnnIndex:
    """An HNSW graph over the unit vectors of ``kv``.

    Parameters
    ----------
    kv : KeyedVectors
    m : int, default=16
        Links per node (32 on the bottom layer); more is slower to build, more accurate.
    ef_construction : int, default=200
        Beam width while building.
    ef_search : int, default=100
        Beam width while searching (settable later as ``ef_search``); more is slower, more accurate.
    threads : int or None, default=None
        Threads for building and batch search (None: faiss's default, every core).
    """

    def __init__(self, kv, m: int = 16, ef_construction: int = 200, ef_search: int = 100,
                 threads: int | None = None):
        faiss = _faiss()
        for name, value in (("m", m), ("ef_construction", ef_construction), ("ef_search", ef_search)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}={value!r} must be an integer >= 1")
        if threads is not None:
            faiss.omp_set_num_threads(threads)
        self.kv = kv
        self.index = faiss.IndexHNSWFlat(kv.vector_size, m, faiss.METRIC_INNER_PRODUCT)
        self.index.hnsw.efConstruction = ef_construction
        for start in range(0, len(kv), _ADD_ROWS):
            self.index.add(np.ascontiguousarray(kv.unit_rows(np.arange(start, min(start + _ADD_ROWS, len(kv)))),
                                                dtype=np.float32))
        self.ef_search = ef_search

    @property
    def ef_search(self) -> int:
        return self.index.hnsw.efSearch

    @ef_search.setter
    def ef_search(self, value: int) -> None:
        self.index.hnsw.efSearch = value

    def search(self, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Row indices (n, k) and cosine similarities of the approximate ``k`` nearest words of
        each query (rows of ``queries``, any length); -1 where fewer than ``k`` were found."""
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        norms = np.linalg.norm(queries, axis=1, keepdims=True)
        scores, ids = self.index.search(np.ascontiguousarray(queries / np.where(norms > 0, norms, 1)), k)
        return ids, scores

    def most_similar(self, vector: np.ndarray, topn: int = 10) -> list[tuple[str, float]]:
        """The approximate ``topn`` nearest words of one vector, best first (gensim's indexer call)."""
        ids, scores = self.search(vector, topn)
        return [(self.kv.index_to_key[i], float(s)) for i, s in zip(ids[0].tolist(), scores[0].tolist()) if i >= 0]

    def save(self, path: str | os.PathLike) -> None:
        """Save the graph (faiss's serialisation, in a native npz with the vocabulary's fingerprint)."""
        blob = _faiss().serialize_index(self.index)
        save_arrays(path, {"index": blob}, {"format": _FORMAT, "version": 1, "words": _fingerprint(self.kv),
                                            "ef_search": self.ef_search})

    @classmethod
    def load(cls, path: str | os.PathLike, kv) -> AnnIndex:
        """Load a graph saved for ``kv`` (refused if it was built over other vectors). Load only
        index files you trust: the graph is read by faiss's own parser."""
        arrays, meta = load_arrays(path)
        if meta.get("format") != _FORMAT or "index" not in arrays:
            raise StorageError(f"{path} is not a {_FORMAT} file")
        if meta.get("words") != _fingerprint(kv):
            raise StorageError(f"{path} was built over other vectors (its vocabulary differs from these {len(kv)} words)")
        self = cls.__new__(cls)
        self.kv, self.index = kv, _faiss().deserialize_index(arrays["index"])
        self.ef_search = int(meta.get("ef_search", 100))
        return self


def _fingerprint(kv) -> list:
    """The vocabulary's size, dimension and crc32 of its words in order."""
    return [len(kv), kv.vector_size, zlib.crc32("\n".join(kv.index_to_key).encode())]
