"""Options shared by several commands, and the SOURCE resolver."""

from __future__ import annotations

import json
from pathlib import Path

import typer

N_COL = typer.Option("N", "--n-col", help="Column holding the parameter count N.")
D_COL = typer.Option("D", "--d-col", help="Column holding the training tokens D.")
TARGET = typer.Option(None, "--target", help="Target column (default: the dataset's target, or 'loss').")
FORMAT = typer.Option("table", "--format", "-f", help="Output format: table or json.")


def check_format(fmt: str) -> str:
    if fmt not in ("table", "json"):
        msg = f"--format must be 'table' or 'json', got '{fmt}'"
        raise ValueError(msg)
    return fmt


def check_out_folder(out) -> Path:
    """``out`` as a Path, checked to be a folder or not to exist yet (it is not created here).

    Raises
    ------
    NotADirectoryError
        If ``out`` exists and is not a folder.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        msg = f"--out must be a folder, but '{out}' is a file"
        raise NotADirectoryError(msg)
    return out


def load_source(source: str, *, target: str | None = None, n_col: str = "N", d_col: str = "D"):
    """A registered dataset name, or a file/folder readable by `read_runs`."""
    from ..data import read_runs
    from ..datasets import list_datasets, load_dataset

    if source in list_datasets() and not Path(source).exists():
        table = load_dataset(source)
        if target is not None and target != table.target:
            table = read_runs(table, target=target)
        return table
    if not Path(source).exists():
        from ..exceptions import UnknownNameError

        if "/" not in source and "." not in source:
            raise UnknownNameError("dataset", source, list_datasets())  # noqa: EM101
        msg = f"no such file, folder or dataset: '{source}'"
        raise FileNotFoundError(msg)
    return read_runs(source, target=target or "loss", n_col=n_col, d_col=d_col)


def emit_json(payload) -> None:
    typer.echo(json.dumps(payload, indent=2, default=_default))


def _default(o):
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(type(o).__name__)
