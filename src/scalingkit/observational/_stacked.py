"""`StackedObservationalPredictor`: observational laws with 1..K principal components,
averaged with weights learnt by rolling-origin extrapolation CV on the training models."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from ..estimators._base import BasePredictor, check_is_fitted
from ..exceptions import ConvergenceWarning
from ._predictor import ObservationalPredictor, fit_pc_basis, pc_scores, resolve_benchmarks
from ._sigmoid import fit_link

__all__ = ["StackedObservationalPredictor", "simplex_least_squares"]


def simplex_least_squares(P, y) -> np.ndarray:
    """Weights ``w >= 0`` with ``sum(w) = 1`` minimising ``||P @ w - y||^2`` (stacking).

    Parameters
    ----------
    P : array-like of shape (n, m)
        Out-of-sample predictions of ``m`` candidate models for ``n`` rows.
    y : array-like of shape (n,)

    Returns
    -------
    ndarray of shape (m,)

    Examples
    --------
    >>> import numpy as np
    >>> P = np.array([[0.0, 1.0], [0.0, 1.0]])
    >>> simplex_least_squares(P, np.array([0.25, 0.25])).round(3).tolist()
    [0.75, 0.25]
    """
    P = np.asarray(P, dtype=float)
    y = np.asarray(y, dtype=float)
    m = P.shape[1]
    if m == 1:
        return np.ones(1)
    G, c = P.T @ P, P.T @ y
    scale = max(float(np.trace(G)), 1e-300)

    def fun(w):
        return (w @ G @ w - 2 * c @ w) / scale, (2 * G @ w - 2 * c) / scale

    res = minimize(fun, np.full(m, 1.0 / m), jac=True, method="SLSQP", bounds=[(0.0, 1.0)] * m,
                   constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones(m)}],
                   options={"ftol": 1e-12, "maxiter": 500})
    w = np.clip(res.x, 0.0, None)
    w[w < 1e-6] = 0.0
    return w / w.sum()


def _components(v):
    ok = (isinstance(v, (tuple, list)) and len(v) > 0
          and all(isinstance(k, (int, np.integer)) and not isinstance(k, bool) and k >= 1 for k in v))
    return ok, "a non-empty tuple of ints >= 1"


class StackedObservationalPredictor(BasePredictor):
    """Observational scaling law averaged over the number of principal components by stacking.

    The published recipe fixes 3 principal components. Here the laws with
    ``K = 1 .. 5`` components are all fitted, and combined with weights learnt
    by an inner split that mimics the outer one:

    1. the training models are ranked like the held-out split ranks models:
       by ``rank_by`` (e.g. training compute for a compute cutoff), or by the
       target itself (a top-by-target split, or when ``rank_by`` is missing or
       unknown for a training model);
    2. rolling origin: each of the top ``holdout_fraction`` of the training
       models is predicted, one at a time, by every candidate fitted on all
       the models ranked below it (imputation, PCA and link are refitted in
       every fold, so the validated model is never seen);
    3. stacking (Wolpert 1992; Breiman 1996): non-negative weights summing to 1
       that minimise the squared error of the weighted out-of-fold predictions;
    4. every candidate with a positive weight is refitted on all training
       models; the prediction is the weighted average.

    Nothing is chosen on the test models. Averaging instead of picking one
    ``K`` removes most of the selection noise of a small validation set (a
    dozen to twenty models), and the extrapolating inner split penalises the
    many-component laws whose low-variance components blow up beyond the
    training range. With fewer than ``min_fit + 1`` training models there is
    nothing to validate and the published choice (3 components, or fewer if
    the data cannot carry them) is used alone.

    Input type: a models x benchmarks DataFrame, as for `ObservationalPredictor`.

    Parameters
    ----------
    components : tuple of int, default=(1, 2, 3, 4, 5)
        Candidate numbers of principal components.
    rank_by : str or None, default=None
        Column ranking the training models for the inner split; for a compute
        cutoff pass the cutoff column (e.g. ``"FLOPs (1E21)"``). None, or a
        column with a missing value among the training models, ranks by the
        target (as a top-by-target split does).
    holdout_fraction : float, default=0.5
        Share of the training models (the top-ranked) predicted in turn; at
        least one, and at most ``n - min_fit``. Chosen a priori as "the upper
        half", not tuned (`bench/observational.py` reports 0.4 to 1.0).
    min_fit : int, default=4
        Fewest models any inner fit uses.
    benchmarks, link, loss, delta, floor_bounds, impute_clip, pca_components
        As for `ObservationalPredictor` (shared by every candidate).

    Attributes
    ----------
    weights_ : pandas.Series
        Stacking weight of each candidate, indexed by the number of components.
    cv_results_ : DataFrame
        One row per candidate: ``n_components``, ``cv_mse`` (mean squared
        error of its out-of-fold predictions), ``weight``.
    cv_predictions_ : DataFrame
        The out-of-fold predictions (one column ``K=<k>`` per candidate) and
        ``y``, indexed like the validated training models, in rank order.
    rank_by_ : str
        The ranking used (a column name, or ``"target"``).
    members_ : list of (int, float, LinkFit)
        ``(n_components, weight, link)`` of the candidates with a positive weight.
    n_components_ : float
        Weighted mean number of components (a summary, not a setting).
    imputer_ : LowRankImputer
    pca_ : PrincipalComponents
    benchmarks_ : list of str
    feature_names_ : list of str
        ``PC-1 .. PC-k`` up to the largest member.
    link_ : LinkFit
        The member with the largest weight (for display).

    References
    ----------
    Ruan, Maddison, Hashimoto (2024), arXiv:2405.10938 (the law and its features).
    Wolpert (1992), "Stacked generalization"; Breiman (1996), "Stacked regressions".

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> skill = rng.uniform(-2, 2, 40)
    >>> frame = pd.DataFrame({f"b{i}": 0.5 + 0.05 * (i + 1) * skill + 0.01 * rng.normal(size=40) for i in range(4)})
    >>> frame["task"] = 1 / (1 + np.exp(-3 * skill))
    >>> model = StackedObservationalPredictor(benchmarks=["b0", "b1", "b2", "b3"], components=(1, 2)).fit(frame, "task")
    >>> round(float(model.weights_.sum()), 6)
    1.0
    """

    _parameter_constraints = {
        "components": _components,
        "holdout_fraction": lambda v: (isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 1,
                                       "a float in the range (0, 1]"),
        "min_fit": lambda v: (isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 3,
                              "an int in the range [3, inf)"),
        "rank_by": lambda v: (v is None or isinstance(v, str), "a column name or None"),
    }

    def __init__(self, *, components=(1, 2, 3, 4, 5), rank_by=None, holdout_fraction=0.5, min_fit=4,
                 benchmarks=None, link="sigmoid-parametric", loss="ls", delta=1.0, floor_bounds=(0.0, 0.2),
                 impute_clip=None, pca_components=5):
        self.components = components
        self.rank_by = rank_by
        self.holdout_fraction = holdout_fraction
        self.min_fit = min_fit
        self.benchmarks = benchmarks
        self.link = link
        self.loss = loss
        self.delta = delta
        self.floor_bounds = floor_bounds
        self.impute_clip = impute_clip
        self.pca_components = pca_components

    def fit(self, frame: pd.DataFrame, target_col: str) -> StackedObservationalPredictor:
        """Learn the stacking weights by rolling-origin CV, then refit the members on all rows.

        Parameters
        ----------
        frame : DataFrame
            Training models (benchmarks, target and the ``rank_by`` column).
        target_col : str

        Returns
        -------
        self

        Raises
        ------
        ValueError
            On invalid parameters, missing columns, or fewer than 3 models.
        """
        self._validate_params()
        ObservationalPredictor(n_components=1, **self._shared())._validate_params()
        ObservationalPredictor._check_frame(frame)
        if target_col not in frame.columns:
            from ..exceptions import UnknownNameError

            what = "target column"
            raise UnknownNameError(what, target_col, [str(c) for c in frame.columns])
        y_all = pd.to_numeric(frame[target_col], errors="coerce").to_numpy(dtype=float)
        data = frame[np.isfinite(y_all)]
        if len(data) < 3:
            msg = f"need at least 3 training models with a target; got {len(data)}"
            raise ValueError(msg)
        self.benchmarks_ = resolve_benchmarks(data, self.benchmarks, target_col)
        B = data[self.benchmarks_].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        y = data[target_col].to_numpy(dtype=float)
        self.imputer_, self.pca_, feats = self._features(B, np.arange(len(y)))
        cands = sorted({int(k) for k in self.components if k <= feats.shape[1]})
        if not cands:
            msg = (f"no candidate number of components fits: the {len(y)} training models give "
                   f"{feats.shape[1]} components, the smallest candidate is {min(self.components)}")
            raise ValueError(msg)
        order, self.rank_by_ = self._ranking(data, y)
        P, val_rows = self._out_of_fold(B, y, order, cands)
        usable = np.isfinite(P).all(axis=0) if len(val_rows) else np.zeros(len(cands), dtype=bool)
        if usable.any():
            weights = np.zeros(len(cands))
            weights[usable] = simplex_least_squares(P[:, usable], y[val_rows])
        else:  # nothing to validate on: the published choice alone
            default = min(cands, key=lambda k: (abs(k - 3), k))
            weights = np.array([1.0 if k == default else 0.0 for k in cands])
        self._store_cv(data, y, cands, P, val_rows, usable, weights)
        self.members_ = [(k, float(w), self._fit_link(feats, y, k)) for k, w in zip(cands, weights, strict=True)
                         if w > 0]
        self.n_components_ = float(sum(k * w for k, w, _ in self.members_))
        top = max(self.members_, key=lambda m: m[1])
        self.link_ = top[2]
        self.feature_names_ = [f"PC-{i}" for i in range(1, max(k for k, _, _ in self.members_) + 1)]
        self.n_train_ = len(y)
        self.target_ = target_col
        return self

    # -- inner cross-validation ------------------------------------------------------------------
    def _shared(self) -> dict:
        return dict(benchmarks=self.benchmarks, link=self.link, loss=self.loss, delta=self.delta,
                    floor_bounds=self.floor_bounds, impute_clip=self.impute_clip, pca_components=self.pca_components)

    def _features(self, B, rows):
        return fit_pc_basis(B[rows], impute_clip=self.impute_clip, pca_components=self.pca_components)

    def _fit_link(self, feats, y, k):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return fit_link(feats[:, :k], y, link=self.link, loss=self.loss, delta=self.delta,
                            floor_bounds=tuple(self.floor_bounds))

    def _ranking(self, data: pd.DataFrame, y: np.ndarray) -> tuple[np.ndarray, str]:
        """Descending rank order of the training models and the name of the key used."""
        if self.rank_by is not None and self.rank_by in data.columns:
            key = pd.to_numeric(data[self.rank_by], errors="coerce").to_numpy(dtype=float)
            if np.isfinite(key).all():
                return np.argsort(-key, kind="stable"), self.rank_by
        return np.argsort(-y, kind="stable"), "target"

    def _out_of_fold(self, B, y, order, cands):
        """(predictions of shape (n_val, n_candidates), validated rows in rank order)."""
        n = len(y)
        n_val = min(max(1, int(round(self.holdout_fraction * n))), n - self.min_fit)
        rows = order[:max(n_val, 0)]
        P = np.full((len(rows), len(cands)), np.nan)
        for r, row in enumerate(rows):
            fit_rows = np.sort(order[r + 1:])
            imputer, pca, feats = self._features(B, fit_rows)
            val = pca.transform(imputer.transform(B[[row]]))
            for j, k in enumerate(cands):
                if k > feats.shape[1]:
                    continue
                try:
                    P[r, j] = self._fit_link(feats, y[fit_rows], k).predict(val[:, :k])[0]
                except ValueError:  # e.g. more parameters than models for an unbounded fit
                    continue
        return P, rows

    def _store_cv(self, data, y, cands, P, rows, usable, weights):
        names = [f"K={k}" for k in cands]
        self.cv_predictions_ = pd.DataFrame(P, index=data.index[rows], columns=names)
        self.cv_predictions_["y"] = y[rows]
        mse = [float(np.mean((P[:, j] - y[rows]) ** 2)) if usable[j] else np.nan for j in range(len(cands))]
        self.cv_results_ = pd.DataFrame({"n_components": cands, "cv_mse": mse, "weight": weights})
        self.weights_ = pd.Series(weights, index=pd.Index(cands, name="n_components"), name="weight")

    # -- prediction ------------------------------------------------------------------------------
    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Principal-component scores of new models against the training basis."""
        check_is_fitted(self)
        ObservationalPredictor._check_frame(frame)
        return pc_scores(frame, self.benchmarks_, self.imputer_, self.pca_)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Weighted average of the members' predictions (the target column is not read).

        Parameters
        ----------
        frame : DataFrame

        Returns
        -------
        ndarray of shape (n_rows,)
        """
        feats = self.transform(frame).to_numpy(dtype=float)
        return sum(w * link.predict(feats[:, :k]) for k, w, link in self.members_)

    def describe_weights(self) -> str:
        """The members as ``"K1:0.13 K3:0.87"``."""
        check_is_fitted(self)
        return " ".join(f"K{k}:{w:.2f}" for k, w, _ in self.members_)
