"""Data-parallel training over MPI against one process, on the same corpus and settings.

Runs ``Word2Vec`` as 1 process x T threads (``--repeats`` times, for the run-to-run
spread of quality) and as N ranks x T/N threads under ``mpiexec`` (same total
threads, same epochs), each in its own processes, and prints wall time, training
words/s (all ranks together) and its ratio to the single process's (best of the
repeats), and analogy, WS353, SimLex (gensim's evaluation code, as vs_gensim.py).
With ``--per-rank`` every rank gets T threads (weak scaling: N ranks use N x T cores).
``--alone`` runs instead N processes of T threads at once, each training its own 1/N of the
corpus and never communicating: their words/s together over one process's is what the
machine itself allows N ranks (its cores' shared caches and memory), the ceiling of their speed-up.

    python benchmarks/distributed.py --ranks 2 --threads 2          # on 2 cores (a .gz is unpacked first)
    python benchmarks/distributed.py --ranks 2,4,8 --threads 2 --per-rank --sync-words 262144,1048576
    python benchmarks/distributed.py --ranks 2,4,8 --threads 2 --alone
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vs_gensim import DATA, run_json  # noqa: E402

CHILD = """
import json, logging, re, sys, time
sys.path.insert(0, {bench!r})
from vs_gensim import evaluate
from wordvec import Word2Vec
import wordvec.training.distributed as dist
corpus, threads, epochs, sync, distributed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
dist.HOT_EXCHANGES = int(sys.argv[6]) or dist.HOT_EXCHANGES
seed = {{}} if sys.argv[7] == "-" else {{"seed": int(sys.argv[7])}}  # "-": the default seed
quality = len(sys.argv) < 9  # --alone's processes report words/s only
said = []  # rank 0's log: the seconds each epoch spent draining and exchanging
handler = logging.Handler()
handler.emit = lambda record: said.append(record.getMessage())
logging.getLogger("wordvec").addHandler(handler)
logging.getLogger("wordvec").setLevel(logging.INFO)
start = time.perf_counter()
model = Word2Vec(vector_size=100, window=5, negative=5, min_count=5, sample=1e-3, epochs=epochs, workers=threads,
                 distributed=distributed, sync_words=sync, progress=False, **seed).fit(corpus)
seconds = time.perf_counter() - start
rank = 0
if distributed:
    from mpi4py import MPI
    rank = MPI.COMM_WORLD.Get_rank()
    words = MPI.COMM_WORLD.allreduce(model.words_per_second_)
else:
    words = model.words_per_second_
if rank == 0:
    spent = re.findall(r"([0-9.]+) s waiting for the chunks in flight before the whole exchanges, ([0-9.]+) s in", "\\n".join(said))
    print(json.dumps({{"seconds": seconds, "words_per_second": words, "draining": sum(float(d) for d, _ in spent),
                      "exchanging": sum(float(e) for _, e in spent),
                      **(evaluate(model.wv.words, model.wv.vectors) if quality else {{}})}}))
"""


def run(corpus: Path, ranks: int, threads: int, epochs: int, sync: int, hot: int = 0, seed: str = "-") -> dict:
    """One run of ``ranks`` ranks (1: a single process); ``hot``: HOT_EXCHANGES for it (0: the default);
    ``seed``: Word2Vec's (``-``: its default)."""
    code = CHILD.format(bench=str(Path(__file__).resolve().parent))
    cmd = [sys.executable, "-c", code, str(corpus), str(threads), str(epochs), str(sync), str(int(ranks > 1)), str(hot), seed]
    if ranks > 1:
        mpiexec = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or "mpiexec"
        cmd = [mpiexec, "-n", str(ranks), *cmd]
    path = os.pathsep.join(filter(None, (str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH"))))
    try:
        result = run_json(cmd, {**os.environ, "PYTHONPATH": path}, f"{ranks} rank(s)")
    except SystemExit as failed:  # a run that diverges is a result too: the next ones still run
        lines = [x for x in str(failed.code).splitlines() if x.startswith("wordvec:")] or [str(failed.code)[-300:]]
        result = {"failed": lines[0]}
    print(f"# {ranks} x {threads}, sync_words {sync}, hot exchanges {hot or 'default'}, seed {seed}: {result}",
          flush=True)  # kept should a later run fail
    return result


def alone(corpus: Path, processes: int, threads: int, epochs: int) -> dict:
    """``processes`` fits at once, each of ``threads`` threads on its own 1/N of ``corpus``'s lines,
    never communicating: their words/s summed, and the slowest one's wall time."""
    lines = corpus.read_bytes().splitlines(keepends=True)
    parts = []
    for k in range(processes):
        part = corpus.with_name(f"{corpus.name}.{processes}.{k}")
        part.write_bytes(b"".join(lines[k * len(lines) // processes:(k + 1) * len(lines) // processes]))
        parts.append(part)
    code = CHILD.format(bench=str(Path(__file__).resolve().parent))
    path = os.pathsep.join(filter(None, (str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH"))))
    children = [subprocess.Popen([sys.executable, "-c", code, str(part), str(threads), str(epochs), str(1 << 20), "0",
                                  "0", "-", "alone"],
                                 stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": path})
                for part in parts]
    outputs = [child.communicate()[0] for child in children]
    if any(child.returncode for child in children):
        sys.exit(f"a process of {processes} alone failed (exit codes {[c.returncode for c in children]})")
    results = [json.loads(out.strip().splitlines()[-1]) for out in outputs]
    for part in parts:
        part.unlink()
    result = {"seconds": max(r["seconds"] for r in results),
              "words_per_second": sum(r["words_per_second"] for r in results)}
    print(f"# {processes} x {threads} alone: {result}", flush=True)
    return result


def main_alone(args) -> None:
    """The ceiling: N processes that never communicate, against one."""
    print("| processes x threads | slowest wall s | words/s, all together | x one process |")
    print("|---" * 4 + "|", flush=True)
    counts = [1, *(int(r) for r in args.ranks.split(","))]
    runs = [(n, alone(args.corpus, n, args.threads, args.epochs)) for n in counts]
    for n, r in runs:
        print(f"| {n} x {args.threads} | {r['seconds']:.1f} | {r['words_per_second']:,.0f} | "
              f"{r['words_per_second'] / runs[0][1]['words_per_second']:.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--ranks", default="2")
    parser.add_argument("--threads", type=int, default=2, help="threads in all (divided among the ranks)")
    parser.add_argument("--per-rank", action="store_true", help="--threads threads on every rank")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--sync-words", default="262144")
    parser.add_argument("--repeats", type=int, default=2, help="single-process runs, for the spread")
    parser.add_argument("--hot-exchanges", default="0", help="from 3 ranks on, the hot rows' exchanges per whole "
                        "one (distributed.HOT_EXCHANGES), a comma-separated sweep; 0: the default")
    parser.add_argument("--seeds", default="-", help="Word2Vec's seeds, a comma-separated list: every run once per "
                        "seed (2 ranks of 1 thread repeat to the last digit; another seed shows their spread)")
    parser.add_argument("--alone", action="store_true", help="N processes of --threads threads, each on its own "
                        "1/N of the corpus, never communicating: the machine's ceiling for N ranks")
    args = parser.parse_args()
    if args.corpus.suffix == ".gz":  # a compressed file goes whole to one rank: every run reads it uncompressed
        plain = Path(tempfile.mkdtemp()) / args.corpus.stem
        with gzip.open(args.corpus, "rb") as f, open(plain, "wb") as out:
            shutil.copyfileobj(f, out)
        args.corpus = plain
    each = "a rank" if args.per_rank or args.alone else "in all"
    print(f"# {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {args.corpus.name}, SG-NS dim 100, window 5, "
          f"negative 5, {args.epochs} epochs, {args.threads} threads {each}")
    if args.alone:
        return main_alone(args)
    print("| ranks x threads | sync_words | hot exchanges | seed | wall s | rank 0 draining / exchanging s | words/s "
          "| x one process | analogy | WS353 | SimLex |")
    print("|---" * 11 + "|", flush=True)
    seeds = args.seeds.split(",")
    runs = [("1", "-", "-", seed, run(args.corpus, 1, args.threads, args.epochs, 1 << 20, seed=seed))
            for seed in seeds for _ in range(args.repeats)]
    for ranks in (int(r) for r in args.ranks.split(",")):
        for sync in (int(s) for s in args.sync_words.split(",")):
            for hot in (int(h) for h in args.hot_exchanges.split(",")):
                per = args.threads if args.per_rank else max(1, args.threads // ranks)
                runs += [(str(ranks), sync, hot or "default", seed, run(args.corpus, ranks, per, args.epochs, sync, hot,
                                                                         seed)) for seed in seeds]
    single = max((r["words_per_second"] for ranks, _, _, _, r in runs if ranks == "1" and "failed" not in r),
                 default=0)
    for ranks, sync, hot, seed, r in runs:
        per = args.threads if args.per_rank else max(1, args.threads // int(ranks))
        if "failed" in r:
            print(f"| {ranks} x {per} | {sync} | {hot} | {seed} | failed: {r['failed']} |||||||")
            continue
        ratio = f"{r['words_per_second'] / single:.2f}x" if single else "-"  # --repeats 0: no single process
        print(f"| {ranks} x {per} | {sync} | {hot} | {seed} | {r['seconds']:.1f} | {r['draining']:.1f} / {r['exchanging']:.1f} | "
              f"{r['words_per_second']:,.0f} | {ratio} | {r['analogy']:.4f} | "
              f"{r['ws353']:.4f} | {r['simlex']:.4f} |")


if __name__ == "__main__":
    main()
