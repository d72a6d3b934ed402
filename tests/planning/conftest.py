"""Fixtures of the planning tests: a synthetic Chinchilla sweep and the CLI helper."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit.data import RunsTable
from scalingkit.estimators import LawPredictor
from scalingkit.fitting import MultiStartLM

#: Few starts and no L-BFGS-B polish: enough for these well-posed synthetic fits, and fast.
FAST = MultiStartLM(n_starts=32, polish=0)

EPOCH = {"E": 1.817, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}


def _sweep(seed=0, shift=0.0):
    rng = np.random.default_rng(seed)
    N = np.geomspace(4e7, 6e9, 8)
    NN, TT = np.meshgrid(N, np.geomspace(5, 160, 6), indexing="ij")
    N, D = NN.ravel(), (NN * TT).ravel()
    loss = (EPOCH["E"] - shift + EPOCH["A"] / N ** EPOCH["alpha"] + EPOCH["B"] / D ** EPOCH["beta"])
    return pd.DataFrame({"N": N, "D": D, "loss": loss * np.exp(0.004 * rng.standard_normal(N.size))})


@pytest.fixture
def sweep_frame():
    """``sweep_frame(seed=0, shift=0.0)``: a DataFrame of 48 runs; ``shift`` lowers E."""
    return _sweep


@pytest.fixture(scope="module")
def table():
    return RunsTable(_sweep())


@pytest.fixture(scope="module")
def fitted(table):
    return LawPredictor(fitter=FAST).fit(table)


@pytest.fixture
def fast_law():
    return LawPredictor(fitter=FAST)
