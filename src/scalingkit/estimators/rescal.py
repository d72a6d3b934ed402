"""`ReScaL`: a softmax-weighted ensemble of partially fitted laws plus a gated residual forest.

``y(x) = f(N, D) + a(x) RF(x)``: ``f`` is the law ensemble, ``RF`` a random
forest fitted to the ensemble's residuals on every raw numeric feature, and
``a`` a gate that is 1 inside the training range of N*D and
``sigmoid(s (R2_p - 0.5))`` outside it. A faithful re-implementation of the
public ReScaL code, as described in ``shared/data/rescal/PROTOCOL.md``
section 3.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from scipy.special import expit

from ._base import BasePredictor, check_is_fitted, int_at_least
from ._features import as_fit_table, feature_matrix, frame_of, law_inputs, numeric_feature_names
from ._law_ensemble import build_members, cv_mape, data_constraint_rows, softmax_weights

__all__ = ["ReScaL"]


def _positive(v):
    ok = isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(v) and v > 0
    return ok, "a float in the range (0, inf)"


def _finite(v):
    ok = isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(v)
    return ok, "a finite float"


def _laws(v):
    ok = isinstance(v, (tuple, list)) and len(v) > 0 and all(isinstance(x, str) for x in v)
    return ok, "a non-empty tuple of law names"


class ReScaL(BasePredictor):
    """Residual-augmented scaling law (ReScaL), with the published defaults.

    Parameters
    ----------
    laws : tuple of str, default=("farseer", "chinchilla", "kaplan")
        Laws of the ensemble. Each contributes its partial fits: Farseer
        P1/P2/P3, Chinchilla N/D/ALL, Kaplan N/D/ALL (9 members by default).
    T : float, default=0.1
        Softmax temperature of the weights ``softmax(-cv_mape / T)``.
    s : float, default=20
        Steepness of the gate ``sigmoid(s (R2_p - 0.5))``.
    n_folds : int, default=5
        Folds of the shuffled cross-validation that scores each member.
    top_k : int, default=5
        The laws are fitted on the ``top_k`` lowest-loss rows of each (N, D)
        when some (N, D) repeats (the "data constraint").
    n_estimators : int, default=100
        Trees of each random forest (residual model and the two gate forests).
    random_state : int, RandomState or None, default=None
        Source of all randomness: the cross-validation shuffles and the three
        forests draw from one ``RandomState`` in the original's order. None
        uses numpy's global generator, as the published code does; the
        benchmark seeds it per dataset (``scalingkit reproduce rescal``).
    n_jobs : int or None, default=None
        Threads of each forest.
    gradient : {"analytic", "numeric"}, default="analytic"
        Gradient of the member fits (see `BoundedLawPredictor`).
    legacy_int64_nd : bool, default=False
        Reproduce a quirk of the published code: when a dataset's N and D
        columns are integers, pandas multiplies them in int64, which wraps
        around above 2^63 (about 9.2e18). The gate's "cheapest 20 %" hold-out
        and the training N*D range are then computed from wrapped products.
        Only for reproducing the published numbers (DENSE2, DENSE4, DENSE5,
        DENSE6 and MOE store N and D as integers); the default computes N*D
        in floating point.

    Attributes
    ----------
    member_names_ : list of str
        ``"farseer-P1"``, ..., ``"kaplan-ALL"``.
    members_ : list of BoundedLawPredictor
        Members refitted on the reduced table.
    cv_scores_ : ndarray
        Cross-validated MAPE (fraction) of each member.
    weights_ : ndarray
        Softmax weights of the members (sum to 1).
    gate_r2_ : float
        Partial R2 of the non-scale features (R2_p in [0, 1]).
    gate_ : float
        ``sigmoid(s (R2_p - 0.5))``: the residual's weight outside the training N*D range.
    nd_range_ : tuple of float
        ``(min, max)`` of N*D over the training rows.
    feature_names_ : list of str
        Columns the residual forest reads (numeric columns except the target).
    residual_model_ : sklearn.ensemble.RandomForestRegressor
    n_law_rows_ : int
        Rows of the reduced table the laws were fitted on.

    Notes
    -----
    Fitting, in order: reduce the table to the ``top_k`` lowest-loss rows per
    (N, D); score each member by ``n_folds``-fold CV MAPE on it; weight by
    ``softmax(-score / T)``; refit every member on the reduced table; fit a
    random forest to ``y - f`` on all training rows and every numeric
    feature (raw, no log); compute ``R2_p = max(0, 1 - SSE_full / SSE_ND)``
    on the cheapest 20 % of rows by N*D, from two forests fitted on the other
    80 %: one on every feature, one on (N, D) only, both predicting ``y``.

    References
    ----------
    "Augmenting Scaling Laws with Residual Learning for LLM Pretraining
    Performance Prediction" (anonymous), code github.com/Anony0110/ReScaL,
    ``Method/Scaling_method/sacling.py`` class ``combine_scaling``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> N = np.repeat(np.geomspace(1e8, 2e9, 6), 6); D = np.tile(np.geomspace(2e9, 1e11, 6), 6)
    >>> y = 1.69 + 406.4 / N**0.34 + 410.7 / D**0.28 + rng.normal(0, 0.005, N.size)
    >>> model = ReScaL(random_state=0, n_estimators=10).fit(pd.DataFrame({"N": N, "D": D, "loss": y}))
    >>> len(model.weights_), round(float(model.weights_.sum()), 6)
    (9, 1.0)
    """

    _parameter_constraints = {
        "T": _positive, "s": _finite, "n_folds": int_at_least(2), "top_k": int_at_least(1),
        "n_estimators": int_at_least(1), "laws": _laws,
        "gradient": lambda v: (v in ("analytic", "numeric"), "one of 'analytic', 'numeric'"),
        "legacy_int64_nd": lambda v: (isinstance(v, bool), "a bool"),
    }

    def __init__(self, *, laws=("farseer", "chinchilla", "kaplan"), T=0.1, s=20, n_folds=5, top_k=5,
                 n_estimators=100, random_state=None, n_jobs=None, gradient="analytic", legacy_int64_nd=False):
        self.laws = laws
        self.T = T
        self.s = s
        self.n_folds = n_folds
        self.top_k = top_k
        self.n_estimators = n_estimators
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.gradient = gradient
        self.legacy_int64_nd = legacy_int64_nd

    # -- fitting ------------------------------------------------------------------------------
    def fit(self, table):
        """Fit the ensemble, the residual forest and the gate. Returns self."""
        from sklearn.utils import check_random_state

        self._validate_params()
        table = as_fit_table(table)
        rng = check_random_state(self.random_state)
        N, D, y = table.N, table.D, table.y
        self._fit_ensemble(N, D, y, rng)
        frame = table.frame
        self.feature_names_ = numeric_feature_names(frame, table.target)
        F = feature_matrix(frame, self.feature_names_)
        resid = y - self._ensemble_predict({"N": N, "D": D})
        self.residual_model_ = self._forest(rng).fit(F, resid)
        nd = self._train_nd(N, D)
        self.gate_r2_ = self._partial_r2(nd, N, D, F, y, rng)
        self.gate_ = float(expit(self.s * (self.gate_r2_ - 0.5)))
        self.nd_range_ = (float(nd.min()), float(nd.max()))
        return self

    def _fit_ensemble(self, N, D, y, rng):
        names, members = build_members(self.laws, gradient=self.gradient)
        rows = data_constraint_rows(N, D, y, self.top_k)
        X = {"N": N[rows], "D": D[rows]}
        yr = y[rows]
        scores = np.array([cv_mape(m, X, yr, self.n_folds, rng) for m in members])
        for m in members:
            m._fit_arrays(X, yr)
        self.member_names_ = names
        self.members_ = members
        self.cv_scores_ = scores
        self.weights_ = softmax_weights(scores, self.T)
        self.n_law_rows_ = int(rows.size)

    def _forest(self, rng):
        from sklearn.ensemble import RandomForestRegressor

        return RandomForestRegressor(n_estimators=self.n_estimators, random_state=rng, n_jobs=self.n_jobs)

    def _train_nd(self, N, D) -> np.ndarray:
        if self.legacy_int64_nd:
            with np.errstate(over="ignore"):
                return (N.astype(np.int64) * D.astype(np.int64)).astype(float)
        return N * D

    def _partial_r2(self, nd, N, D, F, y, rng) -> float:
        """R2_p = max(0, 1 - SSE_full / SSE_ND) on the cheapest 20 % of rows by N*D."""
        order = np.argsort(nd, kind="quicksort")
        k = len(order) // 5
        hold, rest = order[:k], order[k:]
        if k == 0 or rest.size == 0:
            return 0.0
        nd = np.column_stack([N, D])
        reduced = self._forest(rng).fit(nd[rest], y[rest]).predict(nd[hold])
        full = self._forest(rng).fit(F[rest], y[rest]).predict(F[hold])
        sse_reduced = float(np.sum((y[hold] - reduced) ** 2))
        sse_full = float(np.sum((y[hold] - full) ** 2))
        if not sse_reduced > 0:
            return 0.0
        return max(0.0, 1.0 - sse_full / sse_reduced)

    # -- prediction -----------------------------------------------------------------------------
    def _ensemble_predict(self, X) -> np.ndarray:
        out = np.zeros(len(X["N"]))
        for w, m in zip(self.weights_, self.members_, strict=True):
            if w > 0:
                out += w * m._predict_arrays(X)
        return out

    def predict_components(self, table) -> dict:
        """The pieces of the prediction, for ablations.

        Returns
        -------
        dict of str to ndarray
            ``law`` (ensemble f), ``residual`` (forest RF(x)), ``gate`` (a(x))
            and ``prediction`` = law + gate * residual.
        """
        check_is_fitted(self)
        frame = frame_of(table)
        X = law_inputs(frame, ("N", "D"))
        law = self._ensemble_predict(X)
        resid = self.residual_model_.predict(feature_matrix(frame, self.feature_names_))
        nd = X["N"] * X["D"]
        inside = (nd >= self.nd_range_[0]) & (nd <= self.nd_range_[1])
        gate = np.where(inside, 1.0, self.gate_)
        return {"law": law, "residual": resid, "gate": gate, "prediction": law + gate * resid}

    def predict(self, table) -> np.ndarray:
        """``f(N, D) + a(x) RF(x)`` for every row (the target column is never read)."""
        return self.predict_components(table)["prediction"]
