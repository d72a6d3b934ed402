"""Extrapolation-aware conformal calibration."""

from __future__ import annotations

import numpy as np
import pytest

from scalingkit.uncertainty import ExtrapolationConformal, IntervalPredictor, TrainingRange, coverage_metrics
from scalingkit.uncertainty.conformal import quantile_line


def test_quantile_line_recovers_a_known_line():
    rng = np.random.default_rng(0)
    d = rng.uniform(0, 2, 4000)
    s = np.abs(rng.standard_normal(d.size)) * (0.01 + 0.02 * d)  # |N(0, sd)|, sd = 0.01 + 0.02 d
    c0, c1, _ = quantile_line(d, s, np.ones_like(d), 0.8)
    q = 1.2816  # 80% quantile of |N(0, 1)|
    assert c0 == pytest.approx(0.01 * q, rel=0.15)
    assert c1 == pytest.approx(0.02 * q, rel=0.15)


def test_training_range_distances(table):
    rng = TrainingRange.of(table.subset(np.arange(10)))
    d_c = rng.distance(table, "compute")
    assert d_c.min() == 0
    assert d_c.max() > 0
    np.testing.assert_allclose(rng.distance(table, "relative"), d_c / rng.span_c)
    assert np.all(rng.distance(table, "nd") >= d_c)


def test_calibration_widens_with_distance_when_the_law_is_wrong(fast_law, make_sweep):
    t = make_sweep(bend=0.003)
    cal = ExtrapolationConformal().calibrate(fast_law, t)
    assert cal.n_folds == 4
    assert cal.growth_learned
    c0, c1, p, k = cal.line(0.8)
    assert c1 > 0
    assert p in (1.0, 1.5, 2.0)
    w = cal.halfwidth([0.0, 1.0, 2.0], 0.8)
    assert w[0] < w[1] < w[2]
    assert cal.to_dict(0.8)["n_folds"] == 4
    assert cal.to_dict(0.8)["growth"] == "learned"


def test_conformal_covers_held_out_runs_better_than_delta_when_the_law_is_wrong(fast_law, make_sweep):
    t = make_sweep(bend=0.003, seed=1)
    order = np.argsort(6 * t.N * t.D)
    train, test = t.subset(np.sort(order[:30])), t.subset(np.sort(order[-10:]))
    out = {}
    for method in ("delta", "conformal"):
        model = IntervalPredictor(fast_law, method=method).fit(train)
        out[method] = coverage_metrics(test.y, *model.predict_interval(test, 0.8))
    assert out["conformal"]["coverage"] >= 0.7
    assert out["conformal"]["coverage"] > out["delta"]["coverage"]


def test_too_few_configurations_fall_back_with_a_warning(fast_law, make_sweep):
    t = make_sweep(sizes=3, ratios=2)
    with pytest.warns(UserWarning, match="no cheap fold could be fitted"):
        cal = ExtrapolationConformal().calibrate(fast_law, t)
    assert cal.n_folds == 0
    assert not cal.growth_learned
    # the growth is the prior: z(0.8) * prior_growth per order of magnitude of compute, times the span
    span = TrainingRange.of(t).span_c
    w = cal.halfwidth([0.0, 1.0 / span], 0.8)
    assert w[1] - w[0] == pytest.approx(1.2816 * 0.04, rel=1e-3)
    flat = ExtrapolationConformal(prior_growth=0.0)
    with pytest.warns(UserWarning, match="no cheap fold could be fitted"):
        assert np.ptp(flat.calibrate(fast_law, t).halfwidth([0.0, 3.0], 0.8)) == 0


def test_bad_options_are_rejected():
    with pytest.raises(ValueError, match="'fractions' parameter must be floats in the range \\(0, 1\\)"):
        ExtrapolationConformal(fractions=(0.5, 1.5))
    with pytest.raises(ValueError, match="'distance' parameter must be one of 'compute', 'nd', 'relative'"):
        ExtrapolationConformal(distance="far")
    with pytest.raises(ValueError, match="'powers' parameter must be floats in the range \\(0, 4\\]"):
        ExtrapolationConformal(powers=(0.0,))


def test_growth_shape_is_chosen_by_pinball_loss():
    from scalingkit.uncertainty import ConformalCalibration

    rng = np.random.default_rng(1)
    d = rng.uniform(0, 2, 3000)
    s = np.abs(rng.standard_normal(d.size)) * (0.005 + 0.02 * d**2)
    w = np.ones_like(d)
    cal = ConformalCalibration(d, s, w, 3, "compute", (1.0, 2.0))
    assert cal.line(0.8)[2] == 2.0
    assert ConformalCalibration(d, s, w, 3, "compute", (1.0,)).line(0.8)[2] == 1.0
    far = cal.halfwidth([2.0, 3.0, 4.0], 0.8)  # beyond the calibrated range (d <= 2): linear continuation
    assert far[2] - far[1] == pytest.approx(far[1] - far[0], rel=1e-9)
    assert far[1] - far[0] > 0
