"""Iso-loss contours of a fitted law in the (N, D) plane, with iso-FLOP lines and the optimal path."""

from __future__ import annotations

import numpy as np

from ._common import finish, new_axes

__all__ = ["plot_isoloss"]


def plot_isoloss(model, *, table=None, n_range=None, d_range=None, budgets=None, levels: int = 14, extra=None,
                 ax=None, path=None, title: str = ""):
    """Contours of the fitted law's loss over (N, D), log-log.

    Dashed grey lines are iso-FLOP curves ``6 N D = C`` for each budget, and
    the red line the compute-optimal path ``N*(C), D*(C)``.

    Parameters
    ----------
    model : LawPredictor or IntervalPredictor
        A fitted law predictor.
    table : RunsTable or None
        Runs to overlay (and to set the default ranges).
    n_range, d_range : (float, float) or None
        Axis ranges; default: the runs' range widened 100x upwards.
    budgets : sequence of float or None
        Iso-FLOP lines; default four decades across the plot.
    levels : int, default=14
        Number of contour levels.
    extra : mapping or None
        Other inputs the law reads, held fixed.
    ax, path, title
        As in `plot_loss_vs_compute`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..planning import compute_frontier
    from ..planning._draws import fitted_law
    from ..planning._frontier import law_inputs

    law_model = fitted_law(model)
    fig, ax = new_axes(ax, figsize=(7.0, 5.5))
    if n_range is None:
        n_range = (table.N.min() / 2, table.N.max() * 100) if table is not None else (1e7, 1e12)
    if d_range is None:
        d_range = (table.D.min() / 2, table.D.max() * 100) if table is not None else (1e8, 1e14)
    N = np.geomspace(*n_range, 160)
    D = np.geomspace(*d_range, 160)
    NN, DD = np.meshgrid(N, D)
    law = law_model.law_
    L = np.asarray(law(law_model.fit_result_.params, law_inputs(law, NN.ravel(), DD.ravel(), extra)), dtype=float)
    L = L.reshape(NN.shape)
    finite = L[np.isfinite(L)]
    lv = np.quantile(finite, np.linspace(0.02, 0.9, levels)) if finite.size else levels
    cs = ax.contour(NN, DD, L, levels=np.unique(lv), cmap="viridis_r", linewidths=1)
    ax.clabel(cs, fontsize=7, fmt="%.3g")
    c_lo, c_hi = 6 * n_range[0] * d_range[0], 6 * n_range[1] * d_range[1]
    if budgets is None:
        budgets = 10.0 ** np.arange(np.ceil(np.log10(c_lo)) + 1, np.floor(np.log10(c_hi)), 2)[:5]
    for c in budgets:
        ax.plot(N, c / (6 * N), color="0.6", ls="--", lw=0.8)
        n_mid = np.sqrt(c / 6 / 20)
        if n_range[0] < n_mid < n_range[1]:
            ax.annotate(f"{c:.0e} FLOP", (n_mid, c / (6 * n_mid)), fontsize=7, color="0.4")
    try:
        front = compute_frontier(model, np.geomspace(c_lo, c_hi, 60), extra=extra)
        ax.plot(front["N"], front["D"], color="C3", lw=2, label="compute-optimal N*, D*")
    except ValueError:
        pass
    if table is not None:
        ax.scatter(table.N, table.D, s=8, color="k", alpha=0.6, label="runs")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(*n_range)
    ax.set_ylim(*d_range)
    ax.set_xlabel("parameters N")
    ax.set_ylabel("training tokens D")
    ax.set_title(title or f"iso-loss contours of the fitted {law.name} law", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    return finish(fig, path)
