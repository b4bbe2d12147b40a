"""The host executor: threads training queued chunks, and what a submit does while it waits."""

import threading

import numpy as np

from wordvec.training.executors import HogwildThreads


class _Gate:
    """A backend whose chunks wait until the gate opens, then return the chunk's first id."""

    def __init__(self):
        self.open, self.entered = threading.Event(), threading.Event()

    def train_chunk(self, chunk, alpha_start, alpha_end, stream):
        self.entered.set()
        assert self.open.wait(10)
        return int(chunk[0])


def test_a_submit_waiting_for_room_calls_idle_until_there_is_room():
    gate, done = _Gate(), []
    calls = []

    def idle():  # what the distributed executor does meanwhile: move its allreduces on
        calls.append(threading.get_ident())
        if len(calls) == 5:
            gate.open.set()

    with HogwildThreads(gate, 1, lambda stream, result, alpha: done.append(result)) as threads:
        threads.submit(np.array([0]), 0.025, 0.025)
        assert gate.entered.wait(10)  # the thread holds it, closed in
        threads.submit(np.array([1]), 0.025, 0.025, idle)  # the queue's one place: no wait
        assert calls == []
        threads.submit(np.array([2]), 0.025, 0.025, idle)  # no room until the gate opens
        assert len(calls) >= 5 and set(calls) == {threading.get_ident()}  # called in the submitting thread
        threads.wait()
    assert done == [0, 1, 2]

