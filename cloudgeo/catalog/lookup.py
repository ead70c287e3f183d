"""CloudFront log codes (``x-edge-location``, e.g. ``FRA56-C1``) to edge-location rows.

Owns :func:`lookup_edge_location`: validate every code against ``EDGE_CODE_PATTERN``, factorise
the codes (pyarrow when available, else Python) and take the rows of their IATA prefixes from
the edge list in force on ``as_of``; a prefix absent from that list falls back to the airport
table (airportsdata, corrected by ``data/airport_overrides.csv``).
"""

from __future__ import annotations

import datetime as _dt
import functools
import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import coordinate_problems, raise_if_problems
from cloudgeo.catalog._tables import _read_csv, _shipped, _str_col, _to_float
from cloudgeo.catalog.edges import (
    _EDGE_FORM,
    _EDGE_RE,
    EDGE_CODE_PATTERN,
    _edge_snapshot,
    _edges_all,
    _snapshot_for,
)
from cloudgeo.errors import (
    DataFileError,
    InvalidInputError,
    InvalidTypeError,
    UnknownEdgeLocationError,
)

__all__ = [
    "lookup_edge_location",
]


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


@dataclass(frozen=True)
class _Factorised:
    """Log codes numbered by first appearance, and their IATA prefixes likewise."""

    factor: npt.NDArray[np.integer[Any]]  # code number of each row
    uniques: npt.NDArray[np.object_]  # the distinct codes, as given
    pref_codes: npt.NDArray[np.intp]  # prefix number of each distinct code
    pref_uniq: list[str]  # the distinct prefixes


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
        return _Factorised(factor, uniques, pref_codes, [str(p) for p in pref_enc.dictionary.to_pylist()])
    prefixes = [str(p) for p in prefix_arr.to_pylist()]
    bad: list[object] = []
    for i in np.flatnonzero(~ok):
        up = str(uniques[i]).strip().upper()
        if _EDGE_RE.fullmatch(up):
            prefixes[i] = up[:3]
        else:
            bad.append(uniques[i])
    _raise_malformed(bad)
    return _Factorised(factor, uniques, *_factorise_prefixes(prefixes))


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
    return _Factorised(
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


@dataclass(frozen=True)
class _ListedTable:
    """The lookup table of one edge list: its rows, their prefixes, and its take-columns."""

    table: pd.DataFrame
    listed: frozenset[str]  # the IATA prefixes on the list
    iata: pd.Index  # the prefix of each row
    columns: _TakeColumns


@functools.lru_cache(maxsize=8)
def _edge_listed_table(snapshot: _dt.date) -> _ListedTable:
    """Build the lookup table of the rows listed on ``snapshot`` (cached: never mutate it)."""
    table = _edge_snapshot(snapshot).assign(
        listed=True, lookup_source=f"catalog list of {snapshot.isoformat()}"
    )
    table = table.reset_index(drop=True)
    return _ListedTable(table, frozenset(table["iata"]), *_take_columns(table))


def _edge_lookup_columns(
    pref_uniq: Sequence[str], first_code: Sequence[str], snapshot: _dt.date
) -> tuple[pd.Index, _TakeColumns]:
    """Resolve the prefixes: the list of ``snapshot`` plus one row per fallback prefix."""
    listed = _edge_listed_table(snapshot)
    table = listed.table
    extra_rows: list[dict[str, Any]] = []
    for p, code in zip(pref_uniq, first_code, strict=True):
        if p not in listed.listed:
            row = _fallback_row(p, snapshot)
            if row is None:
                raise UnknownEdgeLocationError(code, sorted(listed.listed))
            extra_rows.append(row)
    if not extra_rows:
        return listed.iata, listed.columns
    extra = pd.DataFrame(extra_rows).assign(listed=False)
    extra = extra.astype({"lat": "float64", "lon": "float64", "pops": "int64", "present_2019": bool})
    extra["snapshot"] = extra["snapshot"].astype("datetime64[ns]")
    extra["first_listed"] = pd.to_datetime(extra["first_listed"]).astype("datetime64[ns]")
    return _take_columns(pd.concat([table, extra[table.columns]], ignore_index=True))


def _edge_frame(factorised: _Factorised, snapshot: _dt.date, index: pd.Index | None) -> pd.DataFrame:
    """Assemble the lookup frame: resolve each distinct prefix once, then take row-wise."""
    factor, uniques, pref_codes, pref_uniq = (
        factorised.factor,
        factorised.uniques,
        factorised.pref_codes,
        factorised.pref_uniq,
    )
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
