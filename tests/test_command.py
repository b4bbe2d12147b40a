"""wordvec.command: a Ctrl-C while the command line imports is an interrupt, wherever it lands."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time
import types

from wordvec.command import run
from wordvec.training.signals import stop_on_signals


def test_a_ctrl_c_during_the_imports_is_held_then_taken(monkeypatch, capsys):
    fake = types.ModuleType("wordvec.cli")  # an import during which SIGINT arrives, in code that would swallow it

    def getattr_(name):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler runs in here
        except KeyboardInterrupt:
            pass
        return lambda argv: 0

    fake.__getattr__ = getattr_
    monkeypatch.setitem(sys.modules, "wordvec.cli", fake)
    # Python's own handler, as a terminal gives it: a suite started in the background has SIGINT ignored
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        assert run([]) == 130
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)
    assert capsys.readouterr().err.strip() == "wordvec: interrupted"


def test_a_ctrl_c_swallowed_in_a_callback_is_not_printed_and_still_stops_the_training(monkeypatch, capsys):
    """CI once met it: SIGINT landed in the ctypes callback with which LLVM hands numba a compiled kernel
    for its cache; Python printed the KeyboardInterrupt with a traceback and went on."""
    fake = types.ModuleType("wordvec.cli")
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: reported.append(info.exc_type))

    def main(argv):
        def callback():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler raises KeyboardInterrupt in here, inside the callback

        ctypes.CFUNCTYPE(None)(callback)()
        ctypes.CFUNCTYPE(None)(lambda: 1 / 0)()  # anything else still goes to the hook there was
        with stop_on_signals() as stop:
            return 130 if stop.is_set() else 0

    fake.main = main
    monkeypatch.setitem(sys.modules, "wordvec.cli", fake)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        assert run([]) == 130
    finally:
        signal.signal(signal.SIGINT, previous)
    assert reported == [ZeroDivisionError]
    assert sys.unraisablehook is not None and sys.unraisablehook(types.SimpleNamespace(exc_type=KeyError)) is None
    assert reported == [ZeroDivisionError, KeyError]  # the hook there was, back after the command
