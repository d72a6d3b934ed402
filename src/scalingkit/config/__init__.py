"""Configuration-aware prediction: loss from the full training configuration, tuning, curves.

`ConfigRegressor` predicts a run's final loss as a scaling law plus a learned residual over its
configuration (learning rate, batch, schedule, optimizer settings, shape, ...); `recommend`
turns it into a learning-rate and batch-size recommendation; `CurvePredictor` predicts the rest
of a loss curve from its beginning; `reproduce_ncpl` runs NCPL's comparison on public data.

Importing this package registers three methods for `get_predictor` and
``scalingkit backtest --methods``: ``config`` (`ConfigRegressor` with gradient-boosted trees),
``config_neural`` (the neural backend, ``torch`` extra) and ``config_ensemble`` (both, averaged).
The command line imports it; in Python, ``import scalingkit.config`` first.
"""

from functools import partial

from ..estimators import register_predictor as _register_predictor
from ._curves import CurvePredictor, cosine_schedule, curve_ids, evaluate_curves
from ._features import ConfigFeatures, select_columns, steplaw_optimum
from ._landscape import STEPLAW_PRIORS, Landscape, fit_landscape
from ._ncpl import load_ncpl_steplaw, marin_split, reproduce_ncpl, steplaw_keys
from ._regressor import ConfigRegressor
from ._shrinkage import Shrinkage, calibrate_shrinkage, cell_optimum
from ._tune import TuneResult, hyperparameter_regret, plot_landscape, recommend

_register_predictor("config", ConfigRegressor, overwrite=True,
                    description="ConfigRegressor: landscape law + gradient-boosted residual over the configuration")
_register_predictor("config_neural", partial(ConfigRegressor, backend="neural"), overwrite=True,
                    description="ConfigRegressor with the NCPL-style neural residual (torch extra)")
_register_predictor("config_ensemble", partial(ConfigRegressor, backend="ensemble"), overwrite=True,
                    description="ConfigRegressor averaging the tree and neural residuals (torch extra)")

__all__ = [
    "STEPLAW_PRIORS",
    "ConfigFeatures",
    "CurvePredictor",
    "ConfigRegressor",
    "Landscape",
    "Shrinkage",
    "TuneResult",
    "calibrate_shrinkage",
    "cell_optimum",
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
