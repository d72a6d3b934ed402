"""Honest evaluation: extrapolation splits and error metrics."""

from .metrics import mae, mape, max_ape, rmse, spearman, summarize
from .splits import compute_split, largest_n_split

__all__ = ["compute_split", "largest_n_split", "mae", "mape", "max_ape", "rmse", "spearman", "summarize"]
