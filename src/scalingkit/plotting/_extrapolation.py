"""Loss against compute: training runs, held-out runs, and each law's predictions."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .._optional import optional_module_for


def plot_extrapolation(train, test, predictors: dict, path, *, title: str = ""):
    """Write a log-log plot of loss vs compute 6ND with each predictor's held-out predictions.

    Parameters
    ----------
    train, test : RunsTable
    predictors : dict of name -> fitted predictor
    path : path of the PNG to write
    """
    mpl = optional_module_for("plotting", "matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.5))
    c_tr = 6 * train.N * train.D
    c_te = 6 * test.N * test.D
    ax.scatter(c_tr, train.y, s=14, color="0.6", label="training runs (cheap)")
    ax.scatter(c_te, test.y, s=40, facecolors="none", edgecolors="k", linewidths=1.2, label="held-out runs (expensive)")
    order = np.argsort(c_te)
    markers = "osD^v<>ph*"
    for i, (name, model) in enumerate(predictors.items()):
        pred = model.predict(test)
        ax.plot(c_te[order], pred[order], marker=markers[i % len(markers)], ms=4, lw=1, label=f"{name} prediction")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("compute 6ND (FLOP)")
    ax.set_ylabel(f"{train.target}")
    if title:
        ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
