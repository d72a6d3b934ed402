"""The torch backend (skipped without torch)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from scalingkit.config import ConfigRegressor  # noqa: E402
from scalingkit.config._neural import NeuralResidual  # noqa: E402


@pytest.mark.parametrize("arch", ["mlp", "transformer"])
def test_token_model_learns_a_smooth_function(arch):
    import pandas as pd

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.uniform(-1, 1, 300), "b": rng.uniform(-1, 1, 300), "c": rng.integers(0, 3, 300)})
    y = 0.05 * X.a**2 - 0.03 * X.b + 0.01 * (X.c == 2)
    model = NeuralResidual(arch=arch, max_epochs=80, patience=20, n_models=1).fit(X, y, categorical=["c"])
    pred = model.predict(X)
    assert np.abs(pred - y).mean() < 0.25 * np.abs(y - y.mean()).mean()
    unseen = X.assign(c=-1)  # unseen level: its own embedding, no crash
    assert np.isfinite(model.predict(unseen)).all()


def test_neural_backend_extrapolates_like_the_trees(synthetic_train, synthetic_test):
    model = ConfigRegressor(backend="neural", n_starts=256, neural={"max_epochs": 60, "n_models": 1}).fit(
        synthetic_train)
    y = synthetic_test["loss"].to_numpy()
    assert np.abs(model.predict(synthetic_test) - y).mean() < 0.01
    ens = ConfigRegressor(backend="ensemble", n_starts=256, min_samples_leaf=20,
                          neural={"max_epochs": 60, "n_models": 1}).fit(synthetic_train)
    assert np.abs(ens.predict(synthetic_test) - y).mean() < 0.01
