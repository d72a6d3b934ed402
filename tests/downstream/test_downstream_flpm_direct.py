"""FLP-M on synthetic mixtures, the direct compute -> metric baseline, and per-choice features."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit.downstream import DirectPredictor, FLPMPredictor, choice_features, mixing_compute_law

WEB = {"E": 1.9, "A": 120.0, "alpha": 0.1, "t_code": 0.6}
CODE = {"E": 0.8, "A": 100.0, "alpha": 0.1, "t_code": -1.0}


def mixtures(N, w_code, seed=0, noise=0.003):
    """Two-domain runs: domain losses from compute and mixture, score from both losses."""
    rng = np.random.default_rng(seed)
    law = mixing_compute_law(["web", "code"])
    N = np.asarray(N, dtype=float)
    D = 20 * N
    X = {"C": 6 * N * D, "w_code": np.asarray(w_code, dtype=float)}
    lw, lc = law(WEB, X), law(CODE, X)
    score = 0.25 + 0.6 / (1 + np.exp(2 * (lw - 4.0) + (lc - 1.8)))
    return pd.DataFrame({
        "N": N, "D": D, "w_web": 1 - X["w_code"], "w_code": X["w_code"],
        "loss_web": lw * np.exp(noise * rng.standard_normal(N.size)),
        "loss_code": lc * np.exp(noise * rng.standard_normal(N.size)),
        "score": score + noise * rng.standard_normal(N.size),
    })


def test_flpm_recovers_domain_laws_and_predicts_new_mixtures():
    pytest.importorskip("sklearn")
    NN, WW = np.meshgrid(np.geomspace(3e7, 1e9, 6), [0.1, 0.3, 0.5, 0.7])
    train = mixtures(NN.ravel(), WW.ravel())
    test = mixtures([2e9, 2e9, 3e8], [0.2, 0.6, 0.4], noise=0.0)  # 2x larger N, unseen mixtures
    model = FLPMPredictor(loss_cols=("loss_web", "loss_code"), metric_col="score", n_bootstrap=10).fit(train)
    assert model.loss_params_["loss_web"]["alpha"] == pytest.approx(0.1, rel=0.1)
    assert model.loss_params_["loss_code"]["t_code"] == pytest.approx(-1.0, rel=0.1)
    np.testing.assert_allclose(model.predict_losses(test), test[["loss_web", "loss_code"]], rtol=0.01)
    np.testing.assert_allclose(model.predict(test), test["score"], atol=0.02)
    lo, hi = model.predict_interval(test, 0.9)
    assert np.all(lo <= hi)
    assert len(model.bootstrap_models_) >= 8


def test_flpm_errors():
    pytest.importorskip("sklearn")
    train = mixtures(np.geomspace(3e7, 1e9, 8), np.linspace(0.1, 0.7, 8))
    with pytest.raises(ValueError, match="'loss_cols' parameter of FLPMPredictor"):
        FLPMPredictor(metric_col="score").fit(train)
    with pytest.raises(ValueError, match="give metric_col="):
        FLPMPredictor(loss_cols=("loss_web",)).fit(train)
    fitted = FLPMPredictor(loss_cols=("loss_web",), metric_col="score", n_ensemble=1).fit(train)
    with pytest.raises(ValueError, match="n_bootstrap > 0"):
        fitted.predict_interval(train)


def test_direct_predictor_recovers_a_compute_sigmoid():
    N = np.geomspace(1e7, 1e10, 25)
    D = 20 * N
    x = np.log(6 * N * D)
    acc = 0.5 + 0.4 / (1 + np.exp(-0.8 * (x - 48.0)))
    model = DirectPredictor(chance=0.5, metric_col="acc").fit(pd.DataFrame({"N": N, "D": D, "acc": acc}))
    assert model.params_["k"] == pytest.approx(-0.8, rel=1e-4)
    assert model.params_["x0"] == pytest.approx(48.0, rel=1e-5)
    assert model.params_["h"] == pytest.approx(0.4, rel=1e-4)
    lo, hi = model.predict_interval(pd.DataFrame({"N": [3e10], "D": [6e11]}))
    assert lo[0] <= model.predict(pd.DataFrame({"N": [3e10], "D": [6e11]}))[0] <= hi[0]


def test_choice_features_follow_schaeffer_chain():
    p = np.array([[0.5, 0.25, 0.05], [0.1, 0.3, 0.1], [0.2, 0.2, 0.1]])
    out = choice_features(np.log(p), [0, 0, 1])
    assert out["nll_correct"] == pytest.approx(-np.mean(np.log([0.5, 0.1, 0.2])))
    norm = np.array([0.5 / 0.8, 0.1 / 0.5, 0.2 / 0.5])
    assert out["p_choice"] == pytest.approx(norm.mean())
    assert out["nll_choice"] == pytest.approx(-np.mean(np.log(norm)))
    assert out["accuracy"] == pytest.approx(1 / 3)  # item 3 is a tie: counted wrong
    assert 0 <= out["brier"] <= 2
    with pytest.raises(ValueError, match="integer choice indices"):
        choice_features(np.log(p), [0, 3, 1])
    with pytest.raises(ValueError, match="shape"):
        choice_features(np.log(p), [0, 1])
