"""Declarative description of a scaling law: `Param` and `Law`.

A law is a pure function ``fn(params, inputs) -> prediction``. ``params`` maps
each parameter name to an array; ``inputs`` maps each input name (a column of a
runs table such as ``"N"`` or ``"D"``) to a 1-D array. Parameter arrays of
shape ``(S, 1)`` broadcast against inputs of shape ``(n,)`` to give an
``(S, n)`` prediction, so S starts of a multi-start fit are one call.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

__all__ = ["Law", "Param"]

_TRANSFORMS = ("identity", "log")


@dataclass(frozen=True)
class Param:
    """One parameter of a law.

    Parameters
    ----------
    name : str
        Parameter name, as it appears in results (``"E"``, ``"alpha"``).
    bounds : tuple of float, default=(-inf, inf)
        Box constraint in natural units.
    init : tuple of float, default=()
        Start-grid values in natural units; the law's start grid is the
        Cartesian product of every parameter's ``init``.
    transform : {"identity", "log"}, default="identity"
        Space in which the fitter moves the parameter. ``"log"`` is for
        positive scale parameters (E, A, B), as in Hoffmann et al.'s
        ``A = exp(a)`` parametrisation.
    description : str, default=""
        One line on what the parameter means.
    """

    name: str
    bounds: tuple[float, float] = (-math.inf, math.inf)
    init: tuple[float, ...] = ()
    transform: str = "identity"
    description: str = ""

    def __post_init__(self):
        if self.transform not in _TRANSFORMS:
            msg = f"Param '{self.name}': transform must be one of {_TRANSFORMS}, got {self.transform!r}"
            raise ValueError(msg)
        lo, hi = self.bounds
        if not lo < hi:
            msg = f"Param '{self.name}': lower bound {lo} must be below upper bound {hi}"
            raise ValueError(msg)
        if self.transform == "log" and lo < 0:
            msg = f"Param '{self.name}': a log-transformed parameter needs bounds >= 0, got {self.bounds}"
            raise ValueError(msg)
        for v in self.init:
            if not lo <= v <= hi:
                msg = f"Param '{self.name}': start value {v} lies outside its bounds {self.bounds}"
                raise ValueError(msg)

    # -- internal (fitting) space -------------------------------------------------
    def to_internal(self, value):
        value = np.asarray(value, dtype=float)
        if self.transform == "log":
            with np.errstate(divide="ignore"):
                return np.log(value)
        return value

    def to_natural(self, value):
        value = np.asarray(value, dtype=float)
        return np.exp(value) if self.transform == "log" else value

    def dnatural_dinternal(self, internal):
        """Derivative of the natural value with respect to the internal one."""
        internal = np.asarray(internal, dtype=float)
        return np.exp(internal) if self.transform == "log" else np.ones_like(internal)

    @property
    def internal_bounds(self):
        lo, hi = self.bounds
        if self.transform == "log":
            return (math.log(lo) if lo > 0 else -math.inf, math.log(hi) if math.isfinite(hi) else math.inf)
        return (lo, hi)


@dataclass(frozen=True)
class Law:
    """A scaling law: a pure prediction function plus its declarative spec.

    Parameters
    ----------
    name : str
        Registry name (``"chinchilla"``).
    fn : callable
        ``fn(params, inputs) -> ndarray``; see the module docstring.
    params : tuple of Param
        The free parameters, in a fixed order.
    inputs : tuple of str
        Names of the input columns the law reads.
    jac : callable or None, default=None
        ``jac(params, inputs) -> dict name -> d prediction / d param`` in
        natural units, each broadcast to the prediction's shape. ``None``
        means central finite differences are used.
    formula : str, default=""
        The law written out, for reports.
    reference : str, default=""
        Paper and equation the law comes from.
    description : str, default=""
        One line for ``scalingkit laws list``.
    constants : mapping, default={}
        Values of parameters held fixed (see `fix`), passed to ``fn``.
    min_distinct : mapping, default={}
        Minimum number of distinct values per input needed to identify the
        parameters (checked before fitting).
    resolve : callable or None, default=None
        ``resolve(columns) -> Law`` builds a concrete law for a table whose
        columns decide the parameter set (e.g. one mixing coefficient per
        domain). ``None`` means the law is already concrete.
    input_map : mapping, default={}
        Law input name -> table column (see `with_inputs`).
    linear : tuple of str, default=()
        Parameters the prediction is linear in (E, A, B of Chinchilla); the
        `VarPro` fitter projects them out of least-squares fits.
    """

    name: str
    fn: Callable
    params: tuple[Param, ...]
    inputs: tuple[str, ...]
    jac: Callable | None = None
    formula: str = ""
    reference: str = ""
    description: str = ""
    constants: Mapping[str, float] = field(default_factory=dict)
    min_distinct: Mapping[str, int] = field(default_factory=dict)
    resolve: Callable | None = None
    input_map: Mapping[str, str] = field(default_factory=dict)
    linear: tuple[str, ...] = ()

    # -- introspection ----------------------------------------------------------------
    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    @property
    def n_params(self) -> int:
        return len(self.params)

    @property
    def columns(self) -> tuple[str, ...]:
        """Table columns read, after `with_inputs` renaming."""
        return tuple(self.input_map.get(i, i) for i in self.inputs)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        msg = f"law '{self.name}' has no parameter '{name}'; parameters: {', '.join(self.param_names)}"
        raise KeyError(msg)

    # -- evaluation -------------------------------------------------------------------
    def _full_params(self, params):
        full = dict(self.constants)
        full.update(params)
        missing = [n for n in self.param_names if n not in full]
        if missing:
            msg = f"law '{self.name}': missing parameters {missing}; expected {list(self.param_names)}"
            raise KeyError(msg)
        return full

    def __call__(self, params: Mapping[str, np.ndarray], inputs: Mapping[str, np.ndarray]) -> np.ndarray:
        """Evaluate the law. See the module docstring for shapes."""
        return self.fn(self._full_params(params), self._inputs(inputs))

    def jacobian(self, params, inputs) -> dict[str, np.ndarray]:
        """Derivatives of the prediction with respect to each free parameter."""
        full = self._full_params(params)
        X = self._inputs(inputs)
        if self.jac is not None:
            out = self.jac(full, X)
            shape = np.broadcast_shapes(*(np.shape(v) for v in out.values()))
            return {n: np.broadcast_to(out[n], shape) for n in self.param_names}
        return _finite_difference_jacobian(self.fn, full, X, self.param_names)

    def _inputs(self, inputs):
        if not self.input_map:
            return inputs
        return {
            i: inputs[self.input_map.get(i, i)] if self.input_map.get(i, i) in inputs else inputs[i]
            for i in self.inputs
        }

    # -- derived laws -----------------------------------------------------------------
    def fix(self, **values: float) -> Law:
        """Return a law with some parameters held at fixed values."""
        for n in values:
            self.param(n)
        consts = dict(self.constants)
        consts.update({k: float(v) for k, v in values.items()})
        params = tuple(p for p in self.params if p.name not in values)
        linear = tuple(n for n in self.linear if n not in values)
        return replace(self, params=params, constants=consts, linear=linear)

    def with_bounds(self, **bounds: tuple[float, float]) -> Law:
        """Return a law with new bounds on some parameters (start values are clipped)."""
        new = []
        for p in self.params:
            if p.name in bounds:
                lo, hi = (float(b) for b in bounds[p.name])
                init = tuple(sorted({min(max(v, lo), hi) for v in p.init})) if p.init else ()
                p = replace(p, bounds=(lo, hi), init=init)
            new.append(p)
        unknown = set(bounds) - set(self.param_names)
        if unknown:
            self.param(sorted(unknown)[0])
        return replace(self, params=tuple(new))

    def with_init(self, **init: Sequence[float]) -> Law:
        """Return a law with a different start grid for some parameters."""
        unknown = set(init) - set(self.param_names)
        if unknown:
            self.param(sorted(unknown)[0])
        params = tuple(
            replace(p, init=tuple(float(v) for v in init[p.name])) if p.name in init else p for p in self.params
        )
        return replace(self, params=params)

    def with_inputs(self, **mapping: str) -> Law:
        """Read law input ``name`` from table column ``mapping[name]``."""
        for k in mapping:
            if k not in self.inputs:
                msg = f"law '{self.name}' has no input '{k}'; inputs: {', '.join(self.inputs)}"
                raise KeyError(msg)
        return replace(self, input_map={**self.input_map, **mapping})

    def concrete(self, columns: Sequence[str]) -> Law:
        """Resolve a data-dependent law (see ``resolve``) against table columns."""
        return self.resolve(tuple(columns)) if self.resolve is not None else self

    # -- starts -----------------------------------------------------------------------
    def grid_size(self) -> int:
        return int(np.prod([max(len(p.init), 1) for p in self.params])) if self.params else 1

    def start_grid(self, n_starts: int | None = None, *, seed: int = 0) -> np.ndarray:
        """Start points in internal space, shape ``(S, n_params)``.

        With ``n_starts=None`` this is the full Cartesian grid of the params'
        ``init`` values (the literature's grid). Otherwise ``n_starts`` points
        are drawn with a scrambled Sobol sequence over the box spanned by the
        grid (in internal space), always including the grid's centre point.
        """
        internal_init = []
        for p in self.params:
            vals = p.init if p.init else (_default_init(p),)
            internal_init.append(np.asarray([float(p.to_internal(v)) for v in vals]))
        if n_starts is None or n_starts == self.grid_size():
            grid = np.array(list(itertools.product(*internal_init)), dtype=float)
            return grid.reshape(-1, self.n_params)
        from scipy.stats import qmc

        lo = np.array([v.min() for v in internal_init])
        hi = np.array([v.max() for v in internal_init])
        width = np.where(hi > lo, hi - lo, 0.0)
        sampler = qmc.Sobol(d=max(self.n_params, 1), scramble=True, seed=seed)
        m = max(int(math.ceil(math.log2(max(n_starts, 2)))), 1)
        u = sampler.random_base2(m)[:n_starts, : self.n_params]
        pts = lo + u * width
        pts[0] = np.array([np.median(v) for v in internal_init])
        return pts

    def describe(self) -> dict:
        """Plain-dict description (for ``laws list`` and JSON output)."""
        return {
            "name": self.name,
            "formula": self.formula,
            "inputs": list(self.columns),
            "params": [
                {"name": p.name, "bounds": list(p.bounds), "transform": p.transform, "n_init": len(p.init)}
                for p in self.params
            ],
            "constants": dict(self.constants),
            "grid_size": self.grid_size(),
            "reference": self.reference,
            "description": self.description,
        }


def _default_init(p: Param) -> float:
    lo, hi = p.bounds
    if p.transform == "log":
        lo_i, hi_i = p.internal_bounds
        lo_i = max(lo_i, -5.0)
        hi_i = min(hi_i, 5.0)
        return float(np.exp(0.5 * (lo_i + hi_i)))
    if math.isfinite(lo) and math.isfinite(hi):
        return 0.5 * (lo + hi)
    if math.isfinite(lo):
        return lo + 1.0
    if math.isfinite(hi):
        return hi - 1.0
    return 0.0


def _finite_difference_jacobian(fn, params, inputs, names):
    out = {}
    for n in names:
        v = np.asarray(params[n], dtype=float)
        h = 1e-6 * np.maximum(np.abs(v), 1e-3)
        up = dict(params)
        dn = dict(params)
        up[n] = v + h
        dn[n] = v - h
        out[n] = (fn(up, inputs) - fn(dn, inputs)) / (2 * h)
    shape = np.broadcast_shapes(*(np.shape(o) for o in out.values()))
    return {n: np.broadcast_to(o, shape) for n, o in out.items()}
