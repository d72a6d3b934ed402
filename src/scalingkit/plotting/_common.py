"""Figure plumbing shared by the plots: lazy matplotlib, new axes, PNG bytes."""

from __future__ import annotations

import io
from pathlib import Path

from .._optional import optional_module_for

__all__ = ["figure_to_png", "finish", "new_axes", "plain_log_ticks"]


def new_axes(ax=None, *, nrows: int = 1, ncols: int = 1, figsize=(7.5, 5.0), layout=None):
    """``(fig, axes)``: the figure of ``ax``, or a new pyplot-free `Figure`.

    A `matplotlib.figure.Figure` is used instead of pyplot so that plotting
    never changes the user's backend or global state.

    Raises
    ------
    ImportError
        Naming the ``plot`` extra when matplotlib is missing.
    """
    optional_module_for("plotting", "matplotlib")
    from matplotlib.figure import Figure

    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, layout=layout)
    axes = fig.subplots(nrows, ncols, squeeze=True)
    return fig, axes


def finish(fig, path=None, *, dpi: int = 110):
    """Tight layout (unless the figure has a layout engine), write ``path`` when given; returns ``fig``."""
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    if path is not None:
        fig.savefig(Path(path), dpi=dpi)
    return fig


def figure_to_png(fig, *, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (for embedding in HTML)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def plain_log_ticks(axis) -> None:
    """Label a log axis with plain numbers (2.2, 2.4) instead of 2.2 x 10^0."""
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: f"{v:.3g}")
    axis.set_major_formatter(fmt)
    axis.set_minor_formatter(fmt)
