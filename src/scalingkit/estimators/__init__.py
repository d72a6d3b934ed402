"""Predictors with the scikit-learn contract: ``fit(table) -> self``, ``predict(table)``."""

from ._base import BasePredictor, check_is_fitted
from .law import LawPredictor

__all__ = ["BasePredictor", "LawPredictor", "check_is_fitted"]
