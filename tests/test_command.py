"""wordvec.command: a Ctrl-C while the command line imports is an interrupt, wherever it lands."""

from __future__ import annotations

import os
import signal
import sys
import time
import types

from wordvec.command import run


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
