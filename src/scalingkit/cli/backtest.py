"""``scalingkit backtest``: score methods on extrapolation splits and rank them."""

from __future__ import annotations

import math
import re
from pathlib import Path

import typer

from ._options import D_COL, FORMAT, N_COL, TARGET, check_format, emit_json, load_source

_SPLITS = ("rescal", "compute", "largest-n", "group")


def _parse_methods(text: str) -> list[str]:
    from ..estimators import get_predictor

    names = [m.strip() for m in text.split(",") if m.strip()]
    if not names:
        msg = f"--methods needs at least one method name (e.g. --methods chinchilla,kaplan), got '{text}'"
        raise ValueError(msg)
    dupes = sorted({m for m in names if names.count(m) > 1})
    if dupes:
        msg = f"--methods lists {', '.join(repr(m) for m in dupes)} more than once"
        raise ValueError(msg)
    for name in names:
        get_predictor(name)  # unknown names fail before any data is read
    return names


def _parse_rhos(text: str | None) -> tuple[float, ...] | None:
    if text is None:
        return None
    try:
        rhos = tuple(float(r) for r in text.split(",") if r.strip())
    except ValueError:
        rhos = ()
    if not rhos or any(not 0 < r < 1 for r in rhos) or len(set(rhos)) != len(rhos):
        msg = f"--rho expects distinct comma-separated numbers in (0, 1) (e.g. --rho 0.1,0.5), got '{text}'"
        raise ValueError(msg)
    return rhos


def _sources(source: str) -> list[str]:
    """One source, or several comma-separated (unless the whole string is an existing path)."""
    if "," in source and not Path(source).exists():
        return [s.strip() for s in source.split(",") if s.strip()]
    return [source]


def _dataset_name(source: str, taken: dict) -> str:
    path = Path(source)
    name = path.stem if path.exists() and path.is_file() else (path.name if path.exists() else source)
    base, k = name, 2
    while name in taken:
        name, k = f"{base}#{k}", k + 1
    return name


def _make_split(kind: str, name: str, rhos, test_fraction: float, group_col: str | None):
    from ..evaluation import RESCAL_RHOS, ComputeSplit, GroupSplit, LargestNSplit, RescalSplit
    from ..evaluation.splits import DEFAULT_RHOS

    if kind == "rescal":
        return RescalSplit(rhos or RESCAL_RHOS.get(name, DEFAULT_RHOS))
    if kind == "compute":
        return ComputeSplit(rhos or DEFAULT_RHOS, test_fraction=test_fraction)
    if kind == "largest-n":
        return LargestNSplit()
    return GroupSplit(group_col)


def _check_options(split: str, rhos, group_col, backend: str, scheduler, test_fraction: float):
    if split not in _SPLITS:
        msg = f"--split must be one of {', '.join(_SPLITS)}, got '{split}'"
        raise ValueError(msg)
    if rhos is not None and split not in ("rescal", "compute"):
        msg = f"--rho applies to --split rescal or compute, not '{split}'"
        raise ValueError(msg)
    if split == "group" and not group_col:
        msg = "--split group needs --group-col COLUMN (the column whose values are left out one at a time)"
        raise ValueError(msg)
    if not 0 < test_fraction < 1:
        msg = f"--test-fraction must be in (0, 1), got {test_fraction}"
        raise ValueError(msg)
    if backend not in ("local", "dask"):
        msg = f"--backend must be 'local' or 'dask', got '{backend}'"
        raise ValueError(msg)
    if scheduler is not None and backend != "dask":
        msg = "--scheduler needs --backend dask"
        raise ValueError(msg)


def backtest(
    source: str = typer.Argument(..., help="File, folder of CSVs or registered dataset; several comma-separated."),
    methods: str = typer.Option(..., "--methods", "-m", help="Comma-separated methods (laws or registered methods)."),
    split: str = typer.Option("rescal", "--split", help="rescal, compute, largest-n or group."),
    rho: str = typer.Option(None, "--rho", help="Training budgets, e.g. 0.1,0.5 (default: published/0.1..0.9)."),
    test_fraction: float = typer.Option(0.1, "--test-fraction", help="Held-out fraction of configurations (compute)."),
    group_col: str = typer.Option(None, "--group-col", help="Column whose values are left out (group split)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for results.csv, predictions.csv, ranks.csv."),
    jobs: int = typer.Option(1, "--jobs", "-j", help="Parallel workers (-1: every core)."),
    backend: str = typer.Option("local", "--backend", help="local (serial/joblib) or dask."),
    scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address (default: a local cluster)."),
    seed: int = typer.Option(0, "--seed", help="Base seed mixed into every task's seed."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
    intervals: float = typer.Option(None, "--intervals", help="Also score LEVEL prediction intervals (e.g. 0.8): "
                                                              "adds coverage and width columns."),
    interval_method: str = typer.Option("conformal", "--interval-method",
                                        help="conformal, bootstrap or delta (IntervalPredictor), or own."),
    prior_weight: float = typer.Option(0.0, "--prior-weight",
                                       help="Conformal: configurations the prior growth is worth (1 is safer "
                                            "with a handful of pilot runs)."),
    target: str = TARGET,
    n_col: str = N_COL,
    d_col: str = D_COL,
    fmt: str = FORMAT,
):
    """Backtest methods on extrapolation splits: fit on cheap runs, score on expensive ones.

    Writes OUT/results.csv (one row per dataset, pair and method), OUT/predictions.csv
    (one row per test row) and OUT/ranks.csv (Scott-Knott ESD rank per pair), then
    prints the methods ranked over all pairs.

    Examples:

      scalingkit backtest rescal_dense1 --methods chinchilla,kaplan --out bt/

      scalingkit backtest rescal_dense1,rescal_moe --methods chinchilla --split rescal --rho 0.5 --out bt/

      scalingkit backtest runs.csv --methods chinchilla --split largest-n --out bt/ --jobs 4
    """
    from ..estimators import get_predictor
    from ..evaluation import Backtest
    from ..exceptions import ScalingkitError

    check_format(fmt)
    names = _parse_methods(methods)
    rhos = _parse_rhos(rho)
    _check_options(split, rhos, group_col, backend, scheduler, test_fraction)
    tables = {}
    for src in _sources(source):
        tables[_dataset_name(src, tables)] = load_source(src, target=target, n_col=n_col, d_col=d_col)
    splits = {name: _make_split(split, name, rhos, test_fraction, group_col) for name in tables}
    predictors = _with_intervals({m: get_predictor(m) for m in names}, intervals, interval_method, prior_weight)
    runner = Backtest(predictors, splits, jobs=jobs, backend=backend,
                      scheduler=scheduler, progress=progress, random_state=seed, intervals=intervals)
    try:
        result = runner.run(tables)
    except ImportError as exc:  # a missing extra is the user's to install
        raise ScalingkitError(str(exc)) from exc
    paths = result.to_csv(out)
    _report(result, paths, split, fmt)
    return 0


def _with_intervals(predictors: dict, level, method: str, prior_weight: float = 0.0) -> dict:
    """Wrap every method in `IntervalPredictor` (unless ``method == "own"``) when ``level`` is set."""
    if level is None:
        return predictors
    if not 0 < level < 1:
        msg = f"--intervals must be a level in (0, 1), e.g. 0.8; got {level}"
        raise ValueError(msg)
    if method not in ("conformal", "bootstrap", "delta", "own"):
        msg = f"--interval-method must be conformal, bootstrap, delta or own; got '{method}'"
        raise ValueError(msg)
    if not prior_weight >= 0:
        msg = f"--prior-weight must be >= 0; got {prior_weight}"
        raise ValueError(msg)
    if method == "own":
        return predictors
    from ..uncertainty import IntervalPredictor

    extra = {"prior_weight": prior_weight} if method == "conformal" else {}
    return {name: IntervalPredictor(p, method=method, **extra) for name, p in predictors.items()}


def _report(result, paths: dict, split: str, fmt: str) -> None:
    summary = result.summary()
    n_failed = int((result.results["error"] != "").sum())
    warned = _distinct_warnings(result.results)
    if fmt == "json":
        records = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
                   for row in summary.to_dict("records")]
        emit_json({"summary": records, "n_fits": len(result.results), "n_failed": n_failed,
                   "warnings": warned, "files": {k: str(v) for k, v in paths.items()}})
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    n_pairs = len(result.results.drop_duplicates(["dataset", "split"]))
    n_sets = result.results["dataset"].nunique()
    table = Table(title=f"backtest: {split} split, {n_sets} dataset(s), {n_pairs} pair(s)")
    has_iv = "mean_coverage" in summary.columns
    cols = ("#", "method", "mean rank", "rank-1 pairs", "mean MAPE %", "pairs", "failed")
    for col in cols + (("coverage %", "width %") if has_iv else ()):
        table.add_column(col, justify="left" if col == "method" else "right")
    for i, row in enumerate(summary.itertuples(index=False), start=1):
        cells = [str(i), str(row.method), _fmt(row.mean_rank, "{:.2f}"), str(row.n_rank1),
                 _fmt(100 * row.mean_mape, "{:.2f}"), str(row.n_pairs), str(row.n_failed)]
        if has_iv:
            cells += [_fmt(100 * row.mean_coverage, "{:.1f}"), _fmt(100 * row.mean_width, "{:.2f}")]
        table.add_row(*cells)
    Console(width=160).print(table)
    typer.echo(f"wrote {', '.join(str(p) for p in paths.values())}")
    if n_failed:
        Console(stderr=True, highlight=False).print(
            f"[yellow]warning:[/yellow] {n_failed} of {len(result.results)} fits failed; "
            "see the 'error' column of results.csv")
    if warned:
        console = Console(stderr=True, highlight=False, soft_wrap=True)
        for message, count in list(warned.items())[:_SHOWN_WARNINGS]:
            console.print(f"[yellow]warning[/yellow] ({count} fit(s)): {escape(message)}")
        more = len(warned) - _SHOWN_WARNINGS
        tail = f"{more} more distinct warning(s); " if more > 0 else ""
        console.print(f"{tail}see the 'warnings' column of results.csv")


#: Distinct warnings printed after the table (all of them are in results.csv).
_SHOWN_WARNINGS = 3


def _distinct_warnings(results) -> dict:
    """Each distinct warning of the fits (results' ``warnings`` column, "; "-joined) and its count."""
    counts: dict = {}
    for cell in results["warnings"].fillna(""):
        for message in dict.fromkeys(m.strip() for m in re.split(r"; (?=\w+: )", str(cell)) if m.strip()):
            counts[message] = counts.get(message, 0) + 1
    return counts


def _fmt(value, pattern: str) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else pattern.format(value)
