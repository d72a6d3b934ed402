"""Shrinkage of recommendations toward a prior formula: recovery, limits, and the regret protocol."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from config_helpers import landscape_loss, make_runs, true_bs, true_lr

from scalingkit.config import Shrinkage, calibrate_shrinkage, cell_optimum, hyperparameter_regret
from scalingkit.data import read_runs


class _Oracle:
    """A stand-in model that predicts the synthetic landscape with its optimum moved by ``shift``."""

    def __init__(self, *, shift=1.0):
        self.shift = shift

    def get_params(self, deep=True):
        return {"shift": self.shift}

    def fit(self, table, y=None):
        return self

    def predict(self, table):
        f = table.frame if hasattr(table, "frame") else table
        return landscape_loss(f["N"], f["D"], f["lr"] / self.shift, f["batch_size"] / self.shift).to_numpy()


def _dense_cell(N, D, n=9, noise=0.0, seed=0):
    lr = true_lr(N, D) * np.exp(np.linspace(-1.6, 1.6, n))
    bs = true_bs(N, D) * np.exp(np.linspace(-1.4, 1.4, n))
    LR, BS = (a.ravel() for a in np.meshgrid(lr, bs))
    loss = landscape_loss(N, D, LR, BS) + noise * np.random.default_rng(seed).standard_normal(LR.size)
    return LR, BS, loss


def test_cell_optimum_recovers_the_vertex_between_grid_points():
    N, D = 3e8, 6e9
    lr, bs, loss = _dense_cell(N, D, noise=5e-4)
    got_lr, got_bs = cell_optimum(lr * 1.13, bs * 0.9, loss)  # optimum off the grid: at lr/1.13, bs/0.9
    assert np.log(got_lr / (1.13 * true_lr(N, D))) == pytest.approx(0.0, abs=0.08)
    assert np.log(got_bs / (0.9 * true_bs(N, D))) == pytest.approx(0.0, abs=0.12)


def test_cell_optimum_falls_back_to_the_best_run_without_a_bowl():
    lr = np.array([1e-3, 2e-3, 4e-3, 8e-3] * 2)
    bs = np.repeat([1e5, 2e5], 4)
    loss = 3.0 - 0.01 * np.log(lr)  # monotone: no vertex
    assert cell_optimum(lr, bs, loss, min_points=4) == pytest.approx((8e-3, 1e5))


@pytest.fixture(scope="module")
def grid_table():
    """Nine (N, D) cells of 9 x 9 (lr, batch) runs each, noise-free."""
    frames = []
    for N in (1e8, 2e8, 4e8):
        for D in (10 * N, 20 * N, 40 * N):
            lr, bs, loss = _dense_cell(N, D)
            frames.append(pd.DataFrame({"N": N, "D": D, "lr": lr, "batch_size": bs, "loss": loss}))
    return read_runs(pd.concat(frames, ignore_index=True))


def test_calibration_trusts_the_better_estimate(grid_table):
    def biased_prior(N, D):
        return 4.0 * true_lr(N, D), 0.25 * true_bs(N, D)

    good_model = calibrate_shrinkage(_Oracle(), grid_table, prior=biased_prior)
    assert good_model.lr > 0.8
    assert good_model.batch_size > 0.8
    assert len(good_model.cells) == 9

    def exact_prior(N, D):
        return true_lr(N, D), true_bs(N, D)

    bad_model = calibrate_shrinkage(_Oracle(shift=2.0), grid_table, prior=exact_prior)
    assert bad_model.lr < 0.1
    assert bad_model.batch_size < 0.1
    assert bad_model.rms_model[0] == pytest.approx(np.log(2.0), abs=0.25)


def test_calibration_reuses_given_predictions(grid_table):
    first = calibrate_shrinkage(_Oracle(shift=1.5), grid_table)

    class _NoRefit(_Oracle):
        def fit(self, table, y=None):
            msg = "refitted although predictions were given"
            raise AssertionError(msg)

    again = calibrate_shrinkage(_NoRefit(), grid_table, predictions=first.predictions)
    assert (again.lr, again.batch_size) == (first.lr, first.batch_size)
    pd.testing.assert_frame_equal(again.cells, first.cells)


def test_combine_limits():
    prior = Shrinkage(lr=0.0, batch_size=0.0, prior=lambda N, D: (1e-3, 1e5))
    assert prior.combine(1e9, 2e10, 4e-3, 4e5) == pytest.approx((1e-3, 1e5))
    model = Shrinkage(lr=1.0, batch_size=1.0, prior=lambda N, D: (1e-3, 1e5))
    assert model.combine(1e9, 2e10, 4e-3, 4e5) == pytest.approx((4e-3, 4e5))
    half = Shrinkage(lr=0.5, batch_size=0.5, prior=lambda N, D: (1e-3, 1e5))
    assert half.combine(1e9, 2e10, 4e-3, 4e5) == pytest.approx((2e-3, 2e5))


def test_calibration_needs_cells_that_vary_lr_and_batch():
    frame = make_runs([1e8, 2e8]).drop(columns="batch_size")
    with pytest.raises(ValueError, match="needs columns 'lr' and 'batch_size'"):
        calibrate_shrinkage(_Oracle(), read_runs(frame))
    few = make_runs([1e8])
    with pytest.raises(ValueError, match="at least 4"):
        calibrate_shrinkage(_Oracle(), read_runs(few), min_cells=4)


def test_regret_with_full_and_no_shrinkage(grid_table):
    train = read_runs(make_runs([1e8]))
    grid = read_runs(pd.concat([make_runs([1e8]), make_runs([8e8], seed=3, noise=0.0)], ignore_index=True))
    formula = Shrinkage(lr=0.0, batch_size=0.0)
    model = Shrinkage(lr=1.0, batch_size=1.0)
    out = hyperparameter_regret({"as_formula": _Oracle(shift=2.0), "as_model": _Oracle(shift=2.0)}, train, grid,
                                shrinkage={"as_formula": formula, "as_model": model})
    cells = out.dropna(subset=["N"]).set_index("method")
    assert set(cells["N"]) == {8e8}
    for col in ("lr", "batch_size", "regret"):
        assert cells.loc["as_formula", col].tolist() == cells.loc["steplaw_formula", col].tolist()
        assert cells.loc["as_model", col].tolist() == cells.loc["as_model_model_only", col].tolist()
    assert (cells["regret"] >= 0).all()
