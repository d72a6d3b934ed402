"""Bootstrap over runs: refit clones of a predictor on resampled tables.

Two schemes, both resampling whole clusters (runs) so that the checkpoint rows
of one run move together:

- ``"pairs"``: draw clusters with replacement and refit on their rows
  (Efron's pairs bootstrap; Besiroglu et al. 2024 used it for Chinchilla);
- ``"wild"``: keep the rows, multiply each cluster's fitted values by
  ``exp(v r)`` with its own log residuals ``r`` and one Rademacher sign ``v``
  per cluster (the wild cluster bootstrap), then refit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._common import check_level, clone, fit_quietly, group_codes, log_residuals, progress_iter, with_target
from ._warm import refit_clone

__all__ = ["BootstrapFits", "bootstrap_fits", "bootstrap_interval"]

_SCHEMES = ("pairs", "wild")


@dataclass(frozen=True)
class BootstrapFits:
    """Refits of one predictor on bootstrap resamples.

    Attributes
    ----------
    estimators : list
        Fitted clones, one per successful resample.
    scheme : str
        ``"pairs"`` or ``"wild"``.
    n_clusters : int
        Clusters (runs) resampled.
    n_failed : int
        Resamples whose fit raised (e.g. too few distinct N); they are dropped.
    n_unconverged : int
        Kept refits that warned of non-convergence.
    residuals : ndarray
        Centered log residuals of the base fit, for the noise of a new run.
    """

    estimators: list
    scheme: str
    n_clusters: int
    n_failed: int = 0
    n_unconverged: int = 0
    residuals: np.ndarray = field(default_factory=lambda: np.zeros(1), repr=False)

    def predictions(self, table) -> np.ndarray:
        """Predictions of every refit on ``table``, shape ``(n_refits, len(table))``."""
        return np.vstack([np.asarray(e.predict(table), dtype=float) for e in self.estimators])


def _cluster_rows(codes):
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    return np.split(order, bounds)


def bootstrap_fits(base, table, *, n_resamples: int = 200, scheme: str = "pairs", groups="auto", seed=0,
                   fitted=None, progress=False) -> BootstrapFits:
    """Refit clones of ``base`` on ``n_resamples`` bootstrap resamples of ``table``.

    Parameters
    ----------
    base : predictor
        Any predictor with ``get_params``, ``fit`` and ``predict``; it is cloned,
        never modified.
    table : RunsTable
        Training runs.
    n_resamples : int, default=200
        Number of resamples.
    scheme : {"pairs", "wild"}, default="pairs"
        Resampling scheme (see the module docstring).
    groups : {"auto", "rows"} or str, default="auto"
        Clusters that are resampled together (see `group_codes`).
    seed : int, default=0
        Seed of the resampling.
    fitted : predictor or None, default=None
        ``base`` already fitted on ``table`` (saves a fit; needed for ``"wild"``).
    progress : bool or "auto", default=False
        Progress bar on stderr.

    Returns
    -------
    BootstrapFits

    Notes
    -----
    Law predictors without a fitter of their own are refitted from the full
    fit's optimum plus 32 Sobol starts (`WarmStartLM`) instead of the whole
    literature grid; other predictors are cloned as they are.

    Raises
    ------
    ValueError
        For an unknown scheme, ``n_resamples < 2``, or when fewer than two
        resamples could be fitted.
    """
    if scheme not in _SCHEMES:
        msg = f"The 'scheme' parameter must be one of 'pairs', 'wild'. Got {scheme!r} instead."
        raise ValueError(msg)
    if not isinstance(n_resamples, (int, np.integer)) or isinstance(n_resamples, bool) or n_resamples < 2:
        msg = f"The 'n_resamples' parameter must be an int in the range [2, inf). Got {n_resamples!r} instead."
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    codes = group_codes(table, groups)
    clusters = _cluster_rows(codes)
    fitted = fitted if fitted is not None else clone(base).fit(table)
    r = log_residuals(fitted, table)
    pred = np.asarray(fitted.predict(table), dtype=float)
    fits, failed, unconverged = [], 0, 0
    for _ in progress_iter(range(n_resamples), description=f"bootstrap ({scheme})", show=progress):
        if scheme == "pairs":
            pick = rng.integers(0, len(clusters), len(clusters))
            sample = table.subset(np.concatenate([clusters[k] for k in pick]))
        else:
            signs = rng.choice(np.array([-1.0, 1.0]), size=codes.max() + 1)[codes]
            sample = with_target(table, pred * np.exp(signs * np.nan_to_num(r)))
        est, ok = fit_quietly(refit_clone(base, fitted), sample)
        if est is None:
            failed += 1
            continue
        unconverged += not ok
        fits.append(est)
    if len(fits) < 2:
        msg = f"bootstrap: only {len(fits)} of {n_resamples} resamples could be fitted; the table is too small"
        raise ValueError(msg)
    finite = r[np.isfinite(r)]
    resid = finite - np.median(finite) if finite.size else np.zeros(1)
    return BootstrapFits(fits, scheme, len(clusters), failed, unconverged, resid)


def bootstrap_interval(fits: BootstrapFits, table, level: float = 0.8, *, noise: bool = True, seed=0,
                       draws: int = 5):
    """Percentile prediction interval from bootstrap refits.

    Each refit's prediction is multiplied by ``exp(e)`` with ``e`` drawn from
    the base fit's centered log residuals (``draws`` per refit) when ``noise``,
    so the interval covers a new run rather than only the curve.

    Parameters
    ----------
    fits : BootstrapFits
    table : RunsTable
        Rows to predict.
    level : float, default=0.8
    noise : bool, default=True
        Add the run-to-run scatter.
    seed : int, default=0
    draws : int, default=5
        Residual draws per refit.

    Returns
    -------
    lo, hi : ndarray
    """
    level = check_level(level)
    P = fits.predictions(table)
    if noise:
        rng = np.random.default_rng(seed)
        e = rng.choice(fits.residuals, size=(draws, *P.shape))
        P = (P[None] * np.exp(e)).reshape(-1, P.shape[1])
    q = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        lo, hi = np.nanquantile(P, [q, 1 - q], axis=0)
    return lo, hi
