"""The main job: fit several laws on cheap runs and compare them on expensive ones.

Used by ``scalingkit demo``. With no dataset it generates a clearly labelled
SYNTHETIC sweep from Epoch AI's published Chinchilla refit (Besiroglu et al.
2024: E=1.817, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .data import RunsMeta, RunsTable
from .estimators import LawPredictor
from .evaluation import compute_split, summarize
from .exceptions import ConvergenceWarning, DataValidationError
from .laws import get_law, list_laws

__all__ = ["DemoResult", "EPOCH_CHINCHILLA", "run_demo", "synthetic_sweep"]

EPOCH_CHINCHILLA = {"E": 1.817, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}
_ND_INPUTS = {"N", "D", "C", "M"}


def synthetic_sweep(*, seed: int = 0, noise: float = 0.01, params=None) -> RunsTable:
    """A SYNTHETIC sweep: 8 model sizes x 6 token budgets from a published Chinchilla fit.

    N runs from 4e7 to 6e9 parameters and D from 5 to 160 tokens per parameter;
    the loss is the law's value times lognormal noise of relative size ``noise``.
    """
    p = dict(EPOCH_CHINCHILLA if params is None else params)
    rng = np.random.default_rng(seed)
    N = np.geomspace(4e7, 6e9, 8)
    tpp = np.geomspace(5, 160, 6)
    NN, TT = np.meshgrid(N, tpp, indexing="ij")
    D = (NN * TT).ravel()
    NN = NN.ravel()
    loss = p["E"] + p["A"] / NN ** p["alpha"] + p["B"] / D ** p["beta"]
    loss = loss * np.exp(noise * rng.standard_normal(loss.shape))
    frame = pd.DataFrame({"N": NN, "D": D, "loss": loss})
    meta = RunsMeta(source="synthetic: Epoch AI Chinchilla refit + 1% noise (scalingkit demo)", n_convention="total",
                    units={"N": "parameters", "D": "tokens", "loss": "nats/token"},
                    notes="SYNTHETIC data generated from a published fit; not real training runs.")
    return RunsTable(frame, target="loss", meta=meta)


@dataclass(frozen=True)
class DemoResult:
    title: str
    subtitle: str
    rows: list
    n_train: int
    n_test: int
    best: str | None
    files: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    predictions: pd.DataFrame | None = None

    def to_dict(self) -> dict:
        return {"title": self.title, "subtitle": self.subtitle, "n_train": self.n_train, "n_test": self.n_test,
                "best": self.best, "results": self.rows, "files": [str(f) for f in self.files], "notes": self.notes}


def default_laws(table) -> list[str]:
    """Every registered law whose inputs the table has and that needs only N, D (and C, M)."""
    out = []
    for law in list_laws():
        if law.resolve is None and set(law.columns) <= _ND_INPUTS:
            out.append(law.name)
    return out


def run_demo(*, dataset=None, laws=None, train_fraction=0.7, test_fraction=0.15, seed=0, out=None,
             progress=False) -> DemoResult:
    """Fit ``laws`` on the cheapest runs, score them on the costliest; optionally write a plot and CSVs."""
    if dataset is None:
        table = synthetic_sweep(seed=seed)
        title = "scalingkit demo: SYNTHETIC sweep generated from Epoch AI's Chinchilla refit (1% noise)"
    else:
        from .datasets import load_dataset

        table = load_dataset(dataset)
        title = f"scalingkit demo on dataset '{dataset}'"
    names = list(laws) if laws else default_laws(table)
    for name in names:
        get_law(name)
    train_idx, test_idx = compute_split(table, train_fraction=train_fraction, test_fraction=test_fraction)
    train, test = table.subset(train_idx), table.subset(test_idx)
    subtitle = (f"{len(table)} runs; train = cheapest {train_fraction:.0%} by 6ND, "
                f"test = costliest {test_fraction:.0%}; "
                "objective: Huber(delta=1e-3) on log loss")
    rows, notes, preds = [], [], {"N": test.N, "D": test.D, "actual": test.y}
    fitted = {}
    iterator = _progress(names, progress)
    for name in iterator:
        t0 = time.perf_counter()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                model = LawPredictor(law=name).fit(train)
        except DataValidationError as exc:
            notes.append(f"{name} skipped: {exc}")
            continue
        for w in caught:
            notes.append(f"{name}: {w.message}")
        dt = time.perf_counter() - t0
        pred = model.predict(test)
        preds[name] = pred
        fitted[name] = model
        rows.append({"law": name, **summarize(test.y, pred), "fit_seconds": dt,
                     "status": model.fit_result_.status.name.lower(), "params": model.params_})
    rows.sort(key=lambda r: (np.nan_to_num(r["mape"], nan=np.inf)))
    best = rows[0]["law"] if rows else None
    files = []
    predictions = pd.DataFrame(preds)
    if out is not None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        csv = out / "results.csv"
        pd.DataFrame([{k: v for k, v in r.items() if k != "params"} for r in rows]).to_csv(csv, index=False)
        predictions.to_csv(out / "predictions.csv", index=False)
        files += [csv, out / "predictions.csv"]
        png = _plot(train, test, fitted, out / "demo.png", title)
        if png is None:
            notes.append("no plot written: install the 'plot' extra (pip install 'scalingkit[plot]')")
        else:
            files.append(png)
    return DemoResult(title, subtitle, rows, len(train), len(test), best, files, notes, predictions)


def _progress(items, show):
    if not show:
        return items
    from rich.progress import track

    return track(items, description="fitting laws", transient=True, console=_stderr_console())


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _plot(train, test, fitted, path, title):
    try:
        from .plotting import plot_extrapolation
    except ImportError:
        return None
    try:
        return plot_extrapolation(train, test, fitted, path, title=title)
    except ImportError:
        return None
