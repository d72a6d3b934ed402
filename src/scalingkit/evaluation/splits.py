"""Extrapolation splits: train on cheap runs, test on expensive ones."""

from __future__ import annotations

import numpy as np

__all__ = ["compute_split", "largest_n_split"]


def compute_split(table, *, train_fraction: float = 0.5, test_fraction: float = 0.2):
    """Train on the cheapest ``train_fraction`` of rows by compute 6ND, test on the costliest ``test_fraction``.

    Rows are ordered by C = 6 N D (ties keep file order). The two sets never overlap.

    Returns
    -------
    train_idx, test_idx : ndarray of int
    """
    for name, v in (("train_fraction", train_fraction), ("test_fraction", test_fraction)):
        if not 0 < v < 1:
            msg = f"The '{name}' parameter must be a float in the range (0, 1). Got {v!r} instead."
            raise ValueError(msg)
    if train_fraction + test_fraction > 1:
        msg = f"train_fraction + test_fraction must be <= 1, got {train_fraction} + {test_fraction}"
        raise ValueError(msg)
    n = len(table)
    order = np.argsort(6.0 * table.N * table.D, kind="stable")
    n_test = max(1, int(round(test_fraction * n)))
    n_train = min(max(1, int(round(train_fraction * n))), n - n_test)
    return np.sort(order[:n_train]), np.sort(order[n - n_test:])


def largest_n_split(table):
    """Hold out every row with the largest N; train on the rest."""
    N = table.N
    test = N == N.max()
    if test.all():
        msg = "largest-N split needs at least two distinct values of N"
        raise ValueError(msg)
    return np.flatnonzero(~test), np.flatnonzero(test)
