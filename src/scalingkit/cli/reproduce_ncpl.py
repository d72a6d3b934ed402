"""``scalingkit reproduce ncpl``: NCPL's comparison on Step Law (NCPL's split) and Marin AdamW."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from ._options import FORMAT, check_format, check_out_folder, emit_json


def ncpl(
    out: Path = typer.Option(..., "--out", "-o", help="Folder for results.csv, regret.csv and shrinkage.csv."),
    neural: bool = typer.Option(None, "--neural/--no-neural",
                                help="Include the neural regressor (default: when torch is installed)."),
    datasets: str = typer.Option(None, "--datasets",
                                 help="Comma-separated subset of steplaw_dense, marin_adamw, marin_adamw_converged."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
    fmt: str = FORMAT,
):
    """Configuration-agnostic Chinchilla vs the configuration-aware regressors (NCPL's protocol).

    Step Law dense with NCPL's run-level split (the runs whose names match the public CSV) and
    the Marin AdamW sweep (130M/300M train, 520M/1.2B out-of-distribution; in-distribution by
    5-fold cross-validation). Writes OUT/results.csv (dataset, split, method, n, mae, spearman)
    OUT/regret.csv (learning-rate/batch regret on Step Law's held-out cells; each model's
    recommendation shrunk toward the Step Law formula by leave-one-cell-out weights, which
    OUT/shrinkage.csv records).

    Example:

      scalingkit reproduce ncpl --out results/ncpl
    """
    from ..config import reproduce_ncpl
    from ..config._ncpl import DATASETS

    check_format(fmt)
    out = check_out_folder(out)
    t0 = time.perf_counter()
    log = (lambda line: None) if quiet or fmt == "json" else (lambda line: typer.echo(line, err=True))
    chosen = tuple(d.strip() for d in datasets.split(",") if d.strip()) if datasets else DATASETS
    results = reproduce_ncpl(out, datasets=chosen, neural=neural, log=log)
    wall = time.perf_counter() - t0
    written = [str(out / name) for name in ("results.csv", "regret.csv", "shrinkage.csv") if (out / name).is_file()]
    if fmt == "json":
        emit_json({"results": results.to_dict(orient="records"), "wall_seconds": round(wall, 1), "files": written})
        return 0
    typer.echo(results.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    typer.echo(f"done in {wall:.1f} s; wrote {', '.join(written)}")
    return 0
