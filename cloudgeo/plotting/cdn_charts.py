"""Charts of CloudFront: time to first byte by price class, and against the edge hit ratio.

Each chart takes the result object of its compute module (or a table of the same columns)
and draws it; none computes a model. Re-exported by :mod:`cloudgeo.plotting`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cloudgeo._validate import require_columns
from cloudgeo.plotting._common import result_attr
from cloudgeo.plotting.style import (
    base_layout,
    new_figure,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["plot_hit_ratio_effect", "plot_price_class_latency"]

# --------------------------------------------------------------------------------------------
# Volume: CloudFront price classes and hit ratios
# --------------------------------------------------------------------------------------------

_PRICE_CLASS_COLORS = ("#9ecae1", "#4292c6", "#08519c")


def plot_price_class_latency(result: object, *, title: str | None = None) -> go.Figure:
    """Mean time to first byte per user group: direct to the origin and through each price class.

    Parameters
    ----------
    result : PriceClassLatency
        From :func:`cloudgeo.price_classes.price_class_latency` (its ``table`` is drawn: one
        row per group, ``direct_ms`` and one column per price class) [ms].
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Grouped bars, one group per user group (its share of users in the label): grey for
        the direct path, blues for ``PriceClass_100``, ``_200``, ``_All`` (edge counts in the
        legend). [ms]

    Raises
    ------
    InvalidTypeError
        If ``result`` has no ``table``.
    """
    import plotly.graph_objects as go

    table = result_attr(
        result, "table", "the PriceClassLatency from cloudgeo.price_classes.price_class_latency"
    )
    edges = getattr(result, "edges", {})
    origin = getattr(result, "origin_region", "the origin")
    require_columns(table, ["user_share", "direct_ms"], source="price-class table")
    classes = [c for c in table.columns if str(c).startswith("PriceClass_")]
    x = [f"{g} ({100 * s:.0f} % of users)" for g, s in zip(table.index, table["user_share"], strict=True)]
    fig = new_figure()
    fig.add_trace(
        go.Bar(
            x=x,
            y=table["direct_ms"],
            name=f"direct to {origin}, no CDN",
            marker_color="#bdbdbd",
            text=[f"{v:.0f}" for v in table["direct_ms"]],
            textposition="outside",
            hovertemplate="%{x}<br>direct: %{y:.0f} ms<extra></extra>",
        )
    )
    for i, name in enumerate(classes):
        n = edges.get(name)
        label = f"{name} ({n} edge cities)" if n is not None else str(name)
        fig.add_trace(
            go.Bar(
                x=x,
                y=table[name],
                name=label,
                marker_color=_PRICE_CLASS_COLORS[i % len(_PRICE_CLASS_COLORS)],
                text=[f"{v:.0f}" for v in table[name]],
                textposition="outside",
                hovertemplate=f"%{{x}}<br>{name}: %{{y:.0f}} ms<extra></extra>",
            )
        )
    fig.update_yaxes(title_text="mean time to first byte [ms]", rangemode="tozero")
    fig.update_xaxes(tickangle=-15)
    base_layout(
        fig,
        title if title is not None else f"Time to first byte by price class (origin {origin})",
        height=520,
        barmode="group",
    )
    return fig


def plot_hit_ratio_effect(frame: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Mean time to first byte against the edge cache hit ratio, beside the direct path.

    Parameters
    ----------
    frame : pandas.DataFrame
        Indexed by edge hit ratio [fraction]; columns ``cloudfront_ms`` (mean TTFB through the
        CDN) and ``direct_ms`` (mean TTFB direct to the origin) [ms].
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Lines and markers: TTFB through CloudFront per hit ratio, and the direct path. [ms]

    Raises
    ------
    DataValidationError
        If a column above is missing.
    """
    import plotly.graph_objects as go

    require_columns(frame, ["cloudfront_ms", "direct_ms"], source="hit-ratio table")
    x = np.asarray(frame.index, dtype=float)
    fig = new_figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=frame["cloudfront_ms"],
            mode="lines+markers",
            name="through CloudFront",
            line={"color": _PRICE_CLASS_COLORS[2]},
            hovertemplate="edge hit ratio %{x:.0%}: %{y:.0f} ms<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=frame["direct_ms"],
            mode="lines",
            name="direct to the origin",
            line={"color": "#7f7f7f", "dash": "dash"},
            hovertemplate="direct: %{y:.0f} ms<extra></extra>",
        )
    )
    fig.update_xaxes(title_text="edge cache hit ratio", tickformat=".0%")
    fig.update_yaxes(title_text="mean time to first byte [ms]", rangemode="tozero")
    base_layout(fig, title if title is not None else "What the cache hit ratio buys", height=420)
    return fig
