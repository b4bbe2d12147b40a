"""The CUDA backend: numba-cuda kernels on one GPU, fed chunk by chunk.

The weights and the tables live on the card for the whole run; the corpus does
not. Each chunk of word ids is copied to the card when its turn comes, so a
corpus of any size trains, and every host thread of the executor owns a CUDA
stream, so one stream's copy overlaps another's kernel. Subsampling, windows,
negatives, the learning rate of each word and the loss tally are computed on
the card (``kernel``, ``draws``). numba-cuda is imported only here, only when
``device='cuda'`` is asked for.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import threading
import warnings

import numpy as np

from wordvec.engine.contract import LOSS_HIERARCHICAL, ChunkResult, Settings, Tables, Weights
from wordvec.engine.cpu.rng import next_u64
from wordvec.errors import ParameterError

INSTALL = "pip install 'wordvec[cuda]'"


def load_cuda():
    """numba's cuda module, or a one-line :class:`ParameterError` saying what is missing."""
    simulated = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"
    if not simulated and importlib.util.find_spec("numba_cuda") is None:
        raise ParameterError(f"device='cuda' needs numba-cuda, which is not installed: {INSTALL}")
    from numba import cuda

    if simulated:  # the draws run as Python on numpy integers, which warn where uint64 arithmetic wraps (as meant)
        warnings.filterwarnings("ignore", "overflow encountered", RuntimeWarning, r"wordvec\.engine\.cuda\.draws")
    if not simulated and not cuda.is_available():
        raise ParameterError("device='cuda' found no usable CUDA GPU (no NVIDIA driver, or no device visible "
                             "to this process); use device='cpu'")
    return cuda


def check_limits(settings: Settings, tables: Tables, dim: int) -> None:
    """What the kernel's fixed-size buffers allow, each as a one-line error."""
    from wordvec.engine.cuda.kernel import MAX_DIM, MAX_TARGETS, MAX_WINDOW

    if dim > MAX_DIM:
        raise ParameterError(f"vector_size={dim} is above {MAX_DIM}, the largest device='cuda' trains")
    if settings.window > MAX_WINDOW:
        raise ParameterError(f"window={settings.window} is above {MAX_WINDOW}, the largest device='cuda' trains")
    if not settings.per_window:
        raise ParameterError("update='pair' is not available on device='cuda'; use update='window'")
    targets = int(tables.lengths.max()) if settings.loss == LOSS_HIERARCHICAL else settings.negative + 1
    if targets > MAX_TARGETS:
        what = "the Huffman tree's depth" if settings.loss == LOSS_HIERARCHICAL else f"negative={settings.negative}"
        raise ParameterError(f"{what} gives {targets} targets per window, above the {MAX_TARGETS} device='cuda' allows")


class CudaBackend:
    """Trains chunks on one GPU; ``blocks``: windows in flight at once (default 32 per multiprocessor).

    ``hierarchical=True`` lets the kernel train hierarchical softmax, which it does
    exactly step by step (tests/engine/test_cuda.py) but which diverged on an H200
    at full occupancy, so :class:`~wordvec.Word2Vec` does not offer it yet.
    """

    name = "cuda"

    def __init__(self, weights: Weights, tables: Tables, settings: Settings, states: np.ndarray,
                 blocks: int | None = None, atomic: bool = True, hierarchical: bool = False):
        if settings.loss == LOSS_HIERARCHICAL and not hierarchical:
            raise ParameterError("loss='hierarchical' is not available on device='cuda' yet: on a card, thousands "
                                 "of windows updating the root's rows at once diverge; use loss='negative' or "
                                 "device='cpu'")
        self.cuda = load_cuda()
        from wordvec.engine.cuda import kernel  # after load_cuda: it compiles for the device or the simulator

        self.kernel = kernel
        if weights.bag_indptr is not None:
            raise ParameterError("subword bags are not available on device='cuda' yet; use device='cpu'")
        check_limits(settings, tables, weights.vectors_in.shape[1])
        cuda = self.cuda
        self.host, self.settings, self.states, self.atomic = weights, settings, states, atomic
        self.vectors_in, self.vectors_out = cuda.to_device(weights.vectors_in), cuda.to_device(weights.vectors_out)
        self.tables = Tables(*(cuda.to_device(np.ascontiguousarray(a)) for a in tables))
        if blocks is None:
            blocks = 4 if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1" else \
                cuda.get_current_device().MULTIPROCESSOR_COUNT * 32
        self.blocks = blocks
        self.streams: dict[int, object] = {}
        # the simulator runs one kernel at a time: host threads take turns there
        self.turns = threading.Lock() if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1" else contextlib.nullcontext()

    def train_chunk(self, chunk: np.ndarray, alpha_start: float, alpha_end: float, stream: int) -> ChunkResult:
        """Copy the chunk to the card on this thread's stream, train it, return its tally."""
        if stream not in self.streams:
            self.streams[stream] = self.cuda.stream()
        s, t, st = self.streams[stream], self.tables, self.settings
        seed = np.uint64(next_u64(self.states, stream))
        ids = self.cuda.to_device(np.ascontiguousarray(chunk, dtype=np.int32), stream=s)
        tally = self.cuda.to_device(np.zeros(2), stream=s)
        slope = (alpha_end - alpha_start) / max(1, len(chunk))
        with self.turns:
            self.kernel.train_windows[min(self.blocks, max(1, len(chunk))), self.kernel.WARP, s](
                ids, seed, alpha_start, slope, self.vectors_in, self.vectors_out, t.keep_prob, t.noise_prob,
                t.noise_alias, t.codes, t.points, t.lengths, st.arch, st.loss, st.window, st.shrink_windows,
                st.negative, st.cbow_mean_gradient, self.atomic, tally)
            loss, predictions = tally.copy_to_host(stream=s)
            s.synchronize()
        return ChunkResult(float(loss), int(predictions), int(np.count_nonzero(chunk >= 0)))

    def host_weights(self) -> Weights:
        """Copy the card's weights into the host arrays the run began with, and return them."""
        self.cuda.synchronize()
        self.vectors_in.copy_to_host(self.host.vectors_in)
        self.vectors_out.copy_to_host(self.host.vectors_out)
        return self.host
