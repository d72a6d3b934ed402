"""`DirectPredictor`: one link straight from (log) compute to the metric, the usual baseline."""

from __future__ import annotations

import numpy as np

from .._threads import one_blas_thread
from ..estimators import BasePredictor, check_is_fitted
from ..fitting import LeastSquares
from ._links import LINKS, make_link
from ._stages import (
    ROW_CHOICES,
    as_inputs,
    as_table,
    check_level,
    column,
    finite_float,
    group_ids,
    law_variance,
    link_fitter_for,
    resolve_perfect,
    select_rows,
)
from ._two_stage import _check_rows, _choice

__all__ = ["DirectPredictor"]


class DirectPredictor(BasePredictor):
    """Fit a link from ``log(input_col)`` (default compute ``C = 6 N D``) to the metric.

    The single-stage baseline of FLP (Chen et al. 2025) and the OLMo ladder:
    no loss in between, so emergence and saturation must be absorbed by the
    link itself.

    Parameters
    ----------
    link : {"linear", "sigmoid", "exponential"}, default="sigmoid"
        The map from log-input to metric (see `make_link`).
    input_col : str, default="C"
        Input column; ``C`` (= 6 N D) and ``M`` (= D / N) are derived when absent.
    log_input : bool, default=True
        Use the natural log of the input.
    metric_col : str or None, default=None
        Metric column; None uses the table's target.
    chance : float, default=0.0
        Random-guess level of the metric.
    higher_is_better : bool, default=True
        Direction of the metric.
    emergence_margin : float, default=0.05
        Margin above chance defining emerged points (linear link only).
    perfect : float, "auto" or None, default="auto"
        Best attainable metric; the sigmoid's far asymptote is kept between
        chance and it. "auto": 1 (or 0 when lower is better) if every
        training metric lies in [0, 1], else unbounded; None: unbounded.
    rows : {"all", "final"}, default="all"
        Fit on every row or on each run's final checkpoint.
    group_col : str or None, default=None
        Run column for ``rows="final"`` (``run_id`` when present).
    link_fitter : object or None, default=None
        Fitter (``VarPro()``).

    Attributes
    ----------
    link_ : Link
    fit_result_ : FitResult
    params_ : dict
    n_train_ : int

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> N = np.geomspace(1e8, 1e10, 8); D = 20 * N
    >>> acc = 0.5 + 0.4 / (1 + np.exp(-0.8 * (np.log(6 * N * D) - 48.0)))
    >>> model = DirectPredictor(chance=0.5, metric_col="acc").fit(pd.DataFrame({"N": N, "D": D, "acc": acc}))
    >>> round(model.params_["x0"], 3)
    48.0
    """

    _parameter_constraints = {
        "link": _choice(tuple(LINKS)),
        "rows": _choice(ROW_CHOICES),
        "chance": finite_float,
        "emergence_margin": finite_float,
    }

    def __init__(self, *, link="sigmoid", input_col="C", log_input=True, metric_col=None, chance=0.0,
                 higher_is_better=True, emergence_margin=0.05, perfect="auto", rows="all", group_col=None,
                 link_fitter=None):
        self.link = link
        self.input_col = input_col
        self.log_input = log_input
        self.metric_col = metric_col
        self.chance = chance
        self.higher_is_better = higher_is_better
        self.emergence_margin = emergence_margin
        self.perfect = perfect
        self.rows = rows
        self.group_col = group_col
        self.link_fitter = link_fitter

    def _x(self, table) -> np.ndarray:
        x = column(table, self.input_col)
        if not self.log_input:
            return x
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), np.nan)

    def fit(self, table, y=None):
        """Fit the link on the rows with a finite input and metric. Returns self."""
        self._validate_params()
        if self.metric_col is None:
            table = as_table(table, "", None, type(self).__name__)
        else:
            table = as_inputs(table)
        x = self._x(table)
        metric = column(table, self.metric_col or table.target)
        mask = select_rows(table, self.rows, group_ids(table, self.group_col)) & np.isfinite(x) & np.isfinite(metric)
        self.link_ = make_link(self.link, chance=float(self.chance), higher_is_better=bool(self.higher_is_better),
                               margin=float(self.emergence_margin), x=x[mask], y=metric[mask],
                               perfect=resolve_perfect(self.perfect, metric[mask], self.higher_is_better))
        mask &= self.link_.emerged(metric)
        _check_rows(mask, self.link_.law, "the direct fit", self.link_)
        fitter = link_fitter_for(self.link_.law, self.link_fitter)
        with one_blas_thread():
            self.fit_result_ = fitter.fit(self.link_.law, {"x": x[mask]}, metric[mask], LeastSquares())
        self.params_ = dict(self.fit_result_.params)
        self.n_train_ = int(mask.sum())
        return self

    def predict(self, table) -> np.ndarray:
        """Predicted metric for every row of ``table``."""
        check_is_fitted(self)
        return np.asarray(self.link_(self.params_, self._x(as_inputs(table))), dtype=float)

    def predict_interval(self, table, level: float = 0.9):
        """Delta-method interval from the fit's parameter covariance.

        Returns
        -------
        lo, hi : ndarray
        """
        check_is_fitted(self)
        level = check_level(level)
        x = self._x(as_inputs(table))
        raw = np.asarray(self.link_.law(self.params_, {"x": x}), dtype=float)
        var = law_variance(self.link_.law, self.params_, self.fit_result_.covariance, {"x": x})
        return self.link_.normal_interval(raw, var, level)
