"""The ReScaL benchmark's "special" baselines, as published and as their papers define them.

- `rescal_dc_law` / `DC_START`: ReScaL's ``DC_law`` (DENSE3), fitted with
  `BoundedLawPredictor`; it departs from Muennighoff et al. (PROTOCOL.md section 4).
- `RescalMixLawPredictor`: ReScaL's ``mix3_law`` / ``mix5_law`` (DENSE4 / DENSE5):
  one pooled data-mixing-law fit over every validation domain, no N or D term.
- `MixingPerDomainPredictor`: the data mixing law as Ye et al. fit it, one law per
  validation domain (our ``mixing`` law on the ``r_*`` proportions).
- `data_constrained_faithful`: Muennighoff et al.'s law (our ``data_constrained``)
  reading unique tokens from ``uD``.
"""

from __future__ import annotations

import math

import numpy as np

from ..laws import Law, Param, get_law, mixing_law
from ._base import BasePredictor, check_is_fitted
from ._boxfit import fit_boxed
from ._features import as_fit_table, frame_of, law_inputs
from .law import LawPredictor

__all__ = [
    "DC_START",
    "MixingPerDomainPredictor",
    "RescalMixLawPredictor",
    "data_constrained_faithful",
    "rescal_dc_law",
]

#: Start constants of ReScaL's DC_law (PROTOCOL.md section 4); every parameter is boxed to +-30 %.
DC_START = {"A": 521.0, "B": 1488.0, "E": 1.87, "alpha": 0.35, "beta": 0.35, "RD_star": 15.387, "RN_star": 5.3097}

#: U_N = 0.051 U_D, hard-coded in ReScaL's DC_law.
_UN_PER_UD = 0.051


def _dc_parts(p, X):
    N = np.asarray(X["N"], dtype=float)
    D = np.asarray(X["D"], dtype=float)
    U = np.asarray(X["unique_tokens"], dtype=float)
    UN = _UN_PER_UD * U
    eD = np.exp(-D / p["RD_star"])
    eN = np.exp(-N / p["RN_star"])
    Dp = U * (1.0 + p["RD_star"] * (1.0 - eD))
    Np = UN * (1.0 + p["RN_star"] * (1.0 - eN))
    tN = p["A"] * np.exp(-p["alpha"] * np.log(Np))
    tD = p["B"] * np.exp(-p["beta"] * np.log(Dp))
    return N, D, U, UN, eD, eN, Dp, Np, tN, tD


def _dc_fn(p, X):
    *_, tN, tD = _dc_parts(p, X)
    return p["E"] + tN + tD


def _dc_jac(p, X):
    N, D, U, UN, eD, eN, Dp, Np, tN, tD = _dc_parts(p, X)
    return {
        "E": np.ones_like(tN),
        "A": tN / p["A"],
        "B": tD / p["B"],
        "alpha": -tN * np.log(Np),
        "beta": -tD * np.log(Dp),
        "RD_star": -p["beta"] * tD / Dp * U * ((1.0 - eD) - eD * D / p["RD_star"]),
        "RN_star": -p["alpha"] * tN / Np * UN * ((1.0 - eN) - eN * N / p["RN_star"]),
    }


def rescal_dc_law(unique_col: str = "uD") -> Law:
    """ReScaL's ``DC_law``, reading unique tokens from ``unique_col``.

    ``L = E + A / N'^alpha + B / D'^beta`` with ``D' = U_D + R_D* U_D (1 - e^(-D/R_D*))``,
    ``U_N = 0.051 U_D`` and ``N' = U_N + R_N* U_N (1 - e^(-N/R_N*))``. Unlike
    Muennighoff et al., the exponents use raw D and N rather than repetitions,
    so for real token counts ``D' = (1 + R_D*) U_D`` and ``N' = (1 + R_N*) U_N``:
    the law ignores N and D.

    Examples
    --------
    >>> law = rescal_dc_law()
    >>> law.columns
    ('N', 'D', 'uD')
    """
    law = Law(
        name="rescal_dc",
        fn=_dc_fn,
        jac=_dc_jac,
        params=tuple(Param(n) for n in ("A", "B", "E", "alpha", "beta", "RD_star", "RN_star")),
        inputs=("N", "D", "unique_tokens"),
        formula="L = E + A / N'^alpha + B / D'^beta, D' = U_D (1 + RD*(1 - exp(-D/RD*))), "
                "N' = U_N (1 + RN*(1 - exp(-N/RN*))), U_N = 0.051 U_D",
        reference="ReScaL release (github.com/Anony0110/ReScaL), DC_law, as described in PROTOCOL.md section 4",
        description="ReScaL's data-constrained baseline (not Muennighoff et al.'s law)",
    )
    return law.with_inputs(unique_tokens=unique_col) if unique_col != "unique_tokens" else law


def data_constrained_faithful(unique_col: str = "uD") -> LawPredictor:
    """Muennighoff et al.'s data-constrained law (Huber on log loss, multi-start), unique tokens from ``unique_col``."""
    return LawPredictor(law=get_law("data_constrained").with_inputs(unique_tokens=unique_col))


def _domains(columns, prefix):
    return [c[len(prefix):] for c in columns if c.startswith(prefix) and len(c) > len(prefix)]


def _mix_law(domains, ratio_prefix):
    law = mixing_law(domains)
    return law.with_inputs(**{f"w_{d}": f"{ratio_prefix}{d}" for d in domains})


class RescalMixLawPredictor(BasePredictor):
    """ReScaL's pooled data-mixing baseline (``mix3_law`` on DENSE4, ``mix5_law`` on DENSE5).

    ``L = c + k exp(sum_i t_i r_i)`` over the mixture-ratio columns, one fit
    pooling every validation domain and checkpoint; starts ``c = k = 2``
    (bounded below by 0) and ``t_i = 0`` (unbounded), raw least squares,
    L-BFGS-B on lmfit's transformed parameters.

    Parameters
    ----------
    ratio_prefix : str, default="r_"
        Prefix of the mixture-ratio columns.

    Attributes
    ----------
    domains_ : list of str
    law_ : Law
    params_ : dict
    """

    def __init__(self, *, ratio_prefix="r_"):
        self.ratio_prefix = ratio_prefix

    def fit(self, table):
        table = as_fit_table(table)
        domains = _domains(table.columns, self.ratio_prefix)
        if not domains:
            msg = f"RescalMixLawPredictor needs mixture-ratio columns named '{self.ratio_prefix}<domain>'"
            raise ValueError(msg)
        law = _mix_law(domains, self.ratio_prefix)
        start = {"c": 2.0, "k": 2.0, **{f"t_{d}": 0.0 for d in domains}}
        bounds = {"c": (0.0, math.inf), "k": (0.0, math.inf)}
        params, ok = fit_boxed(law, table.inputs(law.columns), table.y, start, bounds)
        self.domains_, self.law_ = domains, law
        self.params_ = params if ok else start
        return self

    def predict(self, table) -> np.ndarray:
        check_is_fitted(self)
        X = law_inputs(frame_of(table), self.law_.columns)
        return np.asarray(self.law_(self.params_, X), dtype=float)


class MixingPerDomainPredictor(BasePredictor):
    """The data mixing law as Ye et al. use it: one fit per validation domain.

    Rows are routed by one-hot validation-domain columns (``val_<domain>``);
    each domain gets its own ``mixing`` law ``c + k exp(sum_j t_j r_j)`` on
    the mixture-ratio columns, fitted by `LawPredictor` (Huber on log loss,
    multi-start).

    Parameters
    ----------
    law : str, default="mixing"
        ``"mixing"`` (Ye et al.) or ``"mixing_nd"`` (adds a Chinchilla N, D term).
    domain_prefix : str, default="val_"
    ratio_prefix : str, default="r_"

    Attributes
    ----------
    models_ : dict of str to LawPredictor
        One fitted law per validation domain seen in training.
    """

    def __init__(self, *, law="mixing", domain_prefix="val_", ratio_prefix="r_"):
        self.law = law
        self.domain_prefix = domain_prefix
        self.ratio_prefix = ratio_prefix

    def fit(self, table):
        table = as_fit_table(table)
        domains = _domains(table.columns, self.ratio_prefix)
        vals = _domains(table.columns, self.domain_prefix)
        if not domains or not vals:
            msg = (f"MixingPerDomainPredictor needs '{self.domain_prefix}<domain>' and "
                   f"'{self.ratio_prefix}<domain>' columns")
            raise ValueError(msg)
        base = get_law(self.law).concrete(tuple(f"w_{d}" for d in domains))
        law = base.with_inputs(**{f"w_{d}": f"{self.ratio_prefix}{d}" for d in domains})
        frame = table.frame
        self.models_ = {}
        for v in vals:
            rows = np.flatnonzero(frame[f"{self.domain_prefix}{v}"].to_numpy(dtype=float) == 1)
            if rows.size:
                self.models_[v] = LawPredictor(law=law).fit(table.subset(rows))
        return self

    def predict(self, table) -> np.ndarray:
        check_is_fitted(self)
        frame = frame_of(table)
        out = np.full(len(frame), np.nan)
        for v, model in self.models_.items():
            rows = np.flatnonzero(frame[f"{self.domain_prefix}{v}"].to_numpy(dtype=float) == 1)
            if rows.size:
                X = law_inputs(frame.iloc[rows], model.law_.columns)
                out[rows] = model.law_(model.fit_result_.params, X)
        return out
