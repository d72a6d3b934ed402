from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REFERENCE = "obsscaling/reference_results.csv"


@pytest.fixture(scope="session")
def data_root() -> Path:
    """The data mirror holding the obsscaling files; skips the test without it."""
    root = os.environ.get("SCALINGKIT_DATA", "").strip()
    if not root or not (Path(root) / REFERENCE).is_file():
        pytest.skip(f"obsscaling data not available: set SCALINGKIT_DATA to a mirror with {REFERENCE}")
    return Path(root)


def _make_models(n=60, seed=0, missing=0.05):
    """Synthetic models x benchmarks table driven by two latent capabilities, plus a sigmoid target."""
    rng = np.random.default_rng(seed)
    general = rng.uniform(-2.0, 2.0, n)
    code = rng.normal(0.0, 1.0, n)
    loadings = {"b1": (0.10, 0.00), "b2": (0.08, 0.01), "b3": (0.06, 0.00), "b4": (0.05, 0.02),
                "b5": (0.03, 0.09), "b6": (0.07, 0.00)}
    frame = pd.DataFrame({name: 0.5 + a * general + c * code + 0.003 * rng.normal(size=n)
                          for name, (a, c) in loadings.items()})
    frame["flops"] = np.exp(2.0 * general + 0.3 * rng.normal(size=n))
    frame["task"] = 0.9 / (1.0 + np.exp(-(2.5 * general + 0.5))) + 0.1
    frame["Model"] = [f"m{i:02d}" for i in range(n)]
    holes = rng.random((n, 6)) < missing
    bench = frame[list(loadings)].to_numpy(copy=True)
    bench[holes] = np.nan
    frame[list(loadings)] = bench
    return frame


BENCH = ["b1", "b2", "b3", "b4", "b5", "b6"]


@pytest.fixture
def bench():
    """Benchmark column names of the synthetic tables."""
    return list(BENCH)


@pytest.fixture
def make_models():
    """Factory of synthetic tables: ``make_models(n=60, seed=0, missing=0.05)``."""
    return _make_models


@pytest.fixture
def models():
    return _make_models()


@pytest.fixture
def models_csv(tmp_path, models):
    path = tmp_path / "models.csv"
    models.to_csv(path, index=False)
    return path
