"""Interval coverage inside the backtest harness (Backtest(intervals=...) and `backtest --intervals`)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scalingkit.cli._boundary import run
from scalingkit.evaluation import Backtest, ComputeSplit
from scalingkit.uncertainty import IntervalPredictor


def test_backtest_without_intervals_is_unchanged(table, fast_law):
    res = Backtest({"law": fast_law}, ComputeSplit((0.6,)), rank=False).run({"syn": table})
    assert "coverage" not in res.results.columns
    assert "lo" not in res.predictions.columns
    assert "mean_coverage" not in res.summary().columns


def test_backtest_with_intervals_adds_coverage_and_width(table, fast_law):
    bt = Backtest({"conformal": IntervalPredictor(fast_law), "own": fast_law}, ComputeSplit((0.5, 0.7)),
                  rank=False, intervals=0.8)
    res = bt.run({"syn": table})
    r = res.results
    assert list(r.columns[-2:]) == ["coverage", "width"]
    assert r["coverage"].between(0, 1).all()
    assert (r["width"] > 0).all()
    p = res.predictions
    assert np.all(p["lo"] <= p["y_pred"])
    assert np.all(p["y_pred"] <= p["hi"])
    assert {"mean_coverage", "mean_width"} <= set(res.summary().columns)


def test_methods_without_intervals_get_nan_and_a_warning(table):
    from scalingkit.estimators import BasePredictor

    class Mean(BasePredictor):
        def __init__(self):
            pass

        def fit(self, t):
            self.m_ = float(t.y.mean())
            return self

        def predict(self, t):
            return np.full(len(t), self.m_)

    res = Backtest({"mean": Mean()}, ComputeSplit((0.5,)), rank=False, intervals=0.8).run({"syn": table})
    assert np.isnan(res.results["coverage"].iloc[0])
    assert res.results["error"].iloc[0] == ""
    assert "no interval" in res.results["warnings"].iloc[0]


def test_bad_interval_level_is_rejected(fast_law):
    with pytest.raises(ValueError, match="The 'intervals' parameter of Backtest must be None or a float"):
        Backtest({"law": fast_law}, ComputeSplit((0.5,)), intervals=1.2)


def test_cli_backtest_intervals(tmp_path, table, capsys):
    csv = tmp_path / "runs.csv"
    table.frame.to_csv(csv, index=False)
    rc = run(["backtest", str(csv), "--methods", "chinchilla", "--split", "compute", "--rho", "0.6", "--out",
              str(tmp_path / "bt"), "--intervals", "0.8", "--interval-method", "delta", "--no-progress",
              "--format", "json"])
    out = capsys.readouterr().out
    assert rc == 0, out
    summary = json.loads(out)["summary"][0]
    assert 0 <= summary["mean_coverage"] <= 1
    assert summary["mean_width"] > 0
    import pandas as pd

    assert {"coverage", "width"} <= set(pd.read_csv(tmp_path / "bt" / "results.csv").columns)
    assert run(["backtest", str(csv), "--methods", "chinchilla", "--out", str(tmp_path / "x"), "--intervals", "2"]) == 2


def test_cli_prior_weight_widens_conformal_intervals(tmp_path, table, capsys):
    csv = tmp_path / "runs.csv"
    table.frame.to_csv(csv, index=False)
    widths = []
    for weight in ("0", "1000"):
        args = ["backtest", str(csv), "--methods", "chinchilla", "--split", "compute", "--rho", "0.5", "--out",
                str(tmp_path / f"bt{weight}"), "--intervals", "0.8", "--prior-weight", weight, "--no-progress",
                "--format", "json"]
        assert run(args) == 0
        widths.append(json.loads(capsys.readouterr().out)["summary"][0]["mean_width"])
    assert widths[1] != pytest.approx(widths[0])  # the prior growth replaced the learned one
    bad = ["backtest", str(csv), "--methods", "chinchilla", "--out", str(tmp_path / "y"), "--intervals", "0.8",
           "--prior-weight", "-1"]
    assert run(bad) == 2
    assert "--prior-weight must be >= 0" in capsys.readouterr().err
