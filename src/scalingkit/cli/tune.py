"""``scalingkit tune``: predicted-optimal learning rate and batch size at a new (N, D)."""

from __future__ import annotations

from pathlib import Path

import typer

from .. import config as _config  # noqa: F401 - registers the "config" methods for `scalingkit backtest`
from ._options import D_COL, FORMAT, N_COL, TARGET, check_format, emit_json, load_source


def parse_settings(items) -> dict:
    """``["warmup=1000", "optimizer=adamw"]`` -> ``{"warmup": 1000.0, "optimizer": "adamw"}``."""
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            msg = f"expected NAME=VALUE (e.g. --set warmup=1000), got '{item}'"
            raise ValueError(msg)
        try:
            out[name.strip()] = float(value)
        except ValueError:
            out[name.strip()] = value.strip()
    return out


def tune(
    source: str = typer.Argument(..., help="Runs that vary lr and/or batch_size: file, folder or dataset name."),
    n: float = typer.Option(..., "--n", help="Parameters N of the planned run (the runs' convention)."),
    d: float = typer.Option(..., "--d", help="Training tokens D of the planned run."),
    backend: str = typer.Option("trees", "--backend", "-b", help="trees, neural (torch extra) or ensemble."),
    settings: list[str] = typer.Option(None, "--set", help="Other configuration value NAME=VALUE (repeatable)."),
    plot: Path = typer.Option(None, "--plot", help="Write a contour plot of the landscape (plot extra)."),
    shrink: bool = typer.Option(False, "--shrink/--no-shrink",
                                help="Shrink the recommendation toward the Step Law formula, weighted by how well "
                                     "each finds the optima of the runs' own (N, D) cells (leave-one-cell-out; "
                                     "refits the model once per cell)."),
    target: str = TARGET,
    n_col: str = N_COL,
    d_col: str = D_COL,
    fmt: str = FORMAT,
):
    """Recommend a learning rate and batch size from a configuration-aware model of the runs.

    Fits a ConfigRegressor on SOURCE, scores a grid of (lr, batch size) at (N, D), and prints
    the predicted optimum and landscape next to the Step Law formula's choice
    (lr = 1.79 N^-0.713 D^0.307, batch = 0.58 D^0.571 tokens).

    Examples:

      scalingkit tune steplaw_dense --n 1e9 --d 2e10

      scalingkit tune runs.csv --n 3e8 --d 6e9 --set warmup=1000 --plot landscape.png --format json

      scalingkit tune steplaw_dense --n 1e9 --d 2e10 --shrink
    """
    from ..config import ConfigRegressor, calibrate_shrinkage, plot_landscape, recommend

    check_format(fmt)
    if backend not in ("trees", "neural", "ensemble"):
        msg = f"--backend must be 'trees', 'neural' or 'ensemble', got '{backend}'"
        raise ValueError(msg)
    if not (n > 0 and d > 0):
        msg = f"--n and --d must be positive, got N={n:g}, D={d:g}"
        raise ValueError(msg)
    values = parse_settings(settings)
    table = load_source(source, target=target, n_col=n_col, d_col=d_col)
    if "lr" not in table.columns and "batch_size" not in table.columns:
        msg = f"'{source}' has no 'lr' or 'batch_size' column: there is nothing to tune"
        raise ValueError(msg)
    unknown = [k for k in values if k not in table.columns]
    if unknown:
        msg = f"unknown setting(s) {unknown}; the runs have columns {list(table.columns)}"
        raise ValueError(msg)
    model = ConfigRegressor(backend=backend).fit(table)
    shrinkage = calibrate_shrinkage(model, table) if shrink else None
    result = recommend(model, n, d, settings=values, shrinkage=shrinkage)
    if plot is not None:
        plot_landscape(result, plot)
    if fmt == "json":
        emit_json({"source": source, "backend": backend, **result.to_dict(), "plot": str(plot) if plot else None})
        return 0
    _print(result, source, len(table), backend, plot)
    return 0


def _print(result, source, n_rows, backend, plot) -> None:
    import numpy as np
    import pandas as pd

    typer.echo(f"source: {source} ({n_rows} runs), ConfigRegressor(backend='{backend}')")
    typer.echo(f"planned run: N = {result.N:.4g}, D = {result.D:.4g} tokens")
    choices = [{"choice": "predicted optimum", "lr": result.model_lr, "batch_size": result.model_batch_size,
                "loss": result.model_loss}]
    if result.weights != (1.0, 1.0):
        w_lr, w_bs = result.weights
        choices.append({"choice": f"recommended (shrunk, w={w_lr:.2f}/{w_bs:.2f})", "lr": result.lr,
                        "batch_size": result.batch_size, "loss": result.loss})
    choices.append({"choice": "Step Law formula", "lr": result.steplaw_lr, "batch_size": result.steplaw_batch_size,
                    "loss": result.steplaw_loss})
    rows = pd.DataFrame(choices)
    with pd.option_context("display.float_format", "{:.5g}".format, "display.width", 200):
        typer.echo(rows.to_string(index=False))
        table = result.pivot()
        keep_r = np.unique(np.linspace(0, table.shape[0] - 1, min(9, table.shape[0])).round().astype(int))
        keep_c = np.unique(np.linspace(0, table.shape[1] - 1, min(9, table.shape[1])).round().astype(int))
        small = table.iloc[keep_r, keep_c]
        small.index = [f"{v:.3g}" for v in small.index]
        small.columns = [f"{v:.3g}" for v in small.columns]
        typer.echo("\npredicted loss landscape (rows: batch size in tokens, columns: learning rate):")
        typer.echo(small.round(4).to_string())
    if result.config:
        typer.echo("other settings: " + ", ".join(f"{k}={v}" for k, v in result.config.items()))
    if result.at_edge:
        typer.echo(f"note: the optimum is on the edge of the explored range in {' and '.join(result.at_edge)}; "
                   "the training runs do not show what lies beyond")
    if plot is not None:
        typer.echo(f"wrote {plot}")
