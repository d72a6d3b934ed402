"""Command-line interface: ``scalingkit fit | predict | laws | datasets | demo``.

Exit codes: 0 ok, 1 a check failed, 2 user error (bad input, unknown name).
"""

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USER_ERROR = 2


def main(argv=None) -> int:
    """Console entry point (see ``[project.scripts]``)."""
    from ._boundary import run

    return run(argv)


__all__ = ["EXIT_FAIL", "EXIT_OK", "EXIT_USER_ERROR", "main"]
