"""`LawPredictor`: a scaling law fitted to a runs table, used as a predictor."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from scipy.special import ndtri

from ..fitting import FitResult, MultiStartLM, make_objective
from ..fitting.result import FitStatus
from ..laws import Law, get_law
from ._base import BasePredictor, check_is_fitted

__all__ = ["LawPredictor"]


def _as_table(table):
    from ..data import RunsTable, read_runs

    return table if isinstance(table, RunsTable) else read_runs(table)


def _positive_number(v):
    ok = v is None or (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v > 0)
    return ok, "a float in the range (0, inf)"


def _starts(v):
    ok = v is None or (isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1)
    return ok, "an int in the range [1, inf) or None"


def _loss(v):
    return v in ("huber", "mse"), "one of 'huber', 'mse'"


class LawPredictor(BasePredictor):
    """Fit one scaling law to a runs table and predict from it.

    Parameters
    ----------
    law : str or Law, default="chinchilla"
        Registered law name (see ``scalingkit laws list``) or a `Law`.
    loss : {"huber", "mse"}, default="huber"
        ``"huber"``: Huber on log residuals (Hoffmann et al.); ``"mse"``: least
        squares on raw residuals.
    delta : float, default=1e-3
        Huber threshold.
    n_starts : int or None, default=None
        Starts of the multi-start fit; ``None`` uses the law's literature grid.
    fixed : dict or None, default=None
        Parameters held at given values (e.g. ``{"alpha": 0.34}``).
    bounds : dict or None, default=None
        New ``(low, high)`` bounds for some parameters.
    fitter : object or None, default=None
        Fitter strategy (``MultiStartLM`` by default). When given, ``n_starts``
        is ignored.

    Attributes
    ----------
    law_ : Law
        The concrete law that was fitted.
    fit_result_ : FitResult
    params_ : dict
        Fitted parameters (plus fixed ones).
    stderr_ : dict
    covariance_ : ndarray

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from scalingkit.estimators import LawPredictor
    >>> rng = np.random.default_rng(0)
    >>> N = np.repeat([1e8, 3e8, 1e9, 3e9], 4); D = np.tile([2e9, 6e9, 2e10, 6e10], 4)
    >>> loss = 1.8 + 480 / N**0.35 + 2100 / D**0.37
    >>> model = LawPredictor(n_starts=256).fit(pd.DataFrame({"N": N, "D": D, "loss": loss}))
    >>> round(model.params_["alpha"], 3)
    0.35
    """

    _parameter_constraints = {"delta": _positive_number, "n_starts": _starts, "loss": _loss}

    def __init__(self, *, law="chinchilla", loss="huber", delta=1e-3, n_starts=None, fixed=None, bounds=None,
                 fitter=None):
        self.law = law
        self.loss = loss
        self.delta = delta
        self.n_starts = n_starts
        self.fixed = fixed
        self.bounds = bounds
        self.fitter = fitter

    # -- fitting ------------------------------------------------------------------------
    def _build_law(self, table) -> Law:
        law = get_law(self.law).concrete(table.columns)
        if self.bounds:
            law = law.with_bounds(**self.bounds)
        if self.fixed:
            law = law.fix(**self.fixed)
        return law

    def fit(self, table, y=None):
        """Fit the law to ``table`` (a RunsTable, DataFrame or path). Returns self."""
        self._validate_params()
        table = _as_table(table)
        law = self._build_law(table)
        needed = {law.input_map.get(k, k): v for k, v in law.min_distinct.items()}
        table.check_distinct(needed, what=f"law '{law.name}'")
        objective = make_objective(self.loss, self.delta if self.delta is not None else 1e-3)
        fitter = self.fitter or MultiStartLM(n_starts=self.n_starts)
        X = table.inputs(law.columns)
        y = table.y if y is None else np.asarray(y, dtype=float)
        result = fitter.fit(law, X, y, objective)
        self._set_fitted(law, result)
        return self

    def _set_fitted(self, law: Law, result: FitResult):
        self.law_ = law
        self.fit_result_ = result
        self.params_ = result.all_params
        self.stderr_ = dict(result.stderr)
        self.covariance_ = np.asarray(result.covariance)
        self.n_iter_ = result.n_iter

    # -- prediction -----------------------------------------------------------------------
    def predict(self, table) -> np.ndarray:
        """Predicted target for every row of ``table``."""
        check_is_fitted(self)
        table = _as_table(table)
        X = table.inputs(self.law_.columns)
        return np.asarray(self.law_(self.fit_result_.params, X), dtype=float)

    def predict_interval(self, table, level: float = 0.9):
        """Delta-method interval on the fitted curve (parameter uncertainty only).

        Returns
        -------
        lo, hi : ndarray
        """
        check_is_fitted(self)
        if not 0 < level < 1:
            msg = f"The 'level' parameter must be a float in the range (0, 1). Got {level!r} instead."
            raise ValueError(msg)
        table = _as_table(table)
        X = table.inputs(self.law_.columns)
        params = self.fit_result_.params
        pred = np.asarray(self.law_(params, X), dtype=float)
        jac = self.law_.jacobian(params, X)
        G = np.stack([np.broadcast_to(jac[n], pred.shape) for n in self.law_.param_names], axis=-1)
        cov = np.nan_to_num(self.covariance_, nan=0.0)
        var = np.einsum("np,pq,nq->n", G, cov, G)
        z = ndtri(0.5 + level / 2)
        half = z * np.sqrt(np.maximum(var, 0.0))
        return pred - half, pred + half

    # -- persistence ----------------------------------------------------------------------
    def to_dict(self) -> dict:
        check_is_fitted(self)
        out = self.fit_result_.to_dict()
        out["law"] = self.law_.name
        out["estimator"] = {
            "loss": self.loss, "delta": self.delta, "fixed": self.fixed or {}, "bounds": self.bounds or {},
        }
        out["inputs"] = list(self.law_.columns)
        out["param_order"] = list(self.law_.param_names)
        return out

    def save(self, path) -> Path:
        """Write the fit as JSON (``scalingkit predict`` reads it back)."""
        path = Path(path)
        path.write_text(json.dumps(self.to_dict(), indent=2))
        return path

    @classmethod
    def load(cls, path) -> LawPredictor:
        """Read a fit saved by `save` (or ``scalingkit fit --save``)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            msg = f"no such fit file: '{path}'"
            raise FileNotFoundError(msg) from None
        except json.JSONDecodeError as exc:
            msg = f"'{path}' is not a saved fit (invalid JSON: {exc.msg} at line {exc.lineno})"
            raise ValueError(msg) from None
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: dict, source: str = "fit") -> LawPredictor:
        for key in ("law", "params"):
            if key not in data:
                msg = f"{source}: not a saved fit (missing key '{key}')"
                raise ValueError(msg)
        est = data.get("estimator", {})
        self = cls(law=data["law"], loss=est.get("loss", "huber"), delta=est.get("delta", 1e-3),
                   fixed=est.get("fixed") or None, bounds=est.get("bounds") or None)
        base = get_law(data["law"])
        if base.resolve is not None:
            law = base.resolve(tuple(data.get("inputs", ())))
        else:
            law = base
        if self.bounds:
            law = law.with_bounds(**self.bounds)
        if self.fixed:
            law = law.fix(**self.fixed)
        names = law.param_names
        params = {k: float(data["params"][k]) for k in names}
        P = len(names)
        cov = np.array([[np.nan if v is None else v for v in row] for row in data.get("covariance", [])], dtype=float)
        if cov.shape != (P, P):
            cov = np.full((P, P), np.nan)
        stderr = {k: (np.nan if v is None else float(v)) for k, v in data.get("stderr", {}).items()}
        result = FitResult(
            law=law.name, params=params, stderr=stderr, covariance=cov, objective=float(data.get("objective", np.nan)),
            objective_name=data.get("objective_name", ""), n_rows=int(data.get("n_rows", 0)),
            n_starts=int(data.get("n_starts", 0)), n_iter=int(data.get("n_iter", 0)),
            n_best_basin=int(data.get("n_best_basin", 0)),
            status=FitStatus[data.get("status", "success").upper()], message=data.get("message", ""),
            at_bound=tuple(data.get("at_bound", ())), constants=dict(law.constants),
        )
        self._set_fitted(law, result)
        return self
