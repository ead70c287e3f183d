"""The tidy measurement table every reader returns: its columns, validation and round-trip form.

One row per (source, destination, statistic). Columns: ``src`` (where the probe ran: a
region code, a server or city name, or ``"client"``), ``dst`` (what was probed), ``rtt_ms``
(the measured time [ms]; a round trip unless ``one_way``), ``stat`` (``"min"``, ``"avg"``,
``"max"`` or a percentile ``"pNN"``: ``"p50"`` is the median, ``"p99.9"`` allowed), ``method``
(one of :data:`METHODS`), ``one_way`` (bool; :func:`to_round_trip` doubles such rows) and
optionally ``src_lat, src_lon, dst_lat, dst_lon`` [deg] and ``source`` (a provenance label).
Readers may add descriptive columns (``n_samples``, ``src_server_id``, ...); consumers such as
:func:`cloudgeo.latency.calibrate` use the columns above. :func:`validate_measurements` collects
every problem of a table and raises them together.
"""

from __future__ import annotations

import os
import re
from typing import IO, Union

import numpy as np
import pandas as pd

from cloudgeo._validate import (
    coordinate_problems,
    raise_if_problems,
    require_columns,
)
from cloudgeo.errors import DataValidationError
from cloudgeo.io._files import _MAX_LISTED, _rows_text

__all__ = [
    "COORDINATE_COLUMNS",
    "METHODS",
    "TIDY_COLUMNS",
    "is_valid_stat",
    "to_round_trip",
    "validate_measurements",
]

PathOrBuffer = Union[str, "os.PathLike[str]", IO[str], IO[bytes]]

#: Required columns of the tidy measurement table, in order.
TIDY_COLUMNS: tuple[str, ...] = ("src", "dst", "rtt_ms", "stat", "method", "one_way")
#: Optional coordinate columns [deg]; a pair (``src_lat``/``src_lon``) comes together.
COORDINATE_COLUMNS: tuple[str, ...] = ("src_lat", "src_lon", "dst_lat", "dst_lon")
#: What a measurement timed: ICMP echo (``ping``), a TCP handshake (SYN to SYN-ACK, one round
#: trip), an HTTP or HTTPS request/response, a UDP probe, or something else.
METHODS: tuple[str, ...] = ("icmp", "tcp-connect", "http", "https", "udp", "other")

_FIXED_STATS = ("min", "avg", "max")
_PERCENTILE = re.compile(r"^p(?:[1-9]\d?)(?:\.\d+)?$")


def is_valid_stat(stat: object) -> bool:
    """Return whether ``stat`` is a documented statistic label.

    Parameters
    ----------
    stat : object
        Candidate label.

    Returns
    -------
    bool
        True for ``"min"``, ``"avg"``, ``"max"`` and percentiles ``"p1"`` … ``"p99.99"``
        (``"p50"`` is the median). [-]
    """
    return isinstance(stat, str) and (stat in _FIXED_STATS or bool(_PERCENTILE.match(stat)))


def _stat_hint(stat: object) -> str:
    if isinstance(stat, str) and stat.strip().lower() in ("median", "p_50", "50", "p50 "):
        return " (the median is 'p50')"
    if isinstance(stat, str) and stat.strip().lower() in ("mean", "average"):
        return " (the mean is 'avg')"
    return ""


# validation and conversion
# --------------------------------------------------------------------------------------------


def validate_measurements(df: pd.DataFrame, *, source: str = "measurements") -> pd.DataFrame:
    """Check a tidy measurement table; return it unchanged or raise listing every problem.

    Checks: the required columns :data:`TIDY_COLUMNS` are present; ``src`` and ``dst`` are
    non-empty strings; ``rtt_ms`` is numeric, finite and > 0; ``stat`` is a documented label
    (:func:`is_valid_stat`); ``method`` is one of :data:`METHODS`; ``one_way`` holds booleans;
    coordinate columns, when present, come in pairs and are valid (finite, in range).

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy measurement table (see the module documentation). [-]
    source : str, default "measurements"
        Name used in the error message. [-]

    Returns
    -------
    pandas.DataFrame
        ``df`` itself, unchanged. [-]

    Raises
    ------
    InvalidTypeError
        If ``df`` is not a DataFrame.
    DataValidationError
        Listing all problems found.
    """
    require_columns(df, [], source=source)  # the shared type check
    missing = [c for c in TIDY_COLUMNS if c not in df.columns]
    if missing:
        raise DataValidationError(
            source,
            [
                f"missing column(s) {missing}; present: {list(map(str, df.columns))}. "
                f"A measurement table needs {list(TIDY_COLUMNS)}"
            ],
        )
    problems = [
        *_label_problems(df),
        *_rtt_problems(df),
        *_category_problems(df),
        *_coordinate_column_problems(df),
    ]
    raise_if_problems(source, problems)
    return df


def _label_problems(df: pd.DataFrame) -> list[str]:
    """Problems of ``src`` and ``dst``: each a non-empty string."""
    problems: list[str] = []
    for col in ("src", "dst"):
        vals = df[col]
        bad = ~vals.map(lambda v: isinstance(v, str) and v.strip() != "").to_numpy(dtype=bool)
        if bad.any():
            problems.append(
                f"{col} must be a non-empty string; bad in row(s) {_rows_text(list(df.index[bad]))}"
            )
    return problems


def _rtt_problems(df: pd.DataFrame) -> list[str]:
    """Problems of ``rtt_ms``: numeric, present, finite and > 0."""
    problems: list[str] = []
    index = df.index
    rtt = pd.to_numeric(df["rtt_ms"], errors="coerce").to_numpy(dtype=float)
    nonnum = np.isnan(rtt) & df["rtt_ms"].notna().to_numpy()
    if nonnum.any():
        problems.append(f"rtt_ms is not a number in row(s) {_rows_text(list(index[nonnum]))}")
    nan = df["rtt_ms"].isna().to_numpy()
    if nan.any():
        problems.append(f"rtt_ms is missing (NaN) in row(s) {_rows_text(list(index[nan]))}")
    inf = np.isinf(rtt)
    if inf.any():
        problems.append(f"rtt_ms is infinite in row(s) {_rows_text(list(index[inf]))}")
    with np.errstate(invalid="ignore"):
        nonpos = np.isfinite(rtt) & (rtt <= 0)
    if nonpos.any():
        shown = ", ".join(f"{v:g}" for v in rtt[nonpos][:_MAX_LISTED])
        problems.append(f"rtt_ms must be > 0 ms; found {shown} in row(s) {_rows_text(list(index[nonpos]))}")
    return problems


def _category_problems(df: pd.DataFrame) -> list[str]:
    """Problems of ``stat`` (a documented label), ``method`` (one of METHODS) and ``one_way`` (bool)."""
    problems: list[str] = []
    index = df.index
    stat_ok = df["stat"].map(is_valid_stat).to_numpy(dtype=bool)
    if not stat_ok.all():
        bad_vals = sorted({repr(v) for v in df["stat"][~stat_ok]})[:_MAX_LISTED]
        hint = "".join(sorted({_stat_hint(v) for v in df["stat"][~stat_ok]}))
        problems.append(
            f"stat must be 'min', 'avg', 'max' or a percentile like 'p50', 'p90', 'p99.9'; "
            f"found {', '.join(bad_vals)}{hint} in row(s) {_rows_text(list(index[~stat_ok]))}"
        )
    method_ok = df["method"].isin(METHODS).to_numpy(dtype=bool)
    if not method_ok.all():
        bad_vals = sorted({repr(v) for v in df["method"][~method_ok]})[:_MAX_LISTED]
        problems.append(
            f"method must be one of {', '.join(repr(m) for m in METHODS)}; found {', '.join(bad_vals)} "
            f"in row(s) {_rows_text(list(index[~method_ok]))}"
        )
    ow = df["one_way"]
    if not pd.api.types.is_bool_dtype(ow.dtype):
        ow_ok = ow.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
        if not ow_ok.all():
            problems.append(
                f"one_way must be a boolean (True for a one-way time, False for a round trip); "
                f"bad in row(s) {_rows_text(list(index[~ow_ok]))}"
            )
    return problems


def _coordinate_column_problems(df: pd.DataFrame) -> list[str]:
    """Problems of the optional coordinate columns: in pairs, finite and in range."""
    problems: list[str] = []
    for end in ("src", "dst"):
        lat_c, lon_c = f"{end}_lat", f"{end}_lon"
        has_lat, has_lon = lat_c in df.columns, lon_c in df.columns
        if has_lat != has_lon:
            present, absent = (lat_c, lon_c) if has_lat else (lon_c, lat_c)
            problems.append(f"column {present!r} is present without {absent!r}; give both or neither")
            continue
        if has_lat:
            la = pd.to_numeric(df[lat_c], errors="coerce").to_numpy(dtype=float)
            lo = pd.to_numeric(df[lon_c], errors="coerce").to_numpy(dtype=float)
            problems.extend(coordinate_problems(la, lo, df.index, lat_name=lat_c, lon_name=lon_c))
    return problems


def to_round_trip(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy where every one-way time is doubled into a round-trip time.

    One-way rows get ``rtt_ms * 2`` and ``one_way = False``; the column ``from_one_way`` (bool)
    labels the converted rows so the doubling stays visible. Round-trip rows are unchanged. The
    input is not modified and its index is kept. Doubling assumes a symmetric path; measured
    paths are often not symmetric (gcping issue #27 shows how one-way vs RTT confusion yields a
    factor of two).

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy measurement table. [-]

    Returns
    -------
    pandas.DataFrame
        The table with every row a round trip and a ``from_one_way`` column. [-]

    Raises
    ------
    DataValidationError
        If ``df`` is not a valid measurement table (see :func:`validate_measurements`).

    References
    ----------
    GoogleCloudPlatform/gcping issue #27 (CLI and website differed by 2x: RTT vs one-way).
    """
    validate_measurements(df, source="to_round_trip input")
    out = df.copy()
    mask = out["one_way"].astype(bool).to_numpy()
    rtt = out["rtt_ms"].astype(float).to_numpy(copy=True)
    rtt[mask] *= 2.0
    out["rtt_ms"] = rtt
    previous = out["from_one_way"].astype(bool).to_numpy() if "from_one_way" in out.columns else False
    out["from_one_way"] = mask | previous
    out["one_way"] = False
    return out


def _finish(rows: pd.DataFrame, source: str) -> pd.DataFrame:
    rows = rows.reset_index(drop=True)
    rows["one_way"] = rows["one_way"].astype(bool)
    rows["rtt_ms"] = rows["rtt_ms"].astype(float)
    return validate_measurements(rows, source=source)
