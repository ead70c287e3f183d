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

import math
from collections.abc import Sequence
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
from cloudgeo._validate import points_arrays, require_columns
from cloudgeo.errors import InvalidInputError

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "IMAGE_FORMATS",
    "OFFLINE_CONFIG",
    "enable_offline_maps",
    "export_figure",
    "export_figures",
    "find_chromium",
    "geo_assets_script",
    "geo_topojson_names",
    "plot_infrastructure_comparison",
    "plot_infrastructure_map",
    "to_offline_html",
    "topojson_dir",
    "vendored_plotlyjs_version",
    "world_geo_layout",
]

# Colours (also used by tests/test_export.py to find land in a PNG).
LAND_COLOR = "#e6e1d3"
OCEAN_COLOR = "#d4e4f1"
COASTLINE_COLOR = "#8c8c8c"
COUNTRY_COLOR = "#c3bdae"
REGION_COLOR = "#d6541b"
EDGE_COLOR = "#1f5fa8"
REC_COLOR = "#6a3d9a"

# Marker sizing: diameter = base + step * count (regions) or base + step * sqrt(count) (PoPs).
REGION_SIZE_BASE_PX = 6.0
REGION_SIZE_PER_AZ_PX = 3.0
EDGE_SIZE_BASE_PX = 4.0
EDGE_SIZE_PER_SQRT_POP_PX = 2.0
REC_SIZE_PX = 11.0


def world_geo_layout(**overrides: Any) -> dict[str, Any]:
    """Return cloudgeo's world-map geo settings (a dict for ``fig.update_geos`` / ``layout.geo``).

    Natural-earth projection, whole world (``fitbounds=False``), land, ocean, coastlines and
    country borders drawn from the vendored 110 m base map.

    Parameters
    ----------
    **overrides
        Any ``layout.geo`` property to change (e.g. ``projection_type="orthographic"``).

    Returns
    -------
    dict
        Geo layout properties.
    """
    geo: dict[str, Any] = {
        "scope": "world",
        "resolution": 110,
        "projection": {"type": "natural earth"},
        "fitbounds": False,
        "showland": True,
        "landcolor": LAND_COLOR,
        "showocean": True,
        "oceancolor": OCEAN_COLOR,
        "showcoastlines": True,
        "coastlinecolor": COASTLINE_COLOR,
        "showcountries": True,
        "countrycolor": COUNTRY_COLOR,
        "showframe": False,
        "showlakes": False,
    }
    geo.update(overrides)
    return geo


def _figure() -> go.Figure:
    import plotly.graph_objects as go

    return go.Figure()


def _base_layout(fig: go.Figure, title: str, *, height: int = 520) -> None:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        height=height,
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.01},
        template="plotly_white",
    )


def _col(df: pd.DataFrame, *names: str) -> pd.Series | None:
    for n in names:
        if n in df.columns:
            return df[n]
    return None


def _labels(df: pd.DataFrame, *names: str) -> list[str]:
    col = _col(df, *names)
    if col is None:
        return [str(i) for i in df.index]
    return [str(v) for v in col.astype(object).where(col.notna(), "").tolist()]


def _fmt_date(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    try:
        ts = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if pd.isna(ts):
        return "unknown"
    return ts.strftime("%Y-%m-%d")


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
        text=codes,
        hovertext=hover,
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
        text=codes,
        hovertext=hover,
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
        text=cities,
        hovertext=hover,
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
    regions, edges, recs = _load_frames(
        as_of, regions, edges, recs, need_edges=show_edges, need_recs=show_recs
    )
    fig = _figure()
    fig.add_traces(_infrastructure_traces(regions, edges, recs))
    fig.update_layout(geo=world_geo_layout())
    default = f"AWS global infrastructure, {_as_of_label(as_of)}: {_infrastructure_summary(regions, edges)}"
    _base_layout(fig, title if title is not None else default)
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
    """
    from plotly.subplots import make_subplots

    dates = list(as_of_dates)
    if not 1 <= len(dates) <= 4:
        msg = f"as_of_dates must hold 1 to 4 dates, got {len(dates)}: {dates!r}."
        raise InvalidInputError(msg)
    frames = [_load_frames(d, None, None, None, need_edges=show_edges, need_recs=show_recs) for d in dates]
    titles = [
        f"{_as_of_label(d)}: {_infrastructure_summary(r, e)}"
        for d, (r, e, _) in zip(dates, frames, strict=True)
    ]
    fig = make_subplots(
        rows=1,
        cols=len(dates),
        specs=[[{"type": "geo"}] * len(dates)],
        subplot_titles=titles,
        horizontal_spacing=0.01,
    )
    for i, (regions, edges, recs) in enumerate(frames):
        geo = "geo" if i == 0 else f"geo{i + 1}"
        fig.add_traces(_infrastructure_traces(regions, edges, recs, showlegend=i == 0, geo=geo))
    fig.update_geos(**world_geo_layout())
    _base_layout(fig, title if title is not None else "AWS global infrastructure then and now", height=460)
    fig.update_annotations(font_size=12)
    return fig
