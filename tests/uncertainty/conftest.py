"""Small synthetic sweeps for the interval tests (fast fits: few starts)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit.data import RunsTable
from scalingkit.estimators import LawPredictor

TRUE = {"E": 1.8, "A": 480.0, "B": 2100.0, "alpha": 0.35, "beta": 0.37}


def sweep(seed=0, noise=0.005, bend=0.0, sizes=8, ratios=6):
    """Chinchilla-shaped runs; ``bend`` adds a term the law lacks (grows with compute)."""
    rng = np.random.default_rng(seed)
    N = np.geomspace(4e7, 6e9, sizes)
    NN, TT = np.meshgrid(N, np.geomspace(5, 160, ratios), indexing="ij")
    N, D = NN.ravel(), (NN * TT).ravel()
    loss = TRUE["E"] + TRUE["A"] / N ** TRUE["alpha"] + TRUE["B"] / D ** TRUE["beta"]
    loss = loss * (1 + bend * np.log10(6 * N * D / 1e17) ** 2) * np.exp(noise * rng.standard_normal(N.size))
    return RunsTable(pd.DataFrame({"N": N, "D": D, "loss": loss}))


@pytest.fixture
def table():
    return sweep()


@pytest.fixture
def make_sweep():
    """``make_sweep(seed=0, noise=0.005, bend=0.0, sizes=8, ratios=6)`` -> RunsTable."""
    return sweep


@pytest.fixture
def fast_law():
    """Few starts, no L-BFGS-B polish: enough for these well-posed synthetic fits, and fast."""
    from scalingkit.fitting import MultiStartLM

    return LawPredictor(fitter=MultiStartLM(n_starts=32, polish=0))


@pytest.fixture
def split(table):
    """Cheapest 70% of rows by compute for training, costliest 15% for testing."""
    from scalingkit.evaluation import compute_split

    tr, te = compute_split(table, train_fraction=0.7, test_fraction=0.15)
    return table.subset(tr), table.subset(te)
