import numpy as np
import pytest

from wordvec import KeyedVectors
from wordvec.errors import DataError
from wordvec.vectors.evaluate import analogy, dataset_path, report, word_pairs

gensim = pytest.importorskip("gensim", reason="gensim is needed to compare evaluations against it")


@pytest.fixture(scope="module")
def vectors():
    """Vectors with structure: the analogy set's words placed so that offsets recur."""
    rng = np.random.default_rng(0)
    words, seen = [], set()
    for line in dataset_path("analogies").read_text().splitlines():
        if not line.startswith(":"):
            for w in line.split():
                if w.lower() not in seen:
                    seen.add(w.lower())
                    words.append(w.lower())
    words += [f"filler{i}" for i in range(500)]
    words.insert(3, words[0].upper())  # a second casing: the first, more frequent one must win
    base = rng.normal(size=(len(words), 30)).astype(np.float32)
    offset = rng.normal(size=30).astype(np.float32)
    half = len(words) // 2
    base[1:half:2] = base[0:half - 1:2] + offset * 0.8  # pairs related by one offset
    return KeyedVectors(words, base)


def as_gensim(kv):
    g = gensim.models.KeyedVectors(kv.vector_size)
    g.add_vectors(kv.words, kv.vectors)
    return g


@pytest.mark.parametrize("restrict_vocab", [300, 30000])
def test_analogy_equals_gensim(vectors, restrict_vocab):
    ours = analogy(vectors, restrict_vocab=restrict_vocab)
    score, sections = as_gensim(vectors).evaluate_word_analogies(
        str(dataset_path("analogies")), restrict_vocab=restrict_vocab)
    assert [s.name for s in ours.sections] == [s["section"] for s in sections[:-1]]
    for mine, theirs in zip(ours.sections + [ours.total], sections):
        assert (mine.correct, mine.incorrect) == (len(theirs["correct"]), len(theirs["incorrect"]))
    assert ours.accuracy == pytest.approx(score, abs=1e-9)
    assert ours.total.correct > 0


def gensim_cosmul_counts(kv, restrict_vocab):
    """gensim's evaluation loop with most_similar_cosmul (its evaluate_word_analogies
    accepts similarity_function but, in gensim 4.4, always uses most_similar)."""
    g = as_gensim(kv)
    ok = {w.upper(): g.get_index(w) for w in reversed(g.index_to_key[:restrict_vocab])}
    correct = incorrect = 0
    for line in dataset_path("analogies").read_text().splitlines():
        words = line.upper().split()
        if line.startswith(":") or len(words) != 4 or not all(w in ok for w in words):
            continue
        a, b, c, expected = words
        original, g.key_to_index = g.key_to_index, ok
        sims = g.most_similar_cosmul(positive=[b, c], negative=[a], topn=5)
        g.key_to_index = original
        predicted = None
        for word, _ in sims:
            predicted = word.upper()
            if predicted in ok and predicted not in {a, b, c}:
                break
        correct, incorrect = correct + (predicted == expected), incorrect + (predicted != expected)
    return correct, incorrect


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("restrict_vocab", [300, 30000])
def test_cosmul_analogy_equals_gensim_cosmul(vectors, restrict_vocab):
    total = analogy(vectors, restrict_vocab=restrict_vocab, method="3cosmul").total
    assert (total.correct, total.incorrect) == gensim_cosmul_counts(vectors, restrict_vocab)
    assert total.correct > 0


@pytest.mark.parametrize("name", ["ws353", "simlex999"])
def test_word_pairs_equal_gensim(vectors, name):
    ours = word_pairs(vectors, dataset_path(name))
    pearson, spearman, oov = as_gensim(vectors).evaluate_word_pairs(str(dataset_path(name)))
    assert ours.pearson == pytest.approx(pearson[0], abs=1e-9)
    assert ours.spearman == pytest.approx(spearman[0], abs=1e-9)
    assert ours.oov_ratio == pytest.approx(oov, abs=1e-9)


def test_skipped_questions_are_counted(tmp_path):
    kv = KeyedVectors(["a", "b", "c", "d"], np.eye(4, dtype=np.float32))
    path = tmp_path / "q.txt"
    path.write_text(": one\na b c d\na b c zzz\n: two\nA B C D\n")
    result = analogy(kv, path)
    assert [(s.name, s.skipped) for s in result.sections] == [("one", 1), ("two", 0)]
    assert result.total.correct + result.total.incorrect == 2


def test_report_and_errors(vectors, tmp_path):
    figures = report(vectors)
    assert set(figures) == {"analogy", "ws353", "simlex999"}
    with pytest.raises(DataError, match="does not exist"):
        word_pairs(vectors, tmp_path / "missing.tsv")
    (tmp_path / "none.tsv").write_text("zzz\tyyy\t1.0\n")
    with pytest.raises(DataError, match="no pair with both words"):
        word_pairs(vectors, tmp_path / "none.tsv")
    with pytest.raises(ValueError, match="method='x'"):
        analogy(vectors, method="x")


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_a_zero_row_neither_breaks_nor_wins_an_evaluation(tmp_path, method):
    """The zero row once divided by zero here but not in most_similar; now both use one scorer."""
    words = ["a", "b", "c", "d", "zero"]
    vectors = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [0, 0, 0]], dtype=np.float32)
    path = tmp_path / "q.txt"
    path.write_text(": s\na b c d\nb a d c\n")
    with np.errstate(all="raise"):
        result = analogy(KeyedVectors(words, vectors), path, restrict_vocab=10, method=method)
    assert result.total.correct == 2
