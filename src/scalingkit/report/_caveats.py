"""Caveats: what a reader of the report should not take at face value."""

from __future__ import annotations

import numpy as np

from ._html import esc
from ._sections import Section

__all__ = ["caveats", "caveats_section"]

_FEW = 5  # fewer distinct values than this leave an exponent poorly identified


def _fit_caveats(an) -> list[tuple[str, str]]:
    out = []
    for name in an.laws:
        res = an.fits[name].fit_result_
        if not res.success:
            out.append(("bad", f"{name}: the fit did not converge ({res.message})."))
        if res.at_bound:
            out.append(("bad", f"{name}: parameter(s) {', '.join(res.at_bound)} ended at a bound; their standard "
                               "errors are undefined and the law may be forced into a shape the data do not support."))
        for w in an.fit_warnings.get(name, []):
            out.append(("warn", f"{name}: {w}"))
    t = an.table
    for col in ("N", "D"):
        k = t.n_distinct(col)
        if k < _FEW:
            out.append(("bad", f"only {k} distinct {col} values: the {col} exponent rests on very few points."))
    return out


def _stderr_caveats(an) -> list[tuple[str, str]]:
    if an.interval != "bootstrap" or len(an.draws) < 20:
        return []
    res = an.fits[an.primary].fit_result_
    out = []
    for name, se in res.stderr.items():
        vals = np.array([d.get(name, np.nan) for d in an.draws], dtype=float)
        vals = vals[np.isfinite(vals)]
        if vals.size < 20 or not np.isfinite(se) or se <= 0:
            continue
        q16, q84 = np.quantile(vals, [0.16, 0.84])
        ratio = (q84 - q16) / 2 / se
        if ratio > 2:
            out.append(("warn", f"{an.primary}: the bootstrap spread of {name} is {ratio:.1f}x its asymptotic "
                                "standard error; trust the bootstrap intervals, not the +/- in the fit report."))
    return out


def _extrapolation_caveats(an) -> list[tuple[str, str]]:
    out = []
    c_max = float((6.0 * an.table.N * an.table.D).max())
    if an.allocations:
        top = max(a.budget for a in an.allocations)
        orders = np.log10(top / c_max)
        from ..planning.next_run import point_table

        big = max(an.allocations, key=lambda a: a.budget)
        pts = point_table([big.N], [big.D], target=an.table.target)
        lo, hi = an.conformal.predict_interval(pts, an.level)
        half = 100 * (hi[0] - lo[0]) / 2 / big.loss
        out.append(("warn", f"the largest planned budget ({top:.2g} FLOP) is {orders:.1f} orders of magnitude beyond "
                            f"the largest run; the calibrated {an.level:.0%} interval on its loss is about "
                            f"+/-{half:.1f}%."))
        for a in an.allocations:
            out += [("warn", f"planning at {a.budget:.2g} FLOP: {n}") for n in a.notes]
    cov = an.coverage
    if cov is not None and len(cov):
        for method, grp in cov.groupby("method"):
            c = float(np.nanmean(grp["coverage"]))
            if np.isfinite(c) and c < an.level - 0.15:
                out.append(("bad" if method == "conformal" else "warn",
                            f"{method} intervals covered {100 * c:.0f}% of held-out runs in the backtest against a "
                            f"nominal {100 * an.level:.0f}%: they are too narrow on this data."))
    return out


def _data_caveats(an) -> list[tuple[str, str]]:
    meta = an.table.meta
    out = []
    if "SYNTHETIC" in (meta.notes or "").upper() or "SYNTHETIC" in (meta.source or "").upper():
        out.append(("bad", "these runs are SYNTHETIC (generated from a published fit), not real training runs."))
    if meta.n_convention == "unknown":
        out.append(("warn", "what N counts (total, non-embedding or active parameters) is unknown; "
                            "compute-optimal sizes depend on it."))
    if len(an.table) < 30:
        out.append(("warn", f"only {len(an.table)} runs: every estimate here is fragile."))
    return out


def caveats(an) -> list[tuple[str, str]]:
    """``(severity, text)`` pairs, severity ``"bad"`` or ``"warn"``."""
    return _data_caveats(an) + _fit_caveats(an) + _stderr_caveats(an) + _extrapolation_caveats(an) + [
        ("warn", n) for n in an.notes]


def caveats_section(an, figs) -> Section:
    """The caveats as a list (problems in red), plus a note when figures were left out."""
    items = caveats(an)
    if figs.missing:
        items.append(("warn", "matplotlib is not installed, so this report has no figures "
                              "(pip install 'scalingkit[plot]')."))
    if not items:
        return Section("caveats", "Caveats", '<p class="ok">No caveats were raised.</p>')
    lis = "".join(f'<li><span class="{"bad" if s == "bad" else ""}">{"problem" if s == "bad" else "note"}:</span> '
                  f"{esc(t)}</li>" for s, t in items)
    return Section("caveats", "Caveats", f'<ul class="caveats">{lis}</ul>')
