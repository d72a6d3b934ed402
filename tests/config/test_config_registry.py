"""The "config" methods in the predictor registry: `get_predictor` and a small backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
from config_helpers import make_runs

import scalingkit.config  # noqa: F401 - registers the methods
from scalingkit.config import ConfigRegressor
from scalingkit.estimators import describe_predictor, get_predictor, list_predictors


def test_registered_names_give_fresh_config_regressors():
    assert {"config", "config_neural", "config_ensemble"} <= set(list_predictors())
    first, second = get_predictor("config"), get_predictor("config")
    assert isinstance(first, ConfigRegressor)
    assert first is not second
    assert first.backend == "trees"
    assert get_predictor("config_neural").backend == "neural"
    assert "ConfigRegressor" in describe_predictor("config_ensemble")


def test_config_method_in_a_largest_n_backtest():
    from scalingkit.data import read_runs
    from scalingkit.evaluation import Backtest, LargestNSplit

    table = read_runs(pd.concat([make_runs([1e8, 2e8, 4e8]), make_runs([1.6e9], seed=1)], ignore_index=True))
    res = Backtest(["config", "chinchilla"], LargestNSplit(), rank=False).run({"syn": table})
    scores = res.results.set_index("method")
    assert (scores["error"] == "").all()
    assert scores.loc["config", "n_test"] == 72
    assert scores.loc["config", "mae"] < 0.01
    assert scores.loc["config", "mae"] < 0.5 * scores.loc["chinchilla", "mae"]
    assert np.isfinite(res.predictions["y_pred"]).all()


def test_backtest_cli_knows_the_config_method(invoke, tmp_path):
    path = tmp_path / "runs.csv"
    pd.concat([make_runs([1e8, 2e8]), make_runs([4e8], seed=1)], ignore_index=True).to_csv(path, index=False)
    out, _ = invoke(["backtest", path, "--methods", "config", "--split", "largest-n", "--out", tmp_path / "bt",
                     "--no-progress"])
    assert "config" in out
    results = pd.read_csv(tmp_path / "bt" / "results.csv")
    assert results["error"].isna().all() or results["error"].astype(str).isin(["", "nan"]).all()
