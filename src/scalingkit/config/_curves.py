"""Loss curves: predict the rest of a run from its beginning plus other runs' full curves.

Three methods, all trained on other runs and told only the beginning of the run to predict:

- ``"tissue"``: the LR-annealing law ``L = L0 + A S1^-alpha - C S2`` (Tissue et al. 2024) with
  the exponent ``alpha`` and the annealing ratio ``c = C / A`` shared across runs (fitted on
  the other runs' curves by variable projection: every run's ``L0`` and ``A`` are a linear
  least-squares solve), then the new run's ``L0`` and ``A`` from its beginning;
- ``"regressor"``: a `ConfigRegressor` on every checkpoint of the other runs, with the run's
  progress ``step / total_steps`` as a feature, shifted by its median residual on the beginning;
- ``"power"``: the baseline, ``L = E + A s^-alpha`` fitted to the beginning alone.

The schedule is an input of the Tissue law; runs without one are given a cosine schedule over
their planned length (warmup ``warmup_frac``, floor ``min_lr_ratio`` of the peak).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..estimators import BasePredictor, check_is_fitted
from ..laws import lr_areas

__all__ = ["CurvePredictor", "cosine_schedule", "curve_ids", "evaluate_curves"]

_METHODS = ("tissue", "regressor", "power")


def cosine_schedule(total_steps: int, *, warmup_frac: float = 0.01, min_lr_ratio: float = 0.1) -> np.ndarray:
    """Learning rate (peak 1) at steps 1..total_steps: linear warmup, then cosine to ``min_lr_ratio``.

    Parameters
    ----------
    total_steps : int
    warmup_frac : float, default=0.01
        Share of the steps spent warming up linearly from 0.
    min_lr_ratio : float, default=0.1
        Final learning rate as a fraction of the peak.

    Returns
    -------
    ndarray of shape (total_steps,)
    """
    total = int(max(total_steps, 2))
    s = np.arange(1, total + 1, dtype=float)
    w = max(1, int(round(warmup_frac * total)))
    frac = np.clip((s - w) / max(total - w, 1), 0.0, 1.0)
    lr = min_lr_ratio + (1 - min_lr_ratio) * 0.5 * (1 + np.cos(np.pi * frac))
    return np.where(s <= w, s / w, lr)


def curve_ids(frame: pd.DataFrame, curve_cols=None) -> pd.Series:
    """One label per curve: ``run_id`` plus the columns that vary within a run id (size, eval set).

    Parameters
    ----------
    frame : DataFrame
        Checkpoint rows.
    curve_cols : list of str or None, default=None
        The identifying columns; None uses ``run_id`` (else ``group``) plus whichever of
        ``model_size``, ``N``, ``eval_domain``, ``experiment`` vary within it.

    Returns
    -------
    Series of str
    """
    if curve_cols is None:
        curve_cols = ["run_id"] if "run_id" in frame.columns else ["group"]
        for c in ("model_size", "N", "eval_domain", "experiment"):
            if c in frame.columns and c not in curve_cols and frame.groupby(curve_cols[0])[c].nunique().max() > 1:
                curve_cols.append(c)
    missing = [c for c in curve_cols if c not in frame.columns]
    if missing:
        msg = f"curve column(s) {missing} not in the table; columns present: {list(frame.columns)}"
        raise ValueError(msg)
    return frame[list(curve_cols)].astype(str).agg("|".join, axis=1)


class CurvePredictor(BasePredictor):
    """Predict a run's loss curve from its beginning and other runs (see the module docstring).

    Parameters
    ----------
    method : {"tissue", "regressor", "power"}, default="tissue"
    curve_cols : list of str or None, default=None
        Columns that identify a curve (`curve_ids` chooses when None).
    tokens_per_step : float, default=2**22
        Step size used when the table has no ``step`` column (steps = tokens_seen / this).
    warmup_frac, min_lr_ratio : float, default=0.01, 0.1
        The cosine schedule assumed for the Tissue law.
    skip_frac : float, default=0.1
        Checkpoints before this fraction of a run's length are not fitted (early-training
        transients; Choshen et al. 2024 recommend dropping them).
    regressor : dict or None, default=None
        Keyword arguments of `ConfigRegressor` (method="regressor").

    Attributes
    ----------
    alpha_, ratio_ : float
        Shared Tissue exponent and annealing ratio C / A.
    model_ : ConfigRegressor
        The regressor (method="regressor").

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from scalingkit.config import CurvePredictor, cosine_schedule
    >>> from scalingkit.laws import lr_areas
    >>> rows = []
    >>> for run, (L0, A) in enumerate([(2.0, 3.0), (2.2, 2.5), (1.9, 3.5)]):
    ...     S1, S2 = lr_areas(cosine_schedule(1000))
    ...     s = np.arange(50, 1001, 50)
    ...     rows.append(pd.DataFrame({"run_id": run, "step": s, "N": 1e8, "D": s * 1e6,
    ...                               "loss": L0 + A * (S1[s - 1] ** -0.5 - 5e-5 * S2[s - 1])}))
    >>> runs = pd.concat(rows, ignore_index=True)
    >>> model = CurvePredictor().fit(runs[runs.run_id > 0])
    >>> start = runs[(runs.run_id == 0) & (runs.step <= 300)]
    >>> round(model.predict_final(start, total_steps=1000), 2), round(float(runs.loss.iloc[19]), 2)
    (2.16, 2.16)
    """

    def __init__(self, *, method="tissue", curve_cols=None, tokens_per_step=2**22, warmup_frac=0.01,
                 min_lr_ratio=0.1, skip_frac=0.1, regressor=None):
        self.method = method
        self.skip_frac = skip_frac
        self.curve_cols = curve_cols
        self.tokens_per_step = tokens_per_step
        self.warmup_frac = warmup_frac
        self.min_lr_ratio = min_lr_ratio
        self.regressor = regressor

    _parameter_constraints = {"method": lambda v: (v in _METHODS, "one of 'tissue', 'regressor', 'power'")}

    # -- helpers ----------------------------------------------------------------------------
    def _steps(self, frame):
        if "step" in frame.columns:
            return frame["step"].to_numpy(float)
        if "tokens_seen" in frame.columns:
            return np.maximum(np.round(frame["tokens_seen"].to_numpy(float) / self.tokens_per_step), 1.0)
        msg = "curve rows need a 'step' or a 'tokens_seen' column"
        raise ValueError(msg)

    def _areas(self, steps, total):
        S1, S2 = lr_areas(cosine_schedule(int(total), warmup_frac=self.warmup_frac, min_lr_ratio=self.min_lr_ratio),
                          warmup_steps=max(1, int(round(self.warmup_frac * total))))
        i = np.clip(np.asarray(steps, int) - 1, 0, S1.size - 1)
        return S1[i], S2[i]

    def _curves(self, frame):
        frame = frame.reset_index(drop=True)
        ids = curve_ids(frame, self.curve_cols)
        steps = self._steps(frame)
        return frame, ids, steps

    # -- fitting ----------------------------------------------------------------------------
    def fit(self, table, y=None):
        """Learn from full curves (one row per checkpoint; a RunsTable or DataFrame with ``loss``)."""
        self._validate_params()
        from ._regressor import _frame_of

        frame = _frame_of(table)
        self.target_ = getattr(table, "target", "loss")
        frame, ids, steps = self._curves(frame)
        y = frame[self.target_].to_numpy(float) if y is None else np.asarray(y, float)
        total = pd.Series(steps).groupby(ids.to_numpy()).transform("max").to_numpy()
        keep = steps >= self.skip_frac * total
        frame, ids, steps, y, total = frame[keep].reset_index(drop=True), ids[keep], steps[keep], y[keep], total[keep]
        if self.method == "tissue":
            self._fit_tissue(ids.to_numpy(), steps, y)
        elif self.method == "regressor":
            from ._regressor import ConfigRegressor

            data = frame.assign(progress=steps / total, **{self.target_: y})
            from ..data import read_runs

            runs = read_runs(data, target=self.target_, duplicates="keep")
            kw = {"landscape": False, "min_samples_leaf": 20, "n_starts": 256, **(self.regressor or {})}
            self.model_ = ConfigRegressor(**kw).fit(runs)
        else:
            self.fitted_ = True
        return self

    def _fit_tissue(self, ids, steps, y):
        from scipy.optimize import minimize

        groups = []
        for cid in pd.unique(ids):
            m = ids == cid
            S1, S2 = self._areas(steps[m], steps[m].max())
            groups.append((S1, S2, y[m]))

        def sse(theta):
            alpha, ratio = theta[0], np.exp(theta[1])
            return sum(_solve(S1, S2, yy, alpha, ratio)[2] / yy.size for S1, S2, yy in groups)

        best = min((minimize(sse, [a, r], method="Nelder-Mead", options={"xatol": 1e-4, "fatol": 1e-12})
                    for a in (0.2, 0.5, 1.0) for r in (-12.0, -8.0, -5.0)), key=lambda res: res.fun)
        self.alpha_, self.ratio_ = float(best.x[0]), float(np.exp(best.x[1]))

    # -- prediction ---------------------------------------------------------------------------
    def predict_curve(self, start, steps, *, total_steps=None) -> np.ndarray:
        """Loss of one run at ``steps``, from its first checkpoints ``start``.

        Parameters
        ----------
        start : DataFrame or RunsTable
            The run's checkpoints so far (``step`` or ``tokens_seen``, the target, and for
            method="regressor" its configuration columns).
        steps : array-like
            Steps to predict (in the same units as ``start``'s steps).
        total_steps : float or None, default=None
            Planned length of the run (the schedule's end); default ``max(steps)``.

        Returns
        -------
        ndarray
        """
        check_is_fitted(self)
        from ._regressor import _frame_of

        start = _frame_of(start).reset_index(drop=True)
        steps = np.asarray(steps, float)
        s0 = self._steps(start)
        total = float(total_steps if total_steps is not None else max(steps.max(), s0.max()))
        late = s0 >= self.skip_frac * total
        if late.sum() >= 2:
            start, s0 = start[late].reset_index(drop=True), s0[late]
        y0 = start[self.target_].to_numpy(float)
        if len(start) < 2:
            msg = f"need at least 2 checkpoints of the run's beginning, got {len(start)}"
            raise ValueError(msg)
        if self.method == "power":
            return _power_fit(s0, y0, steps)
        if self.method == "tissue":
            S1, S2 = self._areas(s0, total)
            L0, A, _ = _solve(S1, S2, y0, self.alpha_, self.ratio_)
            T1, T2 = self._areas(steps, total)
            return L0 + A * (T1 ** -self.alpha_ - self.ratio_ * T2)
        return self._predict_regressor(start, s0, y0, steps, total)

    def _predict_regressor(self, start, s0, y0, steps, total):
        shift = float(np.median(y0 - self.model_.predict(start.assign(progress=s0 / total))))
        last = start.iloc[[-1] * steps.size].reset_index(drop=True)
        tokens = steps * (start["D"].iloc[-1] / s0[-1])
        rows = last.assign(step=steps, D=tokens, progress=steps / total)
        if "tokens_seen" in rows.columns:
            rows["tokens_seen"] = tokens
        return self.model_.predict(rows) + shift

    def predict_final(self, start, *, total_steps) -> float:
        """Predicted loss at the end of the run (step ``total_steps``)."""
        return float(self.predict_curve(start, [total_steps], total_steps=total_steps)[0])


def _solve(S1, S2, y, alpha, ratio):
    """Least-squares L0, A of ``y = L0 + A (S1^-alpha - ratio S2)``; returns (L0, A, sse)."""
    x = S1 ** -alpha - ratio * S2
    X = np.column_stack([np.ones_like(x), x])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    r = X @ coef - y
    return float(coef[0]), float(coef[1]), float(r @ r)


def _power_fit(s, y, steps):
    """``E + A s^-alpha`` fitted to (s, y) by variable projection over alpha; predicted at ``steps``."""
    from scipy.optimize import minimize_scalar

    def solve(alpha):
        X = np.column_stack([np.ones_like(s), s**-alpha])
        coef, *_ = np.linalg.lstsq(X, y, rcond=None)
        return coef, float(np.sum((X @ coef - y) ** 2))

    res = minimize_scalar(lambda a: solve(a)[1], bounds=(1e-3, 3.0), method="bounded")
    coef, _ = solve(res.x)
    return coef[0] + coef[1] * np.asarray(steps, float) ** -res.x


def evaluate_curves(table, *, prefix=0.3, methods=_METHODS, folds=8, curve_cols=None, min_points=3, seed=0,
                    **kwargs) -> pd.DataFrame:
    """MAPE of the predicted final loss, each run told only its first ``prefix`` of steps.

    The curves are split into ``folds`` groups; for each group, every method is fitted on all
    other curves and predicts each held-out curve's last checkpoint from its checkpoints at
    steps <= ``prefix`` x last step.

    Parameters
    ----------
    table : RunsTable or DataFrame
        Checkpoints of many runs.
    prefix : float, default=0.3
    methods : tuple of str, default=("tissue", "regressor", "power")
    folds : int, default=8
    curve_cols : list of str or None, default=None
    min_points : int, default=3
        Curves with fewer checkpoints in their beginning are skipped.
    seed : int, default=0
    **kwargs
        Passed to `CurvePredictor`.

    Returns
    -------
    DataFrame
        One row per (curve, method): ``curve, method, n_start, total_steps, y_true, y_pred, ape``.
    """
    from ._regressor import _frame_of

    frame = _frame_of(table).reset_index(drop=True)
    target = getattr(table, "target", "loss")
    probe = CurvePredictor(curve_cols=curve_cols, **kwargs)
    ids = curve_ids(frame, curve_cols).to_numpy()
    steps = probe._steps(frame)
    names = pd.unique(ids)
    fold_of = dict(zip(names, np.random.default_rng(seed).permutation(names.size) % folds, strict=True))
    rows = []
    for k in range(folds):
        held = np.array([fold_of[c] == k for c in ids])
        for method in methods:
            model = CurvePredictor(method=method, curve_cols=curve_cols, **kwargs)
            if method == "power":  # uses the run's own beginning only
                model.fitted_, model.target_ = True, target
            else:
                model.fit(_with_target(frame[~held], target))
            for cid in pd.unique(ids[held]):
                m = ids == cid
                s = steps[m]
                total = s.max()
                start = frame[m & (steps <= prefix * total)]
                if len(start) < min_points:
                    continue
                y_true = float(frame.loc[m, target].to_numpy()[np.argmax(s)])
                y_pred = model.predict_final(start, total_steps=total)
                rows.append({"curve": cid, "method": method, "n_start": len(start), "total_steps": total,
                             "y_true": y_true, "y_pred": y_pred, "ape": abs(y_pred - y_true) / y_true})
    return pd.DataFrame(rows)


def _with_target(frame, target):
    from ..data import read_runs

    return read_runs(frame, target=target, duplicates="keep")
