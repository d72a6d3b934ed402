"""The law part of `AutoPredictor`: candidate laws weighted by inner extrapolation error.

Candidates
----------
- *Bounded members*: one zoo law (Chinchilla, Kaplan or Farseer) started at its
  published constants; one group of parameters may move inside ``[p e^-box, p e^box]``,
  the others inside ``[p e^-frozen, p e^frozen]`` (ReScaL's partial fitting,
  PROTOCOL.md section 3.2). A member is only built when the training design can
  identify what it frees (at least ``min_levels`` distinct N for parameters acting on
  N, of D for those acting on D).
- *A free member*: Chinchilla fitted without boxes, Huber on log residuals with
  ``delta=1e-3`` (Hoffmann et al. 2022; Besiroglu et al. 2024), multi-start over the box
  of the literature's start grid. Parameter groups the design cannot identify are held
  at the printed constants.

All candidates are fitted to the per-(N, D) means of the ``top_k`` lowest-target rows
(the "best-tuned run" at each scale), weighted by the row counts.

Weights
-------
The candidates are scored by *extrapolation cross-validation inside the training
set*, the same shape as the real task: refit on the cheapest ``q`` of the training
configurations by ``N D`` (``q`` in ``cv_fractions``), predict the costlier ones, and
average the squared relative errors (each fold counting once). Because a forecast goes
to a larger model, to more tokens or to both, folds also hold out the largest ``1 - q``
of the distinct N values (and, separately, of the distinct D values) whenever at least
``min_levels`` values remain to fit on: a law whose N (D) term extrapolates badly is
caught even when the costliest configurations grow along the other axis. The default weights
are inversely proportional to that mean squared error (Bates and Granger 1969); a
softmax of the inner MAPE (ReScaL's rule, with inner instead of random folds) is
available.

The *prior* is ReScaL's rule over the bounded members only: ``softmax(-mape / T)``
with ``T = 0.1``, the MAPE being the inner-fold one (in-sample when there is no fold);
with MAPEs of a few percent this is a near-flat average that only drops clearly broken
members. It replaces the cross-validated weights when no fold can be formed (too few
configurations), and it takes over beyond the farthest extrapolation the folds
validated (their *reach*, in decades of ``N D``): at a query ``d`` decades beyond the
training data, the cross-validated weights count ``min(1, reach / d)`` and the prior
the rest. The folds only vouch for the sharp weights as far as they reached; farther
out a hedge over laws shrunk toward published constants (evidence from other sweeps)
is the safer bet.
"""

from __future__ import annotations

import math
import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import optimize

from ..fitting import Huber, MultiStartLM
from ..laws import FARSEER_PUBLISHED, KAPLAN_PUBLISHED, get_law

__all__ = ["CHINCHILLA_PRINTED", "MEMBERS", "BoundedMember", "FreeMember", "InnerCV", "LawEnsemble",
           "extrapolation_errors", "frontier_rows"]

#: Hoffmann et al. (2022) Approach 3 as printed, the constants ReScaL starts from.
CHINCHILLA_PRINTED = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}

_CENTERS = {"chinchilla": CHINCHILLA_PRINTED, "kaplan": KAPLAN_PUBLISHED, "farseer": FARSEER_PUBLISHED}

#: (law, freed parameters or None for all, scale variables the freed parameters act on).
MEMBERS = (
    ("farseer", ("a1", "alpha", "b1"), "ND"),
    ("farseer", ("a2", "beta", "b2"), "ND"),
    ("farseer", ("a3", "gamma", "b3"), "N"),
    ("chinchilla", ("A", "alpha", "E"), "N"),
    ("chinchilla", ("B", "beta", "E"), "D"),
    ("chinchilla", None, "ND"),
    ("kaplan", ("Nc", "alpha_N"), "N"),
    ("kaplan", ("Dc", "alpha_D"), "D"),
    ("kaplan", None, "ND"),
)

_MSE_FLOOR = 1e-8  # a 0.01 % rms relative error: no candidate gets unbounded weight


class BoundedMember:
    """One law fitted in multiplicative boxes around its published constants.

    Parameters are written ``p = p0 exp(u)`` with ``|u| <= width`` (so a negative
    constant keeps its sign), and ``sum w (f(p) - y)^2`` is minimised over ``u`` by
    scipy's bounded trust-region least squares, with the law's analytic Jacobian.

    Parameters
    ----------
    law : str
        Registered law name with constants in ``_CENTERS``.
    free : tuple of str or None
        Parameters given ``box``; None frees all of them.
    box, frozen : float
        Log half-widths of the free and held parameters.
    widths : dict or None
        Explicit log half-width per parameter (overrides ``box``/``frozen``).
    """

    def __init__(self, law: str, free=None, *, box: float = 0.3, frozen: float = 0.01, widths=None):
        self.law = get_law(law)
        self.center = {k: float(v) for k, v in _CENTERS[law].items()}
        names = self.law.param_names
        free = names if free is None else tuple(free)
        width = {n: (box if n in free else frozen) for n in names}
        width.update(widths or {})
        self.width = np.array([width[n] for n in names], dtype=float)
        self.name = f"{law}-{'ALL' if len(free) == len(names) else '/'.join(free)}"
        self.params = dict(self.center)
        self._spec = (law, free, box, frozen, widths)

    def clone(self) -> BoundedMember:
        """An unfitted copy."""
        law, free, box, frozen, widths = self._spec
        return BoundedMember(law, free, box=box, frozen=frozen, widths=widths)

    def _natural(self, u) -> dict:
        return {n: self.center[n] * math.exp(float(ui)) for n, ui in zip(self.law.param_names, u, strict=True)}

    def fit(self, X, y, weights) -> BoundedMember:
        """Fit to inputs ``X`` (dict of N, D arrays), targets ``y`` and row ``weights``."""
        names, law = self.law.param_names, self.law
        sw = np.sqrt(np.asarray(weights, dtype=float))

        def residual(u):
            with np.errstate(all="ignore"):
                r = sw * (law.fn(self._natural(u), X) - y)
            return np.where(np.isfinite(r), r, 1e3)

        def jacobian(u):
            p = self._natural(u)
            with np.errstate(all="ignore"):
                J = law.jac(p, X)
                cols = [np.broadcast_to(J[n] * p[n], y.shape) for n in names]
            M = sw[:, None] * np.column_stack(cols)
            return np.where(np.isfinite(M), M, 0.0)

        u0 = np.zeros(len(names))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                sol = optimize.least_squares(residual, u0, jac=jacobian, bounds=(-self.width, self.width),
                                             method="trf", x_scale="jac", max_nfev=200)
            u = sol.x if np.all(np.isfinite(sol.x)) else u0
        except (ValueError, np.linalg.LinAlgError):  # pragma: no cover - degenerate designs
            u = u0
        self.params = self._natural(u)
        return self

    def predict(self, X) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(self.law.fn(self.params, X), dtype=float)

    #: The box makes any design well posed.
    min_configs = 1


class FreeMember:
    """Chinchilla fitted without boxes: Huber (``delta``) on log residuals, multi-start.

    Parameters
    ----------
    fixed : dict or None
        Parameters held at given values (the groups the design cannot identify).
    n_starts : int or None, default=256
        Sobol starts of the first fit (None: the literature's 4,500-point grid, which
        reaches the same optimum on the benchmark sweeps at four times the cost). Refits
        (`clone` with a warm start) use the previous optimum plus ``n_refit_starts``
        Sobol points.
    n_refit_starts : int, default=32
    delta : float, default=1e-3
    """

    def __init__(self, *, fixed=None, n_starts=256, n_refit_starts=32, delta=1e-3):
        self.fixed = dict(fixed or {})
        self.law = get_law("chinchilla").fix(**self.fixed) if self.fixed else get_law("chinchilla")
        self.n_starts, self.n_refit_starts, self.delta = n_starts, n_refit_starts, delta
        self.name = "chinchilla-free" if not self.fixed else f"chinchilla-free(fixed {'/'.join(self.fixed)})"
        self.params = {**CHINCHILLA_PRINTED}
        self.theta = None  # internal optimum, for warm starts

    @property
    def n_free(self) -> int:
        return self.law.n_params

    @property
    def min_configs(self) -> int:
        """Fewest configurations this member is fitted on: two more than its free parameters."""
        return self.n_free + 2

    def clone(self) -> FreeMember:
        """An unfitted copy that starts from this member's optimum (when fitted)."""
        out = FreeMember(fixed=self.fixed, n_starts=self.n_starts, n_refit_starts=self.n_refit_starts,
                         delta=self.delta)
        out.theta = self.theta
        return out

    def fit(self, X, y, weights) -> FreeMember:
        """Fit to inputs ``X`` (dict of N, D arrays), targets ``y`` and row ``weights``."""
        if self.theta is None:
            fitter, starts = MultiStartLM(n_starts=self.n_starts, polish=1), None
        else:
            grid = self.law.start_grid(self.n_refit_starts, seed=0)
            fitter, starts = MultiStartLM(polish=1, screen_keep=1.0), np.vstack([self.theta[None], grid])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fitter.fit(self.law, X, np.asarray(y, dtype=float), Huber(self.delta),
                             weights=np.asarray(weights, dtype=float), starts=starts)
        self.params = {**self.fixed, **{k: float(v) for k, v in res.params.items()}}
        self.theta = np.array([p.to_internal(res.params[p.name]) for p in self.law.params], dtype=float)
        return self

    def predict(self, X) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(get_law("chinchilla").fn(self.params, X), dtype=float)


def frontier_rows(N, D, y, top_k: int) -> np.ndarray:
    """Rows the laws are fitted on: the ``top_k`` lowest-target rows of each (N, D).

    Every row is kept when no (N, D) repeats (ReScaL's "data constraint").
    """
    df = pd.DataFrame({"N": N, "D": D, "y": y})
    if not df.duplicated(["N", "D"]).any():
        return np.arange(len(df))
    return df.sort_values("y", kind="stable").groupby(["N", "D"], sort=False).head(top_k).index.to_numpy()


def _aggregate(N, D, y):
    """Unique (N, D) with the mean target and the row count of each."""
    g = pd.DataFrame({"N": N, "D": D, "y": y}).groupby(["N", "D"], sort=False)["y"].agg(["mean", "size"])
    g = g.reset_index()
    return (g["N"].to_numpy(float), g["D"].to_numpy(float), g["mean"].to_numpy(float),
            g["size"].to_numpy(float))


def _softmax_weights(scores, T: float) -> np.ndarray:
    s = np.asarray(scores, dtype=float)
    ok = np.isfinite(s)
    if not ok.any():
        return np.full(s.shape, 1.0 / s.size)
    w = np.where(ok, np.exp(-(np.where(ok, s, 0.0) - s[ok].min()) / T), 0.0)
    return w / w.sum()


def _relative_errors(member, X, y) -> np.ndarray:
    e = member.predict(X) / y - 1.0
    return np.where(np.isfinite(e), e, np.inf)


class InnerCV(NamedTuple):
    """Scores of the inner extrapolation cross-validation (see `extrapolation_errors`).

    Attributes
    ----------
    mse, mape : ndarray
        Per member: mean over folds of the count-weighted mean squared (absolute)
        relative error on the held-out configurations (``inf`` for a member that
        predicted a non-finite value; NaN everywhere without folds).
    n_folds : int
    reach : float
        Farthest validated extrapolation: the largest ``log10`` ratio of a held-out
        configuration's ``N D`` to the largest ``N D`` its fold was refitted on (0
        without folds).
    """

    mse: np.ndarray
    mape: np.ndarray
    n_folds: int
    reach: float

    @classmethod
    def empty(cls, n_members: int) -> InnerCV:
        """The scores of ``n_members`` members when no fold could be formed."""
        nan = np.full(n_members, np.nan)
        return cls(nan, nan.copy(), 0, 0.0)


def _folds(N, D, logc, fractions, axes, min_levels):
    """(fit, validation) index pairs of the inner extrapolation folds, one per axis and fraction."""
    m = len(N)
    out = []
    for axis in axes:
        if axis == "ND":
            order = np.argsort(logc, kind="stable")
            for q in fractions:
                j = int(round(q * m))
                if 0 < j < m:
                    out.append((order[:j], order[j:]))
            continue
        key = N if axis == "N" else D
        levels = np.unique(key)
        for q in fractions:
            k = int(round(q * levels.size))
            if k < min_levels or k >= levels.size:
                continue
            fit = np.flatnonzero(key < levels[k])
            out.append((fit, np.flatnonzero(key >= levels[k])))
    return out


def extrapolation_errors(members, N, D, y, n, fractions, *, min_fit: int = 7, axes=("ND",),
                         min_levels: int = 3) -> InnerCV:
    """Inner extrapolation cross-validation of fitted ``members``.

    For each ``q`` in ``fractions`` a clone of every member is refitted on the cheapest
    ``round(q m)`` of the ``m`` configurations (by ``N D``) and predicts the others.
    With ``"N"`` (``"D"``) in ``axes``, folds also hold out the configurations at the
    largest ``1 - q`` of the distinct N (D) values, when at least ``min_levels`` values
    remain to fit on.

    Parameters
    ----------
    members : list
        Fitted members (``clone``, ``fit``, ``predict``, ``min_configs``).
    N, D, y, n : ndarray
        Configurations, their targets and row counts (fit weights).
    fractions : sequence of float
        Shares of the configurations refitted on, in (0, 1).
    min_fit : int, default=7
        Fewest configurations a fold is refitted on (a five-parameter law with two
        degrees of freedom to spare); a fold also needs every member's ``min_configs``,
        so that all candidates are scored on the same folds.
    axes : tuple of {"ND", "N", "D"}, default=("ND",)
        Orderings of the folds: by compute ``N D``, by N, by D.
    min_levels : int, default=3
        Distinct N (D) values a fold ordered by N (D) must keep to fit on.

    Returns
    -------
    InnerCV
    """
    logc = np.log10(N * D)
    sq, ab, folds, reach = np.zeros(len(members)), np.zeros(len(members)), 0, 0.0
    min_fit = max([min_fit, *(member.min_configs for member in members)])
    for fit, val in _folds(N, D, logc, fractions, axes, min_levels):
        if fit.size < min_fit or val.size == 0:
            continue
        Xf, Xv, wv = {"N": N[fit], "D": D[fit]}, {"N": N[val], "D": D[val]}, n[val] / n[val].sum()
        for k, member in enumerate(members):
            e = _relative_errors(member.clone().fit(Xf, y[fit], n[fit]), Xv, y[val])
            with np.errstate(invalid="ignore", over="ignore"):
                sq[k] += float(np.sum(wv * e * e))
                ab[k] += float(np.sum(wv * np.abs(e)))
        folds += 1
        reach = max(reach, float(logc[val].max() - logc[fit].max()))
    if folds == 0:
        return InnerCV.empty(len(members))
    return InnerCV(sq / folds, ab / folds, folds, reach)


class LawEnsemble:
    """Weighted law candidates (see module docstring).

    Parameters
    ----------
    weighting : {"inverse-mse", "softmax", "in-sample"}, default="inverse-mse"
        ``"inverse-mse"``: weights proportional to 1 / inner extrapolation MSE;
        ``"softmax"``: ``softmax(-inner_mape / T)``; ``"in-sample"``: ReScaL's
        ``softmax(-in_sample_mape / T)`` over the bounded members only (no inner folds).
    trust : {"validated", "full"}, default="validated"
        ``"validated"``: at a query ``d`` decades of ``N D`` beyond the training data,
        the cross-validated weights count ``min(1, reach / d)`` and the prior weights the
        rest, ``reach`` being the farthest extrapolation the inner folds validated;
        ``"full"``: the cross-validated weights everywhere.
    T : float, default=0.1
        Temperature of the softmax rules and of the prior weights (ReScaL's value).
    top_k : int, default=5
        Rows per (N, D) the laws see (lowest targets).
    box : float, default=0.3
        Log half-width of freed parameters of the bounded members.
    min_levels : int, default=3
        Distinct N (or D) values needed to free parameters acting on N (or D).
    free : bool, default=True
        Include the free Chinchilla fit among the candidates (never with ``"in-sample"``,
        where nothing would validate it).
    cv_fractions : tuple of float, default=(0.25, 0.5)
        Shares of the configurations (of the distinct N or D values, for folds ordered
        by N or D) each inner fold is refitted on.
    axes : tuple of {"ND", "N", "D"}, default=("ND", "N", "D")
        Orderings of the inner folds (see `extrapolation_errors`).

    Attributes (after `fit`)
    ------------------------
    members : list
    weights : ndarray
        Cross-validated weights (the prior weights when no fold could be formed).
    prior_weights : ndarray
        ReScaL's softmax over the bounded members of their inner-fold MAPE (in-sample
        MAPE without folds); 0 for the free member.
    cv : InnerCV
    in_sample : ndarray
        In-sample MAPE of each member.
    log_c_max : float
        ``log10`` of the largest training ``N D``.
    """

    def __init__(self, *, weighting: str = "inverse-mse", trust: str = "validated", T: float = 0.1, top_k: int = 5,
                 box: float = 0.3, min_levels: int = 3, free: bool = True, cv_fractions=(0.25, 0.5),
                 axes=("ND", "N", "D")):
        self.weighting, self.trust, self.T, self.top_k, self.box = weighting, trust, T, top_k, box
        self.min_levels, self.free, self.cv_fractions, self.axes = min_levels, free, tuple(cv_fractions), tuple(axes)

    def _candidates(self, N, D):
        ok = {"N": np.unique(N).size >= self.min_levels, "D": np.unique(D).size >= self.min_levels}
        members = [BoundedMember(law, free, box=self.box) for law, free, acts in MEMBERS
                   if all(ok[v] for v in acts)]
        if not members:  # nothing identifiable: keep every shape, move only the level E
            members = [BoundedMember("chinchilla", ("E",), widths={"E": 3.0})]
        if self.free and self.weighting != "in-sample" and (ok["N"] or ok["D"]):
            fixed = {}
            if not ok["N"]:
                fixed.update(A=CHINCHILLA_PRINTED["A"], alpha=CHINCHILLA_PRINTED["alpha"])
            if not ok["D"]:
                fixed.update(B=CHINCHILLA_PRINTED["B"], beta=CHINCHILLA_PRINTED["beta"])
            free = FreeMember(fixed=fixed)
            if N.size >= free.min_configs:
                members.append(free)
        return members

    def fit(self, N, D, y) -> LawEnsemble:
        rows = frontier_rows(N, D, y, self.top_k)
        N, D, y, n = _aggregate(N[rows], D[rows], y[rows])
        X = {"N": N, "D": D}
        members = self._candidates(N, D)
        for m in members:
            m.fit(X, y, n)
        self.members = members
        self.in_sample = np.array([float(np.sum(n * np.abs(_relative_errors(m, X, y))) / n.sum()) for m in members])
        self.cv = InnerCV.empty(len(members)) if self.weighting == "in-sample" else extrapolation_errors(
            members, N, D, y, n, self.cv_fractions, axes=self.axes, min_levels=self.min_levels)
        # ReScaL scores its members by cross-validation too (random folds there); in-sample MAPE without folds
        scores = self.cv.mape if self.cv.n_folds > 0 else self.in_sample
        bounded = np.array([isinstance(m, BoundedMember) for m in members])
        self.prior_weights = _softmax_weights(np.where(bounded, scores, np.inf), self.T)
        self.weights = self._cv_weights()
        self.log_c_max = float(np.log10(N * D).max())
        self.n_rows = int(rows.size)
        return self

    def _cv_weights(self) -> np.ndarray:
        if self.cv.n_folds == 0:
            return self.prior_weights.copy()
        if self.weighting == "softmax":
            return _softmax_weights(self.cv.mape, self.T)
        inv = np.where(np.isfinite(self.cv.mse), 1.0 / np.maximum(self.cv.mse, _MSE_FLOOR), 0.0)
        return inv / inv.sum() if inv.sum() > 0 else self.prior_weights.copy()

    def trust_in_cv(self, N, D) -> np.ndarray:
        """Share of the cross-validated weights at each query (the prior has the rest)."""
        N, D = np.asarray(N, dtype=float), np.asarray(D, dtype=float)
        if self.trust == "full" or self.cv.n_folds == 0:
            return np.ones(N.shape)
        d = np.log10(N * D) - self.log_c_max
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(d > self.cv.reach, self.cv.reach / d, 1.0)

    def predict(self, N, D) -> np.ndarray:
        X = {"N": np.asarray(N, dtype=float), "D": np.asarray(D, dtype=float)}
        lam = self.trust_in_cv(X["N"], X["D"])
        out = np.zeros(X["N"].shape)
        for wc, wp, m in zip(self.weights, self.prior_weights, self.members, strict=True):
            if wc > 0 or wp > 0:
                out += (lam * wc + (1.0 - lam) * wp) * m.predict(X)
        return out
