"""Fitter tests: recovery, limits and invariances, gradients, fitter cross-checks."""

from __future__ import annotations

import numpy as np
import pytest

from scalingkit.exceptions import ConvergenceWarning, DataValidationError
from scalingkit.fitting import FitStatus, Huber, LeastSquares, MultiStartLM, ScipyLoop, fit_law, format_report
from scalingkit.fitting._common import objective_and_gradient, prepare
from scalingkit.laws import get_law

TRUE = {"E": 1.817, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}


def sweep(noise=0.0, seed=0, n_sizes=7, n_tokens=6):
    rng = np.random.default_rng(seed)
    N = np.geomspace(5e7, 5e9, n_sizes)
    tpp = np.geomspace(4, 200, n_tokens)
    NN, TT = np.meshgrid(N, tpp, indexing="ij")
    X = {"N": NN.ravel(), "D": (NN * TT).ravel()}
    y = get_law("chinchilla")(TRUE, X) * np.exp(noise * rng.standard_normal(NN.size))
    return X, y


def test_recovers_chinchilla_exactly_without_noise():
    X, y = sweep()
    res = fit_law("chinchilla", X, y, Huber(1e-3), fitter=MultiStartLM(n_starts=512))
    assert res.status is FitStatus.SUCCESS
    for k, v in TRUE.items():
        assert res.params[k] == pytest.approx(v, rel=1e-4), k
    assert res.objective < 1e-12


def test_recovers_chinchilla_with_noise_full_grid():
    """Tolerances: 3% on E and the exponents, 30% on the (strongly correlated) scales A, B."""
    X, y = sweep(noise=0.003, seed=1)
    res = fit_law("chinchilla", X, y)
    assert res.n_starts == 4500
    for k in ("E", "alpha", "beta"):
        assert res.params[k] == pytest.approx(TRUE[k], rel=0.03), k
    for k in ("A", "B"):
        assert res.params[k] == pytest.approx(TRUE[k], rel=0.3), k
    assert res.n_best_basin >= 1
    assert all(np.isfinite(v) and v > 0 for v in res.stderr.values())


def test_huber_with_huge_delta_equals_least_squares_in_log_space():
    X, y = sweep(noise=0.01, seed=2)
    law = get_law("chinchilla")
    fitter = MultiStartLM(n_starts=256)
    a = fitter.fit(law, X, y, Huber(1e6))
    b = fitter.fit(law, X, y, LeastSquares(log=True))
    assert a.objective == pytest.approx(b.objective, rel=1e-9)
    for k in TRUE:
        assert a.params[k] == pytest.approx(b.params[k], rel=1e-5)


def test_integer_weights_equal_repetition():
    X, y = sweep(noise=0.01, seed=3)
    w = np.arange(len(y)) % 3 + 1
    rep = np.repeat(np.arange(len(y)), w)
    fitter = MultiStartLM(n_starts=256)
    a = fitter.fit(get_law("chinchilla"), X, y, Huber(1e-2), weights=w)
    b = fitter.fit(get_law("chinchilla"), {k: v[rep] for k, v in X.items()}, y[rep], Huber(1e-2))
    assert a.objective == pytest.approx(b.objective, rel=1e-8)
    for k in TRUE:
        assert a.params[k] == pytest.approx(b.params[k], rel=1e-5)


def test_rescaling_tokens_only_rescales_B():
    """D -> c D leaves E, A, alpha, beta unchanged and maps B -> B c^beta (log-space objective)."""
    X, y = sweep(noise=0.005, seed=4)
    c = 1e-3
    fitter = MultiStartLM(n_starts=512)
    a = fitter.fit(get_law("chinchilla"), X, y)
    b = fitter.fit(get_law("chinchilla"), {"N": X["N"], "D": X["D"] * c}, y)
    assert b.objective == pytest.approx(a.objective, rel=1e-6)
    assert b.params["beta"] == pytest.approx(a.params["beta"], rel=1e-4)
    assert b.params["B"] == pytest.approx(a.params["B"] * c ** a.params["beta"], rel=1e-3)


def test_gradient_matches_finite_differences():
    X, y = sweep(noise=0.02, seed=5)
    law = get_law("chinchilla")
    for objective in (Huber(1e-3), Huber(0.05), LeastSquares(), LeastSquares(log=True)):
        prob = prepare(law, X, y, None, objective)
        theta = np.array([0.5, 6.0, 7.5, 0.3, 0.35])
        _, g = objective_and_gradient(prob, theta)
        h = 1e-6
        fd = np.array([(prob.value(theta + h * e)[0] - prob.value(theta - h * e)[0]) / (2 * h) for e in np.eye(5)])
        np.testing.assert_allclose(g, fd, rtol=1e-4, atol=1e-9)


def test_batched_fitter_no_worse_than_scipy_loop():
    X, y = sweep(noise=0.01, seed=6)
    law = get_law("chinchilla")
    starts = law.start_grid()[::150]  # 30 grid starts keep the loop quick
    loop = ScipyLoop(numerical_gradient=False).fit(law, X, y, starts=starts)
    ours = MultiStartLM().fit(law, X, y, starts=starts)
    assert ours.objective <= loop.objective * (1 + 1e-6)


def test_pruning_does_not_change_the_optimum_here():
    X, y = sweep(noise=0.01, seed=7)
    a = MultiStartLM(prune_keep=1.0).fit(get_law("chinchilla"), X, y)
    b = MultiStartLM().fit(get_law("chinchilla"), X, y)
    assert b.objective == pytest.approx(a.objective, rel=1e-8)


def test_bounds_are_respected_and_reported():
    X, y = sweep(noise=0.01, seed=8)
    law = get_law("chinchilla").with_bounds(alpha=(0.0, 0.15))
    res = MultiStartLM(n_starts=256).fit(law, X, y)
    assert res.params["alpha"] <= 0.15 + 1e-12
    assert "alpha" in res.at_bound
    assert "at bound" in format_report(res)


def test_fixed_parameters():
    X, y = sweep(noise=0.0)
    law = get_law("chinchilla").fix(alpha=TRUE["alpha"], beta=TRUE["beta"])
    res = MultiStartLM().fit(law, X, y)
    assert set(res.params) == {"E", "A", "B"}
    assert res.constants == {"alpha": TRUE["alpha"], "beta": TRUE["beta"]}
    assert res.params["E"] == pytest.approx(TRUE["E"], rel=1e-6)


def test_non_convergence_warns_with_remedy_and_strict_raises():
    X, y = sweep(noise=0.01, seed=9)
    with pytest.warns(ConvergenceWarning, match="Remedy"):
        MultiStartLM(n_starts=4, max_iter=1, polish=0).fit(get_law("chinchilla"), X, y)
    with pytest.raises(RuntimeError, match="did not converge"):
        MultiStartLM(n_starts=4, max_iter=1, polish=0, strict=True).fit(get_law("chinchilla"), X, y)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"n_starts": 0}, "'n_starts' parameter of MultiStartLM must be an int in the range \\[1, inf\\)"),
     ({"max_iter": -3}, "'max_iter' parameter")],
)
def test_fitter_parameter_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MultiStartLM(**kwargs)


def test_bad_data_is_named():
    X, y = sweep()
    y = y.copy()
    y[3] = -1.0
    with pytest.raises(DataValidationError, match="row 3"):
        fit_law("chinchilla", X, y)
    X2 = dict(X)
    X2["D"] = X["D"].copy()
    X2["D"][5] = np.nan
    with pytest.raises(DataValidationError, match="'D', row 5"):
        fit_law("chinchilla", X2, sweep()[1])
    with pytest.raises(DataValidationError, match="needs input column 'N'"):
        fit_law("chinchilla", {"D": X["D"]}, y)


def test_inputs_are_not_modified():
    X, y = sweep(noise=0.01)
    X0 = {k: v.copy() for k, v in X.items()}
    y0 = y.copy()
    fit_law("chinchilla", X, y, fitter=MultiStartLM(n_starts=64))
    for k in X:
        np.testing.assert_array_equal(X[k], X0[k])
    np.testing.assert_array_equal(y, y0)


def test_result_to_dict_is_json_ready():
    import json

    X, y = sweep(noise=0.01)
    res = fit_law("chinchilla", X, y, fitter=MultiStartLM(n_starts=64))
    d = json.loads(json.dumps(res.to_dict()))
    assert set(d["params"]) == set(TRUE)
    assert d["n_rows"] == len(y)
    assert d["status"] == "success"


def test_varpro_matches_full_least_squares_and_collapses_starts():
    from scalingkit.fitting import VarPro

    X, y = sweep(noise=0.01, seed=10)
    law = get_law("chinchilla")
    a = VarPro().fit(law, X, y, LeastSquares())
    b = MultiStartLM().fit(law, X, y, LeastSquares())
    assert a.objective == pytest.approx(b.objective, rel=1e-8)
    for k in TRUE:
        assert a.params[k] == pytest.approx(b.params[k], rel=1e-5)
    assert a.n_starts == 4500  # the literature grid, solved as its 25 (alpha, beta) points


def test_varpro_recovers_noise_free_parameters_and_rejects_huber():
    from scalingkit.fitting import VarPro

    X, y = sweep()
    res = VarPro().fit(get_law("chinchilla"), X, y, LeastSquares())
    for k, v in TRUE.items():
        assert res.params[k] == pytest.approx(v, rel=1e-6)
    with pytest.raises(ValueError, match="raw least squares only"):
        VarPro().fit(get_law("chinchilla"), X, y, Huber())
    with pytest.raises(ValueError, match="no linear parameters"):
        VarPro().fit(get_law("kaplan"), X, y, LeastSquares())
