"""Configuration features: which columns describe a run, and how they enter a model.

`select_columns` picks the configuration columns of a runs table (everything that is not the
target, another loss, an identifier or a split label); `ConfigFeatures` turns them into a
numeric matrix whose scale-carrying part is small and explicit:

- ``u``, ``v``: log distance of the learning rate and batch size from the landscape law's
  optimum at that (N, D) (see `Landscape`); scale-free by construction;
- ``log_DN``: log tokens per parameter; ``log_N``, ``log_D``: the only raw scale inputs, each
  used only when the training runs have 3+ distinct values of it (with two model sizes,
  ``log_N`` would be a size indicator whose extrapolation nothing in the data can check);
- every other numeric column in log space when it is positive and spans a factor above 2
  (``log(1 - x)`` for momentum-like ``beta`` columns), plus the ratios that are scale-free
  (warmup as a fraction of the steps, AdamW's timescale ``1 / (lr wd steps)``);
- a model shape (width with depth, heads or FFN size, found by name) as scale-free ratios:
  ``log(width / depth)``, ``log(width / heads)``, ``log(ffn / width)``, not raw sizes;
- categorical columns as integer codes (one-hot for the neural backend).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["META_COLUMNS", "ConfigFeatures", "select_columns", "steplaw_optimum"]

#: Column names never used as features (identifiers, labels, run outcomes).
META_COLUMNS = frozenset({
    "run_id", "run_name", "exp_name", "name", "group", "index", "checkpoint", "baseline_run_name",
    "is_baseline", "ablated_param", "ablated_value", "seed", "model_args", "source", "path", "flops",
    "flops_6nd", "steps_is_last", "step_is_last", "mixture", "experiment",
})
_OUTCOME = re.compile(r"loss|diverg|split|ppl|perplex|acc|score|error|time", re.IGNORECASE)
_CORE = ("N", "D", "lr", "batch_size")
_MAX_LEVELS = 24
_SHAPE = {
    "width": r"(h|hidden|hidden_size|d_model|dim|width|n_embd)",
    "depth": r"(numl|n_layers|num_layers|layers|depth|n_layer)",
    "heads": r"(numh|n_heads|num_heads|heads|n_head)",
    "ffn": r"(ffnh|ffn|d_ff|ffn_dim|intermediate_size|mlp_dim)",
}


def steplaw_optimum(N, D):
    """The Step Law formula's optimal peak learning rate and batch size (tokens).

    ``eta_opt = 1.79 N^-0.713 D^0.307`` and ``B_opt = 0.58 D^0.571``, with N the
    non-embedding parameters and D the training tokens.

    Parameters
    ----------
    N, D : float or array-like

    Returns
    -------
    lr, batch_size : ndarray

    References
    ----------
    Li et al. (2025), "Predictable Scale: Part I", arXiv 2503.04715, Eq. (1)-(2); coefficients
    of the authors' bootstrap fit.

    Examples
    --------
    >>> lr, bs = steplaw_optimum(1e9, 2e10)
    >>> round(float(lr), 5), round(float(bs) / 1e6, 2)
    (0.001, 0.44)
    """
    N = np.asarray(N, float)
    D = np.asarray(D, float)
    return 1.79 * N**-0.713 * D**0.307, 0.58 * D**0.571


def _is_derived(logx, basis):
    """Whether log(x) is (numerically) a linear combination of the core log columns."""
    A = np.column_stack([np.ones(len(logx)), *basis])
    coef, *_ = np.linalg.lstsq(A, logx, rcond=None)
    return float(np.max(np.abs(A @ coef - logx))) < 1e-2


def _names_scale(frame, col):
    """Whether a categorical column only names N or D (e.g. ``model_size = '130m'``)."""
    for key in ("N", "D"):
        if key in frame.columns and frame.groupby(col, observed=True)[key].nunique().max() == 1 \
                and frame.groupby(key)[col].nunique().max() == 1:
            return True
    return False


def select_columns(frame: pd.DataFrame, target: str, *, features=None, exclude=()):
    """Numeric and categorical configuration columns of ``frame``.

    Parameters
    ----------
    frame : DataFrame
    target : str
        The target column (never a feature).
    features : list of str or None, default=None
        Use exactly these columns (besides N, D, lr and batch_size, always used when present).
    exclude : iterable of str, default=()
        Columns to leave out of the automatic choice.

    Returns
    -------
    numeric, categorical : list of str
        Columns other than N, D, lr and batch_size. Automatic choice skips the target,
        `META_COLUMNS`, names that look like outcomes (loss, diverged, split, accuracy, ...),
        constant columns, identifiers, and numeric columns that are exact log-linear functions
        of N, D, lr and batch_size (e.g. steps = D / batch size, tokens per parameter).
    """
    skip = {target, *_CORE, *exclude}
    if features is not None:
        missing = [c for c in features if c not in frame.columns]
        if missing:
            msg = f"feature column(s) {missing} not in the table; columns present: {list(frame.columns)}"
            raise ValueError(msg)
        cols = [c for c in features if c not in skip]
    else:
        cols = [c for c in frame.columns if c not in skip and c not in META_COLUMNS and not _OUTCOME.search(str(c))]
    basis = [np.log(frame[c].to_numpy(float)) for c in _CORE if c in frame.columns
             and pd.api.types.is_numeric_dtype(frame[c]) and (frame[c] > 0).all()]
    numeric, categorical = [], []
    for c in cols:
        s = frame[c]
        if s.nunique(dropna=True) < 2 and features is None:
            continue
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            small = s.nunique() <= min(_MAX_LEVELS, max(2, len(s) // 2))
            if features is not None or (small and not _names_scale(frame, c)):
                categorical.append(c)
            continue
        x = s.to_numpy(float)
        if features is None and np.all(x > 0) and np.isfinite(x).all() and _is_derived(np.log(x), basis):
            continue
        numeric.append(c)
    return numeric, categorical


def _transform_rule(name: str, x: np.ndarray) -> tuple[str, float]:
    x = x[np.isfinite(x)]
    if x.size == 0:
        return "identity", 0.0
    if re.match(r"^(beta\d?|b\d|momentum)$", name, re.IGNORECASE) and x.min() >= 0 and x.max() < 1:
        return "log1m", 0.0
    pos = x[x > 0]
    if x.min() > 0 and x.max() / x.min() > 2:
        return "log", 0.0
    if x.min() >= 0 and pos.size and pos.max() / pos.min() > 2:
        return "logp", float(pos.min() / 2)
    return "identity", 0.0


def _apply_rule(rule, offset, x):
    with np.errstate(divide="ignore", invalid="ignore"):
        if rule == "log":
            return np.log(x)
        if rule == "logp":
            return np.log(x + offset)
        if rule == "log1m":
            return np.log1p(-x)
    return x


def _find(frame, pattern):
    for c in frame.columns:
        if re.fullmatch(pattern, str(c), re.IGNORECASE):
            return c
    return None


@dataclass
class ConfigFeatures:
    """Featuriser fitted on the training runs (see the module docstring).

    Parameters
    ----------
    numeric, categorical : list of str
        Configuration columns (from `select_columns`).
    use_raw_scale : bool or "auto", default="auto"
        Include ``log_N`` and ``log_D`` (which tree models clamp at the training range);
        "auto" includes each when the fitting runs have at least 3 distinct values of it.

    Attributes
    ----------
    raw_ : tuple of str
        The raw scale inputs used (``"log_N"``, ``"log_D"``).
    """

    numeric: list
    categorical: list
    use_raw_scale: bool | str = "auto"
    raw_: tuple = ()
    rules_: dict = field(default_factory=dict)
    shape_: dict = field(default_factory=dict)
    levels_: dict = field(default_factory=dict)
    ratios_: dict = field(default_factory=dict)

    def fit(self, frame: pd.DataFrame) -> ConfigFeatures:
        if self.use_raw_scale == "auto":
            self.raw_ = tuple(f"log_{c}" for c in ("N", "D") if frame[c].nunique() >= 3)
        else:
            self.raw_ = ("log_N", "log_D") if self.use_raw_scale else ()
        self.shape_ = {k: c for k, pat in _SHAPE.items() if (c := _find(frame, pat)) in self.numeric}
        if "width" not in self.shape_ or len(self.shape_) < 2:
            self.shape_ = {}
        self.rules_ = {c: _transform_rule(c, frame[c].to_numpy(float)) for c in self.numeric}
        self.levels_ = {c: sorted(map(str, frame[c].dropna().unique())) for c in self.categorical}
        self.ratios_ = {}
        warm = _find(frame, r".*warmup.*")
        steps = _find(frame, r"(steps|ti|train_steps|max_steps|total_steps)")
        wd = _find(frame, r"(weight_decay|wd)")
        if warm in self.numeric:
            self.ratios_["warmup_frac"] = (warm, steps)
        if wd in self.numeric and "lr" in frame.columns:
            self.ratios_["log_timescale"] = (wd, steps)
        return self

    @staticmethod
    def _steps(frame, steps_col):
        if "batch_size" in frame.columns:  # always consistent with D and the batch
            return frame["D"].to_numpy(float) / frame["batch_size"].to_numpy(float)
        if steps_col is not None and steps_col in frame.columns:
            return frame[steps_col].to_numpy(float)
        return None

    def transform(self, frame: pd.DataFrame, landscape) -> pd.DataFrame:
        """Feature matrix (float columns; categoricals as codes, -1 for unseen levels)."""
        N, D = frame["N"].to_numpy(float), frame["D"].to_numpy(float)
        lr = frame["lr"].to_numpy(float) if "lr" in frame.columns else None
        bs = frame["batch_size"].to_numpy(float) if "batch_size" in frame.columns else None
        u, v = landscape.coordinates(N, D, lr, bs)
        out = {}
        if landscape.use_lr:
            out["u"] = u
        if landscape.use_bs:
            out["v"] = v
        out["log_DN"] = np.log(D / N)
        if "log_N" in self.raw_:
            out["log_N"] = np.log(N)
        if "log_D" in self.raw_:
            out["log_D"] = np.log(D)
        shape_cols = set(self.shape_.values())
        if self.shape_:
            size = {k: frame[c].to_numpy(float) if c in frame.columns else np.full(len(frame), np.nan)
                    for k, c in self.shape_.items()}
            for key in self.shape_:
                if key == "ffn":
                    out["log_ffn_per_width"] = np.log(size["ffn"] / size["width"])
                elif key != "width":
                    out[f"log_width_per_{key}"] = np.log(size["width"] / size[key])
        for c in self.numeric:
            if c in shape_cols:
                continue
            rule, offset = self.rules_[c]
            out[c] = _apply_rule(rule, offset, frame[c].to_numpy(float)) if c in frame.columns else np.nan
        for name, (col, steps_col) in self.ratios_.items():
            steps = self._steps(frame, steps_col)
            if steps is None or col not in frame.columns:
                continue
            x = frame[col].to_numpy(float)
            with np.errstate(divide="ignore"):
                if name == "warmup_frac":
                    out[name] = x / steps
                elif lr is not None:
                    out[name] = -np.log(np.maximum(lr * x * steps, 1e-12))
        for c in self.categorical:
            lookup = {lvl: i for i, lvl in enumerate(self.levels_[c])}
            vals = frame[c].astype(str) if c in frame.columns else pd.Series(["<missing>"] * len(frame))
            out[c] = vals.map(lambda s, lk=lookup: lk.get(s, -1)).to_numpy(float)
        return pd.DataFrame(out, index=frame.index)
