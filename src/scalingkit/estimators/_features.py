"""Tables in, arrays out: what the tree-based predictors and ReScaL read from a runs table."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["as_fit_table", "frame_of", "law_inputs", "numeric_feature_names", "feature_matrix"]


def as_fit_table(table):
    """A `RunsTable` for fitting (DataFrames and paths go through `read_runs`)."""
    from ..data import RunsTable, read_runs

    return table if isinstance(table, RunsTable) else read_runs(table)


def frame_of(table) -> pd.DataFrame:
    """The rows to predict, as a DataFrame, without validating (or reading) the target.

    A `RunsTable` gives its frame; a DataFrame is used as it is, so a caller
    may drop or mask the target column before predicting.
    """
    from ..data import RunsTable

    if isinstance(table, RunsTable):
        return table.frame
    if isinstance(table, pd.DataFrame):
        return table
    return as_fit_table(table).frame


def _as_float(col: pd.Series):
    """The column as float64, or None when it is not numeric (strings, categories)."""
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return col.to_numpy(dtype=np.float64)
    if col.dtype == object:  # e.g. integers too large for int64, read as Python ints
        values = pd.to_numeric(col, errors="coerce")
        if not (values.isna() & col.notna()).any():
            return values.to_numpy(dtype=np.float64)
    return None


def numeric_feature_names(frame: pd.DataFrame, target: str) -> list[str]:
    """Every numeric column except ``target``, in table order.

    Text columns (such as a dataset's ``config`` file stem) are left out:
    ReScaL's residual forest sees the raw numeric configuration columns only.
    """
    return [c for c in frame.columns if c != target and _as_float(frame[c]) is not None]


def feature_matrix(frame: pd.DataFrame, names) -> np.ndarray:
    """``(n, len(names))`` float matrix of the named columns.

    Raises
    ------
    KeyError
        If a column seen at fit time is missing.
    """
    missing = [c for c in names if c not in frame.columns]
    if missing:
        msg = f"the table lacks feature columns {missing} that the model was fitted on"
        raise KeyError(msg)
    cols = []
    for c in names:
        v = _as_float(frame[c])
        if v is None:
            msg = f"feature column '{c}' is not numeric (dtype {frame[c].dtype})"
            raise ValueError(msg)
        cols.append(v)
    return np.column_stack(cols) if cols else np.empty((len(frame), 0))


def law_inputs(frame: pd.DataFrame, columns) -> dict[str, np.ndarray]:
    """Float arrays of a law's input columns (``C`` and ``M`` derived when absent)."""
    out = {}
    for c in columns:
        if c in frame.columns:
            out[c] = frame[c].to_numpy(dtype=np.float64)
        elif c == "C":
            out[c] = 6.0 * frame["N"].to_numpy(dtype=np.float64) * frame["D"].to_numpy(dtype=np.float64)
        elif c == "M":
            out[c] = frame["D"].to_numpy(dtype=np.float64) / frame["N"].to_numpy(dtype=np.float64)
        else:
            msg = f"the table lacks column '{c}', which the law reads"
            raise KeyError(msg)
    return out
