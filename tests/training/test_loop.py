"""The epoch loop (``training/loop.py``) with an executor that trains nothing: when a stop request
is honoured, and what the run says when it comes too late to stop anything."""

import logging
import threading

import numpy as np
import pytest

from wordvec.engine.contract import ChunkResult
from wordvec.errors import TrainingInterrupted
from wordvec.text.scan import scan_corpus
from wordvec.training.loop import Schedule, run_epochs
from wordvec.training.state import Progress


class _Recorder:
    """Counts the chunks submitted and reports each as trained; sets ``stop`` as chunk ``stop_at`` is submitted."""

    def __init__(self, on_result, stop, stop_at):
        self.on_result, self.stop, self.stop_at, self.submitted = on_result, stop, stop_at, 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, chunk, alpha_start, alpha_end):
        self.submitted += 1
        if self.submitted == self.stop_at:
            self.stop.set()
        self.on_result(0, ChunkResult(1.0, 1, int(np.count_nonzero(chunk >= 0))), alpha_end)

    def wait(self):
        pass


def _run(tmp_path, stop_at, made):
    """Two epochs of 4 chunks each; the stop request comes as chunk ``stop_at`` (1-8) is submitted.
    ``made`` receives the executor."""
    scanned = scan_corpus([["a", "b", "c"]] * 40, tmp_path, 1, None, name=None)  # 4 ids a line, 160 an epoch
    stop = threading.Event()

    def make(on_result):
        made.append(_Recorder(on_result, stop, stop_at))
        return made[0]

    progress = Progress(states=np.zeros(1, dtype=np.uint64), tallies=np.zeros((1, 2)))
    schedule = Schedule(alpha=0.025, min_alpha=0.0001, epochs=2, workers=1, chunk_words=40)
    try:
        run_epochs(scanned, make, schedule, progress, False, lambda *_: None, stop=stop)
    finally:
        scanned.ids.close()
    return progress, made[0].submitted


@pytest.mark.parametrize("stop_at", [1, 4, 7])
def test_a_stop_is_honoured_before_the_next_chunk(tmp_path, stop_at):
    made = []
    with pytest.raises(TrainingInterrupted, match="no checkpoint_dir was set"):
        _run(tmp_path, stop_at, made)
    assert made[0].submitted == stop_at


def test_a_stop_as_the_last_chunk_is_queued_ends_a_complete_run_that_says_so(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="wordvec"):
        progress, submitted = _run(tmp_path, 8, [])
    assert submitted == 8 and progress.epoch == 2 and len(progress.loss_history) == 2
    assert "came after the last chunk had been queued: training is complete" in caplog.text


def test_a_run_without_a_stop_says_nothing_of_one(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="wordvec"):
        progress, submitted = _run(tmp_path, 0, [])
    assert submitted == 8 and progress.epoch == 2 and "stop" not in caplog.text
