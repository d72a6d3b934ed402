"""StackedObservationalPredictor: the inner CV finds the latent rank; estimator contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit.exceptions import NotFittedError, UnknownNameError
from scalingkit.observational import (
    CutoffSplit,
    StackedObservationalPredictor,
    evaluate_split,
    simplex_least_squares,
)

BENCH6 = [f"b{i}" for i in range(6)]


def latent_models(rank, n=50, seed=0):
    """Benchmarks of latent rank ``rank`` (orthogonal loadings, decreasing variance), a compute
    column that follows the first capability, and a target that needs all ``rank`` capabilities."""
    rng = np.random.default_rng(seed)
    f = np.column_stack([rng.uniform(-2, 2, n), rng.normal(0, 1, n), rng.normal(0, 1, n)])[:, :rank]
    load = np.column_stack([np.full(6, 0.08), 0.04 * np.array([1, 1, 1, -1, -1, -1]),
                            0.04 * np.array([1, -1, 0, 1, -1, 0])])[:, :rank]
    frame = pd.DataFrame(0.5 + f @ load.T + 0.002 * rng.normal(size=(n, 6)), columns=BENCH6)
    frame["compute"] = np.exp(f[:, 0] + 0.2 * rng.normal(size=n))
    z = 2.0 * f[:, 0] + 1.5 * f[:, 1:].sum(axis=1)
    frame["task"] = 0.9 / (1 + np.exp(-z)) + 0.1
    frame["Model"] = [f"m{i:02d}" for i in range(n)]
    return frame


@pytest.mark.parametrize(("rank", "seed"), [(2, 0), (3, 1)])
def test_inner_cv_finds_the_latent_rank(rank, seed):
    models = latent_models(rank, seed=seed)
    model = StackedObservationalPredictor(benchmarks=BENCH6, rank_by="compute").fit(models, "task")
    assert model.rank_by_ == "compute"
    assert model.weights_.sum() == pytest.approx(1.0)
    assert model.weights_.loc[:rank - 1].sum() < 0.05  # too few components: (almost) no weight
    cv = model.cv_results_.set_index("n_components")["cv_mse"]
    assert cv.loc[:rank - 1].min() > 10 * cv.loc[rank:].max()  # the inner CV sees why
    assert min(k for k, w, _ in model.members_ if w >= 0.05) >= rank
    # held-out extrapolation: the most capable fifth, from the rest
    result = evaluate_split(model, models, "task", CutoffSplit("compute", models["compute"].quantile(0.8)))
    assert result.test_mse < 1e-3


def test_out_of_fold_predictions_never_see_stronger_models():
    models = latent_models(2, n=30, seed=2)
    base = StackedObservationalPredictor(benchmarks=BENCH6, components=(1, 2, 3), rank_by="compute",
                                         holdout_fraction=0.3)
    first = base.fit(models, "task").cv_predictions_
    top = models["compute"].idxmax()
    changed = models.assign(task=models["task"].where(models.index != top, 0.0))  # the top model's target
    second = StackedObservationalPredictor(**base.get_params()).fit(changed, "task").cv_predictions_
    assert list(first.index) == list(second.index)
    assert first.index[0] == top
    pd.testing.assert_frame_equal(first.drop(columns="y"), second.drop(columns="y"))  # no fold fitted on it
    assert len(first) == round(0.3 * len(models))
    ranks = models.loc[first.index, "compute"].to_numpy()
    assert (np.diff(ranks) <= 0).all()  # validated from the most to the least compute


def test_ranking_falls_back_to_the_target():
    models = latent_models(2, n=30, seed=3)
    holes = models.assign(compute=models["compute"].where(models.index != 5))
    quick = {"benchmarks": BENCH6, "components": (1, 2), "holdout_fraction": 0.3}
    assert StackedObservationalPredictor(rank_by="compute", **quick).fit(holes, "task").rank_by_ == "target"
    model = StackedObservationalPredictor(**quick).fit(models, "task")
    assert model.rank_by_ == "target"
    ys = models.loc[model.cv_predictions_.index, "task"].to_numpy()
    assert (np.diff(ys) <= 0).all()


def test_too_few_models_use_the_published_choice():
    models = latent_models(2, n=5, seed=4)
    model = StackedObservationalPredictor(benchmarks=BENCH6, min_fit=4).fit(models, "task")
    assert len(model.cv_predictions_) == 1  # 5 - min_fit validated
    tiny = StackedObservationalPredictor(benchmarks=BENCH6, min_fit=5).fit(models, "task")
    assert tiny.cv_predictions_.empty
    assert [(k, w) for k, w, _ in tiny.members_] == [(3, 1.0)]
    assert np.isfinite(tiny.predict(models)).all()


def test_simplex_least_squares():
    rng = np.random.default_rng(0)
    P = rng.normal(size=(30, 4))
    w_true = np.array([0.6, 0.0, 0.4, 0.0])
    w = simplex_least_squares(P, P @ w_true)
    np.testing.assert_allclose(w, w_true, atol=1e-5)
    w = simplex_least_squares(P, rng.normal(size=30))
    assert (w >= 0).all()
    assert w.sum() == pytest.approx(1.0)
    assert simplex_least_squares(P[:, :1], P[:, 0]).tolist() == [1.0]


def test_contract(bench, models):
    model = StackedObservationalPredictor(benchmarks=bench, components=(1, 2), rank_by="flops")
    clone = type(model)(**model.get_params())
    assert clone.get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        model.predict(models)
    before = models.copy()
    model.fit(models, "task")
    pd.testing.assert_frame_equal(models, before)  # input not modified
    np.testing.assert_array_equal(model.predict(models.drop(columns="task")), model.predict(models))
    assert list(model.transform(models).columns) == [f"PC-{i}" for i in range(1, 6)]
    assert model.describe_weights().startswith("K")


@pytest.mark.parametrize(("param", "value", "expected"), [
    ("components", (), "a non-empty tuple of ints >= 1"),
    ("components", (0, 2), "a non-empty tuple of ints >= 1"),
    ("holdout_fraction", 0.0, "a float in the range (0, 1]"),
    ("min_fit", 2, "an int in the range [3, inf)"),
    ("rank_by", 3, "a column name or None"),
    ("link", "probit", "one of"),
])
def test_parameter_messages(models, bench, param, value, expected):
    with pytest.raises(ValueError, match="parameter of (Stacked)?ObservationalPredictor must be") as info:
        StackedObservationalPredictor(benchmarks=bench, **{param: value}).fit(models, "task")
    assert expected in str(info.value)


def test_errors_name_the_problem(models, bench):
    with pytest.raises(TypeError, match="models x benchmarks pandas DataFrame"):
        StackedObservationalPredictor(benchmarks=bench).fit(models.to_numpy(), "task")
    with pytest.raises(UnknownNameError, match="unknown target column .nope."):
        StackedObservationalPredictor(benchmarks=bench).fit(models, "nope")
    with pytest.raises(ValueError, match="at least 3 training models"):
        StackedObservationalPredictor(benchmarks=bench).fit(models.head(2), "task")
