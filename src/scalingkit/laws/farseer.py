"""Farseer law (Li et al. 2025): a power law in D whose coefficient and exponent depend on N."""

from __future__ import annotations

import numpy as np

from ._spec import Law, Param

__all__ = ["FARSEER", "FARSEER_PUBLISHED", "farseer", "farseer_jacobian"]

#: Start constants used by ReScaL for Farseer (N, D raw counts); see
#: ``shared/data/rescal/PROTOCOL.md`` section 3.1.
FARSEER_PUBLISHED = {
    "a1": -0.124, "alpha": 0.123, "b1": 0.424,
    "a2": 88.01, "beta": -0.1, "b2": -6.287,
    "a3": -0.021, "gamma": 0.169, "b3": -0.091,
}


def _parts(params, X):
    logN = np.log(np.asarray(X["N"], dtype=float))
    logD = np.log(np.asarray(X["D"], dtype=float))
    n_a = np.exp(params["alpha"] * logN)
    n_b = np.exp(params["beta"] * logN)
    n_g = np.exp(params["gamma"] * logN)
    expo = np.exp(params["a1"] * n_a + params["b1"])  # data exponent A(N)
    t2 = np.exp(params["a2"] * n_b + params["b2"] - expo * logD)  # B(N) D^-A(N)
    t3 = np.exp(params["a3"] * n_g + params["b3"])  # E + U(N)
    return logN, logD, n_a, n_b, n_g, expo, t2, t3


def farseer(params, X):
    """Farseer loss law.

    ``L = exp(a3 N^gamma + b3) + exp(a2 N^beta + b2) * D^(-exp(a1 N^alpha + b1))``.
    The first term is the D-independent part E + U(N); the second is
    B(N) D^(-A(N)), so both the coefficient and the exponent of the data term
    vary with model size. The D power is computed as ``exp(-A(N) log D)``.

    Parameters
    ----------
    params : mapping
        ``a1``, ``alpha``, ``b1`` (data exponent), ``a2``, ``beta``, ``b2``
        (data coefficient), ``a3``, ``gamma``, ``b3`` (D-independent term).
        Signs are free.
    X : mapping
        ``N`` and ``D`` as raw counts.

    Returns
    -------
    ndarray
        Predicted loss.

    References
    ----------
    Li et al. (2025), "Predictable Scale: Part II, Farseer: A Refined Scaling
    Law in Large Language Models", arXiv 2506.10972 (the final 9-parameter
    form). Start constants from the ReScaL release (``FARSEER_PUBLISHED``).
    """
    *_, t2, t3 = _parts(params, X)
    return t3 + t2


def farseer_jacobian(params, X):
    """Analytic derivatives of `farseer` (natural units)."""
    logN, logD, n_a, n_b, n_g, expo, t2, t3 = _parts(params, X)
    d_b1 = -t2 * logD * expo  # dL/db1; the a1 and alpha derivatives chain through it
    return {
        "a1": d_b1 * n_a,
        "alpha": d_b1 * params["a1"] * n_a * logN,
        "b1": d_b1,
        "a2": t2 * n_b,
        "beta": t2 * params["a2"] * n_b * logN,
        "b2": t2,
        "a3": t3 * n_g,
        "gamma": t3 * params["a3"] * n_g * logN,
        "b3": t3,
    }


def _around(name, factors=(1.0,)):
    v = FARSEER_PUBLISHED[name]
    return tuple(sorted(v * f for f in factors))


_ply = (np.exp(-0.3), 1.0, np.exp(0.3))  # ReScaL's +-30% box, as three start values

FARSEER = Law(
    name="farseer",
    fn=farseer,
    jac=farseer_jacobian,
    params=(
        Param("a1", init=_around("a1"), description="data-exponent N-slope: A(N) = exp(a1 N^alpha + b1)"),
        Param("alpha", (-2.0, 2.0), _around("alpha", _ply), description="data-exponent N-power"),
        Param("b1", init=_around("b1", _ply), description="data-exponent offset"),
        Param("a2", init=_around("a2"), description="data-coefficient N-slope: B(N) = exp(a2 N^beta + b2)"),
        Param("beta", (-2.0, 2.0), _around("beta", _ply), description="data-coefficient N-power"),
        Param("b2", init=_around("b2", _ply), description="data-coefficient offset"),
        Param("a3", init=_around("a3"), description="N-term slope: E + U(N) = exp(a3 N^gamma + b3)"),
        Param("gamma", (-2.0, 2.0), _around("gamma", _ply), description="N-term power"),
        Param("b3", init=_around("b3", _ply), description="N-term offset"),
    ),
    inputs=("N", "D"),
    formula="L = exp(a3 N^gamma + b3) + exp(a2 N^beta + b2) * D^(-exp(a1 N^alpha + b1))",
    reference="Li et al. 2025 (Farseer, arXiv 2506.10972), final 9-parameter law; start constants from ReScaL",
    description="Farseer: D power law whose coefficient and exponent are stretched exponentials in N",
    min_distinct={"N": 3, "D": 2},
)
