"""``scalingkit compare``: is recipe B better than recipe A at a target scale?"""

from __future__ import annotations

import typer

from ._options import D_COL, FORMAT, N_COL, TARGET, check_format, emit_json, load_source
from .plan import LEVEL, QUIET, SEED, STARTS, human, progress_mode


def compare(
    source_a: str = typer.Argument(..., help="Runs of recipe A (file, folder or dataset)."),
    source_b: str = typer.Argument(..., help="Runs of recipe B."),
    n: float = typer.Option(..., "--n", help="Parameters N of the target scale."),
    d: float = typer.Option(..., "--d", help="Tokens D of the target scale."),
    law: str = typer.Option("chinchilla", "--law", "-l", help="Law fitted to each recipe."),
    resamples: int = typer.Option(200, "--resamples", help="Bootstrap replicates."),
    level: float = LEVEL,
    seed: int = SEED,
    starts: int = STARTS,
    target: str = TARGET,
    n_col: str = N_COL,
    d_col: str = D_COL,
    fmt: str = FORMAT,
    quiet: bool = QUIET,
):
    """Compare two recipes at (N, D) with a (paired) bootstrap interval on the difference B - A.

    Example:

      scalingkit compare recipe_a.csv recipe_b.csv --n 7e10 --d 1.4e12
    """
    from ..estimators import LawPredictor
    from ..laws import get_law
    from ..planning import compare_recipes

    check_format(fmt)
    get_law(law)
    table_a = load_source(source_a, target=target, n_col=n_col, d_col=d_col)
    table_b = load_source(source_b, target=target, n_col=n_col, d_col=d_col)
    res = compare_recipes(table_a, table_b, n, d, base=LawPredictor(law=law, n_starts=starts), level=level,
                          n_resamples=resamples, seed=seed, progress=progress_mode(quiet, fmt))
    if fmt == "json":
        emit_json(res.to_dict())
        return 0
    lo, hi = res.interval
    typer.echo(f"target N = {human(n)}, D = {human(d)}; law {law}; {res.n_replicates} "
               f"{'paired' if res.paired else 'independent'} bootstrap replicates")
    typer.echo(f"  A ({source_a}): {res.pred_a:.4f}")
    typer.echo(f"  B ({source_b}): {res.pred_b:.4f}")
    typer.echo(f"  B - A: {res.diff:+.4f}  ({res.level:.0%} interval {lo:+.4f} to {hi:+.4f}; "
               f"{100 * res.rel_interval[0]:+.2f}% to {100 * res.rel_interval[1]:+.2f}%)")
    verdict = "B lower" if hi < 0 else ("A lower" if lo > 0 else "no clear difference")
    typer.echo(f"  P(B predicts the lower value) = {res.prob_b_lower:.2f}: {verdict} at this level")
    return 0
