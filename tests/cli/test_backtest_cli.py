"""``scalingkit backtest``: happy paths write three CSVs and a ranked table; user errors exit 2."""

from __future__ import annotations

import json
import os
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from scalingkit._testing import LogLinearPredictor
from scalingkit.estimators import LawPredictor, _registry, register_predictor

REQUIRED = ["dataset", "rho", "method", "mape", "mae", "rmse", "spearman", "n_train", "n_test"]


@pytest.fixture(autouse=True)
def _fast_methods(monkeypatch):
    monkeypatch.setattr(_registry, "_PREDICTORS", dict(_registry._PREDICTORS))
    register_predictor("loglinear_test", LogLinearPredictor, description="log-linear least squares (tests)")
    register_predictor("fast_kaplan", lambda: LawPredictor(law="kaplan", n_starts=8))
    register_predictor("warning_test", _Warns, description="warns in fit (tests)")


class _Warns(LogLinearPredictor):
    def fit(self, table, y=None):
        warnings.warn("only 3 configurations; the interval is thin", UserWarning, stacklevel=2)
        return super().fit(table, y)


def _args(csv, out, *extra):
    return ["backtest", csv, "--out", out, "--n-col", "params", "--d-col", "tokens", "--target", "val_loss", *extra]


def test_backtest_writes_three_csvs_and_a_ranked_table(invoke, runs_csv, tmp_path):
    out_dir = tmp_path / "bt"
    out, err = invoke(_args(runs_csv, out_dir, "--methods", "loglinear_test,fast_kaplan", "--split", "compute",
                            "--rho", "0.5,0.8"))
    assert "loglinear_test" in out
    assert "mean MAPE" in out
    assert "wrote" in out
    assert "backtest" in err  # the progress bar
    results = pd.read_csv(out_dir / "results.csv")
    assert set(REQUIRED) <= set(results.columns)
    assert len(results) == 4
    assert set(results["rho"]) == {0.5, 0.8}
    assert set(results["dataset"]) == {"runs"}
    predictions = pd.read_csv(out_dir / "predictions.csv")
    assert len(predictions) == results["n_test"].sum()
    ranks = pd.read_csv(out_dir / "ranks.csv")
    assert len(ranks) == 4
    assert set(ranks.columns) >= {"dataset", "rho", "method", "rank"}


def test_backtest_json_summary(invoke, runs_csv, tmp_path):
    out, err = invoke(_args(runs_csv, tmp_path / "bt", "--methods", "loglinear_test", "--split", "largest-n",
                            "--format", "json", "--no-progress"))
    payload = json.loads(out)
    assert [row["method"] for row in payload["summary"]] == ["loglinear_test"]
    assert payload["n_fits"] == 1
    assert payload["n_failed"] == 0
    assert set(payload["files"]) == {"results", "predictions", "ranks"}
    assert err == ""


def test_backtest_prints_what_the_methods_warned(invoke, runs_csv, tmp_path):
    out, err = invoke(_args(runs_csv, tmp_path / "bt", "--methods", "warning_test,loglinear_test", "--split",
                            "compute", "--rho", "0.5,0.8", "--no-progress"))
    assert "(2 fit(s)): UserWarning: only 3 configurations; the interval is thin" in " ".join(err.split())
    assert "'warnings' column of results.csv" in err
    results = pd.read_csv(tmp_path / "bt" / "results.csv", keep_default_na=False)
    assert (results["warnings"] != "").sum() == 2
    out, _ = invoke(_args(runs_csv, tmp_path / "bt2", "--methods", "warning_test", "--split", "compute",
                          "--rho", "0.5", "--format", "json", "--no-progress"))
    assert json.loads(out)["warnings"] == {"UserWarning: only 3 configurations; the interval is thin": 1}


def test_backtest_group_split_on_a_missing_column_exits_2(invoke, runs_csv, tmp_path):
    invoke(_args(runs_csv, tmp_path / "bt", "--methods", "loglinear_test", "--split", "group", "--group-col",
                 "family", "--no-progress"), code=2, stderr_contains="GroupSplit: missing column 'family'")


def test_backtest_group_split(invoke, runs_csv, tmp_path):
    frame = pd.read_csv(runs_csv)
    frame["family"] = np.where(frame.index % 2, "odd", "even")
    path = tmp_path / "fam.csv"
    frame.to_csv(path, index=False)
    invoke(_args(path, tmp_path / "bt", "--methods", "loglinear_test", "--split", "group", "--group-col", "family",
                 "--no-progress"))
    results = pd.read_csv(tmp_path / "bt" / "results.csv")
    assert results["split"].tolist() == ["family=even", "family=odd"]


def test_backtest_two_sources(invoke, runs_csv, tmp_path):
    second = tmp_path / "second.csv"
    second.write_text(runs_csv.read_text())
    invoke(_args(f"{runs_csv},{second}", tmp_path / "bt", "--methods", "loglinear_test", "--split", "largest-n",
                 "--no-progress"))
    results = pd.read_csv(tmp_path / "bt" / "results.csv")
    assert results["dataset"].tolist() == ["runs", "second"]


@pytest.mark.skipif(not os.environ.get("SCALINGKIT_DATA"), reason="SCALINGKIT_DATA is not set")
def test_backtest_rescal_dataset_uses_published_budgets(invoke, tmp_path):
    invoke(["backtest", "rescal_dense4", "--methods", "loglinear_test", "--out", tmp_path / "bt", "--no-progress"])
    results = pd.read_csv(tmp_path / "bt" / "results.csv")
    assert results["rho"].tolist() == [0.1, 0.9]
    assert results["n_test"].tolist() == [104, 104]
    invoke(["backtest", "rescal_dense4", "--methods", "loglinear_test", "--rho", "0.5", "--out", tmp_path / "b2",
            "--no-progress"])
    assert pd.read_csv(tmp_path / "b2" / "results.csv")["rho"].tolist() == [0.5]


@pytest.mark.parametrize(("extra", "message"), [
    (["--methods", "chinchila"], "unknown method 'chinchila'. Did you mean 'chinchilla'"),
    (["--methods", "kaplan,kaplan"], "--methods lists 'kaplan' more than once"),
    (["--methods", ","], "--methods needs at least one method"),
    (["--methods", "kaplan", "--rho", "1.5"], "--rho expects distinct comma-separated numbers in (0, 1)"),
    (["--methods", "kaplan", "--rho", "abc"], "--rho expects"),
    (["--methods", "kaplan", "--split", "random"], "--split must be one of rescal, compute, largest-n, group"),
    (["--methods", "kaplan", "--split", "group"], "--split group needs --group-col"),
    (["--methods", "kaplan", "--split", "largest-n", "--rho", "0.5"], "--rho applies to --split rescal or compute"),
    (["--methods", "kaplan", "--scheduler", "tcp://h:8786"], "--scheduler needs --backend dask"),
    (["--methods", "kaplan", "--backend", "spark"], "--backend must be 'local' or 'dask'"),
    (["--methods", "kaplan", "--test-fraction", "2"], "--test-fraction must be in (0, 1)"),
    (["--methods", "kaplan", "--format", "xml"], "--format must be 'table' or 'json'"),
])
def test_backtest_user_errors_exit_2(invoke, tmp_path, extra, message):
    # the source does not exist: every one of these fails before data is read
    _, err = invoke(["backtest", "missing.csv", "--out", tmp_path / "bt", *extra], code=2)
    assert message in " ".join(err.split())
    assert not (tmp_path / "bt").exists()


def test_backtest_missing_out_and_missing_source(invoke, runs_csv, tmp_path):
    invoke(["backtest", runs_csv, "--methods", "kaplan"], code=2, stderr_contains="Missing option '--out'")
    invoke(["backtest", tmp_path / "nope.csv", "--methods", "kaplan", "--out", tmp_path / "bt"], code=2,
           stderr_contains="no such file, folder or dataset")


def test_backtest_dask_without_the_extra_exits_2(invoke, runs_csv, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    _, err = invoke(_args(runs_csv, tmp_path / "bt", "--methods", "loglinear_test", "--split", "largest-n",
                          "--backend", "dask", "--no-progress"), code=2)
    assert "scalingkit[dask]" in err
