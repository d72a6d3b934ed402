"""Registry of predictors by method name, and `clone`.

Every registered law name resolves to ``LawPredictor(law=name)`` unless a predictor of
that name is registered explicitly; other methods (ReScaL, baselines) register a factory.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from ..exceptions import UnknownNameError

__all__ = ["clone", "describe_predictor", "get_predictor", "list_predictors", "register_predictor"]

# name -> (factory, description)
_PREDICTORS: dict[str, tuple[Callable[[], object], str]] = {}

# Subpackages whose import registers further methods (the config regressors); imported on the
# first lookup so that `get_predictor("config")` works without importing them by hand.
_PLUGIN_MODULES = ("scalingkit.config",)
_plugins_loaded = False


def _load_plugins() -> None:
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    import importlib

    for module in _PLUGIN_MODULES:
        importlib.import_module(module)


def register_predictor(name: str, factory: Callable[[], object], *, description: str = "",
                       overwrite: bool = False) -> Callable[[], object]:
    """Register a method under ``name``.

    Parameters
    ----------
    name : str
        Method name used by `get_predictor`, `Backtest` and ``scalingkit backtest --methods``.
        A law name may be registered to replace its default ``LawPredictor(law=name)``.
    factory : callable
        Called with no arguments, it returns a fresh, unfitted predictor (a predictor
        class with default arguments, ``functools.partial(Cls, ...)`` or a lambda).
    description : str, default=""
        One line shown by `describe_predictor`.
    overwrite : bool, default=False
        Replace an explicitly registered method of the same name.

    Returns
    -------
    callable
        ``factory``, so the function can be used as a decorator-like call.

    Raises
    ------
    ValueError
        If ``name`` is empty or taken and ``overwrite`` is False.
    TypeError
        If ``factory`` is not callable.

    Examples
    --------
    >>> from scalingkit.estimators import LawPredictor, get_predictor, register_predictor
    >>> _ = register_predictor("chinchilla_64", lambda: LawPredictor(n_starts=64), overwrite=True)
    >>> get_predictor("chinchilla_64").n_starts
    64
    """
    if not isinstance(name, str) or not name.strip():
        msg = f"The 'name' parameter of register_predictor must be a non-empty str. Got {name!r} instead."
        raise ValueError(msg)
    if not callable(factory):
        msg = f"The 'factory' parameter of register_predictor must be callable. Got {factory!r} instead."
        raise TypeError(msg)
    if name in _PREDICTORS and not overwrite:
        msg = f"a method named '{name}' is already registered; pass overwrite=True to replace it"
        raise ValueError(msg)
    _PREDICTORS[name] = (factory, str(description))
    return factory


def _law_names() -> list[str]:
    from ..laws import list_laws

    return [law.name for law in list_laws()]


def list_predictors() -> list[str]:
    """Names of every method: explicitly registered ones and every registered law, sorted.

    Returns
    -------
    list of str
    """
    _load_plugins()
    return sorted(set(_PREDICTORS) | set(_law_names()))


def describe_predictor(name: str) -> str:
    """One-line description of the method ``name``.

    Raises
    ------
    UnknownNameError
        If ``name`` is neither a registered method nor a law.
    """
    _load_plugins()
    if name in _PREDICTORS:
        factory, description = _PREDICTORS[name]
        return description or getattr(factory, "__name__", type(factory).__name__)
    if name in _law_names():
        return f"law '{name}' fitted by LawPredictor (Huber on log loss, literature start grid)"
    raise _unknown(name)


def get_predictor(name: str):
    """A fresh, unfitted predictor for the method ``name``.

    Parameters
    ----------
    name : str
        A name from `list_predictors`.

    Returns
    -------
    predictor
        A new instance on every call.

    Raises
    ------
    UnknownNameError
        If ``name`` is neither a registered method nor a law (the message suggests the
        closest name).

    Examples
    --------
    >>> from scalingkit.estimators import get_predictor
    >>> get_predictor("kaplan")
    LawPredictor(bounds=None, delta=0.001, fitter=None, fixed=None, law='kaplan', loss='huber', n_starts=None)
    """
    if isinstance(name, str) and name not in _PREDICTORS:
        _load_plugins()
    if isinstance(name, str) and name in _PREDICTORS:
        predictor = _PREDICTORS[name][0]()
        if not (hasattr(predictor, "fit") and hasattr(predictor, "predict")):
            msg = f"the factory of method '{name}' returned {type(predictor).__name__}, which has no fit/predict"
            raise TypeError(msg)
        return predictor
    if isinstance(name, str) and name in _law_names():
        from .law import LawPredictor

        return LawPredictor(law=name)
    raise _unknown(name)


def _unknown(name) -> UnknownNameError:
    kind = "method"
    return UnknownNameError(kind, name, list_predictors())


def clone(predictor):
    """A fresh, unfitted copy of ``predictor`` with the same hyperparameters.

    ``type(p)(**p.get_params())``, with parameter values deep-copied so the copy shares
    no mutable state (dicts, lists) with the original.

    Parameters
    ----------
    predictor : object
        Anything with ``get_params()`` whose keys are its ``__init__`` arguments
        (`BasePredictor` subclasses and scikit-learn estimators).

    Returns
    -------
    object
        An unfitted instance of the same type.

    Raises
    ------
    TypeError
        If ``predictor`` has no ``get_params``.
    """
    if not hasattr(predictor, "get_params"):
        msg = f"cannot clone {type(predictor).__name__}: it has no get_params() (see the predictor protocol)"
        raise TypeError(msg)
    try:
        params = predictor.get_params(deep=False)
    except TypeError:
        params = predictor.get_params()
    return type(predictor)(**copy.deepcopy(params))
