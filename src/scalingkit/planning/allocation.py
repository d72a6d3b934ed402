"""Compute-optimal (N*, D*) for a FLOP budget, with intervals."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..uncertainty._common import check_level
from ._draws import fitted_law, parameter_draws
from ._frontier import optimum

__all__ = ["Allocation", "compute_frontier", "optimal_allocation", "summarize_draws"]

_QUANTITIES = ("N", "D", "tokens_per_param", "loss")


@dataclass(frozen=True)
class Allocation:
    """The compute-optimal model size and token count for one budget.

    Attributes
    ----------
    budget : float
        FLOPs (``C = 6 N D``).
    N, D : float
        Compute-optimal parameters and training tokens of the point fit.
    loss : float
        Predicted loss at (N, D) (the fitted curve, no run-to-run noise).
    law : str
        Fitted law.
    method : str
        ``"closed form"`` (Chinchilla, Hoffmann et al. Eq. 4) or ``"numeric"``.
    level : float
        Level of the intervals.
    intervals : dict
        ``{"N": (lo, hi), "D": ..., "tokens_per_param": ..., "loss": ...}``
        (percentile intervals over the parameter draws); empty without draws.
    interval_method : str
        ``"bootstrap"``, ``"parametric"`` or ``"none"``.
    n_draws : int
        Parameter draws whose optimum was finite.
    notes : tuple of str
        Caveats (optimum on the edge of the search range, few draws, ...).
    extra : dict
        Other inputs held fixed (e.g. ``unique_tokens``) and derived figures.
    """

    budget: float
    N: float
    D: float
    loss: float
    law: str
    method: str
    level: float = 0.8
    intervals: dict = field(default_factory=dict)
    interval_method: str = "none"
    n_draws: int = 0
    notes: tuple = ()
    extra: dict = field(default_factory=dict)

    @property
    def tokens_per_param(self) -> float:
        """``D / N`` at the optimum."""
        return self.D / self.N

    def to_dict(self) -> dict:
        """JSON-ready dict (the CLI's ``--format json`` payload)."""
        return {
            "budget": self.budget, "N": self.N, "D": self.D, "tokens_per_param": self.tokens_per_param,
            "loss": self.loss, "law": self.law, "method": self.method, "level": self.level,
            "intervals": {k: [float(v[0]), float(v[1])] for k, v in self.intervals.items()},
            "interval_method": self.interval_method, "n_draws": self.n_draws, "notes": list(self.notes),
            "extra": dict(self.extra),
        }


def summarize_draws(rows: list[dict], level: float) -> dict:
    """Percentile intervals ``{quantity: (lo, hi)}`` over per-draw dicts of finite values."""
    q = (1 - level) / 2
    out = {}
    for key in rows[0] if rows else ():
        vals = np.array([r[key] for r in rows], dtype=float)
        vals = vals[np.isfinite(vals)]
        if vals.size:
            lo, hi = np.quantile(vals, [q, 1 - q])
            out[key] = (float(lo), float(hi))
    return out


def _point(law, params, budget, extra):
    opt = optimum(law, params, budget, extra=extra)
    return {"N": opt["N"], "D": opt["D"], "tokens_per_param": opt["D"] / opt["N"], "loss": opt["loss"]}, opt


def optimal_allocation(model, budget: float, *, table=None, level: float = 0.8, interval: str = "bootstrap",
                       n_draws: int = 200, seed=0, extra=None, draws=None, progress=False) -> Allocation:
    """Compute-optimal (N*, D*) for ``budget`` FLOPs under a fitted law, with intervals.

    Chinchilla uses the closed form of Hoffmann et al. (2022, Eq. 4); every
    other law is minimised numerically along ``D = C / 6N``. Intervals are
    percentiles of the optimum over parameter draws (bootstrap refits by
    default, as Besiroglu et al. 2024 did).

    Parameters
    ----------
    model : LawPredictor or IntervalPredictor
        A fitted law predictor.
    budget : float
        FLOPs, ``C = 6 N D``; must be > 0.
    table : RunsTable or None
        Training runs; needed for bootstrap intervals.
    level : float, default=0.8
    interval : {"bootstrap", "parametric", "none"}, default="bootstrap"
    n_draws : int, default=200
        Bootstrap resamples or normal draws.
    seed : int, default=0
    extra : mapping or None
        Values of other inputs the law reads (e.g. ``{"unique_tokens": 1e11}``).
    draws : list of dict or None
        Parameter draws from `parameter_draws`, to reuse across budgets
        (``interval`` then only names them).
    progress : bool or "auto", default=False

    Returns
    -------
    Allocation

    Examples
    --------
    >>> from scalingkit.demo import synthetic_sweep
    >>> from scalingkit.estimators import LawPredictor
    >>> m = LawPredictor(n_starts=64).fit(synthetic_sweep())
    >>> a = optimal_allocation(m, 5.76e23, interval="none")
    >>> a.method, 10 < a.tokens_per_param < 40
    ('closed form', True)
    """
    level = check_level(level)
    if not (isinstance(budget, (int, float, np.floating)) and math.isfinite(budget) and budget > 0):
        msg = f"The 'budget' parameter must be a float in the range (0, inf). Got {budget!r} instead."
        raise ValueError(msg)
    budget = float(budget)
    law_model = fitted_law(model)
    law = law_model.law_
    point, opt = _point(law, law_model.fit_result_.params, budget, extra)
    notes = []
    if not opt["interior"]:
        notes.append("the optimum sits on the edge of the searched range (1e-3 to 1e7 tokens per parameter): "
                     "the fitted law has no interior compute-optimal point at this budget")
    if draws is None:
        draws = parameter_draws(model, table, method=interval, n_draws=n_draws, seed=seed, progress=progress)
    rows = []
    for p in draws:
        try:
            rows.append(_point(law, p, budget, extra)[0])
        except ValueError:
            continue
    if interval != "none" and len(rows) < 20:
        notes.append(f"only {len(rows)} parameter draws gave an optimum; the intervals are rough")
    if law_model.fit_result_.at_bound:
        notes.append(f"parameters at a bound: {', '.join(law_model.fit_result_.at_bound)}")
    return Allocation(budget, point["N"], point["D"], point["loss"], law.name, opt["method"], level,
                      summarize_draws(rows, level), interval, len(rows), tuple(notes), dict(extra or {}))


def compute_frontier(model, budgets, *, extra=None) -> dict:
    """Compute-optimal N, D and loss along ``budgets`` (point fit only), for plots.

    Returns
    -------
    dict of str to ndarray
        ``C``, ``N``, ``D``, ``loss``.
    """
    law_model = fitted_law(model)
    budgets = np.asarray(budgets, dtype=float)
    rows = [optimum(law_model.law_, law_model.fit_result_.params, float(c), extra=extra) for c in budgets]
    return {"C": budgets, "N": np.array([r["N"] for r in rows]), "D": np.array([r["D"] for r in rows]),
            "loss": np.array([r["loss"] for r in rows])}
