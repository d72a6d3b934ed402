"""``scalingkit reproduce rescal``: happy path on DENSE4 (seconds), error paths, JSON output."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

needs_data = pytest.mark.skipif(not os.environ.get("SCALINGKIT_DATA"), reason="SCALINGKIT_DATA is not set")


@needs_data
def test_reproduce_rescal_dense4_writes_the_published_columns(invoke, tmp_path):
    out, _ = invoke(["reproduce", "rescal", "--out", tmp_path, "--datasets", "dense4",
                     "--methods", "ReScaL,rescal:rf,mix3_law,d_kaplan"], stdout_contains="PASS")
    assert "dense4" in out
    assert "mix3_law" in out
    results = pd.read_csv(tmp_path / "results.csv")
    published = pd.read_csv(os.path.join(os.environ["SCALINGKIT_DATA"], "rescal", "results", "headline_mape.csv"))
    assert list(results.columns) == list(published.columns)
    assert sorted(results["method"].unique()) == ["ReScaL", "d_kaplan", "mix3_law", "rf"]
    assert sorted(results["rho"].unique()) == [0.1, 0.9]
    assert (results["dataset"] == "dense4").all()
    merged = results.merge(published, on=["dataset", "rho", "method"], suffixes=("", "_pub"))
    assert len(merged) == len(results)
    exact = merged[merged["method"].isin(["d_kaplan", "mix3_law"])]
    pd.testing.assert_series_equal(exact["mape_mean"], exact["mape_mean_pub"], check_names=False, rtol=1e-4)
    pd.testing.assert_series_equal(exact["mape_std"], exact["mape_std_pub"], check_names=False, rtol=1e-4)
    assert (results["rank"] >= 1).all()
    comparison = pd.read_csv(tmp_path / "comparison.csv")
    assert {"mape_mean_published", "abs_diff", "rank_published"} <= set(comparison.columns)


@needs_data
def test_reproduce_rescal_json(invoke, tmp_path):
    out, _ = invoke(["reproduce", "rescal", "--out", tmp_path, "--datasets", "rescal_dense4", "--methods",
                     "rescal:d_chinchilla", "--format", "json"])
    payload = json.loads(out)
    assert payload["passed"] is True
    assert payload["per_dataset"] == []
    assert payload["per_method"][0]["method"] == "d_chinchilla"
    assert payload["per_method"][0]["max_abs_diff"] < 1e-9
    assert json.loads((tmp_path / "summary.json").read_text())["files"] == payload["files"]


def test_reproduce_rescal_rejects_unknown_dataset(invoke, tmp_path):
    invoke(["reproduce", "rescal", "--out", tmp_path, "--datasets", "dense9"], code=2,
           stderr_contains="unknown ReScaL dataset")


@needs_data
def test_reproduce_rescal_rejects_unknown_method(invoke, tmp_path):
    invoke(["reproduce", "rescal", "--out", tmp_path, "--datasets", "dense4", "--methods", "rescal:nope"], code=2,
           stderr_contains="rescal:nope")


def test_reproduce_group_lists_rescal(invoke):
    out, _ = invoke(["reproduce", "--help"])
    assert "rescal" in out
