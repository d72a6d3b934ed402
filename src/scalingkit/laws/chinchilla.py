"""Chinchilla loss law, L(N, D) = E + A / N^alpha + B / D^beta."""

from __future__ import annotations

import numpy as np

from ._spec import Law, Param

__all__ = ["CHINCHILLA", "chinchilla", "chinchilla_jacobian", "chinchilla_optimal_allocation"]


def chinchilla(params, X):
    """Chinchilla parametric loss (Hoffmann et al. 2022, Eq. 2 / Approach 3).

    Parameters
    ----------
    params : mapping
        ``E``, ``A``, ``B``, ``alpha``, ``beta``; arrays broadcasting against the inputs.
    X : mapping
        ``N`` (total parameters) and ``D`` (training tokens).

    Returns
    -------
    ndarray
        Predicted loss in nats/token.

    References
    ----------
    Hoffmann et al. (2022), "Training Compute-Optimal Large Language Models",
    Eq. (2) and Sec. 3.3; Besiroglu et al. (2024), "Chinchilla Scaling: A
    replication attempt".
    """
    logN = np.log(np.asarray(X["N"], dtype=float))
    logD = np.log(np.asarray(X["D"], dtype=float))
    return params["E"] + params["A"] * np.exp(-params["alpha"] * logN) + params["B"] * np.exp(-params["beta"] * logD)


def chinchilla_jacobian(params, X):
    logN = np.log(np.asarray(X["N"], dtype=float))
    logD = np.log(np.asarray(X["D"], dtype=float))
    tn = np.exp(-params["alpha"] * logN)
    td = np.exp(-params["beta"] * logD)
    return {
        "E": np.ones_like(params["E"]),
        "A": tn,
        "B": td,
        "alpha": -params["A"] * tn * logN,
        "beta": -params["B"] * td * logD,
    }


def chinchilla_optimal_allocation(params, compute):
    """Compute-optimal N and D for FLOP budget ``compute`` (C = 6 N D).

    N_opt = G (C/6)^(beta/(alpha+beta)), D_opt = G^-1 (C/6)^(alpha/(alpha+beta)),
    G = (alpha A / (beta B))^(1/(alpha+beta)) (Hoffmann et al. 2022, Eq. 4).
    """
    a, b = float(params["alpha"]), float(params["beta"])
    G = (a * float(params["A"]) / (b * float(params["B"]))) ** (1.0 / (a + b))
    c6 = np.asarray(compute, dtype=float) / 6.0
    return G * c6 ** (b / (a + b)), c6 ** (a / (a + b)) / G


_exp_grid = tuple(float(v) for v in np.exp(np.arange(0.0, 25.0 + 1e-9, 5.0)))

CHINCHILLA = Law(
    name="chinchilla",
    fn=chinchilla,
    jac=chinchilla_jacobian,
    params=(
        Param("E", (0.0, np.inf), tuple(float(v) for v in np.exp(np.arange(-1.0, 1.0 + 1e-9, 0.5))), "log",
              "irreducible loss (nats/token)"),
        Param("A", (0.0, np.inf), _exp_grid, "log", "scale of the finite-parameter term"),
        Param("B", (0.0, np.inf), _exp_grid, "log", "scale of the finite-data term"),
        Param("alpha", (0.0, 5.0), (0.0, 0.5, 1.0, 1.5, 2.0), description="parameter exponent"),
        Param("beta", (0.0, 5.0), (0.0, 0.5, 1.0, 1.5, 2.0), description="data exponent"),
    ),
    inputs=("N", "D"),
    formula="L = E + A / N^alpha + B / D^beta",
    reference="Hoffmann et al. 2022, Eq. 2 (Approach 3); start grid of Besiroglu et al. 2024",
    description="Chinchilla: irreducible loss plus separable power laws in N and D",
    min_distinct={"N": 2, "D": 2},
    linear=("E", "A", "B"),
)
