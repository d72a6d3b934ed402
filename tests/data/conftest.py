"""Fixtures for the data-layer tests: small runs frames and writers for every format."""

from __future__ import annotations

import pandas as pd
import pytest


def make_runs(n: int = 6) -> pd.DataFrame:
    """A small, valid runs frame with an extra numeric and a categorical column."""
    sizes = [1e8, 2e8, 4e8]
    return pd.DataFrame(
        {
            "N": [sizes[i % 3] for i in range(n)],
            "D": [2e9 * (1 + i) for i in range(n)],
            "loss": [3.5 - 0.1 * i for i in range(n)],
            "lr": [1e-3] * n,
            "family": ["a" if i % 2 else "b" for i in range(n)],
        }
    )


def write_frame(frame: pd.DataFrame, path) -> None:
    """Write ``frame`` to ``path`` in the format its suffix names."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".tsv":
        frame.to_csv(path, index=False, sep="\t")
    elif suffix in (".parquet", ".pq"):
        frame.to_parquet(path, index=False)
    elif suffix in (".jsonl", ".ndjson"):
        frame.to_json(path, orient="records", lines=True)
    elif suffix == ".json":
        frame.to_json(path, orient="records")
    else:  # pragma: no cover - test helper misuse
        msg = f"no writer for {suffix}"
        raise ValueError(msg)


@pytest.fixture
def runs() -> pd.DataFrame:
    return make_runs()


@pytest.fixture
def write_csv(tmp_path):
    """Write text verbatim to a file in tmp_path and return its path."""

    def _write(text: str, name: str = "runs.csv"):
        path = tmp_path / name
        path.write_text(text)
        return path

    return _write


@pytest.fixture
def writer():
    """The ``write_frame(frame, path)`` helper."""
    return write_frame


@pytest.fixture
def runs_factory():
    """The ``make_runs(n)`` helper."""
    return make_runs
