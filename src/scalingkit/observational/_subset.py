"""V-optimal choice of which model families to evaluate (Ruan et al. 2024, Sec. 5).

Whole families are selected at a time. For a candidate set S with PC matrix
``X_S`` (rows: the models of the chosen families) and the full pool ``X``,
the V-optimality criterion is ``trace(X'X (X_S'X_S)^-1)``: the summed
prediction variance of a linear model in the PCs over the pool. No intercept
column and no centring beyond the PCA's own.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SubsetChoice", "enumerate_family_subsets", "select_model_subsets", "v_optimality"]


def v_optimality(X_all, X_subset) -> float:
    """``trace(X_all' X_all @ inv(X_subset' X_subset))``; ``inf`` when singular.

    Parameters
    ----------
    X_all : array-like of shape (n, k)
    X_subset : array-like of shape (m, k)

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> X = np.eye(3)
    >>> v_optimality(X, X)
    3.0
    """
    X_all = np.asarray(X_all, dtype=float)
    X_subset = np.asarray(X_subset, dtype=float)
    gram = X_subset.T @ X_subset
    try:
        return float(np.trace(X_all.T @ X_all @ np.linalg.inv(gram)))
    except np.linalg.LinAlgError:
        return float("inf")


@dataclass(frozen=True)
class SubsetChoice:
    """The best family combination under one model budget.

    Attributes
    ----------
    budget : int
        Maximum number of models.
    families : tuple of str
    models : tuple
        Index labels of the selected models.
    criterion : float
        V-optimality value (lower is better).
    random_draws : tuple of tuple of str
        Random family combinations for a baseline (see `select_model_subsets`).
    """

    budget: int
    families: tuple
    models: tuple
    criterion: float
    random_draws: tuple = ()

    @property
    def n_models(self) -> int:
        return len(self.models)


def enumerate_family_subsets(families, counts, grams, *, max_families=10, include=(), n_min=3, limit=10_000_000):
    """Every combination of 1..``max_families`` families (``include`` always in), scored.

    Parameters
    ----------
    families : list of str
        Candidate families in enumeration order.
    counts : dict of str to int
        Models per family.
    grams : dict of str to ndarray (k, k)
        ``X_f' X_f`` per family; the criterion of a union is computed from the sum.
    max_families : int, default=10
    include : tuple of str, default=()
        Families in every combination (they count towards ``max_families``).
    n_min : int, default=3
        Combinations with fewer models are skipped (the Gram matrix is singular).
    limit : int, default=10_000_000
        Refuse to enumerate more combinations than this.

    Returns
    -------
    list of (int, tuple of str, float)
        ``(n_models, families, criterion)`` in enumeration order (criterion
        ``inf`` when skipped).
    """
    free = [f for f in families if f not in include]
    sizes = range(1, max_families - len(include) + 1)
    total = sum(math.comb(len(free), r) for r in sizes)
    if total >= limit:
        msg = f"{total} family combinations exceed the limit of {limit}; lower max_families"
        raise ValueError(msg)
    combos = [tuple(c) + tuple(include) for r in sizes for c in itertools.combinations(free, r)]
    if not combos:
        return []
    index = {f: i for i, f in enumerate(families)}
    G = np.stack([grams[f] for f in families])
    member = np.zeros((len(combos), len(families)))
    for row, combo in enumerate(combos):
        member[row, [index[f] for f in combo]] = 1.0
    n_models = member @ np.array([counts[f] for f in families], dtype=float)
    gram_s = np.einsum("cf,fij->cij", member, G)
    gram_all = G.sum(axis=0)
    crit = np.full(len(combos), np.inf)
    ok = n_models >= n_min
    if ok.any():
        det_ok = np.abs(np.linalg.det(gram_s[ok])) > 1e-300
        idx = np.flatnonzero(ok)[det_ok]
        crit[idx] = np.trace(gram_all @ np.linalg.inv(gram_s[idx]), axis1=1, axis2=2)
    return [(int(n), c, float(v)) for n, c, v in zip(n_models, combos, crit, strict=True)]


def select_model_subsets(pcs: pd.DataFrame, families: pd.Series, budgets, *, max_families=10, include=(),
                         n_random=0, random_seed=0, random_grace=2) -> list[SubsetChoice]:
    """Choose, for each budget, the family combination that minimises V-optimality.

    Parameters
    ----------
    pcs : DataFrame of shape (n_models, k)
        Principal-component scores of the candidate pool (e.g. PC-1..3),
        computed on the pool (see `ObservationalPredictor.transform`).
    families : Series
        Family of each model, aligned with ``pcs``; the enumeration order is
        the order of first appearance.
    budgets : int or list of int
        Maximum numbers of models.
    max_families : int, default=10
    include : str or tuple of str, default=()
        Families forced into every combination (e.g. ``"Llama-2"``).
    n_random : int, default=0
        Also draw this many random combinations per budget for a baseline:
        the combinations with ``max(budget - random_grace, 3) <= n <= budget``,
        shuffled by Python's ``random.Random(random_seed)``, first ``n_random``.
    random_seed : int, default=0
    random_grace : int, default=2

    Returns
    -------
    list of SubsetChoice
        One per budget, in the given order.

    Raises
    ------
    ValueError
        If a budget admits no combination or an included family is unknown.
    """
    budgets = [budgets] if isinstance(budgets, (int, np.integer)) else list(budgets)
    include = (include,) if isinstance(include, str) else tuple(include)
    families = pd.Series(families, index=pcs.index)
    order = list(dict.fromkeys(families.tolist()))
    unknown = [f for f in include if f not in order]
    if unknown:
        msg = f"included family/families {unknown} not in the pool: {', '.join(map(str, order))}"
        raise ValueError(msg)
    X = pcs.to_numpy(dtype=float)
    grams = {f: X[(families == f).to_numpy()].T @ X[(families == f).to_numpy()] for f in order}
    counts = {f: int((families == f).sum()) for f in order}
    scored = enumerate_family_subsets(order, counts, grams, max_families=max_families, include=include,
                                      n_min=X.shape[1])
    choices = []
    for budget in budgets:
        feasible = [s for s in scored if s[0] <= budget and np.isfinite(s[2])]
        if not feasible:
            msg = f"no family combination has between {X.shape[1]} and {budget} models"
            raise ValueError(msg)
        n, best, crit = min(feasible, key=lambda s: s[2])  # first minimum in enumeration order
        draws = ()
        if n_random:
            pool = [s for s in scored if max(budget - random_grace, 3) <= s[0] <= budget]
            random.Random(random_seed).shuffle(pool)  # same draws as random.seed(seed); random.shuffle
            draws = tuple(s[1] for s in pool[:n_random])
        models = tuple(pcs.index[families.isin(best).to_numpy()])
        choices.append(SubsetChoice(budget=int(budget), families=best, models=models, criterion=crit,
                                    random_draws=draws))
    return choices
