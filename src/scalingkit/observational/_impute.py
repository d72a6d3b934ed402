"""Iterative low-rank PCA imputation of a models x benchmarks score matrix."""

from __future__ import annotations

import numpy as np

from .._threads import one_blas_thread

__all__ = ["LowRankImputer"]


def _check_matrix(X, name="X") -> np.ndarray:
    X = np.array(X, dtype=float, copy=True)
    if X.ndim != 2:
        msg = f"{name} must be a 2-D array (models x benchmarks); got shape {X.shape}"
        raise ValueError(msg)
    if np.isinf(X).any():
        msg = f"{name} contains infinite values; only NaN marks a missing score"
        raise ValueError(msg)
    return X


def _rank_k(X: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column means and the top-``k`` right singular vectors of ``X`` (k x p)."""
    center = X.mean(axis=0)
    _, _, vt = np.linalg.svd(X - center, full_matrices=False)
    return center, vt[:k]


def _reconstruct(X: np.ndarray, center: np.ndarray, basis: np.ndarray) -> np.ndarray:
    return center + (X - center) @ basis.T @ basis


class LowRankImputer:
    """Fill missing benchmark scores by iterated rank-k PCA reconstruction.

    The recipe of Ruan et al. (2024, ``pca_impute``): z-score every column with
    the *training* mean and standard deviation, fill holes with the column mean
    (zero after scaling), then repeat "fit a rank-``n_components`` PCA on the
    filled training matrix, reconstruct it, overwrite only the missing cells".
    New rows use the same scaler and column means and are iterated against the
    *fixed* training PCA. The scaling is undone at the end and, if ``clip`` is
    given, the values are clipped to it.

    Parameters
    ----------
    n_components : int, default=1
        Rank of the reconstruction.
    max_iter : int, default=1000
        Maximum number of refinement iterations.
    tol : float, default=1e-4
        Stop when the whole filled matrix equals its reconstruction within
        ``atol=tol`` (``numpy.allclose``), as in the published code; with
        observed cells that are not exactly low-rank this never happens, so in
        practice all ``max_iter`` iterations run. The loop also stops early
        once the imputed cells no longer change (a fixed point), which changes
        nothing but the run time.
    clip : tuple of float or None, default=None
        ``(low, high)`` applied to the unscaled output (observed cells too);
        the published default preprocessing uses ``(0, 1)``.

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_benchmarks,)
        Training mean and standard deviation (``ddof=0``; 1 for constant columns).
    center_ : ndarray of shape (n_benchmarks,)
        Column means of the last filled (scaled) training matrix.
    components_ : ndarray of shape (n_components, n_benchmarks)
        The training PCA basis used for new rows.
    n_iter_ : int
        Iterations run on the training matrix.
    missing_fraction_ : float
        Fraction of missing training cells.

    References
    ----------
    Ruan, Maddison, Hashimoto (2024), "Observational Scaling Laws and the
    Predictability of Language Model Performance", arXiv:2405.10938, App. B.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.outer(rng.uniform(0.2, 1, 30), [1.0, 0.8, 0.6]) + 0.1
    >>> holes = X.copy(); holes[3, 1] = np.nan
    >>> filled = LowRankImputer().fit_transform(holes)
    >>> bool(abs(filled[3, 1] - X[3, 1]) < 1e-3)
    True
    """

    def __init__(self, *, n_components: int = 1, max_iter: int = 1000, tol: float = 1e-4, clip=None):
        self.n_components = n_components
        self.max_iter = max_iter
        self.tol = tol
        self.clip = clip

    def _validate(self, X):
        k = self.n_components
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 1 <= k <= X.shape[1]:
            msg = (f"The 'n_components' parameter of LowRankImputer must be an int in the range "
                   f"[1, {X.shape[1]}] (the number of benchmarks). Got {k!r} instead.")
            raise ValueError(msg)
        if not isinstance(self.max_iter, (int, np.integer)) or self.max_iter < 1:
            msg = f"The 'max_iter' parameter of LowRankImputer must be an int >= 1. Got {self.max_iter!r} instead."
            raise ValueError(msg)
        if self.clip is not None and (len(self.clip) != 2 or not self.clip[0] < self.clip[1]):
            msg = f"The 'clip' parameter of LowRankImputer must be None or (low, high) with low < high. " \
                  f"Got {self.clip!r} instead."
            raise ValueError(msg)

    def fit(self, X) -> LowRankImputer:
        """Learn the scaler and the low-rank basis from training rows.

        Parameters
        ----------
        X : array-like of shape (n_models, n_benchmarks)
            Scores with NaN for missing cells; not modified.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If a column has no observed value or the parameters are invalid.
        """
        self._fit_fill(X)
        return self

    def fit_transform(self, X) -> np.ndarray:
        """Fit on ``X`` and return it with the holes filled (unscaled, clipped).

        Parameters
        ----------
        X : array-like of shape (n_models, n_benchmarks)

        Returns
        -------
        ndarray of shape (n_models, n_benchmarks)
        """
        return self._finish(self._fit_fill(X))

    def _fit_fill(self, X) -> np.ndarray:
        X = _check_matrix(X)
        self._validate(X)
        empty = np.isnan(X).all(axis=0)
        if empty.any():
            msg = f"column(s) {np.flatnonzero(empty).tolist()} have no observed training value; cannot impute them"
            raise ValueError(msg)
        self.mean_ = np.nanmean(X, axis=0)
        scale = np.nanstd(X, axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        Z = (X - self.mean_) / self.scale_
        holes = np.isnan(Z)
        self.missing_fraction_ = float(holes.mean())
        self.fill_ = np.nanmean(Z, axis=0)
        Z[holes] = np.broadcast_to(self.fill_, Z.shape)[holes]
        self.n_iter_ = 0
        with one_blas_thread():
            self._iterate_train(Z, holes)
        return Z

    def _iterate_train(self, Z: np.ndarray, holes: np.ndarray) -> None:
        for it in range(1, self.max_iter + 1):
            center, basis = _rank_k(Z, self.n_components)
            self.center_, self.components_ = center, basis
            self.n_iter_ = it
            recon = _reconstruct(Z, center, basis)
            if np.allclose(Z, recon, atol=self.tol) or not holes.any():
                break
            change = np.max(np.abs(Z[holes] - recon[holes]))
            Z[holes] = recon[holes]
            if change < 1e-13:  # fixed point: more iterations cannot change anything
                break

    def transform(self, X) -> np.ndarray:
        """Fill the holes of new rows against the fixed training basis.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_benchmarks)
            Same columns as in `fit`; not modified.

        Returns
        -------
        ndarray of shape (n_rows, n_benchmarks)
            Unscaled scores (clipped if ``clip`` is set).
        """
        from ..estimators._base import check_is_fitted

        check_is_fitted(self)
        X = _check_matrix(X)
        if X.shape[1] != self.mean_.size:
            msg = f"X has {X.shape[1]} benchmark columns; the imputer was fitted on {self.mean_.size}"
            raise ValueError(msg)
        Z = (X - self.mean_) / self.scale_
        holes = np.isnan(Z)
        Z[holes] = np.broadcast_to(self.fill_, Z.shape)[holes]
        with one_blas_thread():
            for _ in range(self.max_iter if holes.any() else 0):
                recon = _reconstruct(Z, self.center_, self.components_)
                if np.allclose(Z, recon, atol=self.tol):
                    break
                change = np.max(np.abs(Z[holes] - recon[holes]))
                Z[holes] = recon[holes]
                if change < 1e-13:
                    break
        return self._finish(Z)

    def _finish(self, Z: np.ndarray) -> np.ndarray:
        out = Z * self.scale_ + self.mean_
        if self.clip is not None:
            out = np.clip(out, self.clip[0], self.clip[1])
        return out

    def __sklearn_is_fitted__(self):
        return hasattr(self, "components_")

    def __repr__(self):
        return (f"LowRankImputer(n_components={self.n_components}, max_iter={self.max_iter}, tol={self.tol}, "
                f"clip={self.clip})")
