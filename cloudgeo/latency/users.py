"""End users to their serving site: the lowest-RTT (or nearest) site of each user and its RTT.

Owns :func:`user_latency` (each user's serving site and RTT, exact lowest-RTT selection by
default), :func:`user_rtt_matrix_ms` (every user to every site), :func:`latency_summary` and
:func:`weighted_quantile` (population-weighted summaries). Backbone models add the per-country
end-user terms of :mod:`cloudgeo.latency.enduser` (access, ingress hub, end-user stretch);
great-circle models add the access RTT of ``model.access``. Users far from every site reach
the backbone at their ingress hub, so the choice of site runs over routed distances.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import (
    check_choice,
    check_thresholds,
    numeric_array,
    points_arrays,
    require_columns,
    require_unique_index,
)
from cloudgeo.errors import (
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
)
from cloudgeo.geodesy import EARTH_RADIUS_KM, chord_to_km, unit_vectors_trusted
from cloudgeo.latency.model import STATS, FloatArray, LatencyModel, _backbone, _path_km_matrix, get_model
from cloudgeo.latency.pairs import _table_or_codes, rtt_matrix_ms

if TYPE_CHECKING:
    from cloudgeo.latency.backbone import Backbone


__all__ = [
    "RTT_CANDIDATES",
    "SELECTS",
    "latency_summary",
    "user_latency",
    "user_rtt_matrix_ms",
    "weighted_quantile",
]


def user_rtt_matrix_ms(
    users: pd.DataFrame,
    sites: object,
    *,
    model: str | LatencyModel | None = None,
    stat: str = "p50",
) -> pd.DataFrame:
    """RTT every user sees to every site, including the access term.

    The same round trip :func:`user_latency` reports for a user's site (backbone models: the
    per-country end-user terms of :mod:`cloudgeo.enduser`; great-circle models:
    :func:`rtt_matrix_ms` plus the model's access RTT), for all sites at once; this is the cost
    matrix of :func:`cloudgeo.placement.optimize_placement`.

    Parameters
    ----------
    users : pandas.DataFrame
        End users with ``lat``, ``lon`` (index labels the rows) [deg] and optionally
        ``country_code`` (ISO-2; default the nearest shipped city's country).
    sites : pandas.DataFrame or sequence of str
        Sites with ``lat``, ``lon`` (index labels the columns) or region codes. [deg]
    model : str, LatencyModel or None
        Default ``"calibrated"``; its ``access`` technology sets the last-mile term
        (``"physics"`` has none).
    stat : {"p50", "p90"}
        Statistic.

    Returns
    -------
    pandas.DataFrame
        Round-trip times including the access RTT, shape (len(users), len(sites)). [ms]

    Raises
    ------
    UnknownRegionError, DataValidationError, InvalidTypeError
        On unknown codes, bad coordinates or wrong types.
    UnknownNameError, InvalidInputError
        On unknown, retired or malformed ``country_code`` values (NaN: DataValidationError).
    """
    m = get_model(model)
    if not isinstance(users, pd.DataFrame):
        msg = f"users must be a pandas DataFrame with lat, lon columns, got {type(users).__name__}."
        raise InvalidTypeError(msg)
    out = rtt_matrix_ms(users, sites, model=m, stat=stat)
    if m.routing == "backbone":
        from cloudgeo.latency.enduser import user_terms

        la, lo, _ = points_arrays(users, source="users")
        s = _table_or_codes(sites, "sites")
        terms = user_terms(users, m)
        path = _path_km_matrix(m, la, lo, s.lat, s.lon)
        rows = np.flatnonzero(terms.hub >= 0)
        if rows.size:
            from cloudgeo.latency.enduser import site_countries

            legs = _hub_legs(m, terms.hub[rows], la[rows], lo[rows], s.lat, s.lon)
            # a site in the user's own country is also reached directly (domestic traffic)
            home = terms.country[rows, None] == site_countries(s.lat, s.lon)[None, :]
            via = legs.leg_km[:, None] + legs.per_hub_km[legs.row]
            path[rows] = np.where(home, np.minimum(path[rows], via), via)
        stretch, _, intra = m.stat_params(stat)
        rtt = path * (terms.stretch * stretch / m.stretch * 2.0 / (m.fibre_speed_km_s / 1000.0))
        rtt += intra + terms.access_ms[:, None]
        out.iloc[:, :] = rtt
        out.attrs["access_rtt_ms"] = "per country (cloudgeo.enduser)"
        return out
    access = m.user_access_rtt_ms
    if access:
        out += access
    out.attrs["access_rtt_ms"] = access
    return out


@dataclass(frozen=True)
class _HubLegs:
    """The legs of users whose traffic enters the backbone at an ingress hub."""

    leg_km: FloatArray  # user -> hub (great circle x attach factor)
    per_hub_km: FloatArray  # route from each used hub to every site, shape (used hubs, sites)
    row: npt.NDArray[np.intp]  # each user's row in per_hub_km
    user_vectors: FloatArray  # the users' unit vectors (for distances to their sites)


def _hub_legs(
    m: LatencyModel, hub: npt.NDArray[np.intp], la: FloatArray, lo: FloatArray, sa: FloatArray, so: FloatArray
) -> _HubLegs:
    """Hub legs of users whose traffic enters the backbone at ingress hub ``hub`` [km]."""
    from cloudgeo.latency.backbone import routed_matrix_trusted_km

    bb = _backbone(m)
    used = np.flatnonzero(np.bincount(hub, minlength=len(bb.hubs)))
    row_of = np.full(len(bb.hubs), -1, dtype=np.intp)
    row_of[used] = np.arange(used.size)
    k = row_of[hub]
    hl = bb.hubs["lat"].to_numpy(dtype=np.float64)[used]
    ho = bb.hubs["lon"].to_numpy(dtype=np.float64)[used]
    per_hub = routed_matrix_trusted_km(hl, ho, sa, so, bb, m.n_attach, m.attach_factor, m.short_haul_km)
    uv = unit_vectors_trusted(la, lo)
    leg = m.attach_factor * _chord_km(uv, unit_vectors_trusted(hl, ho)[k])
    return _HubLegs(leg, per_hub, k, uv)


def _serve_hub_users(
    m: LatencyModel,
    terms: Any,
    la: FloatArray,
    lo: FloatArray,
    sites: tuple[FloatArray, FloatArray, npt.NDArray[np.intp]],
    select: str,
    out: tuple[npt.NDArray[np.intp], FloatArray, FloatArray],
) -> None:
    """Serve the users whose traffic enters the backbone at an ingress hub, in place.

    A hub user's best site is the one its hub reaches fastest (``select="distance"``: its
    nearest site), unless a site in its own country is faster directly
    (:func:`_search_domestic`, :func:`_keep_domestic`). Rows go in chunks of ``_CHUNK``
    (bounded temporaries). ``out`` is ``(idx, gc, path)`` holding the direct search's results
    (``select="rtt"``: filled here for hub users, among their own country's sites).
    """
    sa, so, site_cc = sites
    idx, gc, path = out
    sv = unit_vectors_trusted(sa, so)
    hub_rows = np.flatnonzero(terms.hub >= 0)
    if select == "rtt":
        _search_domestic(m, hub_rows, terms.country[hub_rows], site_cc, la, lo, (sa, so), out)
    for start in range(0, hub_rows.size, _CHUNK):
        rows = hub_rows[start : start + _CHUNK]
        legs = _hub_legs(m, terms.hub[rows], la[rows], lo[rows], sa, so)
        # a hub user's traffic enters the backbone at the hub: its best site is the hub's
        pick = idx[rows] if select == "distance" else np.argmin(legs.per_hub_km, axis=1)[legs.row]
        via = legs.leg_km + legs.per_hub_km[legs.row, pick]
        keep = _keep_domestic(rows, terms.country[rows], site_cc, select, out, via)
        hub = ~keep
        rows, pick = rows[hub], pick[hub]
        idx[rows] = pick
        path[rows] = via[hub]
        gc[rows] = _chord_km(legs.user_vectors[hub], sv[pick])


def _search_domestic(
    m: LatencyModel,
    rows: npt.NDArray[np.intp],
    user_cc: npt.NDArray[np.intp],
    site_cc: npt.NDArray[np.intp],
    la: FloatArray,
    lo: FloatArray,
    sites: tuple[FloatArray, FloatArray],
    direct: tuple[npt.NDArray[np.intp], FloatArray, FloatArray],
) -> None:
    """Find the shortest direct path of each hub user (``rows``) to a domestic site, in place.

    Domestic traffic stays in the country, so only a domestic site can beat the hub path
    directly: each country's users are searched among that country's sites (few; one k-d
    tree and one routing per country) and ``direct`` (``idx, gc, path`` over all users) gets
    the result. Users whose country has no site are left alone.
    """
    from scipy.spatial import cKDTree

    idx, gc, path = direct
    home = np.isin(user_cc, site_cc[site_cc >= 0])
    rows, user_cc = rows[home], user_cc[home]
    if rows.size == 0:
        return
    # country positions fit 16 bits (~250 countries): numpy sorts those by radix (fast)
    small = user_cc.astype(np.int16) if user_cc.max() < 2**15 else user_cc
    order = np.argsort(small, kind="stable")
    countries, starts = np.unique(user_cc[order], return_index=True)
    ends = np.append(starts[1:], order.size)
    for c, a, b in zip(countries.tolist(), starts.tolist(), ends.tolist(), strict=True):
        sub = rows[order[a:b]]
        own = np.flatnonzero(site_cc == c)
        rt_c = _routing(m, sites[0][own], sites[1][own])
        found = _direct_paths(m, rt_c, cKDTree(rt_c.site_vectors), la[sub], lo[sub], "rtt")
        idx[sub], gc[sub], path[sub] = own[found.site], found.distance_km, found.path_km


def _keep_domestic(
    rows: npt.NDArray[np.intp],
    user_cc: npt.NDArray[np.intp],
    site_cc: npt.NDArray[np.intp],
    select: str,
    direct: tuple[npt.NDArray[np.intp], FloatArray, FloatArray],
    via_km: FloatArray,
) -> npt.NDArray[np.bool_]:
    """Which hub users (``rows``) reach a site in their own country faster directly.

    Domestic traffic stays in the country (:func:`cloudgeo.latency.enduser.site_countries`).
    ``direct`` (``idx, gc, path`` over all users) holds, for every hub user whose country
    ``user_cc`` has a site, its shortest direct path to a domestic site (``select="rtt"``,
    :func:`_search_domestic`) or its nearest site (``select="distance"``). Returns, per row,
    whether that path is shorter than its hub path ``via_km`` (``select="distance"``: only if
    the nearest site is domestic).
    """
    idx, _, path = direct
    home = np.isin(user_cc, site_cc[site_cc >= 0])
    if select == "distance":
        home &= site_cc[idx[rows]] == user_cc
    keep: npt.NDArray[np.bool_] = home & (path[rows] < via_km)
    return keep


def _chord_km(a: FloatArray, b: FloatArray) -> FloatArray:
    """Great circle [km] between rows of unit vectors (via the chord)."""
    d = a - b
    return chord_to_km(np.sqrt(np.einsum("ij,ij->i", d, d)))


# --------------------------------------------------------------------------------------------
# users to the nearest site
# --------------------------------------------------------------------------------------------


_CHUNK = 262_144
#: Sites per backbone hub (those with the shortest route from the hub) whose RTT
#: ``select="rtt"`` evaluates for a user whose nearest site might be beaten; users this does
#: not settle are evaluated against every site, so the choice is exact whatever the value (it
#: only trades speed; 1 settled every world city against the regions and the edge locations). [-]
RTT_CANDIDATES = 1
#: How :func:`user_latency` and :func:`cdn_ttfb_ms` choose a site: lowest RTT or shortest
#: great-circle distance.
SELECTS = ("rtt", "distance")
#: Rows per block when a user is evaluated against every site (bounds the block's memory).
_FALLBACK_CELLS = 1 << 20


def _site_labels(labels: npt.NDArray[Any], idx: npt.NDArray[np.intp]) -> Any:
    """Site ids as a categorical (cheap for millions of users) when the ids are unique."""
    if pd.Index(labels).is_unique:
        return pd.Categorical.from_codes(idx, categories=pd.Index(labels))
    return labels[idx]


@dataclass(frozen=True)
class _Routing:
    """What the lowest-RTT choice needs besides the users (backbone models).

    ``hub_to_site_km[h, s]`` is the routed distance from hub ``h`` to site ``s`` and
    ``hub_order[h]`` the sites by that distance, nearest first (at most ``RTT_CANDIDATES + 1``).
    """

    site_vectors: FloatArray
    backbone: Backbone
    hub_to_site_km: FloatArray
    hub_order: npt.NDArray[np.intp]


def _routing(m: LatencyModel, site_lat: FloatArray, site_lon: FloatArray) -> _Routing:
    from cloudgeo.latency.backbone import hub_to_sites_trusted_km

    bb = _backbone(m)
    hub_site = hub_to_sites_trusted_km(bb, site_lat, site_lon, m.n_attach, m.attach_factor)
    depth = min(RTT_CANDIDATES + 1, hub_site.shape[1])
    order = np.argsort(hub_site, axis=1, kind="stable")[:, :depth].astype(np.intp)
    return _Routing(unit_vectors_trusted(site_lat, site_lon), bb, hub_site, order)


def _site_paths(
    m: LatencyModel,
    rt: _Routing,
    vec: FloatArray,
    hu: npt.NDArray[np.intp],
    du: FloatArray,
    cand: npt.NDArray[np.intp],
) -> tuple[FloatArray, FloatArray]:
    """Great circle [km] and path [km] from each user (row) to its candidate sites (columns).

    The arithmetic of :func:`user_rtt_matrix_ms`: great circle x attach factor up to the short
    haul, beyond it the shortest way over the user's attachment hubs ``hu`` (``du`` km away).
    """
    af = m.attach_factor
    diff = vec[:, None, :] - rt.site_vectors[cand]
    g = chord_to_km(np.sqrt(np.einsum("ijk,ijk->ij", diff, diff)))
    routed = np.full(cand.shape, np.inf)
    for p in range(hu.shape[1]):
        np.minimum(routed, du[:, p, None] * af + rt.hub_to_site_km[hu[:, p, None], cand], out=routed)
    path: FloatArray = np.where(g <= m.short_haul_km, g * af, np.maximum(routed, g))
    return g, path


def _select_lowest_rtt(
    m: LatencyModel,
    rt: _Routing,
    la: FloatArray,
    lo: FloatArray,
    vec: FloatArray,
    idx: npt.NDArray[np.intp],
    gc: FloatArray,
    path: FloatArray,
) -> None:
    """Serve users whose nearest site might be beaten from their shortest-path site (in place).

    ``idx`` and ``gc`` hold the nearest site and its distance on entry (``idx`` = number of sites
    and ``gc`` = inf where no site lies within the short haul); on return ``idx``,
    ``gc`` and ``path`` hold the shortest-path site, its distance and its path for every user
    (exact; the argument is in :func:`user_latency`).
    """
    af, sh = m.attach_factor, m.short_haul_km
    n_sites = rt.site_vectors.shape[0]
    found = idx < n_sites  # the bounded tree query found a site within the short haul
    np.multiply(gc, af, out=path)
    # users whose nearest site is a short hop with a path within settle_km * af are settled:
    # any other site is either a short hop too (path g x af, g >= the nearest's) or beyond the
    # short haul, where a route is never shorter than min(af x g, g + hop_penalty_km) (the
    # same hub at both ends: both attach legs, >= af x g; otherwise at least one backbone link,
    # >= g + one penalty), which exceeds min(af x sh, sh + hop_penalty_km)
    settle_km = min(sh, (sh + m.hop_penalty_km) / af)
    open_ = np.flatnonzero(~(gc <= settle_km))  # includes users with no site within the short haul
    if open_.size == 0:
        return
    v = vec[open_]
    hu, du = rt.backbone.attach(la[open_], lo[open_], m.n_attach, v)
    k = min(RTT_CANDIDATES, n_sites)
    best = _best_candidate(m, rt, v, hu, du, k, open_, found, idx, gc)
    if k < n_sites:
        _settle_the_rest(m, rt, v, hu, du, k, best)
    idx[open_] = best.site
    gc[open_] = best.distance_km
    path[open_] = best.path_km


@dataclass(frozen=True)
class _Serving:
    """Users' serving site (position in the sites), great circle [km] and path [km] to it."""

    site: npt.NDArray[np.intp]
    distance_km: FloatArray
    path_km: FloatArray


def _best_candidate(
    m: LatencyModel,
    rt: _Routing,
    v: FloatArray,
    hu: npt.NDArray[np.intp],
    du: FloatArray,
    k: int,
    open_: npt.NDArray[np.intp],
    found: npt.NDArray[np.bool_],
    idx: npt.NDArray[np.intp],
    gc: FloatArray,
) -> _Serving:
    """Return the shortest path of each user ``open_`` among its candidate sites.

    The candidates: the nearest site ``idx`` (if ``found``, ``gc`` km away) and the ``k`` sites
    closest to each attachment hub ``hu`` (``du`` km away).
    """
    n = v.shape[0]
    # candidates: the nearest site (if within the short haul; beyond it every site is routed,
    # so it needs no special place) and, per attachment hub, the k sites closest to that hub
    hub_cand = rt.hub_order[hu, :k].reshape(n, -1)
    near = found[open_]
    best = _Serving(np.empty(n, dtype=np.intp), np.empty(n), np.empty(n))
    for rows, with_nearest in ((np.flatnonzero(near), True), (np.flatnonzero(~near), False)):
        if rows.size == 0:
            continue
        hc = hub_cand[rows]
        if with_nearest:  # the nearest site first: equal paths keep the nearer site
            cand = np.concatenate([idx[open_[rows], None], hc], axis=1)
        else:
            cand = hc if hc.shape[1] else np.zeros((rows.size, 1), dtype=np.intp)
        g, cp = _site_paths(m, rt, v[rows], hu[rows], du[rows], cand)
        if with_nearest:
            g[:, 0] = gc[open_[rows]]  # the tree's distance to the nearest site (no re-rounding)
        j = np.argmin(cp, axis=1)
        r = np.arange(rows.size)
        best.path_km[rows], best.site[rows], best.distance_km[rows] = cp[r, j], cand[r, j], g[r, j]
    return best


def _settle_the_rest(
    m: LatencyModel,
    rt: _Routing,
    v: FloatArray,
    hu: npt.NDArray[np.intp],
    du: FloatArray,
    k: int,
    best: _Serving,
) -> None:
    """Evaluate every site for the users a site outside their candidates might serve (in place).

    A site outside the candidates is a short hop (path >= the nearest site's, a candidate) or
    routed over some hub p no shorter than du_p x attach_factor + the distance from hub p to its
    (k+1)-th closest site; if that bound is below the best path found, every site is evaluated.
    """
    n_sites = rt.site_vectors.shape[0]
    bound = np.full(v.shape[0], np.inf)
    for p in range(hu.shape[1]):
        nxt = rt.hub_order[hu[:, p], k]
        np.minimum(bound, du[:, p] * m.attach_factor + rt.hub_to_site_km[hu[:, p], nxt], out=bound)
    unsettled = np.flatnonzero(bound < best.path_km)
    rows_per_block = max(1, _FALLBACK_CELLS // n_sites)
    every = np.arange(n_sites, dtype=np.intp)
    for start in range(0, unsettled.size, rows_per_block):
        u = unsettled[start : start + rows_per_block]
        all_cand = np.broadcast_to(every, (u.size, n_sites))
        ag, ap = _site_paths(m, rt, v[u], hu[u], du[u], all_cand)
        jj = np.argmin(ap, axis=1)
        rr = np.arange(u.size)
        better = ap[rr, jj] < best.path_km[u]
        ub = u[better]
        best.path_km[ub] = ap[rr, jj][better]
        best.site[ub] = jj[better]
        best.distance_km[ub] = ag[rr, jj][better]


def _direct_paths(
    m: LatencyModel, rt: _Routing | None, tree: Any, la: FloatArray, lo: FloatArray, select: str
) -> _Serving:
    """Return the serving site, great circle [km] and path [km] of users routed from where they are."""
    n = len(la)
    idx = np.empty(n, dtype=np.intp)
    gc = np.empty(n, dtype=np.float64)
    path = np.empty(n, dtype=np.float64)
    if rt is not None:
        from cloudgeo.latency.backbone import routed_to_sites_trusted_km

        # chord of the short haul, a hair longer so that rounding never drops a site at the limit
        bound_chord = 2.0 * np.sin(min(m.short_haul_km / EARTH_RADIUS_KM, np.pi) / 2.0) * (1 + 1e-9) + 1e-12
    for start in range(0, n, _CHUNK):  # chunks bound the temporaries (memory)
        sl = slice(start, start + _CHUNK)
        vec = unit_vectors_trusted(la[sl], lo[sl])
        if rt is not None and select == "rtt":
            # only a nearest site within the short haul matters (beyond it every site is routed
            # and found through the backbone hubs): a bounded query prunes the tree search
            chord, i = tree.query(vec, k=1, distance_upper_bound=bound_chord)
            idx[sl] = i
            hit = np.isfinite(chord)
            gc[sl] = np.inf
            gc[sl][hit] = chord_to_km(chord[hit])
            _select_lowest_rtt(m, rt, la[sl], lo[sl], vec, idx[sl], gc[sl], path[sl])
            continue
        chord, i = tree.query(vec, k=1)
        idx[sl] = i
        d = chord_to_km(chord, out=gc[sl])
        if rt is None:
            # great-circle routing: the RTT rises with the distance, the nearest site is the fastest
            path[sl] = d
            continue
        # short hops: great circle x attach_factor; longer ones over the backbone
        np.multiply(d, m.attach_factor, out=path[sl])
        far = np.flatnonzero(d > m.short_haul_km)
        if far.size:
            rows = far + start
            path[rows] = routed_to_sites_trusted_km(
                la[rows],
                lo[rows],
                d[far],
                i[far],
                rt.hub_to_site_km,
                rt.backbone,
                m.n_attach,
                m.attach_factor,
                vec[far],
            )
    return _Serving(idx, gc, path)


def _user_latency_frame(
    users: pd.DataFrame, sites: pd.DataFrame, m: LatencyModel, stat: str, tree: Any, labels: Any, select: str
) -> pd.DataFrame:
    has_w = "weight" in users.columns
    la, lo, w = points_arrays(users, source="users", weight="weight" if has_w else None, allow_empty=True)
    n = len(la)
    backbone = m.routing == "backbone"
    rt = None
    if backbone:
        from cloudgeo.latency.enduser import user_terms

        terms = user_terms(users, m)
        rt = _routing(m, sites["lat"].to_numpy(dtype=float), sites["lon"].to_numpy(dtype=float))
    hubs = backbone and bool((terms.hub >= 0).any())
    if hubs:
        from cloudgeo.latency.enduser import site_countries

        sa = sites["lat"].to_numpy(dtype=float)
        so = sites["lon"].to_numpy(dtype=float)
        site_cc = site_countries(sa, so)
    if hubs and select == "rtt":
        # direct search: users routed from where they are; hub users are served below (those
        # whose country has a site are searched among its sites: domestic traffic)
        search = np.flatnonzero(terms.hub < 0)
        served = _direct_paths(m, rt, tree, la[search], lo[search], select)
        # the full arrays only after the search (peak memory)
        idx = np.zeros(n, dtype=np.intp)
        gc = np.empty(n, dtype=np.float64)
        path = np.empty(n, dtype=np.float64)
        idx[search], gc[search], path[search] = served.site, served.distance_km, served.path_km
        del served, search  # copied into the full arrays: free them (peak memory)
    else:
        served = _direct_paths(m, rt, tree, la, lo, select)
        idx, gc, path = served.site, served.distance_km, served.path_km
    stretch, overhead, intra = m.stat_params(stat)
    rtt = path
    if backbone:
        # end-user terms (cloudgeo.enduser): per-country access, ingress hub, end-user stretch
        if hubs:
            _serve_hub_users(m, terms, la, lo, (sa, so, site_cc), select, (idx, gc, path))
        rtt *= terms.stretch * stretch / m.stretch * 2.0 / (m.fibre_speed_km_s / 1000.0)
        rtt += intra
        rtt += terms.access_ms
    else:
        rtt *= stretch * 2.0 / (m.fibre_speed_km_s / 1000.0)
        rtt += overhead + m.user_access_rtt_ms
    cols: dict[str, Any] = {"site": _site_labels(labels, idx), "distance_km": gc, "rtt_ms": rtt}
    if has_w:
        cols["weight"] = w
    return pd.DataFrame(cols, index=users.index.copy())


def _dask_dataframe() -> Any:
    try:
        import dask.dataframe as dd
    except ImportError:  # pragma: no cover - dask is an optional dependency
        return None
    return dd


def user_latency(
    users: Any,
    sites: pd.DataFrame,
    *,
    model: str | LatencyModel | None = None,
    stat: str = "p50",
    select: str = "rtt",
) -> Any:
    """Each user's serving site (lowest RTT by default) and the RTT to it, including the access term.

    Backbone models (the default ``"calibrated"``) use the end-user path model
    (:mod:`cloudgeo.enduser`): RTT = access of the user's country (``country_code`` column, or
    the nearest shipped city's country; none at sea: the model's generic access) for the
    technology ``model.access`` (``model.access_rtt_ms`` overrides it) + the end-user stretch x 2 p / v +
    the intra-region RTT of the site, where the path p is the great circle x ``attach_factor``
    for hops up to ``short_haul_km`` and the backbone route beyond - or, for a country whose
    traffic enters the backbone at a distant ingress hub, the leg to that hub plus the route
    from it (such users are served by the site their hub reaches fastest). Great-circle models
    keep ``overhead + stretch x 2 d / v + access``. It is the RTT :func:`user_rtt_matrix_ms`
    gives for the same user and site, and the total of :func:`path_breakdown`.

    Site choice (``select``):

    * ``"rtt"`` (default) - the site with the lowest RTT, as traffic is steered in practice
      (CloudFront routes a viewer to the edge location that serves it best, normally the
      lowest-latency one; Route 53 latency-based routing answers with the lowest-latency
      region). With backbone routing this is often not the nearest site: a site a little
      farther away but on a direct backbone route can be faster.
    * ``"distance"`` - the nearest site by great-circle distance (the behaviour before the
      ``select`` option), e.g. to compare with a proximity rule.

    ``select="rtt"`` is exact (ties aside: equal RTTs keep the nearer site) and nearly as fast
    as ``"distance"``. The RTT rises with the path length p, so the lowest-RTT site is the
    shortest-path site, found in three steps:

    1. The nearest site within ``short_haul_km`` by a k-d tree (a bounded query: farther sites
       are all routed over the backbone and found in step 2). A user whose nearest site is at
       most ``min(short_haul_km, (short_haul_km + hop_penalty_km) / attach_factor)`` away is
       settled (most users): every other site is either a short hop too (p = g x
       ``attach_factor`` with g >= g1) or beyond the short haul, where a route is never
       shorter than ``min(attach_factor x g, g + hop_penalty_km)`` (both attachment legs to
       one hub, or at least one backbone link) with g > ``short_haul_km``.
    2. Otherwise the candidates are the nearest site (if within the short haul) plus, for each
       backbone hub the user attaches to, the :data:`RTT_CANDIDATES` sites with the shortest
       hub-to-site route; their paths come from the same vectorised arithmetic as
       :func:`user_rtt_matrix_ms` and the shortest wins. A routed path is ``min over hubs h of
       (attach leg to h + route h -> site)``, so the global minimum over all routed sites is
       reached through some hub's closest sites.
    3. Exactness check: any site outside the candidates is a short hop (no better than the
       nearest site, a candidate) or has a path >= ``min over h of (attach leg to h + route
       from h to its (RTT_CANDIDATES + 1)-th closest site)``. A user whose best candidate is
       not below that bound is settled; the others (none among the 33 961 world cities
       against the AWS regions or the edge locations) are evaluated against every site, in
       blocks that bound the memory.

    Great-circle models need no search: their RTT rises with the distance, so the nearest site
    is the fastest.

    Parameters
    ----------
    users : pandas.DataFrame or dask.dataframe.DataFrame
        ``lat``, ``lon`` [deg], optionally ``weight`` (users represented by each row) and
        ``country_code`` (ISO-2, any letter case; "" for none).
    sites : pandas.DataFrame
        Sites with ``lat``, ``lon`` indexed by site id (regions, edge locations, ...). [deg]
    model : str, LatencyModel or None
        Default ``"calibrated"``.
    stat : {"p50", "p90"}
        Statistic; with ``select="rtt"`` it also picks the site (the p90 choice can differ).
    select : {"rtt", "distance"}
        Serve each user from the lowest-RTT site (default) or the great-circle-nearest one.

    Returns
    -------
    pandas.DataFrame or dask.dataframe.DataFrame
        Aligned with ``users`` (index kept): ``site`` (the chosen site),
        ``distance_km`` (great circle to it) [km], ``rtt_ms`` (round trip) [ms], and ``weight``
        when ``users`` has one. A dask input gives a dask DataFrame computed partition by
        partition.

    Notes
    -----
    On a dask DataFrame each partition runs the same vectorised code as a pandas call, so the
    result equals the pandas one row for row (tested on the synchronous scheduler and on a
    ``dask.distributed`` LocalCluster of two worker processes). Dask helps when the users do
    not fit in memory (a partition is loaded, computed and released at a time) and when a
    cluster offers more cores than one machine. It does not make a table that fits in memory
    faster on one machine: the pandas call is already vectorised, threads mostly wait on the
    GIL, and processes pay for shipping the sites, the k-d tree and the results (on 2 M users
    on 2 cores neither threads nor processes gave a speed-up). Pass ``users`` as pandas then.

    Raises
    ------
    DataValidationError, InvalidTypeError
        On bad coordinates or weights (rows named), missing columns, empty sites.
    InvalidInputError
        If ``stat`` or ``select`` is not one of the options (the message lists them).

    References
    ----------
    Access RTTs: FCC MBA (fibre/cable/DSL), OpenSignal 2018 (mobile); see module references.
    Site choice: Amazon CloudFront Developer Guide, "How CloudFront delivers content" (requests
    are routed to the edge location that can best serve them, typically the lowest-latency
    one); Amazon Route 53 Developer Guide, "Latency-based routing".
    """
    from scipy.spatial import cKDTree

    m = get_model(model)
    check_choice(stat, "stat", STATS)
    check_choice(select, "select", SELECTS)
    ls, os_, _ = points_arrays(sites, source="sites")
    require_unique_index(sites, source="sites")  # a label must name one site
    tree = cKDTree(unit_vectors_trusted(ls, os_))
    labels = np.asarray(sites.index)
    if not isinstance(users, pd.DataFrame):
        dd = _dask_dataframe()
        if dd is not None and isinstance(users, dd.DataFrame):
            require_columns(users._meta, ["lat", "lon"], source="users")
            meta_cols: dict[str, Any] = {
                "site": pd.Series(_site_labels(labels, np.zeros(0, dtype=np.intp))),
                "distance_km": pd.Series([], dtype="float64"),
                "rtt_ms": pd.Series([], dtype="float64"),
            }
            if "weight" in users.columns:
                meta_cols["weight"] = pd.Series([], dtype="float64")
            meta = pd.DataFrame(meta_cols, index=users._meta.index)
            return users.map_partitions(_user_latency_frame, sites, m, stat, tree, labels, select, meta=meta)
        msg = f"users must be a pandas or dask DataFrame with lat, lon columns, got {type(users).__name__}."
        raise InvalidTypeError(msg)
    if len(users) == 0:
        raise DataValidationError("users", ["the table is empty; pass at least one row"])
    return _user_latency_frame(users, sites, m, stat, tree, labels, select)


def weighted_quantile(values: Any, q: Any, *, weights: Any = None) -> Any:
    """Weighted quantile by the inverted empirical CDF.

    The q-quantile is the smallest value whose cumulative weight share is >= q (numpy's
    ``method="inverted_cdf"``; with equal weights this is the classic lower empirical quantile,
    e.g. the median of 1, 2, 3, 4 is 2).

    Parameters
    ----------
    values : array-like
        Sample values.
    q : float or array-like
        Quantile(s) in [0, 1]. [-]
    weights : array-like, optional
        Non-negative weights (default: equal).

    Returns
    -------
    float or numpy.ndarray
        The quantile(s), in the unit of ``values``.

    Raises
    ------
    InvalidInputError
        If values, ``q`` or weights are not numeric, values are empty or NaN, ``q`` is outside
        [0, 1] or NaN, a weight is negative, NaN or infinite, or all weights are zero.

    References
    ----------
    Hyndman, R. J. and Fan, Y. (1996). "Sample quantiles in statistical packages". The American
    Statistician 50 (4), 361-365 (definition 1, inverted empirical CDF).
    """
    v = _float_array(values, "values")
    qa = _float_array(q, "q")
    if v.ndim != 1:
        msg = f"weighted_quantile: values must be one-dimensional, got shape {v.shape}."
        raise InvalidInputError(msg)
    if v.size == 0:
        raise InvalidInputError("weighted_quantile: values are empty; pass at least one value.")
    nan = np.isnan(v)
    if nan.any():
        msg = (
            f"weighted_quantile: values contain NaN at position(s) {np.flatnonzero(nan)[:5].tolist()}; "
            "drop or fill missing values first (NaN is never ignored silently)."
        )
        raise InvalidInputError(msg)
    if np.any(np.isnan(qa) | (qa < 0) | (qa > 1)):
        msg = f"q must be in [0, 1], got {q!r}."
        raise InvalidInputError(msg)
    w = np.ones_like(v) if weights is None else _float_array(weights, "weights")
    if w.shape != v.shape:
        msg = f"weights have shape {w.shape} but values have {v.shape}; pass one weight per value."
        raise InvalidInputError(msg)
    bad_w = ~np.isfinite(w)
    if bad_w.any():
        msg = (
            f"weights must be finite; NaN or infinite weight(s) {w[bad_w][:5].tolist()} at position(s) "
            f"{np.flatnonzero(bad_w)[:5].tolist()}."
        )
        raise InvalidInputError(msg)
    neg = w < 0
    if neg.any():
        msg = (
            f"weights must be >= 0; negative weight(s) {w[neg][:5].tolist()} at position(s) "
            f"{np.flatnonzero(neg)[:5].tolist()}."
        )
        raise InvalidInputError(msg)
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cw = np.cumsum(w)
    total = cw[-1]
    if not total > 0:
        raise InvalidInputError("weights sum to zero; at least one weight must be positive.")
    pos = np.searchsorted(cw, qa * total - 1e-12 * total, side="left")
    res = v[np.clip(pos, 0, v.size - 1)]
    return float(res) if res.ndim == 0 else res


def _float_array(value: object, name: str) -> FloatArray:
    """Return ``value`` as a float array or raise a NotNumericError naming ``name``."""
    arr: FloatArray = numeric_array(value, name)  # the one numeric coercion rule
    return arr


def _summary_weights(df: pd.DataFrame) -> FloatArray:
    """Return the ``weight`` column as finite, non-negative floats with a positive sum, or raise."""
    w = _float_array(df["weight"], "weight")
    bad = ~np.isfinite(w) | (np.nan_to_num(w) < 0)
    if bad.any():
        shown = ", ".join(repr(float(x)) for x in w[bad][:5])
        raise DataValidationError("user_latency_df", [f"weight must be finite and >= 0, got {shown}"])
    if not (w > 0).any():
        raise DataValidationError("user_latency_df", ["weight sums to zero; at least one must be positive"])
    return w


def latency_summary(
    user_latency_df: pd.DataFrame,
    *,
    thresholds_ms: float | Sequence[float] = (50, 100),
    column: str = "rtt_ms",
) -> pd.Series:
    """Weighted p50/p90/p99 and the share of users within each RTT threshold.

    Parameters
    ----------
    user_latency_df : pandas.DataFrame
        Output of :func:`user_latency` (or any table with ``column`` and optional ``weight``).
    thresholds_ms : float or sequence of float, default (50, 100)
        RTT thresholds; a single number means one threshold (``50`` is ``[50]``). [ms]
    column : str, default "rtt_ms"
        Column to summarise (e.g. ``"ttfb_ms"`` for :func:`cdn_ttfb_ms`). [ms]

    Returns
    -------
    pandas.Series
        ``n_rows``, ``total_weight``, ``mean_ms``, ``p50_ms``, ``p90_ms``, ``p99_ms`` [ms]
        (weighted, inverted-CDF definition, see :func:`weighted_quantile`) and
        ``share_within_<t>_ms`` (weighted fraction 0-1 with value <= t). [ms]

    Notes
    -----
    Weights are divided by their largest value before summing, so weights near the float limit
    (1e308) give finite means and shares; a total weight beyond the float range is refused.
    """
    df = require_columns(user_latency_df, [column], source="user_latency_df")
    v = _float_array(df[column], column)
    if v.size == 0:
        raise DataValidationError("user_latency_df", ["the table is empty; pass at least one row"])
    if not np.isfinite(v).all():
        raise DataValidationError("user_latency_df", [f"{column} has NaN or infinite values"])
    negative = v < 0
    if negative.any():
        shown = ", ".join(f"{x:g}" for x in v[negative][:5])
        raise DataValidationError(
            "user_latency_df", [f"{column} has negative round-trip times ({shown}); RTTs must be >= 0 ms"]
        )
    w = _summary_weights(df) if "weight" in df.columns else np.ones_like(v)
    thresholds = check_thresholds(thresholds_ms)  # one number means one threshold
    scale = float(w.max())
    w = w / scale  # weights near 1e308 would overflow the sums below
    total = float(w.sum()) * scale
    if not math.isfinite(total):
        msg = "user_latency_df weights sum beyond the float range (~1.8e308); divide them by a common factor."
        raise InvalidInputError(msg)
    qs = weighted_quantile(v, [0.5, 0.9, 0.99], weights=w)
    out: dict[str, float] = {
        "n_rows": float(v.size),
        "total_weight": total,
        "mean_ms": float(np.sum(v * w) / w.sum()),
        "p50_ms": float(qs[0]),
        "p90_ms": float(qs[1]),
        "p99_ms": float(qs[2]),
    }
    for t in thresholds:
        out[f"share_within_{t:g}_ms"] = float(w[v <= t].sum() / w.sum())
    s = pd.Series(out, name=column)
    s.attrs.update({"quantity": column, "quantile_definition": "inverted empirical CDF (Hyndman-Fan 1)"})
    return s
