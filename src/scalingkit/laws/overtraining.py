"""Over-training law (Gadre et al. 2024): L(C, M) = E + (a M^eta + b M^-eta) C^-eta."""

from __future__ import annotations

import math

import numpy as np

from ._spec import Law, Param

__all__ = ["OVERTRAINING", "overtraining", "overtraining_jacobian"]

_LOG6 = math.log(6.0)


def _parts(params, X):
    logN = np.log(np.asarray(X["N"], dtype=float))
    logD = np.log(np.asarray(X["D"], dtype=float))
    eta = params["eta"]
    lN = _LOG6 + 2.0 * logN  # log(6 N^2) = log(C / M)
    lD = _LOG6 + 2.0 * logD  # log(6 D^2) = log(C M)
    tN = np.exp(-eta * lN)  # M^eta C^-eta
    tD = np.exp(-eta * lD)  # M^-eta C^-eta
    return lN, lD, tN, tD


def overtraining(params, X):
    """Gadre et al. loss law in compute and token multiplier.

    ``L = E + (a M^eta + b M^(-eta)) C^(-eta)`` with ``C = 6 N D`` and
    ``M = D / N`` computed from the inputs. Since ``M^eta C^-eta = 6^-eta
    N^(-2 eta)`` and ``M^-eta C^-eta = 6^-eta D^(-2 eta)``, this is exactly

        L = E + a' N^(-2 eta) + b' D^(-2 eta),   a' = a 6^-eta,  b' = b 6^-eta,

    i.e. Chinchilla with tied exponents alpha = beta = 2 eta, and is evaluated
    in that form. For fixed M the reducible loss is a pure power law in C.

    The authors' code (``mlfoundations/scaling``, ``scaling/laws.py``,
    ``powlaw_ours((N, M), alpha, beta, b, E) = alpha N^b + beta 6^(b/2) (M N)^b + E``)
    uses a different constant convention; it maps to ours by ``b_code = -2 eta``,
    ``beta_code = b`` and ``alpha_code = a 6^-eta``.

    Parameters
    ----------
    params : mapping
        ``E``, ``a``, ``b`` (> 0) and ``eta``.
    X : mapping
        ``N`` (parameters) and ``D`` (tokens).

    Returns
    -------
    ndarray
        Predicted loss.

    References
    ----------
    Gadre et al. (2024), "Language models scale reliably with over-training
    and on downstream tasks", arXiv 2403.08540, the L(C, M) law;
    ``mlfoundations/scaling`` ``scaling/laws.py``.
    """
    _, _, tN, tD = _parts(params, X)
    return params["E"] + params["a"] * tN + params["b"] * tD


def overtraining_jacobian(params, X):
    """Analytic derivatives of `overtraining` (natural units)."""
    lN, lD, tN, tD = _parts(params, X)
    a, b = params["a"], params["b"]
    return {
        "E": np.ones_like(np.asarray(params["E"], dtype=float)),
        "a": tN,
        "b": tD,
        "eta": -a * tN * lN - b * tD * lD,
    }


_exp_grid = tuple(float(v) for v in np.exp(np.arange(0.0, 25.0 + 1e-9, 5.0)))

OVERTRAINING = Law(
    name="overtraining",
    fn=overtraining,
    jac=overtraining_jacobian,
    params=(
        Param("E", (0.0, np.inf), tuple(float(v) for v in np.exp(np.arange(-1.0, 1.0 + 1e-9, 0.5))), "log",
              "irreducible loss"),
        Param("a", (0.0, np.inf), _exp_grid, "log", "coefficient of M^eta C^-eta (the finite-N term)"),
        Param("b", (0.0, np.inf), _exp_grid, "log", "coefficient of M^-eta C^-eta (the finite-D term)"),
        Param("eta", (0.0, 2.5), (0.05, 0.15, 0.25, 0.5), description="compute exponent (= half the N and D exponent)"),
    ),
    inputs=("N", "D"),
    formula="L = E + (a M^eta + b M^-eta) C^-eta,  C = 6 N D,  M = D / N",
    reference=("Gadre et al. 2024 (arXiv 2403.08540), L(C, M) law; "
               "code: mlfoundations/scaling scaling/laws.py powlaw_ours"),
    description="Over-training law: Chinchilla with tied exponents, written in compute and tokens per parameter",
    min_distinct={"N": 2, "D": 2},
    linear=("E", "a", "b"),
)
