"""Backtest summaries: error (and interval coverage) against the training budget."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import finish, new_axes, plain_log_ticks

__all__ = ["plot_backtest_summary"]

_PERCENT = ("mape", "max_ape", "width", "coverage")  # fractions shown as percent


def _x_of(results: pd.DataFrame) -> tuple[pd.Series, str]:
    if "rho" in results.columns and results["rho"].notna().any():
        return results["rho"].astype(float), "training budget rho (fraction of configurations)"
    labels = results["pair"].astype(str)
    codes = {k: i for i, k in enumerate(dict.fromkeys(labels))}
    return labels.map(codes).astype(float), "pair"


def plot_backtest_summary(results, *, metric: str = "mape", level=None, path=None, title: str = ""):
    """Error metric (and coverage, when present) per method against the training budget.

    Parameters
    ----------
    results : DataFrame
        One row per (dataset, pair, method) with ``method``, ``rho`` or
        ``pair``, the ``metric`` column and optionally ``coverage`` and
        ``dataset`` (the metric is averaged over datasets).
    metric : str, default="mape"
        Column to plot (``mape``, ``max_ape``, ``width`` and ``coverage`` are
        fractions, shown as percent).
    level : float or None
        Nominal coverage drawn as a reference line.
    path : str or Path or None
    title : str, default=""

    Returns
    -------
    matplotlib.figure.Figure
    """
    results = pd.DataFrame(results)
    has_cov = "coverage" in results.columns and results["coverage"].notna().any()
    fig, axes = new_axes(ncols=2 if has_cov else 1, figsize=(11.0 if has_cov else 6.5, 4.0))
    axes = np.atleast_1d(axes)
    x, xlabel = _x_of(results)
    frame = results.assign(_x=x)
    scale = 100.0 if metric in _PERCENT else 1.0
    panels = [(axes[0], metric, scale)] + ([(axes[1], "coverage", 100.0)] if has_cov else [])
    for ax, col, sc in panels:
        agg = frame.groupby(["method", "_x"], sort=True)[col].mean().reset_index()
        for i, (method, grp) in enumerate(agg.groupby("method", sort=True)):
            ax.plot(grp["_x"], sc * grp[col], marker="os^Dv<>"[i % 7], lw=1.2, label=str(method))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(f"{col} (%)" if sc == 100.0 else col)
        if metric in ("mape", "max_ape") and col == metric:
            ax.set_yscale("log")
            plain_log_ticks(ax.yaxis)
    if has_cov and level is not None:
        axes[1].axhline(100 * level, color="k", ls="--", lw=1, label=f"nominal {level:.0%}")
        axes[1].set_ylim(0, 102)
    for ax in axes:
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return finish(fig, path)
