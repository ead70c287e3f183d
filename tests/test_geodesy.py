"""Tests of cloudgeo.geodesy (MODELS.md 1.2, test vectors L-02)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudgeo import geodesy
from cloudgeo.errors import DataValidationError, InvalidInputError

NYC = (40.7128, -74.0060)
LONDON = (51.5074, -0.1278)


def test_l02_haversine_nyc_london() -> None:
    # MODELS.md L-02 [DER]: haversine R 6371 km -> 5570.2 km; WGS-84 geodesic 5585.2 km
    d = geodesy.great_circle_km(*NYC, *LONDON, radius_km=6371.0)
    assert d == pytest.approx(5570.2, abs=0.1)
    assert geodesy.geodesic_km(*NYC, *LONDON) == pytest.approx(5585.2, abs=0.1)


def test_series_in_series_out_and_broadcast() -> None:
    lat = pd.Series([40.7128, 51.5074], index=["nyc", "lon"])
    lon = pd.Series([-74.0060, -0.1278], index=["nyc", "lon"])
    out = geodesy.great_circle_km(lat, lon, 50.1109, 8.6821)
    assert isinstance(out, pd.Series)
    assert list(out.index) == ["nyc", "lon"]
    arr = geodesy.great_circle_km(np.array([0.0, 10.0]), 0.0, 0.0, 0.0)
    assert arr.shape == (2,)
    assert isinstance(geodesy.great_circle_km(0, 0, 0, 1), float)


latitudes = st.floats(-89.0, 89.0)
longitudes = st.floats(-180.0, 180.0)


@settings(max_examples=60, deadline=None)
@given(latitudes, longitudes, latitudes, longitudes)
def test_geodesic_vs_great_circle_within_0_6_percent(a: float, b: float, c: float, d: float) -> None:
    # The sphere differs from the WGS-84 ellipsoid by < ~0.56 %. Near-antipodal pairs (> 19,000 km)
    # are excluded: there geodesics are unstable and different algorithms disagree.
    gc = geodesy.great_circle_km(a, b, c, d)
    if gc < 1.0 or gc > 19_000.0:
        return
    geo = geodesy.geodesic_km(a, b, c, d)
    assert abs(gc - geo) / geo < 0.006


@settings(max_examples=100, deadline=None)
@given(latitudes, longitudes, latitudes, longitudes)
def test_great_circle_symmetric(a: float, b: float, c: float, d: float) -> None:
    assert geodesy.great_circle_km(a, b, c, d) == pytest.approx(geodesy.great_circle_km(c, d, a, b), abs=1e-9)


def test_distance_matrix_labels() -> None:
    a = pd.DataFrame({"lat": [NYC[0], LONDON[0]], "lon": [NYC[1], LONDON[1]]}, index=["nyc", "london"])
    m = geodesy.distance_matrix_km(a)
    assert list(m.index) == ["nyc", "london"]
    assert list(m.columns) == ["nyc", "london"]
    assert m.loc["nyc", "london"] == pytest.approx(5570.2, abs=1.0)
    assert m.loc["nyc", "nyc"] == 0.0


def test_nearest_sites_k1_and_k2_keep_index() -> None:
    sites = pd.DataFrame(
        {"lat": [NYC[0], LONDON[0], 50.11], "lon": [NYC[1], LONDON[1], 8.68]}, index=["N", "L", "F"]
    )
    pts = pd.DataFrame({"lat": [48.86, 40.0], "lon": [2.35, -75.0]}, index=[10, 20])
    before = pts.copy()
    one = geodesy.nearest_sites(pts, sites)
    assert list(one.index) == [10, 20]
    assert list(one["site"]) == ["L", "N"]
    assert one.loc[10, "distance_km"] == pytest.approx(
        geodesy.great_circle_km(48.86, 2.35, *LONDON), rel=1e-9
    )
    two = geodesy.nearest_sites(pts, sites, k=2)
    assert list(two.columns) == ["site_1", "site_2", "distance_km_1", "distance_km_2"]
    assert two.loc[10, "site_2"] == "F"
    pd.testing.assert_frame_equal(pts, before)


def test_bad_inputs() -> None:
    with pytest.raises(DataValidationError, match="look like longitudes"):
        geodesy.great_circle_km(120.0, 10.0, 0.0, 0.0)
    with pytest.raises(DataValidationError, match="NaN"):
        geodesy.great_circle_km(np.nan, 10.0, 0.0, 0.0)
    with pytest.raises(InvalidInputError, match="mismatched lengths"):
        geodesy.great_circle_km(np.zeros(2), np.zeros(3), 0.0, 0.0)
    with pytest.raises(InvalidInputError, match="radius_km must be > 0"):
        geodesy.great_circle_km(0, 0, 0, 1, radius_km=0)
    sites = pd.DataFrame({"lat": [0.0], "lon": [0.0]})
    with pytest.raises(InvalidInputError, match="larger than the number of sites"):
        geodesy.nearest_sites(sites, sites, k=2)
    with pytest.raises(DataValidationError, match="empty"):
        geodesy.nearest_sites(sites.iloc[:0], sites)
    with pytest.raises(DataValidationError, match=r"row\(s\) 'bad'"):
        geodesy.distance_matrix_km(pd.DataFrame({"lat": [np.inf], "lon": [0.0]}, index=["bad"]))


def test_antipodes_exact_to_double_precision() -> None:
    # half the circumference, pi R = 20015.114442 km; the haversine gave 20015.11425 km here
    half = np.pi * geodesy.EARTH_RADIUS_KM
    assert geodesy.great_circle_km(10.0, 20.0, -10.0, -160.0) == pytest.approx(half, rel=1e-13)
    assert geodesy.great_circle_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(half, rel=1e-13)
    assert geodesy.great_circle_km(45.0, -90.0, -45.0, 90.0) == pytest.approx(half, rel=1e-13)


def test_agrees_with_haversine_where_both_are_well_conditioned() -> None:
    # Sinnott (1984) haversine, independent formula, for pairs well away from antipodes
    rng = np.random.default_rng(7)
    la1, lo1, la2, lo2 = rng.uniform(-80, 80, (4, 2000)) * np.array([[1], [2.2], [1], [2.2]])
    p1, p2 = np.radians(la1), np.radians(la2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lo2 - lo1) / 2) ** 2
    hav = 2 * geodesy.EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))
    got = geodesy.great_circle_km(la1, lo1, la2, lo2)
    keep = hav < 19_000.0
    np.testing.assert_allclose(got[keep], hav[keep], rtol=1e-9, atol=1e-9)


def test_short_distances_keep_relative_precision() -> None:
    # 1e-9 deg of latitude on the IUGG sphere: R * pi / 180 * 1e-9 km
    one_nano_deg = geodesy.EARTH_RADIUS_KM * np.pi / 180 * 1e-9
    assert geodesy.great_circle_km(51.5, -0.12, 51.5 + 1e-9, -0.12) == pytest.approx(one_nano_deg, rel=1e-6)
    assert geodesy.great_circle_km(0.0, 0.0, 0.0, 1e-9) == pytest.approx(one_nano_deg, rel=1e-12)


def test_unit_vectors_values_and_validation() -> None:
    v = geodesy.unit_vectors([0.0, 90.0, 0.0], [0.0, 0.0, 90.0])
    np.testing.assert_allclose(v, [[1, 0, 0], [0, 0, 1], [0, 1, 0]], atol=1e-15)
    assert geodesy.unit_vectors(10.0, 20.0).shape == (3,)
    np.testing.assert_allclose(
        np.linalg.norm(geodesy.unit_vectors([12.3, -45.6], [78.9, -170.0]), axis=1), 1.0
    )
    with pytest.raises(InvalidInputError, match="lat must be numeric decimal degrees, got 'a'"):
        geodesy.unit_vectors("a", 0.0)
    with pytest.raises(
        DataValidationError, match=r"unit_vectors points failed.*\n.*lat outside \[-90, 90\].*95"
    ):
        geodesy.unit_vectors(95.0, 0.0)
    with pytest.raises(DataValidationError, match=r"lon is NaN"):
        geodesy.unit_vectors([0.0], [np.nan])
    with pytest.raises(
        InvalidInputError, match=r"unit_vectors: lat and lon have mismatched shapes \(2,\) and \(3,\)"
    ):
        geodesy.unit_vectors([0.0, 1.0], [0.0, 1.0, 2.0])
