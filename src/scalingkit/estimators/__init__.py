"""Predictors with the scikit-learn contract: ``fit(table) -> self``, ``predict(table)``."""

from ._base import BasePredictor, check_is_fitted
from ._registry import clone, describe_predictor, get_predictor, list_predictors, register_predictor
from ._rescal_methods import register_rescal_methods
from .auto import AutoPredictor
from .baselines import BoundedLawPredictor, FixedLawPredictor, RandomForestPredictor
from .law import LawPredictor
from .rescal import ReScaL

__all__ = [
    "AutoPredictor",
    "BasePredictor",
    "BoundedLawPredictor",
    "FixedLawPredictor",
    "LawPredictor",
    "RandomForestPredictor",
    "ReScaL",
    "check_is_fitted",
    "clone",
    "describe_predictor",
    "get_predictor",
    "list_predictors",
    "register_predictor",
]

register_rescal_methods()
