"""CloudFront price classes: which edge locations each holds and the latency each gives.

A CloudFront distribution's price class limits the edge locations that serve it:
``PriceClass_100`` (North America, Europe and Israel), ``PriceClass_200`` (adds Africa, the
Middle East, Japan, India and most of Asia) and ``PriceClass_All`` (adds South America,
Australia and New Zealand). Viewers outside a class are served by the lowest-latency edge
location inside it. The shipped ``data/cloudfront_price_classes.csv`` maps each country of the
edge-location catalogue to its CloudFront pricing region and the smallest class holding it.
This module owns that table, the edges of each class and the time to first byte (TTFB) each
class gives each user group (continents by default), through
:func:`cloudgeo.latency.cdn_ttfb_ms`.

References
----------
Amazon CloudFront Developer Guide, "Choosing the price class for a CloudFront distribution"
(table of pricing regions by price class); AWS CDK v2 API reference, ``aws_cloudfront.PriceClass``
(Nigeria, Egypt, Türkiye, Malaysia and Vietnam in PriceClass_200). See ``data/SOURCES.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cloudgeo._data import data_path
from cloudgeo._validate import check_choice, require_columns
from cloudgeo.errors import DataFileError, DataValidationError, InvalidInputError, InvalidTypeError

__all__ = [
    "CONTINENT_NAMES",
    "PRICE_CLASSES",
    "PriceClassLatency",
    "edges_in_price_class",
    "load_price_classes",
    "price_class_latency",
    "user_continents",
]

PRICE_CLASSES: tuple[str, ...] = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
"""CloudFront's price classes, smallest first (the API's ``PriceClass`` values)."""

_CLASS_RANK = {"100": 0, "200": 1, "All": 2, "none": 3}
_FILE = "cloudfront_price_classes.csv"

CONTINENT_NAMES: dict[str, str] = {
    "AF": "Africa",
    "AN": "Antarctica",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "OC": "Oceania",
    "SA": "South America",
}
"""GeoNames continent codes -> names (the user groups of :func:`price_class_latency`)."""


@functools.lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    path = data_path(_FILE)
    try:
        raw = pd.read_csv(path, keep_default_na=False, dtype=str)
    except (OSError, ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataFileError(_FILE, [f"could not read {path}: {exc}"]) from None
    cols = ["country_code", "country", "pricing_region", "smallest_price_class", "source"]
    missing = [c for c in cols if c not in raw.columns]
    problems = [f"missing column(s) {missing}"] if missing else []
    if not missing:
        bad = sorted(set(raw["smallest_price_class"]) - set(_CLASS_RANK))
        if bad:
            problems.append(f"smallest_price_class must be one of {sorted(_CLASS_RANK)}, got {bad}")
        if raw["country_code"].duplicated().any():
            problems.append("duplicate country_code(s)")
    if problems:
        source = f"shipped data file {_FILE}"
        raise DataFileError(source, problems)
    df = raw[cols].set_index("country_code")
    rank = df["smallest_price_class"].map(_CLASS_RANK)
    for i, name in enumerate(PRICE_CLASSES):
        df[name] = rank <= i
    return df


def load_price_classes() -> pd.DataFrame:
    """Return the countries of CloudFront's edge locations and the price classes holding them.

    Returns
    -------
    pandas.DataFrame
        Indexed by ISO 3166-1 alpha-2 ``country_code``. Columns ``country``,
        ``pricing_region`` (CloudFront's pricing region), ``smallest_price_class`` (``"100"``,
        ``"200"``, ``"All"``, or ``"none"`` for mainland China, served by the separate
        CloudFront in the China regions), ``source`` (``DG`` Developer Guide table, ``CDK``
        AWS CDK v2 reference, ``CN`` China note) and one boolean column per price class
        (``PriceClass_100``, ``PriceClass_200``, ``PriceClass_All``). [-]

    References
    ----------
    Amazon CloudFront Developer Guide, "Choosing the price class for a CloudFront
    distribution"; see ``data/SOURCES.md``.
    """
    return _table().copy()


def edges_in_price_class(price_class: str, edges: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the edge locations a distribution of ``price_class`` is served from.

    Parameters
    ----------
    price_class : {"PriceClass_100", "PriceClass_200", "PriceClass_All"}
        The distribution's price class.
    edges : pandas.DataFrame, optional
        Edge locations with a ``country_code`` column (default: the newest list,
        :func:`cloudgeo.catalog.load_edge_locations`).

    Returns
    -------
    pandas.DataFrame
        The rows of ``edges`` in that class (a copy). [-]

    Raises
    ------
    InvalidInputError
        ``price_class`` is not one of :data:`PRICE_CLASSES`.
    DataValidationError
        ``edges`` lacks ``country_code`` or holds a country the price-class table does not
        know (the codes are listed).
    """
    from cloudgeo import catalog

    check_choice(price_class, "price_class", PRICE_CLASSES)
    edges = catalog.load_edge_locations() if edges is None else edges
    if not isinstance(edges, pd.DataFrame):
        msg = f"edges must be a DataFrame of edge locations, got {type(edges).__name__}."
        raise InvalidTypeError(msg)
    require_columns(edges, ["country_code"], source="edges")
    table = _table()
    codes = edges["country_code"].astype(str)
    unknown = sorted(set(codes) - set(table.index))
    if unknown:
        msg = (
            f"countries without a CloudFront price class: {', '.join(unknown)}; "
            f"add them to {_FILE} (see data/SOURCES.md) or drop those edges"
        )
        raise DataValidationError("edges", [msg])
    return edges[codes.map(table[price_class]).to_numpy(dtype=bool)].copy()


def user_continents(users: pd.DataFrame) -> pd.Series:
    """Return each user's continent name from its ``country_code`` (GeoNames continents).

    Parameters
    ----------
    users : pandas.DataFrame
        Users with a ``country_code`` column (e.g. :func:`cloudgeo.population.load_world_cities`).

    Returns
    -------
    pandas.Series
        Continent name per user, aligned with ``users``. [-]

    Raises
    ------
    DataValidationError
        ``country_code`` is missing, or holds codes the country table does not know (listed).
    """
    from cloudgeo import population

    require_columns(users, ["country_code"], source="users")
    countries = population.load_country_population()
    codes = users["country_code"].astype(str)
    unknown = sorted(set(codes) - set(countries.index))
    if unknown:
        msg = f"unknown country codes {', '.join(unknown[:10])}; use ISO 3166-1 alpha-2 codes"
        raise DataValidationError("users", [msg])
    cont = codes.map(countries["continent"]).map(CONTINENT_NAMES)
    return pd.Series(cont.to_numpy(), index=users.index, name="continent")


@dataclass(frozen=True)
class PriceClassLatency:
    """TTFB each CloudFront price class gives each user group (from :func:`price_class_latency`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per user group (index ``group``): ``user_share`` [fraction of the weight],
        ``direct_ms`` (weighted mean TTFB straight to the origin, no CDN) and one column per
        price class (weighted mean TTFB through CloudFront) [ms].
    p90 : pandas.DataFrame
        Same layout, weighted 90th percentiles instead of means. [ms]
    edges : dict of str to int
        Edge-location cities in each price class. [count]
    origin_region : str
        The origin's region code.
    """

    table: pd.DataFrame
    p90: pd.DataFrame
    edges: dict[str, int]
    origin_region: str


def _weighted(values: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    from cloudgeo import latency

    mean = float(np.average(values, weights=weights))
    return mean, float(latency.weighted_quantile(values, 0.9, weights=weights))


def price_class_latency(
    users: pd.DataFrame,
    origin_region: str = "us-east-1",
    *,
    price_classes: Sequence[str] = PRICE_CLASSES,
    groups: pd.Series | None = None,
    edges: pd.DataFrame | None = None,
    edge_hit_ratio: float = 0.9,
    rec_hit_ratio: float = 0.8,
) -> PriceClassLatency:
    """Compute the TTFB each price class gives each user group, beside the direct path.

    Parameters
    ----------
    users : pandas.DataFrame
        ``lat``, ``lon`` [deg], optional ``weight``; with ``country_code`` when ``groups`` is
        omitted.
    origin_region : str, default "us-east-1"
        Region code of the origin (e.g. the S3 bucket's region).
    price_classes : sequence of str, default all three
        Classes to evaluate, from :data:`PRICE_CLASSES`.
    groups : pandas.Series, optional
        Group label per user (aligned with ``users``); default :func:`user_continents`.
    edges : pandas.DataFrame, optional
        Edge locations (default: the newest list).
    edge_hit_ratio, rec_hit_ratio : float, default 0.9, 0.8
        Cache hit ratios at the edge and the regional edge cache, as in
        :func:`cloudgeo.latency.cdn_ttfb_ms`. [fraction]

    Returns
    -------
    PriceClassLatency
        Weighted mean and p90 TTFB per group and class, and the edge count per class; a
        group whose users all weigh 0 has no row. [ms]

    Raises
    ------
    InvalidInputError
        An unknown or repeated price class, an empty ``price_classes``, or ``groups`` not
        aligned with ``users``; plus the errors of :func:`cloudgeo.latency.cdn_ttfb_ms`.

    Notes
    -----
    Each user is served by the edge of the class with the lowest viewer -> edge RTT, as
    CloudFront routes a viewer to the edge location with the lowest latency *to the viewer*:
    the choice does not look at the edge's regional edge cache (REC) or the origin fetch [1]_.
    Each edge then fetches misses through its lowest-RTT REC. A larger class holds every edge of
    a smaller one, so what a larger class guarantees is a viewer leg that is never longer: per
    user, the hit time ``(n_setup + 1) x RTT_user->edge`` never grows, and at
    ``edge_hit_ratio=1`` no mean or p90 grows. The miss path is *not* monotone: the extra edge
    that wins the viewer by a few ms can sit far behind its REC (e.g. a viewer at 2 N, 15 W
    moves from Lisbon, 27 ms from the London REC, to Lagos, 72 ms from it), so with misses a
    larger class can be slower for some users and, slightly, for a group's mean.
    ``groups`` only labels users for the averages; the edges are chosen from ``lat``, ``lon``.

    References
    ----------
    .. [1] Amazon CloudFront Developer Guide, "How CloudFront delivers content" (requests are
       routed to the edge location with the lowest latency) and "Regional edge caches".
    """
    from cloudgeo import catalog, latency

    if isinstance(price_classes, str) or not isinstance(price_classes, Sequence) or not price_classes:
        allowed = ", ".join(PRICE_CLASSES)
        msg = f"price_classes must be a non-empty sequence of {allowed}; got {price_classes!r}."
        raise InvalidInputError(msg)
    classes = [check_choice(c, "price_classes item", PRICE_CLASSES) for c in price_classes]
    if len(set(classes)) != len(classes):
        msg = f"price_classes repeats a class: {classes}."
        raise InvalidInputError(msg)
    edges = catalog.load_edge_locations() if edges is None else edges
    labels = user_continents(users) if groups is None else groups
    if not isinstance(labels, pd.Series) or len(labels) != len(users) or not labels.index.equals(users.index):
        msg = "groups must be a pandas Series aligned with users (same index), one label per user."
        raise InvalidInputError(msg)
    weights = users["weight"].to_numpy(dtype=float) if "weight" in users.columns else np.ones(len(users))
    group_values = labels.astype(str).to_numpy()
    names = sorted(pd.unique(group_values))
    ttfb: dict[str, np.ndarray] = {}
    counts: dict[str, int] = {}
    direct: np.ndarray | None = None
    for name in classes:
        subset = edges_in_price_class(name, edges)
        counts[name] = len(subset)
        out = latency.cdn_ttfb_ms(
            users, origin_region, edges=subset, edge_hit_ratio=edge_hit_ratio, rec_hit_ratio=rec_hit_ratio
        )
        ttfb[name] = out["ttfb_ms"].to_numpy(dtype=float)
        direct = out["direct_ttfb_ms"].to_numpy(dtype=float)
    assert direct is not None  # classes is non-empty
    total = float(weights.sum())
    mean_rows: dict[str, dict[str, float]] = {}
    p90_rows: dict[str, dict[str, float]] = {}
    for g in names:
        mask = group_values == g
        w = weights[mask]
        share = float(w.sum()) / total if total > 0 else 0.0
        if float(w.sum()) <= 0:
            continue
        d_mean, d_p90 = _weighted(direct[mask], w)
        mean_rows[g] = {"user_share": share, "direct_ms": d_mean}
        p90_rows[g] = {"user_share": share, "direct_ms": d_p90}
        for name in classes:
            mean_rows[g][name], p90_rows[g][name] = _weighted(ttfb[name][mask], w)
    table = pd.DataFrame.from_dict(mean_rows, orient="index")
    p90 = pd.DataFrame.from_dict(p90_rows, orient="index")
    table.index.name = p90.index.name = "group"
    return PriceClassLatency(table=table, p90=p90, edges=counts, origin_region=origin_region)
