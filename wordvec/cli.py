"""The ``wordvec`` command line: one function per subcommand.

Exit codes: 0 on success, 2 on a usage error, 1 on a runtime error, reported as
one line on stderr.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np

from wordvec import params
from wordvec.errors import WordvecError
from wordvec.io.atomic import check_writable
from wordvec.io.paths import regular_file
from wordvec.io.streams import end_when_output_pipes_close

logger = logging.getLogger("wordvec")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _add_sst(subparsers) -> None:
    from wordvec.experiments.sst.experiment import SSTConfig

    d = SSTConfig()
    p = subparsers.add_parser(
        "sst", help="the classic experiment: skip-gram vectors on the Stanford Sentiment Treebank",
        description="Train 10-dimensional skip-gram vectors with negative sampling on the "
        "Stanford Sentiment Treebank and plot word clusters.")
    p.add_argument("--data", metavar="DIR", help="directory holding datasetSentences.txt "
                   "(default: the cache $WORDVEC_DATA or ~/.cache/wordvec, downloaded if missing)")
    p.add_argument("--out", metavar="DIR", default="sst-output", help="output directory (default: %(default)s)")
    p.add_argument("--dim", type=_positive_int, default=d.dim, help="vector size (default: %(default)s)")
    p.add_argument("--context", type=_positive_int, default=d.context, help="context size C (default: %(default)s)")
    p.add_argument("--negatives", type=_positive_int, default=d.negatives, help="negative samples K (default: %(default)s)")
    p.add_argument("--batch-size", type=_positive_int, default=d.batch_size, help="windows per minibatch (default: %(default)s)")
    p.add_argument("--step", type=_positive_float, default=d.step, help="initial SGD step (default: %(default)s)")
    p.add_argument("--anneal-every", type=_positive_int, default=d.anneal_every, help="halve the step every N iterations (default: %(default)s)")
    p.add_argument("--iterations", type=_positive_int, default=d.iterations, help="SGD iterations (default: %(default)s)")
    p.add_argument("--seed", type=int, default=d.seed, help="random seed (default: %(default)s)")
    p.add_argument("--checkpoint-every", type=_positive_int, default=5000, help="checkpoint every N iterations (default: %(default)s)")
    p.add_argument("--resume", action="store_true", help="continue from the newest checkpoint in OUT/checkpoints")
    p.add_argument("--exact", action="store_true", help="use the numpy reference maths (slow; for teaching, with a small --iterations)")
    p.add_argument("--print-every", type=_positive_int, default=1000, help="print the smoothed loss every N iterations (default: %(default)s)")
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


# loading vectors by content

_MODEL_HELP = "vectors or a model in any format wordvec reads (native, word2vec binary or text, GloVe)"


def load_vectors(path: str):
    """KeyedVectors from any vector file wordvec reads, told apart by its content."""
    from wordvec.io import registry

    regular_file(path, "model file")
    return registry.load(path)


# train


def _add_train(subparsers) -> None:
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
    from wordvec.training.word2vec import Word2Vec

    if args.resume and not args.checkpoint_dir:
        raise WordvecError("--resume needs --checkpoint-dir")
    check_writable(args.output)  # before hours of training, not after
    if args.init:
        model = _continued_model(args).partial_fit(args.corpus)
    else:
        model = Word2Vec(**{name: getattr(args, name) for name, p in params.PARAMS.items() if p.flag})
        model.fit(args.corpus, resume=args.resume)
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


# queries


def _add_queries(subparsers) -> None:
    p = subparsers.add_parser("similar", help="nearest neighbours of words",
                              description="Print the nearest neighbours of each WORD by cosine similarity.")
    p.add_argument("model", help=_MODEL_HELP)
    p.add_argument("words", nargs="+", metavar="WORD", help="words whose neighbours to print")
    p.add_argument("-n", "--topn", type=_positive_int, default=10, help="neighbours per word (default: %(default)s)")
    p.set_defaults(run=run_similar)
    p = subparsers.add_parser("analogy", help="A is to B as C is to ?",
                              description="Solve the analogy A is to B as C is to ? (3CosAdd or 3CosMul).")
    p.add_argument("model", help=_MODEL_HELP)
    p.add_argument("a", help="A, as 'man'")
    p.add_argument("b", help="B, as 'king'")
    p.add_argument("c", help="C, as 'woman'")
    p.add_argument("-n", "--topn", type=_positive_int, default=5, help="answers to print (default: %(default)s)")
    p.add_argument("--method", choices=["3cosadd", "3cosmul"], default="3cosadd",
                   help="3CosAdd (b - a + c) or 3CosMul (Levy and Goldberg) (default: %(default)s)")
    p.set_defaults(run=run_analogy)


def run_similar(args: argparse.Namespace) -> int:
    """``wordvec similar``: the nearest neighbours of each word."""
    kv = load_vectors(args.model)
    for word in args.words:
        print(f"{word}: " + ", ".join(f"{w} {s:.3f}" for w, s in kv.most_similar(word, topn=args.topn)))
    return 0


def run_analogy(args: argparse.Namespace) -> int:
    """``wordvec analogy``: a is to b as c is to ?"""
    kv = load_vectors(args.model)
    for word, score in kv.analogy(args.a, args.b, args.c, method=args.method, topn=args.topn):
        print(f"{word}\t{score:.4f}")
    return 0


# evaluate


def _add_evaluate(subparsers) -> None:
    p = subparsers.add_parser("evaluate", help="analogy accuracy and word-similarity correlations",
                              description="Evaluate on the Google analogies (per section), WS353 and SimLex-999, "
                              "or on your own files.")
    p.add_argument("model", help=_MODEL_HELP)
    p.add_argument("--analogies", nargs="+", metavar="FILE", help="analogy files (': section' lines, then "
                   "'a b c d' questions) instead of the Google set")
    p.add_argument("--pairs", nargs="+", metavar="FILE", help="word-pair files ('word1<TAB>word2<TAB>score', "
                   "'#' comments) instead of WS353 and SimLex-999")
    p.add_argument("--restrict-vocab", type=_positive_int, default=30000,
                   help="analogies: answer among the most frequent N words only (default: %(default)s)")
    p.add_argument("--method", choices=["3cosadd", "3cosmul"], default="3cosadd",
                   help="analogy scoring (default: %(default)s)")
    p.set_defaults(run=run_evaluate)


def run_evaluate(args: argparse.Namespace) -> int:
    """``wordvec evaluate``: analogies by section, WS353 and SimLex-999."""
    kv = load_vectors(args.model)
    _print_evaluation(kv, args.restrict_vocab, args.method, args.analogies, args.pairs)
    return 0


def _print_evaluation(kv, restrict_vocab: int = 30000, method: str = "3cosadd", analogies=None, pairs=None) -> None:
    from wordvec.vectors import evaluate

    for path in analogies or [None]:
        result = evaluate.analogy(kv, path, restrict_vocab=restrict_vocab, method=method)
        print(f"analogies{f' of {path}' if path else ''} ({method}, top {restrict_vocab} words):")
        for s in result.sections + [result.total]:
            print(f"  {s.name:<28} {s.accuracy:7.2%}  ({s.correct}/{s.correct + s.incorrect}, {s.skipped} skipped)")
    for path in pairs or [evaluate.dataset_path("ws353"), evaluate.dataset_path("simlex999")]:
        name = path if pairs else Path(path).stem.replace("wordsim", "ws")
        try:
            r = evaluate.word_pairs(kv, path)
        except WordvecError as exc:
            if "no pair" not in str(exc):
                raise
            print(f"{name}: no pair has both words in the vocabulary")
            continue
        print(f"{name}: Spearman {r.spearman:.4f}, Pearson {r.pearson:.4f}, {r.oov_ratio:.1f}% pairs out of vocabulary")


# plot and convert


def _add_plot(subparsers) -> None:
    p = subparsers.add_parser("plot", help="picture of words projected to 2-D",
                              description="Project WORDS to 2-D and write a labelled scatter plot.")
    p.add_argument("model", help=_MODEL_HELP)
    p.add_argument("--words", nargs="+", required=True, help="the words to show")
    p.add_argument("-o", "--output", required=True, metavar="FILE.png", help="the picture (.png, .svg or .pdf)")
    p.add_argument("--method", choices=["pca", "svd", "tsne"], default="pca",
                   help="projection to 2-D; tsne needs scikit-learn (default: %(default)s)")
    p.set_defaults(run=run_plot)


def run_plot(args: argparse.Namespace) -> int:
    """``wordvec plot``: words projected to 2-D, as a labelled scatter plot."""
    from wordvec.vectors import plot

    kv = load_vectors(args.model)
    missing = [w for w in args.words if w not in kv]
    if missing:
        logger.warning("not in the vocabulary, left out of the plot: %s", ", ".join(missing))
    words = [w for w in args.words if w in kv]
    plot.save(plot.projection(kv, words, method=args.method), args.output)
    print(f"wrote {args.output}")
    return 0


def _format_names() -> dict[str, str]:
    from wordvec.io.registry import FORMATS

    return {name: f.doc for name, f in FORMATS.items()}


def _add_convert(subparsers) -> None:
    p = subparsers.add_parser("convert", help="convert between vector file formats",
                              description="Read IN (any format wordvec reads, told by its content) and write OUT.")
    p.add_argument("input", metavar="IN", help=_MODEL_HELP)
    p.add_argument("output", metavar="OUT", help="the file (a directory for tsv) to write")
    p.add_argument("--to", required=True, choices=list(_format_names()),
                   help="; ".join(f"{name}: {doc}" for name, doc in _format_names().items()))
    p.set_defaults(run=run_convert)


def run_convert(args: argparse.Namespace) -> int:
    """``wordvec convert``: read any vector file the registry reads, write any format it writes."""
    from wordvec.io import registry

    kv = load_vectors(args.input)
    registry.write_vectors(kv, args.output, args.to)
    print(f"wrote {len(kv)} vectors to {args.output} ({args.to})")
    return 0


# phrases


def _add_phrases(subparsers) -> None:
    from wordvec.text.phrases import Phrases

    d = Phrases()
    p = subparsers.add_parser("phrases", help="join frequent word pairs into phrases (new_york)",
                              description="Find phrases in CORPUS (word2phrase, gensim's Phrases) and write the "
                              "corpus with each phrase as one token; --passes 2 finds trigrams too.")
    p.add_argument("corpus", help="a text file (.gz, .bz2, .xz too) or a directory of them, one sentence a line")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="the rewritten corpus (gzip-compressed if it ends in .gz)")
    p.add_argument("--min-count", type=_positive_int, default=d.min_count,
                   help="ignore or discount rarer candidates (default: %(default)s)")
    p.add_argument("--threshold", type=float, default=None,
                   help="a candidate scoring above it is a phrase (default: 10 for default scoring, 0.5 for npmi)")
    p.add_argument("--scoring", choices=["default", "npmi"], default=d.scoring,
                   help="Mikolov et al.'s score or normalised PMI (default: %(default)s)")
    p.add_argument("--connectors", choices=["english", "none"], default="english",
                   help="words allowed inside a phrase (bank_of_america): gensim's English set, or none "
                   "(default: %(default)s)")
    p.add_argument("--passes", type=_positive_int, default=1, help="2 finds trigrams, 3 four-grams (default: %(default)s)")
    p.add_argument("--save-model", metavar="FILE.npz", help="also save the (last pass's) phrase model here")
    p.set_defaults(run=run_phrases)


def run_phrases(args: argparse.Namespace) -> int:
    """``wordvec phrases``: learn phrases and write the corpus with them joined, pass after pass."""
    import tempfile

    from wordvec.text.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

    check_writable(args.output)
    threshold = args.threshold if args.threshold is not None else (10.0 if args.scoring == "default" else 0.5)
    connectors = ENGLISH_CONNECTOR_WORDS if args.connectors == "english" else ()
    source = args.corpus
    with tempfile.TemporaryDirectory(dir=Path(args.output).resolve().parent) as tmp:
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


def _add_demo(subparsers) -> None:
    p = subparsers.add_parser("demo", help="train on the Brown corpus shipped with wordvec, query, evaluate, plot",
                              description="Train skip-gram vectors on the Brown corpus (1M words, shipped "
                              "inside the package; no network), print neighbours, evaluate, and plot.")
    p.add_argument("--out", metavar="DIR", default="wordvec-demo", help="output directory (default: %(default)s)")
    p.add_argument("--epochs", type=_positive_int, default=5, help="passes over the corpus (default: %(default)s)")
    p.add_argument("--workers", type=_positive_int, default=None,
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
    _print_evaluation(model.wv)
    model.save(out / "model.npz")
    words = [w for w in DEMO_PLOT if w in model.wv]
    plot.save(plot.projection(model.wv, words, title="Brown corpus skip-gram vectors (PCA)"), out / "word_vectors.png")
    plot.save(plot.loss_curve(model.loss_history_, "Mean training loss per epoch", xlabel="epoch"),
              out / "loss_history.png")
    print(f"wrote {out / 'model.npz'}, {out / 'word_vectors.png'} and {out / 'loss_history.png'} "
          f"in {time.perf_counter() - start:.1f} s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="wordvec", description="Learn and use word2vec vectors.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (_add_demo, _add_train, _add_queries, _add_evaluate, _add_plot, _add_convert, _add_phrases, _add_sst):
        add(subparsers)
    return parser


class _StderrHandler(logging.Handler):
    """Log lines as ``wordvec: message`` on whatever sys.stderr is at the time."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"wordvec: {record.getMessage()}", file=sys.stderr)


def _setup_logging() -> None:
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler())
    logger.setLevel(logging.INFO)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 done, 1 runtime error, 2 usage, 130 interrupted)."""
    args = build_parser().parse_args(argv)
    if argv is None and hasattr(signal, "SIGPIPE") and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # a closed output pipe ends the program, as for any tool
        end_when_output_pipes_close()
    _setup_logging()
    try:
        return args.run(args)
    except (WordvecError, ValueError, KeyError, ImportError, OSError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"wordvec: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print(f"wordvec: {exc or 'interrupted'}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
