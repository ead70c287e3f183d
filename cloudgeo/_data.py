"""Locate the shipped data files, for an installed wheel and for a source checkout alike.

The wheel carries the top-level ``data/`` folder as ``cloudgeo/data/``; in a source checkout
(or an editable install) the files are read from ``data/`` beside the package.
"""

from __future__ import annotations

from pathlib import Path

from cloudgeo.errors import DataFileError

__all__ = ["data_dir", "data_path"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """Return the folder holding cloudgeo's shipped data.

    Returns
    -------
    pathlib.Path
        ``cloudgeo/data`` inside an installed wheel, else ``data/`` of the source checkout.

    Raises
    ------
    DataFileError
        If neither location exists (a broken installation).
    """
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
