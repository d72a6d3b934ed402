"""Features of `AutoPredictor`: which run settings the residual may use, and the gate.

A *run setting* is a column other than the target, N, D and ``config``, not an
identifier (`is_identifier`: ``Unnamed: 0``, ``index``, ``run_id``, a row number) nor an
outcome (`is_outcome`: another loss, an accuracy, a score), that

1. varies inside configurations (a configuration is a ``config`` value, else an (N, D)
   pair) in at least 5 % of them: learning rate, batch size, checkpoint step, mixture,
   validation domain, router, unique tokens... Columns that only change from one
   configuration to the next (width, depth, other parameter counts) describe the scale
   and are left to the law. Where configurations do not repeat (every run at its own N
   and D, as in a random search) this cannot be tested; the column must then vary
   beyond scale instead: a quadratic in (log N, log D) explains at most half of its
   variance;
2. is not a proxy of scale: after its transform, ``|Spearman|`` with log N and with
   log D is at most ``max_confounding``;
3. is not a linear function of the settings already kept and of (log N, log D).

A numeric column may miss up to half of its values (they get the median of the others).

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

import fnmatch
import math
import re
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ..laws import DATA_CONSTRAINED_PUBLISHED

__all__ = ["UNIQUE_TOKEN_COLUMNS", "FeatureSpec", "config_codes", "effective_data", "extrapolation_ratio",
           "failed_rows", "is_identifier", "is_outcome", "partial_r2", "residual_forest", "scale_matrix",
           "select_features", "setting_matrix", "unique_token_column"]

_SAME_UNITS = math.log(10.0)

#: Names read as row or run identifiers (case-insensitive, whole name): ``Unnamed: 0`` (pandas'
#: unnamed index), ``index``, ``id``, ``run_id``, ``run``, ``run_number``, ``level_0``, and bookkeeping of
#: evaluation splits (``split``, ``ncpl_split``, ``fold``)...
_IDENTIFIER_NAME = re.compile(r"^(unnamed:?\s*\d*|index|idx|id|row|row_?(id|index|num(ber)?)|"
                              r"run|run_?(no|num(ber)?|idx|index)|level_\d+|.*[_ ]id|(.*[_ ])?(split|fold))$",
                              re.IGNORECASE)

#: Words that mark a run that did not train normally (outcomes too; see `failed_rows`).
_FAILURE_WORDS = r"diverged|divergence|crashed|failed"
#: Words that mark a column as an outcome of the run (a loss, a score), not a setting.
_OUTCOME_WORDS = re.compile(r"(^|[_\W])(loss|losses|ppl|perplexity|acc|accuracy|bpb|bpc|score|lo95|hi95|"
                            rf"err|error|{_FAILURE_WORDS})([_\W]|$)", re.IGNORECASE)
#: Words that make a loss-named column a setting: the weight of an auxiliary loss (``z_loss_coef``).
_COEFFICIENT_WORDS = re.compile(r"(^|[_\W])(coef|coeff|coefficient|weight|wt|lambda|scale|factor|mult)([_\W]|$)",
                                re.IGNORECASE)
_OUTCOME_UNITS = re.compile(r"nats|bits|accuracy|perplexity|cross-entropy|score", re.IGNORECASE)

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


#: Names of flags that mark a run that did not train normally.
_FAILURE_FLAG = re.compile(rf"(^|[_\W])({_FAILURE_WORDS})([_\W]|$)", re.IGNORECASE)
_TRUE_TEXT = {"true", "yes", "y", "1", "t"}
_FALSE_TEXT = {"false", "no", "n", "0", "f", "", "<na>", "nan", "none"}


def failed_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows flagged as runs that did not train normally (diverged, crashed, failed).

    A column named with one of those words whose values are all boolean (``True``/
    ``False``, 0/1, yes/no; a missing value counts as False) flags the rows where it is
    true. Other columns, and flag columns with other values, are ignored.

    Examples
    --------
    >>> import pandas as pd
    >>> failed_rows(pd.DataFrame({"lr": [1, 2, 3], "diverged": [False, True, False]})).tolist()
    [False, True, False]
    """
    out = np.zeros(len(frame), dtype=bool)
    for name in frame.columns:
        if not _FAILURE_FLAG.search(str(name)):
            continue
        text = frame[name].astype("string").str.strip().str.lower().fillna("").to_numpy(dtype=str)
        values = set(np.unique(text))
        if values <= _TRUE_TEXT | _FALSE_TEXT:
            out |= np.isin(text, list(_TRUE_TEXT))
    return out


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
                    min_share: float = 0.05, units=None) -> list[FeatureSpec]:
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
    units : dict or None, default=None
        Units of columns (a `RunsMeta`'s ``units``, keys may be globs such as ``"loss_*"``);
        a column with the target's unit, or a unit of a loss or score, is an outcome.

    Returns
    -------
    list of FeatureSpec
    """
    codes = config_codes(frame)
    S = scale_matrix(frame)
    repeat = _configs_repeat(codes, min_share)
    kept, columns = [], []
    for name in frame.columns:
        if name in (target, "N", "D", "config"):
            continue
        if is_identifier(frame[name], str(name), codes) or is_outcome(str(name), target, units):
            continue
        for spec, z in _candidate_columns(frame[name], str(name), codes, S, min_share, repeat):
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


def is_identifier(col: pd.Series, name: str, codes=None) -> bool:
    """Whether a column identifies rows or runs rather than setting them.

    True for a name like an index or an id (``Unnamed: 0``, ``index``, ``id``,
    ``run_id``, ``run``, a split or fold label...) and for a non-negative integer column whose values stay
    below 20 times the number of its distinct values (a counter of tokens or steps is
    much larger) and which either

    - has a distinct value in every row: a row number, possibly of a larger table; or
    - given the configuration ``codes`` of the rows (at least three configurations),
      has more distinct values than there are configurations, each value occurring in
      one configuration only: run numbers (several runs per configuration, each with its
      checkpoints), in blocks or interleaved. A setting such as a seed or a warm-up
      length repeats across configurations, and checkpoint steps of different
      configurations overlap.

    Examples
    --------
    >>> import pandas as pd
    >>> is_identifier(pd.Series([3, 0, 7, 5]), "k"), is_identifier(pd.Series([1e9, 2e9, 4e9, 8e9]), "tokens_seen")
    (True, False)
    """
    if _IDENTIFIER_NAME.match(name.strip()):
        return True
    x = _numeric(col)
    if x is None or len(x) < 3 or not np.isfinite(x).all() or np.any(x != np.round(x)) or x.min() < 0:
        return False
    distinct = np.unique(x).size
    if x.max() >= 20 * distinct:
        return False
    if distinct == len(x):
        return True
    if codes is None:
        return False
    n_configs = np.unique(codes).size
    if n_configs < 3 or distinct <= n_configs:
        return False
    # run numbers nest in configurations; settings and checkpoint steps recur across them
    return bool(pd.Series(np.asarray(codes)).groupby(x).nunique().max() == 1)


def is_outcome(name: str, target: str, units=None) -> bool:
    """Whether a column is an outcome of the run (another loss, a score) rather than a setting.

    A column named like a loss, perplexity, accuracy, score, evaluation or error (as a
    word of its name: ``loss_c4_val``, ``val_acc``, ``ds_boolq_acc``, ``diverged``; not the weight of a
    loss, ``z_loss_coef`` or ``aux_loss_weight``), or whose unit in
    ``units`` (exact name or glob key) is the target's unit or a unit of a loss or score
    (nats, bits, accuracy, perplexity).

    Examples
    --------
    >>> is_outcome("loss_openlm_val", "loss_c4_val"), is_outcome("lr", "loss")
    (True, False)
    >>> is_outcome("ds_boolq", "loss", {"ds_*": "accuracy in [0, 1]"})
    True
    """
    if name != target and _OUTCOME_WORDS.search(name) and not _COEFFICIENT_WORDS.search(name):
        return True
    if not units:
        return False

    def unit_of(col):
        if col in units:
            return str(units[col])
        for key, unit in units.items():
            if any(c in str(key) for c in "*?[") and fnmatch.fnmatchcase(col, str(key)):
                return str(unit)
        return None

    unit = unit_of(name)
    if unit is None:
        return False
    target_unit = unit_of(target)
    return bool(_OUTCOME_UNITS.search(unit) or (target_unit is not None and unit == target_unit))


def _as_text(col: pd.Series) -> np.ndarray:
    """Values as strings, a missing value as ``"<NA>"``."""
    return col.astype("string").fillna("<NA>").to_numpy(dtype=str)


def _varies_inside(x, codes, min_share) -> bool:
    """Whether ``x`` changes inside at least ``min_share`` of the configurations (and one)."""
    varies = pd.Series(x).groupby(codes).nunique().gt(1)
    return bool(varies.sum() >= max(1.0, min_share * varies.size))


def _scale_r2(z, S) -> float:
    """Share of the variance of ``z`` that a quadratic in (log N, log D) explains."""
    s = (S - S.mean(axis=0)) / np.where(S.std(axis=0) > 0, S.std(axis=0), 1.0)
    A = np.column_stack([np.ones(len(z)), s, s**2, s[:, :1] * s[:, 1:]])
    coef, *_ = np.linalg.lstsq(A, z, rcond=None)
    var = np.var(z)
    return float(1.0 - np.var(z - A @ coef) / var) if var > 0 else 1.0


def _configs_repeat(codes, min_share) -> bool:
    """Whether at least ``min_share`` of the configurations (and one) hold several rows."""
    repeated = pd.Series(codes).value_counts().gt(1)
    return bool(repeated.sum() >= max(1.0, min_share * repeated.size))


def _set_by_run(z, S) -> bool:
    """Without repeated configurations: ``z`` varies beyond what the scale explains.

    A quadratic in (log N, log D) explains at most half its variance: width and depth
    are functions of scale, a searched learning rate is not.
    """
    return len(z) >= 8 and _scale_r2(z, S) <= 0.5


def _candidate_columns(col: pd.Series, name: str, codes, S, min_share, repeat: bool):
    """``(FeatureSpec, transformed values)`` of one column: none, one, or one per category.

    ``repeat`` is `_configs_repeat` of ``codes``: whether rule 1 can test variation
    inside configurations.

    A numeric column may miss up to half of its values; they get the median of the
    others (as in `setting_matrix`).
    """
    x = _numeric(col)
    if x is not None:
        ok = np.isfinite(x)
        if ok.mean() < 0.5 or np.ptp(x[ok]) == 0:
            return []
        kind, floor = _kind(x[ok], S[ok])
        with np.errstate(all="ignore"):
            z = _transform(x, kind, floor, S)
        fill = float(np.median(z[ok]))
        z = np.where(ok, z, fill)
        if not (_varies_inside(z, codes, min_share) if repeat else _set_by_run(z, S)):
            return []
        return [(FeatureSpec(name, kind, floor, fill), z)]
    text = _as_text(col)
    levels = pd.unique(text)
    if not 2 <= levels.size <= _MAX_LEVELS or (repeat and not _varies_inside(text, codes, min_share)):
        return []
    out = []
    for level in sorted(levels):
        z = (text == level).astype(float)
        if np.unique(codes[z > 0]).size < 2:  # seen in one configuration: no pattern that can transfer
            continue
        if repeat or _set_by_run(z, S):
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


def residual_forest(n_estimators, seed, n_jobs):
    """The random forest of the residual and of the gate's checks (one configuration for all of them)."""
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
        pred_s = residual_forest(n_estimators, seed, n_jobs).fit(S[fit_rows], ly[fit_rows]).predict(S[held])
        pred_f = residual_forest(n_estimators, seed, n_jobs).fit(F[fit_rows], ly[fit_rows]).predict(F[held])
        sse_scale += float(np.sum((ly[held] - pred_s) ** 2))
        sse_full += float(np.sum((ly[held] - pred_f) ** 2))
    if not sse_scale > 0:
        return 0.0
    return max(0.0, 1.0 - sse_full / sse_scale)


def extrapolation_ratio(S, Z, residual, codes, fractions, *, rng, n_estimators=30, max_rows=4000, max_scales=4,
                        n_jobs=None) -> float:
    """How the residual forest does when carried to costlier rows, against no residual.

    Two kinds of folds, each fitting a forest on ``[Z, S]`` to ``residual`` (the target
    minus the law) and predicting held-out rows, the shape of the real task:

    - *cost folds*: for each ``q`` in ``fractions``, fit on the cheapest ``q`` of the
      configurations by ``N D`` and predict the costlier ones;
    - *data folds*: the largest N of the training rows was seen over a span of log D
      (its early checkpoints, or its shortest runs, only). For each of the next
      ``max_scales`` N, fit on every row except that N's rows beyond the same span from
      its smallest D, and predict those: can an offset seen over that span be carried to
      the later checkpoints (longer runs) of the same model, as the forest does for the
      largest model?

    Returns the larger of the two ``SSE_forest / SSE_zero`` ratios over the held-out rows
    of each kind: below 1 the residual's pattern transfers, above 1 it hurts. NaN when no
    fold can be formed.
    """
    if len(residual) > max_rows:
        keep = np.sort(rng.choice(len(residual), size=max_rows, replace=False))
        S, Z, residual, codes = S[keep], Z[keep], residual[keep], codes[keep]
    F = np.column_stack([Z, S])
    seed = int(rng.integers(2**31 - 1))
    cost = pd.Series(S.sum(axis=1)).groupby(codes).max()
    ranked = cost.sort_values(kind="stable").index.to_numpy()
    cost_folds = []
    for q in fractions:
        k = int(round(q * ranked.size))
        if k >= 2 and ranked.size - k >= 2:
            cost_folds.append(~np.isin(codes, ranked[:k]))
    data_folds = []
    logN, logD = np.round(S[:, 0], 6), S[:, 1]
    sizes = np.unique(logN)[::-1]
    if sizes.size >= 2:
        top = logN == sizes[0]
        span = float(logD[top].max() - logD[top].min())  # how far along D the largest model was seen
        for n in sizes[1:]:
            at = logN == n
            held = at & (logD > logD[at].min() + span + 1e-9)
            if held.any() and (at & ~held).any():
                data_folds.append(held)
            if len(data_folds) >= max_scales:
                break
    ratios = []
    for folds in (cost_folds, data_folds):
        sse_forest = sse_zero = 0.0
        for held in folds:
            pred = residual_forest(n_estimators, seed, n_jobs).fit(F[~held], residual[~held]).predict(F[held])
            sse_forest += float(np.sum((residual[held] - pred) ** 2))
            sse_zero += float(np.sum(residual[held] ** 2))
        if sse_zero > 0:
            ratios.append(sse_forest / sse_zero)
    return max(ratios) if ratios else math.nan
