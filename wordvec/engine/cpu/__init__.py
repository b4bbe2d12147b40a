"""The CPU backend: numba kernels run by host threads on shared weights (Hogwild).

``kernel`` gathers each prediction's input and target ids (skip-gram or CBOW),
``output`` is the output layer shared by negative sampling and hierarchical
softmax, ``vecops``, ``mathfn``, ``rng`` and ``sampling`` are the small compiled
pieces they are built from.
"""

from __future__ import annotations

import numpy as np

from wordvec.engine.contract import ChunkResult, Settings, Tables, Weights
from wordvec.engine.cpu.kernel import train_chunk


class CpuBackend:
    """Runs :func:`~wordvec.engine.cpu.kernel.train_chunk` on the host's weights.

    The kernel releases the GIL, so threads calling :meth:`train_chunk` train in
    parallel, without locks, each with its own random stream.
    """

    name = "cpu"

    def __init__(self, weights: Weights, tables: Tables, settings: Settings, states: np.ndarray):
        self.weights, self.tables, self.settings, self.states = weights, tables, settings, states

    def train_chunk(self, chunk: np.ndarray, alpha_start: float, alpha_end: float, stream: int) -> ChunkResult:
        """Train one chunk on the shared weights (see :class:`wordvec.engine.Backend`)."""
        return ChunkResult(*train_chunk(chunk, self.weights, self.tables, self.settings, alpha_start, alpha_end,
                                        self.states, stream))

    def host_weights(self) -> Weights:
        """The weights, which live on the host already."""
        return self.weights
