"""CLI tests: happy paths, error paths (exit 2, one red line, no traceback), JSON equals the API."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from scalingkit.data import read_runs
from scalingkit.estimators import LawPredictor


def test_help_lists_commands(invoke):
    out, _ = invoke(["--help"])
    for cmd in ("fit", "predict", "demo", "laws", "datasets"):
        assert cmd in out


def test_laws_list_table_and_json(invoke):
    out, _ = invoke(["laws", "list"], stdout_contains="chinchilla")
    out, _ = invoke(["laws", "list", "--format", "json"])
    names = {d["name"] for d in json.loads(out)}
    assert {"chinchilla", "kaplan"} <= names


def test_laws_show(invoke):
    invoke(["laws", "show", "chinchilla"], stdout_contains="E + A / N^alpha + B / D^beta")


def test_fit_json_equals_api(invoke, runs_csv):
    args = ["fit", runs_csv, "--n-col", "params", "--d-col", "tokens", "--target", "val_loss", "--starts", "256",
            "--format", "json"]
    out, _ = invoke(args)
    payload = json.loads(out)  # stdout carries only the JSON object
    for key in ("law", "params", "stderr", "objective", "n_rows"):
        assert key in payload
    table = read_runs(runs_csv, n_col="params", d_col="tokens", target="val_loss")
    api = LawPredictor(n_starts=256).fit(table)
    assert payload["params"] == pytest.approx(api.to_dict()["params"], rel=1e-12)
    assert payload["n_rows"] == 30


def test_fit_table_and_save_then_predict(invoke, runs_csv, tmp_path):
    fit_file = tmp_path / "fit.json"
    invoke(["fit", runs_csv, "--n-col", "params", "--d-col", "tokens", "--target", "val_loss", "--starts", "128",
            "--save", fit_file], stdout_contains="[[Parameters]]")
    out, _ = invoke(["predict", fit_file, "--n", "7e10", "--d", "1.4e12", "--format", "json"])
    pred = json.loads(out)["predictions"][0]
    model = LawPredictor.load(fit_file)
    frame = pd.DataFrame({"N": [7e10], "D": [1.4e12], "loss": [1.0]})
    assert pred["prediction"] == pytest.approx(model.predict(frame)[0], rel=1e-12)
    assert pred["lo"] <= pred["prediction"] <= pred["hi"]


def test_predict_from_input_file(invoke, runs_csv, tmp_path):
    fit_file = tmp_path / "fit.json"
    invoke(["fit", runs_csv, "--n-col", "params", "--d-col", "tokens", "--target", "val_loss", "--starts", "64",
            "--save", fit_file, "--format", "json"])
    new = tmp_path / "new.csv"
    pd.DataFrame({"N": [1e9, 1e10], "D": [2e10, 2e11]}).to_csv(new, index=False)
    out, _ = invoke(["predict", fit_file, "--input", new], stdout_contains="prediction")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fit", "{csv}", "--law", "chinchila"], "unknown law 'chinchila'. Did you mean 'chinchilla'?"),
        (["fit", "{csv}"], "missing required column 'N'"),
        (["fit", "{csv}", "--n-col", "params", "--d-col", "tokens"], "missing required column 'loss'"),
        (["fit", "{csv}", "--n-col", "params", "--d-col", "tokens", "--target", "val_loss", "--loss", "l1"],
         "'loss' parameter"),
        (["fit", "{csv}", "--n-col", "params", "--d-col", "tokens", "--target", "val_loss", "--starts", "0"],
         "'n_starts' parameter"),
        (["fit", "no_such_file.csv"], "no such file"),
        (["fit", "no_such_dataset"], "unknown dataset 'no_such_dataset'"),
        (["fit", "{csv}", "--format", "xml"], "--format must be 'table' or 'json'"),
        (["fit", "{csv}", "--no-such-option"], "No such option"),
        (["predict", "{csv}", "--n", "1e9", "--d", "1e10"], "not a saved fit"),
        (["predict", "missing_fit.json", "--n", "1e9", "--d", "1e10"], "no such fit file"),
        (["laws", "show", "kaplna"], "unknown law 'kaplna'"),
    ],
)
def test_user_errors_exit_2_with_one_line(invoke, runs_csv, args, message):
    args = [a.replace("{csv}", str(runs_csv)) for a in args]
    out, err = invoke(args, code=2, stderr_contains=message)
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_bad_values_name_row_and_column(invoke, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("N,D,loss\n1e8,2e9,3.1\n2e8,abc,2.9\n4e8,8e9,2.7\n")
    _, err = invoke(["fit", path], code=2, stderr_contains="'D'")
    assert "row 1" in err
    assert "abc" in err
    path.write_text("N,D,loss\n1e8,2e9,3.1\n2e8,4e9,-2.9\n4e8,8e9,2.7\n")
    _, err = invoke(["fit", path], code=2, stderr_contains="'loss'")
    assert "-2.9" in err
    path.write_text("N,D,loss\n1e8,2e9,3.1\n1e8,2e9,3.1\n4e8,8e9,2.7\n")
    invoke(["fit", path], code=2, stderr_contains="identical")


def test_too_few_distinct_values(invoke, tmp_path):
    path = tmp_path / "one_n.csv"
    pd.DataFrame(
        {"N": [1e8] * 6, "D": [1e9, 2e9, 4e9, 8e9, 1.6e10, 3.2e10], "loss": [3, 2.9, 2.8, 2.7, 2.6, 2.5]}
    ).to_csv(path, index=False)
    invoke(["fit", path], code=2, stderr_contains="too few distinct values of 'N'")


def test_debug_shows_traceback(invoke, runs_csv):
    _, err = invoke(["--debug", "fit", runs_csv, "--law", "chinchila"], code=2)
    assert "Traceback" in err


def test_demo_runs_end_to_end(invoke, tmp_path):
    out, _ = invoke(["demo", "--out", tmp_path / "demo", "--laws", "chinchilla,kaplan", "--format", "json"])
    payload = json.loads(out)
    assert "SYNTHETIC" in payload["title"]
    assert {r["law"] for r in payload["results"]} == {"chinchilla", "kaplan"}
    assert (tmp_path / "demo" / "demo.png").exists()
    chin = next(r for r in payload["results"] if r["law"] == "chinchilla")
    assert chin["mape"] < 0.03  # the generating law extrapolates within noise


def test_user_file_is_not_modified(invoke, runs_csv):
    before = runs_csv.read_bytes()
    invoke(["fit", runs_csv, "--n-col", "params", "--d-col", "tokens", "--target", "val_loss", "--starts", "32",
            "--format", "json"])
    assert runs_csv.read_bytes() == before
