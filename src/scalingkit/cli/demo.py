"""``scalingkit demo``: the main job end to end on a built-in or real sweep."""

from __future__ import annotations

from pathlib import Path

import typer

from ._options import FORMAT, check_format, emit_json


def demo(
    dataset: str = typer.Option(None, "--dataset", help="Run on a registered dataset instead of the synthetic sweep."),
    out: Path = typer.Option(Path("scalingkit-demo"), "--out", help="Folder for the plot and results CSV."),
    laws: str = typer.Option(None, "--laws", help="Comma-separated laws (default: every law that needs only N and D)."),
    train_fraction: float = typer.Option(0.7, "--train-fraction", help="Cheapest fraction of runs (by 6ND) to fit on."),
    test_fraction: float = typer.Option(0.15, "--test-fraction", help="Costliest fraction of runs to predict."),
    seed: int = typer.Option(0, "--seed", help="Seed of the synthetic sweep's noise."),
    fmt: str = FORMAT,
):
    """Fit several laws on cheap runs, predict the expensive ones, print a table and write a plot.

    Without --dataset the runs are SYNTHETIC: a sweep generated from Epoch AI's
    published Chinchilla refit with 1% noise.

    Examples:

      scalingkit demo

      scalingkit demo --dataset chinchilla_epoch --out demo_epoch
    """
    from ..demo import run_demo

    check_format(fmt)
    names = [s.strip() for s in laws.split(",") if s.strip()] if laws else None
    result = run_demo(dataset=dataset, laws=names, train_fraction=train_fraction, test_fraction=test_fraction,
                      seed=seed, out=out, progress=fmt == "table")
    if fmt == "json":
        emit_json(result.to_dict())
        return 0
    _print(result)
    return 0


def _print(result):
    from rich.console import Console
    from rich.table import Table

    console = Console(width=160)
    console.print(f"[bold]{result.title}[/bold]")
    console.print(result.subtitle)
    table = Table(title=f"held-out expensive runs ({result.n_test} rows; fitted on {result.n_train} cheapest)")
    for col in ("law", "MAPE %", "max APE %", "RMSE", "Spearman", "fit s", "status"):
        table.add_column(col, justify="right" if col not in ("law", "status") else "left")
    for row in result.rows:
        table.add_row(row["law"], f"{100 * row['mape']:.2f}", f"{100 * row['max_ape']:.2f}", f"{row['rmse']:.4f}",
                      f"{row['spearman']:.3f}", f"{row['fit_seconds']:.2f}", row["status"])
    console.print(table)
    if result.best:
        console.print(f"best on held-out runs: [bold]{result.best}[/bold]")
    for path in result.files:
        console.print(f"wrote {path}")
    for note in result.notes:
        console.print(f"note: {note}")
