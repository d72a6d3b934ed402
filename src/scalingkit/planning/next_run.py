"""Which pilot run to train next: most predictive variance removed at a target, per FLOP."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..uncertainty._common import log_residuals, robust_scale
from ._draws import fitted_law
from ._frontier import law_inputs

__all__ = ["candidate_grid", "point_table", "suggest_next_run"]


def point_table(N, D, *, target: str = "loss", extra=None):
    """A `RunsTable` of points to predict at (the target column is a placeholder 1.0)."""
    from ..data import RunsTable

    N = np.atleast_1d(np.asarray(N, dtype=float))
    D = np.broadcast_to(np.asarray(D, dtype=float), N.shape)
    frame = pd.DataFrame({"N": N, "D": D, target: np.ones_like(N)})
    for k, v in (extra or {}).items():
        frame[k] = np.broadcast_to(np.asarray(v, dtype=float), N.shape)
    return RunsTable(frame, target=target)


def candidate_grid(table, target_n: float, *, max_compute: float, n_sizes: int = 25,
                   tokens_per_param=(2, 5, 10, 20, 40, 80, 160, 320)) -> pd.DataFrame:
    """Candidate pilots: sizes from the smallest training N up to ``target_n``, at several tokens/parameter.

    Returns
    -------
    DataFrame
        ``N``, ``D`` of the candidates with ``6 N D <= max_compute``.
    """
    sizes = np.geomspace(table.N.min(), max(target_n, table.N.min() * 1.01), n_sizes)
    NN, TT = np.meshgrid(sizes, np.asarray(tokens_per_param, dtype=float), indexing="ij")
    frame = pd.DataFrame({"N": NN.ravel(), "D": (NN * TT).ravel()})
    return frame[6.0 * frame["N"] * frame["D"] <= max_compute].reset_index(drop=True)


def _log_gradients(model, N, D, extra):
    law = model.law_
    X = law_inputs(law, np.asarray(N, dtype=float), np.asarray(D, dtype=float), extra)
    params = model.fit_result_.params
    pred = np.asarray(law(params, X), dtype=float)
    jac = law.jacobian(params, X)
    return np.stack([np.broadcast_to(jac[k], pred.shape) / pred for k in law.param_names], axis=-1)


def suggest_next_run(model, table, target_n: float, target_d: float, *, candidates=None, max_compute=None,
                     extra=None, top: int = 10, rank_by: str = "per_flop") -> pd.DataFrame:
    """Rank pilot runs by how much they shrink the predictive variance at a target, per FLOP.

    With the fit's parameter covariance ``S`` and the gradient ``g(x)`` of the
    log prediction, adding one run at ``x`` with log-noise variance ``s2``
    (the robust scale of the training residuals) lowers the variance of the
    log prediction at the target ``x*`` by (Sherman-Morrison)
    ``(g*' S g(x))^2 / (s2 + g(x)' S g(x))``. Candidates are ranked by that
    reduction divided by their cost ``6 N D``.

    Parameters
    ----------
    model : LawPredictor or IntervalPredictor
        A fitted law predictor.
    table : RunsTable
        Its training runs (for the noise scale and the candidate grid).
    target_n, target_d : float
        The run to be predicted (e.g. the production model).
    candidates : DataFrame or None
        ``N``, ``D`` of candidate pilots; default `candidate_grid`.
    max_compute : float or None
        Most FLOPs a pilot may cost; default a tenth of the target's.
    extra : mapping or None
        Other inputs the law reads, held at these values.
    top : int, default=10
        Rows returned.
    rank_by : {"per_flop", "reduction"}, default="per_flop"
        Rank by variance removed per FLOP, or by variance removed outright
        (the most informative pilot within ``max_compute``).

    Returns
    -------
    DataFrame
        ``N``, ``D``, ``C``, ``tokens_per_param``, ``sd_now`` and ``sd_after``
        (relative standard deviation of the target prediction before and after
        adding the run), ``variance_reduction`` (fraction) and
        ``reduction_per_eflop`` (fraction per 1e18 FLOPs), best first.

    Notes
    -----
    A local (linearised) calculation that assumes the law is right; it says
    where data informs the parameters that matter at the target, not how
    wrong the law's shape may be.
    """
    if rank_by not in ("per_flop", "reduction"):
        msg = f"The 'rank_by' parameter must be one of 'per_flop', 'reduction'. Got {rank_by!r} instead."
        raise ValueError(msg)
    law_model = fitted_law(model)
    c_target = 6.0 * float(target_n) * float(target_d)
    max_compute = c_target / 10 if max_compute is None else float(max_compute)
    cand = candidate_grid(table, target_n, max_compute=max_compute) if candidates is None else candidates
    cand = pd.DataFrame(cand)[["N", "D"]].astype(float).reset_index(drop=True)
    if cand.empty:
        msg = f"no candidate pilot costs at most {max_compute:.3g} FLOPs; raise max_compute"
        raise ValueError(msg)
    cov = np.asarray(law_model.covariance_, dtype=float)
    free = np.flatnonzero(np.isfinite(np.diag(cov)) & (np.diag(cov) > 0))
    if free.size == 0:
        msg = "the fit has no usable parameter covariance (every parameter at a bound?)"
        raise ValueError(msg)
    S = cov[np.ix_(free, free)]
    s2 = max(robust_scale(log_residuals(law_model, table)), 1e-6) ** 2
    g_star = _log_gradients(law_model, [target_n], [target_d], extra)[0, free]
    G = _log_gradients(law_model, cand["N"].to_numpy(), cand["D"].to_numpy(), extra)[:, free]
    v_star = float(g_star @ S @ g_star)
    cross = G @ S @ g_star
    own = np.einsum("np,pq,nq->n", G, S, G)
    reduction = cross**2 / (s2 + own)
    out = cand.assign(C=6.0 * cand["N"] * cand["D"], tokens_per_param=cand["D"] / cand["N"],
                      sd_now=np.sqrt(v_star), sd_after=np.sqrt(np.maximum(v_star - reduction, 0.0)),
                      variance_reduction=reduction / v_star if v_star > 0 else 0.0)
    out["reduction_per_eflop"] = out["variance_reduction"] / (out["C"] / 1e18)
    key = "reduction_per_eflop" if rank_by == "per_flop" else "variance_reduction"
    return out.sort_values(key, ascending=False).head(top).reset_index(drop=True)
