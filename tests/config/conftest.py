from __future__ import annotations

import pytest
from config_helpers import make_runs

from scalingkit.cli._boundary import run


@pytest.fixture
def invoke(capsys):
    """invoke(args, code=0, stdout_contains=None, stderr_contains=None) -> (stdout, stderr)."""

    def _invoke(args, code=0, stdout_contains=None, stderr_contains=None):
        rc = run([str(a) for a in args])
        out, err = capsys.readouterr()
        assert rc == code, f"exit {rc} != {code}\nstdout:\n{out}\nstderr:\n{err}"
        if stdout_contains:
            assert stdout_contains in out, out
        if stderr_contains:
            assert stderr_contains in err, err
        return out, err

    return _invoke


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
