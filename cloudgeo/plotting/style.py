"""Shared look of cloudgeo's figures: colours, the world-map geo settings, common layout."""

from __future__ import annotations

import contextlib
import contextvars
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cloudgeo._validate import check_text

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "COASTLINE_COLOR",
    "COUNTRY_COLOR",
    "EDGE_COLOR",
    "EDGE_SIZE_BASE_PX",
    "EDGE_SIZE_PER_SQRT_POP_PX",
    "LAND_COLOR",
    "OCEAN_COLOR",
    "QUALITATIVE",
    "REC_COLOR",
    "REC_SIZE_PX",
    "REGION_COLOR",
    "REGION_SIZE_BASE_PX",
    "REGION_SIZE_PER_AZ_PX",
    "RTT_COLORSCALE",
    "TEMPLATE",
    "TITLE_CHARS",
    "base_layout",
    "col",
    "fmt_date",
    "labels",
    "labels_of",
    "new_figure",
    "new_subplots",
    "set_layout",
    "template_deferred",
    "world_geo_layout",
    "wrap_title",
]

#: The plotly template of every cloudgeo figure.
TEMPLATE = "plotly_white"

# True while a widget re-renders: its FigureWidget already carries TEMPLATE, and applying a
# template to every new figure (plotly validates and deep-copies it) costs 10-20 ms a figure.
_DEFER_TEMPLATE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "cloudgeo_defer_template", default=False
)


@contextlib.contextmanager
def template_deferred() -> Iterator[None]:
    """Build figures without ``layout.template`` inside this block (the caller supplies it).

    Used by :mod:`cloudgeo.widgets`, whose figure widgets are created with :data:`TEMPLATE`
    and keep it while traces and layout are swapped.
    """
    token = _DEFER_TEMPLATE.set(True)
    try:
        yield
    finally:
        _DEFER_TEMPLATE.reset(token)


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
        Any ``layout.geo`` property to change, by name or with plotly's underscore paths (e.g.
        ``projection_type="orthographic"``, ``lataxis_range=[-60, 85]``). Names and values are
        checked against plotly's ``layout.geo`` schema here, so a typo fails at once.

    Returns
    -------
    dict
        Geo layout properties.

    Raises
    ------
    InvalidInputError
        If an override is not a ``layout.geo`` property (the message lists the valid ones) or
        plotly rejects its value.
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
    if overrides:
        _check_geo_overrides(overrides)
    geo.update(overrides)
    return geo


def _check_geo_overrides(overrides: dict[str, Any]) -> None:
    """Raise if plotly's ``layout.geo`` has no such property or rejects the value."""
    import plotly.graph_objects as go

    from cloudgeo.errors import InvalidInputError

    schema = go.layout.Geo()
    unknown = [k for k in overrides if k not in schema]
    if unknown:
        msg = (
            f"world_geo_layout: unknown layout.geo propert{'y' if len(unknown) == 1 else 'ies'} "
            f"{', '.join(repr(k) for k in unknown)}. Valid properties: {', '.join(sorted(schema))} "
            "(nested ones as underscore paths, e.g. projection_type)."
        )
        raise InvalidInputError(msg)
    try:
        go.layout.Geo(**overrides)
    except ValueError as exc:
        detail = " ".join(str(exc).split())
        msg = f"world_geo_layout: plotly rejected a layout.geo value: {detail[:400]}"
        raise InvalidInputError(msg) from None


def new_figure(data: Any = None) -> go.Figure:
    """Return ``go.Figure(data)``; inside :func:`template_deferred`, without plotly's default template.

    A new figure gets a deep copy of ``plotly.io.templates.default`` (about 2 ms); a widget
    re-render skips that, as its figure widget keeps :data:`TEMPLATE`.
    """
    import plotly.graph_objects as go

    if _DEFER_TEMPLATE.get():
        return go.Figure(data, layout={"template": {}})
    return go.Figure(data)


def new_subplots(**kwargs: Any) -> go.Figure:
    """``plotly.subplots.make_subplots(**kwargs)`` on :func:`new_figure` (no template when deferred)."""
    from plotly.subplots import make_subplots

    return make_subplots(figure=new_figure(), **kwargs)


def base_layout(fig: go.Figure, title: str, *, height: int = 520, **extra: Any) -> None:
    """Apply the common title, size, margins, legend and template (one ``update_layout``)."""
    check_text(title, "title")
    text = wrap_title(title)
    layout: dict[str, Any] = {
        "title": {"text": text, "x": 0.01, "xanchor": "left"},
        "height": height,
        # a wrapped title's second line needs room above the legend
        "margin": {"l": 10, "r": 10, "t": 100 if "<br>" in text else 80, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.01},
    }
    if not _DEFER_TEMPLATE.get():
        layout["template"] = TEMPLATE
    layout.update(extra)
    set_layout(fig, layout)


TITLE_CHARS = 80  # longer titles are cut off in a JupyterLab output cell ~800 px wide


def wrap_title(title: str, width: int = TITLE_CHARS) -> str:
    """Return ``title`` with its tail (from the last " (" or ": " that fits) as a smaller second line."""
    if len(title) <= width or "<br>" in title:
        return title
    for sep in (" (", ": ", ", "):
        cut = title.rfind(sep, 0, width)
        if cut > 0:
            head, tail = title[:cut], title[cut:].removeprefix(": ").removeprefix(", ").strip()
            return f"{head}<br><sup>{tail}</sup>"
    return title


def set_layout(fig: go.Figure, layout: dict[str, Any]) -> None:
    """``fig.update_layout(layout)``, but assigning properties the layout does not have yet.

    Assigning a whole property validates it in about a tenth of the time ``update_layout``
    takes to walk it key by key (e.g. 0.2 ms instead of 4-8 ms for the world geo settings);
    properties already present (say a subplot's ``geo.domain``) are merged as before.
    """
    present = fig.layout.to_plotly_json()
    merge = {}
    for key, value in layout.items():
        if key in present or "_" in key:
            merge[key] = value
        else:
            fig.layout[key] = value
    if merge:
        fig.update_layout(merge)


def users_trace(lat: np.ndarray, lon: np.ndarray, marker: dict[str, Any], hover: np.ndarray) -> go.Scattergeo:
    """Return the users layer of a map: one marker per drawn user, hover text as given."""
    import plotly.graph_objects as go

    return go.Scattergeo(
        lat=lat,
        lon=lon,
        mode="markers",
        name=f"users ({len(lat):,} points)",
        marker=marker,
        hovertext=hover,
        hoverinfo="text",
    )


def col(df: pd.DataFrame, *names: str) -> pd.Series | None:
    """Return the first of the columns ``names`` that ``df`` has (None if it has none)."""
    for n in names:
        if n in df.columns:
            return df[n]
    return None


def labels(df: pd.DataFrame, *names: str) -> list[str]:
    """Return hover labels from the first column of ``names`` that ``df`` has (else its index)."""
    found = col(df, *names)
    if found is None:
        return [str(i) for i in df.index]
    return labels_of(found)


def labels_of(values: pd.Series) -> list[str]:
    """Return the values as str, missing ones as ""."""
    return [str(v) for v in values.astype(object).where(values.notna(), "").tolist()]


def fmt_date(value: object) -> str:
    """Format a date as ``YYYY-MM-DD`` (``"unknown"`` for None or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    try:
        ts = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if pd.isna(ts):
        return "unknown"
    return ts.strftime("%Y-%m-%d")


QUALITATIVE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#e7ba52", "#637939", "#ad494a", "#7b4173", "#3182bd",
)  # fmt: skip
RTT_COLORSCALE = "RdYlGn_r"


def numeric_column(df: pd.DataFrame, column: str, source: str = "table") -> np.ndarray:
    """Return ``df[column]`` as floats, or raise a DataValidationError naming the column."""
    from cloudgeo._validate import raise_if_problems

    try:
        return pd.to_numeric(df[column]).to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise_if_problems(source, [f"{column} must be numeric ({exc})"])
        raise  # pragma: no cover - raise_if_problems raises for a non-empty list
