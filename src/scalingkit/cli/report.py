"""``scalingkit report``: one self-contained HTML report about a runs table."""

from __future__ import annotations

from pathlib import Path

import typer

from ._options import D_COL, FORMAT, N_COL, TARGET, check_format, emit_json, load_source
from .plan import LEVEL, QUIET, SEED, progress_mode


def report(
    source: str = typer.Argument(..., help="Runs file, folder or registered dataset."),
    out: Path = typer.Option("report.html", "--out", "-o", help="HTML file to write."),
    law: list[str] = typer.Option(None, "--law", "-l", help="Law to fit and compare (repeatable; first = primary)."),
    budget: float = typer.Option(None, "--budget", "-b", help="Extra planning budget in FLOPs."),
    unique_tokens: float = typer.Option(None, "--unique-tokens", help="With --budget: plan under limited data."),
    resamples: int = typer.Option(100, "--resamples", help="Bootstrap resamples for the planning intervals."),
    backtest: bool = typer.Option(True, "--backtest/--no-backtest", help="Run the extrapolation backtest."),
    figures: bool = typer.Option(True, "--figures/--no-figures", help="Embed figures (needs matplotlib)."),
    starts: int = typer.Option(None, "--starts", help="Starts per law fit (default: each law's literature grid)."),
    level: float = LEVEL,
    seed: int = SEED,
    target: str = TARGET,
    n_col: str = N_COL,
    d_col: str = D_COL,
    fmt: str = FORMAT,
    quiet: bool = QUIET,
):
    """Write a self-contained HTML report: data, fits, law comparison, backtest, planning, caveats.

    Figures are embedded as PNG; the file needs no network and runs no scripts.

    Examples:

      scalingkit report chinchilla_epoch --out report.html

      scalingkit report runs.csv --law chinchilla --law kaplan --budget 1e23 --out runs.html
    """
    from ..fitting import MultiStartLM
    from ..report import build_report

    check_format(fmt)
    fitter = MultiStartLM(n_starts=starts) if starts is not None else None
    table = load_source(source, target=target, n_col=n_col, d_col=d_col)
    rep = build_report(table, laws=law or None, level=level, budget=budget, unique_tokens=unique_tokens,
                       n_resamples=resamples, backtest=backtest, figures=figures, fitter=fitter, seed=seed,
                       title=f"scalingkit report: {source}", progress=progress_mode(quiet, fmt))
    path = rep.write(out)
    if fmt == "json":
        emit_json({**rep.to_dict(), "path": str(path)})
        return 0
    typer.echo(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB; sections: "
               f"{', '.join(s.key for s in rep.sections)})")
    for note in rep.notes:
        typer.echo(f"note: {note}")
    return 0
