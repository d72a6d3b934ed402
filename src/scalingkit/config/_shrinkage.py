"""Shrinking a model's recommended learning rate and batch toward a prior formula's.

A configuration model's optimum at a new (N, D) and a published formula's (the Step Law
formula by default) are two noisy estimates of the same point. `calibrate_shrinkage`
measures how far each lands from the observed optimum of every training cell, the model
refitted without that cell (leave-one-cell-out), and weights them by inverse variance:
``log x = w log x_model + (1 - w) log x_prior`` with ``w = s_prior^2 / (s_prior^2 + s_model^2)``,
one weight for the learning rate and one for the batch. A model that is no better than the
formula at finding optima gets ``w`` near 0.5 or below; one that finds them far better, near 1.
Only the training runs are used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._features import steplaw_optimum

__all__ = ["Shrinkage", "calibrate_shrinkage", "cell_optimum"]


@dataclass(frozen=True)
class Shrinkage:
    """Weights of a model's optimum against a prior formula's (see the module docstring).

    Attributes
    ----------
    lr, batch_size : float
        Weight ``w`` of the model's log learning rate and log batch (1: the model alone,
        0: the prior alone).
    prior : callable
        ``prior(N, D) -> (lr, batch_size)``; the Step Law formula by default.
    rms_model, rms_prior : tuple of float
        Root-mean-square log distance (lr, batch) of the model's and the prior's optimum from
        the observed optimum of the held-out training cells.
    cells : DataFrame
        Per held-out cell: ``N, D`` and the log deviations ``model_lr, model_bs, prior_lr, prior_bs``.
    predictions : dict
        The refitted model's predictions of each held-out cell's runs, by ``(N, D)`` (rounded),
        for reuse (`calibrate_shrinkage`'s ``predictions``).

    Examples
    --------
    >>> from scalingkit.config import Shrinkage
    >>> half = Shrinkage(lr=0.5, batch_size=1.0, prior=lambda N, D: (1e-3, 4e5))
    >>> [round(float(x), 6) for x in half.combine(1e9, 2e10, 4e-3, 2e5)]
    [0.002, 200000.0]
    """

    lr: float = 1.0
    batch_size: float = 1.0
    prior: Callable = steplaw_optimum
    rms_model: tuple = (float("nan"), float("nan"))
    rms_prior: tuple = (float("nan"), float("nan"))
    cells: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    predictions: dict = field(default_factory=dict, repr=False, compare=False)

    def combine(self, N, D, lr, batch_size):
        """The shrunk ``(lr, batch_size)``: log-space weighted mean of the model's and the prior's."""
        p_lr, p_bs = (np.asarray(x, float) for x in self.prior(N, D))
        out_lr = np.exp(self.lr * np.log(lr) + (1.0 - self.lr) * np.log(p_lr))
        out_bs = np.exp(self.batch_size * np.log(batch_size) + (1.0 - self.batch_size) * np.log(p_bs))
        return out_lr, out_bs

    def to_dict(self) -> dict:
        return {"lr": self.lr, "batch_size": self.batch_size, "rms_model": list(self.rms_model),
                "rms_prior": list(self.rms_prior), "n_cells": int(len(self.cells))}


def cell_optimum(lr, batch_size, loss, *, quantile=0.2, min_points=10):
    """Observed optimum of one (N, D) cell: the vertex of a quadratic fitted to its best runs.

    A quadratic in ``(log lr, log batch)`` is fitted by least squares to the runs whose loss is
    in the lowest ``quantile`` (at least ``min_points``); its vertex smooths the run-to-run
    noise of the plain argmin. The best run is returned instead when the fit is not a bowl or
    its vertex lies outside the explored range.

    Parameters
    ----------
    lr, batch_size, loss : array-like
        The cell's runs.
    quantile : float, default=0.2
    min_points : int, default=10
        Fewest runs in the fit (a quadratic has 6 coefficients).

    Returns
    -------
    lr, batch_size : float
    """
    x, z, y = np.log(np.asarray(lr, float)), np.log(np.asarray(batch_size, float)), np.asarray(loss, float)
    best = int(np.argmin(y))
    fallback = float(np.exp(x[best])), float(np.exp(z[best]))
    keep = y <= np.quantile(y, quantile)
    if keep.sum() < min_points:
        keep = y <= np.sort(y)[min(min_points, y.size) - 1]
    if keep.sum() < min_points:
        return fallback
    xk, zk = x[keep], z[keep]
    A = np.column_stack([np.ones(xk.size), xk, zk, xk**2, zk**2, xk * zk])
    coef, *_ = np.linalg.lstsq(A, y[keep], rcond=None)
    H = np.array([[2 * coef[3], coef[5]], [coef[5], 2 * coef[4]]])
    if np.any(np.linalg.eigvalsh(H) <= 0):
        return fallback
    vx, vz = np.linalg.solve(H, -coef[1:3])
    if not (x.min() <= vx <= x.max() and z.min() <= vz <= z.max()):
        return fallback
    return float(np.exp(vx)), float(np.exp(vz))


def _cells(frame, min_runs):
    """(N, D) cells that vary both the learning rate and the batch enough to locate an optimum."""
    out = []
    for key, cell in frame.groupby([frame["N"].round(), frame["D"].round()]):
        if len(cell) >= min_runs and cell["lr"].nunique() >= 3 and cell["batch_size"].nunique() >= 3:
            out.append((key, cell.index.to_numpy()))
    return out


def _refit(model, table):
    """The model refitted on ``table``, reusing a leaf size it chose by cross-validation."""
    params = model.get_params()
    if params.get("min_samples_leaf") == "auto" and hasattr(model, "min_samples_leaf_"):
        params["min_samples_leaf"] = model.min_samples_leaf_
    return type(model)(**params).fit(table)


def calibrate_shrinkage(model, table, *, prior=steplaw_optimum, min_runs=12, min_cells=3,
                        predictions=None) -> Shrinkage:
    """Leave-one-cell-out weights of a model's optimum against ``prior`` (module docstring).

    For each (N, D) cell of ``table`` that varies both lr and batch, ``model`` is refitted
    without the cell; its optimum is the cell's run it predicts lowest (as
    `hyperparameter_regret` picks); the prior's is ``prior(N, D)``; both are compared with the
    cell's observed optimum (`cell_optimum`). The weight of the model for each coordinate is
    ``s_prior^2 / (s_prior^2 + s_model^2)`` from the root-mean-square log deviations.

    Parameters
    ----------
    model : ConfigRegressor
        A fitted model (its parameters are reused; a cross-validated leaf size is kept fixed
        in the refits, to save time).
    table : RunsTable
        The runs ``model`` was fitted on.
    prior : callable, default=steplaw_optimum
        ``prior(N, D) -> (lr, batch_size)``.
    min_runs : int, default=12
        Runs a cell needs to count.
    min_cells : int, default=3
        Cells needed for a calibration.
    predictions : dict or None, default=None
        Leave-one-cell-out predictions already computed, by ``(N, D)`` as in
        `Shrinkage.predictions` (e.g. the mean of two models' for their average); None refits.

    Returns
    -------
    Shrinkage

    Raises
    ------
    ValueError
        If the runs lack ``lr`` or ``batch_size``, or fewer than ``min_cells`` cells vary both.

    Notes
    -----
    The prior may have been fitted on data that include these cells (the Step Law formula was
    fitted on every Step Law cell): its deviations are then in-sample, too small, and the
    weights lean toward the model less than they should; the calibration errs on the side of
    the prior.
    """
    frame = table.frame.reset_index(drop=True)
    missing = [c for c in ("lr", "batch_size") if c not in frame.columns]
    if missing:
        msg = f"calibrate_shrinkage needs columns 'lr' and 'batch_size'; the runs lack {missing}"
        raise ValueError(msg)
    cells = _cells(frame, min_runs)
    if len(cells) < min_cells:
        msg = (f"calibrate_shrinkage needs at least {min_cells} (N, D) cells with {min_runs}+ runs that vary both "
               f"the learning rate and the batch size (3+ values each); the runs have {len(cells)}")
        raise ValueError(msg)
    y = table.y
    rows = []
    preds = {}
    for (n, d), idx in cells:
        if predictions is not None:
            preds[(n, d)] = np.asarray(predictions[(n, d)], float)
        else:
            keep = np.ones(len(frame), bool)
            keep[idx] = False
            preds[(n, d)] = _refit(model, table.subset(keep)).predict(table.subset(idx))
        cell = frame.iloc[idx]
        pick = int(np.argmin(preds[(n, d)]))
        obs_lr, obs_bs = cell_optimum(cell["lr"], cell["batch_size"], y[idx])
        p_lr, p_bs = (float(v) for v in prior(n, d))
        rows.append({"N": n, "D": d,
                     "model_lr": float(np.log(cell["lr"].iloc[pick] / obs_lr)),
                     "model_bs": float(np.log(cell["batch_size"].iloc[pick] / obs_bs)),
                     "prior_lr": float(np.log(p_lr / obs_lr)), "prior_bs": float(np.log(p_bs / obs_bs))})
    dev = pd.DataFrame(rows)
    ms = dev[["model_lr", "model_bs"]].pow(2).mean().to_numpy()
    ps = dev[["prior_lr", "prior_bs"]].pow(2).mean().to_numpy()
    w = ps / np.maximum(ps + ms, 1e-12)
    return Shrinkage(lr=float(w[0]), batch_size=float(w[1]), prior=prior, rms_model=tuple(np.sqrt(ms).tolist()),
                     rms_prior=tuple(np.sqrt(ps).tolist()), cells=dev, predictions=preds)
