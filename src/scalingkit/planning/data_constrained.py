"""Planning when unique data is limited: epochs versus parameters (Muennighoff et al. 2023)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..laws import DATA_CONSTRAINED_PUBLISHED, get_law
from ..uncertainty._common import check_level
from ._draws import fitted_law, parameter_draws
from ._frontier import optimum_closed_form, optimum_numeric
from .allocation import Allocation, summarize_draws

__all__ = ["data_constrained_allocation"]

_BASE = ("E", "A", "B", "alpha", "beta")
_DECAY = ("RD_star", "RN_star")


def _dc_params(params: dict) -> tuple[dict, bool]:
    """Complete a parameter set to the data-constrained law; True when the decays were borrowed."""
    missing = [k for k in _BASE if k not in params]
    if missing:
        msg = f"data-constrained planning needs the Chinchilla parameters {list(_BASE)}; missing {missing}"
        raise ValueError(msg)
    borrowed = any(k not in params for k in _DECAY)
    full = {k: float(params[k]) for k in _BASE}
    for k in _DECAY:
        full[k] = float(params.get(k, DATA_CONSTRAINED_PUBLISHED[k]))
    return full, borrowed


def _solve(params: dict, budget: float, unique_tokens: float) -> dict:
    law = get_law("data_constrained")
    # A run shorter than the unique data sees only D unique tokens (the law counts D < U_D as one epoch of U_D).
    used = {"unique_tokens": lambda N, D: np.minimum(D, unique_tokens)}
    N, D, loss, interior = optimum_numeric(law, params, budget, extra=used)
    Nc, Dc = optimum_closed_form(params, budget)
    base = get_law("chinchilla")
    loss_c = float(np.asarray(base({k: params[k] for k in _BASE}, {"N": Nc, "D": Dc})))
    return {"N": N, "D": D, "tokens_per_param": D / N, "loss": loss, "epochs": max(D / unique_tokens, 1.0),
            "N_unconstrained": Nc, "D_unconstrained": Dc, "loss_unconstrained": loss_c,
            "loss_penalty": loss - loss_c, "interior": interior}


def data_constrained_allocation(model, budget: float, unique_tokens: float, *, table=None, level: float = 0.8,
                                interval: str = "bootstrap", n_draws: int = 200, seed=0,
                                progress=False) -> Allocation:
    """Compute-optimal (N*, D*) when only ``unique_tokens`` distinct tokens exist.

    Minimises the data-constrained loss (repeated epochs and excess parameters
    decay in value) along ``D = C / 6N`` with ``U_D = min(D, unique_tokens)``;
    the answer says how many epochs to run and what the limit costs against
    unlimited data (nothing, when the budget's optimum needs fewer tokens).

    Parameters
    ----------
    model : LawPredictor, IntervalPredictor or dict
        A fitted ``data_constrained`` law; a fitted ``chinchilla`` law (the decay
        constants ``RD_star``, ``RN_star`` are then borrowed from Muennighoff et
        al.'s C4 fit, and a note says so); or a plain parameter dict (no intervals).
    budget : float
        FLOPs (``C = 6 N D``).
    unique_tokens : float
        Unique tokens available, U_D.
    table : RunsTable or None
        Training runs, for bootstrap intervals.
    level : float, default=0.8
    interval : {"bootstrap", "parametric", "none"}, default="bootstrap"
    n_draws : int, default=200
    seed : int, default=0
    progress : bool or "auto", default=False

    Returns
    -------
    Allocation
        ``extra`` holds ``unique_tokens``, ``epochs``, the unconstrained
        Chinchilla optimum (``N_unconstrained``, ``D_unconstrained``,
        ``loss_unconstrained``) and ``loss_penalty``; ``intervals`` also has
        ``epochs``.

    References
    ----------
    Muennighoff et al. (2023), "Scaling Data-Constrained Language Models",
    NeurIPS; the README of ``huggingface/datablations`` works the example of
    C = 1e22 FLOPs with 25B unique tokens (about 7.0B parameters, 237B tokens).

    Examples
    --------
    >>> from scalingkit.laws import DATA_CONSTRAINED_PUBLISHED
    >>> a = data_constrained_allocation(DATA_CONSTRAINED_PUBLISHED, 1e22, 25e9, interval="none")
    >>> round(a.N / 1e9, 1), round(a.D / 1e9), round(a.extra["epochs"], 1)
    (7.0, 237, 9.5)
    """
    level = check_level(level)
    for name, v in (("budget", budget), ("unique_tokens", unique_tokens)):
        if not (isinstance(v, (int, float, np.floating)) and math.isfinite(v) and v > 0):
            msg = f"The '{name}' parameter must be a float in the range (0, inf). Got {v!r} instead."
            raise ValueError(msg)
    notes, draws = [], []
    if isinstance(model, dict):
        point_params, borrowed = _dc_params(model)
        law_name = "data_constrained"
    else:
        law_model = fitted_law(model)
        law_name = law_model.law_.name
        if law_name not in ("data_constrained", "chinchilla"):
            msg = f"data-constrained planning needs a 'data_constrained' or 'chinchilla' fit; got law '{law_name}'"
            raise ValueError(msg)
        point_params, borrowed = _dc_params(law_model.fit_result_.all_params)
        draws = parameter_draws(model, table, method=interval, n_draws=n_draws, seed=seed, progress=progress)
        consts = dict(law_model.law_.constants)
        draws = [_dc_params({**consts, **d})[0] for d in draws]
    if borrowed:
        notes.append("decay constants RD_star = 15.39, RN_star = 5.31 borrowed from Muennighoff et al.'s C4 fit "
                     "(fit law 'data_constrained' on repeated-epoch runs to estimate your own)")
    point = _solve(point_params, float(budget), float(unique_tokens))
    if not point.pop("interior"):
        notes.append("the optimum sits on the edge of the searched range of tokens per parameter")
    rows = []
    for p in draws:
        try:
            r = _solve(p, float(budget), float(unique_tokens))
        except ValueError:
            continue
        r.pop("interior")
        rows.append({k: r[k] for k in ("N", "D", "tokens_per_param", "loss", "epochs", "loss_penalty")})
    if interval != "none" and not isinstance(model, dict) and len(rows) < 20:
        notes.append(f"only {len(rows)} parameter draws gave an optimum; the intervals are rough")
    extra = {"unique_tokens": float(unique_tokens), **{k: point[k] for k in
             ("epochs", "N_unconstrained", "D_unconstrained", "loss_unconstrained", "loss_penalty")}}
    alloc = Allocation(float(budget), point["N"], point["D"], point["loss"], law_name, "numeric", level,
                       summarize_draws(rows, level), interval if rows else "none", len(rows), tuple(notes), extra)
    return replace(alloc, law="data_constrained" if law_name == "chinchilla" else law_name)
