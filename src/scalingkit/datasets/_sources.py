"""Upstream repositories and the provenance of every registered file.

A registered file is either

* **byte-identical** to a file of a public repository at a pinned commit: it has
  a canonical raw URL and pooch can download it (``derived=False``); or
* **derived**: reshaped from public upstream files (parsed names, flattened
  JSON, exploded tables, extracted archives) and matching no upstream file. It
  lists the upstream files it was built from (``derived_from``) and how it was
  built (``builder``); it cannot be downloaded, only read from a local mirror.

The sha256 of every file lives in ``registry.txt`` (pooch's ``path hash [url]``
format), written by ``python -m scalingkit.datasets._make_registry MIRROR``.
Nothing here touches the disk at import time.
"""

from __future__ import annotations

import fnmatch
import functools
from importlib import resources

__all__ = ["SOURCES", "file_info", "file_table", "provenance", "raw_url", "registered_paths", "tree_url"]

#: Upstream repositories, pinned. ``license`` is what the repository states.
SOURCES: dict[str, dict] = {
    "analyzing-chinchilla": {
        "repo": "epoch-research/analyzing-chinchilla",
        "commit": "92258837425e1b5f2851d624287f0120583a3d0e",
        "date": "2024-05-14",
        "license": "none (the repository has no LICENSE file)",
    },
    "steplaw": {
        "repo": "step-law/steplaw",
        "commit": "32a8f4cc50247695fb56cc6c9117abdf67c97763",
        "date": "2025-10-28",
        "license": "none (no LICENSE file; public, terms unspecified: do not redistribute)",
    },
    "gadre-scaling": {
        "repo": "mlfoundations/scaling",
        "commit": "a003c4913793ac2ae7ef87b28ecb562955d026d5",
        "date": "2024-04-01",
        "license": "MIT",
    },
    "datablations": {
        "repo": "huggingface/datablations",
        "commit": "13701315b163f1c54642b94ad237b2699187c3ee",
        "date": None,
        "license": "Apache-2.0",
    },
    "colpret": {
        "repo": "IBM/ColPret",
        "commit": "16f23bbe054277ddc4afd07a972dd7cfbe3f48c3",
        "date": "2025-01-27",
        "license": "MIT (aggregated third-party data: their own terms also apply)",
    },
    "regmix": {
        "repo": "sail-sg/regmix",
        "commit": "b004d3a3f39846dcec6b3740da22bcd1ba95a5d0",
        "date": None,
        "license": "MIT",
    },
    "mixinglaws": {
        "repo": "yegcjs/mixinglaws",
        "commit": "8ad3e1244b53294ded55a96ae325f4112ce3bc63",
        "date": None,
        "license": "none (the repository has no LICENSE file)",
    },
    "ncpl": {
        "repo": "zhqwqwq/Configuration-to-Performance-Scaling-Law",
        "commit": "4f6e64b0144ec0fa8070a4398e3aebe33a8b11b1",
        "date": None,
        "license": "MIT",
    },
    "marin": {
        "repo": "marin-community/marin",
        "commit": "229375800f1fc74c2c059f7dbbac1b4b151a3155",
        "date": None,
        "license": "not verified (no LICENSE file was found in the index)",
    },
    "pythia": {
        "repo": "EleutherAI/pythia",
        "commit": "a19eecb807ec2c79a39ebf18108816e6ffffc1d5",
        "date": None,
        "license": "Apache-2.0",
    },
    "rescal": {
        "repo": "Anony0110/ReScaL",
        # The mirror does not record its commit; this is the commit of data.zip in the public index.
        "commit": "0492ee277faaf0d7f0c4746a4e19a8f92bf2adeb",
        "date": None,
        "license": "none (no LICENSE file: keep internal)",
    },
    "obsscaling": {
        "repo": "ryoungj/ObsScaling",
        "commit": "4d6e1e43fd2635d04654aa77d1df9d5266ea0382",
        "date": None,
        "license": "none found (no LICENSE file in the index; terms unspecified)",
    },
}


def raw_url(source: str, path: str) -> str:
    """Raw download URL of ``path`` in ``source`` at its pinned commit."""
    s = SOURCES[source]
    return f"https://raw.githubusercontent.com/{s['repo']}/{s['commit']}/{path}"


def tree_url(source: str, path: str = "") -> str:
    """Browsable URL of a folder (or the whole repository) at the pinned commit."""
    s = SOURCES[source]
    suffix = f"/{path}" if path else ""
    return f"https://github.com/{s['repo']}/tree/{s['commit']}{suffix}"


def _blob_url(source: str, path: str) -> str:
    s = SOURCES[source]
    return f"https://github.com/{s['repo']}/blob/{s['commit']}/{path}"


def _same(source, upstream_dir, *, url_exact=True):
    """Rule for byte-identical files: upstream path = ``upstream_dir/<basename>``."""
    return {"kind": "same", "source": source, "dir": upstream_dir, "url_exact": url_exact}


def _derived(source, derived_from, builder, *, url_exact=True):
    return {
        "kind": "derived",
        "source": source,
        "derived_from": list(derived_from),
        "builder": builder,
        "url_exact": url_exact,
    }


_MIXINGLAWS_TXT = "tab-separated (checkpoint path, eval file, loss) lines parsed into one row per " \
    "(run, step, eval domain); mixture string split into w_<domain> proportions"

# (glob over the relative path in the mirror, rule); the first match wins.
_RULES: list[tuple[str, dict]] = [
    ("chinchilla_epoch/svg_extracted_data.csv", _same("analyzing-chinchilla", "data")),
    ("steplaw/*_lr_bs_loss.csv", _same("steplaw", "data")),
    (
        "overtraining/models_losses_downstream.csv",
        _derived(
            "gadre-scaling",
            [tree_url("gadre-scaling", "exp_data/models"), tree_url("gadre-scaling", "exp_data/evals")],
            "one row per model: config and 8 loss evaluations of exp_data/models/<model>.json joined with "
            "the 46 downstream accuracies of exp_data/evals/evaluation_<model>_heavy.json",
        ),
    ),
    (
        "overtraining/hparam_grid_search.csv",
        _derived(
            "gadre-scaling",
            [raw_url("gadre-scaling", "exp_data/grid.json")],
            "grid.json flattened: the key (model config, batch size twice, lr, wd, tokens, warmup, "
            "cooldown) split into columns, one row per entry with its loss",
        ),
    ),
    (
        "datablations/final_losses_c4_parametric_fit.csv",
        _derived(
            "datablations",
            [_blob_url("datablations", "utils/parametric_fit.ipynb")],
            "dict literals NAMES_TO_VAL_LOSSES, PARAMS_MAP and TOKENS_MAP of cell 1 parsed and joined "
            "by run name (N, D and unique tokens parsed from names like 146m14b100m)",
        ),
    ),
    ("datablations/colpret_datablations_*.csv", {**_same("colpret", "aggregated_eval"), "strip_prefix": "colpret_"}),
    ("mixing/regmix/*.csv", _same("regmix", "data")),
    ("mixing/mixinglaws/*_losses.csv", None),  # expanded per experiment in provenance()
    (
        "mixing/bimix/*.csv",
        _derived(
            "colpret",
            [tree_url("colpret", "raw_data/bimix-law")],
            "ppls.pkl and ratios.pkl of raw_data/bimix-law/{Pile,SlimPajama}/ read with a restricted "
            "unpickler and written out as CSV (long format for the losses)",
        ),
    ),
    ("ncpl/marin_keys_model_split.json", _same("ncpl", "processed_data/keys")),
    (
        "ncpl/marin_optimizer_sweep/marin_adamw_sweep_final_losses.csv",
        _derived(
            "marin",
            [tree_url("marin", "experiments/optimizer_sweep/Analysis/Results/adamw")],
            "result.json of each <size>/<chinchilla multiple> folder of the AdamW arm flattened into one "
            "row per run (baseline and 1-D ablations); loss = eval/paloma/c4_en/loss of the W&B summary",
        ),
    ),
    (
        "checkpoints_evals/pythia/pythia_v1_evals_long.csv",
        _derived(
            "pythia",
            [tree_url("pythia", "evals/pythia-v1")],
            "every zero-shot / five-shot checkpoint JSON of evals/pythia-v1 (bias-intervention runs "
            "excluded) flattened to one row per (model, shots, step, task, metric); tokens = step x "
            "tokens per step of the variant; n_layers, d_model, peak_lr from the Pythia README",
        ),
    ),
    (
        "rescal/data/*",
        _derived(
            "rescal",
            [raw_url("rescal", "data.zip")],
            "extracted unchanged from data.zip (the CSVs are members of the archive, not repository files)",
            url_exact=False,
        ),
    ),
    ("obsscaling/*.csv", _same("obsscaling", "eval_results")),
]


def _mixinglaws_rule(relpath: str) -> dict:
    experiment = relpath.rsplit("/", 1)[-1].removesuffix("_losses.csv")
    return _derived(
        "mixinglaws",
        [tree_url("mixinglaws", f"data/{experiment}")],
        f"data/{experiment}/<model size>.txt: {_MIXINGLAWS_TXT}",
    )


def provenance(relpath: str) -> dict:
    """Provenance of one registered file: url, url_exact, derived, derived_from, builder.

    Raises
    ------
    KeyError
        If no rule covers ``relpath``.
    """
    for pattern, rule in _RULES:
        if not fnmatch.fnmatchcase(relpath, pattern):
            continue
        rule = _mixinglaws_rule(relpath) if rule is None else rule
        source = SOURCES[rule["source"]]
        common = {"source": source["repo"], "commit": source["commit"], "url_exact": rule["url_exact"]}
        if rule["kind"] == "derived":
            return {**common, "url": None, "derived": True, "derived_from": rule["derived_from"],
                    "builder": rule["builder"]}
        name = relpath.rsplit("/", 1)[-1].removeprefix(rule.get("strip_prefix", ""))
        url = raw_url(rule["source"], f"{rule['dir']}/{name}")
        return {**common, "url": url, "derived": False, "derived_from": [], "builder": None}
    msg = f"no provenance rule covers '{relpath}'"
    raise KeyError(msg)


@functools.lru_cache(maxsize=1)
def _registry_lines() -> tuple[tuple[str, str, str | None], ...]:
    text = resources.files("scalingkit.datasets").joinpath("registry.txt").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        rows.append((parts[0], parts[1], parts[2] if len(parts) > 2 else None))
    return tuple(rows)


@functools.lru_cache(maxsize=1)
def _cached_table() -> dict[str, dict]:
    table = {}
    for relpath, sha, url in _registry_lines():
        info = provenance(relpath)
        info["sha256"] = sha.removeprefix("sha256:")
        if url is not None:
            info["url"] = url
        table[relpath] = info
    return table


def registered_paths() -> tuple[str, ...]:
    """Every registered relative path, in registry order."""
    return tuple(_cached_table())


def file_info(relpath: str) -> dict | None:
    """Registry entry of one file (shared, do not modify), or None when not registered."""
    return _cached_table().get(relpath)


def file_table() -> dict[str, dict]:
    """Every registered file: relative path -> sha256, url and provenance.

    Read from the package's ``registry.txt`` on first use (never at import).

    Returns
    -------
    dict of str to dict
        ``{relpath: {"sha256", "url", "url_exact", "derived", "derived_from",
        "builder", "source", "commit"}}`` (a new dict on every call).
    """
    return {rel: {**info, "derived_from": list(info["derived_from"])} for rel, info in _cached_table().items()}
