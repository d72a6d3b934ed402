"""Generalised linear links of observational scaling laws, and their fit.

The score is ``z = w0 + X @ w``; the link maps it to the metric:

* ``"sigmoid-parametric"``: ``y = (1 - b) * sigmoid(z) + b`` with a fitted floor
  ``b`` in ``floor_bounds`` (default ``[0, 0.2]``; the ceiling is fixed at 1);
* ``"sigmoid"``: ``y = sigmoid(z)``;
* ``"linear"``: ``y = z``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares, minimize
from scipy.special import expit

from .._threads import one_blas_thread
from ..exceptions import ConvergenceWarning

__all__ = ["LINKS", "LinkFit", "fit_link", "floor_sigmoid"]

LINKS = ("sigmoid-parametric", "sigmoid", "linear")
LOSSES = ("ls", "huber")


def floor_sigmoid(z, floor=0.0):
    """``(1 - floor) * sigmoid(z) + floor``, the parametric-floor sigmoid.

    Parameters
    ----------
    z : array-like
        Linear score.
    floor : float, default=0.0
        Lower asymptote ``b`` (random-chance level); the upper one is 1.

    Returns
    -------
    ndarray
    """
    return (1.0 - floor) * expit(np.asarray(z, dtype=float)) + floor


@dataclass(frozen=True)
class LinkFit:
    """A fitted link: ``y = link(intercept + X @ coef)``.

    Attributes
    ----------
    link : str
        One of `LINKS`.
    intercept : float
    coef : ndarray of shape (n_features,)
    floor : float
        Fitted floor ``b`` (0 for links without one).
    loss : str
        ``"ls"`` (least squares) or ``"huber"``.
    objective : float
        Final objective: ``0.5 * sum(r**2)`` or the summed Huber loss.
    n_iter : int
        Function evaluations (least squares) or iterations (Huber).
    converged : bool
        False when the optimizer hit its iteration limit.
    message : str
        The optimizer's message.
    """

    link: str
    intercept: float
    coef: np.ndarray = field(repr=False)
    floor: float
    loss: str
    objective: float
    n_iter: int
    converged: bool
    message: str

    def score(self, X) -> np.ndarray:
        """Linear score ``z = intercept + X @ coef``."""
        return self.intercept + np.asarray(X, dtype=float) @ self.coef

    def predict(self, X) -> np.ndarray:
        """Predicted metric for feature rows ``X`` (n_rows, n_features)."""
        z = self.score(X)
        if self.link == "linear":
            return z
        return floor_sigmoid(z, self.floor)

    def to_dict(self) -> dict:
        """Plain-JSON form."""
        return {"link": self.link, "intercept": float(self.intercept), "coef": [float(c) for c in self.coef],
                "floor": float(self.floor), "loss": self.loss, "objective": float(self.objective),
                "n_iter": int(self.n_iter), "converged": bool(self.converged), "message": self.message}


def _model(link):
    """Prediction and Jacobian as functions of p = [w0, w..., (b)] and the design A = [1, X]."""

    def predict(p, A):
        z = A @ p[: A.shape[1]]
        if link == "linear":
            return z
        b = p[-1] if link == "sigmoid-parametric" else 0.0
        return floor_sigmoid(z, b)

    def jac(p, A):
        k = A.shape[1]
        if link == "linear":
            return A
        s = expit(A @ p[:k])
        b = p[-1] if link == "sigmoid-parametric" else 0.0
        J = ((1.0 - b) * s * (1.0 - s))[:, None] * A
        if link == "sigmoid-parametric":
            J = np.column_stack([J, 1.0 - s])
        return J

    return predict, jac


def _published_predict(link):
    """The prediction written as in the published code (``a / (1 + exp(-z)) + b``).

    Used with finite-difference derivatives, whose steps see rounding: the same
    arithmetic retraces the published optimizer path.
    """

    def predict(p, A):
        z = np.dot(A, p[: A.shape[1]])
        if link == "linear":
            return z
        b = p[-1] if link == "sigmoid-parametric" else 0.0
        with np.errstate(over="ignore"):
            return (1.0 - b) / (1 + np.exp(-z)) + b if link == "sigmoid-parametric" else 1 / (1 + np.exp(-z))

    return predict


def _check(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.size:
        msg = f"X must be (n, k) and y (n,) with the same n; got {X.shape} and {y.shape}"
        raise ValueError(msg)
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        msg = "X and y must be finite (drop or impute missing values first)"
        raise ValueError(msg)
    if X.shape[0] < 2:
        msg = f"need at least 2 training rows to fit a link; got {X.shape[0]}"
        raise ValueError(msg)
    return X, y


def _optimize(predict, jac, A, y, p0, lo, hi, *, loss, delta, alpha, bounded, numeric, max_nfev):
    """Run the solver of the published recipe; returns scipy's result object."""
    k = A.shape[1]
    root = np.sqrt(alpha)
    if loss == "ls":
        if alpha > 0:  # ridge as extra residuals sqrt(alpha) * slopes
            pen_jac = np.zeros((k - 1, p0.size))
            pen_jac[:, 1:k] = root * np.eye(k - 1)

            def resid(p):
                return np.concatenate([predict(p, A) - y, root * p[1:k]])

            def full_jac(p):
                return np.vstack([jac(p, A), pen_jac])
        else:
            def resid(p):
                return predict(p, A) - y

            def full_jac(p):
                return jac(p, A)
        return least_squares(resid, p0, jac="2-point" if numeric else full_jac,
                             bounds=(lo, hi) if bounded else (-np.inf, np.inf),
                             method="trf" if bounded or alpha > 0 else "lm", max_nfev=max_nfev)

    def fun(p):
        r = predict(p, A) - y
        a = np.abs(r)
        small = a <= delta
        value = np.where(small, 0.5 * r**2, delta * (a - 0.5 * delta)).sum()
        if alpha > 0:
            value = value + 0.5 * alpha * np.sum(p[1:k] ** 2)
        if numeric:
            return value
        psi = np.where(small, r, delta * np.sign(r))
        grad = jac(p, A).T @ psi
        grad[1:k] += alpha * p[1:k]
        return value, grad

    return minimize(fun, p0, jac=not numeric, method="L-BFGS-B" if bounded else "BFGS",
                    bounds=list(zip(lo, hi, strict=True)) if bounded else None, options={"maxiter": max_nfev})


def fit_link(X, y, *, link="sigmoid-parametric", loss="ls", delta=1.0, floor_bounds=(0.0, 0.2),
             init_slope=0.03, alpha=0.0, max_nfev=10_000, gradient="analytic", strict=False) -> LinkFit:
    """Fit ``y = link(w0 + X @ w)`` as in the published recipe.

    Least squares (``loss="ls"``) uses ``scipy.optimize.least_squares``: the
    trust-region-reflective solver when the floor is bounded, Levenberg-Marquardt
    otherwise (what ``curve_fit`` picks), with ``max_nfev``. The Huber loss
    (``loss="huber"``, summed over rows) is minimised with L-BFGS-B (bounded)
    or BFGS. Both start at intercept 0, slopes ``init_slope`` and floor 0 and use
    analytic derivatives (or, with ``gradient="finite-difference"``, scipy's
    default finite differences on the published arithmetic, which retraces the
    published optimizer path where the objective is flat and the solver stops
    early). For targets in [0, 1], Huber with ``delta=1`` is least squares.

    Parameters
    ----------
    X : array-like of shape (n, k)
        Predictors (principal components or log compute).
    y : array-like of shape (n,)
        Target on its (transformed) scale.
    link : {"sigmoid-parametric", "sigmoid", "linear"}, default="sigmoid-parametric"
    loss : {"ls", "huber"}, default="ls"
    delta : float, default=1.0
        Huber threshold.
    floor_bounds : tuple of float, default=(0.0, 0.2)
        Bounds of the floor ``b`` of ``"sigmoid-parametric"``.
    init_slope : float, default=0.03
        Starting value of every slope.
    alpha : float, default=0.0
        Ridge penalty ``0.5 * alpha * sum(w**2)`` on the slopes (not the
        intercept or floor) added to the objective. 0 is the published recipe.
    max_nfev : int, default=10000
        Evaluation / iteration limit.
    gradient : {"analytic", "finite-difference"}, default="analytic"
        Derivatives given to the optimizer.
    strict : bool, default=False
        Raise instead of warning when the limit is hit.

    Returns
    -------
    LinkFit

    Raises
    ------
    ValueError
        On bad shapes, non-finite inputs or unknown names.

    Warns
    -----
    ConvergenceWarning
        When the optimizer stops at its iteration limit (unless ``strict``).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(-3, 3, 40)[:, None]
    >>> y = floor_sigmoid(0.5 + 2.0 * x[:, 0], 0.1)
    >>> fit = fit_link(x, y)
    >>> round(float(fit.coef[0]), 3), round(fit.floor, 3)
    (2.0, 0.1)
    """
    if link not in LINKS:
        msg = f"unknown link '{link}'; expected one of {', '.join(LINKS)}"
        raise ValueError(msg)
    if loss not in LOSSES:
        msg = f"unknown loss '{loss}'; expected one of {', '.join(LOSSES)}"
        raise ValueError(msg)
    if not (np.isfinite(alpha) and alpha >= 0):
        msg = f"alpha must be a finite number >= 0; got {alpha!r}"
        raise ValueError(msg)
    if gradient not in ("analytic", "finite-difference"):
        msg = f"unknown gradient '{gradient}'; expected 'analytic' or 'finite-difference'"
        raise ValueError(msg)
    X, y = _check(X, y)
    A = np.column_stack([np.ones(X.shape[0]), X])
    predict, jac = _model(link)
    numeric = gradient == "finite-difference"
    if numeric:
        predict = _published_predict(link)
    p0 = np.concatenate([[0.0], np.full(X.shape[1], float(init_slope))])
    lo = np.full(p0.size, -np.inf)
    hi = np.full(p0.size, np.inf)
    if link == "sigmoid-parametric":
        p0 = np.append(p0, floor_bounds[0])
        lo, hi = np.append(lo, floor_bounds[0]), np.append(hi, floor_bounds[1])
    bounded = link == "sigmoid-parametric"
    with one_blas_thread():
        res = _optimize(predict, jac, A, y, p0, lo, hi, loss=loss, delta=delta, alpha=float(alpha), bounded=bounded,
                        numeric=numeric, max_nfev=max_nfev)
    if loss == "ls":
        p, objective, n_iter, converged = res.x, float(res.cost), int(res.nfev), res.status > 0
    else:
        p, objective, n_iter = res.x, float(res.fun), int(res.nit)
        converged = res.status != 1
    message = str(res.message)
    if not converged:
        msg = f"the {link} fit stopped at its iteration limit ({max_nfev}): {message}. " \
              "Rescale the predictors or raise max_nfev."
        if strict:
            raise RuntimeError(msg)
        warnings.warn(msg, ConvergenceWarning, stacklevel=2)
    k = X.shape[1]
    floor = float(p[-1]) if link == "sigmoid-parametric" else 0.0
    return LinkFit(link=link, intercept=float(p[0]), coef=np.array(p[1:k + 1]), floor=floor, loss=loss,
                   objective=objective, n_iter=n_iter, converged=bool(converged), message=message)
