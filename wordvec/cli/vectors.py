"""Commands that use vectors: ``similar``, ``analogy``, ``evaluate``, ``plot``, ``convert``."""

from __future__ import annotations

import argparse
from pathlib import Path

from wordvec.cli.common import MODEL_HELP, load_vectors, logger, positive_int
from wordvec.errors import WordvecError


def add_queries(subparsers) -> None:
    p = subparsers.add_parser("similar", help="nearest neighbours of words",
                              description="Print the nearest neighbours of each WORD by cosine similarity.")
    p.add_argument("model", help=MODEL_HELP)
    p.add_argument("words", nargs="+", metavar="WORD", help="words whose neighbours to print")
    p.add_argument("-n", "--topn", type=positive_int, default=10, help="neighbours per word (default: %(default)s)")
    p.set_defaults(run=run_similar)
    p = subparsers.add_parser("analogy", help="A is to B as C is to ?",
                              description="Solve the analogy A is to B as C is to ? (3CosAdd or 3CosMul).")
    p.add_argument("model", help=MODEL_HELP)
    p.add_argument("a", help="A, as 'man'")
    p.add_argument("b", help="B, as 'king'")
    p.add_argument("c", help="C, as 'woman'")
    p.add_argument("-n", "--topn", type=positive_int, default=5, help="answers to print (default: %(default)s)")
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


def add_evaluate(subparsers) -> None:
    p = subparsers.add_parser("evaluate", help="analogy accuracy and word-similarity correlations",
                              description="Evaluate on the Google analogies (per section), WS353 and SimLex-999, "
                              "or on your own files.")
    p.add_argument("model", help=MODEL_HELP)
    p.add_argument("--analogies", nargs="+", metavar="FILE", help="analogy files (': section' lines, then "
                   "'a b c d' questions) instead of the Google set")
    p.add_argument("--pairs", nargs="+", metavar="FILE", help="word-pair files ('word1<TAB>word2<TAB>score', "
                   "'#' comments) instead of WS353 and SimLex-999")
    p.add_argument("--restrict-vocab", type=positive_int, default=30000,
                   help="analogies: answer among the most frequent N words only (default: %(default)s)")
    p.add_argument("--method", choices=["3cosadd", "3cosmul"], default="3cosadd",
                   help="analogy scoring (default: %(default)s)")
    p.set_defaults(run=run_evaluate)


def run_evaluate(args: argparse.Namespace) -> int:
    """``wordvec evaluate``: analogies by section, WS353 and SimLex-999."""
    kv = load_vectors(args.model)
    print_evaluation(kv, args.restrict_vocab, args.method, args.analogies, args.pairs)
    return 0


def print_evaluation(kv, restrict_vocab: int = 30000, method: str = "3cosadd", analogies=None, pairs=None) -> None:
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


def add_plot(subparsers) -> None:
    p = subparsers.add_parser("plot", help="picture of words projected to 2-D",
                              description="Project WORDS to 2-D and write a labelled scatter plot.")
    p.add_argument("model", help=MODEL_HELP)
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


def add_convert(subparsers) -> None:
    p = subparsers.add_parser("convert", help="convert between vector file formats",
                              description="Read IN (any format wordvec reads, told by its content) and write OUT.")
    p.add_argument("input", metavar="IN", help=MODEL_HELP)
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
