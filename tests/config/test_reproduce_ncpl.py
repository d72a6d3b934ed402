"""NCPL's split on the public data, and a small `reproduce ncpl` run (needs SCALINGKIT_DATA)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

needs_data = pytest.mark.skipif(not os.environ.get("SCALINGKIT_DATA"), reason="needs the data mirror (SCALINGKIT_DATA)")


@needs_data
def test_steplaw_split_matches_ncpl_keys():
    from scalingkit.config import load_ncpl_steplaw

    table = load_ncpl_steplaw()
    counts = table.frame["ncpl_split"].value_counts().to_dict()
    assert counts == {"train": 930, "ood": 434, "id": 288}
    ood = table.frame[table.frame["ncpl_split"] == "ood"]
    train = table.frame[table.frame["ncpl_split"] == "train"]
    assert ood["N"].min() > train["N"].max()  # the largest models are held out


@needs_data
def test_reproduce_small_subset_without_torch(tmp_path, monkeypatch):
    from scalingkit.config import reproduce_ncpl

    monkeypatch.setitem(__import__("sys").modules, "torch", None)  # as if torch were not installed
    lines = []
    res = reproduce_ncpl(tmp_path, datasets=("marin_adamw_converged",), id_folds=2, log=lines.append)
    assert "skipped config_neural" in (tmp_path / "notes.txt").read_text()
    assert any("torch is not installed" in line for line in lines)
    assert set(res["method"]) == {"chinchilla", "config_trees"}
    assert list(res.columns) == ["dataset", "split", "method", "n", "mae", "spearman"]
    assert set(res["split"]) == {"id", "ood"}
    on_disk = pd.read_csv(tmp_path / "results.csv")
    pd.testing.assert_frame_equal(on_disk, res, check_dtype=False)
    ood = res[res["split"] == "ood"].set_index("method")["mae"]
    assert ood["config_trees"] < 0.7 * ood["chinchilla"]
    assert np.isfinite(res["spearman"]).all()


def test_reproduce_cli_errors(invoke, tmp_path):
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    invoke(["reproduce", "ncpl", "--out", afile], code=2, stderr_contains="must be a folder")
    invoke(["reproduce", "ncpl", "--out", tmp_path / "o", "--datasets", "nope"], code=2,
           stderr_contains="unknown dataset(s) ['nope']")
