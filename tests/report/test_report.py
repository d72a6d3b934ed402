"""The HTML report: sections, self-containment, figures, and the text-only fallback."""

from __future__ import annotations

import re
import sys

import pytest

from scalingkit.fitting import MultiStartLM
from scalingkit.report import SECTIONS, build_report

FAST = MultiStartLM(n_starts=16, polish=0)

TITLES = ("Data summary", "Fits and diagnostics", "Law comparison", "Backtest", "Planning", "Caveats")


def test_report_has_every_section_in_order(report):
    assert tuple(s.key for s in report.sections) == SECTIONS
    html = report.to_html()
    positions = [html.index(f"<h2>{t}</h2>") for t in TITLES]
    assert positions == sorted(positions)
    assert report.section("planning").title == "Planning"
    with pytest.raises(KeyError, match="no section 'nope'"):
        report.section("nope")


def test_report_is_self_contained(report):
    html = report.to_html()
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"(src|href)\s*=\s*[\"'](?!data:|#)", html), "only data: URIs and in-page anchors"
    assert "http://" not in html
    assert "https://" not in html
    assert "<script" not in html.lower()
    assert html.count('src="data:image/png;base64,') >= 5


def test_report_content(report):
    html = report.to_html()
    assert "[[Fit: chinchilla]]" in html
    assert "[[Fit: kaplan]]" in html
    assert "Interval coverage (chinchilla, nominal 80%)" in html
    assert "With limited unique data" in html
    assert "<td class=\"l\">1e+22</td>" in html  # the requested budget is planned
    d = report.to_dict()
    assert d["primary_law"] == "chinchilla"
    assert d["laws"] == ["chinchilla", "kaplan"]
    assert {a["budget"] for a in d["allocations"]} >= {1e22}


def test_caveats_flag_a_fit_with_few_distinct_sizes(table):
    small = table.subset(table.N < 2e8)
    rep = build_report(small, laws=["chinchilla"], backtest=False, figures=False, n_resamples=5, fitter=FAST,
                       interval="parametric")
    caveats = rep.section("caveats").html
    assert "distinct N values" in caveats
    assert "<img" not in rep.to_html()


def test_report_without_matplotlib_is_text_only(table, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    rep = build_report(table, laws=["chinchilla"], backtest=False, n_resamples=5, fitter=FAST, interval="parametric")
    html = rep.to_html()
    assert "<img" not in html
    assert "matplotlib is not installed" in html
    assert all(f"<h2>{t}</h2>" in html for t in TITLES)


def test_unknown_law_and_unsupported_law(table):
    from scalingkit.exceptions import UnknownNameError

    with pytest.raises(UnknownNameError):
        build_report(table, laws=["chinchila"])
    rep = build_report(table, laws=["chinchilla", "data_constrained"], backtest=False, figures=False, n_resamples=5,
                       fitter=FAST, interval="none")
    assert "data_constrained (needs column(s) [&#x27;unique_tokens&#x27;])" in rep.section("comparison").html
