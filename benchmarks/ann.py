"""Approximate nearest neighbours: hnswlib, usearch, faiss-cpu and pynndescent on the same
vectors, in one run: build time, query time, recall@10 against the exact answer.

Vectors: synthetic ones with the low intrinsic dimension of trained word vectors
(--n x --dim: 40 latent factors drawn around 2,000 cluster centres of Zipf-distributed
sizes, mapped to --dim by a random matrix, plus 10% noise, scaled to unit length). Exact top-10
by cosine of --queries vocabulary vectors is computed with wordvec's scorer. Every
library gets 2 threads and cosine (inner product on unit vectors) and settings of equal
ambition: graph degree M=16 (32 on the bottom layer), construction beam 200,
search beam 100 (pynndescent: 30 neighbours, epsilon 0.2).

    python benchmarks/ann.py --n 200000 --dim 300 [--libs hnswlib,usearch,faiss,pynndescent]

Each library is an optional install: pip install hnswlib usearch faiss-cpu pynndescent.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def clustered(n: int, dim: int, seed: int = 0, latent: int = 40) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((2000, latent), dtype=np.float32)
    sizes = rng.zipf(1.5, 2000).astype(np.float64)
    owner = rng.choice(2000, size=n, p=sizes / sizes.sum())
    factors = centers[owner] + 0.7 * rng.standard_normal((n, latent), dtype=np.float32)
    vectors = factors @ rng.standard_normal((latent, dim), dtype=np.float32)
    vectors += 0.1 * np.linalg.norm(vectors, axis=1, keepdims=True) / np.sqrt(dim) * \
        rng.standard_normal((n, dim), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def build(lib: str, vectors: np.ndarray, threads: int):
    """(index, query function (queries, k) -> ids (n, k))."""
    dim = vectors.shape[1]
    if lib == "hnswlib":
        import hnswlib

        index = hnswlib.Index(space="ip", dim=dim)
        index.init_index(max_elements=len(vectors), M=16, ef_construction=200)
        index.add_items(vectors, num_threads=threads)
        index.set_ef(100)
        return index, lambda q, k: index.knn_query(q, k=k, num_threads=1)[0]
    if lib == "usearch":
        from usearch.index import Index

        index = Index(ndim=dim, metric="ip", dtype="f32", connectivity=16, expansion_add=200, expansion_search=100)
        index.add(np.arange(len(vectors)), vectors, threads=threads)
        return index, lambda q, k: index.search(q, k, threads=1).keys
    if lib == "faiss":
        import faiss

        faiss.omp_set_num_threads(threads)
        index = faiss.IndexHNSWFlat(dim, 16, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 200
        index.add(vectors)
        index.hnsw.efSearch = 100
        return index, lambda q, k: index.search(q, k)[1]
    if lib == "pynndescent":
        from pynndescent import NNDescent

        index = NNDescent(vectors, metric="dot", n_neighbors=30, n_jobs=threads, random_state=0)
        index.prepare()
        return index, lambda q, k: index.query(q, k=k, epsilon=0.2)[0]
    raise ValueError(lib)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--libs", default="hnswlib,usearch,faiss,pynndescent")
    args = parser.parse_args()
    from wordvec import KeyedVectors

    vectors = clustered(args.n, args.dim)
    kv = KeyedVectors([f"w{i}" for i in range(args.n)], vectors)
    rng = np.random.default_rng(1)
    picked = rng.choice(args.n, size=args.queries, replace=False)
    queries = vectors[picked]
    start = time.perf_counter()
    exact = np.array([kv.top_indices(row, 10) for row in kv.cosine_scores(queries)])
    exact_ms = 1000 * (time.perf_counter() - start) / args.queries
    print(f"# {time.strftime('%Y-%m-%d')}, {args.n:,} x {args.dim} low-rank clustered unit vectors, {args.queries} queries, "
          f"{args.threads} threads; exact (wordvec, batched): {exact_ms:.2f} ms per query")
    for lib in args.libs.split(","):
        try:
            start = time.perf_counter()
            index, query = build(lib, vectors, args.threads)
            built = time.perf_counter() - start
        except ImportError as exc:
            print(f"{lib}: not installed ({exc})")
            continue
        query(queries[:10], 10)  # warm up (pynndescent compiles)
        start = time.perf_counter()
        found = np.vstack([query(q[None], 10) for q in queries])
        per_query = 1000 * (time.perf_counter() - start) / args.queries
        recall = np.mean([len(set(f.tolist()) & set(e.tolist())) / 10 for f, e in zip(found, exact)])
        print(f"{lib:12s} build {built:7.1f} s   query {per_query:6.3f} ms (one at a time)   recall@10 {recall:.4f}",
              flush=True)
        del index


if __name__ == "__main__":
    main()
