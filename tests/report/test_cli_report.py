"""`scalingkit report` through the CLI boundary."""

from __future__ import annotations

import json


def test_report_command_writes_one_self_contained_file(invoke, runs_csv, tmp_path):
    out_file = tmp_path / "r.html"
    out, _ = invoke(["report", runs_csv, "--out", out_file, "--law", "chinchilla", "--starts", "16", "--resamples", "5",
                     "--no-backtest", "--no-figures", "--format", "json"])
    payload = json.loads(out)
    assert payload["primary_law"] == "chinchilla"
    assert payload["path"] == str(out_file)
    assert payload["sections"] == ["data", "fits", "comparison", "backtest", "planning", "caveats"]
    html = out_file.read_text()
    assert "<h2>Planning</h2>" in html
    assert "https://" not in html
    assert "No backtest was run." in html


def test_report_command_user_errors(invoke, runs_csv, tmp_path):
    invoke(["report", tmp_path / "missing.csv"], code=2, stderr_contains="no such file")
    invoke(["report", runs_csv, "--law", "chinchila", "--out", tmp_path / "x.html"], code=2,
           stderr_contains="chinchila")
