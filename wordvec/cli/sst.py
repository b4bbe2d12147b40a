"""``wordvec sst``: the classic Stanford Sentiment Treebank experiment."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from wordvec.cli.common import logger, positive_float, positive_int
from wordvec.errors import WordvecError


def add_sst(subparsers) -> None:
    from wordvec.experiments.sst.experiment import SSTConfig

    d = SSTConfig()
    p = subparsers.add_parser(
        "sst", help="the classic experiment: skip-gram vectors on the Stanford Sentiment Treebank",
        description="Train 10-dimensional skip-gram vectors with negative sampling on the "
        "Stanford Sentiment Treebank and plot word clusters.")
    p.add_argument("--data", metavar="DIR", help="directory holding datasetSentences.txt "
                   "(default: the cache $WORDVEC_DATA or ~/.cache/wordvec, downloaded if missing)")
    p.add_argument("--out", metavar="DIR", default="sst-output", help="output directory (default: %(default)s)")
    p.add_argument("--dim", type=positive_int, default=d.dim, help="vector size (default: %(default)s)")
    p.add_argument("--context", type=positive_int, default=d.context, help="context size C (default: %(default)s)")
    p.add_argument("--negatives", type=positive_int, default=d.negatives, help="negative samples K (default: %(default)s)")
    p.add_argument("--batch-size", type=positive_int, default=d.batch_size, help="windows per minibatch (default: %(default)s)")
    p.add_argument("--step", type=positive_float, default=d.step, help="initial SGD step (default: %(default)s)")
    p.add_argument("--anneal-every", type=positive_int, default=d.anneal_every, help="halve the step every N iterations (default: %(default)s)")
    p.add_argument("--iterations", type=positive_int, default=d.iterations, help="SGD iterations (default: %(default)s)")
    p.add_argument("--seed", type=int, default=d.seed, help="random seed (default: %(default)s)")
    p.add_argument("--checkpoint-every", type=positive_int, default=5000, help="checkpoint every N iterations (default: %(default)s)")
    p.add_argument("--resume", action="store_true", help="continue from the newest checkpoint in OUT/checkpoints")
    p.add_argument("--exact", action="store_true", help="use the numpy reference maths (slow; for teaching, with a small --iterations)")
    p.add_argument("--print-every", type=positive_int, default=1000, help="print the smoothed loss every N iterations (default: %(default)s)")
    p.set_defaults(run=run_sst)


def run_sst(args: argparse.Namespace) -> int:
    """``wordvec sst``: the classic experiment; writes its two pictures and prints the final loss."""
    from wordvec.experiments.sst.data import load_sst
    from wordvec.experiments.sst.experiment import PLOT_WORDS, SSTConfig, train_sst
    from wordvec.vectors import plot

    start = time.perf_counter()
    out = Path(args.out)
    sentences = load_sst(args.data)
    config = SSTConfig(dim=args.dim, context=args.context, negatives=args.negatives,
                       batch_size=args.batch_size, step=args.step, anneal_every=args.anneal_every,
                       iterations=args.iterations, seed=args.seed)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WordvecError(f"cannot create output directory {out}: {exc.strerror}") from None
    result = train_sst(sentences, config, exact=args.exact, checkpoint_dir=out / "checkpoints",
                       checkpoint_every=args.checkpoint_every, resume=args.resume,
                       progress=lambda it, loss: print(f"iteration {it}: smoothed loss {loss:.4f}")
                       if it % args.print_every == 0 else None)
    missing = [w for w in PLOT_WORDS if w not in result.vocab]
    if missing:
        logger.warning("not in the vocabulary, left out of the plot: %s", ", ".join(missing))
    words = [w for w in PLOT_WORDS if w in result.vocab]
    if len(words) >= 2:
        idx = [result.vocab.index[w] for w in words]
        both = np.hstack([result.center_vectors[idx], result.outside_vectors[idx]])  # (n, 2 dim)
        title = "SST skip-gram vectors (center and outside), SVD projection"
        plot.save(plot.word_scatter(words, plot.svd_projection(both), title), out / "word_vectors.png")
    else:
        logger.warning("fewer than two plot words in the vocabulary; no word_vectors.png")
    plot.save(plot.loss_curve(result.sgd.loss_history, "Smoothed training loss"), out / "loss_history.png")
    print(f"final smoothed loss: {result.sgd.final_loss:.6f}")
    print(f"wrote {out / 'word_vectors.png'} and {out / 'loss_history.png'} "
          f"in {time.perf_counter() - start:.1f} s")
    return 0
