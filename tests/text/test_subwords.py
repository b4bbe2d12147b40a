"""Character n-grams and fastText's hash (text.subwords)."""

import numpy as np
import pytest

from wordvec.errors import ParameterError
from wordvec.text.subwords import EOS, Ngrams, fnv1a, mean_of_bags


def fnv1a_as_in_c(text: str) -> int:
    """fastText's Dictionary::hash, transcribed: uint32 arithmetic, each byte an int8_t."""
    h = 2166136261
    for byte in text.encode():
        signed = byte - 256 if byte >= 128 else byte
        h = ((h ^ (signed & 0xFFFFFFFF)) * 16777619) & 0xFFFFFFFF
    return h


@pytest.mark.parametrize("text", ["", "a", "<wh", "where>", "caf\u00e9", "\u65e5\u672c\u8a9e", "\U0001f600x", "z" * 70])
def test_the_hash_is_fasttexts_with_signed_bytes(text):
    assert fnv1a(text) == fnv1a_as_in_c(text)


def test_the_trigrams_of_where_are_the_papers():
    """Bojanowski et al. (2017), section 3.2: 'where' with n = 3 is <wh, whe, her, ere, re>."""
    assert Ngrams(3, 3, 10).strings("where") == ["<wh", "whe", "her", "ere", "re>"]
    grams = Ngrams(3, 6, 10).strings("where")
    assert "<where" in grams and "where>" in grams and "<" not in grams and len(grams) == len(set(grams))


def test_ngrams_count_characters_not_bytes():
    assert Ngrams(2, 2, 10).strings("\u00e9t\u00e9") == ["<\u00e9", "\u00e9t", "t\u00e9", "\u00e9>"]
    assert len(Ngrams(2, 2, 10).buckets_of("\u00e9t\u00e9")) == 4


def test_bags_hold_the_word_row_then_its_buckets_after_the_words():
    ngrams = Ngrams(3, 4, 50)
    words = ["where", "a", EOS]
    indptr, indices = ngrams.bags(words)
    assert list(np.diff(indptr)) == [1 + len(ngrams.strings("where")), 1 + len(ngrams.strings("a")), 1]
    assert indices[0] == 0 and indices[indptr[1]] == 1 and indices[indptr[2]] == 2  # own rows first
    expected = [3 + fnv1a_as_in_c(g) % 50 for g in ngrams.strings("where")]
    assert list(indices[1:indptr[1]]) == expected
    assert list(ngrams.buckets_of("where")) == [e - 3 for e in expected]


def test_a_word_too_short_for_min_n_has_no_ngrams():
    assert Ngrams(5, 6, 10).strings("ab") == [] and len(Ngrams(5, 6, 10).buckets_of("ab")) == 0


def test_mean_of_bags_averages_rows_and_leaves_empty_bags_zero():
    matrix = np.arange(12, dtype=np.float32).reshape(4, 3)
    out = mean_of_bags(matrix, np.array([0, 2, 2, 3]), np.array([0, 3, 1]))
    assert np.array_equal(out, np.stack([(matrix[0] + matrix[3]) / 2, np.zeros(3), matrix[1]]))


@pytest.mark.parametrize("args, message", [
    ((3, 6, 0), "buckets=0 must be at least 1 when words have n-grams"),
    ((-1, 6, 10), "min_n=-1 must be from 0 to 64"),
    ((3, 65, 10), "max_n=65 must be from 0 to 64"),
])
def test_impossible_settings_are_one_line_errors(args, message):
    with pytest.raises(ParameterError, match=f"^{message}"):
        Ngrams(*args)
