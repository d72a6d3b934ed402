"""Pieces shared by the fitters: the prepared problem and result assembly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..exceptions import DataValidationError
from .result import FitResult

__all__ = ["Problem", "finalize", "objective_and_gradient", "prepare"]


@dataclass(frozen=True)
class Problem:
    """A law, its data and an objective, evaluated in internal parameter space."""

    law: object
    X: dict
    y: np.ndarray
    weights: np.ndarray | None
    objective: object
    lo: np.ndarray
    hi: np.ndarray

    @property
    def n(self) -> int:
        return int(self.y.shape[0])

    def natural(self, theta):
        """Internal (S, P) -> dict of natural (S, 1) arrays."""
        with np.errstate(over="ignore"):
            return {p.name: p.to_natural(theta[:, j])[:, None] for j, p in enumerate(self.law.params)}

    def predict(self, theta):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            return np.broadcast_to(self.law(self.natural(theta), self.X), (theta.shape[0], self.n))

    def value(self, theta):
        theta = np.atleast_2d(theta)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            out = self.objective.value(self.predict(theta), self.y, self.weights)
        return np.where(np.isfinite(out), out, np.inf)

    def residual_jacobian(self, theta):
        """Residuals (S, n), their Jacobian in internal space (S, n, P), and validity."""
        r, JT, valid = self._residual_jacobian_t(theta)
        return r, np.swapaxes(JT, 1, 2), valid

    def _residual_jacobian_t(self, theta):
        """Like `residual_jacobian` with the Jacobian laid out (S, P, n)."""
        theta = np.atleast_2d(theta)
        S = theta.shape[0]
        nat = self.natural(theta)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            pred = np.broadcast_to(self.law(nat, self.X), (S, self.n))
            jac = self.law.jacobian(nat, self.X)
            r, ok = self.objective.residual(pred, self.y)
            dr = self.objective.dresidual_dpred(pred)
            JT = np.empty((S, len(self.law.params), self.n))
            for j, p in enumerate(self.law.params):
                out = JT[:, j, :]
                np.multiply(jac[p.name], dr, out=out)
                if p.transform != "identity":
                    out *= p.dnatural_dinternal(theta[:, j])[:, None]
        valid = ok & np.isfinite(r)
        return r, JT, valid

    def normal_equations(self, theta):
        """IRLS gradient g = J^T psi(r) and curvature H = J^T W J, per start."""
        _, g, H = self.value_and_normal_equations(theta)
        return g, H

    def value_and_normal_equations(self, theta):
        """Objective, IRLS gradient and curvature in one pass over the data."""
        r, JT, valid = self._residual_jacobian_t(theta)
        allvalid = valid.all(axis=1)
        if not allvalid.all():
            r = np.where(valid, r, 0.0)
            JT = np.where(valid[:, None, :], JT, 0.0)
        with np.errstate(over="ignore", invalid="ignore"):
            rho = self.objective.rho(r)
            w = self.objective.irls_weight(r)
            if self.weights is not None:
                w = w * self.weights
                rho = rho * self.weights
            f = np.where(allvalid, rho.sum(axis=1), np.inf)
        with np.errstate(over="ignore", invalid="ignore"):
            g = np.matmul(JT, (w * r)[:, :, None])[:, :, 0]
            H = np.matmul(JT * w[:, None, :], np.swapaxes(JT, 1, 2))
        finite = np.isfinite(f) & np.isfinite(g).all(axis=1) & np.isfinite(H).all(axis=(1, 2))
        f = np.where(finite, f, np.inf)
        g[~finite] = 0.0
        H[~finite] = 0.0
        return f, g, H

    def start_for_failure(self, theta):
        return theta[0]


def prepare(law, X, y, weights, objective) -> Problem:
    """Check and convert the data of a fit (inputs are never modified)."""
    y = np.array(y, dtype=float, copy=True).ravel()
    n = y.shape[0]
    Xc = {}
    for name in law.columns:
        if name not in X:
            msg = f"law '{law.name}' needs input column '{name}', which the data does not have (columns: {sorted(X)})"
            raise DataValidationError(msg, column=name)
        col = np.array(X[name], dtype=float, copy=True).ravel()
        if col.shape[0] != n:
            msg = f"input column '{name}' has {col.shape[0]} rows but the target has {n}"
            raise DataValidationError(msg, column=name)
        bad = np.flatnonzero(~np.isfinite(col))
        if bad.size:
            msg = f"input column '{name}', row {bad[0]}: expected a finite number, got {col[bad[0]]!r}"
            raise DataValidationError(msg, column=name, row=int(bad[0]), value=col[bad[0]])
        Xc[name] = col
    for i in law.inputs:  # expose law-side names too (with_inputs renaming)
        src = law.input_map.get(i, i)
        Xc[i] = Xc[src]
    bad = np.flatnonzero(~np.isfinite(y) | ((y <= 0) if objective.log else False))
    if bad.size:
        need = "a finite value > 0 (log-space objective)" if objective.log else "a finite value"
        msg = f"target, row {bad[0]}: expected {need}, got {y[bad[0]]!r}"
        raise DataValidationError(msg, column="target", row=int(bad[0]), value=y[bad[0]])
    if n < len(law.params):
        msg = f"law '{law.name}' has {len(law.params)} free parameters but only {n} rows were given"
        raise DataValidationError(msg)
    w = None
    if weights is not None:
        w = np.array(weights, dtype=float, copy=True).ravel()
        if w.shape[0] != n or np.any(~np.isfinite(w)) or np.any(w < 0):
            msg = f"weights must be {n} finite non-negative numbers"
            raise DataValidationError(msg, column="weights")
    lo = np.array([p.internal_bounds[0] for p in law.params], dtype=float)
    hi = np.array([p.internal_bounds[1] for p in law.params], dtype=float)
    return Problem(law, Xc, y, w, objective, lo, hi)


def objective_and_gradient(prob: Problem, theta):
    """Exact objective and its gradient in internal space for one start."""
    r, J, valid = prob.residual_jacobian(theta[None])
    if not valid.all():
        return np.inf, np.zeros_like(theta)
    r, J = r[0], J[0]
    rho = prob.objective.rho(r)
    psi = prob.objective.psi(r)
    if prob.weights is not None:
        rho = rho * prob.weights
        psi = psi * prob.weights
    return float(rho.sum()), psi @ J


def finalize(prob: Problem, theta, value, status, n_iter, n_starts, n_basin, start_values) -> FitResult:
    law = prob.law
    theta = np.asarray(theta, dtype=float)
    names = law.param_names
    params = {p.name: float(p.to_natural(theta[j])) for j, p in enumerate(law.params)}
    at_bound = tuple(
        p.name for j, p in enumerate(law.params)
        if np.isclose(theta[j], prob.lo[j], rtol=1e-9, atol=1e-9)
        or np.isclose(theta[j], prob.hi[j], rtol=1e-9, atol=1e-9)
    )
    cov = _covariance(prob, theta, at_bound) if np.isfinite(value) else np.full((len(names),) * 2, np.nan)
    stderr = {n: float(np.sqrt(cov[j, j])) if cov[j, j] >= 0 else float("nan") for j, n in enumerate(names)}
    msg = status.value
    if at_bound:
        msg += f"; at a bound: {', '.join(at_bound)}"
    return FitResult(
        law=law.name, params=params, stderr=stderr, covariance=cov, objective=float(value),
        objective_name=prob.objective.name, n_rows=prob.n, n_starts=int(n_starts), n_iter=int(n_iter),
        n_best_basin=int(n_basin), status=status, message=msg, at_bound=at_bound,
        constants=dict(law.constants), start_objectives=np.asarray(start_values, dtype=float),
    )


def _covariance(prob: Problem, theta, at_bound):
    """Asymptotic covariance sigma^2 (J^T J)^-1 in natural units.

    J is the Jacobian of the residuals (in the objective's space) with respect
    to the natural parameters; sigma is a robust scale (1.4826 MAD) for Huber
    objectives and the residual RMS with n - p degrees of freedom otherwise.
    Parameters on a bound get NaN.
    """
    law = prob.law
    P = len(law.params)
    cov = np.full((P, P), np.nan)
    r, J, valid = prob.residual_jacobian(theta[None])
    if not valid.all():
        return cov
    r, J = r[0], J[0]
    # back to natural units: divide by d natural / d internal
    dn = np.array([float(p.dnatural_dinternal(theta[j])) for j, p in enumerate(law.params)])
    with np.errstate(divide="ignore", invalid="ignore"):
        Jn = J / dn
    free = [j for j, p in enumerate(law.params) if p.name not in at_bound]
    if not free:
        return cov
    dof = max(prob.n - len(free), 1)
    if prob.objective.delta is None:
        sigma2 = float(r @ r) / dof
    else:
        mad = np.median(np.abs(r - np.median(r)))
        sigma2 = (1.4826 * mad) ** 2 * prob.n / dof
    Jf = Jn[:, free]
    JtJ = Jf.T @ Jf
    if not np.all(np.isfinite(JtJ)) or not np.isfinite(sigma2):
        return cov
    try:
        if np.linalg.cond(JtJ) > 1e14:
            raise np.linalg.LinAlgError
        inv = np.linalg.inv(JtJ)
    except np.linalg.LinAlgError:
        try:
            inv = np.linalg.pinv(JtJ)
        except np.linalg.LinAlgError:
            return cov
    sub = sigma2 * inv
    for a, i in enumerate(free):
        for b, j in enumerate(free):
            cov[i, j] = sub[a, b]
    return cov
