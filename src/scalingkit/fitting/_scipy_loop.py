"""The literature's fitter: a Python loop of one scipy L-BFGS-B call per start.

Kept as a reference strategy (benchmarks and cross-checks): it is what
Hoffmann et al., Besiroglu et al. and most released scaling-law code do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from ._common import finalize, objective_and_gradient, prepare
from ._loss import Huber
from .result import FitStatus

__all__ = ["ScipyLoop"]


@dataclass(frozen=True)
class ScipyLoop:
    """One ``scipy.optimize.minimize`` call per start, keep the best.

    Parameters
    ----------
    n_starts : int or None, default=None
        ``None`` uses the law's full start grid.
    method : str, default="L-BFGS-B"
    numerical_gradient : bool, default=True
        Use scipy's finite differences, as the literature's loops do; False uses
        the analytic gradient.
    options : dict or None
        Passed to ``scipy.optimize.minimize``.
    """

    n_starts: int | None = None
    method: str = "L-BFGS-B"
    numerical_gradient: bool = True
    options: dict | None = None
    seed: int = 0

    def fit(self, law, X, y, objective=None, *, weights=None, starts=None):
        objective = objective or Huber()
        prob = prepare(law, X, y, weights, objective)
        theta0 = law.start_grid(self.n_starts, seed=self.seed) if starts is None else np.atleast_2d(starts)
        theta0 = np.clip(theta0, prob.lo, prob.hi)
        bounds = [
            (lo if np.isfinite(lo) else None, hi if np.isfinite(hi) else None)
            for lo, hi in zip(prob.lo, prob.hi, strict=True)
        ]
        use_bounds = self.method in ("L-BFGS-B", "TNC", "SLSQP", "Powell", "trust-constr", "Nelder-Mead")

        def fun(th):
            v = prob.value(th[None])[0]
            return v if np.isfinite(v) else 1e300

        def fun_grad(th):
            v, g = objective_and_gradient(prob, th)
            return (v, g) if np.isfinite(v) else (1e300, np.zeros_like(th))

        finals = np.full(len(theta0), np.inf)
        best = (np.inf, theta0[0], False, 0)
        for i, th in enumerate(theta0):
            kw = {"method": self.method, "options": self.options or {}}
            if use_bounds:
                kw["bounds"] = bounds
            if self.numerical_gradient:
                res = optimize.minimize(fun, th, **kw)
            else:
                res = optimize.minimize(fun_grad, th, jac=True, **kw)
            finals[i] = prob.value(res.x[None])[0]
            if finals[i] < best[0]:
                best = (finals[i], res.x, bool(res.success), int(getattr(res, "nit", 0)))
        basin = int(np.sum(finals <= best[0] * (1 + 1e-6) + 1e-300))
        status = FitStatus.SUCCESS if best[2] else FitStatus.MAX_ITER
        if not np.isfinite(best[0]):
            status = FitStatus.NO_FINITE
        return finalize(prob, best[1], best[0], status, best[3], len(theta0), basin, finals)
