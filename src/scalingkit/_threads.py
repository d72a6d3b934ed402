"""Run tiny linear algebra on one BLAS thread.

The fits in scalingkit solve many tiny systems (at most a few hundred rows by
a few dozen columns); a multi-threaded BLAS only adds wake-up and
synchronisation overhead, which made scipy's L-BFGS-B about 40x slower on a
2-core machine. threadpoolctl comes with scikit-learn; without it this is a
no-op.
"""

from __future__ import annotations

import contextlib

__all__ = ["one_blas_thread"]


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
