from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def runs_csv(tmp_path):
    rng = np.random.default_rng(0)
    N = np.repeat(np.geomspace(5e7, 3e9, 6), 5)
    D = N * np.tile(np.geomspace(5, 100, 5), 6)
    loss = (1.8 + 480 / N**0.35 + 2100 / D**0.37) * np.exp(0.003 * rng.standard_normal(N.size))
    path = tmp_path / "runs.csv"
    pd.DataFrame({"params": N, "tokens": D, "val_loss": loss}).to_csv(path, index=False)
    return path
