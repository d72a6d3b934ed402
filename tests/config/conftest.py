from __future__ import annotations

import pytest
from config_helpers import make_runs


@pytest.fixture(scope="session")
def synthetic_train():
    return make_runs([1e8, 2e8, 4e8])


@pytest.fixture(scope="session")
def synthetic_test():
    return make_runs([1.6e9], seed=1, noise=0.0)


@pytest.fixture(scope="session")
def fitted_trees(synthetic_train):
    from scalingkit.config import ConfigRegressor

    return ConfigRegressor(n_starts=256).fit(synthetic_train)
