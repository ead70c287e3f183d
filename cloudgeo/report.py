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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cloudgeo._asof import resolve_as_of
from cloudgeo._validate import check_choice, check_int
from cloudgeo.errors import CatalogDateWarning, InvalidInputError, InvalidTypeError, UnknownRegionError

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "DEFAULT_REGIONS",
    "FIGURE_FORMATS",
    "SEED_DATE",
    "build_report",
    "report_figures",
    "write_report",
]

DEFAULT_REGIONS: tuple[str, ...] = ("us-east-1", "eu-west-1", "ap-southeast-1")
"""Regions of the "several regions" scenario (the first one is the "one region" scenario)."""

SEED_DATE = "2019-12-31"
"""The "then" of the report: the end of the year the seed article was written."""

FIGURE_FORMATS: tuple[str, ...] = ("png", "svg")
"""Static formats for ``figures_dir`` export."""

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
    return str(df.to_html(escape=True, border=0, classes="cloudgeo-table", float_format=float_format.format))


def _regions_frame(regions: Sequence[str] | pd.DataFrame, catalog_regions: pd.DataFrame) -> pd.DataFrame:
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
            raise UnknownRegionError(code, catalog_regions.index)
    return catalog_regions.loc[codes]


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
    summary = summary.rename(columns={c: c.replace("share_within_", "% within ") for c in shares})
    sec.paragraphs.append(
        f"<p>Users are the {len(users):,} cities of the shipped world-cities table, weighted by "
        "population; each user goes to the nearest site. Round-trip times are modelled (fibre "
        "path with route stretch plus the access network), not measured.</p>"
    )
    sec.paragraphs.append(_table(summary))
    seed = latency.user_latency(_SEED_USERS, catalog_regions)
    seed_table = seed[["site", "distance_km", "rtt_ms"]].rename(columns={"site": "nearest region"})
    manila, singapore = (float(seed["rtt_ms"].iloc[i]) for i in range(2))
    sec.paragraphs.append(
        "<p>The seed's example: a user in the Philippines, where there is no Availability Zone, "
        f"waits about {manila:.0f} ms per round trip for the nearest region; a user in Singapore "
        f"about {singapore:.0f} ms.</p>"
    )
    sec.paragraphs.append(_table(seed_table))
    sec.figures["cg-latency-cdf"] = plotting.plot_latency_cdf(results)
    sec.figures["cg-latency-map"] = plotting.plot_user_latency_map(
        results[several_label], users=users, sites=several
    )
    return sec


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
    sec.figures["cg-availability"] = plotting.plot_availability(table, highlight="multi_az")
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


def _placement_section(users: pd.DataFrame, as_of: _dt.date, k: int) -> _Section:
    from cloudgeo import catalog, placement, plotting

    sec = _Section("placement", f"A recommended placement: {k} regions for the world's users")
    candidates = catalog.load_regions(as_of=as_of)
    if "partition" in candidates.columns:
        candidates = candidates[candidates["partition"] == "aws"]
    result = placement.optimize_placement(users, candidates, k, objective="mean")
    sites = ", ".join(_e(_region_label(candidates, s)) for s in result.sites)
    sec.paragraphs.append(
        f"<p>Choosing {k} of the {len(candidates)} regions of the standard partition to minimise the "
        f"population-weighted mean round-trip time of the world's users gives <b>{sites}</b>.</p>"
    )
    sec.paragraphs.append(
        '<p class="note">Population-weighted round-trip time of the world\'s users to their '
        "nearest chosen region, and the share of users within each threshold.</p>"
    )
    sec.paragraphs.append(_table(_placement_summary_frame(result.summary)))
    sec.figures["cg-placement"] = plotting.plot_placement(result, users, candidates)
    return sec


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
    several = _regions_frame(regions, catalog_regions)
    users = population.load_world_cities()
    sections = [
        _infrastructure_section(as_of_date, then_date),
        _latency_section(users, several, as_of_date, catalog_regions),
        _durability_section(),
        _availability_section(),
        _placement_section(users, as_of_date, k),
    ]
    return sections


def _assemble(title: str, as_of: str, sections: Sequence[_Section]) -> str:
    import plotly
    from plotly.offline import get_plotlyjs

    from cloudgeo import plotting

    config = {**plotting.OFFLINE_CONFIG, "responsive": True}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        # base-map topojson first, then plotly.js (once), then the figures
        plotting.geo_assets_script(),
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
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
