"""RunsTable: accessors, inputs(), subset(), check_distinct(), describe(), RunsMeta."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scalingkit.data import RunsMeta, RunsTable, read_runs
from scalingkit.exceptions import DataValidationError


@pytest.fixture
def table(runs):
    return read_runs(runs, name="runs.csv", n_convention="total")


def test_arrays_are_float_copies(table):
    n = table.N
    n[0] = -1.0
    assert table.N[0] == 1e8
    for arr in (table.N, table.D, table.y):
        assert arr.dtype == np.float64
        assert arr.shape == (len(table),)


def test_frame_view_cannot_change_the_table(table):
    view = table.frame
    view["N"] = 0.0
    view.loc[1, "loss"] = 99.0
    assert table.N.min() > 0
    assert table.y[1] != 99.0
    copy = table.to_frame()
    copy.loc[0, "D"] = 1.0
    assert table.D[0] == 2e9


def test_len_columns_features_repr(table):
    assert len(table) == 6
    assert table.columns == ("N", "D", "loss", "lr", "family")
    assert table.feature_columns == ("N", "D", "lr", "family")
    assert repr(table) == "RunsTable(rows=6, distinct N=3, distinct D=6, target='loss', source='runs.csv')"


def test_inputs_columns_and_derivations(table):
    X = table.inputs(["N", "D", "C", "M", "lr"])
    np.testing.assert_allclose(X["C"], 6 * table.N * table.D)
    np.testing.assert_allclose(X["M"], table.D / table.N)
    np.testing.assert_allclose(X["lr"], 1e-3)
    assert all(v.dtype == np.float64 for v in X.values())
    assert list(table.inputs("N")) == ["N"]


def test_inputs_prefers_an_existing_column_over_derivation(runs):
    table = read_runs(runs.assign(C=5.0))
    np.testing.assert_array_equal(table.inputs(["C"])["C"], 5.0)


def test_inputs_unknown_name_lists_available(table):
    with pytest.raises(DataValidationError) as exc:
        table.inputs(["N", "unique_tokens"])
    msg = str(exc.value)
    assert "runs.csv: missing column 'unique_tokens'" in msg
    assert "columns present: N, D, loss, lr, family" in msg
    assert "C = 6 * N * D" in msg
    assert exc.value.column == "unique_tokens"


def test_inputs_non_numeric_column(table):
    with pytest.raises(DataValidationError, match="column 'family' is not numeric"):
        table.inputs(["family"])


def test_inputs_numeric_column_with_gaps_is_fine(runs):
    table = read_runs(runs.assign(lr=[1e-3, np.nan, 2e-3, 1e-3, 1e-3, 1e-3]))
    assert np.isnan(table.inputs(["lr"])["lr"][1])


@pytest.mark.parametrize(
    "index",
    [[4, 0, 2], np.array([4, 0, 2]), np.array([False, False, True, False, True, True])],
)
def test_subset_positions_and_masks(table, index):
    sub = table.subset(index)
    expected = table.to_frame().iloc[np.flatnonzero(index) if np.asarray(index).dtype == bool else index]
    pd.testing.assert_frame_equal(sub.frame, expected.reset_index(drop=True))
    assert sub.target == table.target
    assert sub.meta is table.meta


def test_subset_slice_and_empty(table):
    assert len(table.subset(slice(0, 2))) == 2
    empty = table.subset([])
    assert len(empty) == 0
    assert empty.describe()["N_range"] is None


def test_subset_rejects_bad_indices(table):
    with pytest.raises(IndexError, match="boolean mask"):
        table.subset([True, False])
    with pytest.raises(TypeError, match="integer positions"):
        table.subset([0.5])


def test_n_distinct(table):
    assert table.n_distinct("N") == 3
    assert table.n_distinct("family") == 2
    assert table.n_distinct("C") == 5  # N*D: 2, 8, 24, 8, 20, 48 (x1e17)


def test_check_distinct_message(runs):
    table = read_runs(runs.assign(N=1e8))
    with pytest.raises(DataValidationError) as exc:
        table.check_distinct({"D": 2, "N": 2}, "law 'chinchilla'")
    msg = str(exc.value)
    assert msg.startswith("too few distinct values of 'N' for law 'chinchilla': need at least 2, got 1 (value 1e8)")
    assert "Hint:" in msg
    assert exc.value.column == "N"
    assert exc.value.value == 1


def test_check_distinct_lists_a_few_values_and_chains(table):
    assert table.check_distinct({"N": 3}, "law 'x'") is table
    with pytest.raises(DataValidationError, match=r"need at least 4, got 3 \(values 1e8, 2e8, 4e8\)"):
        table.check_distinct({"N": 4}, "law 'x'")


def test_describe(table):
    d = table.describe()
    assert d["rows"] == 6
    assert d["columns"] == list(table.columns)
    assert d["N_range"] == [1e8, 4e8]
    assert d["D_range"] == [2e9, 1.2e10]
    assert d["target"] == "loss"
    assert d["target_range"] == pytest.approx([3.0, 3.5])
    assert (d["distinct_N"], d["distinct_D"]) == (3, 6)
    assert (d["source"], d["n_convention"]) == ("runs.csv", "total")
    assert d["units"] == {"N": "parameters", "D": "tokens"}


def test_constructor_validates(runs):
    with pytest.raises(DataValidationError, match="missing required column 'D'"):
        RunsTable(runs.drop(columns="D"))
    with pytest.raises(DataValidationError, match=r"column 'loss', row 2: expected a finite value > 0, got -1.0"):
        RunsTable(runs.assign(loss=[1, 1, -1, 1, 1, 1]))
    with pytest.raises(TypeError, match="DataFrame"):
        RunsTable(runs.to_dict())


def test_with_frame_and_with_meta(table):
    other = table.with_frame(table.frame.iloc[:2])
    assert len(other) == 2
    assert other.meta is table.meta
    renamed = table.with_meta(source="elsewhere")
    assert renamed.meta.source == "elsewhere"
    assert table.meta.source == "runs.csv"


def test_runs_meta_is_frozen_and_checked():
    meta = RunsMeta("x", units={"loss": "nats/token"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        meta.source = "y"
    with pytest.raises(ValueError, match="n_convention"):
        RunsMeta(n_convention="embeddings")
    assert meta.with_note("a").with_note("b").notes == "a; b"
    assert meta.with_note("") is meta


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(1, 12))
@example(data=None, n=1)
def test_subset_of_subset_is_subset_of_composed_indices(data, n):
    frame = pd.DataFrame({"N": np.arange(1.0, n + 1) * 1e8, "D": 2e9, "loss": np.linspace(3, 2, n), "k": range(n)})
    table = RunsTable(frame)
    if data is None:  # pinned example: singleton table, identity indices
        a, b = [0], [0]
    else:
        a = data.draw(st.lists(st.integers(0, n - 1), max_size=2 * n), label="a")
        b = data.draw(st.lists(st.integers(0, max(len(a) - 1, 0)), max_size=2 * n if a else 0), label="b")
    composed = np.asarray(a, dtype=int)[np.asarray(b, dtype=int)]
    pd.testing.assert_frame_equal(table.subset(a).subset(b).frame, table.subset(composed).frame)
