"""Extrapolation splits: train on cheap runs, test on expensive ones.

A split is a frozen dataclass with a ``name`` and ``pairs(table) -> list[SplitPair]``.
`RescalSplit` is the ReScaL benchmark rule, `ComputeSplit` a plain cheapest/costliest
rule, `LargestNSplit` holds out the biggest model and `GroupSplit` leaves one group out.

Splits by compute work on *configurations*, not rows: a configuration is a value of the
``config`` column when the table has one (the ReScaL loaders store the file stem there),
otherwise a distinct ``(N, D)`` pair. All rows of a configuration (checkpoints, learning
rates, mixtures, validation domains) fall on the same side, so a run never straddles
train and test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_RHOS",
    "RESCAL_RHOS",
    "ComputeSplit",
    "GroupSplit",
    "LargestNSplit",
    "RescalSplit",
    "SplitPair",
    "compute_split",
    "configurations",
    "largest_n_split",
]

#: The nine budgets 0.1, 0.2, ..., 0.9.
DEFAULT_RHOS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
_ODD_RHOS = (0.1, 0.3, 0.5, 0.7, 0.9)

#: The budgets ρ of the 52 published ReScaL pairs, by dataset (PROTOCOL.md §1).
RESCAL_RHOS = {
    "rescal_dense1": DEFAULT_RHOS,
    "rescal_dense2": _ODD_RHOS,
    "rescal_dense3": DEFAULT_RHOS,
    "rescal_dense4": (0.1, 0.9),
    "rescal_dense5": (0.2, 0.4, 0.6, 0.8),
    "rescal_dense6": DEFAULT_RHOS,
    "rescal_moe": DEFAULT_RHOS,
    "rescal_moe2": _ODD_RHOS,
}


@dataclass(frozen=True, eq=False)
class SplitPair:
    """One train/test pair of a split.

    Parameters
    ----------
    label : str
        Name of the pair within its split, e.g. ``"rho=0.3"`` or ``"group=a"``.
    rho : float or None
        Training budget of the pair, for budget splits; None otherwise.
    train_idx, test_idx : ndarray of int
        Sorted row positions of the training and test rows (never overlapping).
    """

    label: str
    rho: float | None
    train_idx: np.ndarray
    test_idx: np.ndarray

    def __repr__(self) -> str:
        return (f"SplitPair(label={self.label!r}, rho={self.rho!r}, n_train={self.train_idx.size}, "
                f"n_test={self.test_idx.size})")


# -- configurations --------------------------------------------------------------------
def configurations(table) -> tuple[np.ndarray, pd.DataFrame]:
    """Group the rows of ``table`` into configurations ordered by compute.

    Parameters
    ----------
    table : RunsTable
        Runs; a ``config`` column defines the configurations when present,
        otherwise each distinct ``(N, D)`` pair is one.

    Returns
    -------
    codes : ndarray of int
        For each row, the position of its configuration in ``configs``.
    configs : DataFrame
        One row per configuration, cheapest first: columns ``N``, ``D`` and
        ``C = 6 N D``. A configuration whose rows disagree on N or D takes the
        largest of each. Ties in C keep first-appearance order (stable sort).
    """
    frame = table.frame
    if "config" in frame.columns:
        if frame["config"].isna().any():
            row = int(np.flatnonzero(frame["config"].isna().to_numpy())[0])
            msg = f"column 'config' is missing a value at row {row}; every row needs a configuration"
            raise ValueError(msg)
        first_codes = pd.factorize(frame["config"], sort=False)[0]
    else:
        first_codes = frame.groupby(["N", "D"], sort=False).ngroup().to_numpy()
    grouped = pd.DataFrame({"code": first_codes, "N": table.N, "D": table.D}).groupby("code", sort=True)
    per = grouped.agg(N=("N", "max"), D=("D", "max"))
    per["C"] = 6.0 * per["N"] * per["D"]
    order = np.argsort(per["C"].to_numpy(), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    configs = per.iloc[order].reset_index(drop=True)
    return rank[first_codes], configs


def _rows_of(codes: np.ndarray, selected) -> np.ndarray:
    return np.flatnonzero(np.isin(codes, np.fromiter(selected, dtype=int, count=len(selected))))


def _pareto_maximal(configs: pd.DataFrame, candidates) -> list[int]:
    """Candidates not dominated in (N, D) by another candidate with a different (N, D)."""
    N = configs["N"].to_numpy()
    D = configs["D"].to_numpy()
    kept = []
    for i in candidates:
        dominated = any(
            N[j] >= N[i] and D[j] >= D[i] and (N[j], D[j]) != (N[i], D[i]) for j in candidates if j != i
        )
        if not dominated:
            kept.append(i)
    return sorted(kept)


def _need_configs(table, owner: str, n_configs: int) -> None:
    if n_configs < 2:
        msg = f"{owner} needs at least 2 configurations (distinct 'config' or (N, D)); got {n_configs}"
        raise ValueError(msg)


def _check_rhos(owner: str, rhos) -> tuple[float, ...]:
    expected = "a non-empty sequence of distinct floats in the range (0, 1)"
    try:
        values = tuple(float(r) for r in rhos)
    except (TypeError, ValueError):
        values = ()
    bad = (not values or len(set(values)) != len(values) or any(not 0 < r < 1 for r in values)
           or isinstance(rhos, (str, bytes)))
    if bad:
        msg = f"The 'rhos' parameter of {owner} must be {expected}. Got {rhos!r} instead."
        raise ValueError(msg)
    return values


def _label(rho: float) -> str:
    return f"rho={rho:g}"


# -- splits ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RescalSplit:
    """The ReScaL benchmark split (Anony0110/ReScaL ``test/test_RQ1_sota.py``).

    With the ``n`` configurations ordered by ``C = 6 N D``:
    ``train_len = clamp(int(n * rho), 1, n - 1)`` and ``test_len = max(1, int(0.1 * n))``.
    *A* is the configuration with the largest N (ties: largest D), *B* the one with the
    largest D (ties: largest N). Train is the ``train_len`` cheapest configurations minus
    A and B; test is the ``test_len`` costliest plus A and B, reduced to its
    Pareto-maximal members in (N, D). All rows of a kept configuration are test rows.

    Parameters
    ----------
    rhos : tuple of float, default=(0.1, ..., 0.9)
        Training budgets, fractions of configurations in (0, 1). The published ones
        per dataset are in `RESCAL_RHOS`.

    Notes
    -----
    The test set is the same for every ρ. A test configuration dominated by another
    one with ``N' >= N`` and ``D' >= D`` is dropped unless both have the same (N, D);
    test configurations are also removed from train, which the published rule leaves
    to chance when ``train_len + test_len > n`` (it never happens in the 52 published
    pairs, which this rule reproduces exactly).

    Examples
    --------
    >>> import pandas as pd
    >>> from scalingkit import RunsTable
    >>> N = [1e8, 2e8, 4e8, 8e8, 1.6e9]
    >>> t = RunsTable(pd.DataFrame({"N": N, "D": [20 * n for n in N], "loss": [3.0, 2.9, 2.8, 2.7, 2.6]}))
    >>> [(p.label, p.train_idx.tolist(), p.test_idx.tolist()) for p in RescalSplit((0.4,)).pairs(t)]
    [('rho=0.4', [0, 1], [4])]
    """

    rhos: tuple = DEFAULT_RHOS
    name: ClassVar[str] = "rescal"

    def __post_init__(self):
        object.__setattr__(self, "rhos", _check_rhos("RescalSplit", self.rhos))

    def pairs(self, table) -> list[SplitPair]:
        """One `SplitPair` per ρ, in the order of `rhos`."""
        codes, configs = configurations(table)
        n = len(configs)
        _need_configs(table, "RescalSplit", n)
        N, D = configs["N"].to_numpy(), configs["D"].to_numpy()
        a = _first_max(N, D)  # largest N, ties: largest D
        b = _first_max(D, N)  # largest D, ties: largest N
        test_len = max(1, int(0.1 * n))
        candidates = sorted(set(range(n - test_len, n)) | {a, b})
        test = _pareto_maximal(configs, candidates)
        test_idx = _rows_of(codes, test)
        excluded = {a, b, *test}
        out = []
        for rho in self.rhos:
            train_len = min(max(int(n * rho), 1), n - 1)
            train = [i for i in range(train_len) if i not in excluded]
            out.append(SplitPair(_label(rho), rho, _rows_of(codes, train), test_idx))
        return out


def _first_max(primary: np.ndarray, secondary: np.ndarray) -> int:
    """Position of the largest (primary, secondary) key; the cheapest one among equal keys."""
    keys = list(zip(primary.tolist(), secondary.tolist(), strict=True))
    return keys.index(max(keys))


@dataclass(frozen=True)
class ComputeSplit:
    """Train on the cheapest configurations by compute, test on the costliest.

    With the ``n`` configurations ordered by ``C = 6 N D`` (see `configurations`),
    test is the ``max(1, int(test_fraction * n))`` costliest and train the
    ``int(rho * n)`` cheapest (at least 1, never reaching into test).

    Parameters
    ----------
    rhos : tuple of float, default=(0.1, ..., 0.9)
        Training budgets, fractions of configurations in (0, 1).
    test_fraction : float, default=0.1
        Fraction of configurations held out, in (0, 1).

    Notes
    -----
    Fractions count configurations, not rows, so the rows of one run (checkpoints,
    learning rates) never straddle train and test.
    """

    rhos: tuple = DEFAULT_RHOS
    test_fraction: float = 0.1
    name: ClassVar[str] = "compute"

    def __post_init__(self):
        object.__setattr__(self, "rhos", _check_rhos("ComputeSplit", self.rhos))
        tf = self.test_fraction
        if isinstance(tf, bool) or not isinstance(tf, (int, float)) or not 0 < tf < 1:
            msg = (f"The 'test_fraction' parameter of ComputeSplit must be a float in the range (0, 1). "
                   f"Got {tf!r} instead.")
            raise ValueError(msg)

    def pairs(self, table) -> list[SplitPair]:
        """One `SplitPair` per ρ, in the order of `rhos`."""
        codes, configs = configurations(table)
        n = len(configs)
        _need_configs(table, "ComputeSplit", n)
        n_test = min(max(1, int(self.test_fraction * n + 1e-9)), n - 1)
        test_idx = _rows_of(codes, range(n - n_test, n))
        out = []
        for rho in self.rhos:
            n_train = min(max(int(rho * n + 1e-9), 1), n - n_test)
            out.append(SplitPair(_label(rho), rho, _rows_of(codes, range(n_train)), test_idx))
        return out


@dataclass(frozen=True)
class LargestNSplit:
    """Hold out every row with the largest N; train on all the others.

    Examples
    --------
    >>> import pandas as pd
    >>> from scalingkit import RunsTable
    >>> t = RunsTable(pd.DataFrame({"N": [1e8, 1e9, 1e8], "D": [1e9, 1e10, 2e9], "loss": [3.0, 2.5, 2.9]}))
    >>> LargestNSplit().pairs(t)
    [SplitPair(label='largest-N', rho=None, n_train=2, n_test=1)]
    """

    name: ClassVar[str] = "largest-n"

    def pairs(self, table) -> list[SplitPair]:
        """A single pair, labelled ``"largest-N"``."""
        train_idx, test_idx = largest_n_split(table)
        return [SplitPair("largest-N", None, train_idx, test_idx)]


@dataclass(frozen=True)
class GroupSplit:
    """Leave one group out: one pair per distinct value of ``column``.

    Parameters
    ----------
    column : str
        Column whose values define the groups (e.g. ``"group"`` or ``"run_id"``).
        Pairs are labelled ``"<column>=<value>"``, in sorted order of the values.
    """

    column: str = field(default="group")
    name: ClassVar[str] = "group"

    def __post_init__(self):
        if not isinstance(self.column, str) or not self.column:
            msg = f"The 'column' parameter of GroupSplit must be a non-empty str. Got {self.column!r} instead."
            raise ValueError(msg)

    def pairs(self, table) -> list[SplitPair]:
        """One pair per group value; raises ValueError if the column is missing or has one value."""
        frame = table.frame
        if self.column not in frame.columns:
            msg = (f"GroupSplit: missing column '{self.column}'; columns present: "
                   f"{', '.join(map(str, frame.columns))}")
            raise ValueError(msg)
        values = frame[self.column]
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            msg = f"GroupSplit: column '{self.column}' is missing a value at row {row}; every row needs a group"
            raise ValueError(msg)
        groups = sorted(pd.unique(values), key=_sort_key)
        if len(groups) < 2:
            msg = f"GroupSplit needs at least 2 distinct values of '{self.column}'; got {len(groups)}"
            raise ValueError(msg)
        array = values.to_numpy()
        return [SplitPair(f"{self.column}={g}", None, np.flatnonzero(array != g), np.flatnonzero(array == g))
                for g in groups]


def _sort_key(value):
    return (0, float(value), "") if isinstance(value, (int, float, np.number)) else (1, 0.0, str(value))


# -- functional forms (used by the demo) --------------------------------------------------
def compute_split(table, *, train_fraction: float = 0.5, test_fraction: float = 0.2):
    """Train on the cheapest ``train_fraction`` of rows by compute 6ND, test on the costliest ``test_fraction``.

    Rows are ordered by C = 6 N D (ties keep file order). The two sets never overlap.
    Unlike `ComputeSplit`, fractions count rows.

    Returns
    -------
    train_idx, test_idx : ndarray of int
    """
    for name, v in (("train_fraction", train_fraction), ("test_fraction", test_fraction)):
        if not 0 < v < 1:
            msg = f"The '{name}' parameter must be a float in the range (0, 1). Got {v!r} instead."
            raise ValueError(msg)
    if train_fraction + test_fraction > 1:
        msg = f"train_fraction + test_fraction must be <= 1, got {train_fraction} + {test_fraction}"
        raise ValueError(msg)
    n = len(table)
    order = np.argsort(6.0 * table.N * table.D, kind="stable")
    n_test = max(1, int(round(test_fraction * n)))
    n_train = min(max(1, int(round(train_fraction * n))), n - n_test)
    return np.sort(order[:n_train]), np.sort(order[n - n_test:])


def largest_n_split(table):
    """Hold out every row with the largest N; train on the rest.

    Returns
    -------
    train_idx, test_idx : ndarray of int
    """
    N = table.N
    test = N == N.max()
    if test.all():
        msg = "largest-N split needs at least two distinct values of N"
        raise ValueError(msg)
    return np.flatnonzero(~test), np.flatnonzero(test)
