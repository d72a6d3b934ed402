"""Predictors with the scikit-learn contract: ``fit(table) -> self``, ``predict(table)``."""

from ._base import BasePredictor, check_is_fitted
from ._registry import clone, describe_predictor, get_predictor, list_predictors, register_predictor
from .law import LawPredictor

__all__ = [
    "BasePredictor",
    "LawPredictor",
    "check_is_fitted",
    "clone",
    "describe_predictor",
    "get_predictor",
    "list_predictors",
    "register_predictor",
]
