"""Figures (matplotlib is imported lazily, inside each function; `plot` extra).

Every function returns a `matplotlib.figure.Figure` built without pyplot (the
user's backend is never touched) and writes it to ``path`` when given.
"""

from ._backtest import plot_backtest_summary
from ._common import figure_to_png
from ._compute import plot_loss_vs_compute
from ._contours import plot_isoloss
from ._extrapolation import plot_extrapolation
from ._landscape import plot_hyperparameter_landscape
from ._residuals import plot_residuals

__all__ = [
    "figure_to_png",
    "plot_backtest_summary",
    "plot_extrapolation",
    "plot_hyperparameter_landscape",
    "plot_isoloss",
    "plot_loss_vs_compute",
    "plot_residuals",
]
