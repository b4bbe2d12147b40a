"""The ``wordvec`` command line: the parser and ``main``; the commands live in ``train``, ``vectors`` and ``sst``.

Exit codes: 0 on success, 2 on a usage error, 1 on a runtime error, reported as
one line on stderr.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from wordvec.cli import sst, train, vectors
from wordvec.cli.common import logger
from wordvec.errors import WordvecError
from wordvec.io.streams import end_when_output_pipes_close


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="wordvec", description="Learn and use word2vec vectors.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (train.add_demo, train.add_train, vectors.add_queries, vectors.add_evaluate, vectors.add_plot,
                vectors.add_convert, train.add_phrases, sst.add_sst):
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
        print(f"wordvec: {str(exc) or 'interrupted'}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
