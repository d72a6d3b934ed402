"""ConfigRegressor: recovers a known lr/batch landscape and extrapolates it to larger N."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from config_helpers import make_runs, true_bs, true_lr

from scalingkit.config import ConfigRegressor, recommend, select_columns, steplaw_optimum
from scalingkit.exceptions import NotFittedError


def test_landscape_recovers_the_optimum_exponents(fitted_trees):
    land = fitted_trees.landscape_
    N, D = 1.6e9, 3.2e10
    assert np.exp(land.log_lr_opt(N, D)) == pytest.approx(true_lr(N, D), rel=0.2)
    assert np.exp(land.log_bs_opt(N, D)) == pytest.approx(true_bs(N, D), rel=0.2)


def test_recommend_finds_the_optimum_at_a_larger_size(fitted_trees):
    N, D = 1.6e9, 3.2e10
    res = recommend(fitted_trees, N, D)
    assert abs(np.log(res.lr / true_lr(N, D))) < np.log(1.5)
    assert abs(np.log(res.batch_size / true_bs(N, D))) < np.log(1.5)
    assert res.loss <= res.landscape["loss"].min() + 1e-12
    assert res.pivot().shape == (25, 41)


def test_extrapolates_in_n_better_than_trees_on_raw_features(fitted_trees, synthetic_train, synthetic_test):
    from sklearn.ensemble import HistGradientBoostingRegressor
    from threadpoolctl import threadpool_limits

    from scalingkit.estimators import LawPredictor

    def logs(f):
        return np.column_stack([np.log(f.N), np.log(f.D), np.log(f.lr), np.log(f.batch_size)])

    base = LawPredictor(n_starts=256).fit(synthetic_train)
    resid = synthetic_train["loss"] - base.predict(synthetic_train)
    with threadpool_limits(1):
        raw = HistGradientBoostingRegressor(random_state=0).fit(logs(synthetic_train), resid)
        raw_pred = base.predict(synthetic_test.assign(loss=1.0)) + raw.predict(logs(synthetic_test))
    ours = fitted_trees.predict(synthetic_test.drop(columns="loss"))
    y = synthetic_test["loss"].to_numpy()
    mae_ours, mae_raw = np.abs(ours - y).mean(), np.abs(raw_pred - y).mean()
    print(f"MAE at N=1.6e9 (4x the largest training N): ours {mae_ours:.4f}, trees on raw logs {mae_raw:.4f}")
    assert mae_ours < 0.5 * mae_raw
    assert mae_ours < 0.01


def test_predict_ignores_the_target_column(fitted_trees, synthetic_test):
    with_target = fitted_trees.predict(synthetic_test)
    masked = fitted_trees.predict(synthetic_test.assign(loss=123.0))
    np.testing.assert_array_equal(with_target, masked)


def test_divergence_classifier_predicts_diverged_runs():
    train = make_runs([1e8, 2e8, 4e8])
    hot = train["lr"] > 3.0 * true_lr(train.N, train.D)
    train.loc[hot, "loss"] = 7.5
    model = ConfigRegressor(n_starts=256, min_samples_leaf=20).fit(train)
    assert model.diverged_.sum() == hot.sum()
    test = make_runs([8e8], seed=2)
    test_hot = test["lr"] > 3.5 * true_lr(test.N, test.D)
    p = model.predict_diverged(test)
    assert (p[test_hot] > 0.5).all()
    assert (p[test["lr"] < 2 * true_lr(test.N, test.D)] < 0.5).all()
    assert np.all(model.predict(test)[test_hot] == pytest.approx(7.5))


def test_runs_without_lr_or_batch_fall_back_to_the_base_law():
    rng = np.random.default_rng(0)
    N = np.repeat([1e8, 2e8, 4e8, 8e8], 6)
    D = N * np.tile([5, 10, 20, 40, 80, 160], 4)
    frame = pd.DataFrame({"N": N, "D": D, "optimizer": np.tile(["adam", "lion"], 12)})
    frame["loss"] = 1.8 + 400 / N**0.34 + 400 / D**0.28 + np.where(frame.optimizer == "lion", 0.02, 0.0)
    frame["loss"] += 0.001 * rng.standard_normal(len(frame))
    model = ConfigRegressor(n_starts=256, min_samples_leaf=3).fit(frame)
    assert not model.landscape_.use_lr
    assert not model.landscape_.use_bs
    assert model.features_.categorical == ["optimizer"]
    pred = model.predict(frame.drop(columns="loss"))
    assert np.abs(pred - frame["loss"]).mean() < 0.01


def test_select_columns_skips_outcomes_ids_and_derived_columns():
    frame = make_runs([1e8, 2e8]).assign(
        run_id=lambda f: [f"r{i}" for i in range(len(f))], smooth_loss=1.0, steps=lambda f: f.D / f.batch_size,
        ncpl_split="train", optimizer="adamw", model_size=lambda f: f.N.map({1e8: "100m", 2e8: "200m"}))
    frame.loc[::2, "optimizer"] = "lion"
    numeric, categorical = select_columns(frame, "loss")
    assert numeric == []  # warmup is constant; steps is D / batch_size
    assert categorical == ["optimizer"]


def test_steplaw_optimum_matches_the_published_formula():
    lr, bs = steplaw_optimum(1e9, 2e10)
    assert lr == pytest.approx(1.79 * 1e9**-0.713 * 2e10**0.307)
    assert bs == pytest.approx(0.58 * 2e10**0.571)


def test_not_fitted_and_bad_parameters(synthetic_test):
    with pytest.raises(NotFittedError):
        ConfigRegressor().predict(synthetic_test)
    with pytest.raises(ValueError, match="The 'backend' parameter of ConfigRegressor must be one of"):
        ConfigRegressor(backend="forest").fit(synthetic_test)
    with pytest.raises(ValueError, match="must be 'auto' or an int"):
        ConfigRegressor(min_samples_leaf=0).fit(synthetic_test)


def test_get_params_round_trip():
    model = ConfigRegressor(backend="neural", max_iter=50)
    clone = type(model)(**model.get_params())
    assert clone.get_params() == model.get_params()


def test_neural_backend_without_torch_names_the_extra(synthetic_train, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"scalingkit\[torch\]"):
        ConfigRegressor(backend="neural", n_starts=64, landscape=False).fit(synthetic_train)
