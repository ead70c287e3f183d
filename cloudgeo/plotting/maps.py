"""World maps: AWS infrastructure (now, then, its growth) and users coloured by latency.

Every map uses the natural-earth projection with ``fitbounds=False`` (plotly.js 4 would
otherwise zoom to the data) and plotly's base map, which cloudgeo ships (see
:mod:`cloudgeo.plotting.offline`). Users are drawn as a seeded, weight-proportional sample of
at most ``max_points``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cloudgeo._validate import check_bool, points_arrays, require_columns
from cloudgeo.errors import InvalidInputError, InvalidTypeError
from cloudgeo.plotting._common import check_max_points, sample_rows
from cloudgeo.plotting.style import (
    EDGE_COLOR,
    EDGE_SIZE_BASE_PX,
    EDGE_SIZE_PER_SQRT_POP_PX,
    QUALITATIVE,
    REC_COLOR,
    REC_SIZE_PX,
    REGION_COLOR,
    REGION_SIZE_BASE_PX,
    REGION_SIZE_PER_AZ_PX,
    RTT_COLORSCALE,
    base_layout,
    fmt_date,
    labels,
    new_figure,
    new_subplots,
    numeric_column,
    users_trace,
    world_geo_layout,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "plot_footprint_growth",
    "plot_infrastructure_comparison",
    "plot_infrastructure_map",
    "plot_user_latency_map",
]

# --------------------------------------------------------------------------------------------
# Infrastructure maps
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Footprint:
    """The infrastructure drawn on one map (edges and RECs None when not shown)."""

    regions: pd.DataFrame
    edges: pd.DataFrame | None
    recs: pd.DataFrame | None


def _load_frames(
    as_of: object,
    regions: pd.DataFrame | None,
    edges: pd.DataFrame | None,
    recs: pd.DataFrame | None,
    *,
    need_edges: bool,
    need_recs: bool,
) -> _Footprint:
    """Return the given frames, the missing ones from the catalogue as of ``as_of``."""
    if regions is None or (need_edges and edges is None) or (need_recs and recs is None):
        from cloudgeo import catalog

        if regions is None:
            regions = catalog.load_regions(as_of=as_of)
        if need_edges and edges is None:
            edges = catalog.load_edge_locations(as_of=as_of)
        if need_recs and recs is None:
            recs = catalog.load_regional_edge_caches()
    return _Footprint(regions, edges if need_edges else None, recs if need_recs else None)


def _region_trace(regions: pd.DataFrame, *, showlegend: bool = True, geo: str = "geo") -> Any:
    import plotly.graph_objects as go

    lat, lon, _ = points_arrays(regions, source="regions")
    require_columns(regions, ["az_count"], source="regions")
    az = pd.to_numeric(regions["az_count"], errors="raise").to_numpy(dtype=float)
    codes = labels(regions, "code")
    names = labels(regions, "name")
    opened = regions["opened"].tolist() if "opened" in regions.columns else [None] * len(regions)
    hover = [
        f"<b>{n}</b> ({c})<br>Availability Zones: {int(a)}<br>opened: {fmt_date(o)}"
        for c, n, a, o in zip(codes, names, az, opened, strict=True)
    ]
    return go.Scattergeo(
        lat=lat,
        lon=lon,
        mode="markers",
        name=f"Regions ({len(regions)}, {int(az.sum())} AZs; size = AZ count)",
        legendgroup="regions",
        showlegend=showlegend,
        marker={
            "size": REGION_SIZE_BASE_PX + REGION_SIZE_PER_AZ_PX * az,
            "color": REGION_COLOR,
            "line": {"width": 1, "color": "white"},
            "opacity": 0.9,
        },
        text=np.array(codes, dtype=str),
        hovertext=np.array(hover, dtype=str),
        hoverinfo="text",
        geo=geo,
    )


def _edge_trace(edges: pd.DataFrame, *, showlegend: bool = True, geo: str = "geo") -> Any:
    import plotly.graph_objects as go

    lat, lon, _ = points_arrays(edges, source="edge locations")
    require_columns(edges, ["pops"], source="edge locations")
    pops = pd.to_numeric(edges["pops"], errors="raise").to_numpy(dtype=float)
    codes = labels(edges, "iata")
    cities = labels(edges, "city")
    countries = labels(edges, "country")
    hover = [
        f"<b>{c}</b> {ci}, {co}<br>edge PoPs: {int(p)}"
        for c, ci, co, p in zip(codes, cities, countries, pops, strict=True)
    ]
    return go.Scattergeo(
        lat=lat,
        lon=lon,
        mode="markers",
        name=f"Edge locations ({len(edges)}, {int(pops.sum())} PoPs; size = PoP count)",
        legendgroup="edges",
        showlegend=showlegend,
        marker={
            "size": EDGE_SIZE_BASE_PX + EDGE_SIZE_PER_SQRT_POP_PX * np.sqrt(pops),
            "color": EDGE_COLOR,
            "opacity": 0.7,
        },
        text=np.array(codes, dtype=str),
        hovertext=np.array(hover, dtype=str),
        hoverinfo="text",
        geo=geo,
    )


def _rec_trace(recs: pd.DataFrame, *, showlegend: bool = True, geo: str = "geo") -> Any:
    import plotly.graph_objects as go

    lat, lon, _ = points_arrays(recs, source="regional edge caches")
    cities = labels(recs, "city", "metro")
    hover = [f"<b>Regional edge cache</b><br>{c}" for c in cities]
    return go.Scattergeo(
        lat=lat,
        lon=lon,
        mode="markers",
        name=f"Regional edge caches ({len(recs)})",
        legendgroup="recs",
        showlegend=showlegend,
        marker={
            "size": np.full(len(recs), REC_SIZE_PX),
            "symbol": "diamond-open",
            "color": REC_COLOR,
            "line": {"width": 2},
        },
        text=np.array(cities, dtype=str),
        hovertext=np.array(hover, dtype=str),
        hoverinfo="text",
        geo=geo,
    )


def _infrastructure_traces(footprint: _Footprint, *, showlegend: bool = True, geo: str = "geo") -> list[Any]:
    regions, edges, recs = footprint.regions, footprint.edges, footprint.recs
    traces = []
    if edges is not None:
        traces.append(_edge_trace(edges, showlegend=showlegend, geo=geo))
    traces.append(_region_trace(regions, showlegend=showlegend, geo=geo))
    if recs is not None:
        traces.append(_rec_trace(recs, showlegend=showlegend, geo=geo))
    return traces


def _infrastructure_summary(regions: pd.DataFrame, edges: pd.DataFrame | None) -> str:
    az = int(pd.to_numeric(regions["az_count"]).sum())
    text = f"{len(regions)} regions, {az} Availability Zones"
    if edges is not None:
        pops = int(pd.to_numeric(edges["pops"]).sum())
        text += f", {len(edges)} edge locations ({pops} PoPs)"
    return text


def _as_of_label(as_of: object) -> str:
    return "current catalogue" if as_of is None else f"as of {fmt_date(as_of)}"


def plot_infrastructure_map(
    *,
    as_of: object = None,
    regions: pd.DataFrame | None = None,
    edges: pd.DataFrame | None = None,
    recs: pd.DataFrame | None = None,
    show_edges: bool = True,
    show_recs: bool = True,
    title: str | None = None,
) -> go.Figure:
    """World map of AWS regions, CloudFront edge locations and regional edge caches.

    Regions are sized by their number of Availability Zones, edge locations by their number of
    points of presence (PoPs); hovering names each site and gives the counts.

    Parameters
    ----------
    as_of : str or datetime.date, optional
        Show the infrastructure on this date (``"2019-12-31"``); default the current catalogue.
        Only used for frames that are not given.
    regions : pandas.DataFrame, optional
        Regions with ``lat``, ``lon``, ``az_count`` (optional ``code``, ``name``, ``opened``);
        default ``cloudgeo.catalog.load_regions(as_of=as_of)``.
    edges : pandas.DataFrame, optional
        Edge locations with ``lat``, ``lon``, ``pops`` (optional ``iata``, ``city``,
        ``country``); default ``cloudgeo.catalog.load_edge_locations(as_of=as_of)``.
    recs : pandas.DataFrame, optional
        Regional edge caches with ``lat``, ``lon`` (optional ``city`` or ``metro``); default
        ``cloudgeo.catalog.load_regional_edge_caches()``.
    show_edges, show_recs : bool, default True
        Draw edge locations / regional edge caches.
    title : str, optional
        Figure title; default names the date and the counts.

    Returns
    -------
    plotly.graph_objects.Figure
        One geo subplot; traces in drawing order: edge locations, regions, regional edge
        caches (open diamonds, drawn on top), each only when shown.

    Raises
    ------
    DataValidationError
        If a frame lacks a required column or has bad coordinates.
    """
    show_edges, show_recs = check_bool(show_edges, "show_edges"), check_bool(show_recs, "show_recs")
    shown = _load_frames(as_of, regions, edges, recs, need_edges=show_edges, need_recs=show_recs)
    fig = new_figure()
    fig.add_traces(_infrastructure_traces(shown))
    summary = _infrastructure_summary(shown.regions, shown.edges)
    default = f"AWS global infrastructure, {_as_of_label(as_of)}: {summary}"
    base_layout(fig, title if title is not None else default, geo=world_geo_layout())
    return fig


def plot_infrastructure_comparison(
    as_of_dates: Sequence[object] = ("2019-12-31", None),
    *,
    show_edges: bool = True,
    show_recs: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Side-by-side world maps of the infrastructure on two (or more) dates.

    Parameters
    ----------
    as_of_dates : sequence of date-like or None, default ("2019-12-31", None)
        One map per entry; ``None`` is the current catalogue.
    show_edges : bool, default True
        Draw edge locations.
    show_recs : bool, default False
        Draw regional edge caches.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        ``len(as_of_dates)`` geo subplots (``geo``, ``geo2``, ...), each titled with its date
        and counts; the legend belongs to the first.

    Raises
    ------
    InvalidInputError
        If ``as_of_dates`` is empty or has more than four entries.
    InvalidTypeError
        If ``as_of_dates`` is not a sequence (a single date string is not).
    """
    if isinstance(as_of_dates, str) or not isinstance(as_of_dates, Sequence):
        from cloudgeo.errors import InvalidTypeError

        msg = (
            "as_of_dates must be a sequence of dates such as ('2019-12-31', None), "
            f"got {type(as_of_dates).__name__}: {as_of_dates!r}."
        )
        raise InvalidTypeError(msg)
    dates = list(as_of_dates)
    if not 1 <= len(dates) <= 4:
        msg = f"as_of_dates must hold 1 to 4 dates, got {len(dates)}: {dates!r}."
        raise InvalidInputError(msg)
    show_edges, show_recs = check_bool(show_edges, "show_edges"), check_bool(show_recs, "show_recs")
    frames = [_load_frames(d, None, None, None, need_edges=show_edges, need_recs=show_recs) for d in dates]
    # each subplot's own counts in its (two-line) title; the shared legend names kinds only
    titles = [
        f"{_as_of_label(d)}<br>{_infrastructure_summary(f.regions, f.edges)}"
        for d, f in zip(dates, frames, strict=True)
    ]
    fig = new_subplots(
        rows=1,
        cols=len(dates),
        specs=[[{"type": "geo"}] * len(dates)],
        subplot_titles=titles,
        horizontal_spacing=0.01,
    )
    for i, footprint in enumerate(frames):
        geo = "geo" if i == 0 else f"geo{i + 1}"
        traces = _infrastructure_traces(footprint, showlegend=i == 0, geo=geo)
        for trace in traces:
            trace.name = _LEGEND_KINDS.get(str(trace.name).split(" (")[0], trace.name)
            trace.legendgroup = trace.name
        fig.add_traces(traces)
    fig.update_geos(**world_geo_layout())
    base_layout(fig, title if title is not None else "AWS global infrastructure then and now", height=500)
    # the legend below the maps, clear of the subplot titles (issue 18)
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0.01}, margin={"t": 110, "b": 40}
    )
    fig.update_annotations(font_size=12)
    return fig


_LEGEND_KINDS = {
    "Regions": "Regions (size = AZ count)",
    "Edge locations": "Edge locations (size = PoP count)",
    "Regional edge caches": "Regional edge caches",
}


@dataclass(frozen=True)
class _RegionGrowth:
    """Regions and Availability Zones open at the end of each year."""

    year_ends: list[pd.Timestamp]  # the catalogue's own year ends at the catalogue's date
    regions: np.ndarray  # [count]
    availability_zones: np.ndarray  # today's AZ count of each open region [count]


def _region_growth(regions: pd.DataFrame, latest: pd.Timestamp) -> _RegionGrowth:
    require_columns(regions, ["opened", "az_count"], source="regions")
    opened = pd.to_datetime(regions["opened"])
    if opened.isna().any():
        missing = [str(i) for i in regions.index[opened.isna().to_numpy()]]
        msg = f"regions without an opening date cannot be placed on the timeline: {missing}"
        raise InvalidInputError(msg)
    az = numeric_column(regions, "az_count")
    years = np.arange(int(opened.dt.year.min()), max(int(opened.dt.year.max()), latest.year) + 1)
    # end of each year; the catalogue's own year up to the catalogue's date (never the wall clock)
    ends = [min(pd.Timestamp(year=int(y), month=12, day=31), max(latest, opened.max())) for y in years]
    year_of = opened.dt.year.to_numpy()
    n_regions = np.array([(year_of <= y).sum() for y in years])
    n_azs = np.array([az[year_of <= y].sum() for y in years])
    return _RegionGrowth(ends, n_regions, n_azs)


def _add_region_growth_traces(fig: go.Figure, growth: _RegionGrowth) -> None:
    """Add the regions (bars) and Availability Zones (line) on the left axis."""
    import plotly.graph_objects as go

    fig.add_trace(
        go.Bar(
            x=growth.year_ends,
            y=growth.regions,
            name="Regions (end of year)",
            marker_color=REGION_COLOR,
            width=200 * 86_400_000.0,
            hovertemplate="%{x|%Y-%m-%d}: %{y} regions<extra></extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=growth.year_ends,
            y=growth.availability_zones,
            mode="lines+markers",
            name="Availability Zones (today's count per open region)",
            line={"color": "#7a3b0c"},
            hovertemplate="%{x|%Y-%m-%d}: %{y} Availability Zones<extra></extra>",
        ),
        secondary_y=False,
    )


def _add_edge_snapshot_traces(fig: go.Figure, edge_snapshots: Mapping[object, pd.DataFrame]) -> None:
    """Add the edge PoPs and locations of each catalogue snapshot (markers, right axis)."""
    import plotly.graph_objects as go

    snaps = sorted(edge_snapshots.items(), key=lambda kv: pd.Timestamp(str(kv[0])))
    snap_x = [pd.Timestamp(str(d)) for d, _ in snaps]
    pops = [int(pd.to_numeric(e["pops"]).sum()) for _, e in snaps]
    locations = [len(e) for _, e in snaps]
    snap_labels = [fmt_date(d) for d, _ in snaps]
    for values, name, symbol in (
        (pops, "Edge PoPs", "circle"),
        (locations, "Edge locations (cities)", "square"),
    ):
        fig.add_trace(
            go.Scatter(
                x=snap_x,
                y=values,
                # snapshots only: no line pretends there are data between them
                mode="markers",
                name=f"{name} (catalogue snapshots)",
                marker={"symbol": symbol, "size": 10, "color": EDGE_COLOR},
                customdata=snap_labels,
                hovertemplate=f"%{{customdata}}: %{{y}} {name.lower()}<extra></extra>",
            ),
            secondary_y=True,
        )


def plot_footprint_growth(
    *,
    regions: pd.DataFrame | None = None,
    edge_snapshots: Mapping[object, pd.DataFrame] | None = None,
    title: str | None = None,
) -> go.Figure:
    """Regions, Availability Zones and CloudFront edge PoPs by year.

    Regions and AZs are counted at the end of each year from the regions' opening dates (the
    AZs of a region are counted at today's number from the year it opened: the catalogue has
    no dates for AZs added later). Edge locations and PoPs are the dated snapshots of the
    catalogue (no earlier lists are shipped).

    Parameters
    ----------
    regions : pandas.DataFrame, optional
        Regions with ``opened`` (date) and ``az_count``; default every region of
        ``cloudgeo.catalog.load_regions()``.
    edge_snapshots : mapping of date to pandas.DataFrame, optional
        Edge-location lists (with ``pops``) by snapshot date; default every snapshot in
        ``cloudgeo.catalog.edge_snapshot_dates()``.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: regions (bars), AZs (line), edge PoPs and edge locations (markers on the right
        axis); x are dates (31 December of each year; the catalogue's date,
        :func:`cloudgeo.catalog.catalog_date`, for its own year). A dotted
        line marks the end of 2019.

    Raises
    ------
    DataValidationError
        If ``regions`` lacks ``opened`` or ``az_count``.
    """
    from cloudgeo import catalog

    if regions is None or edge_snapshots is None:
        if regions is None:
            regions = catalog.load_regions()
        if edge_snapshots is None:
            edge_snapshots = {d: catalog.load_edge_locations(as_of=d) for d in catalog.edge_snapshot_dates()}
    if not isinstance(edge_snapshots, Mapping):
        msg = f"edge_snapshots must be a mapping of date -> edge table, got {type(edge_snapshots).__name__}."
        raise InvalidTypeError(msg)
    growth = _region_growth(regions, pd.Timestamp(catalog.catalog_date()))
    fig = new_subplots(specs=[[{"secondary_y": True}]])
    _add_region_growth_traces(fig, growth)
    _add_edge_snapshot_traces(fig, edge_snapshots)
    fig.add_vline(
        x=pd.Timestamp("2019-12-31").timestamp() * 1000,
        line={"dash": "dot", "color": "#888"},
        annotation_text="end of 2019 (the seed article)",
    )
    fig.update_xaxes(title_text="date (counts at the end of each year)", type="date")
    fig.update_yaxes(title_text="regions / Availability Zones [count]", secondary_y=False, rangemode="tozero")
    fig.update_yaxes(
        title_text="edge PoPs / locations [count]",
        secondary_y=True,
        rangemode="tozero",
        tickmode="auto",  # round ticks of its own (not synced to the left axis)
        nticks=8,
        showgrid=False,
    )
    base_layout(fig, title if title is not None else "Growth of the AWS footprint", height=460)
    return fig


# --------------------------------------------------------------------------------------------
# Latency
# --------------------------------------------------------------------------------------------


def _site_coordinates(site_ids: Sequence[object], sites: pd.DataFrame | None) -> pd.DataFrame:
    """Coordinates of the sites: from ``sites`` or, for region codes / edge IATA codes, the catalogue."""
    wanted = list(dict.fromkeys(site_ids))
    if sites is not None:
        points_arrays(sites, source="sites")
        return sites.loc[[s for s in wanted if s in sites.index]]
    from cloudgeo import catalog

    found = []
    for frame in (catalog.load_regions(), catalog.load_edge_locations()):
        hit = frame.loc[[s for s in wanted if s in frame.index]]
        found.append(hit[["lat", "lon"]])
        wanted = [s for s in wanted if s not in frame.index]
    return pd.concat(found) if found else pd.DataFrame(columns=["lat", "lon"])


def _user_hover(sub: pd.DataFrame) -> np.ndarray:
    """Return the drawn users' hover text: name, nearest site, RTT, distance, weight, country.

    Built column-wise from plain Python lists (not row by row, not iterating pandas/numpy
    scalars) and handed to plotly as an array: this runs on every widget update.
    """
    names = labels(sub, "name", "city") if ({"name", "city"} & set(sub.columns)) else None

    def floats(column: str) -> list[float]:
        return list(pd.to_numeric(sub[column]).to_numpy(dtype=float).tolist())

    columns: list[list[str]] = [
        [f"nearest site: {x}" for x in sub["site"].astype(str).tolist()],
        [f"RTT: {x:.1f} ms" for x in floats("rtt_ms")],
    ]
    if names:
        columns[0] = [f"<b>{n}</b><br>{t}" for n, t in zip(names, columns[0], strict=True)]
    if "distance_km" in sub.columns:
        columns.append([f"distance: {x:,.0f} km" for x in floats("distance_km")])
    if "weight" in sub.columns:
        columns.append([f"weight: {x:,.0f}" for x in floats("weight")])
    if "country_code" in sub.columns:
        columns.append([f"country: {x}" for x in sub["country_code"].astype(str).tolist()])
    hover = np.array(["<br>".join(parts) for parts in zip(*columns, strict=True)], dtype=str)
    return hover


def _user_marker(
    w: np.ndarray | None, rows: np.ndarray, rtt: np.ndarray, sub: pd.DataFrame, *, by_country: bool
) -> dict[str, Any]:
    """Return the users' marker: size ~ sqrt(weight), colour = RTT [ms] or country."""
    ws = w[rows] if w is not None else None
    size = 4.0 + 14.0 * np.sqrt(ws / ws.max()) if ws is not None and ws.max() > 0 else np.full(len(rows), 5.0)
    marker: dict[str, Any] = {"size": size, "opacity": 0.75, "line": {"width": 0}}
    if not by_country:
        marker.update(
            color=rtt[rows],
            colorscale=RTT_COLORSCALE,
            cmin=0.0,
            cmax=float(np.nanmax(rtt)) if len(rtt) else 1.0,
            colorbar={"title": {"text": "RTT [ms]"}, "thickness": 14},
            showscale=True,
        )
    else:
        codes = sub["country_code"].astype(str).tolist()
        palette = {c: QUALITATIVE[i % len(QUALITATIVE)] for i, c in enumerate(sorted(set(codes)))}
        marker["color"] = np.array([palette[c] for c in codes], dtype=str)
    return marker


def _add_site_trace(fig: go.Figure, used: list[Any], sites: pd.DataFrame | None) -> list[str]:
    """Add the sites serving the users (stars); return the ones without coordinates."""
    import plotly.graph_objects as go

    coords = _site_coordinates(used, sites)
    missing = [str(s) for s in used if s not in coords.index]
    site_ids = [str(s) for s in coords.index]
    fig.add_trace(
        go.Scattergeo(
            lat=coords["lat"].to_numpy(dtype=float),
            lon=coords["lon"].to_numpy(dtype=float),
            mode="markers",
            name=f"sites ({len(coords)})",
            text=site_ids,
            marker={"symbol": "star", "size": 16, "color": "black", "line": {"width": 1, "color": "white"}},
            hovertext=[f"<b>site {s}</b>" for s in site_ids],
            hoverinfo="text",
        )
    )
    return missing


def plot_user_latency_map(
    user_latency_df: pd.DataFrame,
    *,
    users: pd.DataFrame | None = None,
    color: str = "rtt_ms",
    sites: pd.DataFrame | None = None,
    max_points: int = 5000,
    title: str | None = None,
) -> go.Figure:
    """World map of users coloured by their RTT to the nearest site (or by country), sites marked.

    Parameters
    ----------
    user_latency_df : pandas.DataFrame
        Output of :func:`cloudgeo.latency.user_latency`: ``rtt_ms`` [ms], ``site``, optional
        ``distance_km`` [km] and ``weight``; with ``lat``, ``lon`` [deg] unless ``users`` is
        given.
    users : pandas.DataFrame, optional
        The users passed to ``user_latency`` (same index): supplies ``lat``, ``lon`` and, when
        present, ``name``/``city`` and ``country_code`` for the hover text.
    color : {"rtt_ms", "country_code"}, default "rtt_ms"
        Colour users by RTT (continuous scale) or by country.
    sites : pandas.DataFrame, optional
        Site coordinates (``lat``, ``lon``) indexed by the ids in ``site``; default: looked up
        among the catalogue's regions and edge locations (ids not found are listed in the title).
    max_points : int, default 5000
        Draw at most this many users; above it a seeded, weight-proportional random sample is
        drawn and the title says so (the statistics in the hover are per point, unchanged).
    title : str, optional
        Figure title (the sampling note is appended when sampling).

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0: users (marker size ~ sqrt(weight), colour by ``color``); trace 1: sites (stars).

    Raises
    ------
    DataValidationError
        If columns are missing (``lat``/``lon`` without ``users``) or coordinates are bad.
    InvalidInputError
        On an unknown ``color`` or ``max_points`` < 1.
    """
    from cloudgeo._validate import check_choice

    check_choice(color, "color", ("rtt_ms", "country_code"))
    n_max = check_max_points(max_points)
    df = require_columns(user_latency_df, ["rtt_ms", "site"], source="user_latency_df")
    info = df
    if users is not None:
        require_columns(users, ["lat", "lon"], source="users")
        if not users.index.equals(df.index):
            msg = "users must have the same index as user_latency_df (pass the users given to user_latency)."
            raise InvalidInputError(msg)
        # the latency table wins for columns both have (e.g. weight)
        info = pd.concat([users.drop(columns=[c for c in df.columns if c in users.columns]), df], axis=1)
    elif not {"lat", "lon"} <= set(df.columns):
        msg = (
            "user_latency_df has no lat/lon columns; pass users=<the users frame given to "
            "cloudgeo.latency.user_latency> so the points can be placed."
        )
        require_columns(df, ["lat", "lon"], source=msg)
    if color == "country_code":
        require_columns(info, ["country_code"], source="user_latency_df/users")
    lat, lon, w = points_arrays(info, source="users", weight="weight" if "weight" in info.columns else None)
    rtt = numeric_column(info, "rtt_ms")
    rows = sample_rows(len(info), n_max, w, seed=0)
    sub = info.iloc[rows]

    hover = _user_hover(sub)
    marker = _user_marker(w, rows, rtt, sub, by_country=color == "country_code")
    fig = new_figure()
    fig.add_trace(users_trace(lat[rows], lon[rows], marker, hover))
    missing = _add_site_trace(fig, pd.unique(df["site"]).tolist(), sites)
    wmean = float(np.average(rtt, weights=w)) if w is not None and w.sum() > 0 else float(np.mean(rtt))
    text = title if title is not None else f"RTT to the nearest site: weighted mean {wmean:.0f} ms"
    if len(rows) < len(info):
        text += f" (showing a random sample of {len(rows):,} of {len(info):,} users, seed 0)"
    if missing:
        text += f"; sites without coordinates not drawn: {', '.join(missing[:5])}"
    base_layout(fig, text, geo=world_geo_layout())
    return fig
