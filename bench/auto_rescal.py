"""Benchmark of `auto` (AutoPredictor) on the 52 ReScaL pairs, plus generality checks.

1. Runs ``auto`` on every (dataset, rho) pair of the ReScaL benchmark (`RescalSplit` with
   `RESCAL_RHOS`) and ranks it with Scott-Knott ESD together with the *published* per-row
   errors of ReScaL and its baselines (``RQ1/raw_result``), so no baseline is re-run.
   Each ``--variant`` of auto is ranked the same way, separately.
2. Generality (``bench/auto_generality.py``): ``auto`` against a free Chinchilla
   `LawPredictor` on public sweeps that are not part of the benchmark, with
   `ComputeSplit` (train on the cheapest rho of the configurations by 6ND, test on the
   costliest ``--test-fraction``).

Prints per-dataset mean MAPE next to the published ReScaL, the mean over the 52 pairs,
the rank-1 count and wall times.

Run:  SCALINGKIT_DATA=../shared/data python bench/auto_rescal.py [--jobs 2] [--no-generality]
      [--sweeps core|all] [--variant 'NAME=KWARGS'] [--published ../shared/data/rescal/results] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd
from auto_generality import add_generality_options, generality_options, report, run_generality

from scalingkit.datasets import load_dataset
from scalingkit.estimators import AutoPredictor
from scalingkit.evaluation import RESCAL_RHOS, Backtest, RescalSplit, scott_knott_esd

_DEFAULT_PUBLISHED = Path(__file__).resolve().parents[2] / "shared" / "data" / "rescal" / "results"


def _short(name: str) -> str:
    return name.removeprefix("rescal_")


def published_errors(root: Path, dataset: str, rho: float) -> pd.DataFrame:
    """Published per-row APE of every method for one pair (``ML+SL`` renamed ``ReScaL``)."""
    short = _short(dataset)
    path = root / "RQ1" / "raw_result" / short / f"r_{rho:g}_{short}_loss.csv"
    return pd.read_csv(path).rename(columns={"ML+SL": "ReScaL"})


def run_rescal(jobs: int, published: Path, seed: int, variants=()):
    tables = {name: load_dataset(name) for name in RESCAL_RHOS}
    splits = {name: RescalSplit(rhos) for name, rhos in RESCAL_RHOS.items()}
    methods = {"auto": AutoPredictor(), **dict(variants)}
    t0 = time.perf_counter()
    result = Backtest(methods, splits, jobs=jobs, rank=False, random_state=seed).run(tables)
    wall = time.perf_counter() - t0
    rows = []
    preds = result.predictions
    for (dataset, rho, method), group in preds.groupby(["dataset", "rho", "method"], sort=False):
        pub = published_errors(published, dataset, rho)
        if len(pub) != len(group):
            msg = f"{dataset} rho={rho}: {len(group)} test rows but {len(pub)} published rows"
            raise RuntimeError(msg)
        errors = pub.assign(auto=group["ape"].to_numpy())
        ranks = scott_knott_esd(errors)
        best_other = errors.drop(columns="auto").mean().min()
        rows.append({"method": method, "dataset": _short(dataset), "rho": rho, "auto": errors["auto"].mean(),
                     "ReScaL": errors["ReScaL"].mean(), "best_published": best_other,
                     "rank_auto": int(ranks["auto"]), "rank_ReScaL": int(ranks["ReScaL"])})
    return pd.DataFrame(rows), result, wall


def summarize(pairs: pd.DataFrame) -> None:
    """Print the per-pair table, the per-dataset table and the totals of one method."""
    pct = pairs.assign(auto=pairs["auto"] * 100, ReScaL=pairs["ReScaL"] * 100,
                       best_published=pairs["best_published"] * 100)
    print(f"== ReScaL benchmark, {pairs['method'].iloc[0]}: per pair (MAPE %, Scott-Knott ESD rank among "
          "published methods + auto)")
    print(pct.drop(columns="method").round(2).to_string(index=False))
    by = pct.groupby("dataset", sort=False)
    table = pd.DataFrame({"pairs": by.size(), "auto": by["auto"].mean(), "ReScaL (published)": by["ReScaL"].mean(),
                          "auto rank-1": by["rank_auto"].apply(lambda r: int((r == 1).sum())),
                          "ReScaL rank-1": by["rank_ReScaL"].apply(lambda r: int((r == 1).sum()))})
    print("\n== per dataset (mean MAPE % over its pairs)")
    print(table.round(2).to_string())
    n = len(pct)
    auto_r1, rescal_r1 = int((pct["rank_auto"] == 1).sum()), int((pct["rank_ReScaL"] == 1).sum())
    print(f"\nmean MAPE over {n} pairs: auto {pct['auto'].mean():.2f} %   "
          f"ReScaL (published) {pct['ReScaL'].mean():.2f} %")
    print(f"rank-1 group: auto {auto_r1}/{n}   ReScaL {rescal_r1}/{n} (ranked together with auto)\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers over pairs (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="Backtest random_state (default 0)")
    parser.add_argument("--published", type=Path, default=Path(os.environ.get("SCALINGKIT_RESCAL_RESULTS",
                                                                              _DEFAULT_PUBLISHED)),
                        help="folder holding RQ1/raw_result of the ReScaL release")
    parser.add_argument("--no-generality", action="store_true", help="skip the generality checks")
    add_generality_options(parser)
    parser.add_argument("--out", type=Path, default=None, help="write per-pair tables as CSV here")
    args = parser.parse_args(argv)
    pd.set_option("display.width", 200)
    sweeps, rhos, variants = generality_options(args)

    pairs, result, wall = run_rescal(args.jobs, args.published, args.seed, variants)
    for _, group in pairs.groupby("method", sort=False):
        summarize(group)
    fit = result.results.groupby("method", sort=False)[["fit_seconds", "predict_seconds"]].sum().sum(axis=1)
    print(f"wall time (52 pairs x {len(fit)} method(s), jobs={args.jobs}): {wall:.1f} s; "
          f"fit+predict seconds per method: {fit.round(1).to_dict()}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        pairs.to_csv(args.out / "auto_rescal_pairs.csv", index=False)

    if not args.no_generality:
        gen, gen_wall = run_generality(sweeps, jobs=args.jobs, seed=args.seed, rhos=rhos,
                                       test_fraction=args.test_fraction, variants=variants)
        report(gen, gen_wall, rhos, args.test_fraction)
        if args.out:
            gen.results.to_csv(args.out / "auto_generality.csv", index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
