"""Compare two recipes (two runs tables) at a target scale, with a paired interval on the difference."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..uncertainty._common import check_level, clone, fit_quietly, progress_iter
from ..uncertainty._warm import refit_clone
from .next_run import point_table

__all__ = ["RecipeComparison", "compare_recipes"]


@dataclass(frozen=True)
class RecipeComparison:
    """Predicted target of recipes A and B at one scale, and their difference B - A.

    Attributes
    ----------
    N, D : float
        Target scale.
    pred_a, pred_b : float
        Point predictions of each recipe's fit.
    diff : float
        ``pred_b - pred_a`` (negative: B reaches a lower loss).
    interval : tuple of float
        Percentile interval of the difference over the bootstrap replicates.
    rel_interval : tuple of float
        The same relative to ``pred_a``.
    prob_b_lower : float
        Fraction of replicates in which B predicts the lower value.
    level : float
    paired : bool
        True when both tables share their (N, D) configurations, which were
        then resampled together (common random numbers); False: independently.
    n_replicates : int
        Replicates in which both refits succeeded.
    """

    N: float
    D: float
    pred_a: float
    pred_b: float
    diff: float
    interval: tuple
    rel_interval: tuple
    prob_b_lower: float
    level: float
    paired: bool
    n_replicates: int

    def to_dict(self) -> dict:
        """JSON-ready dict (the CLI's ``--format json`` payload)."""
        out = dict(self.__dict__)
        out["interval"] = list(self.interval)
        out["rel_interval"] = list(self.rel_interval)
        return out


def _keys(table):
    return [(round(float(np.log10(n)), 4), round(float(np.log10(d)), 4)) for n, d in zip(table.N, table.D, strict=True)]


def _rows_by_key(table):
    out = {}
    for i, k in enumerate(_keys(table)):
        out.setdefault(k, []).append(i)
    return {k: np.asarray(v) for k, v in out.items()}


def compare_recipes(table_a, table_b, target_n: float, target_d: float, *, base=None, level: float = 0.8,
                    n_resamples: int = 200, seed=0, extra=None, progress=False) -> RecipeComparison:
    """Is recipe B better than recipe A at (target_n, target_d)? A bootstrap answer.

    Each replicate resamples the configurations of both tables, refits a clone
    of ``base`` to each and records the difference of their predictions at
    the target. When the two tables cover the same (N, D) configurations the
    same draw is used for both (a paired bootstrap), which removes the shared
    design from the comparison.

    Parameters
    ----------
    table_a, table_b : RunsTable
        Runs of recipe A and of recipe B.
    target_n, target_d : float
        Scale at which to compare.
    base : predictor or None
        Predictor fitted to each table; default ``LawPredictor()`` (Chinchilla).
    level : float, default=0.8
    n_resamples : int, default=200
    seed : int, default=0
    extra : mapping or None
        Other input columns at the target.
    progress : bool or "auto", default=False

    Returns
    -------
    RecipeComparison
    """
    from ..estimators import LawPredictor

    level = check_level(level)
    base = LawPredictor() if base is None else base
    target = point_table([target_n], [target_d], target=table_a.target, extra=extra)
    fit_a, fit_b = clone(base).fit(table_a), clone(base).fit(table_b)
    pa, pb = float(fit_a.predict(target)[0]), float(fit_b.predict(target)[0])
    rows_a, rows_b = _rows_by_key(table_a), _rows_by_key(table_b)
    paired = set(rows_a) == set(rows_b)
    keys_a, keys_b = sorted(rows_a), sorted(rows_b)
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in progress_iter(range(n_resamples), description="comparing recipes", show=progress):
        pick_a = rng.integers(0, len(keys_a), len(keys_a))
        pick_b = pick_a if paired else rng.integers(0, len(keys_b), len(keys_b))
        sa = table_a.subset(np.concatenate([rows_a[keys_a[i]] for i in pick_a]))
        sb = table_b.subset(np.concatenate([rows_b[keys_b[i]] for i in pick_b]))
        ea, _ = fit_quietly(refit_clone(base, fit_a), sa)
        eb, _ = fit_quietly(refit_clone(base, fit_b), sb)
        if ea is None or eb is None:
            continue
        diffs.append(float(eb.predict(target)[0]) - float(ea.predict(target)[0]))
    if len(diffs) < 2:
        msg = f"compare: only {len(diffs)} of {n_resamples} replicates could be fitted; the tables are too small"
        raise ValueError(msg)
    d = np.asarray(diffs)
    q = (1 - level) / 2
    lo, hi = (float(v) for v in np.quantile(d, [q, 1 - q]))
    return RecipeComparison(float(target_n), float(target_d), pa, pb, pb - pa, (lo, hi), (lo / pa, hi / pa),
                            float(np.mean(d < 0)), level, paired, int(d.size))
