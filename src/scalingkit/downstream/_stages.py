"""Pieces shared by the downstream predictors: row selection, stage fits, variances, resampling."""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..exceptions import ConvergenceWarning, DataValidationError

__all__ = [
    "as_inputs",
    "as_table",
    "bootstrap_rows",
    "check_level",
    "default_perfect",
    "column",
    "fit_quietly",
    "group_ids",
    "law_variance",
    "link_fitter_for",
    "resolve_perfect",
    "select_rows",
    "to_internal",
]

ROW_CHOICES = ("all", "final")


def as_table(table, target: str, metric_col, owner: str):
    """A RunsTable to fit on: a RunsTable as is, else read with ``target`` (a loss column) as its target.

    Raises
    ------
    ValueError
        If ``metric_col`` is None for a source that is not a RunsTable (its
        target is then a loss, not the metric).
    """
    from ..data import RunsTable, read_runs

    if isinstance(table, RunsTable):
        return table
    if metric_col is None:
        msg = (f"{owner}: give metric_col= when fitting on a DataFrame or file "
               "(only a RunsTable's target can stand in for the metric)")
        raise ValueError(msg)
    return read_runs(table, target=target, duplicates="keep")


def as_inputs(table):
    """A RunsTable to predict on: a DataFrame needs only the law's inputs (no target column)."""
    import pandas as pd

    from ..data import RunsTable, read_runs

    if isinstance(table, RunsTable):
        return table
    if isinstance(table, pd.DataFrame):
        return read_runs(table.assign(__target__=1.0), target="__target__", duplicates="keep")
    return read_runs(table, duplicates="keep")


def column(table, name: str) -> np.ndarray:
    """Float values of column ``name`` (NaN kept; ``C`` and ``M`` derived)."""
    return table.inputs([name])[name]


def check_level(level) -> float:
    if not (isinstance(level, (int, float)) and 0 < level < 1):
        msg = f"The 'level' parameter must be a float in the range (0, 1). Got {level!r} instead."
        raise ValueError(msg)
    return float(level)


def group_ids(table, group_col: str | None) -> np.ndarray:
    """Integer id of each row's run (``group_col``, else ``run_id`` when present, else the row)."""
    frame = table.frame
    name = group_col or ("run_id" if "run_id" in frame.columns else None)
    if name is None:
        return np.arange(len(table))
    if name not in frame.columns:
        msg = f"group column '{name}' is not in the table; columns: {', '.join(map(str, frame.columns))}"
        raise DataValidationError(msg, column=name)
    return np.unique(frame[name].astype(str).to_numpy(), return_inverse=True)[1]


def select_rows(table, rows: str, groups: np.ndarray, explicit=None) -> np.ndarray:
    """Boolean mask of the rows a stage is fitted on.

    ``rows="final"`` keeps, per run, the rows at the run's largest ``D`` (its
    final checkpoint); ``"all"`` keeps every row (intermediate checkpoints
    included). ``explicit`` (a mask or index array) overrides both.
    """
    n = len(table)
    if explicit is not None:
        idx = np.asarray(explicit)
        if idx.dtype == bool:
            if idx.shape != (n,):
                msg = f"row mask has shape {idx.shape}; expected ({n},)"
                raise ValueError(msg)
            return idx.copy()
        mask = np.zeros(n, dtype=bool)
        mask[idx.astype(int)] = True
        return mask
    if rows not in ROW_CHOICES:
        msg = f"The rows parameter must be one of 'all', 'final'. Got {rows!r} instead."
        raise ValueError(msg)
    if rows == "all":
        return np.ones(n, dtype=bool)
    D = table.D
    last = np.full(groups.max() + 1 if n else 0, -np.inf)
    np.maximum.at(last, groups, D)
    return D >= last[groups]


def link_fitter_for(law, fitter=None):
    """The given fitter; else VarPro (linear parameters projected out) when some parameters are
    nonlinear and every linear one is unbounded, and MultiStartLM (which keeps bounds) otherwise."""
    from ..fitting import MultiStartLM, VarPro

    if fitter is not None:
        return fitter
    nonlinear = set(law.param_names) - set(law.linear)
    free_linear = all(law.param(n).bounds == (-math.inf, math.inf) for n in law.linear)
    return VarPro() if nonlinear and free_linear else MultiStartLM()


def default_perfect(y, higher_is_better: bool):
    """1 (accuracy) or 0 (error) when every metric value lies in [0, 1], else None (unbounded)."""
    y = np.asarray(y, dtype=float)
    y = y[np.isfinite(y)]
    if y.size and y.min() >= 0.0 and y.max() <= 1.0:
        return 1.0 if higher_is_better else 0.0
    return None


def resolve_perfect(perfect, y, higher_is_better: bool):
    """The best attainable metric a predictor's ``perfect`` parameter stands for.

    Parameters
    ----------
    perfect : float, "auto" or None
        The parameter: a value, ``"auto"`` (`default_perfect` of ``y``) or None (unbounded).
    y : array-like
        Training metric values (read only for ``"auto"``).
    higher_is_better : bool
        Direction of the metric.

    Returns
    -------
    float or None
    """
    if perfect == "auto":
        return default_perfect(y, bool(higher_is_better))
    return None if perfect is None else float(perfect)


def fit_quietly(fitter, law, X, y, objective, *, starts=None, quiet=False):
    """Fit, passing ``starts`` when given; ``quiet`` silences ConvergenceWarning (bootstrap refits)."""
    kwargs = {} if starts is None else {"starts": starts}
    if not quiet:
        return fitter.fit(law, X, y, objective, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return fitter.fit(law, X, y, objective, **kwargs)


def to_internal(law, params) -> np.ndarray:
    """Fitted natural parameters as one start in the fitter's internal space, shape (1, P)."""
    row = []
    for p in law.params:
        lo, hi = p.bounds
        v = min(max(float(params[p.name]), lo), hi)
        if p.transform == "log":
            v = max(v, 1e-300)
        row.append(float(p.to_internal(v)))
    return np.asarray([row])


def law_variance(law, params, covariance, X) -> np.ndarray:
    """Delta-method variance of ``law(params, X)`` from the parameter covariance.

    Parameters on a bound (NaN covariance) count as exactly known.
    """
    free = {k: v for k, v in params.items() if k in law.param_names}
    pred = np.asarray(law(free, X), dtype=float)
    jac = law.jacobian(free, X)
    G = np.stack([np.broadcast_to(jac[n], pred.shape) for n in law.param_names], axis=-1)
    cov = np.nan_to_num(np.asarray(covariance, dtype=float), nan=0.0)
    return np.maximum(np.einsum("np,pq,nq->n", G, cov, G), 0.0)


def bootstrap_rows(groups: np.ndarray, n_boot: int, seed) -> list[np.ndarray]:
    """Row indices of ``n_boot`` resamples of whole runs (a run's rows stay together)."""
    rng = np.random.default_rng(seed)
    uniq = np.unique(groups)
    members = [np.flatnonzero(groups == g) for g in uniq]
    out = []
    for _ in range(int(n_boot)):
        pick = rng.integers(0, len(uniq), len(uniq))
        out.append(np.concatenate([members[i] for i in pick]) if len(pick) else np.empty(0, dtype=int))
    return out


def quantiles(draws: np.ndarray, level: float):
    """Equal-tailed percentile interval over axis 0, ignoring failed (NaN) draws."""
    a = (1.0 - level) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanquantile(draws, a, axis=0), np.nanquantile(draws, 1.0 - a, axis=0)


def positive_int(v):
    ok = isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0
    return ok, "an int in the range [0, inf)"


def finite_float(v):
    ok = isinstance(v, (int, float, np.floating)) and not isinstance(v, bool) and math.isfinite(v)
    return ok, "a finite float"
