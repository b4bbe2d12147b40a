"""Layer 2: the fast engine. The kernel contract (``contract``), the sampling tables
(``tables``), and one backend per kind of device, each behind :class:`Backend`:

* ``engine.cpu``: numba kernels on host threads (Hogwild);
* ``engine.cuda``: numba-cuda kernels on one GPU, the same contract (imported only when asked for).

Kernels take plain arrays and the contract's NamedTuples, update the weights in
place and return plain numbers; random state is a uint64 array passed in. The
Python code around them (``wordvec.training``) validates input and owns the
loop, schedule, progress and I/O.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from wordvec.engine.contract import ChunkResult, Settings, Tables, Weights
from wordvec.errors import ParameterError


class Backend(Protocol):
    """Trains chunks of word ids on one device, on weights it was opened with.

    ``train_chunk`` may be called from several threads at once, each with its
    own ``stream`` (an index into the random states); ``host_weights`` returns
    the weights as host arrays (for checkpoints and the finished model).
    """

    name: str

    def train_chunk(self, chunk: np.ndarray, alpha_start: float, alpha_end: float,
                    stream: int) -> ChunkResult:
        """Train one chunk of ids (-1 at line ends) with the rate falling from alpha_start to alpha_end."""

    def host_weights(self) -> Weights:
        """The weights as host arrays (for checkpoints and the fitted model)."""


def open_backend(device: str, weights: Weights, tables: Tables, settings: Settings,
                 states: np.ndarray) -> Backend:
    """The backend for ``device``; ``states`` (uint64, one per stream) are the random generators."""
    if device == "cpu":
        from wordvec.engine.cpu import CpuBackend

        return CpuBackend(weights, tables, settings, states)
    if device == "cuda":
        from wordvec.engine.cuda import CudaBackend

        return CudaBackend(weights, tables, settings, states)
    raise ParameterError(f"device={device!r} must be one of 'cpu', 'cuda'")
