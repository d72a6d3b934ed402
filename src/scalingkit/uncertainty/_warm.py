"""Warm-started refits for the bootstrap: start at the full fit's optimum plus a few Sobol starts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._common import clone

__all__ = ["WarmStartLM", "refit_clone"]


@dataclass(frozen=True)
class WarmStartLM:
    """A `MultiStartLM` whose starts are a given optimum plus ``n_starts`` Sobol points.

    Bootstrap resamples are small perturbations of the data, so their optimum
    lies near the full fit's; starting there (and from a few spread-out points,
    in case a resample prefers another basin) is much cheaper than the full
    literature grid.

    Parameters
    ----------
    center : dict
        Natural parameter values of the previous optimum.
    n_starts : int, default=32
        Extra Sobol starts.
    polish : int, default=0
        Distinct best starts polished with L-BFGS-B afterwards (the batched
        Levenberg-Marquardt optimum is accurate enough for a resample, and
        polishing dominates the cost).
    """

    center: dict
    n_starts: int = 32
    polish: int = 0

    def fit(self, law, X, y, objective=None, *, weights=None, starts=None):
        """Fit like `MultiStartLM.fit`, from the warm starts."""
        from ..fitting import MultiStartLM

        grid = law.start_grid(self.n_starts, seed=0)
        if all(p.name in self.center for p in law.params):
            theta0 = np.array([[p.to_internal(self.center[p.name]) for p in law.params]], dtype=float)
            grid = np.vstack([np.where(np.isfinite(theta0), theta0, grid[:1]), grid])
        fitter = MultiStartLM(polish=self.polish, screen_keep=1.0)
        return fitter.fit(law, X, y, objective, weights=weights, starts=grid)


def refit_clone(base, fitted):
    """A clone of ``base`` for refitting a resample of the data ``fitted`` was fitted on.

    Law predictors (a ``fitter`` hyperparameter and a ``fit_result_``) get a
    `WarmStartLM` at ``fitted``'s optimum unless they carry their own fitter;
    every other predictor is cloned as it is.
    """
    params = base.get_params()
    if "fitter" in params and params["fitter"] is None and hasattr(fitted, "fit_result_"):
        return type(base)(**{**params, "fitter": WarmStartLM(dict(fitted.fit_result_.params))})
    return clone(base)
