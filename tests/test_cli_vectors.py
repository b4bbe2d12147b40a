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


def test_every_option_says_what_it_does_and_its_default():
    from wordvec.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        for action in sub._actions:
            if not action.option_strings or action.dest == "help":
                continue
            assert action.help, f"{name} {action.option_strings[0]} has no help"
            assert "default" in action.help or action.required or action.default in (None, False), \
                f"{name} {action.option_strings[0]} does not give its default"


def test_files_are_read_by_content_whatever_their_names(model, tmp_path, capsys):
    kv = KeyedVectors.load(model)
    kv.save(tmp_path / "m.model")  # native, under a name that once read as word2vec text
    kv.save_word2vec_format(tmp_path / "v.dat", binary=True)
    kv.save_word2vec_format(tmp_path / "glove.txt", write_header=False)
    for path in ("m.model", "v.dat", "glove.txt"):
        code, out, err = run(["similar", tmp_path / path, "red1", "-n", "2"], capsys)
        assert code == 0 and out.startswith("red1: "), err
    (tmp_path / "notes.txt").write_text("dear diary\n")
    code, _, err = run(["similar", tmp_path / "notes.txt", "red1"], capsys)
    assert code == 1 and "is not a vector file wordvec reads" in err and len(err.splitlines()) == 1


def test_evaluate_on_the_users_own_files(model, tmp_path, capsys):
    (tmp_path / "q.txt").write_text(": reds\nred1 red2 red3 red4\nred1 red2 sea3 sea4\n: unknown\nred1 x y z\n")
    (tmp_path / "pairs.tsv").write_text("# mine\nred1\tred2\t9\nred1\tsea1\t1\nsea1\tsea2\t8\nred3\tsea3\t0.5\n")
    code, out, err = run(["evaluate", model, "--analogies", tmp_path / "q.txt", "--pairs", tmp_path / "pairs.tsv"],
                         capsys)
    assert code == 0, err
    assert "analogies of" in out and "reds" in out and "(1 skipped)" not in out.split("unknown")[0]
    assert "0/0, 1 skipped" in out and f"{tmp_path / 'pairs.tsv'}: Spearman" in out
    assert "ws353" not in out and "capital" not in out


def test_phrases_command_writes_the_rewritten_corpus(tmp_path, capsys):
    import gzip

    (tmp_path / "c.txt").write_text("\n".join(["we saw new york city and the new york times"] * 30
                                              + ["new ideas from york"] * 3) + "\n")
    code, out, _ = run(["phrases", tmp_path / "c.txt", "-o", tmp_path / "out.txt.gz", "--min-count", "2",
                        "--threshold", "0.1", "--passes", "2", "--save-model", tmp_path / "p.npz"], capsys)
    assert code == 0 and "wrote 33 lines" in out
    lines = gzip.open(tmp_path / "out.txt.gz", "rt").read().splitlines()
    assert len(lines) == 33 and "new_york" in lines[0]
    from wordvec import Phrases

    assert Phrases.load(tmp_path / "p.npz").min_count == 2
