"""scalingkit: forecast LLM training runs before paying for them.

The whole public surface on one screen:

- data:       `read_runs`, `RunsTable`, `RunsMeta`
- datasets:   `load_dataset`, `list_datasets` (public sweeps through a checksummed registry)
- laws:       `get_law`, `list_laws`, `register_law`, `Law`, `Param`
- fitting:    `fit_law`, `MultiStartLM`, `VarPro`, `ScipyLoop`, `Huber`, `LeastSquares`, `FitResult`
- predictors: `LawPredictor`
- errors:     `DataValidationError`, `NotFittedError`, `ConvergenceWarning`, `UnknownNameError`
"""

from __future__ import annotations

from .data import RunsMeta, RunsTable, read_runs
from .datasets import list_datasets, load_dataset
from .estimators import LawPredictor
from .exceptions import ConvergenceWarning, DataValidationError, NotFittedError, UnknownNameError
from .fitting import FitResult, Huber, LeastSquares, MultiStartLM, ScipyLoop, VarPro, fit_law, format_report
from .laws import Law, Param, get_law, list_laws, register_law

__version__ = "0.1.0"

__all__ = [
    "ConvergenceWarning",
    "DataValidationError",
    "FitResult",
    "Huber",
    "Law",
    "LawPredictor",
    "LeastSquares",
    "MultiStartLM",
    "NotFittedError",
    "Param",
    "RunsMeta",
    "RunsTable",
    "ScipyLoop",
    "UnknownNameError",
    "VarPro",
    "__version__",
    "fit_law",
    "format_report",
    "get_law",
    "list_datasets",
    "list_laws",
    "load_dataset",
    "read_runs",
    "register_law",
]
