"""Word2Vec(distributed=True) under ``mpiexec -n 2`` (pip install 'wordvec[mpi]': mpi4py and mpich)."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import write_topics
from wordvec import Word2Vec
from wordvec.engine.contract import (
    ARCH_CBOW,
    ARCH_SKIPGRAM,
    LOSS_HIERARCHICAL,
    LOSS_NEGATIVE,
    Settings,
    Weights,
)
from wordvec.engine.tables import build_tables
from wordvec.errors import ParameterError
from wordvec.training.distributed import damping, update_rates
from wordvec.training.state import load_state

MPIEXEC = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or shutil.which("mpiexec")
ROOT = Path(__file__).resolve().parents[2]
needs_mpi = pytest.mark.skipif(MPIEXEC is None or not __import__("importlib").util.find_spec("mpi4py"),
                               reason="needs mpi4py and mpiexec: pip install 'wordvec[mpi]'")
RANK_SCRIPT = """
import logging, sys, numpy as np
from mpi4py import MPI
from wordvec import Word2Vec
logging.basicConfig(level=logging.INFO)
sync_words = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
model = Word2Vec(vector_size=16, window=3, min_count=1, epochs=6, workers=1, sample=0, alpha=0.05,
                 distributed=True, sync_words=sync_words, progress=False).fit(sys.argv[1])
np.save(f"{sys.argv[2]}/rank{MPI.COMM_WORLD.Get_rank()}.npy", model.wv.vectors)
with open(f"{sys.argv[2]}/rank{MPI.COMM_WORLD.Get_rank()}.words", "w") as f:
    f.write("\\n".join(model.wv.words))
"""


@pytest.fixture
def topics(tmp_path):
    """Two topics that never share a line, 6,000 lines."""
    return write_topics(tmp_path / "topics.txt", 20, 3000)


def _mpiexec(*args, timeout=300, ranks=2):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([MPIEXEC, "-n", str(ranks), *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def _topic_gap(words, vectors):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    index = {w: i for i, w in enumerate(words)}
    a = unit[[index[f"a{i}"] for i in range(20)]]
    b = unit[[index[f"b{i}"] for i in range(20)]]
    return float((a @ a.T)[np.triu_indices(20, 1)].mean() - (a @ b.T).mean())


@needs_mpi
def test_two_ranks_train_one_model_of_single_process_quality(topics, tmp_path):
    done = _mpiexec(sys.executable, "-c", RANK_SCRIPT, str(topics), str(tmp_path))
    assert done.returncode == 0, done.stderr
    words = (tmp_path / "rank0.words").read_text().split("\n")
    assert words == (tmp_path / "rank1.words").read_text().split("\n")
    v0, v1 = np.load(tmp_path / "rank0.npy"), np.load(tmp_path / "rank1.npy")
    assert np.array_equal(v0, v1)  # every rank ends with the combined weights
    single = Word2Vec(vector_size=16, window=3, min_count=1, epochs=6, workers=1, sample=0, alpha=0.05,
                      progress=False).fit(topics)
    assert words == single.wv.words  # the merged scan is the serial one
    gap, single_gap = _topic_gap(words, v0), _topic_gap(single.wv.words, single.wv.vectors)
    assert gap > 0.5 and gap > single_gap - 0.1, (gap, single_gap)


@needs_mpi
@pytest.mark.parametrize("sync_words, hot", [(1024, False), (65536, True)])
def test_four_ranks_with_damped_frequent_rows_train_one_model(topics, tmp_path, sync_words, hot):
    """Every 1,024 words a rank's chunks leave no room for exchanges in between; every 65,536 words
    (all of a rank's share of an epoch here) the hot rows are exchanged in between, while the threads train."""
    done = _mpiexec(sys.executable, "-c", RANK_SCRIPT, str(topics), str(tmp_path), str(sync_words), ranks=4)
    assert done.returncode == 0, done.stderr
    exchanges = re.findall(r"(\d+) exchanges of the whole model this epoch( and (\d+) of the hot rows)?", done.stderr)
    assert len(exchanges) == 6 and all(bool(h) == hot for _, h, _ in exchanges), done.stderr
    if hot:
        assert all(int(whole) == 1 and int(n) > 4 for whole, _, n in exchanges), exchanges
    seconds = re.findall(r"([\d.]+) s waiting for the chunks in flight before the whole exchanges, ([\d.]+) s in the "
                         r"exchanges", done.stderr)  # where an epoch's time goes, for whoever tunes sync_words
    assert len(seconds) == 6, done.stderr  # (either can print 0.00: a few small exchanges take under 5 ms)
    vectors = [np.load(tmp_path / f"rank{r}.npy") for r in range(4)]
    assert all(np.array_equal(vectors[0], v) for v in vectors[1:])  # the damped sum is the same on every rank
    words = (tmp_path / "rank0.words").read_text().split("\n")
    assert _topic_gap(words, vectors[0]) > 0.5


WIDE_SCRIPT = """
import sys, numpy as np
from mpi4py import MPI
from wordvec import Word2Vec
model = Word2Vec(vector_size=8, window=3, min_count=1, epochs=2, workers=1, sample=0, distributed=True,
                 sync_words=1024, subwords=sys.argv[3] == "subwords", buckets=3000, progress=False)
model.fit(sys.argv[1])
rows = np.vstack([getattr(model, "vectors_in_", model.wv.vectors), model.vectors_out_])
np.save(f"{sys.argv[2]}/rank{MPI.COMM_WORLD.Get_rank()}.npy", rows)
"""


@needs_mpi
@pytest.mark.parametrize("subwords", ["words", "subwords"])
def test_ranks_that_exchange_only_the_input_rows_read_end_equal(tmp_path, subwords):
    """2,000 words, an exchange every 1,024 words a rank: each exchange carries the input rows (with
    subwords, the bags' rows) of the words either rank read; a changed row left out would leave
    the ranks apart."""
    corpus = write_topics(tmp_path / "wide.txt", 1000, 600)
    done = _mpiexec(sys.executable, "-c", WIDE_SCRIPT, str(corpus), str(tmp_path), subwords)
    assert done.returncode == 0, done.stderr
    assert np.array_equal(np.load(tmp_path / "rank0.npy"), np.load(tmp_path / "rank1.npy"))


def test_the_input_rows_exchanged_are_those_of_the_words_read_since_the_last_exchange(monkeypatch):
    """With subwords, a word's rows are its bag's; the flags start again after each exchange."""
    import threading
    import types

    from wordvec.training.distributed import Synchronised
    from wordvec.training.state import Progress

    fake = types.ModuleType("mpi4py")
    fake.MPI = types.SimpleNamespace(IN_PLACE=None, SUM="sum", MAX="max")
    monkeypatch.setitem(sys.modules, "mpi4py", fake)
    bags = np.array([0, 2, 4, 5, 7]), np.array([0, 5, 1, 6, 2, 3, 5])  # 4 words, 7 rows (3 of n-grams)
    weights = Weights(np.zeros((7, 4), np.float32), np.zeros((4, 4), np.float32), *bags)
    sync = Synchronised(_Threads(weights), _FourRanks(), weights, words=1000, syncs=1,
                        progress=Progress(np.zeros(1, np.uint64), np.zeros((1, 2))), stop=threading.Event())
    sync.submit(np.array([3, 1, -1, 3]), 0.025, 0.025)
    assert list(sync._inputs_read()) == [1, 3, 5, 6]
    sync.submit(np.array([0, -1]), 0.025, 0.025)
    assert list(sync._inputs_read()) == [0, 5]


def test_two_ranks_damp_only_the_rows_updated_thousands_of_times(monkeypatch):
    """No hot exchanges at 2 ranks, and a damping that leaves rows updated up to hundreds of times
    between two exchanges near the plain sum (3 ranks and more damp those towards the mean)."""
    import threading
    import types

    from wordvec.training.distributed import DAMPED_UPDATES, DAMPED_UPDATES_TWO, Synchronised
    from wordvec.training.state import Progress

    fake = types.ModuleType("mpi4py")
    fake.MPI = types.SimpleNamespace(IN_PLACE=None, SUM="sum", MAX="max")
    monkeypatch.setitem(sys.modules, "mpi4py", fake)
    two = _FourRanks()
    two.Get_size, two.allreduce = (lambda: 2), (lambda value: 2 * value)
    weights = Weights(np.zeros((4, 4), np.float32), np.zeros((4, 4), np.float32), None, None)
    rates = np.array([0.1, 0.005, 1e-4, 1e-6])  # per word: 10,000, 500, 10, 0.1 updates between exchanges
    sync = Synchronised(_Threads(weights), two, weights, words=100_000, syncs=1, stop=threading.Event(),
                        progress=Progress(np.zeros(1, np.uint64), np.zeros((1, 2))), rates=[rates, rates])
    assert sync.parts == 1 and sync.hot == []
    scale = sync.scales[0][:, 0]
    assert np.array_equal(sync.scales[0], damping(rates, 100_000, 2, DAMPED_UPDATES_TWO))
    assert scale[0] < 0.7 and scale[1] > 0.95 and scale[3] > 0.9999
    assert scale[1] > damping(rates, 100_000, 2, DAMPED_UPDATES)[1, 0] + 0.2


COUNTS = np.array([500, 200, 100, 50, 20, 10, 5, 5])
KEEP = np.linspace(0.5, 1.0, len(COUNTS))
WINDOWS = COUNTS / COUNTS.sum() * KEEP  # windows centred on each word, per word read


def _rates(arch=ARCH_SKIPGRAM, loss=LOSS_NEGATIVE, per_window=True, bags=(None, None), rows_in=8):
    tables = build_tables(COUNTS, KEEP, 0.75, loss == LOSS_HIERARCHICAL)
    rows_out = 7 if loss == LOSS_HIERARCHICAL else 8
    weights = Weights(np.zeros((rows_in, 4), np.float32), np.zeros((rows_out, 4), np.float32), *bags)
    settings = Settings(arch, loss, per_window, window=5, shrink_windows=True, negative=3, cbow_mean_gradient=False)
    return tables, update_rates(COUNTS, tables, settings, weights)


def test_update_rates_count_each_rows_updates_per_word_read():
    _, (rate_in, rate_out) = _rates()
    assert np.allclose(rate_in, WINDOWS * 6)  # window 5 shrunk: 6 context words a window on average
    noise = rate_out - WINDOWS  # the center's row once a window, then 3 noise rows drawn as counts ** 0.75
    assert np.allclose(noise, WINDOWS.sum() * 3 * COUNTS ** 0.75 / (COUNTS ** 0.75).sum())
    _, (_, per_pair) = _rates(per_window=False)
    assert np.allclose(per_pair, rate_out * 6)  # word2vec.c's step per pair: a prediction per context word
    _, (cbow_in, cbow_out) = _rates(arch=ARCH_CBOW)
    assert np.allclose(cbow_in, rate_in) and np.allclose(cbow_out, rate_out)


def test_update_rates_of_hierarchical_softmax_follow_the_paths():
    tables, (_, rate_out) = _rates(loss=LOSS_HIERARCHICAL)
    root = tables.points[0, 0]
    assert np.isclose(rate_out[root], WINDOWS.sum())  # every prediction passes the root
    assert np.isclose(rate_out.sum(), (WINDOWS * tables.lengths).sum())


def test_update_rates_of_subwords_add_up_over_the_bags_sharing_a_row():
    indptr = np.array([0, 2, 4, 5, 6, 7, 8, 9, 10])  # words 0 and 1 share row 8; word 1 has row 9 too
    indices = np.array([0, 8, 1, 8, 2, 3, 4, 5, 6, 7])
    _, (rate_in, _) = _rates(bags=(indptr, indices), rows_in=10)
    assert np.isclose(rate_in[8], 6 * (WINDOWS[0] + WINDOWS[1])) and np.isclose(rate_in[0], 6 * WINDOWS[0])
    assert rate_in[9] == 0.0


def test_damping_keeps_the_sum_for_rare_rows_and_tends_to_the_mean_for_frequent_ones():
    scale = damping(np.array([0.0, 1e-4, 0.3, 1e3]), words=1000, ranks=4, u0=300.0)
    assert scale.shape == (4, 1) and scale.dtype == np.float32
    assert scale[0, 0] == 1.0 and scale[1, 0] > 0.99  # 0.1 updates between exchanges: the sum
    assert np.isclose(scale[2, 0], 1 / (1 + 3 * 0.5))  # U0 updates: halfway
    assert abs(scale[3, 0] - 0.25) < 1e-3 and np.all(np.diff(scale[:, 0]) < 0)
    assert np.all(damping(np.array([5.0]), 1000, ranks=1) == 1.0)


@needs_mpi
def test_the_command_line_under_mpiexec_writes_the_model_once(topics, tmp_path):
    out = tmp_path / "m.npz"
    done = _mpiexec(sys.executable, "-m", "wordvec", "train", str(topics), "-o", str(out), "--min-count", "1",
                    "--epochs", "2", "--workers", "1", "--distributed", "--no-progress")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("wrote") == 1
    assert len(Word2Vec.load(out).wv) == 40


def test_distributed_outside_mpiexec_says_how_to_launch(topics):
    launched = [v for v in ("PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS")
                if v in os.environ]
    if launched:
        pytest.skip(f"this test process itself runs under MPI ({launched[0]} is set)")
    with pytest.raises(ParameterError, match=r"^distributed=True runs under MPI: launch it as mpiexec -n 4"):
        Word2Vec(distributed=True, min_count=1, progress=False).fit(topics)
    with pytest.raises(ParameterError, match=r"^device='cuda' is not available with distributed=True"):
        Word2Vec(distributed=True, device="cuda", min_count=1, progress=False).fit(topics)


@needs_mpi
def test_a_rank_that_fails_stops_every_rank_with_one_line_naming_it(tmp_path):
    """Bad UTF-8 in the second half of the corpus: rank 1's share. Rank 0 would wait in its first
    exchange forever; instead the job ends at once."""
    good = "".join(f"w{i % 7} w{i % 5} w{i % 3}\n" for i in range(4000))
    (tmp_path / "c.txt").write_bytes(good.encode() + b"caf\xe9\n" + b"w1 w2\n" * 100)
    start = time.monotonic()
    done = _mpiexec(sys.executable, "-m", "wordvec", "train", str(tmp_path / "c.txt"), "-o", str(tmp_path / "m.npz"),
                    "--min-count", "1", "--workers", "1", "--distributed", "--no-progress", timeout=60)
    assert done.returncode != 0 and time.monotonic() - start < 30
    line = [x for x in done.stderr.splitlines() if x.startswith("wordvec: rank")]
    # once in CI (2026-11-27) the job ended with an empty stderr; not seen again in 27 runs: say all if it recurs
    assert len(line) == 1, f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    assert line[0].startswith(f"wordvec: rank 1 of 2 failed, so every rank stops: DataError: {tmp_path / 'c.txt'}:")
    assert line[0].endswith(": invalid UTF-8 (byte 0xe9)")
    assert not (tmp_path / "m.npz").exists()


KILLED_SCRIPT = """
import os, signal, sys
from mpi4py import MPI
from wordvec import Word2Vec

def die(model, loss):
    if MPI.COMM_WORLD.Get_rank() == 1:
        os.kill(os.getpid(), signal.SIGKILL)

model = Word2Vec(vector_size=16, min_count=1, epochs=50, workers=1, distributed=True, sync_words=1024,
                 progress=False, callbacks=[die]).fit(sys.argv[1])
model.save(sys.argv[2])
"""


@needs_mpi
def test_a_killed_rank_ends_the_job_without_a_hang_or_an_output(topics, tmp_path):
    start = time.monotonic()
    done = _mpiexec(sys.executable, "-c", KILLED_SCRIPT, str(topics), str(tmp_path / "m.npz"), timeout=120)
    assert done.returncode != 0 and time.monotonic() - start < 30
    assert "signal 9" in done.stdout + done.stderr  # mpiexec names the killed process and its signal
    assert not (tmp_path / "m.npz").exists()


CHECKPOINTED_SCRIPT = """
import os, signal, sys
from mpi4py import MPI
from wordvec import Word2Vec

def stop_or_die(model, loss):  # on rank 1 only, after epoch 2
    if MPI.COMM_WORLD.Get_rank() == 1 and len(model.loss_history_) == 2:
        os.kill(os.getpid(), getattr(signal, sys.argv[3]))

try:
    Word2Vec(vector_size=16, min_count=1, epochs=6, workers=1, distributed=True, sync_words=1024, progress=False,
             checkpoint_dir=sys.argv[2], checkpoint_words=3000, callbacks=[stop_or_die]).fit(sys.argv[1])
except KeyboardInterrupt as exc:  # rank 0 speaks for the run; the other ranks exit quietly
    print(f"stopped: {exc}")
    sys.exit(130)
"""
RESUME_FLAGS = ("--vector-size", "16", "--min-count", "1", "--epochs", "6", "--workers", "1", "--sync-words", "1024",
                "--distributed", "--no-progress", "--resume")


def _resume(topics, checkpoints, out, ranks="2"):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([MPIEXEC, "-n", ranks, sys.executable, "-m", "wordvec", "train", str(topics), "-o", str(out),
                           "--checkpoint-dir", str(checkpoints), *RESUME_FLAGS],
                          capture_output=True, text=True, env=env, timeout=300)


@needs_mpi
def test_a_stop_on_one_rank_checkpoints_every_rank_and_the_run_resumes(topics, tmp_path):
    """SIGINT reaches rank 1 alone: at the next exchange every rank agrees to stop, rank 0 writes
    one checkpoint with both ranks' positions, and the job ends with one line saying how to resume."""
    checkpoints = tmp_path / "ck"
    done = _mpiexec(sys.executable, "-c", CHECKPOINTED_SCRIPT, str(topics), str(checkpoints), "SIGINT")
    assert done.returncode == 130, done.stderr
    assert done.stdout.splitlines() == [f"stopped: training interrupted in epoch 3; resume with mpiexec -n 2 wordvec "
                                        f"train ... --distributed --checkpoint-dir {checkpoints} --resume"]

    arrays, meta, _ = load_state(checkpoints)
    assert meta["epoch"] == 2 and not meta["finished"], meta["epoch"]  # stopped in epoch 3, at its first exchange
    assert arrays["states"].shape == (2, 1) and len(meta["ranks"]) == 2
    assert all(0 < r["position"] <= r["corpus_ids"][0] for r in meta["ranks"])
    assert (checkpoints / "corpus.rank0.ids").is_file() and (checkpoints / "corpus.rank1.ids").is_file()

    refused = _resume(topics, checkpoints, tmp_path / "m.npz", ranks="3")
    assert refused.returncode == 1 and not (tmp_path / "m.npz").exists()
    assert refused.stderr.strip().splitlines() == [
        "wordvec: error: this checkpoint was written by 2 MPI ranks; resume it with mpiexec -n 2 ... --distributed"]

    resumed = _resume(topics, checkpoints, tmp_path / "m.npz")
    assert resumed.returncode == 0, resumed.stderr
    model = Word2Vec.load(tmp_path / "m.npz")
    assert len(model.loss_history_) == 6 and model.loss_history_[-1] < model.loss_history_[0]
    assert not list(checkpoints.glob("corpus.rank*.ids"))  # the stored shares go once the run is finished
    whole = _mpiexec(sys.executable, "-m", "wordvec", "train", str(topics), "-o", str(tmp_path / "whole.npz"),
                     *RESUME_FLAGS[:-1])
    assert whole.returncode == 0, whole.stderr
    uninterrupted = Word2Vec.load(tmp_path / "whole.npz")  # one thread a rank, two ranks: repeatable
    assert np.array_equal(model.wv.vectors, uninterrupted.wv.vectors)  # resumed exactly where it stopped
    assert model.loss_history_ == uninterrupted.loss_history_


@needs_mpi
def test_a_killed_rank_leaves_a_readable_checkpoint_that_resumes(topics, tmp_path):
    checkpoints = tmp_path / "ck"
    start = time.monotonic()
    done = _mpiexec(sys.executable, "-c", CHECKPOINTED_SCRIPT, str(topics), str(checkpoints), "SIGKILL", timeout=120)
    assert done.returncode != 0 and time.monotonic() - start < 30
    assert "signal 9" in done.stdout + done.stderr
    arrays, meta, _ = load_state(checkpoints)  # the newest checkpoint reads whole
    assert meta["epoch"] == 1 and len(meta["ranks"]) == 2  # written in epoch 2, before the kill
    resumed = _resume(topics, checkpoints, tmp_path / "m.npz")
    assert resumed.returncode == 0, resumed.stderr
    model = Word2Vec.load(tmp_path / "m.npz")
    assert len(model.loss_history_) == 6 and _topic_gap(model.wv.words, model.wv.vectors) > 0.5


class _Request:
    """A fake rank's allreduce in flight: the other three ranks' changes equal this one's."""

    def __init__(self, buffer):
        self.buffer, self.done, self.tests = buffer, False, 0

    def Test(self):  # mpi4py's names
        self.tests += 1
        return self.done

    def Wait(self):
        if not self.done:
            self.buffer *= 4
            self.done = True


class _FourRanks:
    """Rank 0 of four whose ranks change the same rows alike (enough of mpi4py's communicator)."""

    def Get_size(self):
        return 4

    def Get_rank(self):
        return 0

    def allreduce(self, value):
        return 4 * value

    def bcast(self, value, root):
        return value

    def Iallreduce(self, _, buffer, op):
        return _Request(buffer)

    def Allreduce(self, _, buffer, op):
        if op == "sum":
            buffer *= 4


class _Threads:
    """An executor whose every chunk adds 1 to rows 0 and 1 of both matrices (the hot ones)."""

    def __init__(self, weights):
        self.weights, self.idle = weights, []

    def submit(self, chunk, alpha_start, alpha_end, idle=None):
        self.weights.vectors_in[:2] += 1.0
        self.weights.vectors_out[:2] += 1.0
        self.idle.append(idle)
        if idle is not None:  # as a submit waiting for room does
            idle()

    def wait(self):
        pass


def test_a_hot_exchange_is_applied_at_the_next_point_keeping_what_the_threads_added(monkeypatch):
    """The hot rows' allreduce begins at one point and is applied at the next, while the threads
    train: w <- w + (s sum_r d_r - d), d the change up to the point it began."""
    import threading
    import types

    from wordvec.training.distributed import Synchronised
    from wordvec.training.state import Progress

    fake = types.ModuleType("mpi4py")
    fake.MPI = types.SimpleNamespace(IN_PLACE=None, SUM="sum", MAX="max")
    monkeypatch.setitem(sys.modules, "mpi4py", fake)
    weights = Weights(np.zeros((8, 4), np.float32), np.zeros((8, 4), np.float32), None, None)
    rates = [np.array([1.0, 1.0] + [1e-6] * 6)] * 2  # rows 0 and 1 hot: updated at every word
    progress = Progress(np.zeros(1, np.uint64), np.zeros((1, 2)))
    threads = _Threads(weights)
    sync = Synchronised(threads, _FourRanks(), weights, words=1600, syncs=1, progress=progress,
                        stop=threading.Event(), rates=rates, round_words=100)
    assert sync.parts == 16 and [list(h[0]) for h in sync.hot] == [[0, 1], [0, 1]]
    chunk = np.tile(np.arange(2), 50)  # the words of rows 0 and 1: the rows the threads change
    sync.submit(chunk, 0.025, 0.025)  # the first hot exchange begins: its change d = 1
    assert np.all(weights.vectors_in[:2] == 1.0) and len(sync.in_flight) == 2  # not applied yet
    first, tests = sync.in_flight, [r.tests for r in sync.in_flight]
    sync.submit(chunk, 0.025, 0.025)  # the threads add 1 more; the first is applied, the second begins
    assert threads.idle[0] is None and threads.idle[1] is not None  # with one in flight, a waiting submit
    assert all(r.tests > t for r, t in zip(first, tests))  # moves it on
    s = sync.hot[0][1]  # the hot rows' damping
    assert np.allclose(sync.last[0][:2], 4 * s) and np.allclose(sync.last[1][:2], 4 * s)
    assert np.allclose(weights.vectors_in[:2], 4 * s + 1.0) and np.allclose(weights.vectors_out[:2], 4 * s + 1.0)
    assert np.all(weights.vectors_in[2:] == 0.0)
    for _ in range(14):
        sync.submit(chunk, 0.025, 0.025)
    assert sync.in_flight == [] and progress.synced == 0  # the epoch's whole exchange ended it (and the epoch)
    assert np.array_equal(weights.vectors_in, sync.last[0])
