"""`TwoStagePredictor`: (N, D) -> loss -> benchmark metric, with uncertainty through both stages."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._threads import one_blas_thread
from ..estimators import BasePredictor, check_is_fitted
from ..exceptions import ConvergenceWarning, DataValidationError
from ..fitting import LeastSquares, MultiStartLM, make_objective
from ..laws import get_law
from ._links import LINKS, make_link
from ._stages import (
    ROW_CHOICES,
    as_inputs,
    as_table,
    bootstrap_rows,
    check_level,
    column,
    finite_float,
    fit_quietly,
    group_ids,
    law_variance,
    link_fitter_for,
    positive_int,
    quantiles,
    resolve_perfect,
    select_rows,
    to_internal,
)

__all__ = ["TwoStagePredictor"]


def _choice(options):
    return lambda v: (v in options, "one of " + ", ".join(repr(o) for o in options))


class TwoStagePredictor(BasePredictor):
    """Predict a benchmark metric from (N, D) through a fitted loss.

    Stage one fits a scaling law ``loss_law`` from (N, D) (or compute) to the
    column ``loss_col``; stage two fits a link from that column to the metric.
    A prediction chains them: ``metric = link(law(N, D))``.

    Parameters
    ----------
    loss_law : str or Law, default="chinchilla"
        Stage-one law (any registered law: ``"chinchilla"``, ``"overtraining"``,
        ``"power_compute"``, ...).
    link : {"linear", "sigmoid", "exponential"}, default="sigmoid"
        Stage-two map (see `make_link`). ``"linear"`` is fitted only on points
        above ``chance + emergence_margin`` (FLP) and clipped at chance.
    loss_col : str, default="loss"
        The intermediate quantity: stage one's target and stage two's input.
        A pretraining loss, a task loss, or (Schaeffer et al.) the negative
        log-probability of the correct choice (see `choice_features`). Must be
        positive with the default Huber-on-log objective.
    metric_col : str or None, default=None
        Metric column; None uses the table's target.
    chance : float, default=0.0
        Random-guess level of the metric (0.25 for 4-way multiple choice).
    higher_is_better : bool, default=True
        Direction of the metric (False for an error rate).
    emergence_margin : float, default=0.05
        Margin above chance defining "emerged" points (linear link only).
    perfect : float, "auto" or None, default="auto"
        Best attainable metric; the sigmoid's far asymptote is kept between
        chance and it. "auto": 1 (or 0 when lower is better) if every
        training metric lies in [0, 1], else unbounded; None: unbounded.
    loss_objective : {"huber", "mse"}, default="huber"
        Stage-one objective: Huber on log loss (``delta``) or raw least squares.
    delta : float, default=1e-3
        Huber threshold of stage one.
    loss_fitter : object or None, default=None
        Stage-one fitter (``MultiStartLM()`` with the law's literature grid).
    link_fitter : object or None, default=None
        Stage-two fitter (``VarPro()``: raw least squares, linear parameters
        projected out).
    stage1_rows, stage2_rows : {"all", "final"}, default="all"
        Rows each stage is fitted on: every row (intermediate checkpoints
        included) or each run's final checkpoint (largest D per run).
    group_col : str or None, default=None
        Column naming the run of each row (checkpoints of one run share it);
        None uses ``run_id`` when present, else every row is its own run.
    interval : {"delta", "bootstrap", "prediction"}, default="delta"
        `predict_interval` method: delta method through both stages
        (parameter covariance of each fit: the expected metric), percentile
        bootstrap over runs (both stages refitted on each resample), or
        ``"prediction"``: an interval for one new run, adding to the delta
        method the residual scatter of both stages and an extrapolation term
        learnt by a rolling-origin backtest over the training runs (see
        `predict_interval`).
    n_bootstrap : int, default=200
        Bootstrap resamples (``interval="bootstrap"`` only).
    n_backtest : int, default=5
        ``interval="prediction"`` only: the largest-compute runs backtested,
        each predicted from all runs of smaller compute (folds that cannot
        identify the laws are skipped).
    random_state : int or None, default=0
        Seed of the bootstrap.

    Attributes
    ----------
    loss_law_ : Law
        The fitted stage-one law.
    link_ : Link
        The fitted stage-two map.
    stage1_result_, stage2_result_ : FitResult
        The two fits.
    loss_params_, link_params_ : dict
        Fitted parameters of each stage.
    n_stage1_, n_stage2_ : int
        Rows each stage was fitted on (after emergence filtering).
    bootstrap_params_ : list of (dict, dict)
        Parameters of each successful bootstrap refit (``interval="bootstrap"``).
    scatter_ : tuple of float
        Residual standard deviation of stage one (``loss_col`` units) and of
        stage two (metric units), ``sqrt(SSR / (n - p))`` on their fitting rows.
    backtest_ : DataFrame
        ``interval="prediction"``: one row per backtest fold (``run``,
        ``compute``, ``distance`` = log of its compute over the largest
        fitted compute, ``error`` = predicted - actual metric of its final row).
    extrapolation_scale_ : float
        ``interval="prediction"``: ``sqrt(mean((error / distance)^2))`` over
        the folds (0 when no fold could be fitted), the metric error per unit
        of log-compute extrapolation.
    compute_max_ : float
        Largest training compute ``C`` (``6 N D`` unless a ``C`` column is given).

    References
    ----------
    Gadre et al. (2024), arXiv 2403.08540; Chen et al. (2025), FLP, arXiv
    2410.08527; Bhagia et al. (2024), arXiv 2412.04403; Schaeffer et al. (2024),
    arXiv 2406.04391.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> N = np.repeat([1e8, 3e8, 1e9, 3e9], 3); D = N * np.tile([10.0, 20.0, 40.0], 4)
    >>> loss = 1.8 + 400 / N**0.34 + 400 / D**0.28
    >>> acc = 0.25 + 0.6 / (1 + np.exp(4.0 * (loss - 3.0)))
    >>> runs = pd.DataFrame({"N": N, "D": D, "loss": loss, "acc": acc})
    >>> model = TwoStagePredictor(link="sigmoid", chance=0.25, metric_col="acc").fit(runs)
    >>> bool(abs(model.link_params_["x0"] - 3.0) < 1e-3)
    True
    """

    _parameter_constraints = {
        "link": _choice(tuple(LINKS)),
        "loss_objective": _choice(("huber", "mse")),
        "stage1_rows": _choice(ROW_CHOICES),
        "stage2_rows": _choice(ROW_CHOICES),
        "interval": _choice(("delta", "bootstrap", "prediction")),
        "n_bootstrap": positive_int,
        "n_backtest": positive_int,
        "chance": finite_float,
        "emergence_margin": finite_float,
    }

    def __init__(self, *, loss_law="chinchilla", link="sigmoid", loss_col="loss", metric_col=None, chance=0.0,
                 higher_is_better=True, emergence_margin=0.05, perfect="auto", loss_objective="huber", delta=1e-3,
                 loss_fitter=None, link_fitter=None, stage1_rows="all", stage2_rows="all", group_col=None,
                 interval="delta", n_bootstrap=200, n_backtest=5, random_state=0):
        self.loss_law = loss_law
        self.link = link
        self.loss_col = loss_col
        self.metric_col = metric_col
        self.chance = chance
        self.higher_is_better = higher_is_better
        self.emergence_margin = emergence_margin
        self.perfect = perfect
        self.loss_objective = loss_objective
        self.delta = delta
        self.loss_fitter = loss_fitter
        self.link_fitter = link_fitter
        self.stage1_rows = stage1_rows
        self.stage2_rows = stage2_rows
        self.group_col = group_col
        self.interval = interval
        self.n_bootstrap = n_bootstrap
        self.n_backtest = n_backtest
        self.random_state = random_state

    # -- fitting --------------------------------------------------------------------------
    def fit(self, table, y=None, *, stage1_index=None, stage2_index=None):
        """Fit both stages. Returns self.

        Parameters
        ----------
        table : RunsTable, DataFrame or path
            Runs (or checkpoints) with N, D, ``loss_col`` and the metric.
            Rows with a missing loss are left out of both stages, rows with a
            missing metric out of stage two.
        y : None
            Ignored (scikit-learn signature).
        stage1_index, stage2_index : array-like of bool or int, optional
            Rows of each stage, overriding ``stage1_rows`` / ``stage2_rows``
            (e.g. Gadre et al. fit the loss law on 5 runs and the error law on 6).

        Raises
        ------
        DataValidationError
            If a column is missing or too few rows are left for a stage.
        """
        self._validate_params()
        table = as_table(table, self.loss_col, self.metric_col, type(self).__name__)
        groups = group_ids(table, self.group_col)
        x = column(table, self.loss_col)
        metric = column(table, self.metric_col or table.target)
        ok_x = np.isfinite(x) & (x > 0 if self.loss_objective == "huber" else True)
        m1 = select_rows(table, self.stage1_rows, groups, stage1_index) & ok_x
        m2 = select_rows(table, self.stage2_rows, groups, stage2_index) & ok_x & np.isfinite(metric)
        self.loss_law_ = get_law(self.loss_law).concrete(table.columns)
        needed = {self.loss_law_.input_map.get(k, k): v for k, v in self.loss_law_.min_distinct.items()}
        table.subset(m1).check_distinct(needed, what=f"stage one (law '{self.loss_law_.name}')")
        self.link_ = make_link(self.link, chance=float(self.chance), higher_is_better=bool(self.higher_is_better),
                               margin=float(self.emergence_margin), x=x[m2], y=metric[m2],
                               perfect=resolve_perfect(self.perfect, metric[m2], self.higher_is_better))
        m2 &= self.link_.emerged(metric)
        _check_rows(m2, self.link_.law, "stage two", self.link_)
        data = (table.inputs(self.loss_law_.columns), x, metric)
        with one_blas_thread():
            r1, r2 = self._fit_stages(data, m1, m2)
            self.stage1_result_, self.stage2_result_ = r1, r2
            self.loss_params_, self.link_params_ = dict(r1.params), dict(r2.params)
            self.n_stage1_, self.n_stage2_ = int(m1.sum()), int(m2.sum())
            self.bootstrap_params_ = []
            if self.interval == "bootstrap":
                self.bootstrap_params_ = self._bootstrap(data, m1, m2, groups)
            self.scatter_ = self._scatter(data, m1, m2)
        compute = _compute(table)
        fitted = compute[m1 | m2]
        self.compute_max_ = float(np.max(fitted)) if np.isfinite(fitted).all() else float("nan")
        if self.interval == "prediction":
            if not np.isfinite(self.compute_max_):
                msg = ("interval='prediction' measures extrapolation in training compute: give a 'C' column "
                       "or N and D for every row")
                raise DataValidationError(msg, column="C")
            self.backtest_ = self._backtest(table, groups, m1, m2, compute, metric)
            ratio = (self.backtest_["error"] / self.backtest_["distance"]).to_numpy(dtype=float)
            self.extrapolation_scale_ = float(np.sqrt(np.mean(ratio**2))) if ratio.size else 0.0
        return self

    def _scatter(self, data, m1, m2):
        """Residual standard deviations of the two fits, ``sqrt(SSR / (n - p))``."""
        X, x, metric = data
        r1 = self.loss_law_(self.loss_params_, {k: v[m1] for k, v in X.items()}) - x[m1]
        r2 = self.link_(self.link_params_, x[m2]) - metric[m2]
        dof1 = max(int(m1.sum()) - len(self.loss_law_.param_names), 1)
        dof2 = max(int(m2.sum()) - len(self.link_.law.param_names), 1)
        return float(np.sqrt(np.sum(r1**2) / dof1)), float(np.sqrt(np.sum(r2**2) / dof2))

    def _backtest(self, table, groups, m1, m2, compute, metric) -> pd.DataFrame:
        """Rolling origin over runs: refit both stages on the runs of smaller compute and predict
        each larger run's final checkpoint (the held-out split, mimicked inside the training runs)."""
        run_c = np.full(groups.max() + 1, -np.inf)
        np.maximum.at(run_c, groups, np.where(m1 | m2, compute, -np.inf))
        D = table.D if "D" in table.columns else compute
        params = {**self.get_params(), "interval": "delta"}
        rows = []
        for g in np.argsort(-run_c)[: int(self.n_backtest)]:
            fit = (run_c[groups] < run_c[g]) & (m1 | m2)
            mine = np.flatnonzero((groups == g) & np.isfinite(metric))
            if not fit.any() or not mine.size or not np.isfinite(run_c[g]):
                continue
            final = mine[np.argmax(D[mine])]
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    warnings.simplefilter("ignore", RuntimeWarning)
                    sub = type(self)(**params).fit(table.subset(fit), stage1_index=m1[fit], stage2_index=m2[fit])
            except (DataValidationError, ValueError, np.linalg.LinAlgError):
                continue  # too few runs below this one to identify the laws
            pred = float(sub.predict(table.subset([final]))[0])
            rows.append({"run": int(g), "compute": float(compute[final]),
                         "distance": float(np.log(compute[final] / sub.compute_max_)),
                         "error": pred - float(metric[final])})
        return pd.DataFrame(rows, columns=["run", "compute", "distance", "error"])

    def _fitters(self):
        return self.loss_fitter or MultiStartLM(), link_fitter_for(self.link_.law, self.link_fitter)

    def _fit_stages(self, data, m1, m2, starts=None, quiet=False):
        X, x, metric = data
        f1, f2 = self._fitters()
        objective = make_objective(self.loss_objective, self.delta if self.delta is not None else 1e-3)
        X1 = {k: v[m1] for k, v in X.items()}
        s1, s2 = starts if starts is not None else (None, None)
        r1 = fit_quietly(f1, self.loss_law_, X1, x[m1], objective, starts=s1, quiet=quiet)
        r2 = fit_quietly(f2, self.link_.law, {"x": x[m2]}, metric[m2], LeastSquares(), starts=s2, quiet=quiet)
        return r1, r2

    def _bootstrap(self, data, m1, m2, groups):
        starts = (to_internal(self.loss_law_, self.loss_params_), to_internal(self.link_.law, self.link_params_))
        draws = []
        law = self.loss_law_
        needed = {law.input_map.get(k, k): v for k, v in law.min_distinct.items()}
        for idx in bootstrap_rows(groups, self.n_bootstrap, self.random_state):
            X, x, metric = data
            sub = ({k: v[idx] for k, v in X.items()}, x[idx], metric[idx])
            if any(c in sub[0] and np.unique(sub[0][c][m1[idx]]).size < k for c, k in needed.items()):
                continue  # the resample cannot identify the law (e.g. a single model size)
            try:
                r1, r2 = self._fit_stages(sub, m1[idx], m2[idx], starts=starts, quiet=True)
            except (ValueError, np.linalg.LinAlgError):
                continue  # a resample with too few distinct runs cannot be fitted
            if np.isfinite(r1.objective) and np.isfinite(r2.objective):
                draws.append((dict(r1.params), dict(r2.params)))
        return draws

    # -- prediction -----------------------------------------------------------------------
    def predict_loss(self, table) -> np.ndarray:
        """Stage-one prediction: ``loss_col`` at each row's (N, D)."""
        check_is_fitted(self)
        X = as_inputs(table).inputs(self.loss_law_.columns)
        return np.asarray(self.loss_law_(self.loss_params_, X), dtype=float)

    def predict_from_loss(self, loss) -> np.ndarray:
        """Stage-two prediction: the metric at given values of ``loss_col``."""
        check_is_fitted(self)
        return np.asarray(self.link_(self.link_params_, loss), dtype=float)

    def predict(self, table) -> np.ndarray:
        """Predicted metric for every row of ``table`` (reads only the law's inputs)."""
        return self.predict_from_loss(self.predict_loss(table))

    def predict_interval(self, table, level: float = 0.9):
        """Interval on the predicted metric, with the uncertainty of both stages.

        Parameters
        ----------
        table : RunsTable, DataFrame or path
            Rows to predict.
        level : float, default=0.9
            Coverage level.

        Returns
        -------
        lo, hi : ndarray
            ``interval="delta"``: ``pred -+ z sqrt(var_link + (dlink/dx)^2 var_loss)``,
            where each variance comes from its fit's parameter covariance
            (an interval on the expected metric, not on one noisy run).
            ``interval="bootstrap"``: percentiles of the refitted chains.
            ``interval="prediction"``: the delta-method variance plus the
            residual scatter of stage two, the scatter of stage one carried
            through the link (``(dlink/dx)^2 s1^2``) and the extrapolation
            term ``(extrapolation_scale_ * d)^2``, where ``d = log(C /
            compute_max_)`` (0 inside the training range): an interval for
            one new run, growing with the extrapolation distance at the rate
            the training runs' own backtest showed.

        Raises
        ------
        ValueError
            If ``level`` is not in (0, 1) or no bootstrap refit succeeded.
        """
        check_is_fitted(self)
        level = check_level(level)
        X = as_inputs(table).inputs(self.loss_law_.columns)
        if self.interval == "bootstrap":
            if not self.bootstrap_params_:
                msg = ("no bootstrap refits to draw on: fit with interval='bootstrap' and n_bootstrap > 0 "
                       "(with enough runs for a resample to identify the law), or use interval='delta'")
                raise ValueError(msg)
            draws = np.array([self.link_(p2, self.loss_law_(p1, X)) for p1, p2 in self.bootstrap_params_])
            return quantiles(draws, level)
        xhat = np.asarray(self.loss_law_(self.loss_params_, X), dtype=float)
        var1 = law_variance(self.loss_law_, self.loss_params_, self.stage1_result_.covariance, X)
        var2 = law_variance(self.link_.law, self.link_params_, self.stage2_result_.covariance, {"x": xhat})
        raw = np.asarray(self.link_.law(self.link_params_, {"x": xhat}), dtype=float)
        slope = (self.link_.dx(self.link_params_, xhat) if self.link_.name != "linear"
                 else np.full_like(xhat, self.link_params_["w1"]))
        var = var2 + slope**2 * var1
        if self.interval == "prediction":
            s1, s2 = self.scatter_
            C = as_inputs(table).inputs(["C"])["C"] if "C" not in X else X["C"]
            distance = np.maximum(np.log(np.asarray(C, dtype=float) / self.compute_max_), 0.0)
            var = var + s2**2 + slope**2 * s1**2 + (self.extrapolation_scale_ * distance) ** 2
        return self.link_.normal_interval(raw, var, level)

    def to_dict(self) -> dict:
        """JSON-ready summary of both fits (the CLI's payload)."""
        check_is_fitted(self)
        return {
            "loss_law": self.loss_law_.name, "link": self.link_.name, "loss_col": self.loss_col,
            "chance": self.link_.chance, "stage1": self.stage1_result_.to_dict(),
            "stage2": self.stage2_result_.to_dict(), "n_stage1": self.n_stage1_, "n_stage2": self.n_stage2_,
            "interval": self.interval, "n_bootstrap_ok": len(self.bootstrap_params_),
            "scatter": list(self.scatter_),
            **({"extrapolation_scale": self.extrapolation_scale_, "backtest": self.backtest_.to_dict("records")}
               if self.interval == "prediction" else {}),
        }


def _compute(table) -> np.ndarray:
    """Training compute of each row: the ``C`` column, else ``6 N D`` (NaN when neither is known)."""
    try:
        return np.asarray(table.inputs(["C"])["C"], dtype=float)
    except DataValidationError:
        return np.full(len(table), np.nan)


def _check_rows(mask, law, what, link):
    need = len(law.params) + 1
    got = int(mask.sum())
    if got >= need:
        return
    extra = ""
    if link.name == "linear":
        extra = (f" above the emergence threshold (chance {link.chance:g} + margin {link.margin:g}); "
                 "lower emergence_margin or use link='sigmoid'")
    msg = f"{what} needs at least {need} rows with a loss and a metric{extra}; got {got}"
    raise DataValidationError(msg)
