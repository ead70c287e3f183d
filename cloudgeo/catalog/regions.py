"""AWS regions and Availability Zones, now and at any past date.

Owns the region table (``data/regions.csv``: code, partition, location, opening date, AZ
count) and the AZ table (``data/availability_zones.csv``), their validation (shipped and
user tables alike) and the ``as_of`` filter: a region is listed from its ``opened`` date, a
zone from its own. ``as_of=None`` is the catalogue's own date (:func:`catalog_date`), never the
wall clock.

References
----------
AWS Regions and Availability Zones documentation pages (2025) and seligman/aws-ip-ranges
announcement dates; see ``data/SOURCES.md``.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cloudgeo._validate import coordinate_problems, raise_if_problems, require_columns
from cloudgeo.catalog._tables import (
    _as_code_list,
    _as_of,
    _read_user_table,
    _shipped,
    _str_col,
    _to_bool,
    _to_date,
    _to_float,
)
from cloudgeo.errors import (
    CatalogDateError,
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
    UnknownNameError,
    UnknownRegionError,
)

__all__ = [
    "DEFAULT_PARTITIONS",
    "FIRST_REGION_DATE",
    "PARTITIONS",
    "get_regions",
    "load_availability_zones",
    "load_regions",
    "read_regions",
    "validate_regions",
]

#: Every AWS partition in the catalogue: commercial, GovCloud (US), China, European Sovereign Cloud.
PARTITIONS: tuple[str, ...] = ("aws", "aws-us-gov", "aws-cn", "aws-eusc")
#: Partitions :func:`load_regions` returns by default (all of them).
DEFAULT_PARTITIONS: tuple[str, ...] = PARTITIONS
#: Public launch of the first AWS region, us-east-1 (SEL-ANN); earlier ``as_of`` dates are errors.
FIRST_REGION_DATE = _dt.date(2006, 8, 25)
_STATUSES = ("available", "announced", "unannounced")

_REGION_COLUMNS = [
    "code", "name", "partition", "country", "country_code", "city", "lat", "lon", "az_count",
    "opened", "opt_in", "status", "in_2019_count", "coord_source", "az_source", "az_note",
    "opened_source", "notes",
]  # fmt: skip


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
    table = _read_user_table(path, validate_regions)
    df = table.frame
    if "opened" in df.columns:
        df["opened"] = _to_date(df, "opened", table.problems)
    if "az_count" in df.columns:
        df["az_count"] = pd.to_numeric(df["az_count"], errors="coerce").astype("Int64")
    raise_if_problems(str(table.path), table.problems)
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
