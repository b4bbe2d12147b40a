"""The vector commands: train, similar, analogy, evaluate, plot, convert, demo."""

import numpy as np
import pytest

from wordvec import KeyedVectors
from wordvec.cli import main

TOPICS = [[f"red{i}" for i in range(15)], [f"sea{i}" for i in range(15)]]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    directory = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(0)
    lines = [" ".join(rng.choice(TOPICS[rng.integers(2)], size=10)) for _ in range(2000)]
    (directory / "corpus.txt").write_text("\n".join(lines) + "\n")
    path = directory / "model.npz"
    assert main(["train", str(directory / "corpus.txt"), "-o", str(path), "--vector-size", "16",
                 "--min-count", "1", "--epochs", "3", "--workers", "1", "--no-progress"]) == 0
    return path


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_similar_finds_the_topic(model, capsys):
    code, out, _ = run(["similar", model, "red1", "-n", "5"], capsys)
    assert code == 0 and out.startswith("red1: ")
    neighbours = [item.split()[0] for item in out.split(": ", 1)[1].split(", ")]
    assert len(neighbours) == 5 and all(w.startswith("red") for w in neighbours)


def test_analogy_and_evaluate(model, capsys):
    code, out, _ = run(["analogy", model, "red1", "red2", "sea1", "-n", "3"], capsys)
    assert code == 0 and len(out.strip().splitlines()) == 3
    code, out, _ = run(["evaluate", model], capsys)
    assert code == 0 and "Total accuracy" in out and "ws353" in out


def test_unknown_word_is_one_line_exit_1(model, capsys):
    code, out, err = run(["similar", model, "red1x"], capsys)
    assert code == 1 and err.count("\n") == 1
    assert "word 'red1x' is not in the vocabulary; did you mean" in err


def test_missing_model_and_usage_errors(tmp_path, capsys):
    code, _, err = run(["similar", tmp_path / "none.npz", "a"], capsys)
    assert code == 1 and "model file" in err and "does not exist" in err
    with pytest.raises(SystemExit) as info:
        main(["convert", "a", "b", "--to", "pickle"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["train", "corpus.txt", "-o", "m.npz", "--arch", "skip"])
    assert info.value.code == 2


def test_plot_names_missing_words(model, tmp_path, capsys):
    out_png = tmp_path / "p.png"
    code, _, err = run(["plot", model, "--words", "red1", "red2", "sea1", "nothere", "-o", out_png], capsys)
    assert code == 0 and "left out of the plot: nothere" in err
    assert out_png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("to, name", [("word2vec-binary", "v.bin"), ("word2vec-text", "v.txt"),
                                      ("native", "v.npz")])
def test_convert_round_trips(model, tmp_path, capsys, to, name):
    original = KeyedVectors.load(model)
    target = tmp_path / name
    assert run(["convert", model, target, "--to", to], capsys)[0] == 0
    back = tmp_path / "back.npz"
    assert run(["convert", target, back, "--to", "native"], capsys)[0] == 0
    loaded = KeyedVectors.load(back)
    assert loaded.words == original.words and np.array_equal(loaded.vectors, original.vectors)


def test_convert_to_glove_and_tsv(model, tmp_path, capsys):
    assert run(["convert", model, tmp_path / "g.txt", "--to", "glove"], capsys)[0] == 0
    assert run(["convert", model, tmp_path / "tsv", "--to", "tsv"], capsys)[0] == 0
    assert (tmp_path / "tsv" / "metadata.tsv").read_text().splitlines() == KeyedVectors.load(model).words


def test_demo_runs_offline_on_the_shipped_corpus(tmp_path, capsys):
    code, out, _ = run(["demo", "--out", tmp_path / "demo", "--epochs", "1"], capsys)
    assert code == 0
    assert "trained on the Brown corpus: 944,192 words of a 13,812-word vocabulary" in out
    assert "Total accuracy" in out
    for name in ("model.npz", "word_vectors.png", "loss_history.png"):
        assert (tmp_path / "demo" / name).stat().st_size > 0


def test_train_init_continues_a_saved_model(model, tmp_path, capsys):
    (tmp_path / "more.txt").write_text("\n".join(["red1 red2 novel novel red3"] * 50) + "\n")
    out_path = tmp_path / "more"  # no suffix: the native model, at exactly this name
    code, out, _ = run(["train", tmp_path / "more.txt", "--init", model, "-o", out_path, "--epochs", "2"], capsys)
    assert code == 0 and out.rstrip().endswith(f"wrote {out_path}") and out_path.is_file()
    before, after = KeyedVectors.load(model), KeyedVectors.load(out_path)
    assert len(after) == len(before) + 1 and "novel" in after
    assert np.dot(before["sea1"], after["sea1"]) / (np.linalg.norm(before["sea1"]) * np.linalg.norm(after["sea1"])) > 0.9
    code, _, err = run(["train", tmp_path / "more.txt", "--init", model, "-o", tmp_path / "x.npz",
                        "--vector-size", "8"], capsys)
    assert code == 1 and "--vector-size 8" in err and "vector_size=16" in err and len(err.splitlines()) == 1
