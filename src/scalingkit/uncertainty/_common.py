"""Helpers shared by the interval methods: cloning, levels, groups, residuals, progress."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd

__all__ = [
    "check_level",
    "clone",
    "compute_of",
    "fit_quietly",
    "group_codes",
    "log_residuals",
    "progress_iter",
    "robust_scale",
    "with_target",
]

_GROUP_COLUMNS = ("run_id", "config")


def clone(estimator):
    """A fresh, unfitted copy: ``type(est)(**est.get_params())`` (`scalingkit.estimators.clone`)."""
    from ..estimators import clone as _clone

    return _clone(estimator)


def check_level(level) -> float:
    """Return ``level`` as a float in (0, 1) or raise the sklearn-shaped ValueError."""
    ok = isinstance(level, (int, float, np.floating)) and not isinstance(level, bool) and 0 < float(level) < 1
    if not ok:
        msg = f"The 'level' parameter must be a float in the range (0, 1). Got {level!r} instead."
        raise ValueError(msg)
    return float(level)


def compute_of(table) -> np.ndarray:
    """Training compute ``C = 6 N D`` of every row."""
    return 6.0 * table.N * table.D


def group_codes(table, groups="auto") -> np.ndarray:
    """Integer cluster label per row, for resampling whole runs.

    Parameters
    ----------
    table : RunsTable
    groups : {"auto", "rows"} or str, default="auto"
        ``"rows"``: every row is its own cluster. A column name: its values.
        ``"auto"``: the first of ``run_id``, ``config`` that repeats (rows are
        checkpoints of runs); else distinct ``(N, D)`` when the table has a
        ``step`` column; else rows.

    Returns
    -------
    ndarray of int
    """
    frame = table.frame
    n = len(frame)
    if groups == "rows":
        return np.arange(n)
    if groups != "auto":
        if groups not in frame.columns:
            msg = f"groups column '{groups}' is not in the table; columns present: {', '.join(map(str, frame.columns))}"
            raise ValueError(msg)
        return pd.factorize(frame[groups].astype(str))[0]
    for col in _GROUP_COLUMNS:
        if col in frame.columns and frame[col].nunique(dropna=False) < n:
            return pd.factorize(frame[col].astype(str))[0]
    if "step" in frame.columns:
        return pd.factorize(pd.Series(list(zip(table.N, table.D, strict=True))))[0]
    return np.arange(n)


def log_residuals(model, table) -> np.ndarray:
    """``log y - log prediction`` of a fitted model on ``table`` (NaN where not positive)."""
    pred = np.asarray(model.predict(table), dtype=float)
    y = table.y
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.log(y) - np.log(pred)
    return np.where(np.isfinite(r), r, np.nan)


def robust_scale(r) -> float:
    """1.4826 x median absolute deviation of the finite values of ``r`` (0 when none)."""
    r = np.asarray(r, dtype=float)
    r = r[np.isfinite(r)]
    if r.size == 0:
        return 0.0
    return float(1.4826 * np.median(np.abs(r - np.median(r))))


def with_target(table, y):
    """The same runs with the target column replaced by ``y``."""
    frame = table.frame
    frame[table.target] = np.asarray(y, dtype=float)
    return table.with_frame(frame)


def fit_quietly(estimator, table):
    """Fit, turning convergence warnings into a flag: returns ``(fitted or None, ok)``.

    Fits that raise a ValueError (too few distinct N in a resample, ...) return
    ``(None, False)``; the caller skips them.
    """
    from ..exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        try:
            est = estimator.fit(table)
        except (ValueError, np.linalg.LinAlgError, FloatingPointError):
            return None, False
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return est, converged


def _show_progress(show) -> bool:
    if show is None or show == "auto":
        return bool(getattr(sys.stderr, "isatty", lambda: False)())
    return bool(show)


def progress_iter(items, *, description: str, show=False, total: int | None = None):
    """Iterate ``items``, drawing a rich progress bar on stderr when ``show``.

    Parameters
    ----------
    items : iterable
    description : str
        Label of the bar.
    show : bool or None or "auto", default=False
        ``"auto"``/None: only when stderr is a terminal.
    total : int or None
        Length, when ``items`` has none.
    """
    if not _show_progress(show):
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    total = total if total is not None else (len(items) if hasattr(items, "__len__") else None)
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task)
