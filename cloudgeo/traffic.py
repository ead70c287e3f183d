"""What a user's own CloudFront logs tell: traffic per edge, the users they reveal, the CDN model checked.

Owns :func:`edge_traffic`, :func:`population_from_logs`, :func:`compare_cdn_with_logs` and
:func:`miss_fetch_legs_ms`, and re-exports the log reader of :mod:`cloudgeo.io`. Each
takes the frame :func:`cloudgeo.io.read_cloudfront_logs` returns - a pandas DataFrame, an
iterator of pandas chunks (memory bounded by one chunk) or a dask DataFrame (one partial
aggregate per partition, combined on the client) - and gives the same result for each, to the
row. Percentiles are exact on the log's own 1 ms grid (a histogram of whole milliseconds per
edge), which is what makes chunked and distributed runs agree with an in-memory one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cloudgeo._validate import check_bool, check_int, require_columns
from cloudgeo.errors import DataValidationError, InvalidTypeError

# the log reader lives in cloudgeo.io; re-exported here beside what the logs tell
from cloudgeo.io import LogReadResult, read_cloudfront_logs, synthetic_cloudfront_log, write_cloudfront_log

__all__ = [
    "CdnLogComparison",
    "LogReadResult",
    "read_cloudfront_logs",
    "synthetic_cloudfront_log",
    "write_cloudfront_log",
    "compare_cdn_with_logs",
    "edge_traffic",
    "miss_fetch_legs_ms",
    "population_from_logs",
]

EDGE_KEYS = ("edge_city", "edge_country", "edge_lat", "edge_lon")
#: ``x-edge-result-type`` values served from the edge cache (AWS: Hit, RefreshHit).
HIT_TYPES = ("Hit", "RefreshHit")
_NEEDED = (*EDGE_KEYS, "result_type", "bytes", "time_taken_s", "time_to_first_byte_s")
_TOTALS = ("requests", "bytes", "hits")
_QUANTILES = {"p50": 0.5, "p90": 0.9}
_METRICS = {"time_taken": "time_taken_s", "ttfb": "time_to_first_byte_s"}


def _partial(df: pd.DataFrame, by_hour: bool, result_types: tuple[str, ...] | None) -> pd.DataFrame:
    """One chunk's partial aggregate: totals and whole-millisecond histograms per edge (and hour)."""
    require_columns(df, list(_NEEDED) + (["timestamp"] if by_hour else []), source="logs")
    nulls = [k for k in (*EDGE_KEYS, "result_type") if bool(df[k].isna().any())]
    if nulls:
        problem = f"column(s) {nulls} have missing values; every request needs its edge and result type"
        hint = " (read the logs with cloudgeo.io.read_cloudfront_logs)"
        raise DataValidationError("logs", [problem + hint])
    if result_types is not None:
        df = df[df["result_type"].isin(result_types).to_numpy()]
    keys = pd.DataFrame({k: df[k].to_numpy() for k in EDGE_KEYS[2:]}, index=df.index)
    # group by the edge code's category number (few distinct), then name the groups
    cities = df["edge_city"].astype("category")
    countries = df["edge_country"].astype("category")
    keys.insert(0, "city_key", cities.cat.codes.to_numpy())
    keys.insert(1, "country_key", countries.cat.codes.to_numpy())
    if by_hour:
        keys["hour"] = df["timestamp"].dt.floor("h")
    names = list(keys.columns)
    base = keys.assign(
        requests=1,
        bytes=df["bytes"].fillna(0).astype("int64").to_numpy(),
        hits=df["result_type"].isin(HIT_TYPES).to_numpy().astype("int64"),
    )
    tot = base.groupby(names, sort=False)[list(_TOTALS)].sum()
    parts = [
        tot.melt(ignore_index=False, var_name="metric", value_name="count").reset_index().assign(value_ms=-1)
    ]
    for metric, col in _METRICS.items():
        ms = np.rint(df[col].to_numpy(dtype=np.float64, na_value=np.nan) * 1000.0)
        have = ~np.isnan(ms)
        h = keys[have].assign(value_ms=ms[have].astype(np.int64))
        hist = h.groupby([*names, "value_ms"], sort=False).size().rename("count").reset_index()
        parts.append(hist.assign(metric=metric))
    out = pd.concat(parts, ignore_index=True)
    out = out[[*names, "metric", "value_ms", "count"]].astype({"count": "int64", "metric": "str"})
    city_names = np.asarray(cities.cat.categories.astype("str"), dtype=object)
    country_names = np.asarray(countries.cat.categories.astype("str"), dtype=object)
    out.insert(0, "edge_city", city_names[out["city_key"].to_numpy()] if len(out) else [])
    out.insert(1, "edge_country", country_names[out["country_key"].to_numpy()] if len(out) else [])
    return out.drop(columns=["city_key", "country_key"]).astype({"edge_city": "str", "edge_country": "str"})


def _combine(parts: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in parts.columns if c != "count"]
    return parts.groupby(keys, sort=False)["count"].sum().reset_index()


def _partials(logs: Any, by_hour: bool, result_types: tuple[str, ...] | None) -> pd.DataFrame:
    """Return the combined partial aggregate of a pandas frame, an iterable of chunks or a dask frame."""
    if hasattr(logs, "logs") and hasattr(logs, "bad_lines"):  # a LogReadResult
        logs = logs.logs
    if isinstance(logs, pd.DataFrame):
        return _combine(_partial(logs, by_hour, result_types))
    if hasattr(logs, "map_partitions") and hasattr(logs, "compute"):
        meta = _partial(logs._meta, by_hour, result_types)
        return _combine(logs.map_partitions(_partial, by_hour, result_types, meta=meta).compute())
    if isinstance(logs, Iterable) and not isinstance(logs, (str, bytes)):
        acc: pd.DataFrame | None = None
        for chunk in logs:
            if hasattr(chunk, "logs") and hasattr(chunk, "bad_lines"):
                chunk = chunk.logs
            if not isinstance(chunk, pd.DataFrame):
                msg = f"an iterable of logs must yield pandas DataFrames, got {type(chunk).__name__}."
                raise InvalidTypeError(msg)
            part = _partial(chunk, by_hour, result_types)
            acc = part if acc is None else _combine(pd.concat([acc, part], ignore_index=True))
        if acc is None:
            raise DataValidationError("logs", ["the iterable yielded no chunk; pass at least one row"])
        return acc
    msg = f"logs must be a pandas or dask DataFrame or an iterable of DataFrames, got {type(logs).__name__}."
    raise InvalidTypeError(msg)


def _quantiles_s(hist: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Inverted-CDF quantiles [s] of whole-millisecond histograms, per group of ``names``."""
    h = hist.sort_values([*names, "value_ms"], kind="stable")
    g = h.groupby(names, sort=False)["count"]
    cum = g.cumsum().to_numpy(dtype=np.float64)
    total = g.transform("sum").to_numpy(dtype=np.float64)
    out = {}
    for label, q in _QUANTILES.items():
        first = h[cum >= q * total - 1e-9 * total].groupby(names, sort=False)["value_ms"].first()
        out[label] = first / 1000.0
    return pd.DataFrame(out)


def _aggregate(logs: Any, by_hour: bool, result_types: tuple[str, ...] | None = None) -> pd.DataFrame:
    parts = _partials(logs, by_hour, result_types)
    names = [*EDGE_KEYS, *(["hour"] if by_hour else [])]
    tot = parts[parts["metric"].isin(_TOTALS)].pivot_table(
        index=names, columns="metric", values="count", aggfunc="sum", fill_value=0, observed=True
    )
    tot = tot.reindex(columns=list(_TOTALS), fill_value=0).astype("int64")
    if tot.empty:
        raise DataValidationError("logs", ["no request matches; pass logs with at least one row"])
    out = tot.rename_axis(columns=None)
    out["hit_ratio"] = out["hits"] / out["requests"]
    for metric in _METRICS:
        q = _quantiles_s(parts[parts["metric"] == metric], names)
        for label in _QUANTILES:
            out[f"{metric}_{label}_s"] = q[label].reindex(out.index).to_numpy(dtype=np.float64)
    out = out.drop(columns="hits").reset_index()
    out = out.sort_values(["requests", *names], ascending=[False, *([True] * len(names))], kind="stable")
    return out.reset_index(drop=True)


def edge_traffic(logs: Any, *, by_hour: bool = False) -> pd.DataFrame:
    """Count requests, bytes, hit ratio and time percentiles per edge city (and hour) of CloudFront logs.

    Parameters
    ----------
    logs : pandas.DataFrame, iterable of pandas.DataFrame, dask.dataframe.DataFrame or LogReadResult
        As :func:`cloudgeo.io.read_cloudfront_logs` returns (``chunksize=`` gives the iterable:
        memory stays bounded by one chunk). Needs ``edge_city``, ``edge_country``,
        ``edge_lat``, ``edge_lon``, ``result_type``, ``bytes``, ``time_taken_s``,
        ``time_to_first_byte_s`` (and ``timestamp`` with ``by_hour``).
    by_hour : bool, default False
        Also split by UTC hour (``hour`` column).

    Returns
    -------
    pandas.DataFrame
        One row per edge city (and hour), most requests first: the keys, ``requests``,
        ``bytes`` [B], ``hit_ratio`` (share of requests with result type Hit or RefreshHit)
        [-], ``time_taken_p50_s``, ``time_taken_p90_s``, ``ttfb_p50_s``, ``ttfb_p90_s`` [s]:
        inverted-CDF percentiles (the smallest logged value with at least that share of
        requests at or below it) on the log's 1 ms grid; NaN where no request of the group
        logged that time (``-``). A dask input is computed (the table is small).

    Raises
    ------
    DataValidationError
        A needed column is missing, or no row.
    InvalidTypeError
        ``logs`` is not a frame or an iterable of frames.

    References
    ----------
    Amazon CloudFront Developer Guide, "Standard logging reference" (``x-edge-result-type``,
    ``time-taken``, ``time-to-first-byte``).
    Hyndman, R. J. and Fan, Y. (1996), "Sample quantiles in statistical packages", The
    American Statistician 50(4) (definition 1, the inverted empirical CDF).
    """
    return _aggregate(logs, check_bool(by_hour, "by_hour"))


def _edge_sites(traffic: pd.DataFrame) -> pd.DataFrame:
    sites = traffic[list(EDGE_KEYS)].copy()
    sites.index = pd.Index(
        [f"{c}, {k}" for c, k in zip(sites["edge_city"], sites["edge_country"], strict=True)]
    )
    sites = sites.rename(columns={"edge_lat": "lat", "edge_lon": "lon"})
    return sites[~sites.index.duplicated()]


def population_from_logs(logs: Any, *, min_population: int = 15000, as_of: object = None) -> pd.DataFrame:
    """Return the user population the logs reveal: each edge's requests spread over its catchment.

    An approximation: CloudFront logs name the edge that served a request, not where the
    viewer is. Each world city (:func:`cloudgeo.population.load_world_cities`) is put in the
    catchment of its great-circle-nearest edge location (the logs' edges and every edge of the
    catalogue, so a city nearer an edge the logs do not use is not attributed); an edge's
    requests are shared among its catchment's cities in proportion to their population. An
    edge with no city in its catchment keeps its requests at its own location.

    Parameters
    ----------
    logs : as :func:`edge_traffic`
    min_population : int, default 15000
        Smallest city considered. [people]
    as_of : date-like, optional
        Catalogue of edge locations used for the catchments.

    Returns
    -------
    pandas.DataFrame
        The form of :func:`cloudgeo.population.load_world_cities` (index ``city``; ``name``,
        ``country_code``, ``lat``, ``lon`` [deg], ``population`` [people], ``weight`` = the
        requests attributed [requests]) plus ``edge_city`` (the serving edge); rows with a
        positive weight only, so :func:`cloudgeo.optimize_placement` and
        :func:`cloudgeo.user_latency` take it as it is.

    Raises
    ------
    As :func:`edge_traffic`.
    """
    from cloudgeo.catalog import load_edge_locations
    from cloudgeo.geodesy import nearest_sites
    from cloudgeo.population import load_world_cities

    check_int(min_population, "min_population", minimum=15000)
    traffic = _aggregate(logs, False)
    sites = _edge_sites(traffic)
    requests = (
        pd.Series(traffic["requests"].to_numpy(dtype=np.float64), index=sites.index).groupby(level=0).sum()
    )
    catalog = load_edge_locations(as_of=as_of)
    known = set(zip(sites["lat"].round(4), sites["lon"].round(4), strict=True))
    extra = catalog[
        [(a, b) not in known for a, b in zip(catalog["lat"].round(4), catalog["lon"].round(4), strict=True)]
    ]
    others = pd.DataFrame(
        {"lat": extra["lat"].to_numpy(), "lon": extra["lon"].to_numpy()},
        index=pd.Index([f"catalog:{i}" for i in range(len(extra))]),
    )
    cities = load_world_cities(min_population=min_population)
    serving = nearest_sites(cities, pd.concat([sites[["lat", "lon"]], others]))["site"].astype(str)
    mine = serving.isin(sites.index)
    pop = cities["population"].to_numpy(dtype=np.float64)
    share = (
        pd.Series(np.where(mine, pop, 0.0), index=cities.index).groupby(serving.to_numpy()).transform("sum")
    )
    weight = np.where(mine, requests.reindex(serving).to_numpy() * pop / share.to_numpy(), 0.0)
    out = cities[["name", "country_code", "lat", "lon", "population"]].assign(
        weight=weight, edge_city=serving.to_numpy()
    )
    out = out[out["weight"] > 0]
    lonely = sites.index.difference(pd.Index(serving[mine].unique()))
    if len(lonely):
        codes = dict(zip(catalog["country"].astype(str), catalog["country_code"].astype(str), strict=False))
        rows = sites.loc[lonely]
        add = pd.DataFrame(
            {
                "name": rows["edge_city"].astype(str).to_numpy(),
                "country_code": [codes.get(str(c), "") for c in rows["edge_country"]],
                "lat": rows["lat"].to_numpy(dtype=np.float64),
                "lon": rows["lon"].to_numpy(dtype=np.float64),
                "population": np.zeros(len(rows), dtype=np.int64),
                "weight": requests.reindex(lonely).to_numpy(),
                "edge_city": lonely.to_numpy(),
            },
            index=pd.Index([f"edge:{x}" for x in lonely], name="city"),
        )
        out = pd.concat([out, add])
    out.index.name = "city"
    out.attrs["source"] = "CloudFront logs: requests per edge spread over its catchment by city population"
    return out


@dataclass(frozen=True)
class CdnLogComparison:
    """Measured time to first byte on misses beside the modelled edge -> REC -> origin fetch.

    Attributes
    ----------
    per_edge : pandas.DataFrame
        One row per edge city with misses: ``misses``, ``measured_ttfb_p50_ms`` (median
        time-to-first-byte of Miss requests, as the edge logs it) [ms], ``rec`` (the regional
        edge cache the model picks), ``rtt_edge_rec_ms``, ``rtt_rec_origin_ms``,
        ``modelled_fetch_ms`` (their sum: a miss at the edge and at the REC) [ms],
        ``fitted_ms`` and ``residual_ms`` (measured - fitted) [ms].
    origin_time_ms : float
        Intercept of the fit measured = origin_time + scale x modelled: the time the origin
        and the edge add beyond the network round trips. [ms]
    scale : float
        Slope of the fit: 1 when the model's round trips are right on average. [-]
    edges : int
        Edges in the fit (those with at least ``min_misses`` misses). [count]
    """

    per_edge: pd.DataFrame
    origin_time_ms: float
    scale: float
    edges: int


def compare_cdn_with_logs(
    logs: Any, origin_region: str, *, model: Any = None, min_misses: int = 20
) -> CdnLogComparison:
    """Check the CDN model against the logs: time to first byte on misses vs the modelled fetch.

    A Miss's ``time-to-first-byte`` is measured on the edge server, from the request to the
    first byte of the response, so it holds the edge -> regional edge cache -> origin fetch
    and the origin's own time, not the viewer's leg. For each edge city the model
    (:func:`miss_fetch_legs_ms`) gives the edge -> REC and REC -> origin round trips; a
    least-squares line over the edges, weighted by their
    misses, fits ``measured p50 = origin_time_ms + scale x (edge -> REC + REC -> origin)``.

    Parameters
    ----------
    logs : as :func:`edge_traffic`
    origin_region : str
        Region code of the distribution's origin (e.g. ``"us-east-1"``).
    model : str or LatencyModel, optional
        Latency model (default ``"calibrated"``).
    min_misses : int, default 20
        Edges with fewer misses are shown but not fitted. [count]

    Returns
    -------
    CdnLogComparison

    Raises
    ------
    DataValidationError
        Fewer than two edges with ``min_misses`` misses (nothing to fit), or as
        :func:`edge_traffic`.
    UnknownRegionError
        ``origin_region`` is unknown.

    References
    ----------
    Amazon CloudFront Developer Guide, "Standard logging reference" (``time-to-first-byte``:
    measured on the server) and "How CloudFront delivers content" (regional edge caches).
    """
    check_int(min_misses, "min_misses", minimum=1)
    misses = _aggregate(logs, False, ("Miss",))
    sites = _edge_sites(misses)
    cdn = miss_fetch_legs_ms(sites[["lat", "lon"]], origin_region, model=model)
    table = pd.DataFrame(
        {
            "edge_city": misses["edge_city"].to_numpy(),
            "edge_country": misses["edge_country"].to_numpy(),
            "misses": misses["requests"].to_numpy(),
            "measured_ttfb_p50_ms": misses["ttfb_p50_s"].to_numpy() * 1000.0,
            "rec": cdn["rec"].astype(str).to_numpy(),
            "rtt_edge_rec_ms": cdn["rtt_edge_rec_ms"].to_numpy(),
            "rtt_rec_origin_ms": cdn["rtt_rec_origin_ms"].to_numpy(),
        }
    )
    table["modelled_fetch_ms"] = table["rtt_edge_rec_ms"] + table["rtt_rec_origin_ms"]
    use = (table["misses"] >= min_misses) & table["measured_ttfb_p50_ms"].notna()
    if use.sum() < 2:
        problem = f"{int(use.sum())} edge(s) with >= {min_misses} misses and a logged time-to-first-byte"
        raise DataValidationError(
            "logs", [problem + "; the fit needs two (lower min_misses or read more logs)"]
        )
    x = table.loc[use, "modelled_fetch_ms"].to_numpy()
    y = table.loc[use, "measured_ttfb_p50_ms"].to_numpy()
    w = np.sqrt(table.loc[use, "misses"].to_numpy(dtype=np.float64))
    slope, intercept = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]) * w[:, None], y * w, rcond=None)[
        0
    ]
    table["fitted_ms"] = intercept + slope * table["modelled_fetch_ms"]
    table["residual_ms"] = table["measured_ttfb_p50_ms"] - table["fitted_ms"]
    return CdnLogComparison(
        per_edge=table, origin_time_ms=float(intercept), scale=float(slope), edges=int(use.sum())
    )


def miss_fetch_legs_ms(edges: pd.DataFrame, origin_region: str, *, model: Any = None) -> pd.DataFrame:
    """Return the round trips of a miss fetched from the origin: edge -> regional edge cache -> origin.

    Each edge fetches from its lowest-RTT regional edge cache (REC); the REC fetches from the
    origin region (the intra-region RTT when the REC is in that region). Site-to-site RTTs of
    :func:`cloudgeo.latency.rtt_matrix_ms` (no viewer access term), as
    :func:`cloudgeo.latency.cdn_ttfb_ms` uses for these two legs.

    Parameters
    ----------
    edges : pandas.DataFrame
        Edge locations with ``lat``, ``lon`` [deg]; the index labels the rows.
    origin_region : str
        Region code of the origin.
    model : str or LatencyModel, optional
        Latency model (default ``"calibrated"``).

    Returns
    -------
    pandas.DataFrame
        Aligned with ``edges``: ``rec`` (REC id), ``rtt_edge_rec_ms``, ``rtt_rec_origin_ms`` [ms].

    Raises
    ------
    UnknownRegionError
        ``origin_region`` is unknown.
    DataValidationError, InvalidTypeError
        Bad coordinates or a table without ``lat``/``lon``.

    References
    ----------
    Amazon CloudFront Developer Guide, "How CloudFront delivers content" (regional edge caches).
    """
    from cloudgeo.catalog import get_regions, load_regional_edge_caches
    from cloudgeo.latency import rtt_matrix_ms

    if not isinstance(origin_region, str):
        msg = f"origin_region must be a region code (str), got {origin_region!r}."
        raise InvalidTypeError(msg)
    origin = get_regions([origin_region])
    recs = load_regional_edge_caches()
    to_rec = rtt_matrix_ms(edges, recs[["lat", "lon"]], model=model)
    pos = np.argmin(to_rec.to_numpy(), axis=1)
    chosen = recs.iloc[pos]
    rec_origin = rtt_matrix_ms(
        chosen[["lat", "lon"]].reset_index(drop=True), origin[["lat", "lon"]], model=model
    )
    intra = float(rtt_matrix_ms([origin_region], [origin_region], model=model).to_numpy()[0, 0])
    same = chosen["region"].astype(str).to_numpy() == origin_region
    return pd.DataFrame(
        {
            "rec": np.asarray(recs.index)[pos],
            "rtt_edge_rec_ms": to_rec.to_numpy()[np.arange(len(pos)), pos],
            "rtt_rec_origin_ms": np.where(same, intra, rec_origin.to_numpy()[:, 0]),
        },
        index=edges.index.copy(),
    )
