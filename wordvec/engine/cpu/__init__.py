"""The CPU backend: numba kernels run by host threads on shared weights (Hogwild).

``kernel`` gathers each prediction's input and target ids (skip-gram or CBOW),
``output`` is the output layer shared by negative sampling and hierarchical
softmax, ``vecops``, ``mathfn``, ``rng`` and ``sampling`` are the small compiled
pieces they are built from.
"""

from __future__ import annotations

import threading

import numpy as np

from wordvec.engine.contract import ChunkResult, Settings, Tables, Weights
from wordvec.engine.cpu.kernel import top_copy, train_chunk
from wordvec.llvm_pages import release_llvm_pages


class CpuBackend:
    """Runs :func:`~wordvec.engine.cpu.kernel.train_chunk` on the host's weights.

    The kernel releases the GIL, so threads calling :meth:`train_chunk` train in
    parallel, each with its own random stream, on shared rows without locks; under
    hierarchical softmax each of several threads trains the top nodes
    (``Settings.top_rows``) in a copy of its own and adds its share of the change at
    a chunk's end, holding a lock (``engine/cpu/output.py``). Opening the backend
    loads the run's kernel (a call on no words) and then hands LLVM's pages back to
    the OS (``wordvec/llvm_pages.py``): the epochs run no LLVM code.
    """

    name = "cpu"

    def __init__(self, weights: Weights, tables: Tables, settings: Settings, states: np.ndarray):
        self.weights, self.tables, self.settings, self.states = weights, tables, settings, states
        rows = settings.top_rows if len(states) > 1 else 0  # one thread shares its rows with nobody
        self.top = [top_copy(weights.vectors_out, rows) for _ in range(len(states))]
        self.lock = threading.Lock()
        train_chunk(np.empty(0, dtype=np.int32), weights, tables, settings, 0.0, 0.0, states, 0, self.top[0])
        release_llvm_pages()

    def train_chunk(self, chunk: np.ndarray, alpha_start: float, alpha_end: float, stream: int) -> ChunkResult:
        """Train one chunk on the shared weights (see :class:`wordvec.engine.Backend`)."""
        return ChunkResult(*train_chunk(chunk, self.weights, self.tables, self.settings, alpha_start, alpha_end,
                                        self.states, stream, self.top[stream], self.lock, len(self.states)))

    def host_weights(self) -> Weights:
        """The weights, which live on the host already."""
        return self.weights
