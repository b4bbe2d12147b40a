"""Phrases on mix8m: wordvec against gensim's Phrases, same corpus and settings, same run.

Learns bigrams from the corpus (gensim reads it with LineSentence, split on white space;
the corpus is lower-case a-z words separated by single spaces, so both see the same
tokens), compares the phrases found (how many differ) and their scores, then applies
them to the whole corpus and compares the rewritten sentences.

    python benchmarks/phrases.py [--connectors english|none] [--scoring default|npmi]
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connectors", choices=["english", "none"], default="english")
    parser.add_argument("--scoring", choices=["default", "npmi"], default="default")
    parser.add_argument("--threshold", type=float, default=None, help="default: 10 (default), 0.5 (npmi)")
    parser.add_argument("--min-count", type=int, default=5)
    args = parser.parse_args()
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS
    from gensim.models.phrases import Phrases as GensimPhrases
    from gensim.models.word2vec import LineSentence

    from wordvec.text.phrases import Phrases

    corpus = DATA / "corpus" / "mix8m.txt.gz"
    threshold = args.threshold if args.threshold is not None else (10.0 if args.scoring == "default" else 0.5)
    settings = dict(min_count=args.min_count, threshold=threshold, scoring=args.scoring,
                    connector_words=ENGLISH_CONNECTOR_WORDS if args.connectors == "english" else frozenset())
    print(f"# {time.strftime('%Y-%m-%d')}, mix8m, {settings | {'connector_words': args.connectors}}")
    start = time.perf_counter()
    ours = Phrases(**settings).fit(corpus)
    ours_fit = time.perf_counter() - start
    start = time.perf_counter()
    theirs = GensimPhrases(LineSentence(str(corpus)), **settings)
    theirs_fit = time.perf_counter() - start
    found, expected = ours.export_phrases(), theirs.export_phrases()
    differ = set(found) ^ set(expected)
    worst = max((abs(found[k] - expected[k]) / abs(expected[k]) for k in set(found) & set(expected)), default=0.0)
    print(f"learn: wordvec {ours_fit:.1f} s, gensim {theirs_fit:.1f} s ({theirs_fit / ours_fit:.1f}x); "
          f"phrases: wordvec {len(found)}, gensim {len(expected)}, differing {len(differ)}; "
          f"largest relative score difference {worst:.1e}")
    start = time.perf_counter()
    rewritten = list(ours[corpus])
    ours_apply = time.perf_counter() - start
    start = time.perf_counter()
    theirs_rewritten = [theirs[s] for s in LineSentence(str(corpus))]
    theirs_apply = time.perf_counter() - start
    with gzip.open(corpus, "rt") as f:
        n_lines = sum(1 for line in f if line.split())
    mismatched = sum(a != b for a, b in zip(rewritten, theirs_rewritten)) + abs(len(rewritten) - len(theirs_rewritten))
    print(f"apply to {n_lines} sentences: wordvec {ours_apply:.1f} s, gensim {theirs_apply:.1f} s "
          f"({theirs_apply / ours_apply:.1f}x); sentences that differ: {mismatched}")


if __name__ == "__main__":
    main()
