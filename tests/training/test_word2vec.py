import gzip

import numpy as np
import pytest

from wordvec import Word2Vec
from wordvec.errors import DataError


def topic_corpus(n_sentences=3000, seed=0):
    """Three topics of 20 words; each sentence draws its words from one topic."""
    rng = np.random.default_rng(seed)
    topics = [[f"{name}{i}" for i in range(20)] for name in ("red", "sea", "cpu")]
    return [[str(w) for w in rng.choice(topics[rng.integers(3)], size=rng.integers(5, 15))]
            for _ in range(n_sentences)]


CORPUS = topic_corpus()
FAST = dict(vector_size=20, min_count=1, epochs=3, progress=False, sample=0)


def cosine(kv, a, b):
    x, y = kv[a], kv[b]
    return float(x @ y / np.linalg.norm(x) / np.linalg.norm(y))


@pytest.mark.parametrize("loss", ["negative", "hierarchical"])
@pytest.mark.parametrize("arch, update", [("skipgram", "window"), ("skipgram", "pair"), ("cbow", "window")])
def test_learns_the_topics(arch, update, loss):
    model = Word2Vec(arch=arch, update=update, loss=loss, workers=1, **FAST).fit(CORPUS)
    within = np.mean([cosine(model.wv, f"red{i}", f"red{i + 1}") for i in range(10)])
    across = np.mean([cosine(model.wv, f"red{i}", f"cpu{i}") for i in range(10)])
    assert within > across + 0.3, (within, across)
    assert model.wv.vectors.shape == (60, 20) and model.wv.vectors.dtype == np.float32


@pytest.mark.parametrize("loss, device, update, per_window", [
    ("hierarchical", "cpu", "auto", False), ("negative", "cpu", "auto", True), ("hierarchical", "cuda", "auto", True),
    ("hierarchical", "cpu", "window", True), ("negative", "cpu", "pair", False)])
def test_auto_update_is_a_step_per_pair_under_hierarchical_softmax_on_the_cpu(loss, device, update, per_window):
    model = Word2Vec(loss=loss, device=device, update=update)
    assert model.update == update and model._kernel_settings().per_window is per_window


def test_constructor_stores_and_fit_returns_self():
    model = Word2Vec(window=3, alpha=None, callbacks=())
    assert model.window == 3 and model.alpha is None and not hasattr(model, "wv")
    fitted = Word2Vec(workers=1, **FAST)
    assert fitted.fit(CORPUS) is fitted
    assert fitted.vocab_.total == sum(map(len, CORPUS))
    assert fitted.words_per_second_ > 0


def test_loss_falls_across_epochs():
    model = Word2Vec(workers=1, **{**FAST, "epochs": 4}).fit(CORPUS)
    history = model.loss_history_
    assert len(history) == 4 and all(b < a for a, b in zip(history, history[1:])), history


def test_one_worker_is_deterministic_and_seeded():
    a = Word2Vec(workers=1, seed=3, **FAST).fit(CORPUS)
    b = Word2Vec(workers=1, seed=3, **FAST).fit(CORPUS)
    c = Word2Vec(workers=1, seed=4, **FAST).fit(CORPUS)
    assert np.array_equal(a.wv.vectors, b.wv.vectors)
    assert a.loss_history_ == b.loss_history_
    assert not np.array_equal(a.wv.vectors, c.wv.vectors)


def test_loss_agrees_between_one_and_two_threads():
    corpus = topic_corpus(20000, seed=1)
    one = Word2Vec(workers=1, **FAST).fit(corpus).loss_history_
    two = Word2Vec(workers=2, **FAST).fit(corpus).loss_history_
    np.testing.assert_allclose(two, one, rtol=0.03)


def test_callbacks_see_each_epoch():
    seen = []
    model = Word2Vec(workers=1, callbacks=[lambda m, loss: seen.append((m, loss))], **FAST).fit(CORPUS)
    assert [s[0] for s in seen] == [model] * 3
    assert [s[1] for s in seen] == model.loss_history_


def test_every_corpus_form_gives_the_same_vocabulary(tmp_path):
    text = "\n".join(" ".join(s) for s in CORPUS[:500]) + "\n"
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "part1.txt").write_text(text)
    with gzip.open(tmp_path / "c.txt.gz", "wt") as f:
        f.write(text)
    forms = [CORPUS[:500], tmp_path / "c.txt.gz", str(tmp_path / "dir"), [tmp_path / "dir" / "part1.txt"]]
    vocabs = [Word2Vec(workers=1, **{**FAST, "epochs": 1}).fit(form).vocab_ for form in forms]
    for vocab in vocabs[1:]:
        assert vocab.words == vocabs[0].words and vocab.counts.tolist() == vocabs[0].counts.tolist()


@pytest.mark.parametrize("params, message", [
    ({"window": 0}, "window=0 must be an integer >= 1"),
    ({"vector_size": -1}, "vector_size=-1 must be an integer >= 1"),
    ({"arch": "skip"}, "arch='skip' must be one of 'skipgram', 'cbow'"),
    ({"negative": 0}, 'negative=0 must be an integer >= 1 with loss="negative"'),
    ({"loss": "softmax"}, "loss='softmax' must be one of 'negative', 'hierarchical'"),
    ({"alpha": 0.0}, "alpha=0.0 must be a number > 0.0 and <= 1.0 or None"),
    ({"sample": -1e-3}, "sample=-0.001 must be a number >= 0.0"),
    ({"epochs": 1.5}, "epochs=1.5 must be an integer >= 1"),
    ({"workers": 0}, "workers=0 must be an integer >= 1 and <= 1024 or None"),
    ({"shrink_windows": 1}, "shrink_windows=1 must be True or False"),
    ({"update": "batch"}, "update='batch' must be one of 'auto', 'window', 'pair'"),
    ({"callbacks": [3]}, "callbacks=\\[3\\] must be a sequence of callables"),
])
def test_invalid_parameters_are_named_before_any_work(params, message):
    with pytest.raises(ValueError, match=message):
        Word2Vec(**params).fit("/no/such/corpus")  # the parameter is reported, not the path


def test_hierarchical_softmax_needs_no_negatives():
    Word2Vec(loss="hierarchical", negative=0, workers=1, **{**FAST, "epochs": 1}).fit(CORPUS)


@pytest.mark.parametrize("make_corpus, error, message", [
    (lambda d: [[], []], DataError, "the corpus is empty"),
    (lambda d: [["a", "b"]], DataError, "no word reaches min_count=5"),
    (lambda d: (s for s in CORPUS), TypeError, "one-shot iterator"),
])
def test_bad_corpus_is_refused_before_training(tmp_path, make_corpus, error, message):
    calls = []
    model = Word2Vec(min_count=5, progress=False, callbacks=[lambda m, loss: calls.append(loss)])
    with pytest.raises(error, match=message):
        model.fit(make_corpus(tmp_path))
    assert calls == [] and not hasattr(model, "wv")


def test_directory_with_a_binary_file_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text("fine words here\n" * 100)
    (tmp_path / "b.bin").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DataError, match=r"b.bin:1: binary data \(NUL byte\)"):
        Word2Vec(min_count=1, progress=False).fit(tmp_path)
