"""Variable projection (Golub & Pereyra 1973) for least-squares fits.

For a law linear in some parameters c (Chinchilla's E, A, B) and nonlinear in
the others theta (alpha, beta), the raw-residual least-squares problem
min_{theta, c} |W^1/2 (y - f0(theta) - Phi(theta) c)|^2 is reduced to theta
alone: c*(theta) is the weighted linear least-squares solution, and theta is
found by the batched Levenberg-Marquardt of `MultiStartLM` on the projected
residual with Kaufman's Jacobian -(I - Q Q^T) J_theta. Starts that differ only
in linear parameters are the same start, so Chinchilla's 4,500-point grid
collapses to its 25 (alpha, beta) points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._common import finalize, prepare
from ._lm import _damped_step, _polish, _report
from ._loss import LeastSquares
from .result import FitStatus

__all__ = ["VarPro"]


@dataclass(frozen=True)
class VarPro:
    """Variable-projection fitter for raw least squares.

    Parameters
    ----------
    max_iter : int, default=200
        Iterations of the batched outer (nonlinear) problem.
    ftol : float, default=1e-12
        Relative objective decrease under which a start counts as converged.
    polish : bool, default=True
        Refine the best start on the full problem with L-BFGS-B (needed when a
        projected linear parameter falls outside its bounds; it is clipped first).
    strict : bool, default=False
        Raise instead of warning when the fit does not converge.
    """

    max_iter: int = 200
    ftol: float = 1e-12
    polish: bool = True
    strict: bool = False

    def fit(self, law, X, y, objective=None, *, weights=None, starts=None):
        objective = objective or LeastSquares()
        if objective.delta is not None or objective.log:
            msg = (f"VarPro fits raw least squares only; got objective {objective.name}. "
                   "Use MultiStartLM for Huber or log-space objectives.")
            raise ValueError(msg)
        if not law.linear:
            msg = f"law '{law.name}' declares no linear parameters; use MultiStartLM"
            raise ValueError(msg)
        prob = prepare(law, X, y, weights, objective)
        names = law.param_names
        lin = [names.index(n) for n in law.linear]
        non = [j for j in range(len(names)) if j not in lin]
        grid = law.start_grid() if starts is None else np.atleast_2d(starts)
        theta0 = np.unique(np.round(grid[:, non], 12), axis=0) if non else np.zeros((1, 0))
        theta0 = np.clip(theta0, prob.lo[non], prob.hi[non])
        sw = np.ones(prob.n) if prob.weights is None else np.sqrt(prob.weights)
        ctx = _Ctx(prob, lin, non, sw)
        th, f, conv, iters = self._outer(ctx, theta0)
        best = int(np.argmin(f))
        full = ctx.full_internal(th[best : best + 1])[0]
        full = np.clip(full, prob.lo, prob.hi)
        val = prob.value(full[None])[0]
        ok = bool(conv[best]) and np.isfinite(val)
        extra = 0
        if self.polish:
            th2, val2, ok2, extra = _polish(prob, full)
            if val2 < val:
                full, val, ok = th2, val2, ok2 or ok
        basin = int(np.sum(f <= f[best] * (1 + 1e-6) + 1e-300))
        status = FitStatus.SUCCESS if ok else FitStatus.MAX_ITER
        res = finalize(prob, full, val, status, int(iters[best]) + extra, len(grid), basin, f)
        return _report(res, self.strict)

    def _outer(self, ctx, theta):
        S = theta.shape[0]
        f, g, H = ctx.evaluate(theta)
        lam = np.full(S, 1e-3)
        conv = ~np.isfinite(f)
        iters = np.zeros(S, dtype=int)
        lo, hi = ctx.prob.lo[ctx.non], ctx.prob.hi[ctx.non]
        for _ in range(self.max_iter):
            idx = np.flatnonzero(~conv)
            if idx.size == 0:
                break
            step = _damped_step(theta[idx], g[idx], H[idx], lam[idx], lo, hi)
            trial = np.clip(theta[idx] + step, lo, hi)
            ft, gt, Ht = ctx.evaluate(trial)
            iters[idx] += 1
            better = ft < f[idx]
            acc = idx[better]
            rel = (f[acc] - ft[better]) / np.maximum(f[acc], 1e-300)
            theta[acc], f[acc], g[acc], H[acc] = trial[better], ft[better], gt[better], Ht[better]
            lam[acc] = np.maximum(lam[acc] / 5, 1e-12)
            conv[acc[rel < self.ftol]] = True
            rej = idx[~better]
            lam[rej] *= 8
            conv[rej[lam[rej] > 1e10]] = True
        return theta, f, conv, iters


class _Ctx:
    """The projected problem for one law and data set."""

    def __init__(self, prob, lin, non, sw):
        self.prob, self.lin, self.non, self.sw = prob, lin, non, sw
        self.params = prob.law.params

    def _natural(self, theta, c):
        out = {}
        for k, j in enumerate(self.non):
            out[self.params[j].name] = self.params[j].to_natural(theta[:, k])[:, None]
        for k, j in enumerate(self.lin):
            out[self.params[j].name] = c[:, k][:, None]
        return out

    def solve_linear(self, theta):
        S = theta.shape[0]
        law, X = self.prob.law, self.prob.X
        zero = np.zeros((S, len(self.lin)))
        with np.errstate(all="ignore"):
            f0 = np.broadcast_to(law(self._natural(theta, zero), X), (S, self.prob.n))
            jac = law.jacobian(self._natural(theta, zero + 1.0), X)
        Phi = np.stack([np.broadcast_to(jac[self.params[j].name], (S, self.prob.n)) for j in self.lin], axis=-1)
        Phi = Phi * self.sw[None, :, None]
        rhs = (self.prob.y - f0) * self.sw
        ok = np.isfinite(Phi).all(axis=(1, 2)) & np.isfinite(rhs).all(axis=1)
        Phi = np.where(ok[:, None, None], Phi, 0.0)
        rhs = np.where(ok[:, None], rhs, 0.0)
        Q, R = np.linalg.qr(Phi)
        qty = np.einsum("snk,sn->sk", Q, rhs)
        c = np.array([np.linalg.lstsq(R[i], qty[i], rcond=None)[0] for i in range(S)])
        return c, Q, rhs - np.einsum("snk,sk->sn", Phi, c), ok

    def evaluate(self, theta):
        c, Q, r, ok = self.solve_linear(theta)
        nat = self._natural(theta, c)
        with np.errstate(all="ignore"):
            jac = self.prob.law.jacobian(nat, self.prob.X)
        S = theta.shape[0]
        J = np.stack([np.broadcast_to(jac[self.params[j].name], (S, self.prob.n))
                      * self.params[j].dnatural_dinternal(theta[:, k])[:, None]
                      for k, j in enumerate(self.non)], axis=-1) * self.sw[None, :, None]
        J = J - np.einsum("snk,skq->snq", Q, np.einsum("snk,snq->skq", Q, J))
        J = -J
        f = 0.5 * np.sum(r * r, axis=1)
        good = ok & np.isfinite(f) & np.isfinite(J).all(axis=(1, 2))
        J = np.where(good[:, None, None], J, 0.0)
        r = np.where(good[:, None], r, 0.0)
        g = np.einsum("snq,sn->sq", J, r)
        H = np.einsum("snq,snp->sqp", J, J)
        return np.where(good, f, np.inf), g, H

    def full_internal(self, theta):
        c, _, _, _ = self.solve_linear(theta)
        out = np.empty((theta.shape[0], len(self.params)))
        for k, j in enumerate(self.non):
            out[:, j] = theta[:, k]
        for k, j in enumerate(self.lin):
            with np.errstate(divide="ignore", invalid="ignore"):
                out[:, j] = self.params[j].to_internal(np.maximum(c[:, k], 0.0) if self.params[j].transform == "log"
                                                      else c[:, k])
        return out
