"""``scalingkit laws``: list and show the law zoo."""

from __future__ import annotations

import typer

from ._options import FORMAT, check_format, emit_json

app = typer.Typer(help="The law zoo.", no_args_is_help=True)


@app.command("list")
def list_(fmt: str = FORMAT):
    """List every registered law with its formula and reference."""
    from rich.console import Console
    from rich.table import Table

    from ..laws import list_laws

    check_format(fmt)
    laws = list_laws()
    if fmt == "json":
        emit_json([law.describe() for law in laws])
        return 0
    table = Table(title="scaling laws")
    for col in ("name", "formula", "inputs", "params", "reference"):
        table.add_column(col, overflow="fold")
    for law in laws:
        table.add_row(law.name, law.formula, ", ".join(law.columns), ", ".join(law.param_names), law.reference)
    Console(width=200).print(table)
    return 0


@app.command("show")
def show(name: str = typer.Argument(..., help="Law name."), fmt: str = FORMAT):
    """Show one law: formula, inputs, parameters with bounds and start grid."""
    from ..laws import get_law

    check_format(fmt)
    law = get_law(name)
    info = law.describe()
    if fmt == "json":
        emit_json(info)
        return 0
    typer.echo(f"{law.name}: {law.formula}")
    typer.echo(f"  {law.description}")
    typer.echo(f"  inputs: {', '.join(law.columns)}")
    for p in law.params:
        typer.echo(
            f"  {p.name:<10} bounds {p.bounds}  transform {p.transform}  {len(p.init)} start values  {p.description}"
        )
    typer.echo(f"  start grid: {law.grid_size()} points")
    typer.echo(f"  reference: {law.reference}")
    return 0
