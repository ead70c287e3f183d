"""Read measured round-trip times into one tidy, labelled table.

Every reader returns the same *tidy measurement table*, one row per (source, destination,
statistic):

==============  ==========================================================================
column          meaning
==============  ==========================================================================
``src``         where the probe ran: a region code (``us-east-1``), a server or city name,
                or ``"client"`` for a probe run from the user's own machine
``dst``         what was probed (region code, server or city name)
``rtt_ms``      the measured time [ms]; a round trip unless ``one_way`` is true
``stat``        which statistic of the samples: ``"min"``, ``"avg"``, ``"max"`` or a
                percentile ``"pNN"`` (``"p50"`` is the median, ``"p99.9"`` allowed)
``method``      what was timed: one of :data:`METHODS` (``"icmp"``, ``"tcp-connect"``, ...)
``one_way``     bool; true when ``rtt_ms`` is a one-way time (see :func:`to_round_trip`)
``src_lat`` …   optional coordinates ``src_lat, src_lon, dst_lat, dst_lon`` [deg]
``source``      optional provenance label (``"cloudping.co"``, ``"WonderNetwork"``, ...)
==============  ==========================================================================

Readers may add descriptive columns (``n_samples``, ``src_server_id``, ...); consumers such as
:func:`cloudgeo.latency.calibrate` use the columns above.

Files are treated as untrusted: they are parsed as data only (the :mod:`json` module and
:func:`pandas.read_csv`; never ``pickle`` or ``eval``), and a file that is not what it claims
(a saved HTML error page, a JSON array where an object belongs, the wrong CSV columns) is
rejected with a :class:`~cloudgeo.errors.DataFileError` naming the file, what was expected and
what was found. CSV readers read ``chunksize`` rows at a time, so a large file is never held in
memory beyond the rows of the result (the gcping per-request reader additionally keeps one
float per request, needed for the median).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any, Union

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import (
    check_choice,
    check_int,
    check_number,
    coordinate_problems,
    raise_if_problems,
    require_columns,
)
from cloudgeo.errors import DataFileError, DataValidationError, InvalidInputError, InvalidTypeError

__all__ = [
    "COORDINATE_COLUMNS",
    "METHODS",
    "TIDY_COLUMNS",
    "is_valid_stat",
    "read_cloudping_json",
    "read_gcping_csv",
    "read_measurements_csv",
    "read_wondernetwork_csv",
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
_DEFAULT_CHUNKSIZE = 100_000
_MAX_LISTED = 5
_HEAD_BYTES = 4096


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


# --------------------------------------------------------------------------------------------
# file handling
# --------------------------------------------------------------------------------------------


def _file_name(path_or_buffer: object) -> str:
    if isinstance(path_or_buffer, (str, os.PathLike)):
        return os.fspath(path_or_buffer)
    name = getattr(path_or_buffer, "name", None)
    return str(name) if isinstance(name, str) else "<buffer>"


def _check_source(path_or_buffer: object, what: str) -> None:
    if isinstance(path_or_buffer, (str, os.PathLike)):
        if not os.path.isfile(path_or_buffer):
            label = f"{what} file {os.fspath(path_or_buffer)!r}"
            raise DataFileError(
                label, ["no such file; check the path (relative paths are from the current directory)"]
            )
        return
    if not hasattr(path_or_buffer, "read"):
        msg = (
            f"{what}: expected a file path or an open file, got {type(path_or_buffer).__name__}. "
            "Pass the path to the file."
        )
        raise InvalidTypeError(msg)


def _head_text(path_or_buffer: PathOrBuffer) -> str | None:
    """Return the first few KB as text (None for an unseekable buffer)."""
    raw: str | bytes
    if isinstance(path_or_buffer, (str, os.PathLike)):
        with open(path_or_buffer, "rb") as fh:
            raw = fh.read(_HEAD_BYTES)
    else:
        buf: Any = path_or_buffer
        if not (hasattr(buf, "seekable") and buf.seekable()):
            return None
        pos = buf.tell()
        raw = buf.read(_HEAD_BYTES)
        buf.seek(pos)
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="replace")
    return raw


def _content_problem(head: str, expected: str) -> str | None:
    """Describe why ``head`` is obviously not a data file of the expected kind, or None."""
    text = head.lstrip("\ufeff \t\r\n")
    if not text:
        return f"expected {expected}; found an empty file"
    if "\x00" in head:
        return f"expected {expected}; found binary data (NUL bytes) - is this a compressed or binary file?"
    low = text[:200].lower()
    if low.startswith(("<!doctype", "<html", "<?xml", "<head", "<body")) or (
        low.startswith("<") and "<html" in text[:2000].lower()
    ):
        first = text.splitlines()[0][:60]
        return (
            f"expected {expected}; found HTML/XML markup starting {first!r} - "
            "a web page (perhaps an error or login page) was saved instead of the data"
        )
    return None


def _sniff(path_or_buffer: PathOrBuffer, source: str, expected: str) -> str | None:
    head = _head_text(path_or_buffer)
    if head is None:
        return None
    problem = _content_problem(head, expected)
    if problem:
        raise DataFileError(source, [problem])
    return head


def _first_row(head: str | None) -> list[str] | None:
    if head is None:
        return None
    try:
        for row in csv.reader(io.StringIO(head.lstrip("\ufeff"), newline="")):
            if row and any(cell.strip() for cell in row):
                return [cell.strip() for cell in row]
    except csv.Error:  # not CSV at all: the pandas reader reports it with the file's name
        return None
    return None


def _csv_chunks(
    path_or_buffer: PathOrBuffer,
    source: str,
    *,
    chunksize: int,
    **kwargs: Any,
) -> Iterator[tuple[int, pd.DataFrame]]:
    """Yield ``(row_offset, chunk)`` from :func:`pandas.read_csv`, wrapping parser errors."""
    try:
        reader = pd.read_csv(path_or_buffer, chunksize=chunksize, encoding="utf-8-sig", **kwargs)
        offset = 0
        with reader:
            for chunk in reader:
                yield offset, chunk
                offset += len(chunk)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataFileError(source, [f"could not be parsed as CSV: {exc}"]) from None
    except ValueError as exc:  # e.g. usecols that do not match
        raise DataFileError(source, [f"could not be read as the expected CSV: {exc}"]) from None


def _data_line_numbers(path_or_buffer: PathOrBuffer) -> npt.NDArray[np.int64] | None:
    """Return the 1-based file line of each CSV data row (blank lines skipped, as pandas does).

    ``None`` if the source cannot be read twice (a non-seekable stream).
    """
    numbers: list[int] = []
    header_seen = False

    def scan(lines: Iterable[str | bytes]) -> None:
        nonlocal header_seen
        for i, line in enumerate(lines, 1):
            if not line.strip():
                continue
            if header_seen:
                numbers.append(i)
            header_seen = True

    try:
        if isinstance(path_or_buffer, str | os.PathLike):
            with open(path_or_buffer, "rb") as fh:
                scan(fh)
        else:
            buf: Any = path_or_buffer
            start = buf.tell()
            scan(io.StringIO(buf.read()) if not hasattr(buf, "readline") else buf)
            buf.seek(start)
    except (OSError, AttributeError, ValueError, TypeError):
        return None
    return np.asarray(numbers, dtype=np.int64)


def _line_of(
    positions: npt.NDArray[np.intp], data_lines: npt.NDArray[np.int64] | None
) -> npt.NDArray[np.int64]:
    """Return the file lines of data-row ``positions`` (header on line 1 if lines are unknown)."""
    if data_lines is None:
        return np.asarray(positions, dtype=np.int64) + 2
    return data_lines[positions]


def _as_lines(problem: str) -> str:
    """Reword a problem whose row labels are file line numbers."""
    return problem.replace("in row(s)", "on line(s)").replace("row(s)", "line(s)")


def _rows_text(labels: Sequence[Any]) -> str:
    shown = ", ".join(str(x) for x in list(labels)[:_MAX_LISTED])
    more = len(labels) - min(len(labels), _MAX_LISTED)
    return shown + (f" (+{more} more)" if more > 0 else "")


def _check_chunksize(chunksize: object) -> int:
    return check_int(chunksize, "chunksize", minimum=1)


_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def _parse_bools(
    values: pd.Series, *, column: str, first_line: int, lines: npt.NDArray[np.int64] | None = None
) -> tuple[npt.NDArray[np.bool_], list[str]]:
    """Parse textual booleans; return (array, problems).

    ``first_line`` is the file line of row 0; ``lines`` (if given) the file line of every row.
    """
    text = values.astype("string").str.strip().str.lower()
    is_true = text.isin(_TRUE).fillna(False).to_numpy(dtype=bool)
    is_false = text.isin(_FALSE).fillna(False).to_numpy(dtype=bool)
    bad = ~(is_true | is_false)
    problems: list[str] = []
    if bad.any():
        where = (lines[bad] if lines is not None else np.flatnonzero(bad) + first_line).tolist()
        vals = values.to_numpy()[bad][:_MAX_LISTED].tolist()
        problems.append(
            f"{column} must be true/false (or 1/0, yes/no); found {vals} on line(s) {_rows_text(where)}"
        )
    return is_true, problems


# --------------------------------------------------------------------------------------------
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
    problems: list[str] = []
    index = df.index
    for col in ("src", "dst"):
        vals = df[col]
        bad = ~vals.map(lambda v: isinstance(v, str) and v.strip() != "").to_numpy(dtype=bool)
        if bad.any():
            problems.append(f"{col} must be a non-empty string; bad in row(s) {_rows_text(list(index[bad]))}")
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
            problems.extend(coordinate_problems(la, lo, index, lat_name=lat_c, lon_name=lon_c))
    raise_if_problems(source, problems)
    return df


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


# --------------------------------------------------------------------------------------------
# cloudping.co JSON
# --------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> float:
    msg = f"non-standard JSON constant {name}"
    raise ValueError(msg)


_MAX_JSON_DEPTH = 32
"""Deepest JSON nesting read (a cloudping reply has 3 levels); deeper input is refused. [-]"""


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
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataFileError(
                source, [f"expected UTF-8 JSON text; found undecodable bytes ({exc})"]
            ) from None
    else:
        text = raw
    expected = "a JSON object mapping source region -> {destination region -> RTT ms}"
    problem = _content_problem(text[:_HEAD_BYTES], expected)
    if problem:
        raise DataFileError(source, [problem])
    depth = _json_depth(text)
    if depth > _MAX_JSON_DEPTH:
        raise DataFileError(
            source,
            [f"expected {expected}; found JSON nested {depth} levels deep (at most {_MAX_JSON_DEPTH})"],
        )
    try:
        doc = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_refuse_duplicate_keys)
    except _DuplicateKeyError as dup:
        raise DataFileError(
            source, [f"duplicate key {dup.key!r} in one JSON object; keep one value per key"]
        ) from None
    except (json.JSONDecodeError, ValueError) as exc:
        raise DataFileError(
            source, [f"expected {expected}; found text that is not valid JSON ({exc})"]
        ) from None
    if not isinstance(doc, dict):
        raise DataFileError(source, [f"expected {expected}; found a JSON {_json_kind(doc)}"])
    meta: dict[str, Any] = {}
    data: Any = doc
    if "data" in doc:
        data = doc["data"]
        if not isinstance(data, dict):
            raise DataFileError(
                source, [f'expected "data" to be {expected}; found a JSON {_json_kind(data)}']
            )
        meta_raw = doc.get("metadata", {})
        if not isinstance(meta_raw, dict):
            raise DataFileError(
                source, [f'expected "metadata" to be a JSON object; found a JSON {_json_kind(meta_raw)}']
            )
        meta = meta_raw
    file_stat = _cloudping_stat(meta.get("percentile"), source)
    unit = meta.get("unit")
    if unit is not None and str(unit).lower() not in ("milliseconds", "ms"):
        raise DataFileError(source, [f"expected values in milliseconds; metadata gives unit {unit!r}"])
    if stat is None:
        stat = file_stat or "p50"
    elif file_stat is not None and file_stat != stat:
        raise DataFileError(
            source,
            [
                f"stat={stat!r} was requested but the file's metadata says percentile "
                f"{meta.get('percentile')!r}; "
                f"pass stat={file_stat!r} or stat=None"
            ],
        )
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
        raise DataFileError(source, [f"expected {expected}; found no measurements in it"])
    if nulls:
        warnings.warn(
            f"{source}: {len(nulls)} pair(s) have no value (null) and were left out: {_rows_text(nulls)}",
            UserWarning,
            stacklevel=2,
        )
    label = "cloudping.co"
    if meta.get("timeframe") is not None:
        label += f" (timeframe {meta['timeframe']})"
    rows = pd.DataFrame(
        {
            "src": src_l,
            "dst": dst_l,
            "rtt_ms": rtt_l,
            "stat": stat,
            "method": "tcp-connect",
            "one_way": False,
            "source": label,
        }
    )
    return _finish(rows, source)


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


# --------------------------------------------------------------------------------------------
# gcping CSV
# --------------------------------------------------------------------------------------------

_GCPING_CUM_HEADER = ["region", "latency_ns", "errors"]
_GCPING_REQ_COLUMNS = ["region", "endpoint", "duration_ns", "error"]
_GCPING_REPORT_LINE = re.compile(r"^\s*\d+\.\s*\[[^\]]*\]")
_GCPING_STATS = ("p50", "avg", "min", "max")


def read_gcping_csv(
    path: PathOrBuffer,
    *,
    stat: str = "p50",
    src: str = "client",
    src_lat: float | None = None,
    src_lon: float | None = None,
    chunksize: int = _DEFAULT_CHUNKSIZE,
) -> pd.DataFrame:
    """Read the CSV output of the gcping command-line tool into the tidy table.

    gcping times an HTTP GET of ``/ping`` on an endpoint in every Google Cloud region, from
    the machine it runs on (so ``src`` is that client, not a region), ``-n`` times per region
    (default 10). Two CSV outputs exist, both recognised:

    * ``gcping -csv``: one line per request, no header: ``region,endpoint,duration_ns,error``
      (``error`` is ``true``/``false``). gcping prints its ranked text report
      (``" 1.  [us-west2]  24.8ms"``) after these lines; such report lines are skipped. Failed
      requests (``error=true``) are left out of the statistic and counted in ``n_errors``.
    * ``gcping -csv-cum``: a header ``region,latency_ns,errors`` and one line per region with
      gcping's median; only ``stat="p50"`` is available from it.

    The median is computed as gcping computes it: the middle sample after sorting, the upper
    of the two middle samples for an even count.

    Parameters
    ----------
    path : str, os.PathLike or file-like
        The CSV file. [-]
    stat : {"p50", "avg", "min", "max"}, default "p50"
        Statistic over each region's requests (per-request form only; the cumulative form
        holds the median). [-]
    src : str, default "client"
        Label of the machine gcping ran on. [-]
    src_lat, src_lon : float, optional
        That machine's coordinates, added as ``src_lat``/``src_lon`` when given (both or
        neither). [deg]
    chunksize : int, default 100_000
        Rows read at a time. [rows]

    Returns
    -------
    pandas.DataFrame
        Tidy table, one row per region, ``method="http"``, ``one_way=False``,
        ``source="gcping"``, plus ``n_samples`` and ``n_errors``. [ms]

    Raises
    ------
    DataFileError
        If the file is missing or in neither gcping CSV form, or a line is malformed.
    InvalidInputError
        If ``stat`` is not available for the file's form, or coordinates are invalid.

    References
    ----------
    GoogleCloudPlatform/gcping, ``worker.go`` (``-csv`` line format, median as the middle
    sorted sample) and ``reportCSV`` (``-csv-cum`` header ``region,latency_ns,errors``).
    """
    name = _file_name(path)
    source = f"gcping CSV file {name!r}"
    _check_source(path, "gcping CSV")
    check_choice(stat, "stat", _GCPING_STATS)
    chunksize = _check_chunksize(chunksize)
    if not isinstance(src, str) or not src.strip():
        msg = f"src must be a non-empty label for the probing machine, got {src!r}."
        raise InvalidInputError(msg)
    coords = _src_coords(src_lat, src_lon)
    expected = (
        "gcping CSV output: lines 'region,endpoint,duration_ns,error' (gcping -csv) or a header "
        "'region,latency_ns,errors' (gcping -csv-cum)"
    )
    head = _sniff(path, source, expected)
    first = _first_row(head)
    if first is not None and [c.lower() for c in first] == _GCPING_CUM_HEADER:
        if stat != "p50":
            msg = (
                f"stat={stat!r} is not available from {name!r}: it is gcping -csv-cum output, which "
                "holds one median per region. Use stat='p50', or run gcping -csv for per-request times."
            )
            raise InvalidInputError(msg)
        rows = _read_gcping_cumulative(path, source, chunksize)
    elif first is None or (len(first) == 4 and first[0].lower() != "region"):
        rows = _read_gcping_requests(path, source, stat, chunksize, expected)
    else:
        raise DataFileError(source, [f"expected {expected}; found a first line {first!r}"])
    rows.insert(0, "src", src)
    if coords is not None:
        rows["src_lat"], rows["src_lon"] = coords
    return _finish(rows, source)


def _src_coords(src_lat: float | None, src_lon: float | None) -> tuple[float, float] | None:
    if src_lat is None and src_lon is None:
        return None
    if src_lat is None or src_lon is None:
        msg = f"give both src_lat and src_lon or neither; got src_lat={src_lat!r}, src_lon={src_lon!r}."
        raise InvalidInputError(msg)
    la = check_number(src_lat, "src_lat")
    lo = check_number(src_lon, "src_lon")
    if abs(la) > 90 or abs(lo) > 180:
        msg = f"src_lat must be in [-90, 90] and src_lon in [-180, 180] [deg]; got ({la:g}, {lo:g})."
        raise InvalidInputError(msg)
    return la, lo


def _read_gcping_cumulative(path: PathOrBuffer, source: str, chunksize: int) -> pd.DataFrame:
    parts: list[pd.DataFrame] = []
    problems: list[str] = []
    for offset, chunk in _csv_chunks(path, source, chunksize=chunksize, dtype=str, keep_default_na=False):
        chunk.columns = [str(c).strip().lower() for c in chunk.columns]
        ns = pd.to_numeric(chunk["latency_ns"], errors="coerce")
        errs = pd.to_numeric(chunk["errors"], errors="coerce")
        bad = (ns.isna() | errs.isna()).to_numpy()
        if bad.any():
            lines = (np.flatnonzero(bad) + offset + 2).tolist()
            problems.append(f"latency_ns and errors must be integers; bad on line(s) {_rows_text(lines)}")
            continue
        parts.append(
            pd.DataFrame(
                {
                    "dst": chunk["region"].str.strip().to_numpy(),
                    "rtt_ms": ns.to_numpy(dtype=float) / 1e6,
                    "stat": "p50",
                    "method": "http",
                    "one_way": False,
                    "source": "gcping",
                    "n_samples": pd.NA,
                    "n_errors": errs.to_numpy(dtype=np.int64),
                }
            )
        )
    if problems:
        raise DataFileError(source, problems)
    if not parts:
        raise DataFileError(source, ["found a header but no measurements"])
    return pd.concat(parts, ignore_index=True)


def _read_gcping_requests(
    path: PathOrBuffer, source: str, stat: str, chunksize: int, expected: str
) -> pd.DataFrame:
    samples: dict[str, list[npt.NDArray[np.float64]]] = {}
    errors: dict[str, int] = {}
    problems: list[str] = []
    for offset, chunk in _csv_chunks(
        path,
        source,
        chunksize=chunksize,
        header=None,
        names=_GCPING_REQ_COLUMNS,
        dtype=str,
        keep_default_na=False,
        na_values=[],
    ):
        region = chunk["region"].str.strip()
        rest_empty = (chunk["endpoint"].fillna("") == "") & (chunk["duration_ns"].fillna("") == "")
        report = (region.str.match(_GCPING_REPORT_LINE).fillna(False) & rest_empty).to_numpy(dtype=bool)
        data = chunk.loc[~report]
        if data.empty:
            continue
        first_line = offset + 1
        ns = pd.to_numeric(data["duration_ns"], errors="coerce")
        bad = ns.isna().to_numpy()
        if bad.any():
            lines = (np.flatnonzero(~report)[bad] + first_line).tolist()
            shown = data["region"].to_numpy()[bad][:2].tolist()
            problems.append(
                f"expected {expected}; lines {_rows_text(lines)} have no integer duration_ns "
                f"(first field(s) {shown})"
            )
            continue
        err, err_problems = _parse_bools(data["error"].fillna(""), column="error", first_line=first_line)
        if err_problems:
            problems.extend(err_problems)
            continue
        reg = region.loc[~report].to_numpy()
        ms = ns.to_numpy(dtype=float) / 1e6
        frame = pd.DataFrame({"region": reg, "ms": ms, "err": err})
        for key, grp in frame.groupby("region", sort=False):
            k = str(key)
            ok = grp["ms"].to_numpy()[~grp["err"].to_numpy()]
            samples.setdefault(k, []).append(ok)
            errors[k] = errors.get(k, 0) + int(grp["err"].sum())
    if problems:
        raise DataFileError(source, problems)
    if not samples:
        raise DataFileError(source, [f"expected {expected}; found no request lines"])
    dst: list[str] = []
    rtt: list[float] = []
    n_ok: list[int] = []
    n_err: list[int] = []
    failed: list[str] = []
    for region_name, arrays in samples.items():
        values = np.sort(np.concatenate(arrays))
        if values.size == 0:
            failed.append(region_name)
            continue
        if stat == "p50":
            value = float(values[values.size // 2])
        elif stat == "avg":
            value = float(values.mean())
        elif stat == "min":
            value = float(values[0])
        else:
            value = float(values[-1])
        dst.append(region_name)
        rtt.append(value)
        n_ok.append(int(values.size))
        n_err.append(errors[region_name])
    if failed and dst:
        warnings.warn(
            f"{source}: every request failed for {len(failed)} region(s), which were left out: "
            f"{_rows_text(failed)}",
            UserWarning,
            stacklevel=3,
        )
    if not dst:
        raise DataFileError(source, ["every request in the file failed (error=true); no latency to report"])
    return pd.DataFrame(
        {
            "dst": dst,
            "rtt_ms": rtt,
            "stat": stat,
            "method": "http",
            "one_way": False,
            "source": "gcping",
            "n_samples": n_ok,
            "n_errors": n_err,
        }
    )


# --------------------------------------------------------------------------------------------
# WonderNetwork / WonderProxy pings
# --------------------------------------------------------------------------------------------

_WN_STATS = ("avg", "min", "max")
_WN_PING_COLUMNS = ("source", "destination", "min", "avg", "max")
_WN_PAIR_COLUMNS = ("src_lat", "src_lon", "dst_lat", "dst_lon")


def read_wondernetwork_csv(
    path: PathOrBuffer,
    *,
    servers: PathOrBuffer | None = None,
    stat: str | Sequence[str] = "avg",
    include_self: bool = False,
    unknown_servers: str = "raise",
    chunksize: int = _DEFAULT_CHUNKSIZE,
) -> pd.DataFrame:
    """Read WonderNetwork (WonderProxy) ping data, grouped per server pair, into the tidy table.

    WonderProxy's servers (at hosting providers worldwide) ping each other over the public
    Internet (ICMP echo, round trip); the published day of pings is grouped per directed pair
    into min/avg/max/mdev. Two layouts are read:

    * the original pair of files: ``path`` is the pings file with columns
      ``source,destination,min,avg,max,mdev`` (server ids; times in ms) and ``servers`` the
      server list with ``id``, ``title`` (or ``name``), ``country``, ``latitude``,
      ``longitude`` (extra columns are ignored);
    * one pre-joined pairs file (``servers=None``) with ``src_lat, src_lon, dst_lat, dst_lon``,
      ``rtt_min_ms, rtt_avg_ms, rtt_max_ms`` and names in ``src_city``/``dst_city`` (or
      ``src``/``dst``); ``src_server_id``, ``dst_server_id``, ``src_country``, ``dst_country``
      are carried over when present.

    Parameters
    ----------
    path : str, os.PathLike or file-like
        Pings file (or pre-joined pairs file). [-]
    servers : str, os.PathLike or file-like, optional
        Server list for the original layout. [-]
    stat : {"avg", "min", "max"} or a sequence of them, default "avg"
        Which statistic(s) to return; several give one row per pair and statistic. [-]
    include_self : bool, default False
        Keep a server's pings to itself (loopback, ~0.03 ms; not a network path). [-]
    unknown_servers : {"raise", "drop"}, default "raise"
        What to do with pings naming a server id missing from ``servers`` (the 2020-07 files
        have a few): raise listing them, or leave those pings out with a warning. [-]
    chunksize : int, default 100_000
        Rows read at a time. [rows]

    Returns
    -------
    pandas.DataFrame
        Tidy table with coordinates, ``method="icmp"``, ``one_way=False``,
        ``source="WonderNetwork"``. [ms]

    Raises
    ------
    DataFileError
        If a file is missing, not the expected CSV, has duplicate server ids or unknown ids
        (with ``unknown_servers="raise"``).
    DataValidationError
        If coordinates or times are invalid.

    References
    ----------
    WonderNetwork / WonderProxy, "A day in the life of the Internet" (pings among their
    servers, 2020-07-19/20); grouped copy in sm86/geo-latency-data
    (``pings-2020-07-19-2020-07-20-grouped.csv``, ``servers-2020-07-19.csv``).
    """
    name = _file_name(path)
    chunksize = _check_chunksize(chunksize)
    stats = _wn_stats(stat)
    check_choice(unknown_servers, "unknown_servers", ("raise", "drop"))
    if not isinstance(include_self, bool):
        msg = f"include_self must be True or False, got {include_self!r}."
        raise InvalidTypeError(msg)
    if servers is None:
        source = f"WonderNetwork pairs CSV file {name!r}"
        _check_source(path, "WonderNetwork pairs CSV")
        rows = _read_wn_pairs(path, source, stats, include_self, chunksize)
    else:
        source = f"WonderNetwork pings CSV file {name!r}"
        _check_source(path, "WonderNetwork pings CSV")
        table = _read_wn_servers(servers, chunksize)
        rows = _read_wn_pings(path, source, table, stats, include_self, unknown_servers, chunksize)
    return _finish(rows, source)


def _wn_stats(stat: str | Sequence[str]) -> list[str]:
    items = [stat] if isinstance(stat, str) else list(stat)
    if not items:
        msg = "stat must name at least one of 'avg', 'min', 'max'; got an empty sequence."
        raise InvalidInputError(msg)
    for s in items:
        if s not in _WN_STATS:
            msg = f"stat must be one of 'avg', 'min', 'max' (or a list of them); got {s!r}{_stat_hint(s)}."
            raise InvalidInputError(msg)
    return list(dict.fromkeys(items))


def _header(path: PathOrBuffer, source: str, expected: str) -> list[str]:
    head = _sniff(path, source, expected)
    first = _first_row(head)
    if head is not None and first is None:
        raise DataFileError(source, [f"expected {expected}; found no header line"])
    return first or []


def _read_wn_servers(servers: PathOrBuffer, chunksize: int) -> pd.DataFrame:
    name = _file_name(servers)
    source = f"WonderNetwork servers CSV file {name!r}"
    _check_source(servers, "WonderNetwork servers CSV")
    expected = "a WonderNetwork server list with columns id, title or name, latitude, longitude"
    header = _header(servers, source, expected)
    if header:
        missing = [c for c in ("id", "latitude", "longitude") if c not in header]
        if missing or not ({"title", "name"} & set(header)):
            if not ({"title", "name"} & set(header)):
                missing.append("title (or name)")
            raise DataFileError(source, [f"expected {expected}; missing {missing}; found columns {header}"])
    parts = [
        chunk
        for _, chunk in _csv_chunks(servers, source, chunksize=chunksize, dtype=str, keep_default_na=False)
    ]
    table = pd.concat(parts, ignore_index=True)
    table.columns = [str(c).strip() for c in table.columns]
    problems: list[str] = []
    ids = pd.to_numeric(table["id"], errors="coerce")
    bad = ids.isna() | (ids.fillna(0) % 1 != 0)
    if bad.any():
        problems.append(
            "id must be an integer; bad on line(s) "
            f"{_rows_text((np.flatnonzero(bad.to_numpy()) + 2).tolist())}"
        )
    dup = ids.duplicated(keep=False) & ~bad
    if dup.any():
        problems.append(
            f"server id(s) listed more than once: {_rows_text(sorted(set(ids[dup].astype(int))))}"
        )
    if problems:
        raise DataFileError(source, problems)
    la = pd.to_numeric(table["latitude"], errors="coerce").to_numpy(dtype=float)
    lo = pd.to_numeric(table["longitude"], errors="coerce").to_numpy(dtype=float)
    lines = pd.Index(np.arange(len(table)) + 2, name="line")
    # row labels are file line numbers (header = line 1)
    problems.extend(coordinate_problems(la, lo, lines, lat_name="latitude", lon_name="longitude"))
    raise_if_problems(source, problems)
    title: pd.Series = table["title"] if "title" in table.columns else table["name"]
    if "name" in table.columns:
        title = title.where(title.str.strip() != "", table["name"])
    country = table["country"] if "country" in table.columns else pd.Series("", index=table.index)
    return pd.DataFrame(
        {"name": title.str.strip().to_numpy(), "country": country.to_numpy(), "lat": la, "lon": lo},
        index=pd.Index(ids.astype(np.int64).to_numpy(), name="id"),
    )


def _read_wn_pings(
    path: PathOrBuffer,
    source: str,
    table: pd.DataFrame,
    stats: list[str],
    include_self: bool,
    unknown_servers: str,
    chunksize: int,
) -> pd.DataFrame:
    expected = "WonderNetwork pings with columns source,destination,min,avg,max,mdev"
    header = _header(path, source, expected)
    if header:
        missing = [c for c in _WN_PING_COLUMNS if c not in header]
        if missing:
            raise DataFileError(source, [f"expected {expected}; missing {missing}; found columns {header}"])
    parts: list[pd.DataFrame] = []
    problems: list[str] = []
    unknown: set[int] = set()
    n_unknown_rows = 0
    for offset, chunk in _csv_chunks(
        path, source, chunksize=chunksize, usecols=["source", "destination", *stats], dtype=str
    ):
        s_id = pd.to_numeric(chunk["source"], errors="coerce")
        d_id = pd.to_numeric(chunk["destination"], errors="coerce")
        bad = (s_id.isna() | d_id.isna() | (s_id.fillna(0) % 1 != 0) | (d_id.fillna(0) % 1 != 0)).to_numpy()
        if bad.any():
            lines = (np.flatnonzero(bad) + offset + 2).tolist()
            problems.append(
                f"source and destination must be integer server ids; bad on line(s) {_rows_text(lines)}"
            )
            continue
        s = s_id.to_numpy(dtype=np.int64)
        d = d_id.to_numpy(dtype=np.int64)
        keep = np.ones(len(chunk), dtype=bool) if include_self else s != d
        known_s = np.isin(s, table.index.to_numpy())
        known_d = np.isin(d, table.index.to_numpy())
        unk = keep & ~(known_s & known_d)
        if unk.any():
            unknown.update(s[unk & ~known_s].tolist())
            unknown.update(d[unk & ~known_d].tolist())
            n_unknown_rows += int(unk.sum())
            keep &= ~unk
        if not keep.any():
            continue
        sub = chunk.loc[keep]
        s_k, d_k = s[keep], d[keep]
        src_info = table.loc[s_k]
        dst_info = table.loc[d_k]
        for st in stats:
            vals = pd.to_numeric(sub[st], errors="coerce").to_numpy(dtype=float)
            nonnum = np.isnan(vals) & sub[st].notna().to_numpy()
            if nonnum.any():
                lines = (np.flatnonzero(keep)[nonnum] + offset + 2).tolist()
                problems.append(f"column {st!r} is not a number on line(s) {_rows_text(lines)}")
                continue
            parts.append(
                pd.DataFrame(
                    {
                        "src": src_info["name"].to_numpy(),
                        "dst": dst_info["name"].to_numpy(),
                        "rtt_ms": vals,
                        "stat": st,
                        "method": "icmp",
                        "one_way": False,
                        "src_lat": src_info["lat"].to_numpy(),
                        "src_lon": src_info["lon"].to_numpy(),
                        "dst_lat": dst_info["lat"].to_numpy(),
                        "dst_lon": dst_info["lon"].to_numpy(),
                        "source": "WonderNetwork",
                        "src_server_id": s_k,
                        "dst_server_id": d_k,
                        "src_country": src_info["country"].to_numpy(),
                        "dst_country": dst_info["country"].to_numpy(),
                    }
                )
            )
    if problems:
        raise DataFileError(source, problems)
    if unknown:
        detail = (
            f"{n_unknown_rows} ping row(s) name server id(s) not in the servers file: "
            f"{_rows_text(sorted(unknown))}"
        )
        if unknown_servers == "raise":
            raise DataFileError(
                source,
                [
                    detail
                    + "; check that the servers file is from the same date, or pass unknown_servers='drop'"
                ],
            )
        warnings.warn(f"{source}: {detail}; these pings were left out", UserWarning, stacklevel=3)
    if not parts:
        raise DataFileError(source, [f"expected {expected}; found no pings between known servers"])
    return pd.concat(parts, ignore_index=True)


def _read_wn_pairs(
    path: PathOrBuffer, source: str, stats: list[str], include_self: bool, chunksize: int
) -> pd.DataFrame:
    expected = (
        "a WonderNetwork pairs file with columns src_lat, src_lon, dst_lat, dst_lon, rtt_<stat>_ms and "
        "src_city/dst_city (or, for the original pings file, pass servers=)"
    )
    header = _header(path, source, expected)
    names = ("src_city", "dst_city") if "src_city" in header else ("src", "dst")
    if header:
        needed = [*_WN_PAIR_COLUMNS, *names, *(f"rtt_{s}_ms" for s in stats)]
        missing = [c for c in needed if c not in header]
        if missing:
            hint = ""
            if set(_WN_PING_COLUMNS) <= set(header):
                hint = " (this looks like the original pings file: pass servers='servers-....csv')"
            raise DataFileError(
                source, [f"expected {expected}; missing {missing}; found columns {header}{hint}"]
            )
    extra = [c for c in ("src_server_id", "dst_server_id", "src_country", "dst_country") if c in header]
    parts: list[pd.DataFrame] = []
    for _, chunk in _csv_chunks(
        path,
        source,
        chunksize=chunksize,
        usecols=[*names, *_WN_PAIR_COLUMNS, *(f"rtt_{s}_ms" for s in stats), *extra],
        dtype={names[0]: str, names[1]: str},
    ):
        if not include_self:
            if "src_server_id" in chunk.columns and "dst_server_id" in chunk.columns:
                self_pair = (chunk["src_server_id"] == chunk["dst_server_id"]).to_numpy()
            else:
                self_pair = (chunk[names[0]] == chunk[names[1]]).to_numpy()
            chunk = chunk.loc[~self_pair]
        for st in stats:
            columns: dict[str, Any] = {
                "src": chunk[names[0]].to_numpy(),
                "dst": chunk[names[1]].to_numpy(),
                "rtt_ms": pd.to_numeric(chunk[f"rtt_{st}_ms"], errors="coerce").to_numpy(dtype=float),
                "stat": st,
                "method": "icmp",
                "one_way": False,
                **{c: chunk[c].to_numpy() for c in _WN_PAIR_COLUMNS},
                "source": "WonderNetwork",
                **{c: chunk[c].to_numpy() for c in extra},
            }
            parts.append(pd.DataFrame(columns))
    if not parts or all(p.empty for p in parts):
        raise DataFileError(source, [f"expected {expected}; found no pairs"])
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------------------------
# plain tidy CSV
# --------------------------------------------------------------------------------------------


def read_measurements_csv(path: PathOrBuffer, *, chunksize: int = _DEFAULT_CHUNKSIZE) -> pd.DataFrame:
    """Read a plain CSV already in the tidy form (see the module documentation).

    Columns ``src, dst, rtt_ms, stat, method, one_way`` are required; ``one_way`` may be written
    ``true``/``false``, ``1``/``0`` or ``yes``/``no``. Other columns are kept (coordinates are
    read as numbers). The file is read ``chunksize`` rows at a time and validated with
    :func:`validate_measurements`.

    Parameters
    ----------
    path : str, os.PathLike or file-like
        The CSV file. [-]
    chunksize : int, default 100_000
        Rows read at a time. [rows]

    Returns
    -------
    pandas.DataFrame
        The tidy table with a fresh ``RangeIndex``. [ms]

    Raises
    ------
    DataFileError
        If the file is missing, not CSV, lacks a required column, or ``one_way`` is not boolean.
    DataValidationError
        If any value is invalid (all problems listed).
    """
    name = _file_name(path)
    source = f"measurements CSV file {name!r}"
    _check_source(path, "measurements CSV")
    chunksize = _check_chunksize(chunksize)
    expected = f"a CSV with header columns {', '.join(TIDY_COLUMNS)}"
    header = _header(path, source, expected)
    if header:
        missing = [c for c in TIDY_COLUMNS if c not in header]
        if missing:
            raise DataFileError(source, [f"expected {expected}; missing {missing}; found columns {header}"])
    text_cols = {"src": str, "dst": str, "stat": str, "method": str, "one_way": str, "source": str}
    data_lines = _data_line_numbers(path)
    parts: list[pd.DataFrame] = []
    problems: list[str] = []
    for offset, chunk in _csv_chunks(
        path,
        source,
        chunksize=chunksize,
        dtype=text_cols,
        keep_default_na=False,
        na_values={"rtt_ms": ["", "NaN", "nan", "NA"]},
    ):
        missing = [c for c in TIDY_COLUMNS if c not in chunk.columns]
        if missing:
            raise DataFileError(
                source, [f"expected {expected}; missing {missing}; found columns {list(chunk.columns)}"]
            )
        in_chunk = np.arange(offset, offset + len(chunk))
        if data_lines is not None and len(data_lines) < offset + len(chunk):
            data_lines = None  # quoted fields spanning lines: fall back to row positions
        ow, ow_problems = _parse_bools(
            chunk["one_way"], column="one_way", first_line=offset + 2, lines=_line_of(in_chunk, data_lines)
        )
        problems.extend(ow_problems)
        chunk = chunk.copy()
        chunk["one_way"] = ow
        for col in COORDINATE_COLUMNS:
            if col in chunk.columns:
                chunk[col] = pd.to_numeric(chunk[col], errors="coerce")
        parts.append(chunk)
    if problems:
        raise DataFileError(source, problems)
    if sum(len(p) for p in parts) == 0:
        raise DataFileError(source, [f"expected {expected}; found a header but no rows"])
    rows = pd.concat(parts, ignore_index=True)
    rtt = pd.to_numeric(rows["rtt_ms"], errors="coerce")
    nonnum = rtt.isna() & rows["rtt_ms"].notna()
    if data_lines is not None and len(data_lines) != len(rows):
        data_lines = None  # quoted fields spanning lines: fall back to row positions
    if nonnum.any():
        lines = _line_of(np.flatnonzero(nonnum.to_numpy()), data_lines).tolist()
        raise DataValidationError(source, [f"rtt_ms is not a number on line(s) {_rows_text(lines)}"])
    rows["rtt_ms"] = rtt.astype(float)
    try:
        validate_measurements(rows.set_axis(_line_of(np.arange(len(rows)), data_lines)), source=source)
    except DataValidationError as exc:  # row labels are file line numbers here
        raise DataValidationError(source, [_as_lines(p) for p in exc.problems]) from None
    return rows
