"""wordvec with subwords against the fasttext package and gensim's FastText, in one run.

Same corpus and settings for all three (skip-gram, dim 100, window 5, negative 5,
min_count 5, minn 3, maxn 6, 2,000,000 buckets, sample 1e-4, lr 0.05, 5 epochs,
2 threads by default), each in its own child process (peak RSS its own). Quality
with one evaluation code (gensim's, as vs_gensim.py) on the vocabulary's vectors:
analogy (all, semantic and syntactic sections), WS353, SimLex; then the same pairs
again with vectors composed from n-grams for the words outside the vocabulary
("answered anyway"), with how many such words there were.

    python benchmarks/vs_fasttext.py                          # mix8m, 2 threads
    python benchmarks/vs_fasttext.py --corpus small.txt --libraries wordvec,fasttext
    python benchmarks/vs_fasttext.py --libraries wordvec,wordvec-plain --wordvec-extra '{"update": "pair"}'
    python benchmarks/vs_fasttext.py --libraries wordvec --wordvec-extra '{"device": "cuda"}'   # on a GPU

fasttext (pip install fasttext-wheel) and gensim are benchmark-only dependencies.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vs_gensim import DATA, canonical, evaluate, run_json  # noqa: E402

SETTINGS = dict(dim=100, window=5, negative=5, min_count=5, minn=3, maxn=6, bucket=2_000_000, sample=1e-4, lr=0.05)


def train(library: str, corpus: str, threads: int, epochs: int, extra: dict):
    """(words, their counts, their vectors, vector_of(word) for any word) after training ``library``."""
    s = SETTINGS
    if library in ("wordvec", "wordvec-plain"):  # wordvec-plain: the same without subwords
        from wordvec import Word2Vec

        model = Word2Vec(vector_size=s["dim"], window=s["window"], negative=s["negative"], min_count=s["min_count"],
                         sample=s["sample"], alpha=s["lr"], subwords=library == "wordvec", min_n=s["minn"],
                         max_n=s["maxn"], buckets=s["bucket"], epochs=epochs, workers=threads,
                         progress=False, **extra).fit(corpus)
        zero = np.zeros(s["dim"], np.float32)  # an unknown word scores 0 against anything
        vector_of = lambda w: model.wv[w] if w in model.wv else zero  # noqa: E731
        return model.wv.words, model.vocab_.counts, model.wv.vectors, vector_of
    if library == "fasttext":
        import fasttext

        model = fasttext.train_unsupervised(corpus, model="skipgram", dim=s["dim"], ws=s["window"], neg=s["negative"],
                                            minCount=s["min_count"], minn=s["minn"], maxn=s["maxn"],
                                            bucket=s["bucket"], t=s["sample"], lr=s["lr"], epoch=epochs,
                                            thread=threads, verbose=0)
        words, counts = model.get_words(include_freq=True)
        kept = [i for i, w in enumerate(words) if w != "</s>"]
        words, counts = [words[i] for i in kept], [counts[i] for i in kept]
        return words, counts, np.stack([model.get_word_vector(w) for w in words]), model.get_word_vector
    from gensim.models import FastText
    from gensim.models.word2vec import LineSentence

    model = FastText(LineSentence(corpus), sg=1, vector_size=s["dim"], window=s["window"], negative=s["negative"],
                     min_count=s["min_count"], min_n=s["minn"], max_n=s["maxn"], bucket=s["bucket"],
                     sample=s["sample"], alpha=s["lr"], epochs=epochs, workers=threads, seed=1)
    counts = [model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key]
    return model.wv.index_to_key, counts, model.wv.vectors, lambda w: model.wv[w]


def sections(words, vectors) -> dict:
    """Analogy accuracy of the semantic and the syntactic ('gram*') sections, by gensim's code."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(list(words), vectors)
    _, parts = kv.evaluate_word_analogies(str(DATA / "eval" / "questions-words.txt"), restrict_vocab=30000)
    out = {}
    for kind, keep in (("semantic", lambda n: not n.startswith("gram")), ("syntactic", lambda n: n.startswith("gram"))):
        chosen = [p for p in parts if p["section"] != "Total accuracy" and keep(p["section"])]
        right, wrong = sum(len(p["correct"]) for p in chosen), sum(len(p["incorrect"]) for p in chosen)
        out[kind] = right / max(right + wrong, 1)
    return out


def pairs_anyway(words, vector_of) -> dict:
    """Spearman on WS353 and SimLex over every pair, composing vectors for words outside the
    vocabulary; and how many distinct words were outside it."""
    from scipy import stats

    known, out = set(words), {}
    for name, file in (("ws353_all", "wordsim353.tsv"), ("simlex_all", "simlex999.txt")):
        gold, model, oov = [], [], set()
        for line in (DATA / "eval" / file).read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if line.startswith("#") or len(parts) < 3:
                continue
            a, b = parts[0].lower(), parts[1].lower()
            oov |= {w for w in (a, b) if w not in known}
            va, vb = vector_of(a), vector_of(b)
            gold.append(float(parts[2]))
            model.append(float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb) or 1.0)))
        out[name], out[name.replace("_all", "_oov_words")] = float(stats.spearmanr(gold, model)[0]), len(oov)
    return out


def child(args) -> None:
    start = time.perf_counter()
    words, counts, vectors, vector_of = train(args.child, str(args.corpus), args.threads, args.epochs,
                                              json.loads(args.wordvec_extra))
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    words, vectors = canonical(words, counts, vectors)  # a copy of the vectors: after the peak is read
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "vocab": len(words), **evaluate(words, vectors),
                      **sections(words, vectors), **pairs_anyway(words, vector_of)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--libraries", default="wordvec,fasttext,gensim")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=None, help="tokens in the corpus, for words/s")
    parser.add_argument("--wordvec-extra", default="{}", help="JSON of extra Word2Vec arguments")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    if args.corpus.suffix == ".gz":  # fastText reads plain text only: every library reads the same file
        plain = Path(tempfile.mkdtemp()) / args.corpus.stem
        with gzip.open(args.corpus, "rb") as f, open(plain, "wb") as out:
            shutil.copyfileobj(f, out)
        args.corpus = plain
    tokens = args.tokens or sum(len(line.split()) for line in open(args.corpus, "rb"))
    print(f"# {time.strftime('%Y-%m-%d')}, {args.corpus.name} ({tokens:,} tokens), skip-gram with subwords, "
          f"{SETTINGS}, {args.epochs} epochs, {args.threads} threads")
    results = {}
    for library in args.libraries.split(","):
        cmd = [sys.executable, __file__, "--child", library, "--corpus", str(args.corpus),
               "--threads", str(args.threads), "--epochs", str(args.epochs), "--wordvec-extra", args.wordvec_extra]
        results[library] = run_json(cmd, None, library)
        print(f"# {library}: {results[library]}", flush=True)
    columns = ["seconds", "peak_mb", "analogy", "semantic", "syntactic", "ws353", "simlex", "ws353_all",
               "simlex_all", "ws353_oov_words", "simlex_oov_words"]
    print("| library | words/s | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 2) + "|")
    for library, r in results.items():
        cells = [f"{r[c]:.4f}" if isinstance(r[c], float) and c not in ("seconds", "peak_mb") else f"{r[c]:.1f}"
                 if isinstance(r[c], float) else str(r[c]) for c in columns]
        print(f"| {library} | {tokens * args.epochs / r['seconds']:,.0f} | " + " | ".join(cells) + " |")
    if "wordvec" in results:
        for other in (o for o in results if o != "wordvec"):
            print(f"wordvec is {results[other]['seconds'] / results['wordvec']['seconds']:.2f}x as fast as {other}")


if __name__ == "__main__":
    main()
