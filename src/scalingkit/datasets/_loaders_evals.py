"""Loaders of downstream-evaluation datasets: Pythia checkpoints, observational scaling."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ._common import check_choice, parse_size, read_csv, to_table
from ._registry import REGISTRY, check_version

__all__ = ["OBSSCALING_TABLES", "load_obsscaling", "load_pythia"]

OBSSCALING_TABLES = tuple(p.removeprefix("obsscaling/").removesuffix(".csv") for p in REGISTRY["obsscaling"]["files"])
_OBS_META = ["Model Family", "Model Size (B)", "Pretraining Data Size (T)", "FLOPs (1E21)"]
# (model, column, wrong value, right value): documented data errors of the upstream files.
_OBS_FIXES = (
    ("cerebras/btlm-3b-8k-base", "Pretraining Data Size (T)", 627.0, 0.627),
    ("cerebras/btlm-3b-8k-base", "FLOPs (1E21)", 11286.0, 11.286),
)


# -- pythia --------------------------------------------------------------------------------------
def _as_tuple(value) -> tuple | None:
    if value is None:
        return None
    if isinstance(value, (str, int)) or not isinstance(value, Iterable):
        return (value,)
    return tuple(value)


def _frame_pythia(**filters) -> tuple[pd.DataFrame, list[str]]:
    raw = read_csv("checkpoints_evals/pythia/pythia_v1_evals_long.csv")
    notes = []
    for column, wanted in filters.items():
        wanted = _as_tuple(wanted)
        if wanted is None:
            continue
        known = tuple(sorted(raw[column].unique()))
        for value in wanted:
            check_choice("load_pythia", column, value, known)
        raw = raw[raw[column].isin(wanted)]
        notes.append(f"kept {column} in {list(wanted)}")
    frame = raw.assign(N=raw["size"].map(parse_size), D=raw["tokens"], run_id=raw["model"])
    at_init = frame["D"] <= 0
    not_positive = ~at_init & (frame["value"] <= 0)
    if at_init.any():
        notes.append(f"dropped {int(at_init.sum())} row(s) at step 0 (no training tokens, D = 0)")
    if not_positive.any():
        notes.append(f"dropped {int(not_positive.sum())} row(s) with value <= 0 (the target must be positive)")
    return frame[~at_init & ~not_positive].reset_index(drop=True), notes


def load_pythia(*, task=None, metric=None, shots=None, variant=None, version: str | None = None):
    """Load the Pythia v1 checkpoint evaluations (Biderman et al. 2023), long format.

    Parameters
    ----------
    task : str, list of str or None, default=None
        Keep only these tasks (e.g. ``"lambada_openai"``, ``"piqa"``,
        ``"hendrycksTest-anatomy"``); None keeps all 87.
    metric : str, list of str or None, default=None
        Keep only these metrics: ``acc``, ``acc_norm``, ``ppl``,
        ``likelihood_difference``, ``pct_stereotype``.
    shots : int, list of int or None, default=None
        Keep only 0-shot or 5-shot evaluations.
    variant : str, list of str or None, default=None
        Keep only ``standard``, ``deduped``, ``bf16``, ``0.25MtokBS``,
        ``0.5MtokBS`` or ``1MtokBS`` runs.
    version : str or None, default=None
        Dataset version; None loads the only registered one.

    Returns
    -------
    RunsTable
        One row per (model, shots, step, task, metric); target ``value``;
        columns ``N``, ``D``, ``step``, ``run_id`` (= ``model``) and the
        source's. Unfiltered: 111,585 of the file's 114,496 rows.

    Notes
    -----
    **Format.** ``checkpoints_evals/pythia/pythia_v1_evals_long.csv`` (derived):
    model, size, n_layers, d_model, peak_lr, variant, shots, step, tokens,
    task, metric, value, stderr.

    **Source.** github.com/EleutherAI/pythia @ a19eecb8, ``evals/pythia-v1/**.json``
    flattened by the team (bias-intervention runs excluded). Derived file: it
    cannot be downloaded.

    **License.** Apache-2.0.

    **Preprocessing.** Rows at step 0 (D = 0, 2,752 rows unfiltered) and rows
    whose value is not positive (accuracy exactly 0, 159 more rows) are
    dropped, because a runs table needs D > 0 and a positive target; both
    counts are recorded in ``meta.notes``. Filters apply first.

    **Units.** N: nominal parameters parsed from ``size`` ('1.4b' -> 1.4e9;
    the true total counts differ by up to about 3%). D: tokens seen at the
    checkpoint = step x tokens per step (2,097,152; 262,144 / 524,288 /
    1,048,576 for the small-batch variants); final step 143,000 is about 300B
    tokens. ``value``: the metric (accuracy in [0, 1], perplexity, ...);
    ``lambada_openai`` ``ppl`` is the closest thing to a loss.

    **Versions.** One version, pinned to commit a19eecb8.
    """
    version = check_version("pythia", version)
    frame, notes = _frame_pythia(task=task, metric=metric, shots=shots, variant=variant)
    notes.append("N parsed from size (nominal); D = tokens seen at the checkpoint")
    return to_table(frame, "pythia", target="value", notes=notes, version=version)


# -- obsscaling ----------------------------------------------------------------------------------
def _frame_obsscaling(table: str, fix_known_errors: bool, with_metadata: bool) -> tuple[pd.DataFrame, list[str]]:
    frame = read_csv(f"obsscaling/{table}.csv")
    notes = []
    if with_metadata and "Model Size (B)" not in frame.columns and table.startswith("base_"):
        meta = read_csv("obsscaling/base_llm_benchmark_eval.csv")[["Model", *_OBS_META]]
        frame = frame.merge(meta, on="Model", how="left", validate="one_to_one")
        notes.append("metadata columns joined from base_llm_benchmark_eval on Model")
    if fix_known_errors:
        for model, column, wrong, right in _OBS_FIXES:
            if column not in frame.columns:
                continue
            hit = (frame["Model"] == model) & (frame[column] == wrong)
            if hit.any():
                frame.loc[hit, column] = right
                notes.append(f"fixed {model} {column}: {wrong:g} -> {right:g} (known upstream data error)")
    if "Model Size (B)" in frame.columns:
        frame = frame.assign(N=frame["Model Size (B)"] * 1e9, D=frame["Pretraining Data Size (T)"] * 1e12)
        notes.append("N = Model Size (B) x 1e9; D = Pretraining Data Size (T) x 1e12 (NaN where unknown)")
    return frame, notes


def load_obsscaling(*, table: str = "base_llm_benchmark_eval", fix_known_errors: bool = True,
                    with_metadata: bool = True, version: str | None = None) -> pd.DataFrame:
    """Load a benchmark-score table of observational scaling laws (Ruan et al. 2024).

    This dataset is a matrix of benchmark scores of public models, not a table
    of training runs with a loss: training tokens are unknown for 25 of the
    148 base models, the scores (the targets of this method) can be exactly 0,
    and several tables have no size at all. So it is returned as a pandas
    DataFrame, not a `RunsTable`; ``N`` and ``D`` are added where the
    metadata allow.

    Parameters
    ----------
    table : str, default="base_llm_benchmark_eval"
        One of ``base_llm_benchmark_eval`` (148 models), ``base_llm_benchmark_eval_sub_10b``
        (92), ``base_llm_emergent_capability_eval`` (84),
        ``base_llm_leaderboard_v2_eval`` (72), ``base_llm_post_training_eval`` (96),
        ``instruct_llm_agent_eval`` (27), ``instruct_llm_benchmark_eval`` (27).
    fix_known_errors : bool, default=True
        Correct the documented error of ``cerebras/btlm-3b-8k-base`` (627T
        training tokens and 11,286e21 FLOPs; truly 0.627T and 11.286e21).
    with_metadata : bool, default=True
        For base-model tables without them, join family, size, data size and
        FLOPs from ``base_llm_benchmark_eval`` on ``Model``.
    version : str or None, default=None
        Dataset version; None loads the only registered one.

    Returns
    -------
    DataFrame
        One row per model, columns as in the source plus ``N`` and ``D`` when
        sizes are known. ``frame.attrs`` holds ``source``, ``notes`` and ``units``.

    Notes
    -----
    **Format.** ``obsscaling/<table>.csv``: ``Model`` (HF id), optional
    metadata (``Model Family``, ``Model Size (B)``, ``Pretraining Data Size
    (T)``, ``FLOPs (1E21)``) and one column per benchmark metric.

    **Source.** github.com/ryoungj/ObsScaling @ 4d6e1e43, ``eval_results/`` (names
    kept; byte-identical, downloadable).

    **License.** No LICENSE file was found; terms unspecified.

    **Preprocessing.** Only the fix above and the added columns; models are not
    filtered (the paper's default 77-model set needs the family lists of
    ``utils/constants.py``; see ``obsscaling/METHOD.md``).

    **Units.** N: parameters (Model Size (B) x 1e9). D: tokens (Pretraining
    Data Size (T) x 1e12). ``FLOPs (1E21)`` = 6 N D / 1e21. Scores are fractions
    in [0, 1] unless noted (ipa BLEU and AgentBoard 0-100, AgentBench overall 0-10).

    **Versions.** One version, pinned to commit 4d6e1e43.
    """
    version = check_version("obsscaling", version)
    check_choice("load_obsscaling", "table", table, OBSSCALING_TABLES)
    frame, notes = _frame_obsscaling(table, fix_known_errors, with_metadata)
    frame.attrs.update(source=f"dataset:obsscaling@{version}/{table}", notes="; ".join(notes),
                       units=dict(REGISTRY["obsscaling"]["units"]))
    return frame
