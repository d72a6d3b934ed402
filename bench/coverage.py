"""Coverage of the default predictor's intervals on held-out expensive runs.

For every (dataset, budget) pair, fit the default predictor (``get_predictor("auto")``)
on the training runs, wrap it in ``IntervalPredictor(method="conformal")`` and score
its nominal-``--level`` intervals on the held-out (costliest) runs. Next to it: the
naive parametric interval, i.e. the delta-method interval (Jacobian / covariance plus
the training scatter) of a plain Chinchilla `LawPredictor`.

Two pools:

- ``rescal``: the 52 pairs of the ReScaL benchmark (`RescalSplit` with `RESCAL_RHOS`);
- ``other``: the other extrapolation sets in ``$SCALINGKIT_DATA`` with `ComputeSplit`
  (train on the cheapest ``--rhos`` of the configurations by 6ND, test on the costliest
  ``--test-fraction``).

Coverage is reported two ways. *Pairs* (the headline): coverage of each pair, then the
mean over pairs, so every pair weighs the same whatever its number of test rows (the
rows of one pair are a few configurations, strongly correlated). *Rows*: the fraction
of all test rows of the pool inside their interval. Width is the mean of
``(hi - lo) / y`` the same two ways. Pairs whose fit fails are listed and left out.

Writes ``coverage_pairs.csv`` (one row per pair and method), ``coverage_rows.csv`` (one
row per test row and method) and ``coverage_datasets.csv`` to ``--out`` and prints
markdown tables.

Run:  SCALINGKIT_DATA=../shared/data python bench/coverage.py [--jobs 1]
      [--datasets rescal_moe,chinchilla_epoch] [--level 0.8] [--prior-weight 0] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from scalingkit.datasets import load_dataset
from scalingkit.estimators import LawPredictor, get_predictor
from scalingkit.evaluation import RESCAL_RHOS, ComputeSplit, RescalSplit
from scalingkit.uncertainty import IntervalPredictor

OTHER = ("chinchilla_epoch", "datablations", "datablations_curves", "overtraining", "overtraining_grid",
         "steplaw_dense", "steplaw_moe", "ncpl_marin")
METHODS = {"auto+conformal": ("auto", "conformal"), "chinchilla+delta": ("chinchilla", "delta")}


def _base(name: str, seed: int):
    if name == "auto":
        base = get_predictor("auto")
        if "random_state" in base.get_params():
            base.set_params(random_state=seed)
        return base
    return LawPredictor(law="chinchilla")


def _tasks(datasets, rhos, test_fraction):
    """``(pool, dataset, label, train, test)`` for every pair of every dataset."""
    out = []
    for name in datasets:
        table = load_dataset(name)
        if name in RESCAL_RHOS:
            pool, split = "rescal", RescalSplit(RESCAL_RHOS[name])
        else:
            pool, split = "other", ComputeSplit(tuple(rhos), test_fraction)
        for pair in split.pairs(table):
            out.append((pool, name, pair.label, table.subset(pair.train_idx), table.subset(pair.test_idx)))
    return out


def score_pair(task, level: float, seed: int, prior_weight: float = 0.0) -> tuple[list[dict], list[pd.DataFrame]]:
    """Fit both methods on one pair and score their intervals on its test rows."""
    pool, name, label, train, test = task
    pairs, rows = [], []
    for method, (base_name, kind) in METHODS.items():
        head = {"pool": pool, "dataset": name, "pair": label, "method": method, "n_train": len(train),
                "n_test": len(test)}
        t0 = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                extra = {"prior_weight": prior_weight} if kind == "conformal" else {}
                model = IntervalPredictor(_base(base_name, seed), method=kind, seed=seed, **extra).fit(train)
                lo, hi = model.predict_interval(test, level)
                pred = model.predict(test)
                dist = model.extrapolation_distance(test)
        except (ValueError, TypeError, RuntimeError) as exc:
            pairs.append({**head, "coverage": np.nan, "width": np.nan, "mape": np.nan, "seconds": np.nan,
                          "error": f"{type(exc).__name__}: {exc}"[:200]})
            continue
        y = test.y
        inside = (lo <= y) & (y <= hi)
        width = (hi - lo) / np.abs(y)
        decades = model.range_.distance(test, "compute")
        growth = model.calibration_.to_dict(level)["growth"] if kind == "conformal" else ""
        pairs.append({**head, "coverage": float(inside.mean()), "width": float(np.mean(width)),
                      "mape": float(np.mean(np.abs(pred - y) / y)), "distance": float(np.mean(dist)),
                      "decades": float(np.mean(decades)), "growth": growth,
                      "seconds": time.perf_counter() - t0, "error": ""})
        rows.append(pd.DataFrame({"pool": pool, "dataset": name, "pair": label, "method": method, "y": y,
                                  "pred": pred, "lo": lo, "hi": hi, "inside": inside, "width": width,
                                  "distance": dist, "decades": decades}))
    return pairs, rows


def summarise(pairs: pd.DataFrame, rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-dataset and per-pool coverage / width, by pairs and by rows."""
    ok = pairs[pairs["error"] == ""]
    keys = ["pool", "dataset", "method"]
    by_pair = ok.groupby(keys, sort=False).agg(pairs=("pair", "size"), coverage=("coverage", "mean"),
                                               width=("width", "mean"), mape=("mape", "mean"))
    by_row = rows.groupby(keys, sort=False).agg(rows=("y", "size"), coverage_rows=("inside", "mean"),
                                                width_rows=("width", "mean"))
    per_dataset = by_pair.join(by_row).reset_index()
    pool_pair = ok.groupby(["pool", "method"]).agg(pairs=("pair", "size"), coverage=("coverage", "mean"),
                                                   width=("width", "mean"), mape=("mape", "mean"))
    pool_row = rows.groupby(["pool", "method"]).agg(rows=("y", "size"), coverage_rows=("inside", "mean"),
                                                    width_rows=("width", "mean"))
    pools = pool_pair.join(pool_row).reset_index()
    return per_dataset, pools


def _markdown(frame: pd.DataFrame) -> str:
    frame = frame.copy()
    for col in frame.columns:
        if any(key in col for key in ("coverage", "width", "mape")):
            frame[col] = (frame[col] * 100).map(lambda v: f"{v:.1f}")
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1, help="parallel workers over pairs (default 1)")
    parser.add_argument("--datasets", default=None,
                        help="comma-separated subset (default: the 8 ReScaL sets and " + ", ".join(OTHER) + ")")
    parser.add_argument("--level", type=float, default=0.8, help="nominal coverage (default 0.8)")
    parser.add_argument("--prior-weight", type=float, default=0.0,
                        help="prior_weight of the conformal intervals (default 0: the folds alone)")
    parser.add_argument("--rhos", default="0.2,0.4,0.6,0.8", help="ComputeSplit budgets of the other sets")
    parser.add_argument("--test-fraction", type=float, default=0.1, help="ComputeSplit held-out share")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "scalingkit_coverage",
                        help="folder of the CSV files (default: scalingkit_coverage in the temporary folder)")
    args = parser.parse_args(argv)

    names = args.datasets.split(",") if args.datasets else [*RESCAL_RHOS, *OTHER]
    tasks = _tasks(names, [float(r) for r in args.rhos.split(",")], args.test_fraction)
    t0 = time.perf_counter()
    if args.jobs == 1:
        results = [score_pair(t, args.level, args.seed, args.prior_weight) for t in tasks]
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=args.jobs)(delayed(score_pair)(t, args.level, args.seed, args.prior_weight)
                                             for t in tasks)
    wall = time.perf_counter() - t0
    pairs = pd.DataFrame([p for ps, _ in results for p in ps])
    rows = pd.concat([r for _, rs in results for r in rs], ignore_index=True)
    per_dataset, pools = summarise(pairs, rows)

    args.out.mkdir(parents=True, exist_ok=True)
    pairs.to_csv(args.out / "coverage_pairs.csv", index=False)
    rows.to_csv(args.out / "coverage_rows.csv", index=False)
    per_dataset.to_csv(args.out / "coverage_datasets.csv", index=False)

    print(f"## Nominal {args.level:.0%} intervals on held-out runs (coverage, width and MAPE in %)\n")
    wide = per_dataset.pivot_table(index=["pool", "dataset"], columns="method",
                                   values=["coverage", "width", "coverage_rows"], sort=False)
    wide.columns = [f"{m} {v}" for v, m in wide.columns]
    order = [f"{m} {v}" for m in METHODS for v in ("coverage", "coverage_rows", "width")]
    print(_markdown(wide[[c for c in order if c in wide]].reset_index()))
    print("\n## Pooled (coverage = mean of per-pair coverage; coverage_rows = over all test rows)\n")
    print(_markdown(pools))
    conformal = pairs[(pairs["method"] == "auto+conformal") & (pairs["error"] == "")]
    prior = conformal[conformal["growth"] == "prior"]
    print(f"\nconformal growth from the prior (runs cannot show it) in {len(prior)} of {len(conformal)} pairs"
          + (f": coverage {prior['coverage'].mean():.1%}, learned elsewhere: "
             f"{conformal[conformal['growth'] != 'prior']['coverage'].mean():.1%}" if len(prior) else ""))
    failed = pairs[pairs["error"] != ""]
    for _, r in failed.iterrows():
        print(f"failed: {r['dataset']} {r['pair']} {r['method']}: {r['error']}")
    fit_s = pairs.groupby("method")["seconds"].sum()
    print(f"\nCSV files in {args.out}")
    print(f"wall time: {wall:.1f} s for {len(tasks)} pairs (jobs={args.jobs}); fit+calibrate seconds by method: "
          + ", ".join(f"{m} {s:.1f}" for m, s in fit_s.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
