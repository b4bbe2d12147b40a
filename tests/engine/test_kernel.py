"""The training kernel against the reference maths: same vectors, same draws, same steps."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from wordvec.engine.cpu.alias import build_alias
from wordvec.engine.huffman import build_huffman
from wordvec.engine.cpu.rng import new_state
from wordvec.engine.cpu.kernel import (
    ARCH_CBOW,
    ARCH_SKIPGRAM,
    LOSS_HIERARCHICAL,
    LOSS_NEGATIVE,
    draw_negatives,
    train_chunk,
)
from wordvec.reference import (
    hierarchical_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
)

COUNTS = np.array([9, 7, 5, 3, 2, 1])
SENTENCE = [0, 3, 1, 0, 5, 2, 4]
WINDOW, K, ALPHA = 2, 4, 0.05
MODES = {  # name: (arch, per_window, cbow_mean_gradient)
    "skipgram-window": (ARCH_SKIPGRAM, True, False),
    "skipgram-pair": (ARCH_SKIPGRAM, False, False),
    "cbow-word2vec": (ARCH_CBOW, True, False),
    "cbow-mean-gradient": (ARCH_CBOW, True, True),
}


class ReferenceTrainer:
    """The kernel's algorithm written with the float64 reference losses."""

    def __init__(self, loss_kind, vectors_in, vectors_out, state, noise):
        self.loss_kind, self.V, self.U = loss_kind, vectors_in.astype(np.float64), vectors_out.astype(np.float64)
        self.state, self.noise = state, noise
        self.codes, self.points, self.lengths = build_huffman(COUNTS)

    def pair_loss(self, h, target):
        if self.loss_kind == LOSS_HIERARCHICAL:
            L = self.lengths[target]
            return hierarchical_softmax_loss_and_gradient(
                h, target, self.U, [c[:L] for c in self.codes], [p[:L] for p in self.points])
        return neg_sampling_loss_and_gradient(h, target, self.U, self.negatives)

    def step(self, hidden, target):
        """One gradient step of sum_i J(hidden_i, target); returns (loss, dJ/dh_i)."""
        if self.loss_kind == LOSS_NEGATIVE:
            buf = np.empty(K, dtype=np.int64)
            k = draw_negatives(target, K, *self.noise, self.state, 0, buf)
            self.negatives = buf[:k]
        results = [self.pair_loss(h, target) for h in hidden]
        self.U -= ALPHA * sum(r[2] for r in results)
        return sum(r[0] for r in results), [r[1] for r in results]

    def train(self, sentence, arch, per_window, mean_gradient):
        total = 0.0
        for pos, center in enumerate(sentence):
            context = [sentence[j] for j in range(max(0, pos - WINDOW), min(len(sentence), pos + WINDOW + 1))
                       if j != pos]
            if arch == ARCH_CBOW:
                loss, (g,) = self.step([self.V[context].mean(axis=0)], center)
                for c in context:
                    self.V[c] -= ALPHA * g / (len(context) if mean_gradient else 1)
            else:
                batches = [context] if per_window else [[c] for c in context]
                for batch in batches:
                    loss, grads = self.step([self.V[c].copy() for c in batch], center)
                    for c, g in zip(batch, grads):
                        self.V[c] -= ALPHA * g
                    total += loss
                continue
            total += loss
        return total


@pytest.mark.parametrize("loss_kind", [LOSS_NEGATIVE, LOSS_HIERARCHICAL])
@pytest.mark.parametrize("mode", list(MODES))
def test_kernel_steps_equal_reference_steps(mode, loss_kind):
    arch, per_window, mean_gradient = MODES[mode]
    rng = np.random.default_rng(0)
    n, dim = len(COUNTS), 8
    V = rng.normal(scale=0.5, size=(n, dim)).astype(np.float32)
    U = rng.normal(scale=0.5, size=(n - 1 if loss_kind == LOSS_HIERARCHICAL else n, dim)).astype(np.float32)
    noise = build_alias(COUNTS ** 0.75)
    codes, points, lengths = build_huffman(COUNTS)
    reference = ReferenceTrainer(loss_kind, V, U, new_state(5), noise)
    expected_loss = reference.train(SENTENCE, arch, per_window, mean_gradient)

    chunk = np.array(SENTENCE + [-1], dtype=np.int32)
    loss, predictions, words = train_chunk(
        chunk, arch, loss_kind, per_window, WINDOW, False, np.ones(n), V, U, ALPHA, ALPHA, K, *noise,
        codes, points, lengths, mean_gradient, new_state(5), 0)
    assert words == len(SENTENCE)
    assert predictions == (len(SENTENCE) if arch == ARCH_CBOW else 2 * 2 + 2 * 3 + 3 * 4)
    assert_allclose(loss, expected_loss, rtol=1e-5)
    assert_allclose(V, reference.V, rtol=1e-5, atol=1e-5 * np.abs(reference.V).max())
    assert_allclose(U, reference.U, rtol=1e-5, atol=1e-5 * np.abs(reference.U).max())


def test_windows_do_not_cross_line_ends_and_subsampling_drops_words():
    n, dim = 4, 3
    V = np.ones((n, dim), dtype=np.float32)
    U = np.zeros((n, dim), dtype=np.float32)
    noise = build_alias(np.ones(n))
    codes, points, lengths = build_huffman(np.array([4, 3, 2, 1]))
    chunk = np.array([0, -1, 1, -1, 2, 3, -1], dtype=np.int32)  # two one-word lines, then a pair
    _, predictions, words = train_chunk(chunk, ARCH_SKIPGRAM, LOSS_NEGATIVE, True, 5, False, np.ones(n), V, U,
                                        0.1, 0.1, 2, *noise, codes, points, lengths, False, new_state(0), 0)
    assert words == 4 and predictions == 2  # only 2 <-> 3 share a line
    assert np.all(V[:2] == 1.0)  # the lone words were never trained
    keep = np.array([1.0, 1.0, 0.0, 1.0])  # word 2 is always dropped
    _, predictions, _ = train_chunk(chunk, ARCH_SKIPGRAM, LOSS_NEGATIVE, True, 5, False, keep, V, U,
                                    0.1, 0.1, 2, *noise, codes, points, lengths, False, new_state(0), 0)
    assert predictions == 0


def test_negatives_skip_the_target():
    noise = build_alias(np.array([1.0, 1.0]))
    buf = np.empty(1000, dtype=np.int64)
    k = draw_negatives(0, 1000, *noise, new_state(1), 0, buf)
    assert 400 < k < 600 and np.all(buf[:k] == 1)
