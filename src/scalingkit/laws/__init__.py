"""The law zoo: pure law functions with declarative specs, and their registry.

Use `get_law` to look a law up by name, `list_laws` to see them all, and
`register_law` to add your own ``Law(fn, params, inputs)``.
"""

from __future__ import annotations

from ..exceptions import UnknownNameError
from ._spec import Law, Param
from .chinchilla import CHINCHILLA, chinchilla, chinchilla_optimal_allocation
from .data_constrained import (
    DATA_CONSTRAINED,
    DATA_CONSTRAINED_PUBLISHED,
    data_constrained,
    data_constrained_optimal_n,
)
from .farseer import FARSEER, FARSEER_PUBLISHED, farseer
from .kaplan import KAPLAN, KAPLAN_PUBLISHED, kaplan
from .lr_anneal import LR_ANNEAL, lr_anneal, lr_areas
from .mixing import MIXING, MIXING_ND, mixing_law, mixing_nd_law
from .overtraining import OVERTRAINING, overtraining
from .power import POWER, POWER_COMPUTE, power

__all__ = [
    "DATA_CONSTRAINED_PUBLISHED",
    "FARSEER_PUBLISHED",
    "KAPLAN_PUBLISHED",
    "Law",
    "Param",
    "chinchilla",
    "chinchilla_optimal_allocation",
    "data_constrained",
    "data_constrained_optimal_n",
    "farseer",
    "kaplan",
    "lr_anneal",
    "lr_areas",
    "mixing_law",
    "mixing_nd_law",
    "overtraining",
    "power",
    "get_law",
    "list_laws",
    "register_law",
]

_REGISTRY: dict[str, Law] = {}


def register_law(law: Law, *, overwrite: bool = False) -> Law:
    """Add ``law`` to the registry under ``law.name`` and return it.

    Raises
    ------
    ValueError
        If the name is taken and ``overwrite`` is False.
    """
    if not isinstance(law, Law):
        msg = f"register_law expects a scalingkit.laws.Law, got {type(law).__name__}"
        raise TypeError(msg)
    if law.name in _REGISTRY and not overwrite:
        msg = f"a law named '{law.name}' is already registered; pass overwrite=True to replace it"
        raise ValueError(msg)
    _REGISTRY[law.name] = law
    return law


def get_law(name: str | Law) -> Law:
    """Return the registered law called ``name`` (a `Law` is returned as is)."""
    if isinstance(name, Law):
        return name
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownNameError("law", name, sorted(_REGISTRY)) from None  # noqa: EM101


def list_laws() -> list[Law]:
    """All registered laws, sorted by name."""
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


for _law in (
    CHINCHILLA,
    DATA_CONSTRAINED,
    FARSEER,
    KAPLAN,
    LR_ANNEAL,
    MIXING,
    MIXING_ND,
    OVERTRAINING,
    POWER,
    POWER_COMPUTE,
):
    register_law(_law)
