"""The typer application; each command lives in its own module."""

from __future__ import annotations

import typer

from . import backtest as backtest_cmd
from . import compare as compare_cmd
from . import curve as curve_cmd
from . import datasets as datasets_cmd
from . import demo as demo_cmd
from . import downstream as downstream_cmd
from . import fit as fit_cmd
from . import laws as laws_cmd
from . import next_run as next_run_cmd
from . import observational as observational_cmd
from . import plan as plan_cmd
from . import predict as predict_cmd
from . import report as report_cmd
from . import reproduce as reproduce_cmd
from . import tune as tune_cmd
from ._state import state

app = typer.Typer(
    name="scalingkit",
    help="Forecast how an LLM training run will turn out before paying for it.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors.")):
    state["debug"] = debug


app.command("fit")(fit_cmd.fit)
app.command("backtest")(backtest_cmd.backtest)
app.command("predict")(predict_cmd.predict)
app.command("plan")(plan_cmd.plan)
app.command("next-run")(next_run_cmd.next_run)
app.command("compare")(compare_cmd.compare)
app.command("report")(report_cmd.report)
app.command("downstream")(downstream_cmd.downstream)
app.command("demo")(demo_cmd.demo)
app.command("observational")(observational_cmd.observational)
app.command("tune")(tune_cmd.tune)
app.command("curve")(curve_cmd.curve)
app.add_typer(laws_cmd.app, name="laws")
app.add_typer(datasets_cmd.app, name="datasets")
app.add_typer(reproduce_cmd.app, name="reproduce")
