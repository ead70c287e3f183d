"""Figures: world maps of AWS infrastructure and users, latency, durability, availability, scaling.

Every ``plot_*`` function takes tidy DataFrames or result objects and returns a
:class:`plotly.graph_objects.Figure`. Nothing is displayed and nothing is written: leave the
figure as the last expression of a notebook cell, write it with :func:`to_offline_html`, or
export it with :func:`export_figure`.

Geo maps need plotly's base map. cloudgeo ships it, so maps draw with no network once
:func:`enable_offline_maps` has run in the notebook (HTML from :func:`to_offline_html` and images
from :func:`export_figure` carry it by themselves). Every world map uses the natural-earth
projection with ``fitbounds=False`` (plotly.js 4 would otherwise zoom to the data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cloudgeo._offline import (
    IMAGE_FORMATS,
    OFFLINE_CONFIG,
    enable_offline_maps,
    export_figure,
    export_figures,
    find_chromium,
    geo_assets_script,
    geo_topojson_names,
    to_offline_html,
    topojson_dir,
    vendored_plotlyjs_version,
)
from cloudgeo._plot_decisions import (
    plot_autoscaling,
    plot_autoscaling_comparison,
    plot_availability,
    plot_durability,
    plot_ebs_volume_losses,
    plot_failover,
    plot_hit_ratio_effect,
    plot_placement,
    plot_placement_frontier,
    plot_price_class_latency,
)
from cloudgeo._plotcommon import check_max_points, sample_rows
from cloudgeo._plotstyle import (
    EDGE_COLOR,
    EDGE_SIZE_BASE_PX,
    EDGE_SIZE_PER_SQRT_POP_PX,
    LAND_COLOR,
    OCEAN_COLOR,
    QUALITATIVE,
    REC_COLOR,
    REC_SIZE_PX,
    REGION_COLOR,
    REGION_SIZE_BASE_PX,
    REGION_SIZE_PER_AZ_PX,
    RTT_COLORSCALE,
    numeric_column,
    world_geo_layout,
)
from cloudgeo._plotstyle import base_layout as _base_layout
from cloudgeo._plotstyle import fmt_date as _fmt_date
from cloudgeo._plotstyle import labels as _labels
from cloudgeo._plotstyle import new_figure as _figure
from cloudgeo._plotstyle import new_subplots as _subplots
from cloudgeo._plotstyle import users_trace as _users_trace
from cloudgeo._validate import check_bool, check_thresholds, points_arrays, require_columns
from cloudgeo.errors import InvalidInputError, InvalidTypeError
from cloudgeo.stats import weighted_quantile

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "IMAGE_FORMATS",
    "LAND_COLOR",
    "OCEAN_COLOR",
    "OFFLINE_CONFIG",
    "enable_offline_maps",
    "export_figure",
    "export_figures",
    "find_chromium",
    "geo_assets_script",
    "geo_topojson_names",
    "plot_autoscaling",
    "plot_autoscaling_comparison",
    "plot_availability",
    "plot_durability",
    "plot_ebs_volume_losses",
    "plot_failover",
    "plot_footprint_growth",
    "plot_hit_ratio_effect",
    "plot_infrastructure_comparison",
    "plot_infrastructure_map",
    "plot_latency_cdf",
    "plot_placement",
    "plot_placement_frontier",
    "plot_price_class_latency",
    "plot_rtt_matrix",
    "plot_user_latency_map",
    "to_offline_html",
    "topojson_dir",
    "vendored_plotlyjs_version",
    "world_geo_layout",
]

# --------------------------------------------------------------------------------------------
# Infrastructure maps
# --------------------------------------------------------------------------------------------


def _load_frames(
    as_of: object,
    regions: pd.DataFrame | None,
    edges: pd.DataFrame | None,
    recs: pd.DataFrame | None,
    *,
    need_edges: bool,
    need_recs: bool,
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None]:
    if regions is None or (need_edges and edges is None) or (need_recs and recs is None):
        from cloudgeo import catalog

        if regions is None:
            regions = catalog.load_regions(as_of=as_of)
        if need_edges and edges is None:
            edges = catalog.load_edge_locations(as_of=as_of)
        if need_recs and recs is None:
            recs = catalog.load_regional_edge_caches()
    return regions, (edges if need_edges else None), (recs if need_recs else None)


def _region_trace(regions: pd.DataFrame, *, showlegend: bool = True, geo: str = "geo") -> Any:
    import plotly.graph_objects as go

    lat, lon, _ = points_arrays(regions, source="regions")
    require_columns(regions, ["az_count"], source="regions")
    az = pd.to_numeric(regions["az_count"], errors="raise").to_numpy(dtype=float)
    codes = _labels(regions, "code")
    names = _labels(regions, "name")
    opened = regions["opened"].tolist() if "opened" in regions.columns else [None] * len(regions)
    hover = [
        f"<b>{n}</b> ({c})<br>Availability Zones: {int(a)}<br>opened: {_fmt_date(o)}"
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
    codes = _labels(edges, "iata")
    cities = _labels(edges, "city")
    countries = _labels(edges, "country")
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
    cities = _labels(recs, "city", "metro")
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


def _infrastructure_traces(
    regions: pd.DataFrame,
    edges: pd.DataFrame | None,
    recs: pd.DataFrame | None,
    *,
    showlegend: bool = True,
    geo: str = "geo",
) -> list[Any]:
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
    return "current catalogue" if as_of is None else f"as of {_fmt_date(as_of)}"


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
    regions, edges, recs = _load_frames(
        as_of, regions, edges, recs, need_edges=show_edges, need_recs=show_recs
    )
    fig = _figure()
    fig.add_traces(_infrastructure_traces(regions, edges, recs))
    default = f"AWS global infrastructure, {_as_of_label(as_of)}: {_infrastructure_summary(regions, edges)}"
    _base_layout(fig, title if title is not None else default, geo=world_geo_layout())
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
        f"{_as_of_label(d)}<br>{_infrastructure_summary(r, e)}"
        for d, (r, e, _) in zip(dates, frames, strict=True)
    ]
    fig = _subplots(
        rows=1,
        cols=len(dates),
        specs=[[{"type": "geo"}] * len(dates)],
        subplot_titles=titles,
        horizontal_spacing=0.01,
    )
    for i, (regions, edges, recs) in enumerate(frames):
        geo = "geo" if i == 0 else f"geo{i + 1}"
        traces = _infrastructure_traces(regions, edges, recs, showlegend=i == 0, geo=geo)
        for trace in traces:
            trace.name = _LEGEND_KINDS.get(str(trace.name).split(" (")[0], trace.name)
            trace.legendgroup = trace.name
        fig.add_traces(traces)
    fig.update_geos(**world_geo_layout())
    _base_layout(fig, title if title is not None else "AWS global infrastructure then and now", height=500)
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


def plot_footprint_growth(
    *,
    regions: pd.DataFrame | None = None,
    edge_snapshots: Mapping[object, pd.DataFrame] | None = None,
    title: str | None = None,
) -> go.Figure:
    """Regions, Availability Zones and CloudFront edge PoPs by year.

    Regions and AZs are counted at the end of each year: regions from their opening dates, AZs
    (for the catalogue's regions) from each AZ's own opening date where a source gives it, else
    from its region's (:func:`cloudgeo.catalog.load_availability_zones`); for ``regions`` of
    your own, at their ``az_count`` from the year each opened. Edge locations and PoPs are the
    dated snapshots of the catalogue (no earlier lists are shipped).

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
    import plotly.graph_objects as go

    from cloudgeo import catalog

    dated_azs = regions is None
    if regions is None or edge_snapshots is None:
        if regions is None:
            regions = catalog.load_regions()
        if edge_snapshots is None:
            edge_snapshots = {d: catalog.load_edge_locations(as_of=d) for d in catalog.edge_snapshot_dates()}
    if not isinstance(edge_snapshots, Mapping):
        msg = f"edge_snapshots must be a mapping of date -> edge table, got {type(edge_snapshots).__name__}."
        raise InvalidTypeError(msg)
    require_columns(regions, ["opened", "az_count"], source="regions")
    opened = pd.to_datetime(regions["opened"])
    if opened.isna().any():
        missing = [str(i) for i in regions.index[opened.isna().to_numpy()]]
        msg = f"regions without an opening date cannot be placed on the timeline: {missing}"
        raise InvalidInputError(msg)
    az = numeric_column(regions, "az_count")
    latest = pd.Timestamp(catalog.catalog_date())
    years = np.arange(int(opened.dt.year.min()), max(int(opened.dt.year.max()), latest.year) + 1)
    # end of each year; the catalogue's own year up to the catalogue's date (never the wall clock)
    ends = [min(pd.Timestamp(year=int(y), month=12, day=31), max(latest, opened.max())) for y in years]
    year_of = opened.dt.year.to_numpy()
    n_regions = np.array([(year_of <= y).sum() for y in years])
    if dated_azs:  # the catalogue's AZs, each counted from its own opening date where known
        n_azs = np.array([len(catalog.load_availability_zones(as_of=e.date())) for e in ends])
    else:
        n_azs = np.array([az[year_of <= y].sum() for y in years])
    snaps = sorted(edge_snapshots.items(), key=lambda kv: pd.Timestamp(str(kv[0])))
    snap_x = [pd.Timestamp(str(d)) for d, _ in snaps]
    pops = [int(pd.to_numeric(e["pops"]).sum()) for _, e in snaps]
    locations = [len(e) for _, e in snaps]
    snap_labels = [_fmt_date(d) for d, _ in snaps]
    fig = _subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(
            x=ends,
            y=n_regions,
            name="Regions (end of year)",
            marker_color=REGION_COLOR,
            width=200 * 86_400_000.0,
            hovertemplate="%{x|%Y-%m-%d}: %{y} regions<extra></extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=ends,
            y=n_azs,
            mode="lines+markers",
            name="Availability Zones (end of year)",
            line={"color": "#7a3b0c"},
            hovertemplate="%{x|%Y-%m-%d}: %{y} Availability Zones<extra></extra>",
        ),
        secondary_y=False,
    )
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
    fig.add_vline(
        x=pd.Timestamp("2019-12-31").timestamp() * 1000,
        line={"dash": "dot", "color": "#888"},
        annotation_text="end of 2019 (the seed article)",
    )
    # ticks on the year ends the bars stand on, labelled with their year (a tick at 1 January
    # would put the end-2019 bar above "2020")
    tick_ends = [e for e, y in zip(ends, years, strict=True) if int(y) % 2 == int(years[-1]) % 2]
    fig.update_xaxes(
        title_text="end of year (the catalogue's own year: up to its date)",
        type="date",
        tickvals=tick_ends,
        ticktext=[str(e.year) for e in tick_ends],
    )
    fig.update_yaxes(title_text="regions / Availability Zones [count]", secondary_y=False, rangemode="tozero")
    fig.update_yaxes(
        title_text="edge PoPs / locations [count]",
        secondary_y=True,
        rangemode="tozero",
        tickmode="auto",  # round ticks of its own (not synced to the left axis)
        nticks=8,
        showgrid=False,
    )
    _base_layout(fig, title if title is not None else "Growth of the AWS footprint", height=460)
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
    import plotly.graph_objects as go

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
    names = _labels(sub, "name", "city") if ({"name", "city"} & set(sub.columns)) else None

    # built column-wise from plain Python lists (not row by row, not iterating pandas/numpy
    # scalars) and handed to plotly as an array: this runs on every widget update
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
    ws = w[rows] if w is not None else None
    size = 4.0 + 14.0 * np.sqrt(ws / ws.max()) if ws is not None and ws.max() > 0 else np.full(len(rows), 5.0)
    marker: dict[str, Any] = {"size": size, "opacity": 0.75, "line": {"width": 0}}
    if color == "rtt_ms":
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
    fig = _figure()
    fig.add_trace(_users_trace(lat[rows], lon[rows], marker, hover))
    used = pd.unique(df["site"]).tolist()  # in order of first appearance
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
    wmean = float(np.average(rtt, weights=w)) if w is not None and w.sum() > 0 else float(np.mean(rtt))
    text = title if title is not None else f"RTT to the nearest site: weighted mean {wmean:.0f} ms"
    if len(rows) < len(info):
        text += f" (showing a random sample of {len(rows):,} of {len(info):,} users, seed 0)"
    if missing:
        text += f"; sites without coordinates not drawn: {', '.join(missing[:5])}"
    _base_layout(fig, text, geo=world_geo_layout())
    return fig


def _weighted_cdf(
    values: np.ndarray, weights: np.ndarray, max_steps: int = 2000
) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(values, kind="stable")
    x = values[order]
    share = np.cumsum(weights[order]) / weights.sum()
    # one point per distinct value (the last, i.e. the CDF after the step)
    last = np.r_[x[1:] != x[:-1], True]
    x, share = x[last], share[last]
    if len(x) > max_steps:
        # keep the points where the CDF crosses each 1/max_steps level, and both ends
        levels = np.searchsorted(share, np.linspace(0, 1, max_steps + 1), side="left")
        keep = np.unique(np.clip(np.r_[0, levels, len(x) - 1], 0, len(x) - 1))
        x, share = x[keep], share[keep]
    return x, share


def plot_latency_cdf(
    results: Mapping[str, pd.DataFrame] | pd.DataFrame,
    *,
    weight: str | None = "weight",
    thresholds_ms: Sequence[float] = (50.0, 100.0, 150.0),
    title: str | None = None,
) -> go.Figure:
    """Weighted cumulative distribution of RTT for one or several placements, on one chart.

    Parameters
    ----------
    results : mapping of str to pandas.DataFrame, or one DataFrame
        ``user_latency`` outputs by label, each with ``rtt_ms`` [ms] and (optionally) a weight
        column.
    weight : str or None, default "weight"
        Weight column; ``None``, or a frame without that column, weighs every row equally (the
        legend then says "unweighted").
    thresholds_ms : float or sequence of float, default (50, 100, 150)
        Vertical guide lines; one number means one line. [ms]
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One step line per placement (x: RTT [ms], y: share of users with RTT <= x [fraction
        0-1]); legend entries give the weighted p50 and p90.

    Raises
    ------
    InvalidTypeError
        If ``results`` is neither a DataFrame nor a mapping.
    DataValidationError
        If a frame lacks ``rtt_ms`` or has NaN/negative RTT or weights.
    InvalidInputError
        If ``results`` is empty.
    """
    import plotly.graph_objects as go

    if isinstance(results, pd.DataFrame):
        frames = {"users": results}
    elif isinstance(results, Mapping):
        frames = dict(results)
    else:
        from cloudgeo.errors import InvalidTypeError

        msg = (
            "results must be a user_latency DataFrame or a mapping of label to DataFrame, "
            f"got {type(results).__name__}."
        )
        raise InvalidTypeError(msg)
    if not frames:
        raise InvalidInputError("results is empty; pass at least one user_latency table.")
    fig = _figure()
    for i, (label, df) in enumerate(frames.items()):
        require_columns(df, ["rtt_ms"], source=f"results[{label!r}]")
        rtt = numeric_column(df, "rtt_ms", f"results[{label!r}]")
        problems = []
        if len(rtt) == 0:
            problems.append("the table is empty")
        elif not np.isfinite(rtt).all() or (rtt < 0).any():
            problems.append("rtt_ms has NaN, infinite or negative values")
        weighted = weight is not None and weight in df.columns
        w = numeric_column(df, str(weight), f"results[{label!r}]") if weighted else np.ones(len(rtt))
        if weighted and (not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0):
            problems.append(f"{weight} must be finite, >= 0 and not all zero")
        if problems:
            from cloudgeo._validate import raise_if_problems

            raise_if_problems(f"results[{label!r}]", problems)
        x, share = _weighted_cdf(rtt, w)
        p50, p90 = (weighted_quantile(rtt, w, q, rtol=1e-12) for q in (0.5, 0.9))
        note = "" if weighted else ", unweighted"
        fig.add_trace(
            go.Scatter(
                x=x,
                y=share,
                mode="lines",
                line={"shape": "hv", "width": 2, "color": QUALITATIVE[i % 16]},
                name=f"{label} (p50 {p50:.0f} ms, p90 {p90:.0f} ms{note})",
                hovertemplate=f"{label}<br>%{{y:.1%}} of users within %{{x:.1f}} ms<extra></extra>",
            )
        )
    # vertical guides as plain shapes + annotations (what add_vline makes, without its per-call
    # subplot bookkeeping: ~20 ms each, on every widget update)
    guides = check_thresholds(thresholds_ms)
    _base_layout(
        fig,
        title if title is not None else "Who waits how long: RTT distribution of users",
        height=460,
        legend={"orientation": "v", "yanchor": "bottom", "y": 0.02, "x": 0.98, "xanchor": "right"},
        xaxis={"title": {"text": "round-trip time to the serving site [ms]"}, "rangemode": "tozero"},
        yaxis={
            "title": {"text": "share of users (weighted) with RTT ≤ x"},
            "tickformat": ".0%",
            "range": [0, 1.02],
        },
        shapes=[
            {
                "type": "line",
                "x0": x,
                "x1": x,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "y domain",
                "line": {"dash": "dot", "color": "#999"},
            }
            for x in guides
        ],
        annotations=[
            {
                "text": f"{x:g} ms",
                "x": x,
                "xref": "x",
                "y": 1,
                "yref": "y domain",
                "xanchor": "left",
                "yanchor": "top",
                "showarrow": False,
            }
            for x in guides
        ],
    )
    return fig


def _as_matrix(measured: pd.DataFrame) -> pd.DataFrame:
    """Pivot a tidy measurement table (src, dst, rtt_ms) to a matrix; return a matrix as is."""
    if {"src", "dst", "rtt_ms"} <= set(measured.columns):
        return measured.pivot_table(index="src", columns="dst", values="rtt_ms", aggfunc="median")
    return measured


def _rtt_cell_problems(z: np.ndarray, index: pd.Index, columns: pd.Index, limit: int = 5) -> list[str]:
    """One problem per kind of bad RTT cell (NaN, infinite, negative), naming the cells."""
    problems = []
    with np.errstate(invalid="ignore"):
        kinds = (
            ("NaN (missing)", np.isnan(z)),
            ("infinite", np.isinf(z)),
            ("negative", np.isfinite(z) & (z < 0)),
        )
    for what, mask in kinds:
        if mask.any():
            r, c = np.nonzero(mask)
            cells = ", ".join(
                f"({index[i]!s} -> {columns[j]!s}) = {z[i, j]:g}"
                for i, j in zip(r[:limit], c[:limit], strict=True)
            )
            more = f" (+{len(r) - limit} more)" if len(r) > limit else ""
            problems.append(
                f"RTT is {what} in {len(r)} cell(s): {cells}{more}; an RTT must be a finite number >= 0 ms"
            )
    return problems


def plot_rtt_matrix(
    matrix_ms: pd.DataFrame,
    *,
    measured: pd.DataFrame | None = None,
    title: str | None = None,
) -> go.Figure:
    """Heatmap of a site-to-site RTT matrix; with measurements, modelled vs measured error.

    Parameters
    ----------
    matrix_ms : pandas.DataFrame
        RTT matrix (rows: from, columns: to), e.g. :func:`cloudgeo.latency.rtt_matrix_ms`. [ms]
    measured : pandas.DataFrame, optional
        Measured RTT as a matrix with the same labels or a tidy table with ``src``, ``dst``,
        ``rtt_ms`` (:mod:`cloudgeo.measurements`; pairs measured several times use the median).
        [ms]
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap (modelled RTT [ms]); with ``measured`` a second heatmap of the error
        ``100 (model - measured) / measured`` [%] over the pairs both have (others blank).

    Raises
    ------
    DataValidationError
        If ``matrix_ms`` is empty, not numeric, or has NaN, infinite or negative RTTs (the
        cells are named).
    InvalidInputError
        If ``measured`` shares no (from, to) pair with ``matrix_ms``.
    """
    import plotly.graph_objects as go

    from cloudgeo._validate import raise_if_problems
    from cloudgeo.errors import InvalidTypeError

    if measured is not None and not isinstance(measured, pd.DataFrame):
        msg = f"measured must be a pandas DataFrame of measurements or None, got {type(measured).__name__}."
        raise InvalidTypeError(msg)
    if not isinstance(matrix_ms, pd.DataFrame):
        msg = f"matrix_ms must be a pandas DataFrame, got {type(matrix_ms).__name__}."
        raise InvalidTypeError(msg)
    try:
        z = np.asarray(matrix_ms.to_numpy(dtype=float), dtype=float)
    except (TypeError, ValueError):
        raise_if_problems("matrix_ms", ["values must be numeric RTTs [ms]"])
        raise
    if z.size == 0:
        raise_if_problems("matrix_ms", ["the matrix is empty"])
    raise_if_problems("matrix_ms", _rtt_cell_problems(z, matrix_ms.index, matrix_ms.columns))
    rows = [str(i) for i in matrix_ms.index]
    cols = [str(c) for c in matrix_ms.columns]
    model = go.Heatmap(
        z=z,
        x=cols,
        y=rows,
        colorscale="Viridis",
        colorbar={"title": {"text": "RTT [ms]"}, "x": 0.46 if measured is not None else 1.0},
        hovertemplate="from %{y} to %{x}: %{z:.1f} ms<extra>modelled</extra>",
        name="modelled RTT",
    )
    if measured is None:
        fig = _figure(model)
        fig.update_yaxes(autorange="reversed", title_text="from")
        fig.update_xaxes(title_text="to")
        _base_layout(
            fig, title if title is not None else "Modelled round-trip time between sites [ms]", height=560
        )
        return fig
    meas = _as_matrix(measured).reindex(index=matrix_ms.index, columns=matrix_ms.columns)
    m = meas.to_numpy(dtype=float)
    overlap = np.isfinite(m) & np.isfinite(z) & (m > 0)
    if not overlap.any():
        msg = (
            "measured shares no (from, to) pair with matrix_ms; labels must match (matrix "
            f"rows {rows[:3]}..., columns {cols[:3]}...)."
        )
        raise InvalidInputError(msg)
    err = np.where(overlap, 100.0 * (z - m) / np.where(overlap, m, 1.0), np.nan)
    fig = _subplots(rows=1, cols=2, subplot_titles=("modelled RTT [ms]", "model error vs measured [%]"))
    fig.add_trace(model, row=1, col=1)
    limit = float(np.nanmax(np.abs(err)))
    fig.add_trace(
        go.Heatmap(
            z=err,
            x=cols,
            y=rows,
            colorscale="RdBu_r",
            zmid=0.0,
            zmin=-limit,
            zmax=limit,
            colorbar={"title": {"text": "error [%]"}},
            customdata=m,
            name="error",
            hovertemplate=(
                "from %{y} to %{x}: %{z:+.1f} % (measured %{customdata:.1f} ms)<extra>model error</extra>"
            ),
        ),
        row=1,
        col=2,
    )
    fig.update_yaxes(autorange="reversed")
    mean_abs = float(np.nanmean(np.abs(err)))
    default = (
        f"Modelled vs measured RTT: mean absolute error {mean_abs:.1f} % over {int(overlap.sum())} pairs"
    )
    _base_layout(fig, title if title is not None else default, height=560)
    return fig
