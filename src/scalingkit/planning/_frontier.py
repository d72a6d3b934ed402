"""Compute-optimal allocation of one set of law parameters: closed form or numeric."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["law_inputs", "optimum", "optimum_closed_form", "optimum_numeric"]

#: Tokens per parameter searched by the numeric optimiser.
TPP_RANGE = (1e-3, 1e7)


def law_inputs(law, N, D, extra=None) -> dict:
    """The input columns ``law`` reads at ``(N, D)``: N, D, C = 6ND, M = D/N and ``extra`` columns.

    A callable value in ``extra`` is called as ``value(N, D)`` (an input that
    depends on the allocation, e.g. the unique tokens actually used).

    Raises
    ------
    ValueError
        If the law reads a column that is neither derivable nor in ``extra``.
    """
    N = np.asarray(N, dtype=float)
    D = np.asarray(D, dtype=float)
    have = {"N": N, "D": D, "C": 6.0 * N * D, "M": D / N}
    for k, v in (extra or {}).items():
        v = v(N, D) if callable(v) else v
        have[k] = np.broadcast_to(np.asarray(v, dtype=float), np.broadcast_shapes(N.shape, np.shape(v)))
    missing = [c for c in law.columns if c not in have]
    if missing:
        msg = (f"law '{law.name}' reads column(s) {missing} besides N and D; "
               f"give their values (e.g. extra={{'{missing[0]}': ...}})")
        raise ValueError(msg)
    return {c: have[c] for c in law.columns}


def _loss_at(law, params, budget, logn, extra):
    N = np.exp(logn)
    D = budget / (6.0 * N)
    with np.errstate(all="ignore"):
        out = np.asarray(law(params, law_inputs(law, N, D, extra)), dtype=float)
    return np.where(np.isfinite(out), out, np.inf)


def optimum_numeric(law, params, budget: float, *, extra=None, grid: int = 2001) -> tuple[float, float, float, bool]:
    """Minimise ``L(N, C / 6N)`` over log N: a dense grid, then Brent's method around the best point.

    Parameters
    ----------
    law : Law
    params : mapping
        Law parameters (natural units; fixed ones may be omitted).
    budget : float
        FLOPs, ``C = 6 N D``.
    extra : mapping or None
        Values of other inputs the law reads (e.g. ``unique_tokens``).
    grid : int, default=2001
        Grid points over tokens-per-parameter in ``TPP_RANGE``.

    Returns
    -------
    N, D, loss : float
    interior : bool
        False when the optimum sits on the edge of the searched range (the law
        has no interior optimum at this budget).
    """
    from scipy.optimize import minimize_scalar

    c6 = budget / 6.0
    lo, hi = 0.5 * math.log(c6 / TPP_RANGE[1]), 0.5 * math.log(c6 / TPP_RANGE[0])
    u = np.linspace(lo, hi, grid)
    f = _loss_at(law, params, budget, u, extra)
    i = int(np.argmin(f))
    if not np.isfinite(f[i]):
        msg = f"law '{law.name}' is not finite anywhere on the search range at budget {budget:.3g}"
        raise ValueError(msg)
    a, b = u[max(i - 1, 0)], u[min(i + 1, grid - 1)]
    res = minimize_scalar(lambda x: float(_loss_at(law, params, budget, np.array(x), extra)), bounds=(a, b),
                          method="bounded", options={"xatol": 1e-12})
    x = float(res.x) if res.fun <= f[i] else float(u[i])
    N = math.exp(x)
    return N, c6 / N, float(_loss_at(law, params, budget, np.array(x), extra)), 0 < i < grid - 1


def optimum_closed_form(params, budget: float) -> tuple[float, float]:
    """Chinchilla's closed form (Hoffmann et al. 2022, Eq. 4): ``N = G (C/6)^a``, ``D = (C/6)^b / G``."""
    from ..laws import chinchilla_optimal_allocation

    N, D = chinchilla_optimal_allocation(params, budget)
    return float(N), float(D)


def optimum(law, params, budget: float, *, extra=None) -> dict:
    """Compute-optimal ``N``, ``D`` and loss: closed form for Chinchilla, numeric otherwise.

    Returns
    -------
    dict
        ``N``, ``D``, ``loss``, ``method`` (``"closed form"`` or ``"numeric"``)
        and ``interior`` (numeric optimum not on the edge of the search range).
    """
    full = {**dict(law.constants), **dict(params)}
    if law.name == "chinchilla" and set(law.columns) == {"N", "D"}:
        N, D = optimum_closed_form(full, budget)
        loss = float(np.asarray(law(params, law_inputs(law, N, D))))
        finite = all(math.isfinite(v) and v > 0 for v in (N, D, loss))
        return {"N": N, "D": D, "loss": loss, "method": "closed form", "interior": finite}
    N, D, loss, interior = optimum_numeric(law, params, budget, extra=extra)
    return {"N": N, "D": D, "loss": loss, "method": "numeric", "interior": interior}
