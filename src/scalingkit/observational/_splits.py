"""Held-out splits of a models table: compute cutoff and top-by-column.

These work on rows of a DataFrame of models (not on a `RunsTable`). Missing
values are handled exactly as in the published code:

* `CutoffSplit`: train is ``col <= threshold``; **rows where col is NaN go to
  the test set** (a model of unknown compute is treated as beyond the cutoff).
* `TopSplit`: rows sorted by ``col`` descending with **NaN first**, so rows
  with a missing value are held out before the top-ranked ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["CutoffSplit", "TopSplit", "parse_split"]


def _column(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        from ..exceptions import UnknownNameError

        raise UnknownNameError("column", column, [str(c) for c in frame.columns])  # noqa: EM101
    return pd.to_numeric(frame[column], errors="coerce")


@dataclass(frozen=True)
class CutoffSplit:
    """Train on models with ``column <= threshold``, test on the rest (NaN included).

    Parameters
    ----------
    column : str
        For example ``"FLOPs (1E21)"`` (6 N D / 1e21) or ``"Model Size (B)"``.
    threshold : float
        Inclusive upper limit of the training side (84 = Llama-2-7B's 8.4e22 FLOPs).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"flops": [10.0, 84.0, 200.0, float("nan")]})
    >>> train, test = CutoffSplit("flops", 84).masks(f)
    >>> train.tolist(), test.tolist()
    ([True, True, False, False], [False, False, True, True])
    """

    column: str
    threshold: float

    @property
    def name(self) -> str:
        return f"cutoff {self.column} <= {self.threshold:g}"

    def masks(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Boolean ``(train, test)`` masks over the rows of ``frame``."""
        values = _column(frame, self.column).to_numpy()
        with np.errstate(invalid="ignore"):
            train = values <= self.threshold  # NaN compares False: it lands in test
        return train, ~train


@dataclass(frozen=True)
class TopSplit:
    """Hold out the ``test_limit`` rows with the largest ``column`` (``rank_by_<col>``).

    Parameters
    ----------
    column : str
        Ranking column, e.g. the target itself.
    test_limit : float
        Number of held-out rows if >= 1; a fraction of the rows if < 1,
        truncated with ``int()`` (10% of 22 rows holds out 2).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"y": [0.1, float("nan"), 0.9, 0.5]})
    >>> TopSplit("y", 2).masks(f)[1].tolist()
    [False, True, True, False]
    """

    column: str
    test_limit: float

    @property
    def name(self) -> str:
        return f"top {self.test_limit:g} by {self.column}"

    def n_test(self, n_rows: int) -> int:
        """Number of held-out rows among ``n_rows``."""
        limit = self.test_limit
        if not (isinstance(limit, (int, float, np.integer, np.floating)) and math.isfinite(limit) and limit > 0):
            msg = f"test_limit must be a positive number (a count >= 1 or a fraction < 1); got {limit!r}"
            raise ValueError(msg)
        k = int(limit * n_rows) if limit < 1 else int(limit)
        if not 0 < k < n_rows:
            msg = f"test_limit {limit:g} holds out {k} of {n_rows} rows; it must leave at least one row on each side"
            raise ValueError(msg)
        return k

    def masks(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Boolean ``(train, test)`` masks over the rows of ``frame``."""
        values = _column(frame, self.column).to_numpy()
        k = self.n_test(len(values))
        # stable descending order with NaN first (ties keep row order)
        keyed = np.where(np.isnan(values), np.inf, values)
        order = np.argsort(-keyed, kind="stable")
        test = np.zeros(len(values), dtype=bool)
        test[order[:k]] = True
        return ~test, test


def parse_split(text: str):
    """Parse ``cutoff:COL:VALUE`` or ``top:COL:K`` (COL may contain colons).

    Parameters
    ----------
    text : str
        E.g. ``"cutoff:FLOPs (1E21):84"`` or ``"top:ABench-OA:0.1"``.

    Returns
    -------
    CutoffSplit or TopSplit

    Raises
    ------
    ValueError
        If the text does not have that form.
    """
    kind, sep, rest = str(text).partition(":")
    column, sep2, value = rest.rpartition(":")
    try:
        number = float(value)
    except ValueError:
        number = None
    if not (sep and sep2 and column) or number is None or kind not in ("cutoff", "top"):
        msg = f"cannot parse split '{text}'; expected cutoff:COL:VALUE or top:COL:K (e.g. 'cutoff:FLOPs (1E21):84')"
        raise ValueError(msg)
    return CutoffSplit(column, number) if kind == "cutoff" else TopSplit(column, number)
