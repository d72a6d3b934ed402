"""`RunsTable`: a validated, tidy table of training runs, and its `RunsMeta`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..exceptions import DataValidationError
from ._schema import RowLocator, format_number, validate_frame

__all__ = ["N_CONVENTIONS", "RunsMeta", "RunsTable"]

N_CONVENTIONS = ("total", "non_embedding", "active", "unknown")

# Inputs a law may ask for that are derived when they are not columns.
_DERIVED = {
    "C": ("6 * N * D", lambda n, d: 6.0 * n * d),
    "M": ("D / N", lambda n, d: d / n),
}


@dataclass(frozen=True)
class RunsMeta:
    """Provenance and conventions of a `RunsTable`.

    Parameters
    ----------
    source : str or None, default=None
        File, folder or dataset the runs came from; None for an in-memory frame.
    n_convention : {"total", "non_embedding", "active", "unknown"}, default="unknown"
        What the parameter count ``N`` counts.
    units : dict, default={}
        Units of columns, e.g. ``{"D": "tokens", "loss": "nats/token"}``.
        Treat it as read-only.
    notes : str, default=""
        What reading did to the data (rows dropped, columns renamed), "; "-separated.

    Raises
    ------
    ValueError
        If ``n_convention`` is not one of the known conventions.

    Examples
    --------
    >>> RunsMeta("runs.csv", n_convention="non_embedding").n_convention
    'non_embedding'
    """

    source: str | None = None
    n_convention: str = "unknown"
    units: dict = field(default_factory=dict)
    notes: str = ""

    def __post_init__(self):
        if self.n_convention not in N_CONVENTIONS:
            options = ", ".join(repr(c) for c in N_CONVENTIONS)
            msg = (
                f"The 'n_convention' parameter of RunsMeta must be one of {options}. "
                f"Got {self.n_convention!r} instead."
            )
            raise ValueError(msg)

    def with_note(self, note: str) -> RunsMeta:
        """Return a copy with ``note`` appended to `notes`."""
        if not note:
            return self
        notes = f"{self.notes}; {note}" if self.notes else note
        return replace(self, notes=notes)


class RunsTable:
    """A validated table of training runs: canonical ``N``, ``D`` and a target.

    Build one with `read_runs` (files, folders, DataFrames) or a dataset
    loader; the constructor is for frames that already use canonical names.

    Parameters
    ----------
    frame : DataFrame
        Runs, one per row, with columns ``N`` (parameters), ``D`` (training
        tokens) and ``target``; other columns are kept as they are. It is
        copied, never modified; N, D and the target become float64.
    target : str, default="loss"
        Name of the column to predict.
    meta : RunsMeta or None, default=None
        Provenance; ``RunsMeta()`` when None.

    Attributes
    ----------
    frame : DataFrame
        The runs, with a 0-based RangeIndex (a copy-on-write view: changing it
        never changes the table).
    target : str
        Name of the target column.
    meta : RunsMeta
        Provenance and conventions.

    Raises
    ------
    DataValidationError
        If N, D or the target is missing, not numeric, NaN, infinite or not > 0.

    Notes
    -----
    A table may have zero rows (for example an empty split); `read_runs`
    refuses empty sources.

    Examples
    --------
    >>> import pandas as pd
    >>> t = RunsTable(pd.DataFrame({"N": [1e8, 2e8], "D": [2e9, 4e9], "loss": [3.1, 2.9]}))
    >>> t
    RunsTable(rows=2, distinct N=2, distinct D=2, target='loss', source=None)
    >>> t.inputs(["N", "C"])["C"]
    array([1.2e+18, 4.8e+18])
    """

    __slots__ = ("_frame", "_meta", "_target")

    def __init__(self, frame: pd.DataFrame, target: str = "loss", meta: RunsMeta | None = None):
        if not isinstance(frame, pd.DataFrame):
            msg = f"RunsTable expects a pandas DataFrame, got {type(frame).__name__}"
            raise TypeError(msg)
        meta = RunsMeta() if meta is None else meta
        copy = frame.reset_index(drop=True)
        locator = RowLocator(meta.source or "<DataFrame>")
        checked, _ = validate_frame(copy, target, locator)
        self._frame = checked.copy()
        self._target = str(target)
        self._meta = meta

    # -- plain accessors -------------------------------------------------
    @property
    def frame(self) -> pd.DataFrame:
        """The runs as a DataFrame (copy-on-write: edits never reach the table)."""
        return self._frame.copy(deep=False)

    def to_frame(self) -> pd.DataFrame:
        """Return a deep copy of the runs as a DataFrame."""
        return self._frame.copy(deep=True)

    @property
    def target(self) -> str:
        """Name of the target column."""
        return self._target

    @property
    def meta(self) -> RunsMeta:
        """Provenance and conventions."""
        return self._meta

    @property
    def N(self) -> np.ndarray:  # noqa: N802 - canonical symbol of the field
        """Parameter counts, float64 (a copy)."""
        return self._frame["N"].to_numpy(dtype=np.float64, copy=True)

    @property
    def D(self) -> np.ndarray:  # noqa: N802
        """Training tokens, float64 (a copy)."""
        return self._frame["D"].to_numpy(dtype=np.float64, copy=True)

    @property
    def y(self) -> np.ndarray:
        """Target values, float64 (a copy)."""
        return self._frame[self._target].to_numpy(dtype=np.float64, copy=True)

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names, in order."""
        return tuple(self._frame.columns)

    @property
    def feature_columns(self) -> tuple[str, ...]:
        """Every column except the target."""
        return tuple(c for c in self._frame.columns if c != self._target)

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        return (
            f"RunsTable(rows={len(self)}, distinct N={self.n_distinct('N')}, "
            f"distinct D={self.n_distinct('D')}, target={self._target!r}, source={self._meta.source!r})"
        )

    # -- inputs for laws -------------------------------------------------
    def inputs(self, names: Iterable[str] | str) -> dict[str, np.ndarray]:
        """Float arrays of the requested columns, for a law's ``inputs``.

        Parameters
        ----------
        names : iterable of str or str
            Column names; ``C`` (``6 N D``) and ``M`` (``D / N``) are derived
            when they are not columns.

        Returns
        -------
        dict of str to ndarray
            One float64 array (a copy) of length ``len(self)`` per name.

        Raises
        ------
        DataValidationError
            If a name is neither a column nor derivable, or a column is not numeric.
        """
        names = [names] if isinstance(names, str) else list(names)
        return {name: self._column_values(name) for name in names}

    def _column_values(self, name: str) -> np.ndarray:
        if name in self._frame.columns:
            raw = self._frame[name]
            values = pd.to_numeric(raw, errors="coerce")
            if (values.isna() & raw.notna()).to_numpy().any():
                msg = (
                    f"{self._source_name()}: column '{name}' is not numeric; expected numbers, "
                    f"got dtype {raw.dtype}. Hint: a law can only use numeric columns."
                )
                raise DataValidationError(msg, source=self._meta.source, column=name)
            return values.to_numpy(dtype=np.float64, copy=True)
        if name in _DERIVED:
            return _DERIVED[name][1](self.N, self.D)
        derivable = ", ".join(f"{k} = {v[0]}" for k, v in _DERIVED.items())
        msg = (
            f"{self._source_name()}: missing column '{name}'; columns present: {', '.join(map(str, self.columns))} "
            f"(derivable: {derivable}). Hint: add the column to your data, or map it with the columns= mapping."
        )
        raise DataValidationError(msg, source=self._meta.source, column=name)

    def _source_name(self) -> str:
        return self._meta.source or "<DataFrame>"

    # -- new tables --------------------------------------------------------
    def subset(self, index) -> RunsTable:
        """Return the rows at ``index`` as a new table with the same target and meta.

        Parameters
        ----------
        index : array-like of int or of bool, or slice
            Positional row indices, or a boolean mask of length ``len(self)``.

        Returns
        -------
        RunsTable
        """
        if isinstance(index, slice):
            rows = self._frame.iloc[index]
        else:
            idx = np.asarray(index)
            if idx.dtype == bool:
                if idx.shape != (len(self),):
                    msg = f"boolean mask has shape {idx.shape}; expected ({len(self)},)"
                    raise IndexError(msg)
                idx = np.flatnonzero(idx)
            elif idx.size == 0:
                idx = idx.astype(np.intp)
            elif not np.issubdtype(idx.dtype, np.integer):
                msg = f"subset expects integer positions or a boolean mask, got dtype {idx.dtype}"
                raise TypeError(msg)
            rows = self._frame.iloc[idx.ravel()]
        return self.with_frame(rows)

    def with_frame(self, frame: pd.DataFrame) -> RunsTable:
        """Return a new, validated table over ``frame`` with the same target and meta."""
        return type(self)(frame, target=self._target, meta=self._meta)

    def with_meta(self, **changes) -> RunsTable:
        """Return the same rows with `meta` fields replaced (``source=``, ``notes=``, ...)."""
        return type(self)(self._frame, target=self._target, meta=replace(self._meta, **changes))

    # -- checks and summaries ----------------------------------------------
    def n_distinct(self, col: str) -> int:
        """Number of distinct non-missing values of ``col`` (a column, or derived ``C``/``M``)."""
        if col in self._frame.columns:
            return int(self._frame[col].nunique(dropna=True))
        return int(np.unique(self._column_values(col)).size)

    def check_distinct(self, min_distinct: Mapping[str, int], what: str) -> RunsTable:
        """Raise unless each column has enough distinct values for ``what``.

        Parameters
        ----------
        min_distinct : mapping of str to int
            Column -> least number of distinct values needed, e.g. ``{"N": 2, "D": 2}``.
        what : str
            What needs them, for the message, e.g. ``"law 'chinchilla'"``.

        Returns
        -------
        RunsTable
            ``self``, so calls can be chained.

        Raises
        ------
        DataValidationError
            E.g. "too few distinct values of 'N' for law 'chinchilla': need at
            least 2, got 1 (value 1e8)".
        """
        for col, need in min_distinct.items():
            got = self.n_distinct(col)
            if got >= need:
                continue
            msg = f"too few distinct values of '{col}' for {what}: need at least {need}, got {got}"
            msg += self._distinct_values_note(col, got)
            msg += f". Hint: add runs at more distinct {col} values, or choose a law with fewer inputs."
            raise DataValidationError(msg, source=self._meta.source, column=col, value=got)
        return self

    def _distinct_values_note(self, col: str, got: int) -> str:
        if got == 0 or got > 5:
            return ""
        values = (
            pd.unique(self._frame[col].dropna()) if col in self._frame.columns else np.unique(self.inputs(col)[col])
        )
        shown = ", ".join(format_number(v) if isinstance(v, (int, float, np.number)) else repr(v) for v in values)
        return f" (value {shown})" if got == 1 else f" (values {shown})"

    def describe(self) -> dict:
        """Summary used by ``scalingkit datasets show``.

        Returns
        -------
        dict
            ``rows``, ``columns``, ``target``, ``N_range``, ``D_range``,
            ``target_range`` (``[min, max]`` or None when empty), ``distinct_N``,
            ``distinct_D``, ``source``, ``n_convention``, ``units`` and ``notes``.
        """
        return {
            "rows": len(self),
            "columns": list(self.columns),
            "target": self._target,
            "N_range": _range(self.N),
            "D_range": _range(self.D),
            "target_range": _range(self.y),
            "distinct_N": self.n_distinct("N"),
            "distinct_D": self.n_distinct("D"),
            "source": self._meta.source,
            "n_convention": self._meta.n_convention,
            "units": dict(self._meta.units),
            "notes": self._meta.notes,
        }


def _range(values: np.ndarray) -> list[float] | None:
    return [float(values.min()), float(values.max())] if values.size else None
