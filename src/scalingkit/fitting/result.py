"""Frozen result of a fit: `FitResult` and `FitStatus`."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["FitResult", "FitStatus"]


class FitStatus(enum.Enum):
    """Outcome of a fit; each member carries a human-readable message."""

    SUCCESS = "converged"
    MAX_ITER = "the best start reached the iteration limit before converging"
    NO_FINITE = "no start produced a finite objective"

    @property
    def ok(self) -> bool:
        return self is FitStatus.SUCCESS


@dataclass(frozen=True)
class FitResult:
    """Outcome of fitting one law to one table.

    Attributes
    ----------
    law : str
        Name of the fitted law.
    params : dict
        Best parameters in natural units (never rounded).
    stderr : dict
        Asymptotic standard errors (NaN where not identifiable).
    covariance : ndarray of shape (n_params, n_params)
        Parameter covariance in natural units, in ``params`` order.
    objective : float
        Objective value at ``params``.
    objective_name : str
        Which objective (e.g. ``huber(delta=0.001, log)``).
    n_rows : int
        Rows fitted.
    n_starts : int
        Starts tried.
    n_iter : int
        Iterations of the best start (batched phase plus polish).
    n_best_basin : int
        Starts that ended within a relative 1e-6 of the best objective.
    status : FitStatus
        Convergence status.
    message : str
        Human-readable detail.
    at_bound : tuple of str
        Parameters that ended on a bound (their stderr is unreliable).
    constants : dict
        Parameters held fixed during the fit.
    start_objectives : ndarray
        Final objective of every start (inf where a start failed).
    """

    law: str
    params: dict
    stderr: dict
    covariance: np.ndarray
    objective: float
    objective_name: str
    n_rows: int
    n_starts: int
    n_iter: int
    n_best_basin: int
    status: FitStatus
    message: str = ""
    at_bound: tuple = ()
    constants: dict = field(default_factory=dict)
    start_objectives: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)

    @property
    def success(self) -> bool:
        return self.status.ok

    @property
    def all_params(self) -> dict:
        """Fitted and fixed parameters together."""
        return {**self.constants, **self.params}

    def _repr_html_(self) -> str:
        """Notebook display: the text report in a <pre> block."""
        import html

        from .report import format_report

        return f"<pre>{html.escape(format_report(self))}</pre>"

    def to_dict(self) -> dict:
        """JSON-ready dict (the CLI's ``--format json`` payload)."""

        def clean(v):
            v = float(v)
            return v if math.isfinite(v) else None

        return {
            "law": self.law,
            "params": {k: float(v) for k, v in self.params.items()},
            "stderr": {k: clean(v) for k, v in self.stderr.items()},
            "constants": {k: float(v) for k, v in self.constants.items()},
            "objective": float(self.objective),
            "objective_name": self.objective_name,
            "n_rows": int(self.n_rows),
            "n_starts": int(self.n_starts),
            "n_iter": int(self.n_iter),
            "n_best_basin": int(self.n_best_basin),
            "status": self.status.name.lower(),
            "message": self.message,
            "at_bound": list(self.at_bound),
            "covariance": [[clean(x) for x in row] for row in np.asarray(self.covariance)],
        }
