"""ObservationalPredictor, evaluate_split, the CV variant and V-optimal subsets on synthetic models."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pytest

from scalingkit.exceptions import NotFittedError, UnknownNameError
from scalingkit.observational import (
    CutoffSplit,
    CVObservationalPredictor,
    ObservationalPredictor,
    TopSplit,
    evaluate_split,
    select_model_subsets,
    v_optimality,
)


def test_fit_predict_recovers_the_law(make_models, bench):
    models = make_models(missing=0.0)
    model = ObservationalPredictor(n_components=2, benchmarks=bench).fit(models, "task")
    pred = model.predict(models)
    err = pred - models["task"]  # two latent capabilities, benchmark noise 0.003
    assert np.abs(err).max() < 0.03
    assert np.sqrt(np.mean(err**2)) < 0.01
    assert model.link_.floor == pytest.approx(0.1, abs=0.02)
    assert model.feature_names_ == ["PC-1", "PC-2"]
    assert model.n_train_ == len(models)
    assert list(model.transform(models).columns) == [f"PC-{i}" for i in range(1, 6)]


def test_predict_does_not_read_the_target(models, bench):
    model = ObservationalPredictor(benchmarks=bench).fit(models, "task")
    np.testing.assert_array_equal(model.predict(models.drop(columns="task")), model.predict(models))


def test_default_benchmarks_and_input_not_modified(bench):
    frame = pd.DataFrame(np.random.default_rng(0).uniform(0.2, 0.8, (20, 3)), columns=["MMLU", "GSM8K", "ARC-C"])
    frame["y"] = frame.mean(axis=1)
    before = frame.copy()
    model = ObservationalPredictor(n_components=2).fit(frame, "y")
    assert model.benchmarks_ == ["MMLU", "ARC-C", "GSM8K"]
    pd.testing.assert_frame_equal(frame, before)


def test_compute_baseline_skips_missing_x(models):
    models = models.assign(flops=models["flops"].where(models.index % 7 != 0))
    model = ObservationalPredictor(x_col="flops").fit(models, "task")
    assert model.n_train_ == int(models["flops"].notna().sum())
    pred = model.predict(models)
    assert np.isnan(pred[models["flops"].isna()]).all()
    assert np.isfinite(pred[models["flops"].notna()]).all()


def test_evaluate_split_follows_the_published_order(models, bench):
    models = models.assign(flops=models["flops"].where(models.index != 3), task=models["task"].where(models.index != 5))
    split = CutoffSplit("flops", float(models["flops"].median()))
    result = evaluate_split(ObservationalPredictor(benchmarks=bench), models, "task", split)
    assert result.n_train + result.n_test == len(models) - 1  # the model without a target is dropped
    assert 3 in result.predictions.index[result.predictions["set"] == "test"]  # unknown FLOPs: test side
    assert result.test_mse < 1e-3
    d = result.to_dict()
    assert d["features"] == ["PC-1", "PC-2", "PC-3"]
    assert d["link"]["link"] == "sigmoid-parametric"
    assert len(d["predictions"]) == result.n_train + result.n_test


def test_evaluate_split_train_filter_and_baseline_drop(models, bench):
    models = models.assign(flops=models["flops"].where(models.index % 5 != 0))
    split = TopSplit("task", 0.2)
    keep = evaluate_split(ObservationalPredictor(benchmarks=bench), models, "task", split,
                          train_filter=lambda tr: (tr.index % 2 == 0))
    assert keep.n_train == len(models[models.index % 2 == 0]) - sum(
        1 for i in keep.predictions.index[keep.predictions["set"] == "test"] if i % 2 == 0)
    base = evaluate_split(ObservationalPredictor(x_col="flops"), models, "task", split)
    test_idx = base.predictions.index[base.predictions["set"] == "test"]
    assert models.loc[test_idx, "flops"].notna().all()  # models without FLOPs are not scored


def test_not_fitted_and_wrong_input(models, bench):
    with pytest.raises(NotFittedError):
        ObservationalPredictor().predict(models)
    with pytest.raises(TypeError, match="different input type"):
        ObservationalPredictor().fit(models.to_numpy(), "task")
    with pytest.raises(UnknownNameError, match="unknown target column 'tsak'"):
        ObservationalPredictor(benchmarks=bench).fit(models, "tsak")
    with pytest.raises(ValueError, match="not in the table"):
        ObservationalPredictor(benchmarks=["b1", "zz"]).fit(models, "task")
    with pytest.raises(ValueError, match="exceeds pca_components"):
        ObservationalPredictor(n_components=6, benchmarks=bench).fit(models, "task")


@pytest.mark.parametrize(("param", "value", "expected"), [
    ("n_components", 0, "an int in the range [1, inf]"),
    ("link", "probit", "one of 'sigmoid-parametric'"),
    ("floor_bounds", (0.3, 0.1), "a (low, high) pair"),
    ("alpha", -1.0, "a float in the range [0, inf)"),
])
def test_parameter_messages(models, bench, param, value, expected):
    with pytest.raises(ValueError, match=rf"The '{param}' parameter of ObservationalPredictor must be"):
        ObservationalPredictor(benchmarks=bench, **{param: value}).fit(models, "task")
    with pytest.raises(ValueError, match=re.escape(expected)):
        ObservationalPredictor(benchmarks=bench, **{param: value}).fit(models, "task")


def test_clone_from_params(bench):
    model = ObservationalPredictor(n_components=2, benchmarks=bench, loss="huber")
    clone = type(model)(**model.get_params())
    assert clone.get_params() == model.get_params()


def test_cv_predictor_picks_the_needed_components(make_models, bench):
    models = make_models(n=70, seed=3, missing=0.0)
    code = models["b5"] - models[["b1", "b2", "b3"]].mean(axis=1)  # a second capability drives the task
    models["task2"] = 1 / (1 + np.exp(-(8 * (models["b1"] - 0.5) + 40 * code)))
    cv = CVObservationalPredictor(benchmarks=bench, components=(1, 2, 3), alphas=(0.0,)).fit(models, "task2")
    assert cv.n_components_ >= 2
    assert set(cv.cv_results_["n_components"]) == {1, 2, 3}
    assert np.isfinite(cv.predict(models)).all()
    top = CVObservationalPredictor(benchmarks=bench, components=(1, 2), alphas=(0.0, 0.1), cv="top").fit(models, "task")
    best = top.cv_results_.loc[top.cv_results_["cv_mse"].idxmin()]
    assert (top.n_components_, top.alpha_) == (best["n_components"], best["alpha"])
    assert [c for c in top.cv_results_.columns if c.startswith("mse_")] == ["mse_q=0.1", "mse_q=0.2", "mse_q=0.3"]


def test_v_optimality_and_subset_choice():
    rng = np.random.default_rng(0)
    pcs = pd.DataFrame(rng.normal(size=(24, 3)), index=[f"m{i}" for i in range(24)])
    families = np.repeat(list("ABCDEFGH"), 3)
    assert v_optimality(pcs, pcs) == pytest.approx(3.0)
    choices = select_model_subsets(pcs, families, [6, 9], max_families=3, n_random=2)
    X = pcs.to_numpy()
    for choice in choices:  # brute force over all family combinations within budget
        best = min((v_optimality(X, X[np.isin(families, combo)]), combo)
                   for r in (1, 2, 3) for combo in itertools.combinations("ABCDEFGH", r)
                   if 3 <= 3 * r <= choice.budget)
        assert choice.criterion == pytest.approx(best[0])
        assert set(choice.families) == set(best[1])
        assert choice.n_models <= choice.budget
        assert len(choice.random_draws) == 2
    forced = select_model_subsets(pcs, families, 9, include="H")[0]
    assert "H" in forced.families
    with pytest.raises(ValueError, match="not in the pool"):
        select_model_subsets(pcs, families, 9, include="Z")
    with pytest.raises(ValueError, match="no family combination"):
        select_model_subsets(pcs, families, 2)
