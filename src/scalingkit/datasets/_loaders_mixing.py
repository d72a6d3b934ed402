"""Loaders of data-mixture datasets: RegMix, Data Mixing Laws, BiMix."""

from __future__ import annotations

import pandas as pd

from ._common import check_choice, domain_key, parse_size, read_csv, to_table
from ._registry import check_version

__all__ = ["load_bimix", "load_mixinglaws", "load_regmix"]

# (split, file size tag, nominal N, training tokens D)
_REGMIX_PARTS = (
    ("train", "1m", 1e6, 1e9),
    ("test", "1m", 1e6, 1e9),
    ("test", "60m", 60e6, 1e9),
    ("test", "1B", 1e9, 25e9),
)
_MIXINGLAWS_TOKENS_PER_STEP = 4096 * 256  # BSZ in pipeline/utils.py = 1,048,576 tokens
_MIXINGLAWS_EXPERIMENTS = ("2Mix", "3Mix", "5Mix", "RedPajama", "ct")
_BIMIX_TOKENS_PER_STEP = 8 * 32 * 2 * 1024  # DoReMi run_pile_baseline120M.sh: 8 GPUs x 32 x 2 accum x 1024
_BIMIX_N = 120e6


# -- regmix --------------------------------------------------------------------------------------
def _regmix_loss_name(column: str) -> str:
    """``metric/the_pile_pile_cc_val_loss`` -> ``loss_pile_cc``."""
    if column == "index":
        return column
    return "loss_" + column.removeprefix("metric/the_pile_").removesuffix("_val_loss")


def _frame_regmix() -> pd.DataFrame:
    parts = []
    for split, size, n, d in _REGMIX_PARTS:
        mix = read_csv(f"mixing/regmix/{split}_mixture_{size}.csv")
        loss = read_csv(f"mixing/regmix/{split}_pile_loss_{size}.csv")
        mix = mix.rename(columns=lambda c: c if c == "index" else "w_" + c.removeprefix("train_the_pile_"))
        loss = loss.rename(columns=_regmix_loss_name)
        both = mix.merge(loss, on="index", how="inner", validate="one_to_one")
        both = both.assign(N=n, D=d, split=split, model_size=size,
                           run_id=[f"{size}-{split}-{i}" for i in both["index"]])
        parts.append(both)
    return pd.concat(parts, ignore_index=True)


def load_regmix(*, target: str = "pile_cc", version: str | None = None):
    """Load RegMix (Liu et al. 2024): 1,088 runs, Pile mixture -> per-domain validation loss.

    Parameters
    ----------
    target : str, default="pile_cc"
        Validation domain whose loss is the target (column ``loss_<target>``);
        the paper's target is ``pile_cc``. One of arxiv, freelaw,
        pubmed_central, wikipedia_en, dm_mathematics, github, stackexchange,
        gutenberg_pg_19, pile_cc, ubuntu_irc, hackernews, pubmed_abstracts,
        uspto_backgrounds.
    version : str or None, default=None
        Dataset version; None loads the only registered one.

    Returns
    -------
    RunsTable
        1,088 rows: 512 training runs and 256 test runs of 1M-parameter models,
        256 test runs of 60M models and 64 of 1B models. Columns ``N``, ``D``,
        ``w_<domain>`` (17 proportions summing to 1), ``loss_<domain>`` (13
        domains), ``split`` (train / test), ``model_size``, ``index`` and
        ``run_id``.

    Notes
    -----
    **Format.** ``mixing/regmix/{train,test}_mixture_<size>.csv`` (columns
    ``train_the_pile_<domain>``) and ``{train,test}_pile_loss_<size>.csv``
    (columns ``metric/the_pile_<domain>_val_loss``), joined on ``index``.

    **Source.** github.com/sail-sg/regmix @ b004d3a3, ``data/`` (byte-identical,
    downloadable).

    **License.** MIT.

    **Preprocessing.** Mixture and loss files joined one-to-one on ``index``;
    columns renamed to ``w_<domain>`` and ``loss_<domain>``. ``N`` is the
    nominal size of each file (1M, 60M, 1B).

    **Units.** N: nominal parameters (convention unknown). D: tokens, 1B for
    the 1M and 60M models (loss at step 1000, from ``collect_loss_data.py``)
    and 25B for the 1B models (from the paper, not stated in the repository).
    Losses: nats/token.

    **Versions.** One version, pinned to commit b004d3a3.
    """
    version = check_version("regmix", version)
    frame = _frame_regmix()
    domains = tuple(c.removeprefix("loss_") for c in frame.columns if c.startswith("loss_"))
    check_choice("load_regmix", "target", target, domains)
    notes = ["mixture and loss files joined on index; w_<domain> proportions, loss_<domain> losses",
             "N nominal per file (1M/60M/1B); D = 1B tokens for 1M and 60M models, 25B for 1B models (paper)"]
    return to_table(frame, "regmix", target=f"loss_{target}", notes=notes, version=version)


# -- mixinglaws ----------------------------------------------------------------------------------
def _frame_mixinglaws(experiment: str) -> tuple[pd.DataFrame, int]:
    raw = read_csv(f"mixing/mixinglaws/{experiment}_losses.csv")
    unknown = raw["step"].isna()
    frame = raw[~unknown]
    tokens = frame["step"] * _MIXINGLAWS_TOKENS_PER_STEP
    frame = frame.assign(N=frame["model_size"].map(parse_size), D=tokens, tokens_seen=tokens,
                         group=frame["mixture"])
    return frame.reset_index(drop=True), int(unknown.sum())


def load_mixinglaws(*, experiment: str = "5Mix", eval_domain: str | None = None, version: str | None = None):
    """Load one experiment of Data Mixing Laws (Ye et al. 2025): loss curves per mixture.

    Parameters
    ----------
    experiment : {"2Mix", "3Mix", "5Mix", "RedPajama", "ct"}, default="5Mix"
        ``2Mix``: GitHub / Pile-CC (220 rows). ``3Mix``: GitHub / Books3 /
        Pile-CC (3,254 rows). ``5Mix``: 5 Pile domain groups (31,262 rows).
        ``RedPajama``: 7 RedPajama domains evaluated on Pile subsets (25,542
        rows). ``ct``: continual pre-training of pythia-70m on Pile / Python
        mixtures (1,173 rows).
    eval_domain : str or None, default=None
        Keep only rows evaluated on this validation domain (e.g. ``"Pile-CC"``).
    version : str or None, default=None
        Dataset version; None loads the only registered one.

    Returns
    -------
    RunsTable
        One row per (run, checkpoint, eval domain); target ``loss``; columns
        ``N``, ``D``, ``step``, ``tokens_seen``, ``w_<domain>``, ``group`` (=
        ``mixture``), ``run_id``, ``eval_domain`` and the source's.

    Notes
    -----
    **Format.** ``mixing/mixinglaws/<experiment>_losses.csv`` (derived):
    experiment, model_size, run_id, mixture, step, eval_domain, loss and
    ``w_<domain>`` proportions (3Mix also ``step_is_last``).

    **Source.** github.com/yegcjs/mixinglaws @ 8ad3e124, ``data/<experiment>/<size>.txt``
    (tab-separated checkpoint path, eval file, loss), parsed by the team.
    Derived file: it cannot be downloaded.

    **License.** No LICENSE file in the repository.

    **Preprocessing.** Rows without a step are dropped: the 27 rows of 3Mix
    flagged ``step_is_last`` (step unknown) and the 23 rows of ct's starting
    point ``pythia_70m_step20000`` (no continual-training step). ``N`` is
    parsed from ``model_size``.

    **Units.** N: nominal parameters (70M ... 1B; convention unknown). Rows
    are checkpoints: ``step`` is the training step, ``tokens_seen = step x
    1,048,576`` (BSZ = 4096 x 256 in ``pipeline/utils.py``) and ``D =
    tokens_seen``, the tokens seen at that checkpoint (not the run's budget).
    For ``ct``, D counts only continual pre-training tokens, not the 20,000
    Pythia steps before. Loss: nats/token. RedPajama's 7 weights are in an
    undocumented domain order (``w_rp_domain_1..7``).

    **Versions.** One version, pinned to commit 8ad3e124.
    """
    version = check_version("mixinglaws", version)
    check_choice("load_mixinglaws", "experiment", experiment, _MIXINGLAWS_EXPERIMENTS)
    frame, n_unknown = _frame_mixinglaws(experiment)
    notes = [f"experiment {experiment}"]
    if n_unknown:
        notes.append(f"dropped {n_unknown} row(s) without a step (unknown or starting checkpoint)")
    if eval_domain is not None:
        check_choice("load_mixinglaws", "eval_domain", eval_domain, tuple(sorted(frame["eval_domain"].unique())))
        frame = frame[frame["eval_domain"] == eval_domain].reset_index(drop=True)
        notes.append(f"kept eval_domain == {eval_domain!r}")
    notes.append("N parsed from model_size (nominal); D = tokens_seen = step x 1,048,576 tokens")
    return to_table(frame, "mixinglaws", target="loss", notes=notes, version=version)


# -- bimix ---------------------------------------------------------------------------------------
def _frame_bimix(corpus: str) -> pd.DataFrame:
    weights = read_csv(f"mixing/bimix/{corpus}_mixture_weights.csv")
    weights = weights.rename(columns=lambda c: c if c == "mixture" else f"w_{domain_key(c)}")
    losses = read_csv(f"mixing/bimix/{corpus}_val_loss_by_step.csv")
    frame = losses.merge(weights, on="mixture", how="left", validate="many_to_one")
    tokens = frame["global_step"] * _BIMIX_TOKENS_PER_STEP
    return frame.assign(N=_BIMIX_N, D=tokens, step=frame["global_step"], tokens_seen=tokens,
                        group=frame["mixture"], corpus=corpus)


def load_bimix(*, corpus: str = "Pile", eval_domain: str | None = None, version: str | None = None):
    """Load BiMix (Ge et al. 2024): 6 mixtures x 20 checkpoints, per-domain validation loss.

    Parameters
    ----------
    corpus : {"Pile", "SlimPajama"}, default="Pile"
        Pile: 22 domains plus ``avg`` (2,760 rows). SlimPajama: 7 domains plus
        ``avg`` (960 rows).
    eval_domain : str or None, default=None
        Keep only rows of this validation domain (e.g. ``"avg"``).
    version : str or None, default=None
        Dataset version; None loads the only registered one.

    Returns
    -------
    RunsTable
        Target ``loss``; columns ``N``, ``D``, ``step`` (= ``global_step``),
        ``tokens_seen``, ``mixture`` (Baseline, DoReMi, SE, JE, CE, VNE),
        ``group``, ``eval_domain`` and the ``w_<domain>`` training proportions.

    Notes
    -----
    **Format.** ``mixing/bimix/<corpus>_mixture_weights.csv`` (one row per
    mixture) and ``<corpus>_val_loss_by_step.csv`` (mixture, global_step,
    eval_domain, loss), both derived.

    **Source.** A copy of the BiMix release in github.com/IBM/ColPret @ 16f23bbe,
    ``raw_data/bimix-law/<corpus>/{ppls,ratios}.pkl``, unpickled with a
    restricted unpickler. Derived files: they cannot be downloaded.

    **License.** Apache-2.0.

    **Preprocessing.** Losses joined with their mixture's proportions; domain
    names made column-safe (``Gutenberg (PG-19)`` -> ``w_gutenberg_pg_19``).
    The source names the file "ppls" but the values (1.08-3.76) are per-token
    cross-entropy, and are used as such.

    **Units.** N: 120M, nominal (the README's "120M model"; not in the data).
    D = tokens_seen = global_step x 524,288. **Assumption**: the data do not
    give the batch; 524,288 tokens/step is the DoReMi script the README runs
    (``run_pile_baseline120M.sh``: 8 GPUs x 32 sequences x 2 accumulation x
    1024 tokens). Loss: nats/token.

    **Versions.** One version, pinned to ColPret commit 16f23bbe.
    """
    version = check_version("bimix", version)
    check_choice("load_bimix", "corpus", corpus, ("Pile", "SlimPajama"))
    frame = _frame_bimix(corpus)
    notes = [f"corpus {corpus}", "N = 120M (nominal, README); D = global_step x 524,288 tokens (assumed from the "
             "DoReMi 120M script: 8 x 32 x 2 x 1024)"]
    if eval_domain is not None:
        check_choice("load_bimix", "eval_domain", eval_domain, tuple(sorted(frame["eval_domain"].unique())))
        frame = frame[frame["eval_domain"] == eval_domain].reset_index(drop=True)
        notes.append(f"kept eval_domain == {eval_domain!r}")
    return to_table(frame, "bimix", target="loss", notes=notes, version=version)
