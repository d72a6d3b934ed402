"""TwoStagePredictor: recovery through both stages, row selection, intervals, the predictor contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit.data import read_runs
from scalingkit.downstream import TwoStagePredictor
from scalingkit.estimators import clone
from scalingkit.exceptions import DataValidationError, NotFittedError
from scalingkit.fitting import MultiStartLM

FAST = MultiStartLM(n_starts=128)
POINTS = pd.DataFrame({"N": [1e10, 3e8], "D": [2e11, 6e9]})  # an extrapolation and an interpolation


def test_recovers_both_stages_from_exact_data(make_runs, truth):
    runs = make_runs(loss_noise=0.0, acc_noise=0.0)
    model = TwoStagePredictor(chance=0.25, metric_col="acc").fit(runs)
    for k, v in truth.loss_params.items():
        assert model.loss_params_[k] == pytest.approx(v, rel=1e-3), k
    for k, v in truth.link_params.items():
        assert model.link_params_[k] == pytest.approx(v, rel=1e-4), k
    want = truth.acc(truth.loss(POINTS["N"], POINTS["D"]))
    np.testing.assert_allclose(model.predict(POINTS), want, atol=1e-4)
    np.testing.assert_allclose(model.predict_loss(POINTS), truth.loss(POINTS["N"], POINTS["D"]), rtol=1e-4)


def test_predict_does_not_read_the_target(runs):
    model = TwoStagePredictor(chance=0.25, metric_col="acc", loss_fitter=FAST).fit(runs)
    masked = read_runs(runs.assign(loss=1.0, acc=np.nan), target="loss")
    np.testing.assert_allclose(model.predict(masked), model.predict(runs[["N", "D"]]))


def test_delta_interval_coverage_on_synthetic_data(make_runs, truth):
    """Over 30 noisy datasets the 90% interval covers the true expected accuracy most of the time."""
    want = truth.acc(truth.loss(POINTS["N"], POINTS["D"]))
    hits, widths = np.zeros(2), []
    for seed in range(30):
        model = TwoStagePredictor(chance=0.25, metric_col="acc", loss_fitter=FAST).fit(make_runs(seed=100 + seed))
        lo, hi = model.predict_interval(POINTS, level=0.9)
        assert np.all(lo <= model.predict(POINTS))
        assert np.all(model.predict(POINTS) <= hi)
        hits += (lo <= want) & (want <= hi)
        widths.append(hi - lo)
    coverage = hits / 30
    assert np.all(coverage >= 0.7), coverage  # nominal 0.9; observed 0.87-0.93 over 60 datasets
    assert np.all(np.mean(widths, axis=0) < 0.05)


def test_bootstrap_interval_over_runs(runs):
    model = TwoStagePredictor(chance=0.25, metric_col="acc", loss_fitter=FAST, interval="bootstrap",
                              n_bootstrap=30).fit(runs)
    assert 25 <= len(model.bootstrap_params_) <= 30
    lo, hi = model.predict_interval(POINTS, 0.9)
    pred = model.predict(POINTS)
    assert np.all(lo < pred)
    assert np.all(pred < hi)
    delta = clone(model).set_params(interval="delta").fit(runs).predict_interval(POINTS, 0.9)
    ratio = (hi - lo) / (delta[1] - delta[0])
    assert np.all((ratio > 0.3) & (ratio < 3.0)), ratio


def test_checkpoint_rows_final_and_all(make_runs):
    """Three checkpoints per run: 'final' keeps each run's largest D, 'all' keeps every row."""
    base = make_runs(loss_noise=0.0, acc_noise=0.0, n_sizes=5, n_mult=3)
    ckpt = pd.concat([base.assign(D=base["D"] * f) for f in (0.25, 0.5, 1.0)], ignore_index=True)
    ckpt["loss"] = 1.8 + 400 / ckpt["N"] ** 0.34 + 400 / ckpt["D"] ** 0.28
    model = TwoStagePredictor(chance=0.25, metric_col="acc", stage1_rows="all", stage2_rows="final",
                              loss_fitter=FAST).fit(ckpt)
    assert model.n_stage1_ == len(ckpt)
    assert model.n_stage2_ == len(base)
    assert model.loss_params_["alpha"] == pytest.approx(0.34, rel=1e-3)


def test_explicit_stage_rows_and_missing_values(runs):
    stage1 = np.arange(len(runs)) % 2 == 0
    with_nan = runs.assign(acc=np.where(np.arange(len(runs)) < 3, np.nan, runs["acc"]))
    model = TwoStagePredictor(chance=0.25, metric_col="acc", loss_fitter=FAST)
    model.fit(with_nan, stage1_index=stage1, stage2_index=np.arange(10, 30))
    assert model.n_stage1_ == int(stage1.sum())
    assert model.n_stage2_ == 20
    model.fit(with_nan)
    assert model.n_stage2_ == len(runs) - 3


def test_contract_and_errors(runs):
    model = TwoStagePredictor(chance=0.25, metric_col="acc")
    with pytest.raises(NotFittedError):
        model.predict(POINTS)
    assert clone(model).get_params() == model.get_params()
    with pytest.raises(ValueError, match="The 'link' parameter of TwoStagePredictor must be one of"):
        TwoStagePredictor(link="cubic").fit(runs)
    with pytest.raises(ValueError, match="The 'interval' parameter"):
        TwoStagePredictor(interval="jackknife").fit(runs)
    with pytest.raises(DataValidationError, match="missing column 'acc_typo'"):
        TwoStagePredictor(metric_col="acc_typo").fit(runs)
    fitted = TwoStagePredictor(chance=0.25, metric_col="acc", loss_fitter=FAST).fit(runs)
    with pytest.raises(ValueError, match="'level' parameter"):
        fitted.predict_interval(POINTS, level=1.5)
    payload = fitted.to_dict()
    assert payload["link"] == "sigmoid"
    assert payload["stage1"]["law"] == "chinchilla"


def test_compute_law_as_stage_one(runs):
    """Stage one can be a law in compute only (power_compute), as in FLP."""
    model = TwoStagePredictor(loss_law="power_compute", chance=0.25, metric_col="acc").fit(runs)
    assert model.loss_law_.columns == ("C",)
    assert np.all(np.isfinite(model.predict(POINTS)))


def test_prediction_interval_adds_scatter_and_extrapolation(runs):
    model = TwoStagePredictor(chance=0.25, metric_col="acc", loss_fitter=FAST, interval="prediction",
                              n_backtest=3).fit(runs)
    bt = model.backtest_
    assert len(bt) == 3
    assert (bt["distance"] > 0).all()
    assert np.isfinite(bt["error"]).all()
    ratio = (bt["error"] / bt["distance"]).to_numpy()
    assert model.extrapolation_scale_ == pytest.approx(np.sqrt(np.mean(ratio**2)))
    s1, s2 = model.scatter_
    assert 0.002 < s2 < 0.01  # the synthetic accuracy noise is 0.005
    lo, hi = model.predict_interval(POINTS, 0.9)
    dlo, dhi = clone(model).set_params(interval="delta").fit(runs).predict_interval(POINTS, 0.9)
    assert np.all(lo < dlo)
    assert np.all(dhi < hi)
    # inside the training compute only the scatter is added; beyond it, the extrapolation term grows with log C
    C = 6 * POINTS["N"].to_numpy() * POINTS["D"].to_numpy()
    distance = np.maximum(np.log(C / model.compute_max_), 0.0)
    assert distance[0] > 0
    assert distance[1] == 0
    slope = model.link_.dx(model.link_params_, model.predict_loss(POINTS))
    z = 1.6448536269514722
    extra = s2**2 + slope**2 * s1**2 + (model.extrapolation_scale_ * distance) ** 2
    np.testing.assert_allclose(((hi - lo) / (2 * z)) ** 2, ((dhi - dlo) / (2 * z)) ** 2 + extra, rtol=1e-6)
    payload = model.to_dict()
    assert payload["interval"] == "prediction"
    assert len(payload["backtest"]) == 3


def test_prediction_interval_covers_new_noisy_runs(make_runs, truth):
    """A new run's accuracy (not its expectation) falls inside the 90% prediction interval."""
    rng = np.random.default_rng(7)
    expected = truth.acc(truth.loss(POINTS["N"], POINTS["D"]))
    hits = np.zeros(2)
    for seed in range(12):
        model = TwoStagePredictor(chance=0.25, metric_col="acc", loss_fitter=FAST, interval="prediction",
                                  n_backtest=2).fit(make_runs(seed=200 + seed))
        lo, hi = model.predict_interval(POINTS, 0.9)
        new_run = expected + 0.005 * rng.standard_normal(2)
        hits += (lo <= new_run) & (new_run <= hi)
    assert np.all(hits >= 10), hits

