"""``scalingkit fit``: fit one law to a runs table."""

from __future__ import annotations

from pathlib import Path

import typer

from ._options import D_COL, FORMAT, N_COL, TARGET, check_format, emit_json, load_source


def _parse_fixed(items: list[str]) -> dict:
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            msg = f"--fix expects NAME=VALUE (e.g. --fix alpha=0.34), got '{item}'"
            raise ValueError(msg) from None
    return out


def fit(
    source: str = typer.Argument(..., help="CSV/Parquet/JSONL file, folder of CSVs, or registered dataset name."),
    law: str = typer.Option("chinchilla", "--law", "-l", help="Law to fit (see `scalingkit laws list`)."),
    loss: str = typer.Option("huber", "--loss", help="huber (on log loss) or mse (raw)."),
    delta: float = typer.Option(1e-3, "--delta", help="Huber threshold."),
    starts: int = typer.Option(None, "--starts", help="Number of starts (default: the law's literature grid)."),
    fix: list[str] = typer.Option(None, "--fix", help="Hold a parameter fixed: NAME=VALUE (repeatable)."),
    target: str = TARGET,
    n_col: str = N_COL,
    d_col: str = D_COL,
    fmt: str = FORMAT,
    save: Path = typer.Option(None, "--save", help="Write the fit as JSON for `scalingkit predict`."),
):
    """Fit a scaling law with the literature's robust objective.

    Examples:

      scalingkit fit chinchilla_epoch --law chinchilla --format json

      scalingkit fit runs.csv --n-col params --d-col tokens --target val_loss --save fit.json
    """
    from ..estimators import LawPredictor
    from ..fitting import format_report
    from ..laws import get_law

    check_format(fmt)
    get_law(law)  # unknown names fail before any data is read
    table = load_source(source, target=target, n_col=n_col, d_col=d_col)
    model = LawPredictor(law=law, loss=loss, delta=delta, n_starts=starts, fixed=_parse_fixed(fix) or None)
    model.fit(table)
    if save is not None:
        model.save(save)
    if fmt == "json":
        emit_json(model.to_dict())
    else:
        typer.echo(f"source: {source} ({len(table)} rows, target '{table.target}')")
        typer.echo(format_report(model.fit_result_))
        if save is not None:
            typer.echo(f"saved fit to {save}")
    return 0 if model.fit_result_.success else 1
