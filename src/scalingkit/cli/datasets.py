"""``scalingkit datasets``: the registry of public training-run datasets."""

from __future__ import annotations

import typer

from ._options import FORMAT, check_format, emit_json

app = typer.Typer(help="Public datasets of training runs.", no_args_is_help=True)


@app.command("list")
def list_(fmt: str = FORMAT):
    """List registered datasets and whether each is available locally."""
    from rich.console import Console
    from rich.table import Table

    from ..datasets import dataset_info, is_available, list_datasets

    check_format(fmt)
    names = list_datasets()
    rows = []
    for name in names:
        info = dataset_info(name)
        rows.append({"name": name, "description": info.get("description", ""), "license": info.get("license", ""),
                     "available": bool(is_available(name))})
    if fmt == "json":
        emit_json(rows)
        return 0
    table = Table(title="datasets")
    for col in ("name", "available", "license", "description"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["name"], "yes" if r["available"] else "no", str(r["license"]), r["description"])
    Console(width=200).print(table)
    return 0


@app.command("show")
def show(name: str = typer.Argument(..., help="Dataset name."), fmt: str = FORMAT):
    """Show a dataset's source, licence, files and (if available) a data summary."""
    from ..datasets import dataset_info, is_available, load_dataset

    check_format(fmt)
    info = dict(dataset_info(name))
    if is_available(name):
        try:
            info["summary"] = load_dataset(name).describe()
        except TypeError:  # loaders that do not return a runs table
            pass
    if fmt == "json":
        emit_json(info)
        return 0
    for key, value in info.items():
        typer.echo(f"{key}: {value}")
    return 0


@app.command("locate")
def locate(name: str = typer.Argument(None, help="Dataset name (omit for the data folder).")):
    """Print where a dataset's files are (mirror or download cache)."""
    from ..datasets import locate as _locate

    typer.echo(str(_locate(name)))
    return 0
