"""SIGINT and SIGTERM during training: the first asks for a stop at the next safe point."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator

logger = logging.getLogger("wordvec")
_taken = threading.Event()  # a signal interrupt() turned into KeyboardInterrupt, for the next training
_raised = threading.Event()  # any signal a handler here turned into KeyboardInterrupt, for the command


def interrupt(signum, frame):
    """SIGINT (and SIGTERM) outside training, for the command (``wordvec.command``): KeyboardInterrupt, as
    Python's own handler, but remembered, for the exception may land in code that swallows it (a
    finalizer run by the garbage collector prints it and goes on); training then stops at once."""
    _taken.set()
    _raised.set()
    raise KeyboardInterrupt


def interrupted() -> bool:
    """Whether a signal handler here raised KeyboardInterrupt since :func:`forget_interrupt`: an
    error that follows may be its consequence where it was swallowed (numba, whose cache callback
    swallowed it, then fails to save the kernel: ``RuntimeError: no compiled object yet``)."""
    return _raised.is_set()


def quiet_swallowed_interrupts(previous):
    """A ``sys.unraisablehook`` for while :func:`interrupt` handles signals: its KeyboardInterrupt may land
    where Python cannot raise it (a ctypes callback LLVM makes while numba compiles, a finalizer), and
    Python would print it as a traceback. Remembered, the training or the command takes it; so it is not
    printed. Anything else goes to ``previous``."""

    def hook(unraisable) -> None:
        if not (_raised.is_set() and isinstance(unraisable.exc_value, KeyboardInterrupt)):
            previous(unraisable)

    return hook


def forget_interrupt() -> None:
    """Forget an interrupt :func:`interrupt` raised (the command has ended)."""
    _taken.clear()
    _raised.clear()


@contextlib.contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM while training; a second signal stops at once
    (KeyboardInterrupt). Outside the main thread signals cannot be caught: the event is
    then only set by the caller."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum, frame):
        if stop.is_set():
            _raised.set()
            raise KeyboardInterrupt
        logger.warning("%s: stopping at the next safe point (again to stop at once)", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    if _taken.is_set():  # an interrupt before training began, swallowed where it landed
        _taken.clear()
        logger.warning("SIGINT: stopping at the next safe point (again to stop at once)")
        stop.set()
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
