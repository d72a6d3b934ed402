"""Run tiny linear algebra on one BLAS thread, or small model fits on one thread.

The fits in scalingkit solve many tiny systems (at most a few hundred rows by
a few dozen columns); a multi-threaded BLAS only adds wake-up and
synchronisation overhead, which made scipy's L-BFGS-B about 40x slower on a
2-core machine. threadpoolctl comes with scikit-learn; without it this is a
no-op.
"""

from __future__ import annotations

import contextlib

__all__ = ["one_blas_thread", "one_thread"]


def one_blas_thread():
    """Context manager limiting BLAS to one thread (no-op without threadpoolctl).

    Returns
    -------
    context manager
        ``threadpoolctl.threadpool_limits(limits=1, user_api="blas")``, or
        `contextlib.nullcontext` when threadpoolctl is not installed.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def one_thread():
    """Context manager limiting every native thread pool (BLAS and OpenMP) to one thread.

    For small-data fits of scikit-learn models (gradient-boosted trees), where threads
    only add overhead and stall badly on a shared, busy CPU. scikit-learn's OpenMP
    runtime is loaded first, or the limit would miss it. A no-op without scikit-learn
    (the fit then says which extra to install).
    """
    try:
        import sklearn.ensemble  # noqa: F401 - load its OpenMP runtime first, or the limit misses it
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn missing
        return contextlib.nullcontext()
    return threadpool_limits(limits=1)
