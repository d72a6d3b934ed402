"""The one error boundary: user errors become one red line on stderr and exit code 2."""

from __future__ import annotations

import sys
import traceback

import typer
from rich.console import Console

from ..exceptions import ScalingkitError
from . import EXIT_FAIL, EXIT_OK, EXIT_USER_ERROR

_USER_ERRORS = (ScalingkitError, ValueError, KeyError, FileNotFoundError, NotADirectoryError, IsADirectoryError)


def run(argv=None) -> int:
    from .app import app

    click = _click_exceptions()
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        rv = app(args=args, prog_name="scalingkit", standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err.print("[red]error:[/red] aborted")
        return EXIT_FAIL
    except click.ClickException as exc:  # usage errors: bad option, missing argument
        err.print(f"[red]error:[/red] {_escape(exc.format_message())}")
        return EXIT_USER_ERROR
    except _USER_ERRORS as exc:
        if debug:
            traceback.print_exc()
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        err.print(f"[red]error:[/red] {_escape(str(msg))}")
        return EXIT_USER_ERROR
    code = rv if isinstance(rv, int) else EXIT_OK
    sys.stdout.flush()
    return code


def _click_exceptions():
    """Click's exception classes: vendored by recent typer, the click package before."""
    try:
        from typer._click import exceptions
    except ImportError:  # typer < 0.22 depends on click
        from click import exceptions
    return exceptions


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text).replace("\n", " ")


def entry():  # pragma: no cover - console script shim
    sys.exit(run())
