"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest

from scalingkit.cli._boundary import run


@pytest.fixture
def invoke(capsys):
    """invoke(args, code=0, stdout_contains=None, stderr_contains=None) -> (stdout, stderr).

    Runs the CLI in-process through its error boundary and checks the exit code.
    """

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
