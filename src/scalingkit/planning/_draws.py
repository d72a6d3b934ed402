"""Parameter draws of a fitted law: bootstrap refits or the asymptotic normal."""

from __future__ import annotations

import numpy as np

__all__ = ["INTERVALS", "fitted_law", "parameter_draws"]

#: How planning intervals are made.
INTERVALS = ("bootstrap", "parametric", "none")


def fitted_law(model):
    """The fitted law predictor inside ``model`` (an `IntervalPredictor` is unwrapped).

    Raises
    ------
    TypeError
        If ``model`` is not a fitted law predictor.
    """
    inner = getattr(model, "estimator_", model)
    if not all(hasattr(inner, a) for a in ("law_", "fit_result_", "covariance_")):
        msg = (f"planning needs a fitted law predictor (e.g. LawPredictor().fit(table)); "
               f"got {type(inner).__name__}")
        raise TypeError(msg)
    return inner


def parameter_draws(model, table=None, *, method: str = "bootstrap", n_draws: int = 200, seed=0,
                    progress=False) -> list[dict]:
    """Plausible parameter sets of a fitted law.

    Parameters
    ----------
    model : LawPredictor or IntervalPredictor
        Fitted law predictor. An `IntervalPredictor` fitted with
        ``method="bootstrap"`` contributes its existing refits.
    table : RunsTable or None
        The training runs (needed for ``"bootstrap"``).
    method : {"bootstrap", "parametric", "none"}, default="bootstrap"
        ``"bootstrap"``: refits on resampled runs (pairs, by run);
        ``"parametric"``: draws from ``N(params, covariance)`` (parameters whose
        covariance is undefined, e.g. at a bound, stay fixed), keeping draws
        inside the parameter bounds; ``"none"``: no draws.
    n_draws : int, default=200
    seed : int, default=0
    progress : bool or "auto", default=False

    Returns
    -------
    list of dict
        Free parameters of each draw (natural units).
    """
    if method not in INTERVALS:
        msg = f"The 'method' parameter must be one of 'bootstrap', 'parametric', 'none'. Got {method!r} instead."
        raise ValueError(msg)
    law_model = fitted_law(model)
    if method == "none":
        return []
    if method == "bootstrap":
        boot = getattr(model, "bootstrap_", None)
        if boot is None:
            if table is None:
                msg = "bootstrap planning intervals need the training table; pass table=..."
                raise ValueError(msg)
            from ..uncertainty import bootstrap_fits

            boot = bootstrap_fits(law_model, table, n_resamples=n_draws, seed=seed, fitted=law_model,
                                  progress=progress)
        return [dict(e.fit_result_.params) for e in boot.estimators]
    return _normal_draws(law_model, n_draws, seed)


def _normal_draws(model, n_draws, seed):
    law = model.law_
    names = list(law.param_names)
    theta = np.array([model.fit_result_.params[k] for k in names], dtype=float)
    cov = np.asarray(model.covariance_, dtype=float)
    free = [i for i in range(len(names)) if np.isfinite(cov[i, i]) and cov[i, i] > 0]
    if not free:
        return []
    sub = cov[np.ix_(free, free)]
    sub = 0.5 * (sub + sub.T)
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal(theta[free], sub, size=4 * n_draws, check_valid="ignore", method="eigh")
    lo = np.array([law.params[i].bounds[0] for i in free])
    hi = np.array([law.params[i].bounds[1] for i in free])
    draws = draws[np.all((draws > lo) & (draws < hi), axis=1)][:n_draws]
    out = []
    for row in draws:
        p = dict(zip(names, theta, strict=True))
        p.update({names[i]: float(v) for i, v in zip(free, row, strict=True)})
        out.append(p)
    return out
