"""The ``wordvec`` command's entry point, in place before anything heavy is imported.

Importing the command line brings numpy, numba and LLVM (about a second); a Ctrl-C
in that second would otherwise end in a Python traceback. Here it ends as any
interrupted run does: one line and exit status 130.
"""

from __future__ import annotations

import signal
import sys
import threading

# it imports the standard library's modules only
from wordvec.training.signals import forget_interrupt, interrupt, interrupted, quiet_swallowed_interrupts


def run(argv: list[str] | None = None) -> int:
    """Import and run the command line (``wordvec.cli.main``); returns its exit status.

    A Ctrl-C during the imports is held until they end, then taken as an interrupt:
    raised inside an import it could be swallowed or turned into another error by
    the code it lands in (a ``RuntimeError`` from a class's ``__set_name__``, say).
    After them, ``training.signals.interrupt`` raises it and remembers it, so that one
    swallowed on the way still stops the training, and is not printed where it was swallowed
    (as a traceback from the ctypes callback in which LLVM hands numba's cache a compiled kernel);
    an error that escapes after it (numba's, failing to save that kernel) is taken as the interrupt.
    """
    held: list[int] = []
    unraisable, main_thread = sys.unraisablehook, threading.current_thread() is threading.main_thread()
    hold = main_thread and signal.getsignal(signal.SIGINT) is signal.default_int_handler  # ignored stays ignored
    # SIGTERM as SIGINT after the imports, so that what a command was writing is cleaned up (a temporary
    # directory, a file half written), where it would have ended the process on the spot; also in a
    # background job, whose SIGINT is ignored
    terminate = main_thread and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    ours = hold or terminate
    try:
        if ours:
            forget_interrupt()  # one a training in this process raised before (a second Ctrl-C) is not ours
        if hold:
            signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
        from wordvec.cli import main

        if hold:
            signal.signal(signal.SIGINT, interrupt)
        if terminate:
            signal.signal(signal.SIGTERM, interrupt)
        if ours:
            sys.unraisablehook = quiet_swallowed_interrupts(unraisable)
        if held:
            raise KeyboardInterrupt
        return main(argv)
    except KeyboardInterrupt:  # before main's own handling began, or after it ended
        print("wordvec: interrupted", file=sys.stderr)
        return 130
    except Exception:
        if not (ours and interrupted()):
            raise
        print("wordvec: interrupted", file=sys.stderr)  # the error was the signal's, where it was swallowed
        return 130
    finally:  # as it was, for a caller that goes on (tests)
        if hold:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        if terminate:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if ours:
            sys.unraisablehook = unraisable
            forget_interrupt()
