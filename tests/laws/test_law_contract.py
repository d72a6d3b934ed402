"""Contract of every registered law: analytic Jacobian, broadcasting, start grid, description."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scalingkit.exceptions import DataValidationError
from scalingkit.laws import get_law, list_laws, mixing_law, mixing_nd_law

LAW_NAMES = [law.name for law in list_laws()]
NEW_LAWS = ("kaplan", "farseer", "data_constrained", "overtraining", "mixing", "mixing_nd",
            "lr_anneal", "power", "power_compute")


def concrete(name, columns):
    """The registered law, resolved against the synthetic table (for laws with a ``resolve`` hook)."""
    return get_law(name).concrete(list(columns))


def natural_points(law, n_points=4, seed=0):
    """``n_points`` parameter sets from the law's start box, as natural-unit (S, 1) arrays."""
    theta = law.start_grid(n_points, seed=seed)
    return {p.name: p.to_natural(theta[:, j])[:, None] for j, p in enumerate(law.params)}


def assert_jacobian_matches_fd(law, params, X, rtol=1e-5):
    """Analytic Jacobian vs central differences with step h = 1e-6 |value|.

    Tolerance: ``rtol * |analytic| + 1e-11 * max|L| / h`` per element; the
    second term covers the round-off of the difference quotient (about
    eps |L| / h, so 1e-11 leaves a factor 5e4 of headroom).
    """
    f = np.asarray(law(params, X))
    J = law.jacobian(params, X)
    assert set(J) == set(law.param_names)
    fmax = np.max(np.abs(f), axis=-1, keepdims=True)
    for name in law.param_names:
        v = np.asarray(params[name], dtype=float)
        h = 1e-6 * np.maximum(np.abs(v), 1e-3)
        up, dn = dict(params), dict(params)
        up[name], dn[name] = v + h, v - h
        fd = (law(up, X) - law(dn, X)) / (2 * h)
        tol = rtol * np.abs(J[name]) + 1e-11 * fmax / h
        err = np.abs(J[name] - fd)
        assert np.all(err <= tol), f"{law.name}: d/d{name} off by up to {np.max(err / tol):.3g} x tolerance"


def test_every_new_law_is_registered():
    assert set(NEW_LAWS) <= set(LAW_NAMES)


@pytest.mark.parametrize("name", LAW_NAMES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_jacobian_matches_finite_differences(name, seed, columns):
    law = concrete(name, columns)
    assert law.jac is not None, f"law '{name}' has no analytic Jacobian"
    assert_jacobian_matches_fd(law, natural_points(law, 4, seed), columns)


@pytest.mark.parametrize("name", LAW_NAMES)
def test_output_shapes(name, columns):
    law = concrete(name, columns)
    n = len(columns["N"])
    batched = natural_points(law, 5)
    assert law(batched, columns).shape == (5, n)
    assert all(j.shape == (5, n) for j in law.jacobian(batched, columns).values())
    scalar = {k: float(v[0, 0]) for k, v in batched.items()}
    out = law(scalar, columns)
    assert out.shape == (n,)
    np.testing.assert_allclose(out, law(batched, columns)[0], rtol=1e-13)
    assert all(j.shape == (n,) for j in law.jacobian(scalar, columns).values())


@pytest.mark.parametrize("name", LAW_NAMES)
def test_start_grid_within_bounds_and_finite(name, columns):
    for law in (get_law(name), concrete(name, columns)):
        for n_starts in (None, 64):
            grid = law.start_grid(n_starts)
            lo = np.array([p.internal_bounds[0] for p in law.params])
            hi = np.array([p.internal_bounds[1] for p in law.params])
            assert grid.shape[1] == law.n_params
            assert np.all(np.isfinite(grid))
            assert np.all(grid >= lo)
            assert np.all(grid <= hi)
    law = concrete(name, columns)
    centre = natural_points(law, 1)
    assert np.all(np.isfinite(law(centre, columns))), "prediction at the grid centre is not finite"


@pytest.mark.parametrize("name", LAW_NAMES)
def test_describe(name, columns):
    for law in (get_law(name), concrete(name, columns)):
        d = law.describe()
        assert d["name"] == name
        assert all(d[k] for k in ("formula", "reference", "description"))
        assert [p["name"] for p in d["params"]] == list(law.param_names)
        json.dumps(d)  # plain data


def test_mixing_resolves_one_coefficient_per_proportion_column(columns):
    law = get_law("mixing").concrete(list(columns))
    assert law.param_names == ("c", "k", "t_web", "t_code", "t_books")
    assert law.columns == ("w_web", "w_code", "w_books")
    assert law.resolve is None
    nd = get_law("mixing_nd").concrete(list(columns))
    assert nd.param_names == ("E", "A", "B", "alpha", "beta", "t_web", "t_code", "t_books")
    assert nd.columns == ("N", "D", "w_web", "w_code", "w_books")
    assert all(nd.param(f"t_{d}").bounds == (-20.0, 20.0) for d in ("web", "code", "books"))


def test_mixing_errors():
    with pytest.raises(DataValidationError, match="w_<domain>"):
        get_law("mixing").concrete(["N", "D", "loss"])
    with pytest.raises(TypeError, match="concrete"):
        get_law("mixing_nd")({"E": 1.0, "A": 1.0, "B": 1.0, "alpha": 0.3, "beta": 0.3}, {"N": [1e9], "D": [1e10]})
    with pytest.raises(ValueError, match="at least one"):
        mixing_law([])
    with pytest.raises(ValueError, match="duplicate"):
        mixing_nd_law(["web", "web"])


def test_mixing_grid_stays_small_with_many_domains():
    for k in (1, 3, 5, 8, 17):
        domains = [f"d{i}" for i in range(k)]
        assert mixing_law(domains).grid_size() <= 5000
        assert mixing_nd_law(domains).grid_size() <= 5000


def test_data_constrained_jacobian_on_both_branches():
    """Published constants on a design where U_N = N on some rows and N_opt(U_D) on others."""
    from scalingkit.laws import DATA_CONSTRAINED_PUBLISHED, data_constrained_optimal_n

    law = get_law("data_constrained")
    N = np.array([1e7, 3e7, 1e8, 1e9, 5e9, 1e10, 2e8])
    U = np.array([1e9, 1e9, 1e9, 1e9, 1e10, 1e11, 1e9])
    X = {"N": N, "D": U * np.array([1, 4, 20, 60, 2, 1, 1.0]), "unique_tokens": U}
    capped = data_constrained_optimal_n(DATA_CONSTRAINED_PUBLISHED, U) < N
    assert capped.any()
    assert (~capped).any()
    params = {k: np.array([[v], [v * 1.1]]) for k, v in DATA_CONSTRAINED_PUBLISHED.items()}
    assert_jacobian_matches_fd(law, params, X)


def test_kaplan_is_stable_for_huge_ratios():
    law = get_law("kaplan")
    # (Nc/N)^(alpha_N/alpha_D) = 1e600 overflows a float, the loss (about 1e6) does not
    p = {"Nc": 1e300, "Dc": 1.8e13, "alpha_N": 0.02, "alpha_D": 0.01}
    X = {"N": np.array([1.0, 1e3]), "D": np.array([1e9, 1e9])}
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = law(p, X)
    expected = 0.02 * np.log(1e300 / X["N"])  # log L = alpha_N log(Nc / N) when the N term dominates
    np.testing.assert_allclose(np.log(out), expected, rtol=1e-12)
    assert all(np.all(np.isfinite(j)) for j in law.jacobian(p, X).values())
