"""The CUDA kernel against the float64 reference, run by numba's CUDA simulator.

Run with ``NUMBA_ENABLE_CUDASIM=1`` (CI does; see .ci/run) or on a machine with a
GPU and numba-cuda; otherwise skipped. The kernel here runs in one block, so its
windows come in order and can be replayed one by one with the kernel's own
draws (``engine.cuda.draws``) and the reference losses.
"""

import os
import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose

from tests.conftest import gpu_at_hand, needs_cuda
from wordvec.engine.contract import ARCH_CBOW, ARCH_SKIPGRAM, LOSS_HIERARCHICAL, LOSS_NEGATIVE, Settings, Weights
from wordvec.engine.cpu.rng import new_state, next_u64
from wordvec.engine.tables import build_tables
from wordvec.errors import ParameterError
from wordvec.reference.losses import hierarchical_softmax_loss_and_gradient, neg_sampling_loss_and_gradient

COUNTS = np.array([30, 25, 20, 16, 12, 9, 7, 5, 4, 3, 2, 1])


def replay(chunk, V, U, tables, settings, seed, alpha_start, slope, bags=None):
    """The kernel's windows in order, each one reference step; returns (loss, predictions).
    ``bags``: (indptr, indices) of each word's input rows, whose mean is its input vector and each
    of which gets its whole gradient; None: a word's row alone."""
    from wordvec.engine.cuda.draws import kept, next_noise, reach_of, window_stream

    rows = (lambda w: [w]) if bags is None else (lambda w: list(bags[1][bags[0][w]:bags[0][w + 1]]))

    keep = [w >= 0 and kept(seed, p, tables.keep_prob[w]) for p, w in enumerate(chunk)]
    total, predictions = 0.0, 0
    for p, w in enumerate(chunk):
        if not keep[p]:
            continue
        state, reach = reach_of(window_stream(seed, p), settings.window, settings.shrink_windows)
        context = []
        for step in (-1, 1):
            q, found = p + step, 0
            while 0 <= q < len(chunk) and found < reach and chunk[q] >= 0:
                if keep[q]:
                    context.append(int(chunk[q]))
                    found += 1
                q += step
        if not context:
            continue
        alpha = alpha_start + slope * p
        if settings.loss == LOSS_NEGATIVE:
            drawn = []
            for _ in range(settings.negative):
                state, x = next_noise(state, tables.noise_prob, tables.noise_alias)
                drawn.append(int(x))
            negatives = np.array([x for x in drawn if x != w])
            assert len(set(negatives)) == len(negatives)  # the premise of a joint step: no repeated row
            step = lambda h: neg_sampling_loss_and_gradient(h, w, U, negatives)  # noqa: E731
        else:
            n = tables.lengths[w]
            step = lambda h: hierarchical_softmax_loss_and_gradient(  # noqa: E731
                h, w, U, [c[:n] for c in tables.codes], [q[:n] for q in tables.points])
        vectors = [V[rows(c)].mean(axis=0) for c in context]
        hidden = vectors if settings.arch == ARCH_SKIPGRAM else [np.mean(vectors, axis=0)]
        results = [step(h) for h in hidden]
        U -= alpha * sum(r[2] for r in results)
        scale = 1.0 / len(context) if settings.cbow_mean_gradient else 1.0
        for j, c in enumerate(context):
            for row in rows(c):
                V[row] -= alpha * (results[j][1] if settings.arch == ARCH_SKIPGRAM else scale * results[0][1])
        total += sum(r[0] for r in results)
        predictions += len(hidden)
    return total, predictions


@needs_cuda
@pytest.mark.parametrize("bagged", [False, True], ids=["rows", "bags"])
@pytest.mark.parametrize("loss_kind", [LOSS_NEGATIVE, LOSS_HIERARCHICAL])
@pytest.mark.parametrize("arch", [ARCH_SKIPGRAM, ARCH_CBOW])
def test_kernel_windows_equal_reference_steps(arch, loss_kind, bagged):
    """Bags (subwords): each word's own row and 0-3 of 5 shared n-gram rows, one word's row twice."""
    from wordvec.engine.cuda import CudaBackend

    rng = np.random.default_rng(0)
    n, dim = len(COUNTS), 6
    bags = None
    if bagged:
        members = [[w] + list(n + rng.choice(5, rng.integers(0, 4), replace=False)) for w in range(n)]
        members[1].append(int(members[1][-1]))  # a row twice in one bag (two n-grams hashed alike)
        bags = (np.cumsum([0] + [len(b) for b in members]), np.concatenate(members).astype(np.int64))
    lines = [list(rng.integers(0, n, rng.integers(1, 9))) for _ in range(8)]
    chunk = np.array([w for line in lines for w in line + [-1]], dtype=np.int32)
    keep = np.where(np.arange(n) < 3, 0.6, 1.0)  # the frequent words are sometimes dropped
    tables = build_tables(COUNTS, keep, 0.75, hierarchical=loss_kind == LOSS_HIERARCHICAL)
    settings = Settings(arch, loss_kind, True, 3, True, 1, arch == ARCH_CBOW)  # one noise word: no repeats
    V = rng.normal(scale=0.5, size=(n + (5 if bagged else 0), dim)).astype(np.float32)
    U = rng.normal(scale=0.5, size=(n - 1 if loss_kind == LOSS_HIERARCHICAL else n, dim)).astype(np.float32)
    expected_V, expected_U = V.astype(np.float64), U.astype(np.float64)
    states, V0 = new_state(7), V.copy()
    seed = np.uint64(next_u64(new_state(7), 0))  # the chunk's seed, as the backend draws it
    backend = CudaBackend(Weights(V, U, *(bags or (None, None))), tables, settings, states, blocks=1, warps=1)
    assert (backend.negative is None) == (bagged or loss_kind == LOSS_HIERARCHICAL)  # bags: the general kernel
    result = backend.train_chunk(chunk, 0.05, 0.01, 0)
    weights = backend.host_weights()
    loss, predictions = replay(chunk, expected_V, expected_U, tables, settings, seed, 0.05,
                               (0.01 - 0.05) / len(chunk), bags)
    assert result.words == int(np.count_nonzero(chunk >= 0))
    assert result.predictions == predictions > 0
    assert_allclose(result.loss, loss, rtol=1e-5)
    assert_allclose(weights.vectors_in, expected_V, rtol=1e-5, atol=1e-5 * np.abs(expected_V).max())
    assert_allclose(weights.vectors_out, expected_U, rtol=1e-5, atol=1e-5 * np.abs(expected_U).max())
    assert not np.allclose(weights.vectors_in, V0)  # it trained
    if bagged:  # the n-gram rows trained too
        assert not np.allclose(weights.vectors_in[n:], V0[n:])


@needs_cuda
def test_the_kernels_sigmoid_stays_in_float32_and_is_exact_to_float32():
    """Typed as the kernels type it (numba's rules, compiled here for the CPU): a float32 score gives
    float32 results, so no float64 reaches a window's inner loop; values as the float64 formulas."""
    import math

    from numba import njit

    from wordvec.engine.cuda.kernel import _log_sigmoid_and_sigmoid

    sigmoid = njit(_log_sigmoid_and_sigmoid.py_func)
    xs = np.concatenate([np.linspace(-30, 30, 601), [-1e4, -100.0, 100.0, 1e4]]).astype(np.float32)
    for x in xs:
        log_p, p = sigmoid(x)
        x = float(x)
        want = x - math.log1p(math.exp(x)) if x < 0 else -math.log1p(math.exp(-x))
        assert log_p == pytest.approx(want, rel=1e-6, abs=1e-7)
        assert p == pytest.approx(1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0, rel=1e-6, abs=1e-38)
    assert [str(s.return_type) for s in sigmoid.nopython_signatures] == ["UniTuple(float32 x 2)"]


@needs_cuda
@pytest.mark.parametrize("settings, message", [
    (dict(window=17), "window=17 is above 16"),
    (dict(vector_size=300), "vector_size=300 is above 256"),
    (dict(update="pair"), "update='pair' is not available on device='cuda'"),
    (dict(negative=70), "negative=70 gives 71 targets per window"),
])
def test_what_the_kernel_cannot_train_is_one_line(tmp_path, settings, message):
    from wordvec import Word2Vec

    (tmp_path / "c.txt").write_text("a b c d\nb c d a\n" * 5)
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Word2Vec(min_count=1, device="cuda", progress=False, **settings).fit(tmp_path / "c.txt")


@needs_cuda
def test_weights_larger_than_the_cards_free_memory_are_one_line(tmp_path, monkeypatch):
    """Checked before the first copy: on a card with 300 MiB free, 10,000 n-gram rows of 100 floats fit
    beside the margin left for the chunks (256 MiB); 200,000 do not."""
    from numba import cuda

    from wordvec import Word2Vec

    (tmp_path / "c.txt").write_text("a b c d\nb c d a\n" * 5)
    monkeypatch.setattr(type(cuda.current_context()), "get_memory_info", lambda self: (300 << 20, 4 << 30))
    settings = dict(min_count=1, device="cuda", progress=False, epochs=1, subwords=True, workers=1)
    Word2Vec(**settings, buckets=10_000).fit(tmp_path / "c.txt")
    with pytest.raises(ParameterError, match=r"^device='cuda': the weights and tables need 0\.32 GiB of the card's "
                                             r"memory, and 0\.29 GiB of its 4\.00 GiB are free; lower vector_size"):
        Word2Vec(**settings, buckets=200_000).fit(tmp_path / "c.txt")


def test_numpy_gets_row_stack_back_for_numba_cuda(monkeypatch):
    """numba-cuda 0.30 looks up np.row_stack when a card compiles its first kernel; numpy 2.5 removed it."""
    from wordvec.engine.cuda import restore_row_stack

    monkeypatch.delattr(np, "row_stack", raising=False)
    restore_row_stack()
    assert np.row_stack is np.vstack
    own = np.concatenate  # a numpy that has it keeps its own
    monkeypatch.setattr(np, "row_stack", own, raising=False)
    restore_row_stack()
    assert np.row_stack is own


def test_cuda_without_numba_cuda_or_a_gpu_and_an_unknown_device_are_one_line(tmp_path):
    """In a child without the simulator: no numba-cuda (hidden from the import system), or no GPU."""
    (tmp_path / "c.txt").write_text("a b c d\nb c d a\n" * 5)
    hide = ("import sys, importlib.util as u; real = u.find_spec; "
            "u.find_spec = lambda name, *a: None if name == 'numba_cuda' else real(name, *a); ")
    script = ("from wordvec import Word2Vec\n"
              "try:\n"
              f"    Word2Vec(min_count=1, device='cuda', progress=False).fit({str(tmp_path / 'c.txt')!r})\n"
              "except Exception as exc:\n"
              "    print(type(exc).__name__, exc)\n")
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    out = subprocess.run([sys.executable, "-c", hide + "\n" + script], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == ("ParameterError device='cuda' needs numba-cuda, which is not installed: "
                                  "pip install 'wordvec[cuda]'"), out.stderr
    if not gpu_at_hand():
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
        assert out.stdout.strip().startswith(("ParameterError device='cuda' found no usable CUDA GPU",
                                              "ParameterError device='cuda' needs numba-cuda")), out.stderr
    from wordvec import Word2Vec

    with pytest.raises(ParameterError, match="device='tpu' must be one of"):
        Word2Vec(device="tpu").fit(tmp_path / "c.txt")
