"""Loaders of the eight ReScaL benchmark sets (one CSV per (N, D) configuration)."""

from __future__ import annotations

import pandas as pd

from ._common import read_csv, to_table
from ._registry import check_version, dataset_files

__all__ = [
    "load_rescal_dense1",
    "load_rescal_dense2",
    "load_rescal_dense3",
    "load_rescal_dense4",
    "load_rescal_dense5",
    "load_rescal_dense6",
    "load_rescal_moe",
    "load_rescal_moe2",
]

# name -> (folder, files, rows, exact duplicate rows, what N counts, inferred origin)
_SETS = {
    "rescal_dense1": ("DENSE1", 407, 411, 4, "non-embedding parameters ('N_add_emb' includes embeddings)",
                      "StepFun Farseer dense runs (Predictable Scale Part II)"),
    "rescal_dense2": ("DENSE2", 17, 1911, 0, "non-embedding parameters (Step Law convention)",
                      "StepFun Step Law dense lr x bs sweeps (Predictable Scale Part I)"),
    "rescal_dense3": ("DENSE3", 137, 295, 0, "parameters as given by the source; convention unknown",
                      "Muennighoff et al. 2023 data-constrained runs ('uD' = unique tokens)"),
    "rescal_dense4": ("DENSE4", 3, 3447, 0, "nominal model size (70M/160M/410M); convention unknown",
                      "Data Mixing Laws 3-domain experiment (checkpoint x mixture x validation domain)"),
    "rescal_dense5": ("DENSE5", 5, 31262, 0, "nominal model size (70M ... 1B); convention unknown",
                      "Data Mixing Laws 5-domain experiment"),
    "rescal_dense6": ("DENSE6", 907, 4852, 2, "total parameters incl. embeddings ('N_no_emb' without)",
                      "open_lm 'misfitting' models, Li, Kudugunta, Zettlemoyer 2025 (medium confidence)"),
    "rescal_moe": ("MOE", 12, 708, 0, "total (not active) parameters; 'Na' is active",
                   "StepFun Step Law MoE lr x bs sweeps"),
    "rescal_moe2": ("MOE2", 131, 5791, 0, "total (not active) parameters",
                    "Clark et al. 2022, Unified Scaling Laws for Routed Language Models"),
}

_DOC = """Load the ReScaL benchmark set {folder}: {origin}.

    Parameters
    ----------
    version : str or None, default=None
        Dataset version; None loads the only registered one ({{version}}).

    Returns
    -------
    RunsTable
        {rows:,} rows from {files} configuration files; target ``loss``.

    Raises
    ------
    DatasetNotAvailable
        If a file is missing from the mirror (these files are derived: they
        cannot be downloaded).
    DatasetHashError
        If a file differs from the registered sha256.

    Notes
    -----
    **Format.** The folder ``rescal/data/{folder}/`` holds one CSV per unique
    (N, D) configuration, named ``group_C_<C>_N_<N>_D_<D>.csv`` with
    ``C = 6 N D / 1e12``; the last column is the target ``loss``.

    **Source.** github.com/Anony0110/ReScaL, ``data.zip`` (the CSVs are
    members of the archive). Origin inferred by the team, not stated upstream.

    **License.** No LICENSE file in the repository: keep internal.

    **Preprocessing.** All files of the folder are concatenated in sorted file
    order, with a ``config`` column holding the file stem. Values are not
    changed. {dups}

    **Units.** N: {n_text}. D: tokens, as in the file{d_text}. Loss: nats/token.

    **Versions.** One version, pinned to the commit of ``data.zip`` in the
    public index ({{version}}).
    """


def _frame_rescal(name: str) -> pd.DataFrame:
    """All CSVs of one ReScaL set, concatenated, with a ``config`` column (file stem)."""
    frames = []
    for relpath in dataset_files(name):
        stem = relpath.rsplit("/", 1)[-1].removesuffix(".csv")
        frames.append(read_csv(relpath).assign(config=stem))
    return pd.concat(frames, ignore_index=True)


def _load_rescal(name: str, version):
    version = check_version(name, version)
    folder, n_files, _rows, n_dups, n_text, _origin = _SETS[name]
    frame = _frame_rescal(name)
    notes = [f"concatenated {frame['config'].nunique()} configuration files of rescal/data/{folder}/ "
             "with a 'config' column (file stem)"]
    if n_dups:
        notes.append(f"{n_dups} rows are exact duplicates of other rows in the source; kept, as the benchmark does")
    notes.append(f"N counts {n_text}")
    return to_table(frame, name, target="loss", notes=notes, version=version, duplicates="keep")


def _make_loader(name: str):
    folder, n_files, rows, n_dups, n_text, origin = _SETS[name]
    dups = (f"The source holds {n_dups} rows identical to another row; they are kept."
            if n_dups else "")
    d_text = (" (the run's total token budget, not tokens seen at the checkpoint: rows at early "
              "checkpoints share N and D with the final one)") if folder in ("DENSE4", "DENSE5", "MOE2") else ""

    def loader(*, version: str | None = None):
        return _load_rescal(name, version)

    loader.__name__ = loader.__qualname__ = f"load_{name}"
    loader.__module__ = __name__
    loader.__doc__ = _DOC.format(folder=folder, origin=origin, rows=rows, files=n_files, dups=dups,
                                 n_text=n_text, d_text=d_text).replace("{version}", _version_of(name))
    return loader


def _version_of(name: str) -> str:
    from ._registry import REGISTRY

    return REGISTRY[name]["version"]


load_rescal_dense1 = _make_loader("rescal_dense1")
load_rescal_dense2 = _make_loader("rescal_dense2")
load_rescal_dense3 = _make_loader("rescal_dense3")
load_rescal_dense4 = _make_loader("rescal_dense4")
load_rescal_dense5 = _make_loader("rescal_dense5")
load_rescal_dense6 = _make_loader("rescal_dense6")
load_rescal_moe = _make_loader("rescal_moe")
load_rescal_moe2 = _make_loader("rescal_moe2")

#: Expected shape of each set (files, rows), for tests and ``dataset_info``.
EXPECTED = {name: {"files": v[1], "rows": v[2]} for name, v in _SETS.items()}
