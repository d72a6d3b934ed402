"""The ReScaL benchmark's published baselines as predictors.

``BoundedLawPredictor`` is ReScaL's law fit (one start at published constants,
raw least squares, every parameter boxed around its constant);
``FixedLawPredictor`` predicts from the published constants (``d_*``);
``RandomForestPredictor`` is the ``rf`` / ``rf_nd`` baseline. The data-
constrained and data-mixing baselines live in ``_special.py``.
See ``shared/data/rescal/PROTOCOL.md`` sections 3.1 and 4.
"""

from __future__ import annotations

import numpy as np

from ..laws import FARSEER_PUBLISHED, KAPLAN_PUBLISHED, get_law
from ._base import BasePredictor, check_is_fitted
from ._boxfit import box_around, fit_boxed
from ._features import as_fit_table, feature_matrix, frame_of, law_inputs, numeric_feature_names

__all__ = [
    "RESCAL_CHINCHILLA",
    "RESCAL_PUBLISHED",
    "BoundedLawPredictor",
    "FixedLawPredictor",
    "RandomForestPredictor",
]

#: Chinchilla constants ReScaL starts from (Hoffmann et al. 2022, Approach 3 as printed).
RESCAL_CHINCHILLA = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}

#: Start constants of each law in ReScaL, in our laws' units: Kaplan's N_c = 6.4 (x 1e13)
#: and D_c = 1.8 (x 1e13) are ``KAPLAN_PUBLISHED``'s raw 6.4e13 and 1.8e13.
RESCAL_PUBLISHED = {"chinchilla": RESCAL_CHINCHILLA, "kaplan": KAPLAN_PUBLISHED, "farseer": FARSEER_PUBLISHED}


def _law_and_constants(law, published):
    law = get_law(law)
    if published is None:
        if law.name not in RESCAL_PUBLISHED:
            msg = (f"no published constants for law '{law.name}'; pass published= "
                   f"(known: {', '.join(sorted(RESCAL_PUBLISHED))})")
            raise ValueError(msg)
        published = RESCAL_PUBLISHED[law.name]
    missing = [n for n in law.param_names if n not in published]
    if missing:
        msg = f"published= lacks parameters {missing} of law '{law.name}'"
        raise ValueError(msg)
    return law, {n: float(published[n]) for n in law.param_names}


def _check_width(v):
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) and v >= 0
    return ok, "a float in the range [0, inf)"


def _check_gradient(v):
    return v in ("analytic", "numeric"), "one of 'analytic', 'numeric'"


class BoundedLawPredictor(BasePredictor):
    """A law fitted from its published constants inside a box (ReScaL's law fit).

    One start at the published constants; least squares on the raw target
    (no log, no Huber); each freed parameter boxed to ``[p e^-box, p e^box]``
    and each other one to ``[p e^-frozen_box, p e^frozen_box]`` (ends swapped
    for negative ``p``); L-BFGS-B on lmfit's transformed parameters (see
    ``_boxfit.fit_boxed``). If no finite fit is found the constants are kept,
    as ReScaL does.

    Parameters
    ----------
    law : str or Law, default="chinchilla"
        ``"chinchilla"``, ``"kaplan"``, ``"farseer"`` or any law with
        ``published`` constants.
    free : tuple of str or None, default=None
        Parameters given the wide box; ``None`` frees all (ReScaL's ``ALL``).
    published : dict or None, default=None
        Start constants; ``None`` uses `RESCAL_PUBLISHED` for the law.
    box : float, default=0.3
        Log-width of the box of a freed parameter.
    frozen_box : float, default=0.01
        Log-width of the box of a held parameter.
    gradient : {"analytic", "numeric"}, default="analytic"
        Gradient of the fit: the law's analytic Jacobian, or lmfit's forward
        differences (slower; reproduces lmfit's path more closely).

    Attributes
    ----------
    law_ : Law
    params_ : dict
        Fitted parameters.
    bounds_ : dict
        Box of each parameter, natural units.
    success_ : bool
        False when the fit fell back to the published constants.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> N = np.repeat([1e8, 3e8, 1e9], 3); D = np.tile([2e9, 6e9, 2e10], 3)
    >>> y = 1.8 + 400 / N**0.34 + 410 / D**0.28
    >>> m = BoundedLawPredictor(law="chinchilla").fit(pd.DataFrame({"N": N, "D": D, "loss": y}))
    >>> lo, hi = m.bounds_["E"]
    >>> bool(lo <= m.params_["E"] <= hi)
    True
    """

    _parameter_constraints = {"box": _check_width, "frozen_box": _check_width, "gradient": _check_gradient}

    def __init__(self, *, law="chinchilla", free=None, published=None, box=0.3, frozen_box=0.01,
                 gradient="analytic"):
        self.law = law
        self.free = free
        self.published = published
        self.box = box
        self.frozen_box = frozen_box
        self.gradient = gradient

    def _setup(self):
        self._validate_params()
        law, start = _law_and_constants(self.law, self.published)
        free = law.param_names if self.free is None else tuple(self.free)
        unknown = [n for n in free if n not in law.param_names]
        if unknown:
            msg = f"free= names {unknown} are not parameters of law '{law.name}' ({', '.join(law.param_names)})"
            raise ValueError(msg)
        bounds = {n: box_around(v, self.box if n in free else self.frozen_box) for n, v in start.items()}
        return law, start, bounds

    def fit(self, table):
        """Fit to a runs table (RunsTable, DataFrame or path). Returns self."""
        setup = self._setup()
        table = as_fit_table(table)
        return self._fit_arrays(table.inputs(setup[0].columns), table.y, setup)

    def _fit_arrays(self, X, y, setup=None):
        law, start, bounds = setup or self._setup()
        params, ok = fit_boxed(law, X, y, start, bounds, gradient=self.gradient)
        self.law_ = law
        self.bounds_ = bounds
        self.params_ = params if ok else dict(start)
        self.success_ = bool(ok)
        return self

    def predict(self, table) -> np.ndarray:
        """Predicted target for every row (only the law's input columns are read)."""
        check_is_fitted(self)
        return self._predict_arrays(law_inputs(frame_of(table), self.law_.columns))

    def _predict_arrays(self, X) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(self.law_(self.params_, X), dtype=float)


class FixedLawPredictor(BasePredictor):
    """A law at fixed (published) constants: ``fit`` learns nothing (ReScaL's ``d_*``).

    Parameters
    ----------
    law : str or Law, default="chinchilla"
    params : dict or None, default=None
        Constants; ``None`` uses `RESCAL_PUBLISHED` for the law.

    Attributes
    ----------
    law_ : Law
    params_ : dict

    Examples
    --------
    >>> import pandas as pd
    >>> m = FixedLawPredictor(law="chinchilla").fit(pd.DataFrame({"N": [1e9], "D": [2e10], "loss": [2.5]}))
    >>> round(float(m.predict(pd.DataFrame({"N": [1e9], "D": [2e10]}))[0]), 4)
    2.58
    """

    def __init__(self, *, law="chinchilla", params=None):
        self.law = law
        self.params = params

    def fit(self, table=None):
        """Store the law and its constants (the table is not read). Returns self."""
        self.law_, self.params_ = _law_and_constants(self.law, self.params)
        return self

    def predict(self, table) -> np.ndarray:
        check_is_fitted(self)
        X = law_inputs(frame_of(table), self.law_.columns)
        return np.asarray(self.law_(self.params_, X), dtype=float)


def _check_features(v):
    return v in ("all", "nd"), "one of 'all', 'nd'"


class RandomForestPredictor(BasePredictor):
    """A default scikit-learn random forest on raw features (ReScaL's ``rf`` and ``rf_nd``).

    Parameters
    ----------
    features : {"all", "nd"}, default="all"
        ``"all"``: every numeric column except the target, raw (``rf``);
        ``"nd"``: N and D only (``rf_nd``). Text columns are never used.
    n_estimators : int, default=100
    random_state : int, RandomState or None, default=None
        Seed of the forest (None: numpy's global generator, as ReScaL).
    n_jobs : int or None, default=None
        Threads for the forest.

    Attributes
    ----------
    feature_names_ : list of str
    model_ : sklearn.ensemble.RandomForestRegressor
    """

    _parameter_constraints = {"features": _check_features}

    def __init__(self, *, features="all", n_estimators=100, random_state=None, n_jobs=None):
        self.features = features
        self.n_estimators = n_estimators
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, table):
        from sklearn.ensemble import RandomForestRegressor

        self._validate_params()
        table = as_fit_table(table)
        frame = table.frame
        names = ["N", "D"] if self.features == "nd" else numeric_feature_names(frame, table.target)
        model = RandomForestRegressor(n_estimators=self.n_estimators, random_state=self.random_state,
                                      n_jobs=self.n_jobs)
        model.fit(feature_matrix(frame, names), table.y)
        self.feature_names_ = names
        self.model_ = model
        return self

    def predict(self, table) -> np.ndarray:
        check_is_fitted(self)
        return self.model_.predict(feature_matrix(frame_of(table), self.feature_names_))
