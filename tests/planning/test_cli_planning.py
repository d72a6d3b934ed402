"""`scalingkit plan | next-run | compare` through the CLI boundary."""

from __future__ import annotations

import json

import pytest

from scalingkit.data import read_runs
from scalingkit.estimators import LawPredictor
from scalingkit.planning import optimal_allocation


@pytest.fixture
def csv_a(tmp_path, sweep_frame):
    path = tmp_path / "a.csv"
    sweep_frame(seed=0).rename(columns={"N": "params", "D": "tokens"}).to_csv(path, index=False)
    return path


@pytest.fixture
def csv_b(tmp_path, sweep_frame):
    path = tmp_path / "b.csv"
    sweep_frame(seed=1, shift=0.05).rename(columns={"N": "params", "D": "tokens"}).to_csv(path, index=False)
    return path


COLS = ["--n-col", "params", "--d-col", "tokens", "--starts", "32"]


def test_plan_prints_the_allocation_with_intervals(invoke, csv_a):
    out, _ = invoke(["plan", csv_a, *COLS, "--budget", "5.76e23", "--interval", "parametric", "--resamples", "50"],
                    stdout_contains="N* (parameters)")
    assert "law chinchilla (closed form)" in out
    assert "80% intervals from" in out
    assert "D* (tokens)" in out


def test_plan_json_equals_the_api(invoke, csv_a):
    out, _ = invoke(["plan", csv_a, *COLS, "--budget", "1e22", "--interval", "none", "--format", "json"])
    got = json.loads(out)
    table = read_runs(csv_a, n_col="params", d_col="tokens")
    want = optimal_allocation(LawPredictor(n_starts=32).fit(table), 1e22, interval="none").to_dict()
    assert set(got) == set(want)
    for key, value in want.items():
        assert got[key] == (pytest.approx(value, rel=1e-9) if isinstance(value, float) else value), key


def test_plan_with_unique_tokens_reports_epochs(invoke, csv_a):
    invoke(["plan", csv_a, *COLS, "--budget", "1e22", "--unique-tokens", "2e10", "--interval", "none"],
           stdout_contains="epochs over unique data")


def test_plan_errors_are_user_errors(invoke, csv_a):
    invoke(["plan", csv_a, *COLS, "--budget", "1e22", "--interval", "magic"], code=2,
           stderr_contains="--interval must be 'bootstrap', 'parametric' or 'none', got 'magic'")
    invoke(["plan", csv_a, *COLS, "--budget", "1e22", "--law", "chinchila"], code=2, stderr_contains="chinchila")
    invoke(["plan", csv_a, *COLS, "--budget", "-5", "--interval", "none"], code=2,
           stderr_contains="'budget' parameter must be a float in the range (0, inf)")


def test_next_run_lists_candidates(invoke, csv_a):
    out, _ = invoke(["next-run", csv_a, *COLS, "--target-n", "7e10", "--target-d", "1.4e12", "--top", "3"],
                    stdout_contains="FLOP per 1% cut")
    assert len([ln for ln in out.splitlines() if ln.strip()[:1].isdigit()]) == 3
    out, _ = invoke(["next-run", csv_a, *COLS, "--target-n", "7e10", "--target-d", "1.4e12", "--format", "json",
                     "--rank-by", "reduction", "--top", "2"])
    assert len(json.loads(out)["candidates"]) == 2
    invoke(["next-run", csv_a, *COLS, "--target-n", "7e10", "--target-d", "1.4e12", "--rank-by", "x"], code=2,
           stderr_contains="--rank-by must be")


def test_compare_two_recipes(invoke, csv_a, csv_b):
    out, _ = invoke(["compare", csv_a, csv_b, *COLS, "--n", "7e10", "--d", "1.4e12", "--resamples", "4", "--quiet"],
                    stdout_contains="B - A:")
    assert "paired bootstrap" in out
    out, _ = invoke(["compare", csv_a, csv_b, *COLS, "--n", "7e10", "--d", "1.4e12", "--resamples", "4",
                     "--format", "json"])
    res = json.loads(out)
    assert res["diff"] < 0
    assert res["paired"] is True
    assert res["n_replicates"] == 4
