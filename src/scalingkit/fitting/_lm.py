"""Batched multi-start Levenberg-Marquardt on robust objectives.

Every start is advanced at once: one law call evaluates all S starts on all n
rows, the S small normal-equation systems are solved by one batched
``numpy.linalg.solve``, and starts that converge or collapse onto another start
are dropped from the active set. Huber objectives are handled by iteratively
reweighted least squares (the IRLS weights psi(r)/r give a quadratic majoriser
of the Huber loss), with Marquardt damping and a descent test, and bounds by
projection. The best few distinct starts are then polished with L-BFGS-B on the
exact objective and analytic gradient, with the objective rescaled so that
tolerances are not defeated by its tiny magnitude (the failure Besiroglu et al.
found in the original Chinchilla fit).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from ..exceptions import ConvergenceWarning
from ._common import finalize, objective_and_gradient, prepare
from ._loss import Huber, Objective
from .result import FitResult, FitStatus

__all__ = ["MultiStartLM", "fit_law"]

_MAX_BLOCK = 16_000_000  # elements of the (starts, rows, params) Jacobian per block


@dataclass(frozen=True)
class MultiStartLM:
    """Vectorised multi-start Levenberg-Marquardt fitter (a strategy object).

    Parameters
    ----------
    n_starts : int or None, default=None
        Number of starts. ``None`` uses the law's full start grid (4,500
        points for Chinchilla, as in Hoffmann et al. and Besiroglu et al.).
    max_iter : int, default=300
        Iterations of the batched phase, per start.
    ftol : float, default=1e-10
        Relative objective decrease under which a start counts as converged.
    dedup : bool, default=True
        Drop starts that reach the same point as a better start.
    polish : int, default=3
        Number of best distinct starts refined by L-BFGS-B on the exact objective.
    screen_keep : float, default=0.25
        Screening: the objective is evaluated at every start first and only the
        best ``screen_keep`` fraction (at least 32 starts) is iterated, as in
        the grid-search-then-refine practice of the literature. ``1.0``
        iterates every start.
    prune_keep : float, default=0.3
        Successive halving: at each iteration listed in ``prune_at``, the
        still-running starts whose objective is not within the best
        ``prune_keep`` fraction of them (and is more than 0.1% above the best
        so far) stop; at least 32 keep running. ``1.0`` disables pruning and
        runs every start to convergence.
    prune_at : tuple of int, default=(2, 4, 8, 16, 32, 64)
        Iterations at which pruning happens.
    seed : int, default=0
        Seed of the Sobol start sampler (used when ``n_starts`` is given).
    strict : bool, default=False
        Raise instead of warning when the fit does not converge.
    """

    n_starts: int | None = None
    max_iter: int = 300
    ftol: float = 1e-7
    dedup: bool = True
    polish: int = 3
    screen_keep: float = 0.25
    prune_keep: float = 0.3
    prune_at: tuple = (2, 4, 8, 16, 32, 64)
    seed: int = 0
    strict: bool = False

    def __post_init__(self):
        if self.n_starts is not None and (not isinstance(self.n_starts, (int, np.integer)) or self.n_starts < 1):
            msg = (
                "The 'n_starts' parameter of MultiStartLM must be an int in the range [1, inf) or None. "
                f"Got {self.n_starts!r} instead."
            )
            raise ValueError(msg)
        if not isinstance(self.max_iter, (int, np.integer)) or self.max_iter < 1:
            msg = (
                "The 'max_iter' parameter of MultiStartLM must be an int in the range [1, inf). "
                f"Got {self.max_iter!r} instead."
            )
            raise ValueError(msg)

    def fit(self, law, X, y, objective: Objective | None = None, *, weights=None, starts=None) -> FitResult:
        """Fit ``law`` to inputs ``X`` (mapping of 1-D arrays) and targets ``y``.

        Returns
        -------
        FitResult
        """
        objective = objective or Huber()
        prob = prepare(law, X, y, weights, objective)
        theta0 = law.start_grid(self.n_starts, seed=self.seed) if starts is None else np.atleast_2d(starts)
        theta0 = np.clip(theta0, prob.lo, prob.hi)
        S, P = theta0.shape
        block = max(1, _MAX_BLOCK // max(1, prob.n * max(P, 1)))
        theta = np.empty_like(theta0)
        f = np.empty(S)
        iters = np.zeros(S, dtype=int)
        conv = np.zeros(S, dtype=bool)
        count = np.ones(S, dtype=int)
        for s0 in range(0, S, block):
            sl = slice(s0, min(S, s0 + block))
            theta[sl], f[sl], iters[sl], conv[sl], count[sl] = self._run_block(prob, theta0[sl])
        return self._finish(prob, theta, f, iters, conv, count)

    # -- batched LM ---------------------------------------------------------------------
    def _run_block(self, prob, theta):
        theta = theta.copy()
        S, P = theta.shape
        f = prob.value(theta)
        alive = np.isfinite(f)
        if self.screen_keep < 1:
            _prune(f, alive, np.zeros(S, dtype=bool), self.screen_keep)
        g = np.zeros((S, P))
        H = np.zeros((S, P, P))
        idx = np.flatnonzero(alive)
        f[idx], g[idx], H[idx] = prob.value_and_normal_equations(theta[idx])
        alive &= np.isfinite(f)
        lam = np.full(S, 1e-3)
        iters = np.zeros(S, dtype=int)
        conv = ~alive
        count = np.ones(S, dtype=int)
        stall = np.zeros(S, dtype=int)
        rungs = set(self.prune_at) if self.prune_keep < 1 else set()
        for it in range(self.max_iter):
            idx = np.flatnonzero(alive & ~conv)
            if idx.size == 0:
                break
            step = _damped_step(theta[idx], g[idx], H[idx], lam[idx], prob.lo, prob.hi)
            trial = np.clip(theta[idx] + step, prob.lo, prob.hi)
            f_trial, g_trial, H_trial = prob.value_and_normal_equations(trial)
            iters[idx] += 1
            better = f_trial < f[idx]
            acc = idx[better]
            rel = (f[acc] - f_trial[better]) / np.maximum(np.abs(f[acc]), 1e-300)
            moved = np.max(np.abs(trial[better] - theta[acc]) / (1.0 + np.abs(theta[acc])), axis=1)
            theta[acc] = trial[better]
            f[acc] = f_trial[better]
            g[acc] = g_trial[better]
            H[acc] = H_trial[better]
            lam[acc] = np.maximum(lam[acc] / 5.0, 1e-12)
            small = (rel < self.ftol) | (moved < 1e-12)
            stall[acc] = np.where(small, stall[acc] + 1, 0)
            conv[acc[stall[acc] >= 2]] = True
            rej = idx[~better]
            lam[rej] *= 8.0
            conv[rej[lam[rej] > 1e10]] = True
            if self.dedup and it % 3 == 2:
                _merge_duplicates(theta, f, alive, conv, count)
            if it + 1 in rungs:
                _prune(f, alive, conv, self.prune_keep)
        return theta, f, iters, conv | ~alive, count

    # -- polishing and result -----------------------------------------------------------
    def _finish(self, prob, theta, f, iters, conv, count):
        finite = np.isfinite(f)
        if not finite.any():
            res = finalize(prob, prob.start_for_failure(theta), np.inf, FitStatus.NO_FINITE, 0, len(f), 0, f)
            return _report(res, self.strict)
        order = np.argsort(np.where(finite, f, np.inf))
        best_f = f[order[0]]
        basin = int(count[f <= best_f * (1 + 1e-6) + 1e-300].sum())
        best_theta, best_val, best_ok, extra = theta[order[0]], best_f, bool(conv[order[0]]), 0
        if self.polish:
            for th in _distinct(theta[order[: self.polish * 10]], self.polish):
                th2, val, ok, nit = _polish(prob, th)
                if val < best_val or (val == best_val and ok):
                    best_theta, best_val, best_ok, extra = th2, val, ok, nit
        status = FitStatus.SUCCESS if best_ok else FitStatus.MAX_ITER
        res = finalize(prob, best_theta, best_val, status, int(iters[order[0]]) + extra, len(f), basin, f)
        return _report(res, self.strict)


def _report(res: FitResult, strict: bool) -> FitResult:
    if res.status is FitStatus.SUCCESS:
        return res
    msg = (
        f"fit of law '{res.law}' did not converge: {res.status.value}. "
        "Remedy: raise max_iter or n_starts, widen or check the parameter bounds, or check the data for outliers."
    )
    if strict:
        raise RuntimeError(msg)
    warnings.warn(msg, ConvergenceWarning, stacklevel=3)
    return res


def _damped_step(theta, g, H, lam, lo, hi):
    S, P = theta.shape
    diag = np.einsum("spp->sp", H)
    scale = np.maximum(diag, 1e-12 * np.maximum(diag.max(axis=1, keepdims=True), 1e-300))
    A = H + lam[:, None, None] * (scale[:, :, None] * np.eye(P))
    # Projection: freeze parameters sitting on a bound whose descent direction points outwards.
    frozen = ((theta <= lo) & (g > 0)) | ((theta >= hi) & (g < 0))
    if frozen.any():
        A = A.copy()
        g = g.copy()
        s, p = np.nonzero(frozen)
        A[s, p, :] = 0.0
        A[s, :, p] = 0.0
        A[s, p, p] = 1.0
        g[s, p] = 0.0
    try:
        return np.linalg.solve(A, -g[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.zeros_like(g)
        for i in range(S):
            out[i] = np.linalg.lstsq(A[i], -g[i], rcond=None)[0]
        return out


def _merge_duplicates(theta, f, alive, conv, count):
    idx = np.flatnonzero(alive & np.isfinite(f))
    if idx.size < 2:
        return
    key = np.round(theta[idx], 2)
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    inverse = np.asarray(inverse).ravel()
    if first.size == idx.size:
        return
    # keep the best start of each cluster
    for c in np.flatnonzero(np.bincount(inverse) > 1):
        members = idx[inverse == c]
        keep = members[np.argmin(f[members])]
        drop = members[members != keep]
        count[keep] += count[drop].sum()
        count[drop] = 0
        alive[drop] = False
        conv[drop] = True


def _prune(f, alive, conv, keep, min_keep=32):
    idx = np.flatnonzero(alive & ~conv & np.isfinite(f))
    if idx.size <= min_keep:
        return
    cut = np.quantile(f[idx], keep)
    best = np.min(f[alive & np.isfinite(f)])
    drop = idx[(f[idx] > cut) & (f[idx] > best * (1 + 1e-3))]
    alive[drop] = False
    conv[drop] = True


def _distinct(thetas, k):
    out = []
    for th in thetas:
        if all(np.max(np.abs(th - o) / (1 + np.abs(o))) > 1e-3 for o in out):
            out.append(th)
        if len(out) >= k:
            break
    return out


def _polish(prob, theta):
    f0 = prob.value(theta[None])[0]
    if not np.isfinite(f0):
        return theta, f0, False, 0
    scale = 1.0 / max(abs(f0), 1e-300)
    bounds = [
        (lo if np.isfinite(lo) else None, hi if np.isfinite(hi) else None)
        for lo, hi in zip(prob.lo, prob.hi, strict=True)
    ]

    def fun(th):
        val, grad = objective_and_gradient(prob, th)
        if not np.isfinite(val):
            return 1e300, np.zeros_like(th)
        return val * scale, grad * scale

    res = optimize.minimize(fun, theta, jac=True, method="L-BFGS-B", bounds=bounds,
                            options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-11, "maxcor": 30})
    val = prob.value(res.x[None])[0]
    if val <= f0:
        return res.x, val, bool(res.success) or res.status == 2, int(res.nit)
    return theta, f0, False, int(res.nit)


def fit_law(law, X, y, objective: Objective | None = None, *, fitter=None, weights=None) -> FitResult:
    """Fit ``law`` (a `Law` or registered name) to ``X``, ``y`` with ``fitter``.

    Parameters
    ----------
    law : Law or str
    X : mapping of str to array-like
        Input columns the law reads.
    y : array-like
        Targets (e.g. final loss).
    objective : Objective, default=Huber(1e-3) on log residuals
    fitter : strategy object, default=MultiStartLM()
    weights : array-like or None
        Per-row weights of the objective.

    Returns
    -------
    FitResult
    """
    from ..laws import get_law

    fitter = fitter or MultiStartLM()
    return fitter.fit(get_law(law), X, y, objective, weights=weights)
