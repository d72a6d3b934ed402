"""``scalingkit curve``: predict the rest of a run's loss curve from its beginning and other runs."""

from __future__ import annotations

import typer

from ._options import D_COL, FORMAT, N_COL, TARGET, check_format, emit_json, load_source

_METHODS = ("tissue", "regressor", "power")


def _filter(table, items):
    import pandas as pd

    frame = table.frame
    for item in items or []:
        col, sep, value = item.partition("=")
        if not sep or col not in frame.columns:
            msg = f"--where expects COLUMN=VALUE with a column of the runs, got '{item}'"
            raise ValueError(msg)
        mask = frame[col].astype(str) == value
        if pd.api.types.is_numeric_dtype(frame[col]):
            try:
                mask = mask | (frame[col] == float(value))
            except ValueError:
                pass
        frame = frame[mask]
    if frame.empty:
        msg = f"no rows left after --where {' '.join(items)}"
        raise ValueError(msg)
    return table.with_frame(frame)


def _load(source, options, **kwargs):
    from ..datasets import list_datasets, load_dataset
    from .tune import parse_settings

    if not options:
        return load_source(source, **kwargs)
    if source not in list_datasets():
        msg = f"--option applies to registered datasets only; '{source}' is not one"
        raise ValueError(msg)
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in parse_settings(options).items()}
    return load_dataset(source, **values)


def curve(
    source: str = typer.Argument(..., help="Checkpoint rows of many runs: file, folder or dataset name."),
    run: str = typer.Option(None, "--run", "-r", help="Curve to predict (as listed by --list)."),
    prefix: float = typer.Option(0.3, "--prefix", help="Fraction of the run's steps that is known."),
    method: str = typer.Option("tissue", "--method", "-m", help="tissue, regressor or power."),
    evaluate: bool = typer.Option(False, "--evaluate", help="MAPE of the final loss over all runs, every method."),
    list_runs: bool = typer.Option(False, "--list", help="List the curves and exit."),
    where: list[str] = typer.Option(None, "--where", help="Keep rows with COLUMN=VALUE (repeatable)."),
    options: list[str] = typer.Option(None, "--option", help="Dataset loader argument KEY=VALUE, e.g. "
                                      "experiment=3Mix for mixinglaws (repeatable)."),
    curve_cols: str = typer.Option(None, "--curve-cols", help="Comma-separated columns identifying a curve."),
    folds: int = typer.Option(8, "--folds", help="Folds of --evaluate."),
    target: str = TARGET,
    n_col: str = N_COL,
    d_col: str = D_COL,
    fmt: str = FORMAT,
):
    """Predict a run's loss curve from its first steps plus the other runs' curves.

    Methods: tissue (the LR-annealing law with shared exponent across runs), regressor (a
    ConfigRegressor with the run's progress as a feature) and power (E + A step^-alpha on the
    run's beginning alone, the baseline).

    Examples:

      scalingkit curve datablations_curves --run c4-2.8B-1ep --prefix 0.3

      scalingkit curve datablations_curves --evaluate --format json

      scalingkit curve mixinglaws --option experiment=3Mix --evaluate
    """
    import numpy as np
    import pandas as pd

    from ..config import CurvePredictor, curve_ids, evaluate_curves

    check_format(fmt)
    if method not in _METHODS:
        msg = f"--method must be one of {', '.join(_METHODS)}, got '{method}'"
        raise ValueError(msg)
    if not 0 < prefix < 1:
        msg = f"--prefix must be in (0, 1), got {prefix}"
        raise ValueError(msg)
    table = _filter(_load(source, options, target=target, n_col=n_col, d_col=d_col), where)
    cols = [c.strip() for c in curve_cols.split(",")] if curve_cols else None
    ids = curve_ids(table.frame, cols)
    if list_runs:
        counts = ids.value_counts(sort=False)
        payload = [{"curve": k, "checkpoints": int(v)} for k, v in counts.items()]
        emit_json(payload) if fmt == "json" else typer.echo("\n".join(f"{k}\t{v}" for k, v in counts.items()))
        return 0
    if evaluate:
        res = evaluate_curves(table, prefix=prefix, folds=folds, curve_cols=cols)
        summary = res.groupby("method")["ape"].agg(mape="mean", median="median", n="size").reset_index()
        if fmt == "json":
            emit_json({"source": source, "prefix": prefix, "summary": summary.to_dict(orient="records"),
                       "curves": res.to_dict(orient="records")})
        else:
            typer.echo(f"final-loss MAPE, each run known up to {prefix:.0%} of its steps ({folds}-fold over runs):")
            typer.echo(summary.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
        return 0
    if run is None:
        msg = "give --run CURVE (see --list), or --evaluate"
        raise ValueError(msg)
    known = set(ids)
    if run not in known:
        from ..exceptions import UnknownNameError

        kind = "curve"
        raise UnknownNameError(kind, run, sorted(known)[:20])
    frame = table.frame
    mine = (ids == run).to_numpy()
    model = CurvePredictor(method=method, curve_cols=cols).fit(table.with_frame(frame[~mine]))
    steps = model._steps(frame[mine])
    total = steps.max()
    start = frame[mine & (model._steps(frame) <= prefix * total)]
    if len(start) < 2:
        msg = f"curve '{run}' has {len(start)} checkpoint(s) in its first {prefix:.0%}; need at least 2"
        raise ValueError(msg)
    later = np.sort(steps[steps > prefix * total])
    pred = model.predict_curve(start, later, total_steps=total)
    actual = frame[mine].assign(_s=steps).set_index("_s")[table.target]
    out = pd.DataFrame({"step": later, "predicted": pred, "actual": actual.reindex(later).to_numpy()})
    if fmt == "json":
        emit_json({"source": source, "run": run, "method": method, "prefix": prefix, "known_checkpoints": len(start),
                   "total_steps": total, "predictions": out.to_dict(orient="records")})
        return 0
    typer.echo(f"run {run}: {len(start)} known checkpoints (first {prefix:.0%} of {total:g} steps), method {method}")
    show = out.iloc[np.unique(np.linspace(0, len(out) - 1, min(12, len(out))).round().astype(int))]
    typer.echo(show.to_string(index=False, float_format=lambda v: f"{v:.5g}"))
    final = out.iloc[-1]
    if np.isfinite(final["actual"]):
        ape = abs(final["predicted"] - final["actual"]) / final["actual"]
        typer.echo(f"final loss: predicted {final['predicted']:.4f}, actual {final['actual']:.4f} (APE {ape:.2%})")
    return 0
