"""LawPredictor: estimator contract, prediction, intervals, persistence, custom laws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit.data import read_runs
from scalingkit.estimators import LawPredictor
from scalingkit.exceptions import NotFittedError
from scalingkit.laws import Law, Param, get_law, register_law

TRUE = {"E": 1.8, "A": 480.0, "B": 2100.0, "alpha": 0.35, "beta": 0.37}


@pytest.fixture
def table():
    rng = np.random.default_rng(0)
    N = np.repeat(np.geomspace(5e7, 3e9, 6), 5)
    D = N * np.tile(np.geomspace(5, 100, 5), 6)
    loss = get_law("chinchilla")(TRUE, {"N": N, "D": D}) * np.exp(0.002 * rng.standard_normal(N.size))
    return read_runs(pd.DataFrame({"N": N, "D": D, "loss": loss}))


def test_init_only_stores_and_get_set_params():
    est = LawPredictor(law="kaplan", n_starts=10)
    assert est.get_params()["law"] == "kaplan"
    est.set_params(n_starts=20)
    assert est.n_starts == 20
    with pytest.raises(ValueError, match="Invalid parameter 'foo'"):
        est.set_params(foo=1)


def test_sklearn_clone_works():
    sklearn = pytest.importorskip("sklearn")
    from sklearn.base import clone

    est = LawPredictor(law="chinchilla", delta=0.01)
    assert clone(est).get_params() == est.get_params()
    assert sklearn is not None


def test_not_fitted_error():
    with pytest.raises(NotFittedError, match="not fitted yet"):
        LawPredictor().predict(pd.DataFrame({"N": [1e9], "D": [1e10], "loss": [2.0]}))


def test_fit_returns_self_and_recovers(table):
    est = LawPredictor(n_starts=512)
    assert est.fit(table) is est
    assert est.params_["alpha"] == pytest.approx(TRUE["alpha"], rel=0.05)
    pred = est.predict(table)
    assert np.mean(np.abs(pred / table.y - 1)) < 0.005


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"delta": 0}, "'delta' parameter of LawPredictor must be a float in the range \\(0, inf\\). Got 0 instead."),
     ({"n_starts": 0}, "'n_starts' parameter of LawPredictor must be an int in the range \\[1, inf\\)"),
     ({"loss": "l1"}, "'loss' parameter of LawPredictor must be one of 'huber', 'mse'")],
)
def test_parameter_validation_messages(table, kwargs, match):
    with pytest.raises(ValueError, match=match):
        LawPredictor(**kwargs).fit(table)


def test_interval_contains_prediction_and_widens_when_extrapolating(table):
    est = LawPredictor(n_starts=256).fit(table)
    far = pd.DataFrame({"N": [1e9, 1e11], "D": [2e10, 2e12], "loss": [1.0, 1.0]})
    lo, hi = est.predict_interval(far, level=0.9)
    pred = est.predict(far)
    assert np.all(lo <= pred)
    assert np.all(pred <= hi)
    width = (hi - lo) / pred
    assert width[1] > width[0]
    with pytest.raises(ValueError, match="'level' parameter"):
        est.predict_interval(far, level=1.5)


def test_save_load_roundtrip(table, tmp_path):
    est = LawPredictor(n_starts=128, fixed={"beta": 0.37}).fit(table)
    path = est.save(tmp_path / "fit.json")
    back = LawPredictor.load(path)
    np.testing.assert_allclose(back.predict(table), est.predict(table), rtol=1e-12)
    assert back.params_["beta"] == 0.37


def test_user_registered_law(table):
    def scaled_power(params, X):
        return params["E"] + params["k"] * np.exp(-params["a"] * np.log(6 * X["N"] * X["D"]))

    law = Law(name="test_compute_power", fn=scaled_power, inputs=("N", "D"),
              params=(Param("E", (0.0, 10.0), (1.0, 2.0)), Param("k", (0.0, np.inf), (1e2, 1e4), "log"),
                      Param("a", (0.0, 1.0), (0.1, 0.3))),
              formula="E + k (6ND)^-a")
    register_law(law, overwrite=True)
    est = LawPredictor(law="test_compute_power").fit(table)  # Jacobian by finite differences
    assert est.fit_result_.success
    assert np.mean(np.abs(est.predict(table) / table.y - 1)) < 0.05
    with pytest.raises(ValueError, match="already registered"):
        register_law(law)
