"""Self-contained HTML reports: ``build_report(table).write("report.html")``.

One file with inline CSS and figures embedded as base64 PNG (no scripts, no
network): data summary, fits and diagnostics, law comparison, backtest with
interval coverage, planning and caveats. Without matplotlib the report is
written as text and tables only, with a note.
"""

from ._analysis import DEFAULT_LAWS, Analysis, analyse
from ._build import SECTIONS, Report, build_report
from ._caveats import caveats

__all__ = ["DEFAULT_LAWS", "SECTIONS", "Analysis", "Report", "analyse", "build_report", "caveats"]
