"""Commands that learn: ``train`` (and ``--init`` to continue), ``phrases``, ``demo``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from wordvec import params
from wordvec.cli.common import logger, positive_int
from wordvec.cli.vectors import print_evaluation
from wordvec.errors import WordvecError
from wordvec.io.atomic import check_writable
from wordvec.io.paths import regular_file


def add_train(subparsers) -> None:
    p = subparsers.add_parser("train", help="train vectors on a corpus",
                              description="Train word2vec on CORPUS (a text file, .gz/.bz2/.xz, or a directory) "
                              "and save the model (.npz) or its vectors (.bin, .txt, .vec: word2vec format). "
                              "The options are those of wordvec.Word2Vec.")
    p.add_argument("corpus", help="a text file (.gz, .bz2, .xz too) or a directory of them, one sentence a line")
    p.add_argument("-o", "--output", required=True, metavar="MODEL",
                   help="the model (.npz or no suffix) or its vectors (.bin, .txt, .vec)")
    params.add_cli_flags(p)
    p.add_argument("--resume", action="store_true", help="continue from the newest checkpoint in --checkpoint-dir")
    p.add_argument("--init", metavar="MODEL", help="continue training this saved model (.npz) on CORPUS: its "
                   "vocabulary grows by CORPUS's new words; its settings are kept except "
                   + ", ".join(("--no-" if params.PARAMS[n].default is True else "--") + n.replace("_", "-")
                               for n in _CONTINUE_FLAGS))
    p.set_defaults(run=run_train)


_CONTINUE_FLAGS = ("epochs", "workers", "alpha", "min_alpha", "sample", "min_count", "seed", "progress")


def _continued_model(args: argparse.Namespace):
    """The model of ``--init``, with the options given that continued training may change."""
    from wordvec.training.word2vec import Word2Vec

    if args.resume or args.checkpoint_dir:
        raise WordvecError("--init continues a saved model and writes no checkpoints: drop --resume and --checkpoint-dir")
    model = Word2Vec.load(regular_file(args.init, "model file"))
    for name, p in params.PARAMS.items():
        value = getattr(args, name, p.default)
        if not p.flag or value == p.default or value == getattr(model, name):
            continue
        if name not in _CONTINUE_FLAGS:
            raise WordvecError(f"--{name.replace('_', '-')} {value}: {args.init} was trained with "
                               f"{name}={getattr(model, name)!r}, which continued training keeps")
        setattr(model, name, value)
    return model


def run_train(args: argparse.Namespace) -> int:
    """``wordvec train``: fit Word2Vec on a corpus and save the model or its vectors."""
    from wordvec.training.distributed import writes_outputs
    from wordvec.training.word2vec import Word2Vec

    if args.resume and not args.checkpoint_dir:
        raise WordvecError("--resume needs --checkpoint-dir")
    check_writable(args.output)  # before hours of training, not after
    if args.init:
        model = _continued_model(args).partial_fit(args.corpus)
    else:
        model = Word2Vec(**{name: getattr(args, name) for name, p in params.PARAMS.items() if p.flag})
        model.fit(args.corpus, resume=args.resume)
    if not writes_outputs(model.distributed):
        return 0  # under MPI, rank 0 writes
    _save_model(model, args.output)
    print(f"trained {len(model.wv)} words, loss per epoch {', '.join(f'{x:.4f}' for x in model.loss_history_)}; "
          f"wrote {args.output}")
    return 0


def _save_model(model, output: str) -> None:
    """The whole model in the native format (.npz or no known suffix), or its vectors in the
    format the suffix names."""
    from wordvec.io import registry

    fmt = registry.format_of(output)
    if fmt.name == "native" or Path(output).suffix.lower() not in fmt.suffixes:
        model.save(output)
    else:
        fmt.write(model.wv, Path(output))


# phrases


def add_phrases(subparsers) -> None:
    from wordvec.text.phrases import Phrases

    d = Phrases()
    p = subparsers.add_parser("phrases", help="join frequent word pairs into phrases (new_york)",
                              description="Find phrases in CORPUS (word2phrase, gensim's Phrases) and write the "
                              "corpus with each phrase as one token; --passes 2 finds trigrams too.")
    p.add_argument("corpus", help="a text file (.gz, .bz2, .xz too) or a directory of them, one sentence a line")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="the rewritten corpus (gzip-compressed if it ends in .gz)")
    p.add_argument("--min-count", type=positive_int, default=d.min_count,
                   help="ignore or discount rarer candidates (default: %(default)s)")
    p.add_argument("--threshold", type=float, default=None,
                   help="a candidate scoring above it is a phrase (default: 10 for default scoring, 0.5 for npmi)")
    p.add_argument("--scoring", choices=["default", "npmi"], default=d.scoring,
                   help="Mikolov et al.'s score or normalised PMI (default: %(default)s)")
    p.add_argument("--connectors", choices=["english", "none"], default="english",
                   help="words allowed inside a phrase (bank_of_america): gensim's English set, or none "
                   "(default: %(default)s)")
    p.add_argument("--passes", type=positive_int, default=1, help="2 finds trigrams, 3 four-grams (default: %(default)s)")
    p.add_argument("--save-model", metavar="FILE.npz", help="also save the (last pass's) phrase model here")
    p.set_defaults(run=run_phrases)


def run_phrases(args: argparse.Namespace) -> int:
    """``wordvec phrases``: learn phrases and write the corpus with them joined, pass after pass."""
    import contextlib
    import tempfile

    from wordvec.text.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

    check_writable(args.output)
    threshold = args.threshold if args.threshold is not None else (10.0 if args.scoring == "default" else 0.5)
    connectors = ENGLISH_CONNECTOR_WORDS if args.connectors == "english" else ()
    source = args.corpus
    # the passes before the last write beside the output (they may be large), in a directory that says whose
    with tempfile.TemporaryDirectory(dir=Path(args.output).resolve().parent, prefix=".wordvec-phrases-") \
            if args.passes > 1 else contextlib.nullcontext() as tmp:
        for k in range(args.passes):
            model = Phrases(args.min_count, threshold, args.scoring, connectors).fit(source)
            target = args.output if k == args.passes - 1 else Path(tmp) / f"pass{k + 1}.txt"
            lines = model.transform_file(source, target)
            logger.info("pass %d: %d phrases", k + 1, len(model.export_phrases()))
            source = target
    if args.save_model:
        model.save(args.save_model)
    print(f"wrote {lines} lines to {args.output}")
    return 0


# demo


DEMO_WORDS = ("money", "city", "war", "church", "woman", "music")
DEMO_PLOT = ("man", "woman", "boy", "girl", "king", "father", "mother", "son", "daughter",
             "monday", "friday", "sunday", "morning", "night", "dollars", "money", "price", "tax",
             "car", "road", "train", "ship", "city", "town", "village")


def add_demo(subparsers) -> None:
    p = subparsers.add_parser("demo", help="train on the Brown corpus shipped with wordvec, query, evaluate, plot",
                              description="Train skip-gram vectors on the Brown corpus (1M words, shipped "
                              "inside the package; no network), print neighbours, evaluate, and plot.")
    p.add_argument("--out", metavar="DIR", default="wordvec-demo", help="output directory (default: %(default)s)")
    p.add_argument("--epochs", type=positive_int, default=5, help="passes over the corpus (default: %(default)s)")
    p.add_argument("--workers", type=positive_int, default=None,
                   help="training threads (default: every core)")
    p.set_defaults(run=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    """``wordvec demo``: train on the shipped Brown corpus, query, evaluate and plot."""
    from importlib import resources

    from wordvec.training.word2vec import Word2Vec
    from wordvec.vectors import plot

    start = time.perf_counter()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    corpus = Path(str(resources.files("wordvec") / "data" / "brown.txt.xz"))
    model = Word2Vec(vector_size=100, window=5, min_count=5, epochs=args.epochs, workers=args.workers,
                     progress=sys.stderr.isatty()).fit(corpus)
    print(f"trained on the Brown corpus: {model.vocab_.total:,} words of a {len(model.wv):,}-word vocabulary, "
          f"{model.words_per_second_:,.0f} words/s")
    for word in DEMO_WORDS:
        print(f"  {word}: " + ", ".join(w for w, _ in model.wv.most_similar(word, topn=8)))
    print_evaluation(model.wv)
    model.save(out / "model.npz")
    words = [w for w in DEMO_PLOT if w in model.wv]
    plot.save(plot.projection(model.wv, words, title="Brown corpus skip-gram vectors (PCA)"), out / "word_vectors.png")
    plot.save(plot.loss_curve(model.loss_history_, "Mean training loss per epoch", xlabel="epoch"),
              out / "loss_history.png")
    print(f"wrote {out / 'model.npz'}, {out / 'word_vectors.png'} and {out / 'loss_history.png'} "
          f"in {time.perf_counter() - start:.1f} s")
    return 0
