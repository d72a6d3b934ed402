"""Downstream prediction: (N, D) or compute -> loss -> benchmark metric.

- `TwoStagePredictor`: a scaling law to a loss (or any loss-like column,
  such as the negative log-probability of the correct choice), then a link to
  the metric: ``"linear"`` above an emergence threshold (FLP), ``"sigmoid"``
  with a floor at chance (OLMo ladder), or ``"exponential"`` (Gadre et al.);
  intervals through both stages (delta method or bootstrap over runs).
- `DirectPredictor`: the single-stage baseline, a link on log-compute.
- `FLPMPredictor`: FLP-M for data mixtures, per-domain losses then a small MLP.
- `make_link`, `LINKS`: the second-stage maps as laws; `choice_features`:
  Schaeffer et al.'s quantities from per-choice log-probabilities.
- `reproduce_gadre`, `GADRE_SUBSET`, `gadre_top1_error`: Gadre et al.'s Figure 1.
"""

from __future__ import annotations

from ._choices import choice_features
from ._direct import DirectPredictor
from ._flpm import FLPMPredictor, mixing_compute_law
from ._gadre import GADRE_PAPER, GADRE_SUBSET, gadre_top1_error, reproduce_gadre
from ._links import LINKS, Link, exponential_link, linear_link, make_link, sigmoid_link
from ._two_stage import TwoStagePredictor

__all__ = [
    "GADRE_PAPER",
    "GADRE_SUBSET",
    "LINKS",
    "DirectPredictor",
    "FLPMPredictor",
    "Link",
    "TwoStagePredictor",
    "choice_features",
    "exponential_link",
    "gadre_top1_error",
    "linear_link",
    "make_link",
    "mixing_compute_law",
    "reproduce_gadre",
    "sigmoid_link",
]
