"""Measure intervals on held-out runs: empirical coverage and relative width."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import check_level, clone, fit_quietly, progress_iter
from ._predictor import IntervalPredictor

__all__ = ["coverage_metrics", "interval_backtest"]


def coverage_metrics(y, lo, hi) -> dict:
    """Empirical coverage and mean relative width of intervals.

    Parameters
    ----------
    y : array-like
        Observed values (held-out runs).
    lo, hi : array-like
        Interval bounds, one per value.

    Returns
    -------
    dict
        ``coverage``: fraction of rows with ``lo <= y <= hi``; ``width``: mean
        of ``(hi - lo) / |y|``. Both NaN for no rows.

    Raises
    ------
    ValueError
        If the three arrays differ in length.

    Examples
    --------
    >>> out = coverage_metrics([2.0, 2.0], [1.9, 2.1], [2.1, 2.2])
    >>> out["coverage"], round(out["width"], 6)
    (0.5, 0.075)
    """
    y, lo, hi = (np.asarray(a, dtype=float).ravel() for a in (y, lo, hi))
    if not y.shape == lo.shape == hi.shape:
        msg = f"y, lo and hi must have the same length; got {y.size}, {lo.size} and {hi.size}"
        raise ValueError(msg)
    if y.size == 0:
        return {"coverage": float("nan"), "width": float("nan")}
    inside = (lo <= y) & (y <= hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        width = (hi - lo) / np.abs(y)
    return {"coverage": float(np.mean(inside)), "width": float(np.nanmean(width))}


def interval_backtest(tables: dict, split, base, *, methods=("delta", "bootstrap", "conformal"), level=0.8,
                      n_resamples=100, progress=False, **options) -> pd.DataFrame:
    """Coverage of every interval method on the held-out (expensive) runs of a split.

    For each dataset and each train/test pair of ``split``, fit ``base`` on the
    training rows once, calibrate every method around that fit
    (`IntervalPredictor`) and score the intervals on the test rows (whose
    target is never shown to the predictor).

    Parameters
    ----------
    tables : dict of str to RunsTable
        Datasets by name.
    split : split object
        Anything with ``pairs(table)`` (e.g. ``ComputeSplit``, ``RescalSplit``);
        a callable ``name -> split`` picks one per dataset.
    base : predictor
        Point predictor to wrap (cloned per pair).
    methods : tuple of str, default=("delta", "bootstrap", "conformal")
    level : float, default=0.8
    n_resamples : int, default=100
        Bootstrap resamples.
    progress : bool or "auto", default=False
    **options
        Passed to `IntervalPredictor` (``resample``, ``distance``, ...).

    Returns
    -------
    DataFrame
        One row per (dataset, pair, method): ``dataset``, ``pair``, ``method``,
        ``level``, ``coverage``, ``width``, ``mape``, ``n_test`` and ``error``
        (empty, or why the pair could not be scored).
    """
    level = check_level(level)
    jobs = []
    for name, table in tables.items():
        sp = split(name) if callable(split) and not hasattr(split, "pairs") else split
        jobs += [(name, table, pair) for pair in sp.pairs(table)]
    rows = []
    for name, table, pair in progress_iter(jobs, description="interval backtest", show=progress):
        train, test = table.subset(pair.train_idx), table.subset(pair.test_idx)
        head = {"dataset": name, "pair": pair.label, "level": level, "n_test": len(test)}
        fitted, _ = fit_quietly(clone(base), train)
        for method in methods:
            row = {**head, "method": method}
            try:
                if fitted is None:
                    msg = "the base predictor could not be fitted on the training runs"
                    raise ValueError(msg)
                model = IntervalPredictor(base, method=method, n_resamples=n_resamples, **options)
                lo, hi = model._fit_with(train, fitted).predict_interval(test, level)
                pred = model.predict(test)
            except (ValueError, TypeError) as exc:
                rows.append({**row, "coverage": np.nan, "width": np.nan, "mape": np.nan, "error": str(exc)})
                continue
            y = test.y
            rows.append({**row, **coverage_metrics(y, lo, hi), "mape": float(np.mean(np.abs(pred - y) / y)),
                         "error": ""})
    return pd.DataFrame(rows)
