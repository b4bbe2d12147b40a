"""wordvec against gensim on the same corpus, settings and evaluation, in one run.

Each training runs in its own child process, so that peak RSS is its own; the
child times vocabulary scan plus training (wall clock), then evaluates the
vectors with the same code for both libraries. Peak RSS is printed as
"peak (private + file)": the resident memory at the highest of the samples
taken every 20 ms during training, split into private (anonymous) pages and
pages of mapped files (the shared libraries' code, which the system can drop
and read again), from /proc/self/status. The parent prints a table and
the wordvec/gensim ratios. Before and after each child it also times how long a
written cache line takes to pass between two cores (``handoff.py``): on a virtual
machine whose host sometimes runs its two CPUs apart (160-175 ns against 25-35),
two threads on shared weights then train no faster than one, and a ratio taken in
that state says more about the host than about the code.

    python benchmarks/vs_gensim.py                     # all four configurations
    python benchmarks/vs_gensim.py --configs sg-ns --workers 1
    python benchmarks/vs_gensim.py --configs sg-ns --workers 1,2,4,8,16   # a thread sweep
    python benchmarks/vs_gensim.py --configs sg-ns --workers 1,2,4,8,16 --gensim-workers 16   # gensim at 16 only
    python benchmarks/vs_gensim.py --configs sg-ns --first-run            # what compiling everything costs
    python benchmarks/vs_gensim.py --configs cbow-ns --repeat 3           # three pairs, the median ratio

gensim is a benchmark-only dependency: pip install gensim.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CONFIGS = {
    "sg-ns": dict(arch="skipgram", loss="negative"),
    "cbow-ns": dict(arch="cbow", loss="negative"),
    "sg-hs": dict(arch="skipgram", loss="hierarchical"),
    "cbow-hs": dict(arch="cbow", loss="hierarchical"),
}


def train_wordvec(corpus: str, config: dict, workers: int, epochs: int, extra: dict):
    from wordvec import Word2Vec

    model = Word2Vec(vector_size=100, window=5, negative=5, min_count=5, sample=1e-3, epochs=epochs,
                     workers=workers, progress=False, **config, **extra).fit(corpus)
    training = epochs * float(model.vocab_.counts.sum()) / model.words_per_second_  # the epochs' loop alone
    return model.wv.words, model.vocab_.counts, model.wv.vectors, model.loss_history_, training


def train_gensim(corpus: str, config: dict, workers: int, epochs: int, extra: dict):
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    hs = config["loss"] == "hierarchical"
    model = Word2Vec(LineSentence(corpus), vector_size=100, window=5, min_count=5, sample=1e-3,
                     sg=int(config["arch"] == "skipgram"), hs=int(hs), negative=0 if hs else 5,
                     epochs=epochs, workers=workers, **{"seed": 1, **extra})  # --extra may set seed
    counts = [model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key]
    return model.wv.index_to_key, counts, model.wv.vectors, None, None


def canonical(words, counts, vectors) -> tuple[list, np.ndarray]:
    """The words by decreasing count, ties by the word itself, and their vectors in that order.

    ``restrict_vocab`` evaluates the first 30,000 words, and each library breaks ties of
    count its own way: on mix8m the two first-30,000 lists differed by 1,246 words and
    the analogy set by 70 questions (9,452 against 9,522). In this order both libraries
    are asked the same questions among the same candidates."""
    order = sorted(range(len(words)), key=lambda i: (-int(counts[i]), words[i]))
    return [words[i] for i in order], np.asarray(vectors)[order]


def evaluate(words, vectors) -> dict:
    """Analogy accuracy (top 30,000 words) and Spearman on WS353 and SimLex-999, by gensim's code."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(list(words), vectors)
    analogy, _ = kv.evaluate_word_analogies(str(DATA / "eval" / "questions-words.txt"), restrict_vocab=30000)
    ws = kv.evaluate_word_pairs(str(DATA / "eval" / "wordsim353.tsv"))[1][0]
    simlex = kv.evaluate_word_pairs(str(DATA / "eval" / "simlex999.txt"))[1][0]
    return {"analogy": analogy, "ws353": ws, "simlex": simlex}


def child(args) -> None:
    """Train one library on one configuration and print one JSON line."""
    config = CONFIGS[args.config]
    trainer = train_wordvec if args.library == "wordvec" else train_gensim
    extra = json.loads(args.extra)
    stop, split = threading.Event(), {}
    sampler = threading.Thread(target=_sample_memory, args=(stop, split), daemon=True)
    sampler.start()
    start = time.perf_counter()
    words, counts, vectors, losses, training = trainer(str(args.corpus), config, args.workers, args.epochs, extra)
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before evaluation
    words, vectors = canonical(words, counts, vectors)  # a copy of the vectors: after the peak is read
    result = {"seconds": seconds, "training": training, "peak_mb": peak_mb, "vocab": len(words), "losses": losses,
              "private_mb": split.get("RssAnon", 0) / 1024, "file_mb": split.get("RssFile", 0) / 1024,
              **evaluate(words, vectors)}
    print(json.dumps(result))


def _sample_memory(stop: threading.Event, split: dict) -> None:
    """Until ``stop``: every 20 ms, keep in ``split`` the /proc/self/status fields (kB) of the highest
    VmRSS seen; nothing where there is no /proc."""
    while not stop.wait(0.02):
        try:
            with open("/proc/self/status") as f:
                fields = {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in f)
                          if k in ("VmRSS", "RssAnon", "RssFile")}
        except (OSError, ValueError, IndexError):
            return
        if fields.get("VmRSS", 0) > split.get("VmRSS", 0):
            split.update(fields)


def run_child(library: str, config: str, args, workers: int, cache: str | None = None) -> dict:
    """One child's result; ``cache``: numba's cache directory for it (an empty one compiles afresh).
    With it, the cores' handoff latency (``handoff.py``) just before and just after the child."""
    from handoff import handoff_ns

    cmd = [sys.executable, __file__, "--child", library, "--config", config, "--corpus", str(args.corpus),
           "--workers", str(workers), "--epochs", str(args.epochs),
           "--extra", args.wordvec_extra if library == "wordvec" else "{}"]
    before = handoff_ns()
    result = run_json(cmd, dict(os.environ, **({"NUMBA_CACHE_DIR": cache} if cache else {})), f"{library} {config}")
    return {**result, "handoff": (before, handoff_ns())}


def run_json(cmd: list[str], env: dict, what: str) -> dict:
    """The JSON line a child process prints last; exits naming ``what`` if the child failed."""
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{what} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--configs", default="sg-ns,cbow-ns,sg-hs,cbow-hs")
    parser.add_argument("--workers", default="2", help="threads, or a comma-separated sweep such as 1,2,4,8,16")
    parser.add_argument("--gensim-workers", default=None, help="the thread counts of the sweep at which gensim "
                        "runs too (default: all of them)")
    parser.add_argument("--first-run", action="store_true", help="also time wordvec with an empty numba cache "
                        "(compiling every kernel, as a package without its precompiled cache would), then again "
                        "with the cache it wrote; benchmarks/first_run.py times a real fresh install")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=1, help="pairs of runs per setting, alternating which "
                        "library goes first; prints the median of the pairs' ratios")
    parser.add_argument("--tokens", type=int, default=None, help="tokens in the corpus, for words/s "
                        "(default: counted once)")
    parser.add_argument("--wordvec-extra", default="{}", help="JSON of extra Word2Vec arguments")
    parser.add_argument("--child", choices=["wordvec", "gensim"], help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--extra", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.library, args.workers = args.child, int(args.workers)
        return child(args)
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} is absent; the benchmark needs ../shared/data")
    tokens = args.tokens or _count_tokens(args.corpus)
    sweep = [int(w) for w in args.workers.split(",")]
    peer_at = [int(w) for w in args.gensim_workers.split(",")] if args.gensim_workers else sweep
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores; corpus {args.corpus.name}: {tokens:,} tokens; "
          f"dim 100, window 5, negative 5, min_count 5, sample 1e-3, {args.epochs} epochs, threads {args.workers}; "
          f"wordvec extra {args.wordvec_extra}")
    print("| config | threads | library | wall s | words/s | peak RSS MB (private + file) | analogy | WS353 | SimLex "
          "| loss per epoch |")
    print("|---" * 10 + "|")
    for config in args.configs.split(","):
        if args.first_run:
            _first_run(config, args, sweep[-1])
        alone = {}
        for workers in sweep:
            libraries = ("wordvec", "gensim") if workers in peer_at else ("wordvec",)
            ratios = []
            for rep in range(args.repeat):  # alternate who goes first: the machine drifts
                order = libraries if rep % 2 == 0 else libraries[::-1]
                results = {lib: run_child(lib, config, args, workers) for lib in order}
                ratio = _print_rows(config, workers, results, alone, args.epochs * tokens)
                if ratio:
                    ratios.append(ratio)
            if len(ratios) > 1:
                median = statistics.median(ratios)
                print(f"| {config} | {workers} | **median of {len(ratios)} ratios** | **{median:.2f}x** "
                      f"(from {min(ratios):.2f}x to {max(ratios):.2f}x) | | | | | | |", flush=True)


def _print_rows(config: str, workers: int, results: dict, alone: dict, words: int) -> float | None:
    """Print one row per library and the ratio row; returns gensim's time over wordvec's (None without gensim)."""
    for lib, r in results.items():
        alone.setdefault(lib, (workers, r["seconds"]))
        losses = ", ".join(f"{x:.3f}" for x in r["losses"]) if r["losses"] else "-"
        print(f"| {config} | {workers} | {lib} | {r['seconds']:.1f} | {words / r['seconds']:,.0f} | "
              f"{r['peak_mb']:.0f}{_split(r)} | {r['analogy']:.4f} | {r['ws353']:.4f} | {r['simlex']:.4f} | {losses} |")
    for lib, r in results.items():  # what of a run is not the epochs: imports, scan, tables, weights
        if r.get("training"):
            print(f"| {config} | {workers} | {lib}'s time | {r['training']:.1f} s training, "
                  f"{r['seconds'] - r['training']:.1f} s the rest | | | | | | |")
    cores = ", ".join(f"{lib} {r['handoff'][0]:.0f} / {r['handoff'][1]:.0f} ns" for lib, r in results.items())
    print(f"| {config} | {workers} | cores' handoff, before / after | {cores} | | | | | | |")
    own = "".join(f"; {lib} {alone[lib][1] / r['seconds']:.2f}x over its {alone[lib][0]} thread(s)"
                  for lib, r in results.items() if alone[lib][0] != workers)
    if "gensim" not in results:
        if own:
            print(f"| {config} | {workers} | wordvec alone | {own[2:]} | | | | | | |", flush=True)
        return None
    w, g = results["wordvec"], results["gensim"]
    print(f"| {config} | {workers} | **ratio** | **{g['seconds'] / w['seconds']:.2f}x faster**{own} | | "
          f"{w['peak_mb'] / g['peak_mb']:.2f} | {w['analogy'] - g['analogy']:+.4f} | "
          f"{w['ws353'] - g['ws353']:+.4f} | {w['simlex'] - g['simlex']:+.4f} | |", flush=True)
    return g["seconds"] / w["seconds"]


def _split(result: dict) -> str:
    """The sampled peak's private and file-backed MB as " (P + F)"; empty where it was not sampled."""
    if not result.get("private_mb"):
        return ""
    return f" ({result['private_mb']:.0f} + {result['file_mb']:.0f})"


def _first_run(config: str, args, workers: int) -> None:
    """wordvec with an empty numba cache (compiling every kernel), then with the cache it wrote."""
    with tempfile.TemporaryDirectory() as cache:
        first = run_child("wordvec", config, args, workers, cache)
        second = run_child("wordvec", config, args, workers, cache)
    print(f"| {config} | {workers} | wordvec, first run (empty numba cache) | {first['seconds']:.1f} | | "
          f"{first['peak_mb']:.0f} | | | | compiling cost {first['seconds'] - second['seconds']:.1f} s |")
    print(f"| {config} | {workers} | wordvec, second run (its cache) | {second['seconds']:.1f} | | "
          f"{second['peak_mb']:.0f} | | | | |", flush=True)


def _count_tokens(path: Path) -> int:
    import gzip

    with (gzip.open if path.suffix == ".gz" else open)(path, "rt", encoding="utf-8") as f:
        return sum(len(line.split()) for line in f)


if __name__ == "__main__":
    main()
