"""ReScaL's law ensemble: partially fitted members, cross-validated softmax weights.

Pieces of `ReScaL` that know nothing of the residual model: the member list
(``PARTS``), the "data constraint" row reduction, the shuffled k-fold MAPE
score and the softmax weighting. PROTOCOL.md sections 3.2 to 3.4.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .baselines import BoundedLawPredictor

__all__ = ["PARTS", "build_members", "cv_mape", "data_constraint_rows", "softmax_weights"]

#: Members per law: (label, parameters freed to +-30 %; None frees all). Every other parameter is held to +-1 %.
PARTS = {
    "farseer": (("P1", ("a1", "alpha", "b1")), ("P2", ("a2", "beta", "b2")), ("P3", ("a3", "gamma", "b3"))),
    "chinchilla": (("N", ("A", "alpha", "E")), ("D", ("B", "beta", "E")), ("ALL", None)),
    "kaplan": (("N", ("Nc", "alpha_N")), ("D", ("Dc", "alpha_D")), ("ALL", None)),
}


def build_members(laws, *, gradient="analytic"):
    """Unfitted members, in ReScaL's order: each law's parts in `PARTS` order.

    Returns
    -------
    names : list of str
        ``"<law>-<part>"``, e.g. ``"farseer-P1"``.
    members : list of BoundedLawPredictor
    """
    names, members = [], []
    for law in laws:
        if law not in PARTS:
            msg = f"The 'laws' parameter of ReScaL must contain only {sorted(PARTS)}. Got {law!r} instead."
            raise ValueError(msg)
        for label, free in PARTS[law]:
            names.append(f"{law}-{label}")
            members.append(BoundedLawPredictor(law=law, free=free, gradient=gradient))
    return names, members


def data_constraint_rows(N, D, y, top_k: int) -> np.ndarray:
    """Rows the laws are fitted on: the ``top_k`` lowest-loss rows of each (N, D).

    When no (N, D) occurs twice every row is kept, in table order; otherwise
    the kept rows come sorted by loss, as ReScaL's ``sort_values`` +
    ``groupby.head`` leaves them.

    Returns
    -------
    ndarray of int
        Row positions.
    """
    df = pd.DataFrame({"N": N, "D": D, "y": y})
    if not df.duplicated(["N", "D"]).any():
        return np.arange(len(df))
    kept = df.sort_values("y", kind="quicksort").groupby(["N", "D"], sort=False).head(top_k)
    return kept.index.to_numpy()


def cv_mape(member, X, y, n_folds: int, rng) -> float:
    """Mean over folds of the held-out MAPE (fraction) of ``member`` refitted on the other folds.

    The rows are shuffled with ``rng`` and cut into ``n_folds`` consecutive
    chunks (the first ``n % n_folds`` one row longer), as ReScaL does.
    With fewer rows than folds, each row is its own fold.
    """
    n = len(y)
    order = rng.permutation(n)
    folds = np.array_split(order, min(n_folds, n))
    scores = []
    for hold in folds:
        train = np.setdiff1d(order, hold, assume_unique=True)
        if hold.size == 0 or train.size == 0:
            continue
        member._fit_arrays({k: v[train] for k, v in X.items()}, y[train])
        pred = member._predict_arrays({k: v[hold] for k, v in X.items()})
        with np.errstate(invalid="ignore", over="ignore"):
            scores.append(float(np.mean(np.abs(y[hold] - pred) / y[hold])))
    score = float(np.mean(scores)) if scores else np.inf
    return score if np.isfinite(score) else np.inf


def softmax_weights(scores, T: float) -> np.ndarray:
    """``softmax(-score / T)``, shifted by the best score; non-finite scores get weight 0.

    Examples
    --------
    >>> softmax_weights([0.02, 0.03, 0.5], T=0.1).round(3).tolist()
    [0.523, 0.473, 0.004]
    """
    s = np.asarray(scores, dtype=float)
    ok = np.isfinite(s)
    if not ok.any():
        return np.full(s.shape, 1.0 / s.size)
    z = np.where(ok, -(s - s[ok].min()) / T, -np.inf)
    w = np.exp(z)
    return w / w.sum()
