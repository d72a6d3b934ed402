"""``scalingkit observational`` and ``reproduce obsscaling``: happy and error paths."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from scalingkit.cli.reproduce_obsscaling import run_obsscaling
from scalingkit.observational import CutoffSplit, ObservationalPredictor, evaluate_split


def test_help(invoke):
    out, _ = invoke(["observational", "--help"], stdout_contains="--n-components")
    assert "cutoff:COL:VALUE" in out


def test_table_output(invoke, models_csv):
    out, _ = invoke(["observational", models_csv, "--target", "task", "--split", "cutoff:flops:3",
                     "--benchmarks", "b1,b2,b3,b4,b5,b6"], stdout_contains="test MSE")
    assert "law: y = (1 - " in out
    assert "m0" in out


def test_json_equals_the_api(invoke, models_csv, models, bench):
    out, _ = invoke(["observational", models_csv, "--target", "task", "--split", "cutoff:flops:3",
                     "--benchmarks", ",".join(bench), "--n-components", "2", "-f", "json"])
    payload = json.loads(out)
    api = evaluate_split(ObservationalPredictor(n_components=2, benchmarks=bench), models, "task",
                         CutoffSplit("flops", 3.0)).to_dict()
    for key in ("n_train", "n_test", "test_mse", "test_mae", "features", "link"):
        assert payload[key] == pytest.approx(api[key]) if isinstance(api[key], float) else payload[key] == api[key]
    assert [p["model"] for p in payload["predictions"]] == [models.loc[p["index"], "Model"] for p in api["predictions"]]


def test_top_split_transform_and_cv(invoke, models_csv, bench):
    out, _ = invoke(["observational", models_csv, "--target", "task", "--split", "top:task:0.2", "--method", "cv",
                     "--benchmarks", ",".join(bench), "--transform", "minmax:0.1:1", "-f", "json"])
    payload = json.loads(out)
    assert payload["n_test"] == 12
    assert payload["predictor"] == "CVObservationalPredictor"
    assert payload["transform"] == "minmax:0.1:1"
    assert "chosen" in payload


def test_stacked_method(invoke, models_csv, models, bench):
    args = ["observational", models_csv, "--target", "task", "--split", "cutoff:flops:3", "--method", "stack",
            "--benchmarks", ",".join(bench)]
    out, _ = invoke(args, stdout_contains="weighted average of")
    assert "ranked by flops" in out
    payload = json.loads(invoke([*args, "-f", "json"])[0])
    assert payload["predictor"] == "StackedObservationalPredictor"
    assert payload["rank_by"] == "flops"
    assert sum(m["weight"] for m in payload["members"]) == pytest.approx(1.0)
    assert payload["settings"]["rank_by"] == "flops"


def test_without_split_fits_all(invoke, models_csv, bench):
    out, _ = invoke(["observational", models_csv, "--target", "task", "--benchmarks", ",".join(bench)])
    assert "n_test 0" in out
    assert "train" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--target", "nope"], "unknown target column 'nope'"),
    (["--target", "task", "--split", "random:3"], "cannot parse split"),
    (["--target", "task", "--split", "cutoff:flopz:3"], "unknown column 'flopz'"),
    (["--target", "task", "--n-components", "9", "--benchmarks", "b1,b2,b3"], "exceeds pca_components"),
    (["--target", "task"], "no standard benchmark column"),
    (["--target", "task", "--method", "bayes"], "--method must be 'paper', 'cv' or 'stack'"),
    (["--target", "task", "--transform", "sqrt"], "unknown target transform"),
    (["--target", "task", "--benchmarks", "b1,zz"], "not in the table"),
])
def test_user_errors_exit_2(invoke, models_csv, args, message):
    invoke(["observational", models_csv, *args], code=2, stderr_contains=message)


def test_missing_file_and_option(invoke, tmp_path):
    invoke(["observational", tmp_path / "none.csv", "--target", "y"], code=2, stderr_contains="no such file")
    invoke(["observational", tmp_path / "none.csv"], code=2, stderr_contains="--target")


def test_reproduce_needs_the_reference(tmp_path):
    with pytest.raises(FileNotFoundError, match="reference table not found"):
        run_obsscaling(tmp_path / "out", reference=tmp_path / "missing.csv")
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError):
        run_obsscaling(tmp_path / "file", reference=tmp_path / "missing.csv")


def test_reproduce_writes_results(data_root, tmp_path):
    reference = pd.read_csv(data_root / "obsscaling" / "reference_results.csv")
    small = tmp_path / "ref.csv"
    reference.iloc[[16, 17, 18, 25]].to_csv(small, index=False)  # GPQA x3 and one agent row
    payload = run_obsscaling(tmp_path / "out", reference=small, ours=True)
    assert payload["passed"]
    assert payload["summary"]["within_tolerance"] == 4
    results = pd.read_csv(tmp_path / "out" / "results.csv")
    assert list(results["target"]) == list(reference.iloc[[16, 17, 18, 25]]["target"])
    assert {"ref_test_mse", "rel_diff_mse", "within_tolerance"} <= set(results.columns)
    ours = pd.read_csv(tmp_path / "out" / "ours.csv")
    assert len(ours) == 2  # the principal-component rows
    assert {"published_test_mse", "ours_test_mse", "ours_weights", "ratio_ours_to_published"} <= set(ours.columns)
    assert payload["summary"]["comparison_rows"] == 2
    assert "mean_test_mse_ours" in payload["summary"]
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["passed"]


def test_reproduce_command(invoke, data_root, tmp_path):
    reference = pd.read_csv(data_root / "obsscaling" / "reference_results.csv")
    small = tmp_path / "ref.csv"
    reference.iloc[[25, 26]].to_csv(small, index=False)  # two agent rows: fast
    out, _ = invoke(["reproduce", "obsscaling", "--out", tmp_path / "o", "--reference", small, "--no-ours",
                     "-f", "json"])
    payload = json.loads(out)
    assert payload["passed"]
    assert payload["summary"]["rows"] == 2
    invoke(["reproduce", "obsscaling", "--out", tmp_path / "o", "--reference", tmp_path / "no.csv"], code=2,
           stderr_contains="reference table not found")
