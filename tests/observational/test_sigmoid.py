"""The parametric-floor sigmoid and its fit: recovery, gradients, limits."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from scalingkit.observational import fit_link, floor_sigmoid
from scalingkit.observational._sigmoid import _model


def _data(n=60, seed=0, noise=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * [1.5, 0.5, 0.3]
    z = -0.4 + X @ np.array([1.8, -0.9, 2.0])
    y = floor_sigmoid(z, 0.12) + noise * rng.normal(size=n)
    return X, y


@pytest.mark.parametrize("loss", ["ls", "huber"])
@pytest.mark.parametrize("gradient", ["analytic", "finite-difference"])
def test_recovers_known_parameters(loss, gradient):
    X, y = _data()
    fit = fit_link(X, y, loss=loss, gradient=gradient)
    tol = 1e-4 if gradient == "analytic" else 2e-2
    np.testing.assert_allclose(fit.coef, [1.8, -0.9, 2.0], atol=tol)
    assert fit.intercept == pytest.approx(-0.4, abs=tol)
    assert fit.floor == pytest.approx(0.12, abs=tol / 4)
    assert fit.converged


def test_recovery_with_noise_is_close():
    X, y = _data(n=400, noise=0.01)
    fit = fit_link(X, y)
    np.testing.assert_allclose(fit.coef, [1.8, -0.9, 2.0], rtol=0.1)
    assert fit.floor == pytest.approx(0.12, abs=0.02)


def test_floor_stays_in_bounds():
    X, _ = _data()
    y = floor_sigmoid(0.3 + X[:, 0], 0.35)  # true floor above the 0.2 bound
    fit = fit_link(X, y)
    assert fit.floor == pytest.approx(0.2)
    assert 0.0 <= fit_link(X, y, floor_bounds=(0.0, 0.5)).floor <= 0.5


def test_plain_sigmoid_and_linear_links():
    X, _ = _data()
    y = floor_sigmoid(0.2 + X @ [1.0, 0.5, -1.0], 0.0)
    fit = fit_link(X, y, link="sigmoid")
    np.testing.assert_allclose(fit.coef, [1.0, 0.5, -1.0], atol=1e-6)
    assert fit.floor == 0.0
    lin = fit_link(X, 1.0 + X @ [0.1, 0.2, 0.3], link="linear")
    np.testing.assert_allclose(lin.coef, [0.1, 0.2, 0.3], atol=1e-8)


@pytest.mark.parametrize("link", ["sigmoid-parametric", "sigmoid", "linear"])
def test_jacobian_matches_finite_differences(link):
    X, _ = _data(n=15)
    A = np.column_stack([np.ones(len(X)), X])
    predict, jac = _model(link)
    p = np.array([0.3, 0.7, -0.4, 1.1, 0.15])[: 4 + (link == "sigmoid-parametric")]
    J = jac(p, A)
    for i in range(len(X)):
        num = approx_fprime(p, lambda q, i=i: predict(q, A)[i], 1e-7)
        np.testing.assert_allclose(J[i], num, atol=1e-5)


def test_huber_with_large_delta_equals_least_squares():
    X, y = _data(noise=0.05, n=100)
    ls = fit_link(X, y)
    hub = fit_link(X, y, loss="huber", delta=10.0)
    np.testing.assert_allclose(hub.predict(X), ls.predict(X), atol=1e-4)


def test_ridge_shrinks_slopes():
    X, y = _data(noise=0.02)
    free, ridge = fit_link(X, y), fit_link(X, y, alpha=1.0)
    assert np.linalg.norm(ridge.coef) < np.linalg.norm(free.coef)
    assert fit_link(X, y, alpha=1.0, loss="huber").coef == pytest.approx(ridge.coef, abs=1e-3)


def test_bad_arguments():
    X, y = _data()
    with pytest.raises(ValueError, match="unknown link"):
        fit_link(X, y, link="probit")
    with pytest.raises(ValueError, match="unknown loss"):
        fit_link(X, y, loss="l1")
    with pytest.raises(ValueError, match="finite"):
        fit_link(X, np.where(np.arange(len(y)) == 0, np.nan, y))
    with pytest.raises(ValueError, match="alpha"):
        fit_link(X, y, alpha=-1.0)


def test_to_dict_is_plain():
    fit = fit_link(*_data())
    d = fit.to_dict()
    assert d["link"] == "sigmoid-parametric"
    assert len(d["coef"]) == 3
    assert all(isinstance(c, float) for c in d["coef"])
