"""Benchmark: ``scalingkit reproduce ncpl`` end to end, its wall time, and the issue's targets.

Runs `scalingkit.config.reproduce_ncpl` (Step Law dense with NCPL's split, Marin AdamW),
times it, and checks the numbers the configuration-aware regressor must show:

- Step Law (NCPL's split, matched subset): ID MAE <= 0.0082, OOD MAE <= 0.015, and each at
  least 50% below the configuration-agnostic Chinchilla fit;
- Marin AdamW: OOD MAE at least 30% below the best configuration-agnostic Chinchilla fit;
- hyperparameter regret on Step Law's held-out (N, D) cells no worse than the Step Law
  formula's, per cell and on average (each model's recommendation shrunk toward the formula
  with weights calibrated by leave-one-cell-out on the training cells; the unshrunk picks,
  ``<method>_model_only``, are printed for reference, not checked);
- wall time under 10 minutes (the budget on a 2-core CPU).

Run:  SCALINGKIT_DATA=../shared/data python bench/ncpl_reproduce.py --out /tmp/ncpl [--no-neural]

Nothing is tuned here: every method chooses its settings inside the training runs.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

TARGETS = {"id": 0.0082, "ood": 0.015}
BUDGET_S = 600.0


def _check(label, ok, detail):
    print(f"[{'PASS' if ok else 'MISS'}] {label}: {detail}")
    return ok


def steplaw_checks(res):
    s = res[res["dataset"] == "steplaw_dense"].set_index(["split", "method"])["mae"]
    oks = []
    for method in [m for m in s.index.get_level_values(1).unique() if m.startswith("config")]:
        for split, target in TARGETS.items():
            mae, base = s[(split, method)], s[(split, "chinchilla")]
            oks.append(_check(f"Step Law {split.upper()} {method}", mae <= target and mae <= 0.5 * base,
                              f"MAE {mae:.4f} (target <= {target}); Chinchilla {base:.4f}, "
                              f"{1 - mae / base:.0%} lower (target >= 50%)"))
    return oks


def marin_checks(res):
    oks = []
    for dataset in ("marin_adamw", "marin_adamw_converged"):
        m = res[(res["dataset"] == dataset) & (res["split"] == "ood")].set_index("method")["mae"]
        if m.empty:
            continue
        chin = m[[k for k in m.index if k.startswith("chinchilla")]]
        for method in [k for k in m.index if k.startswith("config")]:
            gain = 1 - m[method] / chin.min()
            oks.append(_check(f"{dataset} OOD {method}", gain >= 0.30,
                              f"MAE {m[method]:.4f} vs best Chinchilla {chin.min():.4f} ({chin.idxmin()}): "
                              f"{gain:.0%} lower (target >= 30%)"))
    return oks


def regret_checks(regret):
    oks = []
    cells = regret.dropna(subset=["N"])
    formula = cells[cells["method"] == "steplaw_formula"].set_index(["N", "D"])["regret"]
    for method in [m for m in cells["method"].unique() if m.endswith("_model_only")]:
        ours = cells[cells["method"] == method].set_index(["N", "D"])["regret"]
        print(f"[info] regret {method}: mean {ours.mean():.4f}; worse than the formula in "
              f"{int((ours > formula + 1e-12).sum())}/{ours.size} cells")
    for method in [m for m in cells["method"].unique() if m != "steplaw_formula" and not m.endswith("_model_only")]:
        ours = cells[cells["method"] == method].set_index(["N", "D"])["regret"]
        worse = int((ours > formula + 1e-12).sum())
        oks.append(_check(f"regret {method}", worse == 0 and ours.mean() <= formula.mean(),
                          f"mean {ours.mean():.4f} vs formula {formula.mean():.4f}; "
                          f"worse than the formula in {worse}/{ours.size} cells"))
    return oks


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="ncpl_results", help="Output folder.")
    parser.add_argument("--no-neural", action="store_true", help="Skip the torch backends.")
    args = parser.parse_args(argv)

    from scalingkit.config import reproduce_ncpl

    t0 = time.perf_counter()
    res = reproduce_ncpl(args.out, neural=False if args.no_neural else None)
    wall = time.perf_counter() - t0
    with pd.option_context("display.width", 160, "display.float_format", "{:.4f}".format):
        print(res.to_string(index=False))
        regret = pd.read_csv(f"{args.out}/regret.csv")
        print(regret.pivot_table(index=["N", "D"], columns="method", values="regret").to_string())
        print(pd.read_csv(f"{args.out}/shrinkage.csv").to_string(index=False))
    oks = [*steplaw_checks(res), *marin_checks(res), *regret_checks(regret),
           _check("wall time", wall < BUDGET_S, f"{wall:.0f} s (budget {BUDGET_S:.0f} s)")]
    print(f"{int(np.sum(oks))}/{len(oks)} targets met")


if __name__ == "__main__":
    main()
