"""Hyperparameter recommendation from a fitted `ConfigRegressor`, and its regret on held-out cells."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..estimators import check_is_fitted
from ._features import steplaw_optimum

__all__ = ["TuneResult", "hyperparameter_regret", "plot_landscape", "recommend"]


@dataclass(frozen=True)
class TuneResult:
    """Predicted-optimal learning rate and batch size at one (N, D), with the loss landscape.

    Attributes
    ----------
    N, D : float
    lr, batch_size, loss : float
        The recommendation (batch in tokens) and its predicted loss.
    steplaw_lr, steplaw_batch_size, steplaw_loss : float
        The Step Law formula's choice and the loss the model predicts for it.
    landscape : DataFrame
        Predicted loss on the grid, columns ``lr``, ``batch_size``, ``loss``.
    config : dict
        The other configuration values used (from ``settings`` or the nearest training run).
    at_edge : tuple of str
        ``"lr"`` and/or ``"batch_size"`` when the model's optimum lies on the edge of the grid,
        i.e. of the range the training runs explored: the true optimum may lie beyond it.
    model_lr, model_batch_size, model_loss : float
        The model's own optimum on the grid. Equal to ``lr``, ``batch_size`` and ``loss``
        unless a `Shrinkage` moved the recommendation toward the prior formula.
    weights : tuple of float
        The shrinkage weights ``(w_lr, w_batch)`` of the model's optimum (1: not shrunk).
    """

    N: float
    D: float
    lr: float
    batch_size: float
    loss: float
    steplaw_lr: float
    steplaw_batch_size: float
    steplaw_loss: float
    landscape: pd.DataFrame
    config: dict
    at_edge: tuple = ()
    model_lr: float = float("nan")
    model_batch_size: float = float("nan")
    model_loss: float = float("nan")
    weights: tuple = (1.0, 1.0)

    def to_dict(self) -> dict:
        out = {k: getattr(self, k) for k in ("N", "D", "lr", "batch_size", "loss", "steplaw_lr",
                                               "steplaw_batch_size", "steplaw_loss", "model_lr",
                                               "model_batch_size", "model_loss")}
        out["weights"] = list(self.weights)
        out["at_edge"] = list(self.at_edge)
        out["config"] = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in self.config.items()}
        out["landscape"] = self.landscape.to_dict(orient="records")
        return out

    def pivot(self) -> pd.DataFrame:
        """The landscape as a batch-size x learning-rate table of predicted loss."""
        return self.landscape.pivot(index="batch_size", columns="lr", values="loss")


def _reference_row(model, N, D, settings):
    """Configuration of the best training run at the nearest (log N, log D), overridden by ``settings``."""
    ref = model.reference_
    dist = np.abs(np.log(ref["N"].to_numpy(float) / N)) * 4 + np.abs(np.log(ref["D"].to_numpy(float) / D))
    near = ref[dist <= dist.min() + 1e-9]
    row = near.loc[near[model.target_].idxmin()].drop(labels=[model.target_]).to_dict()
    uses = sorted(c for c in ref.columns if c not in ("N", "D", "lr", "batch_size", model.target_))
    unknown = [k for k in settings if k not in model.columns_]
    if unknown:
        msg = f"unknown setting(s) {unknown}; the runs have columns {list(model.columns_)}"
        raise ValueError(msg)
    unused = [k for k in settings if k not in ref.columns]
    if unused:
        msg = (f"setting(s) {unused} are not features of the model (constant, derived or excluded in the "
               f"training runs); it uses {uses or 'only N, D, lr and batch_size'}")
        raise ValueError(msg)
    row.update(settings)
    row.update(N=float(N), D=float(D))
    return row


def _grid(model, N, D, n_lr, n_bs):
    """Learning rates and batches spanning the training runs' range around the optimum at (N, D)."""
    ref = model.reference_
    coords = model._coords()
    has_lr, has_bs = "lr" in ref.columns, "batch_size" in ref.columns
    u, v = coords.coordinates(ref["N"].to_numpy(float), ref["D"].to_numpy(float),
                              ref["lr"].to_numpy(float) if has_lr else None,
                              ref["batch_size"].to_numpy(float) if has_bs else None)
    if getattr(coords, "params", None):
        lr0 = float(np.exp(coords.log_lr_opt(N, D)))
        bs0 = float(np.exp(coords.log_bs_opt(N, D))) if coords.use_bs else float(steplaw_optimum(N, D)[1])
    else:
        lr0, bs0 = (float(x) for x in steplaw_optimum(N, D))
    g = coords.params.get("g", 0.0) if getattr(coords, "params", None) and coords.use_bs and coords.use_lr else 0.0
    u = u + g * v  # distance from the optimal lr at the optimal batch: a rectangular grid
    bs = bs0 * np.exp(np.linspace(v.min(), v.max(), n_bs)) if has_bs and np.ptp(v) > 0 else np.array([bs0])
    lr = lr0 * np.exp(np.linspace(u.min(), u.max(), n_lr)) if has_lr and np.ptp(u) > 0 else np.array([lr0])
    LR, BS = np.meshgrid(lr, bs)
    return LR.ravel(), BS.ravel()


def recommend(model, N, D, *, settings=None, n_lr=41, n_bs=25, shrinkage=None) -> TuneResult:
    """Predicted-optimal learning rate and batch size for a run of N parameters and D tokens.

    The fitted model scores a grid of (lr, batch) around its optimum at (N, D), spanning the
    normalised range of the training runs; other configuration values come from ``settings``
    or from the best training run of the nearest size. With a ``shrinkage`` (from
    `calibrate_shrinkage`), the recommendation is the log-space weighted mean of the model's
    optimum and the prior formula's.

    Parameters
    ----------
    model : ConfigRegressor
        Fitted on runs that vary the learning rate and/or batch size.
    N, D : float
        Parameters (same convention as the training runs) and training tokens.
    settings : dict or None, default=None
        Other configuration values, e.g. ``{"warmup": 1000}``.
    n_lr, n_bs : int, default=41, 25
        Grid points.
    shrinkage : Shrinkage or None, default=None
        Weights toward a prior formula; None recommends the model's own optimum.

    Returns
    -------
    TuneResult
    """
    check_is_fitted(model)
    if not (N > 0 and D > 0):
        msg = f"N and D must be positive, got N={N!r}, D={D!r}"
        raise ValueError(msg)
    if "lr" not in model.reference_.columns and "batch_size" not in model.reference_.columns:
        msg = "the training runs have no 'lr' or 'batch_size' column: there is nothing to tune"
        raise ValueError(msg)
    row = _reference_row(model, N, D, dict(settings or {}))
    lr, bs = _grid(model, N, D, n_lr, n_bs)
    frame = pd.DataFrame([row] * lr.size)
    if "lr" in frame.columns:
        frame["lr"] = lr
    if "batch_size" in frame.columns:
        frame["batch_size"] = bs
    loss = model.predict(frame)
    best = int(np.argmin(loss))
    sl_lr, sl_bs = (float(x) for x in steplaw_optimum(N, D))
    sl = pd.DataFrame([{**row, **({"lr": sl_lr} if "lr" in row else {}),
                        **({"batch_size": sl_bs} if "batch_size" in row else {})}])
    landscape = pd.DataFrame({"lr": frame.get("lr", np.nan), "batch_size": frame.get("batch_size", np.nan),
                              "loss": loss})
    config = {k: v for k, v in row.items() if k not in ("N", "D", "lr", "batch_size")}
    edge = tuple(c for c in ("lr", "batch_size") if landscape[c].nunique() > 1
                 and landscape[c].iloc[best] in (landscape[c].min(), landscape[c].max()))
    m_lr, m_bs, m_loss = (float(landscape[c].iloc[best]) for c in ("lr", "batch_size", "loss"))
    rec_lr, rec_bs, rec_loss, weights = m_lr, m_bs, m_loss, (1.0, 1.0)
    if shrinkage is not None:
        rec_lr, rec_bs = (float(x) for x in shrinkage.combine(N, D, m_lr, m_bs))
        rec = pd.DataFrame([{**row, **({"lr": rec_lr} if "lr" in row else {}),
                             **({"batch_size": rec_bs} if "batch_size" in row else {})}])
        rec_loss, weights = float(model.predict(rec)[0]), (shrinkage.lr, shrinkage.batch_size)
    return TuneResult(N=float(N), D=float(D), lr=rec_lr, batch_size=rec_bs, loss=rec_loss,
                      steplaw_lr=sl_lr, steplaw_batch_size=sl_bs, steplaw_loss=float(model.predict(sl)[0]),
                      landscape=landscape, config=config, at_edge=edge, model_lr=m_lr, model_batch_size=m_bs,
                      model_loss=m_loss, weights=weights)


def hyperparameter_regret(models, train, grid=None, *, shrinkage=None) -> pd.DataFrame:
    """Regret of each model's choice of (lr, batch) on the (N, D) cells absent from ``train``.

    In each held-out cell of ``grid`` (default: the full Step Law dense grid), a model picks the
    run it predicts lowest; the Step Law formula picks the run nearest its optimum in log lr and
    log batch. A model with a `Shrinkage` moves its pick toward the prior formula's optimum
    (`Shrinkage.combine`) and, like the formula, takes the run nearest the result; its
    unshrunk pick is reported too, as ``<name>_model_only``. Regret = loss of the pick - best
    loss in the cell.

    Parameters
    ----------
    models : dict of str to fitted predictor
    train : RunsTable
        The training runs (their cells are skipped).
    grid : RunsTable or None, default=None
        All runs of the grid; None loads ``load_steplaw_dense()``.
    shrinkage : dict of str to Shrinkage or None, default=None
        Shrinkage of some of the models, by name.

    Returns
    -------
    DataFrame
        One row per (cell, method): ``N, D, method, lr, batch_size, loss, best_loss, regret``,
        then one ``mean`` row per method (N and D empty).
    """
    if grid is None:
        from ..datasets import load_steplaw_dense

        grid = load_steplaw_dense(target=train.target)
    frame = grid.frame
    y = grid.y
    seen = set(zip(train.frame["N"].round(), train.frame["D"].round(), strict=True))
    rows = []
    for (n, d), cell in frame.groupby(["N", "D"]):
        if (round(n), round(d)) in seen:
            continue
        idx = cell.index.to_numpy()
        best = float(y[idx].min())
        picks = {}
        for name, model in models.items():
            pick = idx[int(np.argmin(model.predict(grid.subset(idx))))]
            shrink = (shrinkage or {}).get(name)
            if shrink is None:
                picks[name] = pick
                continue
            lr, bs = shrink.combine(n, d, frame.at[pick, "lr"], frame.at[pick, "batch_size"])
            picks[name] = _nearest(cell, lr, bs)
            picks[f"{name}_model_only"] = pick
        picks["steplaw_formula"] = _nearest(cell, *steplaw_optimum(n, d))
        for name, i in picks.items():
            rows.append({"N": n, "D": d, "method": name, "lr": frame.at[i, "lr"],
                         "batch_size": frame.at[i, "batch_size"], "loss": float(y[i]), "best_loss": best,
                         "regret": float(y[i]) - best})
    out = pd.DataFrame(rows)
    means = out.groupby("method", sort=False)["regret"].mean().reset_index().assign(N=np.nan, D=np.nan)
    return pd.concat([out, means], ignore_index=True)


def _nearest(cell, lr, bs):
    """Index of the run of ``cell`` nearest (lr, bs) in log learning rate and log batch."""
    dist = np.hypot(np.log(cell["lr"] / lr), np.log(cell["batch_size"] / bs)).to_numpy()
    return cell.index.to_numpy()[int(np.argmin(dist))]


def plot_landscape(result: TuneResult, path=None):
    """Contour plot of the predicted loss over (lr, batch), with both recommendations marked.

    Parameters
    ----------
    result : TuneResult
    path : str, Path or None, default=None
        Where to save the figure (closed after saving); None returns it open.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ImportError
        Without matplotlib (the ``plot`` extra).
    """
    from .._optional import optional_module_for

    plt = optional_module_for("plotting", "matplotlib.pyplot")
    table = result.pivot()
    fig, ax = plt.subplots(figsize=(6, 4.5))
    X, Y = np.meshgrid(table.columns.to_numpy(float), table.index.to_numpy(float))
    Z = table.to_numpy(float)
    top = min(np.nanquantile(Z, 0.8), np.nanmin(Z) + 0.3)  # keep diverged corners from flattening the bowl
    cs = ax.contourf(X, Y, np.minimum(Z, top), levels=np.linspace(np.nanmin(Z), top, 21), cmap="viridis_r",
                     extend="max")
    fig.colorbar(cs, ax=ax, label="predicted loss")
    ax.set(xscale="log", yscale="log", xlabel="peak learning rate", ylabel="batch size (tokens)",
           title=f"N={result.N:.3g}, D={result.D:.3g}")
    ax.plot(result.lr, result.batch_size, "r*", ms=14, label=f"predicted optimum ({result.loss:.4f})")
    ax.plot(result.steplaw_lr, result.steplaw_batch_size, "wo", mec="k", label="Step Law formula")
    ax.legend(loc="best", fontsize=8)
    if path is not None:
        fig.savefig(path, dpi=120, bbox_inches="tight")
        plt.close(fig)
    return fig
