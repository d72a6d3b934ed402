"""Iterative low-rank imputation and the numpy PCA."""

from __future__ import annotations

import numpy as np
import pytest

from scalingkit.exceptions import NotFittedError
from scalingkit.observational import LowRankImputer, PrincipalComponents


def _low_rank(n=80, p=8, rank=1, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, rank)) @ rng.normal(size=(rank, p)) + rng.uniform(0.3, 0.7, p)


@pytest.mark.parametrize(("rank", "missing"), [(1, 0.05), (1, 0.2), (2, 0.1)])
def test_recovers_low_rank_matrix_with_holes(rank, missing):
    X = _low_rank(rank=rank)
    holes = np.random.default_rng(1).random(X.shape) < missing
    holes[:, 0] &= np.arange(len(X)) % 2 == 0  # keep every column observed somewhere
    Xh = np.where(holes, np.nan, X)
    # the published stop rule: allclose(filled, reconstruction, atol=1e-4) on z-scores
    filled = LowRankImputer(n_components=rank).fit_transform(Xh)
    np.testing.assert_allclose(filled[holes], X[holes], atol=1e-3)
    mean_fill = np.broadcast_to(np.nanmean(Xh, axis=0), X.shape)[holes]
    assert np.abs(filled[holes] - X[holes]).max() < 1e-2 * np.abs(mean_fill - X[holes]).max()
    np.testing.assert_allclose(filled[~holes], X[~holes], rtol=1e-12, atol=1e-14)  # observed cells kept
    assert np.isnan(Xh[holes]).all()  # input not modified


def test_new_rows_use_the_fixed_training_basis():
    X = _low_rank()
    imputer = LowRankImputer().fit(X[:60])
    new = X[60:].copy()
    new[::3, 2] = np.nan
    out = imputer.transform(new)
    np.testing.assert_allclose(out, X[60:], atol=1e-4)


def test_column_mean_start_and_clip():
    X = np.array([[0.2, 0.4], [0.4, np.nan], [0.6, 0.9], [0.9, 1.0]])
    imputer = LowRankImputer(clip=(0.0, 1.0))
    filled = imputer.fit_transform(X)
    assert 0.0 <= filled[1, 1] <= 1.0
    np.testing.assert_allclose(imputer.mean_, np.nanmean(X, axis=0))
    np.testing.assert_allclose(imputer.scale_, np.nanstd(X, axis=0))


def test_full_matrix_runs_one_iteration():
    X = _low_rank(rank=2)
    imputer = LowRankImputer().fit(X)
    assert imputer.n_iter_ == 1
    assert imputer.missing_fraction_ == 0.0


def test_imputer_errors():
    X = np.array([[np.nan, 1.0], [np.nan, 2.0], [np.nan, 3.0]])
    with pytest.raises(ValueError, match=r"column\(s\) \[0\] have no observed"):
        LowRankImputer().fit(X)
    with pytest.raises(ValueError, match="'n_components' parameter of LowRankImputer"):
        LowRankImputer(n_components=3).fit(np.ones((4, 2)))
    with pytest.raises(NotFittedError):
        LowRankImputer().transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match="fitted on 2"):
        LowRankImputer().fit(np.eye(3)[:, :2]).transform(np.ones((1, 3)))


def test_pca_matches_covariance_eigenvectors():
    X = _low_rank(rank=3, p=6) + 0.01 * np.random.default_rng(2).normal(size=(80, 6))
    pca = PrincipalComponents(n_components=3).fit(X)
    cov = np.cov(X, rowvar=False)
    vals, vecs = np.linalg.eigh(cov)
    np.testing.assert_allclose(pca.explained_variance_, vals[::-1][:3], rtol=1e-10)
    for i in range(3):
        assert abs(abs(pca.components_[i] @ vecs[:, -1 - i]) - 1) < 1e-8
        assert pca.components_[i][np.argmax(np.abs(pca.components_[i]))] > 0  # sign convention
    scores = pca.transform(X)
    np.testing.assert_allclose(scores.mean(axis=0), 0, atol=1e-12)


def test_pca_matches_sklearn():
    sklearn = pytest.importorskip("sklearn.decomposition")
    X = _low_rank(rank=4, p=7, n=45) + 0.02 * np.random.default_rng(3).normal(size=(45, 7))
    ours = PrincipalComponents(n_components=5).fit(X)
    ref = sklearn.PCA(n_components=5).fit(X)
    np.testing.assert_allclose(np.abs(ours.transform(X)), np.abs(ref.transform(X)), atol=1e-10)
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-10)


def test_pca_caps_components_and_rejects_holes():
    pca = PrincipalComponents(n_components=5).fit(np.random.default_rng(0).normal(size=(3, 7)))
    assert pca.n_components_ == 3
    with pytest.raises(ValueError, match="impute them first"):
        PrincipalComponents().fit(np.array([[1.0, np.nan], [2.0, 3.0]]))
