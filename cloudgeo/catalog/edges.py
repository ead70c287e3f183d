"""CloudFront edge locations (dated lists), regional edge caches and the network's headline figures.

Owns the edge-location table (``data/edge_locations.csv``: one row per IATA prefix and
snapshot; ``as_of`` picks the newest list published on or before the date), its validation,
the regional edge caches (``data/regional_edge_caches.csv``) and AWS's stated totals
(``data/edge_network_headline.csv``).

References
----------
tobilg/aws-edge-locations (dated edge lists); the AWS "Fault Isolation Boundaries" whitepaper
(13 regional edge caches); AWS CloudFront feature pages. See ``data/SOURCES.md``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cloudgeo._validate import coordinate_problems, raise_if_problems, require_columns
from cloudgeo.catalog._tables import (
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
)

__all__ = [
    "EDGE_CODE_PATTERN",
    "EdgeNetworkHeadline",
    "edge_network_headline",
    "edge_snapshot_dates",
    "load_edge_locations",
    "load_regional_edge_caches",
    "read_edge_locations",
    "validate_edge_locations",
]

#: Form of a CloudFront ``x-edge-location`` code: IATA prefix, PoP number, optional suffix.
EDGE_CODE_PATTERN = r"[A-Z]{3}[0-9]{1,3}(?:-[A-Z]{1,2}[0-9]{1,2})?"
_EDGE_RE = re.compile(EDGE_CODE_PATTERN)
_EDGE_FORM = (
    "3 letters (IATA airport code) + 1-3 digits + an optional suffix, e.g. 'IAD12', 'FRA56-C1', 'IAD89-P2'"
)
_EDGE_COLUMNS = [
    "iata", "city", "country", "country_code", "lat", "lon", "pops", "snapshot", "present_2019",
    "first_listed", "pops_source", "note",
]  # fmt: skip


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
    table = _read_user_table(path, validate_edge_locations)
    raise_if_problems(str(table.path), table.problems)
    df = table.frame
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
