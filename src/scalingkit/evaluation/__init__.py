"""Honest evaluation: extrapolation splits, error metrics and backtests.

- splits:    `RescalSplit`, `ComputeSplit`, `LargestNSplit`, `GroupSplit` -> `SplitPair`;
             `RESCAL_RHOS` (the published ReScaL budgets); `compute_split`, `largest_n_split`
- backtests: `Backtest(predictors, split).run(tables)` -> `BacktestResult`; `rank_methods`
- ranking:   `scott_knott_esd` (Scott-Knott ESD groups, rank 1 = best)
- metrics:   `mape`, `mae`, `rmse`, `max_ape`, `spearman`, `summarize`
"""

from .backtest import Backtest, BacktestResult, rank_methods
from .metrics import mae, mape, max_ape, rmse, spearman, summarize
from .scott_knott import scott_knott_esd
from .splits import (
    RESCAL_RHOS,
    ComputeSplit,
    GroupSplit,
    LargestNSplit,
    RescalSplit,
    SplitPair,
    compute_split,
    largest_n_split,
)

__all__ = [
    "RESCAL_RHOS",
    "Backtest",
    "BacktestResult",
    "ComputeSplit",
    "GroupSplit",
    "LargestNSplit",
    "RescalSplit",
    "SplitPair",
    "compute_split",
    "largest_n_split",
    "mae",
    "mape",
    "max_ape",
    "rank_methods",
    "rmse",
    "scott_knott_esd",
    "spearman",
    "summarize",
]

