"""Stochastic gradient descent as in the derivation's training loop.

x_{t+1} = x_t - step_t * grad_t,   step_t = step * 0.5 ** floor((t - 1) / anneal_every)

with an exponentially smoothed loss (L_1 = J_1, L_t = 0.95 L_{t-1} + 0.05 J_t) and
a checkpoint of parameters, iteration, smoothed loss and random state every
``checkpoint_every`` iterations.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from wordvec.errors import CheckpointError
from wordvec.io.checkpoints import checkpoint_path, load_latest, prune_checkpoints, save_checkpoint

logger = logging.getLogger("wordvec")
SMOOTHING = 0.95
_PREFIX = "sgd"


@dataclass
class SGDResult:
    """``x``: final parameters; ``loss_history``: smoothed loss after every iteration."""

    x: np.ndarray
    loss_history: np.ndarray

    @property
    def final_loss(self) -> float:
        """The smoothed loss after the last iteration."""
        return float(self.loss_history[-1])


def sgd(
    f: Callable,
    x0: np.ndarray,
    step: float,
    iterations: int,
    *,
    anneal_every: int = 20000,
    in_place: bool = False,
    random_state: np.ndarray | None = None,
    checkpoint_dir: str | os.PathLike | None = None,
    checkpoint_every: int = 5000,
    keep_checkpoints: int = 3,
    resume: bool = False,
    config: dict | None = None,
    progress: Callable[[int, float], None] | None = None,
    progress_every: int = 1000,
) -> SGDResult:
    """Minimise ``f`` from ``x0``.

    Parameters
    ----------
    f : ``f(x) -> (loss, grad)``; with ``in_place=True`` instead
        ``f(x, step) -> loss``, which applies ``x -= step * grad`` itself (compiled
        steps that touch only the rows they need).
    x0 : ndarray, the starting point (not modified)
    step, iterations, anneal_every : the schedule above
    random_state : array that ``f`` draws its random numbers from and updates in
        place; it is saved with each checkpoint and restored on resume, so a
        resumed run ends exactly where an uninterrupted one does.
    checkpoint_dir, checkpoint_every, keep_checkpoints : where, how often, and how
        many of the newest checkpoints to keep.
    resume : continue from the newest readable checkpoint in ``checkpoint_dir``.
    config : JSON-serialisable settings stored in each checkpoint; resuming with
        different settings is refused.
    progress : called as ``progress(iteration, smoothed_loss)`` every
        ``progress_every`` iterations and at the end.
    """
    _check_positive(iterations=iterations, anneal_every=anneal_every, checkpoint_every=checkpoint_every)
    x = np.array(x0, dtype=np.float64)
    history = np.empty(iterations)
    start = 0
    if resume and checkpoint_dir is not None:
        start = _restore(checkpoint_dir, x, history, random_state, config or {})
    smoothed = history[start - 1] if start > 0 else None
    for it in range(start + 1, iterations + 1):
        step_t = step * 0.5 ** ((it - 1) // anneal_every)
        if in_place:
            loss = f(x, step_t)
        else:
            loss, grad = f(x)
            x -= step_t * grad
        smoothed = loss if smoothed is None else SMOOTHING * smoothed + (1 - SMOOTHING) * loss
        history[it - 1] = smoothed
        if checkpoint_dir is not None and (it % checkpoint_every == 0 or it == iterations):
            _save(checkpoint_dir, it, x, history, random_state, config or {}, keep_checkpoints)
        if progress is not None and (it % progress_every == 0 or it == iterations):
            progress(it, smoothed)
    return SGDResult(x=x, loss_history=history)


def _check_positive(**values) -> None:
    for name, value in values.items():
        if int(value) < 1:
            raise ValueError(f"{name}={value} must be a positive integer")


def _save(directory, it, x, history, random_state, config, keep) -> None:
    os.makedirs(directory, exist_ok=True)
    arrays = {"x": x, "loss_history": history[:it]}
    if random_state is not None:
        arrays["random_state"] = random_state
    save_checkpoint(checkpoint_path(directory, _PREFIX, it), arrays, {"iteration": it, "config": config})
    prune_checkpoints(directory, _PREFIX, keep)


def _restore(directory, x, history, random_state, config) -> int:
    """Load the newest good checkpoint into ``x``, ``history``, ``random_state``; its iteration."""
    found = load_latest(directory, _PREFIX)
    if found is None:
        logger.info("no checkpoint in %s; starting from the beginning", directory)
        return 0
    arrays, meta, path = found
    saved_config = meta.get("config", {})
    for key in sorted(set(saved_config) | set(config)):
        if saved_config.get(key) != config.get(key):
            raise CheckpointError(
                f"checkpoint {path} was written with {key}={saved_config.get(key)!r}, "
                f"this run has {key}={config.get(key)!r}"
            )
    it = meta.get("iteration")
    saved_x, saved_history = arrays.get("x"), arrays.get("loss_history")
    if (not isinstance(it, int) or saved_x is None or saved_x.shape != x.shape
            or saved_history is None or saved_history.shape != (it,)):
        raise CheckpointError(f"checkpoint {path} does not match this run's parameters")
    if it > len(history):
        raise CheckpointError(f"checkpoint {path} is at iteration {it}, past iterations={len(history)}")
    if random_state is not None:
        saved_state = arrays.get("random_state")
        if saved_state is None or saved_state.shape != random_state.shape:
            raise CheckpointError(f"checkpoint {path} has no matching random state")
        random_state[...] = saved_state
    x[...] = saved_x
    history[:it] = saved_history
    logger.info("resuming from %s (iteration %d)", path, it)
    return it
