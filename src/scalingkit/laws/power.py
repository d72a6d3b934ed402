"""One-dimensional power law with offset, y = E + A x^-alpha."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ._spec import Law, Param

__all__ = ["POWER", "POWER_COMPUTE", "power", "power_jacobian"]


def power(params, X):
    """Saturating power law in one variable.

    ``y = E + A x^(-alpha)``, evaluated as ``E + A exp(-alpha log x)``. The
    input is called ``x``; read another column with
    ``law.with_inputs(x="C")`` (registered as ``"power_compute"``, for loss
    against compute C = 6 N D).

    Parameters
    ----------
    params : mapping
        ``E``, ``A`` (>= 0) and ``alpha``.
    X : mapping
        ``x`` (> 0).

    Returns
    -------
    ndarray
        Prediction.

    References
    ----------
    Kaplan et al. (2020), Eq. (1.1)-(1.3) (pure power laws in N, D and C);
    Hoffmann et al. (2022), Eq. (2) (the irreducible offset E).

    Examples
    --------
    >>> float(power({"E": 1.0, "A": 2.0, "alpha": 1.0}, {"x": 4.0}))
    1.5
    """
    logx = np.log(np.asarray(X["x"], dtype=float))
    return params["E"] + params["A"] * np.exp(-params["alpha"] * logx)


def power_jacobian(params, X):
    """Analytic derivatives of `power` (natural units)."""
    logx = np.log(np.asarray(X["x"], dtype=float))
    t = np.exp(-params["alpha"] * logx)
    return {
        "E": np.ones_like(np.asarray(params["E"], dtype=float)),
        "A": t,
        "alpha": -params["A"] * t * logx,
    }


POWER = Law(
    name="power",
    fn=power,
    jac=power_jacobian,
    params=(
        Param("E", (0.0, np.inf), tuple(math.exp(v) for v in (-1.0, 0.0, 1.0)), "log", "asymptote (irreducible loss)"),
        Param("A", (0.0, np.inf), tuple(math.exp(v) for v in (0.0, 5.0, 10.0, 15.0, 20.0, 25.0)), "log",
              "scale of the power-law term"),
        Param("alpha", (0.0, 5.0), (0.05, 0.1, 0.2, 0.4, 0.8), description="exponent"),
    ),
    inputs=("x",),
    formula="y = E + A * x^(-alpha)",
    reference="Kaplan et al. 2020, Eq. 1.1-1.3 (power laws); Hoffmann et al. 2022, Eq. 2 (offset E)",
    description="Power law with offset in one variable (rename the input with with_inputs(x=...))",
    min_distinct={"x": 3},
    linear=("E", "A"),
)

POWER_COMPUTE = replace(
    POWER.with_inputs(x="C"),
    name="power_compute",
    description="Power law with offset in compute C = 6 N D (loss against training FLOPs)",
)
