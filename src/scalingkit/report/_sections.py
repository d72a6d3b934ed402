"""Report sections: each turns part of an `Analysis` into HTML (and figures, when matplotlib is there)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._html import esc, fmt, human, img, kv_table, pre, table

__all__ = ["Figures", "Section", "backtest_section", "comparison_section", "data_section", "fits_section",
           "planning_section"]

_DISTANCE_UNITS = {"relative": "orders of magnitude of compute beyond the largest run, per order of magnitude "
                               "the runs span", "compute": "orders of magnitude of compute",
                   "nd": "largest excess in C, N or D, in orders of magnitude"}


@dataclass(frozen=True)
class Section:
    """One section of a report: an anchor ``key``, a ``title`` and its HTML body."""

    key: str
    title: str
    html: str


class Figures:
    """Draws figures to PNG bytes, or records once that matplotlib is missing."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.missing = False
        self.count = 0

    def png(self, fn, *args, **kwargs) -> bytes | None:
        """PNG bytes of ``fn(*args, **kwargs)``, or None (figures off, or matplotlib missing)."""
        if not self.enabled or self.missing:
            return None
        try:
            from ..plotting import figure_to_png

            fig = fn(*args, **kwargs)
        except ImportError:
            self.missing = True
            return None
        self.count += 1
        return figure_to_png(fig)


def _plot(name):
    def call(*args, **kwargs):
        from .. import plotting

        return getattr(plotting, name)(*args, **kwargs)

    return call


def _size_rows(t, max_rows: int = 12):
    """Runs per model size; sizes are binned by quarter-decade when there are many."""
    N, D = t.N, t.D
    if np.unique(N).size <= max_rows:
        keys, labels = N, {n: fmt(n) for n in np.unique(N)}
    else:
        keys = np.floor(4 * np.log10(N)) / 4
        labels = {k: f"{fmt(N[keys == k].min())} to {fmt(N[keys == k].max())}" for k in np.unique(keys)}
    return [(labels[k], int((keys == k).sum()), fmt(D[keys == k].min()), fmt(D[keys == k].max()))
            for k in np.unique(keys)]


def data_section(an, figs) -> Section:
    """Source, ranges, distinct values and runs per model size."""
    t = an.table
    d = t.describe()
    C = 6.0 * t.N * t.D
    pairs = [("source", d["source"]), ("rows", d["rows"]), ("target", d["target"]),
             ("N range (parameters)", f"{fmt(d['N_range'][0])} to {fmt(d['N_range'][1])}"),
             ("D range (tokens)", f"{fmt(d['D_range'][0])} to {fmt(d['D_range'][1])}"),
             ("compute range 6ND (FLOP)", f"{fmt(C.min())} to {fmt(C.max())}"),
             ("target range", f"{fmt(d['target_range'][0])} to {fmt(d['target_range'][1])}"),
             ("distinct N / distinct D", f"{d['distinct_N']} / {d['distinct_D']}"),
             ("N counts", d["n_convention"]), ("columns", ", ".join(map(str, d["columns"]))),
             ("notes", d["notes"] or "none")]
    body = kv_table(pairs) + "<h3>Runs per model size</h3>" + table(("N", "runs", "min D", "max D"), _size_rows(t))
    return Section("data", "Data summary", body)


def fits_section(an, figs) -> Section:
    """The primary fit with its extrapolation band and residuals, every fit report, and the calibration."""
    from ..fitting import format_report

    model = an.fits[an.primary]
    parts = [f"<p>Primary law: <b>{esc(an.primary)}</b>, fitted to all {len(an.table)} runs "
             f"({esc(model.fit_result_.objective_name)}, {model.fit_result_.n_starts} starts, "
             f"{an.fit_seconds[an.primary]:.2f} s). The band is the extrapolation-aware conformal "
             f"{an.level:.0%} interval: it widens with distance beyond the largest run, at the rate the "
             "training runs' own extrapolation folds showed.</p>"]
    c_top = max([a.budget for a in an.allocations], default=None)
    parts.append(img(figs.png(_plot("plot_loss_vs_compute"), model, an.table, intervals=an.conformal,
                              level=an.level, extend_to=c_top, title=f"{an.primary} law and extrapolation"),
                     "Loss against compute with the fitted law's compute-optimal frontier; dashed beyond the data.",
                     "loss versus compute"))
    parts.append(img(figs.png(_plot("plot_residuals"), model, an.table),
                     "Relative residuals of the fit: structure against compute or N means the law's shape misses.",
                     "residuals"))
    for name in an.laws:
        with np.errstate(invalid="ignore"):  # NaN variances of parameters at a bound
            text = format_report(an.fits[name].fit_result_)
        parts.append(f"<h3>{esc(name)}</h3>" + pre(text))
    cal = an.conformal.calibration_.to_dict(an.level)
    parts.append("<h3>Interval calibration</h3>" + kv_table([
        ("method", "extrapolation-aware conformal (folds of the training runs, cheapest first)"),
        ("folds fitted", cal["n_folds"]), ("calibration rows", cal["n_scores"]),
        (f"half-width at the edge of the data ({an.level:.0%})", f"{100 * cal['k'] * cal['c0']:.2f}%"),
        (f"growth beyond the data (d: {_DISTANCE_UNITS.get(cal['distance'], cal['distance'])}; {cal['growth']})",
         f"+{100 * cal['k'] * cal['c1']:.2f}% x d^{cal['power']:g}"),
        ("largest calibrated distance", fmt(cal["max_distance"]))]))
    return Section("fits", "Fits and diagnostics", "".join(parts))


def comparison_section(an, figs) -> Section:
    """One row per law: parameters, status, bounds, in-sample and held-out MAPE."""
    rows = []
    for name in an.laws:
        m = an.fits[name]
        res = m.fit_result_
        pred = m.predict(an.table)
        ape = np.abs(pred - an.table.y) / an.table.y
        held = np.nan
        if an.backtest is not None and len(an.backtest):
            bt = an.backtest[an.backtest["method"] == name]
            held = float(bt["mape"].mean()) if len(bt) else np.nan
        rows.append((name, len(res.params), res.status.name.lower(), ", ".join(res.at_bound) or "-",
                     fmt(res.objective), f"{100 * ape.mean():.2f}%",
                     "n/a" if not np.isfinite(held) else f"{100 * held:.2f}%", f"{an.fit_seconds[name]:.2f}"))
    rows.sort(key=lambda r: float(r[6].rstrip("%")) if r[6] != "n/a" else np.inf)
    body = ("<p>Every law fitted to all runs with the same robust objective; <i>held-out MAPE</i> is the mean over "
            "the backtest's extrapolation splits (lower is better; laws are sorted by it).</p>"
            + table(("law", "params", "status", "at bound", "objective", "in-sample MAPE", "held-out MAPE",
                     "fit s"), rows))
    if an.skipped:
        body += "<p>Not fitted: " + "; ".join(f"{esc(k)} ({esc(v)})" for k, v in an.skipped.items()) + "</p>"
    return Section("comparison", "Law comparison", body)


def backtest_section(an, figs) -> Section:
    """Held-out MAPE per law and split, and interval coverage of the primary law."""
    if an.backtest is None or not len(an.backtest):
        return Section("backtest", "Backtest", "<p>No backtest was run.</p>")
    bt = an.backtest
    piv = bt.pivot_table(index="pair", columns="method", values="mape", sort=False)
    rows = [(pair, *[f"{100 * v:.2f}%" if np.isfinite(v) else "n/a" for v in piv.loc[pair]]) for pair in piv.index]
    n = bt.groupby("pair")[["n_train", "n_test"]].first()
    body = ("<p>Train on the cheapest rho fraction of configurations (by 6ND), predict the costliest 10%. "
            f"Training/test rows per split: {', '.join(f'{p}: {a}/{b}' for p, (a, b) in n.iterrows())}.</p>"
            + "<h3>MAPE on held-out expensive runs</h3>" + table(("split", *piv.columns), rows))
    body += img(figs.png(_plot("plot_backtest_summary"), bt, metric="mape"), "Held-out MAPE per law.", "backtest MAPE")
    if an.coverage is not None and len(an.coverage):
        cov = an.coverage
        crow = [(r.pair, r.method, f"{100 * r.coverage:.0f}%" if np.isfinite(r.coverage) else "n/a",
                 f"{100 * r.width:.2f}%" if np.isfinite(r.width) else "n/a", r.n_test) for r in cov.itertuples()]
        body += (f"<h3>Interval coverage ({esc(an.primary)}, nominal {an.level:.0%})</h3>"
                 "<p><i>delta</i>: Jacobian / covariance interval plus run-to-run scatter (assumes the law is right); "
                 "<i>conformal</i>: extrapolation-aware calibration. Width is the mean of (hi - lo) / y.</p>"
                 + table(("split", "method", "coverage", "width", "test rows"), crow, left=2))
        body += img(figs.png(_plot("plot_backtest_summary"), cov, metric="width", level=an.level),
                    "Interval width and empirical coverage on the held-out runs.", "interval coverage")
    return Section("backtest", "Backtest", body)


def _iv(a, key, show):
    if key not in a.intervals:
        return "n/a"
    lo, hi = a.intervals[key]
    return f"{show(lo)} to {show(hi)}"


def planning_section(an, figs) -> Section:
    """Compute-optimal allocations with intervals, limited-data plan, iso-loss contours."""
    if not an.allocations:
        return Section("planning", "Planning", "<p>No allocation could be computed.</p>")
    a0 = an.allocations[0]
    def g3(v):
        return f"{v:.3g}"

    def g4(v):
        return f"{v:.4g}"

    rows = [(f"{a.budget:.3g}", human(a.N), _iv(a, "N", human), human(a.D), _iv(a, "D", human),
             g3(a.tokens_per_param), _iv(a, "tokens_per_param", g3), g4(a.loss), _iv(a, "loss", g4))
            for a in an.allocations]
    body = (f"<p>Compute-optimal model size and tokens under the fitted {esc(an.primary)} law "
            f"({esc(a0.method)}), with {a0.level:.0%} intervals over {a0.n_draws} {esc(a0.interval_method)} "
            "parameter draws. Loss intervals are for the fitted curve (parameter uncertainty only).</p>"
            + table(("budget (FLOP)", "N*", "N* interval", "D* (tokens)", "D* interval", "D/N", "D/N interval",
                     "loss", "loss interval"), rows))
    if an.constrained is not None:
        c = an.constrained
        body += ("<h3>With limited unique data</h3>" + kv_table([
            ("unique tokens", fmt(c.extra["unique_tokens"])), ("N*", fmt(c.N)), ("D*", fmt(c.D)),
            ("epochs", f"{c.extra['epochs']:.3g}"), ("loss", fmt(c.loss)),
            ("loss penalty vs unlimited data", fmt(c.extra["loss_penalty"]))])
            + "".join(f"<p>{esc(n)}</p>" for n in c.notes))
    body += img(figs.png(_plot("plot_isoloss"), an.fits[an.primary], table=an.table,
                         budgets=[a.budget for a in an.allocations]),
                "Iso-loss contours in (N, D); dashed: iso-FLOP lines at the planned budgets; "
                "red: compute-optimal path.",
                "iso-loss contours")
    return Section("planning", "Planning", body)
