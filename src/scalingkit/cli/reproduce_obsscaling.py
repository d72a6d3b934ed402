"""``scalingkit reproduce obsscaling``: Ruan et al. (2024), every row of the team's reference table."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from . import EXIT_FAIL, EXIT_OK
from ._options import FORMAT, check_format, check_out_folder, emit_json

REFERENCE_RELPATH = "obsscaling/reference_results.csv"


def obsscaling(
    out: Path = typer.Option(..., "--out", help="Folder for results.csv, ours.csv and summary.json (created)."),
    reference: Path = typer.Option(
        None, "--reference",
        help=f"reference_results.csv (default: $SCALINGKIT_DATA/{REFERENCE_RELPATH}).",
    ),
    ours: bool = typer.Option(True, "--ours/--no-ours", help="Also run our stacked predictor (about a minute)."),
    fmt: str = FORMAT,
):
    """Reproduce the observational-scaling reference numbers (Ruan, Maddison, Hashimoto 2024).

    Recomputes each row of reference_results.csv (emergent BIG-Bench tasks,
    post-training GSM8K, Open LLM Leaderboard v2, agents, V-optimal model
    subsets) with the published recipe and writes results.csv with the same
    rows and keys, our test MSE / MAE, the reference values and the relative
    differences. With --ours, ours.csv puts StackedObservationalPredictor
    (laws with 1-5 PCs averaged with weights learnt by a rolling-origin
    extrapolation CV inside the training models) beside the published recipe
    on every principal-component row. Exit code 1 when a row's test MSE is
    more than 3% off.

    Example:

      scalingkit reproduce obsscaling --out results/obsscaling
    """
    check_format(fmt)
    payload = run_obsscaling(out, reference=reference, ours=ours)
    if fmt == "json":
        emit_json(payload)
    else:
        _print_summary(payload)
    return EXIT_OK if payload["passed"] else EXIT_FAIL


def default_reference() -> Path:
    """``$SCALINGKIT_DATA/obsscaling/reference_results.csv`` (or the cache folder's)."""
    from ..datasets import locate

    return locate() / REFERENCE_RELPATH


def run_obsscaling(out: Path, *, reference: Path | None = None, ours: bool = True) -> dict:
    """Run the reproduction, write the CSVs and ``summary.json`` under ``out``, return the summary.

    Parameters
    ----------
    out : Path
        Output folder (created).
    reference : Path or None, default=None
        The reference table; `default_reference` when None.
    ours : bool, default=True
        Also compare `StackedObservationalPredictor` (writes ``ours.csv``).

    Returns
    -------
    dict
        ``summary`` counts and means, ``passed``, ``files``.

    Raises
    ------
    FileNotFoundError
        If the reference table is missing.
    NotADirectoryError
        If ``out`` exists and is not a folder.
    """
    import pandas as pd

    from ..observational._reproduce import reproduce_reference, summarize

    out = check_out_folder(out)
    reference = Path(reference) if reference is not None else default_reference()
    if not reference.is_file():
        msg = (f"reference table not found: '{reference}'. Set SCALINGKIT_DATA to the data mirror "
               f"(it holds {REFERENCE_RELPATH}) or pass --reference FILE")
        raise FileNotFoundError(msg)
    results, comparison = reproduce_reference(pd.read_csv(reference), ours=ours)
    out.mkdir(parents=True, exist_ok=True)
    files = [out / "results.csv"]
    results.to_csv(files[0], index=False)
    if comparison is not None:
        files.append(out / "ours.csv")
        comparison.to_csv(files[-1], index=False)
    summary = summarize(results, comparison)
    payload = {
        "experiment": "Ruan, Maddison, Hashimoto 2024: observational scaling laws, reference_results.csv",
        "reference": str(reference),
        "summary": summary,
        "passed": summary["within_tolerance"] == summary["rows"],
        "files": [str(f) for f in files + [out / "summary.json"]],
    }
    (out / "summary.json").write_text(json.dumps(payload, indent=2, default=float))
    return payload


def _print_summary(payload: dict) -> None:
    s = payload["summary"]
    typer.echo(payload["experiment"])
    typer.echo(f"rows within {s['tolerance']:.0%} of the reference test MSE: {s['within_tolerance']}/{s['rows']} "
               f"(largest relative difference {s['max_abs_rel_diff_mse']:.2%}; n_train/n_test equal on "
               f"{s['n_train_n_test_match']} rows)")
    if "mean_test_mse_ours" in s:
        typer.echo(f"mean test MSE over the {s['comparison_rows']} principal-component rows: "
                   f"published recipe {s['mean_test_mse_published']:.4e} "
                   f"(reference {s['mean_test_mse_reference']:.4e}), "
                   f"ours (stacked) {s['mean_test_mse_ours']:.4e}; ours lower on {s['ours_better_rows']} rows, "
                   f"ratio ours/published: median {s['median_ratio_ours_to_published']:.3f}, "
                   f"geometric mean {s['gmean_ratio_ours_to_published']:.3f}")
    for path in payload["files"]:
        typer.echo(f"wrote {path}")
