"""Run tiny linear algebra on one BLAS thread.

The matrices here are at most a few hundred x 10; multi-threaded BLAS only adds
wake-up overhead, which made scipy's L-BFGS-B about 40x slower on a 2-core
machine. threadpoolctl comes with scikit-learn; without it this is a no-op.
"""

from __future__ import annotations

import contextlib

__all__ = ["one_blas_thread"]


def one_blas_thread():
    """Context manager limiting BLAS to one thread (no-op without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
