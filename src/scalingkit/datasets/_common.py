"""Helpers shared by the loaders: read a registered CSV, parse sizes, build the table."""

from __future__ import annotations

import re

import pandas as pd

from ._fetch import fetch
from ._registry import check_version, get_entry

__all__ = ["check_choice", "domain_key", "parse_size", "read_csv", "to_table"]

_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([kKmMbBtT])\s*$")
_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}


def parse_size(text) -> float:
    """Parse a nominal size such as ``'1.4b'``, ``'70M'`` or ``'2.8B'`` into a number.

    Raises
    ------
    ValueError
        If ``text`` is not a number followed by k, M, B or T.
    """
    match = _SIZE.match(str(text))
    if match is None:
        msg = f"cannot parse model size {text!r}; expected a number followed by k, M, B or T (e.g. '1.4b')"
        raise ValueError(msg)
    return float(match.group(1)) * _SCALE[match.group(2).lower()]


def domain_key(name: str) -> str:
    """Column-safe domain name: ``'Gutenberg (PG-19)'`` -> ``'gutenberg_pg_19'``."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).lower()).strip("_")


def read_csv(relpath: str, **kwargs) -> pd.DataFrame:
    """Read a registered CSV file (fetched and hash-checked)."""
    return pd.read_csv(fetch(relpath), **kwargs)


def check_choice(owner: str, param: str, value, choices) -> None:
    """Raise ``ValueError`` in scikit-learn's shape when ``value`` is not in ``choices``."""
    if value in choices:
        return
    options = ", ".join(repr(c) for c in choices)
    msg = f"The '{param}' parameter of {owner} must be one of {options}. Got {value!r} instead."
    raise ValueError(msg)


def to_table(frame: pd.DataFrame, name: str, *, target: str, notes=(), units=None, version=None,
             duplicates: str = "raise", n_convention: str | None = None):
    """Validate a tidy frame into a `RunsTable` with the dataset's provenance.

    Parameters
    ----------
    frame : DataFrame
        Canonical columns ``N``, ``D`` and ``target`` plus any features.
    name : str
        Registered dataset name, recorded as ``meta.source`` (``"dataset:<name>@<version>"``).
    target : str
        Target column.
    notes : iterable of str, default=()
        What the loader did (rows dropped, columns derived), appended to ``meta.notes``.
    units : dict or None, default=None
        Extra units, merged over the registry's ``units``.
    version : str or None, default=None
        Version loaded (the registry's when None).
    duplicates : {"raise", "keep", "drop"}, default="raise"
        Passed to `read_runs`.
    n_convention : str or None, default=None
        Overrides the registry's ``n_convention``.
    """
    from ..data import read_runs

    entry = get_entry(name)
    version = check_version(name, version)
    table = read_runs(
        frame,
        target=target,
        n_convention=n_convention or entry["n_convention"],
        duplicates=duplicates,
        name=f"dataset:{name}@{version}",
    )
    meta = table.meta
    for note in notes:
        meta = meta.with_note(note)
    merged_units = {**meta.units, **entry["units"], **(units or {})}
    return table.with_meta(units=merged_units, notes=meta.notes)
