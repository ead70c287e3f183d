"""Numerical robustness (issue 8): extreme but valid inputs against closed forms and mpmath.

Antipodes, poles and the antimeridian for distances; availabilities of 1 - 1e-12 in series and
parallel; loss probabilities of 1e-20 over 1e15 objects.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pandas as pd
import pytest

from cloudgeo import availability as A
from cloudgeo import durability as D
from cloudgeo import geodesy as G
from cloudgeo import latency as L
from cloudgeo import network as N

R = G.EARTH_RADIUS_KM
mpmath.mp.dps = 50


def mp_haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in 50-digit arithmetic (haversine, exact inputs as given)."""
    p1, p2 = mpmath.radians(lat1), mpmath.radians(lat2)
    dp = p2 - p1
    dl = mpmath.radians(lon2) - mpmath.radians(lon1)
    h = mpmath.sin(dp / 2) ** 2 + mpmath.cos(p1) * mpmath.cos(p2) * mpmath.sin(dl / 2) ** 2
    return float(2 * mpmath.mpf(R) * mpmath.asin(mpmath.sqrt(min(h, mpmath.mpf(1)))))


@pytest.mark.parametrize(("a", "b"), [((0, 0), (0, 180)), ((10, 20), (-10, -160)), ((45, -90), (-45, 90))])
def test_antipodal_is_half_circumference(a: tuple[float, float], b: tuple[float, float]) -> None:
    assert float(G.great_circle_km(*a, *b)) == pytest.approx(math.pi * R, rel=1e-7)  # within 2 m


def test_antipodal_is_half_circumference_to_double_precision() -> None:
    assert float(G.great_circle_km(10, 20, -10, -160)) == pytest.approx(math.pi * R, rel=1e-12)


def test_pole_to_pole() -> None:
    assert float(G.great_circle_km(90, 0, -90, 0)) == pytest.approx(math.pi * R, rel=1e-12)
    # any longitude at a pole is the same point
    assert float(G.great_circle_km(90, -170, 90, 35)) == pytest.approx(0.0, abs=1e-9)
    # WGS-84 meridian arc pole to pole: 20003.931 km (Karney 2013, GeographicLib)
    assert float(G.geodesic_km(90, 0, -90, 0)) == pytest.approx(20003.931, abs=0.01)


@pytest.mark.parametrize("lat", [0.0, 60.0, -60.0])
def test_antimeridian_crossing_is_short(lat: float) -> None:
    d = float(G.great_circle_km(lat, 179.9, lat, -179.9))
    assert d == pytest.approx(mp_haversine_km(lat, 179.9, lat, -179.9), rel=1e-9)
    assert d < 25.0  # not ~40,000 km the long way round
    if lat == 60.0:
        assert d == pytest.approx(11.1, abs=0.1)
    routed = float(np.asarray(N.routed_distance_km(lat, 179.9, lat, -179.9)).ravel()[0])
    assert routed < 100.0


def test_nearest_sites_across_the_antimeridian() -> None:
    points = pd.DataFrame({"lat": [0.0, -17.0]}, index=["east", "fiji"]).assign(lon=[179.95, 178.4])
    sites = pd.DataFrame(
        {"lat": [0.0, 0.0, -17.5], "lon": [-179.95, 170.0, -179.2]}, index=["across", "west", "tonga-ish"]
    )
    out = G.nearest_sites(points, sites)
    site_col = next(c for c in out.columns if c in {"site", "nearest_site", "site_id"})
    assert out.loc["east", site_col] == "across"
    assert out.loc["fiji", site_col] == "tonga-ish"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((0.0, 0.0), (1e-9, 0.0)),
        ((51.5, -0.12), (51.5 + 1e-7, -0.12 + 1e-7)),
        ((-33.9, 151.2), (40.7, -74.0)),
    ],
)
def test_great_circle_matches_mpmath(a: tuple[float, float], b: tuple[float, float]) -> None:
    assert float(G.great_circle_km(*a, *b)) == pytest.approx(mp_haversine_km(*a, *b), rel=1e-9, abs=1e-12)


def test_near_antipodal_matches_mpmath() -> None:
    a, b = (0.0, 0.0), (1e-7, 180.0 - 1e-7)
    assert float(G.great_circle_km(*a, *b)) == pytest.approx(mp_haversine_km(*a, *b), rel=1e-7)


def test_near_antipodal_matches_mpmath_to_double_precision() -> None:
    a, b = (0.0, 0.0), (1e-7, 180.0 - 1e-7)
    assert float(G.great_circle_km(*a, *b)) == pytest.approx(mp_haversine_km(*a, *b), rel=1e-12)


def test_rtt_physics_floor_antipodal() -> None:
    # straight fibre half way round: 2 * pi R / (c / 1.4682) [s] -> ~196 ms
    floor = 2 * math.pi * R / L.fibre_speed_km_s() * 1000
    assert float(L.rtt_from_distance_ms(math.pi * R, model="physics")) == pytest.approx(floor, rel=1e-12)
    assert floor == pytest.approx(196.1, abs=0.2)


def test_absurd_distance_is_rejected() -> None:
    from cloudgeo.errors import InvalidInputError

    with pytest.raises(InvalidInputError):
        L.rtt_from_distance_ms(8.2e307)


# ---- availability near 1 ---------------------------------------------------------------------

ONE_MINUS = 1 - 1e-12


def test_series_of_near_perfect_parts_keeps_unavailability() -> None:
    a = mpmath.mpf(ONE_MINUS)  # the double actually passed in
    exact_u = 1 - a * a
    s = A.series(ONE_MINUS, ONE_MINUS)
    assert s.unavailability == pytest.approx(float(exact_u), rel=1e-9)


def test_parallel_of_near_perfect_parts_keeps_unavailability() -> None:
    u = 1 - mpmath.mpf(ONE_MINUS)
    p = A.parallel(ONE_MINUS, ONE_MINUS, ONE_MINUS)
    # 1 - availability would be 0.0 in doubles; the unavailability is kept directly
    assert p.unavailability == pytest.approx(float(u**3), rel=1e-9)
    assert p.unavailability > 0
    assert p.availability == 1.0


def test_k_of_n_near_perfect_parts_matches_mpmath() -> None:
    u = 1 - mpmath.mpf(ONE_MINUS)
    a = 1 - u
    # 2 of 3 down-probability: 3 u^2 a + u^3
    exact = 3 * u**2 * a + u**3
    assert A.k_of_n(2, [ONE_MINUS] * 3).unavailability == pytest.approx(float(exact), rel=1e-9)


def test_downtime_of_eleven_nines() -> None:
    # 1e-11 of a Gregorian year is 0.3156 ms
    # (timedelta resolution is 1 microsecond)
    assert A.downtime(0.99999999999).total_seconds() == pytest.approx(365.2425 * 86400 * 1e-11, abs=1e-6)


# ---- durability extremes ---------------------------------------------------------------------


def test_tiny_loss_probability_over_huge_fleet() -> None:
    q, n = 1e-20, 1e15
    r = D.expected_losses(objects=n, loss_probability_per_year=q, years=1)
    exact_any = 1 - (1 - mpmath.mpf(q)) ** mpmath.mpf(n)
    assert float(r.expected_losses) == pytest.approx(n * q, rel=1e-12)
    assert float(r.probability_any_loss) == pytest.approx(float(exact_any), rel=1e-9)
    assert 0 < float(r.probability_any_loss) < 1


def test_seed_claim_ten_million_objects_one_loss_per_ten_thousand_years() -> None:
    r = D.expected_losses(objects=10_000_000, storage_class="s3-standard", years=10_000)
    assert float(r.expected_losses) == pytest.approx(1.0, rel=1e-9)
    one_year = D.expected_losses(objects=10_000_000, storage_class="s3-standard")
    assert float(one_year.mean_years_between_losses) == pytest.approx(10_000, rel=1e-9)


def test_probability_any_loss_saturates_without_overflow() -> None:
    r = D.expected_losses(objects=1e15, loss_probability_per_year=0.5, years=1e6)
    assert float(r.probability_any_loss) == 1.0
    assert math.isfinite(float(r.expected_losses))


def test_nines_below_double_resolution() -> None:
    # durability 1 - 1e-20 is 1.0 in doubles; the loss probability keeps it
    assert D.nines(loss_probability=1e-20) == 20
    assert D.nines(1.0) == math.inf


def test_erasure_coding_extreme_parity_stays_in_range() -> None:
    r = D.erasure_coding_loss(
        data_shards=17, parity_shards=12, shard_failure_rate_per_year=1e-4, replace_days=0.5
    )
    assert 0 <= r.loss_probability_per_year < 1e-30
    assert math.isfinite(r.nines) or r.nines == math.inf
