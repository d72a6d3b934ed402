"""IntervalPredictor and its three methods: contract, shapes, and behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit._testing import LogLinearPredictor
from scalingkit.data import RunsTable
from scalingkit.estimators import LawPredictor
from scalingkit.exceptions import NotFittedError
from scalingkit.fitting import MultiStartLM
from scalingkit.uncertainty import (
    IntervalPredictor,
    bootstrap_fits,
    clone,
    delta_interval,
    group_codes,
    with_intervals,
)


def test_clone_and_params_follow_the_estimator_contract(fast_law):
    model = IntervalPredictor(fast_law, method="bootstrap", n_resamples=7)
    params = model.get_params()
    assert params["base"] is fast_law
    assert params["n_resamples"] == 7
    copy = clone(model)
    others = {k: v for k, v in params.items() if k != "base"}
    assert {k: v for k, v in copy.get_params().items() if k != "base"} == others
    assert copy.base.get_params() == fast_law.get_params()
    assert copy is not model
    assert with_intervals(fast_law, "delta").method == "delta"


def test_bad_method_message_has_sklearn_shape(table):
    with pytest.raises(ValueError, match="The 'method' parameter of IntervalPredictor must be one of 'conformal', "
                                         "'bootstrap', 'delta'. Got 'magic' instead."):
        IntervalPredictor(method="magic").fit(table)


def test_not_fitted_and_bad_level(table, fast_law):
    model = IntervalPredictor(fast_law)
    with pytest.raises(NotFittedError):
        model.predict_interval(table)
    model.fit(table)
    with pytest.raises(ValueError, match="'level' parameter must be a float in the range \\(0, 1\\). Got 1.5"):
        model.predict_interval(table, 1.5)


@pytest.mark.parametrize("method", ["delta", "bootstrap", "conformal"])
def test_every_method_brackets_the_prediction_and_widens_with_level(method, split, fast_law):
    train, test = split
    model = IntervalPredictor(fast_law, method=method, n_resamples=12).fit(train)
    pred = model.predict(test)
    lo80, hi80 = model.predict_interval(test, 0.8)
    lo95, hi95 = model.predict_interval(test, 0.95)
    assert lo80.shape == hi80.shape == pred.shape == (len(test),)
    assert np.all(lo80 <= pred)
    assert np.all(pred <= hi80)
    assert np.all(hi95 - lo95 >= hi80 - lo80 - 1e-12)


def test_delta_without_noise_matches_the_law_predictors_own_interval(table, fast_law):
    model = fast_law.fit(table)
    lo, hi = delta_interval(model, table, 0.9)
    lo_ref, hi_ref = model.predict_interval(table, 0.9)
    np.testing.assert_allclose(lo, lo_ref, rtol=1e-4)
    np.testing.assert_allclose(hi, hi_ref, rtol=1e-4)


def test_delta_needs_a_law(table):
    with pytest.raises(TypeError, match="method='delta' needs a law predictor"):
        IntervalPredictor(LogLinearPredictor(), method="delta").fit(table)


@pytest.mark.parametrize("method", ["bootstrap", "conformal"])
def test_any_predictor_gets_intervals(method, split):
    train, test = split
    model = IntervalPredictor(LogLinearPredictor(), method=method, n_resamples=10).fit(train)
    lo, hi = model.predict_interval(test, 0.8)
    assert np.all(lo < model.predict(test))
    assert np.all(model.predict(test) < hi)


def test_bootstrap_is_reproducible_and_wild_keeps_the_rows(table, fast_law):
    a = bootstrap_fits(fast_law, table, n_resamples=5, seed=3)
    b = bootstrap_fits(fast_law, table, n_resamples=5, seed=3)
    np.testing.assert_allclose(a.predictions(table), b.predictions(table))
    wild = bootstrap_fits(fast_law, table, n_resamples=5, scheme="wild", seed=3)
    assert len(wild.estimators) == 5
    assert wild.scheme == "wild"
    with pytest.raises(ValueError, match="'scheme' parameter must be one of 'pairs', 'wild'. Got 'jack'"):
        bootstrap_fits(fast_law, table, scheme="jack")


def test_group_codes_keep_checkpoints_of_a_run_together():
    frame = pd.DataFrame({"N": [1e8] * 3 + [2e8] * 3, "D": [1e9, 2e9, 3e9] * 2, "loss": [3, 2.9, 2.8, 2.9, 2.8, 2.7],
                          "run_id": ["a"] * 3 + ["b"] * 3})
    t = RunsTable(frame)
    assert list(group_codes(t)) == [0, 0, 0, 1, 1, 1]
    assert list(group_codes(t, "rows")) == list(range(6))
    steps = RunsTable(frame.drop(columns="run_id").assign(step=[1, 2, 3] * 2, D=[3e9] * 6))
    assert list(group_codes(steps)) == [0, 0, 0, 1, 1, 1]
    with pytest.raises(ValueError, match="groups column 'seed' is not in the table"):
        group_codes(t, "seed")


def test_bootstrap_by_run_resamples_whole_runs():
    rng = np.random.default_rng(0)
    rows = []
    for run, n in enumerate(np.geomspace(5e7, 2e9, 6)):
        for _k, tpp in enumerate((10, 20, 40, 80)):
            d = n * tpp
            rows.append({"N": n, "D": d, "run_id": f"r{run}", "loss": (1.8 + 480 / n**0.35 + 2100 / d**0.37)
                         * np.exp(0.003 * rng.standard_normal())})
    t = RunsTable(pd.DataFrame(rows))
    fits = bootstrap_fits(LawPredictor(fitter=MultiStartLM(n_starts=16, polish=0)), t, n_resamples=4, groups="run_id")
    assert fits.n_clusters == 6
    assert len(fits.estimators) + fits.n_failed == 4
