"""Benchmark: the literature's multi-start loop against scalingkit's batched fitter.

Same data (Epoch's 240 Chinchilla points, the 5 highest-loss points dropped),
same objective (Huber, delta=1e-3, on log loss), same 4,500-point start grid
(Hoffmann et al. / Besiroglu et al.). The literature's loop is written as in
Epoch's replication notebook: one ``scipy.optimize.minimize(method="L-BFGS-B")``
call per start with numerical gradients, predictions by log-sum-exp.

Run:  SCALINGKIT_DATA=../shared/data python bench/fit_speed.py [--loop-starts K]

``--loop-starts K`` times the loop on an evenly spaced subset of K grid starts
and extrapolates its time to the full grid (the report says so); the default
runs the whole grid (several minutes on a 2-core machine).
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import huber

from scalingkit.datasets import load_dataset
from scalingkit.fitting import Huber, MultiStartLM
from scalingkit.laws import get_law


def literature_grid():
    alpha = beta = np.arange(0.0, 2.5, 0.5)
    e = np.arange(-1.0, 1.5, 0.5)
    a = b = np.arange(0.0, 30.0, 5.0)
    return np.array(list(itertools.product(e, a, b, alpha, beta)))  # (e, a, b, alpha, beta)


def literature_loop(N, D, L, grid, delta=1e-3):
    """Epoch's loop: L-BFGS-B per start, finite-difference gradients."""
    logN, logD, logL = np.log(N), np.log(D), np.log(L)

    def objective(p):
        e, a, b, alpha, beta = p
        pred = np.logaddexp(np.logaddexp(a - alpha * logN, b - beta * logD), e)
        return np.sum(huber(delta, logL - pred))

    best = (np.inf, None)
    for x0 in grid:
        res = minimize(objective, x0, method="L-BFGS-B")
        if res.fun < best[0]:
            best = (res.fun, res.x)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loop-starts", type=int, default=None, help="time the loop on K grid starts and extrapolate")
    ap.add_argument("--repeat", type=int, default=3, help="repeats of the scalingkit fit (best time kept)")
    args = ap.parse_args(argv)

    table = load_dataset("chinchilla_epoch")  # 240 points: Epoch dropped the 5 highest-loss ones
    N, D, L = table.N, table.D, table.y
    grid = literature_grid()
    law = get_law("chinchilla")

    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        res = MultiStartLM().fit(law, {"N": N, "D": D}, L, Huber(1e-3))
        times.append(time.perf_counter() - t0)
    t_sk = min(times)

    sub = grid if args.loop_starts is None else grid[np.linspace(0, len(grid) - 1, args.loop_starts).astype(int)]
    t0 = time.perf_counter()
    f_loop, x_loop = literature_loop(N, D, L, sub)
    t_loop_run = time.perf_counter() - t0
    t_loop = t_loop_run * len(grid) / len(sub)

    print(f"data: chinchilla_epoch, {len(L)} rows; objective huber(delta=1e-3) on log loss; {len(grid)} starts")
    how = "measured" if len(sub) == len(grid) else f"extrapolated from {len(sub)} starts ({t_loop_run:.1f} s)"
    print(f"literature loop (scipy L-BFGS-B per start, numerical gradients): {t_loop:9.2f} s  [{how}]")
    print(f"scalingkit MultiStartLM (batched, same grid):                   {t_sk:9.3f} s  [best of {args.repeat}]")
    print(f"speed-up: {t_loop / t_sk:.0f}x")
    print(f"objective  loop: {f_loop:.10g}   scalingkit: {res.objective:.10g}   "
          f"relative difference (scalingkit - loop) / loop: {(res.objective - f_loop) / f_loop:+.2e}")
    e, a, b, alpha, beta = x_loop
    print(f"params loop:       E={np.exp(e):.4f} A={np.exp(a):.1f} B={np.exp(b):.1f} alpha={alpha:.4f} beta={beta:.4f}")
    p = res.params
    print(f"params scalingkit: E={p['E']:.4f} A={p['A']:.1f} B={p['B']:.1f} "
          f"alpha={p['alpha']:.4f} beta={p['beta']:.4f}")


if __name__ == "__main__":
    main()
