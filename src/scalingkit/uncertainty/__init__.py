"""Prediction intervals for every predictor, and their measured coverage.

- `IntervalPredictor` (``with_intervals``): wraps any predictor; methods
  ``"conformal"`` (extrapolation-aware, the default), ``"bootstrap"`` (pairs or
  wild, by run) and ``"delta"`` (Jacobian / covariance of a fitted law).
- Building blocks: `delta_interval`, `bootstrap_fits` / `bootstrap_interval`,
  `ExtrapolationConformal`.
- Measurement: `coverage_metrics` (coverage, mean relative width) and
  `interval_backtest` (coverage on the held-out runs of a split).
"""

from ._common import clone, group_codes
from ._predictor import METHODS, IntervalPredictor, with_intervals
from .bootstrap import BootstrapFits, bootstrap_fits, bootstrap_interval
from .conformal import ConformalCalibration, ExtrapolationConformal, TrainingRange
from .coverage import coverage_metrics, interval_backtest
from .parametric import delta_interval

__all__ = [
    "METHODS",
    "BootstrapFits",
    "ConformalCalibration",
    "ExtrapolationConformal",
    "IntervalPredictor",
    "TrainingRange",
    "bootstrap_fits",
    "bootstrap_interval",
    "clone",
    "coverage_metrics",
    "delta_interval",
    "group_codes",
    "interval_backtest",
    "with_intervals",
]
