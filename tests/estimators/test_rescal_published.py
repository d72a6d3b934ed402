"""ReScaL and its baselines against the published benchmark numbers (``headline_mape.csv``).

Needs ``SCALINGKIT_DATA`` (the data mirror). The default subset takes seconds: the
published-constant baselines on every DENSE1 pair (they match to 1e-12), the boxed
Chinchilla/Kaplan fits on every DENSE1 pair (to 0.1 points of MAPE), DC_law and
mix3_law, and ReScaL on three pairs. The full 52-pair check is ``slow`` and runs
only with ``SCALINGKIT_SLOW=1`` (or use ``bench/rescal_reproduce.py``).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(not os.environ.get("SCALINGKIT_DATA"), reason="SCALINGKIT_DATA is not set")

#: Published mean MAPE of ReScaL over each dataset's pairs (mean of headline_mape.csv).
PUBLISHED_MEANS = {"dense1": 0.0201, "dense2": 0.0480, "dense3": 0.0769, "dense4": 0.1730, "dense5": 0.1673,
                   "dense6": 0.0372, "moe": 0.0187, "moe2": 0.0592}


@pytest.fixture(scope="module")
def published():
    import pandas as pd

    from scalingkit.cli.reproduce import PUBLISHED_RELPATH
    from scalingkit.datasets import locate

    path = locate() / PUBLISHED_RELPATH
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return pd.read_csv(path)


def _pairs(ds):
    from scalingkit.cli.reproduce import _published_order
    from scalingkit.datasets import load_dataset
    from scalingkit.evaluation import RESCAL_RHOS, RescalSplit

    table = _published_order(load_dataset(f"rescal_{ds}"))
    return table, {round(p.rho, 6): p for p in RescalSplit(RESCAL_RHOS[f"rescal_{ds}"]).pairs(table)}


def _mape(model, table, pair):
    test = table.subset(pair.test_idx)
    pred = model.fit(table.subset(pair.train_idx)).predict(test.frame.drop(columns=test.target))
    return float(np.mean(np.abs(pred - test.y) / test.y))


def _pub(published, ds, rho, method):
    row = published[(published["dataset"] == ds) & np.isclose(published["rho"], rho) & (published["method"] == method)]
    return float(row["mape_mean"].iloc[0])


def test_published_constants_match_exactly(published):
    from scalingkit.estimators import FixedLawPredictor

    table, pairs = _pairs("dense1")
    for law in ("chinchilla", "kaplan", "farseer"):
        for rho, pair in pairs.items():
            got = _mape(FixedLawPredictor(law=law), table, pair)
            assert got == pytest.approx(_pub(published, "dense1", rho, f"d_{law}"), rel=1e-12), (law, rho)


@pytest.mark.parametrize(("ds", "law"), [("dense1", "chinchilla"), ("dense1", "kaplan"), ("dense3", "kaplan"),
                                         ("dense6", "kaplan")])
def test_boxed_law_fits_match(published, ds, law):
    from scalingkit.estimators import BoundedLawPredictor

    table, pairs = _pairs(ds)
    for rho, pair in pairs.items():
        got = _mape(BoundedLawPredictor(law=law), table, pair)
        assert got == pytest.approx(_pub(published, ds, rho, law), abs=2e-3), (ds, law, rho)


def test_special_baselines_match(published):
    from scalingkit.estimators import get_predictor

    for ds, name, method in (("dense3", "rescal:dc_law", "DC_law"), ("dense4", "rescal:mix_law", "mix3_law")):
        table, pairs = _pairs(ds)
        for rho, pair in pairs.items():
            got = _mape(get_predictor(name), table, pair)
            assert got == pytest.approx(_pub(published, ds, rho, method), abs=5e-4), (ds, rho)


@pytest.mark.parametrize(("ds", "rho", "legacy"), [("dense1", 0.5, False), ("dense4", 0.9, True),
                                                   ("moe", 0.8, True)])
def test_rescal_pairs_match(published, ds, rho, legacy):
    from scalingkit.cli.reproduce import SEEDS
    from scalingkit.estimators import ReScaL

    table, pairs = _pairs(ds)
    got = _mape(ReScaL(random_state=SEEDS[ds], legacy_int64_nd=legacy), table, pairs[rho])
    assert got == pytest.approx(_pub(published, ds, rho, "ReScaL"), rel=0.1)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("SCALINGKIT_SLOW"), reason="set SCALINGKIT_SLOW=1 for the 52-pair run")
def test_rescal_per_dataset_means_within_ten_percent(tmp_path):
    from scalingkit.cli.reproduce import run_rescal

    payload = run_rescal(tmp_path, methods=["ReScaL"], jobs=2)
    means = {d["dataset"]: d["ours"] for d in payload["per_dataset"]}
    assert set(means) == set(PUBLISHED_MEANS)
    for ds, ours in means.items():
        assert ours == pytest.approx(PUBLISHED_MEANS[ds], rel=0.1), ds
    assert payload["passed"]
