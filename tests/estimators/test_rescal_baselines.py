"""The ReScaL benchmark's baselines: boxed law fits, fixed constants, forests, DC and mixing laws."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scalingkit.data import read_runs
from scalingkit.estimators import BoundedLawPredictor, FixedLawPredictor, RandomForestPredictor, get_predictor
from scalingkit.estimators._boxfit import _Transform, box_around, fit_boxed
from scalingkit.estimators._special import DC_START, MixingPerDomainPredictor, RescalMixLawPredictor, rescal_dc_law
from scalingkit.estimators.baselines import RESCAL_CHINCHILLA
from scalingkit.laws import FARSEER_PUBLISHED, KAPLAN_PUBLISHED, get_law
from scalingkit.laws._spec import _finite_difference_jacobian


def _table(law="chinchilla", params=None, seed=0):
    rng = np.random.default_rng(seed)
    N = np.repeat(np.geomspace(1e8, 5e9, 6), 6)
    D = np.tile(np.geomspace(2e9, 2e11, 6), 6)
    y = get_law(law)(params or RESCAL_CHINCHILLA, {"N": N, "D": D}) * np.exp(0.003 * rng.standard_normal(N.size))
    return read_runs(pd.DataFrame({"N": N, "D": D, "loss": y}))


def test_box_around_flips_negative_constants():
    assert box_around(2.0, 0.3) == pytest.approx((2 * math.exp(-0.3), 2 * math.exp(0.3)))
    assert box_around(-0.124, 0.3) == pytest.approx((-0.124 * math.exp(0.3), -0.124 * math.exp(-0.3)))


@pytest.mark.parametrize("bounds", [(-1.0, 3.0), (0.5, math.inf), (-math.inf, 4.0), (-math.inf, math.inf)])
def test_lmfit_transforms_round_trip_and_derivative(bounds):
    tr = _Transform(*bounds)
    for v in (0.7, 1.0, 2.9):
        t = tr.to_internal(v)
        x, dx = tr.to_external(t)
        assert x == pytest.approx(v, rel=1e-12)
        h = 1e-6
        assert dx == pytest.approx((tr.to_external(t + h)[0] - tr.to_external(t - h)[0]) / (2 * h), rel=1e-6)


def test_bounded_fit_stays_in_its_box():
    far = {"E": 2.4, "A": 900.0, "B": 2000.0, "alpha": 0.34, "beta": 0.28}  # far outside +-30 %
    model = BoundedLawPredictor(law="chinchilla", free=("A", "alpha", "E")).fit(_table(params=far))
    for name, (lo, hi) in model.bounds_.items():
        assert lo <= model.params_[name] <= hi, name
    assert model.bounds_["B"] == pytest.approx(box_around(410.7, 0.01))
    assert model.bounds_["A"] == pytest.approx(box_around(406.4, 0.3))
    at_edge = [n for n, (lo, hi) in model.bounds_.items() if min(abs(model.params_[n] - lo), abs(model.params_[n] - hi))
               < 1e-6 * abs(hi - lo)]
    assert at_edge  # the data pull past the box


def test_bounded_fit_recovers_constants_inside_the_box():
    truth = {**RESCAL_CHINCHILLA, "E": 1.8, "A": 450.0, "beta": 0.3}
    model = BoundedLawPredictor(law="chinchilla").fit(_table(params=truth))
    pred = model.predict(_table(params=truth))
    assert np.max(np.abs(pred / _table(params=truth).y - 1)) < 0.015
    assert model.success_


@pytest.mark.parametrize("gradient", ["analytic", "numeric"])
def test_gradients_agree(gradient):
    table = _table(law="kaplan", params={**KAPLAN_PUBLISHED, "alpha_N": 0.08})
    model = BoundedLawPredictor(law="kaplan", gradient=gradient).fit(table)
    ref = BoundedLawPredictor(law="kaplan").fit(table)
    np.testing.assert_allclose(model.predict(table), ref.predict(table), rtol=2e-3)


def test_fixed_predictor_reproduces_the_published_formulas():
    N = np.array([1e8, 1e9, 2.5e10])
    D = np.array([2e9, 1e11, 1.26e11])
    frame = pd.DataFrame({"N": N, "D": D})
    kap = FixedLawPredictor(law="kaplan").fit().predict(frame)
    np.testing.assert_allclose(kap, ((6.4e13 / N) ** (0.076 / 0.103) + 1.8e13 / D) ** 0.103, rtol=1e-13)
    chin = FixedLawPredictor(law="chinchilla").fit().predict(frame)
    np.testing.assert_allclose(chin, 406.4 / N**0.34 + 410.7 / D**0.28 + 1.69, rtol=1e-13)
    far = FixedLawPredictor(law="farseer").fit().predict(frame)
    ref = np.exp(-0.021 * N**0.169 - 0.091) + np.exp(88.01 * N**-0.1 - 6.287) * D ** (-np.exp(-0.124 * N**0.123
                                                                                                 + 0.424))
    np.testing.assert_allclose(far, ref, rtol=1e-12)
    custom = FixedLawPredictor(law="chinchilla", params={**RESCAL_CHINCHILLA, "E": 0.0}).fit().predict(frame)
    np.testing.assert_allclose(chin - custom, 1.69)


def test_published_starts_are_the_laws_constants():
    assert BoundedLawPredictor(law="farseer")._setup()[1] == FARSEER_PUBLISHED
    with pytest.raises(ValueError, match="not parameters of law 'chinchilla'"):
        BoundedLawPredictor(law="chinchilla", free=("a1",)).fit(_table())
    with pytest.raises(ValueError, match="no published constants for law 'power'"):
        BoundedLawPredictor(law="power").fit(_table())


def test_random_forests_use_numeric_columns_only():
    table = _table()
    frame = table.frame.assign(lr=np.linspace(1e-4, 1e-3, len(table)), config="x")
    rf = RandomForestPredictor(random_state=0, n_estimators=10).fit(read_runs(frame))
    assert rf.feature_names_ == ["N", "D", "lr"]
    nd = RandomForestPredictor(features="nd", random_state=0, n_estimators=10).fit(read_runs(frame))
    assert nd.feature_names_ == ["N", "D"]
    np.testing.assert_array_equal(rf.predict(frame.drop(columns="loss")), rf.predict(frame.assign(loss=9.0)))


def test_dc_law_jacobian_and_start():
    law = rescal_dc_law("unique_tokens")
    # small N and D (next to R_N*, R_D*) exercise the exponentials; real token counts saturate them
    X = {"N": np.array([4.0, 20.0, 8e9]), "D": np.array([30.0, 3e2, 9e11]), "unique_tokens": np.array([1e8, 1e9, 2e10])}
    p = dict(DC_START)
    exact = law.jacobian(p, X)
    numeric = _finite_difference_jacobian(law.fn, p, X, law.param_names)
    for name in law.param_names:
        np.testing.assert_allclose(exact[name], numeric[name], rtol=1e-5, atol=1e-12, err_msg=name)


def test_mixing_baselines_predict_every_row():
    rng = np.random.default_rng(0)
    r = rng.dirichlet(np.ones(3), 40)
    rows = []
    for dom in range(3):
        loss = 2.0 + dom + np.exp(1.0 - 2.0 * r[:, dom])
        rows.append(pd.DataFrame({"N": 1e8, "D": 3e10, **{f"val_{d}": float(d == dom) for d in range(3)},
                                  **{f"r_{d}": r[:, d] for d in range(3)}, "loss": loss}))
    table = read_runs(pd.concat(rows, ignore_index=True))
    per_domain = MixingPerDomainPredictor().fit(table)
    assert sorted(per_domain.models_) == ["0", "1", "2"]
    assert np.max(np.abs(per_domain.predict(table) / table.y - 1)) < 0.01
    pooled = RescalMixLawPredictor().fit(table)
    assert pooled.params_["c"] >= 0
    assert pooled.params_["k"] >= 0
    assert np.isfinite(pooled.predict(table.frame.drop(columns="loss"))).all()


def test_registered_baselines():
    assert get_predictor("rescal:chinchilla").get_params()["law"] == "chinchilla"
    assert isinstance(get_predictor("rescal:d_kaplan"), FixedLawPredictor)
    assert get_predictor("rescal:rf_nd").features == "nd"
    assert get_predictor("rescal:dc_law").law.columns == ("N", "D", "uD")


def test_fit_boxed_keeps_the_start_without_a_finite_objective():
    law = get_law("chinchilla")
    start = dict(RESCAL_CHINCHILLA)
    X = {"N": np.array([1e8, 2e8]), "D": np.array([1e9, 2e9])}
    params, ok = fit_boxed(law, X, np.array([np.nan, 2.0]), start, {})
    assert not ok
    assert params == pytest.approx(start)
