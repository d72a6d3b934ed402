"""Every reader format round-trips; folders, DataFrames and RunsTables as sources."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scalingkit.data import RunsMeta, RunsTable, read_runs
from scalingkit.exceptions import DataValidationError

SUFFIXES = [".csv", ".tsv", ".parquet", ".pq", ".jsonl", ".ndjson", ".json"]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_every_format_round_trips(tmp_path, runs, writer, suffix):
    path = tmp_path / f"runs{suffix}"
    writer(runs, path)
    before = path.read_bytes()
    table = read_runs(path)
    assert path.read_bytes() == before  # the user's file is never modified
    expected = runs.astype({"N": float, "D": float, "loss": float})
    pd.testing.assert_frame_equal(table.to_frame(), expected, check_dtype=False)
    for col in ("N", "D", "loss"):
        assert table.to_frame()[col].dtype == np.float64
    assert table.meta.source == str(path)
    assert table.target == "loss"


def test_str_path_and_path_object_agree(tmp_path, runs, writer):
    path = tmp_path / "runs.csv"
    writer(runs, path)
    a, b = read_runs(str(path)), read_runs(Path(path))
    pd.testing.assert_frame_equal(a.frame, b.frame)


def test_suffix_is_case_insensitive(tmp_path, runs, writer):
    path = tmp_path / "RUNS.CSV"
    runs.to_csv(path, index=False)
    assert len(read_runs(path)) == len(runs)


def test_dataframe_source_is_copied_not_mutated(runs):
    original = runs.copy(deep=True)
    table = read_runs(runs, n_convention="total")
    pd.testing.assert_frame_equal(runs, original)  # same dtypes (int/float) and values
    view = table.frame
    view.loc[0, "N"] = -5.0  # editing the view never reaches the table or the input
    assert table.N[0] == 1e8
    pd.testing.assert_frame_equal(runs, original)
    assert table.meta.source is None
    assert table.meta.n_convention == "total"


def test_dataframe_with_ints_and_custom_index(runs):
    frame = runs.astype({"N": "int64", "D": "int64"}).set_index(pd.Index(list("abcdef")))
    table = read_runs(frame)
    assert table.frame.index.equals(pd.RangeIndex(len(runs)))
    assert table.N.dtype == np.float64
    assert frame.index.tolist() == list("abcdef")
    assert frame["N"].dtype == np.int64


def test_name_sets_source(runs):
    assert read_runs(runs, name="my-runs").meta.source == "my-runs"


def test_runs_table_source_returned_or_remapped(runs):
    table = read_runs(runs)
    assert read_runs(table) is table
    assert read_runs(table, name="x").meta.source == "x"
    renamed = read_runs(table, columns={"lr": "learning_rate"})
    assert "learning_rate" in renamed.columns
    assert "lr" in table.columns  # the original table is untouched


def test_runs_table_keeps_its_own_target(runs):
    table = read_runs(runs.rename(columns={"loss": "val_loss"}), target="val_loss")
    assert read_runs(table).target == "val_loss"


def test_column_mapping_renames_to_canonical(runs):
    frame = runs.rename(columns={"N": "params", "D": "tokens", "loss": "ppl"})
    table = read_runs(frame, n_col="params", d_col="tokens", target="ppl")
    assert table.columns[:3] == ("N", "D", "ppl")
    assert table.target == "ppl"
    np.testing.assert_array_equal(table.y, runs["loss"].to_numpy())


def test_mapping_keeps_existing_canonical_column_as_orig(runs):
    frame = runs.rename(columns={"N": "params"}).assign(N=7.0)
    table = read_runs(frame, n_col="params")
    np.testing.assert_array_equal(table.N, runs["N"].to_numpy(dtype=float))
    np.testing.assert_array_equal(table.frame["N_orig"].to_numpy(), 7.0)
    assert "N_orig" in table.meta.notes


def test_orig_name_taken_gets_a_number(runs):
    frame = runs.rename(columns={"N": "params"}).assign(N=7.0, N_orig=8.0)
    table = read_runs(frame, n_col="params")
    assert {"N_orig", "N_orig2"} <= set(table.columns)


def test_columns_mapping_can_supply_n_and_d(runs):
    frame = runs.rename(columns={"N": "params", "D": "tokens"})
    table = read_runs(frame, columns={"params": "N", "tokens": "D", "family": "group"})
    assert {"N", "D", "group"} <= set(table.columns)


def test_other_columns_kept_as_they_are(runs):
    table = read_runs(runs)
    assert table.frame["family"].tolist() == runs["family"].tolist()
    assert table.feature_columns == ("N", "D", "lr", "family")


def _write_group_folder(folder: Path, runs: pd.DataFrame, *, drop_nd: bool = False) -> list[str]:
    folder.mkdir()
    stems = []
    for i, row in runs.iterrows():
        n, d = row["N"], row["D"]
        stem = f"group_C_{6 * n * d}_N_{int(n)}_D_{int(d)}"
        one = runs.iloc[[i]]
        if drop_nd:
            one = one.drop(columns=["N", "D"])
        one.to_csv(folder / f"{stem}.csv", index=False)
        stems.append(stem)
    (folder / "README.txt").write_text("not a csv")
    return sorted(stems)


def test_folder_reader_concatenates_sorted_files(tmp_path, runs):
    stems = _write_group_folder(tmp_path / "DENSE", runs)
    table = read_runs(tmp_path / "DENSE")
    assert len(table) == len(runs)
    assert table.frame["config"].tolist() == stems
    by_config = table.frame.set_index("config")
    for stem in stems:
        n = float(stem.split("_N_")[1].split("_D_")[0])
        assert by_config.loc[stem, "N"] == n
    assert "read 6 CSV files" in table.meta.notes


def test_folder_reader_fills_n_and_d_from_file_names(tmp_path, runs):
    _write_group_folder(tmp_path / "DENSE", runs, drop_nd=True)
    table = read_runs(tmp_path / "DENSE")
    assert sorted(table.N.tolist()) == sorted(runs["N"].astype(float).tolist())
    assert sorted(table.D.tolist()) == sorted(runs["D"].astype(float).tolist())


def test_folder_reader_keeps_existing_config_column(tmp_path, runs):
    folder = tmp_path / "f"
    folder.mkdir()
    runs.assign(config="mine").to_csv(folder / "a.csv", index=False)
    assert set(read_runs(folder).frame["config"]) == {"mine"}


def test_dense1_from_shared_data():
    root = os.environ.get("SCALINGKIT_DATA")
    if not root:
        pytest.skip("SCALINGKIT_DATA is not set; it should point at a folder holding rescal/data/DENSE1")
    folder = Path(root) / "rescal" / "data" / "DENSE1"
    if not folder.is_dir():
        pytest.skip(f"no DENSE1 folder at {folder}")
    with pytest.raises(DataValidationError, match="are identical in every column"):
        read_runs(folder)  # DENSE1 holds a few repeated rows: the default refuses them
    table = read_runs(folder, duplicates="drop")
    n_files = len(list(folder.glob("*.csv")))
    assert len(table) >= n_files - 1
    assert table.n_distinct("config") == n_files
    assert np.all(table.N > 0)
    assert np.all(table.D > 0)
    assert "duplicate" in table.meta.notes


def test_constructor_copies_and_validates(runs):
    meta = RunsMeta("x.csv", n_convention="active", units={"loss": "nats/token"})
    table = RunsTable(runs, meta=meta)
    runs.loc[0, "N"] = -1.0
    assert table.N[0] == 1e8
    assert table.meta is meta
