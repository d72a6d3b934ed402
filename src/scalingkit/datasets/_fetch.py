"""Find registered files: in a local mirror (``$SCALINGKIT_DATA``) or pooch's cache.

With ``SCALINGKIT_DATA`` set, files are read from that folder (laid out like the
team's shared data folder) and their sha256 is checked against the registry.
Without it, pooch downloads byte-identical files from their pinned upstream URL
into ``pooch.os_cache("scalingkit")``; derived files cannot be downloaded.
Nothing happens at import time: pooch is imported and created on first use.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from ..exceptions import ScalingkitError, UnknownNameError
from ._sources import file_info, file_table

__all__ = ["ENV", "DatasetHashError", "DatasetNotAvailable", "cache_dir", "fetch", "mirror_dir"]

#: Environment variable naming a local mirror of the data.
ENV = "SCALINGKIT_DATA"


class DatasetNotAvailable(ScalingkitError, FileNotFoundError):
    """A registered file is neither in the mirror nor downloadable.

    Attributes
    ----------
    relpath : str
        Registered path of the file (mirror layout).
    location : str
        Where it was looked for.
    upstream : list of str
        Canonical URL, or the upstream files a derived file was built from.
    """

    def __init__(self, message, *, relpath, location, upstream):
        super().__init__(message)
        self.relpath = relpath
        self.location = str(location)
        self.upstream = list(upstream)

    def __str__(self):  # OSError would format (errno, strerror)
        return self.args[0]


class DatasetHashError(ScalingkitError, ValueError):
    """A file's sha256 differs from the registered one.

    Attributes
    ----------
    path : str
        File that was checked.
    expected, got : str
        Registered and actual sha256 (hex).
    """

    def __init__(self, message, *, path, expected, got):
        super().__init__(message)
        self.path = str(path)
        self.expected = expected
        self.got = got


def mirror_dir() -> Path | None:
    """The local mirror named by ``$SCALINGKIT_DATA``, or None when unset or empty."""
    value = os.environ.get(ENV, "").strip()
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """pooch's cache folder for scalingkit (not created here)."""
    import pooch

    return Path(pooch.os_cache("scalingkit"))


def _file_info(relpath: str) -> dict:
    info = file_info(relpath)
    if info is None:
        table = file_table()
        top = relpath.split("/", 1)[0]
        known = sorted(p for p in table if p.startswith(top + "/")) or sorted({p.split("/", 1)[0] for p in table})
        kind = "dataset file"
        raise UnknownNameError(kind, relpath, known)
    return info


def _upstream(info: dict) -> list[str]:
    return [info["url"]] if info["url"] else list(info["derived_from"])


@functools.lru_cache(maxsize=4096)
def _sha256_cached(path: str, mtime_ns: int, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of ``path`` (memoised per path, modification time and size)."""
    st = path.stat()
    return _sha256_cached(str(path), st.st_mtime_ns, st.st_size)


def verify(path: Path, expected: str, relpath: str) -> Path:
    """Return ``path`` if its sha256 is ``expected``; raise `DatasetHashError` otherwise."""
    got = file_sha256(path)
    if got != expected:
        msg = (
            f"sha256 mismatch for dataset file '{relpath}' at {path}: expected {expected}, got {got}. "
            "Hint: the file was modified or comes from another version; restore it from the upstream "
            "source (see scalingkit.datasets.dataset_info) or regenerate the registry if the change is intended."
        )
        raise DatasetHashError(msg, path=path, expected=expected, got=got)
    return path


def fetch(relpath: str) -> Path:
    """Local path of a registered file, verified against its sha256.

    Parameters
    ----------
    relpath : str
        Path relative to the mirror layout, e.g. ``"chinchilla_epoch/svg_extracted_data.csv"``.

    Returns
    -------
    Path
        The file in the mirror (``$SCALINGKIT_DATA``) or in pooch's cache.

    Raises
    ------
    UnknownNameError
        If ``relpath`` is not registered.
    DatasetNotAvailable
        If the mirror lacks the file, or it is derived and not in the cache.
    DatasetHashError
        If the mirror's copy has another sha256 (pooch raises ``ValueError`` for downloads).
    """
    info = _file_info(relpath)
    mirror = mirror_dir()
    if mirror is not None:
        path = mirror / relpath
        if not path.is_file():
            where = info["url"] or "derived from " + ", ".join(info["derived_from"])
            msg = (
                f"dataset file '{relpath}' is not in the mirror: {path} does not exist "
                f"(${ENV}={mirror}). Upstream: {where}. Hint: copy the file there, or unset ${ENV} to "
                "download byte-identical files into the pooch cache."
            )
            raise DatasetNotAvailable(msg, relpath=relpath, location=path, upstream=_upstream(info))
        return verify(path, info["sha256"], relpath)
    return _fetch_pooch(relpath, info)


def _fetch_pooch(relpath: str, info: dict) -> Path:
    cache = cache_dir()
    if info["derived"]:
        cached = cache / relpath
        if cached.is_file():
            return verify(cached, info["sha256"], relpath)
        msg = (
            f"dataset file '{relpath}' is derived (reshaped by the scalingkit team, no upstream copy) and "
            f"cannot be downloaded. It was built from {', '.join(info['derived_from'])} ({info['builder']}). "
            f"Hint: set ${ENV} to a mirror folder holding '{relpath}', or rebuild it from those sources "
            f"and place it at {cached}."
        )
        raise DatasetNotAvailable(msg, relpath=relpath, location=cached, upstream=info["derived_from"])
    return Path(_pooch().fetch(relpath))


@functools.lru_cache(maxsize=1)
def _pooch():
    import pooch

    table = file_table()
    return pooch.create(
        path=pooch.os_cache("scalingkit"),
        base_url="",
        registry={rel: f"sha256:{info['sha256']}" for rel, info in table.items()},
        urls={rel: info["url"] for rel, info in table.items() if info["url"]},
        env=ENV,
        retry_if_failed=3,
    )


def is_local(relpath: str) -> bool:
    """Whether ``relpath`` is present in the mirror or the cache (no hashing, no network)."""
    info = _file_info(relpath)
    mirror = mirror_dir()
    if mirror is not None:
        return (mirror / relpath).is_file()
    del info
    return (cache_dir() / relpath).is_file()
