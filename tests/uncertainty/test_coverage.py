"""coverage_metrics and interval_backtest."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scalingkit.evaluation.splits import ComputeSplit
from scalingkit.uncertainty import coverage_metrics, interval_backtest


def test_coverage_metrics_counts_inside_and_relative_width():
    out = coverage_metrics([2.0, 2.0, 4.0], [1.9, 2.1, 3.0], [2.1, 2.2, 5.0])
    assert out["coverage"] == pytest.approx(2 / 3)
    assert out["width"] == pytest.approx(np.mean([0.1, 0.05, 0.5]))


def test_coverage_metrics_bounds_are_inclusive_and_empty_is_nan():
    assert coverage_metrics([1.0], [1.0], [1.0])["coverage"] == 1.0
    out = coverage_metrics([], [], [])
    assert math.isnan(out["coverage"])
    assert math.isnan(out["width"])


def test_coverage_metrics_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length; got 2, 1 and 2"):
        coverage_metrics([1.0, 2.0], [1.0], [1.0, 2.0])


def test_interval_backtest_scores_every_method_on_every_pair(table, fast_law):
    df = interval_backtest({"syn": table}, ComputeSplit(rhos=(0.5, 0.7)), fast_law, methods=("delta", "conformal"),
                           level=0.8)
    assert list(df["method"]) == ["delta", "conformal", "delta", "conformal"]
    assert set(df.columns) >= {"dataset", "pair", "method", "level", "coverage", "width", "mape", "n_test", "error"}
    assert df["coverage"].between(0, 1).all()
    assert (df["width"] > 0).all()
    assert (df["error"] == "").all()


def test_interval_backtest_records_errors_instead_of_raising(table, fast_law):
    df = interval_backtest({"syn": table}, ComputeSplit(rhos=(0.5,)), fast_law, methods=("delta",),
                           level=0.8, groups="nope", resample="pairs")
    assert df["error"].iloc[0] == ""  # delta ignores the bootstrap options
    df = interval_backtest({"syn": table}, ComputeSplit(rhos=(0.5,)), fast_law, methods=("bootstrap",),
                           n_resamples=3, groups="nope")
    assert "groups column 'nope'" in df["error"].iloc[0]
    assert math.isnan(df["coverage"].iloc[0])
