"""Tests of cloudgeo.network (backbone data, routed distance)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudgeo import geodesy, network
from cloudgeo.errors import DataFileError, DataValidationError, InvalidInputError, InvalidTypeError
from cloudgeo.latency import backbone


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


def test_bad_points_and_backbone_arguments() -> None:
    with pytest.raises(
        InvalidTypeError, match=r"source point must be a \(lat, lon\) pair of numbers \[deg\], got 'x'"
    ):
        network.route_hubs("x", (0.0, 0.0))  # type: ignore[arg-type]
    with pytest.raises(
        InvalidTypeError, match=r"destination point must be a \(lat, lon\) pair.*got \(1, 'a'\)"
    ):
        network.route_hubs((0.0, 0.0), (1, "a"))  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"got \(1\.0, 2\.0, 3\.0\)"):
        network.route_hubs((1.0, 2.0, 3.0), (0.0, 0.0))  # type: ignore[arg-type]
    with pytest.raises(DataValidationError, match=r"(?s)source point failed.*95"):
        network.route_hubs([95.0, 0.0], (0.0, 0.0))  # type: ignore[arg-type]
    with pytest.raises(
        InvalidInputError, match="source points: lat must be numeric decimal degrees, got 'x'"
    ):
        network.routed_distance_km("x", 0.0, 0.0, 0.0)
    with pytest.raises(
        InvalidInputError, match=r"points b: lon must be numeric decimal degrees, got \['y'\]"
    ):
        network.routed_distance_matrix_km([0.0], [0.0], [1.0], ["y"])
    with pytest.raises(
        InvalidTypeError, match=r"backbone must be a Backbone \(from load_backbone\(\)\).*got int"
    ):
        network.routed_distance_km(0.0, 0.0, 1.0, 1.0, backbone=5)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="backbone must be a Backbone"):
        network.route_hubs((0.0, 0.0), (1.0, 1.0), backbone="shipped")  # type: ignore[arg-type]
    # numpy pairs are pairs too
    assert network.route_hubs(np.array([32.08, 34.78]), [25.2, 55.27])[0] == "TLV"  # type: ignore[arg-type]


def test_backbone_built_directly_is_validated() -> None:
    bb = network.load_backbone()
    h, lk, d, p = bb.hubs, bb.links, bb.hub_distance_km, bb.predecessors
    # the shipped parts pass
    assert network.Backbone(h, lk, d, p).hub_distance_km is d
    with pytest.raises(InvalidTypeError, match="Backbone hubs must be a pandas DataFrame, got int"):
        network.Backbone(1, 2, 3, 4)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="Backbone links must be a pandas DataFrame, got list"):
        network.Backbone(h, [], d, p)  # type: ignore[arg-type]
    with pytest.raises(
        DataValidationError, match=r"(?s)Backbone links failed.*missing column\(s\) \['length_km'\]"
    ):
        network.Backbone(h, lk.drop(columns="length_km"), d, p)
    with pytest.raises(
        InvalidTypeError, match=r"Backbone hub_distance_km must be a numpy array of shape \(109, 109\)"
    ):
        network.Backbone(h, lk, d.tolist(), p)  # type: ignore[arg-type,unused-ignore]
    with pytest.raises(
        DataValidationError, match=r"hub_distance_km has shape \(3, 109\), expected \(109, 109\)"
    ):
        network.Backbone(h, lk, d[:3], p)
    bad = d.copy()
    bad[0, 1] = np.nan
    with pytest.raises(DataValidationError, match=r"hub_distance_km must be finite and >= 0 km"):
        network.Backbone(h, lk, bad, p)
    with pytest.raises(DataValidationError, match="predecessors must hold integer hub positions"):
        network.Backbone(h, lk, d, p.astype(float))
    with pytest.raises(DataValidationError, match=r"duplicate hub id\(s\) \['ASH'\]"):
        network.Backbone(h.rename(index={h.index[1]: "ASH"}), lk, d, p)
    with pytest.raises(DataValidationError, match=r"links name unknown hub id\(s\) \['ZZZ'\]"):
        network.Backbone(h, lk.assign(hub_b=["ZZZ"] * len(lk)), d, p)
    with pytest.raises(DataValidationError, match=r"hubs lat outside \[-90, 90\]"):
        network.Backbone(h.assign(lat=95.0), lk, d, p)
    with pytest.raises(DataValidationError, match="hubs is empty"):
        network.Backbone(h.iloc[:0], lk.iloc[:0], np.zeros((0, 0)), np.zeros((0, 0), dtype=np.int32))


HUBS_CSV = "hub,name,country_code,lat,lon\nAAA,A,US,0,0\nBBB,B,US,0,10\nCCC,C,US,10,10\n"
LINKS_CSV = (
    "hub_a,hub_b,kind,path_factor,factor_basis,source\n"
    "AAA,BBB,terrestrial,1.3,x,y\nBBB,CCC,submarine,1.15,x,y\n"
)


@pytest.fixture
def backbone_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str | bytes, str], network.Backbone]:
    """Load a backbone from given CSV texts (bypassing the cache) through the shipped-data path."""

    def load(hubs: str | bytes, links: str) -> network.Backbone:
        if isinstance(hubs, bytes):
            (tmp_path / "backbone_hubs.csv").write_bytes(hubs)
        else:
            (tmp_path / "backbone_hubs.csv").write_text(hubs, encoding="utf-8")
        (tmp_path / "backbone_links.csv").write_text(links, encoding="utf-8")
        monkeypatch.setattr(backbone, "data_path", lambda name: tmp_path / name)
        return backbone._load_backbone.__wrapped__(0.0)

    return load


def test_load_backbone_from_files(backbone_files: Callable[[str | bytes, str], network.Backbone]) -> None:
    bb = backbone_files(HUBS_CSV, LINKS_CSV)
    assert list(bb.hubs.index) == ["AAA", "BBB", "CCC"]
    # AAA -> CCC goes through BBB: 1.3 x 10 deg of equator + 1.15 x 10 deg of meridian
    ten_deg_km = geodesy.great_circle_km(0.0, 0.0, 0.0, 10.0)
    assert bb.hub_distance_km[0, 2] == pytest.approx(2.45 * ten_deg_km)


@pytest.mark.parametrize(
    ("hubs", "links", "match"),
    [
        (
            HUBS_CSV,
            LINKS_CSV + "BBB,AAA,terrestrial,1.3,x,y\n",
            r"backbone_links\.csv.*duplicate link\(s\) \['AAA-BBB'\]",
        ),
        (
            HUBS_CSV,
            LINKS_CSV + "CCC,CCC,terrestrial,1.3,x,y\n",
            r"backbone_links\.csv.*link from a hub to itself",
        ),
        (
            HUBS_CSV,
            LINKS_CSV + "AAA,CCC,road,1.3,x,y\n",
            r"kind must be one of \['submarine', 'terrestrial'\]; got \['road'\]",
        ),
        (HUBS_CSV, LINKS_CSV + "AAA,CCC,terrestrial,0.9,x,y\n", r"path_factor must be a finite number >= 1"),
        (HUBS_CSV, LINKS_CSV + "AAA,CCC,terrestrial,long,x,y\n", r"path_factor is not a number.*'long'"),
        (HUBS_CSV, LINKS_CSV + "AAA,QQQ,terrestrial,1.3,x,y\n", r"unknown hub id\(s\) \['QQQ'\]"),
        (
            HUBS_CSV,
            LINKS_CSV.replace("hub_b", "hubb"),
            r"backbone_links\.csv.*missing column\(s\) \['hub_b'\]",
        ),
        (HUBS_CSV + "DDD,D,US,50,50\n", LINKS_CSV, r"backbone_links\.csv.*not connected: hub\(s\) \['DDD'\]"),
        (HUBS_CSV + "AAA,A2,US,1,1\n", LINKS_CSV, r"backbone_hubs\.csv.*duplicate hub id\(s\) \['AAA'\]"),
        (HUBS_CSV + ",E,US,1,1\n", LINKS_CSV, r"backbone_hubs\.csv.*hub id is empty"),
        (HUBS_CSV + "EEE,E,US,north,1\n", LINKS_CSV, r"backbone_hubs\.csv.*lat is not a number.*'north'"),
        (
            HUBS_CSV + "EEE,E,US,95,1\n",
            LINKS_CSV,
            r"backbone_hubs\.csv.*lat outside \[-90, 90\] in row\(s\) 'EEE'",
        ),
        ("hub,name,country_code,lat,lon\n", LINKS_CSV, r"backbone_hubs\.csv.*the table is empty"),
        (
            b"\x89PNG\r\n\x00\xff\xfe" + bytes(range(256)),
            LINKS_CSV,
            r"backbone_hubs\.csv.*could not read.*UnicodeDecodeError",
        ),
    ],
)
def test_load_backbone_names_the_bad_file(
    backbone_files: Callable[[str | bytes, str], network.Backbone], hubs: str | bytes, links: str, match: str
) -> None:
    with pytest.raises(DataFileError, match=re.compile(match, re.DOTALL)):
        backbone_files(hubs, links)


def test_hop_penalty_adds_per_link_and_can_change_the_route() -> None:
    plain = network.load_backbone()
    hop = network.load_backbone(100.0)
    assert plain.hop_penalty_km == 0.0
    assert hop.hop_penalty_km == 100.0
    assert network.load_backbone(100.0) is hop  # cached per value
    ids = list(plain.hubs.index)
    # a link's two ends: its length plus one penalty (a direct link is never beaten by a detour
    # that would have a second penalty unless the detour is shorter by more than that)
    row = plain.links.iloc[0]
    a, b = ids.index(row["hub_a"]), ids.index(row["hub_b"])
    assert hop.hub_distance_km[a, b] <= row["length_km"] + 100.0 + 1e-9
    # every path between distinct hubs has at least one link: at least one penalty more than the
    # shortest fibre path, and never less than the fibre-only path
    off = ~np.eye(len(ids), dtype=bool)
    assert (hop.hub_distance_km[off] >= plain.hub_distance_km[off] + 100.0 - 1e-9).all()
    assert np.all(np.diag(hop.hub_distance_km) == 0)
    # the penalty is a distance equivalent: routed "distance" stays >= the great circle
    d = network.routed_distance_km([35.68], [139.69], [1.35], [103.82], backbone=hop)
    assert d[0] >= geodesy.great_circle_km(35.68, 139.69, 1.35, 103.82)


def test_hop_penalty_rejects_bad_values() -> None:
    with pytest.raises(InvalidInputError, match=r"hop_penalty_km must be >= 0 km, got -5"):
        network.load_backbone(-5.0)
    with pytest.raises(InvalidInputError, match=r"hop_penalty_km must be finite, got inf"):
        network.load_backbone(float("inf"))
    with pytest.raises(InvalidTypeError, match=r"hop_penalty_km must be a real number, got .100."):
        network.load_backbone("100")  # type: ignore[arg-type]
    bb = network.load_backbone()
    h, lk, d, p = bb.hubs, bb.links, bb.hub_distance_km, bb.predecessors
    with pytest.raises(DataValidationError, match=r"hop_penalty_km must be finite and >= 0 km, got -1"):
        network.Backbone(h, lk, d, p, hop_penalty_km=-1.0)
    with pytest.raises(InvalidTypeError, match=r"Backbone hop_penalty_km must be a number \[km\], got str"):
        network.Backbone(h, lk, d, p, hop_penalty_km="1")  # type: ignore[arg-type]
