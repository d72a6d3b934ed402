"""Error metrics for predictions of positive targets (losses)."""

from __future__ import annotations

import numpy as np

__all__ = ["mae", "mape", "max_ape", "rmse", "spearman", "summarize"]


def _pair(y_true, y_pred):
    y_true = np.asarray(y_true, dtype=float).ravel()
    y_pred = np.asarray(y_pred, dtype=float).ravel()
    if y_true.shape != y_pred.shape:
        msg = f"y_true has {y_true.size} values but y_pred has {y_pred.size}"
        raise ValueError(msg)
    return y_true, y_pred


def mape(y_true, y_pred) -> float:
    """Mean absolute percentage error, as a fraction (0.02 = 2%); rows with y = 0 are skipped."""
    y, p = _pair(y_true, y_pred)
    keep = y != 0
    return float(np.mean(np.abs(p[keep] - y[keep]) / np.abs(y[keep]))) if keep.any() else float("nan")


def max_ape(y_true, y_pred) -> float:
    """Largest absolute percentage error, as a fraction."""
    y, p = _pair(y_true, y_pred)
    keep = y != 0
    return float(np.max(np.abs(p[keep] - y[keep]) / np.abs(y[keep]))) if keep.any() else float("nan")


def mae(y_true, y_pred) -> float:
    """Mean absolute error."""
    y, p = _pair(y_true, y_pred)
    return float(np.mean(np.abs(p - y)))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error."""
    y, p = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((p - y) ** 2)))


def spearman(y_true, y_pred) -> float:
    """Spearman rank correlation (NaN with fewer than 3 rows or constant input)."""
    y, p = _pair(y_true, y_pred)
    if y.size < 3 or np.all(y == y[0]) or np.all(p == p[0]):
        return float("nan")
    from scipy import stats

    return float(stats.spearmanr(y, p).statistic)


def summarize(y_true, y_pred) -> dict:
    """All metrics in one dict."""
    return {
        "mape": mape(y_true, y_pred),
        "mae": mae(y_true, y_pred),
        "rmse": rmse(y_true, y_pred),
        "max_ape": max_ape(y_true, y_pred),
        "spearman": spearman(y_true, y_pred),
    }
