"""Locate the shipped data files, for an installed wheel and for a source checkout alike.

The wheel carries the top-level ``data/`` folder as ``cloudgeo/data/``; in a source checkout
(or an editable install) the files are read from ``data/`` beside the package.
"""

from __future__ import annotations

import os
from pathlib import Path

from cloudgeo.errors import DataFileError

__all__ = ["compute_manifest", "data_dir", "data_path", "verify_manifest"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """Return the folder holding cloudgeo's shipped data.

    The environment variable ``CLOUDGEO_DATA_DIR``, when set, names another folder to use
    (for testing a modified or corrupted copy of the data).

    Returns
    -------
    pathlib.Path
        ``cloudgeo/data`` inside an installed wheel, else ``data/`` of the source checkout.

    Raises
    ------
    DataFileError
        If neither location exists (a broken installation).
    """
    override = os.environ.get("CLOUDGEO_DATA_DIR")
    if override:
        path = Path(override)
        if not (path / "SOURCES.md").is_file():
            raise DataFileError(
                "CLOUDGEO_DATA_DIR", [f"{path} is not a cloudgeo data folder (no SOURCES.md in it)"]
            )
        return path
    for candidate in (_PACKAGE_DIR / "data", _PACKAGE_DIR.parent / "data"):
        if (candidate / "SOURCES.md").is_file():
            return candidate
    raise DataFileError(
        "cloudgeo data",
        [
            f"no data folder found at {_PACKAGE_DIR / 'data'} or {_PACKAGE_DIR.parent / 'data'}; "
            "reinstall cloudgeo (pip install --force-reinstall cloudgeo)"
        ],
    )


def data_path(name: str) -> Path:
    """Return the path of one shipped data file (e.g. ``"regions.csv"``).

    Raises
    ------
    DataFileError
        If the file is not there.
    """
    path = data_dir() / name
    if not path.is_file():
        raise DataFileError(name, [f"shipped data file {path} is missing; reinstall cloudgeo"])
    return path


_MANIFEST = "MANIFEST.json"
_NOT_IN_MANIFEST = {_MANIFEST}


def _csv_shape(path: Path) -> tuple[int, list[str]]:
    import csv

    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        rows = sum(1 for _ in reader)
    return rows, header


def compute_manifest(folder: Path | None = None) -> dict[str, dict[str, object]]:
    """Describe every shipped data file: SHA-256, size, and for CSV the row count and columns.

    Documentation (``*.md``) is not listed.

    Parameters
    ----------
    folder : pathlib.Path, optional
        The data folder; default :func:`data_dir`.

    Returns
    -------
    dict
        Relative path (POSIX) -> ``{"sha256", "bytes"[, "rows", "columns"]}``.
    """
    import hashlib

    root = data_dir() if folder is None else folder
    out: dict[str, dict[str, object]] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel in _NOT_IN_MANIFEST or path.suffix == ".md" or "__pycache__" in rel:
            continue
        entry: dict[str, object] = {
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "bytes": path.stat().st_size,
        }
        if path.suffix == ".csv":
            rows, columns = _csv_shape(path)
            entry["rows"] = rows
            entry["columns"] = columns
        out[rel] = entry
    return out


def verify_manifest(folder: Path | None = None) -> list[str]:
    """Compare the data folder with its ``MANIFEST.json``; return the problems found (empty if none).

    A changed checksum, row count or column list, a missing file or a file the manifest does
    not list is a problem. Regenerate the manifest with ``python scripts/update_manifest.py``
    when data change on purpose.
    """
    import json

    root = data_dir() if folder is None else folder
    manifest_path = root / _MANIFEST
    if not manifest_path.is_file():
        return [f"{manifest_path} is missing; run python scripts/update_manifest.py"]
    expected = json.loads(manifest_path.read_text(encoding="utf-8"))
    actual = compute_manifest(root)
    problems: list[str] = []
    for name in sorted(set(expected) - set(actual)):
        problems.append(f"{name}: listed in {_MANIFEST} but missing")
    for name in sorted(set(actual) - set(expected)):
        problems.append(f"{name}: present but not listed in {_MANIFEST}")
    for name in sorted(set(expected) & set(actual)):
        for key in ("rows", "columns", "sha256"):
            if expected[name].get(key) != actual[name].get(key):
                problems.append(
                    f"{name}: {key} is {actual[name].get(key)!r}, manifest says {expected[name].get(key)!r}"
                )
    return problems
