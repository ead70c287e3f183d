"""Derive cloudgeo's shipped catalogue CSVs (``data/``) from the reference compilation.

Usage::

    python scripts/build_catalog.py PATH/TO/reference [--out data]

``PATH/TO/reference`` is the folder holding the reference compilation (``regions.csv``,
``edges_2019_11.csv``, ``edges_2024_02.csv``, ``edges_2025_05.csv``); the reference itself is
not shipped. Storage classes, SLAs and regional edge caches are transcribed from the
reference's tables (sections 2.4, 4 and 5 of its README) into this script, with the source of
each row. Output is deterministic (sorted rows, fixed float formatting).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

# Country names used throughout the catalogue, by ISO 3166-1 alpha-2 code (the sources spell
# countries inconsistently: "UK", "England", "Great Britain", "Korea", "UAE", ...).
COUNTRY_NAMES: dict[str, str] = {
    "AE": "United Arab Emirates", "AR": "Argentina", "AT": "Austria", "AU": "Australia",
    "BE": "Belgium", "BG": "Bulgaria", "BH": "Bahrain", "BR": "Brazil", "CA": "Canada",
    "CH": "Switzerland", "CL": "Chile", "CN": "China", "CO": "Colombia", "CZ": "Czech Republic",
    "DE": "Germany", "DK": "Denmark", "EG": "Egypt", "ES": "Spain", "FI": "Finland", "FR": "France",
    "GB": "United Kingdom", "GR": "Greece", "HK": "Hong Kong", "HR": "Croatia", "HU": "Hungary",
    "ID": "Indonesia", "IE": "Ireland", "IL": "Israel", "IN": "India", "IT": "Italy", "JP": "Japan",
    "KE": "Kenya", "KR": "South Korea", "MX": "Mexico", "MY": "Malaysia", "NG": "Nigeria",
    "NL": "Netherlands", "NO": "Norway", "NZ": "New Zealand", "OM": "Oman", "PE": "Peru",
    "PH": "Philippines", "PL": "Poland", "PT": "Portugal", "QA": "Qatar", "RO": "Romania",
    "SA": "Saudi Arabia", "SE": "Sweden", "SG": "Singapore", "TH": "Thailand", "TR": "Turkey",
    "TW": "Taiwan", "US": "United States", "VN": "Vietnam", "ZA": "South Africa",
}  # fmt: skip

# The 2019 edge list has no country codes; its country spellings -> ISO-2.
COUNTRY_CODE_2019: dict[str, str] = {
    "The Netherlands": "NL", "Sweden": "SE", "Greece": "GR", "United States": "US", "Bahrain": "BH",
    "India": "IN", "Colombia": "CO", "Belgium": "BE", "Hungary": "HU", "France": "FR", "Denmark": "DK",
    "South Africa": "ZA", "Ireland": "IE", "Germany": "DE", "United Arab Emirates": "AE",
    "Argentina": "AR", "Italy": "IT", "Brazil": "BR", "Finland": "FI", "South Korea": "KR",
    "Japan": "JP", "Malaysia": "MY", "England": "GB", "Portugal": "PT", "Spain": "ES",
    "Australia": "AU", "Philippines": "PH", "Kenya": "KE", "Norway": "NO", "Romania": "RO",
    "China": "CN", "Czech Republic": "CZ", "Chile": "CL", "Singapore": "SG", "Bulgaria": "BG",
    "Israel": "IL", "Taiwan": "TW", "Austria": "AT", "Poland": "PL", "Canada": "CA", "Switzerland": "CH",
}  # fmt: skip

# City spellings normalised across snapshots (the source changed some over time).
CITY_FIX: dict[str, str] = {
    "Qatar": "Doha",  # 2025 list: city field says 'Qatar'
    "Rio De Janeiro": "Rio de Janeiro",
    "Dallas-Fort Worth": "Dallas",
    "Dusseldorf": "Düsseldorf",
}

# Regions whose metro is in a different country entity than the source's 'country' text.
UNANNOUNCED = ("me-west-1", "sa-west-1", "us-south-1")

OSAKA_FULL_REGION = "2021-03-01"  # unsourced (reference README §1.1: "March 2021")

# 2026-12 catalogue update (data/SOURCES.md): codes AWS has announced but not opened. Names as
# botocore's partitions.json spells them (1.43.126 and later; checked with 1.44.5); the metro and
# its coordinates are unsourced city-centre choices (AWS names the country only).
ANNOUNCED: dict[str, dict[str, str]] = {
    "me-west-1": {
        "name": "Middle East (Saudi Arabia)", "country_code": "SA", "city": "Riyadh",
        "lat": "24.71", "lon": "46.68", "announced": "2024",
        "notes": "announced by AWS in 2024 (planned to open in 2026); code in ip-ranges.json since "
                 "2024-12-20 (SEL-ANN); named in botocore partitions.json since 1.43.126",
    },
    "sa-west-1": {
        "name": "South America (Chile)", "country_code": "CL", "city": "Santiago",
        "lat": "-33.45", "lon": "-70.67", "announced": "2025",
        "notes": "announced by AWS in 2025; code in ip-ranges.json since 2025-07-31 (SEL-ANN); "
                 "named in botocore partitions.json since 1.43.126",
    },
}  # fmt: skip

# Availability Zones with their own opening date (region -> {az_index: (date, source)}); every
# other AZ's date is unknown and it counts from its region's opening (said in its row).
AZ_OPENED: dict[str, dict[int, tuple[str, str]]] = {
    "ca-central-1": {
        3: ("2020-03-01", "month only: AWS News Blog 'Now Open - Third Availability Zone in the AWS "
            "Canada (Central) Region' (March 2020; day not known, 1st used)"),
    },
    "eu-west-2": {
        4: ("2026-01-01", "year only: 4th AZ (euw2-az4) since 2026 (AWS AZ page; AWS 'Global "
            "Infrastructure' 124 AZs in 39 regions, Oct 2026); day not known, 1 January used"),
    },
}  # fmt: skip
AZ_DATE_UNKNOWN = "unknown: no source gives this AZ's own opening date; counted from its region's opening"


def _yes(value: object) -> bool:
    return str(value).strip().lower() == "yes"


def build_regions(ref: Path) -> pd.DataFrame:
    """Return the tidy region table."""
    src = pd.read_csv(ref / "regions.csv", dtype=str, keep_default_na=False)
    rows = []
    for r in src.to_dict("records"):
        code = r["code"]
        unannounced = code in UNANNOUNCED
        opened = r["announced_or_opened"]
        opened_source = "SEL-ANN (seligman/aws-ip-ranges announces.json, AWS announcement)"
        notes = r["notes"]
        if code == "ap-northeast-3":
            opened = OSAKA_FULL_REGION
            opened_source = (
                "unsourced: full 3-AZ Region from March 2021 (day not found); the Osaka Local "
                "Region (1 AZ, not counted as a Region) opened 2018-02-13 (SEL-ANN)"
            )
            notes = "Osaka Local Region 2018-02-13 (1 AZ); full Region 2021-03 (unsourced date)"
        az_count = r["azs"]
        az_note = r["az_note"]
        az_source = "DOC-REG (AWS Regions page, Sept 2025 or later)"
        if code.startswith(("us-gov-", "cn-")):
            az_source = "third-party copies of AWS docs / jsonmaur/aws-regions (see az_note)"
        if code == "eusc-de-east-1":
            az_count = "3"
            az_source = "unsourced: no source gave the count; 3 assumed (AWS's minimum for new Regions)"
        if code == "eu-west-2":
            az_count = "4"
            az_source = "AWS AZ page (Nov 2025 or later; 4th AZ ID euw2-az4), 4 AZs since 2026"
            az_note = "DOC-REG (Sept 2025) gave 3; a 4th AZ (euw2-az4) since 2026 (2026-12 catalogue update)"
        ann = ANNOUNCED.get(code)
        if ann is not None:
            r = {
                **r,
                "name": ann["name"],
                "country_code": ann["country_code"],
                "metro": ann["city"],
                "lat": ann["lat"],
                "lon": ann["lon"],
                "country": COUNTRY_NAMES[ann["country_code"]],
            }
            unannounced = False
            az_count, opened = "", ""
            opened_source = f"not open: announced by AWS in {ann['announced']}, no opening date yet"
            az_source = "none: not open (AWS announced 3 AZs at launch)"
            az_note = "planned: 3 AZs at launch"
            notes = ann["notes"]
        if unannounced:
            az_count, opened, opened_source = "", "", "none: code seen in ip-ranges.json, not announced"
            az_source = "none"
        rows.append(
            {
                "code": code,
                "name": r["name"].split(" [SDK")[0] if not unannounced else f"(unannounced) {code}",
                "partition": r["partition"],
                "country": "" if unannounced else r["country"],
                "country_code": r["country_code"],
                "city": "" if unannounced else r["metro"],
                "lat": r["lat"],
                "lon": r["lon"],
                "coord_source": (
                    "none (unannounced)"
                    if unannounced
                    else "unsourced: city-centre coordinates of the country's capital (AWS names the "
                    "country only)"
                    if ann is not None
                    else "unsourced: city-centre coordinates "
                    "chosen by the reference author, cross-checked against lopoc/defcon31"
                ),
                "az_count": az_count,
                "az_source": az_source,
                "az_note": az_note,
                "opened": opened,
                "opened_source": opened_source,
                "opt_in": True if ann is not None else _yes(r["opt_in_required"]),
                "status": "unannounced" if unannounced else "announced" if ann is not None else "available",
                "in_2019_count": _yes(r["existed_end_2019"]),
                "notes": notes,
            }
        )
    out = pd.DataFrame(rows)
    order = {"aws": 0, "aws-us-gov": 1, "aws-cn": 2, "aws-eusc": 3}
    rank = {"available": 0, "announced": 1, "unannounced": 2}
    out = out.assign(_o=out["partition"].map(order), _u=out["status"].map(rank))
    return out.sort_values(["_u", "_o", "code"]).drop(columns=["_o", "_u"]).reset_index(drop=True)


# AZ IDs the reference names explicitly (region -> IDs); other regions' IDs are not shipped.
AZ_IDS: dict[str, list[str]] = {
    "us-east-1": [f"use1-az{i}" for i in range(1, 7)],
    "ca-central-1": ["cac1-az1", "cac1-az2", "cac1-az4"],
    "eu-west-2": ["", "", "", "euw2-az4"],
    "us-gov-east-1": ["usge1-az1", "usge1-az2", "usge1-az3"],
    "us-gov-west-1": ["usgw1-az1", "usgw1-az2", "usgw1-az3"],
}


def build_azs(regions: pd.DataFrame) -> pd.DataFrame:
    """Return one row per Availability Zone of every announced region."""
    rows = []
    for r in regions[regions["status"] == "available"].to_dict("records"):
        n = int(r["az_count"])
        ids = AZ_IDS.get(r["code"], [])
        for i in range(n):
            rows.append(
                {
                    "region": r["code"],
                    "az_name": f"{r['code']}{chr(ord('a') + i)}",
                    "az_id": ids[i] if i < len(ids) else "",
                    "az_index": i + 1,
                    "name_source": "nominal: letters a, b, c, ... up to the region's AZ count",
                    "id_source": "reference README §1.1 (AWS AZ page and copies)"
                    if i < len(ids) and ids[i]
                    else "",
                    "opened": AZ_OPENED.get(r["code"], {}).get(i + 1, ("", ""))[0],
                    "opened_source": AZ_OPENED.get(r["code"], {}).get(i + 1, ("", AZ_DATE_UNKNOWN))[1],
                }
            )
    return pd.DataFrame(rows)


def _edge_frame(
    df: pd.DataFrame, *, snapshot: str, pops: pd.Series, pops_source: pd.Series, country_code: pd.Series
) -> pd.DataFrame:
    cc = country_code.astype(str)
    return pd.DataFrame(
        {
            "snapshot": snapshot,
            "iata": df["iata_prefix"].astype(str),
            "city": df["city"].astype(str).replace(CITY_FIX),
            "country": cc.map(COUNTRY_NAMES),
            "country_code": cc,
            "lat": df["lat"].astype(float),
            "lon": df["lon"].astype(float),
            "pops": pops.astype(int),
            "pops_source": pops_source,
        }
    )


def build_edges(ref: Path) -> pd.DataFrame:
    """Return the tidy edge-location table: one row per (snapshot, IATA prefix)."""
    e19 = pd.read_csv(ref / "edges_2019_11.csv", keep_default_na=False, na_values=[""])
    e24 = pd.read_csv(ref / "edges_2024_02.csv", keep_default_na=False, na_values=[""])
    e25 = pd.read_csv(ref / "edges_2025_05.csv", keep_default_na=False, na_values=[""])
    cc19 = e19["country"].map(COUNTRY_CODE_2019)
    assert cc19.notna().all(), e19.loc[cc19.isna(), "country"].tolist()
    # HKG is listed under "China" in 2019; its code is HK (as in the later lists).
    cc19 = cc19.where(e19["iata_prefix"] != "HKG", "HK")
    in19 = e19["pop_count_2019_11"].notna()
    frames = [
        _edge_frame(
            e19[in19],
            snapshot="2019-11-27",
            pops=e19.loc[in19, "pop_count_2019_11"],
            pops_source=pd.Series("EDGE-2019 count", index=e19.index[in19]),
            country_code=cc19[in19],
        ),
        _edge_frame(
            e19,
            snapshot="2020-01-25",
            pops=e19["pop_count_2020_01"],
            pops_source=pd.Series("EDGE-2020 count", index=e19.index),
            country_code=cc19,
        ),
        _edge_frame(
            e24,
            snapshot="2024-02-25",
            pops=e24["pop_count"],
            pops_source=pd.Series("EDGE-2024 count", index=e24.index),
            country_code=e24["country_code"],
        ),
    ]
    # 2025-05-04: fix the BLA (Barcelona, Venezuela) error -> BCN with the 2024 coordinates.
    e25 = e25.copy()
    bla = e25["iata_prefix"] == "BLA"
    bcn = e24[e24["iata_prefix"] == "BCN"].iloc[0]
    e25.loc[bla, ["iata_prefix", "country_code", "lat", "lon"]] = ["BCN", "ES", bcn["lat"], bcn["lon"]]
    has = e25["pop_count_2024_02"].notna()
    pops25 = e25["pop_count_2024_02"].fillna(1)
    src25 = pd.Series("EDGE-2024 count carried forward (2025 list has no counts)", index=e25.index)
    src25[~has] = "assumed 1: new in the 2025 list, no count published"
    src25[bla] = "EDGE-2024 count of BCN carried forward (2025 list has no counts)"
    frames.append(
        _edge_frame(
            e25, snapshot="2025-05-04", pops=pops25, pops_source=src25, country_code=e25["country_code"]
        )
    )
    out = pd.concat(frames, ignore_index=True)
    present = set(out.loc[out["snapshot"] == "2019-11-27", "iata"])
    out["present_2019"] = out["iata"].isin(present)
    first = out.groupby("iata")["snapshot"].min()
    out["first_listed"] = out["iata"].map(first)
    notes: dict[str, str] = {
        "BCN": "2025 source lists BLA (Barcelona, Venezuela) for Barcelona, Spain; corrected to BCN",
        "CMH": "also a Regional Edge Cache site (tobilg list)",
        "HIO": "Hillsboro airport, Portland metro; also a Regional Edge Cache site (tobilg list)",
        "TPA": "also a Regional Edge Cache site (tobilg list)",
        "PNQ": "also a Regional Edge Cache site (tobilg list)",
        "MCT": "also a Regional Edge Cache site (tobilg list)",
        "YTO": "metropolitan-area code (all Toronto airports); coordinates are Pearson (YYZ)",
        "IND": "2019 list names the city 'South Bend'; IND is Indianapolis",
        "DOH": "2025 source's city field says 'Qatar'",
    }
    out["note"] = out["iata"].map(notes).fillna("")
    assert out["country"].notna().all(), out.loc[out["country"].isna(), "country_code"].unique()
    return out.sort_values(["snapshot", "iata"]).reset_index(drop=True)


def build_recs() -> pd.DataFrame:
    """Return the 15 Regional Edge Caches (reference README §2.4 + the 2026-12 update)."""
    metro_src = "unsourced: REC metro list (reference README §2.4); count of 13 from WP-FIB"
    site_src = "EDGE-REC: tobilg/aws-edge-locations regionalEdgeCaches (site coordinates)"
    # rec id = co-located region code; metro; ISO-2; lat; lon; IATA where known
    rows = [
        ("us-east-1", "N. Virginia", "US", 39.04, -77.49, "", False),
        ("us-east-2", "Ohio (Columbus)", "US", 39.998, -82.892, "CMH", True),
        ("us-west-1", "N. California", "US", 37.35, -121.96, "", False),
        ("us-west-2", "Oregon (Hillsboro)", "US", 45.540, -122.950, "HIO", True),
        ("sa-east-1", "São Paulo", "BR", -23.55, -46.63, "", False),
        ("eu-central-1", "Frankfurt", "DE", 50.11, 8.68, "", False),
        ("eu-west-1", "Ireland (Dublin)", "IE", 53.35, -6.26, "", False),
        ("eu-west-2", "London", "GB", 51.51, -0.13, "", False),
        ("ap-south-1", "Mumbai", "IN", 19.08, 72.88, "", False),
        ("ap-northeast-2", "Seoul", "KR", 37.57, 126.98, "", False),
        ("ap-southeast-1", "Singapore", "SG", 1.35, 103.82, "", False),
        ("ap-southeast-2", "Sydney", "AU", -33.87, 151.21, "", False),
        ("ap-northeast-1", "Tokyo", "JP", 35.68, 139.69, "", False),
    ]
    # 2026-12 catalogue update: AWS lists 15 RECs; the 2 not above are taken to be the REC sites of
    # EDGE-REC outside those 13 metros (its PNQ is Mumbai's metro). id = site code (no region there);
    # region = the nearest region.
    extra = [
        ("TPA", "Tampa", "US", 27.980, -82.535, "TPA", "us-east-1"),
        ("MCT", "Muscat", "OM", 23.602, 58.290, "MCT", "me-central-1"),
    ]
    extra_src = (
        "count of 15 from AWS's CloudFront key-features page (2026-12); site and coordinates from "
        f"{site_src}; that it is one of the 15 is unsourced (the REC sites of that list outside "
        "the 13 metros)"
    )
    extra_rows = [
        {"rec": rid, "metro": metro, "country": COUNTRY_NAMES[cc], "country_code": cc, "lat": lat,
         "lon": lon, "region": region, "iata": iata, "sourced": True, "provenance": extra_src}
        for rid, metro, cc, lat, lon, iata, region in extra
    ]  # fmt: skip
    return pd.DataFrame(
        [
            {
                "rec": rid,
                "metro": metro,
                "country": COUNTRY_NAMES[cc],
                "country_code": cc,
                "lat": lat,
                "lon": lon,
                "region": rid,
                "iata": iata,
                "sourced": sourced,
                "provenance": (
                    f"{metro_src}; site {iata} from {site_src}"
                    if sourced
                    else f"{metro_src}; coordinates = the co-located region's (unsourced)"
                ),
            }
            for rid, metro, cc, lat, lon, iata, sourced in rows
        ]
        + extra_rows
    )


S3_SC = "S3-SC: awsdocs/amazon-s3-userguide storage-class-intro.md @0bd3dc39"
EBS_VT = "EBS-VT: awsdocs/amazon-ec2-user-guide ebs-volume-types.md @0147f878 + AWS provisioned-iops page"


def build_storage() -> pd.DataFrame:
    """Return storage classes (reference README §4)."""
    nines11 = 0.99999999999
    s3 = [
        # id, name, durability, avail, az_count, az_note, min_days, min_kb, lost_if_az, source
        ("s3-standard", "S3 Standard", nines11, 0.9999, 3, ">=3 AZs", 0, 0, False, S3_SC),
        ("s3-intelligent-tiering", "S3 Intelligent-Tiering", nines11, 0.999, 3, ">=3 AZs", 0, 0, False,
         S3_SC + "; older doc versions: 30-day minimum; objects < 128 KB are not auto-tiered"),
        ("s3-standard-ia", "S3 Standard-IA", nines11, 0.999, 3, ">=3 AZs", 30, 128, False, S3_SC),
        ("s3-one-zone-ia", "S3 One Zone-IA", nines11, 0.995, 1, "1 AZ; data lost if the AZ is destroyed",
         30, 128, True, S3_SC),
        ("s3-glacier-instant-retrieval", "S3 Glacier Instant Retrieval", nines11, 0.999, 3, ">=3 AZs",
         90, 128, False, S3_SC),
        ("s3-glacier-flexible-retrieval", "S3 Glacier Flexible Retrieval", nines11, 0.9999, 3,
         ">=3 AZs; availability after restore", 90, 40, False, S3_SC),
        ("s3-glacier-deep-archive", "S3 Glacier Deep Archive", nines11, 0.9999, 3,
         ">=3 AZs; availability after restore", 180, 40, False, S3_SC),
        ("s3-reduced-redundancy", "S3 Reduced Redundancy", 0.9999, 0.9999, 3,
         ">=3 AZs; not recommended (average annual expected loss 0.01% of objects)", 0, 0, False, S3_SC),
        ("s3-express-one-zone", "S3 Express One Zone", nines11, 0.9995, 1,
         "1 AZ; data lost if the AZ is destroyed", 0, 0, True,
         "durability/availability secondary (third-party notes citing the AWS storage-class table); "
         "minimum storage duration and billable size: none (AWS storage-class table, 2026-12 update)"),
    ]  # fmt: skip
    rows = []
    for sid, name, dur, avail, azs, note, days, kb, lost, src in s3:
        afr = round(1.0 - dur, 15)
        rows.append(
            {
                "storage_class": sid, "service": "S3", "name": name, "durability": dur,
                "durability_low": dur, "durability_high": dur,
                "annual_failure_rate_low": afr, "annual_failure_rate_high": afr,
                "designed_availability": avail, "az_count": azs, "az_note": note,
                "min_storage_days": days, "min_billable_kb": kb, "lost_if_az_destroyed": lost,
                "source": src,
            }
        )  # fmt: skip
    ebs = [
        ("ebs-gp3", "EBS gp3 (General Purpose SSD)", 0.998, 0.999, 0.001, 0.002),
        ("ebs-gp2", "EBS gp2 (General Purpose SSD)", 0.998, 0.999, 0.001, 0.002),
        ("ebs-io1", "EBS io1 (Provisioned IOPS SSD)", 0.998, 0.999, 0.001, 0.002),
        ("ebs-io2", "EBS io2 Block Express (Provisioned IOPS SSD)", 0.99999, 0.99999, 0.00001, 0.00001),
        ("ebs-st1", "EBS st1 (Throughput Optimized HDD)", 0.998, 0.999, 0.001, 0.002),
        ("ebs-sc1", "EBS sc1 (Cold HDD)", 0.998, 0.999, 0.001, 0.002),
    ]
    for sid, name, lo, hi, afr_lo, afr_hi in ebs:
        rows.append(
            {
                "storage_class": sid, "service": "EBS", "name": name, "durability": lo,
                "durability_low": lo, "durability_high": hi,
                "annual_failure_rate_low": afr_lo, "annual_failure_rate_high": afr_hi,
                "designed_availability": float("nan"), "az_count": 1,
                "az_note": "1 AZ (a volume is replicated within its AZ); lost if the AZ is destroyed",
                "min_storage_days": 0, "min_billable_kb": 0, "lost_if_az_destroyed": True,
                "source": EBS_VT + ("; since 2025-04-30 every io2 volume is Block Express"
                                    if sid == "ebs-io2" else ""),
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


def build_slas() -> pd.DataFrame:
    """Return SLA commitments (reference README §5)."""
    ec2 = "https://aws.amazon.com/compute/sla (version 2022-05-05)"
    s3 = "https://aws.amazon.com/s3/sla"
    cn = "cloudonaut.io SLA table 2019-01-31 (third-party; may have changed)"
    rows = [
        ("ec2-region", "EC2", "Region: instances in >= 2 AZs", 0.9999, "period", "2022-05-05", "high", ec2),
        ("ec2-instance", "EC2", "single instance", 0.995, "period", "2022-05-05", "high", ec2),
        ("ebs-region", "EBS", "Region", 0.9999, "period", "2022-05-31", "high", "https://aws.amazon.com/ebs/sla"),
        ("ebs-volume", "EBS", "single volume", 0.999, "period", "2022-05-31", "high", "https://aws.amazon.com/ebs/sla"),
        ("elb-multi-az", "Elastic Load Balancing", "load balancer in >= 2 AZs", 0.9999, "period",
         "2022-07-25", "high", "https://aws.amazon.com/elasticloadbalancing/sla"),
        ("elb-single-az", "Elastic Load Balancing", "single-AZ load balancer / GWLB", 0.999, "period",
         "2022-07-25", "high", "https://aws.amazon.com/elasticloadbalancing/sla"),
        ("rds-multi-az", "RDS", "Multi-AZ DB instance / cluster", 0.9995, "period", "2024-01-22", "high",
         "https://aws.amazon.com/rds/sla"),
        ("rds-single", "RDS", "Single-AZ DB instance", 0.995, "period", "2024-01-22", "high",
         "https://aws.amazon.com/rds/sla"),
        ("aurora-multi-az", "Aurora", "Multi-AZ cluster", 0.9999, "period", "2022-05-19", "high",
         "https://aws.amazon.com/rds/aurora/sla"),
        ("aurora-single-az", "Aurora", "Single-AZ cluster", 0.999, "period", "2022-05-19", "high",
         "https://aws.amazon.com/rds/aurora/sla"),
        ("route53", "Route 53", "hosted zones, DNS queries", 1.0, "period", "2022-08-29", "high",
         "Route 53 SLA (figure quoted since 2011; terms updated 2022-08-29 per a third-party report)"),
        ("route53-resolver-multi-az", "Route 53 Resolver", "endpoint in >= 2 AZs", 0.9999, "period",
         "2022-08-29", "high", "https://aws.amazon.com/route53/resolver/sla"),
        ("route53-resolver-single-az", "Route 53 Resolver", "single-AZ endpoint", 0.995, "period",
         "2022-08-29", "high", "https://aws.amazon.com/route53/resolver/sla"),
        ("cloudfront", "CloudFront", "distribution (error rate, 5-minute intervals)", 0.999, "request",
         "2022-05-05", "high", "https://aws.amazon.com/cloudfront/sla"),
        ("s3-standard", "S3", "S3 Standard", 0.999, "request", "2023-11-28", "high", s3),
        ("s3-express-one-zone", "S3", "S3 Express One Zone", 0.999, "request", "2023-11-28", "high", s3),
        ("s3-glacier-flexible-retrieval", "S3", "S3 Glacier Flexible Retrieval", 0.999, "request",
         "2023-11-28", "high", s3),
        ("s3-glacier-deep-archive", "S3", "S3 Glacier Deep Archive", 0.999, "request", "2023-11-28", "high",
         s3),
        ("s3-intelligent-tiering", "S3", "S3 Intelligent-Tiering", 0.99, "request", "2023-11-28", "high", s3),
        ("s3-standard-ia", "S3", "S3 Standard-IA", 0.99, "request", "2023-11-28", "high", s3),
        ("s3-one-zone-ia", "S3", "S3 One Zone-IA", 0.99, "request", "2023-11-28", "high", s3),
        ("s3-glacier-instant-retrieval", "S3", "S3 Glacier Instant Retrieval", 0.99, "request",
         "2023-11-28", "high", s3),
        ("lambda", "Lambda", "Region", 0.9995, "request", "2019-01-31", "medium", cn),
        ("api-gateway", "API Gateway", "Region", 0.9995, "request", "2019-01-31", "medium", cn),
        ("dynamodb", "DynamoDB", "standard table", 0.9999, "request", "2019-01-31", "medium", cn),
        ("dynamodb-global-tables", "DynamoDB", "global tables", 0.99999, "request", "", "low",
         "unsourced (no SLA page reached); date unknown"),
    ]  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=["sla", "service", "scope", "commitment", "measured", "last_updated", "confidence", "source"],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", type=Path, help="folder with the reference CSVs")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    args = parser.parse_args(argv)
    ref: Path = args.reference
    out: Path = args.out
    if not (ref / "regions.csv").is_file():
        print(f"error: {ref} has no regions.csv", file=sys.stderr)
        return 2
    regions = build_regions(ref)
    tables = {
        "regions.csv": regions,
        "availability_zones.csv": build_azs(regions),
        "edge_locations.csv": build_edges(ref),
        "regional_edge_caches.csv": build_recs(),
        "storage_classes.csv": build_storage(),
        "slas.csv": build_slas(),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_csv(out / name, index=False, lineterminator="\n", float_format="%.15g")
        print(f"wrote {out / name}: {len(df)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
