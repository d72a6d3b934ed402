"""Objectives, fitters and fit results (math only: knows nothing of LLMs)."""

from ._lm import MultiStartLM, fit_law
from ._loss import Huber, LeastSquares, Objective, make_objective
from ._scipy_loop import ScipyLoop
from ._varpro import VarPro
from .report import format_report
from .result import FitResult, FitStatus

__all__ = [
    "FitResult",
    "FitStatus",
    "Huber",
    "LeastSquares",
    "MultiStartLM",
    "Objective",
    "ScipyLoop",
    "VarPro",
    "fit_law",
    "format_report",
    "make_objective",
]
