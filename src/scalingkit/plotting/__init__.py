"""Figures (matplotlib is imported lazily, inside each function; `plot` extra)."""

from ._extrapolation import plot_extrapolation

__all__ = ["plot_extrapolation"]
