"""``scalingkit downstream``: fit (N, D) -> loss -> metric and predict the metric at new (N, D)."""

from __future__ import annotations

import math

import numpy as np
import typer

from ._options import D_COL, FORMAT, N_COL, check_format, emit_json, load_source

_LINKS = ("linear", "sigmoid", "exponential")


def downstream(
    source: str = typer.Argument(..., help="CSV/Parquet/JSONL file, folder of CSVs, or registered dataset name."),
    metric: str = typer.Option(..., "--metric", "-m", help="Column of the benchmark metric to predict."),
    loss_col: str = typer.Option(None, "--loss-col",
                                 help="Stage-two input column (default: the dataset's target, or 'loss')."),
    link: str = typer.Option("sigmoid", "--link", help="Second stage: linear, sigmoid or exponential."),
    chance: float = typer.Option(0.0, "--chance", help="Random-guess level of the metric (0.25 for 4 choices)."),
    lower_is_better: bool = typer.Option(False, "--lower-is-better", help="The metric is an error rate."),
    loss_law: str = typer.Option("chinchilla", "--loss-law", help="Stage-one law (see `scalingkit laws list`)."),
    n: list[float] = typer.Option(None, "--n", help="Parameter count(s) N to predict at."),
    d: list[float] = typer.Option(None, "--d", help="Training tokens D (one per --n, or one for all)."),
    level: float = typer.Option(0.9, "--level", help="Level of the interval."),
    interval: str = typer.Option("delta", "--interval", help="Interval method: delta (expected metric), bootstrap "
                                 "(over runs) or prediction (one new run: adds both stages' scatter and a "
                                 "backtested extrapolation term)."),
    n_col: str = N_COL,
    d_col: str = D_COL,
    fmt: str = FORMAT,
):
    """Predict a benchmark metric at new (N, D) through a fitted loss.

    Stage one fits --loss-law from (N, D) to --loss-col; stage two fits the
    --link from that column to --metric. The interval carries the uncertainty
    of both stages.

    Examples:

      scalingkit downstream overtraining --metric ds_arc_easy --link sigmoid --chance 0.25 --n 7e9 --d 1.4e11

      scalingkit downstream runs.csv --metric acc --loss-col val_loss --link linear --chance 0.25 --n 1e10 --d 2e11
    """
    import pandas as pd

    from ..downstream import TwoStagePredictor
    from ..exceptions import UnknownNameError
    from ..laws import get_law
    from .predict import _grid

    check_format(fmt)
    if link not in _LINKS:
        raise UnknownNameError("link", link, _LINKS)  # noqa: EM101
    get_law(loss_law)
    if not 0 < level < 1:
        msg = f"--level must be in (0, 1), got {level}"
        raise ValueError(msg)
    if not math.isfinite(chance):
        msg = f"--chance must be a finite number, got {chance}"
        raise ValueError(msg)
    grid = _grid(n, d)
    table = load_source(source, target=loss_col, n_col=n_col, d_col=d_col)
    if metric not in table.columns:
        raise ValueError(_missing_metric(metric, source, table.columns))
    model = TwoStagePredictor(loss_law=loss_law, link=link, loss_col=table.target, metric_col=metric, chance=chance,
                              higher_is_better=not lower_is_better, interval=interval)
    model.fit(table)
    loss_pred = model.predict_loss(grid)
    pred = model.predict_from_loss(loss_pred)
    lo, hi = model.predict_interval(grid, level)
    out = grid.assign(loss=loss_pred, prediction=pred, lo=lo, hi=hi)
    if fmt == "json":
        emit_json({**model.to_dict(), "metric": metric, "level": level, "predictions": out.to_dict(orient="records")})
        return 0
    p1 = ", ".join(f"{k}={v:.4g}" for k, v in model.loss_params_.items())
    p2 = ", ".join(f"{k}={v:.4g}" for k, v in model.link_params_.items())
    typer.echo(f"source: {source} ({len(table)} rows)")
    typer.echo(f"stage 1: {model.loss_law_.name} -> {model.loss_col} on {model.n_stage1_} rows: {p1}")
    typer.echo(f"stage 2: {link} link -> {metric} on {model.n_stage2_} rows (chance {chance:g}): {p2}")
    with pd.option_context("display.float_format", "{:.6g}".format, "display.width", 200):
        typer.echo(out.rename(columns={"loss": f"{model.loss_col} (pred)", "lo": f"lo{level:g}",
                                       "hi": f"hi{level:g}"}).to_string(index=False))
    bad = not (model.stage1_result_.success and model.stage2_result_.success) or not np.all(np.isfinite(pred))
    return 1 if bad else 0


def _missing_metric(metric: str, source: str, columns) -> str:
    import difflib

    columns = [str(c) for c in columns]
    close = difflib.get_close_matches(metric, columns, n=1, cutoff=0.6)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    shown = ", ".join(columns[:15]) + (f", ... ({len(columns)} in all)" if len(columns) > 15 else "")
    return f"no metric column '{metric}' in {source}.{hint} Columns: {shown}"
