import numpy as np
import pytest
from numpy.testing import assert_allclose

from wordvec.text.vocab import Vocabulary


def test_counts_sorted_by_frequency_ties_in_order_of_appearance():
    vocab = Vocabulary.from_sentences([["b", "a", "c", "a"], ["c", "d", "a"]])
    assert vocab.words == ["a", "c", "b", "d"]
    assert vocab.counts.tolist() == [3, 2, 1, 1]
    assert vocab.total == 7 and len(vocab) == 4 and "d" in vocab and "z" not in vocab
    assert vocab.encode(["d", "z", "a"]).tolist() == [3, 0]


def test_discard_probability_formula():
    vocab = Vocabulary(["x", "y", "z"], [1_000_000, 10, 1])
    total = 1_000_011
    expected = [max(0.0, 1 - np.sqrt(1e-5 * total / c)) for c in (1_000_000, 10, 1)]
    assert_allclose(vocab.discard_probability(1e-5), expected, rtol=1e-14)
    assert vocab.discard_probability(1e-5)[2] == 0.0  # rare words are always kept


def test_noise_distribution_is_count_to_the_three_quarters():
    vocab = Vocabulary(["x", "y"], [16, 1])
    assert_allclose(vocab.noise_distribution(0.75), [8 / 9, 1 / 9], rtol=1e-14)


def test_duplicate_word_is_refused():
    with pytest.raises(ValueError, match="twice"):
        Vocabulary(["a", "a"], [1, 1])
