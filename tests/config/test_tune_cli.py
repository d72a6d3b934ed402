"""``scalingkit tune``: happy path (JSON equals the API), the plot, and the error paths."""

from __future__ import annotations

import json

import numpy as np
import pytest
from config_helpers import make_runs, true_lr

from scalingkit.cli.tune import parse_settings


@pytest.fixture(scope="module")
def runs_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("tune") / "runs.csv"
    make_runs([1e8, 2e8, 4e8]).to_csv(path, index=False)
    return path


def test_tune_json_equals_api(invoke, runs_csv):
    from scalingkit.config import ConfigRegressor, recommend
    from scalingkit.data import read_runs

    out, _ = invoke(["tune", runs_csv, "--n", "1.6e9", "--d", "3.2e10", "--format", "json"])
    payload = json.loads(out)
    api = recommend(ConfigRegressor().fit(read_runs(runs_csv)), 1.6e9, 3.2e10).to_dict()
    for key in ("lr", "batch_size", "loss", "steplaw_lr", "steplaw_batch_size", "steplaw_loss"):
        assert payload[key] == pytest.approx(api[key], rel=1e-9)
    assert abs(np.log(payload["lr"] / true_lr(1.6e9, 3.2e10))) < np.log(1.5)
    assert len(payload["landscape"]) == 25 * 41


def test_tune_table_and_plot(invoke, runs_csv, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "landscape.png"
    out, _ = invoke(["tune", runs_csv, "--n", "8e8", "--d", "1.6e10", "--plot", png])
    for text in ("predicted optimum", "Step Law formula", "landscape"):
        assert text in out
    assert png.stat().st_size > 1000


@pytest.mark.parametrize(("args", "message"), [
    (["--n", "1e9", "--d", "-1"], "--n and --d must be positive"),
    (["--n", "1e9", "--d", "2e10", "--backend", "forest"], "--backend must be"),
    (["--n", "1e9", "--d", "2e10", "--set", "warmup"], "expected NAME=VALUE"),
    (["--n", "1e9", "--d", "2e10", "--set", "colour=red"], "unknown setting(s) ['colour']"),
])
def test_tune_user_errors(invoke, runs_csv, args, message):
    invoke(["tune", runs_csv, *args], code=2, stderr_contains=message)


def test_setting_that_is_not_a_feature(fitted_trees):
    from scalingkit.config import recommend

    with pytest.raises(ValueError, match=r"setting\(s\) \['warmup'\] are not features"):
        recommend(fitted_trees, 1e9, 2e10, settings={"warmup": 500})


def test_tune_needs_lr_or_batch(invoke, tmp_path):
    path = tmp_path / "plain.csv"
    make_runs([1e8, 2e8]).drop(columns=["lr", "batch_size"]).to_csv(path, index=False)
    invoke(["tune", path, "--n", "1e9", "--d", "2e10"], code=2, stderr_contains="nothing to tune")
    invoke(["tune", "no_such_dataset", "--n", "1e9", "--d", "2e10"], code=2, stderr_contains="unknown dataset")


def test_parse_settings():
    assert parse_settings(["warmup=1000", "optimizer=adamw"]) == {"warmup": 1000.0, "optimizer": "adamw"}


def test_recommend_with_shrinkage_moves_toward_the_prior(fitted_trees):
    from scalingkit.config import Shrinkage, recommend

    plain = recommend(fitted_trees, 1.6e9, 3.2e10)
    half = recommend(fitted_trees, 1.6e9, 3.2e10, shrinkage=Shrinkage(lr=0.5, batch_size=0.5))
    assert (plain.lr, plain.batch_size) == (plain.model_lr, plain.model_batch_size)
    assert (half.model_lr, half.model_batch_size) == (plain.lr, plain.batch_size)
    assert half.lr == pytest.approx(np.sqrt(plain.lr * half.steplaw_lr))
    assert half.batch_size == pytest.approx(np.sqrt(plain.batch_size * half.steplaw_batch_size))
    assert half.to_dict()["weights"] == [0.5, 0.5]


def test_tune_shrink_needs_enough_cells(invoke, tmp_path):
    path = tmp_path / "two_cells.csv"
    runs = make_runs([1e8, 2e8])
    runs[runs["D"] == 10 * runs["N"]].to_csv(path, index=False)
    invoke(["tune", path, "--n", "1e9", "--d", "2e10", "--shrink"], code=2, stderr_contains="needs at least 3")
