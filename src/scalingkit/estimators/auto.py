"""`AutoPredictor`, scalingkit's default predictor: validated law candidates plus a gated residual.

``y(x) = f(N, D) + a * g(x)``:

- ``f`` is a weighted set of law candidates: zoo laws fitted in boxes around their
  published constants (ReScaL's shrunk members) and a free Chinchilla fit (Huber on log
  loss). Each is refitted on the cheapest part of the training configurations and scored
  on the costlier ones, and likewise on the smaller models (shorter runs) and scored on
  the larger (longer) ones (inner extrapolation cross-validation, the shape of the real task);
  the weights are inversely proportional to that error, and beyond the farthest
  extrapolation the inner folds validated they give way, in proportion, to ReScaL's
  near-flat softmax weights of the shrunk members (the prior);
- ``g`` is a random forest fitted to ``y - f`` on the run settings (learning rate,
  batch size, checkpoint step, mixture, domain, router, repetitions...) and on log N and
  log D, so that it corrects each row with the pattern of the nearest scales while the
  law carries the prediction to larger N and D;
- ``a`` is a gate: how much the settings explain beyond scale on configurations held out
  from fitting (grouped cross-validation inside the training set), passed through
  ReScaL's sigmoid. Data whose settings carry no transferable signal get the law alone.
  The gate then fades (``a * clip(2 (1 - r), 0, 1)``) when ``r``, the forest's error on
  costlier rows over the error of no residual, exceeds 1/2 in extrapolation folds: cheapest
  configurations to costlier ones, and each model seen only over the span of D the
  largest model was seen to its later checkpoints (an early-checkpoint offset of the
  largest model is not carried to checkpoints it never reached).

With a unique-tokens column (repeated data), the laws read Muennighoff et al.'s effective
tokens instead of D.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
from scipy.special import expit

from .._threads import one_blas_thread
from ._auto_features import (
    config_codes,
    effective_data,
    extrapolation_ratio,
    failed_rows,
    partial_r2,
    residual_forest,
    scale_matrix,
    select_features,
    setting_matrix,
    unique_token_column,
)
from ._auto_law import LawEnsemble
from ._base import BasePredictor, boolean, check_is_fitted, int_at_least, one_of, real_in
from ._features import as_fit_table, frame_of
from ._registry import register_predictor

__all__ = ["AutoPredictor"]

#: Trees of each gate forest. Measured on the 50 ReScaL and generality splits with settings: the gate's
#: R2 with 30 trees is within 0.1 of its 100-tree value in 49, at a third of the cost (in the 50th,
#: datablations rho=0.4, 0.59 against 0.38, which flips that gate: forest noise near the threshold).
_GATE_TREES = 30


def _axes(v):
    ok = (isinstance(v, (tuple, list)) and len(v) > 0 and len(set(v)) == len(v)
          and all(a in ("ND", "N", "D") for a in v))
    return ok, 'a non-empty tuple of distinct values among "ND", "N" and "D"'


def _fractions(v):
    ok = isinstance(v, (tuple, list)) and len(v) > 0 and all(
        isinstance(q, Real) and not isinstance(q, bool) and 0 < q < 1 for q in v)
    return ok, "a non-empty tuple of floats in the range (0, 1)"


class AutoPredictor(BasePredictor):
    """Default extrapolation predictor: validated law candidates plus a gated residual forest.

    Parameters
    ----------
    random_state : int, numpy Generator/RandomState or None, default=None
        Seed of the forests and of the gate's row subsample; an int makes ``fit``
        deterministic.
    weighting : {"inverse-mse", "softmax", "in-sample"}, default="inverse-mse"
        Weights of the law candidates: inversely proportional to their inner
        extrapolation MSE (Bates and Granger 1969), ``softmax(-inner_mape / T)``, or
        ReScaL's ``softmax(-in_sample_mape / T)`` over the shrunk members (no inner folds,
        no free fit).
    trust : {"validated", "full"}, default="validated"
        ``"validated"``: at a query ``d`` decades of ``N D`` beyond the training data the
        cross-validated weights count ``min(1, reach / d)``, ``reach`` being the farthest
        extrapolation the inner folds validated, and the prior (ReScaL's softmax of the
        shrunk members' inner MAPE) the rest; ``"full"``: the cross-validated weights
        everywhere.
    T : float, default=0.1
        Temperature of the softmax rules and of the prior (ReScaL's value).
    free_law : bool, default=True
        Include a free Chinchilla fit (Huber on log loss) among the law candidates.
    cv_fractions : tuple of float, default=(0.25, 0.5)
        Inner folds: every candidate is refitted on the cheapest ``q`` of the training
        configurations by ``N D`` and scored on the costlier ones (on the smallest ``q``
        of the distinct N or D values, for folds ordered by N or D).
    effective_data : bool, default=True
        With a unique-tokens column (``unique_tokens`` or ``uD``), let the laws read the
        effective tokens of Muennighoff et al. (2023) instead of D.
    box : float, default=0.3
        Log half-width of the box of a freed shrunk-member parameter (x0.74 to x1.35).
    top_k : int, default=5
        The laws are fitted on the ``top_k`` lowest-target rows of each (N, D), a proxy of
        the best-tuned run at that scale.
    min_levels : int, default=3
        Distinct N (D) values needed before parameters acting on N (D) are freed.
    max_confounding : float, default=0.5
        A column whose ``|Spearman|`` with log N or log D exceeds this is a proxy of
        scale, not a run setting.
    gate_threshold : float, default=0.5
        ``a = sigmoid(gate_steepness * (R2_p - gate_threshold))``.
    gate_steepness : float, default=20
        Steepness of the gate (ReScaL's ``s``).
    n_estimators : int, default=200
        Trees of the residual forest (the gate's forests use at most 30).
    max_gate_rows : int, default=4000
        Rows drawn for the gate's cross-validation on large tables.
    n_jobs : int or None, default=None
        Threads of the forests.
    residual_check : {"extrapolation", "none"}, default="extrapolation"
        ``"extrapolation"``: multiply the gate by ``clip(2 (1 - r), 0, 1)``, ``r`` being
        the squared error the residual forest leaves on costlier rows in extrapolation
        folds over that of no residual (`extrapolation_ratio`): a residual that does not
        remove at least half of that error fades, one that adds error is dropped;
        ``"none"``: no check.
    fold_axes : tuple of {"ND", "N", "D"}, default=("ND", "N", "D")
        Orderings of the law candidates' inner folds: by compute ``N D``, and by N and by
        D alone (held-out larger models, held-out longer runs; each used when at least
        ``min_levels`` distinct values remain to fit on).

    Attributes
    ----------
    law_ : LawEnsemble
        Fitted candidates (``law_.members``), weights and inner scores (``law_.cv``).
    law_members_ : list of str
        Names of the candidates, e.g. ``"chinchilla-A/alpha/E"``, ``"chinchilla-free"``.
    law_weights_ : ndarray
        Their cross-validated weights (the prior weights when no inner fold fits).
    law_prior_weights_ : ndarray
        ReScaL's softmax weights of the shrunk members, from their inner-fold MAPE
        (in-sample MAPE without folds); 0 for the free fit.
    law_cv_mse_ : ndarray
        Inner extrapolation MSE of each candidate (relative errors; NaN without folds).
    law_reach_ : float
        Farthest validated extrapolation, in decades of ``N D`` (0 without folds).
    unique_tokens_ : str or None
        Column read as unique tokens (the laws then see effective data), or None.
    feature_specs_ : list of FeatureSpec
        Run settings the residual reads (and how each is transformed).
    feature_names_ : list of str
        Their column names (``column=value`` for an indicator of a text column).
    partial_r2_ : float
        Share of the scale-only error the settings remove on held-out configurations
        (NaN when there are no settings).
    extrapolation_ratio_ : float
        ``r`` of the extrapolation check (NaN when not run: no settings, closed gate,
        ``residual_check="none"`` or no fold).
    gate_ : float
        Weight ``a`` of the residual, in [0, 1], after the extrapolation check.
    residual_model_ : sklearn.ensemble.RandomForestRegressor or None
        Forest on ``[settings, log N, log D]`` predicting ``y - f``; None without settings
        or when the gate is below 1e-3.
    n_configs_ : int
        Configurations in the training table.
    n_failed_rows_ : int
        Training rows flagged as runs that did not train normally (a boolean
        ``diverged``, ``crashed`` or ``failed`` column); they are left out of the fit.

    Notes
    -----
    ``predict`` reads only N, D, the unique-tokens column (a missing value counts as one
    epoch) and the setting columns; the target column of the table it is given is never
    read. Rows flagged as diverged, crashed or failed are left out of the fit: ``auto``
    forecasts the loss of a run that trains normally. ``config``, text columns with more
    than 32 values (run names), identifiers (an index or id column, a row number, a split
    label) and outcomes (other losses, accuracies, scores, columns whose unit in the
    table's meta is a loss or score unit) are ignored. The shrunk members, their box and
    the prior follow ReScaL (PROTOCOL.md section 3); the free candidate, the inner
    extrapolation folds, the validated reach, the identifiability rule, the feature
    transforms, the grouped gate and the scale-aware residual are ours.

    References
    ----------
    ReScaL, "Augmenting Scaling Laws with Residual Learning for LLM Pretraining
    Performance Prediction", github.com/Anony0110/ReScaL. Hoffmann et al. (2022);
    Besiroglu et al. (2024); Kaplan et al. (2020); Li et al. (2025, Farseer) for the
    laws and constants. Muennighoff et al. (2023) for effective data. Bates and Granger
    (1969), "The combination of forecasts", for inverse-MSE weights.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from scalingkit.estimators import AutoPredictor
    >>> N = np.repeat(np.geomspace(1e8, 1e9, 5), 5); D = np.tile(np.geomspace(2e9, 2e10, 5), 5)
    >>> frame = pd.DataFrame({"N": N, "D": D, "loss": 1.69 + 406.4 / N**0.34 + 410.7 / D**0.28})
    >>> model = AutoPredictor(random_state=0).fit(frame)
    >>> big = pd.DataFrame({"N": [3e9], "D": [6e10]})
    >>> truth = 1.69 + 406.4 / 3e9**0.34 + 410.7 / 6e10**0.28
    >>> bool(abs(model.predict(big)[0] / truth - 1) < 0.02)
    True
    """

    _parameter_constraints = {
        "weighting": one_of("inverse-mse", "softmax", "in-sample"), "trust": one_of("validated", "full"),
        "T": real_in(0, math.inf), "free_law": boolean, "cv_fractions": _fractions, "effective_data": boolean,
        "box": real_in(0, math.inf), "top_k": int_at_least(1), "min_levels": int_at_least(2),
        "max_confounding": real_in(0, 1, low_open=False), "gate_threshold": real_in(0, 1, low_open=False),
        "gate_steepness": real_in(0, math.inf), "n_estimators": int_at_least(1), "max_gate_rows": int_at_least(10),
        "residual_check": one_of("extrapolation", "none"), "fold_axes": _axes,
    }

    def __init__(self, *, random_state=None, weighting="inverse-mse", trust="validated", T=0.1, free_law=True,
                 cv_fractions=(0.25, 0.5), effective_data=True, box=0.3, top_k=5, min_levels=3, max_confounding=0.5,
                 gate_threshold=0.5, gate_steepness=20.0, n_estimators=200, max_gate_rows=4000, n_jobs=None,
                 residual_check="extrapolation", fold_axes=("ND", "N", "D")):
        self.random_state = random_state
        self.weighting = weighting
        self.trust = trust
        self.T = T
        self.free_law = free_law
        self.cv_fractions = cv_fractions
        self.effective_data = effective_data
        self.box = box
        self.top_k = top_k
        self.min_levels = min_levels
        self.max_confounding = max_confounding
        self.gate_threshold = gate_threshold
        self.gate_steepness = gate_steepness
        self.n_estimators = n_estimators
        self.max_gate_rows = max_gate_rows
        self.n_jobs = n_jobs
        self.residual_check = residual_check
        self.fold_axes = fold_axes

    # -- fitting ------------------------------------------------------------------------------
    def fit(self, table, y=None):
        """Fit the law candidates and their weights, the gate and the residual forest.

        Parameters
        ----------
        table : RunsTable, DataFrame or path
            Training runs (read with `read_runs` unless already a RunsTable).
        y : array-like or None, default=None
            Targets overriding the table's target column.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If a parameter is invalid or a target is not positive.
        """
        self._validate_params()
        table = as_fit_table(table)
        frame = table.frame
        y = table.y if y is None else np.asarray(y, dtype=float)
        failed = failed_rows(frame)
        self.n_failed_rows_ = int(failed.sum())
        if 0 < failed.sum() < len(frame):  # forecast the loss of a run that trains normally
            table = table.subset(np.flatnonzero(~failed))
            frame, y = table.frame, y[~failed]
        if not (np.all(np.isfinite(y)) and np.all(y > 0)):
            msg = "AutoPredictor needs a positive, finite target (a loss); got values <= 0 or non-finite"
            raise ValueError(msg)
        rng = np.random.default_rng(_seed(self.random_state))
        self.unique_tokens_ = unique_token_column(frame) if self.effective_data else None
        self._fit_law(table.N, self._law_data(frame), y)
        codes = config_codes(frame)
        self.n_configs_ = int(np.unique(codes).size)
        units = getattr(getattr(table, "meta", None), "units", None)
        self.feature_specs_ = select_features(frame, table.target, max_confounding=self.max_confounding, units=units)
        self.feature_names_ = [s.label for s in self.feature_specs_]
        self.partial_r2_, self.gate_, self.residual_model_ = math.nan, 0.0, None
        self.extrapolation_ratio_ = math.nan
        if not self.feature_specs_:
            return self
        S, Z = scale_matrix(frame), setting_matrix(frame, self.feature_specs_)
        self.partial_r2_ = partial_r2(S, Z, np.log(y), codes, rng=rng, n_estimators=min(self.n_estimators, _GATE_TREES),
                                      max_rows=self.max_gate_rows, n_jobs=self.n_jobs)
        z = self.gate_steepness * (self.partial_r2_ - self.gate_threshold)
        self.gate_ = float(expit(z))
        if self.gate_ < 1e-3:  # the residual would not move any prediction by more than 0.1 % of itself
            return self
        residual = y - self.law_.predict(table.N, self._law_data(frame))
        if self.residual_check == "extrapolation":
            self.extrapolation_ratio_ = extrapolation_ratio(
                S, Z, residual, codes, self.cv_fractions, rng=rng, n_estimators=min(self.n_estimators, _GATE_TREES),
                max_rows=self.max_gate_rows, n_jobs=self.n_jobs)
            if self.extrapolation_ratio_ > 0.5:  # the pattern does not clearly help costlier rows: fade it out
                self.gate_ *= float(np.clip(2.0 * (1.0 - self.extrapolation_ratio_), 0.0, 1.0))
                if self.gate_ < 1e-3:
                    return self
        forest = residual_forest(self.n_estimators, int(rng.integers(2**31 - 1)), self.n_jobs)
        self.residual_model_ = forest.fit(np.column_stack([Z, S]), residual)
        return self

    def _law_data(self, frame) -> np.ndarray:
        """The D the laws read: effective tokens with a unique-tokens column, else D."""
        D = frame["D"].to_numpy(dtype=float)
        if self.unique_tokens_ is None:
            return D
        U = frame[self.unique_tokens_].to_numpy(dtype=float) if self.unique_tokens_ in frame.columns else np.nan
        return effective_data(D, U)

    def _fit_law(self, N, D, y) -> None:
        with one_blas_thread():  # tiny linear algebra: threads only contend
            self.law_ = LawEnsemble(weighting=self.weighting, trust=self.trust, T=self.T, top_k=self.top_k,
                                    box=self.box, min_levels=self.min_levels, free=self.free_law,
                                    cv_fractions=self.cv_fractions, axes=self.fold_axes).fit(N, D, y)
        self.law_members_ = [m.name for m in self.law_.members]
        self.law_weights_ = self.law_.weights.copy()
        self.law_prior_weights_ = self.law_.prior_weights.copy()
        self.law_cv_mse_ = self.law_.cv.mse.copy()
        self.law_reach_ = float(self.law_.cv.reach)

    # -- prediction -----------------------------------------------------------------------------
    def predict_components(self, table) -> dict:
        """The pieces of the prediction.

        Parameters
        ----------
        table : RunsTable or DataFrame
            Rows to predict; needs N, D and the setting columns (the target is not read).

        Returns
        -------
        dict of str to ndarray
            ``law`` (f), ``trust`` (share of the cross-validated law weights in f),
            ``residual`` (g), ``gate`` (a, one value per row) and ``prediction`` =
            law + gate * residual.
        """
        check_is_fitted(self)
        frame = frame_of(table)
        N = frame["N"].to_numpy(dtype=float)
        D = self._law_data(frame)
        law = self.law_.predict(N, D)
        residual = np.zeros_like(law)
        if self.residual_model_ is not None:
            X = np.column_stack([setting_matrix(frame, self.feature_specs_), scale_matrix(frame)])
            residual = self.residual_model_.predict(X)
        gate = np.full(law.shape, self.gate_)
        return {"law": law, "trust": self.law_.trust_in_cv(N, D), "residual": residual, "gate": gate,
                "prediction": law + gate * residual}

    def predict(self, table) -> np.ndarray:
        """Predicted target for every row of ``table`` (its target column is never read)."""
        return self.predict_components(table)["prediction"]


def _seed(random_state):
    """An int seed (or None) for numpy's default_rng from an int, Generator or RandomState."""
    if random_state is None or isinstance(random_state, Integral):
        return random_state
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(2**31 - 1))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(2**31 - 1))
    msg = (f"The 'random_state' parameter of AutoPredictor must be an int, a numpy Generator or RandomState, "
           f"or None. Got {random_state!r} instead.")
    raise ValueError(msg)


register_predictor("auto", AutoPredictor, overwrite=True,
                   description="scalingkit's default: cross-validated law candidates + gated residual forest")
