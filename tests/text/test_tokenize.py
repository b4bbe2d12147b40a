import numpy as np

from wordvec.text.tokenize import WordTable


def tiny_table():
    """A table so small that every new word makes it grow."""
    table = WordTable()
    table.slots = np.full(2, -1, dtype=np.int64)
    table.hashes, table.offsets, table.counts = (np.zeros(1, np.uint64), np.zeros(2, np.int64),
                                                 np.zeros(1, np.int64))
    table.arena = np.zeros(1, np.uint8)
    return table


def test_ids_in_order_of_first_appearance_with_line_ends():
    table = WordTable()
    ids = table.encode(b"b a  b\n\n\t c\r\nb\x0bd\x0ca")
    assert ids.tolist() == [0, 1, 0, -1, 2, -1, 0, 3, 1, -1]
    assert table.words() == ["b", "a", "c", "d"]
    assert table.counts[: table.n_words].tolist() == [3, 2, 1, 1]


def test_growing_mid_line_keeps_lines_and_words_whole():
    text = "alpha beta\ngamma alpha delta \u00e9t\u00e9 epsilon\n\nbeta " + "long" * 300 + "\n"
    grown, roomy = tiny_table(), WordTable()
    assert grown.encode(text.encode()).tolist() == roomy.encode(text.encode()).tolist()
    assert grown.words() == roomy.words() == text.split()[:3] + ["delta", "\u00e9t\u00e9", "epsilon", "long" * 300]


def test_many_words_match_a_python_dictionary():
    rng = np.random.default_rng(0)
    words = [f"w{int(x)}" for x in rng.zipf(1.3, size=20000) % 5000]
    lines = [" ".join(words[i:i + 17]) for i in range(0, len(words), 17)]
    table = WordTable()
    ids = np.concatenate([table.encode(("\n".join(lines[k:k + 100]) + "\n").encode())
                          for k in range(0, len(lines), 100)])
    expected = {}
    flat = [expected.setdefault(w, len(expected)) for w in words]
    assert ids[ids >= 0].tolist() == flat
    assert table.words() == list(expected)
    assert (ids == -1).sum() == len(lines)


def test_merging_tables_equals_encoding_their_texts_in_one_table():
    """Merging maps every id of the other table to the word's id here, adds its counts and
    learns its new words in its order, also when every merged word makes the table grow."""
    rng = np.random.default_rng(1)
    first = " ".join(f"w{int(x)}" for x in rng.zipf(1.2, size=3000) % 700) + "\n"
    second = " ".join(f"w{int(x)}" for x in rng.zipf(1.2, size=3000) % 900) + " " + "long" * 300 + "\n"
    whole = WordTable()
    expected = whole.encode((first + second).encode())
    for merged in (WordTable(), tiny_table()):
        merged.encode(first.encode())
        other = WordTable()
        other_ids = other.encode(second.encode())
        mapping = merged.merge(other)
        assert merged.words() == whole.words()
        assert merged.counts[:merged.n_words].tolist() == whole.counts[:whole.n_words].tolist()
        assert mapping[other_ids[other_ids >= 0]].tolist() == expected[len(first.split()) + 1:][:-1].tolist()


def test_words_of_chosen_ids_in_any_order_with_an_arena_full_to_its_last_byte():
    table = WordTable()
    text = "zebra \u00e9t\u00e9 a \u65e5\u672c\u8a9e zebra b"
    table.encode(text.encode())
    table.arena = table.arena[: table.arena_used].copy()  # the last word ends at the arena's last byte
    assert table.words() == ["zebra", "\u00e9t\u00e9", "a", "\u65e5\u672c\u8a9e", "b"]
    assert table.words([4, 0, 3, 3]) == ["b", "zebra", "\u65e5\u672c\u8a9e", "\u65e5\u672c\u8a9e"]
    assert table.words(np.array([1])) == ["\u00e9t\u00e9"]
    assert table.words([]) == []
