"""The dataset registry: name -> metadata (description, files, source, licence, units).

``REGISTRY[name]`` holds plain data. ``files`` lists paths relative to the
mirror layout (``$SCALINGKIT_DATA``, laid out like the team's shared data
folder); an entry ending in ``/`` stands for every registered file below it.
The sha256, URL and provenance of each file are in `file_table`.

Each dataset currently has one version, named after the pinned upstream commit
(``version``); a loader asked for another version raises `UnknownNameError`.
"""

from __future__ import annotations

from ..exceptions import UnknownNameError
from ._sources import SOURCES, registered_paths, tree_url

__all__ = ["REGISTRY", "check_version", "dataset_files", "get_entry"]

_NATS = "nats/token (natural-log cross-entropy)"
_N_UNITS = {"non_embedding": "non-embedding parameters", "total": "total parameters",
            "unknown": "parameters (convention unknown)"}

_RESCAL_COMMON = {
    "source": "rescal",
    "license": SOURCES["rescal"]["license"],
    "citation": "Augmenting Scaling Laws with Residual Learning for LLM Pretraining Performance Prediction "
    "(ReScaL; anonymous release github.com/Anony0110/ReScaL)",
    "task": "extrapolate final loss in (N, D, other features) from the cheapest configurations "
    "(ReScaL protocol, see rescal/PROTOCOL.md)",
}


def _rescal(folder, description, n_convention, units, upstream=None):
    entry = {
        **_RESCAL_COMMON,
        "description": f"ReScaL benchmark set {folder}: {description}",
        "files": [f"rescal/data/{folder}/"],
        "n_convention": n_convention,
        "units": {"N": _N_UNITS[n_convention], "D": "tokens", "loss": _NATS, **units},
    }
    if upstream:
        entry["likely_upstream"] = upstream
    return entry


REGISTRY: dict[str, dict] = {
    "rescal_dense1": _rescal(
        "DENSE1", "StepFun Farseer dense runs (407 configurations, 411 rows; N up to 25.1B).",
        "non_embedding", {"N_add_emb": "parameters incl. embeddings", "bs": "sequences"},
        upstream="Farseer (Li et al. 2025, Predictable Scale Part II), github.com/Farseer-Scaling-Law/Farseer "
        "ipynb/data/1222_full.csv (not mirrored)",
    ),
    "rescal_dense2": _rescal(
        "DENSE2", "Step Law dense lr x bs sweeps (17 configurations, 1,911 rows).",
        "non_embedding", {"bs": "sequences of 2048 tokens"}, upstream="steplaw_dense",
    ),
    "rescal_dense3": _rescal(
        "DENSE3",
        "data-constrained scaling, Muennighoff et al. 2023 (137 configurations, 295 rows; uD = unique tokens).",
        "unknown", {"uD": "unique tokens"}, upstream="datablations",
    ),
    "rescal_dense4": _rescal(
        "DENSE4", "Data Mixing Laws 3-domain experiment; rows are checkpoint x mixture x validation domain "
        "(3 configurations, 3,447 rows). D is the run's total budget, not tokens seen at the checkpoint.",
        "unknown", {"step": "training steps"}, upstream="mixinglaws (3Mix)",
    ),
    "rescal_dense5": _rescal(
        "DENSE5", "Data Mixing Laws 5-domain experiment (5 configurations, 31,262 rows). D is the run's "
        "total budget, not tokens seen at the checkpoint.",
        "unknown", {"step": "training steps"}, upstream="mixinglaws (5Mix)",
    ),
    "rescal_dense6": _rescal(
        "DENSE6", "open_lm 'misfitting' models (Li, Kudugunta, Zettlemoyer 2025; medium confidence) with C4 "
        "loss at checkpoints and 5 peak LRs (907 configurations, 4,852 rows).",
        "total", {"N_no_emb": "parameters without embeddings", "train_tokens": "tokens"},
    ),
    "rescal_moe": _rescal(
        "MOE", "Step Law MoE lr x bs sweeps (12 configurations, 708 rows).",
        "total", {"Na": "active parameters", "bs": "sequences of 2048 tokens"}, upstream="steplaw_moe",
    ),
    "rescal_moe2": _rescal(
        "MOE2", "Unified Scaling Laws for Routed LMs (Clark et al. 2022), S-Base / RL-R / Hash routers, "
        "checkpoints from step 0 (131 configurations, 5,791 rows). D is the run's total budget (130B).",
        "total", {"dense_parameter_count": "parameters", "step": "training steps"},
    ),
    "chinchilla_epoch": {
        "description": "Chinchilla Fig. 4 points (Hoffmann et al. 2022) digitised by Epoch AI: 245 runs.",
        "files": ["chinchilla_epoch/svg_extracted_data.csv"],
        "source": "analyzing-chinchilla",
        "license": SOURCES["analyzing-chinchilla"]["license"] + "; points digitised from Hoffmann et al. (2022) Fig. 4",
        "citation": "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models; Besiroglu et al. 2024, "
        "Chinchilla Scaling: A replication attempt",
        "n_convention": "total",
        "units": {"N": "parameters", "D": "tokens = Training FLOP / (6 N)", "Training FLOP": "FLOP",
                  "loss": _NATS + ", MassiveText, quantised to about +-0.01"},
        "task": "Chinchilla Approach 3: fit L(N, D) and extrapolate in N and D",
    },
    "steplaw_dense": {
        "description": "Step Law dense lr x bs grids: 1,911 runs over 17 (N, D) cells.",
        "files": ["steplaw/dense_lr_bs_loss.csv"],
        "source": "steplaw",
        "license": SOURCES["steplaw"]["license"],
        "citation": "Li et al. 2025, Predictable Scale: Part I - Optimal Hyperparameter Scaling Law in LLM Pretraining",
        "n_convention": "non_embedding",
        "units": {"N": "non-embedding parameters = numl (4 h^2 + 3 h ffnh)", "D": "tokens",
                  "batch_size": "tokens = bs x 2048", "bs": "sequences of 2048 tokens", "ti": "steps",
                  "smooth loss": _NATS + " (smoothed training loss)", "loss": _NATS + " (last training loss)"},
        "task": "optimal lr / batch size as functions of (N, D); loss over (N, D, lr, bs)",
    },
    "steplaw_moe": {
        "description": "Step Law MoE lr x bs grids: 708 runs in about 12 (N, D) cells.",
        "files": ["steplaw/moe_lr_bs_loss.csv"],
        "source": "steplaw",
        "license": SOURCES["steplaw"]["license"],
        "citation": "Li et al. 2025, Predictable Scale: Part I - Optimal Hyperparameter Scaling Law in LLM Pretraining",
        "n_convention": "total",
        "units": {"N": "total parameters", "Na": "active parameters", "D": "tokens",
                  "batch_size": "tokens = bs x 2048", "bs": "sequences of 2048 tokens", "ti": "steps",
                  "smooth loss": _NATS + " (smoothed training loss)", "loss": _NATS + " (last training loss)"},
        "task": "optimal lr / batch size for MoE; loss over (N, D, lr, bs)",
    },
    "overtraining": {
        "description": "Gadre et al. 2024 over-training testbed: 104 models on C4 / RedPajama / RefinedWeb, "
        "8 validation losses and 46 downstream accuracies each.",
        "files": ["overtraining/models_losses_downstream.csv"],
        "source": "gadre-scaling",
        "license": "MIT",
        "citation": "Gadre et al. 2024, Language models scale reliably with over-training and on downstream tasks",
        "n_convention": "total",
        "units": {"N": "parameters incl. embeddings", "D": "tokens", "batch_size": "tokens = global_bs_seqs x seq_len",
                  "warmup_steps": "steps", "loss_*": _NATS, "ds_*": "accuracy in [0, 1]"},
        "task": "L(N, M) extrapolation to over-trained regimes; loss -> downstream error",
    },
    "overtraining_grid": {
        "description": "Gadre et al. 2024 hyper-parameter grid: 435 small runs (130 model configs x lr / wd / "
        "batch / warmup).",
        "files": ["overtraining/hparam_grid_search.csv"],
        "source": "gadre-scaling",
        "license": "MIT",
        "citation": "Gadre et al. 2024, Language models scale reliably with over-training and on downstream tasks",
        "n_convention": "total",
        "units": {"N": "parameters incl. embeddings, computed from (d_model, n_layers)", "D": "tokens",
                  "batch_size": "tokens = global_bs_seqs x 2048", "warmup_steps": "steps",
                  "loss": "validation loss, nats/token (validation set not stated upstream)"},
        "task": "warmup / batch-size / lr sensitivity",
    },
    "datablations": {
        "description": "Muennighoff et al. 2023 data-constrained C4 runs: 317 runs, 308 with a final loss.",
        "files": ["datablations/final_losses_c4_parametric_fit.csv"],
        "source": "datablations",
        "license": "Apache-2.0",
        "citation": "Muennighoff et al. 2023, Scaling Data-Constrained Language Models",
        "n_convention": "unknown",
        "units": {"N": "parameters as hard-coded by the authors", "D": "tokens", "unique_tokens": "tokens",
                  "val_loss": _NATS + ", held-out C4, GPT-2 tokenizer"},
        "task": "L(N, D, U) with repetition decay",
    },
    "datablations_curves": {
        "description": "Muennighoff et al. 2023 validation-loss curves (via IBM ColPret): 48 runs, "
        "{C4, OSCAR} x {2.8B, 4.2B, 8.7B} x 8 repetition levels.",
        "files": ["datablations/colpret_datablations_losses.csv"],
        "source": "colpret",
        "license": "Apache-2.0 (datablations); ColPret aggregation MIT",
        "citation": "Muennighoff et al. 2023, Scaling Data-Constrained Language Models; Choshen et al. 2024, "
        "A Hitchhiker's Guide to Scaling Law Estimation",
        "n_convention": "unknown",
        "units": {"N": "parameters (nominal, from '2.8B' etc.)", "D": "tokens seen at the checkpoint",
                  "unique_tokens": "tokens", "loss": _NATS},
        "task": "loss curves under multi-epoch training",
    },
    "regmix": {
        "description": "RegMix: 1,088 small runs, mixture over 17 Pile domains -> validation loss on 13 domains.",
        "files": [f"mixing/regmix/{kind}_{size}.csv" for kind, size in [
            ("train_mixture", "1m"), ("train_pile_loss", "1m"), ("test_mixture", "1m"), ("test_pile_loss", "1m"),
            ("test_mixture", "60m"), ("test_pile_loss", "60m"), ("test_mixture", "1B"), ("test_pile_loss", "1B")]],
        "source": "regmix",
        "license": "MIT",
        "citation": "Liu et al. 2024, RegMix: Data Mixture as Regression for Language Model Pre-training",
        "n_convention": "unknown",
        "units": {"N": "parameters (nominal 1M / 60M / 1B)", "D": "tokens (1B for 1M and 60M models; 25B for 1B "
                  "models, from the paper)", "w_*": "mixture proportions (sum to 1)", "loss_*": _NATS},
        "task": "mixture -> loss regression; rank transfer from 1M to 1B models",
    },
    "mixinglaws": {
        "description": "Data Mixing Laws (Ye et al.): loss curves per mixture, model size and Pile eval domain "
        "for experiments 2Mix, 3Mix, 5Mix, RedPajama and ct.",
        "files": [f"mixing/mixinglaws/{e}_losses.csv" for e in ("2Mix", "3Mix", "5Mix", "RedPajama", "ct")],
        "source": "mixinglaws",
        "license": SOURCES["mixinglaws"]["license"],
        "citation": "Ye et al. 2025, Data Mixing Laws: Optimizing Data Mixtures by Predicting Language "
        "Modeling Performance (ICLR)",
        "n_convention": "unknown",
        "units": {"N": "parameters (nominal, from model_size)", "D": "tokens seen = step x 1,048,576",
                  "tokens_seen": "tokens", "step": "training steps", "w_*": "mixture proportions", "loss": _NATS},
        "task": "mixture x model size x steps -> per-domain loss",
    },
    "bimix": {
        "description": "BiMix (Ge et al. 2024): 6 mixtures x 20 checkpoints of ~120M models on the Pile or "
        "SlimPajama, per-domain validation loss.",
        "files": [f"mixing/bimix/{c}_{k}.csv" for c in ("Pile", "SlimPajama")
                  for k in ("mixture_weights", "val_loss_by_step")],
        "source": "colpret",
        "license": "Apache-2.0",
        "citation": "Ge et al. 2024, BiMix: A Bivariate Data Mixing Law for Language Model Pretraining",
        "n_convention": "unknown",
        "units": {"N": "parameters (nominal 120M)", "D": "tokens = global_step x 524,288 (assumed, see loader)",
                  "w_*": "mixture proportions", "loss": _NATS},
        "task": "mixture x step -> loss",
    },
    "ncpl_marin": {
        "description": "Marin AdamW sweep (Wen et al. 2025, 'Fantastic Pretraining Optimizers'): 171 runs, "
        "baselines and 1-D ablations at 4 sizes x up to 5 Chinchilla multiples, with NCPL split keys.",
        "files": ["ncpl/marin_optimizer_sweep/marin_adamw_sweep_final_losses.csv", "ncpl/marin_keys_model_split.json"],
        "source": "marin",
        "license": "Marin results: " + SOURCES["marin"]["license"] + "; NCPL split keys: MIT",
        "citation": "Wen et al. 2025, Fantastic Pretraining Optimizers and Where to Find Them; Zhang, Wen, Ma "
        "2026, Configuration-to-Performance Scaling Law with Neural Ansatz",
        "n_convention": "non_embedding",
        "units": {"N": "non-embedding parameters", "D": "tokens", "batch_size": "tokens = train_batch_size x 4096",
                  "warmup": "steps", "loss_c4en_paloma": _NATS + ", Paloma C4-en"},
        "task": "configuration -> final loss; optimal hyper-parameter trends with N and D",
    },
    "pythia": {
        "description": "Pythia v1 downstream evaluations at training checkpoints (long format): 8 sizes, "
        "standard / deduped / bf16 / batch-size variants, 0- and 5-shot.",
        "files": ["checkpoints_evals/pythia/pythia_v1_evals_long.csv"],
        "source": "pythia",
        "license": "Apache-2.0",
        "citation": "Biderman et al. 2023, Pythia: A Suite for Analyzing Large Language Models Across "
        "Training and Scaling",
        "n_convention": "total",
        "units": {"N": "parameters (nominal, from the size name, e.g. 1.4b -> 1.4e9)",
                  "D": "tokens = step x tokens per step of the variant", "value": "metric value (acc in [0, 1], "
                  "ppl, ...)"},
        "task": "downstream accuracy vs training tokens and size; loss proxy -> accuracy",
    },
    "obsscaling": {
        "description": "Observational scaling laws (Ruan et al. 2024): benchmark scores and metadata of about "
        "100 public base and instruction-tuned models. A score matrix, not a table of training runs.",
        "files": [f"obsscaling/{t}.csv" for t in (
            "base_llm_benchmark_eval", "base_llm_benchmark_eval_sub_10b", "base_llm_emergent_capability_eval",
            "base_llm_leaderboard_v2_eval", "base_llm_post_training_eval", "instruct_llm_agent_eval",
            "instruct_llm_benchmark_eval")],
        "source": "obsscaling",
        "license": SOURCES["obsscaling"]["license"],
        "citation": "Ruan, Maddison, Hashimoto 2024, Observational Scaling Laws and the Predictability of "
        "Language Model Performance",
        "n_convention": "total",
        "units": {"N": "parameters = Model Size (B) x 1e9", "D": "tokens = Pretraining Data Size (T) x 1e12",
                  "FLOPs (1E21)": "6 N D in units of 1e21 FLOP", "scores": "fractions in [0, 1] unless noted"},
        "task": "benchmark principal components -> downstream metric",
    },
}

for _name, _entry in REGISTRY.items():
    _src = SOURCES[_entry["source"]]
    _entry.setdefault("version", _src["commit"][:12])
    _entry["source"] = {"repo": _src["repo"], "commit": _src["commit"], "date": _src["date"],
                        "url": tree_url(_entry["source"])}
del _name, _entry, _src


def get_entry(name: str) -> dict:
    """Metadata of ``name``; raises `UnknownNameError` (with a suggestion) for unknown names."""
    if name not in REGISTRY:
        kind = "dataset"
        raise UnknownNameError(kind, name, sorted(REGISTRY))
    return REGISTRY[name]


def check_version(name: str, version: str | None) -> str:
    """Return the version to load: ``version``, or the only registered one when None."""
    registered = get_entry(name)["version"]
    if version is None or str(version) == registered:
        return registered
    kind = f"version of dataset '{name}'"
    raise UnknownNameError(kind, str(version), [registered])


def dataset_files(name: str) -> list[str]:
    """Registered relative paths of ``name``, folders expanded, in registry order."""
    table = registered_paths()
    out = []
    for item in get_entry(name)["files"]:
        if item.endswith("/"):
            out.extend(sorted(p for p in table if p.startswith(item)))
        elif item in table:
            out.append(item)
        else:
            msg = f"dataset '{name}' lists '{item}', which is not in registry.txt; regenerate it"
            raise KeyError(msg)
    return out
