"""Data-parallel training over MPI against one process, on the same corpus and settings.

Runs ``Word2Vec`` as 1 process x T threads (``--repeats`` times, for the run-to-run
spread of quality) and as N ranks x T/N threads under ``mpiexec`` (same total
threads, same epochs), each in its own processes, and prints wall time, training
words/s (all ranks together) and its ratio to the single process's (best of the
repeats), and analogy, WS353, SimLex (gensim's evaluation code, as vs_gensim.py).
With ``--per-rank`` every rank gets T threads (weak scaling: N ranks use N x T cores).

    python benchmarks/distributed.py --ranks 2 --threads 2          # on 2 cores (a .gz is unpacked first)
    python benchmarks/distributed.py --ranks 2,4,8 --threads 2 --per-rank --sync-words 262144,1048576
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vs_gensim import DATA, run_json  # noqa: E402

CHILD = """
import json, sys, time
sys.path.insert(0, {bench!r})
from vs_gensim import evaluate
from wordvec import Word2Vec
corpus, threads, epochs, sync, distributed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
start = time.perf_counter()
model = Word2Vec(vector_size=100, window=5, negative=5, min_count=5, sample=1e-3, epochs=epochs, workers=threads,
                 distributed=distributed, sync_words=sync, progress=False).fit(corpus)
seconds = time.perf_counter() - start
rank = 0
if distributed:
    from mpi4py import MPI
    rank = MPI.COMM_WORLD.Get_rank()
    words = MPI.COMM_WORLD.allreduce(model.words_per_second_)
else:
    words = model.words_per_second_
if rank == 0:
    print(json.dumps({{"seconds": seconds, "words_per_second": words, **evaluate(model.wv.words, model.wv.vectors)}}))
"""


def run(corpus: Path, ranks: int, threads: int, epochs: int, sync: int) -> dict:
    code = CHILD.format(bench=str(Path(__file__).resolve().parent))
    cmd = [sys.executable, "-c", code, str(corpus), str(threads), str(epochs), str(sync), str(int(ranks > 1))]
    if ranks > 1:
        mpiexec = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or "mpiexec"
        cmd = [mpiexec, "-n", str(ranks), *cmd]
    path = os.pathsep.join(filter(None, (str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH"))))
    try:
        result = run_json(cmd, {**os.environ, "PYTHONPATH": path}, f"{ranks} rank(s)")
    except SystemExit as failed:  # a run that diverges is a result too: the next ones still run
        lines = [x for x in str(failed.code).splitlines() if x.startswith("wordvec:")] or [str(failed.code)[-300:]]
        result = {"failed": lines[0]}
    print(f"# {ranks} x {threads}, sync_words {sync}: {result}", flush=True)  # kept should a later run fail
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--ranks", default="2")
    parser.add_argument("--threads", type=int, default=2, help="threads in all (divided among the ranks)")
    parser.add_argument("--per-rank", action="store_true", help="--threads threads on every rank")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--sync-words", default="262144")
    parser.add_argument("--repeats", type=int, default=2, help="single-process runs, for the spread")
    args = parser.parse_args()
    if args.corpus.suffix == ".gz":  # a compressed file goes whole to one rank: every run reads it uncompressed
        plain = Path(tempfile.mkdtemp()) / args.corpus.stem
        with gzip.open(args.corpus, "rb") as f, open(plain, "wb") as out:
            shutil.copyfileobj(f, out)
        args.corpus = plain
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {args.corpus.name}, SG-NS dim 100, window 5, "
          f"negative 5, {args.epochs} epochs, {args.threads} threads {'a rank' if args.per_rank else 'in all'}")
    print("| ranks x threads | sync_words | wall s | words/s | x one process | analogy | WS353 | SimLex |")
    print("|---" * 8 + "|", flush=True)
    runs = [("1", "-", run(args.corpus, 1, args.threads, args.epochs, 1 << 20)) for _ in range(args.repeats)]
    for ranks in (int(r) for r in args.ranks.split(",")):
        for sync in (int(s) for s in args.sync_words.split(",")):
            per = args.threads if args.per_rank else max(1, args.threads // ranks)
            runs.append((str(ranks), sync, run(args.corpus, ranks, per, args.epochs, sync)))
    single = max(r["words_per_second"] for ranks, _, r in runs if ranks == "1" and "failed" not in r)
    for ranks, sync, r in runs:
        per = args.threads if args.per_rank else max(1, args.threads // int(ranks))
        if "failed" in r:
            print(f"| {ranks} x {per} | {sync} | failed: {r['failed']} |||||")
            continue
        print(f"| {ranks} x {per} | {sync} | {r['seconds']:.1f} | {r['words_per_second']:,.0f} | "
              f"{r['words_per_second'] / single:.2f}x | {r['analogy']:.4f} | {r['ws353']:.4f} | {r['simlex']:.4f} |")


if __name__ == "__main__":
    main()
