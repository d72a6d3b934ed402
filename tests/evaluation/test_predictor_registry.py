"""The method registry (`get_predictor`, `register_predictor`, `list_predictors`) and `clone`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit import LawPredictor, UnknownNameError
from scalingkit.estimators import (
    _registry,
    clone,
    describe_predictor,
    get_predictor,
    list_predictors,
    register_predictor,
)
from scalingkit.laws import list_laws


@pytest.fixture(autouse=True)
def _isolated_registry(monkeypatch):
    monkeypatch.setattr(_registry, "_PREDICTORS", dict(_registry._PREDICTORS))


def test_every_law_is_a_method():
    names = list_predictors()
    assert names == sorted(names)
    for law in list_laws():
        assert law.name in names
        model = get_predictor(law.name)
        assert isinstance(model, LawPredictor)
        assert model.law == law.name
        assert model.n_starts is None
    assert "LawPredictor" in describe_predictor("kaplan")


def test_get_predictor_returns_a_fresh_instance():
    assert get_predictor("chinchilla") is not get_predictor("chinchilla")


def test_explicit_registration_wins_over_the_law_default():
    register_predictor("chinchilla", lambda: LawPredictor(law="chinchilla", n_starts=8), description="small grid")
    assert get_predictor("chinchilla").n_starts == 8
    assert describe_predictor("chinchilla") == "small grid"
    assert list_predictors().count("chinchilla") == 1


def test_register_new_method_and_overwrite():
    register_predictor("tiny", lambda: LawPredictor(n_starts=4))
    assert "tiny" in list_predictors()
    with pytest.raises(ValueError, match="already registered"):
        register_predictor("tiny", LawPredictor)
    register_predictor("tiny", LawPredictor, overwrite=True)
    assert get_predictor("tiny").n_starts is None


@pytest.mark.parametrize(("name", "factory", "exc", "match"), [
    ("", LawPredictor, ValueError, "The 'name' parameter of register_predictor"),
    (3, LawPredictor, ValueError, "The 'name' parameter of register_predictor"),
    ("x", LawPredictor(), TypeError, "The 'factory' parameter of register_predictor must be callable"),
])
def test_register_validation(name, factory, exc, match):
    with pytest.raises(exc, match=match):
        register_predictor(name, factory)


def test_factory_must_return_a_predictor():
    register_predictor("nothing", lambda: 42)
    with pytest.raises(TypeError, match="no fit/predict"):
        get_predictor("nothing")


def test_unknown_method_names_the_kind_and_suggests():
    with pytest.raises(UnknownNameError, match="unknown method 'chinchila'. Did you mean 'chinchilla'") as info:
        get_predictor("chinchila")
    assert info.value.kind == "method"
    assert "kaplan" in info.value.known
    with pytest.raises(UnknownNameError):
        describe_predictor("nope")


def test_clone_copies_hyperparameters_not_state():
    model = LawPredictor(law="chinchilla", n_starts=16, fixed={"alpha": 0.34})
    N = np.repeat([1e8, 3e8, 1e9, 3e9], 3)
    D = 20 * N * np.tile([1.0, 2.0, 4.0], 4)
    model.fit(pd.DataFrame({"N": N, "D": D, "loss": 1.8 + 480 / N**0.34 + 2100 / D**0.28}))
    copy = clone(model)
    assert type(copy) is LawPredictor
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "params_")
    assert copy.fixed is not model.fixed  # no shared mutable state


def test_clone_works_for_sklearn_estimators_and_refuses_others():
    sklearn = pytest.importorskip("sklearn.ensemble")
    rf = sklearn.RandomForestRegressor(n_estimators=3, random_state=1)
    assert clone(rf).get_params() == rf.get_params()
    with pytest.raises(TypeError, match="has no get_params"):
        clone(object())


def test_config_regressors_are_found_without_importing_their_subpackage():
    import subprocess
    import sys

    code = ("import sys; from scalingkit.estimators import get_predictor, list_predictors; "
            "assert 'scalingkit.config' not in sys.modules; "
            "print(type(get_predictor('config')).__name__, 'config_neural' in list_predictors())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["ConfigRegressor", "True"]
