"""Coverage of the default intervals when all there is, is a handful of pilot runs.

A synthetic sweep from Epoch AI's Chinchilla refit (Besiroglu et al. 2024) with
``--noise`` relative scatter: ``k`` pilot runs at N from 2e7 to 2e8 and about 20
tokens per parameter (a random factor e^U(-0.5, 0.5) on D), then a forecast of the
1B and 2B models at 20 tokens per parameter (2 to 3 orders of magnitude of compute
beyond the pilots). For every ``k`` and ``--seeds`` draws, ``auto`` wrapped in
``IntervalPredictor(method="conformal")`` gives nominal ``--level`` intervals; the
table shows their coverage, mean relative width and the point MAPE, for each
``--prior-weights`` value (0: the folds alone, the default; 1: the prior growth worth
one configuration).

Run:  python bench/pilot_coverage.py [--runs 4,6,9,16] [--seeds 20] [--prior-weights 0,1]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd

from scalingkit.estimators import AutoPredictor
from scalingkit.laws import get_law
from scalingkit.uncertainty import IntervalPredictor

EPOCH = {"E": 1.82, "A": 482.0, "B": 2085.0, "alpha": 0.35, "beta": 0.37}


def _loss(N, D):
    return np.asarray(get_law("chinchilla")(EPOCH, {"N": np.asarray(N, float), "D": np.asarray(D, float)}))


def pilot_sweep(k: int, seed: int, noise: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``k`` pilot runs and the two target runs, with scatter ``noise`` on the loss."""
    rng = np.random.default_rng(seed)
    N = np.geomspace(2e7, 2e8, k)
    D = 20 * N * np.exp(rng.uniform(-0.5, 0.5, k))
    pilots = pd.DataFrame({"N": N, "D": D, "loss": _loss(N, D) * np.exp(noise * rng.standard_normal(k))})
    N_t = np.array([1e9, 2e9])
    targets = pd.DataFrame({"N": N_t, "D": 20 * N_t})
    targets["loss"] = _loss(targets["N"], targets["D"]) * np.exp(noise * rng.standard_normal(2))
    return pilots, targets


def score(k: int, seeds: int, noise: float, level: float, prior_weight: float) -> dict:
    cover, width, ape = [], [], []
    for seed in range(seeds):
        pilots, targets = pilot_sweep(k, seed, noise)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = IntervalPredictor(AutoPredictor(random_state=seed), method="conformal",
                                      prior_weight=prior_weight).fit(pilots)
            lo, hi = model.predict_interval(targets, level)
            pred = model.predict(targets)
        y = targets["loss"].to_numpy()
        cover.append(np.mean((lo <= y) & (y <= hi)))
        width.append(np.mean((hi - lo) / y))
        ape.append(np.mean(np.abs(pred / y - 1)))
    return {"runs": k, "prior_weight": prior_weight, "coverage %": 100 * np.mean(cover),
            "width %": 100 * np.mean(width), "MAPE %": 100 * np.mean(ape)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", default="4,6,9,16", help="pilot-run counts")
    parser.add_argument("--seeds", type=int, default=20, help="draws per count")
    parser.add_argument("--noise", type=float, default=0.01, help="relative scatter of the loss")
    parser.add_argument("--level", type=float, default=0.8, help="nominal coverage")
    parser.add_argument("--prior-weights", default="0,1", help="values of prior_weight to compare")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    rows = [score(int(k), args.seeds, args.noise, args.level, float(w))
            for w in args.prior_weights.split(",") for k in args.runs.split(",")]
    print(pd.DataFrame(rows).round(1).to_string(index=False))
    print(f"{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
