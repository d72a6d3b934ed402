"""The hyperparameter landscape law: Chinchilla optimum plus a loss penalty in normalised coordinates.

``L(N, D, lr, B) = E + A N^-alpha + B D^-beta + s(N, D) [P_u(u) + P_v(v)]`` with

- ``v = log B - log B*(N, D)``, ``log B* = q0 + q1 log N + q2 log D`` (batch in tokens);
- ``u = log lr - log lr*(N, D) - g v``, ``log lr* = p0 + p1 log N + p2 log D`` (the shear ``g``
  lets the best learning rate grow with the batch);
- ``P(x) = k (exp(s x) - s x - 1) / s^2``, an asymmetric convex bowl with curvature ``k`` at 0
  (the LINEX function: a steep side for too-large values, a gentle one for too-small);
- ``s(N, D) = exp(w1 log N + w2 log D)``, how sharp the landscape is at each scale.

All scale dependence is in power laws, so the law extrapolates in N and D the way scaling laws do.
It is fitted by robust least squares (soft-L1) as a MAP estimate: weak Gaussian priors centred on
published exponents (Chinchilla's alpha, beta; Step Law's lr and batch exponents) only matter
when the training runs cannot determine a parameter, e.g. with two model sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["STEPLAW_PRIORS", "Landscape", "fit_landscape", "linex"]

#: (mean, sd) of the weak priors. alpha/beta: Hoffmann et al. 2022 / Besiroglu et al. 2024;
#: p1, p2, q1, q2: Step Law (Li et al. 2025, eta ~ N^-0.713 D^0.307, B ~ D^0.571).
STEPLAW_PRIORS = {
    "alpha": (0.35, 0.2), "beta": (0.35, 0.2),
    "p1": (-0.713, 0.3), "p2": (0.307, 0.3), "q1": (0.0, 0.3), "q2": (0.571, 0.3),
    "g": (0.5, 0.5), "w1": (0.0, 0.5), "w2": (0.0, 0.5), "su": (0.0, 3.0), "sv": (0.0, 3.0),
}

_NAMES = ("E", "a", "alpha", "b", "beta", "p0", "p1", "p2", "q0", "q1", "q2", "g", "lku", "su", "lkv", "sv",
          "w1", "w2")


def linex(x, k, s):
    """LINEX bowl ``k (exp(s x) - s x - 1) / s^2``: 0 at 0, curvature ``k``, skew ``s``."""
    s = np.where(np.abs(s) < 1e-6, 1e-6, s)
    return k * (np.expm1(s * x) - s * x) / s**2


@dataclass(frozen=True)
class Landscape:
    """A fitted landscape law (see the module docstring).

    Attributes
    ----------
    params : dict
        Fitted parameters (``E``, ``a``, ``alpha``, ``b``, ``beta``, ``p0..p2``, ``q0..q2``,
        ``g``, ``lku``, ``su``, ``lkv``, ``sv``, ``w1``, ``w2``); logs are centred on ``n0``, ``d0``.
    n0, d0 : float
        Centres of log N and log D (geometric means of the training runs).
    use_lr, use_bs : bool
        Whether the learning-rate and batch terms are active.
    cost : float
        Final robust cost.
    """

    params: dict
    n0: float
    d0: float
    use_lr: bool
    use_bs: bool
    cost: float = float("nan")

    def _logs(self, N, D):
        return np.log(np.asarray(N, float) / self.n0), np.log(np.asarray(D, float) / self.d0)

    def optimum_loss(self, N, D):
        """Loss at the optimal lr and batch, ``E + A N^-alpha + B D^-beta``."""
        p = self.params
        lN, lD = self._logs(N, D)
        return p["E"] + np.exp(p["a"] - p["alpha"] * lN) + np.exp(p["b"] - p["beta"] * lD)

    def log_bs_opt(self, N, D):
        """Log of the optimal batch size (tokens)."""
        p = self.params
        lN, lD = self._logs(N, D)
        return p["q0"] + p["q1"] * lN + p["q2"] * lD

    def log_lr_opt(self, N, D, batch_size=None):
        """Log of the optimal learning rate, at ``batch_size`` (default: the optimal batch)."""
        p = self.params
        lN, lD = self._logs(N, D)
        base = p["p0"] + p["p1"] * lN + p["p2"] * lD
        if batch_size is None or not self.use_bs:
            return base + 0.0 * lN
        return base + p["g"] * (np.log(np.asarray(batch_size, float)) - self.log_bs_opt(N, D))

    def coordinates(self, N, D, lr=None, batch_size=None):
        """Normalised coordinates ``(u, v)``: log distance from the optimal lr and batch."""
        lN, _ = self._logs(N, D)
        zero = np.zeros_like(lN)
        v = np.log(np.asarray(batch_size, float)) - self.log_bs_opt(N, D) if self.use_bs else zero
        if not self.use_lr:
            return zero, v
        u = np.log(np.asarray(lr, float)) - self.log_lr_opt(N, D) - (self.params["g"] * v if self.use_bs else 0.0)
        return u, v

    def penalty(self, N, D, lr=None, batch_size=None):
        """Loss above the optimum at this lr and batch, ``s(N, D) [P_u(u) + P_v(v)]``."""
        p = self.params
        lN, lD = self._logs(N, D)
        u, v = self.coordinates(N, D, lr, batch_size)
        bowl = np.zeros_like(lN)
        if self.use_lr:
            bowl = bowl + linex(u, np.exp(p["lku"]), p["su"])
        if self.use_bs:
            bowl = bowl + linex(v, np.exp(p["lkv"]), p["sv"])
        return np.exp(p["w1"] * lN + p["w2"] * lD) * bowl

    def predict(self, N, D, lr=None, batch_size=None):
        """Predicted loss."""
        return self.optimum_loss(N, D) + self.penalty(N, D, lr, batch_size)

    def to_dict(self) -> dict:
        return {"params": dict(self.params), "n0": self.n0, "d0": self.d0, "use_lr": self.use_lr,
                "use_bs": self.use_bs, "cost": self.cost}


def _active(use_lr, use_bs):
    drop = set()
    if not use_lr:
        drop |= {"p0", "p1", "p2", "g", "lku", "su"}
    if not use_bs:
        drop |= {"q0", "q1", "q2", "g", "lkv", "sv"}
    if not (use_lr or use_bs):
        drop |= {"w1", "w2"}
    return [n for n in _NAMES if n not in drop]


def _init(base_params, n0, d0):
    """Starting point: the base law's fit, Step-Law exponents, a flat landscape."""
    return {
        "E": float(base_params["E"]),
        "a": float(np.log(base_params["A"]) - base_params["alpha"] * np.log(n0)),
        "alpha": float(base_params["alpha"]),
        "b": float(np.log(base_params["B"]) - base_params["beta"] * np.log(d0)),
        "beta": float(base_params["beta"]),
        "p0": 0.0, "p1": -0.713, "p2": 0.307, "q0": 0.0, "q1": 0.0, "q2": 0.571,
        "g": 0.5, "lku": float(np.log(0.02)), "su": 1.0, "lkv": float(np.log(0.02)), "sv": 1.0, "w1": 0.0, "w2": 0.0,
    }


def _best_runs_optimum(p, resid, lr, bs):
    """Set the optimum's intercepts to the median lr and batch of the best decile of runs."""
    best = resid <= np.quantile(resid, 0.1) if resid.size >= 10 else np.ones(resid.shape, bool)
    if lr is not None:
        p["p0"] = float(np.median(np.log(lr[best])))
    if bs is not None:
        p["q0"] = float(np.median(np.log(bs[best])))


def fit_landscape(N, D, y, *, lr=None, batch_size=None, base_params, priors=None, f_scale=None,
                  starts=((1.0, 1.0), (0.5, 0.5), (2.0, 2.0), (1.0, -0.5)), max_nfev=4000) -> Landscape:
    """Fit the landscape law by robust (soft-L1) MAP least squares.

    Parameters
    ----------
    N, D, y : array-like
        Parameters, tokens and loss of converged training runs.
    lr, batch_size : array-like or None
        Peak learning rate and batch size in tokens; None (or fewer than 3 distinct values)
        switches that term off.
    base_params : mapping
        A Chinchilla fit (``E``, ``A``, ``alpha``, ``B``, ``beta``) used as the starting point.
    priors : mapping or None, default=None
        ``{name: (mean, sd)}``; None uses `STEPLAW_PRIORS`, ``{}`` fits without priors.
    f_scale : float or None, default=None
        Soft-L1 scale in loss units; None uses ``0.005 * median(y)``.
    starts : sequence of (su, sv), default=4 pairs
        Skews tried as starting points; the lowest cost wins.
    max_nfev : int, default=4000
        Function evaluations per start.

    Returns
    -------
    Landscape
    """
    from scipy.optimize import least_squares

    N, D, y = (np.asarray(a, float) for a in (N, D, y))
    use_lr = lr is not None and np.unique(lr).size >= 3
    use_bs = batch_size is not None and np.unique(batch_size).size >= 3
    lr = np.asarray(lr, float) if use_lr else None
    bs = np.asarray(batch_size, float) if use_bs else None
    n0, d0 = float(np.exp(np.log(N).mean())), float(np.exp(np.log(D).mean()))
    names = _active(use_lr, use_bs)
    priors = STEPLAW_PRIORS if priors is None else priors
    f_scale = float(0.005 * np.median(y)) if f_scale is None else float(f_scale)
    p_init = _init(base_params, n0, d0)
    flat = Landscape(params=p_init, n0=n0, d0=d0, use_lr=False, use_bs=False)
    _best_runs_optimum(p_init, y - flat.optimum_loss(N, D), lr, bs)
    prior_names = [n for n in names if n in priors]
    prior_mu = np.array([priors[n][0] for n in prior_names])
    prior_sd = np.array([priors[n][1] for n in prior_names])
    idx = np.array([names.index(n) for n in prior_names], dtype=int)

    def unpack(theta):
        return {**p_init, **dict(zip(names, theta, strict=True))}

    def residuals(theta):
        law = Landscape(params=unpack(theta), n0=n0, d0=d0, use_lr=use_lr, use_bs=use_bs)
        r = law.predict(N, D, lr, bs) - y
        r = np.where(np.isfinite(r), r, 1e3)
        return np.concatenate([r, f_scale * (theta[idx] - prior_mu) / prior_sd])

    best = None
    for su, sv in (starts if (use_lr or use_bs) else starts[:1]):
        theta0 = np.array([{**p_init, "su": su, "sv": sv}[n] for n in names], float)
        with np.errstate(over="ignore", invalid="ignore"):
            res = least_squares(residuals, theta0, loss="soft_l1", f_scale=f_scale, max_nfev=max_nfev)
        if best is None or res.cost < best.cost:
            best = res
    params = {k: float(v) for k, v in unpack(best.x).items()}
    return Landscape(params=params, n0=n0, d0=d0, use_lr=use_lr, use_bs=use_bs, cost=float(best.cost))
