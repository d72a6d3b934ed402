"""Loaders of final-loss datasets: Chinchilla (Epoch), Step Law, datablations."""

from __future__ import annotations

import pandas as pd

from ._common import check_choice, parse_size, read_csv, to_table
from ._registry import check_version

__all__ = [
    "load_chinchilla_epoch",
    "load_datablations",
    "load_datablations_curves",
    "load_steplaw_dense",
    "load_steplaw_moe",
]

_SEQ_LEN_STEPLAW = 2048


# -- chinchilla_epoch ----------------------------------------------------------------------------
def _frame_chinchilla_epoch(drop_outliers: bool = True) -> pd.DataFrame:
    raw = read_csv("chinchilla_epoch/svg_extracted_data.csv")
    frame = raw.assign(N=raw["Model Size"], D=raw["Training FLOP"] / (6.0 * raw["Model Size"]))
    if drop_outliers:
        frame = frame.drop(index=frame["loss"].nlargest(5).index)
    return frame.reset_index(drop=True)


def load_chinchilla_epoch(*, drop_outliers: bool = True, version: str | None = None):
    """Load the Chinchilla Fig. 4 runs as digitised by Epoch AI (245 runs).

    Parameters
    ----------
    drop_outliers : bool, default=True
        Drop the 5 highest-loss points (2.0-6.8B parameters at about 1e19 FLOP),
        as Epoch's default analysis did (Besiroglu et al. 2024), so that
        ``scalingkit fit chinchilla_epoch`` is their refit. ``False`` keeps all 245.
    version : str or None, default=None
        Dataset version; None loads the only registered one.

    Returns
    -------
    RunsTable
        240 rows (245 with ``drop_outliers=False``); target ``loss``; columns
        ``N``, ``D`` plus the source's ``x``, ``y``, ``color``, ``hex_color``,
        ``Model Size`` and ``Training FLOP``.

    Notes
    -----
    **Format.** ``chinchilla_epoch/svg_extracted_data.csv``: SVG coordinates and
    colour of each point, ``Model Size``, ``Training FLOP`` and ``loss``.

    **Source.** github.com/epoch-research/analyzing-chinchilla @ 92258837
    (2024-05-14), ``data/svg_extracted_data.csv`` (byte-identical, downloadable).

    **License.** No LICENSE file in the repository; the points were digitised
    from Fig. 4 of Hoffmann et al. (2022).

    **Preprocessing.** ``N = Model Size``; ``D = Training FLOP / (6 N)``
    (D is not given upstream). Epoch dropped the 5 highest-loss points in their
    refit; they are dropped unless ``drop_outliers=False``. The loss was recovered
    from the colour map, so it is quantised to about +-0.01.

    **Units.** N: total parameters (Chinchilla convention). D: tokens.
    Loss: nats/token on MassiveText (32k SentencePiece vocabulary).

    **Versions.** One version, pinned to commit 92258837.
    """
    version = check_version("chinchilla_epoch", version)
    frame = _frame_chinchilla_epoch(drop_outliers)
    notes = ["N = 'Model Size'; D = 'Training FLOP' / (6 N) tokens"]
    if drop_outliers:
        notes.append("dropped the 5 highest-loss points, as Epoch did in their refit (drop_outliers=True)")
    else:
        notes.append("all 245 points kept; Epoch dropped the 5 highest-loss points in their refit "
                     "(pass drop_outliers=True to do the same)")
    return to_table(frame, "chinchilla_epoch", target="loss", notes=notes, version=version)


# -- steplaw -------------------------------------------------------------------------------------
def _frame_steplaw(kind: str) -> pd.DataFrame:
    raw = read_csv(f"steplaw/{kind}_lr_bs_loss.csv")
    return raw.assign(batch_size=raw["bs"] * _SEQ_LEN_STEPLAW, run_id=raw["exp_name"])


def _frame_steplaw_dense() -> pd.DataFrame:
    return _frame_steplaw("dense")


def _frame_steplaw_moe() -> pd.DataFrame:
    return _frame_steplaw("moe")


_STEPLAW_DOC = """Load the Step Law {kind} learning-rate x batch-size grid ({rows:,} runs).

    Parameters
    ----------
    target : {{"smooth loss", "loss"}}, default="smooth loss"
        ``"smooth loss"`` (Gaussian-smoothed final training loss, the authors'
        target) or ``"loss"`` (last logged Megatron training loss).
    version : str or None, default=None
        Dataset version; None loads the only registered one.

    Returns
    -------
    RunsTable
        {rows:,} rows; columns as in the source plus ``batch_size`` (tokens) and
        ``run_id`` (= ``exp_name``).

    Notes
    -----
    **Format.** ``steplaw/{kind}_lr_bs_loss.csv``, one row per run: {columns}.

    **Source.** github.com/step-law/steplaw @ 32a8f4cc (2025-10-28),
    ``data/{kind}_lr_bs_loss.csv`` (byte-identical, downloadable).

    **License.** No LICENSE file: public, terms unspecified; do not redistribute.

    **Preprocessing.** None beyond adding ``batch_size = bs x 2048`` and
    ``run_id``; ``N``, ``D`` and the losses are used as given.

    **Units.** N: {n_text}. D: tokens (= bs x ti x 2048). ``batch_size``: tokens;
    ``bs``: sequences of 2048 tokens; ``ti``: steps; ``lr``: peak learning rate
    (min lr 1e-5). Losses: nats/token (training loss).

    **Versions.** One version, pinned to commit 32a8f4cc.
    """


def _load_steplaw(kind: str, target: str, version):
    name = f"steplaw_{kind}"
    version = check_version(name, version)
    check_choice(f"load_{name}", "target", target, ("smooth loss", "loss"))
    frame = _frame_steplaw(kind)
    notes = ["batch_size = bs x 2048 tokens; run_id = exp_name"]
    return to_table(frame, name, target=target, notes=notes, version=version)


def load_steplaw_dense(*, target: str = "smooth loss", version: str | None = None):
    return _load_steplaw("dense", target, version)


def load_steplaw_moe(*, target: str = "smooth loss", version: str | None = None):
    return _load_steplaw("moe", target, version)


load_steplaw_dense.__doc__ = _STEPLAW_DOC.format(
    kind="dense", rows=1911, n_text="non-embedding parameters, = numl (4 h^2 + 3 h ffnh) (checked exactly)",
    columns="h, ffnh, numh, numl, lr, bs, ti, loss, smooth loss, exp_name, D, N, D/N")
load_steplaw_moe.__doc__ = _STEPLAW_DOC.format(
    kind="moe", rows=708, n_text="total parameters (``Na``: active, ``Nattn``: attention)",
    columns="seq_len, topk, nume, moeh, ..., lr, bs, ti, loss, smooth loss, N, Na, D, ...")


# -- datablations --------------------------------------------------------------------------------
def _frame_datablations(exclude_dedup: bool = False) -> pd.DataFrame:
    raw = read_csv("datablations/final_losses_c4_parametric_fit.csv")
    frame = raw.assign(N=raw["params"], D=raw["tokens"], run_id=raw["run_name"])
    frame = frame[frame["val_loss"].notna()]
    if exclude_dedup:
        frame = frame[~frame["dedup"].astype(bool)]
    return frame.reset_index(drop=True)


def load_datablations(*, exclude_dedup: bool = False, version: str | None = None):
    """Load the data-constrained C4 runs of Muennighoff et al. (2023).

    Parameters
    ----------
    exclude_dedup : bool, default=False
        Drop the 12 runs on deduplicated C4 (``dedup=True``), which the paper's
        parametric fit excludes.
    version : str or None, default=None
        Dataset version; None loads the only registered one.

    Returns
    -------
    RunsTable
        308 rows (296 with ``exclude_dedup=True``); target ``val_loss``; columns
        ``N``, ``D``, ``unique_tokens``, ``epochs``, ``seed``, ``dedup``,
        ``variant``, ``flops_6ND``, ``run_id`` (= ``run_name``) and the source's.

    Notes
    -----
    **Format.** ``datablations/final_losses_c4_parametric_fit.csv`` (derived):
    317 runs with ``run_name`` (e.g. ``146m14b100m`` = N, D, unique tokens),
    ``params``, ``tokens``, ``unique_tokens``, ``epochs`` = D/U, ``val_loss``.

    **Source.** github.com/huggingface/datablations @ 13701315, cell 1 of
    ``utils/parametric_fit.ipynb``: the dicts ``NAMES_TO_VAL_LOSSES``,
    ``PARAMS_MAP`` and ``TOKENS_MAP``, parsed as literals. Derived file: it
    cannot be downloaded.

    **License.** Apache-2.0.

    **Preprocessing.** The 9 unfinished runs with an empty loss are dropped
    (308 of 317 remain). ``N = params``, ``D = tokens``.

    **Units.** N: parameters as hard-coded by the authors (whether embeddings
    are included is not stated). D, unique_tokens: tokens. val_loss: nats/token
    on held-out C4 (GPT-2 tokenizer).

    **Versions.** One version, pinned to commit 13701315.
    """
    version = check_version("datablations", version)
    frame = _frame_datablations(exclude_dedup)
    notes = ["dropped 9 unfinished runs with an empty val_loss (308 of 317 kept)", "N = params; D = tokens"]
    if exclude_dedup:
        notes.append("dropped the runs on deduplicated C4 (exclude_dedup=True)")
    return to_table(frame, "datablations", target="val_loss", notes=notes, version=version)


def _frame_datablations_curves() -> pd.DataFrame:
    raw = read_csv("datablations/colpret_datablations_losses.csv")
    n = raw["num_params"].map(parse_size)
    return raw.assign(
        N=n,
        D=raw["token_num"],
        tokens_seen=raw["token_num"],
        unique_tokens=raw["tokens_per_epoch"],
        flops=6.0 * n * raw["token_num"],
        group=raw["data"],
        run_id=raw["data"] + "-" + raw["num_params"] + "-" + raw["epochs"].astype(str) + "ep",
    )


def load_datablations_curves(*, version: str | None = None):
    """Load the validation-loss curves of Muennighoff et al. (2023), via IBM ColPret.

    Parameters
    ----------
    version : str or None, default=None
        Dataset version; None loads the only registered one.

    Returns
    -------
    RunsTable
        9,261 checkpoint rows of 48 runs ({C4, OSCAR} x {2.8B, 4.2B, 8.7B} x 8
        repetition levels, 1-44 epochs, at a fixed budget of 55B, 84B or 178B
        tokens); target ``loss``; ``N``, ``D`` (= ``tokens_seen``),
        ``unique_tokens``, ``epochs`` (planned), ``group`` (corpus), ``run_id``.

    Notes
    -----
    **Format.** ``datablations/colpret_datablations_losses.csv``: index, data,
    epochs, token_num, loss, num_params ('2.8B'), model_args, tokens_per_epoch,
    flops, checkpoint.

    **Source.** github.com/IBM/ColPret @ 16f23bbe,
    ``aggregated_eval/datablations_losses.csv`` (byte-identical, downloadable).

    **License.** Apache-2.0 (datablations); the ColPret aggregation is MIT.

    **Preprocessing.** ``N`` parsed from ``num_params`` (nominal, '2.8B' ->
    2.8e9). ``D = tokens_seen = token_num`` (tokens seen at the checkpoint, not
    the run's budget). ``unique_tokens = tokens_per_epoch``. The source's
    ``flops`` is inconsistent and is overwritten with ``6 N token_num``. The
    team's README counts 9,260 rows; the file holds 9,261.

    **Units.** N: nominal parameters (convention unknown). D, unique_tokens:
    tokens. Loss: validation loss, nats/token.

    **Versions.** One version, pinned to ColPret commit 16f23bbe.
    """
    version = check_version("datablations_curves", version)
    frame = _frame_datablations_curves()
    notes = ["N parsed from num_params (nominal); D = tokens_seen = token_num; unique_tokens = tokens_per_epoch",
             "flops recomputed as 6 N token_num (the source's column is inconsistent)"]
    return to_table(frame, "datablations_curves", target="loss", notes=notes, version=version)
