"""Shared data for the law tests: one synthetic runs table holding every column a law may read."""

from __future__ import annotations

import numpy as np
import pytest

DOMAINS = ("web", "code", "books")


def synthetic_columns(n: int = 40, seed: int = 0) -> dict[str, np.ndarray]:
    """Every input column of the registered laws, at realistic scales.

    N in [1e7, 1e10], D in [1e9, 1e12], up to 60 epochs of unique data,
    C = 6 N D and M = D / N (as the runs table derives them), a 1-D ``x``,
    LR areas S1 in [0.3, 6] and S2 in [0, 2], and three mixture proportions
    ``w_<domain>`` that sum to one.
    """
    rng = np.random.default_rng(seed)
    N = np.exp(rng.uniform(np.log(1e7), np.log(1e10), n))
    D = np.exp(rng.uniform(np.log(1e9), np.log(1e12), n))
    W = rng.dirichlet(np.ones(len(DOMAINS)), n)
    cols = {
        "N": N,
        "D": D,
        "unique_tokens": D / np.exp(rng.uniform(0.0, np.log(60.0), n)),
        "C": 6.0 * N * D,
        "M": D / N,
        "x": np.exp(rng.uniform(0.0, 12.0, n)),
        "S1": rng.uniform(0.3, 6.0, n),
        "S2": rng.uniform(0.0, 2.0, n),
    }
    cols.update({f"w_{d}": W[:, i] for i, d in enumerate(DOMAINS)})
    return cols


@pytest.fixture(scope="session")
def columns():
    return synthetic_columns()
