"""Objectives: Huber on log residuals (the literature's default) and least squares."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Huber", "LeastSquares", "Objective", "make_objective"]


@dataclass(frozen=True)
class Objective:
    """Sum over rows of ``weight * rho(residual)``.

    Parameters
    ----------
    delta : float or None, default=1e-3
        Huber threshold; ``None`` means plain least squares (rho = r^2 / 2).
    log : bool, default=True
        Residuals in log space (``log pred - log y``) rather than raw units.
    """

    delta: float | None = 1e-3
    log: bool = True

    def __post_init__(self):
        if self.delta is not None and not (math.isfinite(self.delta) and self.delta > 0):
            msg = f"The 'delta' parameter of Huber must be a float in the range (0, inf). Got {self.delta!r} instead."
            raise ValueError(msg)

    @property
    def name(self) -> str:
        space = "log" if self.log else "raw"
        return f"huber(delta={self.delta:g}, {space})" if self.delta is not None else f"least_squares({space})"

    def residual(self, pred, y):
        """Residuals and a mask of rows where the prediction is admissible."""
        if self.log:
            with np.errstate(divide="ignore", invalid="ignore"):
                r = np.log(pred)
                r -= np.log(y)
            return r, pred > 0
        return pred - y, np.isfinite(pred)

    def dresidual_dpred(self, pred):
        if self.log:
            with np.errstate(divide="ignore"):
                return 1.0 / pred
        return np.ones_like(pred)

    def rho(self, r):
        if self.delta is None:
            return 0.5 * r * r
        d = self.delta
        a = np.abs(r)
        np.minimum(a, d, out=a)  # a = min(|r|, d): rho = a (|r| - a/2)
        return a * (np.abs(r) - 0.5 * a)

    def psi(self, r):
        """Derivative of rho."""
        if self.delta is None:
            return r
        return np.clip(r, -self.delta, self.delta)

    def irls_weight(self, r):
        """psi(r)/r: the weight of iteratively reweighted least squares."""
        if self.delta is None:
            return np.ones_like(r)
        a = np.abs(r)
        np.maximum(a, self.delta, out=a)
        np.divide(self.delta, a, out=a)
        return a

    def value(self, pred, y, weights=None):
        """Objective per start: ``pred`` has shape (..., n), returns shape (...)."""
        r, ok = self.residual(pred, y)
        terms = self.rho(r)
        if weights is not None:
            terms = terms * weights
        bad = ~np.all(ok & np.isfinite(r), axis=-1)
        out = terms.sum(axis=-1)
        return np.where(bad, np.inf, out)


def Huber(delta: float = 1e-3, *, log: bool = True) -> Objective:  # noqa: N802 - reads like a class
    """Huber objective, by default on log residuals with delta=1e-3 (Hoffmann et al.)."""
    return Objective(delta=float(delta), log=log)


def LeastSquares(*, log: bool = False) -> Objective:  # noqa: N802
    """Least-squares objective, by default on raw residuals."""
    return Objective(delta=None, log=log)


def make_objective(loss: str = "huber", delta: float = 1e-3, *, log: bool | None = None) -> Objective:
    """Build an objective from CLI-style names: ``"huber"`` or ``"mse"``."""
    if loss == "huber":
        return Huber(delta, log=True if log is None else log)
    if loss in ("mse", "least_squares", "ls"):
        return LeastSquares(log=False if log is None else log)
    msg = f"The 'loss' parameter must be one of 'huber', 'mse'. Got {loss!r} instead."
    raise ValueError(msg)
