"""Benchmark: predict Pythia 6.9B and 12B zero-shot accuracy from the models up to 1.4B.

Two-stage (scalingkit.downstream.TwoStagePredictor) against the direct
compute -> accuracy sigmoid baseline (DirectPredictor), on the final
checkpoint (step 143,000, about 300B tokens) of pythia-6.9b and pythia-12b.

Choices (documented because Pythia has no pretraining-loss column):
- Loss proxy: log of LAMBADA (OpenAI) perplexity, i.e. the cross-entropy of
  the passage's last word, the only loss-like quantity in the evaluations.
- Training data: the standard (non-deduplicated) pythia-70m, -160m, -410m and
  -1.4b runs (pythia-1b exists only as bf16/deduped reruns), zero-shot, every
  checkpoint from step 13,000 on (the evenly spaced ones after the first 9%
  of training; earlier checkpoints sit in the initial collapse of the loss,
  where log-perplexity falls from 15 to 4).
- Stage one: Chinchilla law (Huber on log) from (N, tokens seen) to the
  proxy, on all those checkpoints; stage two: sigmoid with its floor at
  chance, on the same checkpoints. Baseline: the same sigmoid on log(6 N D).
- The column "stage-2 only" feeds the *actual* 6.9B/12B proxy into the fitted
  link, to separate the error of stage two from that of stage one.
- Intervals (level 0.9): "delta" (parameter covariance through both stages: the
  expected metric), "bootstrap" over runs, and "prediction" (one new run: the
  delta method plus the residual scatter of both stages plus an extrapolation
  term from a rolling-origin backtest inside the training runs: 410m predicted
  from 70m-160m, 1.4b from 70m-410m; its error per unit of log-compute
  extrapolation is scaled to each target's distance beyond 1.4b).

Run:  SCALINGKIT_DATA=../shared/data python bench/pythia_downstream.py
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

#: Task -> chance level (zero-shot accuracy).
TASKS = {"lambada_openai": 0.0, "piqa": 0.5, "arc_easy": 0.25, "winogrande": 0.5}
TRAIN_SIZES = ("70m", "160m", "410m", "1.4b")
TARGET_SIZES = ("6.9b", "12b")
MIN_STEP = 13_000
FINAL_STEP = 143_000


def checkpoints(tasks=TASKS) -> pd.DataFrame:
    """One row per (model, step): N, D, ``log_ppl`` (the loss proxy) and ``acc_<task>`` columns."""
    from scalingkit.datasets import load_pythia

    long = load_pythia(shots=0, variant="standard", task=sorted({*tasks, "lambada_openai"}),
                       metric=["acc", "ppl"]).frame
    wide = long.pivot_table(index=["model", "size", "N", "step", "D"], columns=["task", "metric"], values="value")
    wide.columns = [f"{m}_{t}" for t, m in wide.columns]
    wide = wide.reset_index()
    wide["log_ppl"] = np.log(wide["ppl_lambada_openai"])
    return wide.assign(run_id=wide["model"])


def evaluate(tasks=TASKS, level: float = 0.9, n_bootstrap: int = 0) -> pd.DataFrame:
    """Fit both methods per task and score them on the targets' final checkpoints.

    Parameters
    ----------
    tasks : dict of str to float, default=TASKS
        Task -> chance level.
    level : float, default=0.9
        Level of the two-stage intervals.
    n_bootstrap : int, default=0
        Resamples of whole runs for the bootstrap interval (0: delta method only).

    Returns
    -------
    DataFrame
        One row per (task, size): actual accuracy, predictions, absolute errors
        in points, the two-stage intervals (delta method; bootstrap over runs
        when ``n_bootstrap > 0``), and the predicted/actual proxy.
    """
    from scalingkit.data import read_runs
    from scalingkit.downstream import DirectPredictor, TwoStagePredictor

    wide = checkpoints(tasks)
    train = wide[wide["size"].isin(TRAIN_SIZES) & (wide["step"] >= MIN_STEP)]
    test = wide[wide["size"].isin(TARGET_SIZES) & (wide["step"] == FINAL_STEP)].reset_index(drop=True)
    table = read_runs(train, target="log_ppl", duplicates="keep")
    rows = []
    for task, chance in tasks.items():
        col = f"acc_{task}"
        two = TwoStagePredictor(loss_law="chinchilla", link="sigmoid", loss_col="log_ppl", metric_col=col,
                                chance=chance, interval="bootstrap" if n_bootstrap else "delta",
                                n_bootstrap=n_bootstrap).fit(table)
        direct = DirectPredictor(link="sigmoid", metric_col=col, chance=chance).fit(table)
        blo, bhi = two.predict_interval(test, level) if n_bootstrap else (np.full(len(test), np.nan),) * 2
        pred, (lo, hi) = two.predict(test), two.set_params(interval="delta").predict_interval(test, level)
        pi = two.set_params(interval="prediction").fit(table)
        plo, phi = pi.predict_interval(test, level)
        base, oracle = direct.predict(test), two.predict_from_loss(test["log_ppl"].to_numpy())
        proxy = two.predict_loss(test)
        for i, r in test.iterrows():
            y = r[col]
            rows.append({
                "task": task, "size": r["size"], "actual": 100 * y,
                "two_stage": 100 * pred[i], "two_stage_err": 100 * abs(pred[i] - y),
                "lo": 100 * lo[i], "hi": 100 * hi[i], "covered": bool(lo[i] <= y <= hi[i]),
                "boot_lo": 100 * blo[i], "boot_hi": 100 * bhi[i], "boot_covered": bool(blo[i] <= y <= bhi[i]),
                "pred_lo": 100 * plo[i], "pred_hi": 100 * phi[i], "pred_covered": bool(plo[i] <= y <= phi[i]),
                "backtest_err": ", ".join(f"{100 * e:+.1f}" for e in pi.backtest_["error"]),
                "direct": 100 * base[i], "direct_err": 100 * abs(base[i] - y),
                "stage2_only_err": 100 * abs(oracle[i] - y),
                "proxy_pred": proxy[i], "proxy_actual": r["log_ppl"],
            })
    return pd.DataFrame(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--level", type=float, default=0.9, help="interval level of the two-stage predictor")
    parser.add_argument("--bootstrap", type=int, default=100, help="resamples of runs (0: delta method only)")
    args = parser.parse_args(argv)
    res = evaluate(level=args.level, n_bootstrap=args.bootstrap)
    shown = res.assign(delta_int=[f"[{a:.1f}, {b:.1f}]" for a, b in zip(res["lo"], res["hi"], strict=True)],
                       boot_int=[f"[{a:.1f}, {b:.1f}]" for a, b in zip(res["boot_lo"], res["boot_hi"], strict=True)],
                       pred_int=[f"[{a:.1f}, {b:.1f}]" for a, b in zip(res["pred_lo"], res["pred_hi"], strict=True)])
    cols = ["task", "size", "actual", "two_stage", "two_stage_err", "delta_int", "boot_int", "pred_int", "direct",
            "direct_err", "stage2_only_err", "proxy_pred", "proxy_actual", "backtest_err"]
    with pd.option_context("display.float_format", "{:.2f}".format, "display.width", 200):
        print("Pythia zero-shot accuracy (points), trained on 70m-1.4b checkpoints (step >= 13000), "
              "predicting the final checkpoint of 6.9b and 12b")
        print(shown[cols].to_string(index=False))
    print(f"\nmean absolute error: two-stage {res['two_stage_err'].mean():.2f} points, "
          f"direct sigmoid {res['direct_err'].mean():.2f} points; "
          f"{args.level:.0%} interval covers {int(res['covered'].sum())}/{len(res)} (delta method), "
          f"{int(res['boot_covered'].sum())}/{len(res)} (bootstrap over runs), "
          f"{int(res['pred_covered'].sum())}/{len(res)} (prediction interval; mean width "
          f"{(res['pred_hi'] - res['pred_lo']).mean():.1f} points)")


if __name__ == "__main__":
    main()
