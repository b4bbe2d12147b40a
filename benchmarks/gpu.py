"""wordvec on one GPU against wordvec and gensim on every CPU core, in one run.

On mix8m (5 epochs, dim 100, window 5, negative 5, sample 1e-3): the wall time
of the whole ``fit`` (scan included, kernels compiled beforehand), the training
rate in raw words/s, and analogy, WS353 and SimLex (gensim's evaluation code,
as benchmarks/vs_gensim.py). Then the throughput on a corpus ten times larger
(mix8m written ten times, one epoch). The CPU rows come from vs_gensim.py's
children, so each library runs in its own process.

    python benchmarks/gpu.py                        # GPU, then CPU and gensim on every core
    python benchmarks/gpu.py --skip-cpu --configs sg-ns
    python benchmarks/gpu.py --sweep                # the register kernel's training rate, its sigmoid in float64
                                                    # (before 2026-11-27) against float32 (now)
    python benchmarks/gpu.py --streamed             # quality with one chunk an epoch or many; 10 and 20 epochs

Needs numba-cuda and a GPU (``pip install 'wordvec[cuda]'``), and gensim for the CPU rows.
"""

from __future__ import annotations

import argparse
import gzip
import math
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
from numba import cuda  # noqa: E402
from vs_gensim import CONFIGS, DATA, evaluate  # noqa: E402

from wordvec import Word2Vec  # noqa: E402


def gpu_fit(corpus: Path, config: dict, epochs: int, **extra) -> tuple[float, Word2Vec]:
    start = time.perf_counter()
    model = Word2Vec(vector_size=100, window=5, negative=5, min_count=5, sample=1e-3, epochs=epochs, device="cuda",
                     progress=False, **config, **extra).fit(corpus)
    return time.perf_counter() - start, model


def first_lines(corpus: Path, path: Path, lines: int = 2000) -> Path:
    """The first ``lines`` lines of ``corpus`` in ``path``: a fit that compiles the kernel."""
    with gzip.open(corpus, "rt") as f:
        path.write_text("".join(next(f) for _ in range(lines)))
    return path


@cuda.jit(device=True)
def float64_sigmoid(x):
    """The sigmoid before 2026-11-27: its float64 literals made sigma(x) float64, and with it every
    coefficient and update of the window's loop (with conversions from and to float32)."""
    if x >= 0:
        e = math.exp(-x)
        return -math.log1p(e), 1.0 / (1.0 + e)
    e = math.exp(x)
    return x - math.log1p(e), e / (1.0 + e)


def sweep(corpus: Path, configs: list[str]) -> None:
    """Training words/s of each variant of the negative-sampling kernel, twice, on ``corpus`` (3 epochs)."""
    from wordvec.engine.cuda import negative

    current = negative._log_sigmoid_and_sigmoid
    variants = [("registers, float64 sigmoid (before)", float64_sigmoid),
                ("registers, float32 sigmoid without a branch (now)", current)]
    print("| config | kernel | training words/s, two runs | loss per epoch |\n|---|---|---|---|", flush=True)
    for name in configs:
        for label, sigmoid in variants:
            negative._log_sigmoid_and_sigmoid = sigmoid
            negative.negative_kernel.cache_clear()
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    gpu_fit(first_lines(corpus, Path(tmp) / "warm.txt"), CONFIGS[name], 1)  # compiles
                runs = [gpu_fit(corpus, CONFIGS[name], 3)[1] for _ in range(2)]
            except Exception as exc:  # a diverged run is a row too
                print(f"| {name} | {label} | {type(exc).__name__}: {exc} | |", flush=True)
                continue
            print(f"| {name} | {label} | {', '.join(f'{m.words_per_second_:,.0f}' for m in runs)} | "
                  f"{', '.join(f'{x:.3f}' for x in runs[-1].loss_history_)} |", flush=True)
    negative._log_sigmoid_and_sigmoid = current
    negative.negative_kernel.cache_clear()


def streamed(corpus: Path) -> None:
    """Quality when the corpus reaches the card in one chunk an epoch or in many, and after more epochs."""
    runs = [("sg-ns", 5, 1 << 24, seed) for seed in (1, 2)] + [("sg-ns", 5, 1 << 20, seed) for seed in (1, 2)] + \
        [("sg-ns", 5, 1 << 16, seed) for seed in (1, 2)] + \
        [(name, epochs, 1 << 20, 1) for name in ("sg-ns", "cbow-ns") for epochs in (10, 20)]
    print("| config | epochs | chunk_words | chunks an epoch | seed | fit wall s | words/s | analogy | WS353 | SimLex |")
    print("|---" * 10 + "|", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        small = first_lines(corpus, Path(tmp) / "warm.txt")
        for name in ("sg-ns", "cbow-ns"):
            gpu_fit(small, CONFIGS[name], 1)  # compiles the kernel
    for name, epochs, chunk, seed in runs:
        seconds, model = gpu_fit(corpus, CONFIGS[name], epochs, chunk_words=chunk, seed=seed)
        q = evaluate(model.wv.words, model.wv.vectors)
        chunks = -(-8_752_426 // chunk) if corpus.name == "mix8m.txt.gz" else "?"
        print(f"| {name} | {epochs} | {chunk:,} | {chunks} | {seed} | {seconds:.2f} | {model.words_per_second_:,.0f} | "
              f"{q['analogy']:.4f} | {q['ws353']:.4f} | {q['simlex']:.4f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DATA / "corpus" / "mix8m.txt.gz")
    parser.add_argument("--configs", default="sg-ns,cbow-ns,sg-hs,cbow-hs")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--copies", type=int, default=10, help="copies of the corpus in the throughput run")
    parser.add_argument("--skip-cpu", action="store_true", help="no CPU rows (wordvec and gensim on every core)")
    parser.add_argument("--sweep", action="store_true", help="only the kernels' training rates, 3 epochs each")
    parser.add_argument("--streamed", action="store_true", help="only the quality rows of chunk sizes and epochs")
    args = parser.parse_args()
    if args.sweep:
        return sweep(args.corpus, args.configs.split(","))
    if args.streamed:
        return streamed(args.corpus)

    card = cuda.get_current_device().name
    card = card.decode() if isinstance(card, bytes) else card
    print(f"# {time.strftime('%Y-%m-%d')}, {card}, {os.cpu_count()} CPU cores; {args.corpus.name}, dim 100, "
          f"window 5, negative 5, min_count 5, sample 1e-3, {args.epochs} epochs")
    print("| config | where | fit wall s | training words/s | analogy | WS353 | SimLex | loss per epoch |")
    print("|---" * 8 + "|", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        small = first_lines(args.corpus, Path(tmp) / "warm.txt")
        for name in args.configs.split(","):
            gpu_fit(small, CONFIGS[name], 1)  # compiles the kernel
            try:
                seconds, model = gpu_fit(args.corpus, CONFIGS[name], args.epochs)
            except Exception as exc:  # a diverged run is a row too
                print(f"| {name} | GPU | {type(exc).__name__}: {exc} | | | | | |", flush=True)
                continue
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
