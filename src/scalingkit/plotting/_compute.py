"""Loss against compute: runs, the fitted law's compute-optimal frontier, extrapolation and intervals."""

from __future__ import annotations

import numpy as np

from ._common import finish, new_axes, plain_log_ticks

__all__ = ["plot_loss_vs_compute"]


def _frontier(model, c_lo, c_hi):
    from ..planning import compute_frontier
    from ..planning._draws import fitted_law

    try:
        fitted_law(model)
    except TypeError:
        return None
    try:
        return compute_frontier(model, np.geomspace(c_lo, c_hi, 60))
    except ValueError:
        return None


def _band(intervals, frontier, level, target):
    from ..planning.next_run import point_table

    pts = point_table(frontier["N"], frontier["D"], target=target)
    return intervals.predict_interval(pts, level)


def plot_loss_vs_compute(model, train, *, test=None, intervals=None, level: float = 0.8, extend_to=None, ax=None,
                         path=None, title: str = ""):
    """Log-log loss vs compute with the fitted law, its extrapolation and interval bands.

    Training runs are coloured by model size; the law is drawn as its
    compute-optimal frontier ``L*(C) = min_N L(N, C / 6N)``, solid over the
    training range and dashed beyond it (extrapolation). Held-out runs are
    open circles; with ``intervals``, the prediction and interval at each
    held-out run are drawn as an error bar, and a band follows the frontier.

    Parameters
    ----------
    model : predictor
        Fitted predictor; the frontier needs a law predictor (others show
        predictions at held-out runs only).
    train : RunsTable
        Training runs.
    test : RunsTable or None
        Held-out runs.
    intervals : IntervalPredictor or None
        Fitted on ``train``; gives bands at ``level``.
    level : float, default=0.8
    extend_to : float or None
        Draw the frontier up to this compute (default: the largest held-out
        compute, or 10x the training range).
    ax : matplotlib Axes or None
    path : str or Path or None
        Write the figure there.
    title : str, default=""

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_axes(ax)
    c_tr = 6.0 * train.N * train.D
    sc = ax.scatter(c_tr, train.y, c=np.log10(train.N), cmap="viridis", s=14, alpha=0.8, label="training runs")
    fig.colorbar(sc, ax=ax, label="log10 N (parameters)")
    c_hi = c_tr.max() * 10 if test is None or not len(test) else (6.0 * test.N * test.D).max() * 1.5
    c_hi = float(extend_to) if extend_to else float(c_hi)
    front = _frontier(model, c_tr.min(), c_hi)
    if front is not None:
        inside = front["C"] <= c_tr.max()
        ax.plot(front["C"][inside], front["loss"][inside], color="C3", lw=2, label="fitted law (compute-optimal)")
        ax.plot(front["C"][~inside], front["loss"][~inside], color="C3", lw=2, ls="--", label="extrapolation")
        if intervals is not None:
            lo, hi = _band(intervals, front, level, train.target)
            ax.fill_between(front["C"], lo, hi, color="C3", alpha=0.15, lw=0, label=f"{level:.0%} interval")
    if test is not None and len(test):
        c_te = 6.0 * test.N * test.D
        ax.scatter(c_te, test.y, s=42, facecolors="none", edgecolors="k", linewidths=1.2, label="held-out runs",
                   zorder=4)
        if intervals is not None:
            pred = intervals.predict(test)
            lo, hi = intervals.predict_interval(test, level)
            ax.errorbar(c_te, pred, yerr=[pred - lo, hi - pred], fmt="x", color="C1", ms=5, lw=1, capsize=2,
                        label=f"prediction and {level:.0%} interval", zorder=3)
    ax.axvline(c_tr.max(), color="0.5", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain_log_ticks(ax.yaxis)
    ax.set_xlabel("compute C = 6 N D (FLOP)")
    ax.set_ylabel(train.target)
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    return finish(fig, path)
