"""Splits (NaN handling as published) and target transforms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalingkit.exceptions import UnknownNameError
from scalingkit.observational import CutoffSplit, TargetTransform, TopSplit, parse_split, parse_transform


def test_cutoff_is_inclusive_and_nan_goes_to_test():
    f = pd.DataFrame({"FLOPs (1E21)": [1.0, 84.0, 84.0001, np.nan, 10.0]})
    train, test = CutoffSplit("FLOPs (1E21)", 84).masks(f)
    assert train.tolist() == [True, True, False, False, True]
    assert (train ^ test).all()


def test_top_split_holds_out_nan_first_then_largest():
    f = pd.DataFrame({"y": [0.2, 0.9, np.nan, 0.5, 0.7]})
    train, test = TopSplit("y", 2).masks(f)
    assert test.tolist() == [False, True, True, False, False]
    assert TopSplit("y", 3).masks(f)[1].tolist() == [False, True, True, False, True]


@pytest.mark.parametrize(("limit", "n", "k"), [(0.1, 22, 2), (0.1, 11, 1), (0.25, 10, 2), (3, 10, 3), (0.5, 7, 3)])
def test_fraction_is_truncated(limit, n, k):
    assert TopSplit("y", limit).n_test(n) == k


def test_top_split_ties_keep_row_order():
    f = pd.DataFrame({"y": [0.5, 0.5, 0.5, 0.1]})
    assert TopSplit("y", 2).masks(f)[1].tolist() == [True, True, False, False]


@pytest.mark.parametrize("limit", [0, 0.01, 10, -1, float("nan")])
def test_top_split_rejects_empty_sides(limit):
    with pytest.raises(ValueError, match="test_limit"):
        TopSplit("y", limit).masks(pd.DataFrame({"y": np.arange(10.0)}))


def test_unknown_split_column():
    with pytest.raises(UnknownNameError, match="unknown column 'flops'"):
        CutoffSplit("flops", 1).masks(pd.DataFrame({"FLOPs": [1.0]}))


def test_parse_split():
    assert parse_split("cutoff:FLOPs (1E21):84") == CutoffSplit("FLOPs (1E21)", 84.0)
    assert parse_split("top:a:b:0.1") == TopSplit("a:b", 0.1)
    for bad in ("cutoff:84", "random:x:1", "top:y:ten", "cutoff::3"):
        with pytest.raises(ValueError, match="cannot parse split"):
            parse_split(bad)


@pytest.mark.parametrize("text", ["identity", "log", "logit", "minmax:0.25:1"])
def test_transform_round_trip(text):
    t = parse_transform(text)
    y = np.array([0.3, 0.5, 0.9])
    np.testing.assert_allclose(t.inverse(t(y)), y, rtol=1e-12)


def test_minmax_and_nan():
    t = TargetTransform("minmax", 0.25, 1.0)
    np.testing.assert_allclose(t([0.25, 1.0, np.nan]), [0.0, 1.0, np.nan])
    assert str(t) == "minmax:0.25:1"
    with pytest.raises(ValueError, match="high > low"):
        TargetTransform("minmax", 1.0, 0.0)
    with pytest.raises(ValueError, match="minmax:LOW:HIGH"):
        parse_transform("minmax:a:b")
    with pytest.raises(ValueError, match="unknown target transform"):
        parse_transform("sqrt")
