"""`Backtest`: every method on every train/test pair of every dataset, scored and ranked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._parallel import PairData, Task, execute, task_seed
from .metrics import summarize

__all__ = ["Backtest", "BacktestResult", "rank_methods"]

RESULT_COLUMNS = ("dataset", "split", "rho", "method", "mape", "mae", "rmse", "max_ape", "spearman", "n_train",
                  "n_test", "fit_seconds", "predict_seconds", "seed", "error", "warnings")
PREDICTION_COLUMNS = ("dataset", "split", "rho", "method", "row", "N", "D", "y", "y_pred", "ape")
RANK_COLUMNS = ("dataset", "split", "rho", "method", "rank")
_BACKENDS = ("local", "dask")


@dataclass(frozen=True)
class BacktestResult:
    """Scores, per-row predictions and ranks of a backtest.

    Attributes
    ----------
    results : DataFrame
        One row per (dataset, pair, method): ``dataset``, ``split`` (the pair's label),
        ``rho`` (NaN for splits without a budget), ``method``, ``mape``, ``mae``, ``rmse``,
        ``max_ape``, ``spearman``, ``n_train``, ``n_test``, ``fit_seconds``,
        ``predict_seconds``, ``seed``, ``error`` ("" unless the method failed; then the
        metrics are NaN) and ``warnings`` (what the method warned, "; "-joined).
    predictions : DataFrame
        One row per (dataset, pair, method, test row): ``dataset``, ``split``, ``rho``,
        ``method``, ``row`` (position in the dataset's table), ``N``, ``D``, ``y``,
        ``y_pred`` and ``ape = |y_pred - y| / y``.
    ranks : DataFrame
        Scott-Knott ESD rank of each method per (dataset, pair), 1 = best group; ties
        allowed. NaN for a method whose predictions are missing. Empty when ranking was off.

    Notes
    -----
    Rows follow the order datasets, pairs and methods were given in, so results are
    identical whatever the executor; only the timing columns vary between runs.
    """

    results: pd.DataFrame
    predictions: pd.DataFrame
    ranks: pd.DataFrame

    def to_csv(self, directory) -> dict[str, Path]:
        """Write ``results.csv``, ``predictions.csv`` and ``ranks.csv`` into ``directory``.

        Parameters
        ----------
        directory : str or Path
            Created (with parents) when missing; existing files are overwritten.

        Returns
        -------
        dict of str to Path
            ``{"results": ..., "predictions": ..., "ranks": ...}``.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = {}
        for name in ("results", "predictions", "ranks"):
            paths[name] = directory / f"{name}.csv"
            getattr(self, name).to_csv(paths[name], index=False)
        return paths

    def summary(self) -> pd.DataFrame:
        """Methods ranked over all pairs.

        Returns
        -------
        DataFrame
            One row per method, best first: ``method``, ``mean_rank`` (mean Scott-Knott
            ESD rank over the pairs it was ranked in), ``n_rank1`` (pairs where it is in the
            best group), ``mean_mape`` (mean of the per-pair MAPE, a fraction), ``n_pairs``
            and ``n_failed``. Sorted by mean rank, then mean MAPE.
        """
        res = self.results
        order = list(dict.fromkeys(res["method"]))
        by = res.groupby("method", sort=False)
        out = pd.DataFrame({
            "mean_mape": by["mape"].mean(),
            "n_pairs": by.size(),
            "n_failed": by["error"].apply(lambda e: int((e.fillna("") != "").sum())),
        }).reindex(order)
        if len(self.ranks):
            ranks = self.ranks.groupby("method", sort=False)["rank"]
            out.insert(0, "mean_rank", ranks.mean().reindex(order))
            out.insert(1, "n_rank1", ranks.apply(lambda r: int((r == 1).sum())).reindex(order).fillna(0).astype(int))
        else:
            out.insert(0, "mean_rank", np.nan)
            out.insert(1, "n_rank1", 0)
        if "coverage" in res.columns:  # backtests run with intervals
            out["mean_coverage"] = by["coverage"].mean().reindex(order)
            out["mean_width"] = by["width"].mean().reindex(order)
        out = out.rename_axis("method").reset_index()
        out = out.sort_values(["mean_rank", "mean_mape"], kind="stable", na_position="last")
        return out.reset_index(drop=True)


def rank_methods(predictions: pd.DataFrame) -> pd.DataFrame:
    """Scott-Knott ESD rank of the methods of each (dataset, pair) on their per-row APE.

    Parameters
    ----------
    predictions : DataFrame
        `BacktestResult.predictions` (columns ``dataset``, ``split``, ``rho``,
        ``method``, ``row``, ``ape``).

    Returns
    -------
    DataFrame
        ``dataset``, ``split``, ``rho``, ``method``, ``rank`` (1 = best group). A method
        with a missing or infinite APE in a pair is left out of that pair's ranking (rank NaN).

    Raises
    ------
    ImportError
        If `scalingkit.evaluation.scott_knott` is not available.
    """
    try:
        from .scott_knott import scott_knott_esd
    except ImportError as exc:
        msg = ("ranking needs scalingkit.evaluation.scott_knott.scott_knott_esd, which is not available "
               f"({exc}); run the backtest with rank=False")
        raise ImportError(msg) from exc
    rows = []
    for (dataset, split), group in predictions.groupby(["dataset", "split"], sort=False):
        methods = list(dict.fromkeys(group["method"]))
        matrix = group.pivot(index="row", columns="method", values="ape").reindex(columns=methods)
        matrix = matrix.dropna(how="all")
        usable = [m for m in methods if len(matrix) and np.isfinite(matrix[m].to_numpy(dtype=float)).all()]
        if len(usable) > 1:
            ranks = pd.Series(scott_knott_esd(matrix[usable]), dtype=float)
        else:
            ranks = pd.Series(1.0, index=usable)
        rho = group["rho"].iloc[0]
        rows.extend({"dataset": dataset, "split": split, "rho": rho, "method": m, "rank": ranks.get(m, np.nan)}
                    for m in methods)
    return pd.DataFrame(rows, columns=list(RANK_COLUMNS))


class Backtest:
    """Fit every method on every train/test pair of every dataset and score it.

    Each (dataset, pair, method) task clones the predictor, seeds it, fits it on the
    training rows and predicts the test rows with their target masked (a constant 1.0),
    so neither ``fit`` nor ``predict`` can see a test target. A method that raises is
    recorded with NaN metrics and its error message; the run goes on.

    Parameters
    ----------
    predictors : mapping of str to predictor, or sequence of str
        ``{name: predictor}``; a value may be a method name for `get_predictor`, and a
        plain sequence of names means ``{name: get_predictor(name)}``.
    split : split or mapping of str to split
        An object with ``pairs(table)`` (`RescalSplit`, `ComputeSplit`,
        `LargestNSplit`, `GroupSplit`), or one per dataset name.
    jobs : int, default=1
        Parallel workers over tasks; 1 runs serially, -1 uses every core. With the
        local backend, ``jobs != 1`` uses joblib's loky processes.
    backend : {"local", "dask"}, default="local"
        ``"dask"`` submits the tasks to a ``dask.distributed.Client`` (``dask`` extra).
    scheduler : str, Client, cluster or None, default=None
        For ``backend="dask"``: a scheduler address, a client or a cluster; None starts
        a ``LocalCluster`` with ``jobs`` single-threaded workers, closed afterwards.
    progress : bool, default=False
        Draw a progress bar over tasks on stderr.
    random_state : int, default=0
        Mixed into every task's seed; a task's seed depends only on it and on
        (dataset, pair label, method). Predictors whose ``random_state`` is None get it.
    rank : bool, default=True
        Rank the methods of each pair with Scott-Knott ESD.
    intervals : float or None, default=None
        When set, also call ``predict_interval(test, intervals)`` and add ``coverage``
        and ``width`` (mean relative interval width, see
        `scalingkit.uncertainty.coverage_metrics`) to the results, and ``lo`` and
        ``hi`` to the predictions. Methods without ``predict_interval`` get NaN and
        a warning; wrap them in `scalingkit.uncertainty.IntervalPredictor`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from scalingkit import LawPredictor, RunsTable
    >>> from scalingkit.evaluation import Backtest, ComputeSplit
    >>> N = np.repeat(np.geomspace(1e8, 3e9, 6), 4); D = N * np.tile([5.0, 10, 20, 40], 6)
    >>> t = RunsTable(pd.DataFrame({"N": N, "D": D, "loss": 1.8 + 480 / N**0.35 + 2100 / D**0.37}))
    >>> bt = Backtest({"chinchilla": LawPredictor(n_starts=64)}, ComputeSplit((0.5,)), rank=False)
    >>> result = bt.run({"toy": t})
    >>> result.results[["dataset", "split", "method", "n_train", "n_test"]].to_dict("records")
    [{'dataset': 'toy', 'split': 'rho=0.5', 'method': 'chinchilla', 'n_train': 12, 'n_test': 2}]
    >>> bool(result.results["mape"].iloc[0] < 1e-3)
    True
    """

    def __init__(self, predictors, split, *, jobs: int = 1, backend: str = "local", scheduler=None,
                 progress: bool = False, random_state: int = 0, rank: bool = True, intervals=None):
        self.predictors = _resolve_predictors(predictors)
        self.split = split
        self.jobs = jobs
        self.backend = backend
        self.scheduler = scheduler
        self.progress = progress
        self.random_state = random_state
        self.rank = rank
        self.intervals = intervals
        self._validate()

    def _validate(self):
        problem = self._first_invalid()
        if problem is not None:
            name, expected = problem
            msg = f"The '{name}' parameter of Backtest must be {expected}. Got {getattr(self, name)!r} instead."
            raise ValueError(msg)

    def _first_invalid(self):
        """(parameter, what it must be) of the first invalid parameter, or None."""
        if not _is_int(self.jobs) or not (self.jobs >= 1 or self.jobs == -1):
            return "jobs", "an int in the range [1, inf) or -1"
        if self.backend not in _BACKENDS:
            return "backend", "one of 'local', 'dask'"
        if self.scheduler is not None and self.backend != "dask":
            return "scheduler", "None unless backend='dask'"
        if not _is_int(self.random_state):
            return "random_state", "an int"
        iv = self.intervals
        if iv is not None and (isinstance(iv, bool) or not isinstance(iv, (int, float)) or not 0 < iv < 1):
            return "intervals", "None or a float in the range (0, 1)"
        splits = list(self.split.values()) if isinstance(self.split, Mapping) else [self.split]
        if not splits or any(not callable(getattr(s, "pairs", None)) for s in splits):
            return "split", "a split with a pairs(table) method, or a mapping of dataset name to split"
        return None

    def _split_for(self, dataset: str):
        if not isinstance(self.split, Mapping):
            return self.split
        if dataset not in self.split:
            msg = f"no split given for dataset '{dataset}'; splits are given for: {', '.join(map(str, self.split))}"
            raise ValueError(msg)
        return self.split[dataset]

    def run(self, tables) -> BacktestResult:
        """Run the backtest.

        Parameters
        ----------
        tables : mapping of str to RunsTable, or RunsTable
            Datasets by name (a DataFrame value is read with `read_runs`); a single
            table is named after its source.

        Returns
        -------
        BacktestResult

        Raises
        ------
        ValueError
            If a split cannot be formed on a table, or a pair has no train or test rows.
        ImportError
            If ``rank=True`` and Scott-Knott ESD is unavailable, or the dask extra is missing.
        """
        tables = _resolve_tables(tables)
        pairs, meta = [], []
        for dataset, table in tables.items():
            y, N, D = table.y, table.N, table.D
            for pair in self._split_for(dataset).pairs(table):
                pairs.append(_pair_data(dataset, table, pair))
                test_idx = np.asarray(pair.test_idx)
                meta.append((dataset, pair, {"row": test_idx, "N": N[test_idx], "D": D[test_idx], "y": y[test_idx]}))
        jobs = [(i, method, predictor) for i in range(len(meta)) for method, predictor in self.predictors.items()]
        tasks = [Task(k, i, method, predictor, task_seed(self.random_state, meta[i][0], meta[i][1].label, method),
                      None if self.intervals is None else float(self.intervals))
                 for k, (i, method, predictor) in enumerate(jobs)]
        outputs = execute(pairs, tasks, jobs=int(self.jobs), backend=self.backend, scheduler=self.scheduler,
                          progress=bool(self.progress))
        results, predictions = _collect(meta, tasks, outputs, self.intervals is not None)
        ranks = rank_methods(predictions) if self.rank else pd.DataFrame(columns=list(RANK_COLUMNS))
        return BacktestResult(results, predictions, ranks)


# -- helpers ---------------------------------------------------------------------------
def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _resolve_predictors(predictors) -> dict:
    from ..estimators import get_predictor

    if isinstance(predictors, str):
        predictors = [predictors]
    items = predictors.items() if isinstance(predictors, Mapping) else ((name, name) for name in predictors)
    out = {}
    for name, p in items:
        if not isinstance(name, str):
            msg = f"method names must be str; got {name!r}"
            raise TypeError(msg)
        p = get_predictor(p) if isinstance(p, str) else p
        if not (callable(getattr(p, "fit", None)) and callable(getattr(p, "predict", None))):
            msg = f"method '{name}': {type(p).__name__} is not a predictor (it needs fit and predict)"
            raise TypeError(msg)
        out[name] = p
    if not out:
        msg = "The 'predictors' parameter of Backtest must name at least one method. Got none instead."
        raise ValueError(msg)
    return out


def _resolve_tables(tables) -> dict:
    from ..data import RunsTable, read_runs

    if isinstance(tables, RunsTable):
        tables = {tables.meta.source or "data": tables}
    if not isinstance(tables, Mapping) or not tables:
        msg = f"Backtest.run expects a non-empty mapping of dataset name to RunsTable, got {type(tables).__name__}"
        raise TypeError(msg)
    return {str(k): (v if isinstance(v, RunsTable) else read_runs(v)) for k, v in tables.items()}


def _pair_data(dataset: str, table, pair) -> PairData:
    train_idx, test_idx = np.asarray(pair.train_idx), np.asarray(pair.test_idx)
    where = f"dataset '{dataset}', pair '{pair.label}'"
    if train_idx.size == 0 or test_idx.size == 0:
        msg = f"{where}: the split left {train_idx.size} training and {test_idx.size} test rows; both must be > 0"
        raise ValueError(msg)
    if np.intersect1d(train_idx, test_idx).size:
        msg = f"{where}: train and test rows overlap"
        raise ValueError(msg)
    test = table.subset(test_idx)
    masked = test.with_frame(test.frame.assign(**{table.target: 1.0}))
    return PairData(train=table.subset(train_idx), test=masked)


def _collect(meta, tasks, outputs, intervals: bool = False):
    if intervals:
        from ..uncertainty.coverage import coverage_metrics
    results, frames = [], []
    for task, out in zip(tasks, outputs, strict=True):
        dataset, pair, rows = meta[task.pair]
        y = rows["y"]
        rho = np.nan if pair.rho is None else float(pair.rho)
        scores = summarize(y, out.y_pred) if not out.error else dict.fromkeys(("mape", "mae", "rmse", "max_ape",
                                                                                 "spearman"), np.nan)
        results.append({"dataset": dataset, "split": pair.label, "rho": rho, "method": task.method, **scores,
                        "n_train": int(np.asarray(pair.train_idx).size), "n_test": int(y.size),
                        "fit_seconds": out.fit_seconds, "predict_seconds": out.predict_seconds, "seed": task.seed,
                        "error": out.error, "warnings": out.warnings})
        frame = {
            "dataset": dataset, "split": pair.label, "rho": rho, "method": task.method, "row": rows["row"],
            "N": rows["N"], "D": rows["D"], "y": y, "y_pred": out.y_pred,
            "ape": np.abs(out.y_pred - y) / np.abs(y),
        }
        if intervals:
            results[-1].update(coverage_metrics(y, out.lo, out.hi) if np.isfinite(out.lo).all()
                               else {"coverage": np.nan, "width": np.nan})
            frame.update(lo=out.lo, hi=out.hi)
        frames.append(pd.DataFrame(frame))
    columns = list(RESULT_COLUMNS) + (["coverage", "width"] if intervals else [])
    results = pd.DataFrame(results, columns=columns)
    predictions = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(PREDICTION_COLUMNS))
    return results, predictions
