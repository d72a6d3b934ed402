"""Divergence classifier: penalty and strength chosen by leave-cells-out log-loss."""

from __future__ import annotations

import numpy as np

from scalingkit.config._divergence import CANDIDATES, fit_divergence_classifier


def _runs(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 9))  # column 0 carries the boundary, the others are noise
    y = X[:, 0] + 0.3 * rng.standard_normal(n) > 1.0
    return X, y, rng.integers(0, 8, n)


def test_recovers_a_one_feature_boundary_among_noise():
    X, y, groups = _runs()
    model, choice, scores = fit_divergence_classifier(X, y, groups)
    assert set(scores) == set(CANDIDATES)
    assert choice == min(scores, key=scores.get)
    coef = np.abs(model[-1].coef_.ravel())
    assert coef.argmax() == 0
    assert coef[0] > 5 * coef[1:].max()
    X_new, y_new, _ = _runs(seed=1)
    assert np.mean(model.predict(X_new) == y_new) > 0.9


def test_few_cells_fall_back_to_the_first_candidate():
    X, y, _ = _runs(n=60)
    _, choice, scores = fit_divergence_classifier(X, y, np.repeat([0, 1], 30))
    assert choice == CANDIDATES[0]
    assert scores == {}
