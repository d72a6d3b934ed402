"""Loaders of hyper-parameter sweeps: Gadre et al. over-training, its grid, Marin AdamW (NCPL)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ._common import check_choice, read_csv, to_table
from ._fetch import fetch
from ._registry import check_version

__all__ = ["load_ncpl_marin", "load_overtraining", "load_overtraining_grid", "open_lm_params"]

_OVERTRAINING_VALSETS = ("openlm_val", "c4_val", "paloma_c4_en", "paloma_dolma100_code", "paloma_refinedweb",
                         "paloma_ptb", "paloma_redpajama", "de_en_100")
_OPEN_LM_VOCAB = 50432
_OPEN_LM_SEQ_LEN = 2048


def open_lm_params(d_model, n_layers, vocab: int = _OPEN_LM_VOCAB):
    """Parameter counts of an open_lm SwiGLU transformer, as Gadre et al. report them.

    ``non_embedding = L (4 d^2 + 3 d h + 2 d) + d + V d`` (attention, SwiGLU
    with ``h = 256 ceil(8 d / 3 / 256)``, two gain-only norms per layer, final
    norm, untied output layer) and ``total = non_embedding + V d``. Reproduces
    ``params`` and ``params_no_embed`` of all six configurations of
    ``overtraining/models_losses_downstream.csv`` exactly.

    Parameters
    ----------
    d_model, n_layers : int or array-like of int
        Width and depth.
    vocab : int, default=50432
        Vocabulary size (GPT-NeoX tokenizer, padded).

    Returns
    -------
    total, non_embedding : ndarray of int64
    """
    d = np.asarray(d_model, dtype=np.int64)
    layers = np.asarray(n_layers, dtype=np.int64)
    hidden = 256 * ((8 * d // 3 + 255) // 256)
    non_embedding = layers * (4 * d * d + 3 * d * hidden + 2 * d) + d + vocab * d
    return non_embedding + vocab * d, non_embedding


# -- overtraining --------------------------------------------------------------------------------
def _frame_overtraining() -> pd.DataFrame:
    raw = read_csv("overtraining/models_losses_downstream.csv")
    return raw.assign(N=raw["params"], D=raw["tokens"], batch_size=raw["global_bs_seqs"] * raw["seq_len"],
                      group=raw["dataset"], run_id=raw["name"])


def load_overtraining(*, target: str = "loss_c4_val", version: str | None = None):
    """Load the 104 models of Gadre et al. (2024), "Language models scale reliably with over-training".

    Parameters
    ----------
    target : str, default="loss_c4_val"
        Loss column to predict: ``loss_<valset>`` or just ``<valset>``, for
        valset in openlm_val, c4_val, paloma_c4_en, paloma_dolma100_code,
        paloma_refinedweb, paloma_ptb, paloma_redpajama, de_en_100.
    version : str or None, default=None
        Dataset version; None loads the only registered one.

    Returns
    -------
    RunsTable
        104 rows (C4 34, RedPajama 35, RefinedWeb 35; 10.6M-6.9B parameters);
        every source column kept (8 losses with 95% intervals, 46 ``ds_<task>``
        accuracies, optimiser settings) plus ``N``, ``D``, ``batch_size``,
        ``group`` (= ``dataset``) and ``run_id`` (= ``name``).

    Notes
    -----
    **Format.** ``overtraining/models_losses_downstream.csv`` (derived), one row
    per model.

    **Source.** github.com/mlfoundations/scaling @ a003c491: ``exp_data/models/*.json``
    (config and loss evaluations) joined with ``exp_data/evals/*_heavy.json``
    (downstream accuracies). Derived file: it cannot be downloaded.

    **License.** MIT.

    **Preprocessing.** ``N = params``, ``D = tokens``, ``batch_size =
    global_bs_seqs x seq_len``. Values are not changed.

    **Units.** N: total parameters including embeddings (``params_no_embed``
    also given). D: tokens; the token multiplier is ``M = D / N = 20 x
    chinchilla_multiplier``. batch_size: tokens; warmup_steps: steps. Losses:
    nats/token; ``ds_*``: accuracy in [0, 1].

    **Versions.** One version, pinned to commit a003c491.
    """
    version = check_version("overtraining", version)
    column = target if target.startswith("loss_") else f"loss_{target}"
    check_choice("load_overtraining", "target", column, tuple(f"loss_{v}" for v in _OVERTRAINING_VALSETS))
    notes = ["N = params (incl. embeddings); D = tokens; batch_size = global_bs_seqs x seq_len tokens"]
    return to_table(_frame_overtraining(), "overtraining", target=column, notes=notes, version=version)


def _frame_overtraining_grid() -> pd.DataFrame:
    raw = read_csv("overtraining/hparam_grid_search.csv")
    total, non_embedding = open_lm_params(raw["d_model"], raw["n_layers"])
    return raw.assign(N=total.astype(float), params_no_embed=non_embedding, D=raw["tokens"],
                      batch_size=raw["global_bs_seqs"] * _OPEN_LM_SEQ_LEN)


def load_overtraining_grid(*, version: str | None = None):
    """Load the hyper-parameter grid of Gadre et al. (2024): 435 small runs.

    Parameters
    ----------
    version : str or None, default=None
        Dataset version; None loads the only registered one.

    Returns
    -------
    RunsTable
        435 rows over 130 model configurations; target ``loss``; source columns
        plus ``N``, ``params_no_embed``, ``D`` and ``batch_size``.

    Notes
    -----
    **Format.** ``overtraining/hparam_grid_search.csv`` (derived from
    ``exp_data/grid.json``): model_config, d_model, n_layers, n_heads, lr, wd,
    global_bs_seqs, tokens, warmup_steps, lr_cooldown_end, loss.

    **Source.** github.com/mlfoundations/scaling @ a003c491, ``exp_data/grid.json``.
    Derived file: it cannot be downloaded.

    **License.** MIT.

    **Preprocessing.** The source gives no parameter count, so ``N`` is
    computed from (d_model, n_layers) with `open_lm_params`, the formula that
    reproduces every ``params`` of the 104-model table exactly; the runs then
    sit at D = 20 N. The grid key holds the batch size twice; both fields are
    read as the global batch size (not documented upstream).

    **Units.** N: total parameters incl. embeddings (computed). D: tokens.
    batch_size: tokens = global_bs_seqs x 2048. warmup_steps: steps. Loss:
    validation loss, nats/token (the source does not say on which set).

    **Versions.** One version, pinned to commit a003c491.
    """
    version = check_version("overtraining_grid", version)
    notes = ["N computed from (d_model, n_layers) with open_lm_params (total, incl. embeddings)",
             "batch_size = global_bs_seqs x 2048 tokens"]
    return to_table(_frame_overtraining_grid(), "overtraining_grid", target="loss", notes=notes, version=version)


# -- ncpl_marin ----------------------------------------------------------------------------------
def _frame_ncpl_marin() -> tuple[pd.DataFrame, int, int]:
    raw = read_csv("ncpl/marin_optimizer_sweep/marin_adamw_sweep_final_losses.csv")
    with open(fetch("ncpl/marin_keys_model_split.json"), encoding="utf-8") as fh:
        splits = json.load(fh)
    split_of = {run: split for split, runs in splits.items() for run in runs}
    matched = raw["is_baseline"].astype(bool) & raw["baseline_run_name"].isin(split_of)
    frame = raw.assign(
        N=raw["params_nonembed"],
        D=raw["tokens"],
        lr=raw["learning_rate"],
        batch_size=raw["train_batch_size"] * raw["seq_len"],
        group=raw["model_size"] + "-x" + raw["chinchilla_multiple"].astype(str),
        ncpl_split=raw["baseline_run_name"].map(split_of).where(matched, "unmatched"),
    )
    n_null = int(frame["loss_c4en_paloma"].isna().sum())
    frame = frame[frame["loss_c4en_paloma"].notna()].reset_index(drop=True)
    return frame, n_null, int(matched.sum())


def load_ncpl_marin(*, version: str | None = None):
    """Load the Marin AdamW sweep (Wen et al. 2025) with the NCPL split keys.

    Parameters
    ----------
    version : str or None, default=None
        Dataset version; None loads the only registered one.

    Returns
    -------
    RunsTable
        170 rows (171 runs less one with a null loss); target
        ``loss_c4en_paloma``; source columns plus ``N``, ``D``, ``lr``,
        ``batch_size``, ``group`` (size and Chinchilla multiple) and
        ``ncpl_split`` (train / in_val / ood_val, or ``unmatched``).

    Notes
    -----
    **Format.** ``ncpl/marin_optimizer_sweep/marin_adamw_sweep_final_losses.csv``
    (derived): one row per run; ``is_baseline`` marks the tuned config of each
    (size, multiple) group, other rows are 1-D ablations (``ablated_param``,
    ``ablated_value``). ``ncpl/marin_keys_model_split.json``: NCPL's run-name
    split.

    **Source.** Losses: github.com/marin-community/marin @ 22937580,
    ``experiments/optimizer_sweep/Analysis/Results/adamw/<size>/<multiple>/result.json``
    (derived, cannot be downloaded). Split keys:
    github.com/zhqwqwq/Configuration-to-Performance-Scaling-Law @ 4f6e64b0,
    ``processed_data/keys/marin_keys_model_split.json`` (byte-identical).

    **License.** Marin results: not verified. NCPL split keys: MIT.

    **Preprocessing.** The run with a null loss is dropped. ``ncpl_split`` is
    set for baseline rows whose ``baseline_run_name`` is one of NCPL's keys
    (14 of 18); ablation rows have no run name in the source and are
    ``unmatched``. Diverged runs (``diverged``, loss > 5) are kept.

    **Units.** N: non-embedding parameters. D: tokens = multiple x 20 x N.
    batch_size: tokens = train_batch_size x 4096; warmup: steps. Loss:
    ``eval/paloma/c4_en/loss``, nats/token.

    **Versions.** One version, pinned to the commits above.
    """
    version = check_version("ncpl_marin", version)
    frame, n_null, n_matched = _frame_ncpl_marin()
    notes = [f"dropped {n_null} run(s) with a null loss_c4en_paloma",
             "N = params_nonembed; D = tokens; lr = learning_rate; batch_size = train_batch_size x seq_len tokens",
             f"ncpl_split set for {n_matched} baseline run(s) found in NCPL's marin split keys; others 'unmatched'"]
    return to_table(frame, "ncpl_marin", target="loss_c4en_paloma", notes=notes, version=version)
