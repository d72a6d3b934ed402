"""Plain-text report of a `FitResult` (a pure function of the result)."""

from __future__ import annotations

import math

import numpy as np

from .result import FitResult

__all__ = ["format_report"]


def format_report(result: FitResult) -> str:
    """Fit statistics, value +/- stderr, parameters at a bound, strong correlations."""
    lines = [
        f"[[Fit: {result.law}]]",
        f"    status     = {result.status.name.lower()} ({result.message})",
        f"    objective  = {result.objective:.6g}  [{result.objective_name}]",
        f"    rows       = {result.n_rows}",
        f"    starts     = {result.n_starts} ({result.n_best_basin} reached the best basin)",
        f"    iterations = {result.n_iter}",
        "[[Parameters]]",
    ]
    width = max([len(k) for k in result.all_params] + [4])
    for name, value in result.params.items():
        se = result.stderr.get(name, math.nan)
        rel = f" ({100 * se / abs(value):.2f}%)" if math.isfinite(se) and value != 0 else ""
        se_txt = f"+/- {se:.4g}{rel}" if math.isfinite(se) else "+/- n/a"
        flag = "  (at bound)" if name in result.at_bound else ""
        lines.append(f"    {name:<{width}} = {value:.6g} {se_txt}{flag}")
    for name, value in result.constants.items():
        lines.append(f"    {name:<{width}} = {value:.6g} (fixed)")
    cov = np.asarray(result.covariance, dtype=float)
    names = list(result.params)
    corr_lines = []
    if cov.size:
        sd = np.sqrt(np.diag(cov))
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                if sd[i] > 0 and sd[j] > 0 and np.isfinite(cov[i, j]):
                    c = cov[i, j] / (sd[i] * sd[j])
                    if abs(c) >= 0.5:
                        corr_lines.append(f"    C({names[i]}, {names[j]}) = {c:+.3f}")
    if corr_lines:
        lines.append("[[Correlations]] (|C| >= 0.5)")
        lines.extend(corr_lines)
    return "\n".join(lines)
