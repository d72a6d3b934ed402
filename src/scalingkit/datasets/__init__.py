"""Public datasets of LLM training runs: a pooch registry and one loader per dataset.

Every file is pinned by sha256 in ``registry.txt``. Set ``SCALINGKIT_DATA`` to a
local mirror (laid out like the team's shared data folder) to read files from
it; otherwise files that are byte-identical to an upstream file are downloaded
into ``pooch.os_cache("scalingkit")``. Derived files (reshaped by the team) can
only come from a mirror. Nothing is read or downloaded at import time.

Examples
--------
>>> from scalingkit import datasets
>>> "chinchilla_epoch" in datasets.list_datasets()
True
>>> datasets.dataset_info("chinchilla_epoch")["n_convention"]
'total'
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

from ._fetch import DatasetHashError, DatasetNotAvailable, cache_dir, fetch, is_local, mirror_dir
from ._loaders_evals import load_obsscaling, load_pythia
from ._loaders_final import (
    load_chinchilla_epoch,
    load_datablations,
    load_datablations_curves,
    load_steplaw_dense,
    load_steplaw_moe,
)
from ._loaders_mixing import load_bimix, load_mixinglaws, load_regmix
from ._loaders_rescal import (
    load_rescal_dense1,
    load_rescal_dense2,
    load_rescal_dense3,
    load_rescal_dense4,
    load_rescal_dense5,
    load_rescal_dense6,
    load_rescal_moe,
    load_rescal_moe2,
)
from ._loaders_sweeps import load_ncpl_marin, load_overtraining, load_overtraining_grid
from ._registry import REGISTRY, dataset_files, get_entry
from ._sources import file_table

__all__ = [
    "DatasetHashError",
    "DatasetNotAvailable",
    "dataset_info",
    "fetch",
    "is_available",
    "list_datasets",
    "load_bimix",
    "load_chinchilla_epoch",
    "load_datablations",
    "load_datablations_curves",
    "load_dataset",
    "load_mixinglaws",
    "load_ncpl_marin",
    "load_obsscaling",
    "load_overtraining",
    "load_overtraining_grid",
    "load_pythia",
    "load_regmix",
    "load_rescal_dense1",
    "load_rescal_dense2",
    "load_rescal_dense3",
    "load_rescal_dense4",
    "load_rescal_dense5",
    "load_rescal_dense6",
    "load_rescal_moe",
    "load_rescal_moe2",
    "load_steplaw_dense",
    "load_steplaw_moe",
    "locate",
]

_LOADERS = {name: globals()[f"load_{name}"] for name in REGISTRY}


def list_datasets() -> list[str]:
    """Names of the registered datasets, sorted.

    Returns
    -------
    list of str
    """
    return sorted(REGISTRY)


def dataset_info(name: str) -> dict:
    """Metadata of a dataset: description, files with hashes and provenance, licence, units.

    Parameters
    ----------
    name : str
        Registered dataset name (see `list_datasets`).

    Returns
    -------
    dict
        A copy of the registry entry (``description``, ``task``, ``source``,
        ``license``, ``citation``, ``n_convention``, ``units``, ``version``)
        with ``files`` expanded to ``{relpath: {sha256, url, url_exact, derived,
        derived_from, builder, source, commit}}``, plus ``name``, ``loader``
        and ``derived`` (True when any file is derived, i.e. not downloadable).

    Raises
    ------
    UnknownNameError
        If ``name`` is not registered (the message suggests the closest name).
    """
    info = copy.deepcopy(get_entry(name))
    table = file_table()
    files = {rel: table[rel] for rel in dataset_files(name)}
    info.update(name=name, loader=f"load_{name}", files=files,
                derived=any(f["derived"] for f in files.values()))
    return info


def load_dataset(name: str, **kwargs):
    """Load a registered dataset by name.

    Parameters
    ----------
    name : str
        Registered dataset name (see `list_datasets`).
    **kwargs
        Passed to ``load_<name>`` (e.g. ``drop_outliers=True`` for ``chinchilla_epoch``).

    Returns
    -------
    RunsTable
        The runs (``obsscaling`` returns a DataFrame; see `load_obsscaling`).

    Raises
    ------
    UnknownNameError
        If ``name`` is not registered.
    DatasetNotAvailable
        If a file is missing from the mirror or cannot be downloaded.
    DatasetHashError
        If a mirror file does not match its registered sha256.
    """
    get_entry(name)
    return _LOADERS[name](**kwargs)


def locate(name: str | None = None) -> Path:
    """Where the data live: the mirror or cache folder, or one dataset's folder or file.

    Parameters
    ----------
    name : str or None, default=None
        None for the base folder (``$SCALINGKIT_DATA`` when set, else pooch's
        cache ``pooch.os_cache("scalingkit")``); a dataset name for its file
        (single-file datasets) or the deepest folder holding all its files.

    Returns
    -------
    Path
        The location; it may not exist yet (nothing is created or downloaded).

    Raises
    ------
    UnknownNameError
        If ``name`` is not registered.
    """
    base = mirror_dir()
    base = cache_dir() if base is None else base
    if name is None:
        return base
    files = dataset_files(name)
    if len(files) == 1:
        return base / files[0]
    return base / os.path.commonpath([os.path.dirname(f) for f in files])


def is_available(name: str) -> bool:
    """Whether every file of a dataset is present locally (mirror or cache).

    Checks existence only: no hashing and no network. A dataset whose files
    are all byte-identical to upstream files can still be loaded when this is
    False, by downloading them (unless ``SCALINGKIT_DATA`` is set).

    Parameters
    ----------
    name : str
        Registered dataset name.

    Returns
    -------
    bool

    Raises
    ------
    UnknownNameError
        If ``name`` is not registered.
    """
    return all(is_local(rel) for rel in dataset_files(name))
