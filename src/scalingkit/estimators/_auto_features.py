"""Features of `AutoPredictor`: which run settings the residual may use, and the gate.

A *run setting* is a column other than the target, N, D and ``config`` that

1. varies inside configurations (a configuration is a ``config`` value, else an (N, D)
   pair) in at least 5 % of them: learning rate, batch size, checkpoint step, mixture,
   validation domain, router, unique tokens... Columns that only change from one
   configuration to the next (width, depth, other parameter counts) describe the scale
   and are left to the law;
2. is not a proxy of scale: after its transform, ``|Spearman|`` with log N and with
   log D is at most ``max_confounding``;
3. is not a linear function of the settings already kept and of (log N, log D).

Positive columns spanning more than a factor 3 are logged; a logged column whose typical
value is within a factor 10 of D (tokens) or of N (parameters) is expressed relative to
it (unique tokens become log(U/D), i.e. minus log epochs), so that it transfers across
scale. A text column with 2 to 32 values (validation domain, corpus, optimiser...)
becomes one indicator per value that occurs in at least two configurations, each
indicator then passing the same tests (run names and other identifiers have too many
values; a value unseen in training gives all indicators 0).

Repeated data: when the table carries the unique tokens ``U`` of each run (a column
named in `UNIQUE_TOKEN_COLUMNS`, below D in some rows), the laws see the
effective data ``D' = U + U R* (1 - exp(-(D/U - 1) / R*))`` of Muennighoff et al.
(2023), with their published decay constant ``R* = 15.4`` epochs (`effective_data`).
"""

from __future__ import annotations

import math
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ..laws import DATA_CONSTRAINED_PUBLISHED

__all__ = ["UNIQUE_TOKEN_COLUMNS", "FeatureSpec", "config_codes", "effective_data", "partial_r2", "scale_matrix",
           "select_features", "setting_matrix", "unique_token_column"]

_SAME_UNITS = math.log(10.0)

#: Column names read as the unique training tokens of a run: the library's ``unique_tokens``
#: (the input of the ``data_constrained`` law) and the ReScaL release's ``uD``.
UNIQUE_TOKEN_COLUMNS = ("unique_tokens", "uD")

#: Most values of a text column read as a categorical setting.
_MAX_LEVELS = 32

#: Muennighoff et al. (2023) decay constant of repeated tokens, in epochs (their C4 fit).
_RD_STAR = DATA_CONSTRAINED_PUBLISHED["RD_star"]


class FeatureSpec(NamedTuple):
    """How one column becomes a residual feature.

    Attributes
    ----------
    name : str
        Column name.
    kind : {"raw", "log", "relD", "relN", "cat"}
        ``x``, ``log x``, ``log(x / D)``, ``log(x / N)`` or the indicator ``x == level``.
    floor : float
        Values are clipped to at least this before the log (half the training minimum).
    fill : float
        Transformed value used for a missing entry (training median).
    level : str or None, default=None
        The value a ``"cat"`` indicator marks.
    """

    name: str
    kind: str
    floor: float
    fill: float
    level: str | None = None

    @property
    def label(self) -> str:
        """``name``, or ``name=level`` for an indicator."""
        return self.name if self.level is None else f"{self.name}={self.level}"


def config_codes(frame: pd.DataFrame) -> np.ndarray:
    """Integer configuration of every row: the ``config`` column, else the (N, D) pair."""
    if "config" in frame.columns and not frame["config"].isna().any():
        return pd.factorize(frame["config"], sort=False)[0]
    return frame.groupby(["N", "D"], sort=False).ngroup().to_numpy()


def unique_token_column(frame: pd.DataFrame) -> str | None:
    """The column of unique tokens, if the frame has a usable one.

    A column named in `UNIQUE_TOKEN_COLUMNS` counts when it is numeric, positive and
    finite, and below D in some row (some run repeats data; rows above D, such as early
    checkpoints, have seen unique tokens only).
    """
    D = frame["D"].to_numpy(dtype=float)
    for name in UNIQUE_TOKEN_COLUMNS:
        if name not in frame.columns:
            continue
        U = _numeric(frame[name])
        if U is None or not (np.isfinite(U).all() and (U > 0).all()):
            continue
        if np.any(U < D * (1 - 1e-6)):
            return name
    return None


def effective_data(D, U) -> np.ndarray:
    """Effective tokens of a run that saw ``D`` tokens drawn from ``U`` unique ones.

    ``D' = U + U R* (1 - exp(-R / R*))`` with ``R = max(D / U - 1, 0)`` repetitions and
    ``R* = 15.4`` (Muennighoff et al. 2023, Eq. 5, C4 fit). ``D' = D`` at one epoch or
    less, and a missing or non-positive ``U`` counts as unique data (``D' = D``).

    Examples
    --------
    >>> round(float(effective_data(4e9, 1e9) / 1e9), 3)  # four epochs of 1B tokens
    3.726
    """
    D = np.asarray(D, dtype=float)
    U = np.asarray(U, dtype=float)
    ok = np.isfinite(U) & (U > 0)
    U = np.where(ok, U, D)
    with np.errstate(divide="ignore", invalid="ignore"):
        R = np.maximum(D / U - 1.0, 0.0)
    out = U + U * _RD_STAR * -np.expm1(-R / _RD_STAR)
    return np.where(ok, np.minimum(out, D), D)


def scale_matrix(frame: pd.DataFrame) -> np.ndarray:
    """``(n, 2)`` array of log N and log D."""
    return np.column_stack([np.log(frame["N"].to_numpy(dtype=float)), np.log(frame["D"].to_numpy(dtype=float))])


def _numeric(col: pd.Series):
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return col.to_numpy(dtype=float)
    return None


def _transform(x, kind, floor, S):
    if kind == "raw":
        return x
    lx = np.log(np.maximum(x, floor))
    return lx if kind == "log" else lx - S[:, 1] if kind == "relD" else lx - S[:, 0]


def _kind(x, S):
    if x.min() > 0 and x.max() > 3.0 * x.min():
        lx = np.log(x)
        if abs(np.median(lx - S[:, 1])) < _SAME_UNITS:
            return "relD", 0.5 * float(x.min())
        if abs(np.median(lx - S[:, 0])) < _SAME_UNITS:
            return "relN", 0.5 * float(x.min())
        return "log", 0.5 * float(x.min())
    return "raw", 0.0


def _confounding(z, S) -> float:
    out = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for j in range(S.shape[1]):
            if np.ptp(S[:, j]) > 0:
                rho = spearmanr(z, S[:, j])[0]
                out = max(out, abs(float(rho)) if np.isfinite(rho) else 0.0)
    return out


def select_features(frame: pd.DataFrame, target: str, *, max_confounding: float = 0.5,
                    min_share: float = 0.05) -> list[FeatureSpec]:
    """The run settings of a training frame (see the module docstring).

    Parameters
    ----------
    frame : DataFrame
        Training rows with canonical ``N`` and ``D``.
    target : str
        Target column, never used.
    max_confounding : float, default=0.5
        Largest allowed ``|Spearman|`` with log N or log D.
    min_share : float, default=0.05
        Share of configurations in which a column must vary (at least one).

    Returns
    -------
    list of FeatureSpec
    """
    codes = config_codes(frame)
    S = scale_matrix(frame)
    kept, columns = [], []
    for name in frame.columns:
        if name in (target, "N", "D", "config"):
            continue
        for spec, z in _candidate_columns(frame[name], str(name), codes, S, min_share):
            if _confounding(z, S) > max_confounding:
                continue
            if columns:
                A = np.column_stack([*columns, S, np.ones(len(z))])
                coef, *_ = np.linalg.lstsq(A, z, rcond=None)
                if np.var(z - A @ coef) < 1e-4 * np.var(z):
                    continue
            columns.append(z)
            kept.append(spec)
    return kept


def _as_text(col: pd.Series) -> np.ndarray:
    """Values as strings, a missing value as ``"<NA>"``."""
    return col.astype("string").fillna("<NA>").to_numpy(dtype=str)


def _varies_inside(x, codes, min_share) -> bool:
    varies = pd.Series(x).groupby(codes).nunique().gt(1)
    return bool(varies.sum() >= max(1.0, min_share * varies.size))


def _candidate_columns(col: pd.Series, name: str, codes, S, min_share):
    """``(FeatureSpec, transformed values)`` of one column: none, one, or one per category."""
    x = _numeric(col)
    if x is not None:
        if not np.isfinite(x).all() or np.ptp(x) == 0 or not _varies_inside(x, codes, min_share):
            return []
        kind, floor = _kind(x, S)
        z = _transform(x, kind, floor, S)
        return [(FeatureSpec(name, kind, floor, float(np.median(z))), z)]
    text = _as_text(col)
    levels = pd.unique(text)
    if not 2 <= levels.size <= _MAX_LEVELS or not _varies_inside(text, codes, min_share):
        return []
    out = []
    for level in sorted(levels):
        z = (text == level).astype(float)
        if np.unique(codes[z > 0]).size >= 2:  # seen in two configurations: a pattern that can transfer
            out.append((FeatureSpec(name, "cat", 0.0, 0.0, str(level)), z))
    return out


def setting_matrix(frame: pd.DataFrame, specs) -> np.ndarray:
    """``(n, len(specs))`` transformed settings; missing or non-finite entries get the training median.

    Raises
    ------
    KeyError
        If a column the model was fitted on is missing.
    """
    missing = list(dict.fromkeys(s.name for s in specs if s.name not in frame.columns))
    if missing:
        msg = f"the table lacks columns {missing} that the model was fitted on"
        raise KeyError(msg)
    if not specs:
        return np.empty((len(frame), 0))
    S = scale_matrix(frame)
    cols = []
    for s in specs:
        if s.kind == "cat":
            cols.append((_as_text(frame[s.name]) == s.level).astype(float))
            continue
        x = pd.to_numeric(frame[s.name], errors="coerce").to_numpy(dtype=float)
        with np.errstate(all="ignore"):
            z = _transform(x, s.kind, s.floor, S)
        cols.append(np.where(np.isfinite(z), z, s.fill))
    return np.column_stack(cols)


def _forest(n_estimators, seed, n_jobs):
    from sklearn.ensemble import RandomForestRegressor

    return RandomForestRegressor(n_estimators=n_estimators, min_samples_leaf=2, max_features=0.7,
                                 random_state=seed, n_jobs=n_jobs)


def partial_r2(S, Z, ly, codes, *, rng, n_estimators=30, max_rows=4000, n_jobs=None) -> float:
    """How much the settings explain beyond scale, on configurations not seen in fitting.

    Two forests predict the log target, one from the scale ``S`` alone and one from
    ``[S, Z]``; ``R2_p = max(0, 1 - SSE_full / SSE_scale)`` over held-out rows. With three
    or more configurations the rows are held out by configuration (grouped K-fold, at
    most 5 folds); otherwise the cheapest fifth of the rows by N*D is held out (ReScaL's
    rule). At most ``max_rows`` rows, drawn at random, are used.

    Returns
    -------
    float
        ``R2_p`` in [0, 1].
    """
    from sklearn.model_selection import GroupKFold

    if len(ly) > max_rows:
        keep = np.sort(rng.choice(len(ly), size=max_rows, replace=False))
        S, Z, ly, codes = S[keep], Z[keep], ly[keep], codes[keep]
    F = np.column_stack([S, Z])
    groups = np.unique(codes)
    seed = int(rng.integers(2**31 - 1))
    if groups.size >= 3:
        splits = GroupKFold(n_splits=min(5, groups.size)).split(F, ly, codes)
    else:
        order = np.argsort(S.sum(axis=1), kind="stable")
        k = max(1, len(order) // 5)
        splits = [(order[k:], order[:k])] if len(order) > k else []
    sse_scale = sse_full = 0.0
    for fit_rows, held in splits:
        pred_s = _forest(n_estimators, seed, n_jobs).fit(S[fit_rows], ly[fit_rows]).predict(S[held])
        pred_f = _forest(n_estimators, seed, n_jobs).fit(F[fit_rows], ly[fit_rows]).predict(F[held])
        sse_scale += float(np.sum((ly[held] - pred_s) ** 2))
        sse_full += float(np.sum((ly[held] - pred_f) ** 2))
    if not sse_scale > 0:
        return 0.0
    return max(0.0, 1.0 - sse_full / sse_scale)
