"""Property-based tests (issue 8): random valid inputs stay within each function's invariants,
random invalid inputs raise a documented ``CloudGeoError`` -- never another exception, never NaN.

Every property counts the inputs it tried; the table is printed at the end of the module
(``pytest tests/test_properties.py -q -s``, or always via the terminal reporter).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import importlib
import inspect
import io
import itertools
import json
import math
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import module_lists
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cloudgeo import availability as A
from cloudgeo import catalog as C
from cloudgeo import durability as D
from cloudgeo import enduser as EU
from cloudgeo import geodesy as G
from cloudgeo import latency as L
from cloudgeo import measurements as M
from cloudgeo import network as N
from cloudgeo import placement as PL
from cloudgeo import plotting as PLT
from cloudgeo import population as P
from cloudgeo import price_classes as PC
from cloudgeo import report as RPT
from cloudgeo import scaling as S
from cloudgeo import stats as STATS
from cloudgeo import widgets as W
from cloudgeo.errors import CloudGeoError
from cloudgeo.plotting import offline as _offline

# (function, kind) -> inputs tried; kind is "valid", "invalid" (must raise) or "random" (either).
COUNTS: Counter[tuple[str, str]] = Counter()
# Which properties exist, filled at import time by ``covers`` (read by the meta-test).
COVERED: dict[str, set[str]] = {}
KINDS = ("valid", "invalid", "random")
R_KM = G.EARTH_RADIUS_KM
NAN = float("nan")
INF = float("inf")

lat_st = st.floats(-90, 90, allow_nan=False)
lon_st = st.floats(-180, 180, allow_nan=False)
point_st = st.tuples(lat_st, lon_st)
frac_st = st.floats(0, 1, allow_nan=False)
any_float = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), -1e-9, 1 + 1e-9, 99.9, 100.0, -5.0]),
)
bad_float = st.sampled_from([NAN, INF, -INF, -1.0, -1e-9, -1e300])
junk = st.one_of(st.text(max_size=5), st.none(), st.lists(st.integers(), max_size=2), st.booleans())
bad_frame = st.one_of(
    st.just(pd.DataFrame()),
    st.just(pd.DataFrame({"lat": [NAN], "lon": [0.0]})),
    st.just(pd.DataFrame({"lat": [95.0], "lon": [0.0]})),
    st.just(pd.DataFrame({"lat": [10.0], "lon": [INF]})),
    st.just(pd.DataFrame({"lat": [], "lon": []})),
    st.just(pd.DataFrame({"x": [1, 2]})),
    st.just(pd.DataFrame({"lat": ["a"], "lon": [0.0]})),
    st.integers(),
    st.text(max_size=4),
    st.none(),
    st.lists(st.floats(), max_size=3),
)
# garbage of several kinds: wrong types, NaN/inf, out-of-range numbers, empty or broken frames
bad_lat = st.one_of(
    st.sampled_from([NAN, INF, -INF, 95.0, -90.5, 1e300]),
    st.floats(90.001, 1e6),
    st.text(max_size=3),
    st.none(),
)
garbage = st.one_of(junk, bad_float, bad_frame, st.integers(-(10**9), -1))

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MEDIUM = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEAVY = settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module", autouse=True)
def _count_table(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    names = sorted({name for name, _ in COUNTS})
    lines = [f"{'function':46} {'valid':>7} {'invalid':>8} {'random':>7} {'total':>7}"]
    for name in names:
        row = [COUNTS[(name, k)] for k in KINDS]
        lines.append(f"{name:46} {row[0]:>7} {row[1]:>8} {row[2]:>7} {sum(row):>7}")
    totals = [sum(n for (_, k), n in COUNTS.items() if k == kind) for kind in KINDS]
    label = f"TOTAL ({len(names)} functions)"
    lines.append(f"{label:46} {totals[0]:>7} {totals[1]:>8} {totals[2]:>7} {sum(totals):>7}")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    text = "\nproperty-test inputs per function\n" + "\n".join(lines)
    if reporter is not None:
        reporter.write_line(text)
    else:  # pragma: no cover
        print(text)


def covers(*names: str, kind: str = "valid") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register that the decorated test is a ``kind`` property of ``names`` (for the meta-test)."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        for name in names:
            COVERED.setdefault(name, set()).add(kind)
        return fn

    return deco


def count(name: str, kind: str = "valid") -> None:
    COUNTS[(name, kind)] += 1


def _no_nan(out: object) -> bool:
    """True unless ``out`` (a number, array, frame, series or dataclass of them) holds a NaN."""
    if isinstance(out, pd.DataFrame):
        num = out.select_dtypes("number")
        return not bool(num.isna().to_numpy().any()) if num.size else True
    if isinstance(out, pd.Series):
        return not (pd.api.types.is_numeric_dtype(out) and bool(out.isna().any()))
    if isinstance(out, float | int | np.floating | np.ndarray):
        arr = np.asarray(out)
        return not (arr.dtype.kind == "f" and bool(np.isnan(arr).any()))
    return True


def must_reject(name: str, call: Callable[[], object]) -> None:
    """Bad input: a CloudGeoError that is also a builtin; nothing else, never a NaN result."""
    count(name, "invalid")
    try:
        out = call()
    except CloudGeoError as exc:
        assert isinstance(exc, ValueError | KeyError | TypeError)  # noqa: PT017
        return
    raise AssertionError(f"{name} accepted bad input and returned {out!r:.300} (NaN-free: {_no_nan(out)})")


def valid_or_reject(name: str, call: Callable[[], object]) -> object | None:
    """Random input that may or may not be valid: a finite result or a CloudGeoError."""
    count(name, "random")
    try:
        out = call()
    except CloudGeoError as exc:
        assert isinstance(exc, ValueError | KeyError | TypeError)  # noqa: PT017
        return None
    arr = np.asarray(getattr(out, "availability", out), dtype=float)
    assert np.all(np.isfinite(arr)) or np.all(np.isinf(arr) & (arr > 0)), f"{name} returned {out!r}"
    return out


@cache
def _regions_2019() -> pd.DataFrame:
    return C.load_regions(as_of="2019-12-31")


@cache
def _region_codes() -> tuple[str, ...]:
    return tuple(C.load_regions(partitions="aws").index)


@cache
def _edge_iatas() -> tuple[str, ...]:
    return tuple(C.load_edge_locations().index)


def regions_frame(codes: list[str]) -> pd.DataFrame:
    return C.load_regions().loc[codes]


codes_st = st.lists(st.sampled_from(_region_codes()), min_size=1, max_size=4, unique=True)
users_st = st.lists(point_st, min_size=1, max_size=8).map(
    lambda pts: pd.DataFrame(pts, columns=["lat", "lon"], index=[f"u{i}" for i in range(len(pts))])
)
date_st = st.dates(dt.date(2006, 8, 25), C.catalog_date())
bad_date = st.one_of(
    st.dates(dt.date(1900, 1, 1), dt.date(2006, 8, 24)),
    st.dates(dt.date(1900, 1, 1), dt.date(2006, 8, 24)).map(str),
    st.text(max_size=8).filter(lambda s: not s[:1].isdigit()),
    st.sampled_from(["31/12/2019", "2019-13-01", "2019/12/31", "2019-02-30"]),
    st.integers(),
    st.floats(),
)
unknown_text = st.text(min_size=1, max_size=12)


# ---- geodesy ---------------------------------------------------------------------------------


@covers("geodesy.great_circle_km")
@FAST
@given(point_st, point_st)
def test_great_circle_symmetric_bounded(a: tuple[float, float], b: tuple[float, float]) -> None:
    count("geodesy.great_circle_km")
    d_ab = float(G.great_circle_km(*a, *b))
    d_ba = float(G.great_circle_km(*b, *a))
    assert d_ab == pytest.approx(d_ba, abs=1e-9)
    assert 0.0 <= d_ab <= math.pi * R_KM + 1e-6
    assert float(G.great_circle_km(*a, *a)) == pytest.approx(0.0, abs=1e-6)


@covers("geodesy.great_circle_km", kind="random")
@FAST
@given(any_float, any_float, any_float, any_float)
def test_great_circle_random_floats(a: float, b: float, c: float, d: float) -> None:
    valid_or_reject("geodesy.great_circle_km", lambda: G.great_circle_km(a, b, c, d))


@covers("geodesy.great_circle_km", kind="invalid")
@FAST
@given(st.floats(90.0001, 1e6) | st.floats(-1e6, -90.0001), lon_st)
def test_great_circle_rejects_bad_lat(lat: float, lon: float) -> None:
    must_reject("geodesy.great_circle_km", lambda: G.great_circle_km(lat, lon, 0, 0))


@covers("geodesy.geodesic_km")
@MEDIUM
@given(point_st, point_st)
def test_geodesic_close_to_great_circle(a: tuple[float, float], b: tuple[float, float]) -> None:
    count("geodesy.geodesic_km")
    gc = float(G.great_circle_km(*a, *b))
    ge = float(G.geodesic_km(*a, *b))
    assert ge >= 0.0
    assert ge == pytest.approx(gc, rel=0.006, abs=1.0)  # sphere vs WGS-84: within ~0.5 %
    assert float(G.geodesic_km(*b, *a)) == pytest.approx(ge, abs=1e-6)


@covers("geodesy.distance_matrix_km")
@MEDIUM
@given(st.lists(point_st, min_size=1, max_size=8))
def test_distance_matrix_symmetric_zero_diagonal(points: list[tuple[float, float]]) -> None:
    count("geodesy.distance_matrix_km")
    df = pd.DataFrame(points, columns=["lat", "lon"], index=[f"p{i}" for i in range(len(points))])
    m = G.distance_matrix_km(df).to_numpy()
    np.testing.assert_allclose(m, m.T, atol=1e-6)
    np.testing.assert_allclose(np.diag(m), 0.0, atol=1e-6)
    assert (m >= 0).all()
    assert (m <= math.pi * R_KM + 1e-6).all()


@covers("geodesy.nearest_sites")
@MEDIUM
@given(st.lists(point_st, min_size=1, max_size=6), st.lists(point_st, min_size=1, max_size=10))
def test_nearest_sites_is_the_brute_force_minimum(
    points: list[tuple[float, float]], sites: list[tuple[float, float]]
) -> None:
    count("geodesy.nearest_sites")
    p = pd.DataFrame(points, columns=["lat", "lon"])
    s = pd.DataFrame(sites, columns=["lat", "lon"], index=[f"s{i}" for i in range(len(sites))])
    out = G.nearest_sites(p, s)
    brute = G.distance_matrix_km(p, s).to_numpy().min(axis=1)
    col = next(c for c in out.columns if "km" in c)
    np.testing.assert_allclose(out[col].to_numpy(dtype=float), brute, rtol=1e-6, atol=1e-3)


# ---- network, latency ------------------------------------------------------------------------


@covers("network.routed_distance_km")
@MEDIUM
@given(point_st, point_st)
def test_routed_at_least_great_circle(a: tuple[float, float], b: tuple[float, float]) -> None:
    count("network.routed_distance_km")
    gc = float(G.great_circle_km(*a, *b))
    routed = float(np.asarray(N.routed_distance_km(*a, *b)).ravel()[0])
    assert routed >= gc * (1 - 1e-9) - 1e-6
    assert math.isfinite(routed)


@covers("latency.rtt_ms")
@MEDIUM
@given(
    point_st,
    point_st,
    st.sampled_from(["calibrated", "physics", "rule-of-thumb"]),
    st.sampled_from(["p50", "p90"]),
)
def test_rtt_at_least_the_physics_floor(
    a: tuple[float, float], b: tuple[float, float], model: str, stat: str
) -> None:
    count("latency.rtt_ms")
    floor_ms = 2 * float(G.great_circle_km(*a, *b)) / L.fibre_speed_km_s() * 1000.0
    rtt = float(np.asarray(L.rtt_ms(a, b, model=model, stat=stat)).ravel()[0])
    assert rtt >= floor_ms * (1 - 1e-9) - 1e-9
    one_way = float(np.asarray(L.rtt_ms(a, b, model=model, stat=stat, one_way=True)).ravel()[0])
    assert one_way == pytest.approx(rtt / 2)


@covers("latency.rtt_from_distance_ms")
@FAST
@given(
    st.floats(0, 30_000), st.floats(0, 30_000), st.sampled_from(["calibrated", "physics", "rule-of-thumb"])
)
def test_rtt_from_distance_monotone(d1: float, d2: float, model: str) -> None:
    count("latency.rtt_from_distance_ms")
    lo, hi = sorted((d1, d2))
    r_lo = float(L.rtt_from_distance_ms(lo, model=model))
    r_hi = float(L.rtt_from_distance_ms(hi, model=model))
    assert r_lo <= r_hi + 1e-9
    assert r_lo >= 2 * lo / L.fibre_speed_km_s() * 1000.0 - 1e-9


@covers("latency.rtt_from_distance_ms", kind="random")
@FAST
@given(any_float)
def test_rtt_from_distance_random(d: float) -> None:
    valid_or_reject("latency.rtt_from_distance_ms", lambda: L.rtt_from_distance_ms(d))


@covers("latency.weighted_quantile")
@FAST
@given(st.lists(st.floats(0, 1e4), min_size=1, max_size=30), frac_st, frac_st)
def test_weighted_quantile_bounded_monotone(values: list[float], q1: float, q2: float) -> None:
    count("latency.weighted_quantile")
    lo, hi = sorted((q1, q2))
    a = float(L.weighted_quantile(values, lo))
    b = float(L.weighted_quantile(values, hi))
    assert min(values) - 1e-9 <= a <= b + 1e-9 <= max(values) + 2e-9


@covers("latency.cdn_ttfb_breakdown_ms")
@FAST
@given(frac_st, frac_st, st.floats(0, 500), st.floats(0, 500), st.floats(0, 500))
def test_cdn_ttfb_between_hit_and_miss(e: float, r: float, u: float, er: float, ro: float) -> None:
    count("latency.cdn_ttfb_breakdown_ms")
    out = L.cdn_ttfb_breakdown_ms(u, er, ro, edge_hit_ratio=e, rec_hit_ratio=r)
    assert out["hit_ms"] - 1e-9 <= out["ttfb_ms"] <= out["miss_ms"] + 1e-9


@covers("latency.cdn_ttfb_breakdown_ms", kind="random")
@FAST
@given(any_float)
def test_cdn_ttfb_fraction_random(x: float) -> None:
    valid_or_reject(
        "latency.cdn_ttfb_breakdown_ms",
        lambda: L.cdn_ttfb_breakdown_ms(10, 20, 30, edge_hit_ratio=x)["ttfb_ms"],
    )


# ---- availability ----------------------------------------------------------------------------

avail_list = st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=6)


@covers("availability.parallel", "availability.series")
@FAST
@given(avail_list)
def test_parallel_and_series_bounds(parts: list[float]) -> None:
    count("availability.parallel")
    count("availability.series")
    p = A.parallel(*parts).availability
    s = A.series(*parts).availability
    assert 0.0 <= s <= 1.0
    assert 0.0 <= p <= 1.0
    assert p >= max(parts) - 1e-12
    assert s <= min(parts) + 1e-12
    assert A.parallel(*parts).unavailability == pytest.approx(1 - p, abs=1e-12)


@covers("availability.k_of_n")
@FAST
@given(avail_list)
def test_k_of_n_monotone_in_k(parts: list[float]) -> None:
    count("availability.k_of_n")
    values = [A.k_of_n(k, parts).availability for k in range(1, len(parts) + 1)]
    assert all(0 <= v <= 1 for v in values)
    assert all(a >= b - 1e-12 for a, b in itertools.pairwise(values))
    assert values[0] == pytest.approx(A.parallel(*parts).availability, abs=1e-12)
    assert values[-1] == pytest.approx(A.series(*parts).availability, abs=1e-12)


@covers("availability.Component", kind="random")
@FAST
@given(any_float)
def test_component_random(x: float) -> None:
    valid_or_reject("availability.Component", lambda: A.Component(x))


@covers("availability.series", kind="invalid")
@FAST
@given(junk)
def test_series_rejects_junk(x: object) -> None:
    assume(x is not None or True)
    must_reject("availability.series", lambda: A.series(0.9, x))  # type: ignore[arg-type]


@covers("availability.downtime")
@FAST
@given(frac_st, st.sampled_from(["year", "month", "week", "day"]))
def test_downtime_within_period(a: float, period: str) -> None:
    count("availability.downtime")
    days = {"year": 365.2425, "month": 365.2425 / 12, "week": 7, "day": 1}[period]
    dt = A.downtime(a, period=period).total_seconds()  # type: ignore[arg-type]
    assert -1e-6 <= dt <= days * 86400 + 1e-6
    assert dt == pytest.approx((1 - a) * days * 86400, rel=1e-9, abs=1e-3)


@covers("availability.downtime", kind="random")
@FAST
@given(any_float)
def test_downtime_random(x: float) -> None:
    valid_or_reject("availability.downtime", lambda: A.downtime(x).total_seconds())


# ---- durability ------------------------------------------------------------------------------


@covers("durability.expected_losses")
@FAST
@given(
    st.floats(1e-20, 0.5),
    st.floats(0, 1e15),
    st.floats(0, 1e15),
    st.floats(0, 1e6),
    st.floats(0, 1e6),
)
def test_losses_monotone_in_objects_and_years(p: float, o1: float, o2: float, y1: float, y2: float) -> None:
    count("durability.expected_losses")
    o_lo, o_hi = sorted((o1, o2))
    y_lo, y_hi = sorted((y1, y2))
    a = D.expected_losses(objects=o_lo, loss_probability_per_year=p, years=y_lo)
    b = D.expected_losses(objects=o_hi, loss_probability_per_year=p, years=y_lo)
    c = D.expected_losses(objects=o_lo, loss_probability_per_year=p, years=y_hi)
    for r in (a, b, c):
        assert 0.0 <= float(r.probability_any_loss) <= 1.0
        assert float(r.expected_losses) >= 0.0
    assert float(b.expected_losses) >= float(a.expected_losses) * (1 - 1e-12)
    assert float(c.expected_losses) >= float(a.expected_losses) * (1 - 1e-12)
    assert float(b.probability_any_loss) >= float(a.probability_any_loss) - 1e-15
    assert float(c.probability_any_loss) >= float(a.probability_any_loss) - 1e-15


@covers("durability.expected_losses", kind="random")
@FAST
@given(any_float, any_float)
def test_expected_losses_random(objects: float, p: float) -> None:
    valid_or_reject(
        "durability.expected_losses",
        lambda: D.expected_losses(objects=objects, loss_probability_per_year=p).expected_losses,
    )


@covers("durability.nines", "durability.durability_from_nines")
@FAST
@given(st.floats(0, 15))
def test_nines_round_trip(n: float) -> None:
    count("durability.nines")
    count("durability.durability_from_nines")
    d = D.durability_from_nines(n)
    assert 0.0 <= d <= 1.0
    counted = D.nines(loss_probability=10.0**-n)  # whole nines, Backblaze's count
    assert counted == int(counted)
    assert n - 1 - 1e-9 <= counted <= n + 1e-9


@covers("durability.durability_from_nines", kind="random")
@FAST
@given(any_float)
def test_durability_from_nines_random(n: float) -> None:
    valid_or_reject("durability.durability_from_nines", lambda: D.durability_from_nines(n))


@covers("durability.erasure_coding_loss")
@MEDIUM
@given(st.integers(1, 20), st.integers(1, 6), st.floats(1e-4, 0.5), st.floats(0.1, 30))
def test_erasure_coding_more_parity_never_worse(k: int, m: int, rate: float, days: float) -> None:
    count("durability.erasure_coding_loss")
    a = D.erasure_coding_loss(
        data_shards=k, parity_shards=m, shard_failure_rate_per_year=rate, replace_days=days
    )
    b = D.erasure_coding_loss(
        data_shards=k, parity_shards=m + 1, shard_failure_rate_per_year=rate, replace_days=days
    )
    assert 0.0 <= a.loss_probability_per_year <= 1.0
    assert b.loss_probability_per_year <= a.loss_probability_per_year * (1 + 1e-9) + 1e-300


# ---- placement, scaling ----------------------------------------------------------------------


@covers("placement.placement_frontier")
@SLOW
@given(st.lists(point_st, min_size=3, max_size=25), st.sampled_from(["mean", "p90", "worst"]))
def test_placement_objective_non_increasing_in_k(users: list[tuple[float, float]], objective: str) -> None:
    count("placement.placement_frontier")
    from cloudgeo import catalog

    u = pd.DataFrame(users, columns=["lat", "lon"])
    cands = catalog.load_regions(as_of="2019-12-31")
    front = PL.placement_frontier(u, cands, 4, objective=objective, model="physics")
    values = front["objective_value"].to_numpy(dtype=float)
    assert np.all(np.isfinite(values))
    assert np.all(np.diff(values) <= 1e-6 * np.maximum(1.0, np.abs(values[:-1])))


@covers("scaling.simulate_autoscaling")
@SLOW
@given(st.floats(10, 500), st.floats(1.5, 8), st.integers(1, 4), st.integers(5, 30))
def test_autoscaling_respects_fleet_limits(
    base: float, multiple: float, min_size: int, max_size: int
) -> None:
    count("scaling.simulate_autoscaling")
    demand = S.surge_demand(days=0.25, freq="1min", base_rps=base, multiple=multiple, seed=0)
    fleet = S.Fleet(min_size=min_size, max_size=max(max_size, min_size))
    res = S.simulate_autoscaling(demand, S.StepScalingPolicy(), fleet=fleet)
    tl = res.timeline
    inst = next(c for c in tl.columns if "instances" in c or c in {"capacity_units", "size"})
    assert tl[inst].min() >= 0
    assert res.summary.unserved_total >= 0
    assert 0.0 <= res.summary.unserved_share <= 1.0
    assert tl.index.equals(demand.index)


# ---- catalog ---------------------------------------------------------------------------------


@covers("catalog.load_regions", "catalog.validate_regions")
@MEDIUM
@given(date_st, date_st)
def test_region_count_non_decreasing_in_as_of(d1: dt.date, d2: dt.date) -> None:
    count("catalog.load_regions")
    count("catalog.validate_regions")
    lo, hi = sorted((d1, d2))
    a, b = C.load_regions(as_of=lo), C.load_regions(as_of=hi)
    assert len(a) <= len(b)
    assert set(a.index) <= set(b.index)
    assert (a["opened"].dt.date <= lo).all()
    pd.testing.assert_frame_equal(C.validate_regions(a), a, check_dtype=False)


@covers("catalog.load_regions", kind="invalid")
@FAST
@given(bad_date)
def test_load_regions_rejects_bad_dates(d: object) -> None:
    must_reject("catalog.load_regions", lambda: C.load_regions(as_of=d))


@covers("catalog.load_regions", kind="invalid")
@FAST
@given(unknown_text, junk)
def test_load_regions_rejects_bad_partitions_and_flags(p: str, flag: object) -> None:
    assume(p not in C.PARTITIONS)
    must_reject("catalog.load_regions", lambda: C.load_regions(partitions=p))
    assume(not isinstance(flag, bool))
    must_reject("catalog.load_regions", lambda: C.load_regions(include_unannounced=flag))  # type: ignore[arg-type]


@covers("catalog.get_regions")
@FAST
@given(codes_st)
def test_get_regions_returns_the_rows_asked_for(codes: list[str]) -> None:
    count("catalog.get_regions")
    out = C.get_regions(codes)
    assert list(out.index) == codes
    pd.testing.assert_frame_equal(out, C.load_regions().loc[codes])


@covers("catalog.get_regions", kind="invalid")
@FAST
@given(st.one_of(unknown_text, st.integers(), st.none(), st.floats()))
def test_get_regions_rejects_unknown(code: object) -> None:
    assume(code not in C.load_regions(include_unannounced=True).index)
    must_reject("catalog.get_regions", lambda: C.get_regions(code))  # type: ignore[arg-type]


@cache
def _sla_ids() -> tuple[str, ...]:
    return tuple(C.load_slas().index)


@cache
def _storage_ids() -> tuple[str, ...]:
    return tuple(C.load_storage_classes().index)


@covers("catalog.get_sla", "catalog.get_storage_class")
@FAST
@given(st.data())
def test_get_sla_and_storage_class_match_tables(data: st.DataObject) -> None:
    count("catalog.get_sla")
    count("catalog.get_storage_class")
    sla = data.draw(st.sampled_from(_sla_ids()))
    row = C.get_sla(sla)
    assert 0.0 < float(row["commitment"]) <= 1.0
    pd.testing.assert_series_equal(row, C.load_slas().loc[sla])
    sc = data.draw(st.sampled_from(_storage_ids()))
    srow = C.get_storage_class(sc)
    assert 0.0 < float(srow["durability"]) <= 1.0
    pd.testing.assert_series_equal(srow, C.load_storage_classes().loc[sc])


@covers("catalog.get_sla", "catalog.get_storage_class", kind="invalid")
@FAST
@given(st.one_of(unknown_text, st.integers(), st.none(), st.floats(), st.lists(st.text(), max_size=2)))
def test_get_sla_and_storage_class_reject_unknown(name: object) -> None:
    assume(name not in _sla_ids())
    must_reject("catalog.get_sla", lambda: C.get_sla(name))  # type: ignore[arg-type]
    assume(name not in _storage_ids())
    must_reject("catalog.get_storage_class", lambda: C.get_storage_class(name))  # type: ignore[arg-type]


@covers("catalog.load_availability_zones")
@MEDIUM
@given(date_st, date_st, codes_st)
def test_az_count_non_decreasing_and_filtered(d1: dt.date, d2: dt.date, codes: list[str]) -> None:
    count("catalog.load_availability_zones")
    lo, hi = sorted((d1, d2))
    assert len(C.load_availability_zones(as_of=lo)) <= len(C.load_availability_zones(as_of=hi))
    some = C.load_availability_zones(regions=codes)
    assert set(some["region"]) <= set(codes)
    assert some["lat"].between(-90, 90).all()


@covers("catalog.load_availability_zones", kind="invalid")
@FAST
@given(bad_date, unknown_text)
def test_az_rejects_bad_dates_and_regions(d: object, code: str) -> None:
    must_reject("catalog.load_availability_zones", lambda: C.load_availability_zones(as_of=d))
    assume(code not in C.load_regions(include_unannounced=True).index)
    must_reject("catalog.load_availability_zones", lambda: C.load_availability_zones(regions=code))


@covers("catalog.load_edge_locations", "catalog.validate_edge_locations", "catalog.edge_snapshot_dates")
@MEDIUM
@given(st.dates(dt.date(2019, 11, 27), C.catalog_date()))
def test_edge_snapshot_at_or_before_as_of(d: dt.date) -> None:
    count("catalog.load_edge_locations")
    count("catalog.validate_edge_locations")
    count("catalog.edge_snapshot_dates")
    edges = C.load_edge_locations(as_of=d)
    snaps = C.edge_snapshot_dates()
    assert snaps == sorted(snaps)
    used = max(s for s in snaps if s <= d)
    assert (pd.to_datetime(edges["snapshot"]).dt.date == used).all()
    assert len(edges) > 0
    pd.testing.assert_frame_equal(C.validate_edge_locations(edges), edges, check_dtype=False)


@covers("catalog.catalog_date")
@FAST
@given(st.dates(dt.date(2006, 8, 25), C.catalog_date()))
def test_catalog_date_is_the_latest_and_the_default(d: dt.date) -> None:
    """Any date up to the catalogue's own sees no more than the default (as_of=None) does."""
    count("catalog.catalog_date")
    latest = C.catalog_date()
    assert d <= latest
    assert max(C.edge_snapshot_dates()) <= latest
    assert set(C.load_regions(as_of=d).index) <= set(C.load_regions().index)


@covers("catalog.load_edge_locations", kind="invalid")
@FAST
@given(st.one_of(bad_date, st.dates(dt.date(2006, 8, 25), dt.date(2019, 11, 26))))
def test_edge_locations_reject_bad_dates(d: object) -> None:
    must_reject("catalog.load_edge_locations", lambda: C.load_edge_locations(as_of=d))


edge_code_st = st.tuples(
    st.sampled_from(_edge_iatas()),
    st.integers(0, 999),
    st.sampled_from(["", "-C1", "-P2", "-E10"]),
    st.booleans(),
).map(lambda t: (t[0] + str(t[1]) + t[2]).lower() if t[3] else t[0] + str(t[1]) + t[2])


@covers("catalog.lookup_edge_location")
@FAST
@given(st.lists(edge_code_st, min_size=1, max_size=4))
def test_lookup_edge_location_matches_prefix(codes: list[str]) -> None:
    count("catalog.lookup_edge_location")
    out = C.lookup_edge_location(codes)
    assert list(out["code"]) == codes
    assert [c[:3].upper() for c in codes] == list(out["iata"])
    edges = C.load_edge_locations()
    for _, row in out.iterrows():
        assert row["lat"] == pytest.approx(edges.loc[row["iata"], "lat"])


@covers("catalog.lookup_edge_location", kind="invalid")
@FAST
@given(st.one_of(unknown_text, st.integers(), st.none(), st.floats(), st.just("")))
def test_lookup_edge_location_rejects_malformed(code: object) -> None:
    import re

    assume(not (isinstance(code, str) and re.fullmatch(C.EDGE_CODE_PATTERN, code.upper())))
    must_reject("catalog.lookup_edge_location", lambda: C.lookup_edge_location(code))


def _csv_round_trip(df: pd.DataFrame, reader: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "t.csv")
        df.to_csv(path, index=False)
        return reader(path)


table_st = st.lists(st.tuples(lat_st, lon_st, st.integers(1, 50)), min_size=1, max_size=8)


@covers("catalog.read_regions", "catalog.read_edge_locations")
@MEDIUM
@given(table_st)
def test_read_regions_and_edges_round_trip(rows: list[tuple[float, float, int]]) -> None:
    count("catalog.read_regions")
    count("catalog.read_edge_locations")
    lat = [r[0] for r in rows]
    lon = [r[1] for r in rows]
    codes = [f"xx-test-{i}" for i in range(len(rows))]
    got = _csv_round_trip(pd.DataFrame({"code": codes, "lat": lat, "lon": lon}), C.read_regions)
    assert list(got.index) == codes
    np.testing.assert_allclose(got["lat"], lat)
    np.testing.assert_allclose(got["lon"], lon)
    iatas = ["Q" + a + b for a, b in itertools.islice(itertools.product("ABCDEFGH", repeat=2), len(rows))]
    pops = [r[2] for r in rows]
    e = _csv_round_trip(
        pd.DataFrame({"iata": iatas, "lat": lat, "lon": lon, "pops": pops}), C.read_edge_locations
    )
    assert list(e.index) == iatas
    np.testing.assert_allclose(e["lat"], lat)
    assert list(e["pops"]) == pops


def _bad_table(kind: str, key: str) -> pd.DataFrame:
    base = pd.DataFrame(
        {key: ["xx-a-1", "xx-b-1"] if key == "code" else ["QAA", "QAB"], "lat": [1.0, 2.0], "lon": [3.0, 4.0]}
    )
    return {
        "nan": base.assign(lat=[NAN, 1.0]),
        "inf": base.assign(lon=[INF, 1.0]),
        "lat range": base.assign(lat=[95.0, 1.0]),
        "lon range": base.assign(lon=[1.0, -200.0]),
        "duplicate": base.assign(**{key: [base[key][0]] * 2}),
        "missing column": base.drop(columns="lat"),
        "text lat": base.assign(lat=["north", "south"]),
    }[kind]


# (an empty table is a valid, if useless, region list: validators accept it, as they should)
bad_table_kind = st.sampled_from(
    ["nan", "inf", "lat range", "lon range", "duplicate", "missing column", "text lat"]
)


@covers(
    "catalog.read_regions",
    "catalog.read_edge_locations",
    "catalog.validate_regions",
    "catalog.validate_edge_locations",
    kind="invalid",
)
@FAST
@given(bad_table_kind, st.one_of(junk, st.integers()))
def test_readers_and_validators_reject_bad_tables(kind: str, other: object) -> None:
    reg, edg = _bad_table(kind, "code"), _bad_table(kind, "iata")
    must_reject("catalog.validate_regions", lambda: C.validate_regions(reg))
    must_reject("catalog.validate_edge_locations", lambda: C.validate_edge_locations(edg))
    must_reject("catalog.read_regions", lambda: _csv_round_trip(reg, C.read_regions))
    must_reject("catalog.read_edge_locations", lambda: _csv_round_trip(edg, C.read_edge_locations))
    must_reject("catalog.validate_regions", lambda: C.validate_regions(other))  # type: ignore[arg-type]
    must_reject("catalog.read_regions", lambda: C.read_regions(other))  # type: ignore[arg-type]
    must_reject("catalog.read_edge_locations", lambda: C.read_edge_locations(other))  # type: ignore[arg-type]


NO_INPUT_LOADERS = {
    "catalog.load_regional_edge_caches": C.load_regional_edge_caches,
    "catalog.load_slas": C.load_slas,
    "catalog.load_storage_classes": C.load_storage_classes,
    "population.load_country_population": P.load_country_population,
}


@covers(*NO_INPUT_LOADERS)
@MEDIUM
@given(st.sampled_from(sorted(NO_INPUT_LOADERS)), st.integers(0, 10**6), st.integers(0, 10**6), st.floats())
def test_no_input_loaders_return_fresh_copies(name: str, i: int, j: int, value: float) -> None:
    """Scribbling on a returned table never leaks into the next call (no shared cache)."""
    count(name)
    first = NO_INPUT_LOADERS[name]()
    pristine = first.copy(deep=True)
    assert len(first) > 0
    r, c = i % len(first), j % first.shape[1]
    # an incompatible value: pandas 3 raises TypeError, pandas 2.2 a FutureWarning (an error here)
    with contextlib.suppress(TypeError, ValueError, FutureWarning):
        first.iat[r, c] = value
    pd.testing.assert_frame_equal(NO_INPUT_LOADERS[name](), pristine)
    if "lat" in pristine:
        assert pristine["lat"].between(-90, 90).all()
    for col in ("commitment", "durability"):
        if col in pristine:
            assert pristine[col].between(0, 1).all()


# ---- population ------------------------------------------------------------------------------


@cache
def _big_cities() -> pd.DataFrame:
    return P.load_world_cities(min_population=500_000)


@covers("population.country_weights")
@FAST
@given(
    st.dictionaries(
        st.sampled_from(sorted(set(P.load_world_cities(min_population=500_000)["country_code"]))),
        st.floats(0.01, 1e6),
        min_size=1,
        max_size=4,
    )
)
def test_country_weights_preserve_each_country_total(weights: dict[str, float]) -> None:
    count("population.country_weights")
    out = P.country_weights(weights, cities=_big_cities())
    assert set(out["country_code"]) == set(weights)
    per = out.groupby("country_code")["weight"].sum()
    for cc, w in weights.items():
        assert per[cc] == pytest.approx(w, rel=1e-9)
    assert (out["weight"] >= 0).all()


@covers("population.country_weights", kind="invalid")
@FAST
@given(
    st.one_of(
        # some key is no code of a country with big cities, in any letter case (codes are
        # case-insensitive; no country name is this short)
        st.dictionaries(st.text(min_size=1, max_size=3), st.floats(0.1, 10), min_size=1, max_size=2).filter(
            lambda d: not {k.upper() for k in d} <= set(_big_cities()["country_code"])
        ),
        st.dictionaries(st.just("PH"), bad_float, min_size=1),
        st.just({}),
        junk,
    )
)
def test_country_weights_reject_garbage(weights: object) -> None:
    must_reject("population.country_weights", lambda: P.country_weights(weights, cities=_big_cities()))  # type: ignore[arg-type]


@covers("population.from_points")
@FAST
@given(users_st, st.lists(st.floats(0.01, 1e6), min_size=8, max_size=8))
def test_from_points_keeps_points_and_index(users: pd.DataFrame, w: list[float]) -> None:
    count("population.from_points")
    out = P.from_points(users)
    pd.testing.assert_index_equal(out.index, users.index)
    np.testing.assert_array_equal(out["lat"], users["lat"])
    assert (out["weight"] == 1.0).all()
    weighted = P.from_points(users.assign(w=w[: len(users)]), weight="w")
    np.testing.assert_allclose(weighted["weight"], w[: len(users)])


@covers("population.from_points", kind="invalid")
@FAST
@given(bad_frame, bad_float)
def test_from_points_rejects_garbage(df: object, w: float) -> None:
    assume(not (isinstance(df, pd.DataFrame) and df.shape == (0, 0)) or True)
    must_reject("population.from_points", lambda: P.from_points(df))  # type: ignore[arg-type]
    good = pd.DataFrame({"lat": [1.0], "lon": [2.0], "w": [w]})
    must_reject("population.from_points", lambda: P.from_points(good, weight="w"))


@covers("population.load_world_cities")
@MEDIUM
@given(st.integers(15_000, 40_000_000), st.integers(15_000, 40_000_000))
def test_world_cities_shrink_with_threshold(m1: int, m2: int) -> None:
    count("population.load_world_cities")
    lo, hi = sorted((m1, m2))
    a, b = P.load_world_cities(min_population=lo), P.load_world_cities(min_population=hi)
    assert len(a) >= len(b)
    assert (b["population"] >= hi).all()
    assert a["lat"].between(-90, 90).all()


@covers("population.load_world_cities", kind="invalid")
@FAST
@given(st.one_of(st.integers(max_value=14_999), st.floats(), st.text(max_size=3), st.none()))
def test_world_cities_reject_bad_threshold(m: object) -> None:
    must_reject("population.load_world_cities", lambda: P.load_world_cities(min_population=m))  # type: ignore[arg-type]


# ---- measurements ----------------------------------------------------------------------------

stat_st = st.one_of(
    st.integers(1, 99).map(lambda n: f"p{n}"), st.sampled_from(["avg", "min", "max", "p50", "p90"])
)
meas_st = st.lists(
    st.tuples(
        st.sampled_from(["us-east-1", "eu-west-1", "client", "ap-southeast-1"]),
        st.sampled_from(["eu-west-1", "us-west-2", "sa-east-1"]),
        st.floats(0.01, 5000),
        st.sampled_from(["p50", "p90", "avg"]),
        st.sampled_from(list(M.METHODS)),
        st.booleans(),
    ),
    min_size=1,
    max_size=8,
).map(lambda rows: pd.DataFrame(rows, columns=list(M.TIDY_COLUMNS)))


@covers("measurements.is_valid_stat")
@FAST
@given(stat_st)
def test_is_valid_stat_accepts_percentiles(stat: str) -> None:
    count("measurements.is_valid_stat")
    assert M.is_valid_stat(stat) is True


@covers("measurements.is_valid_stat", kind="random")
@FAST
@given(st.one_of(st.text(max_size=6), st.integers(), st.floats(), st.none(), st.lists(st.text(), max_size=2)))
def test_is_valid_stat_is_a_predicate(x: object) -> None:
    """A predicate: any input gives True or False, never an exception."""
    count("measurements.is_valid_stat", "random")
    assert M.is_valid_stat(x) in (True, False)


@covers(
    "measurements.validate_measurements", "measurements.read_measurements_csv", "measurements.to_round_trip"
)
@FAST
@given(meas_st)
def test_measurements_round_trip_and_two_way(df: pd.DataFrame) -> None:
    for n in ("validate_measurements", "read_measurements_csv", "to_round_trip"):
        count("measurements." + n)
    v = M.validate_measurements(df)
    pd.testing.assert_frame_equal(v, df, check_dtype=False)
    back = _csv_round_trip(df, M.read_measurements_csv)
    pd.testing.assert_frame_equal(back, df, check_dtype=False)
    rt = M.to_round_trip(df)
    np.testing.assert_allclose(rt["rtt_ms"], df["rtt_ms"] * np.where(df["one_way"], 2.0, 1.0))
    assert not rt["one_way"].any()


def _corrupt_measurements(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    return {
        "negative": df.assign(rtt_ms=-df["rtt_ms"]),
        "nan": df.assign(rtt_ms=NAN),
        "inf": df.assign(rtt_ms=INF),
        "stat": df.assign(stat="median-ish"),
        "method": df.assign(method="carrier-pigeon"),
        "missing": df.drop(columns="rtt_ms"),
        "text rtt": df.assign(rtt_ms="fast"),
    }[kind]


bad_meas_kind = st.sampled_from(["negative", "nan", "inf", "stat", "method", "missing", "text rtt"])


@covers(
    "measurements.validate_measurements",
    "measurements.read_measurements_csv",
    "measurements.to_round_trip",
    kind="invalid",
)
@FAST
@given(meas_st, bad_meas_kind, garbage)
def test_measurements_reject_corrupt_tables(df: pd.DataFrame, kind: str, other: object) -> None:
    bad = _corrupt_measurements(df, kind)
    must_reject("measurements.validate_measurements", lambda: M.validate_measurements(bad))
    must_reject("measurements.read_measurements_csv", lambda: _csv_round_trip(bad, M.read_measurements_csv))
    must_reject("measurements.to_round_trip", lambda: M.to_round_trip(bad))
    must_reject("measurements.validate_measurements", lambda: M.validate_measurements(other))  # type: ignore[arg-type]
    must_reject("measurements.to_round_trip", lambda: M.to_round_trip(other))  # type: ignore[arg-type]
    must_reject("measurements.read_measurements_csv", lambda: M.read_measurements_csv(other))  # type: ignore[arg-type]


cloudping_st = st.dictionaries(
    st.sampled_from(["us-east-1", "eu-west-1", "ap-south-1"]),
    st.dictionaries(
        st.sampled_from(["us-west-2", "sa-east-1", "eu-north-1"]), st.floats(0.01, 1000), min_size=1
    ),
    min_size=1,
)


@covers("measurements.read_cloudping_json")
@FAST
@given(cloudping_st)
def test_cloudping_json_values_read_back(data: dict[str, dict[str, float]]) -> None:
    count("measurements.read_cloudping_json")
    out = M.read_cloudping_json(io.StringIO(json.dumps({"data": data})))
    got = {(r.src, r.dst): r.rtt_ms for r in out.itertuples()}
    want = {(s, d): v for s, inner in data.items() for d, v in inner.items()}
    assert got == pytest.approx(want)
    assert (out["method"] == "tcp-connect").all()
    assert not out["one_way"].any()


@covers("measurements.read_cloudping_json", kind="invalid")
@FAST
@given(
    st.one_of(
        st.dictionaries(
            st.text(max_size=3),
            st.dictionaries(st.text(max_size=3), st.sampled_from([-1.0, 0.0, "x", [1]]), min_size=1),
            min_size=1,
        ),
        st.lists(st.integers(), max_size=3),
        st.text(max_size=5),
        st.integers(),
    )
)
def test_cloudping_json_rejects_garbage(data: object) -> None:
    must_reject(
        "measurements.read_cloudping_json", lambda: M.read_cloudping_json(io.StringIO(json.dumps(data)))
    )
    must_reject(
        "measurements.read_cloudping_json", lambda: M.read_cloudping_json(io.StringIO(str(data) + "{"))
    )


gcping_st = st.lists(
    st.tuples(
        st.sampled_from(["us-east1", "europe-west1", "asia-east1"]), st.integers(1_000_000, 900_000_000)
    ),
    min_size=1,
    max_size=12,
)


@covers("measurements.read_gcping_csv")
@FAST
@given(gcping_st)
def test_gcping_median_is_the_upper_middle_sample(rows: list[tuple[str, int]]) -> None:
    count("measurements.read_gcping_csv")
    text = "".join(f"{r},https://{r}.example,{ns},false\n" for r, ns in rows)
    out = M.read_gcping_csv(io.StringIO(text)).set_index("dst")
    for region in {r for r, _ in rows}:
        samples = sorted(ns for r, ns in rows if r == region)
        assert out.loc[region, "rtt_ms"] == pytest.approx(samples[len(samples) // 2] / 1e6)
        assert out.loc[region, "n_samples"] == len(samples)


@covers("measurements.read_gcping_csv", "measurements.read_wondernetwork_csv", kind="invalid")
@FAST
@given(
    st.one_of(
        st.text(min_size=1, max_size=30),
        st.lists(st.tuples(st.text(max_size=4), st.floats()), min_size=1, max_size=3).map(
            lambda rows: "".join(f"{a},x,{b},maybe\n" for a, b in rows)
        ),
    ),
    garbage,
)
def test_gcping_and_wondernetwork_reject_garbage(text: str, other: object) -> None:
    must_reject("measurements.read_gcping_csv", lambda: M.read_gcping_csv(io.StringIO(text)))
    must_reject("measurements.read_wondernetwork_csv", lambda: M.read_wondernetwork_csv(io.StringIO(text)))
    must_reject("measurements.read_gcping_csv", lambda: M.read_gcping_csv(other))  # type: ignore[arg-type]
    must_reject("measurements.read_wondernetwork_csv", lambda: M.read_wondernetwork_csv(other))  # type: ignore[arg-type]


@covers("measurements.read_wondernetwork_csv")
@FAST
@given(
    st.lists(
        st.tuples(point_st, point_st, st.floats(0.1, 500), st.floats(0, 100), st.floats(0, 100)),
        min_size=1,
        max_size=6,
    )
)
def test_wondernetwork_pairs_read_back(rows: list[Any]) -> None:
    count("measurements.read_wondernetwork_csv")
    df = pd.DataFrame(
        {
            "src_lat": [r[0][0] for r in rows],
            "src_lon": [r[0][1] for r in rows],
            "dst_lat": [r[1][0] for r in rows],
            "dst_lon": [r[1][1] for r in rows],
            "rtt_min_ms": [r[2] for r in rows],
            "rtt_avg_ms": [r[2] + r[3] for r in rows],
            "rtt_max_ms": [r[2] + r[3] + r[4] for r in rows],
            "src": [f"a{i}" for i in range(len(rows))],
            "dst": [f"b{i}" for i in range(len(rows))],
        }
    )
    out = _csv_round_trip(df, M.read_wondernetwork_csv)
    np.testing.assert_allclose(out["rtt_ms"], df["rtt_avg_ms"])
    both = _csv_round_trip(df, lambda p: M.read_wondernetwork_csv(p, stat=["min", "max"]))
    assert len(both) == 2 * len(df)
    assert (out["method"] == "icmp").all()


# ---- geodesy, network, latency: the rest -----------------------------------------------------


@covers("geodesy.unit_vectors")
@FAST
@given(point_st, point_st)
def test_unit_vectors_are_unit_and_give_the_great_circle(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    count("geodesy.unit_vectors")
    v = G.unit_vectors([a[0], b[0]], [a[1], b[1]])
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-12)
    angle = math.atan2(float(np.linalg.norm(np.cross(v[0], v[1]))), float(v[0] @ v[1]))
    assert angle * R_KM == pytest.approx(float(G.great_circle_km(*a, *b)), abs=1e-6)


@covers(
    "geodesy.unit_vectors",
    "geodesy.geodesic_km",
    "geodesy.distance_matrix_km",
    "geodesy.nearest_sites",
    "network.route_hubs",
    "network.routed_distance_km",
    "network.routed_distance_matrix_km",
    kind="invalid",
)
@FAST
@given(bad_lat, bad_frame, st.integers(-3, 0))
def test_geometry_rejects_garbage(x: object, frame: object, k: int) -> None:
    must_reject("geodesy.unit_vectors", lambda: G.unit_vectors(x, 0))  # type: ignore[arg-type]
    must_reject("geodesy.geodesic_km", lambda: G.geodesic_km(x, 0, 0, 0))
    must_reject("geodesy.distance_matrix_km", lambda: G.distance_matrix_km(frame))  # type: ignore[arg-type]
    good = pd.DataFrame({"lat": [1.0], "lon": [2.0]})
    must_reject("geodesy.nearest_sites", lambda: G.nearest_sites(good, frame))  # type: ignore[arg-type]
    must_reject("geodesy.nearest_sites", lambda: G.nearest_sites(good, good, k=k))
    must_reject("network.route_hubs", lambda: N.route_hubs((x, 0), (0, 0)))  # type: ignore[arg-type]
    must_reject("network.routed_distance_km", lambda: N.routed_distance_km(x, 0, 0, 0))
    must_reject("network.routed_distance_matrix_km", lambda: N.routed_distance_matrix_km([x], [0], [0], [0]))


@cache
def _backbone() -> N.Backbone:
    return N.load_backbone()


@covers(
    "network.route_hubs", "network.routed_distance_matrix_km", "network.load_backbone", "network.Backbone"
)
@MEDIUM
@given(st.lists(point_st, min_size=1, max_size=3), st.lists(point_st, min_size=1, max_size=3))
def test_routed_matrix_matches_pairs_and_hubs_exist(a: list[Any], b: list[Any]) -> None:
    for n in ("route_hubs", "routed_distance_matrix_km", "load_backbone", "Backbone"):
        count("network." + n)
    bb = _backbone()
    rebuilt = N.Backbone(bb.hubs, bb.links, bb.hub_distance_km, bb.predecessors)
    m = N.routed_distance_matrix_km(
        [p[0] for p in a], [p[1] for p in a], [p[0] for p in b], [p[1] for p in b], backbone=rebuilt
    )
    assert m.shape == (len(a), len(b))
    for i, j in itertools.product(range(len(a)), range(len(b))):
        one = float(np.asarray(N.routed_distance_km(*a[i], *b[j])).ravel()[0])
        assert m[i, j] == pytest.approx(one, rel=1e-9, abs=1e-6)
        assert m[i, j] >= float(G.great_circle_km(*a[i], *b[j])) - 1e-6
    hubs = N.route_hubs(a[0], b[0])
    assert set(hubs) <= set(bb.hubs.index)
    d = bb.hub_distance_km
    np.testing.assert_allclose(d, d.T, atol=1e-6)
    assert np.all(np.diag(d) == 0)


@covers("network.Backbone", "network.load_backbone", kind="invalid")
@FAST
@given(garbage, garbage)
def test_backbone_rejects_garbage(x: object, y: object) -> None:
    must_reject("network.Backbone", lambda: N.Backbone(x, y, x, y))  # type: ignore[arg-type]
    # load_backbone's one input is the hop penalty: a finite number >= 0 [km]
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x) or x < 0:
        must_reject("network.load_backbone", lambda: N.load_backbone(x))  # type: ignore[arg-type]


@covers("latency.region_rtt_ms", "latency.rtt_matrix_ms", "latency.user_rtt_matrix_ms")
@MEDIUM
@given(codes_st, st.sampled_from(["p50", "p90"]), st.sampled_from(["physics", "calibrated", "rule-of-thumb"]))
def test_region_rtt_symmetric_above_floor(codes: list[str], stat: str, model: str) -> None:
    for n in ("region_rtt_ms", "rtt_matrix_ms", "user_rtt_matrix_ms"):
        count("latency." + n)
    m = L.rtt_matrix_ms(codes, stat=stat, model=model)
    np.testing.assert_allclose(m.to_numpy(), m.to_numpy().T, rtol=1e-9)
    r = regions_frame(codes)
    floor = 2 * G.distance_matrix_km(r).to_numpy() / L.fibre_speed_km_s() * 1000
    assert (m.to_numpy() >= floor - 1e-6).all()
    v = L.region_rtt_ms(codes, codes[0], stat=stat, model=model)
    np.testing.assert_allclose(np.asarray(v).ravel(), m[codes[0]].to_numpy(), rtol=1e-9)
    u = L.user_rtt_matrix_ms(r[["lat", "lon"]].reset_index(drop=True), codes, stat=stat, model=model)
    assert u.shape == (len(codes), len(codes))
    assert (u.to_numpy() >= 0).all()


@covers("latency.user_latency")
@MEDIUM
@given(users_st, codes_st)
def test_user_latency_is_the_row_minimum(users: pd.DataFrame, codes: list[str]) -> None:
    count("latency.user_latency")
    sites = regions_frame(codes)
    ul = L.user_latency(users, sites, model="calibrated")
    pd.testing.assert_index_equal(ul.index, users.index)
    mat = L.user_rtt_matrix_ms(users, sites, model="calibrated")
    np.testing.assert_allclose(ul["rtt_ms"].to_numpy(), mat.to_numpy().min(axis=1), rtol=1e-9)
    assert (ul["rtt_ms"] >= 2 * ul["distance_km"] / L.fibre_speed_km_s() * 1000 - 1e-6).all()


@covers(
    "latency.user_latency",
    "latency.rtt_matrix_ms",
    "latency.user_rtt_matrix_ms",
    "latency.region_rtt_ms",
    "latency.rtt_ms",
    "latency.weighted_quantile",
    "latency.fibre_speed_km_s",
    "latency.get_model",
    "latency.LatencyModel",
    kind="invalid",
)
@FAST
@given(bad_frame, st.one_of(unknown_text, st.integers()), bad_float)
def test_latency_rejects_garbage(frame: object, code: object, x: float) -> None:
    assume(code not in C.load_regions(include_unannounced=True).index and code not in L.model_names())
    sites = regions_frame(["us-east-1"])
    good = pd.DataFrame({"lat": [1.0], "lon": [2.0]})
    must_reject("latency.user_latency", lambda: L.user_latency(frame, sites))
    must_reject("latency.rtt_matrix_ms", lambda: L.rtt_matrix_ms([code]))
    must_reject("latency.user_rtt_matrix_ms", lambda: L.user_rtt_matrix_ms(good, [code]))
    must_reject("latency.region_rtt_ms", lambda: L.region_rtt_ms(code, "us-east-1"))  # type: ignore[arg-type]
    must_reject(
        "latency.rtt_ms", lambda: L.rtt_ms((x if not math.isfinite(x) else 90.5 + abs(x), 0.0), (0.0, 0.0))
    )
    must_reject("latency.weighted_quantile", lambda: L.weighted_quantile([1.0, NAN], 0.5))
    must_reject(
        "latency.weighted_quantile", lambda: L.weighted_quantile([1.0, 2.0], 0.5, weights=[1.0, -abs(x)])
    )
    must_reject("latency.fibre_speed_km_s", lambda: L.fibre_speed_km_s(x))
    must_reject("latency.get_model", lambda: L.get_model(code))  # type: ignore[arg-type]
    must_reject("latency.LatencyModel", lambda: L.LatencyModel(stretch=x))


@covers("latency.fibre_speed_km_s", "latency.LatencyModel", "latency.get_model", "latency.model_names")
@FAST
@given(st.floats(1.0, 3.0), st.floats(1.0, 3.0), st.floats(0, 50), st.floats(0, 20_000), st.data())
def test_custom_model_stays_above_its_floor(
    index: float, stretch: float, overhead: float, d_km: float, data: st.DataObject
) -> None:
    for n in ("fibre_speed_km_s", "LatencyModel", "get_model", "model_names"):
        count("latency." + n)
    v = L.fibre_speed_km_s(index)
    assert v == pytest.approx(L.C_KM_S / index)
    assert v <= L.C_KM_S
    m = L.LatencyModel(fibre_index=index, stretch=stretch, overhead_ms=overhead)
    rtt = float(L.rtt_from_distance_ms(d_km, model=m))
    assert rtt >= 2 * d_km / v * 1000 - 1e-9
    name = data.draw(st.sampled_from(L.model_names()))
    assert L.get_model(name).name == name


@covers("latency.latency_summary", "latency.cdn_ttfb_ms", "latency.cdn_summary")
@SLOW
@given(users_st, st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-1"]), frac_st, frac_st)
def test_cdn_and_summaries_bounded(users: pd.DataFrame, origin: str, e: float, r: float) -> None:
    for n in ("latency_summary", "cdn_ttfb_ms", "cdn_summary"):
        count("latency." + n)
    cdn = L.cdn_ttfb_ms(users, origin, edge_hit_ratio=e, rec_hit_ratio=r)
    pd.testing.assert_index_equal(cdn.index, users.index)
    assert (cdn["hit_ms"] <= cdn["ttfb_ms"] + 1e-9).all()
    assert (cdn["ttfb_ms"] <= cdn["miss_ms"] + 1e-9).all()
    for s in (
        L.cdn_summary(cdn).T.itertuples(),
        [L.latency_summary(L.user_latency(users, regions_frame([origin])))],
    ):
        for row in s:
            row = pd.Series(row._asdict()) if hasattr(row, "_asdict") else row
            assert row["p50_ms"] <= row["p90_ms"] + 1e-9 <= row["p99_ms"] + 2e-9
            shares = [row[c] for c in row.index if str(c).startswith("share_within")]
            assert all(0 <= x <= 1 for x in shares)
            assert shares == sorted(shares)


@covers(
    "latency.latency_summary",
    "latency.cdn_ttfb_ms",
    "latency.cdn_summary",
    "latency.calibrate",
    "latency.compare_with_measurements",
    kind="invalid",
)
@FAST
@given(garbage, st.sampled_from([NAN, INF, -INF]))
def test_latency_tables_reject_garbage(frame: object, x: float) -> None:
    must_reject("latency.latency_summary", lambda: L.latency_summary(frame))  # type: ignore[arg-type]
    must_reject("latency.latency_summary", lambda: L.latency_summary(pd.DataFrame({"rtt_ms": [1.0, x]})))
    must_reject("latency.cdn_summary", lambda: L.cdn_summary(frame))  # type: ignore[arg-type]
    must_reject("latency.cdn_ttfb_ms", lambda: L.cdn_ttfb_ms(frame, "us-east-1"))  # type: ignore[arg-type]
    good = pd.DataFrame({"lat": [1.0], "lon": [2.0]})
    must_reject("latency.cdn_ttfb_ms", lambda: L.cdn_ttfb_ms(good, "us-east-1", edge_hit_ratio=x))
    must_reject("latency.calibrate", lambda: L.calibrate(frame))  # type: ignore[arg-type]
    must_reject("latency.compare_with_measurements", lambda: L.compare_with_measurements(frame))  # type: ignore[arg-type]


@covers("latency.latency_summary", kind="invalid")
@FAST
@given(st.floats(-1e6, -1e-9))
def test_latency_summary_rejects_negative_rtt(x: float) -> None:
    must_reject("latency.latency_summary", lambda: L.latency_summary(pd.DataFrame({"rtt_ms": [1.0, x]})))


region_meas_st = st.lists(
    st.tuples(
        st.sampled_from(_region_codes()[:12]), st.sampled_from(_region_codes()[12:24]), st.floats(1.2, 3.0)
    ),
    min_size=2,
    max_size=8,
)


@covers("latency.calibrate", "latency.compare_with_measurements")
@SLOW
@given(region_meas_st)
def test_calibration_and_comparison_consistent(rows: list[tuple[str, str, float]]) -> None:
    count("latency.calibrate")
    count("latency.compare_with_measurements")
    floor = [float(np.asarray(L.region_rtt_ms(s, d, model="physics")).ravel()[0]) for s, d, _ in rows]
    df = pd.DataFrame(
        {
            "src": [r[0] for r in rows],
            "dst": [r[1] for r in rows],
            "rtt_ms": [f * r[2] + 1.0 for f, r in zip(floor, rows, strict=True)],
            "stat": "p50",
            "method": "icmp",
            "one_way": False,
        }
    )
    cmp = L.compare_with_measurements(df)
    np.testing.assert_allclose(cmp["error_ms"], cmp["modelled_ms"] - cmp["measured_ms"], atol=1e-9)
    assert (cmp["modelled_ms"] >= cmp["physics_floor_ms"] - 1e-9).all()
    res = L.calibrate(df)
    assert isinstance(res.model, L.LatencyModel)
    assert _no_nan(res.predictions)
    assert _no_nan(res.residuals)


# ---- durability: the rest --------------------------------------------------------------------

prob_st = st.floats(1e-15, 0.5)
# bad for any number: NaN, infinite, negative, text, None
x_bad = st.one_of(st.sampled_from([NAN, INF, -INF, -1.0, -1e-9]), st.text(max_size=3), st.none())


@covers(
    "durability.cross_region_replication_loss",
    "durability.loss_probability_from_durability",
    "durability.shard_failure_rate_from_drive_afr",
    "durability.format_one_in",
)
@FAST
@given(st.lists(prob_st, min_size=2, max_size=4), frac_st, frac_st)
def test_cross_region_bounded_and_monotone_in_correlation(p: list[float], c1: float, c2: float) -> None:
    for n in (
        "cross_region_replication_loss",
        "loss_probability_from_durability",
        "shard_failure_rate_from_drive_afr",
        "format_one_in",
    ):
        count("durability." + n)
    lo, hi = sorted((c1, c2))
    a = D.cross_region_replication_loss(region_loss_probabilities=p, correlation=lo)
    b = D.cross_region_replication_loss(region_loss_probabilities=p, correlation=hi)
    for r in (a, b):
        assert 0.0 <= r.loss_probability_per_year <= 1.0
        assert r.loss_probability_per_year >= math.prod(p) * (1 - 1e-9)
    assert b.loss_probability_per_year >= a.loss_probability_per_year * (1 - 1e-9)
    assert D.loss_probability_from_durability(1 - p[0]) == pytest.approx(p[0], rel=1e-6, abs=1e-15)
    rate = D.shard_failure_rate_from_drive_afr(p[0], afr_is="probability")
    assert rate >= p[0] * (1 - 1e-12)  # -ln(1 - p) >= p
    text = D.format_one_in(p[0])
    assert isinstance(text, str)
    assert text
    assert "nan" not in text.lower()


@covers("durability.ebs_expected_failures", "durability.one_zone_loss", "durability.replication_loss")
@FAST
@given(
    st.floats(0, 1e7), st.floats(0, 1e7), st.floats(0.01, 50), prob_st, st.integers(1, 5), st.floats(0.1, 30)
)
def test_failures_monotone_and_more_copies_never_worse(
    v1: float, v2: float, years: float, az: float, copies: int, days: float
) -> None:
    for n in ("ebs_expected_failures", "one_zone_loss", "replication_loss"):
        count("durability." + n)
    lo, hi = sorted((v1, v2))
    a, b = D.ebs_expected_failures(volumes=lo, years=years), D.ebs_expected_failures(volumes=hi, years=years)
    assert a.expected_failures_low <= a.expected_failures_high
    assert b.expected_failures_high >= a.expected_failures_high * (1 - 1e-12)
    assert 0 <= a.probability_any_failure_low <= a.probability_any_failure_high <= 1
    oz = D.one_zone_loss(
        objects=hi, az_loss_probability_per_year=az, storage_class="s3-one-zone-ia", years=years
    )
    assert oz.loss_probability_per_year >= az * (1 - 1e-12)
    assert 0 <= oz.loss_probability_per_year <= 1
    r1 = D.replication_loss(copies=copies, failure_rate_per_year=0.05, replace_days=days)
    r2 = D.replication_loss(copies=copies + 1, failure_rate_per_year=0.05, replace_days=days)
    assert 0 <= r2.loss_probability_per_year <= r1.loss_probability_per_year * (1 + 1e-9) + 1e-300 <= 1 + 1e-9


@covers(
    *(
        f"durability.{n}"
        for n in (
            "cross_region_replication_loss",
            "loss_probability_from_durability",
            "shard_failure_rate_from_drive_afr",
            "format_one_in",
            "ebs_expected_failures",
            "one_zone_loss",
            "replication_loss",
            "erasure_coding_loss",
            "expected_losses",
            "nines",
            "durability_from_nines",
        )
    ),
    kind="invalid",
)
@FAST
@given(x_bad, st.floats(1.0001, 1e6), unknown_text)
def test_durability_rejects_garbage(x: object, over: float, name: str) -> None:
    assume(name not in _storage_ids())
    must_reject(
        "durability.cross_region_replication_loss",
        lambda: D.cross_region_replication_loss(region_loss_probabilities=[1e-3, over]),
    )  # type: ignore[list-item]
    must_reject(
        "durability.loss_probability_from_durability", lambda: D.loss_probability_from_durability(over)
    )  # type: ignore[arg-type]
    must_reject(
        "durability.shard_failure_rate_from_drive_afr",
        lambda: D.shard_failure_rate_from_drive_afr(0.01, afr_is=name),
    )
    must_reject("durability.format_one_in", lambda: D.format_one_in(x if x != INF else NAN))  # type: ignore[arg-type]
    must_reject(
        "durability.ebs_expected_failures", lambda: D.ebs_expected_failures(volumes=10, volume_type=name)
    )
    must_reject(
        "durability.one_zone_loss",
        lambda: D.one_zone_loss(
            objects=10, az_loss_probability_per_year=over, storage_class="s3-one-zone-ia"
        ),
    )  # type: ignore[arg-type]
    must_reject(
        "durability.replication_loss",
        lambda: D.replication_loss(copies=1, failure_rate_per_year=x, replace_days=1),
    )  # type: ignore[arg-type]
    must_reject(
        "durability.erasure_coding_loss",
        lambda: D.erasure_coding_loss(
            data_shards=4, parity_shards=2, shard_failure_rate_per_year=x, replace_days=1
        ),
    )  # type: ignore[arg-type]
    must_reject("durability.expected_losses", lambda: D.expected_losses(objects=10, storage_class=name))
    must_reject("durability.nines", lambda: D.nines(over))  # type: ignore[arg-type]
    must_reject("durability.durability_from_nines", lambda: D.durability_from_nines(name))  # type: ignore[arg-type]


# ---- availability: the rest ------------------------------------------------------------------

avail_st = st.floats(0.5, 1.0)
PRESETS = ("single_instance", "app_and_rds", "multi_az", "multi_region")


@covers(
    *(f"availability.{n}" for n in PRESETS),
    "availability.compare_architectures",
    "availability.single_points_of_failure",
    "availability.importance",
)
@MEDIUM
@given(avail_st, avail_st, avail_st, st.integers(1, 2))
def test_presets_bounded_by_their_single_points(inst: float, az: float, region: float, n: int) -> None:
    for name in (*PRESETS, "compare_architectures", "single_points_of_failure", "importance"):
        count("availability." + name)
    si = A.single_instance(instance_availability=inst, az_availability=az, region_availability=region)
    assert si.availability <= min(inst, az, region) + 1e-12
    ar = A.app_and_rds(instance_availability=inst, az_availability=az, region_availability=region)
    assert ar.availability <= si.availability + 1e-12
    ma = A.multi_az(
        az_count=n + 1, instance_availability=inst, az_availability=az, region_availability=region
    )
    assert ma.availability <= region + 1e-12
    mr = A.multi_region(region_count=n + 1, instance_availability=inst)
    for r in (si, ar, ma, mr):
        assert 0 <= r.availability <= 1
        assert r.unavailability == pytest.approx(1 - r.availability, abs=1e-12)
    table = A.compare_architectures(si, ar, ma, mr)
    np.testing.assert_allclose(
        table["availability"], [si.availability, ar.availability, ma.availability, mr.availability]
    )
    spof = A.single_points_of_failure(si)
    assert set(spof) == set(si.single_points_of_failure)
    imp = A.importance(ma)
    assert imp["criticality"].between(-1e-12, 1 + 1e-12).all()
    assert imp["birnbaum"].between(-1e-12, 1 + 1e-12).all()


@covers(
    "availability.Domain",
    "availability.Series",
    "availability.Parallel",
    "availability.KOfN",
    "availability.Component",
    "availability.with_failover",
    "availability.failover_unavailability",
    "availability.format_duration",
    "availability.downtime_table",
)
@FAST
@given(st.lists(avail_st, min_size=1, max_size=4), st.floats(0, 1e4), st.floats(0, 50))
def test_classes_equal_their_functions(parts: list[float], seconds: float, events: float) -> None:
    for name in (
        "Domain",
        "Series",
        "Parallel",
        "KOfN",
        "Component",
        "with_failover",
        "failover_unavailability",
        "format_duration",
        "downtime_table",
    ):
        count("availability." + name)
    comps = tuple(A.Component(p, f"c{i}") for i, p in enumerate(parts))
    assert A.Series(comps).availability == pytest.approx(A.series(*parts).availability, abs=1e-12)
    assert A.Parallel(1, comps).availability == pytest.approx(A.parallel(*parts).availability, abs=1e-12)
    assert A.KOfN(len(parts), comps).availability == pytest.approx(A.series(*parts).availability, abs=1e-12)
    assert A.Domain("az", parts[0]).availability == parts[0]
    fu = A.failover_unavailability(events, seconds)
    assert fu == pytest.approx(events * seconds / (365.2425 * 86400), rel=1e-9, abs=1e-15) or fu == 1.0
    assume(fu < 1)
    wf = A.with_failover(A.parallel(*parts), seconds_per_event=seconds, events_per_year=events)
    assert wf.availability <= A.parallel(*parts).availability + 1e-12
    assert isinstance(A.format_duration(seconds), str)
    dt_table = A.downtime_table(parts)
    np.testing.assert_allclose(
        dt_table["downtime_per_year_s"], [(1 - p) * 365.2425 * 86400 for p in parts], atol=1e-6
    )


@covers("availability.monte_carlo")
@SLOW
@given(st.lists(st.floats(0.9, 0.9999), min_size=1, max_size=3), st.integers(0, 1000))
def test_monte_carlo_interval_contains_its_estimate(parts: list[float], seed: int) -> None:
    count("availability.monte_carlo")
    mc = A.monte_carlo(A.series(*parts), n_runs=100, seed=seed)
    assert 0 <= mc.ci_low <= mc.availability <= mc.ci_high <= 1
    assert mc.exact_availability == pytest.approx(A.series(*parts).availability)


@covers(
    *(
        f"availability.{n}"
        for n in (
            *PRESETS,
            "compare_architectures",
            "single_points_of_failure",
            "importance",
            "Domain",
            "Series",
            "Parallel",
            "KOfN",
            "Component",
            "with_failover",
            "failover_unavailability",
            "format_duration",
            "downtime_table",
            "monte_carlo",
            "k_of_n",
            "parallel",
            "downtime",
        )
    ),
    kind="invalid",
)
@FAST
@given(x_bad, st.floats(1.0001, 1e6), garbage)
def test_availability_rejects_garbage(x: object, over: float, other: object) -> None:
    for name in PRESETS:
        fn = getattr(A, name)
        must_reject(f"availability.{name}", lambda fn=fn: fn(instance_availability=over))
    must_reject("availability.compare_architectures", lambda: A.compare_architectures(other))  # type: ignore[arg-type]
    must_reject("availability.single_points_of_failure", lambda: A.single_points_of_failure(other))  # type: ignore[arg-type]
    must_reject("availability.importance", lambda: A.importance(other))  # type: ignore[arg-type]
    must_reject("availability.Domain", lambda: A.Domain("az", over))  # type: ignore[arg-type]
    must_reject("availability.Series", lambda: A.Series(other))  # type: ignore[arg-type]
    must_reject("availability.Parallel", lambda: A.Parallel(0, (A.Component(0.9),)))
    must_reject("availability.KOfN", lambda: A.KOfN(3, (A.Component(0.9),)))
    must_reject("availability.Component", lambda: A.Component(over))  # type: ignore[arg-type]
    must_reject(
        "availability.with_failover",
        lambda: A.with_failover(A.series(0.9), seconds_per_event=x, events_per_year=1),
    )  # type: ignore[arg-type]
    must_reject("availability.failover_unavailability", lambda: A.failover_unavailability(x, 10))  # type: ignore[arg-type]
    must_reject("availability.format_duration", lambda: A.format_duration(x))  # type: ignore[arg-type]
    must_reject("availability.downtime_table", lambda: A.downtime_table([0.9, over]))  # type: ignore[list-item]
    must_reject("availability.monte_carlo", lambda: A.monte_carlo(A.series(0.9), n_runs=x))  # type: ignore[arg-type]
    must_reject("availability.k_of_n", lambda: A.k_of_n(1, [0.9, over]))  # type: ignore[list-item]
    must_reject("availability.parallel", lambda: A.parallel(0.9, over))  # type: ignore[arg-type]
    must_reject("availability.downtime", lambda: A.downtime(over))  # type: ignore[arg-type]


# ---- placement, scaling: the rest ------------------------------------------------------------


@covers("placement.optimize_placement")
@SLOW
@given(st.lists(point_st, min_size=2, max_size=15), st.integers(1, 3))
def test_placement_rtt_is_min_over_chosen_sites(users: list[tuple[float, float]], k: int) -> None:
    count("placement.optimize_placement")
    u = pd.DataFrame(users, columns=["lat", "lon"])
    res = PL.optimize_placement(u, _regions_2019(), k, model="physics")
    assert len(res.sites) == k
    mat = L.user_rtt_matrix_ms(u, _regions_2019().loc[res.sites], model="physics")
    np.testing.assert_allclose(res.rtt_ms.to_numpy(), mat.to_numpy().min(axis=1), rtol=1e-6, atol=1e-6)
    assert res.objective_value == pytest.approx(float(res.rtt_ms.mean()), rel=1e-6)


@covers("placement.optimize_placement", "placement.placement_frontier", kind="invalid")
@FAST
@given(bad_frame, st.one_of(st.integers(-3, 0), st.floats(), st.text(max_size=2)), unknown_text)
def test_placement_rejects_garbage(frame: object, k: object, objective: str) -> None:
    assume(objective not in PL.OBJECTIVES)
    good = pd.DataFrame({"lat": [1.0, 50.0], "lon": [100.0, 0.0]})
    cands = _regions_2019().iloc[:5]
    must_reject("placement.optimize_placement", lambda: PL.optimize_placement(frame, cands, 1))  # type: ignore[arg-type]
    must_reject("placement.optimize_placement", lambda: PL.optimize_placement(good, cands, k))  # type: ignore[arg-type]
    must_reject(
        "placement.optimize_placement", lambda: PL.optimize_placement(good, cands, 1, objective=objective)
    )
    must_reject("placement.placement_frontier", lambda: PL.placement_frontier(good, frame, 1))  # type: ignore[arg-type]


@covers(
    "scaling.daily_demand",
    "scaling.seasonal_decline_demand",
    "scaling.surge_demand",
    "scaling.Fleet",
    "scaling.StepScalingPolicy",
    "scaling.TargetTrackingPolicy",
)
@SLOW
@given(st.floats(0.1, 2), st.floats(1, 1000), st.floats(1, 8), st.integers(1, 5), st.integers(0, 10), frac_st)
def test_demand_and_served_plus_unserved(
    days: float, rps: float, mult: float, lo: int, extra: int, tgt: float
) -> None:
    for n in (
        "daily_demand",
        "seasonal_decline_demand",
        "surge_demand",
        "Fleet",
        "StepScalingPolicy",
        "TargetTrackingPolicy",
        "simulate_autoscaling",
    ):
        count("scaling." + n)
    assume(0.05 < tgt < 0.95)
    d = S.daily_demand(days=days, freq="5min", mean_rps=rps, seed=1)
    assert len(d) == math.ceil(days * 288 - 1e-9) or abs(len(d) - days * 288) <= 1
    assert (d >= 0).all()
    assert np.isfinite(d).all()
    sd = S.seasonal_decline_demand(
        days=days + 1, freq="1h", initial_rps=rps, noise=0.0, daily_amplitude=0.0, seed=1
    )
    assert sd.iloc[-1] <= sd.iloc[0] + 1e-9
    su = S.surge_demand(days=days, freq="5min", base_rps=rps, multiple=mult, seed=1)
    assert su.max() >= rps * (1 - 1e-9)
    fleet = S.Fleet(min_size=lo, max_size=lo + extra)
    for policy in (S.StepScalingPolicy(), S.TargetTrackingPolicy(target_utilisation=tgt)):
        tl = S.simulate_autoscaling(su, policy, fleet=fleet).timeline
        np.testing.assert_allclose(tl["served"] + tl["unserved"], tl["demand"], rtol=1e-9, atol=1e-9)
        assert tl["instances"].between(lo, lo + extra).all()


@covers(
    *(
        f"scaling.{n}"
        for n in (
            "daily_demand",
            "seasonal_decline_demand",
            "surge_demand",
            "Fleet",
            "StepScalingPolicy",
            "TargetTrackingPolicy",
            "simulate_autoscaling",
        )
    ),
    kind="invalid",
)
@FAST
@given(x_bad, st.floats(1.0001, 1e3), garbage)
def test_scaling_rejects_garbage(x: object, over: float, other: object) -> None:
    must_reject("scaling.daily_demand", lambda: S.daily_demand(mean_rps=x))  # type: ignore[arg-type]
    must_reject("scaling.seasonal_decline_demand", lambda: S.seasonal_decline_demand(final_fraction=over))
    must_reject("scaling.surge_demand", lambda: S.surge_demand(multiple=x))  # type: ignore[arg-type]
    must_reject("scaling.Fleet", lambda: S.Fleet(capacity_per_instance=x))  # type: ignore[arg-type]
    must_reject("scaling.StepScalingPolicy", lambda: S.StepScalingPolicy(alarm_threshold=over))
    must_reject("scaling.TargetTrackingPolicy", lambda: S.TargetTrackingPolicy(target_utilisation=over))
    must_reject("scaling.simulate_autoscaling", lambda: S.simulate_autoscaling(other, S.StepScalingPolicy()))  # type: ignore[arg-type]


# ---- plotting --------------------------------------------------------------------------------

PLOT = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NUMERIC_TRACE_KEYS = ("x", "y", "z", "lat", "lon")
DOWNTIME_HOURS_PER_YEAR = 365.2425 * 24
as_of_edges_st = st.dates(dt.date(2019, 11, 27), C.catalog_date())
some_codes_st = st.lists(st.sampled_from(_region_codes()), min_size=2, max_size=6, unique=True)
class_st = st.lists(
    st.sampled_from(tuple(C.load_storage_classes().index)), min_size=1, max_size=5, unique=True
)
# garbage that is never ``None`` (None means "use the default" for several plotting arguments)
some_garbage = garbage.filter(lambda x: x is not None)
bad_frame_nn = bad_frame.filter(lambda x: x is not None)
x_bad_nn = x_bad.filter(lambda x: x is not None)


def check_figure(fig: object) -> go.Figure:
    """A Figure; no NaN in any numeric trace array; every geo subplot keeps ``fitbounds=False``."""
    assert isinstance(fig, go.Figure | go.FigureWidget)
    for trace in fig.to_plotly_json()["data"]:
        arrays = [trace.get(k) for k in NUMERIC_TRACE_KEYS]
        arrays.append((trace.get("marker") or {}).get("color"))
        for values in arrays:
            if values is None or isinstance(values, str):
                continue
            arr = np.asarray(values)
            if arr.dtype.kind == "O":
                with contextlib.suppress(TypeError, ValueError):
                    arr = arr.astype(float)
            if arr.dtype.kind == "f":
                assert not np.isnan(arr).any(), f"NaN in trace {trace.get('name')!r}"
    layout = fig.to_plotly_json()["layout"]
    for key, geo in layout.items():
        if key.startswith("geo"):
            assert geo.get("fitbounds") is False, f"layout.{key}.fitbounds is {geo.get('fitbounds')!r}"
    return fig


def trace_named(fig: go.Figure, prefix: str) -> Any:
    found = [t for t in fig.data if str(t.name).startswith(prefix)]
    assert len(found) == 1, f"traces named {prefix!r}...: {[t.name for t in fig.data]}"
    return found[0]


def hover_of(trace: Any) -> str:
    parts = [trace.hovertemplate or ""]
    for key in ("hovertext", "text"):
        value = getattr(trace, key, None)
        if value is not None:
            parts.append(value if isinstance(value, str) else " ".join(map(str, value)))
    return " ".join(parts)


def same_points(trace: Any, frame: pd.DataFrame) -> None:
    got = sorted(zip(trace.lat, trace.lon, strict=True))
    want = sorted(zip(frame["lat"], frame["lon"], strict=True))
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), atol=1e-9)


@covers("plotting.plot_infrastructure_map")
@PLOT
@given(codes_st, as_of_edges_st, st.booleans(), st.booleans())
def test_infrastructure_map_shows_every_input_site(
    codes: list[str], day: dt.date, show_edges: bool, show_recs: bool
) -> None:
    count("plotting.plot_infrastructure_map")
    regions = regions_frame(codes)
    fig = check_figure(
        PLT.plot_infrastructure_map(as_of=day, regions=regions, show_edges=show_edges, show_recs=show_recs)
    )
    reg = trace_named(fig, "Regions")
    same_points(reg, regions)
    assert sorted(reg.text) == sorted(codes)
    assert f"({len(codes)}, {int(regions['az_count'].sum())} AZs" in reg.name
    assert hover_of(reg).count("Availability Zones: ") == len(codes)
    edge_traces = [t for t in fig.data if str(t.name).startswith("Edge locations")]
    assert len(edge_traces) == int(show_edges)
    if show_edges:
        edges = C.load_edge_locations(as_of=day)
        same_points(edge_traces[0], edges)
        assert f"{int(edges['pops'].sum())} PoPs" in edge_traces[0].name
        assert hover_of(edge_traces[0]).count("edge PoPs: ") == len(edges)
    rec_traces = [t for t in fig.data if str(t.name).startswith("Regional edge caches")]
    assert len(rec_traces) == int(show_recs)
    if show_recs:
        same_points(rec_traces[0], C.load_regional_edge_caches())


@covers("plotting.plot_infrastructure_comparison")
@SLOW
@given(st.lists(as_of_edges_st, min_size=1, max_size=3), st.booleans())
def test_infrastructure_comparison_one_map_per_date(days: list[dt.date], show_edges: bool) -> None:
    count("plotting.plot_infrastructure_comparison")
    fig = check_figure(PLT.plot_infrastructure_comparison(days, show_edges=show_edges))
    geos = [k for k in fig.to_plotly_json()["layout"] if k.startswith("geo")]
    assert len(geos) == len(days)
    regions = [t for t in fig.data if str(t.name).startswith("Regions")]
    assert [len(t.lat) for t in regions] == [len(C.load_regions(as_of=d)) for d in days]
    edges = [t for t in fig.data if str(t.name).startswith("Edge locations")]
    assert [len(t.lat) for t in edges] == (
        [len(C.load_edge_locations(as_of=d)) for d in days] if show_edges else []
    )


@covers("plotting.plot_footprint_growth")
@PLOT
@given(
    st.lists(st.sampled_from(_region_codes()), min_size=1, max_size=12, unique=True),
    st.lists(st.sampled_from(C.edge_snapshot_dates()), min_size=1, max_size=4, unique=True),
)
def test_footprint_growth_counts_the_inputs(codes: list[str], snapshot_days: list[dt.date]) -> None:
    count("plotting.plot_footprint_growth")
    regions = regions_frame(codes)
    snaps = {d: C.load_edge_locations(as_of=d) for d in snapshot_days}
    fig = check_figure(PLT.plot_footprint_growth(regions=regions, edge_snapshots=snaps))
    bars = trace_named(fig, "Regions")
    y = np.asarray(bars.y, dtype=float)
    assert (np.diff(y) >= 0).all()
    assert y[-1] == len(codes)
    azs = trace_named(fig, "Availability Zones")
    assert float(np.asarray(azs.y, dtype=float)[-1]) == float(regions["az_count"].sum())
    pops = trace_named(fig, "Edge PoPs")
    want = [int(snaps[d]["pops"].sum()) for d in sorted(snaps)]
    assert [int(v) for v in pops.y] == want
    assert "edge pops" in pops.hovertemplate


@covers("plotting.plot_user_latency_map")
@PLOT
@given(users_st, codes_st, st.sampled_from(["physics", "calibrated"]))
def test_user_latency_map_one_point_per_user(users: pd.DataFrame, codes: list[str], model: str) -> None:
    count("plotting.plot_user_latency_map")
    sites = regions_frame(codes)
    ul = L.user_latency(users, sites, model=model)
    fig = check_figure(PLT.plot_user_latency_map(ul, users=users, sites=sites))
    pts = trace_named(fig, "users")
    same_points(pts, users)
    np.testing.assert_allclose(np.sort(np.asarray(pts.marker.color, dtype=float)), np.sort(ul["rtt_ms"]))
    hover = hover_of(pts)
    assert hover.count(" ms") >= len(users)
    assert hover.count(" km") >= len(users)
    assert len(trace_named(fig, "sites").lat) == ul["site"].nunique()


cdf_frame_st = st.lists(st.tuples(st.floats(0, 2000), st.floats(0.01, 1e6)), min_size=1, max_size=40).map(
    lambda rows: pd.DataFrame(rows, columns=["rtt_ms", "weight"])
)


@covers("plotting.plot_latency_cdf")
@MEDIUM
@given(
    st.dictionaries(st.text("abcdefgh", min_size=1, max_size=6), cdf_frame_st, min_size=1, max_size=3),
    st.booleans(),
    st.lists(st.floats(1, 500), max_size=3),
)
def test_latency_cdf_is_a_distribution(
    results: dict[str, pd.DataFrame], weighted: bool, th: list[float]
) -> None:
    count("plotting.plot_latency_cdf")
    fig = check_figure(PLT.plot_latency_cdf(results, weight="weight" if weighted else None, thresholds_ms=th))
    assert len(fig.data) == len(results)
    for trace, (name, df) in zip(fig.data, results.items(), strict=True):
        assert trace.name.startswith(name)
        assert " ms" in trace.name
        x = np.asarray(trace.x, dtype=float)
        y = np.asarray(trace.y, dtype=float)
        assert (np.diff(x) >= 0).all()
        assert (np.diff(y) >= -1e-12).all()
        assert y[0] >= 0
        assert y[-1] == pytest.approx(1.0)
        assert x[-1] == pytest.approx(df["rtt_ms"].max())
        assert x[0] >= df["rtt_ms"].min() - 1e-9
        assert "ms" in trace.hovertemplate


@covers("plotting.plot_rtt_matrix")
@PLOT
@given(codes_st, st.sampled_from(["physics", "calibrated", "rule-of-thumb"]), st.sampled_from(["p50", "p90"]))
def test_rtt_matrix_heatmap_is_the_matrix(codes: list[str], model: str, stat: str) -> None:
    count("plotting.plot_rtt_matrix")
    m = L.rtt_matrix_ms(regions_frame(codes), model=model, stat=stat)
    fig = check_figure(PLT.plot_rtt_matrix(m))
    heat = fig.data[0]
    np.testing.assert_allclose(np.asarray(heat.z, dtype=float), m.to_numpy(dtype=float))
    assert list(heat.x) == list(m.columns)
    assert list(heat.y) == list(m.index)
    assert "ms" in heat.hovertemplate


@covers("plotting.plot_durability")
@PLOT
@given(class_st, st.floats(1, 1e12), st.floats(0.1, 1e4))
def test_durability_lines_scale_with_objects(classes: list[str], objects: float, years: float) -> None:
    count("plotting.plot_durability")
    table = C.load_storage_classes().loc[classes]
    fig = check_figure(PLT.plot_durability(classes, objects=objects, years=years, highlight=classes[0]))
    losses = [t for t in fig.data if "expected losses" in (t.hovertemplate or "") and len(t.x) > 1]
    anyloss = [t for t in fig.data if "P(any loss)" in (t.hovertemplate or "")]
    assert len(losses) == len(anyloss) == table["durability"].nunique()
    for t in losses:
        x = np.asarray(t.x, dtype=float)
        y = np.asarray(t.y, dtype=float)
        assert (y >= 0).all()
        ratio = y[x > 0] / x[x > 0]
        np.testing.assert_allclose(ratio, ratio[0], rtol=1e-6)  # expected losses grow linearly
        assert "objects" in t.hovertemplate
    for t in anyloss:
        y = np.asarray(t.y, dtype=float)
        assert ((y >= 0) & (y <= 1)).all()
        assert (np.diff(y) >= -1e-12).all()
        assert "years" in t.hovertemplate


@covers("plotting.plot_availability")
@PLOT
@given(
    st.lists(st.sampled_from(PRESETS), min_size=1, max_size=4, unique=True),
    st.floats(0.9, 0.99999),
    st.floats(0.99, 0.999999),
)
def test_availability_bars_are_the_table(presets: list[str], inst: float, az: float) -> None:
    count("plotting.plot_availability")
    table = A.compare_architectures(
        *(getattr(A, p)(instance_availability=inst, az_availability=az) for p in presets)
    )
    fig = check_figure(PLT.plot_availability(table, highlight=presets[-1]))
    nines = trace_named(fig, "availability")
    down = trace_named(fig, "downtime")
    assert len(nines.y) == len(down.y) == len(table)
    a = table["availability"].to_numpy(dtype=float)
    np.testing.assert_allclose(down.y, (1 - a) * DOWNTIME_HOURS_PER_YEAR, rtol=1e-6)
    np.testing.assert_allclose(nines.y, -np.log10(1 - a), rtol=1e-6)
    assert hover_of(nines).count(" %") >= len(table)


@covers("plotting.plot_placement", "plotting.plot_placement_frontier", "plotting.plot_failover")
@SLOW
@given(st.lists(point_st, min_size=2, max_size=12), some_codes_st, st.data())
def test_placement_figures_show_the_result(
    points: list[tuple[float, float]], codes: list[str], data: st.DataObject
) -> None:
    for name in ("plot_placement", "plot_placement_frontier", "plot_failover"):
        count("plotting." + name)
    users = pd.DataFrame(points, columns=["lat", "lon"], index=[f"u{i}" for i in range(len(points))])
    cands = regions_frame(codes)
    k = data.draw(st.integers(1, len(codes)), label="k")
    res = PL.optimize_placement(users, cands, k, model="physics")
    fig = check_figure(PLT.plot_placement(res, users, cands))
    pts = trace_named(fig, "users")
    same_points(pts, users)
    assert hover_of(pts).count(" ms") >= len(users)
    chosen = trace_named(fig, "chosen sites")
    assert sorted(chosen.text) == sorted(map(str, res.sites))
    others = [t for t in fig.data if str(t.name).startswith("candidates not chosen")]
    assert sum(len(t.lat) for t in others) == len(codes) - k
    frontier = PL.placement_frontier(users, cands, len(codes), model="physics")
    ff = check_figure(PLT.plot_placement_frontier(frontier))
    np.testing.assert_allclose(ff.data[0].y, frontier["objective_value"])
    assert list(ff.data[0].x) == list(frontier.index)
    assert "[ms]" in ff.data[0].name
    fo = check_figure(PLT.plot_failover(res))
    before, after = fo.data
    np.testing.assert_allclose(after.y, res.failover["affected_mean_rtt_ms_after"])
    np.testing.assert_allclose(before.y, res.failover["affected_mean_rtt_ms_before"])
    assert "ms" in after.hovertemplate


@covers("plotting.plot_autoscaling")
@SLOW
@given(st.floats(0.2, 1.5), st.floats(1, 5000), st.booleans(), st.integers(0, 99))
def test_autoscaling_timeline_is_the_simulation(days: float, rps: float, step: bool, seed: int) -> None:
    count("plotting.plot_autoscaling")
    demand = S.surge_demand(days=days, freq="5min", base_rps=rps, seed=seed)
    policy = S.StepScalingPolicy() if step else S.TargetTrackingPolicy()
    result = S.simulate_autoscaling(demand, policy)
    tl = result.timeline
    fig = check_figure(PLT.plot_autoscaling(result, demand_unit="requests/s"))
    np.testing.assert_allclose(trace_named(fig, "demand").y, tl["demand"])
    np.testing.assert_allclose(trace_named(fig, "capacity").y, tl["capacity"])
    assert len(trace_named(fig, "utilisation").y) == len(tl)


# ---- plotting: offline HTML, geo assets, export -----------------------------------------------


@cache
def _figure_pool() -> tuple[go.Figure, ...]:
    regions = regions_frame(["us-east-1", "eu-west-1"])
    geo_map = PLT.plot_infrastructure_map(regions=regions, show_edges=False, show_recs=False)
    return (geo_map, PLT.plot_availability(), PLT.plot_latency_cdf(pd.DataFrame({"rtt_ms": [5.0, 9.0]})))


figure_st = st.integers(0, 2).map(lambda i: _figure_pool()[i])
fig_names_st = st.lists(st.text("abcxyz 09", min_size=1, max_size=6), min_size=1, max_size=3, unique=True)


@covers("plotting.to_offline_html")
@PLOT
@given(fig_names_st, st.lists(st.integers(0, 2), min_size=3, max_size=3), st.booleans(), st.booleans())
def test_offline_html_self_contained_and_deterministic(
    names: list[str], picks: list[int], full: bool, with_js: bool
) -> None:
    count("plotting.to_offline_html")
    slugs = [re.sub(r"[^a-z0-9]+", "-", n).strip("-") or "figure" for n in names]
    assume(len(set(slugs)) == len(slugs))
    figs = {n: _figure_pool()[i] for n, i in zip(names, picks, strict=False)}
    out = PLT.to_offline_html(figs, title="t <&>", full_html=full, include_plotlyjs=with_js)
    assert out == PLT.to_offline_html(figs, title="t <&>", full_html=full, include_plotlyjs=with_js)
    ids = re.findall(r'<div id="([^"]+)" class="plotly-graph-div"', out)
    assert ids == [f"cg-{s}" for s in slugs]
    assert out.count("plotly.js v") == int(with_js)
    has_geo = any(PLT.geo_topojson_names(f) for f in figs.values())
    assert ('id="cloudgeo-geo-assets"' in out) == has_geo
    if has_geo:
        assert out.index('id="cloudgeo-geo-assets"') < out.index('class="plotly-graph-div"')
    if full:
        assert "<title>t &lt;&amp;&gt;</title>" in out


@cache
def _vendored_names() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in PLT.topojson_dir().glob("*.json") if p.stem != "VERSION"))


@covers(
    "plotting.geo_assets_script",
    "plotting.geo_topojson_names",
    "plotting.enable_offline_maps",
    "plotting.topojson_dir",
    "plotting.vendored_plotlyjs_version",
)
@FAST
@given(st.lists(st.sampled_from(_vendored_names()), min_size=1, max_size=4), st.sampled_from([50, 110]))
def test_geo_assets_carry_each_requested_map(names: list[str], resolution: int) -> None:
    import IPython.display
    import plotly.io as pio

    for n in ("geo_assets_script", "geo_topojson_names", "enable_offline_maps"):
        count("plotting." + n)
    count("plotting.topojson_dir")
    count("plotting.vendored_plotlyjs_version")
    assert PLT.topojson_dir().is_dir()
    assert re.fullmatch(r"\d+\.\d+\.\d+", PLT.vendored_plotlyjs_version())
    script = PLT.geo_assets_script(names)
    assert script.startswith("<script")
    assert script.endswith("</script>")
    assert script.count("</script>") == 1
    for name in set(names):
        assert script.count(f'window.PlotlyGeoAssets.topojson["{name}"] =') == 1
    fig = go.Figure(go.Scattergeo(lat=[0.0], lon=[0.0]))
    fig.update_geos(resolution=resolution)
    assert PLT.geo_topojson_names(fig) == (f"world_{resolution}m",)
    assert PLT.geo_topojson_names(go.Figure(go.Bar(y=[1]))) == ()
    shown: list[Any] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(IPython.display, "display", shown.append)
        mp.setattr(pio.defaults, "topojson", None)
        mp.setattr(_offline, "_in_kernel", lambda: True)
        PLT.enable_offline_maps(names=names)
        assert pio.defaults.topojson == PLT.topojson_dir().as_uri() + "/"
    assert len(shown) == 1
    for name in set(names):
        assert f'topojson["{name}"]' in shown[0].data


geo_override_st = st.fixed_dictionaries(
    {},
    optional={
        "resolution": st.sampled_from([50, 110]),
        "projection_type": st.sampled_from(["natural earth", "orthographic", "mercator", "robinson"]),
        "landcolor": st.from_regex(r"#[0-9a-f]{6}", fullmatch=True),
        "showcountries": st.booleans(),
        "lataxis_range": st.tuples(st.floats(-90, 0), st.floats(0.1, 90)).map(list),
    },
)


@covers("plotting.world_geo_layout")
@FAST
@given(geo_override_st)
def test_world_geo_layout_applies_overrides(overrides: dict[str, Any]) -> None:
    count("plotting.world_geo_layout")
    geo = PLT.world_geo_layout(**overrides)
    assert geo["fitbounds"] is False
    for key, value in overrides.items():
        assert geo[key] == value
    fig = go.Figure(go.Scattergeo(lat=[0.0], lon=[0.0]), layout={"geo": geo})
    check_figure(fig)


bad_kwargs_st = st.one_of(
    st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10)
    .filter(lambda k: k not in go.layout.Geo()._valid_props)
    .map(lambda k: {k: 1}),
    st.tuples(
        st.sampled_from(["resolution", "projection_type", "landcolor", "fitbounds", "scope"]),
        st.one_of(st.sampled_from(["moon", -1, 1e9, "#zzzzzz", "mars"]), st.lists(st.integers(), max_size=2)),
    ).map(lambda kv: {kv[0]: kv[1]}),
)


@covers(
    "plotting.plot_infrastructure_map",
    "plotting.plot_infrastructure_comparison",
    "plotting.plot_footprint_growth",
    "plotting.plot_user_latency_map",
    "plotting.plot_latency_cdf",
    "plotting.plot_rtt_matrix",
    "plotting.plot_durability",
    "plotting.plot_availability",
    "plotting.plot_placement",
    "plotting.plot_placement_frontier",
    "plotting.plot_failover",
    "plotting.plot_autoscaling",
    "plotting.to_offline_html",
    "plotting.geo_assets_script",
    "plotting.geo_topojson_names",
    "plotting.enable_offline_maps",
    "plotting.world_geo_layout",
    kind="invalid",
)
@MEDIUM
@given(some_garbage, bad_frame_nn, bad_date, x_bad_nn, unknown_text, bad_kwargs_st)
def test_plotting_rejects_garbage(
    other: object, frame: object, day: object, x: object, name: str, geo_kwargs: dict[str, Any]
) -> None:
    import IPython.display

    good_users = pd.DataFrame({"lat": [1.0, 50.0], "lon": [100.0, 0.0]}, index=["a", "b"])
    cands = regions_frame(["us-east-1", "eu-west-1"])
    with contextlib.suppress(TypeError, ValueError):
        float(x)  # type: ignore[arg-type]
        x = -1.0  # a numeric string such as "0" is read as a number by pandas: use a negative value
    must_reject(
        "plotting.plot_infrastructure_map",
        lambda: PLT.plot_infrastructure_map(regions=frame, show_edges=False, show_recs=False),  # type: ignore[arg-type]
    )
    must_reject("plotting.plot_infrastructure_map", lambda: PLT.plot_infrastructure_map(as_of=day))
    must_reject("plotting.plot_infrastructure_comparison", lambda: PLT.plot_infrastructure_comparison([day]))
    must_reject("plotting.plot_infrastructure_comparison", lambda: PLT.plot_infrastructure_comparison(other))  # type: ignore[arg-type]
    must_reject("plotting.plot_footprint_growth", lambda: PLT.plot_footprint_growth(regions=other))  # type: ignore[arg-type]
    must_reject("plotting.plot_user_latency_map", lambda: PLT.plot_user_latency_map(other))  # type: ignore[arg-type]
    must_reject("plotting.plot_user_latency_map", lambda: PLT.plot_user_latency_map(frame))  # type: ignore[arg-type]
    must_reject(
        "plotting.plot_latency_cdf", lambda: PLT.plot_latency_cdf({"a": pd.DataFrame({"rtt_ms": [1.0, x]})})
    )
    must_reject("plotting.plot_latency_cdf", lambda: PLT.plot_latency_cdf(other))  # type: ignore[arg-type]
    if not isinstance(other, pd.DataFrame):  # any numeric frame is an RTT matrix
        must_reject("plotting.plot_rtt_matrix", lambda: PLT.plot_rtt_matrix(other))  # type: ignore[arg-type]
    must_reject(
        "plotting.plot_rtt_matrix", lambda: PLT.plot_rtt_matrix(pd.DataFrame([[1.0, x]], columns=["a", "b"]))
    )
    must_reject("plotting.plot_durability", lambda: PLT.plot_durability(other))
    must_reject("plotting.plot_durability", lambda: PLT.plot_durability([name]))
    must_reject("plotting.plot_durability", lambda: PLT.plot_durability(objects=x))  # type: ignore[arg-type]
    must_reject("plotting.plot_availability", lambda: PLT.plot_availability(other))  # type: ignore[arg-type]
    must_reject(
        "plotting.plot_availability",
        lambda: PLT.plot_availability(pd.DataFrame({"availability": [0.9, x]}, index=["a", "b"])),
    )
    must_reject("plotting.plot_placement", lambda: PLT.plot_placement(other, good_users, cands))
    must_reject(
        "plotting.plot_placement",
        lambda: PLT.plot_placement(PL.optimize_placement(good_users, cands, 1), frame, cands),  # type: ignore[arg-type]
    )
    must_reject("plotting.plot_placement_frontier", lambda: PLT.plot_placement_frontier(other))  # type: ignore[arg-type]
    must_reject("plotting.plot_failover", lambda: PLT.plot_failover(other))
    must_reject("plotting.plot_autoscaling", lambda: PLT.plot_autoscaling(other))
    must_reject("plotting.to_offline_html", lambda: PLT.to_offline_html(other))
    must_reject("plotting.to_offline_html", lambda: PLT.to_offline_html({"a": other}))
    must_reject("plotting.geo_assets_script", lambda: PLT.geo_assets_script((name,)))
    must_reject("plotting.geo_assets_script", lambda: PLT.geo_assets_script(other))  # type: ignore[arg-type]
    must_reject("plotting.geo_topojson_names", lambda: PLT.geo_topojson_names(other))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(IPython.display, "display", lambda obj: None)
        must_reject("plotting.enable_offline_maps", lambda: PLT.enable_offline_maps(names=(name,)))
        must_reject("plotting.enable_offline_maps", lambda: PLT.enable_offline_maps(names=other))  # type: ignore[arg-type]
    must_reject("plotting.world_geo_layout", lambda: PLT.world_geo_layout(**geo_kwargs))


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _image_ok(data: bytes, fmt: str) -> bool:
    return data.startswith(PNG_MAGIC) if fmt == "png" else b"<svg" in data[:400]


@pytest.mark.slow
@covers("plotting.export_figure", "plotting.find_chromium")
@settings(
    max_examples=2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(figure_st, st.sampled_from(["png", "svg"]), st.integers(200, 500), st.booleans())
def test_export_figure_writes_the_format(
    chromium: str, fig: go.Figure, fmt: str, width: int, by_suffix: bool
) -> None:
    count("plotting.export_figure")
    count("plotting.find_chromium")
    assert os.path.exists(PLT.find_chromium())
    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, f"fig.{fmt}" if by_suffix else "fig.out")
        out = PLT.export_figure(fig, target, format=None if by_suffix else fmt, width=width, height=300)
        assert str(out) == target
        with open(out, "rb") as fh:
            assert _image_ok(fh.read(), fmt)


@pytest.mark.slow
@covers("plotting.export_figures")
@settings(
    max_examples=2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.sampled_from(["png", "svg"]), st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True))
def test_export_figures_writes_each_figure(chromium: str, fmt: str, picks: list[int]) -> None:
    count("plotting.export_figures")
    figs = {f"fig {i}": _figure_pool()[i] for i in picks}
    with tempfile.TemporaryDirectory() as tmp:
        paths = PLT.export_figures(figs, os.path.join(tmp, "sub"), format=fmt)
        assert set(paths) == set(figs)
        for path in paths.values():
            assert path.name.endswith(f".{fmt}")
            assert _image_ok(path.read_bytes(), fmt)


@covers("plotting.export_figure", "plotting.export_figures", kind="invalid")
@MEDIUM
@given(some_garbage, st.sampled_from(["bmp", "gif", "PNGX", ""]), st.one_of(x_bad_nn, st.integers(-5, 0)))
def test_export_rejects_garbage_before_starting_a_browser(other: object, fmt: str, size: object) -> None:
    fig = _figure_pool()[1]
    with tempfile.TemporaryDirectory() as tmp:
        png = os.path.join(tmp, "a.png")
        must_reject("plotting.export_figure", lambda: PLT.export_figure(other, png))
        must_reject("plotting.export_figure", lambda: PLT.export_figure(fig, os.path.join(tmp, f"a.{fmt}")))
        must_reject("plotting.export_figure", lambda: PLT.export_figure(fig, png, format=other))  # type: ignore[arg-type]
        if not isinstance(other, str):
            must_reject("plotting.export_figure", lambda: PLT.export_figure(fig, other))  # type: ignore[arg-type]
        must_reject("plotting.export_figure", lambda: PLT.export_figure(fig, png, width=size))  # type: ignore[arg-type]
        must_reject("plotting.export_figure", lambda: PLT.export_figure(fig, png, scale=size))  # type: ignore[arg-type]
        must_reject("plotting.export_figures", lambda: PLT.export_figures(other, tmp))  # type: ignore[arg-type]
        must_reject("plotting.export_figures", lambda: PLT.export_figures({"a": fig}, tmp, format=fmt))
        must_reject("plotting.export_figures", lambda: PLT.export_figures({"a": fig}, tmp, format=other))  # type: ignore[arg-type]
        must_reject("plotting.export_figures", lambda: PLT.export_figures({"a": fig}, tmp, height=size))  # type: ignore[arg-type]
        assert os.listdir(tmp) == []


# ---- report ----------------------------------------------------------------------------------

REPORT_SECTIONS = (
    "The infrastructure, then and now",
    "How fast the world's users reach the application",
    "S3 durability",
    "Availability of the four architectures",
    "A recommended placement",
    "Volume: S3 behind CloudFront",
    "Elasticity: the step policy beside target tracking",
)
EVIL = '<script>alert("cloudgeo")</script>'
printable_st = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12)


@cache
def _codes_2019() -> tuple[str, ...]:
    return tuple(C.load_regions(as_of="2019-11-27", partitions="aws").index)


@pytest.mark.slow
@covers("report.build_report", "report.report_figures", "report.write_report")
@HEAVY
@given(
    st.lists(st.sampled_from(_codes_2019()), min_size=1, max_size=3, unique=True),
    as_of_edges_st,
    st.integers(1, 3),
    printable_st,
)
def test_report_has_every_section_and_escapes_text(codes: list[str], day: dt.date, k: int, text: str) -> None:
    for name in ("build_report", "report_figures", "write_report"):
        count("report." + name)
    title = f"{text} {EVIL}"
    kwargs: dict[str, Any] = {"regions": codes, "as_of": day, "placement_k": k}
    out = RPT.build_report(title=title, **kwargs)
    for section in REPORT_SECTIONS:
        assert html.escape(section, quote=False) in out or html.escape(section) in out, section
    assert out.count("<section id=") == len(REPORT_SECTIONS)
    assert EVIL not in out
    assert html.escape(title) in out
    for code in codes:
        assert code in out
    assert out.count('id="cloudgeo-geo-assets"') == 1
    assert out.index('id="cloudgeo-geo-assets"') < out.index('class="plotly-graph-div"')
    figs = RPT.report_figures(**kwargs)
    for fig in figs.values():
        check_figure(fig)
    assert re.findall(r'<div id="([^"]+)" class="plotly-graph-div"', out) == list(figs)
    with tempfile.TemporaryDirectory() as tmp:
        path = RPT.write_report(os.path.join(tmp, "r.html"), title=title, **kwargs)
        assert path.read_text(encoding="utf-8") == out  # same input, same bytes


@covers("report.build_report", "report.report_figures", "report.write_report", kind="invalid")
@SLOW
@given(some_garbage, bad_date, unknown_text, st.one_of(st.integers(-3, 0), st.floats(), st.text(max_size=2)))
def test_report_rejects_garbage(other: object, day: object, name: str, k: object) -> None:
    must_reject("report.build_report", lambda: RPT.build_report(regions=other))  # type: ignore[arg-type]
    must_reject("report.build_report", lambda: RPT.build_report(regions=[name.strip() + "-9"]))
    must_reject("report.build_report", lambda: RPT.build_report(as_of=day))  # type: ignore[arg-type]
    must_reject("report.report_figures", lambda: RPT.report_figures(then=day))  # type: ignore[arg-type]
    must_reject("report.report_figures", lambda: RPT.report_figures(placement_k=k))  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as tmp:
        ok = os.path.join(tmp, "r.html")
        if not isinstance(other, str):
            must_reject("report.write_report", lambda: RPT.write_report(other))  # type: ignore[arg-type]
        must_reject("report.write_report", lambda: RPT.write_report(ok, format=name))
        must_reject("report.write_report", lambda: RPT.write_report(ok, placement_k=k))  # type: ignore[arg-type]
        assert os.listdir(tmp) == []


# ---- widgets ---------------------------------------------------------------------------------

THIS_YEAR = C.catalog_date().year
WIDGET = settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def widget_ok(ex: W.Explorer, before: object) -> bool:
    """After a control change: rendered (status empty) or a CloudGeoError shown, previous state kept."""
    status = str(ex.status.value)
    if status:
        assert "cloudgeo-error" in status
        assert ex.state is before
        return False
    check_figure(ex.figure)
    return True


def set_controls(ex: W.Explorer, values: dict[str, Any]) -> bool:
    ok = True
    for key, value in values.items():
        before = ex.state
        ex.controls[key].value = value
        ok = widget_ok(ex, before)
    return ok


@covers("widgets.availability_explorer")
@WIDGET
@given(st.sampled_from(W.ARCHITECTURES), st.integers(2, 6), st.integers(1, 8), st.integers(0, 120))
def test_availability_explorer_follows_its_controls(arch: str, azs: int, per_az: int, step: int) -> None:
    count("widgets.availability_explorer")
    ex = W.availability_explorer()
    values = {"architecture": arch, "az_count": azs, "instances_per_az": per_az, "failover_s": 5.0 * step}
    assert set_controls(ex, values)
    assert ex.state == W.AvailabilityState(arch, azs, per_az, 5.0 * step)
    assert ex.result is not None
    a = ex.result["availability"].to_numpy(dtype=float)
    assert ((a >= 0) & (a <= 1)).all()
    bars = trace_named(ex.figure, "downtime")
    np.testing.assert_allclose(bars.y, (1 - a) * DOWNTIME_HOURS_PER_YEAR, rtol=1e-6)


@covers("widgets.durability_explorer")
@WIDGET
@given(
    st.sampled_from(tuple(C.load_storage_classes().index)),
    st.integers(3, 12),
    st.integers(0, 4),
    st.integers(-7, -1),
)
def test_durability_explorer_follows_its_controls(cls: str, obj_exp: int, year_exp: int, az_exp: int) -> None:
    count("widgets.durability_explorer")
    ex = W.durability_explorer()
    values = {
        "storage_class": cls,
        "objects": 10.0**obj_exp,
        "years": 10.0**year_exp,
        "az_loss_probability_per_year": 10.0**az_exp,
    }
    assert set_controls(ex, values)
    assert ex.state.storage_class == cls
    assert ex.state.objects == 10**obj_exp
    assert ex.state.years == pytest.approx(10.0**year_exp)
    assert ex.result is not None
    assert cls in ex.table.value
    assert _no_nan(ex.result)
    assert f"{10**obj_exp:,} objects" in ex.table.value


@covers("widgets.placement_explorer", "widgets.Explorer")
@WIDGET
@given(st.lists(point_st, min_size=2, max_size=10), some_codes_st, st.data())
def test_placement_explorer_table_has_k_sites(
    points: list[tuple[float, float]], codes: list[str], data: st.DataObject
) -> None:
    count("widgets.placement_explorer")
    count("widgets.Explorer")
    users = pd.DataFrame(points, columns=["lat", "lon"], index=[f"u{i}" for i in range(len(points))])
    ex = W.placement_explorer(users, regions_frame(codes))
    assert ex.state.population == "user"
    values = {
        "objective": data.draw(st.sampled_from([o for o in PL.OBJECTIVES if o != "coverage"])),
        "method": data.draw(st.sampled_from(["greedy", "exact"])),
        "must_include": tuple(data.draw(st.lists(st.sampled_from(codes), max_size=2, unique=True))),
        "exclude": tuple(data.draw(st.lists(st.sampled_from(codes), max_size=2, unique=True))),
        "k": data.draw(st.integers(1, len(codes))),
    }
    if set_controls(ex, values):
        assert ex.state.k == values["k"]
        assert ex.result is not None
        assert len(ex.result) == values["k"]
        assert set(values["must_include"]) <= set(ex.result.index)
        assert not set(values["exclude"]) & set(ex.result.index)
        chosen = trace_named(ex.figure, "chosen sites")
        assert sorted(chosen.text) == sorted(ex.result.index)


@covers("widgets.latency_explorer")
@WIDGET
@given(users_st, some_codes_st, st.data())
def test_latency_explorer_reflects_the_regions(
    users: pd.DataFrame, codes: list[str], data: st.DataObject
) -> None:
    count("widgets.latency_explorer")
    initial = data.draw(st.lists(st.sampled_from(codes), max_size=2, unique=True))
    ex = W.latency_explorer(users, regions=regions_frame(codes), initial_regions=initial)
    assert ex.state.regions == (tuple(initial) or (codes[0],))
    values = {
        "access": data.draw(st.sampled_from(tuple(L.ACCESS_RTT_MS))),
        "regions": tuple(data.draw(st.lists(st.sampled_from(codes), max_size=3, unique=True))),
        "cloudfront": data.draw(st.booleans()),
    }
    if set_controls(ex, values):
        assert ex.state == W.LatencyState(values["regions"], values["cloudfront"], values["access"])
        pts = trace_named(ex.figures[0], "users")
        assert len(pts.lat) == len(users)
        assert len(ex.figures[1].data) == 1
        assert ex.result is not None
        assert len(ex.result) == 1
    else:  # only an empty region selection without CloudFront is refused
        assert not values["regions"]
        assert not values["cloudfront"]


@covers("widgets.infrastructure_explorer")
@WIDGET
@given(st.integers(2006, THIS_YEAR), st.data())
def test_infrastructure_explorer_counts_the_regions(start: int, data: st.DataObject) -> None:
    count("widgets.infrastructure_explorer")
    ex = W.infrastructure_explorer(start_year=start)
    year = data.draw(st.integers(start, THIS_YEAR))
    ex.controls["year"].value = year
    assert ex.status.value == ""
    as_of = C.catalog_date() if year == THIS_YEAR else dt.date(year, 12, 31)
    n = len(C.load_regions(as_of=as_of))
    assert ex.result is not None
    assert int(ex.result["regions"].iloc[0]) == n
    assert len(trace_named(check_figure(ex.figure), "Regions").lat) == n


@covers("widgets.Explorer")
@MEDIUM
@given(st.integers(1, 3), st.lists(st.integers(-5, 20), min_size=1, max_size=5))
def test_explorer_renders_or_shows_the_error(n_figures: int, values: list[int]) -> None:
    import ipywidgets

    from cloudgeo.errors import InvalidInputError

    count("widgets.Explorer")

    def render(state: int) -> tuple[pd.DataFrame, tuple[go.Figure, ...]]:
        if state < 0:
            raise InvalidInputError(f"value must be >= 0, got {state}.")
        fig = go.Figure(go.Bar(x=["v"], y=[state]))
        return pd.DataFrame({"value": [state]}), tuple(fig for _ in range(n_figures))

    slider = ipywidgets.IntSlider(value=0, min=-5, max=20)
    ex = W.Explorer({"v": slider}, render, lambda c: int(c["v"].value), n_figures=n_figures, kind="test")
    assert len(ex.figures) == n_figures
    last_good = 0
    for v in values:
        slider.value = v
        if v < 0:
            assert f"got {v}" in ex.status.value
        else:
            last_good = v
            assert ex.status.value == ""
        assert ex.state == last_good
        assert all(list(f.data[0].y) == [last_good] for f in ex.figures)


@covers(
    "widgets.PlacementState",
    "widgets.LatencyState",
    "widgets.DurabilityState",
    "widgets.AvailabilityState",
    "widgets.InfrastructureState",
)
@FAST
@given(
    st.fixed_dictionaries(
        {
            "population": st.sampled_from(["world", "user"]),
            "k": st.integers(1, 50),
            "objective": st.sampled_from(tuple(PL.OBJECTIVES)),
            "method": st.sampled_from(["greedy", "exact"]),
            "threshold_ms": st.floats(0.01, 1e4),
            "must_include": st.lists(st.sampled_from(_region_codes()), max_size=3),
            "exclude": st.lists(st.sampled_from(_region_codes()), max_size=3).map(tuple),
        }
    ),
    st.lists(st.sampled_from(_region_codes()), max_size=4),
    st.booleans(),
    st.sampled_from(tuple(L.ACCESS_RTT_MS)),
    st.sampled_from(tuple(C.load_storage_classes().index)),
    st.integers(1, 10**15),
    st.floats(1e-3, 1e5),
    frac_st,
    st.sampled_from(W.ARCHITECTURES),
    st.integers(1, 10),
    st.integers(1, 10),
    st.floats(0, 1e5),
    st.integers(2006, THIS_YEAR),
)
def test_states_keep_valid_fields(
    pl: dict[str, Any],
    regions: list[str],
    cloudfront: bool,
    access: str,
    cls: str,
    objects: int,
    years: float,
    az_loss: float,
    arch: str,
    azs: int,
    per_az: int,
    failover_s: float,
    year: int,
) -> None:
    for name in (
        "PlacementState",
        "LatencyState",
        "DurabilityState",
        "AvailabilityState",
        "InfrastructureState",
    ):
        count("widgets." + name)
    ps = W.PlacementState(**pl)
    assert ps.must_include == tuple(pl["must_include"])
    assert ps.exclude == tuple(pl["exclude"])
    assert (ps.k, ps.objective, ps.threshold_ms) == (pl["k"], pl["objective"], pl["threshold_ms"])
    ls = W.LatencyState(regions, cloudfront, access)  # type: ignore[arg-type]
    assert ls.regions == tuple(regions)
    assert ls.cloudfront is cloudfront
    ds = W.DurabilityState(cls, objects, years, az_loss)
    assert (ds.storage_class, ds.objects, ds.years, ds.az_loss_probability_per_year) == (
        cls,
        objects,
        years,
        az_loss,
    )
    av = W.AvailabilityState(arch, azs, per_az, failover_s)
    assert av == W.AvailabilityState(arch, azs, per_az, failover_s)
    assert W.InfrastructureState(year).year == year


@covers(
    "widgets.placement_explorer",
    "widgets.latency_explorer",
    "widgets.infrastructure_explorer",
    "widgets.Explorer",
    "widgets.PlacementState",
    "widgets.LatencyState",
    "widgets.DurabilityState",
    "widgets.AvailabilityState",
    "widgets.InfrastructureState",
    kind="invalid",
)
@MEDIUM
@given(some_garbage, bad_frame_nn, x_bad_nn, unknown_text, st.integers(-(10**6), 0))
def test_widgets_reject_garbage(other: object, frame: object, x: object, name: str, neg: int) -> None:
    import ipywidgets

    cands = regions_frame(["us-east-1", "eu-west-1"])
    assume(name not in _region_codes())
    # a name that happens to be a valid access technology or objective is not garbage
    assume(name.strip().lower() not in {*L.ACCESS_RTT_MS, *PL.OBJECTIVES})
    codes_ok = isinstance(other, list) and not other  # an empty code list is a valid selection
    must_reject("widgets.placement_explorer", lambda: W.placement_explorer(frame))  # type: ignore[arg-type]
    must_reject("widgets.placement_explorer", lambda: W.placement_explorer(None, other))  # type: ignore[arg-type]
    must_reject("widgets.latency_explorer", lambda: W.latency_explorer(frame))  # type: ignore[arg-type]
    must_reject("widgets.latency_explorer", lambda: W.latency_explorer(regions=cands, initial_regions=[name]))
    if not codes_ok:
        must_reject(
            "widgets.latency_explorer", lambda: W.latency_explorer(regions=cands, initial_regions=other)
        )  # type: ignore[arg-type]
    must_reject("widgets.infrastructure_explorer", lambda: W.infrastructure_explorer(start_year=x))  # type: ignore[arg-type]
    must_reject("widgets.infrastructure_explorer", lambda: W.infrastructure_explorer(start_year=2005 + neg))
    slider = ipywidgets.IntSlider()

    def render(s: object) -> tuple[pd.DataFrame, tuple[go.Figure]]:
        return pd.DataFrame(), (go.Figure(),)

    must_reject("widgets.Explorer", lambda: W.Explorer(other, render, int))  # type: ignore[arg-type]
    must_reject("widgets.Explorer", lambda: W.Explorer({"v": slider}, other, int))  # type: ignore[arg-type]
    must_reject("widgets.Explorer", lambda: W.Explorer({"v": slider}, render, int, n_figures=neg))
    must_reject("widgets.Explorer", lambda: W.Explorer({"v": slider}, render, int, n_figures=x))  # type: ignore[arg-type]
    must_reject("widgets.PlacementState", lambda: W.PlacementState(k=neg))
    must_reject("widgets.PlacementState", lambda: W.PlacementState(objective=name))
    must_reject("widgets.PlacementState", lambda: W.PlacementState(threshold_ms=x))  # type: ignore[arg-type]
    if not codes_ok:
        must_reject("widgets.PlacementState", lambda: W.PlacementState(must_include=other))  # type: ignore[arg-type]
    if not codes_ok:
        must_reject("widgets.LatencyState", lambda: W.LatencyState(regions=other))  # type: ignore[arg-type]
    must_reject("widgets.LatencyState", lambda: W.LatencyState(access=name))
    if not isinstance(other, bool):  # a bool is a valid cloudfront switch
        must_reject("widgets.LatencyState", lambda: W.LatencyState(cloudfront=other))  # type: ignore[arg-type]
    must_reject("widgets.DurabilityState", lambda: W.DurabilityState(storage_class=name))
    must_reject("widgets.DurabilityState", lambda: W.DurabilityState(objects=x))  # type: ignore[arg-type]
    must_reject("widgets.DurabilityState", lambda: W.DurabilityState(years=neg))
    must_reject("widgets.DurabilityState", lambda: W.DurabilityState(az_loss_probability_per_year=x))  # type: ignore[arg-type]
    must_reject("widgets.AvailabilityState", lambda: W.AvailabilityState(architecture=name))
    must_reject("widgets.AvailabilityState", lambda: W.AvailabilityState(az_count=neg))
    must_reject("widgets.AvailabilityState", lambda: W.AvailabilityState(failover_s=x))  # type: ignore[arg-type]
    must_reject("widgets.InfrastructureState", lambda: W.InfrastructureState(year=x))  # type: ignore[arg-type]
    must_reject("widgets.InfrastructureState", lambda: W.InfrastructureState(year=2005 + neg))


# ---- every public callable has a property ----------------------------------------------------

PUBLIC_MODULES = module_lists.PUBLIC_MODULES
# Result containers the library builds itself (no user input of their own).
EXEMPT = {
    "latency.CalibrationResult": "result of calibrate()",
    "durability.CrossRegionResult": "result container",
    "durability.EBSFailureResult": "result container",
    "durability.ErasureCodingResult": "result container",
    "durability.LossResult": "result container",
    "durability.OneZoneResult": "result container",
    "availability.ArchitectureResult": "result of the presets",
    "availability.MonteCarloResult": "result of monte_carlo()",
    "placement.PlacementResult": "result of optimize_placement()",
    "scaling.ScalingResult": "result of simulate_autoscaling()",
    "scaling.ScalingSummary": "result container",
    "catalog.EdgeNetworkHeadline": "result of edge_network_headline()",
    "price_classes.PriceClassLatency": "result of price_class_latency()",
    "traffic.LogReadResult": "result of read_cloudfront_logs(errors='collect')",
    "traffic.CdnLogComparison": "result of compare_cdn_with_logs()",
}
# Take no input at all: only a valid-input property is possible (calling them with an argument is
# Python's own TypeError, not cloudgeo's).
NO_INPUT = {
    "catalog.catalog_date",
    "catalog.edge_snapshot_dates",
    "catalog.load_regional_edge_caches",
    "catalog.load_slas",
    "catalog.load_storage_classes",
    "population.load_country_population",
    "latency.model_names",
    "plotting.find_chromium",
    "plotting.topojson_dir",
    "plotting.vendored_plotlyjs_version",
    "widgets.availability_explorer",
    "widgets.durability_explorer",
    "catalog.edge_network_headline",
    "price_classes.load_price_classes",
    "report.bundled_trace_types",
}


def _public_callables() -> list[str]:
    names = []
    for mod_name in PUBLIC_MODULES:
        mod = importlib.import_module(f"cloudgeo.{mod_name}")
        names += [f"{mod_name}.{n}" for n in mod.__all__ if callable(getattr(mod, n))]
    return names


def test_every_public_callable_has_valid_and_invalid_properties() -> None:
    public = _public_callables()
    assert not set(COVERED) - set(public), f"covers() names that are not public: {set(COVERED) - set(public)}"
    missing = []
    for name in public:
        if name in EXEMPT:
            continue
        need = {"valid"} if name in NO_INPUT else {"valid", "bad"}
        have = {"valid"} & COVERED.get(name, set())
        if COVERED.get(name, set()) & {"invalid", "random"}:
            have.add("bad")
        if need - have:
            missing.append(f"{name} (no {', '.join(sorted(need - have))})")
    assert missing == [], "public callables without a property test:\n" + "\n".join(missing)
    _ = inspect, go


# ---- catalogue freshness (issue 14) ------------------------------------------------------------


@covers("catalog.edge_network_headline")
@FAST
@given(st.integers(0, 10**6))
def test_edge_headline_exceeds_what_the_list_names(seed: int) -> None:
    count("catalog.edge_network_headline")
    h = C.edge_network_headline()
    assert h.pops_min > h.listed_pops > 0
    assert h.cities_min > h.listed_cities > 0
    assert h.stated_on <= C.catalog_date()
    assert h == C.edge_network_headline()
    assert seed >= 0


def _partitions_doc(extra: dict[str, str]) -> dict[str, object]:
    """A partitions.json naming every catalogued open or announced region, plus ``extra`` (in aws)."""
    regs = C.load_regions(include_announced=True)
    parts: dict[str, dict[str, dict[str, str]]] = {}
    for code, part, name in zip(regs.index, regs["partition"], regs["name"], strict=True):
        parts.setdefault(str(part), {})[str(code)] = {"description": str(name)}
    parts["aws"].update({c: {"description": n} for c, n in extra.items()})
    return {"partitions": [{"id": p, "regions": r} for p, r in parts.items()]}


@covers("catalog.check_catalog")
@SLOW
@given(
    st.dictionaries(
        st.from_regex(r"zz-[a-z]{3,8}-[1-9]", fullmatch=True), st.text(min_size=1, max_size=12), max_size=3
    )
)
def test_check_catalog_reports_exactly_the_extra_codes(extra: dict[str, str]) -> None:
    count("catalog.check_catalog")
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "partitions.json"), "w", encoding="utf-8") as fh:
            json.dump(_partitions_doc(extra), fh)
        diff = C.check_catalog(data_dir=tmp)
    assert set(diff["code"]) == set(extra)
    assert set(diff["kind"]) <= {"missing_from_catalog"}


@covers("catalog.check_catalog", kind="invalid")
@FAST
@given(st.one_of(st.integers(), st.text(max_size=4), st.none(), st.lists(st.booleans(), max_size=2)))
def test_check_catalog_rejects_non_bool_flags(flag: object) -> None:
    must_reject("catalog.check_catalog", lambda: C.check_catalog(botocore=flag))  # type: ignore[arg-type]


# ---- end-user model and RIPE Atlas (issue 15) ------------------------------------------------

EXEMPT.update(
    {
        "latency.PathBreakdown": "result of path_breakdown()",
        "enduser.PathBreakdown": "result of path_breakdown()",
        "ripe_atlas.ProbeDropWarning": "a warning class",
    }
)
NO_INPUT |= {"latency.ingress_table", "enduser.ingress_table"}


@cache
def _eu_table() -> pd.DataFrame:
    return L.ingress_table()


_EU_CODES = sorted(L.ingress_table().dropna(subset=["lat"]).index)
_EU_ALL = sorted(L.ingress_table().index)


@covers("latency.country_rtt_ms", "enduser.country_rtt_ms")
@FAST
@given(st.lists(st.tuples(st.sampled_from(_EU_CODES), st.sampled_from(_EU_CODES)), min_size=1, max_size=6))
def test_country_rtt_floor_symmetry_case(pairs: list[tuple[str, str]]) -> None:
    """Never below the vacuum-light RTT between the centres; symmetric; any letter case."""
    count("latency.country_rtt_ms")
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    rtt = L.country_rtt_ms(a, b)
    t = _eu_table()
    gc = G.great_circle_km(
        t.loc[a, "lat"].to_numpy(),
        t.loc[a, "lon"].to_numpy(),
        t.loc[b, "lat"].to_numpy(),
        t.loc[b, "lon"].to_numpy(),
    )
    assert (rtt >= 2.0 * gc / L.C_KM_S * 1000.0).all()
    np.testing.assert_allclose(L.country_rtt_ms(b, a), rtt)
    np.testing.assert_allclose(L.country_rtt_ms([x.lower() for x in a], b), rtt)


@covers(
    "latency.country_rtt_ms",
    "enduser.country_rtt_ms",
    "latency.access_rtt_ms",
    "enduser.access_rtt_ms",
    kind="invalid",
)
@FAST
@given(st.text(min_size=0, max_size=4))
def test_country_codes_outside_the_table_raise(code: str) -> None:
    """Any string that is not a known ISO-2 code raises a CloudGeoError naming it."""
    assume(code.strip().upper() not in set(_EU_ALL))
    count("latency.country_rtt_ms", "invalid")
    with pytest.raises(CloudGeoError):
        L.country_rtt_ms(code, "DE")
    with pytest.raises(CloudGeoError):
        L.access_rtt_ms(code)


@covers("latency.access_rtt_ms", "enduser.access_rtt_ms")
@FAST
@given(st.sampled_from(_EU_ALL), st.sampled_from(sorted(L.ACCESS_RTT_MS)))
def test_access_scales_with_technology(code: str, tech: str) -> None:
    count("latency.access_rtt_ms")
    fibre = L.access_rtt_ms(code)
    assert fibre >= 0
    extra = L.ACCESS_RTT_MS[tech] - L.ACCESS_RTT_MS["fibre"]
    expect = 0.0 if L.ACCESS_RTT_MS[tech] == 0 else fibre + extra
    assert L.access_rtt_ms(code, technology=tech) == pytest.approx(expect)


@covers("latency.ingress_hub", "enduser.ingress_hub", "latency.ingress_table", "enduser.ingress_table")
@FAST
@given(st.sampled_from(_EU_ALL), st.floats())
def test_ingress_hub_matches_the_table(code: str, value: float) -> None:
    count("latency.ingress_hub")
    t = L.ingress_table()
    hub = L.ingress_hub(code.lower())
    assert (hub or "") == t.at[code, "hub"]
    t.loc[code, "access_ms"] = value  # a copy: scribbling never leaks
    assert L.ingress_table().at[code, "access_ms"] == _eu_table().at[code, "access_ms"]


@covers("latency.ingress_hub", "enduser.ingress_hub", kind="invalid")
@FAST
@given(st.one_of(st.integers(), st.floats(), st.none(), st.lists(st.text(max_size=2), max_size=2)))
def test_ingress_hub_rejects_non_strings(value: object) -> None:
    count("latency.ingress_hub", "invalid")
    with pytest.raises(CloudGeoError):
        L.ingress_hub(value)  # type: ignore[arg-type]


@covers("latency.countries_at", "enduser.countries_at")
@FAST
@given(st.lists(st.tuples(st.floats(-90, 90), st.floats(-180, 180)), min_size=1, max_size=8))
def test_countries_at_gives_known_codes_or_blank(pts: list[tuple[float, float]]) -> None:
    count("latency.countries_at")
    out = L.countries_at([p[0] for p in pts], [p[1] for p in pts])
    assert len(out) == len(pts)
    assert set(out) <= set(_EU_ALL) | {""}


@covers("enduser.site_countries")
@FAST
@given(st.lists(st.tuples(st.floats(-90, 90), st.floats(-180, 180)), min_size=1, max_size=8))
def test_site_countries_are_the_nearest_citys(pts: list[tuple[float, float]]) -> None:
    count("enduser.site_countries")
    lat, lon = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    pos = EU.site_countries(lat, lon)
    assert pos.shape == (len(pts),)
    codes = np.asarray(L.ingress_table().index, dtype=object)  # the positions' table
    expect = L.countries_at(lat, lon)
    got = np.where(pos >= 0, codes[np.maximum(pos, 0)], "")
    assert list(got) == list(expect)


@covers(
    "latency.countries_at",
    "enduser.countries_at",
    "enduser.site_countries",
    "latency.path_breakdown",
    "enduser.path_breakdown",
    kind="invalid",
)
@FAST
@given(
    st.one_of(
        st.floats(90.0001, 1e6, exclude_min=True), st.floats(-1e6, -90.0001), st.just(NAN), st.just(INF)
    )
)
def test_bad_latitudes_raise(lat: float) -> None:
    count("latency.countries_at", "invalid")
    count("enduser.site_countries", "invalid")
    with pytest.raises(CloudGeoError):
        L.countries_at([lat], [0.0])
    with pytest.raises(CloudGeoError):
        EU.site_countries(np.array([lat]), np.array([0.0]))
    with pytest.raises(CloudGeoError):
        L.path_breakdown((lat, 0.0), "eu-west-1")


@covers("latency.path_breakdown", "enduser.path_breakdown")
@SLOW
@given(
    st.floats(-60, 70),
    st.floats(-180, 180),
    st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-1", "af-south-1"]),
)
def test_path_breakdown_terms_sum_and_floor(lat: float, lon: float, region: str) -> None:
    """The terms add up, all are >= 0, and the path is never shorter than the great circle."""
    count("latency.path_breakdown")
    pb = L.path_breakdown((lat, lon), region)
    parts = (pb.access_ms, pb.to_hub_ms, pb.backbone_ms, pb.far_end_ms)
    assert min(parts) >= 0
    assert pb.total_ms == pytest.approx(sum(parts))
    assert pb.path_km >= pb.distance_km * (1 - 1e-9)
    assert pb.total_ms >= 2.0 * pb.distance_km / L.C_KM_S * 1000.0


def _ripe_result(prb: int, rtts: list[float], kind: str = "ping") -> dict[str, Any]:
    return {
        "fw": 5080, "type": kind, "prb_id": prb, "msm_id": 7, "timestamp": 1743206400, "dst_name": "t",
        "dst_addr": "192.0.2.1", "from": "203.0.113.1", "proto": "ICMP", "af": 4, "size": 48,
        "result": [{"rtt": r} for r in rtts],
    }  # fmt: skip


@covers("ripe_atlas.read_ripe_atlas")
@FAST
@given(st.lists(st.lists(st.floats(0.1, 1000.0), min_size=1, max_size=5), min_size=1, max_size=4))
def test_read_ripe_atlas_statistics_are_ordered(batches: list[list[float]]) -> None:
    from cloudgeo.ripe_atlas import read_ripe_atlas

    count("ripe_atlas.read_ripe_atlas")
    rows = [_ripe_result(1, b) for b in batches]
    out = read_ripe_atlas(rows, probes=[{"id": 1, "latitude": 10.0, "longitude": 20.0}]).set_index("stat")
    allv = [v for b in batches for v in b]
    # ripe.atlas.sagan rounds each packet RTT to 1 us
    assert out.at["min", "rtt_ms"] == pytest.approx(min(allv), abs=1e-3)
    assert out.at["max", "rtt_ms"] == pytest.approx(max(allv), abs=1e-3)
    assert (
        out.at["min", "rtt_ms"]
        <= out.at["p50", "rtt_ms"]
        <= out.at["p90", "rtt_ms"]
        <= out.at["max", "rtt_ms"]
    )
    assert out.at["p50", "n_samples"] == len(allv)


@covers("ripe_atlas.read_ripe_atlas", kind="invalid")
@FAST
@given(st.text(max_size=12))
def test_read_ripe_atlas_rejects_other_types(kind: str) -> None:
    from cloudgeo.ripe_atlas import read_ripe_atlas

    assume(kind.lower() != "ping")
    count("ripe_atlas.read_ripe_atlas", "invalid")
    with pytest.raises(CloudGeoError, match="ping results only"):
        read_ripe_atlas([_ripe_result(1, [1.0], kind)], probes=[{"id": 1, "latitude": 0.0, "longitude": 0.0}])


# ---- placement's prepared matrix, stats ------------------------------------------------------


@covers("placement.prepare_cost", "placement.CostMatrix")
@SLOW
@given(st.integers(0, 10**6), st.integers(1, 3), st.sampled_from(["mean", "p90", "worst"]))
def test_prepared_cost_solves_as_the_frame(seed: int, k: int, objective: str) -> None:
    count("placement.prepare_cost")
    count("placement.CostMatrix")
    rng = np.random.default_rng(seed)
    sites = pd.DataFrame({"lat": 0.0, "lon": 0.0}, index=[f"s{j}" for j in range(6)])
    users = pd.DataFrame({"lat": 0.0, "lon": 0.0, "weight": rng.random(30) + 0.1})
    cost = pd.DataFrame(np.round(rng.uniform(1, 100, (30, 6))), columns=sites.index)
    prepared = PL.prepare_cost(users, sites, cost)
    assert isinstance(prepared, PL.CostMatrix)
    assert not prepared.values.flags.writeable
    np.testing.assert_array_equal(prepared.values, cost.to_numpy())
    a = PL.optimize_placement(users, sites, k, objective=objective, cost_ms=prepared)
    b = PL.optimize_placement(users, sites, k, objective=objective, cost_ms=cost)
    assert a.sites == b.sites
    assert a.objective_value == b.objective_value


@covers("placement.prepare_cost", "placement.CostMatrix", kind="invalid")
@FAST
@given(bad_frame)
def test_prepare_cost_rejects_garbage(frame: object) -> None:
    sites = pd.DataFrame({"lat": [0.0, 1.0], "lon": [0.0, 1.0]}, index=["a", "b"])
    must_reject("placement.prepare_cost", lambda: PL.prepare_cost(frame, sites))  # type: ignore[arg-type]
    must_reject("placement.prepare_cost", lambda: PL.prepare_cost(sites, frame))  # type: ignore[arg-type]
    must_reject("placement.CostMatrix", lambda: PL.CostMatrix(frame, pd.RangeIndex(2), ("a", "b")))  # type: ignore[arg-type]


@covers("stats.weighted_quantile")
@FAST
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40),
    st.integers(0, 10**6),
    st.floats(0.0, 1.0),
)
def test_weighted_quantile_is_numpys_inverted_cdf(values: list[float], seed: int, q: float) -> None:
    count("stats.weighted_quantile")
    v = np.array(values)
    w = np.random.default_rng(seed).integers(0, 4, len(v)).astype(float)
    w[0] += 1.0
    got = STATS.weighted_quantile(v, w, q)
    assert got == float(np.quantile(v, q, weights=w, method="inverted_cdf"))


@covers("stats.weighted_quantile", kind="invalid")
@FAST
@given(st.sampled_from([math.nan, -1.0, math.inf]), st.sampled_from(["values", "weights", "q"]))
def test_weighted_quantile_rejects_garbage(bad: float, where: str) -> None:
    v, w, q = np.array([1.0, 2.0]), np.array([1.0, 1.0]), 0.5
    if where == "values":
        assume(math.isnan(bad))  # -1 and +inf are valid values
        v = np.array([1.0, bad])
    elif where == "weights":
        w = np.array([1.0, bad])
    else:
        q = bad
    must_reject("stats.weighted_quantile", lambda: STATS.weighted_quantile(v, w, q))


# ---- price classes, the volume and elasticity charts (issue 18) -------------------------------


@covers("price_classes.load_price_classes", "report.bundled_trace_types")
@FAST
@given(st.integers(0, 10**6), st.booleans())
def test_price_class_table_and_bundle_are_fresh(i: int, value: bool) -> None:
    count("price_classes.load_price_classes")
    count("report.bundled_trace_types")
    first = PC.load_price_classes()
    pristine = first.copy(deep=True)
    first.iat[i % len(first), first.columns.get_loc("PriceClass_All")] = value
    pd.testing.assert_frame_equal(PC.load_price_classes(), pristine)
    assert RPT.bundled_trace_types() >= {"scatter"} or RPT.bundled_trace_types() == frozenset()


@covers(
    "price_classes.edges_in_price_class",
    "price_classes.user_continents",
    "price_classes.price_class_latency",
    "plotting.plot_price_class_latency",
)
@SLOW
@given(users_st, st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-1"]), frac_st, st.data())
def test_price_classes_nested_and_finite(
    users: pd.DataFrame, origin: str, hit: float, data: st.DataObject
) -> None:
    for n in ("edges_in_price_class", "user_continents", "price_class_latency"):
        count("price_classes." + n)
    count("plotting.plot_price_class_latency")
    sizes = [len(PC.edges_in_price_class(c)) for c in PC.PRICE_CLASSES]
    assert sizes == sorted(sizes)
    codes = data.draw(
        st.lists(st.sampled_from(["PH", "BR", "DE", "US", "AU"]), min_size=len(users), max_size=len(users))
    )
    tagged = users.assign(country_code=codes)
    groups = PC.user_continents(tagged)
    pd.testing.assert_index_equal(groups.index, users.index)
    result = PC.price_class_latency(tagged, origin, edge_hit_ratio=hit)
    t = result.table
    assert _no_nan(t)
    assert t["user_share"].sum() == pytest.approx(1.0)
    # What nesting guarantees: CloudFront routes a viewer to the lowest-latency edge *to the
    # viewer*, so a larger class never lengthens the viewer leg (per user, the hit time never
    # grows; with every request a hit, no group mean or p90 grows). It does not guarantee a
    # shorter miss path: the extra edge can sit behind a farther regional edge cache, so with
    # misses (hit < 1) a larger class can be slower; see
    # tests/test_price_classes.py::test_larger_class_can_be_slower_on_misses.
    hits_only = PC.price_class_latency(tagged, origin, edge_hit_ratio=1.0)
    for table in (hits_only.table, hits_only.p90):
        assert (table["PriceClass_200"] <= table["PriceClass_100"] + 1e-9).all()
        assert (table["PriceClass_All"] <= table["PriceClass_200"] + 1e-9).all()
    hit_ms = [
        L.cdn_ttfb_ms(tagged, origin, edges=PC.edges_in_price_class(c), edge_hit_ratio=hit)["hit_ms"]
        for c in PC.PRICE_CLASSES
    ]
    assert (hit_ms[1] <= hit_ms[0] + 1e-9).all()
    assert (hit_ms[2] <= hit_ms[1] + 1e-9).all()
    fig = PLT.plot_price_class_latency(result)
    assert len(fig.data) == 1 + len(PC.PRICE_CLASSES)


@covers(
    "price_classes.edges_in_price_class",
    "price_classes.user_continents",
    "price_classes.price_class_latency",
    "plotting.plot_price_class_latency",
    "plotting.plot_hit_ratio_effect",
    "plotting.plot_autoscaling_comparison",
    "plotting.plot_ebs_volume_losses",
    kind="invalid",
)
@FAST
@given(some_garbage, unknown_text)
def test_price_classes_and_new_charts_reject_garbage(other: object, text: str) -> None:
    assume(text not in PC.PRICE_CLASSES)
    must_reject("price_classes.edges_in_price_class", lambda: PC.edges_in_price_class(text))
    must_reject(
        "price_classes.edges_in_price_class", lambda: PC.edges_in_price_class("PriceClass_All", other)
    )  # type: ignore[arg-type]
    must_reject("price_classes.user_continents", lambda: PC.user_continents(other))  # type: ignore[arg-type]
    must_reject("price_classes.price_class_latency", lambda: PC.price_class_latency(other))  # type: ignore[arg-type]
    must_reject(
        "price_classes.price_class_latency",
        lambda: PC.price_class_latency(_seed_users(), price_classes=[text]),
    )
    must_reject("plotting.plot_price_class_latency", lambda: PLT.plot_price_class_latency(other))
    must_reject("plotting.plot_hit_ratio_effect", lambda: PLT.plot_hit_ratio_effect(other))  # type: ignore[arg-type]
    must_reject("plotting.plot_autoscaling_comparison", lambda: PLT.plot_autoscaling_comparison(other))
    must_reject("plotting.plot_ebs_volume_losses", lambda: PLT.plot_ebs_volume_losses(other))  # type: ignore[arg-type]


def _seed_users() -> pd.DataFrame:
    return pd.DataFrame({"lat": [14.6], "lon": [121.0], "country_code": ["PH"]})


@covers("plotting.plot_hit_ratio_effect", "plotting.plot_autoscaling_comparison")
@PLOT
@given(st.lists(st.floats(1, 1e4), min_size=2, max_size=6), st.integers(1, 3))
def test_hit_ratio_and_policy_charts_draw_every_point(values: list[float], n_runs: int) -> None:
    count("plotting.plot_hit_ratio_effect")
    count("plotting.plot_autoscaling_comparison")
    ratios = np.linspace(0, 1, len(values))
    frame = pd.DataFrame({"cloudfront_ms": values, "direct_ms": max(values)}, index=ratios)
    fig = PLT.plot_hit_ratio_effect(frame)
    assert list(fig.data[0].y) == values
    demand = S.daily_demand("2019-07-01", days=1, freq="5min", mean_rps=500, seed=n_runs)
    runs = {
        f"run {i}": S.simulate_autoscaling(demand, S.TargetTrackingPolicy(target_utilisation=0.3 + 0.2 * i))
        for i in range(n_runs)
    }
    fig = PLT.plot_autoscaling_comparison(runs)
    assert len(fig.data) == 1 + 3 * n_runs


@covers("plotting.plot_ebs_volume_losses")
@PLOT
@given(st.floats(1e-6, 0.1), st.floats(1.0, 10.0), st.floats(1.0, 1e6))
def test_ebs_chart_marks_fleet_losses(afr: float, spread: float, volumes: float) -> None:
    count("plotting.plot_ebs_volume_losses")
    table = pd.DataFrame(
        {
            "name": ["v"],
            "annual_failure_rate_low": [afr],
            "annual_failure_rate_high": [min(afr * spread, 0.5)],
        }
    )
    fig = PLT.plot_ebs_volume_losses(table, volumes=volumes)
    marker = next(t for t in fig.data if t.mode == "markers+text")
    assert marker.y[0] == pytest.approx(volumes * min(afr * spread, 0.5))


# ---- CloudFront logs (issue 19) -----------------------------------------------------------------

ONCE = settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck))


@cache
def _log_file(lines: int = 3000, seed: int = 5) -> str:
    from cloudgeo.traffic import synthetic_cloudfront_log

    path = os.path.join(tempfile.mkdtemp(prefix="cloudgeo-props-"), f"l{lines}-{seed}.log.gz")
    return synthetic_cloudfront_log(path, lines=lines, seed=seed)


@cache
def _log_frame() -> pd.DataFrame:
    from cloudgeo.traffic import read_cloudfront_logs

    out: pd.DataFrame = read_cloudfront_logs(_log_file())
    return out


@covers("traffic.synthetic_cloudfront_log", "traffic.read_cloudfront_logs", "traffic.write_cloudfront_log")
@SLOW
@given(st.integers(1, 300), st.integers(0, 10**6))
def test_generated_log_reads_back_and_rewrites_identically(lines: int, seed: int) -> None:
    from cloudgeo.traffic import read_cloudfront_logs, synthetic_cloudfront_log, write_cloudfront_log

    for name in (
        "traffic.synthetic_cloudfront_log",
        "traffic.read_cloudfront_logs",
        "traffic.write_cloudfront_log",
    ):
        count(name)
    folder = tempfile.mkdtemp(prefix="cloudgeo-props-")
    first = read_cloudfront_logs(
        synthetic_cloudfront_log(f"{folder}/a.log", lines=lines, seed=seed), fields="all"
    )
    assert len(first) == lines
    assert first["timestamp"].is_monotonic_increasing or lines > 1
    again = read_cloudfront_logs(write_cloudfront_log(first, f"{folder}/b.log.gz"), fields="all")
    pd.testing.assert_frame_equal(again, first, check_categorical=False)


@covers("traffic.read_cloudfront_logs", "traffic.synthetic_cloudfront_log", kind="invalid")
@FAST
@given(st.text(max_size=40), st.integers(-5, 0))
def test_log_reader_rejects_what_is_not_a_log(text: str, lines: int) -> None:
    from cloudgeo.traffic import read_cloudfront_logs, synthetic_cloudfront_log

    count("traffic.read_cloudfront_logs", "invalid")
    count("traffic.synthetic_cloudfront_log", "invalid")
    assume(not text.lstrip().startswith(("#Version:", "{")))
    path = os.path.join(tempfile.mkdtemp(prefix="cloudgeo-props-"), "junk.log")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    must_reject("traffic.read_cloudfront_logs", lambda: read_cloudfront_logs(path))
    must_reject("traffic.synthetic_cloudfront_log", lambda: synthetic_cloudfront_log(path, lines=lines))


@covers("traffic.write_cloudfront_log", kind="invalid")
@FAST
@given(st.sampled_from(["-", "a\tb", "x\ny"]))
def test_log_writer_refuses_what_cannot_be_read_back(value: str) -> None:
    from cloudgeo.traffic import write_cloudfront_log

    frame = _log_frame().head(3).assign(method=value)
    path = os.path.join(tempfile.mkdtemp(prefix="cloudgeo-props-"), "w.log")
    must_reject("traffic.write_cloudfront_log", lambda: write_cloudfront_log(frame, path))


@covers("traffic.edge_traffic", "traffic.population_from_logs")
@SLOW
@given(st.integers(1, 3000), st.booleans())
def test_edge_traffic_totals_and_order(n: int, by_hour: bool) -> None:
    from cloudgeo.traffic import edge_traffic, population_from_logs

    count("traffic.edge_traffic")
    count("traffic.population_from_logs")
    logs = _log_frame().head(n)
    t = edge_traffic(logs, by_hour=by_hour)
    assert t["requests"].sum() == n
    assert t["bytes"].sum() == logs["bytes"].sum()
    assert t["hit_ratio"].between(0, 1).all()
    ok = t["ttfb_p50_s"].notna()
    assert (t.loc[ok, "ttfb_p50_s"] <= t.loc[ok, "ttfb_p90_s"]).all()
    assert population_from_logs(logs)["weight"].sum() == pytest.approx(n)


@covers("traffic.edge_traffic", "traffic.population_from_logs", kind="invalid")
@FAST
@given(st.sampled_from(["edge_city", "edge_lat", "result_type", "bytes", "time_taken_s"]))
def test_log_analyses_reject_frames_without_their_columns(column: str) -> None:
    from cloudgeo.traffic import edge_traffic, population_from_logs

    logs = _log_frame().head(50).drop(columns=column)
    must_reject("traffic.edge_traffic", lambda: edge_traffic(logs))
    must_reject("traffic.population_from_logs", lambda: population_from_logs(logs))


@covers("traffic.compare_cdn_with_logs", "traffic.miss_fetch_legs_ms")
@ONCE
@given(st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-1"]))
def test_cdn_check_fits_a_line_through_the_misses(origin: str) -> None:
    from cloudgeo.traffic import compare_cdn_with_logs, miss_fetch_legs_ms

    count("traffic.compare_cdn_with_logs")
    count("traffic.miss_fetch_legs_ms")
    check = compare_cdn_with_logs(_log_frame(), origin, min_misses=5)
    assert check.edges >= 2
    assert np.isfinite(check.scale)
    legs = miss_fetch_legs_ms(C.load_edge_locations().head(5), origin)
    assert (legs[["rtt_edge_rec_ms", "rtt_rec_origin_ms"]] >= 0).all().all()


@covers("traffic.compare_cdn_with_logs", "traffic.miss_fetch_legs_ms", kind="invalid")
@FAST
@given(st.text(max_size=12))
def test_cdn_check_rejects_unknown_origins(origin: str) -> None:
    from cloudgeo.traffic import compare_cdn_with_logs, miss_fetch_legs_ms

    assume(origin not in C.load_regions(include_unannounced=True).index)
    must_reject(
        "traffic.miss_fetch_legs_ms", lambda: miss_fetch_legs_ms(C.load_edge_locations().head(2), origin)
    )
    must_reject("traffic.compare_cdn_with_logs", lambda: compare_cdn_with_logs(_log_frame(), origin))


@covers("report.build_logs_report", "report.write_logs_report")
@ONCE
@given(st.integers(1, 2))
def test_logs_report_has_its_three_sections(k: int) -> None:
    from cloudgeo import report

    count("report.build_logs_report")
    count("report.write_logs_report")
    path = os.path.join(tempfile.mkdtemp(prefix="cloudgeo-props-"), "r.html")
    text = report.write_logs_report(path, _log_frame(), placement_k=k).read_text(encoding="utf-8")
    for anchor in ("traffic", "cdn-check", "placement"):
        assert f'<section id="{anchor}">' in text


@covers("report.build_logs_report", "report.write_logs_report", kind="invalid")
@FAST
@given(st.integers(-3, 0))
def test_logs_report_rejects_bad_k(k: int) -> None:
    from cloudgeo import report

    must_reject("report.build_logs_report", lambda: report.build_logs_report(_log_frame(), placement_k=k))
    must_reject(
        "report.write_logs_report",
        lambda: report.write_logs_report("/tmp/cg.html", _log_frame(), placement_k=k),
    )
