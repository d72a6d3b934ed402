"""Runs tables: read, validate and hold the training runs every method works on.

`read_runs` reads a file, a folder of CSVs or a DataFrame, maps the user's
columns onto canonical ``N`` (parameters) and ``D`` (training tokens), and
validates them; the result is a `RunsTable` with its `RunsMeta` provenance.
Bad input raises `scalingkit.exceptions.DataValidationError` naming the file,
column, row and value.
"""

from __future__ import annotations

from ._readers import read_runs
from ._table import N_CONVENTIONS, RunsMeta, RunsTable

__all__ = ["N_CONVENTIONS", "RunsMeta", "RunsTable", "read_runs"]
