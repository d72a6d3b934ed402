"""The new figures: they draw, write files, and never touch pyplot's global state."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

from scalingkit.data import RunsTable  # noqa: E402
from scalingkit.estimators import LawPredictor  # noqa: E402
from scalingkit.fitting import MultiStartLM  # noqa: E402
from scalingkit.plotting import (  # noqa: E402
    plot_backtest_summary,
    plot_hyperparameter_landscape,
    plot_isoloss,
    plot_loss_vs_compute,
    plot_residuals,
)
from scalingkit.uncertainty import IntervalPredictor  # noqa: E402


@pytest.fixture(scope="module")
def fitted(table):
    train = table.subset(np.argsort(6 * table.N * table.D)[:25])
    law = LawPredictor(fitter=MultiStartLM(n_starts=16, polish=0))
    return train, IntervalPredictor(law, fractions=(0.5, 0.7)).fit(train)


def test_loss_vs_compute_with_bands_and_held_out_runs(table, fitted, tmp_path):
    import matplotlib.pyplot as plt

    train, model = fitted
    before = plt.get_fignums()
    fig = plot_loss_vs_compute(model.estimator_, train, test=table, intervals=model, path=tmp_path / "a.png")
    assert (tmp_path / "a.png").stat().st_size > 10_000
    assert plt.get_fignums() == before  # no pyplot figure was opened
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert {"fitted law (compute-optimal)", "extrapolation", "80% interval", "held-out runs"} <= set(labels)


def test_isoloss_residuals_and_backtest_summary(table, fitted, tmp_path):
    train, model = fitted
    plot_isoloss(model, table=table, budgets=[1e20, 1e22], path=tmp_path / "b.png")
    plot_residuals(model, train, test=table, path=tmp_path / "c.svg")
    df = pd.DataFrame({"method": ["a", "a", "b", "b"], "rho": [0.3, 0.5, 0.3, 0.5], "mape": [0.02, 0.01, 0.03, 0.02],
                       "coverage": [0.5, 0.7, 0.8, 0.9], "width": [0.02, 0.03, 0.04, 0.05]})
    fig = plot_backtest_summary(df, metric="width", level=0.8)
    assert len(fig.axes) == 2
    assert all((tmp_path / n).exists() for n in ("b.png", "c.svg"))


def test_hyperparameter_landscape_marks_the_best_run(tmp_path):
    lr, bs = np.meshgrid(np.geomspace(1e-4, 1e-2, 5), np.geomspace(1e5, 1e6, 4))
    loss = 2.5 + 0.1 * (np.log10(lr) + 3) ** 2 + 0.05 * (np.log10(bs) - 5.5) ** 2
    frame = pd.DataFrame({"N": 1e8, "D": 2e9, "lr": lr.ravel(), "batch_size": bs.ravel(), "loss": loss.ravel()})
    fig = plot_hyperparameter_landscape(RunsTable(frame), path=tmp_path / "l.png")
    legend = fig.axes[0].get_legend().get_texts()[0].get_text()
    assert legend == f"best loss = {loss.min():.4g}"
    with pytest.raises(ValueError, match="missing column 'warmup'"):
        plot_hyperparameter_landscape(RunsTable(frame), "warmup", "lr")
