"""Tests of cloudgeo.network (backbone data, routed distance)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudgeo import geodesy, network
from cloudgeo.errors import DataValidationError, InvalidInputError


def test_backbone_loads_connected_with_sources() -> None:
    bb = network.load_backbone()
    assert len(bb.hubs) > 80
    assert np.isfinite(bb.hub_distance_km).all()
    assert (bb.links["path_factor"] >= 1.0).all()
    assert bb.links["source"].str.len().min() > 5
    assert (bb.links["length_km"] >= bb.links["gc_distance_km"]).all()


latitudes = st.floats(-80.0, 80.0)
longitudes = st.floats(-180.0, 180.0)


@settings(max_examples=100, deadline=None)
@given(latitudes, longitudes, latitudes, longitudes)
def test_routed_never_below_great_circle(a: float, b: float, c: float, d: float) -> None:
    routed = network.routed_distance_km([a], [b], [c], [d])[0]
    gc = geodesy.great_circle_km(a, b, c, d)
    assert routed >= gc - 1e-6


def test_matrix_equals_pairs_and_short_hops() -> None:
    rng = np.random.default_rng(1)
    la, lo = rng.uniform(-60, 70, 20), rng.uniform(-180, 180, 20)
    m = network.routed_distance_matrix_km(la, lo, la[:5], lo[:5])
    p = network.routed_distance_km(la, lo, la[2], lo[2])
    np.testing.assert_allclose(m[:, 2], p)
    # short hop: great circle x attach factor
    gc = geodesy.great_circle_km(48.86, 2.35, 50.11, 8.68)
    assert network.routed_distance_km(48.86, 2.35, 50.11, 8.68)[0] == pytest.approx(
        gc * network.ATTACH_FACTOR
    )


def test_israel_gulf_goes_via_europe() -> None:
    hubs = network.route_hubs((32.08, 34.78), (25.2, 55.27))
    assert hubs[0] == "TLV"
    assert hubs[-1] == "DXB"
    assert {"MIL", "MRS"} & set(hubs)


def test_bad_input() -> None:
    with pytest.raises(DataValidationError, match="lat is NaN"):
        network.routed_distance_km([np.nan], [0.0], [0.0], [0.0])
    with pytest.raises(InvalidInputError, match="equal length"):
        network.routed_distance_km([0.0, 1.0], [0.0, 1.0], [0.0, 1.0, 2.0], [0.0, 1.0, 2.0])
    with pytest.raises(InvalidInputError, match="n_attach must be >= 1"):
        network.routed_distance_km([0.0], [0.0], [1.0], [1.0], n_attach=0)
