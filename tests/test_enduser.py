"""End-user path model: per-country access, ingress hubs, country_rtt_ms, path_breakdown."""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np
import pandas as pd
import pytest

from cloudgeo import catalog, enduser, latency, network
from cloudgeo.errors import DataValidationError, InvalidInputError, InvalidTypeError, UnknownNameError
from cloudgeo.latency import enduser as enduser_model

NAIROBI = (-1.2864, 36.8172)


def test_country_rtt_scalar_array_and_case() -> None:
    v = latency.country_rtt_ms("CZ", "SK")
    assert isinstance(v, float)
    assert 5.0 < v < 40.0
    assert latency.country_rtt_ms("cz", "Sk") == v
    arr = latency.country_rtt_ms(["CZ", "de"], np.array(["SK", "FR"]))
    assert isinstance(arr, np.ndarray)
    assert arr.shape == (2,)
    assert arr[0] == pytest.approx(v)
    assert latency.country_rtt_ms("SK", "CZ") == pytest.approx(v)  # symmetric


def test_country_rtt_never_below_vacuum_light() -> None:
    t = latency.ingress_table().dropna(subset=["lat"])
    codes = t.index.to_numpy()
    a, b = np.meshgrid(codes, codes, indexing="ij")
    sel = a != b
    a, b = a[sel], b[sel]
    rtt = latency.country_rtt_ms(list(a), list(b))
    from cloudgeo.geodesy import great_circle_km

    gc = great_circle_km(
        t.loc[a, "lat"].to_numpy(),
        t.loc[a, "lon"].to_numpy(),
        t.loc[b, "lat"].to_numpy(),
        t.loc[b, "lon"].to_numpy(),
    )
    floor = 2.0 * gc / latency.C_KM_S * 1000.0
    assert (rtt >= floor).all()
    assert np.isfinite(rtt).all()


def test_detour_hub_makes_neighbours_slow() -> None:
    # Afghanistan's traffic enters the backbone far away (fitted): far more than the direct route
    hub = latency.ingress_hub("AF")
    assert hub is not None
    assert hub in enduser.CANDIDATE_HUBS
    assert latency.country_rtt_ms("AF", "TJ") > 3 * latency.country_rtt_ms("CZ", "SK")
    t = latency.ingress_table()
    assert t.at["AF", "hub"] == hub
    assert t.at["AF", "hub_name"] != ""
    assert latency.ingress_hub("cz") is None or latency.ingress_hub("cz") in enduser.CANDIDATE_HUBS


def test_ingress_table_is_a_copy() -> None:
    t = latency.ingress_table()
    t.loc["DE", "access_ms"] = 1e6
    assert latency.ingress_table().at["DE", "access_ms"] < 1e3
    assert (latency.ingress_table()["access_ms"] >= 0).all()


@pytest.mark.parametrize(
    ("src", "err", "match"),
    [
        ("XX", UnknownNameError, "unknown country code 'XX'"),
        ("DX", UnknownNameError, "Did you mean"),
        ("AN", InvalidInputError, "retired .* CW, SX or BQ"),
        ("CS", InvalidInputError, "retired .* RS or ME"),
        ("CZE", InvalidInputError, "not an ISO 3166-1 alpha-2"),
        ("", InvalidInputError, "not an ISO 3166-1 alpha-2"),
        (5, InvalidTypeError, "ISO 3166-1 alpha-2"),
        ([math.nan], DataValidationError, "missing"),
        (["DE", None], DataValidationError, "missing"),
        ([3], InvalidTypeError, "must be str"),
    ],
)
def test_country_rtt_bad_codes(src: object, err: type[Exception], match: str) -> None:
    dst: object = "DE" if isinstance(src, str | int) else ["FR"] * len(src)  # type: ignore[arg-type]
    with pytest.raises(err, match=match):
        latency.country_rtt_ms(src, dst)


def test_country_rtt_bad_stat_and_lengths() -> None:
    with pytest.raises(InvalidInputError, match="stat"):
        latency.country_rtt_ms("DE", "FR", stat="p50")
    with pytest.raises(InvalidInputError, match="row-aligned"):
        latency.country_rtt_ms(["DE", "FR"], ["FR"])
    # a known country without a shipped city has no centre: a clear error, not a NaN
    nowhere = latency.ingress_table()
    code = nowhere.index[nowhere["lat"].isna()][0]
    with pytest.raises(InvalidInputError, match="no location"):
        latency.country_rtt_ms(code, "DE")


def test_access_by_technology() -> None:
    fibre = latency.access_rtt_ms("KE")
    # FCC MBA: mobile 60 ms vs fibre 24 ms -> +36 ms
    assert latency.access_rtt_ms("KE", technology="mobile") == pytest.approx(fibre + 36.0)
    assert latency.access_rtt_ms("KE", technology="dsl") == pytest.approx(fibre + 25.0)
    assert latency.access_rtt_ms("KE", technology="datacentre") == 0.0
    assert latency.access_rtt_ms(["ke", "DE"]).shape == (2,)
    with pytest.raises(InvalidInputError, match="technology"):
        latency.access_rtt_ms("KE", technology="satellite")


def test_path_breakdown_sums_and_matches_user_latency() -> None:
    sites = catalog.get_regions(["af-south-1", "eu-west-1"])
    for code in sites.index:
        pb = latency.path_breakdown(NAIROBI, code, country="KE")
        assert isinstance(pb, latency.PathBreakdown)
        assert pb.country == "KE"
        parts = pb.access_ms + pb.to_hub_ms + pb.backbone_ms + pb.far_end_ms
        assert pb.total_ms == pytest.approx(parts)
        assert pb.path_km >= pb.distance_km
        users = pd.DataFrame({"lat": [NAIROBI[0]], "lon": [NAIROBI[1]], "country_code": ["KE"]})
        out = latency.user_latency(users, sites.loc[[code]])
        assert out["rtt_ms"].iloc[0] == pytest.approx(pb.total_ms, rel=1e-9)
    with pytest.raises(AttributeError, match=r"frozen|cannot assign"):
        pb.total_ms = 0.0  # type: ignore[misc]
    with pytest.raises(InvalidInputError, match="backbone"):
        latency.path_breakdown(NAIROBI, "eu-west-1", model="physics")
    with pytest.raises(InvalidTypeError, match="lat, lon"):
        latency.path_breakdown("Nairobi", "eu-west-1")  # type: ignore[arg-type]


def test_path_breakdown_of_a_hub_country() -> None:
    hub_countries = latency.ingress_table().query("hub != '' and lat == lat")
    code = str(hub_countries.index[0])
    row = hub_countries.loc[code]
    pb = latency.path_breakdown((float(row["lat"]), float(row["lon"])), "us-east-1", country=code)
    assert pb.hub == row["hub"]
    assert pb.to_hub_ms > 0


def test_user_latency_uses_country_code() -> None:
    sites = catalog.load_regions(partitions="aws")
    cities = pd.DataFrame(
        {
            "lat": [NAIROBI[0], 50.11, 38.56, 49.2],
            "lon": [NAIROBI[1], 8.68, 68.77, 16.6],
            "country_code": ["KE", "de", "TJ", "CZ"],
        }
    )
    out = latency.user_latency(cities, sites)
    upper = latency.user_latency(cities.assign(country_code=cities["country_code"].str.upper()), sites)
    pd.testing.assert_frame_equal(out, upper)
    # without the column: the nearest city's country, the same numbers here
    inferred = latency.user_latency(cities[["lat", "lon"]], sites)
    pd.testing.assert_frame_equal(out, inferred)
    # a hub country's users are served from the site nearest their hub over the backbone
    for i, code in enumerate(cities["country_code"].str.upper()):
        pb = latency.path_breakdown((cities["lat"][i], cities["lon"][i]), str(out["site"][i]), country=code)
        assert out["rtt_ms"][i] == pytest.approx(pb.total_ms, rel=1e-9)
    mat = latency.user_rtt_matrix_ms(cities, sites)
    np.testing.assert_allclose(out["rtt_ms"], mat.min(axis=1), rtol=1e-9)


def test_user_latency_country_code_errors_and_default() -> None:
    sites = catalog.get_regions(["eu-central-1"])
    base = pd.DataFrame({"lat": [50.0, 51.0], "lon": [8.0, 9.0]})
    with pytest.raises(DataValidationError, match="country_code is missing"):
        latency.user_latency(base.assign(country_code=["DE", np.nan]), sites)
    with pytest.raises(UnknownNameError, match="'QQ'"):
        latency.user_latency(base.assign(country_code=["DE", "QQ"]), sites)
    with pytest.raises(InvalidInputError, match="alpha-2"):
        latency.user_rtt_matrix_ms(base.assign(country_code=["DEU", "DE"]), sites)
    # "" (no country: at sea) gets the model's generic access and direct routing
    out = latency.user_latency(base.assign(country_code=["", "DE"]), sites)
    cal = latency.get_model()
    pb = latency.path_breakdown((50.0, 8.0), "eu-central-1", country="DE")
    expect = pb.total_ms - pb.access_ms + cal.user_access_rtt_ms
    assert out["rtt_ms"][0] == pytest.approx(expect, rel=1e-9)
    # at sea, far from every city: no country
    assert list(latency.countries_at([0.0, 50.11], [-140.0, 8.68])) == ["", "DE"]


def test_model_access_override_and_technology() -> None:
    sites = catalog.get_regions(["eu-central-1"])
    users = pd.DataFrame({"lat": [50.11], "lon": [8.68], "country_code": ["DE"]})
    cal = latency.get_model()
    import dataclasses

    fixed = latency.user_latency(users, sites, model=dataclasses.replace(cal, access_rtt_ms=50.0))
    mobile = latency.user_latency(users, sites, model=dataclasses.replace(cal, access="mobile"))
    base = latency.user_latency(users, sites)
    a = latency.access_rtt_ms("DE")
    assert fixed["rtt_ms"][0] == pytest.approx(base["rtt_ms"][0] - a + 50.0)
    assert mobile["rtt_ms"][0] == pytest.approx(base["rtt_ms"][0] + 36.0)
    assert a >= 0


def test_shipped_parameters_sane() -> None:
    t = latency.ingress_table()
    assert set(t["hub"]) - {""} <= set(enduser.CANDIDATE_HUBS)
    assert (t["access_ms"] >= 0).all()
    assert t["n_pairs"].sum() > 1000
    assert enduser_model._params().stretch >= 1.0


# issue 16/17 items in the latency and network modules --------------------------------------


def test_backbone_arrays_read_only() -> None:
    bb = network.load_backbone()
    assert not bb.hub_distance_km.flags.writeable
    assert not bb.predecessors.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        bb.hub_distance_km[0, 0] = 1.0


def test_model_provenance_is_read_only_and_serialises() -> None:
    m = latency.get_model()
    assert isinstance(m.provenance, MappingProxyType)
    with pytest.raises(TypeError):
        m.provenance["x"] = 1  # type: ignore[index]
    import json

    spec = latency.model_to_dict(m)
    assert isinstance(spec["provenance"], dict)
    json.dumps(spec)
    assert latency.model_from_dict(spec) == m


def test_html_reprs_escape_the_model_name() -> None:
    m = latency.LatencyModel(name="<script>alert(1)</script>")
    html = m._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    sites = catalog.get_regions(["us-east-1", "eu-west-1", "ap-southeast-1"])
    rows = pd.DataFrame(
        {
            "src": ["us-east-1", "us-east-1", "eu-west-1"],
            "dst": ["eu-west-1", "ap-southeast-1", "ap-southeast-1"],
            "rtt_ms": [70.0, 220.0, 160.0],
            "stat": ["p50"] * 3,
            "method": ["tcp-connect"] * 3,
            "one_way": [False] * 3,
        }
    )
    assert len(sites) == 3
    res = latency.calibrate(rows, model=latency.LatencyModel(name="<b>x</b>", routing="backbone"))
    assert "<b>x</b>" not in res._repr_html_().split("</b>", 1)[1]
