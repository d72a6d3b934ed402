"""A small report, built once per module (few starts, few resamples)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit.data import RunsMeta, RunsTable
from scalingkit.fitting import MultiStartLM

#: Few starts, no L-BFGS-B polish: fast, and enough for a well-posed synthetic sweep.
FAST = MultiStartLM(n_starts=16, polish=0)


def sweep(seed=0):
    rng = np.random.default_rng(seed)
    N = np.geomspace(4e7, 6e9, 7)
    NN, TT = np.meshgrid(N, np.geomspace(5, 160, 5), indexing="ij")
    N, D = NN.ravel(), (NN * TT).ravel()
    loss = (1.817 + 482.0 / N**0.3478 + 2085.0 / D**0.3658) * np.exp(0.004 * rng.standard_normal(N.size))
    return pd.DataFrame({"N": N, "D": D, "loss": loss})


@pytest.fixture(scope="session")
def table():
    return RunsTable(sweep(), meta=RunsMeta(source="synthetic test sweep", n_convention="total"))


@pytest.fixture(scope="session")
def report(table):
    from scalingkit.report import build_report

    return build_report(table, laws=["chinchilla", "kaplan"], rhos=(0.6,), n_resamples=8, fitter=FAST,
                        budget=1e22, unique_tokens=2e10)


@pytest.fixture
def runs_csv(tmp_path):
    path = tmp_path / "runs.csv"
    sweep().to_csv(path, index=False)
    return path
