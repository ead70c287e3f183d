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
