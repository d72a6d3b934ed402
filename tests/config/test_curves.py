"""Loss curves: the Tissue law across runs, the power-law baseline, the regressor with progress."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit.config import CurvePredictor, cosine_schedule, evaluate_curves
from scalingkit.laws import lr_areas

ALPHA, RATIO, TOTAL = 0.45, 3e-5, 2000


def tissue_runs(n_runs=6, seed=0):
    """Curves that follow L = L0 + A (S1^-alpha - ratio S2) under a cosine schedule, one per run."""
    rng = np.random.default_rng(seed)
    S1, S2 = lr_areas(cosine_schedule(TOTAL), warmup_steps=20)
    steps = np.arange(40, TOTAL + 1, 40)
    rows = []
    for run in range(n_runs):
        L0, A = 1.8 + 0.3 * rng.random(), 2.0 + 2.0 * rng.random()
        loss = L0 + A * (S1[steps - 1] ** -ALPHA - RATIO * S2[steps - 1])
        rows.append(pd.DataFrame({"run_id": f"run{run}", "step": steps, "N": 1e8 * (run + 1),
                                  "D": steps * 1e6, "loss": loss}))
    return pd.concat(rows, ignore_index=True)


def test_cosine_schedule_shape():
    lr = cosine_schedule(1000, warmup_frac=0.01, min_lr_ratio=0.1)
    assert lr.size == 1000
    assert lr.max() == pytest.approx(1.0)
    assert lr[-1] == pytest.approx(0.1)
    assert np.all(np.diff(lr[10:]) <= 1e-12)


def test_tissue_recovers_shared_parameters_and_the_rest_of_a_curve():
    runs = tissue_runs()
    model = CurvePredictor(method="tissue").fit(runs[runs.run_id != "run0"])
    assert model.alpha_ == pytest.approx(ALPHA, rel=0.05)
    assert model.ratio_ == pytest.approx(RATIO, rel=0.1)
    mine = runs[runs.run_id == "run0"]
    start = mine[mine.step <= 0.3 * TOTAL]
    later = mine[mine.step > 0.3 * TOTAL]
    pred = model.predict_curve(start, later.step, total_steps=TOTAL)
    np.testing.assert_allclose(pred, later.loss, rtol=1e-3)
    # a power law in steps cannot see the annealing at the end of the schedule
    power = CurvePredictor(method="power").fit(runs)
    assert abs(power.predict_final(start, total_steps=TOTAL) - later.loss.iloc[-1]) > 0.01


def test_evaluate_curves_reports_every_method():
    runs = tissue_runs(n_runs=8)
    res = evaluate_curves(runs, methods=("tissue", "power"), folds=4)
    assert set(res.method) == {"tissue", "power"}
    assert len(res) == 16
    mape = res.groupby("method").ape.mean()
    assert mape["tissue"] < 1e-3 < mape["power"]


def test_regressor_method_uses_progress():
    runs = tissue_runs(n_runs=8)
    model = CurvePredictor(method="regressor", regressor={"n_starts": 64}).fit(runs[runs.run_id != "run0"])
    mine = runs[runs.run_id == "run0"]
    start = mine[mine.step <= 0.3 * TOTAL]
    final = model.predict_final(start, total_steps=TOTAL)
    assert final == pytest.approx(mine.loss.iloc[-1], rel=0.02)


def test_curve_errors():
    runs = tissue_runs(n_runs=3)
    with pytest.raises(ValueError, match="The 'method' parameter"):
        CurvePredictor(method="spline").fit(runs)
    model = CurvePredictor().fit(runs)
    with pytest.raises(ValueError, match="at least 2 checkpoints"):
        model.predict_curve(runs.iloc[:1], [100, 200])


def test_curve_cli(invoke, tmp_path):
    import json

    path = tmp_path / "curves.csv"
    tissue_runs().to_csv(path, index=False)
    out, _ = invoke(["curve", path, "--run", "run2", "--format", "json"])
    payload = json.loads(out)
    last = payload["predictions"][-1]
    assert last["predicted"] == pytest.approx(last["actual"], rel=1e-3)
    invoke(["curve", path, "--run", "run2"], stdout_contains="final loss: predicted")
    invoke(["curve", path, "--list"], stdout_contains="run5")
    invoke(["curve", path, "--evaluate", "--folds", "3"], stdout_contains="tissue")
    invoke(["curve", path, "--run", "nope"], code=2, stderr_contains="unknown curve 'nope'")
    invoke(["curve", path, "--run", "run2", "--method", "spline"], code=2, stderr_contains="--method must be")
    invoke(["curve", path], code=2, stderr_contains="give --run")
