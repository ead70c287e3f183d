"""Reader of WonderNetwork (WonderProxy) ping tables between its servers into the tidy table.

Owns :func:`read_wondernetwork_csv`: the pings file (source and destination server ids with
min/avg/max ICMP round trips) joined with the servers file (names and coordinates), or a pairs
file that already carries the coordinates.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import (
    check_choice,
    coordinate_problems,
    raise_if_problems,
)
from cloudgeo.errors import DataFileError, InvalidInputError, InvalidTypeError
from cloudgeo.io._files import (
    _DEFAULT_CHUNKSIZE,
    PathOrBuffer,
    _check_chunksize,
    _check_source,
    _csv_chunks,
    _file_name,
    _header,
    _rows_text,
)
from cloudgeo.io.table import _finish, _stat_hint

__all__ = [
    "read_wondernetwork_csv",
]

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
    """Read the pings file, name each server from ``table`` and leave out self-pings if asked."""
    expected = "WonderNetwork pings with columns source,destination,min,avg,max,mdev"
    header = _header(path, source, expected)
    if header:
        missing = [c for c in _WN_PING_COLUMNS if c not in header]
        if missing:
            raise DataFileError(source, [f"expected {expected}; missing {missing}; found columns {header}"])
    chunks = [
        _ping_chunk(chunk, offset, table, stats, include_self)
        for offset, chunk in _csv_chunks(
            path, source, chunksize=chunksize, usecols=["source", "destination", *stats], dtype=str
        )
    ]
    problems = [p for c in chunks for p in c.problems]
    if problems:
        raise DataFileError(source, problems)
    unknown = {i for c in chunks for i in c.unknown_ids}
    if unknown:
        n_rows = sum(c.n_unknown_rows for c in chunks)
        _report_unknown_servers(sorted(unknown), n_rows, unknown_servers, source)
    parts = [part for c in chunks for part in c.parts]
    if not parts:
        raise DataFileError(source, [f"expected {expected}; found no pings between known servers"])
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class _PingChunk:
    """One chunk of the pings file: its tidy rows, problems and pings naming unknown servers."""

    parts: list[pd.DataFrame]
    problems: list[str]
    unknown_ids: set[int]
    n_unknown_rows: int


def _ping_chunk(
    chunk: pd.DataFrame, offset: int, table: pd.DataFrame, stats: list[str], include_self: bool
) -> _PingChunk:
    """Turn one chunk of pings into tidy rows (one frame per statistic) between known servers."""
    s_id = pd.to_numeric(chunk["source"], errors="coerce")
    d_id = pd.to_numeric(chunk["destination"], errors="coerce")
    bad = (s_id.isna() | d_id.isna() | (s_id.fillna(0) % 1 != 0) | (d_id.fillna(0) % 1 != 0)).to_numpy()
    if bad.any():
        lines = (np.flatnonzero(bad) + offset + 2).tolist()
        problem = f"source and destination must be integer server ids; bad on line(s) {_rows_text(lines)}"
        return _PingChunk([], [problem], set(), 0)
    s = s_id.to_numpy(dtype=np.int64)
    d = d_id.to_numpy(dtype=np.int64)
    keep = np.ones(len(chunk), dtype=bool) if include_self else s != d
    known_s = np.isin(s, table.index.to_numpy())
    known_d = np.isin(d, table.index.to_numpy())
    unk = keep & ~(known_s & known_d)
    unknown_ids = set(s[unk & ~known_s].tolist()) | set(d[unk & ~known_d].tolist())
    keep &= ~unk
    if not keep.any():
        return _PingChunk([], [], unknown_ids, int(unk.sum()))
    sub = chunk.loc[keep]
    src_info = table.loc[s[keep]]
    dst_info = table.loc[d[keep]]
    parts: list[pd.DataFrame] = []
    problems: list[str] = []
    for st in stats:
        vals = pd.to_numeric(sub[st], errors="coerce").to_numpy(dtype=float)
        nonnum = np.isnan(vals) & sub[st].notna().to_numpy()
        if nonnum.any():
            lines = (np.flatnonzero(keep)[nonnum] + offset + 2).tolist()
            problems.append(f"column {st!r} is not a number on line(s) {_rows_text(lines)}")
            continue
        parts.append(_ping_frame(src_info, dst_info, np.stack([s[keep], d[keep]]), vals, st))
    return _PingChunk(parts, problems, unknown_ids, int(unk.sum()))


def _ping_frame(
    src_info: pd.DataFrame,
    dst_info: pd.DataFrame,
    ids: npt.NDArray[np.int64],
    vals: npt.NDArray[np.float64],
    st: str,
) -> pd.DataFrame:
    """Tidy rows of one statistic between servers ``src_info`` and ``dst_info`` (ids: 2 x rows)."""
    return pd.DataFrame(
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
            "src_server_id": ids[0],
            "dst_server_id": ids[1],
            "src_country": src_info["country"].to_numpy(),
            "dst_country": dst_info["country"].to_numpy(),
        }
    )


def _report_unknown_servers(unknown: list[int], n_rows: int, unknown_servers: str, source: str) -> None:
    """Raise (``unknown_servers="raise"``) or warn about pings naming servers not in the servers file."""
    detail = f"{n_rows} ping row(s) name server id(s) not in the servers file: {_rows_text(unknown)}"
    if unknown_servers == "raise":
        raise DataFileError(
            source,
            [detail + "; check that the servers file is from the same date, or pass unknown_servers='drop'"],
        )
    warnings.warn(f"{source}: {detail}; these pings were left out", UserWarning, stacklevel=4)


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
