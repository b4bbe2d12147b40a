"""The CPU kernel's training algorithm in float64 numpy, built on the reference losses.

:class:`ReferenceTrainer` trains a chunk of word ids as ``engine.cpu.kernel``
does, step by step: the same subsampling, window sizes, learning rate of each
word and negatives. It draws its random numbers from the kernel's own generator
(``engine.cpu.rng``, ``engine.cpu.sampling``) in the same order (a window's
negatives ``kernel.LEAD`` words before its window size), so from the same
state both take the very same steps, and the kernel's float32 weights can be compared
with these float64 ones. It is slow and meant for tests and teaching.
"""

from __future__ import annotations

import numpy as np

from wordvec.engine.contract import ARCH_CBOW, LOSS_HIERARCHICAL, Settings, Tables
from wordvec.engine.cpu.kernel import LEAD
from wordvec.engine.cpu.rng import randint, uniform
from wordvec.engine.cpu.sampling import draw_packed
from wordvec.reference.losses import hierarchical_softmax_loss_and_gradient, neg_sampling_loss_and_gradient


class ReferenceTrainer:
    """Train ``vectors_in`` and ``vectors_out`` (copied to float64) as the kernel would.

    Parameters
    ----------
    vectors_in, vectors_out : ndarray of shape (n_words, dim) and (n_output_rows, dim)
    tables : engine.contract.Tables, the sampling tables
    settings : engine.contract.Settings, what to train
    state : ndarray of uint64, the random generator (stream 0 is used), advanced in place
    """

    def __init__(self, vectors_in: np.ndarray, vectors_out: np.ndarray, tables: Tables, settings: Settings,
                 state: np.ndarray):
        self.V, self.U = vectors_in.astype(np.float64), vectors_out.astype(np.float64)
        self.tables, self.settings, self.state = tables, settings, state

    def train_chunk(self, chunk: np.ndarray, alpha_start: float, alpha_end: float) -> tuple[float, int, int]:
        """One chunk (ids, -1 at line ends); returns ``(loss_sum, n_predictions, n_words)``.

        The word at raw position p gets alpha_start + p (alpha_end - alpha_start) / n_words.
        """
        slope = (alpha_end - alpha_start) / max(1, int(np.count_nonzero(chunk >= 0)))
        total, predictions, done = 0.0, 0, 0
        for line in _lines(chunk):
            kept = [w for w in line if self.tables.keep_prob[w] >= 1.0
                    or uniform(self.state, 0) < self.tables.keep_prob[w]]
            per_kept = len(line) / max(len(kept), 1)
            negatives = [self._negatives(w) for w in kept[:LEAD]]  # of each kept word, drawn LEAD ahead
            for pos, center in enumerate(kept):
                if pos + LEAD < len(kept):
                    negatives.append(self._negatives(kept[pos + LEAD]))
                alpha = alpha_start + slope * (done + pos * per_kept)
                window = self.settings.window
                reach = window - randint(self.state, 0, window) if self.settings.shrink_windows else window
                context = [kept[j] for j in range(max(0, pos - reach), min(len(kept), pos + reach + 1)) if j != pos]
                if context:
                    total += self._window(center, context, alpha, negatives[pos])
                    predictions += 1 if self.settings.arch == ARCH_CBOW else len(context)
            done += len(line)
        return total, predictions, done

    def _window(self, center: int, context: list[int], alpha: float, negatives: np.ndarray | None) -> float:
        """The steps of one window (its first with ``negatives``, any later one drawing its own);
        returns their loss."""
        if self.settings.arch == ARCH_CBOW:
            loss, (g,) = self._step([self.V[context].mean(axis=0)], center, alpha, negatives)
            for c in context:
                self.V[c] -= alpha * g / (len(context) if self.settings.cbow_mean_gradient else 1)
            return loss
        total = 0.0
        for b, batch in enumerate([context] if self.settings.per_window else [[c] for c in context]):
            if b > 0:
                negatives = self._negatives(center)
            loss, grads = self._step([self.V[c].copy() for c in batch], center, alpha, negatives)
            for c, g in zip(batch, grads):
                self.V[c] -= alpha * g
            total += loss
        return total

    def _negatives(self, target: int) -> np.ndarray | None:
        """The noise words of a prediction of ``target`` (None under hierarchical softmax)."""
        if self.settings.loss == LOSS_HIERARCHICAL:
            return None
        t = self.tables
        drawn = [draw_packed(t.noise_packed, self.state, 0) for _ in range(self.settings.negative)]
        return np.array([w for w in drawn if w != target], dtype=np.int64)

    def _step(self, hidden: list[np.ndarray], target: int, alpha: float,
              negatives: np.ndarray | None) -> tuple[float, list[np.ndarray]]:
        """One gradient step of sum_i J(hidden_i, target) on U; returns (loss, [dJ/dh_i])."""
        t = self.tables
        if self.settings.loss == LOSS_HIERARCHICAL:
            n = t.lengths[target]
            results = [hierarchical_softmax_loss_and_gradient(h, target, self.U, [c[:n] for c in t.codes],
                                                              [p[:n] for p in t.points]) for h in hidden]
        else:
            results = [neg_sampling_loss_and_gradient(h, target, self.U, negatives) for h in hidden]
        self.U -= alpha * sum(r[2] for r in results)
        return sum(r[0] for r in results), [r[1] for r in results]


def _lines(chunk: np.ndarray) -> list[list[int]]:
    """The lines of a chunk (a last line without its -1 included)."""
    lines, line = [], []
    for w in chunk:
        if w < 0:
            lines.append(line)
            line = []
        else:
            line.append(int(w))
    return lines + ([line] if line else [])
