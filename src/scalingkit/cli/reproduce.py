"""``scalingkit reproduce``: re-run published experiments from their released data.

``reproduce rescal`` runs ReScaL and its published baselines on the 52
(dataset, rho) pairs of the ReScaL benchmark through `Backtest` and compares
with ``rescal/results/headline_mape.csv``. The other subcommands live in their
own modules and are only attached here.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import typer

from . import EXIT_FAIL, EXIT_OK
from ._options import FORMAT, check_format, check_out_folder, emit_json
from .reproduce_ncpl import ncpl
from .reproduce_obsscaling import obsscaling
from .reproduce_overtraining import overtraining

PUBLISHED_RELPATH = "rescal/results/headline_mape.csv"
DATASETS = ("dense1", "dense2", "dense3", "dense4", "dense5", "dense6", "moe", "moe2")
#: Seed of each dataset in the published run: 43 plus its position in their dict order (PROTOCOL.md section 2.7).
SEEDS = {"dense1": 43, "dense3": 44, "dense2": 45, "moe": 46, "moe2": 47, "dense4": 48, "dense5": 49, "dense6": 50}
#: Datasets whose every source file stores N and D as integers: the published code's N*D wraps in int64
#: there (see ``ReScaL(legacy_int64_nd=...)``). Found by reading each CSV with pandas and checking both dtypes.
INT64_ND = ("dense2", "dense4", "dense5", "dense6", "moe")
#: ReScaL's per-dataset mean MAPE must be within this relative distance of the published one.
TOLERANCE = 0.10
RESULT_COLUMNS = ["dataset", "rho", "method", "mape_mean", "mape_std", "rank"]


def rescal(
    out: Path = typer.Option(..., "--out", "-o", help="Folder for results.csv, comparison.csv, summary.json."),
    datasets: str = typer.Option(None, "--datasets", help="Comma-separated subset, e.g. dense1,moe (default: all 8)."),
    jobs: int = typer.Option(1, "--jobs", "-j", help="Parallel workers (-1: every core)."),
    methods: str = typer.Option(None, "--methods", "-m",
                                help="Comma-separated methods (default: ReScaL, the published baselines, and "
                                     "'auto' when registered). Published names (ReScaL, chinchilla, DC_law, ...) "
                                     "are accepted for the rescal:* methods."),
    legacy: bool = typer.Option(True, "--legacy/--no-legacy",
                                help="Reproduce the published code's int64 N*D overflow in ReScaL's gate."),
    progress: bool = typer.Option(False, "--progress/--no-progress", help="Progress bar on stderr."),
    fmt: str = FORMAT,
):
    """Reproduce the ReScaL benchmark: 52 (dataset, rho) pairs, ReScaL and the published baselines.

    Writes OUT/results.csv (dataset, rho, method, mape_mean, mape_std, rank; the
    columns and names of the published headline_mape.csv), OUT/comparison.csv
    (ours beside the published MAPE per pair and method) and OUT/summary.json,
    and prints per-dataset means against the published ones. Exit code 1 when
    ReScaL's mean MAPE on a dataset is more than 10% (relative) off.

    Examples:

      scalingkit reproduce rescal --out results/rescal --jobs 2

      scalingkit reproduce rescal --out results/rescal --datasets dense1,moe --methods ReScaL,kaplan
    """
    check_format(fmt)
    payload = run_rescal(out, datasets=_split_list(datasets), methods=_split_list(methods), jobs=jobs,
                         legacy=legacy, progress=progress)
    if fmt == "json":
        emit_json(payload)
    else:
        _print_summary(payload)
    return EXIT_OK if payload["passed"] else EXIT_FAIL


# -- the library function ---------------------------------------------------------------
def run_rescal(out, *, datasets=None, methods=None, jobs: int = 1, legacy: bool = True, progress: bool = False,
               published: Path | None = None) -> dict:
    """Run the ReScaL benchmark and write ``results.csv``, ``comparison.csv``, ``summary.json`` under ``out``.

    Parameters
    ----------
    out : str or Path
        Output folder (created).
    datasets : list of str or None, default=None
        ``dense1`` ... ``moe2`` (``rescal_`` prefix optional); None runs all 8.
    methods : list of str or None, default=None
        Registered method names or published names; None runs ReScaL, every published
        baseline that applies to the dataset, and ``auto`` when it is registered.
    jobs : int, default=1
        Parallel workers of each dataset's `Backtest`.
    legacy : bool, default=True
        ``ReScaL(legacy_int64_nd=True)`` on the datasets of `INT64_ND`.
    progress : bool, default=False
    published : Path or None, default=None
        The published table; ``$SCALINGKIT_DATA/rescal/results/headline_mape.csv`` when None.

    Returns
    -------
    dict
        ``per_dataset`` (ReScaL's mean MAPE vs published), ``per_method``, ``rescal_rank``,
        ``notes``, ``passed``, ``wall_seconds``, ``files``.
    """
    import pandas as pd

    out = check_out_folder(out)
    names = _resolve_datasets(datasets)
    chosen, notes = _resolve_methods(methods)
    pub = _read_published(published)
    t0 = time.perf_counter()
    frames, preds = [], []
    for ds in names:
        res, pred, failed = _run_dataset(ds, chosen, jobs=jobs, legacy=legacy, progress=progress)
        frames.append(res)
        preds.append(pred)
        notes.extend(failed)
    wall = time.perf_counter() - t0
    results = pd.concat(frames, ignore_index=True)[RESULT_COLUMNS]
    comparison = _comparison(results, pub)
    out.mkdir(parents=True, exist_ok=True)
    files = {"results": out / "results.csv", "comparison": out / "comparison.csv", "summary": out / "summary.json"}
    results.to_csv(files["results"], index=False)
    comparison.to_csv(files["comparison"], index=False)
    payload = _summary(results, comparison, pub, pd.concat(preds, ignore_index=True), names)
    payload.update(notes=notes, wall_seconds=round(wall, 2), jobs=jobs, legacy=legacy,
                   files={k: str(v) for k, v in files.items()})
    files["summary"].write_text(json.dumps(payload, indent=2, default=float))
    return payload


def _split_list(text):
    return None if text is None else [t.strip() for t in text.split(",") if t.strip()]


def _read_published(path):
    import pandas as pd

    from ..datasets import locate

    path = Path(path) if path is not None else locate() / PUBLISHED_RELPATH
    if not path.is_file():
        msg = f"published ReScaL results not found: '{path}'. Set SCALINGKIT_DATA to the data mirror"
        raise FileNotFoundError(msg)
    return pd.read_csv(path)


def _resolve_datasets(datasets) -> list[str]:
    if not datasets:
        return list(DATASETS)
    names = [d.removeprefix("rescal_") for d in datasets]
    unknown = [d for d in names if d not in DATASETS]
    if unknown:
        msg = f"unknown ReScaL dataset(s) {unknown}; choose from {', '.join(DATASETS)}"
        raise ValueError(msg)
    return list(dict.fromkeys(names))


def _resolve_methods(methods) -> tuple[list[str], list[str]]:
    from ..estimators import get_predictor, list_predictors
    from ..estimators._rescal_methods import PUBLISHED_NAMES

    alias = {v: k for k, v in PUBLISHED_NAMES.items()} | {"mix3_law": "rescal:mix_law", "mix5_law": "rescal:mix_law"}
    notes = []
    if not methods:
        chosen = list(PUBLISHED_NAMES)
        if "auto" in list_predictors():
            chosen.append("auto")
        else:
            notes.append("'auto' is not a registered method: skipped")
        return chosen, notes
    chosen = list(dict.fromkeys(alias.get(m, m) for m in methods))
    for name in chosen:
        get_predictor(name)  # unknown names fail before any data is read
    return chosen, notes


def _published_order(table):
    """Rows as the published code reads them: configurations by C (cheapest first), file order inside."""
    import numpy as np

    from ..evaluation.splits import configurations

    codes, _ = configurations(table)
    return table.subset(np.argsort(codes, kind="stable"))


def _predictors(ds: str, chosen, legacy: bool) -> dict:
    from ..estimators import get_predictor
    from ..estimators._rescal_methods import SPECIAL_DATASETS

    out = {}
    for name in chosen:
        if f"rescal_{ds}" not in SPECIAL_DATASETS.get(name, (f"rescal_{ds}",)):
            continue
        p = get_predictor(name)
        if name == "rescal":
            p.set_params(random_state=SEEDS[ds], legacy_int64_nd=legacy and ds in INT64_ND)
        out[name] = p
    return out


def _run_dataset(ds: str, chosen, *, jobs, legacy, progress):
    from ..datasets import load_dataset
    from ..estimators._rescal_methods import PUBLISHED_NAMES
    from ..evaluation import RESCAL_RHOS, Backtest, RescalSplit

    name = f"rescal_{ds}"
    table = _published_order(load_dataset(name))
    runner = Backtest(_predictors(ds, chosen, legacy), RescalSplit(RESCAL_RHOS[name]), jobs=jobs,
                      progress=progress, random_state=SEEDS[ds])
    result = runner.run({ds: table})
    bad = result.results[result.results["error"] != ""]
    failed = [f"{ds} {r.split} {r.method} failed: {r.error}" for r in bad.itertuples()]
    pred = result.predictions
    std = pred.groupby(["split", "method"], sort=False)["ape"].std(ddof=1).rename("mape_std")
    res = result.results.join(std, on=["split", "method"]).merge(
        result.ranks[["split", "method", "rank"]], on=["split", "method"], how="left")
    special = {"rescal:mix_law": "mix3_law" if ds == "dense4" else "mix5_law"}
    rename = {k: special.get(k, v) for k, v in PUBLISHED_NAMES.items()}
    res = res.assign(dataset=ds, method=res["method"].map(lambda m: rename.get(m, m)), mape_mean=res["mape"],
                     rho=res["rho"].round(6), rank=res["rank"].astype("Int64"))
    res = res.sort_values(["rho", "rank", "method"], kind="stable")
    return res, pred.assign(dataset=ds, method=pred["method"].map(lambda m: rename.get(m, m))), failed


# -- comparison -------------------------------------------------------------------------
def _comparison(results, pub):
    merged = results.merge(pub[["dataset", "rho", "method", "mape_mean", "rank"]].round({"rho": 6}),
                           on=["dataset", "rho", "method"], how="left", suffixes=("", "_published"))
    merged["abs_diff"] = (merged["mape_mean"] - merged["mape_mean_published"]).abs()
    return merged[["dataset", "rho", "method", "mape_mean", "mape_mean_published", "abs_diff", "rank",
                   "rank_published"]]


def _summary(results, comparison, pub, predictions, names) -> dict:
    per_dataset = []
    for ds in names:
        ours = results[(results["dataset"] == ds) & (results["method"] == "ReScaL")]
        theirs = pub[(pub["dataset"] == ds) & (pub["method"] == "ReScaL")]
        if ours.empty:
            continue
        a, b = float(ours["mape_mean"].mean()), float(theirs["mape_mean"].mean())
        per_dataset.append({"dataset": ds, "pairs": len(ours), "ours": a, "published": b,
                            "rel_diff": a / b - 1, "within": abs(a / b - 1) <= TOLERANCE})
    per_method = []
    for method, group in comparison.groupby("method", sort=False):
        known = group.dropna(subset=["mape_mean_published"])
        per_method.append({"method": method, "pairs": len(group), "ours": float(group["mape_mean"].mean()),
                           "published": float(known["mape_mean_published"].mean()) if len(known) else None,
                           "max_abs_diff": float(known["abs_diff"].max()) if len(known) else None})
    return {"per_dataset": per_dataset, "per_method": per_method,
            "rescal_rank": _rescal_rank(predictions, pub, names),
            "passed": all(d["within"] for d in per_dataset)}


def _rescal_rank(predictions, pub, names) -> dict:
    """ReScaL's mean Scott-Knott ESD rank and rank-1 count among the published methods only."""
    from ..evaluation import rank_methods

    published = set(pub["method"])
    if "ReScaL" not in set(predictions["method"]):
        return {}
    ranks = rank_methods(predictions[predictions["method"].isin(published)])
    ours = ranks[ranks["method"] == "ReScaL"]["rank"]
    theirs = pub[(pub["method"] == "ReScaL") & pub["dataset"].isin(names)]["rank"]
    return {"pairs": int(ours.size), "mean_rank": float(ours.mean()), "n_rank1": int((ours == 1).sum()),
            "published_mean_rank": float(theirs.mean()), "published_n_rank1": int((theirs == 1).sum())}


def _print_summary(payload: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=160)
    table = Table(title="ReScaL: mean MAPE % over each dataset's pairs, ours vs published")
    for col in ("dataset", "pairs", "ours", "published", "rel. diff", f"within {TOLERANCE:.0%}"):
        table.add_column(col, justify="left" if col == "dataset" else "right")
    for d in payload["per_dataset"]:
        table.add_row(d["dataset"], str(d["pairs"]), f"{100 * d['ours']:.2f}", f"{100 * d['published']:.2f}",
                      f"{d['rel_diff']:+.1%}", "yes" if d["within"] else "NO")
    console.print(table)
    methods = Table(title="every method: mean MAPE % over the pairs it ran on")
    for col in ("method", "pairs", "ours", "published", "max |diff| (points)"):
        methods.add_column(col, justify="left" if col == "method" else "right")
    for m in payload["per_method"]:
        pub, diff = m["published"], m["max_abs_diff"]
        methods.add_row(m["method"], str(m["pairs"]), f"{100 * m['ours']:.2f}",
                        "-" if pub is None or math.isnan(pub) else f"{100 * pub:.2f}",
                        "-" if diff is None or math.isnan(diff) else f"{100 * diff:.2f}")
    console.print(methods)
    r = payload["rescal_rank"]
    if r:
        typer.echo(f"ReScaL among the published methods: mean Scott-Knott ESD rank {r['mean_rank']:.2f} "
                   f"(published {r['published_mean_rank']:.2f}), rank 1 in {r['n_rank1']}/{r['pairs']} pairs "
                   f"(published {r['published_n_rank1']})")
    for note in payload["notes"]:
        typer.echo(f"note: {note}")
    typer.echo(f"{'PASS' if payload['passed'] else 'FAIL'} in {payload['wall_seconds']:.1f} s "
               f"with {payload['jobs']} job(s)")
    for path in payload["files"].values():
        typer.echo(f"wrote {path}")


app = typer.Typer(name="reproduce", help="Reproduce published results from their released data.",
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None)
app.command("rescal")(rescal)
app.command("obsscaling")(obsscaling)
app.command("overtraining")(overtraining)
app.command("ncpl")(ncpl)
