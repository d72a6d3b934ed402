"""``scalingkit plan``: compute-optimal model size and tokens for a FLOP budget, with intervals."""

from __future__ import annotations

import typer

from ..report._html import human
from ._options import D_COL, FORMAT, N_COL, TARGET, check_format, emit_json, load_source

QUIET = typer.Option(False, "--quiet", "-q", help="No progress bar.")
LEVEL = typer.Option(0.8, "--level", help="Interval level in (0, 1).")
SEED = typer.Option(0, "--seed", help="Seed of the resampling.")
STARTS = typer.Option(None, "--starts", help="Starts of the multi-start fit (default: the law's literature grid).")


def progress_mode(quiet: bool, fmt: str):
    """``"auto"`` (a bar only when stderr is a terminal) unless ``--quiet`` or ``--format json``."""
    return False if quiet or fmt == "json" else "auto"


def _row(label, value, interval, show):
    iv = f"{show(interval[0])} to {show(interval[1])}" if interval else "n/a"
    return f"  {label:<22}{show(value):>12}    {iv}"


def print_allocation(alloc, source: str, n_rows: int) -> None:
    """The plain-text table of an `Allocation`."""
    iv = alloc.intervals
    how = (f"{alloc.level:.0%} intervals from {alloc.n_draws} {alloc.interval_method} draws"
           if alloc.interval_method != "none" and iv else "no intervals")
    typer.echo(f"source: {source} ({n_rows} rows); law {alloc.law} ({alloc.method})")
    typer.echo(f"budget: {alloc.budget:.4g} FLOP; {how}")
    typer.echo(f"  {'':<22}{'value':>12}    interval")
    typer.echo(_row("N* (parameters)", alloc.N, iv.get("N"), human))
    typer.echo(_row("D* (tokens)", alloc.D, iv.get("D"), human))
    typer.echo(_row("tokens per parameter", alloc.tokens_per_param, iv.get("tokens_per_param"), lambda v: f"{v:.3g}"))
    typer.echo(_row("loss", alloc.loss, iv.get("loss"), lambda v: f"{v:.4f}"))
    if "epochs" in alloc.extra:
        e = alloc.extra
        typer.echo(_row("epochs over unique data", e["epochs"], iv.get("epochs"), lambda v: f"{v:.3g}"))
        typer.echo(f"  unlimited data would allow N = {human(e['N_unconstrained'])}, D = {human(e['D_unconstrained'])}"
                   f" at loss {e['loss_unconstrained']:.4f} (penalty {e['loss_penalty']:+.4f})")
    for note in alloc.notes:
        typer.echo(f"note: {note}")


def plan(
    source: str = typer.Argument(..., help="Runs file, folder or registered dataset."),
    budget: float = typer.Option(..., "--budget", "-b", help="FLOP budget, C = 6 N D."),
    law: str = typer.Option("chinchilla", "--law", "-l", help="Law to fit (closed form for chinchilla)."),
    unique_tokens: float = typer.Option(None, "--unique-tokens",
                                        help="Unique tokens available: plan epochs vs parameters."),
    interval: str = typer.Option("bootstrap", "--interval", help="bootstrap, parametric or none."),
    resamples: int = typer.Option(200, "--resamples", help="Bootstrap resamples (or normal draws)."),
    level: float = LEVEL,
    seed: int = SEED,
    starts: int = STARTS,
    target: str = TARGET,
    n_col: str = N_COL,
    d_col: str = D_COL,
    fmt: str = FORMAT,
    quiet: bool = QUIET,
):
    """Compute-optimal N* and D* for a FLOP budget, with bootstrap intervals.

    With --unique-tokens the data-constrained law (Muennighoff et al. 2023)
    weighs extra epochs against extra parameters.

    Examples:

      scalingkit plan chinchilla_epoch --budget 5.76e23

      scalingkit plan runs.csv --budget 1e22 --unique-tokens 25e9 --format json
    """
    from ..estimators import LawPredictor
    from ..laws import get_law
    from ..planning import data_constrained_allocation, optimal_allocation

    check_format(fmt)
    get_law(law)
    if interval not in ("bootstrap", "parametric", "none"):
        msg = f"--interval must be 'bootstrap', 'parametric' or 'none', got '{interval}'"
        raise ValueError(msg)
    table = load_source(source, target=target, n_col=n_col, d_col=d_col)
    model = LawPredictor(law=law, n_starts=starts).fit(table)
    opts = dict(table=table, level=level, interval=interval, n_draws=resamples, seed=seed,
                progress=progress_mode(quiet, fmt))
    if unique_tokens is not None:
        alloc = data_constrained_allocation(model, budget, unique_tokens, **opts)
    else:
        alloc = optimal_allocation(model, budget, **opts)
    if fmt == "json":
        emit_json(alloc.to_dict())
    else:
        print_allocation(alloc, source, len(table))
    return 0
