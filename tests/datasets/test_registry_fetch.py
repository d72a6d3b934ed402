"""The registry (names, files, hashes, provenance) and `fetch` (mirror, hash check, pooch), offline."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scalingkit import datasets
from scalingkit.datasets import DatasetHashError, DatasetNotAvailable, _fetch, _make_registry
from scalingkit.exceptions import ScalingkitError, UnknownNameError

CHINCHILLA = "chinchilla_epoch/svg_extracted_data.csv"  # byte-identical upstream, downloadable
DERIVED = "datablations/final_losses_c4_parametric_fit.csv"
MIRROR = _fetch.mirror_dir()  # read before any test changes the environment


# -- registry --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", datasets.list_datasets())
def test_dataset_info(name):
    info = datasets.dataset_info(name)
    for key in ("description", "files", "license", "citation", "source", "units", "n_convention", "task",
                "version", "loader"):
        assert info[key], f"{name}: empty {key}"
    assert info["source"]["commit"] in info["source"]["url"]
    for relpath, entry in info["files"].items():
        assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]), relpath
        if entry["derived"]:
            assert entry["url"] is None, relpath
            assert entry["derived_from"], relpath
            assert entry["builder"], relpath
        else:
            assert entry["url"].startswith("https://raw.githubusercontent.com/"), relpath
            assert entry["commit"] in entry["url"], relpath
            assert not entry["derived_from"], relpath
    assert info["derived"] == any(e["derived"] for e in info["files"].values())
    assert info["loader"] in datasets.__all__


def test_dataset_info_is_a_copy():
    info = datasets.dataset_info("chinchilla_epoch")
    info["license"] = "changed"
    info["files"][CHINCHILLA]["sha256"] = "0" * 64
    again = datasets.dataset_info("chinchilla_epoch")
    assert again["license"] != "changed"
    assert again["files"][CHINCHILLA]["sha256"] != "0" * 64


def test_registry_matches_mirror():
    """registry.txt is what `_make_registry` computes from the mirror (every file, every hash)."""
    mirror = _fetch.mirror_dir()
    if mirror is None:
        pytest.skip(f"{_fetch.ENV} is not set; cannot compare registry.txt with a mirror")
    try:
        text = _make_registry.build(mirror.resolve())
    except FileNotFoundError as err:
        pytest.skip(f"the mirror {mirror} is incomplete: {err}")
    shipped = Path(_make_registry.__file__).with_name("registry.txt").read_text(encoding="utf-8")
    assert text == shipped, "registry.txt is stale: run python -m scalingkit.datasets._make_registry MIRROR"


@pytest.mark.parametrize("func", [datasets.dataset_info, datasets.load_dataset, datasets.locate,
                                  datasets.is_available])
def test_unknown_name_suggests(func):
    with pytest.raises(UnknownNameError, match="Did you mean 'chinchilla_epoch'") as err:
        func("chinchila_epoch")
    assert err.value.kind == "dataset"
    assert "rescal_moe2" in err.value.known


def test_unknown_version():
    with pytest.raises(UnknownNameError, match="unknown version of dataset 'chinchilla_epoch' '2'"):
        datasets.load_chinchilla_epoch(version="2")


def test_list_and_locate(tmp_path, monkeypatch):
    monkeypatch.setenv(_fetch.ENV, str(tmp_path))
    assert datasets.list_datasets() == sorted(datasets.list_datasets())
    assert datasets.locate() == tmp_path
    assert datasets.locate("chinchilla_epoch") == tmp_path / CHINCHILLA
    assert datasets.locate("rescal_dense1") == tmp_path / "rescal/data/DENSE1"
    assert datasets.locate("regmix") == tmp_path / "mixing/regmix"
    assert not datasets.is_available("chinchilla_epoch")
    assert not list(tmp_path.iterdir()), "locate / is_available must not create anything"


# -- fetch from a mirror ---------------------------------------------------------------------------
def _copy_from_mirror(relpath: str, dest: Path) -> None:
    if MIRROR is None or not (MIRROR / relpath).is_file():
        pytest.skip(f"{_fetch.ENV} is not set or lacks {relpath}; needed as the template of a temp mirror")
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MIRROR / relpath, dest)


def test_fetch_from_temp_mirror(tmp_path, monkeypatch):
    _copy_from_mirror(CHINCHILLA, tmp_path / CHINCHILLA)
    monkeypatch.setenv(_fetch.ENV, str(tmp_path))
    assert datasets.fetch(CHINCHILLA) == tmp_path / CHINCHILLA
    assert datasets.is_available("chinchilla_epoch")
    assert len(datasets.load_chinchilla_epoch(drop_outliers=False)) == 245


def test_hash_mismatch_names_file_and_hashes(tmp_path, monkeypatch):
    target = tmp_path / CHINCHILLA
    _copy_from_mirror(CHINCHILLA, target)
    data = bytearray(target.read_bytes())
    data[-2] = ord("9") if data[-2] != ord("9") else ord("8")  # change one digit of the last loss
    target.write_bytes(bytes(data))
    monkeypatch.setenv(_fetch.ENV, str(tmp_path))
    expected = datasets.dataset_info("chinchilla_epoch")["files"][CHINCHILLA]["sha256"]
    with pytest.raises(DatasetHashError) as err:
        datasets.load_chinchilla_epoch()
    message = str(err.value)
    assert CHINCHILLA in message
    assert str(target) in message
    assert f"expected {expected}" in message
    assert f"got {err.value.got}" in message
    assert err.value.expected == expected
    assert err.value.got != expected
    assert isinstance(err.value, ScalingkitError)
    assert isinstance(err.value, ValueError)


def test_hash_mismatch_synthetic(tmp_path, monkeypatch):
    """Same check without the real data: any other content fails the hash."""
    (tmp_path / CHINCHILLA).parent.mkdir(parents=True)
    (tmp_path / CHINCHILLA).write_text("x,y\n1,2\n", encoding="utf-8")
    monkeypatch.setenv(_fetch.ENV, str(tmp_path))
    with pytest.raises(DatasetHashError, match="sha256 mismatch for dataset file 'chinchilla_epoch/"):
        datasets.fetch(CHINCHILLA)


def test_missing_file_in_mirror(tmp_path, monkeypatch):
    monkeypatch.setenv(_fetch.ENV, str(tmp_path))
    url = datasets.dataset_info("chinchilla_epoch")["files"][CHINCHILLA]["url"]
    with pytest.raises(DatasetNotAvailable) as err:
        datasets.load_dataset("chinchilla_epoch")
    message = str(err.value)
    assert CHINCHILLA in message
    assert str(tmp_path / CHINCHILLA) in message
    assert url in message
    assert isinstance(err.value, FileNotFoundError)
    assert isinstance(err.value, ScalingkitError)
    assert err.value.upstream == [url]


def test_unregistered_file():
    with pytest.raises(UnknownNameError, match="unknown dataset file 'chinchilla_epoch/other.csv'"):
        datasets.fetch("chinchilla_epoch/other.csv")


# -- fetch through pooch (no mirror), never touching the network -----------------------------------
@pytest.fixture
def no_mirror(tmp_path, monkeypatch):
    """No $SCALINGKIT_DATA; pooch's cache is an empty temp folder."""
    import pooch

    monkeypatch.delenv(_fetch.ENV, raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setattr(pooch, "os_cache", lambda project: cache)
    return cache


def test_empty_env_means_no_mirror(no_mirror, monkeypatch):
    monkeypatch.setenv(_fetch.ENV, "  ")
    assert _fetch.mirror_dir() is None
    assert datasets.locate() == no_mirror


def test_derived_file_cannot_be_downloaded(no_mirror):
    upstream = datasets.dataset_info("datablations")["files"][DERIVED]["derived_from"]
    with pytest.raises(DatasetNotAvailable) as err:
        datasets.fetch(DERIVED)
    message = str(err.value)
    assert "derived" in message
    assert upstream[0] in message
    assert _fetch.ENV in message
    assert err.value.upstream == upstream


def test_downloadable_file_goes_through_pooch(no_mirror, monkeypatch):
    import pooch

    created, calls = [], []
    real_create = pooch.create

    def spy_create(**kwargs):
        created.append(kwargs)
        return real_create(**kwargs)

    def fake_fetch(self, fname, processor=None, downloader=None, progressbar=False):
        calls.append({"fname": fname, "url": self.get_url(fname), "hash": self.registry[fname]})
        return str(Path(self.path) / fname)

    monkeypatch.setattr(pooch, "create", spy_create)
    monkeypatch.setattr(pooch.Pooch, "fetch", fake_fetch)
    info = datasets.dataset_info("chinchilla_epoch")["files"][CHINCHILLA]
    assert datasets.fetch(CHINCHILLA) == no_mirror / CHINCHILLA
    assert calls == [{"fname": CHINCHILLA, "url": info["url"], "hash": f"sha256:{info['sha256']}"}]
    assert len(created) == 1
    assert created[0]["path"] == no_mirror
    assert created[0]["base_url"] == ""
    assert created[0]["env"] == _fetch.ENV
    assert created[0]["retry_if_failed"] == 3
    assert DERIVED in created[0]["registry"]
    assert DERIVED not in created[0]["urls"]


def test_cached_download_is_reused_offline(no_mirror, monkeypatch):
    """A verified copy in pooch's cache is used without any download (sockets are disabled)."""
    _copy_from_mirror(CHINCHILLA, no_mirror / CHINCHILLA)
    assert datasets.is_available("chinchilla_epoch")
    assert len(datasets.load_chinchilla_epoch(drop_outliers=False)) == 245


def test_import_touches_nothing():
    code = (
        "import sys; import scalingkit.datasets as d; "
        "from scalingkit.datasets import _sources; "
        "assert 'pooch' not in sys.modules, 'pooch imported at import time'; "
        "assert _sources._registry_lines.cache_info().currsize == 0, 'registry read at import time'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
