"""Reader of cloudping.co's inter-region latency matrix (its API's JSON) into the tidy table.

Owns :func:`read_cloudping_json`: ``{src: {dst: ms}}`` (bare or inside ``{"data": ...}``), one
statistic per file (from the metadata or ``stat=``), TCP-connect round trips between AWS
regions; a null cell is left out with a warning. The JSON is parsed with duplicate keys, non-
standard constants and excessive nesting refused.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from cloudgeo._validate import (
    check_int,
)
from cloudgeo.errors import DataFileError, InvalidInputError
from cloudgeo.io._files import (
    _HEAD_BYTES,
    PathOrBuffer,
    _check_source,
    _content_problem,
    _file_name,
    _rows_text,
)
from cloudgeo.io.table import _finish, _stat_hint, is_valid_stat

__all__ = [
    "read_cloudping_json",
]

# cloudping.co JSON
# --------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> float:
    msg = f"non-standard JSON constant {name}"
    raise ValueError(msg)


_MAX_JSON_DEPTH = 32
"""Deepest JSON nesting read (a cloudping reply has 3 levels); deeper input is refused. [-]"""
#: What a cloudping reply holds (named in every file error).
_EXPECTED = "a JSON object mapping source region -> {destination region -> RTT ms}"


class _DuplicateKeyError(Exception):
    """A JSON object repeats a key (``json`` would keep the last value silently)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def _json_depth(text: str) -> int:
    """Return the deepest bracket nesting of JSON ``text``, counted without recursion."""
    bare = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)  # brackets inside strings do not count
    steps = np.array([1 if c in "[{" else -1 for c in bare if c in "[]{}"], dtype=np.int64)
    return int(np.cumsum(steps).max()) if steps.size else 0


def read_cloudping_json(
    path_or_buffer: PathOrBuffer,
    *,
    stat: str | None = None,
    max_bytes: int = 50_000_000,
) -> pd.DataFrame:
    """Read a cloudping.co inter-region latency reply into the tidy table.

    cloudping.co times a TCP connect (SYN to SYN-ACK: one round trip) from an AWS Lambda
    function in the *source* region to a service endpoint in the *destination* region, and
    publishes percentiles over a time frame. Its API reply is a JSON object
    ``{"metadata": {"percentile": "p_50", "timeframe": "1Y", "unit": "milliseconds"},
    "data": {source region: {destination region: RTT ms}}}``; the bare inner object
    (source region -> {destination region -> ms}) is accepted too. Pairs whose value is
    ``null`` are left out with a warning.

    Parameters
    ----------
    path_or_buffer : str, os.PathLike or file-like
        The JSON file (or an open text/binary file). [-]
    stat : str, optional
        Statistic of the values, e.g. ``"p50"`` or ``"p90"``. By default it is taken from the
        file's ``metadata.percentile`` (``"p_90"`` -> ``"p90"``), else ``"p50"``. Given
        explicitly, it must agree with the metadata. [-]
    max_bytes : int, default 50_000_000
        Refuse larger files (the reply for all region pairs is about 50 kB). [bytes]

    Returns
    -------
    pandas.DataFrame
        Tidy table with ``method="tcp-connect"``, ``one_way=False``, ``source="cloudping.co"``
        (plus the time frame when the file names it). [ms]

    Raises
    ------
    DataFileError
        If the file is missing, too large, not JSON, nested more than 32 levels deep, repeats a
        key within one object (the key is named), is not an object of objects of numbers, or
        its metadata disagrees with ``stat`` or gives a unit other than milliseconds.
    DataValidationError
        If a value is not a valid RTT (e.g. zero or negative).

    References
    ----------
    cloudping.co (mda590/cloudping.co): AWS inter-region latency, TCP connect from Lambda.
    """
    name = _file_name(path_or_buffer)
    source = f"cloudping JSON file {name!r}"
    _check_source(path_or_buffer, "cloudping JSON")
    max_bytes = check_int(max_bytes, "max_bytes", minimum=1)
    if stat is not None and not is_valid_stat(stat):
        msg = f"stat must be 'min', 'avg', 'max' or a percentile like 'p50'; got {stat!r}{_stat_hint(stat)}."
        raise InvalidInputError(msg)
    text = _read_capped_text(path_or_buffer, source, max_bytes)
    data, meta = _data_and_metadata(_parse_json_object(text, source), source)
    stat = _resolve_stat(stat, meta, source)
    rows = _pair_rows(data, source)
    label = "cloudping.co"
    if meta.get("timeframe") is not None:
        label += f" (timeframe {meta['timeframe']})"
    rows = rows.assign(stat=stat, method="tcp-connect", one_way=False, source=label)
    return _finish(rows, source)


def _read_capped_text(path_or_buffer: PathOrBuffer, source: str, max_bytes: int) -> str:
    """Read at most ``max_bytes`` of the file as text (UTF-8, optional BOM), or refuse it."""
    raw: str | bytes
    if isinstance(path_or_buffer, (str, os.PathLike)):
        with open(path_or_buffer, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    else:
        raw = path_or_buffer.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise DataFileError(
            source,
            [
                f"larger than max_bytes={max_bytes:,}; a cloudping reply is about 50 kB. "
                "Raise max_bytes if intended"
            ],
        )
    if not isinstance(raw, bytes):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(source, [f"expected UTF-8 JSON text; found undecodable bytes ({exc})"]) from None


def _parse_json_object(text: str, source: str) -> dict[str, Any]:
    """Parse ``text`` as one JSON object: no HTML page, deep nesting, duplicate keys or NaN."""
    problem = _content_problem(text[:_HEAD_BYTES], _EXPECTED)
    if problem:
        raise DataFileError(source, [problem])
    depth = _json_depth(text)
    if depth > _MAX_JSON_DEPTH:
        raise DataFileError(
            source,
            [f"expected {_EXPECTED}; found JSON nested {depth} levels deep (at most {_MAX_JSON_DEPTH})"],
        )
    try:
        doc = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_refuse_duplicate_keys)
    except _DuplicateKeyError as dup:
        raise DataFileError(
            source, [f"duplicate key {dup.key!r} in one JSON object; keep one value per key"]
        ) from None
    except (json.JSONDecodeError, ValueError) as exc:
        raise DataFileError(
            source, [f"expected {_EXPECTED}; found text that is not valid JSON ({exc})"]
        ) from None
    if not isinstance(doc, dict):
        raise DataFileError(source, [f"expected {_EXPECTED}; found a JSON {_json_kind(doc)}"])
    return doc


def _data_and_metadata(doc: dict[str, Any], source: str) -> tuple[Any, dict[str, Any]]:
    """Split the API reply into its matrix and metadata (a bare matrix has no metadata)."""
    if "data" not in doc:
        return doc, {}
    data = doc["data"]
    if not isinstance(data, dict):
        raise DataFileError(source, [f'expected "data" to be {_EXPECTED}; found a JSON {_json_kind(data)}'])
    meta_raw = doc.get("metadata", {})
    if not isinstance(meta_raw, dict):
        raise DataFileError(
            source, [f'expected "metadata" to be a JSON object; found a JSON {_json_kind(meta_raw)}']
        )
    return data, meta_raw


def _resolve_stat(stat: str | None, meta: dict[str, Any], source: str) -> str:
    """Return the statistic of the values: ``stat`` checked against the metadata, else the metadata's."""
    file_stat = _cloudping_stat(meta.get("percentile"), source)
    unit = meta.get("unit")
    if unit is not None and str(unit).lower() not in ("milliseconds", "ms"):
        raise DataFileError(source, [f"expected values in milliseconds; metadata gives unit {unit!r}"])
    if stat is None:
        return file_stat or "p50"
    if file_stat is not None and file_stat != stat:
        raise DataFileError(
            source,
            [
                f"stat={stat!r} was requested but the file's metadata says percentile "
                f"{meta.get('percentile')!r}; "
                f"pass stat={file_stat!r} or stat=None"
            ],
        )
    return stat


def _pair_rows(data: Any, source: str) -> pd.DataFrame:
    """Return ``src``, ``dst``, ``rtt_ms`` of every numeric cell; warn about the null ones."""
    problems: list[str] = []
    src_l: list[str] = []
    dst_l: list[str] = []
    rtt_l: list[float] = []
    nulls: list[str] = []
    for src, row in data.items():
        if not isinstance(row, dict):
            problems.append(
                f"entry {src!r} must be an object of destination -> RTT ms; found a JSON {_json_kind(row)}"
            )
            continue
        for dst, value in row.items():
            if value is None:
                nulls.append(f"{src}->{dst}")
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append(f"value for {src!r} -> {dst!r} must be a number of ms; found {value!r}")
            else:
                src_l.append(str(src))
                dst_l.append(str(dst))
                rtt_l.append(float(value))
    if problems:
        raise DataFileError(source, problems)
    if not rtt_l:
        raise DataFileError(source, [f"expected {_EXPECTED}; found no measurements in it"])
    if nulls:
        warnings.warn(
            f"{source}: {len(nulls)} pair(s) have no value (null) and were left out: {_rows_text(nulls)}",
            UserWarning,
            stacklevel=3,  # the caller of read_cloudping_json
        )
    return pd.DataFrame({"src": src_l, "dst": dst_l, "rtt_ms": rtt_l})


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "array (list)"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return "number"


def _cloudping_stat(value: object, source: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip().lower().replace("_", "")
    if text in ("median", "p50"):
        return "p50"
    if text in ("average", "mean", "avg"):
        return "avg"
    if is_valid_stat(text):
        return text
    raise DataFileError(
        source, [f"metadata percentile {value!r} is not a known statistic (expected e.g. 'p_50')"]
    )
