"""The published setups of Ruan et al. (2024): model sets, family lists and the
configurations behind ``obsscaling/reference_results.csv``.

Family lists follow ``utils/constants.py`` of github.com/ryoungj/ObsScaling
@ 4d6e1e43 (facts about the data, restated here). See
``shared/data/obsscaling/METHOD.md`` for the full description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._predictor import BASE_BENCHMARKS, INSTRUCT_BENCHMARKS
from ._splits import CutoffSplit, TopSplit
from ._transforms import TargetTransform

__all__ = ["CODE_FAMILIES", "EVAL_FAMILIES", "NO_FLOPS_FAMILIES", "NONGSM_BENCHMARKS", "PREREGISTERED_MODELS",
           "Recipe", "load_paper_frames", "recipe_for_row"]

#: The 28 "evaluated" base-model families.
EVAL_FAMILIES = (
    "Llama-2", "Llama", "Llama-3", "Llama-3.1", "Qwen2", "Qwen1.5", "Qwen", "Mistral", "Mixtral", "Yi", "Yi-1.5",
    "Gemma", "Gemma-2", "Falcon", "Phi", "Pythia", "BLOOM", "GPT-Neo/J", "OPT", "MPT", "XGLM", "CodeLlama",
    "StarCoder", "StarCoder2", "DeepSeek-Coder", "DeepSeek-V2", "DeepSeek-Coder-V2", "Jamba",
)
#: Evaluated families whose training compute is not public.
NO_FLOPS_FAMILIES = ("Mistral", "Mixtral", "Qwen2")
#: Code-model families.
CODE_FAMILIES = ("StarCoder", "CodeLlama", "Codegen", "StarCoder2", "DeepSeek-Coder", "DeepSeek-Coder-V2")
#: Models released after May 2024, pre-registered and left out of the default set.
PREREGISTERED_MODELS = (
    "meta-llama/Meta-Llama-3.1-405B-FP8", "meta-llama/Meta-Llama-3.1-70B", "meta-llama/Meta-Llama-3.1-8B",
    "Qwen/Qwen1.5-110B", "Qwen/Qwen2-72B", "Qwen/Qwen2-57B-A14B", "Qwen/Qwen2-7B", "Qwen/Qwen2-1.5B",
    "Qwen/Qwen2-0.5B", "deepseek-ai/DeepSeek-V2", "deepseek-ai/DeepSeek-Coder-V2-Base", "google/gemma-2-27b",
    "google/gemma-2-9b", "google/gemma-2-2b", "mistralai/Mixtral-8x22B-v0.1", "mistralai/Mistral-Nemo-Base-2407",
    "01-ai/Yi-1.5-34B", "01-ai/Yi-1.5-9B", "01-ai/Yi-1.5-6B", "ai21labs/Jamba-v0.1",
)
#: The 7 base benchmarks without GSM8K (used when the target is GSM8K-like or arithmetic).
NONGSM_BENCHMARKS = tuple(b for b in BASE_BENCHMARKS if b != "GSM8K")
#: The 3 GSM8K post-training metrics of the subset-selection evaluation.
SUBSET_TARGETS = ("gsm8k_5_exact_match,flexible-extract", "gsm8k_cot_8_exact_match,flexible-extract",
                  "gsm8k_cot_self_consistency_8_exact_match,maj@5-flexible-extract")
FLOPS = "FLOPs (1E21)"
# Chance accuracy of the 27 BBH subtasks (boolean_expressions ... word_sorting, in the upstream order).
_BBH_SUBTASK_CHANCE = (1 / 2, 1 / 2, 1 / 6, 1 / 3, 0, 1 / 2, 1 / 9, 1 / 2, 1 / 5, 1 / 7, 1 / 3, 1 / 5, 0, 1 / 2, 0,
                       1 / 5, 1 / 18, 1 / 4, 1 / 6, 1 / 2, 1 / 2, 1 / 4, 1 / 5, 1 / 7, 1 / 3, 1 / 2, 0)
_BBH_CHANCE = sum(_BBH_SUBTASK_CHANCE) / len(_BBH_SUBTASK_CHANCE)
_LEADERBOARD_CHANCE = {"leaderboard_gpqa": 0.25, "leaderboard_math_hard": 0.0, "leaderboard_bbh": _BBH_CHANCE}


def load_paper_frames() -> dict[str, pd.DataFrame]:
    """The model tables of the paper's analyses, from the registered ``obsscaling`` files.

    Returns
    -------
    dict of str to DataFrame
        ``base`` (the default 77 models: evaluated families, pre-registered
        models removed), ``emergent`` (65, with BIG-Bench metrics),
        ``post`` (77, with post-training GSM8K/BBH metrics), ``leaderboard``
        (72, all base models with Open LLM Leaderboard v2 scores, pre-registered
        ones included) and ``agents`` (27 instruction-tuned models with agent
        scores). The btlm data error is fixed by the loader.
    """
    from ..datasets import load_obsscaling

    def table(name):
        return load_obsscaling(table=name, with_metadata=False)

    every = table("base_llm_benchmark_eval")
    base = every[every["Model Family"].isin(EVAL_FAMILIES) & ~every["Model"].isin(PREREGISTERED_MODELS)]
    base = base.reset_index(drop=True)
    return {
        "base": base,
        "emergent": base.merge(table("base_llm_emergent_capability_eval"), on="Model"),
        "post": base.merge(table("base_llm_post_training_eval"), on="Model"),
        "leaderboard": every.merge(table("base_llm_leaderboard_v2_eval"), on="Model"),
        "agents": table("instruct_llm_benchmark_eval").merge(table("instruct_llm_agent_eval"), on="Model"),
    }


def family_filter(frame: pd.DataFrame, which: str) -> pd.DataFrame:
    """Rows of ``frame`` in ``all`` evaluated families, those with known ``flops``, or ``noncode`` ones.

    ``which="none"`` keeps every row (instruction-tuned models).
    """
    if which == "none":
        return frame
    families = [f for f in EVAL_FAMILIES if which == "all" or f not in NO_FLOPS_FAMILIES]
    if which == "noncode":
        families = [f for f in families if f not in CODE_FAMILIES]
    return frame[frame["Model Family"].isin(families)]


@dataclass(frozen=True)
class Recipe:
    """One published configuration: data, target, split and predictor settings."""

    frame: str
    families: str
    target: str
    transform: TargetTransform
    split: object
    params: dict = field(default_factory=dict)
    subset_budget: int | None = None  # Sec. 5 rows: V-optimal budget (0 = all training models)


_AGENTS = {"ABench-OA": ("ABench-OA", 10.0), "ABoard-Avg_SR": ("ABoard-Avg_SR", 100.0)}


def _predictor_params(label: str) -> dict:
    if label == "log10_size":
        return {"x_col": "Model Size (B)"}
    if label == "log10_flops":
        return {"x_col": FLOPS}
    match = re.fullmatch(r"PC1-(\d)", label)
    if match is None:
        msg = f"unrecognised predictor '{label}' in the reference file"
        raise ValueError(msg)
    return {"n_components": int(match.group(1))}


def _cutoff(split: str) -> float:
    match = re.search(r"FLOPs<=([0-9.]+)e(2[12])", split)
    if match is None:
        msg = f"unrecognised split '{split}' in the reference file"
        raise ValueError(msg)
    return float(match.group(1)) * 10.0 ** (int(match.group(2)) - 21)


def recipe_for_row(row) -> Recipe:
    """Map one row of ``reference_results.csv`` to its published configuration.

    Parameters
    ----------
    row : mapping
        With ``target``, ``predictor``, ``split`` and ``notes``.

    Returns
    -------
    Recipe

    Raises
    ------
    ValueError
        If the row matches none of the paper's analyses.
    """
    target, split, notes = str(row["target"]), str(row["split"]), str(row["notes"])
    params = {**_predictor_params(str(row["predictor"])), "gradient": "finite-difference"}
    families = "noncode" if "non-code" in split else "flops" if "known FLOPs" in split else "all"
    nongsm = {"benchmarks": NONGSM_BENCHMARKS, "impute_clip": (0.0, 1.0)}
    huber = {"loss": "huber", "delta": 1.0}
    if target.startswith("ABench") or target.startswith("ABoard"):
        column, scale = _AGENTS[target.split(" ")[0].split("/")[0]]
        return Recipe("agents", "none", column, TargetTransform("minmax", 0.0, scale), TopSplit(column, 0.1),
                      {**params, "benchmarks": INSTRUCT_BENCHMARKS, "impute_clip": (0.0, 1.0)})
    cutoff = CutoffSplit(FLOPS, _cutoff(split))
    if target.startswith("leaderboard_"):
        return Recipe("leaderboard", "flops", target, TargetTransform("minmax", _LEADERBOARD_CHANCE[target], 1.0),
                      cutoff, {**params, **nongsm, **huber, "link": "sigmoid"})
    if target.startswith("gmean of 3 GSM8K"):
        match = re.search(r"budget (\d+)", split)
        budget = int(match.group(1)) if match else 0
        return Recipe("post", "all", "gmean", TargetTransform(), cutoff, {**params, **nongsm, **huber},
                      subset_budget=budget)
    if target.startswith("gsm8k"):
        robust = huber if "post-training" in notes else {}  # the README-block rows use OLS
        fams = "flops" if "known FLOPs" in split + notes else "all"
        return Recipe("post", fams, target, TargetTransform(), cutoff, {**params, **nongsm, **robust})
    if target in ("word_unscrambling_2_exact_match", "arithmetic_3ds_2_acc"):
        extra = nongsm if "non-GSM" in notes else {}
        return Recipe("emergent", families, target, TargetTransform(), cutoff, {**params, **extra})
    msg = f"unrecognised reference row: target '{target}', split '{split}'"
    raise ValueError(msg)


def gmean(values) -> float:
    """Geometric mean (the Sec. 5 score over the 3 GSM8K metrics)."""
    values = np.asarray(values, dtype=float)
    return float(np.exp(np.mean(np.log(values))))
