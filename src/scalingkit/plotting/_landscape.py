"""Hyperparameter landscapes: the target over two hyperparameters, one panel per model size."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import finish, new_axes

__all__ = ["plot_hyperparameter_landscape"]


def plot_hyperparameter_landscape(table, x: str = "lr", y: str = "batch_size", *, value=None, by: str | None = "N",
                                  max_panels: int = 4, log_x: bool = True, log_y: bool = True, path=None,
                                  title: str = ""):
    """The target over two hyperparameters (e.g. learning rate x batch size), best point starred.

    Colours show how far each run is above the best run of its panel, in
    percent, saturating at the panel's upper quartile so that a few divergent
    runs do not flatten the landscape.

    Parameters
    ----------
    table : RunsTable
        Runs with columns ``x`` and ``y``.
    x, y : str, default="lr", "batch_size"
        Hyperparameter columns.
    value : str or None
        Column to show; default the table's target (lower is better).
    by : str or None, default="N"
        One panel per value of this column (the ``max_panels`` values with the
        most runs); None: one panel.
    max_panels : int, default=4
    log_x, log_y : bool, default=True
        Log axes.
    path : str or Path or None
    title : str, default=""

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If a column is missing.
    """
    frame = table.frame
    value = value or table.target
    for col in (x, y, value) + ((by,) if by else ()):
        if col not in frame.columns:
            msg = f"landscape: missing column '{col}'; columns present: {', '.join(map(str, frame.columns))}"
            raise ValueError(msg)
    groups = [(None, frame)]
    if by:
        top = frame[by].value_counts().head(max_panels).index
        groups = [(g, frame[frame[by] == g]) for g in sorted(top)]
    fig, axes = new_axes(ncols=len(groups), figsize=(4.2 * len(groups) + 1.0, 4.0), layout="constrained")
    axes = np.atleast_1d(axes)
    for ax, (g, sub) in zip(axes, groups, strict=True):
        agg = sub.groupby([x, y], as_index=False)[value].min()
        xs, ys, vs = (pd.to_numeric(agg[c]).to_numpy(dtype=float) for c in (x, y, value))
        tx, ty = (np.log10(xs) if log_x else xs), (np.log10(ys) if log_y else ys)
        best = int(np.argmin(vs))
        excess = 100 * (vs / vs[best] - 1)  # % above the best run; divergent runs saturate the scale
        top = max(float(np.quantile(excess, 0.75)), 1e-3)
        if np.unique(tx).size >= 3 and np.unique(ty).size >= 3 and agg.shape[0] >= 6:
            try:
                ax.tricontourf(tx, ty, np.minimum(excess, top), levels=12, cmap="viridis", alpha=0.35)
            except (ValueError, RuntimeError):  # degenerate triangulation
                pass
        sc = ax.scatter(tx, ty, c=excess, cmap="viridis", vmin=0, vmax=top, s=30, edgecolors="k", linewidths=0.3)
        ax.scatter([tx[best]], [ty[best]], marker="*", s=220, color="C3", edgecolors="k", zorder=5,
                   label=f"best {value} = {vs[best]:.4g}")
        ax.set_xlabel(f"log10 {x}" if log_x else x)
        ax.set_ylabel(f"log10 {y}" if log_y else y)
        ax.set_title(_panel_title(by, g), fontsize=9)
        ax.legend(fontsize=7, loc="upper right")
    fig.colorbar(sc, ax=list(axes), label=f"% above the panel's best {value}", extend="max")
    if title:
        fig.suptitle(title, fontsize=10)
    return finish(fig, path)


def _panel_title(by, g) -> str:
    if not by:
        return ""
    return f"{by} = {g:.3g}" if isinstance(g, (int, float, np.number)) else f"{by} = {g}"
