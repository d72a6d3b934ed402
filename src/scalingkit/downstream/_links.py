"""Second-stage maps (links) from a loss-like input to a benchmark metric.

Each link is a pure law ``fn(params, {"x": ...})`` with a declarative spec, so
any scalingkit fitter can fit it. The chance level is a constant of the law
(held fixed with `Law.fix`), and the start grid is built from the data by
`make_link`, because the scale of the input (a loss near 3, or log-compute
near 50) is only known then.

- ``"linear"``: ``y = w0 + w1 x``, fitted only on points clearly above chance
  (FLP, Chen et al. 2025); predictions are clipped at chance, so the model is
  "at chance until the line rises above it".
- ``"sigmoid"``: ``y = chance + h / (1 + exp(k (x - x0)))``, a logistic curve
  with one asymptote at chance (OLMo ladder, Bhagia et al. 2024; Llama 3).
- ``"exponential"``: ``y = eps - k exp(-gamma x)`` (Gadre et al. 2024, top-1
  error against C4 loss).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, ndtri

from ..exceptions import UnknownNameError
from ..laws import Law, Param

__all__ = ["LINKS", "Link", "exponential_link", "linear_link", "make_link", "sigmoid_link"]


def linear_link(params, X):
    """Straight line ``y = w0 + w1 x`` (FLP's loss-to-performance map).

    Parameters
    ----------
    params : mapping
        ``w0`` (intercept) and ``w1`` (slope).
    X : mapping
        ``x``: the stage-two input (a loss).

    Returns
    -------
    ndarray

    References
    ----------
    Chen et al. (2025), "Scaling Laws for Predicting Downstream Performance in
    LLMs" (FLP), TMLR; arXiv 2410.08527, Sec. 3.

    Examples
    --------
    >>> float(linear_link({"w0": 1.0, "w1": -0.2}, {"x": 2.5}))
    0.5
    """
    return params["w0"] + params["w1"] * np.asarray(X["x"], dtype=float)


def _linear_jac(params, X):
    x = np.asarray(X["x"], dtype=float)
    return {"w0": np.ones_like(params["w0"] + 0.0 * x), "w1": x + 0.0 * params["w1"]}


def sigmoid_link(params, X):
    """Logistic curve with one asymptote at chance.

    ``y = chance + h / (1 + exp(k (x - x0)))``: for ``k > 0`` it falls from
    ``chance + h`` to ``chance`` as ``x`` (a loss) grows; ``k < 0`` gives a
    rising curve (for inputs such as log-compute or a log-probability).

    Parameters
    ----------
    params : mapping
        ``chance`` (usually held fixed), ``h`` (height above chance), ``k``
        (steepness) and ``x0`` (midpoint).
    X : mapping
        ``x``: the stage-two input.

    Returns
    -------
    ndarray

    References
    ----------
    Bhagia et al. (2024), "Establishing Task Scaling Laws via Compute-Efficient
    Model Ladders", arXiv 2412.04403, Eq. 2; Llama 3 (Dubey et al. 2024), Sec. 3.2.1.

    Examples
    --------
    >>> float(sigmoid_link({"chance": 0.25, "h": 0.7, "k": 2.0, "x0": 3.0}, {"x": 3.0}))
    0.6
    """
    s = expit(-params["k"] * (np.asarray(X["x"], dtype=float) - params["x0"]))
    return params["chance"] + params["h"] * s


def _sigmoid_jac(params, X):
    dx = np.asarray(X["x"], dtype=float) - params["x0"]
    s = expit(-params["k"] * dx)
    ds = s * (1.0 - s)
    h = params["h"]
    return {"chance": np.ones_like(s), "h": s, "k": -h * ds * dx, "x0": h * ds * params["k"]}


def exponential_link(params, X):
    """Gadre et al.'s decay ``y = eps - k exp(-gamma x)``.

    With ``y`` the average top-1 error and ``x`` the C4 loss, ``eps`` is the
    error of a useless model and the error falls exponentially as the loss
    falls.

    Parameters
    ----------
    params : mapping
        ``eps``, ``k`` and ``gamma`` (> 0).
    X : mapping
        ``x``: the stage-two input (a loss).

    Returns
    -------
    ndarray

    References
    ----------
    Gadre et al. (2024), "Language models scale reliably with over-training
    and on downstream tasks", arXiv 2403.08540, Eq. 5.

    Examples
    --------
    >>> round(float(exponential_link({"eps": 0.85, "k": 2.0, "gamma": 1.0}, {"x": 0.0})), 2)
    -1.15
    """
    return params["eps"] - params["k"] * np.exp(-params["gamma"] * np.asarray(X["x"], dtype=float))


def _exponential_jac(params, X):
    x = np.asarray(X["x"], dtype=float)
    e = np.exp(-params["gamma"] * x)
    return {"eps": np.ones_like(e), "k": -e, "gamma": params["k"] * x * e}


_FREE = (-math.inf, math.inf)

LINEAR = Law(
    name="linear_link", fn=linear_link, jac=_linear_jac, inputs=("x",),
    params=(Param("w0", _FREE, (0.0,), description="intercept"),
            Param("w1", _FREE, (0.0,), description="slope against the input")),
    formula="y = w0 + w1 x (fitted above chance + margin only; clipped at chance)",
    reference="Chen et al. 2025 (FLP), arXiv 2410.08527", linear=("w0", "w1"),
    description="linear map after the emergence threshold",
)
SIGMOID = Law(
    name="sigmoid_link", fn=sigmoid_link, jac=_sigmoid_jac, inputs=("x",),
    params=(Param("chance", _FREE, (0.0,), description="asymptote at the random-guess level"),
            Param("h", _FREE, (0.5,), description="height of the other asymptote above chance"),
            Param("k", _FREE, (1.0,), description="steepness (> 0: falls as x grows)"),
            Param("x0", _FREE, (0.0,), description="midpoint")),
    formula="y = chance + h / (1 + exp(k (x - x0)))",
    reference="Bhagia et al. 2024 (arXiv 2412.04403), Eq. 2", linear=("chance", "h"),
    description="logistic curve with a floor at chance",
)
EXPONENTIAL = Law(
    name="exponential_link", fn=exponential_link, jac=_exponential_jac, inputs=("x",),
    params=(Param("eps", _FREE, (1.0,), description="metric as x -> infinity"),
            Param("k", _FREE, (1.0,), description="scale of the decaying term"),
            Param("gamma", (0.0, math.inf), (1.0,), description="decay rate")),
    formula="y = eps - k exp(-gamma x)",
    reference="Gadre et al. 2024 (arXiv 2403.08540), Eq. 5", linear=("eps", "k"),
    description="Gadre et al.'s exponential decay in the loss",
)

LINKS = {"linear": LINEAR, "sigmoid": SIGMOID, "exponential": EXPONENTIAL}


@dataclass(frozen=True)
class Link:
    """A second-stage map, ready to fit: its law, chance level and conventions.

    Parameters
    ----------
    name : {"linear", "sigmoid", "exponential"}
        Which map.
    law : Law
        The law on input ``x``, with ``chance`` fixed where it appears and a
        start grid scaled to the data.
    chance : float
        Random-guess level of the metric.
    higher_is_better : bool
        Direction of the metric (accuracy: True; error: False).
    margin : float
        Emergence margin: the linear link is fitted only on points whose
        metric beats chance by more than this.
    """

    name: str
    law: Law
    chance: float
    higher_is_better: bool = True
    margin: float = 0.05

    def emerged(self, y) -> np.ndarray:
        """Mask of points that beat chance by more than ``margin`` (all True unless linear)."""
        y = np.asarray(y, dtype=float)
        if self.name != "linear":
            return np.ones(y.shape, dtype=bool)
        sign = 1.0 if self.higher_is_better else -1.0
        return sign * (y - self.chance) > self.margin

    def clip(self, y):
        """``y`` kept on the right side of chance for the linear link (unchanged for the others)."""
        if self.name != "linear":
            return y
        return np.maximum(y, self.chance) if self.higher_is_better else np.minimum(y, self.chance)

    def __call__(self, params, x) -> np.ndarray:
        """Metric at input ``x``; the linear link is clipped at chance."""
        return self.clip(self.law(params, {"x": np.asarray(x, dtype=float)}))

    def normal_interval(self, center, var, level: float):
        """Two-sided normal interval ``center -+ z sqrt(var)`` at ``level``, clipped like `clip`.

        Parameters
        ----------
        center : ndarray
            Unclipped predictions of the link's law.
        var : ndarray
            Their (delta-method) variances.
        level : float
            Coverage level in (0, 1).

        Returns
        -------
        lo, hi : ndarray
        """
        half = ndtri(0.5 + level / 2) * np.sqrt(var)
        return self.clip(center - half), self.clip(center + half)

    def dx(self, params, x) -> np.ndarray:
        """Derivative of the metric with respect to the input (central differences)."""
        x = np.asarray(x, dtype=float)
        h = 1e-6 * np.maximum(np.abs(x), 1.0)
        return (self(params, x + h) - self(params, x - h)) / (2.0 * h)


def _scaled_grid(name: str, x: np.ndarray, y: np.ndarray, chance: float) -> dict:
    """Start values of the nonlinear parameters, scaled to the data."""
    span = float(np.ptp(x)) if x.size and np.ptp(x) > 0 else 1.0
    lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 1.0)
    far = float(y[np.argmax(np.abs(y - chance))] - chance) if y.size else 0.5
    if name == "sigmoid":
        k = [s * v / span for s in (1.0, -1.0) for v in (0.5, 2.0, 8.0)]
        x0 = [lo - span, lo, lo + span / 4, lo + span / 2, lo + 3 * span / 4, hi, hi + span]
        return {"h": [far or 0.5], "k": k, "x0": x0}
    if name == "exponential":
        sd = float(np.std(x)) if x.size > 1 and np.std(x) > 0 else 1.0
        return {"gamma": [v / sd for v in (0.1, 0.3, 1.0, 3.0)], "eps": [float(np.mean(y)) if y.size else 1.0],
                "k": [1.0]}
    return {}


def make_link(name: str, *, chance: float = 0.0, higher_is_better: bool = True, margin: float = 0.05,
              perfect: float | None = None, x=None, y=None) -> Link:
    """Build a link with its chance level fixed and a start grid scaled to ``(x, y)``.

    Parameters
    ----------
    name : {"linear", "sigmoid", "exponential"}
        Which second-stage map.
    chance : float, default=0.0
        Random-guess level of the metric (0.25 for 4-way multiple choice).
    higher_is_better : bool, default=True
        Direction of the metric.
    margin : float, default=0.05
        Emergence margin of the linear link.
    perfect : float or None, default=None
        Best attainable metric (1 for an accuracy, 0 for an error rate). The
        sigmoid's other asymptote is kept between chance and ``perfect``, so
        data that show only the foot of the curve cannot send it to infinity.
        None: unbounded.
    x, y : array-like or None, default=None
        Training inputs and metrics, used only to scale the start grid.

    Returns
    -------
    Link

    Raises
    ------
    UnknownNameError
        If ``name`` is not a known link.

    Examples
    --------
    >>> make_link("sigmoid", chance=0.25).law.param_names
    ('h', 'k', 'x0')
    """
    if name not in LINKS:
        raise UnknownNameError("link", name, sorted(LINKS))  # noqa: EM101
    if not (isinstance(chance, (int, float)) and math.isfinite(chance)):
        msg = f"The 'chance' parameter must be a finite float. Got {chance!r} instead."
        raise ValueError(msg)
    law = LINKS[name]
    if name == "sigmoid":
        law = law.fix(chance=float(chance))
        if perfect is not None:
            law = law.with_bounds(h=tuple(sorted((0.0, float(perfect) - float(chance)))))
    x = np.asarray([] if x is None else x, dtype=float)
    y = np.asarray([] if y is None else y, dtype=float)
    grid = _scaled_grid(name, x, y, float(chance))
    if "h" in grid:
        lo, hi = law.param("h").bounds
        grid["h"] = [v if lo < v < hi else 0.5 * (lo + hi) for v in grid["h"]]
    if grid:
        law = law.with_init(**grid)
    return Link(name=name, law=law, chance=float(chance),
                higher_is_better=bool(higher_is_better), margin=float(margin))
