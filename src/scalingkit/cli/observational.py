"""``scalingkit observational``: fit an observational scaling law on a models x benchmarks table."""

from __future__ import annotations

from pathlib import Path

import typer

from ._options import FORMAT, check_format, emit_json


def observational(
    source: str = typer.Argument(..., help="A CSV/TSV/Parquet file with one row per model, or 'obsscaling[:TABLE]' "
                                 "(benchmark scores are joined to the other tables on Model)."),
    target: str = typer.Option(..., "--target", help="Column to predict (e.g. a BIG-Bench or agent score)."),
    split: str = typer.Option(None, "--split", help="Held-out split: cutoff:COL:VALUE or top:COL:K (K < 1: fraction)."),
    n_components: int = typer.Option(3, "--n-components", help="Principal components used as predictors."),
    benchmarks: str = typer.Option(None, "--benchmarks", help="Comma-separated benchmark columns "
                                   "(default: the standard ones present, e.g. MMLU, ARC-C, ... HumanEval)."),
    transform: str = typer.Option(None, "--transform", help="Target transform: log, logit or minmax:LOW:HIGH."),
    method: str = typer.Option("paper", "--method", help="paper (fixed K, Ruan et al.), cv (K and ridge picked by "
                               "CV) or stack (laws with 1-5 PCs averaged, weights by extrapolation CV)."),
    link: str = typer.Option("sigmoid-parametric", "--link",
                             help="sigmoid-parametric (floor in [0, 0.2]), sigmoid, or linear (for logit targets)."),
    loss: str = typer.Option("ls", "--loss", help="ls or huber."),
    fmt: str = FORMAT,
):
    """Fit y = (1 - b) sigmoid(w . PC + w0) + b on benchmark principal components and print held-out errors.

    The table has one row per model and one column per benchmark score
    (missing scores are imputed); it is not a table of training runs. Without
    --split every model with a target is fitted and the in-sample fit is
    shown. Models with a NaN in the split column go to the test side of a
    cutoff split (as in the published code).

    Examples:

      scalingkit observational scores.csv --target word_unscrambling --split "cutoff:FLOPs (1E21):84"

      scalingkit observational agents.csv --target ABench-OA --split top:ABench-OA:0.1 --transform minmax:0:10

      scalingkit observational scores.csv --target word_unscrambling --split "cutoff:FLOPs (1E21):84" --method stack

    With --method stack the inner validation ranks the training models by the
    split's column (the compute of a cutoff split, or the target).
    """
    from ..observational import (
        CVObservationalPredictor,
        ObservationalPredictor,
        StackedObservationalPredictor,
        evaluate_split,
        parse_split,
        parse_transform,
    )

    check_format(fmt)
    if method not in ("paper", "cv", "stack"):
        msg = f"--method must be 'paper', 'cv' or 'stack', got '{method}'"
        raise ValueError(msg)
    frame = _load(source)
    names = [b.strip() for b in benchmarks.split(",") if b.strip()] if benchmarks else None
    common = {"benchmarks": names, "loss": loss, "link": link}
    chosen = parse_split(split) if split else _NoSplit()
    if method == "cv":
        predictor = CVObservationalPredictor(**common)
    elif method == "stack":
        predictor = StackedObservationalPredictor(rank_by=getattr(chosen, "column", None), **common)
    else:
        predictor = ObservationalPredictor(n_components=n_components, **common)
    result = evaluate_split(predictor, frame, target, chosen, transform=parse_transform(transform))
    payload = result.to_dict()
    labels = frame["Model"] if "Model" in frame.columns else frame.index.to_series().astype(str)
    for rec in payload["predictions"]:
        rec["model"] = str(labels.loc[rec.pop("index")])
    payload["transform"] = str(parse_transform(transform))
    payload["source"] = source
    if fmt == "json":
        emit_json(payload)
        return 0
    _print(payload)
    return 0


class _NoSplit:
    name = "none (in-sample fit)"

    def masks(self, frame):
        import numpy as np

        train = np.ones(len(frame), dtype=bool)
        return train, ~train


def _load(source: str):
    import pandas as pd

    if source.split(":", 1)[0] == "obsscaling" and not Path(source).exists():
        from ..datasets import load_obsscaling

        table = source.split(":", 1)[1] if ":" in source else "base_llm_benchmark_eval"
        if table.endswith("benchmark_eval") or table.endswith("_sub_10b"):
            return load_obsscaling(table=table)
        scores = "instruct_llm_benchmark_eval" if table.startswith("instruct") else "base_llm_benchmark_eval"
        extra = load_obsscaling(table=table, with_metadata=False)  # validates the name first
        return load_obsscaling(table=scores).merge(extra, on="Model")  # one row per model, scores joined
    path = Path(source)
    if not path.exists():
        msg = f"no such file: '{source}' (give a CSV/TSV/Parquet file or 'obsscaling[:TABLE]')"
        raise FileNotFoundError(msg)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path)
    if suffix in (".tsv", ".tab"):
        return pd.read_csv(path, sep="\t")
    if suffix == ".json":
        return pd.read_json(path)
    return pd.read_csv(path)


def _law(link: dict, features) -> str:
    coefs = " ".join(f"{c:+.4g}*{n}" for c, n in zip(link["coef"], features, strict=False))
    if link["link"] == "sigmoid-parametric":
        return f"(1 - {link['floor']:.4g}) * sigmoid({link['intercept']:+.4g} {coefs}) + {link['floor']:.4g}"
    if link["link"] == "linear":
        return f"{link['intercept']:+.4g} {coefs}"
    return f"{link['link']}({link['intercept']:+.4g} {coefs})"


def _print(payload: dict) -> None:
    typer.echo(f"target: {payload['target']} (transform: {payload['transform']}); split: {payload['split']}")
    if "members" in payload:
        typer.echo(f"law: weighted average of {len(payload['members'])} laws (weights by rolling-origin CV, "
                   f"ranked by {payload['rank_by']}):")
        for m in payload["members"]:
            typer.echo(f"  {m['weight']:.3f} x [{_law(m['link'], payload['features'])}]")
    else:
        typer.echo(f"law: y = {_law(payload['link'], payload['features'])}")
    typer.echo(f"n_train {payload['n_train']}  n_test {payload['n_test']}  train MSE {payload['train_mse']:.4g}  "
               f"test MSE {payload['test_mse']:.4g}  test MAE {payload['test_mae']:.4g}")
    rows = [r for r in payload["predictions"] if r["set"] == "test"] or payload["predictions"]
    width = max([len(r["model"]) for r in rows] + [5])
    typer.echo(f"{'model':<{width}}  {'set':<5} {'y':>10} {'predicted':>10} {'error':>10}")
    for r in rows:
        typer.echo(f"{r['model']:<{width}}  {r['set']:<5} {r['y']:>10.4g} {r['prediction']:>10.4g} "
                   f"{r['prediction'] - r['y']:>+10.3g}")
