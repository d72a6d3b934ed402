"""Bad input raises DataValidationError naming the file, column, row and value."""

from __future__ import annotations

import pandas as pd
import pytest

from scalingkit.data import read_runs
from scalingkit.exceptions import DataValidationError

HEADER = "N,D,loss,family\n"
GOOD = ["1e8,2e9,3.1,a", "2e8,4e9,3.0,b", "4e8,8e9,2.9,a", "8e8,1.6e10,2.8,b", "1.6e9,3.2e10,2.7,a"]


def _csv(rows):
    return HEADER + "\n".join(rows) + "\n"


def _with(row: int, line: str):
    rows = list(GOOD)
    rows[row] = line
    return _csv(rows)


def _raises(source, **kwargs) -> DataValidationError:
    with pytest.raises(DataValidationError) as exc:
        read_runs(source, **kwargs)
    return exc.value


@pytest.mark.parametrize(
    ("role", "kwargs", "flag", "hint"),
    [
        ("N", {"n_col": "params"}, "--n-col", "--n-col NAME"),
        ("D", {"d_col": "tokens"}, "--d-col", "--d-col NAME"),
        ("target", {"target": "val_loss"}, "--target", "--target NAME"),
    ],
)
def test_missing_required_column(write_csv, role, kwargs, flag, hint):
    path = write_csv(_csv(GOOD))
    err = _raises(path, **kwargs)
    column = next(iter(kwargs.values()))
    msg = str(err)
    assert msg.startswith(f"{path}: missing required column '{column}' (set by {flag}); ")
    assert "columns present: N, D, loss, family." in msg
    assert "Hint: " in msg
    assert hint in msg
    assert (err.source, err.column) == (str(path), column)


def test_missing_default_n_column_message_shape(write_csv):
    path = write_csv("a,b,c\n1,2,3\n")
    msg = str(_raises(path))
    assert f"{path}: missing required column 'N' (set by --n-col); columns present: a, b, c." in msg
    assert "Hint: map your parameter-count column with --n-col NAME." in msg


def test_missing_column_suggests_close_name(write_csv):
    path = write_csv("n,D,loss\n1e8,2e9,3\n")
    assert "Did you mean 'n'?" in str(_raises(path))


def test_non_numeric_value_names_file_column_row_line_value(write_csv):
    path = write_csv(_with(3, "8e8,abc,2.8,b"))
    err = _raises(path)
    assert str(err).startswith(f"{path}, column 'D', row 3 (line 5): expected a number, got 'abc'.")
    assert "Hint:" in str(err)
    assert (err.source, err.column, err.row, err.value) == (str(path), "D", 3, "abc")


def test_non_numeric_value_reported_under_the_users_column_mapping(write_csv):
    path = write_csv("params,D,loss\n1e8,2e9,3\nmany,4e9,2.9\n")
    msg = str(_raises(path, n_col="params"))
    assert "column 'N', row 1 (line 3): expected a number, got 'many'" in msg


@pytest.mark.parametrize(
    ("line", "column", "got"),
    [
        ("-1,4e9,3.0,b", "N", "-1.0"),
        ("2e8,0,3.0,b", "D", "0.0"),
        ("2e8,4e9,inf,b", "loss", "inf"),
        ("2e8,4e9,-inf,b", "loss", "-inf"),
    ],
)
def test_non_positive_or_infinite_values(write_csv, line, column, got):
    path = write_csv(_with(1, line))
    err = _raises(path)
    assert f"{path}, column '{column}', row 1 (line 3): expected a finite value > 0, got {got}." in str(err)
    assert err.row == 1
    assert err.column == column


def test_nan_raises_by_default_naming_first_row(write_csv):
    path = write_csv(_csv([*GOOD[:2], "4e8,,2.9,a", "8e8,1.6e10,,b", GOOD[4]]))
    err = _raises(path)
    msg = str(err)
    assert f"{path}, column 'D', row 2 (line 4): expected a finite value > 0, got NaN" in msg
    assert "nan_policy='omit'" in msg


def test_nan_policy_omit_drops_and_notes(write_csv):
    path = write_csv(_csv([*GOOD[:2], "4e8,,2.9,a", "8e8,1.6e10,,b", GOOD[4]]))
    table = read_runs(path, nan_policy="omit")
    assert len(table) == 3
    assert "dropped 2 row(s) with missing N, D or loss" in table.meta.notes


def test_nan_omit_everything_is_an_empty_table_error(write_csv):
    path = write_csv("N,D,loss\n1e8,,3\n2e8,4e9,\n")
    msg = str(_raises(path, nan_policy="omit"))
    assert "expected at least one run" in msg
    assert "after dropping rows with missing values" in msg


def test_duplicates_raise_names_both_rows(write_csv):
    path = write_csv(_csv([*GOOD, "9e8,1e10,2.5,b", "7e8,1e10,2.6,a", GOOD[4]]))
    msg = str(_raises(path))
    assert f"{path}: rows 4 and 7 are identical in every column (lines 6 and 9)" in msg
    assert "duplicates='drop'" in msg


def test_duplicates_keep_and_drop(write_csv):
    path = write_csv(_csv([*GOOD, GOOD[0]]))
    assert len(read_runs(path, duplicates="keep")) == 6
    table = read_runs(path, duplicates="drop")
    assert len(table) == 5
    assert "dropped 1 duplicate row(s)" in table.meta.notes


def test_rows_differing_in_one_column_are_not_duplicates(write_csv):
    path = write_csv(_csv([*GOOD, "1e8,2e9,3.1,z"]))
    assert len(read_runs(path)) == 6


def test_empty_file_and_header_only(write_csv):
    assert "the file is empty" in str(_raises(write_csv("", "blank.csv")))
    msg = str(_raises(write_csv(HEADER, "header.csv")))
    assert "header.csv: expected at least one run, got an empty table" in msg


def test_missing_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    err = _raises("x.csv")
    assert str(err).startswith("no such file or folder: 'x.csv'")
    assert err.source == "x.csv"


def test_unsupported_suffix(write_csv):
    msg = str(_raises(write_csv("N,D,loss\n", "runs.xlsx")))
    assert "unsupported file type '.xlsx'" in msg
    assert ".csv" in msg


def test_unreadable_json(write_csv):
    msg = str(_raises(write_csv("{not json", "runs.json")))
    assert "runs.json: could not read the file as JSON" in msg


def test_jsonl_reports_lines_from_one(tmp_path):
    path = tmp_path / "runs.jsonl"
    path.write_text('{"N": 1e8, "D": 2e9, "loss": 3}\n{"N": 2e8, "D": "lots", "loss": 2.9}\n')
    msg = str(_raises(path))
    assert f"{path}, column 'D', row 1 (line 2): expected a number, got 'lots'" in msg


def test_parquet_reports_rows_without_lines(tmp_path):
    path = tmp_path / "runs.parquet"
    pd.DataFrame({"N": [1e8, 2e8], "D": [2e9, -4e9], "loss": [3.0, 2.9]}).to_parquet(path)
    msg = str(_raises(path))
    assert f"{path}, column 'D', row 1: expected a finite value > 0, got -4000000000.0" in msg
    assert "(line" not in msg


def test_dataframe_errors_name_the_dataframe():
    frame = pd.DataFrame({"N": [1e8, 2e8], "D": [2e9, 4e9], "loss": [3.0, "x"]})
    msg = str(_raises(frame))
    assert "<DataFrame>, column 'loss', row 1: expected a number, got 'x'" in msg
    assert "my-runs, column 'loss'" in str(_raises(frame, name="my-runs"))


def test_folder_errors_name_the_individual_file(tmp_path):
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "group_C_1_N_100_D_2000.csv").write_text("D,loss\n2000,3.0\n2000,2.9\n")
    (folder / "group_C_2_N_200_D_4000.csv").write_text("D,loss\n4000,3.0\n4000,bad\n")
    err = _raises(folder)
    shown = f"{folder}/group_C_2_N_200_D_4000.csv"
    assert f"{shown}, column 'loss', row 1 (line 3): expected a number, got 'bad'" in str(err)
    assert (err.source, err.row) == (shown, 1)


def test_folder_file_without_required_column_is_named(tmp_path):
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "a.csv").write_text("N,D,loss\n1,2,3\n")
    (folder / "b.csv").write_text("N,loss\n1,3\n")  # no D, and no _N_.._D_.. in the name
    msg = str(_raises(folder))
    assert f"{folder}/b.csv: missing required column 'D' (set by --d-col)" in msg


def test_folder_duplicates_name_files(tmp_path):
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "a.csv").write_text("N,D,loss,config\n1,2,3,c\n")
    (folder / "b.csv").write_text("N,D,loss,config\n5,6,7,c\n1,2,3,c\n")
    msg = str(_raises(folder))
    assert "rows 0 and 2 are identical in every column" in msg
    assert f"{folder}/a.csv row 0 (line 2) and {folder}/b.csv row 1 (line 3)" in msg


def test_empty_folder(tmp_path):
    assert "expected a folder of .csv files, found none" in str(_raises(tmp_path))


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"n_col": "x", "d_col": "x"}, "--n-col and --d-col both name column 'x'"),
        ({"target": "N"}, "names the same column as N or D"),
        ({"n_col": "a", "columns": {"b": "N"}}, "both --n-col 'a' and columns['b'] map to 'N'"),
        ({"columns": {"a": "z", "b": "z"}}, "columns 'a' and 'b' both map to 'z'"),
        ({"columns": {"nope": "z"}}, "missing column 'nope' named in the columns mapping"),
    ],
)
def test_conflicting_mappings(write_csv, kwargs, text):
    path = write_csv("N,D,loss,a,b,x\n1,2,3,4,5,6\n")
    assert text in str(_raises(path, **kwargs))


@pytest.mark.parametrize(("option", "value"), [("nan_policy", "drop"), ("duplicates", "omit")])
def test_bad_policy_is_a_value_error(runs, option, value):
    with pytest.raises(ValueError, match=f"The '{option}' parameter of read_runs must be one of"):
        read_runs(runs, **{option: value})


def test_bad_n_convention(runs):
    with pytest.raises(ValueError, match="'n_convention' parameter"):
        read_runs(runs, n_convention="embedding")


def test_rows_of_different_files_differ_by_config(tmp_path):
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "a.csv").write_text("N,D,loss\n1,2,3\n")
    (folder / "b.csv").write_text("N,D,loss\n1,2,3\n")
    assert read_runs(folder).frame["config"].tolist() == ["a", "b"]


def test_folder_duplicates_within_one_file(tmp_path):
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "a.csv").write_text("N,D,loss\n1,2,3\n1,2,3\n")
    msg = str(_raises(folder))
    assert (
        f"rows 0 and 1 are identical in every column (both in {folder}/a.csv: row 0 (line 2) and row 1 (line 3))"
        in msg
    )
