"""Scott-Knott Effect Size Difference (ESD) ranking, in pure Python.

A re-implementation of ``sk_esd`` from the R package ScottKnottESD 2.0.3 (the CRAN release
used through rpy2, e.g. by ReScaL's ``get_stats.py``). It needs neither R nor rpy2.

What ``sk_esd`` 2.0.3 does, read from its source (``R/sk_esd.R``, ``R/scottknott.R``,
``R/partition.R``):

1. No transformation of the data (the ``normalize()`` Box-Cox helper and the log transform
   described in the 2018 paper are *not* applied by ``sk_esd``). Missing values are dropped.
2. Treatments are sorted by mean, highest first (ties keep column order).
3. Pre-order binary splitting. A node of consecutive sorted treatments becomes one group if the
   first (highest mean) and last (lowest mean) treatment differ by a *negligible* Cohen's d
   (pooled standard deviation, ``|d| < 0.2``, as ``effsize::cohen.d``). Otherwise it is split
   where the between-group sum of squares of the treatment means is largest (the Scott-Knott
   split; the first such point on ties), and both halves are processed, left first.
   Version 2.x drops the Scott-Knott likelihood-ratio chi-square test: ``alpha`` is accepted
   by ``sk_esd`` but unused.
4. Groups are numbered 1, 2, ... in traversal order, so group 1 holds the highest means.

ReScaL ranked per-row absolute percentage errors and inverted the group numbers so that rank 1
is the lowest-error group; ``lower_is_better=True`` does the same.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["scott_knott_esd"]

NEGLIGIBLE_D = 0.2
"""Largest ``|d|`` (exclusive) that ``effsize::cohen.d`` labels "negligible"."""

_TRANSFORMS = ("none", "log1p")


def scott_knott_esd(
    errors: pd.DataFrame,
    *,
    alpha: float | None = None,
    transform: str = "none",
    lower_is_better: bool = True,
) -> pd.Series:
    """Rank methods into statistically distinct groups with the Scott-Knott ESD test.

    Parameters
    ----------
    errors : pandas.DataFrame
        One column per method, one row per observation (for example the absolute percentage
        error of each test row). NaNs are allowed and are dropped column by column.
        The frame is not modified.
    alpha : float or None, default=None
        ``None`` reproduces ``ScottKnottESD::sk_esd`` 2.0.3, which splits on effect size alone.
        A float in (0, 1) additionally requires every split to pass the original Scott-Knott
        likelihood-ratio chi-square test at that level, giving equal or fewer groups.
    transform : {"none", "log1p"}, default="none"
        Transformation applied to every value before ranking. ``"none"`` is what ``sk_esd``
        2.0.3 does and what the published ReScaL ranks use; ``"log1p"`` is the ``log(x + 1)``
        normality correction described in Tantithamthavorn et al. (2018).
    lower_is_better : bool, default=True
        If True (errors), the group with the lowest means gets rank 1. If False (scores such as
        accuracy), the group with the highest means gets rank 1, as ``sk_esd``'s own numbering.

    Returns
    -------
    pandas.Series
        Integer rank per method (index = the columns of `errors`, in their order), named
        ``"rank"``. 1 is the best group; methods in the same group share a rank; ranks are the
        consecutive integers 1..G.

    Raises
    ------
    ValueError
        If there are fewer than 2 methods, duplicate method names, a column that is not numeric,
        has no finite value (all NaN) or holds an infinite value, an unknown `transform`, values
        that `transform` cannot take, or an `alpha` outside (0, 1).

    References
    ----------
    C. Tantithamthavorn, S. McIntosh, A. E. Hassan, K. Matsumoto, "The Impact of Automated
    Parameter Optimization on Defect Prediction Models", IEEE TSE 45(7), 2019,
    doi:10.1109/TSE.2018.2794977. R package ScottKnottESD 2.0.3 (CRAN, 2018).
    A. J. Scott, M. Knott, "A cluster analysis method for grouping means in the analysis of
    variance", Biometrics 30(3), 1974.

    Examples
    --------
    >>> import pandas as pd
    >>> errors = pd.DataFrame({"a": [0.01, 0.02, 0.03], "b": [0.50, 0.60, 0.55], "c": [0.02, 0.01, 0.03]})
    >>> scott_knott_esd(errors).to_dict()
    {'a': 1, 'b': 2, 'c': 1}
    """
    samples = _validated_samples(errors, transform)
    if alpha is not None and not (isinstance(alpha, int | float) and 0 < alpha < 1):
        msg = f"alpha must be None or a number in (0, 1); got {alpha!r}."
        raise ValueError(msg)
    names = list(samples)
    means = np.array([samples[name].mean() for name in names])
    order = np.argsort(-means, kind="stable")  # highest mean first, ties in column order
    sorted_names = [names[i] for i in order]
    sorted_samples = [samples[name] for name in sorted_names]
    sorted_means = means[order]

    chi2_args = _pooled_error(sorted_samples) if alpha is not None else None
    groups = _partition(sorted_samples, sorted_means, alpha, chi2_args)

    n_groups = max(groups)
    ranks = [n_groups - g + 1 if lower_is_better else g for g in groups]
    by_name = dict(zip(sorted_names, ranks, strict=True))
    return pd.Series([by_name[name] for name in names], index=pd.Index(names), name="rank", dtype="int64")


def _validated_samples(errors, transform: str) -> dict:
    """Column name -> 1-D float array of its non-NaN values, transformed; raises on bad input."""
    if transform not in _TRANSFORMS:
        msg = f"Unknown transform {transform!r}; expected one of {list(_TRANSFORMS)}."
        raise ValueError(msg)
    frame = errors if isinstance(errors, pd.DataFrame) else pd.DataFrame(errors)
    if frame.shape[1] < 2:
        msg = f"Scott-Knott ESD needs at least 2 methods (columns); got {frame.shape[1]}: {list(frame.columns)}."
        raise ValueError(msg)
    if frame.columns.has_duplicates:
        dupes = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        msg = f"Method names (columns) must be unique; duplicated: {dupes}."
        raise ValueError(msg)
    samples = {}
    for name in frame.columns:
        column = frame[name]
        if not (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)):
            msg = f"Column {name!r} must be numeric; got dtype {column.dtype}."
            raise ValueError(msg)
        values = column.to_numpy(dtype=float)
        values = values[~np.isnan(values)]
        if values.size == 0:
            msg = f"Column {name!r} has no values (all NaN); drop it or fill it before ranking."
            raise ValueError(msg)
        if not np.all(np.isfinite(values)):
            msg = f"Column {name!r} holds an infinite value; errors must be finite."
            raise ValueError(msg)
        if transform == "log1p":
            if np.any(values <= -1):
                msg = f"transform='log1p' needs values > -1; column {name!r} has minimum {values.min()!r}."
                raise ValueError(msg)
            values = np.log1p(values)
        samples[name] = values
    return samples


def _partition(samples: list, means: np.ndarray, alpha: float | None, chi2_args) -> list[int]:
    """Group numbers (1 = first group formed, i.e. highest means) for treatments sorted by mean."""
    groups = [0] * len(means)
    next_group = 1

    def visit(lo: int, hi: int) -> None:
        nonlocal next_group
        if lo == hi or _negligible(samples[lo], samples[hi]):
            split = None
        else:
            split, bss = _best_split(means[lo : hi + 1])
            if alpha is not None and not _chi2_split_is_significant(means[lo : hi + 1], bss, *chi2_args, alpha):
                split = None
        if split is None:
            groups[lo : hi + 1] = [next_group] * (hi - lo + 1)
            next_group += 1
            return
        visit(lo, lo + split)
        visit(lo + split + 1, hi)

    visit(0, len(means) - 1)
    return groups


def _best_split(means: np.ndarray) -> tuple[int, float]:
    """Scott-Knott split of sorted means: the last index of the left part, and its between-group SS.

    For a split after position ``i`` the between-group sum of squares of the means is
    ``T1**2 / n1 + T2**2 / n2 - (T1 + T2)**2 / n`` with ``T1``, ``T2`` the sums of the two
    parts. The first maximising position is returned (as R's ``order(..., decreasing=TRUE)[1]``).
    """
    values = [float(v) for v in means]
    n = len(values)
    if n < 2:
        msg = f"A split needs at least 2 means; got {n}."
        raise ValueError(msg)
    total = math.fsum(values)
    best_index, best_bss = 0, -math.inf
    for i in range(n - 1):
        left = math.fsum(values[: i + 1])
        right = math.fsum(values[i + 1 :])
        bss = left**2 / (i + 1) + right**2 / (n - i - 1) - total**2 / n
        if bss > best_bss:
            best_index, best_bss = i, bss
    return best_index, best_bss


def _cohens_d(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's d of ``a`` versus ``b`` with the pooled standard deviation (``effsize::cohen.d``).

    When the pooled standard deviation is zero or undefined (constant samples, or one value
    each), d is 0 for equal means and infinite otherwise.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    delta = float(a.mean() - b.mean())
    dof = a.size + b.size - 2
    within = float(np.sum((a - a.mean()) ** 2) + np.sum((b - b.mean()) ** 2))
    pooled_sd = math.sqrt(within / dof) if dof > 0 else 0.0
    if pooled_sd == 0.0:
        return 0.0 if delta == 0.0 else math.copysign(math.inf, delta)
    return delta / pooled_sd


def _negligible(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the difference between two samples is negligible: ``|d| < 0.2`` (Cohen, 1992)."""
    return abs(_cohens_d(a, b)) < NEGLIGIBLE_D


def _pooled_error(samples: list) -> tuple[float, float]:
    """Variance of a treatment mean and the residual degrees of freedom of the one-way ANOVA.

    The residual mean square is the pooled within-treatment variance; the variance of a mean
    is it times the average of ``1 / n_i`` (``MSE / r`` with equal replicates ``r``).
    """
    sizes = np.array([s.size for s in samples], dtype=float)
    dfr = float(sizes.sum() - len(samples))
    if dfr <= 0:
        msg = "The chi-square test (alpha is not None) needs more than one observation per method."
        raise ValueError(msg)
    sse = math.fsum(float(np.sum((s - s.mean()) ** 2)) for s in samples)
    return sse / dfr * float(np.mean(1.0 / sizes)), dfr


def _chi2_split_is_significant(
    means: np.ndarray, bss: float, mean_variance: float, dfr: float, alpha: float
) -> bool:
    """Scott & Knott's (1974) likelihood-ratio test of a split of ``k`` sorted means.

    ``sigma0**2 = (sum((m - mean(m))**2) + dfr * mean_variance) / (k + dfr)`` and
    ``lambda = pi / (2 * (pi - 2)) * bss / sigma0**2`` is compared with the upper `alpha`
    quantile of a chi-square distribution with ``k / (pi - 2)`` degrees of freedom.
    """
    from scipy import stats

    k = len(means)
    spread = float(np.sum((means - np.mean(means)) ** 2))
    sigma0_sq = (spread + dfr * mean_variance) / (k + dfr)
    if sigma0_sq == 0.0:
        return bss > 0.0
    lam = math.pi / (2 * (math.pi - 2)) * bss / sigma0_sq
    return bool(lam > stats.chi2.isf(alpha, k / (math.pi - 2)))
