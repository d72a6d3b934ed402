"""NCPL's evaluation protocol (Zhang, Wen, Ma 2026) on the public data: splits and the comparison.

Step Law dense: NCPL's run-level split (``steplaw_keys_model_split.json``) restricted to the runs
of the public CSV whose ``exp_name`` matches a key exactly (930 train / 288 in-distribution /
434 out-of-distribution). Marin AdamW: 130M and 300M models train, 520M and 1.2B are
out-of-distribution; in-distribution is 5-fold cross-validation over the training sizes.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["STEPLAW_KEYS", "load_ncpl_steplaw", "marin_split", "reproduce_ncpl", "steplaw_keys"]

#: NCPL's Step Law split keys: mirror path, upstream URL and sha256 (byte-identical upstream file).
STEPLAW_KEYS = {
    "relpath": "ncpl/steplaw_keys_model_split.json",
    "url": "https://raw.githubusercontent.com/zhqwqwq/Configuration-to-Performance-Scaling-Law/"
           "4f6e64b0144ec0fa8070a4398e3aebe33a8b11b1/processed_data/keys/steplaw_keys_model_split.json",
    "sha256": "9499a30f22935253f9539a81669d598808f140570d7c36652d67e88345386310",
}
_SPLITS = {"train": "train", "in_val": "id", "ood_val": "ood"}


def steplaw_keys(path=None) -> dict:
    """NCPL's Step Law split: ``{"train": [...], "in_val": [...], "ood_val": [...]}`` run names.

    Parameters
    ----------
    path : str, Path or None, default=None
        The JSON file; None reads it from ``$SCALINGKIT_DATA`` (mirror layout) or downloads
        the pinned upstream file into pooch's cache. The sha256 is checked either way.

    Raises
    ------
    DatasetNotAvailable
        If the mirror lacks the file.
    DatasetHashError
        If the file's sha256 differs from `STEPLAW_KEYS`.
    """
    from ..datasets._fetch import DatasetNotAvailable, cache_dir, mirror_dir, verify

    if path is None:
        mirror = mirror_dir()
        if mirror is not None:
            path = mirror / STEPLAW_KEYS["relpath"]
            if not path.is_file():
                msg = (f"NCPL's Step Law split keys are not in the mirror: {path} does not exist. "
                       f"Upstream: {STEPLAW_KEYS['url']}")
                raise DatasetNotAvailable(msg, relpath=STEPLAW_KEYS["relpath"], location=path,
                                          upstream=[STEPLAW_KEYS["url"]])
        else:
            import pooch

            path = pooch.retrieve(STEPLAW_KEYS["url"], known_hash=f"sha256:{STEPLAW_KEYS['sha256']}",
                                  fname="steplaw_keys_model_split.json", path=cache_dir() / "ncpl")
    path = verify(Path(path), STEPLAW_KEYS["sha256"], STEPLAW_KEYS["relpath"])
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def load_ncpl_steplaw(*, keys=None, target: str = "smooth loss"):
    """Step Law dense runs matched to NCPL's split, with a ``ncpl_split`` column.

    Parameters
    ----------
    keys : str, Path, dict or None, default=None
        The split (see `steplaw_keys`), or a path to it.
    target : {"smooth loss", "loss"}, default="smooth loss"

    Returns
    -------
    RunsTable
        The 1,652 runs whose ``run_id`` is one of NCPL's keys; ``ncpl_split`` is train, id or ood.
    """
    from ..datasets import load_steplaw_dense

    split = keys if isinstance(keys, dict) else steplaw_keys(keys)
    table = load_steplaw_dense(target=target)
    of = {run: _SPLITS[name] for name, runs in split.items() for run in runs}
    frame = table.frame
    frame["ncpl_split"] = frame["run_id"].map(of)
    keep = frame["ncpl_split"].notna().to_numpy()
    note = f"matched {int(keep.sum())} of {len(frame)} runs to NCPL's split keys by exact run name"
    out = table.with_frame(frame).subset(keep)
    return out.with_meta(notes=(*out.meta.notes, note))


def marin_split(table) -> np.ndarray:
    """``'train'`` for 130M/300M runs and ``'ood'`` for 520M/1.2B runs of `load_ncpl_marin`."""
    sizes = table.frame["model_size"].astype(str).str.lower()
    return np.where(sizes.isin(["130m", "300m"]), "train", "ood")


def _metrics(y, p):
    from ..evaluation.metrics import mae, spearman

    return {"n": int(len(y)), "mae": mae(y, p), "spearman": spearman(y, p)}


def _methods(neural: bool, neural_params=None):
    from ..estimators import LawPredictor
    from ._regressor import ConfigRegressor

    out = {"chinchilla": lambda: LawPredictor(law="chinchilla"), "config_trees": lambda: ConfigRegressor()}
    if neural:
        out["config_neural"] = lambda: ConfigRegressor(backend="neural", neural=neural_params)
        out["config_ensemble"] = lambda: ConfigRegressor(backend="ensemble", neural=neural_params)
    return out


def _evaluate(name, table, train, tests, methods, rows, log):
    """Fit every method on ``train`` rows and score it on each ``tests[label]`` mask."""
    y = table.y
    for method, make in methods.items():
        t0 = time.perf_counter()
        model = make().fit(table.subset(train))
        pred = model.predict(table)
        for label, mask in tests.items():
            rows.append({"dataset": name, "split": label, "method": method, **_metrics(y[mask], pred[mask])})
        log(f"{name:<24} {method:<14} fitted on {int(train.sum())} runs in {time.perf_counter() - t0:.1f}s")
    return rows


def _cv_id(name, table, pool, methods, rows, log, folds=5, seed=0):
    """In-distribution score by K-fold cross-validation over the ``pool`` rows."""
    idx = np.flatnonzero(pool)
    fold = np.random.default_rng(seed).permutation(idx.size) % folds
    y = table.y
    for method, make in methods.items():
        pred = np.full(len(table), np.nan)
        t0 = time.perf_counter()
        for k in range(folds):
            train = np.zeros(len(table), bool)
            train[idx[fold != k]] = True
            model = make().fit(table.subset(train))
            pred[idx[fold == k]] = model.predict(table.subset(idx[fold == k]))
        rows.append({"dataset": name, "split": "id", "method": method, **_metrics(y[idx], pred[idx])})
        log(f"{name:<24} {method:<14} {folds}-fold ID in {time.perf_counter() - t0:.1f}s")
    return rows


DATASETS = ("steplaw_dense", "marin_adamw", "marin_adamw_converged")


def reproduce_ncpl(out_dir, *, datasets=DATASETS, neural=None, neural_params=None, id_folds=5,
                   steplaw_keys_path=None, log=print) -> pd.DataFrame:
    """Run NCPL's comparison on Step Law (NCPL's split) and Marin AdamW; write ``results.csv``.

    Methods: ``chinchilla`` (configuration-agnostic Chinchilla, Huber on log loss, fitted on the
    training runs), ``config_trees`` (`ConfigRegressor`), ``config_neural`` and
    ``config_ensemble`` (the neural backend, and the mean of both; skipped without torch, with a
    note in ``notes.txt``). Marin is scored on all runs (``marin_adamw``, diverged runs
    included) and on converged runs only (``marin_adamw_converged``, loss < 5 in train and test);
    for Marin, two more configuration-agnostic fits are scored (on converged runs, and on the
    tuned baselines) so that the best Chinchilla can be quoted. Step Law also gets
    ``regret.csv``: hyperparameter regret on the held-out (N, D) cells (`hyperparameter_regret`).

    Parameters
    ----------
    out_dir : str or Path
        Created if needed; receives ``results.csv`` and ``regret.csv``.
    datasets : tuple of str, default=DATASETS
        Any of ``steplaw_dense``, ``marin_adamw``, ``marin_adamw_converged``.
    neural : bool or None, default=None
        Include the neural backend; None includes it when torch is installed.
    neural_params : dict or None, default=None
        Keyword arguments of `NeuralResidual`.
    id_folds : int, default=5
        Folds of Marin's in-distribution cross-validation.
    steplaw_keys_path : str, Path or None, default=None
        NCPL's Step Law split keys (see `steplaw_keys`).
    log : callable, default=print
        Receives one progress line per fit.

    Returns
    -------
    DataFrame
        ``dataset, split, method, n, mae, spearman``.
    """
    from ..datasets import load_ncpl_marin
    from ..estimators import LawPredictor

    unknown = [d for d in datasets if d not in DATASETS]
    if unknown:
        msg = f"unknown dataset(s) {unknown}; choose from {', '.join(DATASETS)}"
        raise ValueError(msg)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    notes = []
    if neural is None:
        neural = _torch_available()
        if not neural:
            notes.append("torch is not installed: skipped config_neural and config_ensemble "
                         "(pip install 'scalingkit[torch]')")
            log(notes[-1])
    methods = _methods(neural, neural_params)
    rows: list = []
    if "steplaw_dense" in datasets:
        _steplaw(out, methods, rows, log, steplaw_keys_path)
    marin_sets = [d for d in datasets if d.startswith("marin")]
    if marin_sets:
        marin = load_ncpl_marin()
        msplit = marin_split(marin)
        converged = ~marin.frame["diverged"].astype(bool).to_numpy()
        extra = {"chinchilla_converged": lambda: _ConvergedOnly(LawPredictor(law="chinchilla")),
                 "chinchilla_baselines": lambda: _BaselinesOnly(LawPredictor(law="chinchilla"))}
        for name in marin_sets:
            keep = converged if name == "marin_adamw_converged" else np.ones(len(marin), bool)
            sub, s = marin.subset(keep), msplit[keep]
            meths = {**methods, **extra} if name == "marin_adamw" else methods
            _evaluate(name, sub, s == "train", {"ood": s == "ood"}, meths, rows, log)
            _cv_id(name, sub, s == "train", meths, rows, log, folds=id_folds)
    results = pd.DataFrame(rows, columns=["dataset", "split", "method", "n", "mae", "spearman"])
    results = results.sort_values(["dataset", "split", "method"], kind="stable").reset_index(drop=True)
    results.to_csv(out / "results.csv", index=False)
    (out / "notes.txt").write_text("".join(f"{n}\n" for n in notes))
    return results


def _torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def _steplaw(out, methods, rows, log, keys_path):
    """Step Law dense with NCPL's split: ID and OOD scores, and the regret on held-out cells.

    Each configuration model's recommendation is shrunk toward the Step Law formula with
    weights calibrated by leave-one-cell-out on the training cells (`calibrate_shrinkage`);
    ``shrinkage.csv`` records them, and ``regret.csv`` also holds the unshrunk picks. The
    ensemble's calibration reuses its members' refits: its predictions are exactly their mean.
    """
    from ._shrinkage import calibrate_shrinkage
    from ._tune import hyperparameter_regret

    steplaw = load_ncpl_steplaw(keys=keys_path)
    split = steplaw.frame["ncpl_split"].to_numpy()
    train = steplaw.subset(split == "train")
    fitted, shrink = {}, {}
    for method, make in methods.items():
        t0 = time.perf_counter()
        fitted[method] = model = make().fit(train)
        pred = model.predict(steplaw)
        for label in ("id", "ood"):
            m = split == label
            rows.append({"dataset": "steplaw_dense", "split": label, "method": method,
                         **_metrics(steplaw.y[m], pred[m])})
        log(f"{'steplaw_dense':<24} {method:<14} fitted on {len(train)} runs in {time.perf_counter() - t0:.1f}s")
        if method.startswith("config"):
            t0 = time.perf_counter()
            shrink[method] = calibrate_shrinkage(model, train, predictions=_mean_predictions(method, shrink))
            log(f"{'steplaw_dense':<24} {method:<14} shrinkage (w_lr, w_bs) = ({shrink[method].lr:.2f}, "
                f"{shrink[method].batch_size:.2f}) by leave-one-cell-out in {time.perf_counter() - t0:.1f}s")
    regret = hyperparameter_regret({k: v for k, v in fitted.items() if k != "chinchilla"}, train, shrinkage=shrink)
    regret.to_csv(out / "regret.csv", index=False)
    pd.DataFrame([{"method": k, "w_lr": v.lr, "w_bs": v.batch_size, "rms_model_lr": v.rms_model[0],
                   "rms_model_bs": v.rms_model[1], "rms_prior_lr": v.rms_prior[0], "rms_prior_bs": v.rms_prior[1],
                   "n_cells": len(v.cells)} for k, v in shrink.items()]).to_csv(out / "shrinkage.csv", index=False)


def _mean_predictions(method, shrink):
    """The ensemble's leave-one-cell-out predictions: the mean of its members' (same seed, same leaf)."""
    members = ("config_trees", "config_neural")
    if method != "config_ensemble" or not all(m in shrink for m in members):
        return None
    first, second = (shrink[m].predictions for m in members)
    return {key: (first[key] + second[key]) / 2 for key in first}


class _ConvergedOnly:
    """Fit a predictor on the runs whose loss is below 5 nats (Marin's ``diverged`` flag)."""

    def __init__(self, inner):
        self.inner = inner

    def fit(self, table):
        self.inner.fit(table.subset(table.y < 5.0))
        return self

    def predict(self, table):
        return self.inner.predict(table)


class _BaselinesOnly(_ConvergedOnly):
    """Fit a predictor on the tuned baseline runs only (``is_baseline``)."""

    def fit(self, table):
        self.inner.fit(table.subset(table.frame["is_baseline"].astype(bool).to_numpy()))
        return self
