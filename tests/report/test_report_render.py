"""Render report.html in headless Chromium: the page is not blank and shows its sections.

Needs the Debian packages ``chromium`` (and ``chromium-driver`` for WebDriver
use); the test skips, saying so, where the browser is absent.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


@pytest.fixture(scope="module")
def browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("headless Chromium is not installed (apt-get install -y chromium chromium-driver)")


def _run(browser, profile, *args, timeout=120):
    """Start Chromium once with a fresh, empty profile folder."""
    profile.mkdir()
    cmd = [browser, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def test_report_renders_in_headless_chromium(report, browser, tmp_path):
    page = report.write(tmp_path / "report.html")
    shot = tmp_path / "report.png"
    proc = _run(browser, tmp_path / "profile-shot", "--window-size=1200,2400", f"--screenshot={shot}", page.as_uri())
    assert shot.exists(), proc.stderr[-2000:]
    from matplotlib.image import imread

    pixels = imread(shot)[..., :3]
    assert pixels.shape[0] >= 2000
    assert pixels.shape[1] >= 1100
    assert pixels.std() > 0.05, "the screenshot is blank"
    assert (pixels.mean(axis=2) < 0.5).mean() > 0.005, "no dark pixels: no text or figures were drawn"
    dom = _run(browser, tmp_path / "profile-dom", "--dump-dom", page.as_uri()).stdout
    for title in ("Data summary", "Fits and diagnostics", "Law comparison", "Backtest", "Planning", "Caveats"):
        assert f"<h2>{title}</h2>" in dom
    assert dom.count("<img") >= 5
