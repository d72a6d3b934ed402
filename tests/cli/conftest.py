from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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


@pytest.fixture
def runs_csv(tmp_path):
    rng = np.random.default_rng(0)
    N = np.repeat(np.geomspace(5e7, 3e9, 6), 5)
    D = N * np.tile(np.geomspace(5, 100, 5), 6)
    loss = (1.8 + 480 / N**0.35 + 2100 / D**0.37) * np.exp(0.003 * rng.standard_normal(N.size))
    path = tmp_path / "runs.csv"
    pd.DataFrame({"params": N, "tokens": D, "val_loss": loss}).to_csv(path, index=False)
    return path
