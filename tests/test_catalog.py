"""Tests of cloudgeo.catalog: pinned figures from the sources, invariants, contracts, errors.

Reference figures (see data/SOURCES.md):
- 22 regions at the end of 2019 = 18 commercial + 2 GovCloud + 2 China (AWS's own count then;
  launch dates from seligman/aws-ip-ranges announces.json).
- Commercial partition today: 34 regions, 108 AZs (AWS Regions page, Sept 2025 or later).
- CloudFront list of 2019-11-27: 78 cities, 199 PoPs (tobilg/aws-edge-locations); the seed
  article says "more than 180 edge locations".
- Newest list (2025-05-04): 107 cities; Barcelona is BCN (the source's BLA is Venezuela).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudgeo import _data, catalog
from cloudgeo.catalog import (
    edge_snapshot_dates,
    get_regions,
    get_sla,
    get_storage_class,
    load_availability_zones,
    load_edge_locations,
    load_regional_edge_caches,
    load_regions,
    load_slas,
    load_storage_classes,
    lookup_edge_location,
    read_edge_locations,
    read_regions,
    validate_edge_locations,
    validate_regions,
)
from cloudgeo.catalog import edges as catalog_edges
from cloudgeo.catalog import lookup as catalog_lookup
from cloudgeo.errors import (
    CatalogDateError,
    CloudGeoError,
    DataFileError,
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
    MissingDependencyError,
    UnknownEdgeLocationError,
    UnknownNameError,
    UnknownRegionError,
)


def _haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * 6371.0088 * np.arcsin(np.sqrt(a)), dtype=float)


# ------------------------------------------------------------------------------------------
# acceptance (issue #2)
# ------------------------------------------------------------------------------------------


def test_22_regions_at_end_of_2019() -> None:
    r = load_regions(as_of="2019-12-31")
    assert len(r) == 22
    assert r["partition"].value_counts().to_dict() == {"aws": 18, "aws-us-gov": 2, "aws-cn": 2}
    assert r["in_2019_count"].all()
    assert "ap-northeast-3" not in r.index  # Osaka was a single-AZ Local Region then


def test_in_2019_count_flag_matches_time_travel() -> None:
    flagged = load_regions()["in_2019_count"]
    assert set(flagged[flagged].index) == set(load_regions(as_of="2019-12-31").index)


def test_commercial_today_34_regions_109_azs() -> None:
    r = load_regions(partitions="aws")
    assert len(r) == 34
    # AWS Regions page (Sept 2025+) gave 108 with eu-west-2 at 3; its 4th AZ opened in 2026
    assert int(r["az_count"].sum()) == 109
    assert r.loc["eu-west-2", "az_count"] == 4
    assert "euw2-az4" in str(r.loc["eu-west-2", "az_note"])
    assert load_regions(partitions="aws", as_of="2025-12-31").loc["eu-west-2", "az_count"] == 3


def test_all_partitions_today() -> None:
    r = load_regions(as_of="2026-11-26")
    assert r["partition"].value_counts().to_dict() == {"aws": 34, "aws-us-gov": 2, "aws-cn": 2, "aws-eusc": 1}
    # AWS, Oct 2026: 124 AZs in 39 regions
    assert int(r["az_count"].sum()) == 109 + 6 + 6 + 3 == 124
    assert len(r) == 39


def test_az_counts_travel_in_time() -> None:
    # AWS said 69 AZs in 22 regions at the end of 2019; the catalogue dates 2 later AZs
    # (ca-central-1's 3rd, 2020-03; eu-west-2's 4th, 2026) and counts the rest from their region
    r = load_regions(as_of="2019-12-31")
    assert len(r) == 22
    assert int(r["az_count"].sum()) == 71
    assert r.loc["ca-central-1", "az_count"] == 2
    assert load_regions(as_of="2020-03-01").loc["ca-central-1", "az_count"] == 3
    assert get_regions("ca-central-1", as_of="2019-12-31")["az_count"].iloc[0] == 2
    a = load_availability_zones(as_of="2019-12-31")
    assert len(a) == 71
    assert "ca-central-1c" not in a.index
    assert "eu-west-2d" not in a.index
    full = load_availability_zones()
    assert full.loc["eu-west-2d", "opened"] == pd.Timestamp("2026-01-01")
    assert full["opened"].dtype == "datetime64[ns]"
    unknown = full[full["opened"].isna()]
    assert unknown["opened_source"].str.startswith("unknown").all()
    assert len(unknown) == len(full) - 2


def test_announced_regions_only_when_asked() -> None:
    r = load_regions()
    assert "me-west-1" not in r.index
    assert "sa-west-1" not in r.index
    a = load_regions(include_announced=True)
    ann = a[a["status"] == "announced"]
    assert sorted(ann.index) == ["me-west-1", "sa-west-1"]
    assert ann.loc["me-west-1", "name"] == "Middle East (Saudi Arabia)"
    assert ann.loc["sa-west-1", "name"] == "South America (Chile)"
    assert ann.loc["me-west-1", "country_code"] == "SA"
    assert ann.loc["sa-west-1", "country_code"] == "CL"
    assert ann["lat"].notna().all()
    assert ann["opened"].isna().all()
    assert a["az_count"].dtype == "Int64"
    validate_regions(a)
    assert "include_announced=True" in str(load_regions.__doc__)
    with pytest.raises(CatalogDateError, match=r"announced but not open.*include_announced=True"):
        get_regions("me-west-1")
    with pytest.raises(InvalidTypeError, match="include_announced"):
        load_regions(include_announced="yes")  # type: ignore[arg-type]


def test_edge_pops_end_of_2019_exceed_180() -> None:
    e = load_edge_locations(as_of="2019-12-31")
    assert len(e) == 78
    assert int(e["pops"].sum()) == 199 > 180
    assert (e["snapshot"] == pd.Timestamp("2019-11-27")).all()


def test_newest_edge_list_107_cities_with_bcn() -> None:
    e = load_edge_locations()
    assert len(e) == 107
    assert "BCN" in e.index
    assert "BLA" not in e.index
    bcn = e.loc["BCN"]
    assert bcn["country_code"] == "ES"
    assert bcn["lat"] == pytest.approx(41.2971)
    assert bcn["lon"] == pytest.approx(2.07846)
    assert bcn["pops"] == 2  # 2024-02 count


def test_lookup_iad12_is_washington() -> None:
    row = lookup_edge_location("IAD12")
    assert len(row) == 1
    r = row.iloc[0]
    assert r["code"] == "IAD12"
    assert r["iata"] == "IAD"
    assert r["city"] == "Washington"
    assert r["country_code"] == "US"
    assert bool(r["listed"]) is True
    assert r["lat"] == pytest.approx(38.9445, abs=1e-3)
    assert r["lon"] == pytest.approx(-77.4558, abs=1e-3)
    # same columns as load_edge_locations, plus code, listed, lookup_source
    assert set(row.columns) == {*load_edge_locations().columns, "code", "listed", "lookup_source"}


# ------------------------------------------------------------------------------------------
# regions
# ------------------------------------------------------------------------------------------


def test_region_columns_dtypes_and_index() -> None:
    r = load_regions()
    assert r.index.name == "region"
    assert (r.index == r["code"]).all()
    for col in [
        "code",
        "name",
        "partition",
        "country",
        "country_code",
        "city",
        "lat",
        "lon",
        "az_count",
        "opened",
        "opt_in",
        "status",
        "coord_source",
        "in_2019_count",
    ]:
        assert col in r.columns
    assert r["lat"].dtype == np.float64
    assert r["lon"].dtype == np.float64
    assert r["az_count"].dtype == np.int64
    assert r["opened"].dtype == "datetime64[ns]"
    assert r["opt_in"].dtype == bool
    assert r["in_2019_count"].dtype == bool
    assert (r["status"] == "available").all()
    assert np.isfinite(r[["lat", "lon"]].to_numpy()).all()
    validate_regions(r)


def test_known_region_coordinates_and_dates() -> None:
    r = load_regions()
    assert r.loc["us-east-1", ["lat", "lon"]].to_numpy().tolist() == pytest.approx([39.04, -77.49])
    assert r.loc["ap-southeast-1", ["lat", "lon"]].to_numpy().tolist() == pytest.approx([1.35, 103.82])
    assert r.loc["us-east-1", "opened"] == pd.Timestamp("2006-08-25")
    assert r.loc["us-east-1", "az_count"] == 6
    assert r.loc["eusc-de-east-1", "opened"] == pd.Timestamp("2026-01-14")
    assert r.loc["eusc-de-east-1", "partition"] == "aws-eusc"
    assert "unsourced" in str(r.loc["eusc-de-east-1", "az_source"])
    assert bool(r.loc["af-south-1", "opt_in"]) is True
    assert bool(r.loc["us-east-1", "opt_in"]) is False


def test_osaka_counts_from_2021() -> None:
    assert "ap-northeast-3" not in load_regions(as_of="2021-02-28").index
    assert "ap-northeast-3" in load_regions(as_of="2021-03-01").index
    assert "unsourced" in str(load_regions().loc["ap-northeast-3", "opened_source"])


def test_time_travel_is_monotone() -> None:
    days = [f"{y}-12-31" for y in range(2006, 2026)] + [catalog.catalog_date().isoformat()]
    sizes = [len(load_regions(as_of=d)) for d in days]
    assert sizes == sorted(sizes)
    assert sizes[0] == 1
    assert len(load_regions(as_of="2006-08-25")) == 1
    assert len(load_regions(as_of=dt.date(2020, 4, 22))) == 23  # + af-south-1 Cape Town
    assert len(load_regions(as_of=pd.Timestamp("2020-04-27"))) == 24  # + eu-south-1 Milan


def test_unannounced_only_when_asked() -> None:
    r = load_regions()
    for code in ("me-west-1", "sa-west-1", "us-south-1"):
        assert code not in r.index
    u = load_regions(include_unannounced=True)
    extra = u[u["status"] == "unannounced"]
    assert sorted(extra.index) == ["us-south-1"]
    assert extra["lat"].isna().all()  # no coordinates: documented, never in the default frame
    assert u["az_count"].dtype == "Int64"
    validate_regions(u)  # unannounced rows are exempt from the coordinate check


def test_partition_filter() -> None:
    assert set(load_regions(partitions=["aws-cn"]).index) == {"cn-north-1", "cn-northwest-1"}
    assert set(load_regions(partitions="aws-us-gov").index) == {"us-gov-east-1", "us-gov-west-1"}


def test_get_regions_order_and_types() -> None:
    g = get_regions(["eu-west-1", "us-east-1", "ap-southeast-1"])
    assert list(g.index) == ["eu-west-1", "us-east-1", "ap-southeast-1"]
    assert g["az_count"].dtype == np.int64
    assert list(get_regions("us-east-1").index) == ["us-east-1"]
    assert list(get_regions(pd.Series(["us-west-2"])).index) == ["us-west-2"]  # type: ignore[arg-type]
    assert len(get_regions(["cn-north-1"], as_of="2019-12-31")) == 1


def test_frame_passes_as_placement_candidates() -> None:
    r = load_regions()
    assert r.loc["us-east-1", "code"] == "us-east-1"
    from cloudgeo._validate import points_arrays

    lat, _lon, _ = points_arrays(r, source="regions")
    assert len(lat) == len(r)


def test_fresh_copies() -> None:
    r = load_regions()
    r.loc["us-east-1", "lat"] = 0.0
    r.loc["eu-west-1", "name"] = "gone"
    again = load_regions()
    assert again.loc["us-east-1", "lat"] == pytest.approx(39.04)
    assert again.loc["eu-west-1", "name"] == "Europe (Ireland)"
    e = load_edge_locations()
    e["pops"] = 0
    assert load_edge_locations()["pops"].sum() > 600
    g = get_regions("us-east-1")
    g.loc["us-east-1", "city"] = "x"
    assert get_regions("us-east-1").loc["us-east-1", "city"] == "Ashburn, Virginia"
    for loader in (load_storage_classes, load_slas, load_regional_edge_caches, load_availability_zones):
        a = loader()
        a.iloc[0, 0] = None
        assert loader().iloc[0, 0] is not None
    s = get_storage_class("s3-standard")
    s["durability"] = 0.0
    assert get_storage_class("s3-standard")["durability"] == 0.99999999999


def test_import_does_not_pull_scipy_or_plotly() -> None:
    code = (
        "import sys, cloudgeo.catalog as c; c.load_regions(); c.lookup_edge_location('IAD12');"
        "bad=[m for m in ('scipy','plotly','ipywidgets') if m in sys.modules];"
        "print(bad); sys.exit(bool(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


# ------------------------------------------------------------------------------------------
# region errors
# ------------------------------------------------------------------------------------------


def test_unknown_region_suggests_close_match() -> None:
    with pytest.raises(
        UnknownRegionError, match=r"unknown region code 'us-east-l'\. Did you mean 'us-east-1'"
    ):
        get_regions("us-east-l")
    with pytest.raises(KeyError):
        get_regions(["us-east-1", "mars-1"])


def test_region_not_yet_open_says_when() -> None:
    with pytest.raises(
        CatalogDateError, match=r"'af-south-1' opened on 2020-04-22; as_of=2019-12-31 is before"
    ):
        get_regions(["us-east-1", "af-south-1"], as_of="2019-12-31")
    with pytest.raises(CatalogDateError, match=r"single-AZ Osaka Local Region, opened 2018-02-13"):
        get_regions("ap-northeast-3", as_of="2019-12-31")


def test_unannounced_region_in_get_regions() -> None:
    with pytest.raises(CatalogDateError, match=r"'us-south-1' has not been announced"):
        get_regions("us-south-1")


def test_as_of_before_first_region() -> None:
    with pytest.raises(CatalogDateError, match=r"as_of=2006-08-24 is before the first AWS region opened"):
        load_regions(as_of="2006-08-24")
    with pytest.raises(CatalogDateError, match=r"before the first AWS region"):
        get_regions("us-east-1", as_of="2001-01-01")


def test_malformed_as_of() -> None:
    with pytest.raises(CatalogDateError, match=r"as_of must be a date in ISO format YYYY-MM-DD"):
        load_regions(as_of="31/12/2019")
    with pytest.raises(ValueError, match="ISO format"):
        load_edge_locations(as_of=2019)


def test_unknown_partition() -> None:
    with pytest.raises(UnknownNameError, match=r"unknown partition 'aws-gov'\. Did you mean 'aws-us-gov'"):
        load_regions(partitions=["aws", "aws-gov"])


def test_codes_type_errors() -> None:
    with pytest.raises(InvalidTypeError, match=r"codes must be a string or a sequence of strings, got int"):
        get_regions(5)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"codes must be strings; got non-string value\(s\) \[1\]"):
        get_regions(["us-east-1", 1])  # type: ignore[list-item]


# ------------------------------------------------------------------------------------------
# validation of user tables
# ------------------------------------------------------------------------------------------


def _user_regions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["a-1", "b-1"],
            "lat": [10.0, 20.0],
            "lon": [30.0, 40.0],
            "partition": ["aws", "aws"],
            "opened": ["2020-01-01", "2021-01-01"],
            "az_count": [3, 2],
            "status": ["available", "available"],
        }
    )


def test_validate_regions_accepts_good_table_and_returns_it() -> None:
    df = _user_regions()
    before = df.copy()
    assert validate_regions(df) is df
    pd.testing.assert_frame_equal(df, before)
    validate_regions(df.set_index("code").rename_axis("region"))


def test_validate_regions_collects_every_problem() -> None:
    df = _user_regions()
    df.loc[1, "code"] = "a-1"
    df.loc[0, "lat"] = 95.0
    df.loc[1, "lon"] = np.nan
    df.loc[0, "partition"] = "azure"
    df.loc[1, "opened"] = "yesterday"
    df.loc[0, "az_count"] = 0
    df.loc[1, "status"] = "rumoured"
    with pytest.raises(DataValidationError) as info:
        validate_regions(df, source="my regions")
    msg = str(info.value)
    assert msg.startswith("my regions failed validation with")
    for part in [
        r"duplicate region code\(s\): \['a-1'\]",
        r"lat outside \[-90, 90\]",
        r"lon is NaN",
        r"unknown partition\(s\) \['azure'\]",
        r"opened is not an ISO date",
        r"az_count must be a positive integer",
        r"status must be one of \['available', 'announced', 'unannounced'\]",
    ]:
        with pytest.raises(DataValidationError, match=part):
            raise info.value


def test_validate_regions_missing_columns_and_type() -> None:
    with pytest.raises(DataValidationError, match=r"missing column\(s\) \['code', 'lon'\]"):
        validate_regions(pd.DataFrame({"lat": [1.0]}))
    with pytest.raises(InvalidTypeError, match=r"regions must be a pandas DataFrame, got list"):
        validate_regions([1, 2])  # type: ignore[arg-type]
    df = _user_regions()
    df.loc[0, "code"] = " "
    with pytest.raises(DataValidationError, match=r"code is empty in 1 row"):
        validate_regions(df)
    df = _user_regions()
    df.loc[0, "opened"] = None
    with pytest.raises(DataValidationError, match=r"opened date is missing for code\(s\) \['a-1'\]"):
        validate_regions(df)


def test_read_regions_roundtrip(tmp_path: Path) -> None:
    p = tmp_path / "mine.csv"
    _user_regions().to_csv(p, index=False)
    r = read_regions(p)
    assert list(r.index) == ["a-1", "b-1"]
    assert r.index.name == "region"
    assert r["opened"].dtype == "datetime64[ns]"
    assert r["az_count"].dtype == "Int64"
    bad = _user_regions()
    bad.loc[0, "lon"] = 200
    bad.to_csv(p, index=False)
    with pytest.raises(DataValidationError, match=r"lon outside \[-180, 180\]"):
        read_regions(p)
    with pytest.raises(DataFileError, match=r"could not read .*nope\.csv"):
        read_regions(tmp_path / "nope.csv")


def test_validate_edge_locations() -> None:
    good = pd.DataFrame({"iata": ["AAA", "BBB"], "lat": [1.0, 2.0], "lon": [3.0, 4.0], "pops": [1, 0]})
    assert validate_edge_locations(good) is good
    bad = pd.DataFrame(
        {"iata": ["AAA", "AAA", "b1"], "lat": [1.0, 2.0, 100.0], "lon": [3.0, 4.0, 5.0], "pops": [1, -1, 2.5]}
    )
    for part in [
        r"iata must be 3 upper-case letters; got \['b1'\]",
        r"duplicate edge code\(s\): \['AAA'\]",
        r"lat outside \[-90, 90\]",
        r"pops must be a non-negative integer",
    ]:
        with pytest.raises(DataValidationError, match=part):
            validate_edge_locations(bad)
    with pytest.raises(DataValidationError, match=r"missing column\(s\) \['iata'\]"):
        validate_edge_locations(pd.DataFrame({"lat": [1.0], "lon": [2.0]}))
    with pytest.raises(InvalidTypeError, match=r"edge locations must be a pandas DataFrame, got dict"):
        validate_edge_locations({})  # type: ignore[arg-type]
    snap = pd.DataFrame(
        {
            "iata": ["AAA", "AAA"],
            "lat": [1.0, 1.0],
            "lon": [2.0, 2.0],
            "snapshot": ["2020-01-01", "2021-01-01"],
        }
    )
    validate_edge_locations(snap)  # same code in two lists is fine


def test_read_edge_locations(tmp_path: Path) -> None:
    p = tmp_path / "edges.csv"
    pd.DataFrame({"iata": ["AAA"], "lat": [1.0], "lon": [2.0], "pops": [3]}).to_csv(p, index=False)
    e = read_edge_locations(p)
    assert e.index.name == "edge"
    assert e["pops"].dtype == np.int64


# ------------------------------------------------------------------------------------------
# availability zones
# ------------------------------------------------------------------------------------------


def test_availability_zones() -> None:
    a = load_availability_zones()
    r = load_regions()
    assert len(a) == int(r["az_count"].sum()) == 124
    assert a.index.name == "az"
    assert a.loc["us-east-1a", "az_id"] == "use1-az1"
    assert a.loc["us-east-1f", "az_id"] == "use1-az6"
    assert a.loc["eu-west-1a", "az_id"] == ""  # not published in the sources
    assert a.loc["us-east-1a", ["lat", "lon"]].to_numpy().tolist() == pytest.approx([39.04, -77.49])
    assert a.groupby("region").size().sort_index().tolist() == r["az_count"].sort_index().tolist()
    sub = load_availability_zones(regions=["eu-west-1", "us-east-2"])
    assert list(sub["region"].unique()) == ["eu-west-1", "us-east-2"]
    assert len(sub) == 6
    assert len(load_availability_zones(as_of="2019-12-31")) == int(
        load_regions(as_of="2019-12-31")["az_count"].sum()
    )
    with pytest.raises(UnknownRegionError, match="us-east-1"):
        load_availability_zones(regions="us-east-l")


# ------------------------------------------------------------------------------------------
# edge locations
# ------------------------------------------------------------------------------------------


def test_edge_snapshot_dates() -> None:
    assert edge_snapshot_dates() == [
        dt.date(2019, 11, 27),
        dt.date(2020, 1, 25),
        dt.date(2024, 2, 25),
        dt.date(2025, 5, 4),
    ]


@pytest.mark.parametrize(
    ("as_of", "snapshot", "cities", "pops"),
    [
        ("2019-11-27", "2019-11-27", 78, 199),
        ("2020-01-24", "2019-11-27", 78, 199),
        ("2020-01-25", "2020-01-25", 84, 205),
        ("2023-12-31", "2020-01-25", 84, 205),
        ("2024-02-25", "2024-02-25", 104, 635),
        ("2025-05-04", "2025-05-04", 107, 638),
    ],
)
def test_edge_snapshot_selection(as_of: str, snapshot: str, cities: int, pops: int) -> None:
    e = load_edge_locations(as_of=as_of)
    assert (e["snapshot"] == pd.Timestamp(snapshot)).all()
    assert len(e) == cities
    assert int(e["pops"].sum()) == pops


def test_edge_columns_and_flags() -> None:
    e = load_edge_locations()
    assert e.index.name == "edge"
    assert (e.index == e["iata"]).all()
    assert e["pops"].dtype == np.int64
    assert e["present_2019"].dtype == bool
    assert int(e["present_2019"].sum()) == 71  # reference README §2.3: 71 of 107 already present
    new = e.loc[["CAI", "DOH", "JED"]]
    assert (new["pops"] == 1).all()
    assert new["pops_source"].str.contains("assumed").all()
    assert e.loc["DOH", "city"] == "Doha"
    assert e["country"].str.len().gt(0).all()
    validate_edge_locations(e)


def test_edge_date_before_first_list() -> None:
    with pytest.raises(
        CatalogDateError,
        match=r"before the first shipped edge-location list; available list dates: "
        r"2019-11-27, 2020-01-25, 2024-02-25, 2025-05-04",
    ):
        load_edge_locations(as_of="2019-11-26")


def test_every_edge_city_within_50_km_of_its_airport() -> None:
    metro = {"YTO": "YYZ"}  # Toronto metropolitan code -> Pearson
    e = catalog_edges._edges_all()
    airports = catalog_lookup._airports()  # with data/airport_overrides.csv applied
    codes = [metro.get(c, c) for c in e["iata"]]
    missing = sorted({c for c in codes if c not in airports})
    assert missing == []
    lat = np.array([airports[c]["lat"] for c in codes], dtype=float)
    lon = np.array([airports[c]["lon"] for c in codes], dtype=float)
    d = _haversine_km(e["lat"].to_numpy(), e["lon"].to_numpy(), lat, lon)
    far = e.loc[d > 50, ["snapshot", "iata"]]
    assert far.empty, far
    # and each country code agrees with the airport's
    cc = np.array([airports[c]["country"] for c in codes])
    assert (e["country_code"].to_numpy() == cc).all()


def test_regional_edge_caches() -> None:
    rec = load_regional_edge_caches()
    assert len(rec) == 15  # AWS lists 15 (2026-12); 13 in the Fault Isolation Boundaries whitepaper
    assert rec.index.name == "rec"
    assert rec["sourced"].dtype == bool
    assert set(rec.loc[rec["sourced"], "iata"]) == {"CMH", "HIO", "TPA", "MCT"}
    assert rec["provenance"].str.contains("unsourced").all()
    assert set(rec["region"]) <= set(load_regions().index)


# ------------------------------------------------------------------------------------------
# lookup_edge_location
# ------------------------------------------------------------------------------------------


def test_lookup_vector_keeps_order_and_series_index() -> None:
    codes = pd.Series(["FRA56-C1", "IAD89-P2", "NRT51-C2", "FRA2", "iad12"], index=[10, 20, 30, 40, 50])
    out = lookup_edge_location(codes)
    assert list(out.index) == [10, 20, 30, 40, 50]
    assert list(out["code"]) == list(codes)
    assert list(out["iata"]) == ["FRA", "IAD", "NRT", "FRA", "IAD"]
    assert out["listed"].all()
    assert out["city"].dtype == "category"  # documented: text columns are categorical
    assert out["code"].dtype == "category"
    out2 = lookup_edge_location(np.array(["SIN2-C1", "SYD1"]))
    assert list(out2.index) == [0, 1]
    assert list(out2["city"]) == ["Singapore", "Sydney"]
    assert len(lookup_edge_location([])) == 0
    assert codes.tolist()[0] == "FRA56-C1"  # input untouched


def test_lookup_large_input_matches_dict_lookup() -> None:
    rng = np.random.default_rng(0)
    e = load_edge_locations()
    prefixes = rng.choice(e.index.to_numpy(), size=20_000)
    nums = rng.integers(1, 99, size=20_000)
    codes = [f"{p}{n}-C1" if n % 2 else f"{p}{n}" for p, n in zip(prefixes, nums, strict=True)]
    out = lookup_edge_location(codes)
    city = e["city"].to_dict()
    assert out["city"].tolist() == [city[c[:3]] for c in codes]


def test_lookup_unlisted_prefix_falls_back() -> None:
    out = lookup_edge_location(["HOU5", "LGW3-C1"])
    hou, lgw = out.iloc[0], out.iloc[1]
    assert not hou["listed"]
    assert hou["city"] == "Houston"
    assert "catalog list of 2020-01-25" in hou["lookup_source"]
    assert not lgw["listed"]
    assert lgw["country_code"] == "GB"
    assert lgw["pops"] == 0
    assert "airportsdata" in lgw["lookup_source"]
    assert lookup_edge_location("HOU5", as_of="2019-12-31")["listed"].iloc[0]


def test_lookup_malformed_codes() -> None:
    with pytest.raises(
        InvalidInputError,
        match=r"malformed edge-location code\(s\) \['IAD', '12IAD'\]; expected 3 "
        r"letters \(IATA airport code\) \+ 1-3 digits",
    ):
        lookup_edge_location(["IAD1", "IAD", "12IAD", "IAD1"])
    with pytest.raises(InvalidInputError, match=r"\(\+1 more\)"):
        lookup_edge_location(["A1", "B1", "C1", "D1", "E1", "F1"])
    with pytest.raises(InvalidInputError, match=r"missing values \(None/NaN\) at position\(s\) \[1\]"):
        lookup_edge_location(["IAD1", None])
    with pytest.raises(InvalidTypeError, match=r"codes must be strings; got \[5\]"):
        lookup_edge_location(["IAD1", 5])
    with pytest.raises(InvalidTypeError, match=r"codes must be a string or a list/array/Series of strings"):
        lookup_edge_location(12)
    with pytest.raises(InvalidInputError, match=r"codes must be one-dimensional"):
        lookup_edge_location(np.array([["IAD1"]]))


def test_lookup_unknown_prefix() -> None:
    with pytest.raises(UnknownEdgeLocationError, match=r"unknown edge-location code 'QQQ1'"):
        lookup_edge_location(["IAD1", "QQQ1"])


def _repetitive_codes(n: int, seed: int = 1) -> list[str]:
    """Log-like codes: listed, lower-case, padded and unlisted (fallback) prefixes, heavily repeated."""
    rng = np.random.default_rng(seed)
    prefixes = [*load_edge_locations().index[:40], "hou", "LGW", " fra"]
    distinct = [f"{p}{k}{s}" for p in prefixes for k in (1, 7, 52) for s in ("", "-C1", "-P2 ")]
    return [distinct[i] for i in rng.integers(0, len(distinct), size=n)]


def _assert_same_lookup(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """assert_frame_equal, comparing categoricals by categories + codes (it is slow on 200k rows)."""
    assert list(a.columns) == list(b.columns)
    assert a.dtypes.equals(b.dtypes)
    assert a.index.equals(b.index)
    for c in a.columns:
        if isinstance(a[c].dtype, pd.CategoricalDtype):
            assert a[c].cat.categories.equals(b[c].cat.categories), c
            assert a[c].cat.categories.dtype == b[c].cat.categories.dtype, c
            assert np.array_equal(a[c].cat.codes.to_numpy(), b[c].cat.codes.to_numpy()), c
        else:
            pd.testing.assert_series_equal(a[c], b[c])


def test_lookup_large_repetitive_input_equals_lookup_of_uniques_then_take() -> None:
    codes = _repetitive_codes(200_000)
    out = lookup_edge_location(codes)
    inverse, uniques = pd.factorize(np.asarray(codes, dtype=object))
    expected = lookup_edge_location(list(uniques)).take(inverse).reset_index(drop=True)
    _assert_same_lookup(out, expected)
    assert list(out["code"].cat.categories) == list(uniques)  # first appearance, as given
    assert out["code"].cat.categories.dtype == object
    series = pd.Series(codes, index=pd.RangeIndex(200_000, 0, -1), dtype="str")
    out_s = lookup_edge_location(series)
    assert out_s.index.equals(series.index)
    _assert_same_lookup(out_s.reset_index(drop=True), expected)


def _python_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog_lookup, "_factorise_codes_arrow", lambda raw: None)


@pytest.mark.parametrize(
    "codes",
    [
        ["IAD12", "fra56-c1", " LHR1 ", "IAD12", "HOU5", "LGW3-C1"],
        ["\u2003IAD12\u2003", "\u0131ad1", "IAD1\x1f"],  # Unicode space, dotless i: str.upper() -> 'I'
        np.array(["SIN2-C1", "SYD1", "SIN2-C1"]),
        pd.Series(["NRT51-C2", "nrt51-c2"], index=[7, 3], dtype="str"),
        pd.Index(["AMS1", "AMS1"]),
        ("ZRH50",),
        "IAD89-P2",
        [],
    ],
)
def test_lookup_fast_and_exact_paths_agree(codes: object, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = lookup_edge_location(codes)
    _python_path_only(monkeypatch)
    pd.testing.assert_frame_equal(fast, lookup_edge_location(codes))


@pytest.mark.parametrize(
    ("codes", "error", "match"),
    [
        (["IAD1", b"FRA2"], InvalidTypeError, r"codes must be strings; got \[b'FRA2'\]"),
        (np.array([b"IAD1"]), InvalidTypeError, r"codes must be strings; got \[b'IAD1'\]"),
        (pd.Series(["IAD1", None], dtype="str"), InvalidInputError, r"missing values .* position\(s\) \[1\]"),
        (["IAD1", float("nan")], InvalidInputError, r"missing values .* position\(s\) \[1\]"),
        (
            ["\u0131AD", "IAD1", "XYZ", "\ud800"],
            InvalidInputError,
            r"code\(s\) \['\u0131AD', 'XYZ', '\\ud800'\];",
        ),
        ([["IAD1"]], InvalidInputError, r"codes must be one-dimensional"),
        (["IAD1", "hou2", "QQQ1", "QQQ2"], UnknownEdgeLocationError, r"unknown edge-location code 'QQQ1'"),
    ],
)
def test_lookup_errors_are_the_same_on_both_paths(
    codes: object, error: type[Exception], match: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(error, match=match):
        lookup_edge_location(codes)
    _python_path_only(monkeypatch)
    with pytest.raises(error, match=match):
        lookup_edge_location(codes)


# ------------------------------------------------------------------------------------------
# storage classes and SLAs
# ------------------------------------------------------------------------------------------

STORAGE_IDS = [
    "s3-standard",
    "s3-intelligent-tiering",
    "s3-standard-ia",
    "s3-one-zone-ia",
    "s3-glacier-instant-retrieval",
    "s3-glacier-flexible-retrieval",
    "s3-glacier-deep-archive",
    "s3-reduced-redundancy",
    "s3-express-one-zone",
    "ebs-gp3",
    "ebs-gp2",
    "ebs-io1",
    "ebs-io2",
    "ebs-st1",
    "ebs-sc1",
]


def test_storage_classes() -> None:
    s = load_storage_classes()
    assert s.index.name == "storage_class"
    assert list(s.index) == STORAGE_IDS
    # S3 user guide: 11 nines for every class but RRS (99.99 %)
    s3 = s[s["service"] == "S3"]
    assert (s3.drop(index="s3-reduced-redundancy")["durability"] == 0.99999999999).all()
    assert s.loc["s3-reduced-redundancy", "durability"] == 0.9999
    assert s.loc["s3-standard", "designed_availability"] == 0.9999
    assert s.loc["s3-one-zone-ia", "designed_availability"] == 0.995
    assert s.loc["s3-one-zone-ia", "az_count"] == 1
    assert s.loc["s3-standard", "az_count"] == 3
    assert bool(s.loc["s3-one-zone-ia", "lost_if_az_destroyed"])
    assert not bool(s.loc["s3-standard", "lost_if_az_destroyed"])
    assert s.loc["s3-standard", "annual_failure_rate_high"] == pytest.approx(1e-11)
    # EBS volume types page: gp3 99.8-99.9 % durability, AFR 0.1-0.2 %; io2 99.999 %
    assert s.loc["ebs-gp3", ["durability_low", "durability_high"]].to_numpy().tolist() == [0.998, 0.999]
    assert s.loc["ebs-gp3", ["annual_failure_rate_low", "annual_failure_rate_high"]].to_numpy().tolist() == [
        0.001,
        0.002,
    ]
    assert s.loc["ebs-io2", "durability"] == 0.99999
    assert s[["annual_failure_rate_low", "annual_failure_rate_high"]].notna().all().all()
    assert s.loc["s3-glacier-deep-archive", "min_storage_days"] == 180
    assert s.loc["s3-standard-ia", "min_billable_kb"] == 128
    assert s["az_count"].dtype == np.int64
    assert s["lost_if_az_destroyed"].dtype == bool


def test_seed_s3_claim() -> None:
    # seed: 10 million objects at 11 nines -> expect to lose one every 10,000 years
    afr = get_storage_class("s3-standard")["annual_failure_rate_high"]
    assert 1 / (10_000_000 * afr) == pytest.approx(10_000)


def test_get_storage_class_by_id_or_name() -> None:
    assert get_storage_class("s3-standard").name == "s3-standard"
    assert get_storage_class("S3 Standard").name == "s3-standard"
    assert get_storage_class("s3 glacier deep archive").name == "s3-glacier-deep-archive"
    assert get_storage_class("EBS-GP3").name == "ebs-gp3"
    with pytest.raises(
        UnknownNameError, match=r"unknown storage class 's3-standrd'\. Did you mean 's3-standard'"
    ):
        get_storage_class("s3-standrd")
    with pytest.raises(InvalidTypeError, match=r"storage class id must be a string, got 3"):
        get_storage_class(3)  # type: ignore[arg-type]


SLA_IDS = [
    "ec2-region",
    "ec2-instance",
    "ebs-region",
    "ebs-volume",
    "elb-multi-az",
    "elb-single-az",
    "rds-multi-az",
    "rds-single",
    "aurora-multi-az",
    "aurora-single-az",
    "route53",
    "route53-resolver-multi-az",
    "cloudfront",
    "s3-standard",
    "s3-standard-ia",
    "s3-one-zone-ia",
    "s3-intelligent-tiering",
    "s3-glacier-instant-retrieval",
    "lambda",
    "api-gateway",
    "dynamodb",
    "dynamodb-global-tables",
]


def test_slas() -> None:
    s = load_slas()
    assert s.index.name == "sla"
    assert set(SLA_IDS) <= set(s.index)
    assert s.loc["ec2-region", "commitment"] == 0.9999
    assert s.loc["ec2-instance", "commitment"] == 0.995
    assert s.loc["rds-multi-az", "commitment"] == 0.9995
    assert s.loc["route53", "commitment"] == 1.0
    assert s.loc["s3-standard", "commitment"] == 0.999
    assert s.loc["s3-standard-ia", "commitment"] == 0.99
    assert s.loc["cloudfront", "measured"] == "request"
    assert s.loc["ec2-region", "last_updated"] == pd.Timestamp("2022-05-05")
    assert s["last_updated"].dtype == "datetime64[ns]"
    assert s.loc["dynamodb-global-tables", "confidence"] == "low"
    assert s.loc[["dynamodb-global-tables"], "last_updated"].isna().all()
    assert set(s["measured"]) == {"period", "request"}
    assert get_sla("EC2-Region")["commitment"] == 0.9999
    with pytest.raises(UnknownNameError, match=r"unknown SLA 'ec2-regoin'\. Did you mean 'ec2-region'"):
        get_sla("ec2-regoin")


# ------------------------------------------------------------------------------------------
# broken shipped files -> DataFileError naming the file and the problem
# ------------------------------------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    copy = tmp_path / "data"
    shutil.copytree(_data.data_dir(), copy)
    monkeypatch.setenv("CLOUDGEO_DATA_DIR", str(copy))
    catalog._clear_caches()
    yield copy
    monkeypatch.delenv("CLOUDGEO_DATA_DIR")
    catalog._clear_caches()


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, count))


BROKEN = [
    (
        "regions.csv",
        "us-east-1,US East",
        "us-east-2,US East",
        load_regions,
        r"(?s)shipped data file regions\.csv failed validation .*duplicate region code",
    ),
    ("regions.csv", ",39.04,-77.49,", ",139.04,-77.49,", load_regions, r"lat outside \[-90, 90\]"),
    ("regions.csv", ",available,", ",maybe,", load_regions, r"status must be one of"),
    ("regions.csv", ",2006-08-25,", ",2006-13-45,", load_regions, r"opened is not an ISO date"),
    ("regions.csv", ",aws-cn,", ",aws-moon,", load_regions, r"unknown partition\(s\) \['aws-moon'\]"),
    ("regions.csv", "code,name,", "kode,name,", load_regions, r"missing column 'code'"),
    ("regions.csv", ",True,available,", ",perhaps,available,", load_regions, r"opt_in must be True/False"),
    (
        "availability_zones.csv",
        "region,az_name",
        "regio,az_name",
        load_availability_zones,
        r"missing column\(s\) \['region'\]",
    ),
    (
        "availability_zones.csv",
        "us-east-1,us-east-1b,",
        "us-east-1,us-east-1a,",
        load_availability_zones,
        r"duplicate az_name",
    ),
    ("availability_zones.csv", "use1-az2", "use1-az1", load_availability_zones, r"duplicate az_id"),
    (
        "availability_zones.csv",
        "us-east-1,us-east-1b,use1-az2,2",
        "us-east-1,us-east-1b,use1-az2,x",
        load_availability_zones,
        r"az_index is not an integer",
    ),
    (
        "availability_zones.csv",
        "af-south-1,af-south-1a",
        "xx-south-1,af-south-1a",
        load_availability_zones,
        r"unknown region\(s\) \['xx-south-1'\]",
    ),
    ("edge_locations.csv", "2025-05-04,IAD,", "2025-05-04,ATL,", load_edge_locations, r"duplicate edge code"),
    (
        "edge_locations.csv",
        ",38.9445,-77.4558,23,",
        ",38.9445,-277.4558,23,",
        load_edge_locations,
        r"lon outside \[-180, 180\]",
    ),
    (
        "edge_locations.csv",
        "snapshot,iata",
        "snap,iata",
        load_edge_locations,
        r"missing column\(s\) \['snapshot'\]",
    ),
    (
        "edge_locations.csv",
        ",38.9445,-77.4558,23,",
        ",38.9445,-77.4558,many,",
        load_edge_locations,
        r"pops must be a non-negative integer",
    ),
    (
        "edge_locations.csv",
        "2025-05-04,IAD,Washington,United States,US,38.9445,-77.4558,23,EDGE-2024 count carried "
        "forward (2025 list has no counts),True",
        "2025-05-04,IAD,Washington,United States,US,38.9445,-77.4558,23,"
        "EDGE-2024 count carried forward (2025 list has no counts),sure",
        load_edge_locations,
        r"present_2019 must be True/False",
    ),
    (
        "regional_edge_caches.csv",
        ",39.998,-82.892,",
        ",99.998,-82.892,",
        load_regional_edge_caches,
        r"lat outside",
    ),
    (
        "regional_edge_caches.csv",
        "us-west-1,N. California",
        "us-east-1,N. California",
        load_regional_edge_caches,
        r"duplicate rec id",
    ),
    (
        "regional_edge_caches.csv",
        "rec,metro",
        "rek,metro",
        load_regional_edge_caches,
        r"missing column\(s\) \['rec'\]",
    ),
    (
        "regional_edge_caches.csv",
        ",39.998,-82.892,",
        ",north,-82.892,",
        load_regional_edge_caches,
        r"lat is not a number",
    ),
    (
        "storage_classes.csv",
        "s3-standard,S3,S3 Standard,0.99999999999",
        "s3-standard,S3,S3 Standard,1.5",
        load_storage_classes,
        r"durability must be a fraction in \[0, 1\] for \['s3-standard'\]",
    ),
    (
        "storage_classes.csv",
        "ebs-gp3,EBS,EBS gp3 (General Purpose SSD),0.998,0.998,0.999",
        "ebs-gp3,EBS,EBS gp3 (General Purpose SSD),0.998,0.9995,0.999",
        load_storage_classes,
        r"durability_low exceeds durability_high",
    ),
    (
        "storage_classes.csv",
        ",0.9999,3,>=3 AZs,",
        ",0.9999,0,>=3 AZs,",
        load_storage_classes,
        r"az_count must be a positive integer",
    ),
    (
        "storage_classes.csv",
        "s3-standard-ia,",
        "s3-standard,",
        load_storage_classes,
        r"duplicate storage_class",
    ),
    (
        "storage_classes.csv",
        ",30,128,",
        ",30,12.5,",
        load_storage_classes,
        r"min_billable_kb must be a non-negative",
    ),
    (
        "storage_classes.csv",
        "storage_class,service",
        "id,service",
        load_storage_classes,
        r"missing column\(s\) \['storage_class'\]",
    ),
    (
        "slas.csv",
        "ec2-region,EC2,Region: instances in >= 2 AZs,0.9999",
        "ec2-region,EC2,Region: instances in >= 2 AZs,99.99",
        load_slas,
        r"commitment must be a fraction",
    ),
    (
        "slas.csv",
        ",period,2022-05-05,high,",
        ",uptime,2022-05-05,high,",
        load_slas,
        r"measured must be 'period' or",
    ),
    (
        "slas.csv",
        ",period,2022-05-05,high,",
        ",period,2022-05-05,sure,",
        load_slas,
        r"confidence must be high, medium",
    ),
    (
        "slas.csv",
        ",period,2022-05-05,high,",
        ",period,May 2022,high,",
        load_slas,
        r"last_updated is not an ISO date",
    ),
    ("slas.csv", "ec2-instance,", "ec2-region,", load_slas, r"duplicate sla id"),
    ("slas.csv", "sla,service", "id,service", load_slas, r"missing column\(s\) \['sla'\]"),
]


@pytest.mark.parametrize(("name", "old", "new", "loader", "match"), BROKEN)
def test_broken_shipped_file_raises_data_file_error(
    data_copy: Path, name: str, old: str, new: str, loader: object, match: str
) -> None:
    _edit(data_copy / name, old, new)
    with pytest.raises(DataFileError, match=match) as info:
        loader()  # type: ignore[operator]
    assert isinstance(info.value, CloudGeoError)


def test_azs_not_matching_region_counts(data_copy: Path) -> None:
    path = data_copy / "availability_zones.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith("us-east-1,us-east-1f")) + "\n")
    with pytest.raises(
        DataFileError, match=r"AZ rows do not match regions\.csv az_count for \['us-east-1'\]"
    ):
        load_availability_zones()


def test_missing_or_unparseable_shipped_file(data_copy: Path) -> None:
    (data_copy / "slas.csv").unlink()
    with pytest.raises(DataFileError, match=r"slas\.csv"):
        load_slas()
    (data_copy / "regions.csv").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DataFileError, match=r"could not read .*regions\.csv"):
        load_regions()


def test_missing_columns_in_regions_listed(data_copy: Path) -> None:
    df = pd.read_csv(data_copy / "regions.csv", keep_default_na=False, dtype=str)
    df.drop(columns=["opt_in"]).to_csv(data_copy / "regions.csv", index=False)
    with pytest.raises(DataFileError, match=r"missing column 'opt_in'"):
        load_regions()


# ------------------------------------------------------------------------------------------
# properties
# ------------------------------------------------------------------------------------------


_LISTED = sorted(load_edge_locations().index)


@settings(max_examples=60, deadline=None)
@given(
    prefix=st.sampled_from(_LISTED),
    number=st.integers(min_value=0, max_value=999),
    suffix=st.sampled_from(["", "-C1", "-P2", "-E5", "-RE12"]),
    lower=st.booleans(),
)
def test_any_well_formed_listed_code_resolves_to_its_prefix(
    prefix: str, number: int, suffix: str, lower: bool
) -> None:
    code = f"{prefix}{number}{suffix}"
    code = code.lower() if lower else code
    row = lookup_edge_location(code).iloc[0]
    assert row["iata"] == prefix
    assert bool(row["listed"])
    assert row["code"] == code


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(min_size=0, max_size=8).filter(
        lambda t: catalog_edges._EDGE_RE.fullmatch(t.strip().upper()) is None
    )
)
def test_any_malformed_code_is_rejected(text: str) -> None:
    with pytest.raises(InvalidInputError, match="malformed edge-location code"):
        lookup_edge_location([text])


def test_read_regions_minimal_table(tmp_path: Path) -> None:
    p = tmp_path / "mini.csv"
    p.write_text("code,lat,lon\nmy-dc-1,48.1,11.6\n")
    r = read_regions(p)
    assert r.loc["my-dc-1", "lat"] == pytest.approx(48.1)
    p.write_text("name,lat,lon\nx,1,2\n")
    with pytest.raises(DataValidationError, match=r"missing column\(s\) \['code'\]"):
        read_regions(p)


# ------------------------------------------------------------------------------------------
# 2026-12 catalogue update (issue 14)
# ------------------------------------------------------------------------------------------


def test_express_one_zone_has_no_minimums() -> None:
    s = load_storage_classes().loc["s3-express-one-zone"]
    assert s["min_storage_days"] == 0
    assert s["min_billable_kb"] == 0


def test_edge_network_headline_quotes_aws_beside_the_list() -> None:
    h = catalog.edge_network_headline()
    assert (h.pops_min, h.cities_min, h.embedded_pops_min) == (750, 440, 1140)
    assert h.stated_on == dt.date(2025, 11, 17)
    assert "AWS News Blog" in h.source
    newest = load_edge_locations()
    assert h.listed_pops == int(newest["pops"].sum()) == 638
    assert h.listed_cities == len(newest) == 107
    assert h.listed_snapshot == dt.date(2025, 5, 4)
    assert "750+ PoPs in 440+ cities" in h.summary
    assert "1,140+ embedded PoPs" in h.summary
    assert "638 PoPs" in h.summary
    with pytest.raises(AttributeError):
        h.pops_min = 1  # type: ignore[misc]
    doc = str(load_edge_locations.__doc__)
    for quoted in ("750+ PoPs in 440+ cities", "1,140+", "638"):
        assert quoted in doc


def _dms(text: str) -> float:
    """'50°54'05"N' -> 50.9014 (decimal degrees; S/W negative)."""
    import re

    m = re.fullmatch(r"(\d+)°(\d+)'(\d+)\"([NSEW])", text)
    assert m, text
    value = int(m[1]) + int(m[2]) / 60 + int(m[3]) / 3600
    return -value if m[4] in "SW" else value


# Aerodrome reference points as published in the Belgian and Luxembourg AIPs (AD 2 sections),
# quoted on each airport's English Wikipedia page (consulted 2026-12), plus two unaffected
# airports; independent of airportsdata. The fallback lookup must land within 10 km of each.
INDEPENDENT_AIRPORTS = {
    "BRU": ("50°54'05\"N", "4°29'04\"E"),
    "CRL": ("50°27'35\"N", "4°27'10\"E"),
    "LGG": ("50°38'14\"N", "5°26'35\"E"),
    "LUX": ("49°37'24\"N", "6°12'16\"E"),
    "ANR": ("51°11'22\"N", "4°27'37\"E"),
    "OST": ("51°11'56\"N", "2°51'44\"E"),
    "KJK": ("50°49'04\"N", "3°12'29\"E"),
    "LGW": ("51°08'53\"N", "0°11'25\"W"),
    "EIN": ("51°27'00\"N", "5°22'28\"E"),
}


def test_fallback_airports_within_10_km_of_independent_coordinates() -> None:
    codes = sorted(INDEPENDENT_AIRPORTS)
    for code in codes:  # each through airportsdata, never through a shipped edge list
        row = catalog_lookup._fallback_row(code, dt.date(2025, 5, 4))
        assert row is not None
        if code not in set(catalog_edges._edges_all()["iata"]):
            assert "airportsdata" in row["lookup_source"]
        want = INDEPENDENT_AIRPORTS[code]
        d = _haversine_km(
            np.array([row["lat"]]),
            np.array([row["lon"]]),
            np.array([_dms(want[0])]),
            np.array([_dms(want[1])]),
        )[0]
        assert d <= 10.0, f"{code}: fallback lookup lands {d:.1f} km from the AIP reference point"
    out = lookup_edge_location(["LUX1", "CRL2", "LGG3"])
    assert out["lookup_source"].astype(str).str.contains("airport_overrides").all()


def test_airportsdata_rows_that_are_known_bad_are_overridden() -> None:
    import airportsdata

    raw = airportsdata.load("IATA")
    fixed = catalog_lookup._airports()
    overrides = pd.read_csv(_data.data_path("airport_overrides.csv"))
    assert {"BRU", "CRL", "LGG", "LUX"} <= set(overrides["iata"])
    assert overrides["source"].str.contains("AIP").all()
    for code, lat, lon in zip(overrides["iata"], overrides["lat"], overrides["lon"], strict=True):
        assert (fixed[code]["lat"], fixed[code]["lon"]) == (lat, lon)
        assert raw[code]["country"] == fixed[code]["country"]  # only the coordinates change


def test_check_catalog_agrees_with_the_pinned_botocore() -> None:
    import importlib.metadata

    assert importlib.metadata.version("botocore") == "1.44.5"  # the `test` extra's pin
    diff = catalog.check_catalog()
    assert list(diff.columns) == ["code", "partition", "kind", "catalog", "botocore", "detail"]
    assert diff.empty, diff
    assert diff.attrs["botocore_version"] == "1.44.5"


def _synthetic_botocore(folder: Path, extra: dict[str, str], *, launched: list[str]) -> Path:
    import importlib.util
    import json

    spec = importlib.util.find_spec("botocore")
    assert spec is not None
    assert spec.origin is not None
    src = Path(spec.origin).parent / "data"
    doc = json.loads((src / "partitions.json").read_text())
    aws = next(p for p in doc["partitions"] if p["id"] == "aws")
    aws["regions"].update({code: {"description": name} for code, name in extra.items()})
    aws["regions"]["eu-west-1"] = {"description": "Europe (Dublin)"}
    del aws["regions"]["af-south-1"]
    folder.mkdir()
    (folder / "partitions.json").write_text(json.dumps(doc))
    ends = {"partitions": [{"partition": "aws", "regions": {c: {} for c in launched}}]}
    (folder / "endpoints.json").write_text(json.dumps(ends))
    return folder


def test_check_catalog_reports_a_synthetic_partitions_json(tmp_path: Path) -> None:
    folder = _synthetic_botocore(
        tmp_path / "boto", {"xx-north-9": "Nowhere (North)", "us-south-1": "US South"}, launched=["me-west-1"]
    )
    diff = catalog.check_catalog(data_dir=folder)
    got = {(r.code, r.kind) for r in diff.itertuples()}
    assert got == {
        ("xx-north-9", "missing_from_catalog"),
        ("us-south-1", "now_named"),
        ("eu-west-1", "name_differs"),
        ("af-south-1", "not_in_botocore"),
        ("me-west-1", "launched"),
    }
    row = diff.set_index("code").loc["eu-west-1"]
    assert (row["catalog"], row["botocore"]) == ("Europe (Ireland)", "Europe (Dublin)")
    assert diff.set_index("code").loc["xx-north-9", "botocore"] == "Nowhere (North)"
    # the isolated partitions are outside the catalogue by decision: never reported
    assert not diff["partition"].str.startswith("aws-iso").any()


def test_check_catalog_without_botocore_says_pip_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "botocore" else real(name, *a)
    )
    with pytest.raises(MissingDependencyError, match=r"pip install botocore"):
        catalog.check_catalog()


def test_check_catalog_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="data_dir"):
        catalog.check_catalog(botocore=False)
    with pytest.raises(InvalidTypeError, match="botocore must be True or False"):
        catalog.check_catalog(botocore="yes")  # type: ignore[arg-type]
    with pytest.raises(DataFileError, match=r"partitions\.json"):
        catalog.check_catalog(data_dir=tmp_path)
    (tmp_path / "partitions.json").write_text("<html>")
    with pytest.raises(DataFileError, match=r"not a botocore partitions\.json"):
        catalog.check_catalog(data_dir=tmp_path)
