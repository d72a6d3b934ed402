"""`read_runs`: read runs from a file, a folder or a DataFrame into a `RunsTable`."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataValidationError
from ._columns import ColumnPlan, apply_plan, plan_columns
from ._schema import (
    DUPLICATE_POLICIES,
    NAN_POLICIES,
    RowLocator,
    apply_duplicates_policy,
    check_choice,
    check_not_empty,
    check_required_columns,
    validate_frame,
)
from ._table import RunsMeta, RunsTable

__all__ = ["read_runs"]

_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
# File line of data row 0; formats without meaningful lines are absent.
_FIRST_LINE = {"csv": 2, "tsv": 2, "jsonl": 1}
_NAME_ND = re.compile(r"_N_([0-9.eE+-]+)_D_([0-9.eE+-]+)$")
_DEFAULT_UNITS = {"N": "parameters", "D": "tokens"}


def read_runs(
    source,
    *,
    target: str = "loss",
    n_col: str = "N",
    d_col: str = "D",
    columns: Mapping[str, str] | None = None,
    n_convention: str = "unknown",
    nan_policy: str = "raise",
    duplicates: str = "raise",
    name: str | None = None,
) -> RunsTable:
    """Read training runs into a validated `RunsTable`.

    Parameters
    ----------
    source : str, Path, DataFrame or RunsTable
        A file (``.csv``, ``.tsv``, ``.parquet``/``.pq``, ``.jsonl``/``.ndjson``
        JSON Lines, ``.json`` records), a folder of per-configuration CSV
        files, a DataFrame (copied, never modified) or a RunsTable (returned
        as is unless a mapping is given). Registered dataset names are not
        resolved here.
    target : str, default="loss"
        Column to predict; it keeps its name, stored as ``table.target``.
        For a RunsTable source the default keeps the table's own target.
    n_col : str, default="N"
        Column of parameter counts; it becomes ``N``.
    d_col : str, default="D"
        Column of training tokens; it becomes ``D``.
    columns : mapping of str to str or None, default=None
        Further renames ``{user_name: canonical_name}``. An entry mapping onto
        ``N`` or ``D`` is used when ``n_col``/``d_col`` keep their defaults.
    n_convention : {"total", "non_embedding", "active", "unknown"}, default="unknown"
        What ``N`` counts, recorded in ``table.meta``.
    nan_policy : {"raise", "omit"}, default="raise"
        What to do with rows whose N, D or target is missing: name the first
        one, or drop them (counted in ``meta.notes``).
    duplicates : {"raise", "keep", "drop"}, default="raise"
        What to do with rows identical in every column: name the first pair,
        keep them, or drop later copies (counted in ``meta.notes``).
    name : str or None, default=None
        Name of the source in messages and ``meta.source``; default the path
        as given (None for a DataFrame).

    Returns
    -------
    RunsTable
        N, D and the target as float64; other columns kept as they are, in a
        0-based RangeIndex.

    Raises
    ------
    DataValidationError
        If the path does not exist or cannot be read, a required column is
        missing, a value of N, D or the target is not a number, missing, not
        finite or not > 0, two rows are identical, or no rows remain. The
        message names the file, column, row (0-based data row; for CSV/TSV
        also the 1-based file line, header = line 1) and value.
    ValueError
        If ``nan_policy``, ``duplicates`` or ``n_convention`` is not an allowed value.

    Notes
    -----
    Renaming never loses a column: with ``n_col="params"`` an existing
    column ``N`` is kept as ``N_orig`` (noted in ``meta.notes``).

    A folder is read as the sorted ``*.csv`` files it holds, such as
    ``group_C_<C>_N_<N>_D_<D>.csv``; a file without the N or D column gets
    it from its name, and a ``config`` column holding the file stem is added
    to files that have none.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"params": [1e8, 4e8], "tokens": [2e9, 8e9], "loss": [3.2, 2.8]})
    >>> table = read_runs(df, n_col="params", d_col="tokens")
    >>> table.columns
    ('N', 'D', 'loss')
    >>> table.N
    array([1.e+08, 4.e+08])
    """
    check_choice("nan_policy", nan_policy, NAN_POLICIES)
    check_choice("duplicates", duplicates, DUPLICATE_POLICIES)
    meta = RunsMeta(n_convention=n_convention, units=dict(_DEFAULT_UNITS))
    if isinstance(source, RunsTable):
        if _no_mapping(source, target, n_col, d_col, columns):
            return source if name is None else source.with_meta(source=name)
        meta = replace(source.meta, n_convention=n_convention)
        source = source.frame
        name = name if name is not None else meta.source
    display = name or _display(source)
    plan = plan_columns(n_col=n_col, d_col=d_col, target=target, columns=columns, source=display)
    frame, locator, notes = _load(source, plan, display)
    meta = replace(meta, source=name if name is not None else _meta_source(source))
    return _build(frame, locator, plan, meta, notes, nan_policy=nan_policy, duplicates=duplicates)


def _no_mapping(table: RunsTable, target, n_col, d_col, columns) -> bool:
    return n_col == "N" and d_col == "D" and not columns and target in ("loss", table.target)


def _display(source) -> str:
    return "<DataFrame>" if isinstance(source, pd.DataFrame) else os.fspath(source)


def _meta_source(source) -> str | None:
    return None if isinstance(source, pd.DataFrame) else os.fspath(source)


def _build(frame, locator, plan: ColumnPlan, meta: RunsMeta, notes, *, nan_policy, duplicates) -> RunsTable:
    """Map, validate and de-duplicate a loaded frame; the pipeline of `read_runs`."""
    src = locator.source
    check_not_empty(frame, src)
    frame, moved = apply_plan(frame, plan, src)
    frame, n_nan = validate_frame(frame, plan.target, locator, nan_policy=nan_policy)
    if n_nan:
        notes.append(f"dropped {n_nan} row(s) with missing N, D or {plan.target} (nan_policy='omit')")
    check_not_empty(frame, src, after="dropping rows with missing values")
    frame, n_dup = apply_duplicates_policy(frame, duplicates, locator)
    if n_dup:
        notes.append(f"dropped {n_dup} duplicate row(s) (duplicates='drop')")
    for note in [*moved, *notes]:
        meta = meta.with_note(note)
    return RunsTable(frame.reset_index(drop=True), target=plan.target, meta=meta)


def _load(source, plan: ColumnPlan, display: str) -> tuple[pd.DataFrame, RowLocator, list[str]]:
    """Read ``source`` as it is, with a 0-based RangeIndex and a row locator."""
    if isinstance(source, pd.DataFrame):
        return source.reset_index(drop=True), RowLocator(display), []
    if not isinstance(source, (str, os.PathLike)):
        msg = f"read_runs expects a path, a DataFrame or a RunsTable, got {type(source).__name__}"
        raise TypeError(msg)
    path = Path(source).expanduser()
    if path.is_dir():
        return _read_folder(path, plan, display)
    if not path.exists():
        msg = f"no such file or folder: '{display}'. Hint: check the path (relative to {os.getcwd()})."
        raise DataValidationError(msg, source=display)
    kind = _kind(path, display)
    frame = read_file(path, kind, display)
    return frame, RowLocator(display, first_line=_FIRST_LINE.get(kind)), []


def _kind(path: Path, display: str) -> str:
    kind = _FORMATS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(_FORMATS)
        msg = (
            f"{display}: unsupported file type '{path.suffix}'; expected one of {known}, or a folder of CSV files. "
            "Hint: save the runs as CSV."
        )
        raise DataValidationError(msg, source=display)
    return kind


def read_file(path: Path, kind: str, display: str) -> pd.DataFrame:
    """Read one file of format ``kind`` as it is; wrap reader errors in `DataValidationError`."""
    try:
        frame = _READERS[kind](path)
    except pd.errors.EmptyDataError:
        msg = f"{display}: the file is empty; expected a header line and at least one run."
        raise DataValidationError(msg, source=display) from None
    except (ValueError, OSError, pd.errors.ParserError) as err:
        msg = f"{display}: could not read the file as {kind.upper()}: {err}"
        raise DataValidationError(msg, source=display) from err
    return frame.reset_index(drop=True)


def _read_json(path: Path) -> pd.DataFrame:
    data = pd.read_json(path, orient="records", dtype=False)
    if not isinstance(data, pd.DataFrame):
        msg = "expected a JSON array of records"
        raise ValueError(msg)
    return data


_READERS = {
    "csv": pd.read_csv,
    "tsv": lambda p: pd.read_csv(p, sep="\t"),
    "parquet": pd.read_parquet,
    "jsonl": lambda p: pd.read_json(p, lines=True, dtype=False),
    "json": _read_json,
}


def _read_folder(path: Path, plan: ColumnPlan, display: str) -> tuple[pd.DataFrame, RowLocator, list[str]]:
    """Read and stack the sorted CSV files of a folder, remembering each row's file."""
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not files:
        msg = f"{display}: expected a folder of .csv files, found none. Hint: point at a file or a folder of CSVs."
        raise DataValidationError(msg, source=display)
    names = tuple(os.path.join(display, f.name) for f in files)
    frames = [_read_member(f, shown, plan) for f, shown in zip(files, names, strict=True)]
    sizes = [len(f) for f in frames]
    locator = RowLocator(
        display,
        first_line=_FIRST_LINE["csv"],
        files=names,
        file_index=np.repeat(np.arange(len(files)), sizes),
        local_row=np.concatenate([np.arange(n) for n in sizes]),
    )
    frame = pd.concat(frames, ignore_index=True) if sum(sizes) else frames[0].iloc[:0]
    return frame, locator, [f"read {len(files)} CSV files from folder '{display}'"]


def _read_member(path: Path, shown: str, plan: ColumnPlan) -> pd.DataFrame:
    """One file of a folder: fill N/D from its name when absent, add ``config``."""
    frame = read_file(path, "csv", shown)
    match = _NAME_ND.search(path.stem)
    for role, group in (("N", 1), ("D", 2)):
        col = plan.user_name(role)
        if col not in frame.columns and match is not None:
            frame[col] = _to_float(match.group(group))
    check_required_columns(frame, plan.required, shown)
    if "config" not in frame.columns:
        frame["config"] = path.stem
    return frame


def _to_float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")
