"""Helpers for scalingkit's own tests (not public API).

A predictor that lives in an importable module can be pickled to Dask or joblib
workers; one defined inside a test file cannot always be.
"""

from __future__ import annotations

import numpy as np

from .estimators._base import BasePredictor

__all__ = ["LogLinearPredictor"]


class LogLinearPredictor(BasePredictor):
    """``log y = a + b log N + c log D`` by least squares: fast, deterministic and lawless.

    Stands for "any predictor" in tests of harnesses that must not assume a scaling law
    (backtests, intervals, the CLI registry).
    """

    def __init__(self):
        pass

    def fit(self, table, y=None):
        """Least squares on ``[1, log N, log D]``; ``y`` overrides the table's target."""
        target = table.y if y is None else np.asarray(y, dtype=float)
        self.coef_ = np.linalg.lstsq(self._design(table), np.log(target), rcond=None)[0]
        return self

    def predict(self, table):
        """``exp(a + b log N + c log D)`` for every row of ``table``."""
        return np.exp(self._design(table) @ self.coef_)

    @staticmethod
    def _design(table):
        return np.column_stack([np.ones(len(table)), np.log(table.N), np.log(table.D)])
