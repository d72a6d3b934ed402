"""The law part of `AutoPredictor`: bounded partial fits around published constants.

Each member is one zoo law (Chinchilla, Kaplan or Farseer) started at its published
constants; one group of parameters may move inside ``[p e^-box, p e^box]``, the others
inside ``[p e^-frozen, p e^frozen]`` (ReScaL's partial fitting, PROTOCOL.md section 3.2).
Unlike ReScaL, a member is only fitted when the training design can identify what it
frees (at least ``min_levels`` distinct values of N for parameters that act on N, of D
for those that act on D), each fit is a trust-region least-squares solve on the
per-(N, D) means (equivalent to the row-wise problem, and much faster), and the weights
are a softmax of the in-sample MAPE.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import optimize

from ..laws import FARSEER_PUBLISHED, KAPLAN_PUBLISHED, get_law

__all__ = ["CHINCHILLA_PRINTED", "MEMBERS", "BoundedMember", "LawEnsemble", "frontier_rows"]

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


class LawEnsemble:
    """Softmax-weighted bounded members (see module docstring).

    Parameters
    ----------
    T : float
        Temperature of ``softmax(-in_sample_mape / T)``.
    top_k : int
        Rows per (N, D) the laws see (lowest targets).
    box : float
        Log half-width of freed parameters.
    min_levels : int
        Distinct N (or D) values needed to free parameters acting on N (or D).
    """

    def __init__(self, *, T: float = 0.1, top_k: int = 5, box: float = 0.3, min_levels: int = 3):
        self.T, self.top_k, self.box, self.min_levels = T, top_k, box, min_levels

    def fit(self, N, D, y) -> LawEnsemble:
        rows = frontier_rows(N, D, y, self.top_k)
        N, D, y, n = _aggregate(N[rows], D[rows], y[rows])
        X = {"N": N, "D": D}
        ok = {"N": np.unique(N).size >= self.min_levels, "D": np.unique(D).size >= self.min_levels}
        members = [BoundedMember(law, free, box=self.box) for law, free, acts in MEMBERS
                   if all(ok[v] for v in acts)]
        if not members:  # nothing identifiable: keep every shape, move only the level E
            members = [BoundedMember("chinchilla", ("E",), widths={"E": 3.0})]
        scores = []
        for m in members:
            m.fit(X, y, n)
            e = float(np.sum(n * np.abs(m.predict(X) - y) / y) / n.sum())
            scores.append(e if math.isfinite(e) else math.inf)
        self.members = members
        self.scores = np.asarray(scores)
        self.weights = _softmax_weights(scores, self.T)
        self.n_rows = int(rows.size)
        return self

    def predict(self, N, D) -> np.ndarray:
        X = {"N": np.asarray(N, dtype=float), "D": np.asarray(D, dtype=float)}
        out = np.zeros(X["N"].shape)
        for w, m in zip(self.weights, self.members, strict=True):
            if w > 0:
                out += w * m.predict(X)
        return out
