"""Target transforms of the observational recipe: min-max to a range, log, logit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TargetTransform", "parse_transform"]

_EPS = 1e-9


@dataclass(frozen=True)
class TargetTransform:
    """A transform of the target applied before fitting; errors are on its scale.

    Parameters
    ----------
    kind : {"identity", "minmax", "log", "logit"}
        ``minmax``: ``(y - low) / (high - low)`` (``low`` is usually the chance
        level); ``log``: ``log(y + 1e-9)``; ``logit``: ``log((y + 1e-9) / (1 - y + 1e-9))``.
    low, high : float, default=0.0, 1.0
        Range of ``minmax``.

    Examples
    --------
    >>> t = TargetTransform("minmax", 0.25, 1.0)
    >>> float(t(0.625))
    0.5
    >>> float(t.inverse(0.5))
    0.625
    """

    kind: str = "identity"
    low: float = 0.0
    high: float = 1.0

    def __post_init__(self):
        if self.kind not in ("identity", "minmax", "log", "logit"):
            msg = f"unknown target transform '{self.kind}'; expected identity, minmax, log or logit"
            raise ValueError(msg)
        if self.kind == "minmax" and not self.high > self.low:
            msg = f"minmax range must have high > low; got ({self.low}, {self.high})"
            raise ValueError(msg)

    def __call__(self, y):
        """Transform ``y`` (NaN stays NaN)."""
        y = np.asarray(y, dtype=float)
        if self.kind == "minmax":
            return (y - self.low) / (self.high - self.low)
        if self.kind == "log":
            return np.log(y + _EPS)
        if self.kind == "logit":
            return np.log((y + _EPS) / (1.0 - y + _EPS))
        return y

    def inverse(self, t):
        """Map back to the original scale."""
        t = np.asarray(t, dtype=float)
        if self.kind == "minmax":
            return t * (self.high - self.low) + self.low
        if self.kind == "log":
            return np.exp(t) - _EPS
        if self.kind == "logit":
            e = np.exp(t)
            return (e * (1.0 + _EPS) - _EPS) / (1.0 + e)
        return t

    def __str__(self):
        return f"minmax:{self.low:g}:{self.high:g}" if self.kind == "minmax" else self.kind


def parse_transform(text: str | None) -> TargetTransform:
    """Parse ``"identity"``, ``"log"``, ``"logit"`` or ``"minmax:LOW:HIGH"``.

    Raises
    ------
    ValueError
        On anything else.
    """
    if text is None or text in ("", "identity", "none"):
        return TargetTransform()
    if text.startswith("minmax"):
        parts = text.split(":")
        try:
            low, high = (float(parts[1]), float(parts[2])) if len(parts) == 3 else (0.0, 1.0)
        except ValueError:
            low = high = None
        if low is None or len(parts) not in (1, 3):
            msg = f"cannot parse target transform '{text}'; expected minmax:LOW:HIGH, e.g. minmax:0.25:1"
            raise ValueError(msg)
        return TargetTransform("minmax", low, high)
    return TargetTransform(text)
