"""End-user internet paths: per-country access, ingress hub, and the RTT between end users.

RTT = access(country, technology) + stretch * 2 * (leg to the country's ingress hub + backbone
route from the hub, or from the user, to the far end) / v + far end. The ingress hub is where a
country's traffic meets the backbone (``data/backbone_hubs.csv``): its own location (direct) or
a distant exchange city, which is how detours via Europe or Dubai arise. The far end is another
end user (:func:`country_rtt_ms`) or a data centre (the model's intra-region RTT:
:func:`path_breakdown`, :func:`cloudgeo.latency.user_latency`). Between two direct countries the
path is at most ``REGIONAL_FACTOR`` x the great circle. Per-country parameters are fitted on RIPE
Atlas pings (``scripts/fit_enduser.py``, ``data/enduser_countries.csv``, ``enduser_model.json``).

References
----------
.. [1] RIPE NCC, RIPE Atlas public ping measurements, daily dumps 2025-03/04, tabulated per
   country pair (input-output-hk/ouroboros-leios ``data/internet/country_rtt_stat.csv.gz``).
.. [2] Bozkurt, I. N. et al. (2018). "Dissecting Latency in the Internet's Fiber
   Infrastructure". arXiv:1811.10737 (Internet paths ~2.1x line of sight: ``REGIONAL_FACTOR``).
.. [3] FCC, Measuring Broadband America (early report, via J. Scott): access RTT by
   technology, used as differences to fibre (``technology=``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._data import data_path
from cloudgeo._validate import check_choice, coordinate_problems
from cloudgeo.errors import (
    DataFileError,
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
    UnknownNameError,
)
from cloudgeo.geodesy import chord_to_km, great_circle_trusted_km, unit_vectors_trusted

if TYPE_CHECKING:
    from cloudgeo.latency import LatencyModel

__all__ = [
    "CANDIDATE_HUBS",
    "REGIONAL_FACTOR",
    "RETIRED_CODES",
    "PathBreakdown",
    "access_rtt_ms",
    "countries_at",
    "country_rtt_ms",
    "ingress_hub",
    "ingress_table",
    "path_breakdown",
]

FloatArray = npt.NDArray[np.float64]

COUNTRIES_FILE = "enduser_countries.csv"
MODEL_FILE = "enduser_model.json"
#: Backbone hubs a country's traffic may enter the global backbone at (major exchange cities).
CANDIDATE_HUBS = (
    "FRA", "LON", "AMS", "PAR", "MRS", "STO", "MOW", "IST", "ASH", "MIA", "LAX",
    "SIN", "HKG", "TYO", "BOM", "DXB", "JNB", "GRU",
)  # fmt: skip
#: Path factor of direct regional routes between two directly routed countries (Bozkurt et
#: al. 2018 report ~2.1 for Internet paths; 2.0 was best in 5-fold CV, scripts/fit_enduser.py). [-]
REGIONAL_FACTOR = 2.0
#: Technology whose access RTT the fitted per-country access stands for (RIPE Atlas probes and
#: anchors sit mostly on fixed broadband and data-centre links); others add the FCC difference.
REFERENCE_TECHNOLOGY = "fibre"
#: A point farther than this from every shipped world city gets no country (ships, Antarctica);
#: a design choice: 500 km is the calibrated model's short-haul scale (half its 1000 km). [km]
MAX_CITY_KM = 500.0
#: Retired ISO 3166-1 alpha-2 codes and what replaced them (ISO 3166-3).
RETIRED_CODES: Mapping[str, str] = MappingProxyType(
    {
        "AN": "CW, SX or BQ (Netherlands Antilles, dissolved 2010)",
        "CS": "RS or ME (Serbia and Montenegro, split 2006)",
        "YU": "RS or ME (Yugoslavia)",
        "TP": "TL (East Timor)",
        "ZR": "CD (Zaire)",
        "BU": "MM (Burma)",
        "SU": "RU and the other successor states (USSR)",
        "DD": "DE (East Germany)",
        "UK": "GB (the ISO code of the United Kingdom)",
        "EL": "GR (the ISO code of Greece)",
    }
)
STATS = ("mean",)


@dataclass(frozen=True)
class _Params:
    codes: pd.Index  # every known country code (country_population.csv minus retired codes)
    continent: npt.NDArray[np.str_]
    lat: FloatArray  # centre [deg], NaN where no shipped city
    lon: FloatArray
    hub: npt.NDArray[np.intp]  # backbone hub position, -1 direct
    access_ms: FloatArray
    n_pairs: npt.NDArray[np.int64]
    stretch: float
    provenance: Mapping[str, Any]


@functools.lru_cache(maxsize=1)
def _params() -> _Params:
    from cloudgeo import latency, population
    from cloudgeo.latency import backbone as network

    table = _read_table()
    spec = _read_spec()
    countries = population.load_country_population()
    codes = pd.Index([c for c in countries.index if c not in RETIRED_CODES])
    t = table.set_index("country_code").reindex(codes)
    cont = countries["continent"].reindex(codes).to_numpy(dtype=str)
    defaults = {str(k): float(v) for k, v in dict(spec.get("continent_access_ms", {})).items()}
    fallback = float(np.median(list(defaults.values()))) if defaults else 0.0
    access = np.array(t["access_ms"].to_numpy(dtype=float))
    missing = np.isnan(access)
    access[missing] = [defaults.get(k, fallback) for k in cont[missing]]
    bb = network.load_backbone(latency.get_model().hop_penalty_km)
    hub_ids = t["hub"].fillna("").to_numpy(dtype=str)
    unknown = sorted(set(hub_ids) - set(bb.hubs.index) - {""})
    if unknown:
        raise DataFileError(COUNTRIES_FILE, [f"unknown hub id(s) {unknown[:10]} (not in backbone_hubs.csv)"])
    pos = {h: i for i, h in enumerate(bb.hubs.index)}
    hub = np.array([pos.get(h, -1) for h in hub_ids], dtype=np.intp)
    arrays = [np.array(t["lat"].to_numpy(dtype=float)), np.array(t["lon"].to_numpy(dtype=float)), hub, access]
    for a in arrays:
        a.flags.writeable = False
    return _Params(
        codes=codes,
        continent=cont,
        lat=arrays[0],
        lon=arrays[1],
        hub=arrays[2],
        access_ms=arrays[3],
        n_pairs=t["n_pairs"].fillna(0).to_numpy(dtype=np.int64),
        stretch=float(spec["stretch"]),
        provenance=MappingProxyType(dict(spec.get("provenance", {}))),
    )


_COLUMNS = ("country_code", "continent", "lat", "lon", "hub", "access_ms", "n_pairs")


def _read_table() -> pd.DataFrame:
    """Read and check ``enduser_countries.csv`` (errors name the file and the problem)."""
    path = data_path(COUNTRIES_FILE)
    if not path.is_file():
        raise DataFileError(COUNTRIES_FILE, [f"missing: {path} does not exist (reinstall cloudgeo)"])
    try:
        t = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"hub": str, "country_code": str})
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and ParserError are ValueErrors
        raise DataFileError(COUNTRIES_FILE, [f"could not read {path}: {exc}"]) from None
    missing = [c for c in _COLUMNS if c not in t.columns]
    if missing:
        raise DataFileError(COUNTRIES_FILE, [f"missing column(s) {missing}; expected {list(_COLUMNS)}"])
    problems: list[str] = []
    dup = t["country_code"][t["country_code"].duplicated()]
    if len(dup):
        problems.append(f"duplicate country_code(s) {sorted(map(str, dup))[:10]}")
    num = {c: pd.to_numeric(t[c], errors="coerce") for c in ("lat", "lon", "access_ms", "n_pairs")}
    for c, v in num.items():
        bad = v.isna() | ~np.isfinite(v)
        if bad.any():
            problems.append(f"{c} is not a finite number in row(s) {t.index[bad].tolist()[:5]}")
    if not problems:
        problems += coordinate_problems(
            num["lat"].to_numpy(), num["lon"].to_numpy(), pd.Index(t["country_code"])
        )
        neg = num["access_ms"] < 0
        if neg.any():
            problems.append(
                f"access_ms is negative for {t['country_code'][neg].tolist()[:5]} (an RTT is >= 0 ms)"
            )
    if problems:
        raise DataFileError(COUNTRIES_FILE, problems)
    return t.assign(**{c: num[c] for c in num})


def _read_spec() -> dict[str, Any]:
    """Read and check ``enduser_model.json``."""
    path = data_path(MODEL_FILE)
    if not path.is_file():
        raise DataFileError(MODEL_FILE, [f"missing: {path} does not exist (reinstall cloudgeo)"])
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFileError(MODEL_FILE, [f"not a valid end-user model: {exc}"]) from None
    if not isinstance(spec, dict):
        raise DataFileError(
            MODEL_FILE, [f"not a valid end-user model: expected a JSON object, got {type(spec).__name__}"]
        )
    if "stretch" not in spec:
        raise DataFileError(MODEL_FILE, ["missing key 'stretch' (rewrite it with scripts/fit_enduser.py)"])
    st = spec["stretch"]
    if isinstance(st, bool) or not isinstance(st, int | float) or not np.isfinite(st) or st < 1.0:
        raise DataFileError(MODEL_FILE, [f"stretch must be >= 1 (never below the physics floor), got {st!r}"])
    cont = spec.get("continent_access_ms", {})
    if not isinstance(cont, dict) or any(
        isinstance(v, bool) or not isinstance(v, int | float) or v < 0 for v in cont.values()
    ):
        raise DataFileError(MODEL_FILE, ["continent_access_ms must map continents to RTTs >= 0 ms"])
    return spec


def _code_positions(values: object, name: str) -> npt.NDArray[np.intp]:
    """Positions in the country table of ISO-2 codes (any letter case), or a clear error."""
    p = _params()
    scalar = isinstance(values, str)
    if not scalar and not isinstance(values, pd.Series | pd.Index | np.ndarray | list | tuple):
        msg = (
            f"{name} must be an ISO 3166-1 alpha-2 code (str) or a sequence of them, "
            f"got {type(values).__name__}."
        )
        raise InvalidTypeError(msg)
    arr = (
        pd.Series([values] if scalar else values, dtype=object)
        if not isinstance(values, pd.Series)
        else values
    )
    try:
        codes, uniques = pd.factorize(pd.Series(np.asarray(arr, dtype=object)), use_na_sentinel=True)
    except TypeError as exc:  # unhashable elements (nested lists, dicts): not codes at all
        msg = f"{name}: country codes must be str (ISO 3166-1 alpha-2), not nested sequences ({exc})."
        raise InvalidTypeError(msg) from None
    if (codes < 0).any():
        rows = np.flatnonzero(codes < 0)[:5].tolist()
        raise DataValidationError(
            name, [f"missing (NaN/None) country code at position(s) {rows}; give an ISO-2 code"]
        )
    norm = []
    for u in uniques:
        if not isinstance(u, str):
            msg = f"{name}: country codes must be str (ISO 3166-1 alpha-2), got {u!r} ({type(u).__name__})."
            raise InvalidTypeError(msg)
        c = u.strip().upper()
        if len(c) != 2 or not c.isascii() or not c.isalpha():
            msg = f"{name}: {u!r} is not an ISO 3166-1 alpha-2 code (two letters, e.g. 'DE', 'KE')."
            raise InvalidInputError(msg)
        if c in RETIRED_CODES:
            msg = f"{name}: {u!r} is a retired ISO 3166-1 code; use {RETIRED_CODES[c]}."
            raise InvalidInputError(msg)
        norm.append(c)
    pos_u = np.asarray(p.codes.get_indexer(pd.Index(norm)), dtype=np.intp)
    if (pos_u < 0).any():
        k = int(np.flatnonzero(pos_u < 0)[0])
        raise _unknown_code(str(uniques[k]), norm[k], p.codes)
    return pos_u[codes]


def _unknown_code(given: str, code: str, codes: pd.Index) -> UnknownNameError:
    """Build the error for an unknown code, suggesting codes one letter away (most populous first)."""
    err = UnknownNameError("country code", given, codes)
    if not err.suggestions:
        from cloudgeo import population

        pop = population.load_country_population()["population"]
        near = [k for k in codes if sum(x != y for x, y in zip(k, code, strict=True)) == 1]
        near.sort(key=lambda k: -float(pop.get(k, 0)))
        err.suggestions = near[:3]
        if near:
            err.message = err.message.replace(
                ".", ". Did you mean " + " or ".join(repr(s) for s in near[:3]) + "?", 1
            )
            err.args = (err.message,)
    return err


def _with_technology(access_ms: FloatArray, technology: str) -> FloatArray:
    """Fibre-class access [ms] turned into ``technology``'s: + the FCC difference to fibre."""
    from cloudgeo.latency import ACCESS_RTT_MS

    check_choice(technology, "technology", tuple(ACCESS_RTT_MS))
    if ACCESS_RTT_MS[technology] == 0.0:  # datacentre: no last mile
        return np.zeros_like(access_ms)
    out: FloatArray = access_ms + (ACCESS_RTT_MS[technology] - ACCESS_RTT_MS[REFERENCE_TECHNOLOGY])
    return out


def access_rtt_ms(country: object, *, technology: str = REFERENCE_TECHNOLOGY) -> Any:
    """Access ("last-mile") RTT of an end user in a country with an access technology.

    The fitted per-country access (RIPE Atlas probes, taken as fibre-class fixed access) plus
    the technology's extra last-mile RTT over fibre (:data:`cloudgeo.latency.ACCESS_RTT_MS`:
    cable +8, DSL +25, mobile +36 ms; datacentre: 0, no last mile). Countries without training
    pairs use their continent's default.

    Parameters
    ----------
    country : str or sequence of str
        ISO 3166-1 alpha-2 code(s), any letter case.
    technology : {"fibre", "cable", "dsl", "mobile", "datacentre"}
        Access technology.

    Returns
    -------
    float or numpy.ndarray
        Access RTT per user. [ms]

    Raises
    ------
    UnknownNameError, InvalidInputError, InvalidTypeError, DataValidationError
        On unknown, retired, malformed or missing codes or an unknown technology.
    """
    pos = _code_positions(country, "country")
    out = _with_technology(_params().access_ms[pos], technology)
    return float(out[0]) if isinstance(country, str) else out


def ingress_hub(country: str) -> str | None:
    """Return the backbone hub where a country's traffic meets the global backbone (None: direct).

    Parameters
    ----------
    country : str
        ISO 3166-1 alpha-2 code, any letter case.

    Returns
    -------
    str or None
        Hub id of ``data/backbone_hubs.csv`` (e.g. ``"FRA"``), or None when the country's
        traffic takes the backbone route from where the user is.

    Raises
    ------
    UnknownNameError, InvalidInputError, InvalidTypeError
        On unknown, retired or malformed codes.
    """
    if not isinstance(country, str):
        msg = f"country must be an ISO-2 code (str), got {type(country).__name__}."
        raise InvalidTypeError(msg)
    h = int(_params().hub[_code_positions(country, "country")[0]])
    return None if h < 0 else str(_hubs().index[h])


def _hubs() -> pd.DataFrame:
    from cloudgeo import latency
    from cloudgeo.latency import backbone as network

    return network.load_backbone(latency.get_model().hop_penalty_km).hubs


def ingress_table() -> pd.DataFrame:
    """Every country's fitted end-user terms (a copy): the detour table.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``country_code``: ``continent``, ``lat``, ``lon`` (population-weighted centre
        of its shipped cities, NaN if none) [deg], ``hub`` (ingress hub id, "" direct),
        ``hub_name``, ``access_ms`` (fibre-class access RTT) [ms], ``n_pairs`` (RIPE training
        pairs; 0 = continent default).
    """
    p = _params()
    hubs = _hubs()
    hub = np.where(p.hub >= 0, np.asarray(hubs.index, dtype=object)[np.maximum(p.hub, 0)], "")
    name = np.where(p.hub >= 0, hubs["name"].to_numpy(dtype=object)[np.maximum(p.hub, 0)], "")
    return pd.DataFrame(
        {
            "continent": p.continent,
            "lat": p.lat,
            "lon": p.lon,
            "hub": hub,
            "hub_name": name,
            "access_ms": p.access_ms,
            "n_pairs": p.n_pairs,
        },
        index=pd.Index(p.codes, name="country_code"),
    )


def _route_km(m: LatencyModel, sa: FloatArray, so: FloatArray, da: FloatArray, do: FloatArray) -> FloatArray:
    from cloudgeo.latency import backbone as network

    bb = network.load_backbone(m.hop_penalty_km)
    return network.routed_pairs_trusted_km(sa, so, da, do, bb, m.n_attach, m.attach_factor, m.short_haul_km)


@dataclass(frozen=True)
class _Entry:
    """Where points enter the backbone (their hub, or themselves) and the leg to it."""

    lat: FloatArray  # [deg]
    lon: FloatArray  # [deg]
    leg_km: FloatArray


def _entry(p: _Params, pos: npt.NDArray[np.intp], lat: FloatArray, lon: FloatArray) -> _Entry:
    """Entry point (hub or the point itself) and leg length [km] for points of countries ``pos``."""
    from cloudgeo import latency

    hubs = _hubs()
    h = p.hub[pos]
    via = h >= 0
    ea, eo = lat.copy(), lon.copy()
    ea[via] = hubs["lat"].to_numpy()[h[via]]
    eo[via] = hubs["lon"].to_numpy()[h[via]]
    leg = np.zeros(len(pos))
    leg[via] = latency.get_model().attach_factor * great_circle_trusted_km(
        lat[via], lon[via], ea[via], eo[via]
    )
    return _Entry(ea, eo, leg)


def country_rtt_ms(src: object, dst: object, *, stat: str = "mean") -> Any:
    """Modelled mean RTT between end users in two countries (the quantity RIPE Atlas measures).

    ``access(src) + access(dst) + stretch * 2 * (leg(src) + route + leg(dst)) / v``: each
    country's traffic goes to its ingress hub (:func:`ingress_hub`) and over the backbone
    (:mod:`cloudgeo.network`, the calibrated model's routing) between the hubs, or between the
    countries' centres if both route directly (then at most ``REGIONAL_FACTOR`` x the great
    circle). Never below the vacuum-light RTT between the centres.

    Parameters
    ----------
    src, dst : str or sequence of str
        ISO 3166-1 alpha-2 codes (any letter case); sequences are row-aligned.
    stat : {"mean"}
        Statistic (the fitted data are means over all probe pairs).

    Returns
    -------
    float or numpy.ndarray
        Round-trip time. [ms]

    Raises
    ------
    UnknownNameError
        On unknown codes (the message suggests close ones).
    InvalidInputError
        On retired or malformed codes, a country without a location, different lengths, or an
        unknown ``stat``.
    InvalidTypeError, DataValidationError
        On non-string or missing codes.

    References
    ----------
    RIPE NCC, RIPE Atlas (fitted parameters); see the module references.
    """
    from cloudgeo import latency

    check_choice(stat, "stat", STATS)
    ia, ib = _code_positions(src, "src"), _code_positions(dst, "dst")
    if len(ia) != len(ib):
        msg = f"src and dst must be row-aligned: got {len(ia)} and {len(ib)} codes."
        raise InvalidInputError(msg)
    p = _params()
    nowhere = sorted({str(p.codes[i]) for i in np.concatenate([ia, ib]) if np.isnan(p.lat[i])})
    if nowhere:
        msg = (
            f"no location for country code(s) {nowhere} (no shipped city); "
            "pass the users' lat/lon to user_latency instead."
        )
        raise InvalidInputError(msg)
    m = latency.get_model()
    la, lo, lb, ob = p.lat[ia], p.lon[ia], p.lat[ib], p.lon[ib]
    a = _entry(p, ia, la, lo)
    b = _entry(p, ib, lb, ob)
    path = a.leg_km + _route_km(m, a.lat, a.lon, b.lat, b.lon) + b.leg_km
    direct = (p.hub[ia] < 0) & (p.hub[ib] < 0)
    gc = great_circle_trusted_km(la, lo, lb, ob)
    path = np.where(direct, np.minimum(path, REGIONAL_FACTOR * gc), path)
    out = p.access_ms[ia] + p.access_ms[ib] + p.stretch * 2.0 * path / (m.fibre_speed_km_s / 1000.0)
    return float(out[0]) if isinstance(src, str) and isinstance(dst, str) else out


def countries_at(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """Country of points: that of the nearest shipped world city ("" beyond ``MAX_CITY_KM``).

    Parameters
    ----------
    lat, lon : array-like
        Coordinates. [deg]

    Returns
    -------
    numpy.ndarray of str
        ISO-2 codes, "" where no city lies within ``MAX_CITY_KM`` (at sea, Antarctica): such
        users get the model's generic access and direct routing.

    Raises
    ------
    DataValidationError, InvalidTypeError
        On bad coordinates.
    """
    from cloudgeo import geodesy

    v = geodesy.unit_vectors(lat, lon).reshape(-1, 3)
    chord, idx = _city_tree()[0].query(v, k=1)
    out = _city_tree()[1][idx].astype(object)
    out[chord_to_km(np.asarray(chord, dtype=float)) > MAX_CITY_KM] = ""
    return np.asarray(out, dtype=object)


@functools.lru_cache(maxsize=1)
def _city_tree() -> tuple[Any, npt.NDArray[np.str_]]:
    from scipy.spatial import cKDTree

    from cloudgeo import population

    c = population.load_world_cities()
    return cKDTree(unit_vectors_trusted(c["lat"].to_numpy(), c["lon"].to_numpy())), c[
        "country_code"
    ].to_numpy(dtype=str)


@dataclass(frozen=True)
class UserTerms:
    """Per-user end-user terms for :mod:`cloudgeo.latency` (arrays aligned with the users).

    Attributes
    ----------
    access_ms : numpy.ndarray
        Access RTT (technology and override applied). [ms]
    hub : numpy.ndarray
        Ingress hub position in the backbone (-1: direct).
    stretch : float
        End-user path stretch. [-]
    """

    access_ms: FloatArray
    hub: npt.NDArray[np.intp]
    stretch: float


def user_terms(users: pd.DataFrame, m: LatencyModel) -> UserTerms:
    """End-user terms of each user row: from ``country_code`` or the nearest city's country.

    Users without a country (no ``country_code`` column and no city within ``MAX_CITY_KM``, or
    an empty code "") get the model's generic access (``m.user_access_rtt_ms``) and direct
    routing. ``m.access`` sets the technology (:func:`access_rtt_ms`); ``m.access_rtt_ms``
    overrides the access of every user.

    Parameters
    ----------
    users : pandas.DataFrame
        ``lat``, ``lon`` [deg] and optionally ``country_code``.
    m : LatencyModel
        The model (its access technology).

    Returns
    -------
    UserTerms
        Arrays aligned with the rows.

    Raises
    ------
    UnknownNameError, InvalidInputError, InvalidTypeError, DataValidationError
        On bad country codes (unknown, retired, not ISO-2, NaN).
    """
    p = _params()
    if "country_code" in users.columns:
        raw = users["country_code"]
    else:
        raw = pd.Series(countries_at(users["lat"].to_numpy(), users["lon"].to_numpy()), index=users.index)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    if (codes < 0).any():
        bad = users.index[np.flatnonzero(codes < 0)[:5]].tolist()
        raise DataValidationError(
            "users", [f"country_code is missing (NaN) in row(s) {bad}; give ISO-2 codes or ''"]
        )
    blank = np.array([isinstance(u, str) and u == "" for u in uniques], dtype=bool)
    pos_u = np.full(len(uniques), -1, dtype=np.intp)
    if (~blank).any():
        pos_u[~blank] = _code_positions(list(np.asarray(uniques, dtype=object)[~blank]), "users country_code")
    pos = pos_u[codes]
    none = pos < 0
    if m.access_rtt_ms is not None:
        access = np.full(len(pos), float(m.access_rtt_ms))
    else:
        access = _with_technology(p.access_ms[np.maximum(pos, 0)], m.access)
        access[none] = m.user_access_rtt_ms
    hub = np.where(none, -1, p.hub[np.maximum(pos, 0)]).astype(np.intp)
    return UserTerms(access, hub, p.stretch)


@dataclass(frozen=True)
class PathBreakdown:
    """Each term of one end user's round trip to one site [ms unless stated].

    Attributes
    ----------
    country : str
        The user's country ("" if none).
    hub : str or None
        Ingress hub id (None: direct).
    hub_name : str
        Its name ("" if direct).
    access_ms : float
        Access (last-mile) RTT. [ms]
    to_hub_ms : float
        Round trip of the leg from the user to the ingress hub (0 if direct). [ms]
    backbone_ms : float
        Round trip over the backbone from the hub (or the user) to the site. [ms]
    far_end_ms : float
        The data centre's share (the model's intra-region RTT). [ms]
    total_ms : float
        Sum of the terms: the RTT :func:`cloudgeo.latency.user_latency` reports. [ms]
    distance_km : float
        Great circle user -> site. [km]
    path_km : float
        Path length: hub leg + backbone route. [km]
    """

    country: str
    hub: str | None
    hub_name: str
    access_ms: float
    to_hub_ms: float
    backbone_ms: float
    far_end_ms: float
    total_ms: float
    distance_km: float
    path_km: float


def path_breakdown(
    user: tuple[float, float],
    site: object,
    *,
    country: str | None = None,
    model: str | LatencyModel | None = None,
    stat: str = "p50",
) -> PathBreakdown:
    """Each term of one end user's round trip to one site (what :func:`user_latency` adds up).

    Parameters
    ----------
    user : tuple of float
        ``(lat, lon)`` of the user. [deg]
    site : str or tuple of float
        An AWS region code or ``(lat, lon)``. [deg]
    country : str, optional
        The user's ISO-2 country; default: that of the nearest shipped city.
    model : str, LatencyModel or None
        Backbone-routed model (default ``"calibrated"``).
    stat : {"p50", "p90"}
        Statistic of the backbone part.

    Returns
    -------
    PathBreakdown
        The terms and their sum. [ms]

    Raises
    ------
    UnknownNameError, UnknownRegionError, InvalidInputError, InvalidTypeError
        On bad codes, coordinates, a great-circle model or an unknown ``stat``.
    """
    from cloudgeo import latency

    m = latency.get_model(model)
    if m.routing != "backbone":
        msg = f"path_breakdown needs a backbone-routed model (e.g. 'calibrated'), got routing={m.routing!r}."
        raise InvalidInputError(msg)
    stretch_m, _, intra = m.stat_params(stat)
    ul, uo = _point(user, "user")
    if isinstance(site, str):
        from cloudgeo import catalog

        r = catalog.get_regions([site])
        sl, so = float(r["lat"].iloc[0]), float(r["lon"].iloc[0])
    else:
        sl, so = _point(site, "site")
    users = pd.DataFrame({"lat": [ul], "lon": [uo]})
    if country is not None:
        if not isinstance(country, str):
            msg = f"country must be an ISO-2 code (str) or None, got {type(country).__name__}."
            raise InvalidTypeError(msg)
        users["country_code"] = [country]
    terms = user_terms(users, m)
    code = str(users["country_code"].iloc[0]).upper() if country is not None else str(countries_at(ul, uo)[0])
    stretch = terms.stretch * stretch_m / m.stretch
    ms_per_km = stretch * 2.0 / (m.fibre_speed_km_s / 1000.0)
    h = int(terms.hub[0])
    hubs = _hubs()
    a, o = np.array([ul]), np.array([uo])
    if h >= 0:
        hl, ho = float(hubs["lat"].iloc[h]), float(hubs["lon"].iloc[h])
        leg = float(m.attach_factor * great_circle_trusted_km(a, o, np.array([hl]), np.array([ho]))[0])
        a, o = np.array([hl]), np.array([ho])
    else:
        leg = 0.0
    route = float(_route_km(m, a, o, np.array([sl]), np.array([so]))[0])
    access = float(terms.access_ms[0])
    parts = (access, leg * ms_per_km, route * ms_per_km, float(intra))
    return PathBreakdown(
        country=code,
        hub=None if h < 0 else str(hubs.index[h]),
        hub_name="" if h < 0 else str(hubs["name"].iloc[h]),
        access_ms=parts[0],
        to_hub_ms=parts[1],
        backbone_ms=parts[2],
        far_end_ms=parts[3],
        total_ms=float(sum(parts)),
        distance_km=float(
            great_circle_trusted_km(np.array([ul]), np.array([uo]), np.array([sl]), np.array([so]))[0]
        ),
        path_km=leg + route,
    )


def _point(value: object, name: str) -> tuple[float, float]:
    from cloudgeo import geodesy

    if not isinstance(value, tuple) or len(value) != 2:
        msg = f"{name} must be a (lat, lon) tuple of numbers [deg], got {value!r}."
        raise InvalidTypeError(msg)
    geodesy.unit_vectors(value[0], value[1])  # validates (clear errors)
    return float(value[0]), float(value[1])
