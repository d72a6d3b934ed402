"""Observational scaling laws (Ruan, Maddison, Hashimoto 2024).

Predict a downstream metric of a model from a few principal components of its
standard benchmark scores, fitted across many public models instead of a
family of training runs. **Input type:** a pandas DataFrame with one row per
model and one column per benchmark (e.g. ``scalingkit.datasets.load_obsscaling()``),
not a `RunsTable`.

Pieces: `LowRankImputer` (iterative PCA imputation), `PrincipalComponents`,
`fit_link` / `floor_sigmoid` (the parametric-floor sigmoid), `TargetTransform`,
`CutoffSplit` / `TopSplit`, `ObservationalPredictor`, `evaluate_split`,
`select_model_subsets` (V-optimal model choice), and two variants of ours:
`CVObservationalPredictor` (components and ridge strength picked by
cross-validation) and `StackedObservationalPredictor` (laws with 1-5
components averaged with stacking weights from a rolling-origin extrapolation
CV; lower held-out error than the published recipe on the reference targets).
"""

from ._cv import CVObservationalPredictor
from ._evaluate import HeldOutResult, evaluate_split
from ._impute import LowRankImputer
from ._pca import PrincipalComponents
from ._predictor import BASE_BENCHMARKS, INSTRUCT_BENCHMARKS, ObservationalPredictor
from ._sigmoid import LinkFit, fit_link, floor_sigmoid
from ._splits import CutoffSplit, TopSplit, parse_split
from ._stacked import StackedObservationalPredictor, simplex_least_squares
from ._subset import SubsetChoice, select_model_subsets, v_optimality
from ._transforms import TargetTransform, parse_transform

__all__ = [
    "BASE_BENCHMARKS",
    "INSTRUCT_BENCHMARKS",
    "CVObservationalPredictor",
    "CutoffSplit",
    "HeldOutResult",
    "LinkFit",
    "LowRankImputer",
    "ObservationalPredictor",
    "PrincipalComponents",
    "StackedObservationalPredictor",
    "SubsetChoice",
    "TargetTransform",
    "TopSplit",
    "evaluate_split",
    "fit_link",
    "floor_sigmoid",
    "parse_split",
    "parse_transform",
    "select_model_subsets",
    "simplex_least_squares",
    "v_optimality",
]
