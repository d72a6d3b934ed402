"""Every ``load_*`` of scalingkit.datasets: row counts, positive N and D, documented units."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

from scalingkit import datasets
from scalingkit.data import RunsTable
from scalingkit.datasets._loaders_rescal import EXPECTED as RESCAL_EXPECTED
from scalingkit.datasets._registry import REGISTRY

LOADERS = sorted(n for n in dir(datasets) if n.startswith("load_") and n != "load_dataset")

# Rows with default arguments, from the data README (less the documented drops).
EXPECTED_ROWS = {
    "bimix": 2760,
    "chinchilla_epoch": 240,  # Epoch's 5 highest-loss points dropped by default
    "datablations": 308,  # 317 runs, 9 without a loss
    "datablations_curves": 9261,  # README says 9,260; the file holds 9,261
    "mixinglaws": 31262,  # 5Mix
    "ncpl_marin": 170,  # 171 runs, 1 null loss
    "obsscaling": 148,
    "overtraining": 104,
    "overtraining_grid": 435,
    "pythia": 114496 - 2752 - 159,  # step-0 rows and non-positive values dropped
    "regmix": 1088,
    "steplaw_dense": 1911,
    "steplaw_moe": 708,
    **{name: shape["rows"] for name, shape in RESCAL_EXPECTED.items()},
}


def test_every_dataset_has_one_loader():
    assert LOADERS == sorted(f"load_{name}" for name in datasets.list_datasets())
    assert set(EXPECTED_ROWS) == set(datasets.list_datasets())


@pytest.mark.parametrize("loader_name", LOADERS)
def test_loader_docstring_sections(loader_name):
    doc = inspect.getdoc(getattr(datasets, loader_name))
    for section in ("Parameters", "Returns", "Format.", "Source.", "License.", "Preprocessing.", "Units.",
                    "Versions."):
        assert section in doc, f"{loader_name} docstring lacks {section!r}"
    params = inspect.signature(getattr(datasets, loader_name)).parameters
    assert params["version"].kind is inspect.Parameter.KEYWORD_ONLY
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values())


@pytest.mark.parametrize("loader_name", LOADERS)
def test_loader_defaults(loader_name, require):
    name = loader_name.removeprefix("load_")
    require(name)
    result = getattr(datasets, loader_name)()
    assert len(result) == EXPECTED_ROWS[name]
    if isinstance(result, pd.DataFrame):  # obsscaling: a score matrix, see its docstring
        assert name == "obsscaling"
        return
    assert isinstance(result, RunsTable)
    assert np.all(result.N > 0)
    assert np.all(result.D > 0)
    assert np.all(np.isfinite(result.y))
    assert np.all(result.y > 0)
    assert result.meta.source.startswith(f"dataset:{name}@")
    assert result.meta.n_convention == REGISTRY[name]["n_convention"]
    assert result.meta.units["D"].startswith("tokens")
    if "batch_size" in result.columns:
        assert "tokens" in result.meta.units["batch_size"]


def test_load_dataset_passes_kwargs(require):
    require("chinchilla_epoch")
    assert len(datasets.load_dataset("chinchilla_epoch", drop_outliers=False)) == 245


# -- documented units and preprocessing, dataset by dataset ----------------------------------------
def test_rescal_config_column(require):
    for name, shape in RESCAL_EXPECTED.items():
        require(name)
        table = datasets.load_dataset(name)
        assert table.frame["config"].nunique() == shape["files"]
        assert table.frame["config"].str.startswith("group_C_").all()
        assert table.target == "loss"


def test_chinchilla_epoch_d_from_flop(require):
    require("chinchilla_epoch")
    table = datasets.load_chinchilla_epoch(drop_outliers=False)
    frame = table.frame
    np.testing.assert_allclose(table.D, frame["Training FLOP"] / (6 * frame["Model Size"]), rtol=1e-12)
    np.testing.assert_allclose(table.N, frame["Model Size"])
    assert "Epoch dropped the 5 highest-loss points" in table.meta.notes
    kept = datasets.load_chinchilla_epoch(drop_outliers=True)
    dropped = np.sort(table.y)[-5:]
    assert kept.y.max() < dropped.min()
    assert "dropped the 5 highest-loss points" in kept.meta.notes


@pytest.mark.parametrize("kind", ["dense", "moe"])
def test_steplaw_batch_size_in_tokens(kind, require):
    require(f"steplaw_{kind}")
    table = datasets.load_dataset(f"steplaw_{kind}")
    frame = table.frame
    assert table.target == "smooth loss"
    np.testing.assert_array_equal(frame["batch_size"], frame["bs"] * 2048)
    # D is the nominal budget (e.g. 1.14e10), bs x ti x 2048 the tokens actually run: within 0.3%
    np.testing.assert_allclose(table.D, frame["bs"] * frame["ti"] * 2048, rtol=3e-3)
    if kind == "dense":  # non-embedding N = numl (4 h^2 + 3 h ffnh)
        h, ffnh, numl = frame["h"], frame["ffnh"], frame["numl"]
        np.testing.assert_array_equal(table.N, numl * (4 * h**2 + 3 * h * ffnh))
    assert datasets.load_dataset(f"steplaw_{kind}", target="loss").target == "loss"


def test_overtraining_targets(require):
    require("overtraining")
    table = datasets.load_overtraining(target="paloma_c4_en")
    assert table.target == "loss_paloma_c4_en"
    frame = table.frame
    np.testing.assert_allclose(table.D / table.N, 20 * frame["chinchilla_multiplier"], rtol=0.02)
    np.testing.assert_array_equal(frame["batch_size"], frame["global_bs_seqs"] * frame["seq_len"])
    with pytest.raises(ValueError, match="'target' parameter of load_overtraining"):
        datasets.load_overtraining(target="ds_piqa")


def test_overtraining_grid_parameter_formula(require):
    require("overtraining")
    require("overtraining_grid")
    models = datasets.load_overtraining().frame
    sized = models[models["model_config"].str.startswith("d=")]
    parts = sized["model_config"].str.extract(r"d=(\d+)_l=(\d+)").astype(int)
    total, non_embedding = datasets._loaders_sweeps.open_lm_params(parts[0], parts[1])
    np.testing.assert_array_equal(total, sized["params"])
    np.testing.assert_array_equal(non_embedding, sized["params_no_embed"])
    big = {"open_lm_1b": (2048, 24), "open_lm_7b": (4096, 32)}
    for config, (d, layers) in big.items():
        expected = models.loc[models["model_config"] == config, "params"].iloc[0]
        assert datasets._loaders_sweeps.open_lm_params(d, layers)[0] == expected
    grid = datasets.load_overtraining_grid()
    np.testing.assert_allclose(grid.D / grid.N, 20, rtol=0.01)  # the grid sits at 20 tokens per parameter
    np.testing.assert_array_equal(grid.frame["batch_size"], grid.frame["global_bs_seqs"] * 2048)


def test_datablations(require):
    require("datablations")
    table = datasets.load_datablations()
    assert table.target == "val_loss"
    assert "9 unfinished runs" in table.meta.notes
    assert np.all(table.frame["unique_tokens"] <= table.D)
    assert len(datasets.load_datablations(exclude_dedup=True)) == 296


def test_datablations_curves(require):
    require("datablations_curves")
    frame = datasets.load_datablations_curves().frame
    assert set(frame["N"]) == {2.8e9, 4.2e9, 8.7e9}
    assert frame["run_id"].nunique() == 48
    np.testing.assert_array_equal(frame["D"], frame["tokens_seen"])


def test_regmix_splits_and_budgets(require):
    require("regmix")
    table = datasets.load_regmix()
    frame = table.frame
    assert table.target == "loss_pile_cc"
    counts = frame.groupby(["split", "model_size"]).size().to_dict()
    assert counts == {("train", "1m"): 512, ("test", "1m"): 256, ("test", "60m"): 256, ("test", "1B"): 64}
    weights = frame[[c for c in frame.columns if c.startswith("w_")]]
    assert weights.shape[1] == 17
    np.testing.assert_allclose(weights.sum(axis=1), 1, atol=0.01)
    budget = dict(zip(frame["model_size"], frame["D"], strict=True))
    assert budget == {"1m": 1e9, "60m": 1e9, "1B": 25e9}
    assert datasets.load_regmix(target="github").target == "loss_github"


@pytest.mark.parametrize(("experiment", "rows"), [("2Mix", 220), ("3Mix", 3254 - 27), ("5Mix", 31262),
                                                   ("RedPajama", 25542), ("ct", 1173 - 23)])
def test_mixinglaws_experiments(experiment, rows, require):
    require("mixinglaws")
    table = datasets.load_mixinglaws(experiment=experiment)
    frame = table.frame
    assert len(table) == rows
    np.testing.assert_array_equal(frame["D"], frame["step"] * 1_048_576)
    np.testing.assert_array_equal(frame["D"], frame["tokens_seen"])
    assert any(c.startswith("w_") for c in frame.columns)


def test_mixinglaws_eval_domain_filter(require):
    require("mixinglaws")
    table = datasets.load_mixinglaws(experiment="2Mix", eval_domain="Github")
    assert set(table.frame["eval_domain"]) == {"Github"}
    assert len(table) == 110
    with pytest.raises(ValueError, match="'experiment' parameter of load_mixinglaws"):
        datasets.load_mixinglaws(experiment="4Mix")


@pytest.mark.parametrize(("corpus", "rows", "domains"), [("Pile", 2760, 22), ("SlimPajama", 960, 7)])
def test_bimix(corpus, rows, domains, require):
    require("bimix")
    table = datasets.load_bimix(corpus=corpus)
    frame = table.frame
    assert len(table) == rows
    assert sum(c.startswith("w_") for c in frame.columns) == domains
    np.testing.assert_array_equal(frame["D"], frame["global_step"] * 524_288)
    assert set(frame["N"]) == {120e6}
    assert len(datasets.load_bimix(corpus=corpus, eval_domain="avg")) == 120


def test_ncpl_marin_split_keys(require):
    require("ncpl_marin")
    frame = datasets.load_ncpl_marin().frame
    matched = frame[frame["ncpl_split"] != "unmatched"]
    assert len(matched) == 14
    assert matched["is_baseline"].all()
    assert set(matched["ncpl_split"]) <= {"train", "in_val", "ood_val"}
    np.testing.assert_array_equal(frame["batch_size"], frame["train_batch_size"] * frame["seq_len"])


def test_pythia_filters_and_tokens(require):
    require("pythia")
    table = datasets.load_pythia(task="lambada_openai", metric="ppl", variant="standard")
    frame = table.frame
    assert set(frame["task"]) == {"lambada_openai"}
    assert set(frame["metric"]) == {"ppl"}
    np.testing.assert_array_equal(frame["D"], frame["step"] * 2_097_152)
    assert set(frame["N"]) == {70e6, 160e6, 410e6, 1.4e9, 2.8e9, 6.9e9, 12e9}  # 1b: only bf16 and deduped
    small_batch = datasets.load_pythia(variant="0.25MtokBS", metric="acc").frame
    np.testing.assert_array_equal(small_batch["D"], small_batch["step"] * 262_144)
    with pytest.raises(ValueError, match="'metric' parameter of load_pythia"):
        datasets.load_pythia(metric="accuracy")


def test_obsscaling_frame(require):
    require("obsscaling")
    frame = datasets.load_obsscaling()
    btlm = frame[frame["Model"] == "cerebras/btlm-3b-8k-base"].iloc[0]
    assert btlm["Pretraining Data Size (T)"] == 0.627
    assert btlm["D"] == pytest.approx(0.627e12)
    assert "fixed cerebras/btlm-3b-8k-base" in frame.attrs["notes"]
    raw = datasets.load_obsscaling(fix_known_errors=False)
    assert raw.loc[raw["Model"] == "cerebras/btlm-3b-8k-base", "Pretraining Data Size (T)"].iloc[0] == 627
    known = frame["FLOPs (1E21)"].notna()
    np.testing.assert_allclose(frame.loc[known, "FLOPs (1E21)"],
                               6 * frame.loc[known, "N"] * frame.loc[known, "D"] / 1e21, rtol=1e-6)
    emergent = datasets.load_obsscaling(table="base_llm_emergent_capability_eval")
    assert len(emergent) == 84
    assert "FLOPs (1E21)" in emergent.columns
