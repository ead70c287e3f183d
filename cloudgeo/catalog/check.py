"""Freshness check of the region catalogue against the region lists botocore ships.

Owns :func:`check_catalog`: regions botocore knows that the catalogue lacks (or the reverse),
partitions and names that differ. Reads botocore's ``endpoints.json``/``partitions.json``
from the installed package or a folder; never the network.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from cloudgeo.catalog.regions import _regions_all
from cloudgeo.errors import (
    DataFileError,
    InvalidInputError,
    InvalidTypeError,
    MissingDependencyError,
)

__all__ = [
    "EXCLUDED_PARTITION_PREFIX",
    "check_catalog",
]

# freshness check against botocore
# --------------------------------------------------------------------------------------------

#: Partitions deliberately outside the catalogue: the US/EU isolated (classified) clouds, whose
#: regions publish no opening dates, coordinates or latency data (see ``data/SOURCES.md``).
EXCLUDED_PARTITION_PREFIX = "aws-iso"
_CHECK_COLUMNS = ["code", "partition", "kind", "catalog", "botocore", "detail"]


def _botocore_data_dir() -> tuple[Path, str]:
    """Return the installed botocore's ``data`` folder and version, without importing it."""
    import importlib.metadata
    import importlib.util

    spec = importlib.util.find_spec("botocore")
    if spec is None or spec.origin is None:
        msg = (
            "check_catalog(botocore=True) needs botocore (its partitions.json lists AWS's regions); "
            "install it with `pip install botocore` (boto3 brings it too)."
        )
        raise MissingDependencyError(msg)
    try:
        version = importlib.metadata.version("botocore")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a bare source tree
        version = "unknown"
    return Path(spec.origin).parent / "data", version


def _read_json_regions(path: Path, key: str) -> dict[str, dict[str, str]]:
    """Map partition id -> {region code: description} from partitions.json (key "id") or endpoints.json."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        out: dict[str, dict[str, str]] = {}
        for part in doc["partitions"]:
            regions = part["regions"]
            out[str(part[key])] = {
                str(code): str(info.get("description", "")) if isinstance(info, dict) else ""
                for code, info in regions.items()
            }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataFileError(str(path), [f"not a botocore {path.name}: {exc!r}"]) from None
    return out


def check_catalog(botocore: bool = True, *, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Compare the shipped regions with botocore's region list; offline, nothing is fetched.

    botocore ships ``data/partitions.json`` (every region code with its name) and
    ``data/endpoints.json`` (the regions services answer in, i.e. launched ones), refreshed in
    every release; users of boto3 have them already. Partitions ``aws-iso*`` (isolated
    clouds) and botocore's ``*-global`` pseudo-regions are outside the catalogue and skipped.

    Parameters
    ----------
    botocore : bool, default True
        Read the installed botocore's files. Must be True unless ``data_dir`` is given.
    data_dir : str or pathlib.Path, optional
        A folder with ``partitions.json`` (and optionally ``endpoints.json``) to use instead
        of the installed botocore's (e.g. a newer copy).

    Returns
    -------
    pandas.DataFrame
        One row per difference (empty: the catalogue agrees). Columns ``code``, ``partition``,
        ``kind`` (``"missing_from_catalog"``: botocore names a code the catalogue lacks;
        ``"name_differs"``; ``"not_in_botocore"``: a catalogue code botocore does not name;
        ``"now_named"``: an unannounced code botocore now names; ``"launched"``: an announced
        or unannounced code botocore's endpoints.json lists), ``catalog`` and ``botocore``
        (the two values), ``detail`` (what to do). ``attrs["botocore_version"]`` and
        ``attrs["source"]`` say what was compared.

    Raises
    ------
    MissingDependencyError
        If botocore is not installed (the message says ``pip install botocore``).
    DataFileError
        If ``partitions.json`` is missing or malformed.
    InvalidInputError, InvalidTypeError
        If ``botocore`` is False without ``data_dir``, or an argument has the wrong type.
    """
    if not isinstance(botocore, bool | np.bool_):
        msg = f"botocore must be True or False, got {botocore!r}."
        raise InvalidTypeError(msg)
    if data_dir is not None:
        if not isinstance(data_dir, str | os.PathLike):
            msg = f"data_dir must be a folder path (str or pathlib.Path), got {type(data_dir).__name__}."
            raise InvalidTypeError(msg)
        folder, version = Path(data_dir), "n/a (data_dir)"
    elif not botocore:
        msg = "check_catalog needs something to compare with: pass botocore=True or data_dir=FOLDER."
        raise InvalidInputError(msg)
    else:
        folder, version = _botocore_data_dir()
    named = _read_json_regions(folder / "partitions.json", "id")
    endpoints = folder / "endpoints.json"
    launched = _read_json_regions(endpoints, "partition") if endpoints.is_file() else {}
    keep = {p: r for p, r in named.items() if not p.startswith(EXCLUDED_PARTITION_PREFIX)}
    boto = {c: (p, d) for p, regions in keep.items() for c, d in regions.items() if not c.endswith("-global")}
    live = {
        c for p, regions in launched.items() if not p.startswith(EXCLUDED_PARTITION_PREFIX) for c in regions
    }
    cat = _regions_all()
    rows: list[dict[str, str]] = []

    def add(code: str, part: str, kind: str, ours: str, theirs: str, detail: str) -> None:
        rows.append(dict(zip(_CHECK_COLUMNS, [code, part, kind, ours, theirs, detail], strict=True)))

    for code, (part, desc) in sorted(boto.items()):
        if code not in cat.index:
            add(code, part, "missing_from_catalog", "", desc, "botocore names it; the catalogue lacks it")
            continue
        row = cat.loc[code]
        if row["status"] == "unannounced":
            add(
                code,
                part,
                "now_named",
                str(row["status"]),
                desc,
                "botocore names it: announce it in the catalogue",
            )
        elif desc and desc != row["name"]:
            add(code, part, "name_differs", str(row["name"]), desc, "the names differ")
    for key, row in cat.iterrows():
        code = str(key)
        if row["status"] != "unannounced" and code not in boto:
            add(code, str(row["partition"]), "not_in_botocore", str(row["name"]), "",
                "the catalogue has it; botocore's partitions.json does not")  # fmt: skip
        if row["status"] != "available" and code in live:
            add(code, str(row["partition"]), "launched", str(row["status"]), "listed in endpoints.json",
                "botocore's endpoints.json lists it: it has opened; add its date and AZs")  # fmt: skip
    out = pd.DataFrame(rows, columns=_CHECK_COLUMNS)
    out.attrs["botocore_version"] = version
    out.attrs["source"] = str(folder)
    return out
