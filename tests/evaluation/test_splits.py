"""Splits: the ReScaL rule (checked against all 52 published pairs), compute, largest-N, group."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scalingkit import RunsTable
from scalingkit.evaluation import (
    RESCAL_RHOS,
    ComputeSplit,
    GroupSplit,
    LargestNSplit,
    RescalSplit,
    compute_split,
    largest_n_split,
)
from scalingkit.evaluation.splits import configurations


def _table(N, D, **extra):
    N = np.asarray(N, dtype=float)
    frame = pd.DataFrame({"N": N, "D": np.asarray(D, dtype=float), "loss": 2.0 + 1.0 / np.log(N), **extra})
    return RunsTable(frame)


def _configs_of(table, idx):
    codes, configs = configurations(table)
    return {(configs.N[c], configs.D[c]) for c in np.unique(codes[idx])}


# -- RescalSplit -----------------------------------------------------------------------
def test_rescal_moves_extremes_to_test_and_keeps_pareto_front():
    # Ten configurations by increasing C; A = largest N (1e10 x 1e9) and B = largest D (1e8 x 1e12)
    # are cheap-ish; the costliest (8e9 x 4e11) dominates (4e9 x 2e11) but not A or B.
    N = [1e8, 2e8, 4e8, 8e8, 1e10, 1.6e9, 1e8, 2e9, 4e9, 8e9]
    D = [1e9, 2e9, 4e9, 8e9, 1e9, 3.2e10, 1e12, 1e11, 2e11, 4e11]
    t = _table(N, D)
    (pair,) = RescalSplit((0.7,)).pairs(t)
    # n = 10: train_len = 7, test_len = 1 -> candidates {costliest, A, B}, all Pareto-maximal
    assert _configs_of(t, pair.test_idx) == {(8e9, 4e11), (1e10, 1e9), (1e8, 1e12)}
    # the 7 cheapest by C minus A and B
    order = np.argsort(np.multiply(N, D), kind="stable")
    expected = {(N[i], D[i]) for i in order[:7]} - {(1e10, 1e9), (1e8, 1e12)}
    assert _configs_of(t, pair.train_idx) == expected
    assert pair.label == "rho=0.7"
    assert pair.rho == 0.7


def test_rescal_drops_dominated_test_configurations():
    N = [1e8, 2e8, 4e8, 8e8, 1.6e9, 3.2e9, 6.4e9, 1.28e10, 2.56e10, 5.12e10, 1e11, 2e11]
    D = [20 * n for n in N]
    t = _table(N, D)
    pairs = RescalSplit((0.5,)).pairs(t)
    # test_len = 1; A = B = the largest model, which dominates everything else
    assert _configs_of(t, pairs[0].test_idx) == {(2e11, 4e12)}


def test_rescal_equal_nd_configurations_do_not_knock_each_other_out():
    # two configuration files with the same (N, D): neither dominates the other
    N = [1e8, 2e8, 4e8, 8e8, 8e8]
    D = [1e9, 2e9, 4e9, 8e9, 8e9]
    t = _table(N, D, config=["a", "b", "c", "d", "e"])
    (pair,) = RescalSplit((0.5,)).pairs(t)
    assert pair.test_idx.tolist() == [3, 4]
    assert pair.train_idx.tolist() == [0, 1]


def test_rescal_rows_of_one_configuration_stay_together():
    # checkpoints of the same run share (N, D) via the config column
    N = np.repeat([1e8, 2e8, 4e8, 8e8, 1.6e9], 3)
    D = np.repeat([2e9, 4e9, 8e9, 1.6e10, 3.2e10], 3)
    t = _table(N, D, config=np.repeat(list("abcde"), 3), step=np.tile([1, 2, 3], 5))
    for pair in RescalSplit((0.2, 0.6)).pairs(t):
        assert pair.test_idx.tolist() == [12, 13, 14]
    assert RescalSplit((0.6,)).pairs(t)[0].train_idx.tolist() == list(range(9))


def test_rescal_train_len_is_clamped_to_one_and_n_minus_one():
    t = _table([1e8, 2e8, 4e8], [1e9, 2e9, 4e9])
    low, high = RescalSplit((0.01, 0.99)).pairs(t)
    assert low.train_idx.tolist() == [0]
    assert high.train_idx.tolist() == [0, 1]
    assert high.test_idx.tolist() == [2]


@pytest.mark.parametrize("rhos", [(0.0,), (1.0,), (0.5, 0.5), (), "0.5", (-0.1,), ("a",)])
def test_rescal_rhos_validation_names_the_parameter(rhos):
    with pytest.raises(ValueError, match="The 'rhos' parameter of RescalSplit must be"):
        RescalSplit(rhos)


def test_rescal_needs_two_configurations():
    t = _table([1e8, 1e8], [1e9, 1e9])
    with pytest.raises(ValueError, match="at least 2 configurations"):
        RescalSplit((0.5,)).pairs(t)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=2, max_size=25, unique=True),
    st.floats(0.05, 0.95),
)
def test_rescal_split_properties(grid, rho):
    N = [1e8 * 2.0**i for i, _ in grid]
    D = [1e9 * 3.0**j for _, j in grid]
    t = _table(N, D)
    (pair,) = RescalSplit((rho,)).pairs(t)
    train, test = _configs_of(t, pair.train_idx), _configs_of(t, pair.test_idx)
    assert test
    assert not (train & test)
    assert all(not (n2 >= n and d2 >= d and (n2, d2) != (n, d)) for n, d in test for n2, d2 in test)
    assert (max(N), max(D[i] for i in range(len(N)) if N[i] == max(N))) in test  # A is always tested


# -- ComputeSplit, LargestNSplit, GroupSplit -----------------------------------------
def test_compute_split_counts_configurations_not_rows():
    N = np.repeat(np.geomspace(1e8, 1e10, 10), 4)  # 10 configurations, 4 rows (lr) each
    D = 20 * N
    t = _table(N, D, lr=np.tile([1e-4, 3e-4, 1e-3, 3e-3], 10))
    half, most = ComputeSplit((0.5, 0.9), test_fraction=0.2).pairs(t)
    assert half.train_idx.tolist() == list(range(20))
    assert half.test_idx.tolist() == list(range(32, 40))
    assert most.train_idx.tolist() == list(range(32))  # capped so it never reaches into test
    assert (half.label, most.label) == ("rho=0.5", "rho=0.9")


@pytest.mark.parametrize("tf", [0, 1, 1.5, -0.1, True, "0.1"])
def test_compute_split_test_fraction_validation(tf):
    with pytest.raises(ValueError, match="The 'test_fraction' parameter of ComputeSplit must be"):
        ComputeSplit((0.5,), test_fraction=tf)


def test_largest_n_split_holds_out_every_row_of_the_largest_model():
    t = _table([1e8, 1e9, 1e8, 1e9, 5e8], [1e9, 2e10, 2e9, 1e10, 1e9])
    (pair,) = LargestNSplit().pairs(t)
    assert pair.test_idx.tolist() == [1, 3]
    assert pair.train_idx.tolist() == [0, 2, 4]
    assert pair.label == "largest-N"
    assert pair.rho is None
    with pytest.raises(ValueError, match="two distinct values of N"):
        LargestNSplit().pairs(_table([1e8, 1e8], [1e9, 2e9]))


def test_group_split_leaves_each_group_out_once():
    t = _table([1e8, 2e8, 3e8, 4e8, 5e8], [1e9] * 5, family=["b", "a", "b", "c", "a"])
    pairs = GroupSplit("family").pairs(t)
    assert [p.label for p in pairs] == ["family=a", "family=b", "family=c"]
    assert [p.test_idx.tolist() for p in pairs] == [[1, 4], [0, 2], [3]]
    for p in pairs:
        assert sorted(p.train_idx.tolist() + p.test_idx.tolist()) == list(range(5))


def test_group_split_errors_name_the_column():
    t = _table([1e8, 2e8], [1e9, 1e9], family=["a", "a"])
    with pytest.raises(ValueError, match="missing column 'run'"):
        GroupSplit("run").pairs(t)
    with pytest.raises(ValueError, match="at least 2 distinct values of 'family'"):
        GroupSplit("family").pairs(t)
    with pytest.raises(ValueError, match="The 'column' parameter of GroupSplit"):
        GroupSplit("")


def test_splits_are_frozen_and_named():
    split = RescalSplit([0.1, 0.5])
    assert split.rhos == (0.1, 0.5)
    assert (split.name, ComputeSplit().name, LargestNSplit().name, GroupSplit("g").name) == (
        "rescal", "compute", "largest-n", "group")
    with pytest.raises(AttributeError):
        split.rhos = (0.2,)


def test_functional_splits_still_work():
    t = _table(np.geomspace(1e8, 1e10, 10), 20 * np.geomspace(1e8, 1e10, 10))
    train, test = compute_split(t, train_fraction=0.5, test_fraction=0.2)
    assert train.tolist() == [0, 1, 2, 3, 4]
    assert test.tolist() == [8, 9]
    train, test = largest_n_split(t)
    assert test.tolist() == [9]


# -- the published ReScaL pairs --------------------------------------------------------
_NEEDS_DATA = pytest.mark.skipif(not os.environ.get("SCALINGKIT_DATA"), reason="SCALINGKIT_DATA is not set")
_RQ1 = "rescal/results/rq1_splits.csv"


@pytest.fixture(scope="module")
def rq1_splits():
    path = os.path.join(os.environ["SCALINGKIT_DATA"], _RQ1)
    if not os.path.exists(path):
        pytest.skip(f"{path} not found")
    return pd.read_csv(path)


@_NEEDS_DATA
def test_rescal_rhos_are_the_published_budgets(rq1_splits):
    published = {f"rescal_{ds}": tuple(g["rho"]) for ds, g in rq1_splits.groupby("dataset")}
    assert {k: tuple(sorted(v)) for k, v in published.items()} == RESCAL_RHOS
    assert sum(len(v) for v in RESCAL_RHOS.values()) == 52


@_NEEDS_DATA
@pytest.mark.parametrize("name", sorted(RESCAL_RHOS))
def test_rescal_split_matches_every_published_pair(rq1_splits, name):
    from scalingkit.datasets import load_dataset

    table = load_dataset(name)
    ref = rq1_splits[rq1_splits["dataset"] == name.removeprefix("rescal_")]
    pairs = RescalSplit(RESCAL_RHOS[name]).pairs(table)
    codes, configs = configurations(table)
    assert len(pairs) == len(ref)
    for pair, (_, row) in zip(pairs, ref.sort_values("rho").iterrows(), strict=True):
        train, test = np.unique(codes[pair.train_idx]), np.unique(codes[pair.test_idx])
        got = {
            "rho": pair.rho, "n_configs": len(configs), "n_train_configs": train.size,
            "n_train_rows": pair.train_idx.size, "n_test_configs": test.size, "n_test_rows": pair.test_idx.size,
            "n_test_rows_published": pair.test_idx.size,
            "train_N_max": configs.N[train].max(), "train_D_max": configs.D[train].max(),
        }
        assert got == {k: row[k] for k in got}, (name, row["rho"])
        # file names store C = 6 N D / 1e12
        assert configs.C[train].max() / 1e12 == pytest.approx(row["train_C_max"], rel=1e-12)
        assert configs.C[test].min() / 1e12 == pytest.approx(row["test_C_min"], rel=1e-12)
        assert configs.C[test].max() / 1e12 == pytest.approx(row["test_C_max"], rel=1e-12)
        test_nd = {f"{n:.4g}x{d:.4g}" for n, d in zip(configs.N[test], configs.D[test], strict=True)}
        assert test_nd == set(row["test_ND"].split(";"))
        assert not np.intersect1d(pair.train_idx, pair.test_idx).size
