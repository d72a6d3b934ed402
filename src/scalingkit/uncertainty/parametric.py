"""Parametric (delta-method) prediction intervals for fitted laws."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from ._common import check_level

__all__ = ["delta_interval", "has_law", "relative_curve_variance"]


def has_law(model) -> bool:
    """True when ``model`` is a fitted law predictor (``law_``, ``fit_result_``, ``covariance_``)."""
    return all(hasattr(model, a) for a in ("law_", "fit_result_", "covariance_"))


def relative_curve_variance(model, table) -> tuple[np.ndarray, np.ndarray]:
    """Prediction and delta-method variance of ``log prediction`` from the parameter covariance.

    Parameters
    ----------
    model : LawPredictor
        A fitted law predictor.
    table : RunsTable
        Rows to predict (the target is not read).

    Returns
    -------
    pred : ndarray
        Predictions.
    var_log : ndarray
        ``g' Sigma g / pred^2``, with ``g`` the law's gradient in its parameters;
        parameters whose covariance is NaN (on a bound) contribute nothing.
    """
    law = model.law_
    X = table.inputs(law.columns)
    params = model.fit_result_.params
    pred = np.asarray(law(params, X), dtype=float)
    jac = law.jacobian(params, X)
    G = np.stack([np.broadcast_to(np.asarray(jac[n], dtype=float), pred.shape) for n in law.param_names], axis=-1)
    cov = np.nan_to_num(np.asarray(model.covariance_, dtype=float), nan=0.0)
    var = np.einsum("np,pq,nq->n", G, cov, G)
    with np.errstate(divide="ignore", invalid="ignore"):
        var_log = np.maximum(var, 0.0) / pred**2
    return pred, np.where(np.isfinite(var_log), var_log, np.inf)


def delta_interval(model, table, level: float = 0.8, *, noise_scale: float = 0.0):
    """Delta-method prediction interval, symmetric in log space.

    ``pred * exp(+/- z sqrt(var_log + noise_scale^2))``: the parameter
    uncertainty of the fitted curve (Jacobian and asymptotic covariance of the
    fit) plus, when ``noise_scale > 0``, the run-to-run scatter of a new run.
    It assumes the law is right: it knows nothing of the error that grows when
    extrapolating, which is why it is usually too narrow far from the data.

    Parameters
    ----------
    model : LawPredictor
        A fitted law predictor.
    table : RunsTable
        Rows to predict.
    level : float, default=0.8
        Nominal coverage in (0, 1).
    noise_scale : float, default=0.0
        Standard deviation of a new run's log loss around the curve (e.g. the
        robust scale of the training log residuals). 0 gives a confidence
        interval of the curve itself.

    Returns
    -------
    lo, hi : ndarray

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from scalingkit import LawPredictor, read_runs
    >>> N = np.repeat([1e8, 3e8, 1e9, 3e9], 4); D = np.tile([2e9, 6e9, 2e10, 6e10], 4)
    >>> y = (1.8 + 480 / N**0.35 + 2100 / D**0.37) * np.exp(0.01 * np.sin(np.arange(16)))
    >>> model = LawPredictor(n_starts=64).fit(pd.DataFrame({"N": N, "D": D, "loss": y}))
    >>> big = read_runs(pd.DataFrame({"N": [1e10], "D": [2e11], "loss": [1.0]}))
    >>> lo, hi = delta_interval(model, big, 0.8, noise_scale=0.01)
    >>> bool(lo[0] < model.predict(big)[0] < hi[0])
    True
    """
    level = check_level(level)
    if not has_law(model):
        msg = (f"the delta method needs a fitted law predictor (with law_ and covariance_); "
               f"{type(model).__name__} has none. Use method='bootstrap' or 'conformal'.")
        raise TypeError(msg)
    pred, var_log = relative_curve_variance(model, table)
    z = float(ndtri(0.5 + level / 2))
    half = z * np.sqrt(var_log + float(noise_scale) ** 2)
    return pred * np.exp(-half), pred * np.exp(half)
