"""`ConfigRegressor`: final loss from the full training configuration, as a residual over a law."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._optional import optional_module_for
from .._threads import one_thread
from ..estimators import BasePredictor, LawPredictor, check_is_fitted
from ._features import ConfigFeatures, select_columns, steplaw_optimum
from ._landscape import fit_landscape

__all__ = ["ConfigRegressor"]

_BACKENDS = ("trees", "neural", "ensemble")
_SCALE_FREE_DROP = ("log_N", "log_D")


def _frame_of(table) -> pd.DataFrame:
    from ..data import RunsTable

    if isinstance(table, RunsTable):
        return table.frame
    if isinstance(table, pd.DataFrame):
        missing = [c for c in ("N", "D") if c not in table.columns]
        if missing:
            msg = f"the runs need columns N and D; missing {missing}"
            raise ValueError(msg)
        return table.reset_index(drop=True)
    msg = f"expected a RunsTable or a DataFrame, got {type(table).__name__}"
    raise TypeError(msg)


def _law_inputs(frame, columns):
    out = {}
    for c in columns:
        if c in frame.columns:
            out[c] = frame[c].to_numpy(float)
        elif c == "C":
            out[c] = 6.0 * frame["N"].to_numpy(float) * frame["D"].to_numpy(float)
        elif c == "M":
            out[c] = frame["D"].to_numpy(float) / frame["N"].to_numpy(float)
        else:
            msg = f"the base law needs column '{c}', which the runs do not have"
            raise ValueError(msg)
    return out


def _cells(frame):
    keys = frame["N"].map("{:.6g}".format) + "|" + frame["D"].map("{:.6g}".format)
    return pd.factorize(keys)[0]


class _StepLawCoordinates:
    """Coordinates relative to the Step Law formula, for base laws other than Chinchilla."""

    def __init__(self, law, use_lr, use_bs):
        self.law, self.use_lr, self.use_bs = law, use_lr, use_bs

    def coordinates(self, N, D, lr=None, batch_size=None):
        lr_opt, bs_opt = steplaw_optimum(N, D)
        zero = np.zeros(np.shape(N))
        u = np.log(np.asarray(lr, float) / lr_opt) if self.use_lr else zero
        v = np.log(np.asarray(batch_size, float) / bs_opt) if self.use_bs else zero
        return u, v

    def predict(self, frame):
        return np.asarray(self.law.law_(self.law.fit_result_.params, _law_inputs(frame, self.law.law_.columns)))


class ConfigRegressor(BasePredictor):
    """Predict a run's final loss from its whole configuration.

    Three stages, each fitted on the training runs only:

    1. **Base law.** ``law`` (Chinchilla by default) is fitted with the Huber-on-log-loss
       objective (`LawPredictor`). Runs whose loss exceeds it by more than ``divergence_gap``
       are *diverged*; the other stages use the converged runs.
    2. **Landscape law** (``landscape=True`` with a Chinchilla base). The base law is refitted
       jointly with a convex penalty for mistuned learning rate and batch size (`Landscape`):
       ``L = E + A N^-a + B D^-b + s(N, D) [P(u) + P(v)]``, where ``u = log(lr / lr*(N, D))``
       and ``v = log(B / B*(N, D))`` are measured from Step-Law-style power-law optima fitted
       to the runs. The base law then describes tuned runs, as scaling laws assume.
    3. **Learned residual.** ``backend`` ("trees": gradient-boosted trees; "neural": the
       NCPL-style token model of `NeuralResidual`, ``torch`` extra) learns what is left,
       ``y - L``, from the configuration features of `ConfigFeatures`: ``u``, ``v``, tokens per
       parameter, every other configuration column in log space, categoricals.

    **How it extrapolates in N and D.** Everything that grows with scale is in stage 2's power
    laws: the optimum loss, the optimal lr and batch, and the sharpness ``s(N, D)``. The learned
    residual sees the landscape in normalised coordinates (``u = 0`` is the optimum at every
    scale), so the shape it learns transfers to larger N and D; its only raw scale inputs are
    ``log N`` and ``log D``, which trees (and the neural model, which clips its inputs to the
    training range) hold constant beyond the training range, and each is used only when the
    training runs have 3+ distinct values of it (two model sizes make ``log N`` a size
    indicator whose extrapolation nothing can check). A diverged-run classifier (logistic
    regression on the scale-free features only, its L1 or L2 penalty and strength chosen by
    leave-cells-out log-loss) predicts divergence at new scales the same way.

    Parameters
    ----------
    law : str, default="chinchilla"
        Base law (a registered name). The landscape stage needs a Chinchilla base.
    backend : {"trees", "neural", "ensemble"}, default="trees"
        Residual learner: gradient-boosted trees (scikit-learn), the token network of
        `NeuralResidual` (``torch`` extra), or the mean of both.
    landscape : bool, default=True
        Fit stage 2 when the runs vary the learning rate or batch size (3+ distinct values).
    priors : dict or None, default=None
        Priors of the landscape law (`STEPLAW_PRIORS` when None; ``{}`` for none).
    features : list of str or None, default=None
        Configuration columns to use; None chooses them (`select_columns`).
    exclude : tuple of str, default=()
        Columns never to use.
    divergence_gap : float, default=1.0
        A run is diverged when its loss exceeds the base law by more than this (nats).
    max_iter : int, default=300
        Boosting iterations (trees).
    learning_rate : float, default=0.05
        Boosting learning rate (trees).
    min_samples_leaf : int or "auto", default="auto"
        Leaf size of the trees; "auto" picks among 10, 20, 40 by cross-validation over (N, D)
        cells of the training runs.
    neural : dict or None, default=None
        Keyword arguments of `NeuralResidual` (backend="neural" or "ensemble").
    n_starts : int or None, default=None
        Starts of the base law's fit (None: the law's literature grid).
    random_state : int, default=0

    Attributes
    ----------
    base_ : LawPredictor
        The base law fitted on the converged training runs.
    base_warnings_ : list of str
        Convergence warnings of the base fit (recorded, not raised: it only starts stage 2).
    landscape_ : Landscape or None
        Stage 2, when fitted.
    coordinates_ : object
        What measures ``u`` and ``v``: the landscape law, or (without one) the Step Law formula.
    features_ : ConfigFeatures
    residual_ : object
        The fitted residual model.
    diverged_ : ndarray of bool
        Training runs flagged as diverged.
    classifier_ : object or None
        Divergence classifier (fitted when 3+ runs diverged).
    classifier_choice_, classifier_scores_ : tuple, dict
        Its chosen ``(penalty, C)`` and the cross-validated log-loss of every candidate.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from scalingkit.config import ConfigRegressor
    >>> rng = np.random.default_rng(0)
    >>> N = np.repeat([1e8, 2e8, 4e8], 30); D = 20 * N; lr = 10 ** rng.uniform(-3.5, -1.5, N.size)
    >>> loss = 1.8 + 400 / N**0.34 + 400 / D**0.28 + 0.05 * np.log(lr / (0.02 * (N / 1e8) ** -0.5)) ** 2
    >>> model = ConfigRegressor().fit(pd.DataFrame({"N": N, "D": D, "lr": lr, "loss": loss}))
    >>> model.predict(pd.DataFrame({"N": [4e8], "D": [8e9], "lr": [0.014]})).round(2)  # true loss 2.958
    array([2.96])
    """

    def __init__(self, *, law="chinchilla", backend="trees", landscape=True, priors=None, features=None, exclude=(),
                 divergence_gap=1.0, max_iter=300, learning_rate=0.05, min_samples_leaf="auto", neural=None,
                 n_starts=None, random_state=0):
        self.law = law
        self.n_starts = n_starts
        self.backend = backend
        self.landscape = landscape
        self.priors = priors
        self.features = features
        self.exclude = exclude
        self.divergence_gap = divergence_gap
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.min_samples_leaf = min_samples_leaf
        self.neural = neural
        self.random_state = random_state

    _parameter_constraints = {
        "backend": lambda v: (v in _BACKENDS, "one of 'trees', 'neural', 'ensemble'"),
        "divergence_gap": lambda v: (isinstance(v, (int, float)) and v > 0, "a float in the range (0, inf)"),
        "max_iter": lambda v: (isinstance(v, int) and v >= 1, "an int in the range [1, inf)"),
        "min_samples_leaf": lambda v: (v == "auto" or (isinstance(v, int) and v >= 1), "'auto' or an int >= 1"),
    }

    # -- fitting --------------------------------------------------------------------------------
    def fit(self, table, y=None):
        """Fit the three stages on ``table`` (a RunsTable, or a DataFrame with a ``loss`` column)."""
        self._validate_params()
        with one_thread():
            return self._fit(table, y)

    def _fit(self, table, y):
        from ..data import RunsTable, read_runs

        if not isinstance(table, RunsTable):
            table = read_runs(table, duplicates="keep")
        frame = table.frame
        y = table.y if y is None else np.asarray(y, float)
        self.target_ = table.target
        self.columns_ = list(frame.columns)
        self._fit_base(table, frame, y)
        conv = ~self.diverged_
        fc, yc = frame[conv].reset_index(drop=True), y[conv]
        self._fit_landscape(fc, yc)
        numeric, categorical = select_columns(frame, table.target, features=self.features, exclude=self.exclude)
        self.features_ = ConfigFeatures(numeric, categorical).fit(fc)
        X = self.features_.transform(fc, self._coords())
        self.feature_names_ = list(X.columns)
        keep = [c for c in ("N", "D", "lr", "batch_size", *numeric, *categorical) if c in fc.columns]
        self.reference_ = fc[keep].assign(**{self.target_: yc})
        resid = yc - self._law_prediction(fc)
        self.residual_ = self._fit_residual(X, resid, _cells(fc))
        self._fit_classifier(frame, y)
        return self

    def _fit_base(self, table, frame, y):
        import warnings

        from ..exceptions import ConvergenceWarning

        # The base law only starts the landscape fit and defines the residual; the later stages
        # absorb a loosely converged start, so its warning is recorded rather than raised.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            base = LawPredictor(law=self.law, n_starts=self.n_starts).fit(table, y)
            r0 = y - base.predict(table)
            self.diverged_ = r0 > self.divergence_gap
            if self.diverged_.any():
                base = LawPredictor(law=self.law, n_starts=self.n_starts).fit(table.subset(~self.diverged_),
                                                                              y[~self.diverged_])
        self.base_warnings_ = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
        self.base_ = base

    def _fit_landscape(self, fc, yc):
        self.landscape_ = None
        use_lr = "lr" in fc.columns and fc["lr"].nunique() >= 3
        use_bs = "batch_size" in fc.columns and fc["batch_size"].nunique() >= 3
        chinchilla = set(self.base_.params_) >= {"E", "A", "B", "alpha", "beta"} and set(self.base_.law_.columns) == {
            "N", "D"}
        if self.landscape and chinchilla:
            self.landscape_ = fit_landscape(
                fc["N"], fc["D"], yc, lr=fc["lr"] if use_lr else None,
                batch_size=fc["batch_size"] if use_bs else None, base_params=self.base_.params_, priors=self.priors)
            self.coordinates_ = self.landscape_
        else:
            self.coordinates_ = _StepLawCoordinates(self.base_, use_lr, use_bs)

    def _coords(self):
        return self.coordinates_

    def _law_prediction(self, frame):
        if self.landscape_ is None:
            return self.coordinates_.predict(frame)
        lr = frame["lr"].to_numpy(float) if self.landscape_.use_lr else None
        bs = frame["batch_size"].to_numpy(float) if self.landscape_.use_bs else None
        return self.landscape_.predict(frame["N"].to_numpy(float), frame["D"].to_numpy(float), lr, bs)

    def _make_trees(self, leaf):
        ensemble = optional_module_for("ml", "sklearn.ensemble")
        cats = [i for i, c in enumerate(self.feature_names_) if c in self.features_.categorical]
        return ensemble.HistGradientBoostingRegressor(
            max_iter=self.max_iter, learning_rate=self.learning_rate, min_samples_leaf=leaf,
            categorical_features=cats or None, random_state=self.random_state)

    def _fit_residual(self, X, resid, groups):
        cats = self.features_.categorical
        models = []
        if self.backend in ("neural", "ensemble"):
            from ._neural import NeuralResidual

            kw = {"random_state": self.random_state, **(self.neural or {})}
            models.append(NeuralResidual(**kw).fit(X, resid, categorical=cats, groups=groups))
        if self.backend in ("trees", "ensemble"):
            leaf = self.min_samples_leaf
            if leaf == "auto":
                leaf = self._choose_leaf(X, resid, groups)
            self.min_samples_leaf_ = leaf
            models.append(_Trees(self._make_trees(leaf).fit(_nan_codes(X, cats), resid), cats))
        return models[0] if len(models) == 1 else _Average(models)

    def _choose_leaf(self, X, resid, groups, candidates=(10, 20, 40)):
        n_groups = np.unique(groups).size
        if n_groups < 3:
            return 20
        from sklearn.model_selection import GroupKFold

        Xc = _nan_codes(X, self.features_.categorical)
        cv = GroupKFold(n_splits=min(5, n_groups))
        scores = {}
        for leaf in candidates:
            err = []
            for tr, te in cv.split(Xc, resid, groups):
                model = self._make_trees(leaf).fit(Xc.iloc[tr], resid[tr])
                err.append(np.abs(model.predict(Xc.iloc[te]) - resid[te]).mean())
            scores[leaf] = float(np.mean(err))
        self.leaf_scores_ = scores
        return min(scores, key=scores.get)

    def _fit_classifier(self, frame, y):
        self.classifier_ = None
        n_div = int(self.diverged_.sum())
        self.diverged_level_ = float(np.median(y[self.diverged_])) if n_div else float("nan")
        if n_div < 3 or (~self.diverged_).sum() < 3:
            return
        from ._divergence import fit_divergence_classifier

        self.classifier_, self.classifier_choice_, self.classifier_scores_ = fit_divergence_classifier(
            self._classifier_matrix(frame), self.diverged_, _cells(frame))

    def _classifier_matrix(self, frame):
        X = self.features_.transform(frame, self._coords())
        X = X.drop(columns=[c for c in (*_SCALE_FREE_DROP, *self.features_.categorical) if c in X.columns])
        return X.fillna(0.0).to_numpy(float)

    # -- prediction ---------------------------------------------------------------------------
    def predict(self, table) -> np.ndarray:
        """Predicted final loss of every run (the table's target column is never read)."""
        check_is_fitted(self)
        with one_thread():
            return self._predict(_frame_of(table))

    def _predict(self, frame):
        pred = self._law_prediction(frame)
        X = self.features_.transform(frame, self._coords())[self.feature_names_]
        pred = pred + self.residual_.predict(X)
        if self.classifier_ is not None:
            p = self.classifier_.predict_proba(self._classifier_matrix(frame))[:, 1]
            pred = np.where(p > 0.5, self.diverged_level_, pred)
        return pred

    def predict_diverged(self, table) -> np.ndarray:
        """Probability that each run diverges (zeros when no training run diverged)."""
        check_is_fitted(self)
        frame = _frame_of(table)
        if self.classifier_ is None:
            return np.zeros(len(frame))
        return self.classifier_.predict_proba(self._classifier_matrix(frame))[:, 1]


class _Trees:
    """Gradient-boosted trees reading a feature frame (unseen categorical levels as missing)."""

    def __init__(self, model, categorical):
        self.model, self.categorical = model, categorical

    def predict(self, X):
        return self.model.predict(_nan_codes(X, self.categorical))


class _Average:
    """Mean of several residual models (backend='ensemble')."""

    def __init__(self, models):
        self.models = models

    def predict(self, X):
        return np.mean([m.predict(X) for m in self.models], axis=0)


def _nan_codes(X, categorical):
    """Trees take unseen categorical levels (-1) as missing."""
    X = X.copy()
    for c in categorical:
        if c in X.columns:
            X[c] = X[c].where(X[c] >= 0)
    return X
