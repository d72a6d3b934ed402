"""Runs table: readers for every format, validation messages, no mutation of user data."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scalingkit.data import RunsTable, read_runs
from scalingkit.exceptions import DataValidationError


@pytest.fixture
def frame():
    N = np.repeat([1e8, 3e8, 1e9], 3)
    D = N * np.tile([10.0, 20.0, 40.0], 3)
    return pd.DataFrame({"params": N, "tokens": D, "val_loss": 2 + 400 / N**0.3 + 900 / D**0.3,
                         "lr": np.linspace(1e-4, 1e-3, 9), "optimizer": ["adamw"] * 9})


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".jsonl", ".json"])
def test_every_format_round_trips(tmp_path, frame, suffix):
    path = tmp_path / f"runs{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".tsv":
        frame.to_csv(path, index=False, sep="\t")
    elif suffix == ".parquet":
        frame.to_parquet(path)
    elif suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_json(path, orient="records")
    table = read_runs(path, n_col="params", d_col="tokens", target="val_loss")
    assert len(table) == 9
    np.testing.assert_allclose(table.N, frame["params"])
    np.testing.assert_allclose(table.D, frame["tokens"])
    np.testing.assert_allclose(table.y, frame["val_loss"])
    assert table.target == "val_loss"
    assert "lr" in table.columns
    assert "optimizer" in table.columns


def test_folder_of_per_configuration_files(tmp_path):
    folder = tmp_path / "sweep"
    folder.mkdir()
    for N, D in [(1e8, 2e9), (2e8, 4e9), (4e8, 8e9)]:
        name = f"group_C_{6 * N * D / 1e12}_N_{int(N)}_D_{int(D)}.csv"
        pd.DataFrame({"lr": [1e-4, 3e-4], "loss": [3.0 - N / 1e9, 3.1 - N / 1e9]}).to_csv(folder / name, index=False)
    table = read_runs(folder)
    assert len(table) == 6
    assert sorted(set(table.N)) == [1e8, 2e8, 4e8]  # filled from the file names
    assert table.frame["config"].str.startswith("group_C_").all()


def test_dataframe_is_not_mutated(frame):
    before = frame.copy(deep=True)
    table = read_runs(frame, n_col="params", d_col="tokens", target="val_loss")
    pd.testing.assert_frame_equal(frame, before)
    table.frame  # noqa: B018 - reading must not change the user's frame either
    pd.testing.assert_frame_equal(frame, before)


def test_file_is_not_modified(tmp_path, frame):
    path = tmp_path / "runs.csv"
    frame.to_csv(path, index=False)
    raw = path.read_bytes()
    read_runs(path, n_col="params", d_col="tokens", target="val_loss")
    assert path.read_bytes() == raw


def test_missing_column_names_flag_and_columns(tmp_path, frame):
    path = tmp_path / "runs.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as exc:
        read_runs(path, d_col="tokens", target="val_loss")
    msg = str(exc.value)
    assert "runs.csv" in msg
    assert "'N'" in msg
    assert "--n-col" in msg
    assert "params" in msg


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [("tokens", "abc", "expected a number"), ("params", "-5", "> 0"), ("val_loss", "inf", "finite"),
     ("val_loss", "0", "> 0")],
)
def test_bad_values_name_file_column_row_and_value(tmp_path, frame, column, value, expected):
    bad = frame.astype({column: object})
    bad.loc[4, column] = value
    path = tmp_path / "runs.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as exc:
        read_runs(path, n_col="params", d_col="tokens", target="val_loss")
    msg = str(exc.value)
    canonical = {"params": "N", "tokens": "D"}.get(column, column)
    assert "runs.csv" in msg
    assert f"'{column}'" in msg or f"'{canonical}'" in msg
    assert "row 4" in msg
    assert "line 6" in msg
    assert expected in msg
    assert exc.value.row == 4


def test_nan_policy(frame):
    bad = frame.copy()
    bad.loc[2, "val_loss"] = np.nan
    with pytest.raises(DataValidationError, match="row 2"):
        read_runs(bad, n_col="params", d_col="tokens", target="val_loss")
    table = read_runs(bad, n_col="params", d_col="tokens", target="val_loss", nan_policy="omit")
    assert len(table) == 8
    assert "1" in table.meta.notes


def test_duplicate_rows(frame):
    dup = pd.concat([frame, frame.iloc[[3]]], ignore_index=True)
    with pytest.raises(DataValidationError, match="identical"):
        read_runs(dup, n_col="params", d_col="tokens", target="val_loss")
    assert len(read_runs(dup, n_col="params", d_col="tokens", target="val_loss", duplicates="keep")) == 10
    assert len(read_runs(dup, n_col="params", d_col="tokens", target="val_loss", duplicates="drop")) == 9


def test_empty_and_missing_path(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("N,D,loss\n")
    with pytest.raises(DataValidationError, match="empty"):
        read_runs(path)
    with pytest.raises(DataValidationError, match="no such file"):
        read_runs(tmp_path / "nope.csv")


def test_existing_canonical_column_is_kept_when_remapping(frame):
    df = frame.assign(N=frame["params"] * 0.9)
    table = read_runs(df, n_col="params", d_col="tokens", target="val_loss")
    np.testing.assert_allclose(table.N, frame["params"])
    assert "N_orig" in table.columns


def test_inputs_derive_compute_and_multiplier(frame):
    table = read_runs(frame, n_col="params", d_col="tokens", target="val_loss")
    X = table.inputs(["N", "D", "C", "M"])
    np.testing.assert_allclose(X["C"], 6 * X["N"] * X["D"])
    np.testing.assert_allclose(X["M"], X["D"] / X["N"])
    with pytest.raises(DataValidationError, match="unique_tokens"):
        table.inputs(["unique_tokens"])


def test_check_distinct(frame):
    table = read_runs(frame.iloc[:3], n_col="params", d_col="tokens", target="val_loss")
    with pytest.raises(DataValidationError, match="too few distinct values of 'N'"):
        table.check_distinct({"N": 2}, what="law 'chinchilla'")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 8), min_size=1, max_size=9, unique=True),
       st.lists(st.integers(0, 8), min_size=1, max_size=9, unique=True))
def test_subset_of_subset_composes(a, b):
    N = np.repeat([1e8, 3e8, 1e9], 3)
    D = N * np.tile([10.0, 20.0, 40.0], 3)
    table = RunsTable(pd.DataFrame({"N": N, "D": D, "loss": 2 + 1e3 / D**0.3}))
    b = [i for i in b if i < len(a)] or [0]
    once = table.subset(np.asarray(a)[b])
    twice = table.subset(a).subset(b)
    np.testing.assert_array_equal(once.N, twice.N)
    np.testing.assert_array_equal(once.y, twice.y)


def test_reads_rescal_folder_from_mirror():
    root = os.environ.get("SCALINGKIT_DATA")
    folder = Path(root or "") / "rescal" / "data" / "DENSE1"
    if not root or not folder.is_dir():
        pytest.skip("ReScaL DENSE1 not available: set SCALINGKIT_DATA to a mirror that has it")
    table = read_runs(folder, duplicates="keep")
    assert len(table) == 411
    assert table.frame["config"].nunique() == 407
