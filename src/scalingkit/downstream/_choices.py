"""Per-choice log-probabilities -> the quantities of Schaeffer et al.'s transformation chain."""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

__all__ = ["choice_features"]


def choice_features(logp_choices, correct, *, logp_correct=None) -> dict:
    """Summaries of a multiple-choice evaluation, from per-item per-choice log-probabilities.

    Schaeffer et al. follow accuracy back through a chain of transformations,
    ``log p(correct | vocab) -> p_choices(correct) -> accuracy``, and find
    that each step weakens the link to compute. The quantities near the start
    of the chain scale smoothly, so they make good stage-two inputs of a
    `TwoStagePredictor` (``loss_col="nll_correct"``): compute one row of these
    per model or checkpoint and add them as columns of the runs table.

    Parameters
    ----------
    logp_choices : array-like of shape (n_items, n_choices)
        Log-probability the model gives each choice (sum over the choice's
        tokens), over the full vocabulary. Pad items with fewer choices with ``-inf``.
    correct : array-like of int, shape (n_items,)
        Index of the correct choice of each item.
    logp_correct : array-like of shape (n_items,) or None, default=None
        Log-probability of the correct answer when it is scored apart from
        the choices (e.g. a free-form reference); None reads it from ``logp_choices``.

    Returns
    -------
    dict of str to float
        ``nll_correct``: mean ``-log p(correct | vocab)`` (positive; the
        smoothest quantity); ``nll_choice``: mean ``-log p_choices(correct)``
        with ``p_choices = p(correct) / sum_choices p(choice)``; ``p_choice``:
        mean ``p_choices(correct)``; ``accuracy``: share of items whose correct
        choice has the largest probability (ties count as wrong); ``brier``: mean
        multi-class Brier score of the normalised choice probabilities.

    Raises
    ------
    ValueError
        If the shapes disagree or an index is out of range.

    References
    ----------
    Schaeffer et al. (2024), "Why Has Predicting Downstream Capabilities of
    Frontier AI Models with Scale Remained Elusive?", arXiv 2406.04391, Sec. 3.

    Examples
    --------
    >>> lp = np.log([[0.5, 0.25], [0.1, 0.3]])
    >>> out = choice_features(lp, [0, 0])
    >>> round(out["accuracy"], 2), round(out["p_choice"], 3)
    (0.5, 0.458)
    """
    lp = np.asarray(logp_choices, dtype=float)
    idx = np.asarray(correct)
    if lp.ndim != 2 or idx.shape != (lp.shape[0],):
        msg = (f"logp_choices must have shape (n_items, n_choices) and correct shape (n_items,); "
               f"got {lp.shape} and {idx.shape}")
        raise ValueError(msg)
    if not np.issubdtype(idx.dtype, np.integer) or np.any((idx < 0) | (idx >= lp.shape[1])):
        msg = f"correct must hold integer choice indices in [0, {lp.shape[1] - 1}]"
        raise ValueError(msg)
    rows = np.arange(lp.shape[0])
    lc = lp[rows, idx]
    full = lc if logp_correct is None else np.asarray(logp_correct, dtype=float)
    log_norm = lc - logsumexp(lp, axis=1)
    p_norm = np.exp(lp - logsumexp(lp, axis=1, keepdims=True))
    others = np.where(np.arange(lp.shape[1])[None, :] == idx[:, None], -np.inf, lp)
    onehot = np.zeros_like(p_norm)
    onehot[rows, idx] = 1.0
    return {
        "nll_correct": float(-np.mean(full)),
        "nll_choice": float(-np.mean(log_norm)),
        "p_choice": float(np.mean(np.exp(log_norm))),
        "accuracy": float(np.mean(lc > others.max(axis=1))),
        "brier": float(np.mean(np.sum((p_norm - onehot) ** 2, axis=1))),
    }
