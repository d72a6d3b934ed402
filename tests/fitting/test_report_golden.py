"""Golden-file tests of the fit report (regenerate with: python tests/fitting/golden_cases.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from golden_cases import GOLDEN, cases, render  # noqa: E402

CASES = cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_report_matches_golden(name):
    expected = (GOLDEN / f"{name}.txt").read_text()
    assert render(CASES[name]) == expected


def test_repr_html_escapes_report():
    html = CASES["chinchilla_huber"]._repr_html_()
    assert html.startswith("<pre>")
    assert "[[Parameters]]" in html
