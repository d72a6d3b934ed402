"""Fixtures of the dataset tests: the local mirror, and no network at all.

The tests read data from ``$SCALINGKIT_DATA`` (CI sets it to ``../shared/data``
relative to the project root) and skip, saying why, when it is unset or a file
is missing. Every test runs with sockets and pooch downloads disabled.
"""

from __future__ import annotations

import socket

import pytest

from scalingkit.datasets import _fetch
from scalingkit.datasets._registry import dataset_files


def _no_network(*args, **kwargs):
    msg = "network access is disabled in the dataset tests"
    raise RuntimeError(msg)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail loudly if anything tries to open a connection or download."""
    import pooch.downloaders

    monkeypatch.setattr(socket.socket, "connect", _no_network)
    monkeypatch.setattr(pooch.downloaders.HTTPDownloader, "__call__", _no_network)
    _fetch._pooch.cache_clear()
    yield
    _fetch._pooch.cache_clear()


def require_dataset(name: str):
    """Return the mirror folder, or skip when ``name`` cannot be read from it."""
    mirror = _fetch.mirror_dir()
    if mirror is None:
        pytest.skip(f"{_fetch.ENV} is not set; point it at a local data mirror (e.g. ../shared/data) to test '{name}'")
    missing = [rel for rel in dataset_files(name) if not (mirror / rel).is_file()]
    if missing:
        pytest.skip(f"'{name}': {len(missing)} file(s) missing from the mirror {mirror}, e.g. {missing[0]}")
    return mirror


@pytest.fixture
def require():
    """``require(name)`` -> mirror folder, skipping when the dataset's files are absent."""
    return require_dataset
