"""Synthetic Step-Law-like runs with a known learning-rate / batch-size landscape."""

from __future__ import annotations

import numpy as np
import pandas as pd


def true_lr(N, D):
    """Optimal learning rate of the synthetic landscape."""
    return 0.02 * (N / 1e8) ** -0.5 * (D / 2e9) ** 0.2


def true_bs(N, D):
    """Optimal batch size (tokens) of the synthetic landscape."""
    return 2e5 * (D / 2e9) ** 0.5


def landscape_loss(N, D, lr, bs):
    """Chinchilla optimum plus a quadratic bowl in (log lr, log batch) around a known optimum."""
    u = np.log(lr / true_lr(N, D))
    v = np.log(bs / true_bs(N, D))
    return 1.8 + 400 / N**0.34 + 400 / D**0.28 + 0.03 * u**2 + 0.02 * v**2 + 0.01 * u * v


def make_runs(sizes, seed=0, noise=0.002):
    """A Step-Law-like grid: per (N, D) cell, 6 learning rates x 4 batch sizes around the optimum."""
    rng = np.random.default_rng(seed)
    rows = []
    for N in sizes:
        for mult in (10, 20, 40):
            D = mult * N
            for a in np.linspace(-1.5, 1.5, 6):
                for b in np.linspace(-1.2, 1.2, 4):
                    lr, bs = true_lr(N, D) * np.exp(a), true_bs(N, D) * np.exp(b)
                    rows.append({"N": N, "D": D, "lr": lr, "batch_size": bs, "warmup": 1000.0})
    frame = pd.DataFrame(rows)
    frame["loss"] = landscape_loss(frame.N, frame.D, frame.lr, frame.batch_size)
    frame["loss"] += noise * rng.standard_normal(len(frame))
    return frame
