"""Backtest tasks and the executors that run them: serial, joblib (loky) or dask.distributed.

A task fits one method on one train/test pair. Workers receive only the training rows
and the test rows with their target masked, so no executor can leak test targets.
Outputs come back in task order whatever the executor.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

__all__ = ["PairData", "Task", "TaskOutput", "execute", "run_task", "task_seed"]


@dataclass(frozen=True)
class PairData:
    """What a worker sees of one (dataset, pair): training rows and masked test rows."""

    train: object  # RunsTable
    test: object  # RunsTable whose target column is a constant


@dataclass(frozen=True)
class Task:
    """Fit ``predictor`` (cloned first) on pair ``pair`` and predict its test rows."""

    index: int
    pair: int
    method: str
    predictor: object
    seed: int
    level: float | None = None  # when set, also call predict_interval(test, level)


@dataclass(frozen=True)
class TaskOutput:
    """Predictions of one task, or the error that stopped it (then ``y_pred`` is NaN)."""

    index: int
    y_pred: np.ndarray
    fit_seconds: float
    predict_seconds: float
    error: str
    warnings: str
    lo: np.ndarray | None = None  # interval bounds when the task had a level (NaN where unavailable)
    hi: np.ndarray | None = None


def task_seed(random_state: int, dataset: str, label: str, method: str) -> int:
    """Deterministic 32-bit seed of a task, independent of executor and task order.

    Examples
    --------
    >>> task_seed(0, "dense1", "rho=0.1", "chinchilla") == task_seed(0, "dense1", "rho=0.1", "chinchilla")
    True
    """
    text = "\x1f".join((str(int(random_state)), str(dataset), str(label), str(method)))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")


def _seeded_clone(predictor, seed: int):
    from ..estimators import clone

    model = clone(predictor)
    try:
        params = model.get_params(deep=False)
    except TypeError:
        params = model.get_params()
    if "random_state" in params and params["random_state"] is None:
        model.set_params(random_state=seed)
    return model


def run_task(data: PairData, task: Task) -> TaskOutput:
    """Clone, seed, fit on ``data.train`` and predict ``data.test``; never raises for a failing method.

    Warnings raised by the method are recorded (deduplicated, "; "-joined) rather than
    shown, so every executor reports the same thing.
    """
    n_test = len(data.test)
    y_pred = np.full(n_test, np.nan)
    fit_s = predict_s = float("nan")
    error = ""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = _seeded_clone(task.predictor, task.seed)
            t0 = time.perf_counter()
            model.fit(data.train)
            fit_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            pred = np.asarray(model.predict(data.test), dtype=float).ravel()
            predict_s = time.perf_counter() - t0
            if pred.shape != (n_test,):
                msg = f"predict returned {pred.size} values for {n_test} rows"
                raise ValueError(msg)
            y_pred = pred
        except Exception as exc:  # noqa: BLE001 - a failing method is a result, not a crash
            error = f"{type(exc).__name__}: {exc}"
        lo = hi = None
        if task.level is not None:
            lo, hi = _interval(model if not error else None, data.test, task.level, n_test)
    messages = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    return TaskOutput(task.index, y_pred, fit_s, predict_s, error, "; ".join(messages), lo, hi)


def _interval(model, test, level: float, n_test: int):
    """``model.predict_interval(test, level)``, or NaN bounds (with a warning) when it is missing or fails."""
    nan = np.full(n_test, np.nan)
    if model is None:
        return nan, nan.copy()
    try:
        lo, hi = model.predict_interval(test, level)
        lo, hi = np.asarray(lo, dtype=float).ravel(), np.asarray(hi, dtype=float).ravel()
        if lo.shape != (n_test,) or hi.shape != (n_test,):
            msg = f"predict_interval returned {lo.size} and {hi.size} bounds for {n_test} rows"
            raise ValueError(msg)
        return lo, hi
    except Exception as exc:  # noqa: BLE001 - no interval is a result too
        warnings.warn(f"no interval: {type(exc).__name__}: {exc}", UserWarning, stacklevel=2)
        return nan, nan.copy()


# -- executors -------------------------------------------------------------------------
@contextmanager
def _progress(total: int, enabled: bool, description: str = "backtest"):
    """Yield ``advance()``; draws a rich progress bar on stderr when enabled."""
    if not enabled:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as bar:
        handle = bar.add_task(description, total=total)
        yield lambda: bar.advance(handle)


def execute(pairs: list[PairData], tasks: list[Task], *, jobs: int = 1, backend: str = "local",
            scheduler=None, progress: bool = False) -> list[TaskOutput]:
    """Run every task and return the outputs in task order.

    Parameters
    ----------
    pairs : list of PairData
        Data of each pair; ``Task.pair`` indexes it.
    tasks : list of Task
    jobs : int, default=1
        Parallel workers; 1 runs serially in this process, -1 uses every core.
    backend : {"local", "dask"}, default="local"
        ``"local"``: serial or joblib (loky); ``"dask"``: dask.distributed.
    scheduler : str, Client, cluster or None, default=None
        Dask scheduler address, client or cluster; None starts a ``LocalCluster``.
    progress : bool, default=False
        Show a progress bar over tasks on stderr.

    Returns
    -------
    list of TaskOutput
    """
    with _progress(len(tasks), progress, f"backtest ({len(tasks)} fits)") as advance:
        if backend == "dask":
            outputs = _run_dask(pairs, tasks, jobs, scheduler, advance)
        elif jobs == 1:
            outputs = []
            for task in tasks:
                outputs.append(run_task(pairs[task.pair], task))
                advance()
        else:
            outputs = _run_joblib(pairs, tasks, jobs, advance)
    outputs = sorted(outputs, key=lambda o: o.index)
    return outputs


def _run_joblib(pairs, tasks, jobs, advance):
    from .._optional import optional_module_for

    joblib = optional_module_for("ml", "joblib")
    parallel = joblib.Parallel(n_jobs=jobs, backend="loky", return_as="generator")
    outputs = []
    for out in parallel(joblib.delayed(run_task)(pairs[t.pair], t) for t in tasks):
        outputs.append(out)
        advance()
    return outputs


def _run_dask(pairs, tasks, jobs, scheduler, advance):
    from .._optional import optional_module_for

    distributed = optional_module_for("dask", "distributed")
    client, owned = _dask_client(distributed, scheduler, jobs)
    try:
        data = [client.scatter(p) for p in pairs]
        futures = [client.submit(run_task, data[t.pair], t, pure=False) for t in tasks]
        outputs = []
        for future in distributed.as_completed(futures):
            outputs.append(future.result())
            advance()
        return outputs
    finally:
        for resource in owned:
            resource.close()


def _dask_client(distributed, scheduler, jobs):
    """(client, resources to close): reuse a given client, or connect/start one."""
    if isinstance(scheduler, distributed.Client):
        return scheduler, []
    if scheduler is None:
        import os

        n_workers = (os.cpu_count() or 1) if jobs == -1 else max(int(jobs), 1)
        cluster = distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, dashboard_address=None)
        client = distributed.Client(cluster)
        return client, [client, cluster]
    client = distributed.Client(scheduler)  # an address or a cluster object
    return client, [client]
