"""Continued training: a model trained on half of mix8m, then continued (partial_fit) on
the other half, against one trained on all of it at once, in one run.

Two splits: "halves" (the first and second half of the lines: new text from other
sources, the harder case) and "alternate" (odd and even lines: more of the same
text). Reported for each model: analogy accuracy (top 30,000 words), WS353 and
SimLex-999 Spearman; a second one-shot model with another seed gives the noise.
For the continued model also: the cosine between each first-half word's vector
before and after continuing, and, for words that only the second half has, how
many of their 10 nearest neighbours the one-shot model shares (against the same
figure for the other words).

    python benchmarks/continued_training.py [--epochs 5 --workers 2]
"""

from __future__ import annotations

import argparse
import gzip
import tempfile
import time
from pathlib import Path

import numpy as np

from wordvec import Word2Vec, evaluate

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def scores(kv) -> dict:
    analogy = evaluate.analogy(kv, restrict_vocab=30000).total.accuracy
    ws = evaluate.word_pairs(kv, evaluate.dataset_path("ws353")).spearman
    simlex = evaluate.word_pairs(kv, evaluate.dataset_path("simlex999")).spearman
    return {"analogy": analogy, "ws353": ws, "simlex": simlex}


def overlap(a, b, words) -> float:
    """Mean share of the 10 nearest neighbours of ``words`` that models a and b agree on."""
    shared = [len({w for w, _ in a.most_similar(x, topn=10)} & {w for w, _ in b.most_similar(x, topn=10)}) / 10
              for x in words]
    return float(np.mean(shared)) if shared else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample-words", type=int, default=300, help="words per neighbour-overlap figure")
    args = parser.parse_args()
    settings = dict(vector_size=100, window=5, min_count=5, epochs=args.epochs, workers=args.workers, progress=False)
    corpus = DATA / "corpus" / "mix8m.txt.gz"
    with gzip.open(corpus, "rt") as f:
        lines = f.readlines()
    rng = np.random.default_rng(0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        full = Word2Vec(**settings, seed=1).fit(corpus)
        rows.append(("one-shot, seed 1", scores(full.wv), time.perf_counter() - start))
        start = time.perf_counter()
        rows.append(("one-shot, seed 2", scores(Word2Vec(**settings, seed=2).fit(corpus).wv), time.perf_counter() - start))
        for split in ("halves", "alternate"):
            if split == "halves":
                a, b = lines[: len(lines) // 2], lines[len(lines) // 2:]
            else:
                a, b = lines[0::2], lines[1::2]
            paths = [Path(tmp) / f"{split}-{i}.txt" for i in (1, 2)]
            for path, part in zip(paths, (a, b)):
                path.write_text("".join(part))
            start = time.perf_counter()
            model = Word2Vec(**settings, seed=1).fit(paths[0])
            before = {w: model.wv[w].copy() for w in model.wv.words}
            model.partial_fit(paths[1])
            seconds = time.perf_counter() - start
            rows.append((f"{split}: first, then partial_fit", scores(model.wv), seconds))
            cos = [float(np.dot(v, model.wv[w]) / (np.linalg.norm(v) * np.linalg.norm(model.wv[w])))
                   for w, v in before.items()]
            new = [w for w in model.wv.words if w not in before and w in full.wv]
            old = [w for w in model.wv.words if w in before and w in full.wv]
            pick = lambda ws: list(rng.choice(ws, size=min(args.sample_words, len(ws)), replace=False)) if ws else []
            print(f"{split}: {len(before)} words after the first part, {len(model.wv)} after continuing; "
                  f"cosine of each first-part word's vector before/after continuing: median {np.median(cos):.3f}, "
                  f"10th percentile {np.percentile(cos, 10):.3f}")
            print(f"{split}: neighbours shared with the one-shot model (of 10): words only in the second part "
                  f"{overlap(model.wv, full.wv, pick(new)):.3f} ({len(new)} words), other words "
                  f"{overlap(model.wv, full.wv, pick(old)):.3f}")
    print(f"\n{'model':<36} {'analogy':>8} {'WS353':>7} {'SimLex':>7} {'seconds':>8}")
    for name, s, seconds in rows:
        print(f"{name:<36} {s['analogy']:8.4f} {s['ws353']:7.4f} {s['simlex']:7.4f} {seconds:8.1f}")


if __name__ == "__main__":
    main()
