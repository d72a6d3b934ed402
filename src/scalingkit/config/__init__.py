"""Configuration-aware prediction: loss from the full training configuration, tuning, curves.

`ConfigRegressor` predicts a run's final loss as a scaling law plus a learned residual over its
configuration (learning rate, batch, schedule, optimizer settings, shape, ...); `recommend`
turns it into a learning-rate and batch-size recommendation; `CurvePredictor` predicts the rest
of a loss curve from its beginning; `reproduce_ncpl` runs NCPL's comparison on public data.
"""

from ._curves import CurvePredictor, cosine_schedule, curve_ids, evaluate_curves
from ._features import ConfigFeatures, select_columns, steplaw_optimum
from ._landscape import STEPLAW_PRIORS, Landscape, fit_landscape
from ._ncpl import load_ncpl_steplaw, marin_split, reproduce_ncpl, steplaw_keys
from ._regressor import ConfigRegressor
from ._tune import TuneResult, hyperparameter_regret, plot_landscape, recommend

__all__ = [
    "STEPLAW_PRIORS",
    "ConfigFeatures",
    "CurvePredictor",
    "ConfigRegressor",
    "Landscape",
    "TuneResult",
    "cosine_schedule",
    "curve_ids",
    "evaluate_curves",
    "fit_landscape",
    "hyperparameter_regret",
    "load_ncpl_steplaw",
    "marin_split",
    "plot_landscape",
    "recommend",
    "reproduce_ncpl",
    "select_columns",
    "steplaw_keys",
    "steplaw_optimum",
]
