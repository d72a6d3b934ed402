"""Principal components of benchmark scores, fitted on training models only."""

from __future__ import annotations

import numpy as np

__all__ = ["PrincipalComponents"]


class PrincipalComponents:
    """Centred (not standardised) PCA by SVD, as ``sklearn.decomposition.PCA``.

    Kept in numpy so that scikit-learn stays an optional dependency. Signs
    follow scikit-learn >= 1.5: in each component the loading of largest
    absolute value is positive.

    Parameters
    ----------
    n_components : int, default=5
        Components kept; reduced to ``min(n_models, n_benchmarks)`` when the
        training matrix is smaller (the first components do not depend on it).
    standardize : bool, default=False
        Divide each column by its training standard deviation first. The
        published recipe does not.

    Attributes
    ----------
    mean_ : ndarray of shape (n_benchmarks,)
    scale_ : ndarray of shape (n_benchmarks,)
        Ones unless ``standardize``.
    components_ : ndarray of shape (n_components_, n_benchmarks)
        Loadings, one row per principal component.
    explained_variance_, explained_variance_ratio_ : ndarray of shape (n_components_,)
    n_components_ : int

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.1, 0.2], [0.4, 0.5], [0.7, 0.9]])
    >>> pcs = PrincipalComponents(n_components=1).fit(X)
    >>> pcs.transform(X).shape
    (3, 1)
    """

    def __init__(self, *, n_components: int = 5, standardize: bool = False):
        self.n_components = n_components
        self.standardize = standardize

    def fit(self, X) -> PrincipalComponents:
        """Fit the components on training rows (no missing values).

        Parameters
        ----------
        X : array-like of shape (n_models, n_benchmarks)

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If ``X`` has missing values (impute first) or fewer than 2 rows.
        """
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[0] < 2:
            msg = f"PCA needs a 2-D matrix with at least 2 rows; got shape {X.shape}"
            raise ValueError(msg)
        if not np.isfinite(X).all():
            msg = "PCA input has missing or infinite values; impute them first (LowRankImputer)"
            raise ValueError(msg)
        k = self.n_components
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
            msg = f"The 'n_components' parameter of PrincipalComponents must be an int >= 1. Got {k!r} instead."
            raise ValueError(msg)
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0) if self.standardize else np.ones(X.shape[1])
        self.scale_ = np.where(scale > 0, scale, 1.0)
        Z = (X - self.mean_) / self.scale_
        _, s, vt = np.linalg.svd(Z, full_matrices=False)
        signs = np.sign(vt[np.arange(vt.shape[0]), np.argmax(np.abs(vt), axis=1)])
        vt = vt * np.where(signs == 0, 1.0, signs)[:, None]
        self.n_components_ = int(min(k, vt.shape[0]))
        var = s**2 / (X.shape[0] - 1)
        self.components_ = vt[: self.n_components_]
        self.explained_variance_ = var[: self.n_components_]
        total = var.sum()
        self.explained_variance_ratio_ = self.explained_variance_ / total if total > 0 else self.explained_variance_
        return self

    def transform(self, X) -> np.ndarray:
        """Scores ``(X - mean) @ components.T`` of new rows.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_benchmarks)

        Returns
        -------
        ndarray of shape (n_rows, n_components_)
        """
        from ..estimators._base import check_is_fitted

        check_is_fitted(self)
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.mean_.size:
            msg = f"expected {self.mean_.size} benchmark columns; got shape {X.shape}"
            raise ValueError(msg)
        return ((X - self.mean_) / self.scale_) @ self.components_.T

    def fit_transform(self, X) -> np.ndarray:
        """Fit on ``X`` and return its scores."""
        return self.fit(X).transform(X)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "components_")

    def __repr__(self):
        return f"PrincipalComponents(n_components={self.n_components}, standardize={self.standardize})"
