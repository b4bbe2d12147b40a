"""The parameter table: everything about Word2Vec's parameters is generated from it."""

import inspect

import numpy as np
import pytest

from wordvec import Word2Vec, params
from wordvec.cli import build_parser, main
from wordvec.errors import ParameterError
from wordvec.params import PARAMS, Param

SENTENCES = [["a", "b", "c", "a"], ["b", "c", "a"]] * 20


def test_the_constructor_takes_every_parameter_with_the_tables_default():
    signature = inspect.signature(Word2Vec)
    assert list(signature.parameters) == list(PARAMS)
    model = Word2Vec()
    for name, param in PARAMS.items():
        assert signature.parameters[name].default == param.default
        assert getattr(model, name) == param.default
        assert name in Word2Vec.__doc__
    assert "not deterministic" in Word2Vec.__doc__ or "varies from run to run" in Word2Vec.__doc__


def test_an_unknown_keyword_is_refused():
    with pytest.raises(TypeError, match="unexpected keyword argument 'vectorsize'"):
        Word2Vec(vectorsize=10)


@pytest.mark.parametrize("name", [n for n, p in PARAMS.items() if p.kind in (int, float) and p.low is not None])
def test_every_bounded_number_is_checked_with_name_value_and_range(name):
    param = PARAMS[name]
    below = param.low - 1 if param.kind is int else param.low - 0.5
    with pytest.raises(ParameterError, match=rf"^{name}={below!r} must be an? (integer|number) >=? {param.low}"):
        Word2Vec(**{name: below}).fit(SENTENCES)


@pytest.mark.parametrize("name", [n for n, p in PARAMS.items() if p.kind is str and p.choices])
def test_every_choice_is_checked(name):
    with pytest.raises(ParameterError, match=rf"^{name}='nonsense' must be one of"):
        Word2Vec(**{name: "nonsense"}).fit(SENTENCES)


def test_every_flag_parameter_is_a_train_option_with_its_default_in_the_help():
    train = build_parser()._subparsers._group_actions[0].choices["train"]
    help_text = " ".join(train.format_help().split())
    for name, param in PARAMS.items():
        flag = ("--no-" if param.kind is bool and param.default else "--") + name.replace("_", "-")
        assert (flag in help_text) == param.flag, name
        if param.flag and param.kind is not bool:
            assert f"(default: {param.default})" in help_text, name


def test_the_cli_parses_values_through_the_table(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "c.txt", "-o", "m.npz", "--window", "0"])
    assert exit_info.value.code == 2
    assert "--window: expected an integer >= 1, got '0'" in capsys.readouterr().err


def test_a_new_parameter_is_one_line_of_the_table(monkeypatch, tmp_path):
    """Add a parameter to the table alone: the constructor, validation, the checkpoint's
    settings, the saved metadata and the CLI all know it."""
    monkeypatch.setitem(PARAMS, "frobnicate", Param("frobnicate", int, 3, "a new knob", low=1))
    model = Word2Vec(frobnicate=4, min_count=1, epochs=1, workers=1, progress=False)
    assert model.frobnicate == 4 and Word2Vec().frobnicate == 3
    with pytest.raises(ParameterError, match="frobnicate=0 must be an integer >= 1"):
        Word2Vec(frobnicate=0).fit(SENTENCES)
    assert params.settings(model.get_params())["frobnicate"] == 4
    model.fit(SENTENCES).save(tmp_path / "m.npz")
    assert Word2Vec.load(tmp_path / "m.npz").frobnicate == 4
    args = build_parser().parse_args(["train", "c.txt", "-o", "m.npz", "--frobnicate", "7"])
    assert args.frobnicate == 7


def test_a_model_saved_before_a_parameter_existed_loads_with_its_default(tmp_path, monkeypatch):
    model = Word2Vec(min_count=1, epochs=1, workers=1, progress=False).fit(SENTENCES)
    model.save(tmp_path / "old.npz")
    monkeypatch.setitem(PARAMS, "frobnicate", Param("frobnicate", int, 3, "a new knob", low=1))
    loaded = Word2Vec.load(tmp_path / "old.npz")
    assert loaded.frobnicate == 3 and np.array_equal(loaded.wv.vectors, model.wv.vectors)


def test_the_noise_exponent_defaults_to_fasttexts_with_subwords():
    assert params.noise_exponent(Word2Vec().get_params()) == 0.75
    assert params.noise_exponent(Word2Vec(subwords=True).get_params()) == 0.5
    assert params.noise_exponent(Word2Vec(subwords=True, ns_exponent=0.75).get_params()) == 0.75
    with pytest.raises(ParameterError, match=r"^ns_exponent='x' must be"):
        Word2Vec(ns_exponent="x").fit(SENTENCES)


def test_a_checkpoint_records_the_noise_exponent_a_default_stands_for():
    assert params.settings(Word2Vec().get_params())["ns_exponent"] == 0.75  # as written before the default moved
    assert params.settings(Word2Vec(subwords=True).get_params())["ns_exponent"] == 0.5
    assert params.settings(Word2Vec(ns_exponent=0.6).get_params())["ns_exponent"] == 0.6
