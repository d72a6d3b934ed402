"""Generality check of `auto` (AutoPredictor) on public sweeps outside the ReScaL benchmark.

Each sweep is split with `ComputeSplit` (train on the cheapest ``rho`` of the
configurations by 6ND, test on the costliest ``--test-fraction``) and `auto` is compared
with a free Chinchilla fit (`LawPredictor`, Huber on log loss, the literature's default)
and with any ``--variant`` of `auto` given on the command line.

Sweeps (``--sweeps core`` is the first five, ``--sweeps all`` every one):

- ``chinchilla_epoch``: Chinchilla Fig. 4 (Epoch digitisation), final loss in (N, D);
- ``datablations``: Muennighoff et al., repeated data (unique tokens as a setting);
- ``overtraining``: Gadre et al., C4 validation loss of 104 models on three corpora;
- ``steplaw_best``: Step Law dense, the best (lr, bs) run of each (N, D) cell;
- ``ncpl_marin``: Marin AdamW sweep, settings varying per run;
- ``overtraining_refweb``: the same 104 models, Paloma RefinedWeb loss;
- ``overtraining_grid``: Gadre et al.'s 435-run hyper-parameter grid (lr, wd, warmup);
- ``steplaw_moe_best``: Step Law MoE, the best run of each (N, D) cell;
- ``chinchilla_epoch_all``: Chinchilla Fig. 4 keeping the 5 outliers Epoch dropped;
- ``datablations_curves``: Muennighoff et al.'s loss curves (each checkpoint a configuration);
- ``bimix``: BiMix mixtures x steps x 23 validation domains (domain and mixture as text).

Run:  SCALINGKIT_DATA=../shared/data python bench/auto_generality.py [--jobs 1] [--sweeps all]
      [--variant 'hard=weighting="in-sample",free_law=False'] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from scalingkit.datasets import load_dataset
from scalingkit.estimators import AutoPredictor, LawPredictor
from scalingkit.evaluation import Backtest, ComputeSplit

CORE = ("chinchilla_epoch", "datablations", "overtraining", "steplaw_best", "ncpl_marin")
EXTRA = ("overtraining_refweb", "overtraining_grid", "steplaw_moe_best", "chinchilla_epoch_all", "datablations_curves",
         "bimix")


def _best_per_cell(table):
    """The lowest-target row of each (N, D) cell."""
    frame = table.frame
    return table.with_frame(frame.loc[frame.groupby(["N", "D"])[table.target].idxmin()].reset_index(drop=True))


def load_sweep(name: str):
    """The RunsTable of one sweep (see the module docstring)."""
    if name == "steplaw_best":
        return _best_per_cell(load_dataset("steplaw_dense"))
    if name == "steplaw_moe_best":
        return _best_per_cell(load_dataset("steplaw_moe"))
    if name == "overtraining_refweb":
        return load_dataset("overtraining", target="paloma_refinedweb")
    if name == "chinchilla_epoch_all":
        return load_dataset("chinchilla_epoch", drop_outliers=False)
    return load_dataset(name)


def _parse_variant(text: str):
    name, _, kwargs = text.partition("=")
    return name, AutoPredictor(**eval(f"dict({kwargs})", {}))  # noqa: S307 - a research option


def run_generality(sweeps, *, jobs: int = 1, seed: int = 0, rhos=(0.2, 0.4, 0.6, 0.8), test_fraction: float = 0.1,
                   variants=()):
    """Backtest `auto`, the free Chinchilla fit and ``variants`` on ``sweeps``.

    Returns
    -------
    result : BacktestResult
    seconds : float
        Wall time.
    """
    tables = {name: load_sweep(name) for name in sweeps}
    methods = {"auto": AutoPredictor(), "chinchilla": LawPredictor(law="chinchilla"), **dict(variants)}
    t0 = time.perf_counter()
    result = Backtest(methods, ComputeSplit(tuple(rhos), test_fraction), jobs=jobs, rank=False,
                      random_state=seed).run(tables)
    return result, time.perf_counter() - t0


def report(result, seconds: float, rhos, test_fraction: float) -> None:
    """Print per-pair and per-sweep MAPE, failures and timing."""
    res = result.results
    piv = res.pivot_table(index=["dataset", "rho"], columns="method", values="mape", dropna=False, sort=False) * 100
    print(f"\n== generality: ComputeSplit(rhos={tuple(rhos)}, test_fraction={test_fraction}), MAPE %")
    print(piv.round(2).to_string())
    mean = res.pivot_table(index="dataset", columns="method", values="mape", aggfunc="mean", sort=False) * 100
    print("\nmean over budgets (pairs where a method failed are left out of its mean):")
    print(mean.round(2).to_string())
    print("\nmean over sweeps:", mean.mean().round(2).to_dict())
    failed = res[res["error"] != ""]
    if len(failed):
        print("\nfailed fits:")
        for _, r in failed.iterrows():
            print(f"  {r['dataset']} {r['split']} {r['method']}: {r['error'][:110]}")
    fit = res.groupby("method", sort=False)["fit_seconds"].sum()
    print(f"generality wall time: {seconds:.1f} s; fit seconds per method: {fit.round(1).to_dict()}")


def add_generality_options(parser: argparse.ArgumentParser) -> None:
    """The options of the generality checks (shared with bench/auto_rescal.py)."""
    parser.add_argument("--sweeps", default="core", help="generality sweeps: 'core', 'all' or a comma-separated list")
    parser.add_argument("--rhos", default="0.2,0.4,0.6,0.8", help="training budgets of the generality checks")
    parser.add_argument("--test-fraction", type=float, default=0.1, help="held-out share of configurations")
    parser.add_argument("--variant", action="append", default=[],
                        help="extra auto variant NAME=KWARGS, e.g. 'soft=weighting=\"softmax\"'")


def generality_options(args) -> tuple[tuple, list, list]:
    """``(sweeps, rhos, variants)`` from the options of `add_generality_options`."""
    sweeps = CORE if args.sweeps == "core" else CORE + EXTRA if args.sweeps == "all" else tuple(args.sweeps.split(","))
    return sweeps, [float(r) for r in args.rhos.split(",")], [_parse_variant(v) for v in args.variant]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1, help="parallel workers over pairs (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="Backtest random_state (default 0)")
    add_generality_options(parser)
    parser.add_argument("--out", type=Path, default=None, help="write results.csv here")
    args = parser.parse_args(argv)
    pd.set_option("display.width", 200)
    sweeps, rhos, variants = generality_options(args)
    result, seconds = run_generality(sweeps, jobs=args.jobs, seed=args.seed, rhos=rhos,
                                     test_fraction=args.test_fraction, variants=variants)
    report(result, seconds, rhos, args.test_fraction)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        result.results.to_csv(args.out / "auto_generality.csv", index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
