"""Next-run suggestion and recipe comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit.data import RunsTable
from scalingkit.planning import candidate_grid, compare_recipes, suggest_next_run


def test_next_run_ranks_by_variance_cut_per_flop(fitted, table):
    out = suggest_next_run(fitted, table, 7e10, 1.4e12, top=5)
    assert len(out) == 5
    assert out["reduction_per_eflop"].is_monotonic_decreasing
    assert out["variance_reduction"].between(0, 1).all()
    assert (out["sd_after"] <= out["sd_now"] + 1e-15).all()
    assert (out["C"] <= 6 * 7e10 * 1.4e12 / 10).all()
    big = suggest_next_run(fitted, table, 7e10, 1.4e12, top=3, rank_by="reduction")
    assert big["variance_reduction"].is_monotonic_decreasing
    assert big["variance_reduction"].iloc[0] >= out["variance_reduction"].max() - 1e-12


def test_next_run_sherman_morrison_matches_a_direct_update(fitted, table):
    cand = pd.DataFrame({"N": [3e8], "D": [6e9]})
    out = suggest_next_run(fitted, table, 7e10, 1.4e12, candidates=cand, top=1)
    # direct: (S^-1 + g g' / s2)^-1
    from scalingkit.planning.next_run import _log_gradients
    from scalingkit.uncertainty._common import log_residuals, robust_scale

    S = np.asarray(fitted.covariance_)
    s2 = robust_scale(log_residuals(fitted, table)) ** 2
    g = _log_gradients(fitted, [3e8], [6e9], None)[0]
    gs = _log_gradients(fitted, [7e10], [1.4e12], None)[0]
    S_new = np.linalg.inv(np.linalg.inv(S) + np.outer(g, g) / s2)
    assert out["sd_after"].iloc[0] == pytest.approx(np.sqrt(gs @ S_new @ gs), rel=1e-5)


def test_candidate_grid_respects_the_budget(table, fitted):
    grid = candidate_grid(table, 7e10, max_compute=1e20)
    assert len(grid)
    assert (6 * grid["N"] * grid["D"] <= 1e20).all()
    with pytest.raises(ValueError, match="no candidate pilot costs at most"):
        suggest_next_run(fitted, table, 7e10, 1.4e12, max_compute=1.0)


def test_compare_identical_recipes_is_paired_and_centred_on_zero(table, fast_law):
    res = compare_recipes(table, table, 7e10, 1.4e12, base=fast_law, n_resamples=4)
    assert res.paired
    assert res.diff == 0.0
    assert res.interval == (0.0, 0.0)


def test_compare_finds_the_better_recipe(sweep_frame, fast_law):
    a, b = RunsTable(sweep_frame(seed=0)), RunsTable(sweep_frame(seed=1, shift=0.05))
    res = compare_recipes(a, b, 7e10, 1.4e12, base=fast_law, n_resamples=5, level=0.8)
    assert res.paired
    assert res.n_replicates == 5
    assert res.diff < 0
    assert res.interval[1] < 0
    assert res.prob_b_lower == 1.0
    assert res.to_dict()["interval"] == list(res.interval)
