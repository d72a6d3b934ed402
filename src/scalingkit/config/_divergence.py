"""Divergence classifier of `ConfigRegressor`: sparse or ridge logistic regression chosen by grouped CV.

Which configurations diverge is learned from few positive runs (a dozen, say) and many
candidate features (optimizer settings, warmup, batch, ...), so the penalty matters more
than the model: an L1 penalty keeps the few features that carry the boundary and drops the
rest, an L2 penalty spreads weight over all of them. Both, over a grid of strengths ``C``,
are scored by the log-loss of leave-one-(N, D)-cell-out predictions on the training runs;
the best is refitted on all of them.
"""

from __future__ import annotations

import numpy as np

from .._optional import optional_module_for

__all__ = ["CANDIDATES", "fit_divergence_classifier"]

#: (penalty, C) pairs tried; the first is the fallback when there are too few cells to compare.
CANDIDATES = tuple((pen, C) for pen in ("l2", "l1") for C in (1.0, 0.1, 0.3, 3.0, 10.0, 30.0))


def _logistic(penalty, C):
    """Standardised logistic regression (liblinear, which fits both penalties)."""
    sklearn = optional_module_for("ml", "sklearn")
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    major, minor = (int(x) for x in sklearn.__version__.split(".")[:2])
    if (major, minor) >= (1, 8):  # `penalty` is deprecated from 1.8 on
        kw = {"l1_ratio": 1.0 if penalty == "l1" else 0.0}
    else:  # pragma: no cover - older scikit-learn
        kw = {"penalty": penalty}
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, solver="liblinear", max_iter=5000, **kw))


def _log_loss(y, p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(np.where(y, np.log(p), np.log1p(-p))))


def fit_divergence_classifier(X, y, groups, *, candidates=CANDIDATES, max_folds=10):
    """Choose the penalty and C by grouped cross-validated log-loss, then fit on all runs.

    Parameters
    ----------
    X : ndarray of shape (n, p)
        Scale-free configuration features.
    y : ndarray of bool
        Whether each run diverged.
    groups : ndarray
        (N, D) cell of each run; each fold leaves whole cells out.
    candidates : sequence of (str, float), default=CANDIDATES
    max_folds : int, default=10

    Returns
    -------
    model : Pipeline
        Fitted on all runs.
    choice : tuple
        The chosen ``(penalty, C)``.
    scores : dict
        Cross-validated log-loss of each candidate (empty when there are fewer than 3 cells).
    """
    y = np.asarray(y, bool)
    n_groups = np.unique(groups).size
    scores = {}
    if n_groups >= 3:
        from sklearn.model_selection import GroupKFold

        folds = list(GroupKFold(n_splits=min(max_folds, n_groups)).split(X, y, groups))
        for cand in candidates:
            p = np.empty(len(y))
            for tr, te in folds:
                if np.unique(y[tr]).size < 2:
                    p[te] = y[tr].mean()
                else:
                    p[te] = _logistic(*cand).fit(X[tr], y[tr]).predict_proba(X[te])[:, 1]
            scores[cand] = _log_loss(y, p)
    choice = min(scores, key=scores.get) if scores else candidates[0]
    return _logistic(*choice).fit(X, y), choice, scores
