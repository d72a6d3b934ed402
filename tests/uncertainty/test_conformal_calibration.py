"""Calibration of the extrapolation-aware conformal intervals on synthetic data with known noise."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtri

from scalingkit.data import RunsTable
from scalingkit.estimators._base import BasePredictor
from scalingkit.uncertainty import ExtrapolationConformal, IntervalPredictor, TrainingRange, coverage_metrics


class PowerInCompute(BasePredictor):
    """``log y = a + b log C``, least squares: a tiny, fast predictor for the calibration tests."""

    def __init__(self):
        pass

    def fit(self, table, y=None):
        logc = np.log(6.0 * table.N * table.D)
        X = np.c_[np.ones_like(logc), logc] if np.ptp(logc) > 0 else np.ones((logc.size, 1))
        coef = np.linalg.lstsq(X, np.log(table.y), rcond=None)[0]
        self.coef_ = np.r_[coef, 0.0][:2]
        return self

    def predict(self, table):
        return np.exp(self.coef_[0] + self.coef_[1] * np.log(6.0 * table.N * table.D))


def power_runs(seed, sigma, n_configs=40, decades=3.0, nudge=1.0):
    """Runs whose log loss is exactly linear in log C plus N(0, sigma): the model is right, the noise known."""
    rng = np.random.default_rng(seed)
    N = np.geomspace(1e8, 1e8 * 10 ** (decades / 2), n_configs) * nudge ** np.arange(n_configs)
    D = 20 * N
    loss = np.exp(2.0 - 0.05 * np.log(6 * N * D / 1e18) + sigma * rng.standard_normal(n_configs))
    return RunsTable(pd.DataFrame({"N": N, "D": D, "loss": loss}))


def _extrapolate(table, n_train):
    order = np.argsort(6 * table.N * table.D)
    return table.subset(np.sort(order[:n_train])), table.subset(np.sort(order[n_train:]))


def test_coverage_of_a_synthetic_extrapolation_is_near_nominal():
    sigma, inside, total = 0.03, 0, 0
    for seed in range(30):  # pooled over seeds: tight enough to mean something, loose enough not to flake
        train, test = _extrapolate(power_runs(seed, sigma), 30)
        model = IntervalPredictor(PowerInCompute()).fit(train)
        lo, hi = model.predict_interval(test, 0.8)
        inside += int(np.sum((lo <= test.y) & (test.y <= hi)))
        total += len(test)
    assert 0.65 <= inside / total <= 0.95


def test_halfwidth_at_the_data_matches_the_known_noise():
    sigma = 0.03
    cal = ExtrapolationConformal().calibrate(PowerInCompute(), power_runs(0, sigma, n_configs=200))
    z = float(ndtri(0.9))
    assert cal.halfwidth([0.0], 0.8)[0] == pytest.approx(z * sigma, rel=0.35)
    assert cal.halfwidth([0.0], 0.95)[0] > cal.halfwidth([0.0], 0.8)[0] > cal.halfwidth([0.0], 0.5)[0]


def test_width_grows_with_distance_when_the_law_is_wrong(make_sweep, fast_law):
    train, _ = _extrapolate(make_sweep(bend=0.003, seed=2), 40)
    model = IntervalPredictor(fast_law).fit(train)
    n_top = train.N.max()
    far = RunsTable(pd.DataFrame({"N": n_top * np.array([1.0, 3.0, 10.0, 30.0]), "D": 20 * n_top * np.array(
        [1.0, 3.0, 10.0, 30.0]), "loss": 1.0}))
    lo, hi = model.predict_interval(far, 0.8)
    width = np.log(hi / lo)
    assert np.all(np.diff(model.extrapolation_distance(far)) > 0)
    assert np.all(np.diff(width) > 0)
    assert model.calibration_.growth_learned


def test_relative_distance_divides_by_the_span():
    t = power_runs(0, 0.01, n_configs=10, decades=2.0)
    rng = TrainingRange.of(t)
    np.testing.assert_allclose(rng.distance(t, "relative"), 0.0)
    one = RunsTable(pd.DataFrame({"N": [1e8], "D": [2e9], "loss": [3.0]}))
    assert TrainingRange.of(one).span_c == pytest.approx(0.1)  # one run: the span floor


def test_runs_at_nearly_the_same_compute_use_the_prior_growth_not_a_blown_up_slope():
    # N differ by 0.1%: folds see distances of 1e-4 orders of magnitude, which once gave slopes of 1e4 per decade
    t = power_runs(0, 0.01, n_configs=6, decades=0.0, nudge=1.001)
    conformal = ExtrapolationConformal(prior_growth=0.04)
    with pytest.warns(UserWarning, match="cannot show how the error grows"):
        cal = conformal.calibrate(PowerInCompute(), t)
    assert cal.n_folds > 0
    assert not cal.growth_learned
    span = TrainingRange.of(t).span_c  # the relative distance of one decade of compute
    w = cal.halfwidth([0.0, 1.0 / span], 0.8)
    assert w[1] - w[0] == pytest.approx(float(ndtri(0.9)) * 0.04, rel=1e-6)
    assert cal.to_dict(0.8)["growth"] == "prior"


def test_one_configuration_falls_back_to_the_prior_without_refitting():
    t = power_runs(0, 0.01, n_configs=1)
    fitted = PowerInCompute().fit(t)
    with pytest.warns(UserWarning, match="no cheap fold could be fitted"):
        model = IntervalPredictor(PowerInCompute())._fit_with(t, fitted)
    assert model.calibration_.n_folds == 0
    far = RunsTable(pd.DataFrame({"N": [1e9], "D": [2e10], "loss": [1.0]}))
    lo, hi = model.predict_interval(far, 0.8)
    assert np.log(hi / lo)[0] / 2 == pytest.approx(float(ndtri(0.9)) * 0.04 * 2, abs=1e-3)  # 2 decades, no noise


def test_an_axis_the_folds_never_extrapolated_along_gets_the_prior_growth():
    # every run at one model size, D varied: the folds show extrapolation in D only
    rng = np.random.default_rng(0)
    D = np.geomspace(2e9, 2e11, 12)
    t = RunsTable(pd.DataFrame({"N": 1e8, "D": D, "loss": np.exp(1.0 - 0.05 * np.log(D / 1e9)
                                                                  + 0.005 * rng.standard_normal(D.size))}))
    model = IntervalPredictor(PowerInCompute(), prior_growth=0.04).fit(t)
    cal = model.calibration_
    assert cal.growth_learned
    assert cal.unvalidated == ("N",)
    assert cal.to_dict(0.8)["unvalidated_axes"] == ["N"]
    same_n = RunsTable(pd.DataFrame({"N": [1e8], "D": [4e11], "loss": [1.0]}))
    bigger_n = RunsTable(pd.DataFrame({"N": [1e10], "D": [4e11], "loss": [1.0]}))  # two decades more N, same D
    z = float(ndtri(0.9))
    learned = cal.halfwidth(model.range_.distance(bigger_n, "relative"), 0.8)[0]
    lo, hi = model.predict_interval(bigger_n, 0.8)
    assert np.log(hi / lo)[0] / 2 == pytest.approx(np.hypot(learned, z * 0.04 * 2.0), rel=1e-9)
    lo, hi = model.predict_interval(same_n, 0.8)  # along D the learned growth alone
    assert np.log(hi / lo)[0] / 2 == pytest.approx(cal.halfwidth(model.range_.distance(same_n, "relative"), 0.8)[0])
    # a grid over N and D validates both axes: nothing added
    grid = power_runs(0, 0.01, n_configs=30)
    assert IntervalPredictor(PowerInCompute()).fit(grid).calibration_.unvalidated == ()


def test_prior_weight_shrinks_the_learned_growth_toward_the_prior():
    t = power_runs(0, 0.01, n_configs=30)
    plain = ExtrapolationConformal().calibrate(PowerInCompute(), t)
    assert plain.prior_weight == 0
    assert plain.n_configs == sum(30 - max(int(f * 30), 1) for f in (0.2, 0.4, 0.6, 0.8))
    d = np.array([0.0, 0.5, 2.0])
    z = float(ndtri(0.9))
    c0, _, _, k = plain.line(0.8)
    for w in (1.0, 1e9):
        cal = ExtrapolationConformal(prior_weight=w).calibrate(PowerInCompute(), t)
        lam = w / (w + cal.n_configs)
        growth = plain.halfwidth(d, 0.8) - k * c0
        expected = k * c0 + np.sqrt((1 - lam) * growth**2 + lam * (z * cal.prior_slope * d) ** 2)
        np.testing.assert_allclose(cal.halfwidth(d, 0.8), expected, rtol=1e-9)
    # worth (almost) everything: the growth is the prior's, 0.04 of log error per order of magnitude
    span = TrainingRange.of(t).span_c
    w = cal.halfwidth([0.0, 1.0 / span], 0.8)
    assert w[1] - w[0] == pytest.approx(z * 0.04, rel=1e-6)


def test_a_thin_calibration_says_so():
    t = power_runs(0, 0.01, n_configs=6)
    with pytest.warns(UserWarning, match="from 6 configurations"):
        ExtrapolationConformal().calibrate(PowerInCompute(), t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ExtrapolationConformal(prior_weight=1.0).calibrate(PowerInCompute(), t)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.2, float("nan"), True, "0.8", None])
def test_bad_levels_are_rejected_with_the_sklearn_message(level):
    t = power_runs(0, 0.01, n_configs=12)
    model = IntervalPredictor(PowerInCompute()).fit(t)
    expected = r"The 'level' parameter must be a float in the range \(0, 1\)\. Got .* instead"
    with pytest.raises(ValueError, match=expected):
        model.predict_interval(t, level)
    with pytest.raises(ValueError, match="'level' parameter"):
        model.calibration_.halfwidth([0.0], level)


@pytest.mark.parametrize(("option", "value"), [("prior_growth", -0.1), ("resolution", float("inf")),
                                               ("prior_growth", "0.04"), ("prior_weight", -1.0)])
def test_bad_growth_options_are_rejected(option, value):
    with pytest.raises(ValueError, match=f"The '{option}' parameter must be a float in the range \\[0, inf\\)"):
        ExtrapolationConformal(**{option: value})


def test_coverage_metrics_on_a_known_interval():
    y = np.exp(np.random.default_rng(0).normal(0, 0.1, 20000))
    half = 0.1 * float(ndtri(0.9))
    out = coverage_metrics(y, np.full(y.size, np.exp(-half)), np.full(y.size, np.exp(half)))
    assert out["coverage"] == pytest.approx(0.8, abs=0.01)
