"""The catalogue of AWS's global infrastructure: regions, AZs, edge locations, storage, SLAs.

Every loader parses and validates its shipped file (``data/*.csv``, provenance in
``data/SOURCES.md``) once, caches the parsed table and returns a fresh copy on each call, so
mutating a returned frame never affects the next call. Shipped and user-supplied tables go
through the same validation (:func:`validate_regions`, :func:`validate_edge_locations`), which
collects every problem and raises one :class:`~cloudgeo.errors.DataValidationError`; a shipped
file that is missing, unparseable or invalid raises :class:`~cloudgeo.errors.DataFileError`.

Time travel: ``as_of=`` (an ISO date string, :class:`datetime.date` or
:class:`pandas.Timestamp`; ``None`` means the catalogue's own date, :func:`catalog_date`,
never the wall clock; a later date warns) returns the regions open on that date and the
newest edge-location list published on or before it.

References
----------
See ``data/SOURCES.md``: AWS Regions and Availability Zones documentation pages (2025),
seligman/aws-ip-ranges announcement dates, tobilg/aws-edge-locations (dated edge lists),
the AWS "Fault Isolation Boundaries" whitepaper (13 regional edge caches), the Amazon S3 and
EBS user guides (storage classes) and the AWS service SLA pages.
"""

from __future__ import annotations

import datetime as _dt
import functools
import importlib
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._asof import catalog_date, resolve_as_of
from cloudgeo._data import data_path
from cloudgeo._validate import coordinate_problems, raise_if_problems, require_columns
from cloudgeo.errors import (
    CatalogDateError,
    DataFileError,
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
    MissingDependencyError,
    UnknownEdgeLocationError,
    UnknownNameError,
    UnknownRegionError,
)

__all__ = [
    "DEFAULT_PARTITIONS",
    "EDGE_CODE_PATTERN",
    "FIRST_REGION_DATE",
    "PARTITIONS",
    "catalog_date",
    "edge_snapshot_dates",
    "get_regions",
    "get_sla",
    "get_storage_class",
    "load_availability_zones",
    "load_edge_locations",
    "load_regional_edge_caches",
    "load_regions",
    "load_slas",
    "load_storage_classes",
    "lookup_edge_location",
    "read_edge_locations",
    "read_regions",
    "validate_edge_locations",
    "validate_regions",
    "EXCLUDED_PARTITION_PREFIX",
    "EdgeNetworkHeadline",
    "check_catalog",
    "edge_network_headline",
]

#: Every AWS partition in the catalogue: commercial, GovCloud (US), China, European Sovereign Cloud.
PARTITIONS: tuple[str, ...] = ("aws", "aws-us-gov", "aws-cn", "aws-eusc")
#: Partitions :func:`load_regions` returns by default (all of them).
DEFAULT_PARTITIONS: tuple[str, ...] = PARTITIONS
#: Public launch of the first AWS region, us-east-1 (SEL-ANN); earlier ``as_of`` dates are errors.
FIRST_REGION_DATE = _dt.date(2006, 8, 25)
#: Form of a CloudFront ``x-edge-location`` code: IATA prefix, PoP number, optional suffix.
EDGE_CODE_PATTERN = r"[A-Z]{3}[0-9]{1,3}(?:-[A-Z]{1,2}[0-9]{1,2})?"
_EDGE_RE = re.compile(EDGE_CODE_PATTERN)
_EDGE_FORM = (
    "3 letters (IATA airport code) + 1-3 digits + an optional suffix, e.g. 'IAD12', 'FRA56-C1', 'IAD89-P2'"
)
_STATUSES = ("available", "announced", "unannounced")

_REGION_COLUMNS = [
    "code", "name", "partition", "country", "country_code", "city", "lat", "lon", "az_count",
    "opened", "opt_in", "status", "in_2019_count", "coord_source", "az_source", "az_note",
    "opened_source", "notes",
]  # fmt: skip
_EDGE_COLUMNS = [
    "iata", "city", "country", "country_code", "lat", "lon", "pops", "snapshot", "present_2019",
    "first_listed", "pops_source", "note",
]  # fmt: skip


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _as_of(value: object) -> _dt.date:
    """Parse ``as_of`` (``None`` -> the catalogue's own date, :func:`catalog_date`)."""
    return resolve_as_of(value, "as_of")


def _as_code_list(codes: object, what: str) -> list[str]:
    if isinstance(codes, str):
        return [codes]
    if isinstance(codes, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        out = list(codes)
    else:
        msg = f"{what} must be a string or a sequence of strings, got {type(codes).__name__}."
        raise InvalidTypeError(msg)
    bad = [c for c in out if not isinstance(c, str)]
    if bad:
        msg = f"{what} must be strings; got non-string value(s) {bad[:5]!r}."
        raise InvalidTypeError(msg)
    return out


def _read_csv(name: str, path: Path | None = None) -> pd.DataFrame:
    """Read a CSV (shipped when ``path`` is None) with empty cells as missing, or raise DataFileError."""
    p = data_path(name) if path is None else path
    try:
        return pd.read_csv(p, keep_default_na=False, na_values=[""], dtype=str)
    except (OSError, ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataFileError(name, [f"could not read {p}: {exc}"]) from None


def _to_float(df: pd.DataFrame, col: str, problems: list[str]) -> pd.Series:
    s = pd.to_numeric(df[col], errors="coerce").astype("float64")
    bad = s.isna() & df[col].notna()
    if bad.any():
        problems.append(
            f"{col} is not a number in row(s) {list(df.index[bad][:5])}: {list(df[col][bad][:5])}"
        )
    return s


def _to_bool(df: pd.DataFrame, col: str, problems: list[str]) -> pd.Series:
    if df[col].dtype == bool:
        return df[col].astype(bool)
    mapping = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}
    s = df[col].astype(str).str.strip().str.lower().map(mapping)
    bad = s.isna()
    if bad.any():
        problems.append(
            f"{col} must be True/False in row(s) {list(df.index[bad][:5])}: {list(df[col][bad][:5])}"
        )
    return s.eq(True)  # unparsed rows are reported above; eq, not fillna: no object downcast


def _to_date(df: pd.DataFrame, col: str, problems: list[str]) -> pd.Series:
    """Parse ISO dates into datetime64[ns]; unparseable non-empty cells are problems."""
    raw = df[col]
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw.astype("datetime64[ns]")
    s = pd.to_datetime(raw, errors="coerce", format="ISO8601")
    bad = s.isna() & raw.notna()
    if bad.any():
        problems.append(
            f"{col} is not an ISO date (YYYY-MM-DD) in row(s) {list(df.index[bad][:5])}: {list(raw[bad][:5])}"
        )
    return s.astype("datetime64[ns]")


def _shipped(name: str, parse: Callable[[pd.DataFrame, str], pd.DataFrame]) -> pd.DataFrame:
    """Read, parse and validate one shipped file; any failure becomes a DataFileError."""
    raw = _read_csv(name)
    try:
        return parse(raw, name)
    except DataFileError:
        raise
    except DataValidationError as exc:
        label = f"shipped data file {name}"
        raise DataFileError(label, exc.problems) from None


def _str_col(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col].fillna("").astype(str) if col in df.columns else pd.Series("", index=df.index, dtype=str)


# --------------------------------------------------------------------------------------------
# regions
# --------------------------------------------------------------------------------------------


def validate_regions(df: pd.DataFrame, *, source: str = "regions") -> pd.DataFrame:
    """Validate a region table (shipped or your own); return it unchanged.

    Checks, collecting every problem: a ``code`` column (or an index named ``"region"``) with
    unique, non-empty codes; ``lat``/``lon`` present, finite and in range for every row whose
    ``status`` is not ``"unannounced"``; and, when the columns exist, a known ``partition``,
    ``opened`` dates that parse (missing only for unannounced codes), ``az_count`` a positive
    integer, ``status`` one of ``available``/``announced``/``unannounced`` (``opened`` and
    ``az_count`` may be missing for codes that are not open).

    Parameters
    ----------
    df : pandas.DataFrame
        Region table with at least ``code`` (or index ``region``), ``lat`` [deg] and ``lon`` [deg].
    source : str, default "regions"
        Name used in the error message.

    Returns
    -------
    pandas.DataFrame
        ``df`` itself, unchanged.

    Raises
    ------
    InvalidTypeError
        If ``df`` is not a DataFrame.
    DataValidationError
        Listing every problem found.
    """
    require_columns(df, [], source=source)  # the shared type check
    problems: list[str] = []
    if "code" in df.columns:
        codes = df["code"]
    elif df.index.name == "region":
        codes = df.index.to_series()
    else:
        codes = None
    missing = [c for c in ("lat", "lon") if c not in df.columns]
    if codes is None:
        missing.insert(0, "code")
    if missing:
        raise DataValidationError(
            source,
            [f"missing column(s) {missing}; present: {list(map(str, df.columns))}. A region table needs "
             "code (or an index named 'region'), lat and lon."],
        )  # fmt: skip
    assert codes is not None
    code_s = codes.astype(str)
    empty = codes.isna().to_numpy() | (code_s.str.strip() == "").to_numpy()
    if empty.any():
        problems.append(f"code is empty in {int(empty.sum())} row(s)")
    dup = code_s[code_s.duplicated(keep=False) & ~empty]
    if len(dup):
        problems.append(f"duplicate region code(s): {sorted(set(dup))}; codes must be unique")
    status = _str_col(df, "status") if "status" in df.columns else pd.Series("available", index=df.index)
    unannounced = (status == "unannounced").to_numpy()
    not_open = unannounced | (status == "announced").to_numpy()
    if "status" in df.columns:
        bad = ~status.isin(_STATUSES)
        if bad.any():
            problems.append(f"status must be one of {list(_STATUSES)}; got {sorted(set(status[bad]))}")
    lat = pd.to_numeric(df["lat"], errors="coerce").to_numpy(dtype=np.float64)
    lon = pd.to_numeric(df["lon"], errors="coerce").to_numpy(dtype=np.float64)
    keep = ~unannounced
    problems += coordinate_problems(lat[keep], lon[keep], list(code_s[keep]))
    if "partition" in df.columns:
        part = _str_col(df, "partition")
        bad = ~part.isin(PARTITIONS)
        if bad.any():
            problems.append(
                f"unknown partition(s) {sorted(set(part[bad]))} for code(s) {list(code_s[bad][:5])}; "
                f"known partitions: {list(PARTITIONS)}"
            )
    if "opened" in df.columns:
        opened = _to_date(df, "opened", problems)
        nat = opened.isna().to_numpy() & ~not_open
        if nat.any():
            problems.append(f"opened date is missing for code(s) {list(code_s[nat][:5])}")
    if "az_count" in df.columns:
        az = pd.to_numeric(df["az_count"], errors="coerce")
        bad_az = (az.isna().to_numpy() & ~not_open) | (az.notna() & ((az < 1) | (az % 1 != 0))).to_numpy()
        if bad_az.any():
            problems.append(
                f"az_count must be a positive integer for code(s) {list(code_s[bad_az][:5])}: "
                f"{list(df['az_count'][bad_az][:5])}"
            )
    raise_if_problems(source, problems)
    return df


def _parse_regions(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    problems: list[str] = []
    df = raw.copy()
    for col in _REGION_COLUMNS:
        if col not in df.columns:
            problems.append(f"missing column {col!r}")
    raise_if_problems(source, problems)
    validate_regions(df, source=source)
    df["lat"] = _to_float(df, "lat", problems)
    df["lon"] = _to_float(df, "lon", problems)
    df["az_count"] = pd.to_numeric(df["az_count"], errors="coerce").astype("Int64")
    df["opened"] = _to_date(df, "opened", problems)
    df["opt_in"] = _to_bool(df, "opt_in", problems)
    df["in_2019_count"] = _to_bool(df, "in_2019_count", problems)
    for col in ("name", "partition", "country", "country_code", "city", "status", "coord_source",
                "az_source", "az_note", "opened_source", "notes"):  # fmt: skip
        df[col] = _str_col(df, col)
    raise_if_problems(source, problems)
    df = df[_REGION_COLUMNS]
    df.index = pd.Index(df["code"].astype(str), name="region")
    return df


@functools.lru_cache(maxsize=1)
def _regions_all() -> pd.DataFrame:
    return _shipped("regions.csv", _parse_regions)


def _read_user_table(
    path: object, validate: Callable[..., pd.DataFrame]
) -> tuple[pd.DataFrame, list[str], Path]:
    """Read a user's CSV, validate it like the shipped table, and coerce lat/lon to float."""
    if not isinstance(path, str | os.PathLike):
        msg = f"path must be a file path (str or pathlib.Path), got {type(path).__name__}."
        raise InvalidTypeError(msg)
    p = Path(path)
    raw = _read_csv(p.name, p)
    validate(raw, source=str(p))
    df = raw.copy()
    problems: list[str] = []
    df["lat"] = _to_float(df, "lat", problems)
    df["lon"] = _to_float(df, "lon", problems)
    return df, problems, p


def read_regions(path: str | Path) -> pd.DataFrame:
    """Read and validate your own region table from a CSV file.

    Parameters
    ----------
    path : str or pathlib.Path
        CSV with at least ``code``, ``lat`` [deg], ``lon`` [deg]; optional ``partition``,
        ``opened`` (ISO date), ``az_count``, ``status`` and any other columns (kept as text).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``code`` (index name ``"region"``); ``lat``/``lon`` float64, ``opened``
        datetime64[ns], ``az_count`` Int64 when present.

    Raises
    ------
    DataFileError
        If the file cannot be read.
    DataValidationError
        Listing every problem in the table.
    """
    df, problems, p = _read_user_table(path, validate_regions)
    if "opened" in df.columns:
        df["opened"] = _to_date(df, "opened", problems)
    if "az_count" in df.columns:
        df["az_count"] = pd.to_numeric(df["az_count"], errors="coerce").astype("Int64")
    raise_if_problems(str(p), problems)
    df.index = pd.Index(df["code"].astype(str), name="region")
    return df


def _check_partitions(partitions: object) -> list[str]:
    parts = _as_code_list(partitions, "partitions")
    if not parts:
        msg = f"partitions is empty; pass at least one of {list(PARTITIONS)} (the default is all of them)."
        raise InvalidInputError(msg)
    for p in parts:
        if p not in PARTITIONS:
            raise UnknownNameError("partition", p, PARTITIONS)
    return parts


def _check_not_before_first(day: _dt.date) -> None:
    if day < FIRST_REGION_DATE:
        msg = (
            f"as_of={day.isoformat()} is before the first AWS region opened "
            f"(us-east-1, {FIRST_REGION_DATE.isoformat()}); pass a date on or after that."
        )
        raise CatalogDateError(msg)


def load_regions(
    *,
    as_of: object = None,
    partitions: str | Sequence[str] = DEFAULT_PARTITIONS,
    include_unannounced: bool = False,
    include_announced: bool = False,
) -> pd.DataFrame:
    """Return the AWS regions open on a date.

    Regions AWS has announced but not opened (``status="announced"``: me-west-1 Middle East
    (Saudi Arabia), sa-west-1 South America (Chile)) are left out by default; pass
    ``include_announced=True`` to include them.

    Parameters
    ----------
    as_of : str, datetime.date or pandas.Timestamp, optional
        Date to look at (ISO ``"YYYY-MM-DD"``); ``None`` means the catalogue's date
        (:func:`catalog_date`). A region is returned if its public launch date is on or
        before ``as_of``. Osaka (ap-northeast-3) counts from 2021-03-01 (its upgrade to a
        full region; the day is unsourced); the single-AZ Osaka Local Region (2018-02-13)
        is not returned. [date]
    partitions : str or sequence of str, default all four
        Partitions to include: ``"aws"`` (commercial), ``"aws-us-gov"`` (GovCloud),
        ``"aws-cn"`` (China), ``"aws-eusc"`` (European Sovereign Cloud, opened 2026-01-14).
    include_unannounced : bool, default False
        Also return codes seen in AWS's ip-ranges.json but never announced (today only
        us-south-1; me-west-1 and sa-west-1 have since been announced, see
        ``include_announced``), whatever ``as_of``. They have ``status="unannounced"`` and
        **no coordinates** (``lat``/``lon`` NaN), no ``az_count`` (<NA>) and no ``opened``
        (NaT); drop them before any geographic computation.
    include_announced : bool, default False
        Also return the regions AWS has announced but not yet opened (``status="announced"``),
        whatever ``as_of``: they have a name, country, city and coordinates (unsourced
        city-centre values) but no ``opened`` date (NaT) and no ``az_count`` (<NA>).

    Returns
    -------
    pandas.DataFrame
        One row per region, indexed by region code (index name ``"region"``). Columns:
        ``code``, ``name``, ``partition``, ``country``, ``country_code`` (ISO 3166-1 alpha-2),
        ``city`` (metro standing in for the region), ``lat``, ``lon`` (city centre,
        unsourced; [deg]), ``az_count`` (AZs open on ``as_of``: each AZ counts from its own
        opening date where a source gives one, else from its region's (column ``opened`` of
        :func:`load_availability_zones`); int64, Int64 when codes that are not open are included),
        ``opened`` (datetime64[ns]), ``opt_in`` (bool), ``status`` (``"available"``,
        ``"announced"`` or ``"unannounced"``),
        ``in_2019_count`` (bool: counted in AWS's 22 regions of end-2019),
        ``coord_source``, ``az_source``, ``az_note``, ``opened_source``, ``notes`` (str).

    Raises
    ------
    CatalogDateError
        If ``as_of`` is malformed or before 2006-08-25 (the first region).
    UnknownNameError
        If a partition is unknown.

    Examples
    --------
    >>> len(load_regions(as_of="2019-12-31"))
    22
    """
    day = _as_of(as_of)
    _check_not_before_first(day)
    parts = _check_partitions(partitions)
    if not isinstance(include_unannounced, bool | np.bool_):
        msg = f"include_unannounced must be True or False, got {include_unannounced!r}."
        raise InvalidTypeError(msg)
    if not isinstance(include_announced, bool | np.bool_):
        msg = f"include_announced must be True or False, got {include_announced!r}."
        raise InvalidTypeError(msg)
    df = _regions_all()
    unannounced = df["status"] == "unannounced"
    announced = df["status"] == "announced"
    is_open = df["opened"] <= pd.Timestamp(day)
    extra = (unannounced & include_unannounced) | (announced & include_announced)
    mask = df["partition"].isin(parts) & (is_open | extra)
    out = _with_az_counts(df[mask].copy(), day)
    if not out["az_count"].isna().any():
        out["az_count"] = out["az_count"].astype("int64")
    return out


def _with_az_counts(regions: pd.DataFrame, day: _dt.date) -> pd.DataFrame:
    """Set ``az_count`` to the AZs open on ``day`` (an AZ without its own date counts from its region's)."""
    azs = _azs_all()
    open_az = azs[azs["opened"].isna() | (azs["opened"] <= pd.Timestamp(day))]
    counts = open_az.groupby("region").size().reindex(regions.index)
    regions["az_count"] = counts.astype("Int64").where(counts.notna(), regions["az_count"])
    return regions


@functools.lru_cache(maxsize=1)
def _opened_dates() -> dict[str, _dt.date]:
    df = _regions_all()
    return {str(c): ts.date() for c, ts in zip(df.index, df["opened"], strict=True) if not pd.isna(ts)}


def get_regions(codes: str | Sequence[str], *, as_of: object = None) -> pd.DataFrame:
    """Return the rows of the given region codes, in the given order.

    Parameters
    ----------
    codes : str or sequence of str
        Region code(s), e.g. ``"us-east-1"`` or ``["eu-west-1", "ap-southeast-1"]``.
    as_of : str, datetime.date or pandas.Timestamp, optional
        Date the regions must be open on; ``None`` means the catalogue's date (:func:`catalog_date`). [date]

    Returns
    -------
    pandas.DataFrame
        Same columns and index as :func:`load_regions` (``az_count`` int64: the AZs open on
        ``as_of``), one row per code.

    Raises
    ------
    UnknownRegionError
        If a code is not in the catalogue (the message suggests close matches).
    CatalogDateError
        If a region had not opened by ``as_of`` (the message says when it opened), is announced
        but not open, has never been announced, or ``as_of`` is malformed or before 2006-08-25.
    InvalidTypeError
        If ``codes`` is not a string or a sequence of strings.
    """
    wanted = _as_code_list(codes, "codes")
    day = _as_of(as_of)
    _check_not_before_first(day)
    df = _regions_all()
    for code in wanted:
        if code not in df.index:
            raise UnknownRegionError(code, df.index)
        row = df.loc[code]
        if row["status"] == "announced":
            msg = (
                f"region {code!r} ({row['name']}) is announced but not open yet: it has no opening date "
                "or Availability Zones. load_regions(include_announced=True) lists it with its coordinates."
            )
            raise CatalogDateError(msg)
        if row["status"] == "unannounced":
            msg = (
                f"region {code!r} has not been announced (code seen in AWS's ip-ranges.json only); it has "
                "no opening date or coordinates. See load_regions(include_unannounced=True)."
            )
            raise CatalogDateError(msg)
        opened = _opened_dates()[code]
        if opened > day:
            extra = ""
            if code == "ap-northeast-3":
                extra = " (before that it was the single-AZ Osaka Local Region, opened 2018-02-13)"
            msg = (
                f"region {code!r} opened on {opened.isoformat()}{extra}; as_of={day.isoformat()} is "
                f"before that. Pass as_of on or after {opened.isoformat()} or drop the region."
            )
            raise CatalogDateError(msg)
    out = _with_az_counts(df.loc[wanted].copy(), day)
    out["az_count"] = out["az_count"].astype("int64")
    return out


# --------------------------------------------------------------------------------------------
# availability zones
# --------------------------------------------------------------------------------------------


def _parse_azs(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    problems: list[str] = []
    cols = ["region", "az_name", "az_id", "az_index", "name_source", "id_source", "opened", "opened_source"]
    missing = [c for c in cols if c not in raw.columns]
    raise_if_problems(source, [f"missing column(s) {missing}"] if missing else [])
    df = raw.copy()
    for col in ("region", "az_name", "az_id", "name_source", "id_source", "opened_source"):
        df[col] = _str_col(df, col)
    df["opened"] = _to_date(df, "opened", problems)
    undated = df["opened"].isna() & (df["opened_source"].str.strip() == "")
    if undated.any():
        problems.append(
            f"opened_source must say why the opening date is unknown for {list(df['az_name'][undated][:5])}"
        )
    df["az_index"] = pd.to_numeric(df["az_index"], errors="coerce")
    if df["az_index"].isna().any():
        problems.append("az_index is not an integer in some rows")
    dup = df["az_name"][df["az_name"].duplicated()]
    if len(dup):
        problems.append(f"duplicate az_name(s): {sorted(set(dup))}")
    ids = df["az_id"][df["az_id"] != ""]
    if ids.duplicated().any():
        problems.append(f"duplicate az_id(s): {sorted(set(ids[ids.duplicated()]))}")
    regions = _regions_all()
    unknown = ~df["region"].isin(regions.index)
    if unknown.any():
        problems.append(
            f"unknown region(s) {sorted(set(df['region'][unknown]))}: not in regions.csv "
            "(is regions.csv truncated?)"
        )
    raise_if_problems(source, problems)
    df["az_index"] = df["az_index"].astype("int64")
    region_opened = df["region"].map(regions["opened"])
    early = df["opened"].notna() & (df["opened"] < region_opened)
    if early.any():
        problems.append(f"AZ opened before its region for {list(df['az_name'][early][:5])}")
    counts = df.groupby("region").size()
    expected = regions["az_count"].dropna().astype("int64")
    diff = [r for r in expected.index if int(counts.get(r, 0)) != int(expected[r])]
    if diff:
        problems.append(f"AZ rows do not match regions.csv az_count for {diff}")
    raise_if_problems(source, problems)
    return df


@functools.lru_cache(maxsize=1)
def _azs_all() -> pd.DataFrame:
    return _shipped("availability_zones.csv", _parse_azs)


def load_availability_zones(
    *, as_of: object = None, regions: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Return one row per Availability Zone open on a date.

    An AZ is open on ``as_of`` if its region is and, where a source gives the AZ's own
    opening date (column ``opened``), that date is on or before ``as_of``; an AZ whose date no
    source gives (``opened`` NaT, ``opened_source`` says so) counts from its region's opening.
    On 2019-12-31 this gives 71 AZs in 22 regions (AWS said 69 then; see ``data/SOURCES.md``).

    Parameters
    ----------
    as_of : str, datetime.date or pandas.Timestamp, optional
        Date the regions must be open on; ``None`` means the catalogue's date (:func:`catalog_date`). [date]
    regions : str or sequence of str, optional
        Restrict to these region codes (all partitions searched); ``None`` means every region
        open on ``as_of``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``az_name`` (index name ``"az"``). Columns: ``region``, ``az_name`` (e.g.
        ``us-east-1a``; nominal letters a, b, c, ...: AWS maps names to physical AZs per
        account), ``az_id`` (e.g. ``use1-az1``; the empty string where the sources do not
        publish IDs; the row's pairing of name and ID is nominal too), ``az_index`` (1..n),
        ``partition``, ``country_code``, ``lat``, ``lon`` (the region's coordinates; [deg]),
        ``name_source``, ``id_source``, ``opened`` (datetime64[ns]: the AZ's own opening date;
        NaT where no source gives it), ``opened_source`` (the source, or why it is unknown).

    Raises
    ------
    UnknownRegionError, CatalogDateError
        As :func:`get_regions` for the codes in ``regions``, or for a bad ``as_of``.
    """
    reg = load_regions(as_of=as_of) if regions is None else get_regions(regions, as_of=as_of)
    azs = _azs_all()
    day = pd.Timestamp(_as_of(as_of))
    is_open = azs["opened"].isna() | (azs["opened"] <= day)
    out = azs[azs["region"].isin(reg.index) & is_open].copy()
    if regions is not None:
        order = {code: i for i, code in enumerate(dict.fromkeys(_as_code_list(regions, "regions")))}
        out = out.assign(_o=out["region"].map(order)).sort_values(["_o", "az_index"]).drop(columns="_o")
    info = reg[["partition", "country_code", "lat", "lon"]].drop_duplicates()
    out = out.join(info, on="region")
    out = out[["region", "az_name", "az_id", "az_index", "partition", "country_code", "lat", "lon",
               "name_source", "id_source", "opened", "opened_source"]]  # fmt: skip
    out.index = pd.Index(out["az_name"], name="az")
    return out


# --------------------------------------------------------------------------------------------
# edge locations
# --------------------------------------------------------------------------------------------


def validate_edge_locations(df: pd.DataFrame, *, source: str = "edge locations") -> pd.DataFrame:
    """Validate an edge-location table (shipped or your own); return it unchanged.

    Checks, collecting every problem: an ``iata`` column (or an index named ``"edge"``) of
    3-letter upper-case codes, unique (per ``snapshot`` when that column exists); ``lat``/``lon``
    finite and in range; when present, ``pops`` a non-negative integer and ``snapshot`` an ISO
    date.

    Parameters
    ----------
    df : pandas.DataFrame
        Edge table with ``iata`` (or index ``edge``), ``lat`` [deg], ``lon`` [deg].
    source : str, default "edge locations"
        Name used in the error message.

    Returns
    -------
    pandas.DataFrame
        ``df`` itself, unchanged.

    Raises
    ------
    InvalidTypeError
        If ``df`` is not a DataFrame.
    DataValidationError
        Listing every problem found.
    """
    require_columns(df, [], source=source)  # the shared type check
    if "iata" in df.columns:
        iata = df["iata"]
    elif df.index.name == "edge":
        iata = df.index.to_series()
    else:
        iata = None
    missing = [c for c in ("lat", "lon") if c not in df.columns]
    if iata is None:
        missing.insert(0, "iata")
    if missing:
        raise DataValidationError(
            source,
            [f"missing column(s) {missing}; present: {list(map(str, df.columns))}. An edge table needs "
             "iata (or an index named 'edge'), lat and lon."],
        )  # fmt: skip
    assert iata is not None
    problems: list[str] = []
    iata_s = iata.astype(str)
    bad = ~iata_s.str.fullmatch(r"[A-Z]{3}").to_numpy(dtype=bool) | iata.isna().to_numpy()
    if bad.any():
        problems.append(f"iata must be 3 upper-case letters; got {list(iata_s[bad][:5])}")
    key = iata_s
    if "snapshot" in df.columns:
        snap = _to_date(df, "snapshot", problems)
        key = snap.astype(str) + " " + iata_s
    dup = key[key.duplicated(keep=False)]
    if len(dup):
        problems.append(f"duplicate edge code(s): {sorted(set(dup))[:10]}; codes must be unique per list")
    lat = pd.to_numeric(df["lat"], errors="coerce").to_numpy(dtype=np.float64)
    lon = pd.to_numeric(df["lon"], errors="coerce").to_numpy(dtype=np.float64)
    problems += coordinate_problems(lat, lon, list(key))
    if "pops" in df.columns:
        pops = pd.to_numeric(df["pops"], errors="coerce")
        badp = (pops.isna() | (pops < 0) | (pops % 1 != 0)).to_numpy()
        if badp.any():
            problems.append(
                f"pops must be a non-negative integer in row(s) {list(key[badp][:5])}: "
                f"{list(df['pops'][badp][:5])}"
            )
    raise_if_problems(source, problems)
    return df


def _parse_edges(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    missing = [c for c in _EDGE_COLUMNS if c not in raw.columns]
    raise_if_problems(source, [f"missing column(s) {missing}"] if missing else [])
    validate_edge_locations(raw, source=source)
    problems: list[str] = []
    df = raw.copy()
    df["lat"] = _to_float(df, "lat", problems)
    df["lon"] = _to_float(df, "lon", problems)
    df["pops"] = pd.to_numeric(df["pops"]).astype("int64")
    df["snapshot"] = _to_date(df, "snapshot", problems)
    df["first_listed"] = _to_date(df, "first_listed", problems)
    df["present_2019"] = _to_bool(df, "present_2019", problems)
    for col in ("iata", "city", "country", "country_code", "pops_source", "note"):
        df[col] = _str_col(df, col)
    raise_if_problems(source, problems)
    return df[_EDGE_COLUMNS].reset_index(drop=True)


@functools.lru_cache(maxsize=1)
def _edges_all() -> pd.DataFrame:
    return _shipped("edge_locations.csv", _parse_edges)


def read_edge_locations(path: str | Path) -> pd.DataFrame:
    """Read and validate your own edge-location table from a CSV file.

    Parameters
    ----------
    path : str or pathlib.Path
        CSV with at least ``iata``, ``lat`` [deg], ``lon`` [deg]; optional ``pops`` and others.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``iata`` (index name ``"edge"``); ``lat``/``lon`` float64, ``pops`` int64
        when present.

    Raises
    ------
    DataFileError
        If the file cannot be read.
    DataValidationError
        Listing every problem in the table.
    """
    df, problems, p = _read_user_table(path, validate_edge_locations)
    raise_if_problems(str(p), problems)
    if "pops" in df.columns:
        df["pops"] = pd.to_numeric(df["pops"]).astype("int64")
    df.index = pd.Index(df["iata"].astype(str), name="edge")
    return df


def edge_snapshot_dates() -> list[_dt.date]:
    """Return the dates of the shipped edge-location lists, oldest first.

    Returns
    -------
    list of datetime.date
        2019-11-27, 2020-01-25, 2024-02-25 and 2025-05-04 (tobilg/aws-edge-locations). [date]
    """
    snaps = _edges_all()["snapshot"].drop_duplicates().sort_values()
    return [pd.Timestamp(s).date() for s in snaps]


def _snapshot_for(as_of: object) -> _dt.date:
    day = _as_of(as_of)
    dates = edge_snapshot_dates()
    usable = [d for d in dates if d <= day]
    if not usable:
        msg = (
            f"as_of={day.isoformat()} is before the first shipped edge-location list; available list "
            f"dates: {', '.join(d.isoformat() for d in dates)}. "
            f"Pass as_of on or after {dates[0].isoformat()}."
        )
        raise CatalogDateError(msg)
    return usable[-1]


def _edge_snapshot(snapshot: _dt.date) -> pd.DataFrame:
    df = _edges_all()
    out = df[df["snapshot"] == pd.Timestamp(snapshot)]
    out.index = pd.Index(out["iata"], name="edge")
    return out


def load_edge_locations(*, as_of: object = None) -> pd.DataFrame:
    """Return the CloudFront edge-location cities of the newest list on or before a date.

    The lists name only part of the network: the newest (2025-05-04) lists 638 PoPs in 107
    cities, while AWS states 750+ PoPs in 440+ cities and 1,140+ embedded PoPs (AWS News Blog,
    2025-11-17; :func:`edge_network_headline`).

    Parameters
    ----------
    as_of : str, datetime.date or pandas.Timestamp, optional
        Date to look at; ``None`` means the catalogue's date (:func:`catalog_date`), so the
        newest list (2025-05-04). The list used is the latest of :func:`edge_snapshot_dates`
        on or before ``as_of``. [date]

    Returns
    -------
    pandas.DataFrame
        One row per city (IATA prefix of the ``x-edge-location`` log code), indexed by the
        prefix (index name ``"edge"``). Columns: ``iata``, ``city``, ``country``,
        ``country_code`` (ISO-2), ``lat``, ``lon`` (the airport's, standing in for the metro;
        [deg]), ``pops`` (int64: points of presence in the city; the 2025 list has no counts,
        so its rows carry the 2024-02 count, and cities new in 2025 (CAI, DOH, JED) get 1,
        flagged in ``pops_source``), ``snapshot`` (datetime64[ns], date of the list used),
        ``present_2019`` (bool: in the 2019-11-27 list), ``first_listed`` (datetime64[ns],
        first shipped list naming it), ``pops_source``, ``note`` (str).

    Raises
    ------
    CatalogDateError
        If ``as_of`` is malformed or before the first list (2019-11-27); the message names the
        available dates.
    """
    return _edge_snapshot(_snapshot_for(as_of)).copy()


@functools.lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    edges = _edges_all()
    names = dict(zip(edges["country_code"], edges["country"], strict=True))
    try:
        pop = _read_csv("country_population.csv")
        for cc, name in zip(pop["country_code"], pop["name"], strict=True):
            names.setdefault(str(cc), str(name))
    except DataFileError:  # pragma: no cover - country names are a nicety for the fallback
        pass
    return names


def _parse_airport_overrides(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    cols = ["iata", "lat", "lon", "name", "source"]
    missing = [c for c in cols if c not in raw.columns]
    raise_if_problems(source, [f"missing column(s) {missing}"] if missing else [])
    problems: list[str] = []
    df = raw.copy()
    df["lat"] = _to_float(df, "lat", problems)
    df["lon"] = _to_float(df, "lon", problems)
    for col in ("iata", "name", "source"):
        df[col] = _str_col(df, col)
    bad = ~df["iata"].str.fullmatch(r"[A-Z]{3}")
    if bad.any():
        problems.append(f"iata must be 3 upper-case letters; got {list(df['iata'][bad][:5])}")
    if df["iata"].duplicated().any():
        problems.append(f"duplicate iata code(s) {sorted(set(df['iata'][df['iata'].duplicated()]))}")
    if (df["source"].str.strip() == "").any():
        problems.append("every override needs a source")
    problems += coordinate_problems(df["lat"].to_numpy(), df["lon"].to_numpy(), list(df["iata"]))
    raise_if_problems(source, problems)
    return df[cols]


@functools.lru_cache(maxsize=1)
def _airports() -> dict[str, dict[str, Any]]:
    """Return airportsdata's IATA table with the rows of ``data/airport_overrides.csv`` corrected.

    airportsdata releases since 20260315 store several Belgian and Luxembourg airports with
    degrees-minutes-seconds digits read as decimal degrees (BRU, CRL, LGG, LUX 24-42 km off);
    the override table carries the aerodrome reference points with their source.
    """
    import airportsdata

    loaded: dict[str, dict[str, Any]] = {str(k): dict(v) for k, v in airportsdata.load("IATA").items()}
    fixes = _shipped("airport_overrides.csv", _parse_airport_overrides)
    for iata, lat, lon, src in zip(fixes["iata"], fixes["lat"], fixes["lon"], fixes["source"], strict=True):
        entry = loaded.setdefault(str(iata), {"country": "", "city": "", "name": ""})
        entry.update(lat=float(lat), lon=float(lon), coord_source=f"data/airport_overrides.csv: {src}")
    return loaded


def _fallback_row(prefix: str, snapshot: _dt.date) -> dict[str, Any] | None:
    """Find an unlisted prefix in other shipped lists (newest first), then in airportsdata."""
    edges = _edges_all()
    hits = edges[edges["iata"] == prefix]
    if len(hits):
        row: dict[str, Any] = {str(k): v for k, v in hits.sort_values("snapshot").iloc[-1].items()}
        row["lookup_source"] = f"catalog list of {pd.Timestamp(row['snapshot']).date().isoformat()}"
        return row
    ap = _airports().get(prefix)
    if ap is None:
        return None
    cc = str(ap.get("country", ""))
    return {
        "iata": prefix,
        "city": str(ap.get("city") or ap.get("name") or ""),
        "country": _country_names().get(cc, cc),
        "country_code": cc,
        "lat": float(ap["lat"]),
        "lon": float(ap["lon"]),
        "pops": 0,
        "snapshot": pd.Timestamp(snapshot),
        "present_2019": False,
        "first_listed": pd.NaT,
        "pops_source": "not a listed edge location (0)",
        "note": f"airport: {ap.get('name', '')}",
        "lookup_source": "airportsdata (IATA airport; not in the edge-location list)"
        + ("; coordinates corrected by data/airport_overrides.csv" if "coord_source" in ap else ""),
    }


def lookup_edge_location(codes: object, *, as_of: object = None) -> pd.DataFrame:
    """Locate CloudFront ``x-edge-location`` codes (``IAD12``, ``FRA56-C1``) from access logs.

    Vectorised: the codes are factorised once (in C++ by pyarrow, which pandas' string dtype
    uses; pandas otherwise), each distinct code is validated and parsed once and each 3-letter
    IATA prefix resolved once, and every column is an integer take, so a million log lines take
    about 0.1 s. A prefix in the edge list of ``as_of``
    is ``listed=True``; one that is not is looked up in the other shipped lists (newest first)
    and then in ``airportsdata`` (the airport's coordinates), with ``listed=False`` and the
    source named in ``lookup_source``. Codes are matched case-insensitively.

    Parameters
    ----------
    codes : str, sequence of str, numpy.ndarray or pandas.Series
        Code(s) of the form 3 letters + 1-3 digits + optional suffix (``-C1``, ``-P2``, ...).
    as_of : str, datetime.date or pandas.Timestamp, optional
        Which edge list to match against (as :func:`load_edge_locations`); ``None`` = newest. [date]

    Returns
    -------
    pandas.DataFrame
        One row per input code, same order. Columns ``code`` (as given) followed by the columns
        of :func:`load_edge_locations`, then ``listed`` (bool) and ``lookup_source``. The text
        columns (``code``, ``iata``, ``city``, ``country``, ...) are ``category`` dtype, since
        log codes repeat (use ``.astype(str)`` for plain strings).
        Unlisted airports from ``airportsdata`` have ``pops=0`` and ``first_listed`` NaT.
        The index is the input Series' index, else a RangeIndex.

    Raises
    ------
    InvalidInputError
        If a code is missing or not of the expected form (the message lists the offenders).
    InvalidTypeError
        If ``codes`` is not a string or a sequence/array/Series of strings.
    UnknownEdgeLocationError
        If a well-formed code's prefix is neither listed nor an IATA airport code.
    CatalogDateError
        As :func:`load_edge_locations`.

    Examples
    --------
    >>> lookup_edge_location("IAD12")["city"].iloc[0]
    'Washington'
    """
    raw, index = _edge_code_input(codes)
    snapshot = _snapshot_for(as_of)
    factorised = _factorise_codes_arrow(raw)
    if factorised is None:
        factorised = _factorise_codes_python(raw)
    return _edge_frame(factorised, snapshot, index)


def _edge_code_input(codes: object) -> tuple[Any, pd.Index | None]:
    """Check the container of ``codes``; return (raw values, index to keep, length if known)."""
    if isinstance(codes, str):
        return [codes], None
    if isinstance(codes, pd.Series):
        raw = codes.array if isinstance(codes.dtype, pd.StringDtype) else codes.to_numpy(dtype=object)
        return raw, codes.index
    if isinstance(codes, np.ndarray):
        if codes.ndim != 1:
            msg = f"codes must be one-dimensional, got an array of shape {codes.shape}."
            raise InvalidInputError(msg)
        return codes, None
    if isinstance(codes, (list, tuple, pd.Index)):
        return codes, None
    msg = (
        "codes must be a string or a list/array/Series of strings (CloudFront x-edge-location "
        f"codes), got {type(codes).__name__}."
    )
    raise InvalidTypeError(msg)


def _raise_malformed(bad: Sequence[object]) -> None:
    if bad:
        more = f" (+{len(bad) - 5} more)" if len(bad) > 5 else ""
        msg = f"malformed edge-location code(s) {list(bad[:5])!r}{more}; expected {_EDGE_FORM}."
        raise InvalidInputError(msg)


#: (code number per row, distinct codes, prefix number per distinct code, distinct prefixes)
_Factorised = tuple[npt.NDArray[np.integer[Any]], npt.NDArray[np.object_], npt.NDArray[np.intp], list[str]]


def _factorise_prefixes(prefixes: Sequence[str]) -> tuple[npt.NDArray[np.intp], list[str]]:
    codes, uniques = pd.factorize(np.asarray(prefixes, dtype=object))
    return codes.astype(np.intp, copy=False), [str(p) for p in uniques]


def _factorise_codes_arrow(raw: Any) -> _Factorised | None:
    """Factorise and parse the codes with pyarrow (C++): ``None`` hands over to the exact path.

    Only arrays of valid strings are handled here (no nulls, no bytes, no other objects: those go
    to :func:`_factorise_codes_python`, which names the offenders). The prefix is parsed once per
    distinct code. A code accepted here (ASCII, trimmed of ASCII whitespace, upper-cased, matching
    :data:`EDGE_CODE_PATTERN`) is accepted with the same prefix by ``str.strip().upper()``; the few
    distinct codes not accepted are re-checked with exactly that Python logic.
    """
    try:
        pa: Any = importlib.import_module("pyarrow")
        pc: Any = importlib.import_module("pyarrow.compute")
    except ImportError:  # pragma: no cover - pyarrow comes with pandas' string dtype
        return None
    try:
        arr = pa.array(raw)  # inferred: str only -> string; bytes/others -> other type or error
    except (pa.ArrowException, TypeError, ValueError):
        return None
    is_text = isinstance(arr, pa.Array) and (
        pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)
    )
    if not is_text or arr.null_count:
        return None
    encoded = arr.dictionary_encode()
    dictionary = encoded.dictionary
    norm = pc.ascii_upper(pc.ascii_trim_whitespace(dictionary))
    ok = pc.match_substring_regex(norm, f"^(?:{EDGE_CODE_PATTERN})$").to_numpy(zero_copy_only=False)
    uniques: npt.NDArray[np.object_] = dictionary.to_numpy(zero_copy_only=False).astype(object, copy=False)
    factor: npt.NDArray[np.integer[Any]] = encoded.indices.to_numpy(zero_copy_only=False)
    prefix_arr = pc.utf8_slice_codeunits(norm, 0, 3)
    if ok.all():
        pref_enc = prefix_arr.dictionary_encode()
        pref_codes: npt.NDArray[np.intp] = pref_enc.indices.to_numpy(zero_copy_only=False).astype(np.intp)
        return factor, uniques, pref_codes, [str(p) for p in pref_enc.dictionary.to_pylist()]
    prefixes = [str(p) for p in prefix_arr.to_pylist()]
    bad: list[object] = []
    for i in np.flatnonzero(~ok):
        up = str(uniques[i]).strip().upper()
        if _EDGE_RE.fullmatch(up):
            prefixes[i] = up[:3]
        else:
            bad.append(uniques[i])
    _raise_malformed(bad)
    return (factor, uniques, *_factorise_prefixes(prefixes))


def _factorise_codes_python(raw: Any) -> _Factorised:
    """Factorise the codes with pandas and validate each distinct code in Python (exact errors)."""
    values = np.asarray(raw if isinstance(raw, np.ndarray) else list(raw), dtype=object)
    if values.ndim != 1:
        msg = f"codes must be one-dimensional, got an array of shape {values.shape}."
        raise InvalidInputError(msg)
    factor, uniques = pd.factorize(values, use_na_sentinel=True)
    if (factor < 0).any():
        where = np.flatnonzero(factor < 0)[:5].tolist()
        msg = f"codes contains missing values (None/NaN) at position(s) {where}; expected {_EDGE_FORM}."
        raise InvalidInputError(msg)
    uniq = list(uniques)
    non_str = [u for u in uniq if not isinstance(u, str)]
    if non_str:
        msg = f"codes must be strings; got {non_str[:5]!r}. Expected {_EDGE_FORM}."
        raise InvalidTypeError(msg)
    upper = [u.strip().upper() for u in uniq]
    _raise_malformed([u for u, up in zip(uniq, upper, strict=True) if not _EDGE_RE.fullmatch(up)])
    return (
        factor.astype(np.intp, copy=False),
        np.asarray(uniques, dtype=object),
        *_factorise_prefixes([up[:3] for up in upper]),
    )


#: Output columns as (name, per-table-row values or category codes, categorical dtype or None).
_TakeColumns = tuple[tuple[str, npt.NDArray[Any], "pd.CategoricalDtype | None"], ...]


def _take_columns(table: pd.DataFrame) -> tuple[pd.Index, _TakeColumns]:
    """Split a lookup table into arrays that are taken row-wise (text columns as categoricals)."""
    # text columns become categoricals over the few resolved rows, so every output column is an
    # integer take from a small array, never a copy of a million strings
    text_cols = [c for c in table.columns if pd.api.types.is_string_dtype(table[c])]
    table = table.astype(dict.fromkeys(text_cols, "category"))
    cols: list[tuple[str, npt.NDArray[Any], pd.CategoricalDtype | None]] = []
    for c in table.columns:
        col = table[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            arr, dtype = col.cat.codes.to_numpy(), col.dtype
        else:
            arr, dtype = col.to_numpy(), None
        arr = arr.copy()
        arr.setflags(write=False)
        cols.append((str(c), arr, dtype))
    return pd.Index(table["iata"].astype(str)), tuple(cols)


@functools.lru_cache(maxsize=8)
def _edge_listed_table(snapshot: _dt.date) -> tuple[pd.DataFrame, frozenset[str], pd.Index, _TakeColumns]:
    """Build the lookup table of the rows listed on ``snapshot`` (cached: never mutate it)."""
    table = _edge_snapshot(snapshot).assign(
        listed=True, lookup_source=f"catalog list of {snapshot.isoformat()}"
    )
    table = table.reset_index(drop=True)
    return (table, frozenset(table["iata"]), *_take_columns(table))


def _edge_lookup_columns(
    pref_uniq: Sequence[str], first_code: Sequence[str], snapshot: _dt.date
) -> tuple[pd.Index, _TakeColumns]:
    """Resolve the prefixes: the list of ``snapshot`` plus one row per fallback prefix."""
    table, listed_set, iata, cols = _edge_listed_table(snapshot)
    extra_rows: list[dict[str, Any]] = []
    for p, code in zip(pref_uniq, first_code, strict=True):
        if p not in listed_set:
            row = _fallback_row(p, snapshot)
            if row is None:
                raise UnknownEdgeLocationError(code, sorted(listed_set))
            extra_rows.append(row)
    if not extra_rows:
        return iata, cols
    extra = pd.DataFrame(extra_rows).assign(listed=False)
    extra = extra.astype({"lat": "float64", "lon": "float64", "pops": "int64", "present_2019": bool})
    extra["snapshot"] = extra["snapshot"].astype("datetime64[ns]")
    extra["first_listed"] = pd.to_datetime(extra["first_listed"]).astype("datetime64[ns]")
    return _take_columns(pd.concat([table, extra[table.columns]], ignore_index=True))


def _edge_frame(factorised: _Factorised, snapshot: _dt.date, index: pd.Index | None) -> pd.DataFrame:
    """Assemble the lookup frame: resolve each distinct prefix once, then take row-wise."""
    factor, uniques, pref_codes, pref_uniq = factorised
    # the first distinct code carrying each prefix (named in an unknown-prefix error): factorize
    # numbers prefixes by first appearance, so a first occurrence exceeds every earlier number
    seen = np.maximum.accumulate(np.concatenate([[-1], pref_codes]))
    first_code = [str(u) for u in uniques[pref_codes > seen[:-1]]]
    iata, table_cols = _edge_lookup_columns(pref_uniq, first_code, snapshot)
    row_of_unique = iata.get_indexer(pd.Index(pref_uniq))[pref_codes]
    take = factor.astype(np.intp, copy=False)  # one conversion, not one per column
    cols: dict[str, Any] = {
        "code": pd.Categorical.from_codes(factor, categories=pd.Index(uniques, dtype=object), validate=False)
    }
    for name, arr, dtype in table_cols:
        taken = arr[row_of_unique][take]  # per distinct code, then per row
        cols[name] = taken if dtype is None else pd.Categorical.from_codes(taken, dtype=dtype, validate=False)
    out_index = index if index is not None else pd.RangeIndex(len(factor))
    return pd.DataFrame(cols, index=out_index, copy=False)


# --------------------------------------------------------------------------------------------
# regional edge caches
# --------------------------------------------------------------------------------------------


_REC_COLUMNS = [
    "rec", "metro", "country", "country_code", "lat", "lon", "region", "iata", "sourced", "provenance",
]  # fmt: skip


def _parse_recs(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    cols = _REC_COLUMNS
    missing = [c for c in cols if c not in raw.columns]
    raise_if_problems(source, [f"missing column(s) {missing}"] if missing else [])
    problems: list[str] = []
    df = raw.copy()
    df["lat"] = _to_float(df, "lat", problems)
    df["lon"] = _to_float(df, "lon", problems)
    df["sourced"] = _to_bool(df, "sourced", problems)
    for col in ("rec", "metro", "country", "country_code", "region", "iata", "provenance"):
        df[col] = _str_col(df, col)
    problems += coordinate_problems(df["lat"].to_numpy(), df["lon"].to_numpy(), list(df["rec"]))
    if df["rec"].duplicated().any():
        problems.append(f"duplicate rec id(s) {sorted(set(df['rec'][df['rec'].duplicated()]))}")
    raise_if_problems(source, problems)
    df = df[cols]
    df.index = pd.Index(df["rec"], name="rec")
    return df


@functools.lru_cache(maxsize=1)
def _recs_all() -> pd.DataFrame:
    return _shipped("regional_edge_caches.csv", _parse_recs)


def load_regional_edge_caches() -> pd.DataFrame:
    """Return the 15 CloudFront Regional Edge Caches (mid-tier caches).

    AWS lists 15 (CloudFront page, 2026-12; the Fault Isolation Boundaries whitepaper said 13);
    which metros they are in is unsourced (see ``data/SOURCES.md``). Four sites (Columbus
    ``CMH``, Hillsboro ``HIO``, Tampa ``TPA``, Muscat ``MCT``) are named by
    tobilg/aws-edge-locations; the others take the co-located region's coordinates.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``rec`` (the co-located region code, or the site's IATA code where no
        region is co-located; index name ``"rec"``). Columns:
        ``rec``, ``metro``, ``country``, ``country_code``, ``lat``, ``lon`` [deg], ``region``,
        ``iata`` (site code where known, else ""), ``sourced`` (bool: location confirmed by a
        source), ``provenance`` (str).
    """
    return _recs_all().copy()


# --------------------------------------------------------------------------------------------
# storage classes and SLAs
# --------------------------------------------------------------------------------------------

_STORAGE_COLUMNS = [
    "storage_class", "service", "name", "durability", "durability_low", "durability_high",
    "annual_failure_rate_low", "annual_failure_rate_high", "designed_availability", "az_count",
    "az_note", "min_storage_days", "min_billable_kb", "lost_if_az_destroyed", "source",
]  # fmt: skip


_FRACTION_COLUMNS = [
    "durability", "durability_low", "durability_high", "annual_failure_rate_low", "annual_failure_rate_high",
]  # fmt: skip


def _fraction_problems(
    df: pd.DataFrame, cols: Iterable[str], ids: pd.Series, *, allow_nan: bool
) -> list[str]:
    problems = []
    for col in cols:
        v = df[col]
        bad = ((v < 0) | (v > 1)).to_numpy() | (v.isna().to_numpy() & (not allow_nan))
        if bad.any():
            problems.append(f"{col} must be a fraction in [0, 1] for {list(ids[bad])}")
    return problems


def _parse_storage(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    missing = [c for c in _STORAGE_COLUMNS if c not in raw.columns]
    raise_if_problems(source, [f"missing column(s) {missing}"] if missing else [])
    problems: list[str] = []
    df = raw.copy()
    floats = [*_FRACTION_COLUMNS, "designed_availability", "min_storage_days", "min_billable_kb"]
    for col in floats:
        df[col] = _to_float(df, col, problems)
    df["az_count"] = pd.to_numeric(df["az_count"], errors="coerce")
    if (df["min_billable_kb"] % 1 != 0).any() or (df["min_billable_kb"] < 0).any():
        problems.append("min_billable_kb must be a non-negative integer")
    df["lost_if_az_destroyed"] = _to_bool(df, "lost_if_az_destroyed", problems)
    ids = _str_col(df, "storage_class")
    problems += _fraction_problems(df, _FRACTION_COLUMNS, ids, allow_nan=False)
    problems += _fraction_problems(df, ["designed_availability"], ids, allow_nan=True)
    if (df["durability_low"] > df["durability_high"]).any():
        problems.append("durability_low exceeds durability_high")
    if df["az_count"].isna().any() or (df["az_count"] < 1).any():
        problems.append("az_count must be a positive integer")
    if ids.duplicated().any():
        problems.append(f"duplicate storage_class id(s) {sorted(set(ids[ids.duplicated()]))}")
    raise_if_problems(source, problems)
    df["az_count"] = df["az_count"].astype("int64")
    df["min_billable_kb"] = df["min_billable_kb"].astype("int64")
    for col in ("storage_class", "service", "name", "az_note", "source"):
        df[col] = _str_col(df, col)
    df = df[_STORAGE_COLUMNS]
    df.index = pd.Index(df["storage_class"], name="storage_class")
    return df.drop(columns="storage_class")


@functools.lru_cache(maxsize=1)
def _storage_all() -> pd.DataFrame:
    return _shipped("storage_classes.csv", _parse_storage)


def load_storage_classes() -> pd.DataFrame:
    """Return the S3 storage classes and EBS volume types with their published design figures.

    Durability and availability are AWS's *design targets* (not SLAs; see :func:`load_slas`).

    Returns
    -------
    pandas.DataFrame
        Indexed by id (index name ``"storage_class"``: ``s3-standard``, ..., ``ebs-sc1``).
        Columns: ``service`` (``"S3"``/``"EBS"``), ``name``, ``durability`` (annual fraction;
        S3 0.99999999999 (11 nines), RRS 0.9999; EBS the low end of the documented range),
        ``durability_low``, ``durability_high`` (the documented range), ``annual_failure_rate_low``,
        ``annual_failure_rate_high`` (annual fraction of volumes (EBS) or objects (S3, 1 -
        durability) lost), ``designed_availability`` (fraction; NaN for EBS, which publishes none),
        ``az_count`` (int: 3 for ">= 3 AZs", 1 for one-zone classes and EBS), ``az_note``,
        ``min_storage_days`` [days] (0 = none), ``min_billable_kb`` [KB]
        (0 = none), ``lost_if_az_destroyed`` (bool), ``source``.

    References
    ----------
    Amazon S3 User Guide, "Storage classes" comparison table; Amazon EC2 User Guide, "Amazon
    EBS volume types" (durability and AFR). See ``data/SOURCES.md``.
    """
    return _storage_all().copy()


def _norm_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _row(df: pd.DataFrame, key: Any) -> pd.Series:
    pos = df.index.get_loc(key)
    assert isinstance(pos, int)
    return df.iloc[pos].copy()


def _get_by_id(df: pd.DataFrame, key: object, kind: str, extra_names: pd.Series | None = None) -> pd.Series:
    if not isinstance(key, str):
        msg = f"{kind} id must be a string, got {key!r} ({type(key).__name__})."
        raise InvalidTypeError(msg)
    if key in df.index:
        return _row(df, key)
    wanted = _norm_name(key)
    by_norm = {_norm_name(str(i)): i for i in df.index}
    if extra_names is not None:
        by_norm.update({_norm_name(str(n)): i for i, n in extra_names.items()})
    if wanted in by_norm:
        return _row(df, by_norm[wanted])
    raise UnknownNameError(kind, key, df.index)


def get_storage_class(storage_class: str) -> pd.Series:
    """Return one storage class by id (``"s3-standard"``) or name (``"S3 Standard"``, any case).

    Parameters
    ----------
    storage_class : str
        Id or display name.

    Returns
    -------
    pandas.Series
        The row of :func:`load_storage_classes` (name = the id).

    Raises
    ------
    UnknownNameError
        If no class matches (the message suggests close matches).
    """
    df = _storage_all()
    return _get_by_id(df, storage_class, "storage class", df["name"])


_SLA_COLUMNS = ["sla", "service", "scope", "commitment", "measured", "last_updated", "confidence", "source"]


def _parse_slas(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    missing = [c for c in _SLA_COLUMNS if c not in raw.columns]
    raise_if_problems(source, [f"missing column(s) {missing}"] if missing else [])
    problems: list[str] = []
    df = raw.copy()
    df["commitment"] = _to_float(df, "commitment", problems)
    df["last_updated"] = _to_date(df, "last_updated", problems)
    ids = _str_col(df, "sla")
    problems += _fraction_problems(df, ["commitment"], ids, allow_nan=False)
    if not df["measured"].isin(["period", "request"]).all():
        problems.append("measured must be 'period' or 'request'")
    if not df["confidence"].isin(["high", "medium", "low"]).all():
        problems.append("confidence must be high, medium or low")
    if ids.duplicated().any():
        problems.append(f"duplicate sla id(s) {sorted(set(ids[ids.duplicated()]))}")
    raise_if_problems(source, problems)
    for col in ("sla", "service", "scope", "measured", "confidence", "source"):
        df[col] = _str_col(df, col)
    df = df[_SLA_COLUMNS]
    df.index = pd.Index(df["sla"], name="sla")
    return df.drop(columns="sla")


@functools.lru_cache(maxsize=1)
def _slas_all() -> pd.DataFrame:
    return _shipped("slas.csv", _parse_slas)


def load_slas() -> pd.DataFrame:
    """Return AWS service SLA commitments (monthly uptime; service credits if missed).

    Returns
    -------
    pandas.DataFrame
        Indexed by id (index name ``"sla"``: ``ec2-region``, ``ec2-instance``, ``ebs-region``,
        ``ebs-volume``, ``elb-multi-az``, ``elb-single-az``, ``rds-multi-az``, ``rds-single``,
        ``aurora-multi-az``, ``aurora-single-az``, ``route53``, ``route53-resolver-multi-az``,
        ``route53-resolver-single-az``, ``cloudfront``, ``s3-*``, ``lambda``, ``api-gateway``,
        ``dynamodb``, ``dynamodb-global-tables``). Columns: ``service``, ``scope``,
        ``commitment`` (monthly uptime, fraction), ``measured`` (``"period"``: share of time
        available; ``"request"``: 1 - error rate), ``last_updated`` (datetime64[ns]; NaT when
        unknown), ``confidence`` (high/medium/low), ``source``.

    References
    ----------
    AWS SLA pages (aws.amazon.com/<service>/sla), versions named in ``last_updated``; Lambda,
    API Gateway and DynamoDB from the cloudonaut.io table of 2019-01-31. See ``data/SOURCES.md``.
    """
    return _slas_all().copy()


def get_sla(sla: str) -> pd.Series:
    """Return one SLA by id (``"ec2-region"``), case-insensitively.

    Parameters
    ----------
    sla : str
        SLA id.

    Returns
    -------
    pandas.Series
        The row of :func:`load_slas` (name = the id).

    Raises
    ------
    UnknownNameError
        If the id is unknown (the message suggests close matches).
    """
    return _get_by_id(_slas_all(), sla, "SLA")


# --------------------------------------------------------------------------------------------
# edge-network headline figures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EdgeNetworkHeadline:
    """AWS's own headline figures for the CloudFront network, beside what the lists name.

    Attributes
    ----------
    pops_min : int
        Points of presence AWS states ("750+") [count].
    cities_min : int
        Cities AWS states ("440+") [count].
    embedded_pops_min : int
        Embedded PoPs inside ISP networks AWS states ("1,140+") [count].
    stated_on : datetime.date
        Date of the statement. [date]
    source : str
        Where AWS stated it.
    listed_pops : int
        PoPs named by the newest shipped edge-location list [count].
    listed_cities : int
        Cities (IATA prefixes) in that list [count].
    listed_snapshot : datetime.date
        Date of that list. [date]
    """

    pops_min: int
    cities_min: int
    embedded_pops_min: int
    stated_on: _dt.date
    source: str
    listed_pops: int
    listed_cities: int
    listed_snapshot: _dt.date

    @property
    def summary(self) -> str:
        """One sentence quoting AWS's figures beside the listed count."""
        return (
            f"AWS states {self.pops_min:,}+ PoPs in {self.cities_min:,}+ cities and "
            f"{self.embedded_pops_min:,}+ embedded PoPs ({self.source}); the newest shipped list "
            f"({self.listed_snapshot.isoformat()}) names {self.listed_pops:,} PoPs in "
            f"{self.listed_cities:,} cities."
        )


def _parse_headline(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    cols = ["fact", "value", "unit", "stated_on", "wording", "source"]
    missing = [c for c in cols if c not in raw.columns]
    raise_if_problems(source, [f"missing column(s) {missing}"] if missing else [])
    problems: list[str] = []
    df = raw.copy()
    df["value"] = _to_float(df, "value", problems)
    df["stated_on"] = _to_date(df, "stated_on", problems)
    facts = _str_col(df, "fact")
    need = {"pops", "cities", "embedded_pops"}
    if set(facts) != need or facts.duplicated().any():
        problems.append(f"facts must be exactly {sorted(need)} once each; got {list(facts)}")
    if df["value"].isna().any() or (df["value"] < 1).any() or (df["value"] % 1 != 0).any():
        problems.append("value must be a positive integer")
    if df["stated_on"].isna().any():
        problems.append("stated_on is missing")
    raise_if_problems(source, problems)
    df.index = pd.Index(facts, name="fact")
    return df


@functools.lru_cache(maxsize=1)
def _headline() -> EdgeNetworkHeadline:
    df = _shipped("edge_network_headline.csv", _parse_headline)
    value = {str(k): int(v) for k, v in df["value"].items()}
    newest = _edge_snapshot(edge_snapshot_dates()[-1])
    return EdgeNetworkHeadline(
        pops_min=value["pops"],
        cities_min=value["cities"],
        embedded_pops_min=value["embedded_pops"],
        stated_on=pd.Timestamp(df["stated_on"].max()).date(),
        source=str(df.loc["pops", "source"]),
        listed_pops=int(newest["pops"].sum()),
        listed_cities=len(newest),
        listed_snapshot=pd.Timestamp(newest["snapshot"].iloc[0]).date(),
    )


def edge_network_headline() -> EdgeNetworkHeadline:
    """Return AWS's headline CloudFront figures (dated) beside the count the shipped list names.

    No machine-readable list newer than 2025-05-04 was found, so :func:`load_edge_locations`
    names 638 PoPs in 107 cities, while AWS states 750+ PoPs in 440+ cities and 1,140+
    embedded PoPs (AWS News Blog, 2025-11-17; ``data/edge_network_headline.csv``).

    Returns
    -------
    EdgeNetworkHeadline
        Frozen: ``pops_min``, ``cities_min``, ``embedded_pops_min`` [count], ``stated_on``
        [date], ``source``, ``listed_pops``, ``listed_cities`` [count], ``listed_snapshot``
        [date]; ``summary`` is one quotable sentence.

    Examples
    --------
    >>> edge_network_headline().pops_min
    750
    """
    return _headline()


# --------------------------------------------------------------------------------------------
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


def _clear_caches() -> None:
    """Forget every parsed shipped table (used by tests that swap the data folder)."""
    for fn in (_regions_all, _opened_dates, _azs_all, _edges_all, _country_names, _recs_all, _storage_all,
               _slas_all, _airports, _headline):  # fmt: skip
        fn.cache_clear()
