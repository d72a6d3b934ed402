"""Data mixing laws (Ye et al. 2025): loss as an exponential in the training-mixture proportions.

Two laws, both built per table because the number of coefficients is the
number of domains. A runs table stores domain proportions in columns
``w_<domain>``; `MIXING.concrete(columns)` (the ``resolve`` hook) builds a law
with one coefficient ``t_<domain>`` per such column:

- ``"mixing"``: ``L(r) = c + k exp(sum_j t_j r_j)`` for one validation domain
  (Ye et al. 2025, the per-domain law).
- ``"mixing_nd"``: ``L(N, D, r) = E + (A / N^alpha + B / D^beta) exp(sum_j t_j r_j)``,
  our choice of combination: the Chinchilla reducible loss (Hoffmann et al.
  2022) is scaled by the mixture factor of Ye et al.

Identifiability: proportions sum to one, so shifting every ``t_j`` by ``s``
and dividing ``k`` (or ``A`` and ``B``) by ``e^s`` leaves the law unchanged.
Nothing is fixed by default (the fitter's damping copes with the flat
direction, and predictions are unaffected); the ``t_j`` are bounded to
[-20, 20] so that the flat direction cannot run away. The identified
quantities are ``c`` and ``k e^{t_j}`` (the reducible loss when training on
domain j alone). To pin the redundancy, fix one coefficient:
``law.fix(t_web=0.0)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..exceptions import DataValidationError
from ._spec import Law, Param

__all__ = ["MIXING", "MIXING_ND", "mixing_law", "mixing_nd_law", "proportion_columns"]

_T_BOUNDS = (-20.0, 20.0)
_GRID_BUDGET = 5000
_PREFIX = "w_"
_ND_REFERENCE = (
    "mixture factor: Ye et al. 2025 (arXiv 2403.16952), per-domain law; N, D terms: Hoffmann et al. 2022, Eq. 2"
)


def proportion_columns(columns: Sequence[str]) -> list[str]:
    """Domains of the mixture-proportion columns (``w_<domain>``) among ``columns``, in order."""
    return [c[len(_PREFIX):] for c in columns if c.startswith(_PREFIX) and len(c) > len(_PREFIX)]


def _check_domains(domains, name):
    domains = [str(d) for d in domains]
    if not domains:
        msg = f"law '{name}' needs at least one mixture domain; got none"
        raise ValueError(msg)
    dup = sorted({d for d in domains if domains.count(d) > 1})
    if dup:
        msg = f"law '{name}': duplicate mixture domains {dup}"
        raise ValueError(msg)
    return tuple(domains)


def _t_init(n_domains, base_size):
    """Per-domain start values, as many as the start-grid budget allows."""
    for vals in ((-3.0, 0.0, 3.0), (-2.0, 2.0)):
        if base_size * len(vals) ** n_domains <= _GRID_BUDGET:
            return vals
    return (0.0,)


def _exponent(params, X, domains):
    z = 0.0
    for d in domains:
        z = z + params[f"t_{d}"] * np.asarray(X[f"{_PREFIX}{d}"], dtype=float)
    return z


def _t_params(domains, base_size):
    init = _t_init(len(domains), base_size)
    return tuple(Param(f"t_{d}", _T_BOUNDS, init, description=f"effect of the proportion of '{d}' (log scale)")
                 for d in domains)


def _resolver(build, name):
    def resolve(columns):
        domains = proportion_columns(columns)
        if not domains:
            msg = (f"law '{name}' reads mixture proportions from columns named '{_PREFIX}<domain>', "
                   f"but the table has none (columns: {list(columns)})")
            raise DataValidationError(msg, column=f"{_PREFIX}*")
        return build(domains)
    return resolve


# -- pure mixture law -------------------------------------------------------------------------------


def mixing_law(domains: Sequence[str]) -> Law:
    """Data mixing law for one validation domain, with one coefficient per training domain.

    ``L(r) = c + k exp(sum_j t_j r_j)``, reading proportions ``r_j`` from
    columns ``w_<domain>``.

    Parameters
    ----------
    domains : sequence of str
        Training domains (column ``w_<d>``, coefficient ``t_<d>`` for each).

    Returns
    -------
    Law
        A concrete law named ``"mixing"``.

    Raises
    ------
    ValueError
        If ``domains`` is empty or has duplicates.

    References
    ----------
    Ye et al. (2025), "Data Mixing Laws: Optimizing Data Mixtures by
    Predicting Language Modeling Performance", ICLR, arXiv 2403.16952, the per-domain law
    (code: ``yegcjs/mixinglaws``, ``exp(log_c) + exp(log_k + r . t)``).

    Examples
    --------
    >>> law = mixing_law(["web", "code"])
    >>> law.param_names
    ('c', 'k', 't_web', 't_code')
    >>> float(law({"c": 1.0, "k": 2.0, "t_web": 0.0, "t_code": 0.0}, {"w_web": 0.5, "w_code": 0.5}))
    3.0
    """
    domains = _check_domains(domains, "mixing")

    def fn(params, X):
        return params["c"] + params["k"] * np.exp(_exponent(params, X, domains))

    def jac(params, X):
        term = params["k"] * np.exp(_exponent(params, X, domains))
        out = {"c": np.ones_like(np.asarray(params["c"], dtype=float)), "k": term / params["k"]}
        for d in domains:
            out[f"t_{d}"] = term * np.asarray(X[f"{_PREFIX}{d}"], dtype=float)
        return out

    base = (
        Param("c", (0.0, np.inf), (math.exp(-2.0), math.exp(-0.25), math.exp(1.5)), "log",
              "irreducible loss of the validation domain"),
        Param("k", (0.0, np.inf), (math.exp(-6.0), math.exp(-2.5), math.exp(1.0)), "log",
              "scale of the mixture-dependent term"),
    )
    return Law(
        name="mixing",
        fn=fn,
        jac=jac,
        params=base + _t_params(domains, 9),
        inputs=tuple(f"{_PREFIX}{d}" for d in domains),
        formula="L = c + k * exp(" + " + ".join(f"t_{d} * w_{d}" for d in domains) + ")",
        reference="Ye et al. 2025 (ICLR; arXiv 2403.16952), per-domain law",
        description="Data mixing law: one validation domain's loss, exponential in the mixture proportions",
        min_distinct={f"{_PREFIX}{d}": 2 for d in domains},
    )


# -- mixture x (N, D) law ---------------------------------------------------------------------------


def _reducible(params, X):
    logN = np.log(np.asarray(X["N"], dtype=float))
    logD = np.log(np.asarray(X["D"], dtype=float))
    tN = params["A"] * np.exp(-params["alpha"] * logN)
    tD = params["B"] * np.exp(-params["beta"] * logD)
    return logN, logD, tN, tD


def mixing_nd_law(domains: Sequence[str]) -> Law:
    """Data mixing law combined with Chinchilla's N and D terms.

    ``L(N, D, r) = E + (A / N^alpha + B / D^beta) exp(sum_j t_j r_j)``: the
    reducible loss is scaled by the mixture factor. This combination is our
    choice; the exponential mixture factor is Ye et al.'s, the N, D part
    Hoffmann et al.'s.

    Parameters
    ----------
    domains : sequence of str
        Training domains (column ``w_<d>``, coefficient ``t_<d>`` for each).

    Returns
    -------
    Law
        A concrete law named ``"mixing_nd"``.

    Raises
    ------
    ValueError
        If ``domains`` is empty or has duplicates.

    References
    ----------
    Ye et al. (2025), arXiv 2403.16952 (mixture factor); Hoffmann et
    al. (2022), Eq. (2) (N, D terms).
    """
    domains = _check_domains(domains, "mixing_nd")

    def fn(params, X):
        _, _, tN, tD = _reducible(params, X)
        return params["E"] + (tN + tD) * np.exp(_exponent(params, X, domains))

    def jac(params, X):
        logN, logD, tN, tD = _reducible(params, X)
        f = np.exp(_exponent(params, X, domains))
        red = (tN + tD) * f
        out = {
            "E": np.ones_like(np.asarray(params["E"], dtype=float)),
            "A": tN / params["A"] * f,
            "B": tD / params["B"] * f,
            "alpha": -tN * logN * f,
            "beta": -tD * logD * f,
        }
        for d in domains:
            out[f"t_{d}"] = red * np.asarray(X[f"{_PREFIX}{d}"], dtype=float)
        return out

    base = (
        Param("E", (0.0, np.inf), (math.exp(-0.5), math.exp(0.5)), "log", "irreducible loss"),
        Param("A", (0.0, np.inf), (1.0, math.exp(6.0), math.exp(12.0)), "log", "scale of the parameter term"),
        Param("B", (0.0, np.inf), (1.0, math.exp(6.0), math.exp(12.0)), "log", "scale of the data term"),
        Param("alpha", (0.0, 5.0), (0.3, 0.7), description="parameter exponent"),
        Param("beta", (0.0, 5.0), (0.3, 0.7), description="data exponent"),
    )
    return Law(
        name="mixing_nd",
        fn=fn,
        jac=jac,
        params=base + _t_params(domains, 72),
        inputs=("N", "D", *(f"{_PREFIX}{d}" for d in domains)),
        formula="L = E + (A / N^alpha + B / D^beta) * exp(" + " + ".join(f"t_{d} * w_{d}" for d in domains) + ")",
        reference=_ND_REFERENCE,
        description="Chinchilla reducible loss scaled by a data-mixing-law factor exp(sum t_j w_j) (our combination)",
        min_distinct={"N": 2, "D": 2, **{f"{_PREFIX}{d}": 2 for d in domains}},
    )


# -- registry entries: resolved against a table's w_<domain> columns ----------------------------------


def _unresolved(name):
    def fn(params, X):
        msg = (f"law '{name}' has one coefficient per mixture domain: build it for a table with "
               f"law.concrete(columns) (columns named '{_PREFIX}<domain>') or with {name}_law(domains)")
        raise TypeError(msg)
    return fn


MIXING = Law(
    name="mixing",
    fn=_unresolved("mixing"),
    params=mixing_law(["_"]).params[:2],
    inputs=(),
    formula="L = c + k * exp(sum_j t_j * w_j), one t_<domain> per column w_<domain>",
    reference="Ye et al. 2025 (ICLR; arXiv 2403.16952), per-domain law",
    description="Data mixing law for one validation domain (coefficients resolved from w_<domain> columns)",
    resolve=_resolver(mixing_law, "mixing"),
)

MIXING_ND = Law(
    name="mixing_nd",
    fn=_unresolved("mixing_nd"),
    params=mixing_nd_law(["_"]).params[:5],
    inputs=("N", "D"),
    formula="L = E + (A / N^alpha + B / D^beta) * exp(sum_j t_j * w_j), one t_<domain> per column w_<domain>",
    reference=_ND_REFERENCE,
    description="Chinchilla reducible loss scaled by a data-mixing factor (coefficients resolved from w_<domain>)",
    min_distinct={"N": 2, "D": 2},
    resolve=_resolver(mixing_nd_law, "mixing_nd"),
)
