"""Benchmark of `auto` (AutoPredictor) on the 52 ReScaL pairs, plus generality checks.

1. Runs ``auto`` on every (dataset, rho) pair of the ReScaL benchmark (`RescalSplit` with
   `RESCAL_RHOS`) and ranks it with Scott-Knott ESD together with the *published* per-row
   errors of ReScaL and its baselines (``RQ1/raw_result``), so no baseline is re-run.
   Each ``--variant`` of auto is ranked the same way, separately. With ``--rescal-rerun``
   our ReScaL is run too: ranked the same way it shows how often a re-run of ReScaL
   reaches the rank-1 group of its own published (single, unseeded) draw, and ``auto``
   is also ranked against the re-run in place of the published ReScaL.
2. Generality (``bench/auto_generality.py``): ``auto`` against a free Chinchilla
   `LawPredictor` on public sweeps that are not part of the benchmark, with
   `ComputeSplit` (train on the cheapest rho of the configurations by 6ND, test on the
   costliest ``--test-fraction``).

Prints per-dataset mean MAPE next to the published ReScaL, the mean over the 52 pairs,
the rank-1 count and wall times.

Run:  SCALINGKIT_DATA=../shared/data python bench/auto_rescal.py [--jobs 2] [--no-generality]
      [--sweeps core|all] [--variant 'NAME=KWARGS'] [--rescal-rerun] [--published ../shared/data/rescal/results]
      [--out DIR]
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
from scalingkit.estimators import AutoPredictor, ReScaL
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
    """Print the per-pair table, the per-dataset table and the totals of one method (column ``auto``)."""
    name = pairs["method"].iloc[0]
    pct = pairs.assign(auto=pairs["auto"] * 100, ReScaL=pairs["ReScaL"] * 100,
                       best_published=pairs["best_published"] * 100)
    print(f"== ReScaL benchmark, {name}: per pair (MAPE %, Scott-Knott ESD rank among published methods + {name})")
    print(pct.drop(columns="method").rename(columns={"auto": name, "rank_auto": f"rank_{name}"})
          .round(2).to_string(index=False))
    by = pct.groupby("dataset", sort=False)
    table = pd.DataFrame({"pairs": by.size(), name: by["auto"].mean(), "ReScaL (published)": by["ReScaL"].mean(),
                          f"{name} rank-1": by["rank_auto"].apply(lambda r: int((r == 1).sum())),
                          "ReScaL rank-1": by["rank_ReScaL"].apply(lambda r: int((r == 1).sum()))})
    print("\n== per dataset (mean MAPE % over its pairs)")
    print(table.round(2).to_string())
    n = len(pct)
    r1, rescal_r1 = int((pct["rank_auto"] == 1).sum()), int((pct["rank_ReScaL"] == 1).sum())
    print(f"\nmean MAPE over {n} pairs: {name} {pct['auto'].mean():.2f} %   "
          f"ReScaL (published) {pct['ReScaL'].mean():.2f} %")
    print(f"rank-1 group: {name} {r1}/{n}   ReScaL {rescal_r1}/{n} (ranked together with {name})\n")


def head_to_head(result, published: Path, rerun: str) -> pd.DataFrame:
    """Rank ``auto`` with the published baselines and ``rerun`` (our ReScaL) in place of the published ReScaL.

    The published ReScaL errors are one unseeded draw per pair (PROTOCOL.md section 2.7);
    ranking against a re-run puts both methods under the same conditions.
    """
    rows = []
    preds = result.predictions
    for (dataset, rho), group in preds.groupby(["dataset", "rho"], sort=False):
        pub = published_errors(published, dataset, rho).drop(columns="ReScaL")
        errors = pub.assign(auto=group.loc[group["method"] == "auto", "ape"].to_numpy(),
                            **{rerun: group.loc[group["method"] == rerun, "ape"].to_numpy()})
        ranks = scott_knott_esd(errors)
        rows.append({"dataset": _short(dataset), "rho": rho, "auto": errors["auto"].mean(),
                     rerun: errors[rerun].mean(), "rank_auto": int(ranks["auto"]), f"rank_{rerun}": int(ranks[rerun])})
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers over pairs (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="Backtest random_state (default 0)")
    parser.add_argument("--published", type=Path, default=Path(os.environ.get("SCALINGKIT_RESCAL_RESULTS",
                                                                              _DEFAULT_PUBLISHED)),
                        help="folder holding RQ1/raw_result of the ReScaL release")
    parser.add_argument("--no-generality", action="store_true", help="skip the generality checks")
    parser.add_argument("--rescal-rerun", action="store_true",
                        help="also run our ReScaL: how often a re-run reaches the rank-1 group of its own published "
                             "draw, and auto ranked against the re-run instead of the published ReScaL")
    add_generality_options(parser)
    parser.add_argument("--out", type=Path, default=None, help="write per-pair tables as CSV here")
    args = parser.parse_args(argv)
    pd.set_option("display.width", 200)
    sweeps, rhos, variants = generality_options(args)

    rerun = "ReScaL_rerun"
    if args.rescal_rerun:
        variants = [*variants, (rerun, ReScaL())]
    pairs, result, wall = run_rescal(args.jobs, args.published, args.seed, variants)
    for _, group in pairs.groupby("method", sort=False):
        summarize(group)
    if args.rescal_rerun:
        duel = head_to_head(result, args.published, rerun)
        n = len(duel)
        print(f"== auto and our ReScaL re-run, ranked with the published baselines (published ReScaL left out)\n"
              f"mean MAPE: auto {100 * duel['auto'].mean():.2f} %   re-run {100 * duel[rerun].mean():.2f} %\n"
              f"rank-1 group: auto {int((duel['rank_auto'] == 1).sum())}/{n}   "
              f"re-run {int((duel[f'rank_{rerun}'] == 1).sum())}/{n}\n")
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
