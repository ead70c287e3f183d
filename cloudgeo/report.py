"""The offline HTML report: the seed article's story computed from the shipped data.

:func:`build_report` returns one self-contained HTML page (plotly.js inlined once, the base
map's topojson injected before the first plot, no network needed to open it);
:func:`write_report` writes it to disk and can also export every figure as PNG or SVG. The
``cloudgeo report`` command calls :func:`write_report`.

The sections follow the seed: the infrastructure in 2019 and now; how fast the world's users
reach one region, several regions and CloudFront; S3 durability; the availability of the four
architectures; and a recommended placement. Every number comes from a public cloudgeo
function; the report only lays them out. Text that can come from user input (region codes and
names, labels) is HTML-escaped.

References
----------
Amazon S3 User Guide, "Data protection in Amazon S3" (99.999999999 % durability; 10,000,000
objects -> one object lost every 10,000 years on average).
AWS, "Global Infrastructure" (22 regions and more than 180 edge locations at the end of 2019).
"""

from __future__ import annotations

import datetime as _dt
import html
import os
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cloudgeo._asof import resolve_as_of
from cloudgeo._validate import check_choice, check_int
from cloudgeo.errors import CatalogDateWarning, InvalidInputError, InvalidTypeError, UnknownRegionError

if TYPE_CHECKING:
    import numpy as np
    import plotly.graph_objects as go

    from cloudgeo import scaling

__all__ = [
    "DEFAULT_REGIONS",
    "FIGURE_FORMATS",
    "SEED_DATE",
    "build_logs_report",
    "build_report",
    "bundled_trace_types",
    "report_figures",
    "write_logs_report",
    "write_report",
]

DEFAULT_REGIONS: tuple[str, ...] = ("us-east-1", "eu-west-1", "ap-southeast-1")
"""Regions of the "several regions" scenario (the first one is the "one region" scenario)."""

SEED_DATE = "2019-12-31"
"""The "then" of the report: the end of the year the seed article was written."""

FIGURE_FORMATS: tuple[str, ...] = ("png", "svg")
"""Static formats for ``figures_dir`` export."""

_MAP_POINTS = 1500  # users drawn on each map (a population-weighted sample; keeps the page < 3 MB)
_BUNDLE_DIR = "plotlyjs"  # data/plotlyjs: partial plotly.js built by scripts/build_plotly_bundle.py

# Two users of the seed: one in the Philippines (no AWS region there) and one in Singapore.
_SEED_USERS = pd.DataFrame(
    {"lat": [14.5995, 1.2903], "lon": [120.9842, 103.8520], "weight": [1.0, 1.0]},
    index=pd.Index(["Manila, Philippines", "Singapore"], name="user"),
)

_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.9em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table.cloudgeo-table{border-collapse:collapse;margin:.8em 0;font-size:.92em}
table.cloudgeo-table td,table.cloudgeo-table th{border:1px solid #ddd;padding:.25em .6em;text-align:right}
table.cloudgeo-table th{background:#f4f6f8}
.figure{margin:1em 0}.note{color:#555;font-size:.9em}
"""


@dataclass
class _Section:
    anchor: str
    title: str
    paragraphs: list[str] = field(default_factory=list)  # already-escaped HTML
    figures: dict[str, go.Figure] = field(default_factory=dict)  # div id -> figure


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _table(df: pd.DataFrame, *, float_format: str = "{:,.1f}") -> str:
    """One HTML table: units-aware column labels, one header row, per-column number formats."""
    view = df.rename(columns={c: _column_label(c) for c in df.columns})
    # the index name goes into the header's corner cell: one header row, not two
    view.columns.name, view.index.name = view.index.name, None
    formats = {c: _COLUMN_FORMATS[c].format for c in view.columns if c in _COLUMN_FORMATS}
    return str(
        view.to_html(
            escape=True,
            border=0,
            classes="cloudgeo-table",
            float_format=float_format.format,
            formatters=formats or None,
        )
    )


_COLUMN_LABELS = {
    "mean_ms": "mean RTT [ms]",
    "p50_ms": "median (p50) RTT [ms]",
    "p90_ms": "p90 RTT [ms]",
    "p99_ms": "p99 RTT [ms]",
    "distance_km": "distance [km]",
    "rtt_ms": "RTT [ms]",
    "title": "description",
    "availability": "availability [fraction]",
    "nines": "nines [-]",
    "downtime_per_year_text": "downtime a year",
    "single_points_of_failure": "single points of failure",
}
_COLUMN_FORMATS = {"availability [fraction]": "{:.6f}", "nines [-]": "{:.2f}"}


def _column_label(name: object) -> str:
    """Return a reader's label for a result column: known names, else ``x_ms`` -> ``x [ms]``."""
    text = str(name)
    if text in _COLUMN_LABELS:
        return _COLUMN_LABELS[text]
    if text.startswith("share_within_") and text.endswith("_ms"):
        return f"users within {text.removeprefix('share_within_').removesuffix('_ms')} ms [%]"
    for unit in ("ms", "km", "s", "h"):
        if text.endswith(f"_{unit}"):
            return f"{text.removesuffix(f'_{unit}').replace('_', ' ')} [{unit}]"
    return text


def _regions_frame(
    regions: Sequence[str] | pd.DataFrame, catalog_regions: pd.DataFrame, as_of: _dt.date | None = None
) -> pd.DataFrame:
    """Resolve the ``regions`` argument to a frame with ``name``, ``lat``, ``lon`` indexed by code."""
    if isinstance(regions, pd.DataFrame):
        frame = regions
        if "code" in frame.columns:
            frame = frame.set_index("code")
        missing = [c for c in ("lat", "lon") if c not in frame.columns]
        if missing:
            msg = (
                f"regions frame is missing column(s) {', '.join(missing)}; it has "
                f"{', '.join(map(str, frame.columns))}. Pass lat and lon columns indexed by region code."
            )
            raise InvalidInputError(msg)
        if frame.empty:
            msg = "regions frame is empty; pass at least one region."
            raise InvalidInputError(msg)
        if "name" not in frame.columns:
            frame = frame.assign(name=[str(i) for i in frame.index])
        return frame
    if isinstance(regions, str) or not isinstance(regions, Sequence):
        msg = (
            f"regions must be a sequence of region codes or a DataFrame, got {regions!r} "
            f"({type(regions).__name__}); e.g. regions=('us-east-1', 'eu-west-1')."
        )
        raise InvalidTypeError(msg)
    codes = [str(r) for r in regions]
    if not codes:
        msg = "regions is empty; pass at least one region code, e.g. ('us-east-1',)."
        raise InvalidInputError(msg)
    for code in codes:
        if code not in catalog_regions.index:
            _raise_not_open(code, catalog_regions, as_of)
    return catalog_regions.loc[codes]


def _raise_not_open(code: str, catalog_regions: pd.DataFrame, as_of: _dt.date | None) -> None:
    """Raise for a code not open on the report's date: when it opened later, say when."""
    from cloudgeo import catalog

    if as_of is not None:
        # CatalogDateError "region 'af-south-1' opened on 2020-04-22; as_of=... is before that"
        # for a real region opened later, UnknownRegionError (with suggestions) for a typo
        catalog.get_regions([code], as_of=as_of)
    raise UnknownRegionError(code, catalog_regions.index)


def _region_label(frame: pd.DataFrame, code: object) -> str:
    names = dict(zip(frame.index, frame["name"], strict=True)) if "name" in frame.columns else {}
    return f"{code} ({names.get(code, code)})"


def _pct(x: float, digits: int = 6) -> str:
    return f"{100 * x:.{digits}g} %"


def _infrastructure_section(as_of: _dt.date, then: _dt.date) -> _Section:
    from cloudgeo import catalog, plotting

    sec = _Section("infrastructure", "The infrastructure, then and now")
    rows = []
    for label, date in (("then", then), ("now", as_of)):
        regs = catalog.load_regions(as_of=date)
        edges = catalog.load_edge_locations(as_of=date)
        pops = int(edges["pops"].sum()) if "pops" in edges.columns else len(edges)
        rows.append(
            {
                "": label,
                "as of": date.isoformat(),
                "regions": len(regs),
                "Availability Zones": int(regs["az_count"].sum()),
                "edge locations (PoPs)": pops,
                "edge cities": len(edges),
            }
        )
    counts = pd.DataFrame(rows).set_index("")
    t, n = counts.iloc[0], counts.iloc[1]
    sec.paragraphs.append(
        f"<p>On {_e(t['as of'])} AWS had <b>{int(t['regions'])} regions</b> with "
        f"{int(t['Availability Zones'])} Availability Zones, and CloudFront had "
        f"<b>{int(t['edge locations (PoPs)'])} edge locations</b> (points of presence) in "
        f"{int(t['edge cities'])} cities. On {_e(n['as of'])} the catalogue lists "
        f"<b>{int(n['regions'])} regions</b>, {int(n['Availability Zones'])} Availability Zones and "
        f"<b>{int(n['edge locations (PoPs)'])} edge locations</b> in {int(n['edge cities'])} cities.</p>"
    )
    head = catalog.edge_network_headline()
    if as_of >= head.stated_on:  # AWS's dated figures, so 638 listed PoPs are not read as all
        sec.paragraphs.append(
            f"<p>The edge counts are those of the newest machine-readable list "
            f"({_e(head.listed_snapshot.isoformat())}: {head.listed_pops:,} PoPs in "
            f"{head.listed_cities:,} cities), a part of the network: AWS states "
            f"<b>{head.pops_min:,}+ PoPs in {head.cities_min:,}+ cities</b> and "
            f"{head.embedded_pops_min:,}+ embedded PoPs inside internet providers' networks "
            f"({_e(head.source)}).</p>"
        )
    sec.paragraphs.append(_table(counts, float_format="{:,.0f}"))
    sec.figures["cg-infrastructure"] = plotting.plot_infrastructure_comparison((then, as_of))
    sec.figures["cg-footprint-growth"] = plotting.plot_footprint_growth()
    return sec


def _latency_section(
    users: pd.DataFrame, several: pd.DataFrame, as_of: _dt.date, catalog_regions: pd.DataFrame
) -> _Section:
    from cloudgeo import catalog, latency, plotting

    sec = _Section("latency", "How fast the world's users reach the application")
    one = several.iloc[[0]]
    edges = catalog.load_edge_locations(as_of=as_of)
    one_label = f"one region: {_region_label(several, several.index[0])}"
    several_label = f"{len(several)} regions: {', '.join(map(str, several.index))}"
    cf_label = f"CloudFront: nearest of {len(edges)} edge cities"
    results = {
        one_label: latency.user_latency(users, one),
        several_label: latency.user_latency(users, several),
        cf_label: latency.user_latency(users, edges),
    }
    summary = pd.concat({label: latency.latency_summary(df) for label, df in results.items()}, axis=1).T
    summary.index.name = "users served from"
    shares = [c for c in summary.columns if str(c).startswith("share_within_")]
    summary = summary[["mean_ms", "p50_ms", "p90_ms", "p99_ms", *shares]]
    summary[shares] = summary[shares] * 100.0
    sec.paragraphs.append(
        f"<p>Users are the {len(users):,} cities of the shipped world-cities table, weighted by "
        "population; each user goes to the site with the lowest round trip. Round-trip times are "
        "modelled (the end-user path model: access, the way to where the country's traffic meets "
        "the global backbone, the backbone route and the data centre), not measured.</p>"
    )
    sec.paragraphs.append(_table(summary))
    sec.paragraphs.append(f"<p>{_e(_access_sentence())}</p>")
    sec.paragraphs.append(_table(_shares_by_group(users, results)))
    seed = latency.user_latency(_SEED_USERS, catalog_regions)
    seed_table = seed[["site", "distance_km", "rtt_ms"]].rename(columns={"site": "nearest region"})
    manila, singapore = (float(seed["rtt_ms"].iloc[i]) for i in range(2))
    sec.paragraphs.append(
        "<p>The seed's example: a user in the Philippines, where there is no Availability Zone, "
        f"waits about {manila:.0f} ms per round trip for the nearest region; a user in Singapore "
        f"about {singapore:.0f} ms. {_e(_seed_question_note(catalog_regions))}</p>"
    )
    sec.paragraphs.append(_table(seed_table))
    sec.figures["cg-latency-cdf"] = plotting.plot_latency_cdf(results)
    sec.figures["cg-latency-map"] = plotting.plot_user_latency_map(
        results[several_label], users=users, sites=several, max_points=_MAP_POINTS
    )
    return sec


#: Round-trip thresholds of the country-group table. [ms]
_GROUP_THRESHOLDS_MS = (20, 50, 100)


def _access_sentence() -> str:
    """One sentence on what the access term is, with the shipped per-country figures."""
    from cloudgeo import latency, population

    t = latency.ingress_table()
    pop = population.load_country_population()["population"].reindex(t.index).fillna(0.0)
    med = latency.weighted_quantile(t["access_ms"].to_numpy(), 0.5, weights=pop.to_numpy())
    de, ke = (float(latency.access_rtt_ms(c)) for c in ("DE", "KE"))
    return (
        "The access term is the last-mile round trip between a user's device and its provider's "
        "network, fitted per country on RIPE Atlas pings (fixed, fibre-class access: "
        f"population-weighted median {float(med):.0f} ms; Germany {de:.0f} ms, Kenya {ke:.0f} ms; "
        "mobile access adds 36 ms), and users in countries whose traffic enters the backbone at a "
        "distant exchange (the ingress hub, e.g. Kenya via London) also pay that detour."
    )


def _shares_by_group(users: pd.DataFrame, results: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Share of users [%] within 20/50/100 ms per continent (country group) and deployment."""
    from cloudgeo import latency, population
    from cloudgeo.price_classes import CONTINENT_NAMES

    cont = population.load_country_population()["continent"]
    group = users["country_code"].map(cont).map(CONTINENT_NAMES).fillna("other")
    cols: dict[str, pd.Series] = {}
    for label, df in results.items():
        short = label.split(":", 1)[0]
        per = {
            g: latency.latency_summary(df[group == g], thresholds_ms=_GROUP_THRESHOLDS_MS)
            for g in sorted(set(group))
        }
        for t in _GROUP_THRESHOLDS_MS:
            cols[f"{short}: within {t} ms [%]"] = pd.Series(
                {g: 100.0 * float(v[f"share_within_{t}_ms"]) for g, v in per.items()}
            )
    out = pd.DataFrame(cols)
    share = users.groupby(group)["weight"].sum()
    out.insert(0, "users [%]", 100.0 * share / share.sum())
    out.index.name = "country group (continent)"
    return out


def _seed_question_note(catalog_regions: pd.DataFrame) -> str:
    """Say which question the Philippines number answers, and give the article's other one."""
    from cloudgeo import latency

    text = 'This answers "how far is the nearest region?" (the best a user there can get).'
    if "ap-southeast-1" in catalog_regions.index and _nearest_code(catalog_regions) != "ap-southeast-1":
        single = latency.user_latency(_SEED_USERS.iloc[[0]], catalog_regions.loc[["ap-southeast-1"]])
        text += (
            " The article's single instance in Singapore (ap-southeast-1) answers \"what does this "
            f'deployment give?": {float(single["rtt_ms"].iloc[0]):.0f} ms for the same user '
            "(tutorial 02)."
        )
    return text


def _nearest_code(catalog_regions: pd.DataFrame) -> str:
    from cloudgeo import latency

    return str(latency.user_latency(_SEED_USERS.iloc[[0]], catalog_regions)["site"].iloc[0])


def _durability_section() -> _Section:
    from cloudgeo import durability, plotting

    sec = _Section("durability", "S3 durability: how much data to expect to lose")
    objects = 10_000_000
    result = durability.expected_losses(objects=objects, storage_class="s3-standard", years=1.0)
    losses_per_year = float(result.expected_losses)
    years_per_loss = float(result.mean_years_between_losses)
    sec.paragraphs.append(
        f"<p>S3 Standard is designed for 99.999999999 % (11 nines) annual durability. Store "
        f"{objects:,} objects and expect to lose {losses_per_year:.2g} objects a year: "
        f"<b>one object every {years_per_loss:,.0f} years</b> on average.</p>"
    )
    sec.figures["cg-durability"] = plotting.plot_durability(
        None, objects=objects, years=1.0, highlight="s3-standard"
    )
    sec.paragraphs.append(
        "<p>EBS is not object storage: its durability is an annual failure rate per volume "
        "(AWS quotes 0.1 % to 0.2 % for gp2, gp3, io1, st1 and sc1 and 0.001 % for io2 Block "
        "Express), so a fleet of 1,000 volumes should expect to lose one or two volumes a year "
        "unless it keeps snapshots (which live in S3). The second chart draws that per fleet size.</p>"
    )
    sec.figures["cg-ebs-volumes"] = plotting.plot_ebs_volume_losses()
    return sec


def _availability_section() -> _Section:
    from cloudgeo import availability, plotting

    sec = _Section("availability", "Availability of the four architectures")
    table = availability.compare_architectures()
    sec.paragraphs.append(
        "<p>One EC2 instance; the application plus a managed database (RDS); the application "
        "duplicated across Availability Zones behind a load balancer with a standby database; "
        "and several regions behind Route 53 failover.</p>"
    )
    view = table[["title", "availability", "nines", "downtime_per_year_text", "single_points_of_failure"]]
    sec.paragraphs.append(_table(view, float_format="{:,.6g}"))
    two, three = availability.multi_az(), availability.multi_az(az_count=3)
    sec.paragraphs.append(
        f"<p>The multi-AZ architecture uses cloudgeo's default of {two.parameters['az_count']} "
        f"Availability Zones (availability {two.availability:.6f}). Spreading the instances over "
        f"{three.parameters['az_count']} AZs (<code>multi_az(az_count=3)</code>) gives "
        f"{three.availability:.6f}: the shared load balancer, database and region, not the "
        "instances, limit it.</p>"
    )
    sec.figures["cg-availability"] = plotting.plot_availability(table, highlight="multi_az")
    return sec


_HIT_RATIOS = (0.0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)


_EDGE_HIT_RATIO = 0.9  # the report's assumed CloudFront edge hit ratio [fraction]
_REC_HIT_RATIO = 0.8  # and regional edge cache hit ratio [fraction]


def _volume_section(users: pd.DataFrame, origin: str, as_of: _dt.date) -> _Section:
    from cloudgeo import catalog

    sec = _Section("volume", f"Volume: S3 behind CloudFront (origin {origin})")
    edges = catalog.load_edge_locations(as_of=as_of)
    w = users["weight"].to_numpy(dtype=float) if "weight" in users.columns else None
    _add_request_paths(sec, users, origin, edges, w)
    _add_price_classes(sec, users, origin, edges)
    _add_hit_ratio_effect(sec, users, origin, edges, w)
    return sec


def _add_request_paths(
    sec: _Section, users: pd.DataFrame, origin: str, edges: pd.DataFrame, w: np.ndarray | None
) -> None:
    """Add where requests are served (edge, REC, origin): share and mean time to first byte."""
    from cloudgeo import latency

    h_edge, h_rec = _EDGE_HIT_RATIO, _REC_HIT_RATIO
    cdn = latency.cdn_ttfb_ms(users, origin, edges=edges, edge_hit_ratio=h_edge, rec_hit_ratio=h_rec)

    def mean(col: str) -> float:
        return _wmean(cdn[col], w)

    path = pd.DataFrame(
        {
            "share of requests [%]": [
                100 * h_edge,
                100 * (1 - h_edge) * h_rec,
                100 * (1 - h_edge) * (1 - h_rec),
            ],
            "mean time to first byte [ms]": [mean("hit_ms"), mean("rec_hit_ms"), mean("miss_ms")],
        },
        index=pd.Index(
            [
                "edge location (cache hit)",
                "regional edge cache (edge miss, REC hit)",
                f"origin {origin} (both miss)",
            ],
            name="request served by",
        ),
    )
    sec.paragraphs.append(
        f"<p>A viewer's request goes to the lowest-latency CloudFront edge location; on a miss the "
        f"edge asks its regional edge cache (REC), and on a second miss the REC fetches from the S3 "
        f"origin in {_e(origin)}. With an edge hit ratio of {h_edge:.0%} and a REC hit ratio of "
        f"{h_rec:.0%}, the world's users (population-weighted) see: expected time to first byte "
        f"<b>{mean('ttfb_ms'):.0f} ms through CloudFront against {mean('direct_ttfb_ms'):.0f} ms "
        "straight to the bucket</b> (TCP and TLS 1.3 set-up included; modelled, not measured).</p>"
    )
    sec.paragraphs.append(_table(path.round(1), float_format="{:,.1f}"))


_PRICE_CLASS_TOL_MS = 1.0  # a class "is enough" within this of the fastest class's mean [ms]


def _price_class_takeaway(table: pd.DataFrame, classes: tuple[str, ...]) -> str:
    """Say, from the computed means, the smallest class each group needs and any slower larger one."""
    enough: dict[str, list[str]] = {c: [] for c in classes}
    slower: list[str] = []
    for group, row in table.iterrows():
        means = row[list(classes)].to_numpy(dtype=float)
        first = next(i for i, v in enumerate(means) if v <= means.min() + _PRICE_CLASS_TOL_MS)
        enough[classes[first]].append(html.escape(str(group)))
        worse = [
            f"{classes[i + 1]} +{means[i + 1] - means[i]:,.1f} ms over {classes[i]}"
            for i in range(len(means) - 1)
            if means[i + 1] > means[i] + 0.05
        ]
        if worse:
            slower.append(f"{html.escape(str(group))} ({'; '.join(worse)})")
    parts = [
        f"{c} is enough for {', '.join(groups)}" if i == 0 else f"{', '.join(groups)} gain from {c}"
        for i, (c, groups) in enumerate(enough.items())
        if groups
    ]
    text = "; ".join(parts) + f" (within {_PRICE_CLASS_TOL_MS:g} ms of the fastest class)."
    if slower:
        text += (
            " A larger class is slower for " + ", ".join(slower) + ": CloudFront routes each viewer "
            "to the edge with the lowest latency to the viewer, and a newly included edge can sit "
            "behind a farther regional edge cache, so its misses take longer."
        )
    return text


def _add_price_classes(sec: _Section, users: pd.DataFrame, origin: str, edges: pd.DataFrame) -> None:
    """Add what each CloudFront price class holds and the time to first byte through it."""
    from cloudgeo import plotting, price_classes

    h_edge, h_rec = _EDGE_HIT_RATIO, _REC_HIT_RATIO
    result = price_classes.price_class_latency(
        users, origin, edges=edges, edge_hit_ratio=h_edge, rec_hit_ratio=h_rec
    )
    by_continent = result.table.rename(
        columns={"user_share": "users [%]", "direct_ms": "direct, no CDN [ms]"}
        | {c: f"{c} [ms]" for c in price_classes.PRICE_CLASSES}
    )
    by_continent["users [%]"] = 100 * by_continent["users [%]"]
    by_continent.index.name = "users in"
    table = price_classes.load_price_classes()
    holds = []
    for name in price_classes.PRICE_CLASSES:
        regions = list(dict.fromkeys(table.loc[table[name], "pricing_region"]))
        holds.append(
            {
                "price class": name,
                "edge cities": result.edges[name],
                "CloudFront pricing regions served": "; ".join(regions),
            }
        )
    sec.paragraphs.append(
        "<p>A distribution's <b>price class</b> limits the edge locations that serve it; viewers "
        "outside the class are served by the lowest-latency edge inside it. Which locations each class "
        'holds (Amazon CloudFront Developer Guide, "Choosing the price class for a CloudFront '
        'distribution", and the AWS CDK v2 <code>PriceClass</code> reference, read '
        "2026-12-04; shipped in <code>data/cloudfront_price_classes.csv</code>; mainland China is "
        "served by CloudFront in the China regions, outside every class):</p>"
    )
    sec.paragraphs.append(_table(pd.DataFrame(holds).set_index("price class"), float_format="{:,.0f}"))
    sec.paragraphs.append(
        "<p>Mean time to first byte per continent, straight to the origin and through each price "
        f"class. {_price_class_takeaway(result.table, price_classes.PRICE_CLASSES)}</p>"
    )
    sec.paragraphs.append(_table(by_continent, float_format="{:,.0f}"))
    sec.figures["cg-price-classes"] = plotting.plot_price_class_latency(result)


def _add_hit_ratio_effect(
    sec: _Section, users: pd.DataFrame, origin: str, edges: pd.DataFrame, w: np.ndarray | None
) -> None:
    """Add the mean time to first byte against the edge hit ratio (CloudFront and direct)."""
    from cloudgeo import latency, plotting

    h_rec = _REC_HIT_RATIO
    rows: dict[float, dict[str, float]] = {}
    for h in _HIT_RATIOS:
        out = latency.cdn_ttfb_ms(users, origin, edges=edges, edge_hit_ratio=h, rec_hit_ratio=h_rec)
        rows[h] = {
            "cloudfront_ms": _wmean(out["ttfb_ms"], w),
            "direct_ms": _wmean(out["direct_ttfb_ms"], w),
        }
    hits = pd.DataFrame.from_dict(rows, orient="index")
    hits.index.name = "edge hit ratio"
    sec.paragraphs.append(
        "<p>The edge hit ratio matters less than going through CloudFront at all. With the REC "
        f"hit ratio held at {h_rec:.0%}, the mean time to first byte is "
        f"{rows[0.0]['cloudfront_ms']:.0f} ms at a 0 % edge hit ratio (every request goes on to "
        f"the regional edge cache or the origin), {rows[0.9]['cloudfront_ms']:.0f} ms at 90 % and "
        f"{rows[0.99]['cloudfront_ms']:.0f} ms at 99 %, against {rows[0.0]['direct_ms']:.0f} ms "
        "straight to the bucket: most of the gain is the connection set-up (TCP and TLS) ending at "
        "a nearby edge, whose connections onward are already open.</p>"
    )
    sec.figures["cg-hit-ratio"] = plotting.plot_hit_ratio_effect(hits)


def _wmean(values: object, weights: object) -> float:
    import numpy as np

    arr = pd.Series(values).to_numpy(dtype=float)
    return float(np.average(arr, weights=None if weights is None else np.asarray(weights, dtype=float)))


def _elasticity_scenarios() -> dict[str, pd.Series]:
    """Return the report's two demand scenarios: a sudden surge and a daily cycle [requests/s]."""
    from cloudgeo import scaling

    return {
        "surge": scaling.surge_demand(
            "2019-07-01",
            days=1,
            base_rps=400,
            multiple=4,
            surge_after_s=10 * 3600,
            ramp_s=1800,
            surge_duration_s=6 * 3600,
            seed=1,
        ),
        "daily cycle": scaling.daily_demand(
            "2019-07-01", days=3, freq="5min", mean_rps=1200, daily_amplitude=0.6, seed=2
        ),
    }


def _add_elasticity_scenario(
    sec: _Section,
    key: str,
    demand: pd.Series,
    policies: Mapping[str, scaling.StepScalingPolicy | scaling.TargetTrackingPolicy],
    fleet: scaling.Fleet,
) -> None:
    """Add one scenario: every policy simulated, its figures as a table and a chart."""
    from cloudgeo import plotting, scaling

    results = {label: scaling.simulate_autoscaling(demand, p, fleet=fleet) for label, p in policies.items()}
    rows = {
        label: {
            "instance-hours": r.summary.instance_hours,
            "unserved demand [%]": 100 * r.summary.unserved_share,
            "mean utilisation [%]": 100 * r.summary.mean_utilisation,
            "fewest instances": r.summary.min_instances,
            "most instances": r.summary.max_instances,
            "scale-out actions": r.summary.scale_out_actions,
            "scale-in actions": r.summary.scale_in_actions,
        }
        for label, r in results.items()
    }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "policy"
    text = (
        "A sudden surge: 400 requests/s jumps to four times that within 30 minutes at 10:00 and "
        "falls back at 16:00."
        if key == "surge"
        else (
            "A daily cycle: three days around 1,200 requests/s, peaking at 20:00, with "
            "five-minute metric periods (EC2 basic monitoring; the alarm then needs 15 minutes)."
        )
    )
    sec.paragraphs.append(f"<h3>{_e(key.capitalize())}</h3><p>{_e(text)}</p>")
    sec.paragraphs.append(_table(frame, float_format="{:,.1f}"))
    sec.figures[f"cg-elasticity-{key.replace(' ', '-')}"] = plotting.plot_autoscaling_comparison(
        results, title=f"Autoscaling on a {key}: instances, capacity, utilisation"
    )


def _elasticity_section() -> _Section:
    from cloudgeo import scaling

    sec = _Section("elasticity", "Elasticity: the step policy beside target tracking")
    fleet = scaling.Fleet(capacity_per_instance=100, min_size=2, max_size=40, initial_size=6, warmup_s=300)
    step = scaling.StepScalingPolicy()
    policies: dict[str, scaling.StepScalingPolicy | scaling.TargetTrackingPolicy] = {
        "step (CPU > 80 % adds 30 %, < 30 % removes 20 %)": step,
        "step, scale-out only": scaling.StepScalingPolicy(scale_in_threshold=None),
        "target tracking (60 %)": scaling.TargetTrackingPolicy(target_utilisation=0.6),
    }
    sec.paragraphs.append(
        "<p>The seed's policy: a CloudWatch alarm on the group's average CPU above "
        f"{step.alarm_threshold:.0%} for {step.evaluation_periods} one-minute evaluation periods "
        f"adds {step.adjustment_percent:.0f} % capacity. Its scale-in half: a second alarm, "
        f"average CPU below {step.scale_in_threshold:.0%} for {step.scale_in_evaluation_periods} "
        f"periods, removes {step.scale_in_percent:.0f} %; after any action the group waits a "
        f"{step.cooldown_s:.0f} s cooldown, and new instances serve after a "
        f"{fleet.warmup_s:.0f} s warm-up. Fleet: {fleet.capacity_per_instance:.0f} requests/s per "
        f"instance, {fleet.min_size} to {fleet.max_size} instances, starting at "
        f"{fleet.initial_size}. Target tracking keeps utilisation near its target.</p>"
    )
    for key, demand in _elasticity_scenarios().items():
        _add_elasticity_scenario(sec, key, demand, policies, fleet)
    sec.paragraphs.append(
        '<p class="note">Without its scale-in alarm the step policy keeps every instance it '
        "added: the instance-hours column is the bill of never scaling back in.</p>"
    )
    return sec


_PLACEMENT_SUMMARY_LABELS = {
    "mean_rtt_ms": "weighted mean RTT [ms]",
    "p50_rtt_ms": "weighted median (p50) RTT [ms]",
    "p90_rtt_ms": "weighted p90 RTT [ms]",
    "p95_rtt_ms": "weighted p95 RTT [ms]",
    "p99_rtt_ms": "weighted p99 RTT [ms]",
    "worst_rtt_ms": "worst user's RTT [ms]",
}


def _placement_summary_frame(summary: pd.Series) -> pd.DataFrame:
    """Lay out ``PlacementResult.summary`` as a one-column table with readable labels and units.

    RTTs stay in ms; the ``share_within_<T>_ms`` fractions are shown as percentages of users.
    """
    rows: dict[str, float] = {}
    for key, value in summary.items():
        name = str(key)
        share = re.fullmatch(r"share_within_(.+)_ms", name)
        if share:
            rows[f"users within {share.group(1)} ms [%]"] = 100.0 * float(value)
        else:
            rows[_PLACEMENT_SUMMARY_LABELS.get(name, name)] = float(value)
    frame = pd.Series(rows, name="value", dtype="float64").to_frame()
    frame.index.name = "statistic"
    return frame


def _mean_placement_section(
    users: pd.DataFrame, as_of: _dt.date, k: int, *, section: _Section, lead: str, figure_id: str
) -> _Section:
    """Fill ``section`` with the mean-RTT placement of ``k`` standard-partition regions.

    ``lead`` is the opening sentence; ``{k}``, ``{n}`` (candidate count) and ``{sites}`` (the
    chosen regions, escaped) are filled in.
    """
    from cloudgeo import catalog, placement, plotting

    candidates = catalog.load_regions(as_of=as_of)
    if "partition" in candidates.columns:
        candidates = candidates[candidates["partition"] == "aws"]
    result = placement.optimize_placement(users, candidates, k, objective="mean")
    sites = ", ".join(_e(_region_label(candidates, s)) for s in result.sites)
    section.paragraphs.append(lead.format(k=k, n=len(candidates), sites=sites))
    section.paragraphs.append(_table(_placement_summary_frame(result.summary)))
    section.figures[figure_id] = plotting.plot_placement(result, users, candidates, max_points=_MAP_POINTS)
    return section


def _placement_section(users: pd.DataFrame, as_of: _dt.date, k: int) -> _Section:
    return _mean_placement_section(
        users,
        as_of,
        k,
        section=_Section("placement", f"A recommended placement: {k} regions for the world's users"),
        lead=(
            "<p>Choosing {k} of the {n} regions of the standard partition to minimise the "
            "population-weighted mean round-trip time of the world's users gives <b>{sites}</b>.</p>"
            '<p class="note">Population-weighted round-trip time of the world\'s users to their '
            "nearest chosen region, and the share of users within each threshold.</p>"
        ),
        figure_id="cg-placement",
    )


def _sections(
    regions: Sequence[str] | pd.DataFrame, as_of: object, then: object, placement_k: int
) -> tuple[str, list[_Section]]:
    as_of_date = resolve_as_of(as_of, "as_of")  # None: the catalogue's date; later dates warn
    then_date = resolve_as_of(then, "then")
    k = check_int(placement_k, "placement_k", minimum=1)
    with warnings.catch_warnings():
        # a date after the catalogue's was reported once above; the sections reuse it
        warnings.simplefilter("ignore", CatalogDateWarning)
        return as_of_date.isoformat(), _build_sections(regions, as_of_date, then_date, k)


def _build_sections(
    regions: Sequence[str] | pd.DataFrame, as_of_date: _dt.date, then_date: _dt.date, k: int
) -> list[_Section]:
    from cloudgeo import catalog, population

    catalog_regions = catalog.load_regions(as_of=as_of_date)
    several = _regions_frame(regions, catalog_regions, as_of_date)
    regions_are_codes = (
        not isinstance(regions, pd.DataFrame) and str(several.index[0]) in catalog_regions.index
    )
    users = population.load_world_cities()
    sections = [
        _infrastructure_section(as_of_date, then_date),
        _latency_section(users, several, as_of_date, catalog_regions),
        _durability_section(),
        _availability_section(),
        _volume_section(users, str(several.index[0]) if regions_are_codes else "us-east-1", as_of_date),
        _elasticity_section(),
        _placement_section(users, as_of_date, k),
    ]
    return sections


def _assemble(title: str, as_of: str, sections: Sequence[_Section]) -> str:
    import plotly

    from cloudgeo import plotting

    config = {**plotting.OFFLINE_CONFIG, "responsive": True}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        # base-map topojson first, then plotly.js (once), then the figures
        plotting.geo_assets_script(),
        f'<script type="text/javascript">{_plotlyjs(sections)}</script>',
        "</head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="note">Catalogue as of {_e(as_of)}. Built by cloudgeo from its shipped data; '
        f"plotly {_e(plotly.__version__)}. This file needs no network.</p>",
        "<nav><ul>",
        *(f'<li><a href="#{_e(s.anchor)}">{_e(s.title)}</a></li>' for s in sections),
        "</ul></nav>",
    ]
    for sec in sections:
        parts.append(f'<section id="{_e(sec.anchor)}"><h2>{_e(sec.title)}</h2>')
        parts.extend(sec.paragraphs)
        for div_id, fig in sec.figures.items():
            fragment = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=config)
            parts.append(f'<div class="figure">{fragment}</div>')
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def bundled_trace_types() -> frozenset[str]:
    """Return the trace types of cloudgeo's partial plotly.js bundle (``data/plotlyjs/``).

    Returns
    -------
    frozenset of str
        For example ``{"bar", "scatter", "scattergeo"}``; empty when the bundle was built for
        another plotly.js version than the installed plotly.py's (then the report inlines the
        full plotly.js). [-]

    Raises
    ------
    DataFileError
        ``data/plotlyjs/VERSION.json`` is missing or unreadable.
    """
    import json

    from plotly.offline import get_plotlyjs_version

    from cloudgeo._data import data_path
    from cloudgeo.errors import DataFileError

    path = data_path(f"{_BUNDLE_DIR}/VERSION.json")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        version, traces = str(meta["plotlyjs_version"]), [str(t) for t in meta["traces"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataFileError(str(path), [f"could not read the partial plotly.js metadata: {exc}"]) from None
    return frozenset(traces) if version == get_plotlyjs_version() else frozenset()


def _plotlyjs(sections: Sequence[_Section]) -> str:
    """Return the partial plotly.js bundle when it holds every trace type drawn, else the full one."""
    from plotly.offline import get_plotlyjs

    from cloudgeo._data import data_path

    used = {str(t.type) for sec in sections for fig in sec.figures.values() for t in fig.data}
    if used and used <= bundled_trace_types():
        return data_path(f"{_BUNDLE_DIR}/plotly-cloudgeo.min.js").read_text(encoding="utf-8")
    return str(get_plotlyjs())


def _build(
    regions: Sequence[str] | pd.DataFrame, as_of: object, then: object, placement_k: int, title: str
) -> tuple[str, dict[str, go.Figure]]:
    as_of_text, sections = _sections(regions, as_of, then, placement_k)
    figures = {div_id: fig for sec in sections for div_id, fig in sec.figures.items()}
    return _assemble(title, as_of_text, sections), figures


def build_report(
    *,
    regions: Sequence[str] | pd.DataFrame = DEFAULT_REGIONS,
    as_of: str | _dt.date | None = None,
    then: str | _dt.date = SEED_DATE,
    placement_k: int = 3,
    title: str = "cloudgeo: a global web application on AWS",
) -> str:
    """Build the offline HTML report and return it as a string.

    Parameters
    ----------
    regions : sequence of str or DataFrame, default ("us-east-1", "eu-west-1", "ap-southeast-1")
        Regions of the "several regions" latency scenario; the first one is the "one region"
        scenario. Either region codes from the catalogue or a DataFrame of your own sites with
        ``lat``, ``lon`` and optionally ``name`` columns, indexed by code (or with a ``code``
        column). [deg]
    as_of : str or datetime.date, optional
        Catalogue date for "now" (ISO ``YYYY-MM-DD``). Default: the catalogue's own date,
        :func:`cloudgeo.catalog.catalog_date` (never the wall clock); a later date warns.
    then : str or datetime.date, default "2019-12-31"
        Catalogue date for "then" (the seed article's year).
    placement_k : int, default 3
        Number of regions in the recommended placement. [count]
    title : str
        Page title (escaped).

    Returns
    -------
    str
        A complete HTML document: plotly.js inlined once, the base-map topojson injected
        before the first plot, figure divs with fixed ids (``cg-infrastructure``,
        ``cg-footprint-growth``, ``cg-latency-cdf``, ``cg-latency-map``, ``cg-durability``,
        ``cg-availability``, ``cg-placement``), so the output is deterministic for a given
        ``as_of``.

    Raises
    ------
    UnknownRegionError
        A region code is not in the catalogue at ``as_of``.
    CatalogDateError
        ``as_of`` or ``then`` is not an ISO date.
    InvalidInputError
        An empty region list or a regions frame without ``lat``/``lon``.

    References
    ----------
    Amazon S3 User Guide, "Data protection in Amazon S3" (designed durability).
    plotly.js ``PlotlyGeoAssets`` topojson lookup (plotly.js ``src/plots/geo/geo.js``).
    """
    return _build(regions, as_of, then, placement_k, title)[0]


def report_figures(
    *,
    regions: Sequence[str] | pd.DataFrame = DEFAULT_REGIONS,
    as_of: str | _dt.date | None = None,
    then: str | _dt.date = SEED_DATE,
    placement_k: int = 3,
) -> dict[str, go.Figure]:
    """Return the report's figures by div id (same arguments as :func:`build_report`).

    Returns
    -------
    dict of str to plotly.graph_objects.Figure
        ``{"cg-infrastructure": fig, ...}`` in report order.
    """
    return _build(regions, as_of, then, placement_k, "")[1]


def write_report(
    path: str | os.PathLike[str] = "cloudgeo-report.html",
    *,
    regions: Sequence[str] | pd.DataFrame = DEFAULT_REGIONS,
    as_of: str | _dt.date | None = None,
    then: str | _dt.date = SEED_DATE,
    placement_k: int = 3,
    title: str = "cloudgeo: a global web application on AWS",
    figures_dir: str | os.PathLike[str] | None = None,
    format: str = "png",
) -> Path:
    """Write the report to ``path`` (and optionally every figure to ``figures_dir``).

    Parameters
    ----------
    path : str or path-like, default "cloudgeo-report.html"
        Output HTML file; parent folders are created.
    regions, as_of, then, placement_k, title
        As in :func:`build_report`.
    figures_dir : str or path-like, optional
        Also export each figure as ``<figures_dir>/<name>.<format>`` (``infrastructure.png``,
        ``latency-cdf.png``, ...) via :func:`cloudgeo.plotting.export_figures` (needs kaleido
        and chromium).
    format : {"png", "svg"}, default "png"
        Static format of the exported figures.

    Returns
    -------
    pathlib.Path
        The written HTML file.

    Raises
    ------
    InvalidInputError
        ``format`` is not one of ``"png"``, ``"svg"``; plus the errors of :func:`build_report`.
    InvalidTypeError
        ``path`` or ``figures_dir`` is not a str or path-like.
    """
    fmt = check_choice(format, "format", FIGURE_FORMATS)
    out = _as_path(path, "path")
    if figures_dir is not None:
        figures_dir = _as_path(figures_dir, "figures_dir")
    text, figures = _build(regions, as_of, then, placement_k, title)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    if figures_dir is not None:
        _export(figures, Path(figures_dir), fmt)
    return out


def _as_path(value: object, name: str) -> Path:
    """Return ``value`` as a Path, or raise naming ``name`` if it is not a str or path-like."""
    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bytes):
        return Path(value)
    msg = f"{name} must be a str or os.PathLike file path, got {type(value).__name__}: {value!r}."
    raise InvalidTypeError(msg)


def _export(figures: Mapping[str, go.Figure], folder: Path, fmt: str) -> dict[str, Path]:
    from cloudgeo import plotting

    named = {div_id.removeprefix("cg-"): fig for div_id, fig in figures.items()}
    return plotting.export_figures(named, folder, format=fmt)


# --------------------------------------------------------------------------------------------
# the report for a user's own CloudFront logs (issue 19)
# --------------------------------------------------------------------------------------------

_LOG_CHUNK_ROWS = 1_000_000  # rows per chunk when the report reads log files itself


def _logs_source(logs: object) -> Callable[[], object]:
    """Return a function giving the logs afresh: paths are re-read in bounded chunks per analysis."""
    from cloudgeo.io import read_cloudfront_logs

    if isinstance(logs, (str, os.PathLike)) or (
        isinstance(logs, Sequence) and not isinstance(logs, pd.DataFrame) and all(
            isinstance(p, (str, os.PathLike)) for p in logs)
    ):  # fmt: skip
        return lambda: read_cloudfront_logs(logs, chunksize=_LOG_CHUNK_ROWS)
    return lambda: logs


def _traffic_section(source: Callable[[], object]) -> _Section:
    from cloudgeo.traffic import edge_traffic

    sec = _Section("traffic", "Your traffic: where the users are and how the edges serve them")
    traffic = edge_traffic(source())
    total = int(traffic["requests"].sum())
    hits = float((traffic["hit_ratio"] * traffic["requests"]).sum()) / total
    sec.paragraphs.append(
        f"<p>The logs hold <b>{total:,}</b> requests served by <b>{len(traffic)}</b> edge "
        f"cities; {100 * hits:.1f} % were served from the edge cache (Hit or RefreshHit).</p>"
    )
    sec.paragraphs.append(
        '<p class="note">The busiest edge cities: requests, bytes, hit ratio and the median and '
        "90th percentile of the time the edge took and of its time to first byte.</p>"
    )
    shown = traffic.head(15).drop(columns=["edge_lat", "edge_lon"]).set_index("edge_city")
    sec.paragraphs.append(_table(shown, float_format="{:,.3f}"))
    return sec


def _cdn_check_section(source: Callable[[], object], origin: str) -> _Section:
    from cloudgeo.errors import DataValidationError
    from cloudgeo.traffic import compare_cdn_with_logs

    sec = _Section("cdn-check", f"The CDN model against your traffic (origin {origin})")
    try:
        check = compare_cdn_with_logs(source(), origin)
    except DataValidationError as exc:
        sec.paragraphs.append(f"<p>Not enough misses to check the model: {_e(exc)}</p>")
        return sec
    sec.paragraphs.append(
        f"<p>On misses, the edge's time to first byte follows {check.scale:.2f} x the modelled "
        f"edge -> regional edge cache -> origin round trips + {check.origin_time_ms:.0f} ms "
        f"(fitted over {check.edges} edges, weighted by their misses).</p>"
    )
    cols = ["edge_city", "misses", "measured_ttfb_p50_ms", "rec", "modelled_fetch_ms", "residual_ms"]
    sec.paragraphs.append(_table(check.per_edge[cols].head(15).set_index("edge_city")))
    return sec


def _logs_placement_section(users: pd.DataFrame, as_of: _dt.date, k: int) -> _Section:
    return _mean_placement_section(
        users,
        as_of,
        k,
        section=_Section("placement", f"Where to place the origin: {k} region(s) for your users"),
        lead=(
            "<p>For the users your logs reveal (each edge's requests spread over the cities of its "
            "catchment by population, an approximation), the region(s) minimising the "
            "request-weighted mean round-trip time: <b>{sites}</b>.</p>"
        ),
        figure_id="cg-logs-placement",
    )


def build_logs_report(
    logs: object,
    *,
    origin_region: str = "us-east-1",
    placement_k: int = 1,
    as_of: str | _dt.date | None = None,
    title: str = "cloudgeo: your CloudFront traffic",
) -> str:
    """Build the offline HTML report for a user's own CloudFront logs.

    Sections: the traffic per edge (:func:`cloudgeo.traffic.edge_traffic`), the CDN model
    checked against the misses (:func:`cloudgeo.traffic.compare_cdn_with_logs`) and where to
    place the origin for the users the logs reveal (:func:`cloudgeo.traffic.population_from_logs`
    and :func:`cloudgeo.optimize_placement`).

    Parameters
    ----------
    logs : path, glob, list of them, pandas or dask DataFrame
        Log files (read three times in chunks of a million rows: memory stays bounded) or a
        frame from :func:`cloudgeo.io.read_cloudfront_logs`.
    origin_region : str, default "us-east-1"
        The distribution's current origin, for the CDN check.
    placement_k : int, default 1
        Regions to place. [count]
    as_of : str or datetime.date, optional
        Catalogue date (default: the catalogue's own).
    title : str
        Page title (escaped).

    Returns
    -------
    str
        A complete HTML document (figure div ``cg-logs-placement``).

    Raises
    ------
    LogFileNotFoundError, DataFileError
        As :func:`cloudgeo.io.read_cloudfront_logs`.
    UnknownRegionError
        ``origin_region`` is unknown.
    """
    from cloudgeo.traffic import population_from_logs

    as_of_date = resolve_as_of(as_of, "as_of")
    k = check_int(placement_k, "placement_k", minimum=1)
    source = _logs_source(logs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CatalogDateWarning)
        users = population_from_logs(source(), as_of=as_of_date)
        sections = [
            _traffic_section(source),
            _cdn_check_section(source, origin_region),
            _logs_placement_section(users, as_of_date, k),
        ]
    return _assemble(title, as_of_date.isoformat(), sections)


def write_logs_report(
    path: str | os.PathLike[str],
    logs: object,
    *,
    origin_region: str = "us-east-1",
    placement_k: int = 1,
    as_of: str | _dt.date | None = None,
    title: str = "cloudgeo: your CloudFront traffic",
) -> Path:
    """Write :func:`build_logs_report` to ``path`` (parent folders created); return the path.

    Parameters
    ----------
    path : str or path-like
        Output HTML file.
    logs, origin_region, placement_k, as_of, title
        As in :func:`build_logs_report`.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    InvalidTypeError
        ``path`` is not a str or path-like; plus the errors of :func:`build_logs_report`.
    """
    out = _as_path(path, "path")
    text = build_logs_report(
        logs, origin_region=origin_region, placement_k=placement_k, as_of=as_of, title=title
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out
