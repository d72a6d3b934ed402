"""ReScaL on synthetic data: the gate, the residual, the softmax weights, the estimator contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit.data import read_runs
from scalingkit.estimators import ReScaL, clone, get_predictor
from scalingkit.estimators._law_ensemble import PARTS, cv_mape, data_constraint_rows, softmax_weights
from scalingkit.estimators.baselines import RESCAL_CHINCHILLA, BoundedLawPredictor
from scalingkit.exceptions import NotFittedError
from scalingkit.laws import get_law

TRUE = {**RESCAL_CHINCHILLA, "E": 1.75, "A": 450.0, "beta": 0.3}  # inside ReScaL's +-30 % box
N_GRID = np.geomspace(1e8, 8e9, 7)
D_GRID = np.geomspace(2e9, 2e11, 7)


def _grid(lrs=None, seed=0, noise=0.002):
    rng = np.random.default_rng(seed)
    N, D = (a.ravel() for a in np.meshgrid(N_GRID, D_GRID, indexing="ij"))
    frame = pd.DataFrame({"N": N, "D": D})
    if lrs is not None:
        frame = frame.merge(pd.DataFrame({"lr": lrs}), how="cross")
    base = get_law("chinchilla")(TRUE, {"N": frame["N"].to_numpy(), "D": frame["D"].to_numpy()})
    penalty = 0.0 if lrs is None else 1.0 * (np.log10(frame["lr"].to_numpy()) + 3.0) ** 2
    frame["loss"] = (base + penalty) * np.exp(noise * rng.standard_normal(len(frame)))
    return frame


def _split(frame, n_train_nd=None):
    nd = frame["N"] * frame["D"]
    cut = np.quantile(nd.unique(), 0.6) if n_train_nd is None else n_train_nd
    return read_runs(frame[nd <= cut]), read_runs(frame[nd > cut])


def _mape(y, p):
    return float(np.mean(np.abs(p - y) / y))


@pytest.fixture(scope="module")
def lr_split():
    return _split(_grid(lrs=np.geomspace(1e-4, 1e-2, 9)))


@pytest.fixture(scope="module")
def lr_model(lr_split):
    train, _ = lr_split
    return ReScaL(random_state=0, n_estimators=30).fit(train)


def test_gate_opens_when_a_non_scale_feature_drives_the_loss(lr_split, lr_model):
    _, test = lr_split
    assert lr_model.gate_r2_ > 0.6
    assert lr_model.gate_ > 0.95
    parts = lr_model.predict_components(test)
    nd = test.N * test.D
    assert np.all(nd > lr_model.nd_range_[1])  # every test row is an extrapolation
    np.testing.assert_allclose(parts["gate"], lr_model.gate_)
    law_only, rescal = _mape(test.y, parts["law"]), _mape(test.y, parts["prediction"])
    assert rescal < 0.25 * law_only, (rescal, law_only)
    np.testing.assert_allclose(lr_model.predict(test), parts["prediction"])


def test_gate_closes_on_pure_scale_data():
    train, test = _split(_grid())
    model = ReScaL(random_state=0, n_estimators=30).fit(train)
    assert model.feature_names_ == ["N", "D"]
    assert model.gate_r2_ < 0.3
    assert model.gate_ < 0.01
    parts = model.predict_components(test)
    np.testing.assert_allclose(parts["prediction"], parts["law"], atol=0.01 * parts["law"].max())
    assert _mape(test.y, model.predict(test)) < 0.02


def test_gate_is_one_inside_the_training_nd_range(lr_split, lr_model):
    train, _ = lr_split
    parts = lr_model.predict_components(train)
    np.testing.assert_array_equal(parts["gate"], 1.0)


def test_fitted_attributes(lr_model):
    assert lr_model.member_names_ == [f"{law}-{p}" for law in ("farseer", "chinchilla", "kaplan")
                                      for p, _ in PARTS[law]]
    assert len(lr_model.members_) == len(lr_model.weights_) == len(lr_model.cv_scores_) == 9
    assert lr_model.weights_.sum() == pytest.approx(1.0)
    assert np.all(lr_model.weights_ >= 0)
    assert lr_model.feature_names_ == ["N", "D", "lr"]


def test_laws_see_only_the_top_k_rows_per_configuration(lr_split):
    train, _ = lr_split
    n_configs = len(train.frame.drop_duplicates(["N", "D"]))
    model = ReScaL(laws=("chinchilla",), top_k=2, random_state=0, n_estimators=5).fit(train)
    assert model.n_law_rows_ == 2 * n_configs


def test_softmax_weights_limits():
    scores = np.array([0.05, 0.02, 0.03, np.inf])
    cold = softmax_weights(scores, T=1e-6)
    np.testing.assert_allclose(cold, [0, 1, 0, 0], atol=1e-12)
    hot = softmax_weights(scores, T=1e6)
    np.testing.assert_allclose(hot[:3], 1 / 3, rtol=1e-5)
    assert hot[3] == 0.0
    np.testing.assert_allclose(softmax_weights([np.nan, np.inf], T=0.1), [0.5, 0.5])
    w = softmax_weights([0.02, 0.03, 0.5], T=0.1)
    assert w[0] > w[1] > w[2]
    assert w[2] < 1e-2


def test_small_temperature_picks_the_best_member():
    train, _ = _split(_grid())
    model = ReScaL(laws=("chinchilla", "kaplan"), T=1e-6, random_state=0, n_estimators=5).fit(train)
    best = int(np.argmin(model.cv_scores_))
    assert model.weights_[best] == pytest.approx(1.0)


def test_data_constraint_keeps_the_lowest_losses_per_configuration():
    N = np.array([1.0, 1, 1, 1, 1, 1, 1, 2, 2])
    D = np.array([5.0, 5, 5, 5, 5, 5, 5, 7, 7])
    y = np.array([3.0, 1, 7, 2, 6, 4, 5, 9, 8])
    rows = data_constraint_rows(N, D, y, top_k=5)
    assert sorted(y[rows].tolist()) == [1, 2, 3, 4, 5, 8, 9]
    np.testing.assert_array_equal(data_constraint_rows(N[[0, 7]], D[[0, 7]], y[[0, 7]], 5), [0, 1])


def test_cv_mape_is_reproducible_and_uses_every_row():
    frame = _grid()
    X = {"N": frame["N"].to_numpy(), "D": frame["D"].to_numpy()}
    y = frame["loss"].to_numpy()
    member = BoundedLawPredictor(law="chinchilla")
    a = cv_mape(member, X, y, 5, np.random.RandomState(1))
    b = cv_mape(member, X, y, 5, np.random.RandomState(1))
    assert a == b
    assert 0 < a < 0.05
    assert cv_mape(member, {k: v[:3] for k, v in X.items()}, y[:3], 5, np.random.RandomState(0)) > 0


def test_same_seed_same_predictions(lr_split):
    train, test = lr_split
    a, b = (ReScaL(laws=("kaplan",), random_state=7, n_estimators=10).fit(train) for _ in range(2))
    np.testing.assert_array_equal(a.predict(test), b.predict(test))


def test_predict_never_reads_the_target(lr_split, lr_model):
    _, test = lr_split
    expected = lr_model.predict(test)
    frame = test.frame
    np.testing.assert_array_equal(lr_model.predict(frame.drop(columns="loss")), expected)
    np.testing.assert_array_equal(lr_model.predict(frame.assign(loss=1.0)), expected)


def test_text_columns_are_not_features():
    frame = _grid().assign(config=lambda f: [f"cfg_{i}" for i in range(len(f))])
    model = ReScaL(laws=("chinchilla",), random_state=0, n_estimators=5).fit(read_runs(frame))
    assert "config" not in model.feature_names_


def test_legacy_int64_nd_wraps_like_the_published_code():
    frame = _grid()
    frame["N"] *= 10.0  # N*D up to 1.6e22: wraps in int64
    default = ReScaL(laws=("chinchilla",), random_state=0, n_estimators=5).fit(read_runs(frame))
    legacy = ReScaL(laws=("chinchilla",), random_state=0, n_estimators=5, legacy_int64_nd=True).fit(read_runs(frame))
    nd = frame["N"] * frame["D"]
    assert default.nd_range_ == (nd.min(), nd.max())
    assert legacy.nd_range_ != default.nd_range_


def test_contract_clone_registry_and_validation(lr_split):
    model = ReScaL(T=0.5, random_state=3)
    assert clone(model).get_params() == model.get_params()
    assert isinstance(get_predictor("rescal"), ReScaL)
    with pytest.raises(NotFittedError):
        model.predict(lr_split[1])
    with pytest.raises(ValueError, match="The 'T' parameter of ReScaL must be a float in the range"):
        ReScaL(T=0).fit(lr_split[0])
    with pytest.raises(ValueError, match="'laws' parameter of ReScaL must contain only"):
        ReScaL(laws=("chinchila",)).fit(lr_split[0])


def test_law_subset():
    train, test = _split(_grid())
    model = ReScaL(laws=("chinchilla",), random_state=0, n_estimators=5).fit(train)
    assert model.member_names_ == ["chinchilla-N", "chinchilla-D", "chinchilla-ALL"]
    assert _mape(test.y, model.predict(test)) < 0.02
