"""CloudFront price classes: the shipped table, the edges of each class, latency per group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cloudgeo import catalog, latency, population
from cloudgeo import price_classes as pc
from cloudgeo.errors import DataValidationError, InvalidInputError, UnknownRegionError


def test_table_matches_the_developer_guide() -> None:
    table = pc.load_price_classes()
    # PriceClass_100: United States, Mexico, Canada, Europe and Israel
    for code in ("US", "CA", "MX", "DE", "GB", "IL"):
        assert table.loc[code, "PriceClass_100"], code
    # PriceClass_200 adds Japan, India, South Africa and the Hong Kong/Philippines group
    for code in ("JP", "IN", "ZA", "PH", "SG"):
        assert not table.loc[code, "PriceClass_100"], code
        assert table.loc[code, "PriceClass_200"], code
    # PriceClass_All adds South America, Australia and New Zealand
    for code in ("BR", "AR", "AU", "NZ"):
        assert not table.loc[code, "PriceClass_200"], code
        assert table.loc[code, "PriceClass_All"], code
    assert not table.loc["CN", "PriceClass_All"]  # mainland China: a separate partition
    # classes are nested
    assert (table["PriceClass_100"] <= table["PriceClass_200"]).all()
    assert (table["PriceClass_200"] <= table["PriceClass_All"]).all()


def test_table_is_a_fresh_copy() -> None:
    first = pc.load_price_classes()
    first.loc["US", "PriceClass_100"] = False
    assert pc.load_price_classes().loc["US", "PriceClass_100"]


def test_every_edge_country_has_a_class() -> None:
    edges = catalog.load_edge_locations()
    assert set(edges["country_code"]) <= set(pc.load_price_classes().index)
    counts = [len(pc.edges_in_price_class(c, edges)) for c in pc.PRICE_CLASSES]
    assert counts[0] < counts[1] < counts[2] <= len(edges)
    cn = int((edges["country_code"] == "CN").sum())
    assert counts[2] == len(edges) - cn


def test_edges_in_price_class_rejects_unknown_country_and_class() -> None:
    edges = catalog.load_edge_locations().head(3).copy()
    edges["country_code"] = "ZZ"
    with pytest.raises(DataValidationError, match="ZZ"):
        pc.edges_in_price_class("PriceClass_All", edges)
    with pytest.raises(InvalidInputError, match="PriceClass_300"):
        pc.edges_in_price_class("PriceClass_300")


def test_user_continents() -> None:
    users = pd.DataFrame({"country_code": ["PH", "BR", "DE"]}, index=[5, 6, 7])
    out = pc.user_continents(users)
    assert out.tolist() == ["Asia", "South America", "Europe"]
    assert out.index.tolist() == [5, 6, 7]
    with pytest.raises(DataValidationError, match="ZZ"):
        pc.user_continents(pd.DataFrame({"country_code": ["ZZ"]}))


def test_bigger_classes_help_where_they_add_edges() -> None:
    users = population.load_world_cities()
    result = pc.price_class_latency(users, "us-east-1")
    t = result.table
    assert list(t.columns) == ["user_share", "direct_ms", *pc.PRICE_CLASSES]
    assert t["user_share"].sum() == pytest.approx(1.0)
    tol = 1e-9
    # not guaranteed in general (see test_larger_class_can_be_slower_on_misses); it holds for
    # the world's cities with a us-east-1 origin and 90 % edge hits, the report's defaults
    assert (t["PriceClass_200"] <= t["PriceClass_100"] + tol).all()
    assert (t["PriceClass_All"] <= t["PriceClass_200"] + tol).all()
    assert (t["PriceClass_All"] < t["direct_ms"]).all()
    # PriceClass_200 adds Asian edges; PriceClass_All adds South American ones
    assert t.loc["Asia", "PriceClass_200"] < t.loc["Asia", "PriceClass_100"]
    assert t.loc["South America", "PriceClass_All"] < t.loc["South America", "PriceClass_200"]
    assert (result.p90[list(pc.PRICE_CLASSES)] >= t[list(pc.PRICE_CLASSES)] - tol).all().all()
    assert result.edges["PriceClass_100"] < result.edges["PriceClass_All"]
    assert result.origin_region == "us-east-1"


def test_larger_class_can_be_slower_on_misses() -> None:
    """Regression (hypothesis): a viewer at 2 N, 15 W, hit ratio 0, origin us-east-1.

    PriceClass_200 adds Lagos, 1.8 ms closer to this viewer than Lisbon, so CloudFront (which
    routes by latency to the viewer) serves it from Lagos; but Lagos's regional edge cache
    (London) is 72 ms away against Lisbon's 27 ms, so every miss is slower. Only the viewer leg
    is guaranteed not to grow with a larger class.
    """
    users = pd.DataFrame({"lat": [2.0], "lon": [-15.0], "country_code": ["PH"]})
    t = pc.price_class_latency(users, "us-east-1", edge_hit_ratio=0.0).table
    assert t.index.tolist() == ["Asia"]  # the group comes from country_code, the edges from lat/lon
    assert t.loc["Asia", "PriceClass_100"] == pytest.approx(351.7, abs=0.5)
    assert t.loc["Asia", "PriceClass_200"] == pytest.approx(391.8, abs=0.5)
    assert t.loc["Asia", "PriceClass_All"] == pytest.approx(391.8, abs=0.5)
    small, large = (
        latency.cdn_ttfb_ms(users, "us-east-1", edges=pc.edges_in_price_class(c), edge_hit_ratio=0.0).iloc[0]
        for c in ("PriceClass_100", "PriceClass_200")
    )
    assert (small["edge"], large["edge"]) == ("LIS", "LOS")
    assert large["rtt_user_edge_ms"] < small["rtt_user_edge_ms"]  # nearer edge to the viewer ...
    assert large["hit_ms"] < small["hit_ms"]
    assert large["rtt_edge_rec_ms"] > small["rtt_edge_rec_ms"] + 40  # ... behind a farther REC
    assert large["ttfb_ms"] == pytest.approx(t.loc["Asia", "PriceClass_200"])
    # with every request an edge hit, the larger class is never slower
    hits = pc.price_class_latency(users, "us-east-1", edge_hit_ratio=1.0).table
    assert hits.loc["Asia", "PriceClass_200"] < hits.loc["Asia", "PriceClass_100"]


def test_custom_groups_and_errors() -> None:
    users = pd.DataFrame({"lat": [14.6, 40.7], "lon": [121.0, -74.0], "weight": [1.0, 3.0]})
    groups = pd.Series(["Manila", "New York"], index=users.index)
    result = pc.price_class_latency(users, "us-east-1", price_classes=["PriceClass_100"], groups=groups)
    assert list(result.table.index) == ["Manila", "New York"]
    assert result.table.loc["New York", "user_share"] == pytest.approx(0.75)
    assert np.isfinite(result.table.to_numpy()).all()
    with pytest.raises(InvalidInputError, match="aligned"):
        pc.price_class_latency(users, groups=pd.Series(["a"]))
    with pytest.raises(InvalidInputError, match="repeats"):
        pc.price_class_latency(users, groups=groups, price_classes=["PriceClass_100", "PriceClass_100"])
    with pytest.raises(InvalidInputError, match="non-empty"):
        pc.price_class_latency(users, groups=groups, price_classes="PriceClass_100")
    with pytest.raises(UnknownRegionError, match="us-east-l"):
        pc.price_class_latency(users, "us-east-l", groups=groups)
