"""Scaling law with learning-rate annealing (Tissue et al. 2024): L(s) = L0 + A S1^-alpha - C S2."""

from __future__ import annotations

import numpy as np

from ._spec import Law, Param

__all__ = ["LR_ANNEAL", "lr_anneal", "lr_anneal_jacobian", "lr_areas"]


def lr_areas(lr, *, decay: float = 0.999, warmup_steps: int = 0):
    """Forward area S1 and annealing area S2 of a learning-rate schedule, at every step.

    ``S1(s) = sum_{i<=s} eta_i`` and ``S2(s) = sum_{i<=s} m_i`` with the
    momentum ``m_i = decay * m_{i-1} + (eta_{i-1} - eta_i)`` (``m_0 = 0``).
    Warmup steps are counted at the maximum learning rate, so they add to S1
    as full steps and never to S2. The recursion is a first-order linear
    filter and runs vectorised.

    Parameters
    ----------
    lr : array-like of shape (n_steps,)
        Learning rate used at each step, from the first step on.
    decay : float, default=0.999
        Momentum decay factor lambda of the annealing area.
    warmup_steps : int, default=0
        Number of leading warmup steps, replaced by ``max(lr)``.

    Returns
    -------
    S1, S2 : ndarray of shape (n_steps,)
        Areas after each step (element s includes step s).

    Raises
    ------
    ValueError
        If ``lr`` is not 1-D, not finite, or ``decay`` is outside [0, 1].

    References
    ----------
    Tissue, Wang and Wang (2024), "Scaling Law with Learning Rate Annealing",
    arXiv 2408.11029, the definitions of S1 and S2.

    Examples
    --------
    >>> S1, S2 = lr_areas([1.0, 1.0, 0.5, 0.5], decay=0.5)
    >>> S1.tolist(), S2.tolist()
    ([1.0, 2.0, 2.5, 3.0], [0.0, 0.0, 0.5, 0.75])
    """
    eta = np.array(lr, dtype=float, copy=True)
    if eta.ndim != 1 or not np.all(np.isfinite(eta)):
        msg = f"lr must be a 1-D array of finite learning rates; got shape {eta.shape}"
        raise ValueError(msg)
    if not 0.0 <= decay <= 1.0:
        msg = f"The 'decay' parameter of lr_areas must be a float in the range [0, 1]. Got {decay!r} instead."
        raise ValueError(msg)
    if eta.size == 0:
        return eta.copy(), eta.copy()
    if warmup_steps > 0:
        eta[: int(warmup_steps)] = eta.max()
    drops = np.empty_like(eta)
    drops[0] = 0.0
    drops[1:] = eta[:-1] - eta[1:]
    from scipy.signal import lfilter  # imported here: scipy.signal is slow to import

    m = lfilter([1.0], [1.0, -decay], drops)
    return np.cumsum(eta), np.cumsum(m)


def lr_anneal(params, X):
    """Loss at a training step under any LR schedule.

    ``L = L0 + A S1^(-alpha) - C S2``, with the forward area S1 and annealing
    area S2 of the schedule up to that step (see `lr_areas`).

    Parameters
    ----------
    params : mapping
        ``L0``, ``A``, ``alpha``, ``C`` (all >= 0).
    X : mapping
        ``S1`` (> 0) and ``S2``.

    Returns
    -------
    ndarray
        Predicted loss.

    References
    ----------
    Tissue, Wang and Wang (2024), "Scaling Law with Learning Rate Annealing",
    arXiv 2408.11029; start grid of the authors' fitting script.
    """
    logS1 = np.log(np.asarray(X["S1"], dtype=float))
    S2 = np.asarray(X["S2"], dtype=float)
    return params["L0"] + params["A"] * np.exp(-params["alpha"] * logS1) - params["C"] * S2


def lr_anneal_jacobian(params, X):
    """Analytic derivatives of `lr_anneal` (natural units)."""
    logS1 = np.log(np.asarray(X["S1"], dtype=float))
    S2 = np.asarray(X["S2"], dtype=float)
    t = np.exp(-params["alpha"] * logS1)
    return {
        "L0": np.ones_like(np.asarray(params["L0"], dtype=float)),
        "A": t,
        "alpha": -params["A"] * t * logS1,
        "C": -S2 + np.zeros_like(np.asarray(params["C"], dtype=float)),
    }


LR_ANNEAL = Law(
    name="lr_anneal",
    fn=lr_anneal,
    jac=lr_anneal_jacobian,
    params=(
        Param("L0", (0.0, np.inf), (0.1, 2.1), "log", "loss floor"),
        Param("A", (0.0, np.inf), (1.0, 11.5, 22.0), "log", "scale of the forward-area power law"),
        Param("alpha", (0.0, 5.0), (0.0, 0.4, 0.8), description="forward-area exponent"),
        Param("C", (0.0, np.inf), (1.0, 11.5, 22.0), "log", "loss reduction per unit of annealing area"),
    ),
    inputs=("S1", "S2"),
    formula="L = L0 + A * S1^(-alpha) - C * S2",
    reference="Tissue et al. 2024 (arXiv 2408.11029); 54-point start grid of the authors' script",
    description="LR-annealing law: loss along a run from the forward (S1) and annealing (S2) LR areas",
    min_distinct={"S1": 3},
    linear=("L0", "A", "C"),
)
