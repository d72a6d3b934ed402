"""Gadre et al. (2024), Figure 1: predict two large runs' C4 loss and 17-task top-1 error from small runs.

The conventions, read in the authors' repository (mlfoundations/scaling @
79adc263: ``scaling/constants.py``, ``scaling/shared.py``, ``scaling/laws.py``
and the ``scaling_explorer.ipynb`` output):

- top-1 error of a task is ``1 - accuracy`` with the raw (uncentred) accuracy
  of LLM-Foundry; the "17-task split" is the plain mean of the error over the
  17 tasks of `GADRE_SUBSET`. The "Random baseline" column of
  ``eval_metadata.csv`` only draws a reference line in their plots, and its
  "Centered Metric?" column is empty for every task: nothing is centred.
- loss law: least squares on the raw C4 eval loss (``curve_fit``) from a
  4 x 4 x 2 x 4 = 128-point start grid, keeping the lowest residual RMS, on 5
  RedPajama runs: widths 96, 512, 576 and 1024 at M = 20 plus width 96 at M = 320.
- error law ``Err = eps - k exp(-gamma L)``: least squares on the actual
  losses and errors of those 5 runs plus the 1.4B run at M = 20.
- targets: 1.4B at M = 640 and 6.9B at M = 20. The error is predicted at the
  *predicted* loss (the two laws are chained).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..exceptions import DataValidationError
from ..fitting import MultiStartLM
from ..laws import get_law
from ._two_stage import TwoStagePredictor

__all__ = ["GADRE_PAPER", "GADRE_SUBSET", "gadre_top1_error", "reproduce_gadre"]

#: The 17 LLM-Foundry tasks of Gadre et al.'s "17-task split" (``SUBSET`` in ``scaling/constants.py``).
GADRE_SUBSET = (
    "bigbench_operators", "pubmed_qa_labeled", "hellaswag_zeroshot", "boolq", "arc_easy", "coqa",
    "bigbench_dyck_languages", "lambada_openai", "bigbench_novel_concepts", "winograd", "bigbench_cs_algorithms",
    "commonsense_qa", "bigbench_qa_wikidata", "hellaswag", "copa", "squad", "piqa",
)
#: Published relative errors (``scaling_explorer.ipynb`` output, Figure 1), in percent.
GADRE_PAPER = {("open_lm_1b", 32.0): (0.7103, 3.6365), ("open_lm_7b", 1.0): (0.7320, 0.0464)}
_SMALL = ("d=96_l=8_h=4", "d=512_l=8_h=4", "d=576_l=24_h=8", "d=1024_l=24_h=8")
_TARGETS = (("open_lm_1b", 32.0), ("open_lm_7b", 1.0))


def gadre_top1_error(frame: pd.DataFrame, tasks=GADRE_SUBSET) -> np.ndarray:
    """Average top-1 error ``1 - mean(accuracy)`` over ``tasks`` (columns ``ds_<task>``)."""
    missing = [f"ds_{t}" for t in tasks if f"ds_{t}" not in frame.columns]
    if missing:
        msg = f"missing downstream accuracy columns {missing}; expected the overtraining dataset's ds_<task> columns"
        raise DataValidationError(msg, column=missing[0])
    return 1.0 - frame[[f"ds_{t}" for t in tasks]].to_numpy(dtype=float).mean(axis=1)


def _gadre_law():
    """The over-training law with E moved linearly (so the paper's E = 0 start is allowed)."""
    law = get_law("overtraining")
    E = replace(law.param("E"), transform="identity", init=(0.0, 1.0, 2.0, 10.0))
    return replace(law, params=tuple(E if p.name == "E" else p for p in law.params))


def gadre_starts(law) -> np.ndarray:
    """The paper's 128 starts of ``powlaw_ours`` mapped to `overtraining`'s parameters (internal space).

    Code parameters ``(alpha, beta, b, E)`` map to ours by ``eta = -b / 2``,
    ``a = alpha 6^eta``, ``b_ours = beta``.
    """
    rows = []
    for alpha, beta, b, e in itertools.product((1e2, 3e2, 1e3, 3e3), (1e2, 3e2, 1e3, 3e3), (-0.1, -0.3),
                                               (0.0, 1.0, 2.0, 10.0)):
        eta = -b / 2.0
        nat = {"E": e, "a": alpha * 6.0**eta, "b": beta, "eta": eta}
        rows.append([float(p.to_internal(nat[p.name])) for p in law.params])
    return np.asarray(rows)


@dataclass(frozen=True)
class _FixedStarts:
    """A fitter that always starts from the given grid (the paper's 128 starts)."""

    starts: tuple
    fitter: object = MultiStartLM(screen_keep=1.0, prune_keep=1.0)

    def fit(self, law, X, y, objective=None, *, weights=None, starts=None):
        grid = np.asarray(self.starts) if starts is None else starts
        return self.fitter.fit(law, X, y, objective, weights=weights, starts=grid)


def reproduce_gadre(table=None, *, dataset: str = "rpj", val: str = "c4_val"):
    """Fit Gadre et al.'s two laws on their small runs and predict the two large ones.

    Parameters
    ----------
    table : RunsTable or None, default=None
        The ``overtraining`` dataset; None loads it.
    dataset : {"rpj", "c4_original", "rw_original"}, default="rpj"
        Training set (the paper's Figure 1 uses RedPajama).
    val : str, default="c4_val"
        Loss evaluation set (column ``loss_<val>``).

    Returns
    -------
    results : DataFrame
        One row per target: ``run``, ``N``, ``D``, ``M``, ``C``, ``loss_pred``,
        ``loss_actual``, ``loss_rel_err``, ``err_pred``, ``err_actual``,
        ``err_rel_err`` (relative errors as fractions), ``compute_ratio_loss``
        and ``compute_ratio_err`` (target compute over the largest fitted
        run's), and the paper's ``paper_loss_rel_err`` / ``paper_err_rel_err``.
    model : TwoStagePredictor
        The fitted chain.
    """
    if table is None:
        from ..datasets import load_overtraining

        table = load_overtraining(target=f"loss_{val}")
    frame = table.frame
    loss_col = f"loss_{val}"
    frame = frame.assign(err_avg_subset=gadre_top1_error(frame))
    table = table.with_frame(frame)
    in_set = (frame["dataset"] == dataset).to_numpy()
    cfg, mult = frame["model_config"].to_numpy(), frame["chinchilla_multiplier"].to_numpy(dtype=float)
    loss_rows = in_set & ((np.isin(cfg, _SMALL) & (mult == 1.0)) | ((cfg == _SMALL[0]) & (mult == 16.0)))
    err_rows = loss_rows | (in_set & (cfg == "open_lm_1b") & (mult == 1.0))
    if loss_rows.sum() != 5 or err_rows.sum() != 6:
        msg = (f"expected 5 loss-fit runs and 6 error-fit runs for dataset '{dataset}'; "
               f"got {loss_rows.sum()} and {err_rows.sum()}")
        raise DataValidationError(msg)
    law = _gadre_law()
    model = TwoStagePredictor(loss_law=law, link="exponential", loss_col=loss_col, metric_col="err_avg_subset",
                              higher_is_better=False, loss_objective="mse",
                              loss_fitter=_FixedStarts(tuple(map(tuple, gadre_starts(law)))))
    model.fit(table, stage1_index=loss_rows, stage2_index=err_rows)
    C = 6.0 * table.N * table.D
    out = []
    for name, m in _TARGETS:
        hit = np.flatnonzero(in_set & (cfg == name) & (mult == m))
        if hit.size != 1:
            msg = f"target run {name} at chinchilla multiplier {m} of dataset '{dataset}' not found (exactly once)"
            raise DataValidationError(msg)
        target = table.subset(hit)
        row = frame.iloc[hit[0]]
        loss_pred = float(model.predict_loss(target)[0])
        err_pred = float(model.predict(target)[0])
        paper = GADRE_PAPER.get((name, m), (math.nan, math.nan)) if dataset == "rpj" and val == "c4_val" else (
            math.nan, math.nan)
        out.append({
            "run": row["name"], "N": row["N"], "D": row["D"], "M": 20.0 * m, "C": C[hit[0]],
            "loss_pred": loss_pred, "loss_actual": row[loss_col],
            "loss_rel_err": abs(loss_pred - row[loss_col]) / row[loss_col],
            "err_pred": err_pred, "err_actual": row["err_avg_subset"],
            "err_rel_err": abs(err_pred - row["err_avg_subset"]) / row["err_avg_subset"],
            "compute_ratio_loss": C[hit[0]] / C[loss_rows].max(), "compute_ratio_err": C[hit[0]] / C[err_rows].max(),
            "paper_loss_rel_err": paper[0] / 100.0, "paper_err_rel_err": paper[1] / 100.0,
        })
    return pd.DataFrame(out), model
