"""`build_report` and `Report`: one self-contained HTML file about a runs table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ._analysis import analyse
from ._caveats import caveats_section
from ._html import render
from ._sections import (
    Figures,
    Section,
    backtest_section,
    comparison_section,
    data_section,
    fits_section,
    planning_section,
)

__all__ = ["SECTIONS", "Report", "build_report"]

#: Section keys, in order.
SECTIONS = ("data", "fits", "comparison", "backtest", "planning", "caveats")


@dataclass(frozen=True)
class Report:
    """A rendered-on-demand report.

    Attributes
    ----------
    title, subtitle : str
    sections : tuple of Section
        In the order of `SECTIONS`.
    notes : tuple of str
        Shown at the top (e.g. figures omitted).
    footer : str
    analysis : Analysis
        The fits, backtest, calibration and plans behind the report.
    """

    title: str
    subtitle: str
    sections: tuple
    notes: tuple = ()
    footer: str = ""
    analysis: object = None

    def to_html(self) -> str:
        """The report as one HTML document: inline CSS, images as base64 PNG, no scripts, no links out."""
        return render(self)

    def write(self, path) -> Path:
        """Write `to_html` to ``path`` (UTF-8) and return the path."""
        path = Path(path)
        path.write_text(self.to_html(), encoding="utf-8")
        return path

    def section(self, key: str) -> Section:
        """The section called ``key`` (see `SECTIONS`); KeyError when there is none."""
        for s in self.sections:
            if s.key == key:
                return s
        msg = f"no section '{key}'; sections: {', '.join(s.key for s in self.sections)}"
        raise KeyError(msg)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_dict(self) -> dict:
        """Summary for ``--format json``: sections, the primary fit and the plans."""
        an = self.analysis
        out = {"title": self.title, "sections": [s.key for s in self.sections], "notes": list(self.notes)}
        if an is not None:
            out["primary_law"] = an.primary
            out["laws"] = list(an.laws)
            out["fit"] = an.fits[an.primary].to_dict()
            out["allocations"] = [a.to_dict() for a in an.allocations]
            if an.coverage is not None:
                out["coverage"] = an.coverage.drop(columns=["error"], errors="ignore").to_dict(orient="records")
        return out


def build_report(table, *, laws=None, level: float = 0.8, budget=None, unique_tokens=None, rhos=(0.3, 0.5, 0.7),
                 interval: str = "bootstrap", n_resamples: int = 100, backtest: bool = True, figures: bool = True,
                 fitter=None, title: str | None = None, seed=0, progress=False) -> Report:
    """Analyse a runs table and assemble the report.

    Sections: data summary; fits and diagnostics (fit reports, loss vs compute
    with the extrapolation-aware band, residuals); law comparison; backtest
    (held-out MAPE per law, interval coverage); planning (compute-optimal
    N*, D* with intervals at 10x, 100x, 1000x the largest run and at
    ``budget``); caveats (exponents at a bound, too few distinct N, narrow
    standard errors, intervals that under-cover, ...).

    Parameters
    ----------
    table : RunsTable
    laws : sequence of str or None
        Laws to fit and compare (default ``DEFAULT_LAWS``, those the table
        supports); the first that fits is the primary law.
    level : float, default=0.8
        Interval level.
    budget : float or None
        An extra planning budget (FLOPs).
    unique_tokens : float or None
        With ``budget``: also plan under this limit of unique data.
    rhos : tuple of float, default=(0.3, 0.5, 0.7)
        Training budgets of the backtest splits.
    interval : {"bootstrap", "parametric", "none"}, default="bootstrap"
        Planning intervals.
    n_resamples : int, default=100
        Bootstrap resamples (or normal draws) for planning.
    backtest : bool, default=True
    figures : bool, default=True
        Draw figures (needs matplotlib; without it the report says so).
    fitter : object or None, default=None
        Fitter strategy of every law fit (None: `MultiStartLM` on each law's
        literature grid).
    title : str or None
    seed : int, default=0
    progress : bool or "auto", default=False
        Progress bars on stderr.

    Returns
    -------
    Report
    """
    an = analyse(table, laws=laws, level=level, budget=budget, unique_tokens=unique_tokens, rhos=rhos,
                 interval=interval, n_resamples=n_resamples, backtest=backtest, fitter=fitter, seed=seed,
                 progress=progress)
    figs = Figures(figures)
    builders = (data_section, fits_section, comparison_section, backtest_section, planning_section, caveats_section)
    sections = tuple(b(an, figs) for b in builders)
    notes = ("matplotlib is not installed: this report is text only (pip install 'scalingkit[plot]').",) \
        if figs.missing else ()
    from .. import __version__

    src = table.meta.source or "in-memory table"
    return Report(title or f"scalingkit report: {src}",
                  f"{len(table)} runs, target '{table.target}'; primary law {an.primary}; intervals at {level:.0%}",
                  sections, notes, f"Generated by scalingkit {__version__}. Self-contained: no scripts, no network.",
                  an)
