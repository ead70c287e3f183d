"""Shipped data cannot rot silently: checksums, row counts and columns match data/MANIFEST.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cloudgeo import _data
from cloudgeo.errors import DataFileError


def test_shipped_data_matches_manifest() -> None:
    problems = _data.verify_manifest()
    assert problems == [], "\n".join(problems) + "\n(run python scripts/update_manifest.py if intended)"


def test_manifest_lists_every_csv_with_rows_and_columns() -> None:
    manifest = json.loads((_data.data_dir() / "MANIFEST.json").read_text())
    csvs = [k for k in manifest if k.endswith(".csv")]
    assert csvs, "no CSV listed"
    for name in csvs:
        assert manifest[name]["rows"] > 0
        assert manifest[name]["columns"]


def test_changed_file_is_reported(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(_data.data_dir(), copy)
    target = next(p for p in sorted(copy.glob("*.csv")))
    target.write_text(target.read_text() + target.read_text().splitlines()[-1] + "\n")
    problems = _data.verify_manifest(copy)
    assert any(target.name in p and "rows" in p for p in problems)


def test_unlisted_and_missing_files_are_reported(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(_data.data_dir(), copy)
    (copy / "extra.csv").write_text("a\n1\n")
    victim = next(p for p in sorted(copy.glob("*.csv")) if p.name != "extra.csv")
    victim.unlink()
    problems = _data.verify_manifest(copy)
    assert any("extra.csv: present but not listed" in p for p in problems)
    assert any(f"{victim.name}: listed in MANIFEST.json but missing" in p for p in problems)


def test_data_dir_override_must_be_a_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDGEO_DATA_DIR", str(tmp_path))
    with pytest.raises(DataFileError, match="is not a cloudgeo data folder"):
        _data.data_dir()


def test_missing_data_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "SOURCES.md").write_text("x")
    monkeypatch.setenv("CLOUDGEO_DATA_DIR", str(tmp_path))
    with pytest.raises(DataFileError, match=r"regions\.csv is missing"):
        _data.data_path("regions.csv")
