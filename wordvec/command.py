"""The ``wordvec`` command's entry point, in place before anything heavy is imported.

Importing the command line brings numpy, numba and LLVM (about a second); a Ctrl-C
in that second would otherwise end in a Python traceback. Here it ends as any
interrupted run does: one line and exit status 130.
"""

from __future__ import annotations

import sys


def run(argv: list[str] | None = None) -> int:
    """Import and run the command line (``wordvec.cli.main``); returns its exit status."""
    try:
        from wordvec.cli import main

        return main(argv)
    except KeyboardInterrupt:  # before main's own handling began, or after it ended
        print("wordvec: interrupted", file=sys.stderr)
        return 130
