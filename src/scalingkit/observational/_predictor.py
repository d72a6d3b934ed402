"""`ObservationalPredictor`: principal capabilities -> downstream metric.

Input type: a pandas DataFrame with **one row per model** and one column per
benchmark score (plus metadata such as ``FLOPs (1E21)``), e.g. what
``scalingkit.datasets.load_obsscaling()`` returns. This is *not* a `RunsTable`
of training runs: there is no (N, D) requirement, scores may be missing and
may be exactly 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..estimators._base import BasePredictor, check_is_fitted
from ._impute import LowRankImputer
from ._pca import PrincipalComponents
from ._sigmoid import LINKS, LOSSES, fit_link

__all__ = ["BASE_BENCHMARKS", "INSTRUCT_BENCHMARKS", "ObservationalPredictor", "fit_pc_basis", "pc_scores",
           "resolve_benchmarks"]

#: The 8 standard benchmarks of base models (Open LLM Leaderboard v1 + XWinograd + HumanEval).
BASE_BENCHMARKS = ("MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "GSM8K", "XWinograd", "HumanEval")
#: The 7 of the instruction-tuned table (Winogrande, no XWinograd).
INSTRUCT_BENCHMARKS = ("MMLU", "ARC-C", "HellaSwag", "Winogrande", "TruthfulQA", "GSM8K", "HumanEval")
_KNOWN = BASE_BENCHMARKS + ("Winogrande",)


def resolve_benchmarks(frame: pd.DataFrame, benchmarks=None, target=None) -> list[str]:
    """The benchmark columns to use: ``benchmarks``, or the standard ones present in ``frame``.

    Raises
    ------
    ValueError
        If a named column is missing, or none of the standard ones is present.
    """
    if benchmarks is None:
        found = [c for c in _KNOWN if c in frame.columns and c != target]
        if not found:
            msg = (f"no standard benchmark column ({', '.join(_KNOWN)}) in the table; name the benchmark columns "
                   f"(benchmarks=[...], or --benchmarks A,B,C on the command line) "
                   f"(columns: {', '.join(map(str, frame.columns[:12]))}...)")
            raise ValueError(msg)
        return found
    names = [benchmarks] if isinstance(benchmarks, str) else list(benchmarks)
    missing = [c for c in names if c not in frame.columns]
    if missing:
        msg = f"benchmark column(s) {missing} not in the table; columns: {', '.join(map(str, frame.columns))}"
        raise ValueError(msg)
    if target in names:
        msg = f"the target '{target}' is also a benchmark predictor; remove it from benchmarks"
        raise ValueError(msg)
    return names


def _int_range(lo, hi=None):
    def check(v):
        ok = isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= lo and (hi is None or v <= hi)
        return ok, f"an int in the range [{lo}, {'inf' if hi is None else hi}]"

    return check


def _bounds(v):
    ok = isinstance(v, (tuple, list)) and len(v) == 2 and all(isinstance(x, (int, float)) for x in v) and v[0] <= v[1]
    return ok, "a (low, high) pair with low <= high"


def pc_scores(frame: pd.DataFrame, benchmarks, imputer, pca) -> pd.DataFrame:
    """Principal-component scores of the models in ``frame`` against a fitted imputer and basis.

    Raises
    ------
    ValueError
        If a benchmark column is missing from ``frame``.
    """
    missing = [c for c in benchmarks if c not in frame.columns]
    if missing:
        msg = f"benchmark column(s) {missing} missing from the table to predict"
        raise ValueError(msg)
    B = frame[benchmarks].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    pcs = pca.transform(imputer.transform(B))
    return pd.DataFrame(pcs, index=frame.index, columns=[f"PC-{i + 1}" for i in range(pcs.shape[1])])


def fit_pc_basis(B, *, impute_clip=None, pca_components=5):
    """Fit the default imputer and the principal components on the score matrix ``B``.

    Parameters
    ----------
    B : ndarray of shape (n_models, n_benchmarks)
        Benchmark scores, NaN where missing.
    impute_clip : tuple of float or None, default=None
        ``clip`` of the `LowRankImputer`.
    pca_components : int, default=5
        ``n_components`` of the `PrincipalComponents`.

    Returns
    -------
    imputer : LowRankImputer
    pca : PrincipalComponents
    scores : ndarray of shape (n_models, n_components)
        Principal-component scores of the rows of ``B`` (imputed).
    """
    imputer = LowRankImputer(clip=impute_clip)
    filled = imputer.fit_transform(B)
    pca = PrincipalComponents(n_components=pca_components).fit(filled)
    return imputer, pca, pca.transform(filled)


class ObservationalPredictor(BasePredictor):
    """Observational scaling law: ``y = link(w0 + w . PC_1..K(benchmarks))``.

    Fit on a models x benchmarks DataFrame (see the module docstring: a
    different input type from the `RunsTable` of the other predictors):
    missing benchmark scores are filled by iterative rank-1 PCA imputation
    (`LowRankImputer`), a PCA is fitted on the training models only, and the
    first ``n_components`` principal components ("capabilities") are mapped
    to the target by a parametric-floor sigmoid (Ruan et al. 2024).

    With ``x_col`` set, the predictor is instead ``log(x_col)`` (the compute
    scaling baselines: ``"FLOPs (1E21)"`` or ``"Model Size (B)"``); models
    with a missing ``x_col`` are skipped in `fit` and get NaN from `predict`.

    Parameters
    ----------
    n_components : int, default=3
        Principal components used as predictors (at most ``pca_components``).
    benchmarks : list of str or None, default=None
        Benchmark columns; None uses the standard ones present
        (`BASE_BENCHMARKS`, or ``Winogrande`` for instruct tables).
    x_col : str or None, default=None
        Use ``log(x_col + 1e-9)`` as the single predictor instead of PCs.
    link : {"sigmoid-parametric", "sigmoid", "linear"}, default="sigmoid-parametric"
    loss : {"ls", "huber"}, default="ls"
    delta : float, default=1.0
        Huber threshold.
    floor_bounds : tuple of float, default=(0.0, 0.2)
        Bounds of the sigmoid floor ``b``.
    impute_components : int, default=1
        Rank of the imputation.
    impute_max_iter : int, default=1000
    impute_clip : tuple of float or None, default=None
        Clip imputed benchmark scores (the published default preprocessing uses ``(0, 1)``).
    pca_components : int, default=5
        Components the PCA keeps (the first ``n_components`` are used).
    alpha : float, default=0.0
        Ridge penalty on the slopes (0 in the published recipe; see `fit_link`).
    gradient : {"analytic", "finite-difference"}, default="analytic"
        Derivatives for the link fit; ``"finite-difference"`` retraces the
        published optimizer path exactly (see `fit_link`).

    Attributes
    ----------
    benchmarks_ : list of str
    feature_names_ : list of str
        ``["PC-1", ...]`` or ``["log(<x_col>)"]``.
    imputer_ : LowRankImputer or None
    pca_ : PrincipalComponents or None
    link_ : LinkFit
        Fitted intercept, slopes and floor.
    n_train_ : int
        Training models used (finite target and features).
    train_index_ : pandas.Index

    References
    ----------
    Ruan, Maddison, Hashimoto (2024), "Observational Scaling Laws and the
    Predictability of Language Model Performance", arXiv:2405.10938, Eq. 4-7.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> skill = rng.uniform(-2, 2, 40)
    >>> frame = pd.DataFrame({f"b{i}": 0.5 + 0.1 * (i + 1) * skill / 4 for i in range(4)})
    >>> frame["task"] = 0.9 / (1 + np.exp(-3 * skill)) + 0.1
    >>> model = ObservationalPredictor(n_components=1, benchmarks=["b0", "b1", "b2", "b3"]).fit(frame, "task")
    >>> bool(np.abs(model.predict(frame) - frame["task"]).max() < 1e-3)
    True
    """

    _parameter_constraints = {
        "n_components": _int_range(1),
        "pca_components": _int_range(1),
        "impute_components": _int_range(1),
        "impute_max_iter": _int_range(1),
        "link": lambda v: (v in LINKS, "one of " + ", ".join(repr(x) for x in LINKS)),
        "loss": lambda v: (v in LOSSES, "one of " + ", ".join(repr(x) for x in LOSSES)),
        "delta": lambda v: (isinstance(v, (int, float)) and v > 0, "a float in the range (0, inf)"),
        "alpha": lambda v: (isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0,
                            "a float in the range [0, inf)"),
        "floor_bounds": _bounds,
        "gradient": lambda v: (v in ("analytic", "finite-difference"), "one of 'analytic', 'finite-difference'"),
    }

    def __init__(self, *, n_components=3, benchmarks=None, x_col=None, link="sigmoid-parametric", loss="ls",
                 delta=1.0, floor_bounds=(0.0, 0.2), impute_components=1, impute_max_iter=1000, impute_clip=None,
                 pca_components=5, alpha=0.0, gradient="analytic"):
        self.n_components = n_components
        self.benchmarks = benchmarks
        self.x_col = x_col
        self.link = link
        self.loss = loss
        self.delta = delta
        self.floor_bounds = floor_bounds
        self.impute_components = impute_components
        self.impute_max_iter = impute_max_iter
        self.impute_clip = impute_clip
        self.pca_components = pca_components
        self.alpha = alpha
        self.gradient = gradient

    # -- fitting ---------------------------------------------------------------------------------
    def fit(self, frame: pd.DataFrame, target_col: str) -> ObservationalPredictor:
        """Fit on the models of ``frame`` whose ``target_col`` is known.

        Parameters
        ----------
        frame : DataFrame
            One row per model: benchmark columns (or ``x_col``) and the target.
        target_col : str
            Column to predict, already on the scale to fit (see `TargetTransform`).

        Returns
        -------
        self

        Raises
        ------
        ValueError
            On invalid parameters, missing columns, or too few usable models.
        """
        self._validate_params()
        frame = self._check_frame(frame)
        if target_col not in frame.columns:
            from ..exceptions import UnknownNameError

            raise UnknownNameError("target column", target_col, [str(c) for c in frame.columns])  # noqa: EM101
        y = pd.to_numeric(frame[target_col], errors="coerce").to_numpy(dtype=float)
        keep = np.isfinite(y)
        if self.x_col is not None:
            x = self._log_x(frame)
            keep &= np.isfinite(x)
            self.benchmarks_, self.imputer_, self.pca_ = [], None, None
            self.feature_names_ = [f"log({self.x_col})"]
            features = x[keep][:, None]
        else:
            self.benchmarks_ = resolve_benchmarks(frame, self.benchmarks, target_col)
            if self.n_components > min(self.pca_components, len(self.benchmarks_)):
                msg = (f"n_components={self.n_components} exceeds pca_components={self.pca_components} or the "
                       f"{len(self.benchmarks_)} benchmarks")
                raise ValueError(msg)
            B = frame.loc[keep, self.benchmarks_].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
            self.imputer_ = LowRankImputer(n_components=min(self.impute_components, B.shape[1]),
                                           max_iter=self.impute_max_iter, clip=self.impute_clip)
            filled = self.imputer_.fit_transform(B)
            self.pca_ = PrincipalComponents(n_components=self.pca_components).fit(filled)
            if self.pca_.n_components_ < self.n_components:
                msg = f"{keep.sum()} training models give only {self.pca_.n_components_} components; " \
                      f"n_components={self.n_components} needs more models"
                raise ValueError(msg)
            self.feature_names_ = [f"PC-{i}" for i in range(1, self.n_components + 1)]
            features = self.pca_.transform(filled)[:, : self.n_components]
        self.link_ = fit_link(features, y[keep], link=self.link, loss=self.loss, delta=self.delta,
                              floor_bounds=tuple(self.floor_bounds), alpha=self.alpha, gradient=self.gradient)
        self.n_train_ = int(keep.sum())
        self.train_index_ = frame.index[keep]
        self.target_ = target_col
        return self

    # -- prediction ------------------------------------------------------------------------------
    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The predictors of new models: PC scores (all kept components) or log ``x_col``.

        Parameters
        ----------
        frame : DataFrame
            Benchmark columns (missing scores are imputed against the training basis).

        Returns
        -------
        DataFrame
            Indexed like ``frame``.
        """
        check_is_fitted(self)
        frame = self._check_frame(frame)
        if self.x_col is not None:
            return pd.DataFrame({self.feature_names_[0]: self._log_x(frame)}, index=frame.index)
        return pc_scores(frame, self.benchmarks_, self.imputer_, self.pca_)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Predicted target for every row of ``frame`` (the target column is not read).

        Parameters
        ----------
        frame : DataFrame

        Returns
        -------
        ndarray of shape (n_rows,)
            NaN where ``x_col`` is missing.
        """
        features = self.transform(frame)[self.feature_names_].to_numpy(dtype=float)
        return self.link_.predict(features)

    def capability_score(self, frame: pd.DataFrame) -> np.ndarray:
        """The linear score ``w0 + w . PC`` before the link (the paper's x-axis before rescaling)."""
        features = self.transform(frame)[self.feature_names_].to_numpy(dtype=float)
        return self.link_.score(features)

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _check_frame(frame) -> pd.DataFrame:
        if not isinstance(frame, pd.DataFrame):
            msg = (f"ObservationalPredictor works on a models x benchmarks pandas DataFrame, got "
                   f"{type(frame).__name__}; a RunsTable of training runs is a different input type")
            raise TypeError(msg)
        return frame

    def _log_x(self, frame: pd.DataFrame) -> np.ndarray:
        if self.x_col not in frame.columns:
            from ..exceptions import UnknownNameError

            raise UnknownNameError("column", self.x_col, [str(c) for c in frame.columns])  # noqa: EM101
        x = pd.to_numeric(frame[self.x_col], errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.log(x + 1e-9)
