"""The predictor contract shared by every estimator (scikit-learn style)."""

from __future__ import annotations

import inspect
import math
from numbers import Integral, Real

import numpy as np

from ..exceptions import NotFittedError

__all__ = ["BasePredictor", "boolean", "check_is_fitted", "int_at_least", "one_of", "real_in"]


# Parameter constraints: each returns ``(ok, expected)`` for `BasePredictor._validate_params`.
def real_in(low, high, *, low_open=True):
    """A finite real in ``(low, high]`` (``[low, high]`` with ``low_open=False``)."""
    def check(v):
        ok = isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(v)
        ok = ok and (v > low if low_open else v >= low) and v <= high
        return ok, f"a float in the range {'(' if low_open else '['}{low}, {high}]"
    return check


def int_at_least(k):
    """An int (not a bool) of at least ``k``."""
    def check(v):
        return isinstance(v, Integral) and not isinstance(v, bool) and v >= k, f"an int in the range [{k}, inf)"
    return check


def one_of(*options):
    """One of the strings ``options``."""
    def check(v):
        return isinstance(v, str) and v in options, "one of " + ", ".join(repr(o) for o in options)
    return check


def boolean(v):
    """A Python or numpy bool."""
    return isinstance(v, (bool, np.bool_)), "a bool"


class BasePredictor:
    """Base class: keyword-only ``__init__`` that stores arguments, get/set_params.

    Subclasses implement ``fit(table) -> self`` and ``predict(table) -> ndarray``;
    learned state lives in attributes ending with ``_``.
    """

    _parameter_constraints: dict = {}

    @classmethod
    def _param_names(cls):
        sig = inspect.signature(cls.__init__)
        return sorted(p.name for p in sig.parameters.values() if p.name != "self" and p.kind != p.VAR_KEYWORD)

    def get_params(self, deep=True):
        return {k: getattr(self, k) for k in self._param_names()}

    def set_params(self, **params):
        valid = self._param_names()
        for k, v in params.items():
            if k not in valid:
                msg = f"Invalid parameter {k!r} for estimator {type(self).__name__}. Valid parameters are: {valid!r}."
                raise ValueError(msg)
            setattr(self, k, v)
        return self

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def _validate_params(self):
        for name, check in self._parameter_constraints.items():
            value = getattr(self, name)
            ok, expected = check(value)
            if not ok:
                msg = f"The {name!r} parameter of {type(self).__name__} must be {expected}. Got {value!r} instead."
                raise ValueError(msg)

    def __sklearn_is_fitted__(self):
        return any(k.endswith("_") and not k.startswith("_") for k in vars(self))


def check_is_fitted(estimator) -> None:
    """Raise `NotFittedError` unless ``estimator`` has been fitted."""
    if not estimator.__sklearn_is_fitted__():
        msg = (
            f"This {type(estimator).__name__} instance is not fitted yet. "
            "Call 'fit' with appropriate arguments before using this estimator."
        )
        raise NotFittedError(msg)
