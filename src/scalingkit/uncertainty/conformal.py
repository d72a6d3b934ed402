"""Extrapolation-aware conformal calibration.

Scaling-law predictions are used far beyond the training runs, where the error
is dominated by how wrong the law's shape is, not by noise. No residual of the
training fit says how large that error is. The training runs themselves do,
though: fit the predictor on the cheapest part of them, predict the rest, and
record the relative error against the distance beyond the fitted range. Doing
this for several cut-offs gives pairs ``(distance, |log(y / prediction)|)``
through which a quantile curve ``q(d) = c0 + c1 d^p`` (``c0, c1 >= 0``, ``p`` in
1, 1.5, 2; linear along its tangent beyond the largest calibrated distance) is
fitted by the pinball loss, and then rescaled by the conformal
quantile of ``|log ratio| / q(d)`` (normalised split conformal prediction). The
interval at a new point ``x`` with distance ``d(x)`` is
``prediction * exp(+/- k q(d(x)))``.

Distance is measured, by default, in units of the span of the runs a model was
fitted on (``"relative"``: orders of magnitude of compute beyond the largest
run, divided by the orders of magnitude the runs cover). The calibration folds
are smaller than the full training set; at the same distance in compute their
errors are larger than those of the full fit, and an absolute distance makes
the intervals too wide. Extrapolating one order of magnitude from one order of
data is about as hard as two from two, which is what the relative distance says.

Two safeguards keep the growth sane:

- distances smaller than ``resolution`` orders of magnitude of compute count as
  0 (runs at nearly the same compute say nothing about extrapolation; dividing
  by their tiny distances made slopes, and widths, explode);
- when the folds show no distance at all (one configuration, or all at the same
  compute), the growth cannot be learned from the runs and follows a stated
  prior, ``prior_growth`` in log-error scale per order of magnitude of compute;
- when they show distance along one axis only (every run at one model size, or
  at one data budget), the folds say nothing of extrapolating along the other:
  a query beyond the runs along it adds the prior's growth per order of
  magnitude of that excess, in quadrature with the learned half-width.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtri

from ._common import check_level, clone, compute_of, fit_quietly, log_residuals, progress_iter

__all__ = ["ConformalCalibration", "ExtrapolationConformal", "TrainingRange", "quantile_line"]

_FLOOR = 1e-4  # smallest half-width at distance 0 (0.01% relative)
_KINDS = ("compute", "nd", "relative")
_MIN_SPAN = 0.1  # smallest span of log10 C used by the relative distance (one run: 0)
_THIN = 12  # fewer configurations than this: the folds are fitted on a handful of runs (warning)


@dataclass(frozen=True)
class TrainingRange:
    """Where the training runs lie: largest log10 C, N and D, and the span of log10 C."""

    log_c: float
    log_n: float
    log_d: float
    span_c: float = 1.0

    @classmethod
    def of(cls, table) -> TrainingRange:
        """The range of the runs in ``table``."""
        logc = np.log10(compute_of(table))
        return cls(float(logc.max()), float(np.log10(table.N.max())), float(np.log10(table.D.max())),
                   float(max(logc.max() - logc.min(), _MIN_SPAN)))

    def distance(self, table, kind: str = "compute") -> np.ndarray:
        """Distance beyond the training range, >= 0, per row of ``table``.

        ``kind="compute"``: orders of magnitude beyond the largest training
        compute ``C = 6 N D``; ``"relative"``: the same divided by the span of
        the training runs in log10 C, at least 0.1 (extrapolating one order of
        magnitude from one order of data is harder than from four); ``"nd"``: the largest of
        the excesses in C, N and D, in orders of magnitude.
        """
        d = np.log10(compute_of(table)) - self.log_c
        if kind == "nd":
            d = np.maximum.reduce([d, np.log10(table.N) - self.log_n, np.log10(table.D) - self.log_d])
        elif kind == "relative":
            d = d / self.span_c
        return np.maximum(d, 0.0)


def _pinball(r, w, level):
    return float(np.sum(w * np.maximum(level * r, (level - 1) * r)))


def quantile_line(d, s, w, level: float, power: float = 1.0) -> tuple[float, float, float]:
    """Weighted quantile regression ``s ~ c0 + c1 d^power`` with ``c0 >= 1e-4``, ``c1 >= 0``.

    For a given slope the best intercept is the weighted ``level``-quantile of
    ``s - c1 d^power``; the profile pinball loss is convex in the slope, which
    is found by bounded Brent search.

    Returns
    -------
    c0, c1 : float
    loss : float
        The weighted pinball loss at the optimum.
    """
    from scipy.optimize import minimize_scalar

    d, s, w = (np.asarray(a, dtype=float) for a in (d, s, w))
    x = d**power

    def intercept(c1):
        return max(_weighted_quantile(s - c1 * x, w, level), _FLOOR)

    def loss(c1):
        return _pinball(s - intercept(c1) - c1 * x, w, level)

    top = float(s.max() / x.max()) * 4 if x.max() > 0 else 0.0
    best = (0.0, loss(0.0))
    if top > 0:
        res = minimize_scalar(loss, bounds=(0.0, top), method="bounded", options={"xatol": top * 1e-7})
        if res.fun < best[1]:
            best = (float(res.x), float(res.fun))
    return intercept(best[0]), best[0], best[1]


def _weighted_quantile(x, w, q):
    order = np.argsort(x)
    cw = np.cumsum(w[order]) / w.sum()
    return float(x[order][min(np.searchsorted(cw, q), x.size - 1)])


@dataclass(frozen=True)
class ConformalCalibration:
    """Calibration scores of `ExtrapolationConformal`, turned into half-widths on demand.

    Attributes
    ----------
    distances : ndarray
        Distance beyond the fold's training range of every scored row.
    scores : ndarray
        ``|log(y / prediction)|`` of those rows.
    weights : ndarray
        Row weights (each fold weighs the same in total).
    n_folds : int
        Folds that could be fitted.
    kind : str
        Distance kind (see `TrainingRange.distance`).
    powers : tuple of float
        Candidate growth shapes ``c0 + c1 d^p``.
    prior_slope : float
        Log-error scale added per unit of distance when no score lies beyond
        distance 0 (`growth_learned` is False); the half-width then grows by
        ``z(level) * prior_slope`` per unit, ``z`` the normal quantile.
    axis_prior : float
        Log-error scale per order of magnitude of N or D beyond the training runs
        along an axis in `unvalidated`.
    unvalidated : tuple of str
        Axes (``"N"``, ``"D"``) along which no fold extrapolated: the folds cannot
        show how the error grows there (one model size, or one data budget), so a
        query beyond the training runs along such an axis gets the prior's growth
        on top (`axis_halfwidth`).
    n_configs : int
        Configurations scored, summed over the folds.
    prior_weight : float
        Configurations the prior growth is worth (0: the learned growth alone).
    """

    distances: np.ndarray
    scores: np.ndarray
    weights: np.ndarray
    n_folds: int
    kind: str = "relative"
    powers: tuple = (1.0,)
    prior_slope: float = 0.0
    axis_prior: float = 0.0
    unvalidated: tuple = ()
    n_configs: int = 0
    prior_weight: float = 0.0
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def growth_learned(self) -> bool:
        """True when some calibration score lies beyond distance 0, so the growth is fitted, not the prior."""
        return bool(self.distances.size and self.distances.max() > 0)

    def line(self, level: float) -> tuple[float, float, float, float]:
        """``(c0, c1, p, k)``: the half-width at distance ``d`` is ``k (c0 + c1 d^p)``."""
        level = check_level(level)
        if level not in self._cache:
            fits = [(*quantile_line(self.distances, self.scores, self.weights, level, p), p) for p in self.powers]
            c0, c1, _, p = min(fits, key=lambda f: f[2])
            ratio = self.scores / (c0 + c1 * self.distances**p)
            n = ratio.size
            k = max(_weighted_quantile(ratio, self.weights, min(1.0, level * (n + 1) / n)), 1e-12)
            if not self.growth_learned:
                c1, p = float(ndtri(0.5 + level / 2)) * self.prior_slope / k, 1.0
            self._cache[level] = (c0, c1, p, k)
        return self._cache[level]

    def halfwidth(self, distance, level: float = 0.8) -> np.ndarray:
        """Half-width in log space at each ``distance``.

        Beyond the largest calibrated distance a curved growth (``p > 1``)
        continues along its tangent: curvature is only trusted where it was seen.
        With ``prior_weight`` ``w > 0`` the growth part (the half-width above its
        value at distance 0) is shrunk toward the prior's, as the scale of a
        normal with a conjugate prior worth ``w`` configurations:
        ``g = sqrt((1 - l) g_learned^2 + l g_prior^2)``, ``l = w / (w + n_configs)``.
        """
        c0, c1, p, k = self.line(level)
        d = np.maximum(np.asarray(distance, dtype=float), 0.0)
        d_max = float(self.distances.max()) if self.distances.size else 0.0
        if p == 1.0 or d_max <= 0:
            h = k * (c0 + c1 * d**p)
        else:
            tangent = c0 + c1 * d_max**p + c1 * p * d_max ** (p - 1) * (d - d_max)
            h = k * np.where(d <= d_max, c0 + c1 * d**p, tangent)
        if self.prior_weight > 0 and self.growth_learned and self.prior_slope > 0:
            lam = self.prior_weight / (self.prior_weight + self.n_configs)
            growth = h - k * c0
            prior = float(ndtri(0.5 + level / 2)) * self.prior_slope * d
            h = k * c0 + np.sqrt((1.0 - lam) * growth**2 + lam * prior**2)
        return h

    def axis_halfwidth(self, excess_n, excess_d, level: float = 0.8) -> np.ndarray:
        """Half-width in log space for extrapolation along axes the folds never showed.

        ``z(level) * axis_prior * e``, ``e`` the orders of magnitude beyond the
        training runs' largest N (D) summed over the `unvalidated` axes; 0 when
        the growth itself is the prior (no double counting).
        """
        level = check_level(level)
        e = np.zeros(np.shape(excess_n), dtype=float)
        if not self.growth_learned:
            return e
        if "N" in self.unvalidated:
            e = e + np.maximum(np.asarray(excess_n, dtype=float), 0.0)
        if "D" in self.unvalidated:
            e = e + np.maximum(np.asarray(excess_d, dtype=float), 0.0)
        return float(ndtri(0.5 + level / 2)) * self.axis_prior * e

    def to_dict(self, level: float = 0.8) -> dict:
        """The fitted growth at ``level`` and the calibration's size, as a JSON-ready dict."""
        c0, c1, p, k = self.line(level)
        return {"level": level, "c0": c0, "c1": c1, "power": p, "k": k, "n_folds": self.n_folds,
                "n_scores": int(self.scores.size), "distance": self.kind, "growth": (
                    "learned" if self.growth_learned else "prior"),
                "max_distance": float(self.distances.max()) if self.distances.size else 0.0,
                "unvalidated_axes": list(self.unvalidated)}


def _check_options(conf) -> None:
    fr = tuple(float(f) for f in conf.fractions)
    if not fr or any(not 0 < f < 1 for f in fr):
        msg = f"The 'fractions' parameter must be floats in the range (0, 1). Got {conf.fractions!r} instead."
        raise ValueError(msg)
    object.__setattr__(conf, "fractions", fr)
    powers = tuple(float(p) for p in conf.powers)
    if not powers or any(not 0 < p <= 4 for p in powers):
        msg = f"The 'powers' parameter must be floats in the range (0, 4]. Got {conf.powers!r} instead."
        raise ValueError(msg)
    object.__setattr__(conf, "powers", powers)
    if conf.distance not in _KINDS:
        msg = f"The 'distance' parameter must be one of 'compute', 'nd', 'relative'. Got {conf.distance!r} instead."
        raise ValueError(msg)
    for name in ("resolution", "prior_growth", "prior_weight"):
        v = getattr(conf, name)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < np.inf:
            msg = f"The '{name}' parameter must be a float in the range [0, inf). Got {v!r} instead."
            raise ValueError(msg)


@dataclass(frozen=True)
class ExtrapolationConformal:
    """Learn how relative error grows with distance beyond the training range.

    Parameters
    ----------
    fractions : tuple of float, default=(0.2, 0.4, 0.6, 0.8)
        Cut-offs: each fold fits on this cheapest fraction of the training
        configurations (by compute, at least one configuration) and scores the
        rest. Each fold refits the predictor once.
    distance : {"relative", "compute", "nd"}, default="relative"
        How distance beyond the training range is measured (see `TrainingRange`).
    powers : tuple of float, default=(1.0, 1.5, 2.0)
        Candidate growth shapes ``q(d) = c0 + c1 d^p``; the one with the
        smallest pinball loss on the calibration scores is used. Errors of a
        misspecified law often grow faster than linearly with distance.
    max_rows : int, default=400
        Scored rows per fold (a random subset when a fold has more).
    resolution : float, default=0.02
        Scored rows less than this many orders of magnitude of compute beyond
        their fold's runs count as distance 0.
    prior_growth : float, default=0.04
        Scale of the log error added per order of magnitude of compute when the
        folds cannot show any growth (all runs at about the same compute, or one
        configuration). At 80% the half-width then grows by about 5% per order of
        magnitude, the size of the extrapolation errors of published scaling laws
        one to two orders of magnitude out. Unused whenever the runs show growth.
    prior_weight : float, default=0.0
        How many configurations the prior growth is worth when the runs do show a
        growth: the learned growth is shrunk toward the prior's by
        ``prior_weight / (prior_weight + scored configurations)``. 0 trusts the folds
        alone. With a handful of pilot runs the folds are fitted on one to a few
        runs, in another regime than the full fit, and tend to understate the error;
        ``prior_weight=1`` is then the safer choice (see `calibrate`'s warning).
    seed : int, default=0
        Seed of that subset.

    Examples
    --------
    >>> from scalingkit.estimators import LawPredictor
    >>> from scalingkit.demo import synthetic_sweep
    >>> cal = ExtrapolationConformal().calibrate(LawPredictor(n_starts=32), synthetic_sweep())
    >>> cal.n_folds, cal.growth_learned
    (4, True)
    >>> bool(cal.halfwidth([0.0, 1.0], 0.8)[1] >= cal.halfwidth([0.0, 1.0], 0.8)[0])
    True
    """

    fractions: tuple = (0.2, 0.4, 0.6, 0.8)
    distance: str = "relative"
    powers: tuple = (1.0, 1.5, 2.0)
    max_rows: int = 400
    resolution: float = 0.02
    prior_growth: float = 0.04
    prior_weight: float = 0.0
    seed: int = 0

    def __post_init__(self):
        _check_options(self)

    def calibrate(self, base, table, *, fitted=None, progress=False) -> ConformalCalibration:
        """Fit clones of ``base`` on the cheap folds of ``table`` and score the rest.

        Parameters
        ----------
        base : predictor
            Cloned for every fold, never modified.
        table : RunsTable
            Training runs.
        fitted : predictor or None, default=None
            ``base`` already fitted on ``table``, used (instead of a refit) by
            the fallback when no fold can be fitted.
        progress : bool or "auto", default=False

        Returns
        -------
        ConformalCalibration

        Warns
        -----
        UserWarning
            When no fold could be fitted (the calibration then uses the
            in-sample residuals of a full fit), or when the folds show no
            distance; in both cases the growth is the prior.
        """
        from ..evaluation.splits import configurations

        codes, configs = configurations(table)
        n_cfg = len(configs)
        rng = np.random.default_rng(self.seed)
        D, S, W = [], [], []
        n_scored = 0
        reach = {"N": 0.0, "D": 0.0}  # farthest extrapolation of a scored row along each axis, in decades
        cuts = sorted({max(int(f * n_cfg), 1) for f in self.fractions} & set(range(1, n_cfg)))
        for k in progress_iter(cuts, description="conformal calibration", show=progress):
            train, test, test_codes = table.subset(codes < k), table.subset(codes >= k), codes[codes >= k]
            if len(test) > self.max_rows:
                pick = np.sort(rng.choice(len(test), self.max_rows, replace=False))
                test, test_codes = test.subset(pick), test_codes[pick]
            est, _ = fit_quietly(clone(base), train)
            if est is None:
                continue
            s = np.abs(log_residuals(est, test))
            ok = np.isfinite(s)
            if not ok.any():
                continue
            fold_range = TrainingRange.of(train)
            reach["N"] = max(reach["N"], float(np.max(np.log10(test.N[ok]))) - fold_range.log_n)
            reach["D"] = max(reach["D"], float(np.max(np.log10(test.D[ok]))) - fold_range.log_d)
            D.append(self._distance(fold_range, test)[ok])
            n_scored += int(np.unique(test_codes[ok]).size)
            S.append(s[ok])
            W.append(np.full(ok.sum(), 1.0 / ok.sum()))
        prior = self.prior_growth * (TrainingRange.of(table).span_c if self.distance == "relative" else 1.0)
        if not D:
            return self._fallback(fitted if fitted is not None else fit_quietly(clone(base), table)[0], table, prior)
        unvalidated = tuple(axis for axis in ("N", "D") if reach[axis] < self.resolution)
        cal = ConformalCalibration(np.concatenate(D), np.concatenate(S), np.concatenate(W), len(D), self.distance,
                                   tuple(self.powers), prior, self.prior_growth, unvalidated, n_scored,
                                   float(self.prior_weight))
        if cal.growth_learned and n_cfg < _THIN and self.prior_weight == 0:
            msg = (f"extrapolation-aware calibration from {n_cfg} configurations: its folds are fitted on 1 to "
                   f"{max(cuts)} of them, in another regime than the full fit, and may understate the "
                   f"extrapolation error (bench/pilot_coverage.py measures it); prior_weight=1 leans on the "
                   f"stated prior growth instead")
            warnings.warn(msg, UserWarning, stacklevel=2)
        if not cal.growth_learned:
            msg = (f"extrapolation-aware calibration: the training runs lie within {self.resolution:g} orders of "
                   f"magnitude of compute of each other, so they cannot show how the error grows beyond them; "
                   f"the interval widens at the prior rate (prior_growth={self.prior_growth:g} per order of magnitude)")
            warnings.warn(msg, UserWarning, stacklevel=2)
        return cal

    def _distance(self, fitted_range: TrainingRange, rows) -> np.ndarray:
        """Distance of ``rows`` beyond ``fitted_range``, 0 where under ``resolution`` decades of compute."""
        d = fitted_range.distance(rows, self.distance)
        return np.where(fitted_range.distance(rows, "compute") < self.resolution, 0.0, d)

    def _fallback(self, est, table, prior: float) -> ConformalCalibration:
        msg = ("extrapolation-aware calibration: no cheap fold could be fitted (too few configurations); "
               f"the interval uses in-sample residuals and widens at the prior rate "
               f"(prior_growth={self.prior_growth:g} per order of magnitude of compute)")
        warnings.warn(msg, UserWarning, stacklevel=3)
        s = np.abs(log_residuals(est, table)) if est is not None else np.array([np.nan])
        s = s[np.isfinite(s)] if np.isfinite(s).any() else np.array([0.0])
        return ConformalCalibration(np.zeros(s.size), s, np.full(s.size, 1.0 / s.size), 0, self.distance,
                                    tuple(self.powers), prior)
