"""Fixtures of the downstream tests: the CLI helper, synthetic two-stage data, the data mirror."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

#: Ground truth of the synthetic runs: Chinchilla loss, then a sigmoid with chance 0.25.
LOSS_TRUE = {"E": 1.8, "A": 400.0, "B": 400.0, "alpha": 0.34, "beta": 0.28}
SIGMOID_TRUE = {"h": 0.6, "k": 4.0, "x0": 2.9}


def true_loss(N, D):
    p = LOSS_TRUE
    return p["E"] + p["A"] / np.asarray(N) ** p["alpha"] + p["B"] / np.asarray(D) ** p["beta"]


def true_acc(loss, chance=0.25):
    p = SIGMOID_TRUE
    return chance + p["h"] / (1.0 + np.exp(p["k"] * (np.asarray(loss) - p["x0"])))


def synthetic_runs(seed=0, loss_noise=0.003, acc_noise=0.005, n_sizes=6, n_mult=5):
    """Runs on an (N, D/N) grid with multiplicative loss noise and additive accuracy noise."""
    rng = np.random.default_rng(seed)
    N = np.repeat(np.geomspace(5e7, 3e9, n_sizes), n_mult)
    D = N * np.tile(np.geomspace(5, 100, n_mult), n_sizes)
    loss = true_loss(N, D)
    return pd.DataFrame({
        "N": N, "D": D,
        "loss": loss * np.exp(loss_noise * rng.standard_normal(N.size)),
        "acc": true_acc(loss) + acc_noise * rng.standard_normal(N.size),
        "run_id": [f"run{i}" for i in range(N.size)],
    })


@pytest.fixture
def runs():
    return synthetic_runs()


@pytest.fixture
def make_runs():
    """``make_runs(seed=0, loss_noise=0.003, acc_noise=0.005, ...)`` -> DataFrame of synthetic runs."""
    return synthetic_runs


@pytest.fixture
def truth():
    """The synthetic ground truth: ``loss(N, D)``, ``acc(loss)`` and both parameter sets."""
    from types import SimpleNamespace

    return SimpleNamespace(loss=true_loss, acc=true_acc, loss_params=LOSS_TRUE, link_params=SIGMOID_TRUE)


@pytest.fixture
def require_data():
    """``require_data(name)``: skip unless ``$SCALINGKIT_DATA`` holds the dataset's files."""
    from scalingkit.datasets import _fetch
    from scalingkit.datasets._registry import dataset_files

    def _require(name):
        mirror = _fetch.mirror_dir()
        if mirror is None:
            pytest.skip(f"{_fetch.ENV} is not set; point it at a local data mirror to test '{name}'")
        missing = [rel for rel in dataset_files(name) if not (mirror / rel).is_file()]
        if missing:
            pytest.skip(f"'{name}': {len(missing)} file(s) missing from the mirror {mirror}")
        return mirror

    return _require
