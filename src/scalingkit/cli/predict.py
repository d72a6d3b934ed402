"""``scalingkit predict``: predictions from a saved fit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer

from ._options import FORMAT, check_format, emit_json


def predict(
    fit_file: Path = typer.Argument(..., help="A fit saved with `scalingkit fit --save`."),
    n: list[float] = typer.Option(None, "--n", help="Parameter count(s) N."),
    d: list[float] = typer.Option(None, "--d", help="Training tokens D (one per --n, or one for all)."),
    input_file: Path = typer.Option(None, "--input", help="A runs file with the law's input columns."),
    level: float = typer.Option(0.9, "--level", help="Level of the parameter-uncertainty interval."),
    fmt: str = FORMAT,
):
    """Predict the target at new (N, D) from a saved fit.

    Example:

      scalingkit predict fit.json --n 7e10 --d 1.4e12
    """
    import pandas as pd

    from ..data import read_runs
    from ..estimators import LawPredictor

    check_format(fmt)
    model = LawPredictor.load(fit_file)
    if input_file is not None:
        frame = _read_frame(input_file)
    else:
        frame = _grid(n, d)
    cols = [c for c in model.law_.columns if c not in ("C", "M")]
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        msg = f"law '{model.law_.name}' needs input column(s) {missing}; got {list(frame.columns)}"
        raise ValueError(msg)
    frame = frame.copy()
    frame["__target__"] = 1.0  # placeholder: the table schema needs a target column
    table = read_runs(frame, target="__target__", duplicates="keep")
    pred = model.predict(table)
    lo, hi = model.predict_interval(table, level)
    out = frame.drop(columns="__target__").assign(prediction=pred, lo=lo, hi=hi)
    if fmt == "json":
        emit_json({"law": model.law_.name, "level": level, "predictions": out.to_dict(orient="records")})
    else:
        with pd.option_context("display.float_format", "{:.6g}".format, "display.width", 200):
            typer.echo(out.to_string(index=False))
    return 0


def _grid(n, d):
    import pandas as pd

    if not n or not d:
        msg = "give --n and --d (or --input FILE)"
        raise ValueError(msg)
    if len(d) == 1:
        d = list(d) * len(n)
    if len(n) == 1:
        n = list(n) * len(d)
    if len(n) != len(d):
        msg = f"--n was given {len(n)} times and --d {len(d)} times; give one --d per --n or a single --d"
        raise ValueError(msg)
    return pd.DataFrame({"N": np.asarray(n, dtype=float), "D": np.asarray(d, dtype=float)})


def _read_frame(path: Path):
    import pandas as pd

    if not path.exists():
        msg = f"no such file: '{path}'"
        raise FileNotFoundError(msg)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path)
    if suffix in (".jsonl", ".ndjson"):
        return pd.read_json(path, lines=True)
    return pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",")
