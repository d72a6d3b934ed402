"""The computations behind a report: fits, backtest, calibration and planning (no HTML here)."""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_LAWS", "Analysis", "analyse"]

#: Laws compared by default (those the table can support are used).
DEFAULT_LAWS = ("chinchilla", "kaplan", "overtraining")
_DERIVED = {"C", "M"}


@dataclass
class Analysis:
    """Everything a report shows, computed once."""

    table: object
    level: float
    laws: list = field(default_factory=list)
    skipped: dict = field(default_factory=dict)
    fits: dict = field(default_factory=dict)
    fit_seconds: dict = field(default_factory=dict)
    fit_warnings: dict = field(default_factory=dict)
    primary: str | None = None
    conformal: object = None
    backtest: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None
    budgets: list = field(default_factory=list)
    allocations: list = field(default_factory=list)
    constrained: object = None
    draws: list = field(default_factory=list)
    interval: str = "bootstrap"
    fitter: object = None
    notes: list = field(default_factory=list)

    def predictor(self, law: str):
        """A fresh `LawPredictor` for ``law`` with the analysis's settings."""
        from ..estimators import LawPredictor

        return LawPredictor(law=law, fitter=self.fitter)


def _applicable(name, table):
    from ..laws import get_law

    law = get_law(name).concrete(table.columns)
    missing = [c for c in law.columns if c not in table.columns and c not in _DERIVED]
    if missing:
        return f"needs column(s) {missing}"
    for col, need in law.min_distinct.items():
        col = law.input_map.get(col, col)
        if table.n_distinct(col) < need:
            return f"needs {need} distinct {col}, the table has {table.n_distinct(col)}"
    return None


def _fit(an, name):
    from ..exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model = an.predictor(name).fit(an.table)
    return model, [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]


def _fit_all(an: Analysis, names):
    from ..laws import get_law

    for name in names:
        get_law(name)  # unknown names raise before any work
        why = _applicable(name, an.table)
        if why:
            an.skipped[name] = why
            continue
        t0 = time.perf_counter()
        try:
            an.fits[name], an.fit_warnings[name] = _fit(an, name)
        except ValueError as exc:
            an.skipped[name] = str(exc)
            continue
        an.fit_seconds[name] = time.perf_counter() - t0
        an.laws.append(name)
    if not an.laws:
        msg = f"no law could be fitted to this table: {an.skipped}"
        raise ValueError(msg)
    an.primary = an.laws[0]


def _backtest(an: Analysis, rhos, progress):
    from ..evaluation import summarize
    from ..evaluation.splits import ComputeSplit
    from ..uncertainty import interval_backtest
    from ..uncertainty._common import fit_quietly

    split = ComputeSplit(rhos=tuple(rhos))
    try:
        pairs = split.pairs(an.table)
    except ValueError as exc:
        an.notes.append(f"backtest skipped: {exc}")
        return
    rows = []
    for pair in pairs:
        train, test = an.table.subset(pair.train_idx), an.table.subset(pair.test_idx)
        for name in an.laws:
            model, _ = fit_quietly(an.predictor(name), train)
            row = {"pair": pair.label, "rho": pair.rho, "method": name, "n_train": len(train), "n_test": len(test)}
            if model is None:
                rows.append({**row, "mape": np.nan, "max_ape": np.nan, "spearman": np.nan})
                continue
            m = summarize(test.y, model.predict(test))
            rows.append({**row, "mape": m["mape"], "max_ape": m["max_ape"], "spearman": m["spearman"]})
    an.backtest = pd.DataFrame(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cov = interval_backtest({"data": an.table}, split, an.predictor(an.primary), methods=("delta", "conformal"),
                                level=an.level, progress=progress)
    an.coverage = cov.assign(rho=cov["pair"].str.split("=").str[1].astype(float))


def _calibrate(an: Analysis, progress):
    from ..uncertainty import IntervalPredictor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        an.conformal = IntervalPredictor(an.predictor(an.primary), progress=progress)._fit_with(
            an.table, an.fits[an.primary])


def _plan(an: Analysis, budget, unique_tokens, n_resamples, seed, progress):
    from ..planning import data_constrained_allocation, optimal_allocation, parameter_draws

    c_max = float((6.0 * an.table.N * an.table.D).max())
    budgets = [10.0 ** np.ceil(np.log10(c_max) + k) for k in (1, 2, 3)]
    if budget is not None:
        budgets = sorted(set(budgets) | {float(budget)})
    an.budgets = budgets
    model = an.fits[an.primary]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        an.draws = parameter_draws(model, an.table, method=an.interval, n_draws=n_resamples, seed=seed,
                                   progress=progress)
    for c in budgets:
        try:
            an.allocations.append(optimal_allocation(model, c, level=an.level, interval=an.interval, draws=an.draws))
        except ValueError as exc:
            an.notes.append(f"planning at {c:.3g} FLOPs failed: {exc}")
    if unique_tokens is not None and budget is not None and an.primary in ("chinchilla", "data_constrained"):
        an.constrained = data_constrained_allocation(model, float(budget), float(unique_tokens), level=an.level,
                                                     interval="none")


def analyse(table, *, laws=None, level=0.8, budget=None, unique_tokens=None, rhos=(0.3, 0.5, 0.7),
            interval="bootstrap", n_resamples=100, backtest=True, fitter=None, seed=0, progress=False) -> Analysis:
    """Fit the laws, backtest them, calibrate intervals and plan: the data of a report."""
    from ..uncertainty._common import check_level

    an = Analysis(table=table, level=check_level(level), interval=interval, fitter=fitter)
    _fit_all(an, list(laws) if laws else list(DEFAULT_LAWS))
    _calibrate(an, progress)
    if backtest:
        _backtest(an, rhos, progress)
    _plan(an, budget, unique_tokens, n_resamples, seed, progress)
    return an
