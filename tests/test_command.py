"""wordvec.command: a Ctrl-C while the command line imports is an interrupt, wherever it lands."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time
import types

import pytest

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


def _ctrl_c_in_a_callback():
    """SIGINT handled inside a ctypes callback, as LLVM calls numba's cache: Python cannot raise it there."""

    def callback():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler raises KeyboardInterrupt in here

    ctypes.CFUNCTYPE(None)(callback)()


def _fake_cli(monkeypatch, main):
    fake = types.ModuleType("wordvec.cli")
    fake.main = main
    monkeypatch.setitem(sys.modules, "wordvec.cli", fake)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return run([])
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_ctrl_c_swallowed_in_a_callback_is_not_printed_and_still_stops_the_training(monkeypatch):
    """CI once met it: SIGINT landed in the ctypes callback with which LLVM hands numba a compiled kernel
    for its cache; Python printed the KeyboardInterrupt with a traceback and went on."""
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: reported.append(info.exc_type))

    def main(argv):
        _ctrl_c_in_a_callback()
        ctypes.CFUNCTYPE(None)(lambda: 1 / 0)()  # anything else still goes to the hook there was
        with stop_on_signals() as stop:
            return 130 if stop.is_set() else 0

    assert _fake_cli(monkeypatch, main) == 130
    assert reported == [ZeroDivisionError]
    sys.unraisablehook(types.SimpleNamespace(exc_type=KeyError))
    assert reported == [ZeroDivisionError, KeyError]  # the hook there was, back after the command


def test_an_error_after_a_swallowed_ctrl_c_is_the_interrupt_and_any_other_error_is_not(monkeypatch, capsys):
    """A stress run met it: numba, whose cache callback had swallowed the KeyboardInterrupt, then failed
    to save the kernel (RuntimeError: no compiled object yet) and ended the command in a traceback."""

    def numba_compiling(argv):
        _ctrl_c_in_a_callback()
        raise RuntimeError("no compiled object yet for <Library 'encode_bytes'>")

    assert _fake_cli(monkeypatch, numba_compiling) == 130
    assert capsys.readouterr().err.strip() == "wordvec: interrupted"

    def failing(argv):
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError, match="a bug"):  # no Ctrl-C: the error is the program's, shown as it is
        _fake_cli(monkeypatch, failing)
