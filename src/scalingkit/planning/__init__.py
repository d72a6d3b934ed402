"""Planning: what to train next, and how big.

- `optimal_allocation`: compute-optimal (N*, D*) for a FLOP budget with
  intervals (closed form for Chinchilla, numeric for any law).
- `data_constrained_allocation`: the same when unique tokens are limited
  (epochs versus parameters).
- `suggest_next_run`: the pilot run that most reduces the predictive variance
  at a target, per FLOP spent.
- `compare_recipes`: two recipes (two runs tables) at a target scale, with a
  paired interval on the difference.
"""

from ._draws import parameter_draws
from .allocation import Allocation, compute_frontier, optimal_allocation
from .compare import RecipeComparison, compare_recipes
from .data_constrained import data_constrained_allocation
from .next_run import candidate_grid, point_table, suggest_next_run

__all__ = [
    "Allocation",
    "RecipeComparison",
    "candidate_grid",
    "compare_recipes",
    "compute_frontier",
    "data_constrained_allocation",
    "optimal_allocation",
    "parameter_draws",
    "point_table",
    "suggest_next_run",
]
