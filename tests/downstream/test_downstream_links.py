"""Second-stage links: parameter recovery, emergence threshold, clipping, gradients."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit._threads import one_blas_thread
from scalingkit.downstream import LINKS, TwoStagePredictor, make_link
from scalingkit.downstream._stages import link_fitter_for
from scalingkit.exceptions import DataValidationError, UnknownNameError
from scalingkit.fitting import LeastSquares

# (link, chance, true parameters, x range): metric = link(x) + N(0, 0.002^2)
CASES = [
    ("linear", 0.25, {"w0": 1.6, "w1": -0.35}, (1.8, 3.2)),
    ("sigmoid", 0.25, {"h": 0.6, "k": 4.0, "x0": 2.9}, (2.0, 4.5)),
    ("exponential", 0.0, {"eps": 0.857, "k": 2.2, "gamma": 0.71}, (2.4, 5.4)),  # Gadre et al.'s fit
]


@pytest.mark.parametrize(("name", "chance", "true", "xr"), CASES, ids=[c[0] for c in CASES])
def test_link_recovers_known_parameters(name, chance, true, xr):
    rng = np.random.default_rng(1)
    x = np.linspace(*xr, 40)
    link = make_link(name, chance=chance, perfect=1.0 if name == "sigmoid" else None)
    y = link.law(true, {"x": x}) + 0.002 * rng.standard_normal(x.size)
    link = make_link(name, chance=chance, perfect=1.0 if name == "sigmoid" else None, x=x, y=y)
    with one_blas_thread():
        res = link_fitter_for(link.law).fit(link.law, {"x": x}, y, LeastSquares())
    assert res.success
    for k, v in true.items():
        assert res.params[k] == pytest.approx(v, rel=0.03, abs=0.01), (k, res.params)
        # the true value lies within 4 standard errors
        assert abs(res.params[k] - v) < 4 * res.stderr[k] + 1e-9, (k, res.params[k], res.stderr[k])


@pytest.mark.parametrize("name", sorted(LINKS))
def test_link_jacobian_matches_finite_differences(name):
    law = LINKS[name]
    params = {"w0": 1.1, "w1": -0.3, "chance": 0.25, "h": 0.5, "k": 1.7, "x0": 3.0, "eps": 0.8, "gamma": 0.6}
    params = {k: np.array([[params[k]]]) for k in law.param_names}
    x = np.linspace(2.0, 5.0, 7)
    jac = law.jacobian(params, {"x": x})
    for n in law.param_names:
        up = {**params, n: params[n] + 1e-6}
        dn = {**params, n: params[n] - 1e-6}
        fd = (law(up, {"x": x}) - law(dn, {"x": x})) / 2e-6
        np.testing.assert_allclose(jac[n], fd, rtol=1e-5, atol=1e-8)


def test_emergence_threshold_excludes_points_below_chance_plus_margin():
    """The linear link is fitted only on points above chance + margin; the others cannot move it."""
    x = np.linspace(2.0, 5.0, 31)
    acc = np.maximum(0.25, 1.6 - 0.35 * x)  # at chance for x >= 3.857
    N = np.geomspace(1e8, 1e10, x.size)
    frame = pd.DataFrame({"N": N, "D": 20 * N, "loss": x, "acc": acc})
    # Stage two sees only emerged points: garbage below the threshold must not matter.
    noisy = frame.assign(acc=np.where(acc > 0.30, acc, 0.25 + 0.05 * np.sin(np.arange(x.size))))
    a = TwoStagePredictor(link="linear", chance=0.25, emergence_margin=0.05, metric_col="acc").fit(frame)
    b = TwoStagePredictor(link="linear", chance=0.25, emergence_margin=0.05, metric_col="acc").fit(noisy)
    n_emerged = int(np.sum(acc > 0.30))
    assert a.n_stage2_ == b.n_stage2_ == n_emerged < x.size
    assert a.link_params_["w0"] == pytest.approx(1.6, rel=1e-6)
    assert a.link_params_["w1"] == pytest.approx(-0.35, rel=1e-6)
    assert b.link_params_ == pytest.approx(a.link_params_, rel=1e-9)
    # Below emergence the prediction is chance, never below it.
    assert np.all(a.predict_from_loss([6.0, 8.0]) == 0.25)
    # A sigmoid is fitted on every point.
    s = TwoStagePredictor(link="sigmoid", chance=0.25, metric_col="acc").fit(frame)
    assert s.n_stage2_ == x.size


def test_emergence_for_lower_is_better_metric():
    link = make_link("linear", chance=0.75, higher_is_better=False, margin=0.05)
    np.testing.assert_array_equal(link.emerged([0.60, 0.71, 0.75, 0.80]), [True, False, False, False])
    assert np.all(link({"w0": 0.0, "w1": 1.0}, [0.5, 0.9]) == [0.5, 0.75])


def test_too_few_emerged_points_is_a_clear_error():
    x = np.linspace(2.0, 5.0, 10)
    N = np.geomspace(1e8, 1e10, x.size)
    frame = pd.DataFrame({"N": N, "D": 20 * N, "loss": x, "acc": np.full(x.size, 0.26)})
    with pytest.raises(DataValidationError, match="emergence threshold"):
        TwoStagePredictor(link="linear", chance=0.25, metric_col="acc").fit(frame)


def test_make_link_errors():
    with pytest.raises(UnknownNameError, match="Did you mean 'sigmoid'"):
        make_link("sigmoidd")
    with pytest.raises(ValueError, match="'chance' parameter"):
        make_link("sigmoid", chance=float("nan"))


def test_sigmoid_far_asymptote_is_bounded_by_perfect():
    """Data showing only the foot of the curve must not send the ceiling to infinity."""
    x = np.linspace(3.0, 5.0, 25)
    y = 0.25 + 0.75 / (1 + np.exp(2.0 * (x - 1.5)))  # far from saturation over the data
    link = make_link("sigmoid", chance=0.25, perfect=1.0, x=x, y=y)
    with one_blas_thread():
        res = link_fitter_for(link.law).fit(link.law, {"x": x}, y, LeastSquares())
    assert 0.0 <= res.params["h"] <= 0.75 + 1e-12
    np.testing.assert_allclose(link(res.params, x), y, atol=2e-3)
