"""`IntervalPredictor`: give any predictor a ``predict_interval(table, level)``."""

from __future__ import annotations

import numpy as np

from ..estimators._base import BasePredictor, check_is_fitted
from ._common import check_level, clone, log_residuals, robust_scale
from .bootstrap import bootstrap_fits, bootstrap_interval
from .conformal import ExtrapolationConformal, TrainingRange
from .parametric import delta_interval, has_law

__all__ = ["METHODS", "IntervalPredictor", "with_intervals"]

#: Interval methods of `IntervalPredictor`.
METHODS = ("conformal", "bootstrap", "delta")


def _as_table(table):
    from ..data import RunsTable, read_runs

    return table if isinstance(table, RunsTable) else read_runs(table)


def _method(v):
    return v in METHODS, "one of 'conformal', 'bootstrap', 'delta'"


def _resample(v):
    return v in ("pairs", "wild"), "one of 'pairs', 'wild'"


def _count(v):
    ok = isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 2
    return ok, "an int in the range [2, inf)"


def _default_base():
    from ..estimators import LawPredictor

    return LawPredictor()


class IntervalPredictor(BasePredictor):
    """Wrap a predictor so that it predicts intervals, with one API for every method.

    The wrapped predictor (a `LawPredictor`, ReScaL, ``auto``, a config
    regressor or a downstream chain: anything with ``get_params``, ``fit`` and
    ``predict``) is cloned and fitted on the whole table; point predictions are
    its own. Intervals come from one of three methods:

    - ``"conformal"`` (default): `ExtrapolationConformal`, which learns from
      extrapolation folds of the training runs how the relative error grows
      with distance beyond the training range (orders of magnitude of compute
      per order of magnitude the training runs span);
    - ``"bootstrap"``: refits on ``n_resamples`` resamples of whole runs
      (``resample="pairs"`` or ``"wild"``), plus the scatter of a new run;
    - ``"delta"``: the Jacobian / asymptotic-covariance interval of a fitted
      law plus the robust scale of the training log residuals. For predictors
      without a law it falls back to their own ``predict_interval``.

    Parameters
    ----------
    base : predictor or None, default=None
        Predictor to wrap; ``None`` means ``LawPredictor()`` (Chinchilla).
    method : {"conformal", "bootstrap", "delta"}, default="conformal"
    n_resamples : int, default=200
        Bootstrap resamples.
    resample : {"pairs", "wild"}, default="pairs"
        Bootstrap scheme.
    groups : {"auto", "rows"} or str, default="auto"
        Clusters resampled together (checkpoint rows of one run); see `group_codes`.
    fractions : tuple of float, default=(0.2, 0.4, 0.6, 0.8)
        Conformal fold cut-offs (one refit of ``base`` each).
    distance : {"relative", "compute", "nd"}, default="relative"
        Conformal distance beyond the training range (see `TrainingRange.distance`).
    powers : tuple of float, default=(1.0, 1.5, 2.0)
        Conformal growth shapes ``c0 + c1 d^p`` to choose from.
    prior_growth : float, default=0.04
        Conformal growth of the log-error scale per order of magnitude of
        compute, used only when the training runs cannot show one (see
        `ExtrapolationConformal`).
    prior_weight : float, default=0.0
        Configurations the prior growth is worth against the learned one
        (conformal; see `ExtrapolationConformal`). 1 is safer with a handful of
        pilot runs.
    noise : bool, default=True
        Add the run-to-run scatter to delta and bootstrap intervals.
    seed : int, default=0
    progress : bool or "auto", default=False
        Progress bar on stderr during fit.

    Attributes
    ----------
    estimator_ : predictor
        The clone of ``base`` fitted on the whole table.
    noise_scale_ : float
        Robust scale of the training log residuals.
    range_ : TrainingRange
        Largest log10 C, N, D of the training runs.
    calibration_ : ConformalCalibration
        (conformal) Calibration scores.
    bootstrap_ : BootstrapFits
        (bootstrap) The refits.

    Examples
    --------
    >>> from scalingkit.demo import synthetic_sweep
    >>> from scalingkit.estimators import LawPredictor
    >>> t = synthetic_sweep()
    >>> model = IntervalPredictor(LawPredictor(n_starts=32)).fit(t.subset(range(40)))
    >>> lo, hi = model.predict_interval(t.subset([47]), 0.8)
    >>> bool(lo[0] < model.predict(t.subset([47]))[0] < hi[0])
    True
    """

    _parameter_constraints = {"method": _method, "resample": _resample, "n_resamples": _count}

    def __init__(self, base=None, *, method="conformal", n_resamples=200, resample="pairs", groups="auto",
                 fractions=(0.2, 0.4, 0.6, 0.8), distance="relative", powers=(1.0, 1.5, 2.0), prior_growth=0.04,
                 prior_weight=0.0, noise=True, seed=0, progress=False):
        self.base = base
        self.method = method
        self.n_resamples = n_resamples
        self.resample = resample
        self.groups = groups
        self.fractions = fractions
        self.distance = distance
        self.powers = powers
        self.prior_growth = prior_growth
        self.prior_weight = prior_weight
        self.noise = noise
        self.seed = seed
        self.progress = progress

    def fit(self, table, y=None):
        """Fit the wrapped predictor on ``table`` and calibrate the intervals. Returns self."""
        self._validate_params()
        table = _as_table(table)
        base = self.base if self.base is not None else _default_base()
        return self._fit_with(table, clone(base).fit(table))

    def _fit_with(self, table, fitted):
        """Calibrate around ``fitted``, a clone of ``base`` already fitted on ``table``."""
        self._validate_params()
        base = self.base if self.base is not None else _default_base()
        conformal = ExtrapolationConformal(fractions=self.fractions, distance=self.distance, powers=self.powers,
                                           prior_growth=self.prior_growth, prior_weight=self.prior_weight,
                                           seed=self.seed)
        self.estimator_ = fitted
        self.noise_scale_ = robust_scale(log_residuals(self.estimator_, table))
        self.range_ = TrainingRange.of(table)
        if self.method == "conformal":
            self.calibration_ = conformal.calibrate(base, table, fitted=fitted, progress=self.progress)
        elif self.method == "bootstrap":
            self.bootstrap_ = bootstrap_fits(base, table, n_resamples=self.n_resamples, scheme=self.resample,
                                             groups=self.groups, seed=self.seed, fitted=self.estimator_,
                                             progress=self.progress)
        elif not has_law(self.estimator_) and not hasattr(self.estimator_, "predict_interval"):
            msg = (f"method='delta' needs a law predictor or one with predict_interval; "
                   f"{type(self.estimator_).__name__} has neither. Use method='conformal' or 'bootstrap'.")
            raise TypeError(msg)
        return self

    def predict(self, table) -> np.ndarray:
        """Point predictions of the wrapped predictor."""
        check_is_fitted(self)
        return np.asarray(self.estimator_.predict(_as_table(table)), dtype=float)

    def predict_interval(self, table, level: float = 0.8):
        """Prediction interval of nominal coverage ``level`` for every row of ``table``.

        Returns
        -------
        lo, hi : ndarray
        """
        check_is_fitted(self)
        level = check_level(level)
        table = _as_table(table)
        if self.method == "conformal":
            pred = self.predict(table)
            half = self.calibration_.halfwidth(self.range_.distance(table, self.distance), level)
            axis = self.calibration_.axis_halfwidth(np.log10(table.N) - self.range_.log_n,
                                                    np.log10(table.D) - self.range_.log_d, level)
            half = np.hypot(half, axis)
            return pred * np.exp(-half), pred * np.exp(half)
        if self.method == "bootstrap":
            return bootstrap_interval(self.bootstrap_, table, level, noise=self.noise, seed=self.seed)
        if has_law(self.estimator_):
            scale = self.noise_scale_ if self.noise else 0.0
            return delta_interval(self.estimator_, table, level, noise_scale=scale)
        return self.estimator_.predict_interval(table, level)

    def extrapolation_distance(self, table) -> np.ndarray:
        """The conformal distance beyond the training range per row (kind ``distance``, see `TrainingRange`)."""
        check_is_fitted(self)
        return self.range_.distance(_as_table(table), self.distance)


def with_intervals(base, method: str = "conformal", **kwargs) -> IntervalPredictor:
    """Shorthand for ``IntervalPredictor(base, method=method, **kwargs)``."""
    return IntervalPredictor(base, method=method, **kwargs)
