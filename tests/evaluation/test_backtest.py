"""`Backtest`: shapes, metrics, failures, no test-target leakage, seeds, executors, ranks."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from scalingkit import ConvergenceWarning, LawPredictor, RunsTable, UnknownNameError
from scalingkit._testing import LogLinearPredictor
from scalingkit.estimators import BasePredictor
from scalingkit.evaluation import Backtest, BacktestResult, ComputeSplit, LargestNSplit, RescalSplit, rank_methods
from scalingkit.evaluation._parallel import task_seed

TIMING = ["fit_seconds", "predict_seconds"]
SEEN: list = []


class Spy(BasePredictor):
    """Predicts the training mean plus seed / 2**32; records every target it is shown."""

    def __init__(self, *, random_state=None):
        self.random_state = random_state

    def fit(self, table):
        SEEN.append(("fit", table.frame.copy()))
        self.mean_ = float(table.y.mean())
        return self

    def predict(self, table):
        SEEN.append(("predict", table.frame.copy()))
        return np.full(len(table), self.mean_ + self.random_state / 2**32)


class Warns(Spy):
    def fit(self, table):
        warnings.warn("did not converge", ConvergenceWarning, stacklevel=2)
        return super().fit(table)


class WrongLength(Spy):
    def predict(self, table):
        return np.ones(1)


def _runs(seed=0, n_lr=3):
    rng = np.random.default_rng(seed)
    N = np.repeat(np.geomspace(5e7, 3e9, 6), 4)
    D = N * np.tile([5.0, 10, 20, 40], 6)
    lr = np.tile(np.geomspace(1e-4, 1e-3, n_lr), 24)
    frame = pd.DataFrame({"N": np.repeat(N, n_lr), "D": np.repeat(D, n_lr), "lr": lr})
    clean = 1.8 + 480 / frame.N**0.35 + 2100 / frame.D**0.37
    frame["loss"] = clean * np.exp(0.004 * rng.standard_normal(len(frame)))
    return RunsTable(frame)


def _laws():
    return {"loglinear": LogLinearPredictor(), "kaplan": LawPredictor(law="kaplan", n_starts=8)}


@pytest.fixture(scope="module")
def table():
    return _runs()


@pytest.fixture(scope="module")
def laws_result(table):
    return Backtest(_laws(), ComputeSplit((0.5, 0.8)), rank=False).run({"toy": table})


def test_result_shapes_and_columns(laws_result, table):
    res, pred = laws_result.results, laws_result.predictions
    assert isinstance(laws_result, BacktestResult)
    assert list(res[["dataset", "split", "method"]].itertuples(index=False, name=None)) == [
        ("toy", "rho=0.5", "loglinear"), ("toy", "rho=0.5", "kaplan"),
        ("toy", "rho=0.8", "loglinear"), ("toy", "rho=0.8", "kaplan")]
    for col in ("rho", "mape", "mae", "rmse", "max_ape", "spearman", "n_train", "n_test", "fit_seconds", "error"):
        assert col in res.columns
    assert res["n_test"].tolist() == [6] * 4  # 2 of 24 configurations x 3 learning rates
    assert res["n_train"].tolist() == [36, 36, 57, 57]
    assert (res["error"] == "").all()
    assert (res["mape"] < 0.2).all()
    assert len(pred) == res["n_test"].sum()
    assert list(pred.columns) == ["dataset", "split", "rho", "method", "row", "N", "D", "y", "y_pred", "ape"]
    np.testing.assert_array_equal(pred["y"], table.y[pred["row"]])
    assert laws_result.ranks.empty


def test_metrics_match_a_recomputation_from_predictions(laws_result):
    pred = laws_result.predictions
    for row in laws_result.results.itertuples():
        sel = pred[(pred.split == row.split) & (pred.method == row.method)]
        y, p = sel["y"].to_numpy(), sel["y_pred"].to_numpy()
        ape = np.abs(p - y) / y
        assert row.mape == pytest.approx(ape.mean(), rel=1e-12)
        assert row.max_ape == pytest.approx(ape.max(), rel=1e-12)
        assert row.mae == pytest.approx(np.abs(p - y).mean(), rel=1e-12)
        assert row.rmse == pytest.approx(np.sqrt(((p - y) ** 2).mean()), rel=1e-12)
        assert row.spearman == pytest.approx(pd.Series(y).corr(pd.Series(p), method="spearman"), rel=1e-12)
        np.testing.assert_allclose(sel["ape"], ape, rtol=1e-12)


def test_permuting_or_changing_test_targets_never_changes_a_prediction(laws_result, table):
    test_rows = laws_result.predictions["row"].unique()
    frame = table.to_frame()
    y = frame["loss"].to_numpy().copy()
    perm = test_rows[np.roll(np.arange(test_rows.size), 1)]
    assert not np.allclose(y[test_rows], y[perm])
    for new in (y[perm], 5.0 * y[test_rows]):
        changed = frame.copy()
        changed.loc[test_rows, "loss"] = new
        other = Backtest(_laws(), ComputeSplit((0.5, 0.8)), rank=False).run({"toy": RunsTable(changed)})
        np.testing.assert_array_equal(other.predictions["y_pred"], laws_result.predictions["y_pred"])
        assert not np.array_equal(other.predictions["y"], laws_result.predictions["y"])


def test_fit_sees_only_training_rows_and_predict_a_masked_target(table):
    SEEN.clear()
    pairs = ComputeSplit((0.5,)).pairs(table)
    Backtest({"spy": Spy()}, ComputeSplit((0.5,)), rank=False).run({"toy": table})
    (_, fitted), (_, predicted) = SEEN
    test_y = set(table.y[pairs[0].test_idx])
    assert not test_y & set(fitted["loss"])
    assert len(fitted) == pairs[0].train_idx.size
    assert (predicted["loss"] == 1.0).all()
    assert len(predicted) == pairs[0].test_idx.size
    assert table.y[pairs[0].test_idx[0]] != 1.0  # the input table is untouched


def test_failing_methods_are_recorded_not_raised(table):
    methods = {"ok": Spy(), "bad_param": LawPredictor(loss="bogus"), "short": WrongLength(), "warns": Warns()}
    result = Backtest(methods, LargestNSplit(), rank=False).run({"toy": table})
    res = result.results.set_index("method")
    assert res.loc["ok", "error"] == ""
    assert np.isfinite(res.loc["ok", "mape"])
    assert res.loc["bad_param", "error"].startswith("ValueError: The 'loss' parameter of LawPredictor")
    assert "predict returned 1 values for 12 rows" in res.loc["short", "error"]
    for m in ("bad_param", "short"):
        assert res.loc[m, ["mape", "mae", "rmse", "max_ape", "spearman"]].isna().all()
        assert result.predictions.loc[result.predictions.method == m, "y_pred"].isna().all()
    assert res.loc["warns", "error"] == ""
    assert res.loc["warns", "warnings"] == "ConvergenceWarning: did not converge"


def test_each_task_gets_a_deterministic_seed(table):
    result = Backtest({"spy": Spy(), "fixed": Spy(random_state=7)}, ComputeSplit((0.5, 0.8)), rank=False,
                      random_state=3).run({"toy": table})
    res, pred = result.results, result.predictions
    for row in res.itertuples():
        assert row.seed == task_seed(3, "toy", row.split, row.method)
        sel = pred[(pred.split == row.split) & (pred.method == row.method)]
        used = row.seed if row.method == "spy" else 7
        frac = sel["y_pred"].iloc[0] - np.floor(sel["y_pred"].iloc[0])
        assert frac == pytest.approx((table.y[ComputeSplit((row.rho,)).pairs(table)[0].train_idx].mean()
                                      + used / 2**32) % 1, abs=1e-12)
    assert len(set(res["seed"])) == len(res)
    again = Backtest({"spy": Spy(), "fixed": Spy(random_state=7)}, ComputeSplit((0.5, 0.8)), rank=False,
                     random_state=3).run({"toy": table})
    pd.testing.assert_frame_equal(again.predictions, pred)


def test_parallel_jobs_equal_serial(laws_result, table):
    methods = {**_laws(), "bad": LawPredictor(loss="bogus")}
    serial = Backtest(methods, ComputeSplit((0.5, 0.8)), rank=False).run({"toy": table})
    parallel = Backtest(methods, ComputeSplit((0.5, 0.8)), jobs=2, rank=False).run({"toy": table})
    pd.testing.assert_frame_equal(parallel.results.drop(columns=TIMING), serial.results.drop(columns=TIMING))
    pd.testing.assert_frame_equal(parallel.predictions, serial.predictions)


def test_dask_local_cluster_equals_local(table):
    distributed = pytest.importorskip("distributed")
    methods = {**_laws(), "bad": LawPredictor(loss="bogus")}
    local = Backtest(methods, ComputeSplit((0.5,)), rank=False).run({"toy": table})
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            viaclient = Backtest(methods, ComputeSplit((0.5,)), backend="dask", scheduler=client,
                                 rank=False).run({"toy": table})
        viacluster = Backtest(methods, ComputeSplit((0.5,)), backend="dask", scheduler=cluster,
                              rank=False).run({"toy": table})
    for other in (viaclient, viacluster):
        pd.testing.assert_frame_equal(other.results.drop(columns=TIMING), local.results.drop(columns=TIMING))
        pd.testing.assert_frame_equal(other.predictions, local.predictions)


def test_dask_backend_without_the_extra_names_it(table, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install 'scalingkit\[dask\]'"):
        Backtest({"spy": Spy()}, LargestNSplit(), backend="dask", rank=False).run({"toy": table})


def test_ranks_are_scott_knott_esd_of_the_ape_matrix(table):
    sk = pytest.importorskip("scalingkit.evaluation.scott_knott")
    methods = {**_laws(), "spy": Spy(), "bad": LawPredictor(loss="bogus")}
    result = Backtest(methods, RescalSplit((0.3, 0.7)), progress=True).run({"a": table, "b": _runs(seed=5)})
    ranks = result.ranks
    assert len(ranks) == 2 * 2 * 4
    assert ranks.loc[ranks.method == "bad", "rank"].isna().all()
    for (dataset, split), group in result.predictions.groupby(["dataset", "split"]):
        matrix = group.pivot(index="row", columns="method", values="ape")[["loglinear", "kaplan", "spy"]]
        expected = sk.scott_knott_esd(matrix)
        got = ranks[(ranks.dataset == dataset) & (ranks.split == split)].set_index("method")["rank"]
        assert got[expected.index].tolist() == expected.astype(float).tolist()
    summary = result.summary()
    assert list(summary.columns) == ["method", "mean_rank", "n_rank1", "mean_mape", "n_pairs", "n_failed"]
    assert summary["method"].iloc[-1] == "bad"
    assert summary["n_failed"].iloc[-1] == 4
    assert summary["mean_rank"].iloc[:-1].is_monotonic_increasing
    spy = summary.set_index("method").loc["spy"]
    assert spy["n_rank1"] == (ranks[ranks.method == "spy"]["rank"] == 1).sum()


def test_rank_methods_without_scott_knott_says_so(laws_result, monkeypatch):
    monkeypatch.setitem(sys.modules, "scalingkit.evaluation.scott_knott", None)
    with pytest.raises(ImportError, match="rank=False"):
        rank_methods(laws_result.predictions)


def test_progress_bar_goes_to_stderr(table, capsys):
    Backtest({"spy": Spy()}, LargestNSplit(), progress=True, rank=False).run({"toy": table})
    out, err = capsys.readouterr()
    assert out == ""
    assert "backtest" in err


def test_to_csv_writes_three_files(laws_result, tmp_path):
    paths = laws_result.to_csv(tmp_path / "out")
    assert sorted(p.name for p in paths.values()) == ["predictions.csv", "ranks.csv", "results.csv"]
    back = pd.read_csv(paths["results"])
    assert back[["dataset", "split", "method", "n_train"]].equals(laws_result.results[["dataset", "split", "method",
                                                                                       "n_train"]])
    np.testing.assert_allclose(back["mape"], laws_result.results["mape"], rtol=1e-12)


def test_per_dataset_splits_and_names(table):
    other = _runs(seed=2)
    result = Backtest(["kaplan"], {"a": RescalSplit((0.5,)), "b": LargestNSplit()}, rank=False).run(
        {"a": table, "b": other})
    assert result.results[["dataset", "split"]].values.tolist() == [["a", "rho=0.5"], ["b", "largest-N"]]
    assert np.isnan(result.results["rho"].iloc[1])
    with pytest.raises(ValueError, match="no split given for dataset 'c'"):
        Backtest(["kaplan"], {"a": LargestNSplit()}).run({"c": table})


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"jobs": 0}, "The 'jobs' parameter of Backtest must be an int in the range"),
    ({"jobs": 1.5}, "The 'jobs' parameter of Backtest"),
    ({"backend": "spark"}, "The 'backend' parameter of Backtest must be one of 'local', 'dask'"),
    ({"scheduler": "tcp://x:1"}, "The 'scheduler' parameter of Backtest must be None unless"),
    ({"random_state": "0"}, "The 'random_state' parameter of Backtest must be an int"),
])
def test_parameter_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Backtest({"spy": Spy()}, LargestNSplit(), **kwargs)


def test_predictors_and_split_validation():
    with pytest.raises(ValueError, match="The 'predictors' parameter of Backtest must name at least one"):
        Backtest({}, LargestNSplit())
    with pytest.raises(UnknownNameError, match="unknown method 'chinchila'"):
        Backtest(["chinchila"], LargestNSplit())
    with pytest.raises(TypeError, match="is not a predictor"):
        Backtest({"x": object()}, LargestNSplit())
    with pytest.raises(ValueError, match="The 'split' parameter of Backtest"):
        Backtest(["kaplan"], "rescal")
    with pytest.raises(TypeError, match="mapping of dataset name to RunsTable"):
        Backtest(["kaplan"], LargestNSplit()).run([1, 2])
