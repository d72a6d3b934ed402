"""Exceptions and warnings raised by scalingkit.

Every exception carries the data that caused it as attributes, so that callers
(and the CLI's error boundary) can report it without parsing messages.
"""

from __future__ import annotations

__all__ = [
    "ConvergenceWarning",
    "DataValidationError",
    "NotFittedError",
    "ScalingkitError",
    "UnknownNameError",
]


class ScalingkitError(Exception):
    """Base class of every error that scalingkit raises on purpose."""


class DataValidationError(ScalingkitError, ValueError):
    """A runs table failed validation.

    Attributes
    ----------
    source : str or None
        File or dataset the table came from.
    column : str or None
        Offending column.
    row : int or None
        Offending data row (0-based, in file order).
    value : object
        Offending value, when there is one.
    """

    def __init__(self, message, *, source=None, column=None, row=None, value=None):
        super().__init__(message)
        self.source = source
        self.column = column
        self.row = row
        self.value = value


class UnknownNameError(ScalingkitError, KeyError):
    """A law, dataset or method name that is not registered.

    Attributes
    ----------
    kind : str
        What was looked up ("law", "dataset", ...).
    name : str
        The name that was asked for.
    known : tuple of str
        The names that exist.
    """

    def __init__(self, kind, name, known):
        self.kind = kind
        self.name = name
        self.known = tuple(known)
        close = _closest(name, self.known)
        hint = f" Did you mean '{close}'?" if close else ""
        msg = f"unknown {kind} '{name}'.{hint} Known: {', '.join(self.known)}"
        super().__init__(msg)

    def __str__(self):  # KeyError would repr() the message
        return self.args[0]


class NotFittedError(ScalingkitError, ValueError, AttributeError):
    """An estimator was used before ``fit`` was called."""


class ConvergenceWarning(UserWarning):
    """A fit stopped before its convergence criterion was met."""


def _closest(name, known):
    import difflib

    match = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.6)
    return match[0] if match else None
