"""Time to first byte through CloudFront: user -> edge -> regional edge cache -> origin.

Owns :func:`cdn_ttfb_breakdown_ms` (the expected TTFB of a request given its three legs' RTTs
and the hit ratios), :func:`cdn_ttfb_ms` (per user, with each user's serving edge and each
edge's REC) and :func:`cdn_summary`. Connection set-up costs ``N_SETUP_RTTS`` round trips
(TCP + TLS) on the viewer leg; a miss adds the next leg's round trip [6].

References
----------
.. [6] Amazon CloudFront Developer Guide, "How CloudFront delivers content" and "Regional edge
   caches" (request path edge -> regional edge cache -> origin).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cloudgeo._validate import (
    check_choice,
    check_fraction,
    check_nonnegative,
    points_arrays,
    require_unique_index,
)
from cloudgeo.errors import (
    InvalidInputError,
    InvalidTypeError,
)
from cloudgeo.latency.model import (
    N_SETUP_RTTS,
    STATS,
    FloatArray,
    LatencyModel,
    _path_km_matrix,
    _path_km_pairs,
    _rtt_of_path,
    get_model,
)
from cloudgeo.latency.users import SELECTS, _float_array, latency_summary, user_latency

__all__ = [
    "cdn_summary",
    "cdn_ttfb_breakdown_ms",
    "cdn_ttfb_ms",
]

# --------------------------------------------------------------------------------------------
# CDN request path
# --------------------------------------------------------------------------------------------


def cdn_ttfb_breakdown_ms(
    rtt_user_edge_ms: Any,
    rtt_edge_rec_ms: Any,
    rtt_rec_origin_ms: Any,
    *,
    edge_hit_ratio: float = 0.9,
    rec_hit_ratio: float = 0.8,
    tls: str = "1.3",
    origin_time_ms: float = 0.0,
) -> dict[str, Any]:
    """Time to first byte through a CDN from the three leg RTTs.

    ``TTFB = n_setup RTT_ue + RTT_ue + (1 - h_edge) [RTT_e->rec + (1 - h_rec)(RTT_rec->o +
    t_origin)]`` with ``n_setup = 1 (TCP) + {2 TLS 1.2 | 1 TLS 1.3}`` and 0 for a reused
    connection (no TCP or TLS handshake); the edge keeps
    warm connections to the REC and origin (one RTT per leg).

    Parameters
    ----------
    rtt_user_edge_ms, rtt_edge_rec_ms, rtt_rec_origin_ms : float or array-like
        Round-trip times of the three legs. [ms]
    edge_hit_ratio, rec_hit_ratio : float
        Cache hit ratios at the edge and at the regional edge cache (0-1). [-]
    tls : {"1.2", "1.3", "reused"}
        Handshake with the viewer.
    origin_time_ms : float, default 0
        Origin processing time. [ms]

    Returns
    -------
    dict
        ``hit_ms``, ``rec_hit_ms``, ``miss_ms`` (double miss) and ``ttfb_ms`` (expected). [ms]

    Raises
    ------
    InvalidInputError
        If a leg RTT is not numeric, NaN, infinite or negative (the bad values are shown), the
        legs' shapes do not broadcast, a hit ratio is not a fraction or ``tls`` is unknown.

    References
    ----------
    RFC 9293 (TCP), RFC 8446 (TLS 1.3), Grigorik (2013) (TLS 1.2, two round trips); CloudFront
    Developer Guide (How CloudFront delivers content; regional edge caches).
    """
    h_e = check_fraction(edge_hit_ratio, "edge_hit_ratio")
    h_r = check_fraction(rec_hit_ratio, "rec_hit_ratio")
    check_choice(tls, "tls", tuple(N_SETUP_RTTS))
    t_o = check_nonnegative(origin_time_ms, "origin_time_ms", "ms")
    n_setup = N_SETUP_RTTS[tls]
    ue = _leg_rtt(rtt_user_edge_ms, "rtt_user_edge_ms")
    er = _leg_rtt(rtt_edge_rec_ms, "rtt_edge_rec_ms")
    ro = _leg_rtt(rtt_rec_origin_ms, "rtt_rec_origin_ms")
    try:
        np.broadcast_shapes(ue.shape, er.shape, ro.shape)
    except ValueError:
        msg = (
            f"the leg RTTs have shapes {ue.shape}, {er.shape}, {ro.shape} that do not broadcast; "
            "pass arrays of equal length or scalars."
        )
        raise InvalidInputError(msg) from None
    hit = (n_setup + 1) * ue
    rec_hit = hit + er
    miss = rec_hit + ro + t_o
    ttfb = hit + (1 - h_e) * (er + (1 - h_r) * (ro + t_o))

    def _out(x: Any) -> Any:
        return float(x) if np.ndim(x) == 0 else x

    return {"hit_ms": _out(hit), "rec_hit_ms": _out(rec_hit), "miss_ms": _out(miss), "ttfb_ms": _out(ttfb)}


def _leg_rtt(value: object, name: str) -> FloatArray:
    """Return a leg RTT as a float array, finite and >= 0, or raise showing the bad values."""
    arr = _float_array(value, name)
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(arr) & (arr >= 0))
    if bad.any():
        shown = ", ".join(repr(float(x)) for x in np.atleast_1d(arr)[np.atleast_1d(bad)][:5])
        msg = (
            f"{name} must be finite and >= 0 ms, got {shown}: a round-trip time is never negative or missing."
        )
        raise InvalidInputError(msg)
    return arr


def cdn_ttfb_ms(
    users: pd.DataFrame,
    origin_region: str,
    *,
    edge_hit_ratio: float = 0.9,
    rec_hit_ratio: float = 0.8,
    tls: str = "1.3",
    model: str | LatencyModel | None = None,
    edges: pd.DataFrame | None = None,
    recs: pd.DataFrame | None = None,
    origin_time_ms: float = 0.0,
    stat: str = "p50",
    select: str = "rtt",
) -> pd.DataFrame:
    """Compute the expected time to first byte per user through CloudFront and direct to the origin.

    User -> edge location (with the access term), edge -> regional edge cache (REC), REC ->
    origin region; see :func:`cdn_ttfb_breakdown_ms` for the formula. By default
    (``select="rtt"``) each user is served by its lowest-RTT edge (as :func:`user_latency`,
    exact) and each edge fetches from its lowest-RTT REC (all edge-REC pairs are evaluated);
    ``select="distance"`` takes the great-circle-nearest edge and REC instead.

    Parameters
    ----------
    users : pandas.DataFrame
        ``lat``, ``lon`` [deg], optional ``weight``.
    origin_region : str
        Region code of the origin (e.g. ``"us-east-1"``).
    edge_hit_ratio, rec_hit_ratio : float
        Hit ratios (0-1). [-]
    tls : {"1.2", "1.3", "reused"}
        Viewer handshake.
    model : str, LatencyModel or None
        Latency model (default ``"calibrated"``).
    edges, recs : pandas.DataFrame, optional
        Edge locations and RECs (``lat``, ``lon``); default from :mod:`cloudgeo.catalog`. [deg]
    origin_time_ms : float, default 0
        Origin processing time. [ms]
    stat : {"p50", "p90"}
        Statistic of the leg RTTs (with ``select="rtt"`` it also picks edge and REC).
    select : {"rtt", "distance"}
        Choose the edge and the REC by lowest RTT (default) or by great-circle distance.

    Returns
    -------
    pandas.DataFrame
        Aligned with ``users``: ``edge``, ``rec``, ``rtt_user_edge_ms``, ``rtt_edge_rec_ms``,
        ``rtt_rec_origin_ms``, ``hit_ms``, ``rec_hit_ms``, ``miss_ms``, ``ttfb_ms`` (expected),
        ``direct_ttfb_ms`` (= (n_setup + 1) x RTT user -> origin, no CDN) [ms], and ``weight``
        when given.

    Raises
    ------
    UnknownRegionError
        If ``origin_region`` is unknown.
    InvalidInputError
        If ``stat``, ``select``, ``tls`` or a hit ratio is not valid (the message says which).

    References
    ----------
    Amazon CloudFront Developer Guide, "How CloudFront delivers content" (viewers are routed
    to the edge location that can best serve them, typically the lowest-latency one) and
    "Regional edge caches".
    """
    from cloudgeo import catalog

    m = get_model(model)
    check_choice(stat, "stat", STATS)
    check_choice(select, "select", SELECTS)
    if not isinstance(origin_region, str):
        msg = f"origin_region must be a region code (str), got {origin_region!r}."
        raise InvalidTypeError(msg)
    origin = catalog.get_regions([origin_region])
    edges = catalog.load_edge_locations() if edges is None else edges
    recs = catalog.load_regional_edge_caches() if recs is None else recs
    _check_site_tables(edges, recs)
    ue = user_latency(users, edges, model=m, stat=stat, select=select)
    o_lat = float(origin["lat"].iloc[0])
    o_lon = float(origin["lon"].iloc[0])
    legs = _user_legs(m, ue, edges, recs, origin_region, (o_lat, o_lon), stat, select)
    parts = cdn_ttfb_breakdown_ms(
        legs["rtt_user_edge_ms"],
        legs["rtt_edge_rec_ms"],
        legs["rtt_rec_origin_ms"],
        edge_hit_ratio=edge_hit_ratio,
        rec_hit_ratio=rec_hit_ratio,
        tls=tls,
        origin_time_ms=origin_time_ms,
    )
    la, lo, _ = points_arrays(users, source="users")
    direct = _to_origin_rtt_ms(m, la, lo, (o_lat, o_lon), stat) + m.user_access_rtt_ms
    n_setup = N_SETUP_RTTS[tls]
    out = pd.DataFrame(
        {
            **legs,
            "hit_ms": parts["hit_ms"],
            "rec_hit_ms": parts["rec_hit_ms"],
            "miss_ms": parts["miss_ms"],
            "ttfb_ms": parts["ttfb_ms"],
            "direct_ttfb_ms": (n_setup + 1) * direct + check_nonnegative(origin_time_ms, "origin_time_ms"),
        },
        index=users.index.copy(),
    )
    if "weight" in ue.columns:
        out["weight"] = ue["weight"].to_numpy()
    out.attrs.update(
        {"quantity": "time to first byte", "unit": "ms", "stat": stat, "model": m.name, "tls": tls}
    )
    return out


def _user_legs(
    m: LatencyModel,
    ue: pd.DataFrame,
    edges: pd.DataFrame,
    recs: pd.DataFrame,
    origin_region: str,
    origin: tuple[float, float],
    stat: str,
    select: str,
) -> dict[str, Any]:
    """Per user (rows of ``ue``, :func:`user_latency` to the edges): edge, REC and the three legs' RTTs."""
    used = pd.Index(pd.unique(ue["site"]))  # every used edge -> its REC (computed once per edge)
    legs = _edge_rec_legs(m, edges, recs, used, stat, select)
    rec_o = _to_origin_rtt_ms(m, legs.rec_lat, legs.rec_lon, origin, stat)
    same_region = np.asarray(legs.rec.astype(str)) == origin_region
    rec_o = np.where(same_region, m.stat_params(stat)[2], rec_o)
    edge_to_row = used.get_indexer(pd.Index(ue["site"]))
    return {
        "edge": ue["site"].to_numpy(),
        "rec": np.asarray(legs.rec)[edge_to_row],
        "rtt_user_edge_ms": ue["rtt_ms"].to_numpy(),
        "rtt_edge_rec_ms": legs.rtt_ms[edge_to_row],
        "rtt_rec_origin_ms": rec_o[edge_to_row],
    }


def _check_site_tables(edges: object, recs: object) -> None:
    """Edge and REC tables given as DataFrames need unique labels (the result names them)."""
    for table, what in ((edges, "edges"), (recs, "recs")):
        if isinstance(table, pd.DataFrame):
            require_unique_index(table, source=what)


def _to_origin_rtt_ms(
    m: LatencyModel, lat: FloatArray, lon: FloatArray, origin: tuple[float, float], stat: str
) -> FloatArray:
    """RTT [ms] from each point to the origin (no access term, no same-region rule)."""
    o_lat, o_lon = origin
    return _rtt_of_path(
        m, _path_km_pairs(m, lat, lon, np.full_like(lat, o_lat), np.full_like(lon, o_lon)), stat
    )


@dataclass(frozen=True)
class _EdgeRecLegs:
    """Each used edge's regional edge cache, the edge -> REC RTT and the REC's location."""

    rec: pd.Series  # REC label per used edge
    rtt_ms: FloatArray  # edge -> REC [ms]
    rec_lat: FloatArray  # [deg]
    rec_lon: FloatArray  # [deg]


def _edge_rec_legs(
    m: LatencyModel, edges: pd.DataFrame, recs: pd.DataFrame, used: pd.Index, stat: str, select: str
) -> _EdgeRecLegs:
    """Give each used edge its REC: lowest RTT over every REC (``select="rtt"``) or nearest."""
    edge_lat = edges["lat"].to_numpy(dtype=float)
    edge_lon = edges["lon"].to_numpy(dtype=float)
    epos = edges.index.get_indexer(used)
    e_tbl = pd.DataFrame({"lat": edge_lat[epos], "lon": edge_lon[epos]}, index=used)
    if select == "rtt":
        rl, ro_, _ = points_arrays(recs, source="recs")
        all_rtt = _rtt_of_path(
            m, _path_km_matrix(m, e_tbl["lat"].to_numpy(), e_tbl["lon"].to_numpy(), rl, ro_), stat
        )
        rpos = np.argmin(all_rtt, axis=1)
        e_rec = pd.DataFrame({"site": np.asarray(recs.index)[rpos]}, index=used)
        e_rec_rtt = all_rtt[np.arange(len(used)), rpos]
    else:
        from cloudgeo.geodesy import nearest_sites

        e_rec = nearest_sites(e_tbl, recs)
        rpos = recs.index.get_indexer(pd.Index(e_rec["site"]))
    r_lat = recs["lat"].to_numpy(dtype=float)[rpos]
    r_lon = recs["lon"].to_numpy(dtype=float)[rpos]
    if select != "rtt":
        e_rec_rtt = _rtt_of_path(
            m, _path_km_pairs(m, e_tbl["lat"].to_numpy(), e_tbl["lon"].to_numpy(), r_lat, r_lon), stat
        )
    return _EdgeRecLegs(e_rec["site"], e_rec_rtt, r_lat, r_lon)


def cdn_summary(cdn_df: pd.DataFrame, *, thresholds_ms: Sequence[float] = (100, 200)) -> pd.DataFrame:
    """Weighted summary of :func:`cdn_ttfb_ms`: through the CDN vs direct to the origin.

    Parameters
    ----------
    cdn_df : pandas.DataFrame
        Output of :func:`cdn_ttfb_ms`.
    thresholds_ms : sequence of float, default (100, 200)
        TTFB thresholds. [ms]

    Returns
    -------
    pandas.DataFrame
        Columns ``cdn`` and ``direct``; rows as in :func:`latency_summary`. [ms]
    """
    return pd.DataFrame(
        {
            "cdn": latency_summary(cdn_df, thresholds_ms=thresholds_ms, column="ttfb_ms"),
            "direct": latency_summary(cdn_df, thresholds_ms=thresholds_ms, column="direct_ttfb_ms"),
        }
    )
