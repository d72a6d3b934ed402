"""``scalingkit next-run``: the pilot run that most sharpens the prediction at a target, per FLOP."""

from __future__ import annotations

import typer

from ._options import D_COL, FORMAT, N_COL, TARGET, check_format, emit_json, load_source
from .plan import STARTS, human


def next_run(
    source: str = typer.Argument(..., help="Runs file, folder or registered dataset."),
    target_n: float = typer.Option(..., "--target-n", help="Parameters N of the run to be predicted."),
    target_d: float = typer.Option(..., "--target-d", help="Tokens D of the run to be predicted."),
    law: str = typer.Option("chinchilla", "--law", "-l", help="Law to fit."),
    max_compute: float = typer.Option(None, "--max-compute", help="Most FLOPs a pilot may cost (default: 1/10 of "
                                                                  "the target's)."),
    top: int = typer.Option(10, "--top", help="Candidates shown."),
    rank_by: str = typer.Option("per-flop", "--rank-by", help="per-flop or reduction."),
    starts: int = STARTS,
    target: str = TARGET,
    n_col: str = N_COL,
    d_col: str = D_COL,
    fmt: str = FORMAT,
):
    """Suggest the next pilot run (N, D): the most predictive variance removed at a target per FLOP.

    Uses the fit's parameter covariance (a local, linearised calculation that
    assumes the law is right).

    Example:

      scalingkit next-run chinchilla_epoch --target-n 7e10 --target-d 1.4e12
    """
    from ..estimators import LawPredictor
    from ..laws import get_law
    from ..planning import suggest_next_run

    check_format(fmt)
    get_law(law)
    if rank_by not in ("per-flop", "reduction"):
        msg = f"--rank-by must be 'per-flop' or 'reduction', got '{rank_by}'"
        raise ValueError(msg)
    table = load_source(source, target=target, n_col=n_col, d_col=d_col)
    model = LawPredictor(law=law, n_starts=starts).fit(table)
    ranked = suggest_next_run(model, table, target_n, target_d, max_compute=max_compute, top=top,
                              rank_by=rank_by.replace("-", "_"))
    if fmt == "json":
        emit_json({"law": law, "target": {"N": target_n, "D": target_d}, "candidates": ranked.to_dict("records")})
        return 0
    sd = float(ranked["sd_now"].iloc[0]) if len(ranked) else float("nan")
    typer.echo(f"source: {source} ({len(table)} rows); law {law}")
    typer.echo(f"target N = {human(target_n)}, D = {human(target_d)}: relative sd of the prediction now "
               f"{100 * sd:.3g}% (parameter uncertainty)")
    typer.echo(f"{'rank':>4} {'N':>9} {'D':>9} {'D/N':>6} {'FLOP':>10} {'sd after':>9} {'var. cut':>9} "
               f"{'FLOP per 1% cut':>16}")
    for i, r in enumerate(ranked.itertuples(), 1):
        per = r.C / (100 * r.variance_reduction) if r.variance_reduction > 0 else float("inf")
        typer.echo(f"{i:>4} {human(r.N):>9} {human(r.D):>9} {r.tokens_per_param:>6.3g} {r.C:>10.3g} "
                   f"{100 * r.sd_after:>8.3g}% {100 * r.variance_reduction:>8.3g}% {per:>16.3g}")
    typer.echo("note: a linearised calculation that assumes the law is right; very short runs (low D/N) inform "
               "the parameters cheaply but are where a law's shape is least trusted.")
    return 0
