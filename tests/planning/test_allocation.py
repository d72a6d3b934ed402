"""Compute-optimal allocation: closed form, numeric optimiser, brute force, intervals."""

from __future__ import annotations

import numpy as np
import pytest

from scalingkit.laws import DATA_CONSTRAINED_PUBLISHED, FARSEER_PUBLISHED, get_law
from scalingkit.planning import Allocation, data_constrained_allocation, optimal_allocation
from scalingkit.planning._frontier import law_inputs, optimum_closed_form, optimum_numeric

EPOCH = {"E": 1.817, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}
HOFFMANN = {"E": 1.69337, "A": 406.401, "B": 410.723, "alpha": 0.33917, "beta": 0.28491}


def _brute(law, params, budget, extra=None, points=400_001, tpp=(1e-2, 1e5)):
    c6 = budget / 6
    logn = np.linspace(0.5 * np.log(c6 / tpp[1]), 0.5 * np.log(c6 / tpp[0]), points)
    N = np.exp(logn)
    L = np.asarray(law(params, law_inputs(law, N, c6 / N, extra)), dtype=float)
    i = int(np.nanargmin(L))
    return N[i], L[i], logn[1] - logn[0]


@pytest.mark.parametrize("params", [EPOCH, HOFFMANN])
@pytest.mark.parametrize("budget", [1e19, 5.76e23, 1e27])
def test_numeric_optimum_matches_chinchilla_closed_form(params, budget):
    N_cf, D_cf = optimum_closed_form(params, budget)
    N, D, _, interior = optimum_numeric(get_law("chinchilla"), params, budget)
    assert interior
    assert N == pytest.approx(N_cf, rel=1e-6)
    assert D == pytest.approx(D_cf, rel=1e-6)


def test_hoffmann_closed_form_gives_approach_3s_allocation():
    N, D = optimum_closed_form(HOFFMANN, 5.76e23)
    assert N == pytest.approx(40.4e9, rel=0.02)  # Hoffmann et al. Table 3, Approach 3: 40B at Gopher's budget
    assert 6 * N * D == pytest.approx(5.76e23)


def test_farseer_optimum_matches_a_brute_force_grid():
    law = get_law("farseer")
    for budget in (1e18, 1e19, 1e20):  # ReScaL's start constants have an interior optimum up to ~1e21
        N, _, loss, interior = optimum_numeric(law, FARSEER_PUBLISHED, budget)
        N_bf, L_bf, step = _brute(law, FARSEER_PUBLISHED, budget)
        assert interior
        assert abs(np.log(N / N_bf)) <= 2 * step
        assert loss <= L_bf + 1e-12


def test_data_constrained_optimum_matches_a_brute_force_grid():
    law = get_law("data_constrained")
    for budget, U in ((1e22, 25e9), (1e23, 1e11), (1e21, 1e12)):
        extra = {"unique_tokens": lambda N, D, U=U: np.minimum(D, U)}
        N, _, loss, _ = optimum_numeric(law, DATA_CONSTRAINED_PUBLISHED, budget, extra=extra)
        N_bf, L_bf, step = _brute(law, DATA_CONSTRAINED_PUBLISHED, budget, extra)
        assert abs(np.log(N / N_bf)) <= 2 * step
        assert loss <= L_bf + 1e-12


def test_data_constrained_reproduces_the_datablations_readme_example():
    a = data_constrained_allocation(DATA_CONSTRAINED_PUBLISHED, 1e22, 25e9, interval="none")
    assert a.N == pytest.approx(7.0e9, rel=0.01)  # README: 7.0B parameters
    assert a.D == pytest.approx(237e9, rel=0.01)  # on 237B tokens
    assert a.extra["epochs"] == pytest.approx(9.5, abs=0.05)
    assert a.extra["loss_penalty"] > 0


def test_plenty_of_unique_data_gives_the_chinchilla_optimum():
    a = data_constrained_allocation(DATA_CONSTRAINED_PUBLISHED, 1e21, 1e13, interval="none")
    assert a.N == pytest.approx(a.extra["N_unconstrained"], rel=1e-5)
    assert a.extra["epochs"] == 1.0
    assert a.extra["loss_penalty"] == pytest.approx(0, abs=1e-9)


def test_data_constrained_from_a_chinchilla_fit_borrows_the_decays(fitted, table):
    a = data_constrained_allocation(fitted, 1e22, 2e10, table=table, interval="parametric", n_draws=50)
    assert any("borrowed" in n for n in a.notes)
    lo, hi = a.intervals["epochs"]
    assert lo <= a.extra["epochs"] <= hi


def test_allocation_with_parametric_and_bootstrap_intervals(fitted, table):
    a = optimal_allocation(fitted, 5.76e23, table=table, interval="parametric", n_draws=200, level=0.8)
    assert isinstance(a, Allocation)
    assert a.method == "closed form"
    assert a.n_draws > 100
    for key, value in (("N", a.N), ("D", a.D), ("loss", a.loss)):
        lo, hi = a.intervals[key]
        assert lo < value < hi
    assert 6 * a.N * a.D == pytest.approx(5.76e23)
    b = optimal_allocation(fitted, 5.76e23, table=table, interval="bootstrap", n_draws=8)
    assert b.interval_method == "bootstrap"
    assert b.n_draws == 8
    assert any("only 8 parameter draws" in n for n in b.notes)
    d = a.to_dict()
    assert d["intervals"]["N"] == list(a.intervals["N"])
    assert d["tokens_per_param"] == pytest.approx(a.D / a.N)


def test_numeric_path_for_other_laws(table):
    from scalingkit.estimators import LawPredictor
    from scalingkit.fitting import MultiStartLM

    m = LawPredictor(law="kaplan", fitter=MultiStartLM(n_starts=64, polish=0)).fit(table)
    a = optimal_allocation(m, 1e22, interval="none")
    assert a.method == "numeric"
    assert a.intervals == {}


def test_bad_budget_and_missing_inputs(fitted):
    with pytest.raises(ValueError, match="The 'budget' parameter must be a float in the range \\(0, inf\\)"):
        optimal_allocation(fitted, -1.0, interval="none")
    with pytest.raises(ValueError, match="reads column\\(s\\) \\['unique_tokens'\\] besides N and D"):
        optimum_numeric(get_law("data_constrained"), DATA_CONSTRAINED_PUBLISHED, 1e22)
