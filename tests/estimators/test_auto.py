"""`auto` (AutoPredictor) on synthetic sweeps: law recovery, inner-CV selection, residuals, the contract."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from scalingkit.data import read_runs
from scalingkit.estimators import AutoPredictor, clone, get_predictor
from scalingkit.estimators._auto_features import (
    effective_data,
    extrapolation_ratio,
    failed_rows,
    is_identifier,
    is_outcome,
    select_features,
    unique_token_column,
)
from scalingkit.estimators._auto_law import CHINCHILLA_PRINTED, LawEnsemble, extrapolation_errors
from scalingkit.exceptions import NotFittedError
from scalingkit.laws import KAPLAN_PUBLISHED, get_law

TRUE = {**CHINCHILLA_PRINTED, "E": 1.75, "A": 450.0, "beta": 0.30}  # inside the +-30 % box
EPOCH = {"E": 1.82, "A": 482.0, "B": 2085.0, "alpha": 0.35, "beta": 0.37}  # Besiroglu et al.: B far outside it
N_GRID = np.geomspace(1e8, 4e9, 7)
D_GRID = np.geomspace(2e9, 1.5e11, 7)


def _law(N, D, params=TRUE, law="chinchilla"):
    return get_law(law)(params, {"N": np.asarray(N, float), "D": np.asarray(D, float)})


def _grid(extra=None, seed=0, noise=0.002):
    """Every (N, D) of the grid, crossed with the rows of ``extra`` (a DataFrame of settings)."""
    N, D = (a.ravel() for a in np.meshgrid(N_GRID, D_GRID, indexing="ij"))
    frame = pd.DataFrame({"N": N, "D": D})
    if extra is not None:
        frame = frame.merge(extra, how="cross")
    rng = np.random.default_rng(seed)
    frame["noise"] = np.exp(noise * rng.standard_normal(len(frame)))
    return frame


def _split(frame, q=0.6):
    """Train on the cheapest ``q`` of the (N, D) cells, test on the others (larger N and D)."""
    nd = frame["N"] * frame["D"]
    cut = np.quantile(nd.unique(), q)
    return read_runs(frame[nd <= cut]), read_runs(frame[nd > cut])


def _split_largest_n(frame, k=2):
    """Train on all but the ``k`` largest N, test on those (every D)."""
    big = frame["N"] >= np.sort(frame["N"].unique())[-k]
    return read_runs(frame[~big]), read_runs(frame[big])


def _law_split(params, law="chinchilla"):
    frame = _grid()
    frame["loss"] = _law(frame["N"], frame["D"], params, law) * frame.pop("noise")
    return _split(frame)


def _mape(y, p):
    return float(np.mean(np.abs(np.asarray(p) - y) / y))


def _fit(train, **kw):
    return AutoPredictor(random_state=0, n_estimators=60, **kw).fit(train)


def _weight_of(model, prefix):
    return float(sum(w for n, w in zip(model.law_members_, model.law_weights_, strict=True) if n.startswith(prefix)))


@pytest.fixture(scope="module")
def pure_split():
    return _law_split(TRUE)


@pytest.fixture(scope="module")
def lr_split():
    lrs = pd.DataFrame({"lr": np.geomspace(1e-4, 1e-2, 7)})
    frame = _grid(lrs)
    penalty = 0.5 * (np.log10(frame["lr"]) + 3.0) ** 2  # loss rises away from lr = 1e-3, at every scale
    frame["loss"] = (_law(frame["N"], frame["D"]) + penalty) * frame.pop("noise")
    return _split_largest_n(frame)


@pytest.fixture(scope="module")
def step_split():
    # checkpoints: the row at step s of a run with budget D has seen D s / S tokens (S = 1000 steps)
    steps = pd.DataFrame({"step": np.arange(100, 1001, 100)})
    frame = _grid(steps)
    frame["loss"] = _law(frame["N"], frame["D"] * frame["step"] / 1000.0) * frame.pop("noise")
    return _split_largest_n(frame)


# -- law candidates and their weights ------------------------------------------------------------
def test_pure_law_data_matches_the_law(pure_split):
    train, test = pure_split
    model = _fit(train)
    assert model.feature_names_ == []
    assert model.residual_model_ is None
    assert model.gate_ == 0.0
    assert "chinchilla-free" in model.law_members_
    assert np.isclose(model.law_weights_.sum(), 1.0)
    assert np.isclose(model.law_prior_weights_.sum(), 1.0)
    assert model.law_prior_weights_[model.law_members_.index("chinchilla-free")] == 0.0
    assert _weight_of(model, "chinchilla") > 0.9  # the inner folds find the generating family
    assert _mape(test.y, model.predict(test)) < 0.005  # the 0.2 % noise, and little more


def test_inner_cv_prefers_the_free_fit_when_the_published_constants_are_wrong():
    # Epoch's refit of the Chinchilla data: B is 5x the printed value, out of every box
    train, test = _law_split(EPOCH)
    model = _fit(train)
    assert model.law_members_[int(np.argmax(model.law_weights_))] == "chinchilla-free"
    assert np.all(np.isfinite(model.law_cv_mse_))
    auto = _mape(test.y, model.predict(test))
    rescal_like = _mape(test.y, _fit(train, weighting="in-sample").predict(test))
    assert auto < 0.01
    assert auto < 0.5 * rescal_like


def test_inner_cv_prefers_the_shrunk_members_of_the_generating_law():
    train, test = _law_split(KAPLAN_PUBLISHED, law="kaplan")
    model = _fit(train)
    assert _weight_of(model, "kaplan") > 0.9
    assert _weight_of(model, "chinchilla-free") < 0.05
    assert _mape(test.y, model.predict(test)) < 0.005


def test_sharp_in_sample_weights_recover_the_generating_law(pure_split):
    train, test = pure_split
    model = _fit(train, weighting="in-sample", T=1e-4)
    assert "chinchilla-free" not in model.law_members_  # nothing would validate it
    assert np.all(np.isnan(model.law_cv_mse_))
    best = model.law_members_[int(np.argmax(model.law_weights_))]
    assert best.startswith("chinchilla")
    assert _mape(test.y, model.predict(test)) < 0.005


def test_trust_in_cross_validated_weights_ends_at_the_validated_reach(pure_split):
    train, _ = pure_split
    model = _fit(train)
    reach = model.law_reach_
    assert reach > 0
    c_max = float(np.max(train.N * train.D))
    beyond = np.array([-1.0, reach / 2, 3.0 * reach])  # decades of N D beyond the training data
    side = np.sqrt(c_max * 10**beyond)
    queries = pd.DataFrame({"N": side, "D": side})
    trust = model.predict_components(queries)["trust"]
    np.testing.assert_allclose(trust, [1.0, 1.0, 1.0 / 3.0])
    np.testing.assert_array_equal(_fit(train, trust="full").predict_components(queries)["trust"], 1.0)


class _Recorder:
    """A member that predicts a constant and records the N and D of every fit."""

    min_configs = 1

    def __init__(self, log):
        self.log = log

    def clone(self):
        return _Recorder(self.log)

    def fit(self, X, y, weights):
        self.log.append((np.unique(X["N"]), np.unique(X["D"])))
        return self

    def predict(self, X):
        return np.full(np.shape(X["N"]), 2.0)


def test_inner_folds_hold_out_larger_models_and_longer_runs():
    N, D = (a.ravel() for a in np.meshgrid(N_GRID, D_GRID, indexing="ij"))
    y, n = np.full(N.size, 2.5), np.ones(N.size)
    log = []
    cv = extrapolation_errors([_Recorder(log)], N, D, y, n, (0.5,), min_fit=1, axes=("N",))
    assert cv.n_folds == 1
    np.testing.assert_array_equal(log[0][0], N_GRID[:4])  # round(0.5 * 7) = 4 smallest N: every D
    np.testing.assert_array_equal(log[0][1], D_GRID)
    np.testing.assert_allclose(cv.mape, 0.2)
    log.clear()
    cv = extrapolation_errors([_Recorder(log)], N, D, y, n, (0.25, 0.5), min_fit=1, axes=("ND", "N", "D"))
    assert cv.n_folds == 2 + 1 + 1  # 0.25 of 7 values leaves 2 < min_levels = 3 to fit on: no such fold by N or D
    assert [f[1].size for f in log[2:]] == [7, 4]
    np.testing.assert_array_equal(log[3][1], D_GRID[:4])
    ordered = np.argsort(N * D, kind="stable")
    assert log[0][0].size == np.unique(N[ordered[:12]]).size  # compute folds: the cheapest round(0.25 * 49)


def test_without_inner_folds_the_prior_weights_are_used():
    # three configurations cannot hold a fold of seven: ReScaL's in-sample weights, no free fit
    frame = pd.DataFrame({"N": [1e8, 2e8, 4e8], "D": [2e9, 4e9, 8e9]})
    frame["loss"] = _law(frame["N"], frame["D"])
    ens = LawEnsemble().fit(frame["N"].to_numpy(), frame["D"].to_numpy(), frame["loss"].to_numpy())
    assert ens.cv.n_folds == 0
    np.testing.assert_array_equal(ens.weights, ens.prior_weights)
    np.testing.assert_array_equal(ens.trust_in_cv(np.array([1e10]), np.array([1e12])), 1.0)


def test_single_configuration_keeps_published_shape():
    # one (N, D) only: nothing is identifiable, so only the level moves and N, D keep the published slope
    frame = pd.DataFrame({"N": [1e8] * 3, "D": [2e9] * 3, "loss": [3.10, 3.12, 3.15]})
    model = _fit(frame)
    assert model.law_members_ == ["chinchilla-E"]
    small, big = model.predict(pd.DataFrame({"N": [1e8, 1e9], "D": [2e9, 2e10]}))
    assert big < small
    assert abs(small - 3.10) < 0.05


# -- repeated data ---------------------------------------------------------------------------------
def test_effective_data_of_repeated_tokens():
    D = np.array([1e9, 4e9, 1e12])
    U = np.array([2e9, 1e9, 1e9])
    out = effective_data(D, U)
    assert out[0] == 1e9  # less than one epoch: every token is new
    assert 3.7e9 < out[1] < 4e9  # four epochs are worth almost four
    assert out[2] == pytest.approx(1e9 * (1 + 15.387756), rel=1e-6)  # saturates at U (1 + R*)
    np.testing.assert_array_equal(effective_data(D, np.nan), D)


def test_repeated_data_law_sees_effective_tokens():
    rows = []
    for n in N_GRID[:5]:
        for d in D_GRID[:5]:
            for epochs in (1.0, 4.0, 16.0, 64.0):
                rows.append({"N": n, "D": d, "unique_tokens": d / epochs})
    frame = pd.DataFrame(rows)
    frame["loss"] = _law(frame["N"], effective_data(frame["D"], frame["unique_tokens"]))
    assert unique_token_column(frame) == "unique_tokens"
    assert unique_token_column(frame.assign(unique_tokens=frame["D"])) is None  # nothing repeats
    early = frame.assign(unique_tokens=np.where(frame.index % 2 == 0, 2 * frame["D"], frame["unique_tokens"]))
    assert unique_token_column(early) == "unique_tokens"  # checkpoints before the first epoch ends
    train, test = _split(frame)
    model = _fit(train)
    assert model.unique_tokens_ == "unique_tokens"
    plain = _fit(train, effective_data=False)
    assert plain.unique_tokens_ is None
    assert _mape(test.y, model.predict(test)) < 0.3 * _mape(test.y, plain.predict(test))


# -- residual ----------------------------------------------------------------------------------------
def test_lr_residual_is_learned_and_transfers_to_larger_n(lr_split):
    train, test = lr_split
    model = _fit(train)
    assert model.feature_names_ == ["lr"]
    assert model.gate_ > 0.9
    parts = model.predict_components(test)
    law_only, full = _mape(test.y, parts["law"]), _mape(test.y, parts["prediction"])
    assert test.N.min() > train.N.max()
    assert full < 0.02
    assert full < 0.3 * law_only


def test_checkpoint_residual_is_learned_and_transfers_to_larger_n(step_split):
    train, test = step_split
    model = _fit(train)
    assert "step" in model.feature_names_
    assert model.gate_ > 0.8
    parts = model.predict_components(test)
    assert _mape(test.y, parts["prediction"]) < 0.02
    assert _mape(test.y, parts["prediction"]) < 0.3 * _mape(test.y, parts["law"])


# -- contract ----------------------------------------------------------------------------------------
def test_searched_setting_is_found_when_no_configuration_repeats():
    # a random search: every run at its own (N, D), the learning rate drawn per run; width follows N
    rng = np.random.default_rng(3)
    n = 400
    N = np.exp(rng.uniform(np.log(1e8), np.log(4e9), n))
    D = N * np.exp(rng.uniform(np.log(10), np.log(60), n))
    lr = np.exp(rng.uniform(np.log(1e-4), np.log(1e-2), n))
    frame = pd.DataFrame({"N": N, "D": D, "lr": lr, "width": 64 * np.round(np.sqrt(N) / 640)})
    frame["loss"] = _law(N, D) + 0.5 * (np.log10(lr) + 3.0) ** 2
    cheap = N * D <= np.quantile(N * D, 0.8)
    train, test = read_runs(frame[cheap]), read_runs(frame[~cheap])
    model = _fit(train)
    assert model.feature_names_ == ["lr"]  # width is a function of scale, lr is not
    assert model.gate_ > 0.9
    parts = model.predict_components(test)
    assert _mape(test.y, parts["prediction"]) < 0.3 * _mape(test.y, parts["law"])


def test_a_setting_with_missing_values_is_kept(lr_split):
    train, _ = lr_split
    frame = train.frame.copy()
    frame.loc[frame.index[::10], "lr"] = np.nan  # a tenth missing: the median fills them
    model = _fit(read_runs(frame))
    assert model.feature_names_ == ["lr"]
    assert model.feature_specs_[0].fill == pytest.approx(np.median(np.log(train.frame["lr"])), abs=0.5)
    mostly_missing = frame.assign(lr=np.where(np.arange(len(frame)) % 3 == 0, frame["lr"], np.nan))
    assert _fit(read_runs(mostly_missing)).feature_names_ == []


def test_failed_runs_are_left_out_of_the_fit(lr_split):
    train, test = lr_split
    plain = _fit(train)
    frame = train.frame.copy()
    bad = np.random.default_rng(0).choice(len(frame), len(frame) // 10, replace=False)
    frame.loc[frame.index[bad], "loss"] = 7.5  # blown-up runs
    unflagged = _fit(read_runs(frame))
    model = _fit(read_runs(frame.assign(diverged=np.isin(np.arange(len(frame)), bad))))
    assert model.n_failed_rows_ == len(bad)
    assert "diverged" not in model.feature_names_  # an outcome, unknown before the run
    err = _mape(test.y, model.predict(test))
    assert err < 1.5 * _mape(test.y, plain.predict(test)) + 0.002
    assert err < 0.5 * _mape(test.y, unflagged.predict(test))
    assert failed_rows(pd.DataFrame({"crashed": ["yes", "no", None]})).tolist() == [True, False, False]
    assert not failed_rows(pd.DataFrame({"failed_steps": [3, 0, 12]})).any()  # a count, not a flag


def test_predict_never_reads_the_target(lr_split):
    train, test = lr_split
    model = _fit(train)
    frame = test.frame
    expected = model.predict(test)
    np.testing.assert_array_equal(model.predict(frame.assign(loss=1.0)), expected)
    np.testing.assert_array_equal(model.predict(frame.assign(loss=-np.arange(len(frame)))), expected)
    np.testing.assert_array_equal(model.predict(frame.drop(columns="loss")), expected)


def test_deterministic_with_random_state(lr_split):
    train, test = lr_split
    first = _fit(train).predict(test)
    np.testing.assert_array_equal(_fit(train).predict(test), first)
    again = clone(AutoPredictor(random_state=0, n_estimators=60)).fit(train).predict(test)
    np.testing.assert_array_equal(again, first)


def test_get_params_round_trip():
    model = AutoPredictor(weighting="softmax", trust="full", cv_fractions=(0.3,), effective_data=False)
    params = model.get_params()
    assert params["weighting"] == "softmax"
    assert params["cv_fractions"] == (0.3,)
    assert clone(model).get_params() == params


def test_text_columns_and_scale_proxies_are_ignored(lr_split):
    train, test = lr_split
    frame = train.frame.assign(name=[f"run{i}" for i in range(len(train))],
                               config=(train.frame["N"].astype(str) + "_" + train.frame["D"].astype(str)),
                               width=np.sqrt(train.frame["N"]) / 10)
    model = _fit(read_runs(frame))
    assert model.feature_names_ == ["lr"]
    test_frame = test.frame.assign(name="x", config="y", width=np.sqrt(test.frame["N"]) / 10)
    assert np.all(np.isfinite(model.predict(test_frame)))


def test_index_and_outcome_columns_are_ignored(lr_split):
    train, test = lr_split
    rng = np.random.default_rng(1)
    plain = _fit(train)

    def junk(frame, offset):
        n = len(frame)
        return frame.assign(**{"Unnamed: 0": np.arange(n) + offset, "row": rng.permutation(n) + offset,
                               "val_acc": rng.uniform(0.2, 0.8, n), "loss_other": rng.uniform(2, 3, n)})

    model = _fit(read_runs(junk(train.frame, 0)))
    assert model.feature_names_ == plain.feature_names_ == ["lr"]
    np.testing.assert_array_equal(model.predict(junk(test.frame, len(train))), plain.predict(test))


def test_identifier_and_outcome_rules():
    assert is_identifier(pd.Series(np.random.default_rng(0).permutation(50)), "k")  # a shuffled row number
    assert is_identifier(pd.Series([0.5, 1.0, 0.5]), "run_id")
    assert not is_identifier(pd.Series(np.arange(1, 51) * 1000), "step")  # a counter, larger than a row number
    assert not is_identifier(pd.Series([1, 2, 2, 3]), "warmup")  # repeated values: a setting
    # three runs per configuration, two checkpoints each: run numbers nest in configurations, seeds repeat
    codes = np.repeat(np.arange(4), 6)
    runs = np.repeat(np.arange(12), 2)
    seeds = np.tile(np.repeat([0, 1, 2], 2), 4)
    assert is_identifier(pd.Series(runs), "k", codes)
    interleaved = np.random.default_rng(1).permutation(12)[runs]  # run numbers assigned in no order
    assert is_identifier(pd.Series(interleaved), "k", codes)
    shared = np.where(runs == 11, 0, runs)  # run 0's number also names a run of another configuration
    assert not is_identifier(pd.Series(shared), "k", codes)
    assert not is_identifier(pd.Series(runs), "k")  # without configurations: repeated values
    assert not is_identifier(pd.Series(seeds), "seed", codes)
    assert not is_identifier(pd.Series(runs * 1000), "warmup_steps", codes)  # too large for a run number
    steps = np.concatenate([np.arange(1, 7) * (c + 2) for c in range(4)])  # each configuration its own step grid
    assert not is_identifier(pd.Series(steps), "step", codes)
    assert not is_identifier(pd.Series(np.repeat(np.arange(3), 2)), "step", np.zeros(6))  # one configuration
    assert is_outcome("loss_paloma", "loss")
    assert is_outcome("ds_boolq", "loss", {"ds_*": "accuracy in [0, 1]"})
    assert not is_outcome("eval_domain", "loss")
    assert not is_outcome("lr", "loss", {"lr": "1/step"})
    assert is_outcome("z_loss", "loss")  # a logged auxiliary loss
    assert is_outcome("diverged", "loss")
    assert is_identifier(pd.Series(["train", "val", "train"]), "ncpl_split")
    assert not is_outcome("z_loss_coef", "loss")  # its weight: a setting
    assert not is_outcome("aux_loss_weight", "loss")


def _checkpoint_residuals(transient: bool):
    """Rows of 4 models x 15 checkpoints; the largest model is seen up to 5 % of its run only."""
    rows = []
    for i, N in enumerate(np.geomspace(1e8, 1e9, 4)):
        for frac in np.geomspace(0.01, 1.0, 15):
            if i == 3 and frac > 0.05:
                continue
            for data in (0, 1):
                offset = (1.0 if frac <= 0.05 else 0.1) if transient else 0.3 * data
                rows.append((np.log(N), np.log(20 * N * frac), i, data, offset))
    a = np.array(rows)
    S, Z = a[:, :2], np.column_stack([a[:, 2] == k for k in range(4)] + [a[:, 3]]).astype(float)
    codes = pd.Series(list(zip(a[:, 0], a[:, 1], strict=True))).factorize()[0]
    return S, Z, a[:, 4], codes


def test_offsets_of_early_checkpoints_do_not_pass_the_extrapolation_check():
    rng = np.random.default_rng(0)
    # offsets seen only over the largest model's early checkpoints, smaller later on: carrying them hurts
    assert extrapolation_ratio(*_checkpoint_residuals(True), (0.25, 0.5), rng=rng) > 2.0
    # a setting's offset that holds at every checkpoint transfers
    assert extrapolation_ratio(*_checkpoint_residuals(False), (0.25, 0.5), rng=rng) < 0.5


def test_extrapolation_check_fades_the_residual(lr_split, monkeypatch):
    import scalingkit.estimators.auto as auto_module

    train, test = lr_split
    unchecked = _fit(train, residual_check="none").predict(test)
    monkeypatch.setattr(auto_module, "extrapolation_ratio", lambda *a, **k: 0.4)
    np.testing.assert_allclose(_fit(train).predict(test), unchecked)
    monkeypatch.setattr(auto_module, "extrapolation_ratio", lambda *a, **k: 0.75)
    half = _fit(train)
    assert half.gate_ == pytest.approx(0.5 * _fit(train, residual_check="none").gate_)
    monkeypatch.setattr(auto_module, "extrapolation_ratio", lambda *a, **k: 3.0)
    faded = _fit(train)
    assert faded.gate_ == 0.0
    assert faded.residual_model_ is None
    parts = faded.predict_components(test)
    np.testing.assert_array_equal(parts["prediction"], parts["law"])


def test_unique_tokens_are_expressed_relative_to_d():
    rows = []
    for n in N_GRID[:4]:
        for d in D_GRID[:4]:
            for epochs in (1.0, 4.0, 16.0):
                rows.append({"N": n, "D": d, "unique_tokens": d / epochs, "loss": 3.0 + 0.01 * epochs})
    specs = select_features(pd.DataFrame(rows), "loss")
    assert [(s.name, s.kind) for s in specs] == [("unique_tokens", "relD")]


def test_text_settings_become_indicators():
    # a validation domain shifts the loss at every scale; run names are identifiers, not settings
    frame = _grid(pd.DataFrame({"domain": ["web", "code", "books"]}))
    shift = frame["domain"].map({"web": 0.0, "code": -0.6, "books": 0.3})
    frame["loss"] = (_law(frame["N"], frame["D"]) + shift) * frame.pop("noise")
    frame["run"] = [f"run{i}" for i in range(len(frame))]
    train, test = _split_largest_n(frame)
    model = _fit(train)
    assert model.feature_names_ == ["domain=books", "domain=code"]  # the third is their complement
    assert model.gate_ > 0.9
    assert _mape(test.y, model.predict(test)) < 0.02
    unseen = test.frame.assign(domain="math")  # an unseen value: no indicator set
    assert np.all(np.isfinite(model.predict(unseen)))


def test_registered_as_auto():
    model = get_predictor("auto")
    assert isinstance(model, AutoPredictor)
    assert not model.__sklearn_is_fitted__()


def test_not_fitted_error():
    with pytest.raises(NotFittedError, match="not fitted yet"):
        AutoPredictor().predict(pd.DataFrame({"N": [1e9], "D": [2e10]}))


@pytest.mark.parametrize(("param", "value", "expected"), [
    ("T", 0, "a float in the range (0, inf]"),
    ("top_k", 0, "an int in the range [1, inf)"),
    ("gate_threshold", 1.5, "a float in the range [0, 1]"),
    ("weighting", "median", "one of 'inverse-mse', 'softmax', 'in-sample'"),
    ("trust", "some", "one of 'validated', 'full'"),
    ("free_law", "yes", "a bool"),
    ("cv_fractions", (0.0, 0.5), "a non-empty tuple of floats in the range (0, 1)"),
    ("cv_fractions", (), "a non-empty tuple of floats in the range (0, 1)"),
    ("residual_check", "maybe", "one of 'extrapolation', 'none'"),
    ("fold_axes", ("N", "N"), 'a non-empty tuple of distinct values among "ND", "N" and "D"'),
    ("fold_axes", ("logN",), 'a non-empty tuple of distinct values among "ND", "N" and "D"'),
])
def test_invalid_parameters(pure_split, param, value, expected):
    train, _ = pure_split
    msg = f"The '{param}' parameter of AutoPredictor must be {expected}. Got {value!r} instead."
    with pytest.raises(ValueError, match=re.escape(msg)):
        AutoPredictor(**{param: value}).fit(train)


def test_non_positive_target_is_rejected(pure_split):
    train, _ = pure_split
    y = train.y.copy()
    y[3] = -0.1
    with pytest.raises(ValueError, match="positive, finite target"):
        AutoPredictor().fit(train, y=y)
