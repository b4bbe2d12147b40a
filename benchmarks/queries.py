"""Query speed on real vectors: most_similar per query, and the full analogy evaluation,
wordvec against gensim on the same vectors in the same run.

    python benchmarks/queries.py [--epochs 1]

Vectors: wordvec skip-gram trained on mix8m (60,211 x 100).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()

    import gensim

    from wordvec import Word2Vec, evaluate

    kv = Word2Vec(epochs=args.epochs, progress=False).fit(DATA / "corpus" / "mix8m.txt.gz").wv
    theirs = gensim.models.KeyedVectors(kv.vector_size)
    theirs.add_vectors(kv.words, kv.vectors)
    print(f"# {len(kv)} x {kv.vector_size} vectors; {time.strftime('%Y-%m-%d')}")

    rng = np.random.default_rng(0)
    queries = [kv.words[i] for i in rng.integers(0, 30000, size=200)]
    for name, fn in (("wordvec", kv.most_similar), ("gensim", theirs.most_similar)):
        fn(queries[0])  # the first query builds caches
        start = time.perf_counter()
        for q in queries:
            fn(q, topn=10)
        print(f"most_similar, {name}: {1000 * (time.perf_counter() - start) / len(queries):.2f} ms per query")

    questions = DATA / "eval" / "questions-words.txt"
    start = time.perf_counter()
    ours = evaluate.analogy(kv, questions, restrict_vocab=30000)
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    score, _ = theirs.evaluate_word_analogies(str(questions), restrict_vocab=30000)
    t_theirs = time.perf_counter() - start
    print(f"analogy evaluation: wordvec {t_ours:.2f} s (accuracy {ours.accuracy:.4f}), "
          f"gensim {t_theirs:.2f} s (accuracy {score:.4f}); {t_theirs / t_ours:.1f}x faster")


if __name__ == "__main__":
    main()
