"""FLP-M (Chen et al. 2025): per-domain losses from compute and mixture, then a small MLP to the score."""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._optional import optional_module_for
from .._threads import one_blas_thread
from ..estimators import BasePredictor, check_is_fitted
from ..exceptions import DataValidationError
from ..fitting import MultiStartLM, make_objective
from ..laws import Law, Param, get_law
from ..laws.mixing import proportion_columns
from ._stages import (
    ROW_CHOICES,
    as_inputs,
    as_table,
    bootstrap_rows,
    check_level,
    column,
    fit_quietly,
    group_ids,
    positive_int,
    quantiles,
    select_rows,
    to_internal,
)
from ._two_stage import _choice

__all__ = ["FLPMPredictor", "mixing_compute_law"]


def mixing_compute_law(domains) -> Law:
    """Per-domain loss in compute and mixture: ``L = E + A C^-alpha exp(sum_j t_j w_j)``.

    The first domain is the reference (its ``t`` is 0), so the law is
    identifiable when the proportions sum to one.

    Parameters
    ----------
    domains : sequence of str
        Mixture domains, read from columns ``w_<domain>``; at least one.

    Returns
    -------
    Law
        Inputs ``C`` (= 6 N D, derived) and ``w_<domain>`` for every domain but the first.

    References
    ----------
    Chen et al. (2025), FLP-M, arXiv 2410.08527, Sec. 4 (compute- and
    mixture-dependent domain losses); the exponential mixture factor of Ye et
    al. (2025), arXiv 2403.16952.
    """
    domains = tuple(str(d) for d in domains)
    if not domains:
        msg = "mixing_compute_law needs at least one mixture domain (columns w_<domain>); got none"
        raise ValueError(msg)
    free = domains[1:]

    def _expo(params, X):
        z = -params["alpha"] * np.log(np.asarray(X["C"], dtype=float))
        for d in free:
            z = z + params[f"t_{d}"] * np.asarray(X[f"w_{d}"], dtype=float)
        return np.exp(z)

    def fn(params, X):
        return params["E"] + params["A"] * _expo(params, X)

    def jac(params, X):
        e = _expo(params, X)
        out = {"E": np.ones_like(e), "A": e, "alpha": -params["A"] * e * np.log(np.asarray(X["C"], dtype=float))}
        out.update({f"t_{d}": params["A"] * e * np.asarray(X[f"w_{d}"], dtype=float) for d in free})
        return out

    params = (
        Param("E", (0.0, math.inf), tuple(math.exp(v) for v in (-1.0, 0.0, 1.0)), "log", "irreducible loss"),
        Param("A", (0.0, math.inf), tuple(math.exp(v) for v in (0.0, 2.5, 5.0, 7.5, 10.0)), "log", "scale"),
        Param("alpha", (0.0, 2.0), (0.02, 0.05, 0.1, 0.2, 0.4), description="compute exponent"),
        *(Param(f"t_{d}", (-20.0, 20.0), (-1.0, 0.0, 1.0), description=f"effect of the proportion of '{d}'")
          for d in free),
    )
    return Law(name="mixing_compute", fn=fn, jac=jac, params=params, inputs=("C", *(f"w_{d}" for d in free)),
               formula="L = E + A C^-alpha exp(sum_j t_j w_j)  (first domain: t = 0)",
               reference="Chen et al. 2025 (FLP-M, arXiv 2410.08527); Ye et al. 2025 (arXiv 2403.16952)",
               description="domain loss in compute and mixture proportions", min_distinct={"C": 3})


class FLPMPredictor(BasePredictor):
    """FLP-M: (compute, mixture) -> per-domain losses -> score through a small MLP.

    Stage one fits one law per column of ``loss_cols`` (by default
    `mixing_compute_law` over the table's ``w_<domain>`` columns); stage two
    maps the vector of domain losses to the metric with a one-hidden-layer
    MLP (scikit-learn ``MLPRegressor``), averaged over ``n_ensemble`` seeds.

    Parameters
    ----------
    loss_cols : sequence of str
        Per-domain loss columns (e.g. ``("loss_web", "loss_code")``).
    loss_law : str, Law or None, default=None
        Stage-one law for every domain; None uses `mixing_compute_law`.
    metric_col : str or None, default=None
        Metric column; None uses the table's target.
    hidden : int, default=16
        Width of the hidden layer.
    alpha : float, default=1e-3
        L2 penalty of the MLP.
    n_ensemble : int, default=5
        MLPs (different seeds) averaged in stage two.
    loss_objective : {"huber", "mse"}, default="huber"
        Stage-one objective.
    stage1_rows, stage2_rows : {"all", "final"}, default="all"
        Rows of each stage (see `TwoStagePredictor`).
    group_col : str or None, default=None
        Run column (``run_id`` when present).
    n_bootstrap : int, default=0
        Resamples over runs for `predict_interval` (0: no interval).
    random_state : int, default=0
        Seed of the MLPs and of the bootstrap.

    Attributes
    ----------
    loss_laws_ : dict of str to Law
    loss_params_ : dict of str to dict
    mlps_ : list of fitted MLPRegressor
    bootstrap_models_ : list of (dict, MLPRegressor)

    References
    ----------
    Chen et al. (2025), "Scaling Laws for Predicting Downstream Performance in
    LLMs", TMLR; arXiv 2410.08527, Sec. 4 (FLP-M).
    """

    _parameter_constraints = {
        "loss_objective": _choice(("huber", "mse")),
        "stage1_rows": _choice(ROW_CHOICES),
        "stage2_rows": _choice(ROW_CHOICES),
        "n_bootstrap": positive_int,
        "n_ensemble": lambda v: (isinstance(v, int) and v >= 1, "an int in the range [1, inf)"),
        "hidden": lambda v: (isinstance(v, int) and v >= 1, "an int in the range [1, inf)"),
    }

    def __init__(self, *, loss_cols=(), loss_law=None, metric_col=None, hidden=16, alpha=1e-3, n_ensemble=5,
                 loss_objective="huber", delta=1e-3, stage1_rows="all", stage2_rows="all", group_col=None,
                 n_bootstrap=0, random_state=0):
        self.loss_cols = loss_cols
        self.loss_law = loss_law
        self.metric_col = metric_col
        self.hidden = hidden
        self.alpha = alpha
        self.n_ensemble = n_ensemble
        self.loss_objective = loss_objective
        self.delta = delta
        self.stage1_rows = stage1_rows
        self.stage2_rows = stage2_rows
        self.group_col = group_col
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def _law(self, table) -> Law:
        if self.loss_law is None:
            return mixing_compute_law(proportion_columns(table.columns))
        return get_law(self.loss_law).concrete(table.columns)

    def fit(self, table, y=None):
        """Fit the per-domain laws and the MLP. Returns self."""
        self._validate_params()
        if isinstance(self.loss_cols, str) or len(self.loss_cols) == 0:
            msg = ("The 'loss_cols' parameter of FLPMPredictor must be a non-empty list of columns. "
                   f"Got {self.loss_cols!r} instead.")
            raise ValueError(msg)
        table = as_table(table, self.loss_cols[0], self.metric_col, type(self).__name__)
        groups = group_ids(table, self.group_col)
        law = self._law(table)
        X = table.inputs(law.columns)
        losses = np.column_stack([column(table, c) for c in self.loss_cols])
        metric = column(table, self.metric_col or table.target)
        ok = np.all(np.isfinite(losses) & (losses > 0), axis=1)
        m1 = select_rows(table, self.stage1_rows, groups) & ok
        m2 = select_rows(table, self.stage2_rows, groups) & ok & np.isfinite(metric)
        if m2.sum() < 3:
            msg = f"FLP-M stage two needs at least 3 rows with every domain loss and the metric; got {int(m2.sum())}"
            raise DataValidationError(msg)
        with one_blas_thread():
            self._fit_all(law, X, losses, metric, m1, m2, groups)
        return self

    def _fit_all(self, law, X, losses, metric, m1, m2, groups):
        self.loss_laws_ = {c: law for c in self.loss_cols}
        self.loss_params_ = self._fit_losses(law, X, losses, m1)
        self.mlps_ = self._fit_mlps(losses[m2], metric[m2], self.n_ensemble, self.random_state)
        self.bootstrap_models_ = []
        for b, idx in enumerate(bootstrap_rows(groups, self.n_bootstrap, self.random_state)):
            Xb = {k: v[idx] for k, v in X.items()}
            try:
                params = self._fit_losses(law, Xb, losses[idx], m1[idx], warm=self.loss_params_)
            except (ValueError, np.linalg.LinAlgError):
                continue
            keep = idx[m2[idx]]
            mlp = self._fit_mlps(losses[keep], metric[keep], 1, self.random_state + 1 + b)[0]
            self.bootstrap_models_.append((params, mlp))

    def _fit_losses(self, law, X, losses, mask, warm=None):
        """One fit per domain; ``warm`` (fitted parameters) makes it a quiet one-start refit."""
        objective = make_objective(self.loss_objective, self.delta)
        out = {}
        for j, c in enumerate(self.loss_cols):
            starts = None if warm is None else to_internal(law, warm[c])
            res = fit_quietly(MultiStartLM(), law, {k: v[mask] for k, v in X.items()}, losses[mask, j], objective,
                              starts=starts, quiet=warm is not None)
            out[c] = dict(res.params)
        return out

    def _fit_mlps(self, L, y, n, seed):
        nn = optional_module_for("ml", "sklearn.neural_network")
        pre = optional_module_for("ml", "sklearn.preprocessing")
        pipe = optional_module_for("ml", "sklearn.pipeline")
        models = []
        for i in range(n):
            mlp = nn.MLPRegressor(hidden_layer_sizes=(self.hidden,), activation="tanh", solver="lbfgs",
                                  alpha=self.alpha, max_iter=5000, random_state=seed + i)
            model = pipe.make_pipeline(pre.StandardScaler(), mlp)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(L, y)
            models.append(model)
        return models

    def predict_losses(self, table) -> np.ndarray:
        """Stage one: predicted domain losses, shape ``(n_rows, len(loss_cols))``."""
        check_is_fitted(self)
        return self._losses(as_inputs(table), self.loss_params_)

    def _losses(self, table, params):
        law = next(iter(self.loss_laws_.values()))
        X = table.inputs(law.columns)
        return np.column_stack([np.asarray(law(params[c], X), dtype=float) for c in self.loss_cols])

    def predict(self, table) -> np.ndarray:
        """Predicted metric for every row of ``table``."""
        L = self.predict_losses(table)
        return np.mean([m.predict(L) for m in self.mlps_], axis=0)

    def predict_interval(self, table, level: float = 0.9):
        """Percentile interval over bootstrap refits of both stages (needs ``n_bootstrap > 0``).

        Returns
        -------
        lo, hi : ndarray
        """
        check_is_fitted(self)
        level = check_level(level)
        if not self.bootstrap_models_:
            msg = "FLPMPredictor has no bootstrap refits: fit it with n_bootstrap > 0 to get intervals"
            raise ValueError(msg)
        table = as_inputs(table)
        draws = np.array([mlp.predict(self._losses(table, params)) for params, mlp in self.bootstrap_models_])
        return quantiles(draws, level)
