"""wordvec on one GPU against wordvec and gensim on every CPU core, in one run.

On mix8m (5 epochs, dim 100, window 5, negative 5, sample 1e-3): the wall time
of the whole ``fit`` (scan included, kernels compiled beforehand), the training
rate in raw words/s, and analogy, WS353 and SimLex (gensim's evaluation code,
as benchmarks/vs_gensim.py). Then the throughput on a corpus ten times larger
(mix8m written ten times, one epoch). The CPU rows come from vs_gensim.py's
children, so each library runs in its own process.

    python benchmarks/gpu.py                        # GPU, then CPU and gensim on every core
    python benchmarks/gpu.py --skip-cpu --configs sg-ns

Needs numba-cuda and a GPU (``pip install 'wordvec[cuda]'``), and gensim for the CPU rows.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

if not hasattr(np, "row_stack"):  # numba-cuda 0.30 still calls np.row_stack, which numpy 2.5 removed
    np.row_stack = np.vstack

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vs_gensim import CONFIGS, DATA, evaluate  # noqa: E402

from wordvec import Word2Vec  # noqa: E402


def gpu_fit(corpus: Path, config: dict, epochs: int, **extra) -> tuple[float, Word2Vec]:
    start = time.perf_counter()
    model = Word2Vec(vector_size=100, window=5, negative=5, min_count=5, sample=1e-3, epochs=epochs, device="cuda",
                     progress=False, **config, **extra).fit(corpus)
    return time.perf_counter() - start, model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--configs", default="sg-ns,cbow-ns,sg-hs")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--copies", type=int, default=10, help="copies of the corpus in the throughput run")
    parser.add_argument("--skip-cpu", action="store_true", help="no CPU rows (wordvec and gensim on every core)")
    args = parser.parse_args()
    from numba import cuda

    card = cuda.get_current_device().name
    card = card.decode() if isinstance(card, bytes) else card
    print(f"# {time.strftime('%Y-%m-%d')}, {card}, {os.cpu_count()} CPU cores; {args.corpus.name}, dim 100, "
          f"window 5, negative 5, min_count 5, sample 1e-3, {args.epochs} epochs")
    print("| config | where | fit wall s | training words/s | analogy | WS353 | SimLex | loss per epoch |")
    print("|---" * 8 + "|", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "warm.txt"
        with gzip.open(args.corpus, "rt") as f:
            small.write_text("".join(next(f) for _ in range(2000)))
        for name in args.configs.split(","):
            gpu_fit(small, CONFIGS[name], 1)  # compiles the kernel
            seconds, model = gpu_fit(args.corpus, CONFIGS[name], args.epochs)
            q = evaluate(model.wv.words, model.wv.vectors)
            losses = ", ".join(f"{x:.3f}" for x in model.loss_history_)
            print(f"| {name} | GPU | {seconds:.2f} | {model.words_per_second_:,.0f} | {q['analogy']:.4f} | "
                  f"{q['ws353']:.4f} | {q['simlex']:.4f} | {losses} |", flush=True)
        big = Path(tmp) / "big.txt"
        with gzip.open(args.corpus, "rb") as f, open(big, "wb") as out:
            data = f.read()
            for _ in range(args.copies):
                out.write(data)
        for name in args.configs.split(",")[:2]:
            seconds, model = gpu_fit(big, CONFIGS[name], 1)
            print(f"| {name} | GPU, {args.copies}x corpus, 1 epoch | {seconds:.2f} | {model.words_per_second_:,.0f} "
                  f"| | | | |", flush=True)
    if not args.skip_cpu:
        cpu = [sys.executable, str(Path(__file__).with_name("vs_gensim.py")), "--corpus", str(args.corpus),
               "--configs", ",".join(c for c in args.configs.split(",") if c.endswith("ns")),
               "--workers", str(os.cpu_count()), "--epochs", str(args.epochs)]
        print(f"# the CPU rows: {' '.join(cpu[1:])}", flush=True)
        subprocess.run(cpu, check=False)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
