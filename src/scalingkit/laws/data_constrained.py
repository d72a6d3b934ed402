"""Data-constrained scaling law (Muennighoff et al. 2023): repeated tokens and excess parameters decay."""

from __future__ import annotations

import math

import numpy as np

from ._spec import Law, Param

__all__ = [
    "DATA_CONSTRAINED",
    "DATA_CONSTRAINED_PUBLISHED",
    "data_constrained",
    "data_constrained_jacobian",
    "data_constrained_optimal_n",
]

#: C4 fit of Muennighoff et al. (huggingface/datablations README, "Parametric Fit"):
#: a, b, e, alpha, beta, rd_star, rn_star = 6.255414, 7.3049974, 0.6254804, 0.3526596, 0.3526596,
#: 15.387756, 5.309743, with A = e^a, B = e^b, E = e^e. Unrounded, as the README uses them.
DATA_CONSTRAINED_PUBLISHED = {
    "E": math.exp(0.6254804),
    "A": math.exp(6.255414),
    "B": math.exp(7.3049974),
    "alpha": 0.3526596,
    "beta": 0.3526596,
    "RD_star": 15.387756,
    "RN_star": 5.309743,
}


def _log_n_opt(params, logU):
    """log N_opt(U): compute-optimal N for U training tokens under the base Chinchilla law.

    ``N_opt(U) = G (U G)^(beta/alpha)``, ``G = (alpha A / (beta B))^(1/(alpha+beta))``
    (datablations ``D_to_N``), i.e. ``log N_opt = K / alpha + (beta/alpha) log U``
    with ``K = log(alpha A) - log(beta B)``.
    """
    a, b = params["alpha"], params["beta"]
    K = np.log(a) + np.log(params["A"]) - np.log(b) - np.log(params["B"])
    return K / a + (b / a) * logU


def data_constrained_optimal_n(params, unique_tokens):
    """Compute-optimal parameter count for ``unique_tokens`` tokens seen once.

    Parameters
    ----------
    params : mapping
        At least ``A``, ``B``, ``alpha``, ``beta`` of the base Chinchilla law.
    unique_tokens : array-like
        Unique tokens U_D.

    Returns
    -------
    ndarray
        ``N_opt(U_D) = G (U_D G)^(beta/alpha)``, the N that the base law
        allocates to a compute budget whose optimal D is ``U_D``.
    """
    return np.exp(_log_n_opt(params, np.log(np.asarray(unique_tokens, dtype=float))))


def _effective(logU, R, Rstar):
    """log of U (1 + R* (1 - exp(-R/R*))), plus x = R/R* and 1 - exp(-x)."""
    x = R / Rstar
    decay = -np.expm1(-x)
    return logU + np.log1p(Rstar * decay), x, decay


def _parts(params, X):
    N = np.asarray(X["N"], dtype=float)
    D = np.asarray(X["D"], dtype=float)
    U = np.asarray(X["unique_tokens"], dtype=float)
    logN, logD, logU = np.log(N), np.log(D), np.log(U)
    RD = np.maximum(np.expm1(logD - logU), 0.0)  # repetitions: epochs - 1
    log_nopt = _log_n_opt(params, logU)
    capped = log_nopt < logN  # U_N = N_opt(U_D) < N: the model has excess parameters
    logUN = np.where(capped, log_nopt, logN)
    RN = np.expm1(logN - logUN)  # excess parameters, >= 0 by construction
    logDp, xD, decD = _effective(logU, RD, params["RD_star"])
    logNp, xN, decN = _effective(logUN, RN, params["RN_star"])
    tN = params["A"] * np.exp(-params["alpha"] * logNp)
    tD = params["B"] * np.exp(-params["beta"] * logDp)
    return dict(logU=logU, log_nopt=log_nopt, capped=capped, logUN=logUN, logNp=logNp, logDp=logDp,
                xD=xD, decD=decD, xN=xN, decN=decN, tN=tN, tD=tD, logN=logN)


def data_constrained(params, X):
    """Loss under data repetition and excess parameters (Muennighoff et al. 2023).

    ``L = E + A / N'^alpha + B / D'^beta`` with effective data and parameters

    - ``D' = U_D + U_D R_D* (1 - exp(-R_D / R_D*))``, ``R_D = max(D / U_D - 1, 0)``;
    - ``N' = U_N + U_N R_N* (1 - exp(-R_N / R_N*))``, ``R_N = N / U_N - 1``,
      ``U_N = min(N, N_opt(U_D))``. ``N_opt(U_D) = G (U_D G)^(beta/alpha)``,
      with ``G = (alpha A / (beta B))^(1/(alpha+beta))``, is the parameter
      count that the base Chinchilla law allocates to the compute budget
      whose optimal token count is ``U_D`` (the README's ``D_to_N``, the
      notebook's ``optimal_N(D_to_C(U))``; see `data_constrained_optimal_n`).

    ``U_N`` depends on (A, B, alpha, beta) through ``N_opt``; a joint fit
    therefore moves the cap with the base law. Rows with one epoch and no
    excess parameters reduce to Chinchilla.

    Parameters
    ----------
    params : mapping
        ``E``, ``A``, ``B``, ``alpha``, ``beta``, ``RD_star``, ``RN_star``.
    X : mapping
        ``N`` (parameters), ``D`` (total training tokens) and
        ``unique_tokens`` (U_D; rows with ``D < U_D`` count as one epoch).

    Returns
    -------
    ndarray
        Predicted loss.

    References
    ----------
    Muennighoff et al. (2023), "Scaling Data-Constrained Language Models",
    NeurIPS (arXiv 2305.16264), the data-constrained law;
    ``huggingface/datablations`` README "Parametric Fit" (``scaling_law``,
    ``D_to_N``) and ``utils/parametric_fit.ipynb``.

    Examples
    --------
    The README's worked example (Figure 1, right):

    >>> from scalingkit.laws.data_constrained import data_constrained, DATA_CONSTRAINED_PUBLISHED as P
    >>> float(data_constrained(P, {"N": 6.34e9, "D": 242e9, "unique_tokens": 25e9}))  # doctest: +ELLIPSIS
    2.22564408899...
    """
    p = _parts(params, X)
    return params["E"] + p["tN"] + p["tD"]


def data_constrained_jacobian(params, X):
    """Analytic derivatives of `data_constrained` (natural units).

    The cap ``U_N = min(N, N_opt(U_D))`` is differentiated along the branch
    taken: where ``U_N = N_opt``, ``N'`` depends on (A, B, alpha, beta) through
    ``N_opt``, and ``dN'/dU_N = 1 + R_N* (1 - e^-x) - (N / U_N) e^-x`` with
    ``x = R_N / R_N*``.
    """
    p = _parts(params, X)
    a, b, A, B = params["alpha"], params["beta"], params["A"], params["B"]
    Np = np.exp(p["logNp"])
    Dp = np.exp(p["logDp"])
    U = np.exp(p["logU"])
    UN = np.exp(p["logUN"])
    tN, tD = p["tN"], p["tD"]
    eN = np.exp(-p["xN"])
    # g = dL/dlog N_opt on capped rows (zero elsewhere)
    dNp_dUN = 1.0 + params["RN_star"] * p["decN"] - np.exp(p["logN"] - p["logUN"]) * eN
    g = np.where(p["capped"], -a * tN / Np * dNp_dUN * UN, 0.0)
    dlog_nopt_da = (1.0 - a * p["log_nopt"]) / a**2
    dlog_nopt_db = (p["logU"] - 1.0 / b) / a
    dD_dR = U * (p["decD"] - p["xD"] * np.exp(-p["xD"]))
    dN_dR = UN * (p["decN"] - p["xN"] * eN)
    return {
        "E": np.ones_like(np.asarray(params["E"], dtype=float)),
        "A": tN / A + g / (a * A),
        "B": tD / B - g / (a * B),
        "alpha": -tN * p["logNp"] + g * dlog_nopt_da,
        "beta": -tD * p["logDp"] + g * dlog_nopt_db,
        "RD_star": -b * tD / Dp * dD_dR,
        "RN_star": -a * tN / Np * dN_dR,
    }


def _exp(*vals):
    return tuple(float(math.exp(v)) for v in vals)


DATA_CONSTRAINED = Law(
    name="data_constrained",
    fn=data_constrained,
    jac=data_constrained_jacobian,
    params=(
        Param("E", (0.0, np.inf), _exp(-0.5, 0.25, 1.0), "log", "irreducible loss"),
        Param("A", (0.0, np.inf), _exp(0.0, 5.0, 10.0, 15.0), "log", "scale of the parameter term"),
        Param("B", (0.0, np.inf), _exp(0.0, 5.0, 10.0, 15.0), "log", "scale of the data term"),
        Param("alpha", (0.01, 3.0), (0.2, 0.5, 1.0), description="parameter exponent"),
        Param("beta", (0.01, 3.0), (0.2, 0.5, 1.0), description="data exponent"),
        Param("RD_star", (0.0, np.inf), (5.0, 15.0, 40.0), "log",
              "decay constant of repeated data (in epochs); D' saturates at U_D (1 + RD_star)"),
        Param("RN_star", (0.0, np.inf), (2.0, 8.0), "log",
              "decay constant of excess parameters; N' saturates at U_N (1 + RN_star)"),
    ),
    inputs=("N", "D", "unique_tokens"),
    formula=("L = E + A / N'^alpha + B / D'^beta; D' = U_D (1 + RD_star (1 - exp(-R_D / RD_star))), "
             "N' = U_N (1 + RN_star (1 - exp(-R_N / RN_star))), U_N = min(N, N_opt(U_D))"),
    reference=("Muennighoff et al. 2023 (NeurIPS, arXiv 2305.16264); "
               "huggingface/datablations README and utils/parametric_fit.ipynb"),
    description="Data-constrained Chinchilla: repeated epochs and excess parameters lose value exponentially",
    min_distinct={"N": 2, "D": 2},
    linear=("E",),
)
