"""Residuals of a fitted predictor against compute and model size."""

from __future__ import annotations

import numpy as np

from ._common import finish, new_axes

__all__ = ["plot_residuals"]


def plot_residuals(model, table, *, test=None, path=None, title: str = ""):
    """Relative residuals ``y / prediction - 1`` (percent) against compute and against N.

    Parameters
    ----------
    model : predictor
        Fitted predictor.
    table : RunsTable
        Runs it was fitted on (grey).
    test : RunsTable or None
        Held-out runs (black).
    path : str or Path or None
    title : str, default=""

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax_c, ax_n) = new_axes(ncols=2, figsize=(10.0, 4.0))
    for tab, kw in ((table, {"color": "0.55", "s": 10, "label": "training runs"}),
                    (test, {"color": "k", "s": 26, "marker": "D", "label": "held-out runs"})):
        if tab is None or not len(tab):
            continue
        rel = 100 * (tab.y / np.asarray(model.predict(tab), dtype=float) - 1)
        ax_c.scatter(6 * tab.N * tab.D, rel, **kw)
        ax_n.scatter(tab.N, rel, **kw)
    for ax, label in ((ax_c, "compute C = 6 N D (FLOP)"), (ax_n, "parameters N")):
        ax.axhline(0, color="C3", lw=1)
        ax.set_xscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel("residual, % of prediction")
    ax_c.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return finish(fig, path)
