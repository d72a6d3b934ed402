"""Column mapping: from the user's column names to canonical ``N`` and ``D``.

`plan_columns` turns the options of `read_runs` (``n_col``, ``d_col``,
``target``, ``columns``) into a `ColumnPlan` without looking at any data;
`apply_plan` checks a frame against the plan and renames its columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..exceptions import DataValidationError
from ._schema import check_required_columns

_FLAGS = {"N": "--n-col", "D": "--d-col"}


@dataclass(frozen=True)
class ColumnPlan:
    """How the user's columns become canonical ones.

    Attributes
    ----------
    rename : dict of str to str
        User column -> canonical name, for every column that changes name.
    required : dict of str to str
        User column -> role (``"N"``, ``"D"`` or ``"target"``) of the columns that must exist.
    target : str
        Name of the target column after renaming.
    """

    rename: dict
    required: dict
    target: str

    def user_name(self, role: str) -> str:
        """The user's name of the column with ``role``."""
        return next(name for name, r in self.required.items() if r == role)


def plan_columns(
    *, n_col: str, d_col: str, target: str, columns: Mapping[str, str] | None, source: str
) -> ColumnPlan:
    """Resolve the column options of `read_runs` into a `ColumnPlan`.

    A ``columns`` entry that maps onto ``N`` (or ``D``) is used when ``n_col``
    (or ``d_col``) keeps its default; naming both differently is an error.

    Raises
    ------
    DataValidationError
        If two options name the same column, or two columns map to one name.
    """
    if n_col == d_col:
        _conflict(source, f"--n-col and --d-col both name column '{n_col}'", n_col)
    rename = _user_mapping(columns, source)
    for user, canon in ((n_col, "N"), (d_col, "D")):
        owner = next((k for k, v in rename.items() if v == canon), None)
        if owner is None:
            if rename.get(user, canon) != canon:
                _conflict(source, f"{_FLAGS[canon]} '{user}' is also mapped to '{rename[user]}' by columns", user)
            rename[user] = canon
        elif user != canon and owner != user:
            _conflict(source, f"both {_FLAGS[canon]} '{user}' and columns['{owner}'] map to '{canon}'", canon)
    inverse = {v: k for k, v in rename.items()}
    target_in = inverse.get(target, target) if target not in rename else target
    target_out = rename.get(target_in, target_in)
    if target_out in ("N", "D") or target_in in (inverse["N"], inverse["D"]):
        _conflict(source, f"--target '{target}' names the same column as N or D; expected a separate column", target)
    required = {inverse["N"]: "N", inverse["D"]: "D", target_in: "target"}
    changes = {k: v for k, v in rename.items() if k != v}
    return ColumnPlan(rename=changes, required=required, target=target_out)


def _user_mapping(columns: Mapping[str, str] | None, source: str) -> dict:
    rename: dict = {}
    seen: dict[str, object] = {}
    for user, canon in (columns or {}).items():
        if not isinstance(canon, str):
            msg = f"columns mapping values must be column names (str), got {canon!r} for '{user}'"
            raise TypeError(msg)
        if canon in seen:
            _conflict(source, f"columns '{seen[canon]}' and '{user}' both map to '{canon}'", canon)
        seen[canon] = user
        rename[user] = canon
    return rename


def _conflict(source: str, what: str, column: str) -> None:
    msg = f"{source}: {what}. Hint: give each of N, D and the target its own column."
    raise DataValidationError(msg, source=source, column=column)


def apply_plan(frame: pd.DataFrame, plan: ColumnPlan, source: str) -> tuple[pd.DataFrame, list[str]]:
    """Check required and mapped columns exist, then rename them.

    A column that already has a canonical name a mapping targets (say a
    column ``N`` when ``n_col="params"``) is kept as ``N_orig`` (or
    ``N_orig2``, ... if that is taken), so nothing is lost.

    Returns
    -------
    frame : DataFrame
        A new frame with canonical names; the input is not modified.
    notes : list of str
        One note per column moved out of the way.
    """
    check_required_columns(frame, plan.required, source)
    _check_mapped_columns(frame, plan, source)
    taken = set(frame.columns) | set(plan.rename.values())
    moved, notes = {}, []
    for user, canon in plan.rename.items():
        if canon in frame.columns and canon not in plan.rename:
            new = _free_name(f"{canon}_orig", taken)
            taken.add(new)
            moved[canon] = new
            notes.append(f"renamed existing column '{canon}' to '{new}' because column '{user}' became '{canon}'")
    return frame.rename(columns={**moved, **plan.rename}), notes


def _check_mapped_columns(frame: pd.DataFrame, plan: ColumnPlan, source: str) -> None:
    for user in plan.rename:
        if user in frame.columns or user in plan.required:
            continue
        present = ", ".join(map(str, frame.columns))
        msg = (
            f"{source}: missing column '{user}' named in the columns mapping; columns present: {present}. "
            "Hint: map only columns that exist in the file."
        )
        raise DataValidationError(msg, source=source, column=str(user))


def _free_name(base: str, taken: set) -> str:
    name, k = base, 2
    while name in taken:
        name, k = f"{base}{k}", k + 1
    return name
