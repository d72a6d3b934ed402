"""Validation of runs tables: small pure functions that name the culprit.

Every check takes a DataFrame and returns a new one (or nothing); none
mutates its input. Messages name the file, the column, the row and the value
in an "expected ..., got ..." shape and end with a hint. Row numbers are the
0-based data rows of the file they came from; for text files with a header
(CSV, TSV) the 1-based file line is given too, assuming one line per row.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import DataValidationError

# Canonical column -> (CLI flag that sets it, hint for when it is missing).
_REQUIRED = {
    "N": ("--n-col", "map your parameter-count column with --n-col NAME."),
    "D": ("--d-col", "map your training-token column with --d-col NAME."),
    "target": ("--target", "name the column to predict with --target NAME."),
}
_MISSING_STRINGS = frozenset({"", "nan", "na", "n/a", "null", "none"})
NAN_POLICIES = ("raise", "omit")
DUPLICATE_POLICIES = ("raise", "keep", "drop")


@dataclass(frozen=True, eq=False)
class RowLocator:
    """Map the rows of a table to the file, row and line they came from.

    Parameters
    ----------
    source : str
        Display name of the whole source (a path as given, or ``"<DataFrame>"``).
    first_line : int or None, default=None
        File line (1-based) of data row 0 of each file: 2 for CSV/TSV with a
        header, 1 for JSON Lines; None when lines mean nothing (Parquet, JSON).
    files : tuple of str or None, default=None
        Display names of the files of a folder source.
    file_index : ndarray of int or None, default=None
        For each row of the combined table, its position in ``files``.
    local_row : ndarray of int or None, default=None
        For each row of the combined table, its 0-based row in its own file.
    """

    source: str
    first_line: int | None = None
    files: tuple[str, ...] | None = None
    file_index: np.ndarray | None = None
    local_row: np.ndarray | None = None

    def file(self, row: int) -> str:
        """Display name of the file holding ``row``."""
        if self.files is None:
            return self.source
        return self.files[int(self.file_index[row])]

    def row_in_file(self, row: int) -> int:
        """0-based data row of ``row`` within its own file."""
        return int(row) if self.local_row is None else int(self.local_row[row])

    def ref(self, row: int) -> str:
        """Short reference such as ``"row 3 (line 5)"``."""
        local = self.row_in_file(row)
        text = f"row {local}"
        if self.first_line is not None:
            text += f" (line {local + self.first_line})"
        return text

    def at(self, row: int, column: str | None = None) -> str:
        """Full location such as ``"runs.csv, column 'D', row 3 (line 5)"``."""
        col = f", column '{column}'" if column is not None else ""
        return f"{self.file(row)}{col}, {self.ref(row)}"

    def error(self, row: int, column: str | None, message: str, value: object = None) -> DataValidationError:
        """Build a `DataValidationError` located at ``row`` and ``column``."""
        return DataValidationError(
            f"{self.at(row, column)}: {message}",
            source=self.file(row),
            column=column,
            row=self.row_in_file(row),
            value=value,
        )


def format_value(value: object) -> str:
    """Render a bad value for a message: numbers plainly, strings quoted."""
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, (int, np.integer)):
        return repr(int(value))
    if isinstance(value, (float, np.floating)):
        return "NaN" if math.isnan(value) else repr(float(value))
    return repr(value)


def format_number(value: float) -> str:
    """Compact number for summaries: ``1e8`` rather than ``100000000.0``."""
    text = f"{float(value):.6g}"
    return text.replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")


def check_not_empty(frame: pd.DataFrame, source: str, *, after: str = "") -> None:
    """Raise when ``frame`` has no rows (``after`` says what removed them)."""
    if len(frame) > 0:
        return
    why = f" after {after}" if after else ""
    msg = (
        f"{source}: expected at least one run, got an empty table{why}. "
        "Hint: check that the file holds data rows below its header."
    )
    raise DataValidationError(msg, source=source)


def check_required_columns(frame: pd.DataFrame, required: dict[str, str], source: str) -> None:
    """Raise when a required column is absent.

    Parameters
    ----------
    frame : DataFrame
        Table as read, before renaming.
    required : dict of str to str
        Column name as the user spelled it -> its role (``"N"``, ``"D"`` or ``"target"``).
    source : str
        Display name of the source.

    Raises
    ------
    DataValidationError
        Naming the column, the flag that sets it, the columns present and a hint.
    """
    present = [str(c) for c in frame.columns]
    for name, role in required.items():
        if name in frame.columns:
            continue
        flag, hint = _REQUIRED[role]
        maybe = _did_you_mean(str(name), present)
        msg = (
            f"{source}: missing required column '{name}' (set by {flag}); "
            f"columns present: {_list_columns(present)}.{maybe} Hint: {hint}"
        )
        raise DataValidationError(msg, source=source, column=str(name))


def _did_you_mean(name: str, present: list[str]) -> str:
    lowered = {p.lower(): p for p in present}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return f" Did you mean '{lowered[close[0]]}'?" if close else ""


def _list_columns(names: list[str], limit: int = 30) -> str:
    if not names:
        return "(none)"
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown}, ... ({len(names) - limit} more)"


def coerce_numeric(frame: pd.DataFrame, columns: list[str], locator: RowLocator) -> pd.DataFrame:
    """Return a copy of ``frame`` with ``columns`` as float64.

    Missing values (NaN, None, empty strings) become NaN and are left to
    `apply_nan_policy`; anything else that is not a number raises.

    Raises
    ------
    DataValidationError
        At the first value that is not a number, naming file, column, row and value.
    """
    out = frame.copy(deep=False)
    for col in columns:
        raw = frame[col]
        values = pd.to_numeric(raw, errors="coerce")
        bad = values.isna().to_numpy() & ~_is_missing(raw)
        if bad.any():
            label = frame.index[np.flatnonzero(bad)[0]]
            value = raw.loc[label]
            hint = f"Hint: column '{col}' must hold numbers only; fix or remove that row."
            raise locator.error(label, col, f"expected a number, got {format_value(value)}. {hint}", value)
        out[col] = values.to_numpy(dtype=np.float64)
    return out


def _is_missing(raw: pd.Series) -> np.ndarray:
    """True where ``raw`` is NaN/None or a string that spells 'missing'."""
    missing = raw.isna().to_numpy().copy()
    if raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype):
        texts = raw.astype(str).str.strip().str.lower()
        missing |= texts.isin(_MISSING_STRINGS).to_numpy() & raw.map(lambda v: isinstance(v, str)).to_numpy()
    return missing


def apply_nan_policy(
    frame: pd.DataFrame, columns: list[str], policy: str, locator: RowLocator
) -> tuple[pd.DataFrame, int]:
    """Handle NaN in the numeric ``columns`` according to ``policy``.

    Parameters
    ----------
    frame : DataFrame
        Table whose ``columns`` are already float64.
    columns : list of str
        Columns that may not hold NaN (N, D and the target).
    policy : {"raise", "omit"}
        ``"raise"`` names the first missing value; ``"omit"`` drops those rows.
    locator : RowLocator
        Where each row came from.

    Returns
    -------
    frame : DataFrame
        The table without the dropped rows (the index keeps the original rows).
    n_dropped : int
        Number of rows dropped.
    """
    nan = frame[columns].isna()
    rows = nan.any(axis=1).to_numpy()
    if not rows.any():
        return frame, 0
    if policy == "omit":
        return frame.loc[~rows], int(rows.sum())
    label = frame.index[np.flatnonzero(rows)[0]]
    col = columns[int(np.argmax(nan.loc[label].to_numpy()))]
    hint = "Hint: fill the value in, or pass nan_policy='omit' to drop rows with missing values."
    raise locator.error(label, col, f"expected a finite value > 0, got NaN (missing). {hint}", float("nan"))


def check_positive_finite(frame: pd.DataFrame, columns: list[str], locator: RowLocator) -> None:
    """Raise at the first value of ``columns`` that is infinite or not > 0 (NaN is not checked)."""
    for col in columns:
        values = frame[col].to_numpy(dtype=np.float64)
        bad = np.isinf(values) | (values <= 0)
        if bad.any():
            pos = np.flatnonzero(bad)[0]
            value = float(values[pos])
            hint = f"Hint: '{col}' must be positive; remove the row or fix the value."
            msg = f"expected a finite value > 0, got {format_value(value)}. {hint}"
            raise locator.error(frame.index[pos], col, msg, value)


def apply_duplicates_policy(frame: pd.DataFrame, policy: str, locator: RowLocator) -> tuple[pd.DataFrame, int]:
    """Handle rows that are identical in every column.

    Parameters
    ----------
    frame : DataFrame
        Table to check; its index holds the original row numbers.
    policy : {"raise", "keep", "drop"}
        ``"raise"`` names the first pair of identical rows, ``"keep"`` keeps
        them, ``"drop"`` drops every copy after the first.
    locator : RowLocator
        Where each row came from.

    Returns
    -------
    frame : DataFrame
        The table without the dropped copies.
    n_dropped : int
        Number of rows dropped.
    """
    if policy == "keep" or len(frame) < 2:
        return frame, 0
    later = _duplicated(frame)
    if not later.any():
        return frame, 0
    if policy == "drop":
        return frame.loc[~later], int(later.sum())
    second = int(np.flatnonzero(later)[0])
    first = _first_twin(frame, second)
    i, j = frame.index[first], frame.index[second]
    raise _duplicate_error(locator, i, j)


def _duplicated(frame: pd.DataFrame) -> np.ndarray:
    try:
        return frame.duplicated(keep="first").to_numpy()
    except TypeError:  # unhashable cells (lists from JSON): compare their text
        return frame.astype(str).duplicated(keep="first").to_numpy()


def _first_twin(frame: pd.DataFrame, pos: int) -> int:
    """Position of the first row identical to the row at ``pos``."""
    hashes = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
    return int(np.flatnonzero(hashes == hashes[pos])[0])


def _duplicate_error(locator: RowLocator, i: int, j: int) -> DataValidationError:
    hint = "Hint: pass duplicates='drop' to drop later copies, or duplicates='keep' to keep them."
    if locator.files is None:
        a, b = locator.row_in_file(i), locator.row_in_file(j)
        lines = ""
        if locator.first_line is not None:
            lines = f" (lines {a + locator.first_line} and {b + locator.first_line})"
        msg = f"{locator.source}: rows {a} and {b} are identical in every column{lines}; expected each run once. {hint}"
    else:
        if locator.file(i) == locator.file(j):
            where = f"both in {locator.file(i)}: {locator.ref(i)} and {locator.ref(j)}"
        else:
            where = f"{locator.file(i)} {locator.ref(i)} and {locator.file(j)} {locator.ref(j)}"
        msg = (
            f"{locator.source}: rows {i} and {j} are identical in every column ({where}); "
            f"expected each run once. {hint}"
        )
    return DataValidationError(msg, source=locator.file(j), row=locator.row_in_file(j))


def validate_frame(
    frame: pd.DataFrame,
    target: str,
    locator: RowLocator,
    *,
    nan_policy: str = "raise",
) -> tuple[pd.DataFrame, int]:
    """Check a frame that already has canonical names ``N``, ``D`` and ``target``.

    Coerces N, D and the target to float64, applies ``nan_policy`` and checks
    positivity. Returns the new frame and the number of rows dropped.
    """
    check_required_columns(frame, {"N": "N", "D": "D", target: "target"}, locator.source)
    columns = ["N", "D", target]
    out = coerce_numeric(frame, columns, locator)
    out, n_dropped = apply_nan_policy(out, columns, nan_policy, locator)
    check_positive_finite(out, columns, locator)
    return out, n_dropped


def check_choice(name: str, value: object, choices: tuple[str, ...], owner: str = "read_runs") -> None:
    """Raise ``ValueError`` in scikit-learn's shape when ``value`` is not one of ``choices``."""
    if value in choices:
        return
    options = ", ".join(repr(c) for c in choices)
    msg = f"The '{name}' parameter of {owner} must be one of {options}. Got {value!r} instead."
    raise ValueError(msg)
