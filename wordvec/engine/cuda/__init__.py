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

from wordvec.engine.contract import ARCH_SKIPGRAM, LOSS_HIERARCHICAL, ChunkResult, Settings, Tables, Weights
from wordvec.engine.cpu.rng import next_u64
from wordvec.errors import ParameterError

INSTALL = "pip install 'wordvec[cuda]'"
WARPS = 4  # warps (windows at once) per block of the negative-sampling kernel on a GPU
# Windows in flight per multiprocessor for negative sampling: what dim 100 leaves resident (104
# registers a thread). A build held to 64 registers ran 32 a multiprocessor and diverged on an
# H200, so smaller vectors, which need fewer registers, do not get more windows at once.
RESIDENT_WARPS = 16
MEMORY_MARGIN = 1 << 28  # bytes left free on the card for the chunks in flight and the kernels' own needs


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
    restore_row_stack()
    return cuda


def restore_row_stack() -> None:
    """Give numpy back ``np.row_stack``, which numpy 2.5 removed (always an alias of ``np.vstack``).

    numba-cuda 0.30, in maintenance mode (NVIDIA/numba-cuda#907), registers an overload of it when
    a card compiles its first kernel: without the name, every launch on a GPU failed with an
    AttributeError from inside numba-cuda (the simulator never gets there)."""
    if not hasattr(np, "row_stack"):
        np.row_stack = np.vstack


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


def check_memory(cuda, arrays) -> None:
    """A one-line :class:`ParameterError` when ``arrays`` (what stays on the card for the whole run) and a
    margin for the chunks do not fit the card's free memory, before any copy fails deep inside the driver."""
    need = sum(a.nbytes for a in arrays) + MEMORY_MARGIN
    free, total = cuda.current_context().get_memory_info()
    if need > free:
        gib = 1 << 30
        raise ParameterError(f"device='cuda': the weights and tables need {need / gib:.2f} GiB of the card's memory, "
                             f"and {free / gib:.2f} GiB of its {total / gib:.2f} GiB are free; lower vector_size, "
                             f"buckets or the vocabulary (min_count, max_vocab_size), or use device='cpu'")


class CudaBackend:
    """Trains chunks on one GPU.

    Negative sampling runs ``negative.negative_kernel`` in blocks of ``warps`` warps
    (default 4; 1 on the simulator), ``blocks`` of them (default: 16 warps per multiprocessor);
    hierarchical softmax, and any run with subwords (bags of input rows), runs
    ``kernel.train_windows``, one warp a block (32 per multiprocessor). Rows are changed by
    atomic adds (``atomic_in``, ``atomic_out``), except hierarchical softmax's output rows,
    written plainly by default: with atomic adds, thousands of windows moving the root's
    rows at once diverged on an H200.
    """

    name = "cuda"

    def __init__(self, weights: Weights, tables: Tables, settings: Settings, states: np.ndarray,
                 blocks: int | None = None, warps: int | None = None, atomic_in: bool = True,
                 atomic_out: bool | None = None):
        self.cuda = load_cuda()
        # after load_cuda: they compile for the device or the simulator
        from wordvec.engine.cuda import kernel, negative

        dim = weights.vectors_in.shape[1]
        check_limits(settings, tables, dim)
        hierarchical, self.bags = settings.loss == LOSS_HIERARCHICAL, weights.bag_indptr is not None
        self.kernel = kernel
        self.negative = None if hierarchical or self.bags else \
            negative.negative_kernel(settings.arch == ARCH_SKIPGRAM, settings.negative, dim)
        self.host, self.settings, self.states = weights, settings, states
        self.atomic_in, self.atomic_out = atomic_in, (not hierarchical) if atomic_out is None else atomic_out
        cuda, simulated = self.cuda, os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"
        check_memory(cuda, [a for a in (*weights, *tables) if a is not None])  # bag arrays are None without bags
        self.vectors_in, self.vectors_out = cuda.to_device(weights.vectors_in), cuda.to_device(weights.vectors_out)
        self.tables = Tables(*(cuda.to_device(np.ascontiguousarray(a)) for a in tables))
        # without bags a placeholder the kernel never reads, so that its arguments keep one type
        bags = (weights.bag_indptr, weights.bag_indices) if self.bags else (np.zeros(1, dtype=np.int64),) * 2
        self.bag_indptr, self.bag_indices = (cuda.to_device(np.ascontiguousarray(a, dtype=np.int64)) for a in bags)
        if warps is None:  # the simulator runs a block's threads at once, in no set order
            warps = 1 if simulated or self.negative is None else WARPS
        if blocks is None:
            per_sm = 32 if self.negative is None else max(1, RESIDENT_WARPS // warps)
            blocks = 4 if simulated else cuda.get_current_device().MULTIPROCESSOR_COUNT * per_sm
        self.blocks, self.warps = blocks, warps
        self.streams: dict[int, object] = {}
        # the simulator runs one kernel at a time: host threads take turns there
        self.turns = threading.Lock() if simulated else contextlib.nullcontext()

    def train_chunk(self, chunk: np.ndarray, alpha_start: float, alpha_end: float, stream: int) -> ChunkResult:
        """Copy the chunk to the card on this thread's stream, train it, return its tally."""
        if stream not in self.streams:
            self.streams[stream] = self.cuda.stream()
        s, t, st = self.streams[stream], self.tables, self.settings
        seed = np.uint64(next_u64(self.states, stream))
        ids = self.cuda.to_device(np.ascontiguousarray(chunk, dtype=np.int32), stream=s)
        tally = self.cuda.to_device(np.zeros(2), stream=s)
        slope = (alpha_end - alpha_start) / max(1, len(chunk))
        grid = min(self.blocks, max(1, len(chunk)))
        with self.turns:
            if self.negative is not None:
                counter = self.cuda.to_device(np.zeros(1, dtype=np.int32), stream=s)
                self.negative[grid, self.kernel.WARP * self.warps, s](
                    ids, seed, alpha_start, slope, self.vectors_in, self.vectors_out, t.keep_prob, t.noise_prob,
                    t.noise_alias, st.window, st.shrink_windows, st.cbow_mean_gradient, self.atomic_in,
                    self.atomic_out, tally, counter)
            else:
                self.kernel.train_windows[grid, self.kernel.WARP, s](
                    ids, seed, alpha_start, slope, self.vectors_in, self.vectors_out, self.bag_indptr,
                    self.bag_indices, self.bags, t.keep_prob, t.noise_prob, t.noise_alias, t.codes, t.points,
                    t.lengths, st.arch, st.loss, st.window, st.shrink_windows, st.negative, st.cbow_mean_gradient,
                    self.atomic_in, self.atomic_out, tally)
            loss, predictions = tally.copy_to_host(stream=s)
            s.synchronize()
        return ChunkResult(float(loss), int(predictions), int(np.count_nonzero(chunk >= 0)))

    def host_weights(self) -> Weights:
        """Copy the card's weights into the host arrays the run began with, and return them."""
        self.cuda.synchronize()
        self.vectors_in.copy_to_host(self.host.vectors_in)
        self.vectors_out.copy_to_host(self.host.vectors_out)
        return self.host
