"""training.signals: an interrupt swallowed on its way still stops the training that follows."""

from __future__ import annotations

import signal
import sys

from wordvec.training.signals import forget_interrupt, interrupt, stop_on_signals


def test_an_interrupt_swallowed_by_a_finalizer_stops_the_next_training(monkeypatch):
    swallowed = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: swallowed.append(info.exc_type))

    class Finalized:
        def __del__(self):
            interrupt(signal.SIGINT, None)

    Finalized()  # deleted at once: Python reports the KeyboardInterrupt and goes on
    assert swallowed == [KeyboardInterrupt]
    try:
        with stop_on_signals() as stop:
            assert stop.is_set()
        with stop_on_signals() as stop:  # taken once: the training after it runs
            assert not stop.is_set()
    finally:
        forget_interrupt()
