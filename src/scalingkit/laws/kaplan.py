"""Kaplan et al. (2020) joint law, L(N, D) = [(Nc/N)^(alpha_N/alpha_D) + Dc/D]^alpha_D."""

from __future__ import annotations

import numpy as np

from ._spec import Law, Param

__all__ = ["KAPLAN", "KAPLAN_PUBLISHED", "kaplan", "kaplan_jacobian"]

#: Table 2 of Kaplan et al. (2020), the joint L(N, D) fit (N = non-embedding parameters).
KAPLAN_PUBLISHED = {"Nc": 6.4e13, "Dc": 1.8e13, "alpha_N": 0.076, "alpha_D": 0.103}


def _parts(params, X):
    """Log-space pieces: u = (aN/aD) log(Nc/N), v = log(Dc/D), s = logaddexp(u, v)."""
    logN = np.log(np.asarray(X["N"], dtype=float))
    logD = np.log(np.asarray(X["D"], dtype=float))
    aN = np.asarray(params["alpha_N"], dtype=float)
    aD = np.asarray(params["alpha_D"], dtype=float)
    lnc = np.log(params["Nc"]) - logN
    u = (aN / aD) * lnc
    v = np.log(params["Dc"]) - logD
    s = np.logaddexp(u, v)
    return aN, aD, lnc, u, v, s


def kaplan(params, X):
    """Kaplan et al. joint loss law (Eq. 1.5 / 4.1), evaluated in log space.

    ``L = exp(alpha_D * logaddexp((alpha_N/alpha_D) log(Nc/N), log(Dc/D)))``,
    which equals ``[(Nc/N)^(alpha_N/alpha_D) + Dc/D]^alpha_D`` but cannot
    overflow when ``Nc/N`` is huge.

    Parameters
    ----------
    params : mapping
        ``Nc``, ``Dc`` (> 0), ``alpha_N``, ``alpha_D`` (> 0); arrays
        broadcasting against the inputs.
    X : mapping
        ``N`` (non-embedding parameters in the paper) and ``D`` (tokens).

    Returns
    -------
    ndarray
        Predicted loss in nats/token.

    References
    ----------
    Kaplan et al. (2020), "Scaling Laws for Neural Language Models",
    Eq. (1.5) and Table 2 (alpha_N=0.076, alpha_D=0.103, Nc=6.4e13, Dc=1.8e13).
    """
    _, aD, _, _, _, s = _parts(params, X)
    return np.exp(aD * s)


def kaplan_jacobian(params, X):
    """Analytic derivatives of `kaplan` with respect to each parameter (natural units).

    With ``p_u = exp(u - s)`` and ``p_v = exp(v - s)`` the softmax weights of
    the two terms, ``dL/dNc = L aN p_u / Nc``, ``dL/dDc = L aD p_v / Dc``,
    ``dL/daN = L p_u log(Nc/N)`` and ``dL/daD = L (s - p_u u)``.
    """
    aN, aD, lnc, u, v, s = _parts(params, X)
    L = np.exp(aD * s)
    pu = np.exp(u - s)
    pv = np.exp(v - s)
    return {
        "Nc": L * aN * pu / params["Nc"],
        "Dc": L * aD * pv / params["Dc"],
        "alpha_N": L * pu * lnc,
        "alpha_D": L * (s - pu * u),
    }


KAPLAN = Law(
    name="kaplan",
    fn=kaplan,
    jac=kaplan_jacobian,
    params=(
        Param("Nc", (0.0, np.inf), (1e9, 1e11, 6.4e13, 1e15), "log", "parameter scale (N at which L(N) = 1)"),
        Param("Dc", (0.0, np.inf), (1e9, 1e11, 1.8e13, 1e15), "log", "data scale (D at which L(D) = 1)"),
        Param("alpha_N", (1e-4, 3.0), (0.03, 0.076, 0.2, 0.5), description="parameter exponent"),
        Param("alpha_D", (1e-4, 3.0), (0.03, 0.103, 0.2, 0.5), description="data exponent"),
    ),
    inputs=("N", "D"),
    formula="L = [(Nc / N)^(alpha_N / alpha_D) + Dc / D]^alpha_D",
    reference="Kaplan et al. 2020, Eq. 1.5 / 4.1 and Table 2",
    description="Kaplan: joint (non-separable) power law in N and D, no irreducible term",
    min_distinct={"N": 2, "D": 2},
)
