"""Charts of a placement: the map of chosen sites and users, the k frontier, failover.

Each chart takes the result object of its compute module (or a table of the same columns)
and draws it; none computes a model. Re-exported by :mod:`cloudgeo.plotting`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cloudgeo._validate import check_text, points_arrays, require_columns
from cloudgeo.errors import InvalidInputError
from cloudgeo.plotting._common import check_max_points, result_attr, sample_rows
from cloudgeo.plotting.style import (
    QUALITATIVE,
    RTT_COLORSCALE,
    base_layout,
    labels,
    labels_of,
    new_figure,
    numeric_column,
    users_trace,
    world_geo_layout,
)
from cloudgeo.plotting.style import col as column

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["plot_failover", "plot_placement", "plot_placement_frontier"]

# --------------------------------------------------------------------------------------------
# Placement
# --------------------------------------------------------------------------------------------


def _placement_user_marker(
    w: np.ndarray | None, rows: np.ndarray, user_rtt: np.ndarray | None, sites: list[Any], served: list[str]
) -> dict[str, Any]:
    """Return the users' marker: size ~ sqrt(weight), colour = RTT [ms] (else the serving site)."""
    ws = w[rows] if w is not None else None
    size = 4.0 + 12.0 * np.sqrt(ws / ws.max()) if ws is not None and ws.max() > 0 else np.full(len(rows), 5.0)
    marker: dict[str, Any] = {"size": size, "opacity": 0.75}
    if user_rtt is not None:
        marker.update(
            color=user_rtt, colorscale=RTT_COLORSCALE, cmin=0.0, colorbar={"title": {"text": "RTT [ms]"}}
        )
    else:
        palette = {s: QUALITATIVE[i % len(QUALITATIVE)] for i, s in enumerate(map(str, sites))}
        marker["color"] = np.array([palette.get(s, "#444") for s in served], dtype=str)
    return marker


def _placement_user_hover(
    users: pd.DataFrame, rows: np.ndarray, served: list[str], user_rtt: np.ndarray | None
) -> np.ndarray:
    """Return the users' hover text: name, serving site and RTT.

    Built from plain Python lists in one pass and handed to plotly as an array (validating long
    lists of str is slow): this runs on every widget update.
    """
    name_col = column(users, "name", "city")
    names = labels_of(name_col.iloc[rows]) if name_col is not None else None
    heads = [f"<b>{n}</b><br>" for n in names] if names is not None else [""] * len(rows)
    if user_rtt is not None:
        rtts = user_rtt.tolist()
        hover_col = [
            f"{h}served by {x}<br>RTT: {t:.1f} ms" for h, x, t in zip(heads, served, rtts, strict=True)
        ]
    else:
        hover_col = [f"{h}served by {x}" for h, x in zip(heads, served, strict=True)]
    return np.array(hover_col, dtype=str)


def _add_candidate_traces(
    fig: go.Figure, candidates: pd.DataFrame, sites: list[Any], share: dict[Any, float]
) -> None:
    """Add the candidates not chosen (grey open circles), then the chosen sites (stars)."""
    import plotly.graph_objects as go

    clat, clon, _ = points_arrays(candidates, source="candidates")
    chosen = candidates.index.isin(sites)
    cand_names = np.asarray(labels(candidates, "name"), dtype=object)
    fig.add_trace(
        go.Scattergeo(
            lat=clat[~chosen],
            lon=clon[~chosen],
            mode="markers",
            name=f"candidates not chosen ({int((~chosen).sum())})",
            marker={"size": 7, "color": "#9a9a9a", "symbol": "circle-open"},
            text=[str(i) for i in candidates.index[~chosen]],
            hovertext=[
                f"{i} {n}" for i, n in zip(candidates.index[~chosen], cand_names[~chosen], strict=True)
            ],
            hoverinfo="text",
        )
    )
    fig.add_trace(
        go.Scattergeo(
            lat=clat[chosen],
            lon=clon[chosen],
            mode="markers+text",
            name=f"chosen sites ({len(sites)})",
            text=[str(i) for i in candidates.index[chosen]],
            textposition="top center",
            marker={"symbol": "star", "size": 18, "color": "black", "line": {"width": 1, "color": "white"}},
            hovertext=[
                f"<b>{i}</b> {n}<br>serves {share.get(i, 0.0):.1%} of the weight"
                for i, n in zip(candidates.index[chosen], cand_names[chosen], strict=True)
            ],
            hoverinfo="text",
        )
    )


def _placement_title(result: object, sites: list[Any], title: str | None, shown: int, n_users: int) -> str:
    objective = str(getattr(result, "objective", "objective"))
    value = float(getattr(result, "objective_value", float("nan")))
    unit = "" if objective == "coverage" else " ms"
    text = (
        title
        if title is not None
        else f"{len(sites)} sites chosen ({objective} = {value:.4g}{unit}): {', '.join(map(str, sites))}"
    )
    if shown < n_users:
        text += f" (showing a random sample of {shown:,} of {n_users:,} users, seed 0)"
    return text


def plot_placement(
    result: object,
    users: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    max_points: int = 5000,
    title: str | None = None,
) -> go.Figure:
    """Map of a placement: chosen sites, the other candidates, users coloured by their RTT.

    Parameters
    ----------
    result : PlacementResult
        From :func:`cloudgeo.placement.optimize_placement` (uses ``sites``, ``assignment``,
        ``rtt_ms``, ``objective``, ``objective_value``).
    users : pandas.DataFrame
        The users given to the optimisation (``lat``, ``lon``, optional ``weight``, ``name``).
    candidates : pandas.DataFrame
        The candidate sites (``lat``, ``lon``, indexed by site id; optional ``name``).
    max_points : int, default 5000
        Users drawn at most; above it a seeded weight-proportional sample, said in the title.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: users (size ~ sqrt(weight), colour = RTT to the serving site [ms]),
        candidates not chosen (grey open circles), chosen sites (stars).

    Raises
    ------
    InvalidInputError
        If ``result.assignment`` is not aligned with ``users``.
    """
    sites = list(result_attr(result, "sites"))
    assignment = result_attr(result, "assignment")
    rtt = getattr(result, "rtt_ms", None)
    n_max = check_max_points(max_points)
    has_weight = isinstance(users, pd.DataFrame) and "weight" in users.columns
    lat, lon, w = points_arrays(users, source="users", weight="weight" if has_weight else None)
    points_arrays(candidates, source="candidates")
    if not assignment.index.equals(users.index):
        msg = "result.assignment is not aligned with users; pass the users given to optimize_placement."
        raise InvalidInputError(msg)
    rows = sample_rows(len(users), n_max, w, seed=0)
    fig = new_figure()
    # the serving sites as codes into their distinct ids (one pass over the users)
    site_code, site_uniq = pd.factorize(assignment, use_na_sentinel=False)
    served = np.asarray([str(x) for x in site_uniq], dtype=object)[site_code[rows]].tolist()
    user_rtt = pd.to_numeric(rtt).to_numpy(dtype=float)[rows] if rtt is not None else None
    hover = _placement_user_hover(users, rows, served, user_rtt)
    fig.add_trace(
        users_trace(lat[rows], lon[rows], _placement_user_marker(w, rows, user_rtt, sites, served), hover)
    )
    served_w = np.bincount(site_code, weights=w, minlength=len(site_uniq))
    share = dict(
        zip(site_uniq, (served_w / (float(w.sum()) if w is not None else len(users))).tolist(), strict=True)
    )
    _add_candidate_traces(fig, candidates, sites, share)
    text = _placement_title(result, sites, title, len(rows), len(users))
    base_layout(fig, text, geo=world_geo_layout())
    return fig


def plot_placement_frontier(
    frontier_df: pd.DataFrame,
    *,
    objective: str = "mean",
    title: str | None = None,
) -> go.Figure:
    """Best objective against the number of sites k (diminishing returns).

    Parameters
    ----------
    frontier_df : pandas.DataFrame
        :func:`cloudgeo.placement.placement_frontier` output: indexed by ``k`` (or a ``k``
        column) with ``objective_value`` and optionally ``mean_rtt_ms``, ``p90_rtt_ms`` [ms],
        ``sites``.
    objective : str, default "mean"
        The objective optimised, for the axis label (``"coverage"`` is a share, others ms).
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Line of the objective (hover lists the sites), plus mean and p90 RTT lines when given.

    Raises
    ------
    DataValidationError
        If ``objective_value`` is missing.
    """
    import plotly.graph_objects as go

    check_text(objective, "objective")

    df = require_columns(frontier_df, ["objective_value"], source="frontier_df")
    k = df["k"].to_numpy() if "k" in df.columns else df.index.to_numpy()
    sites = (
        [", ".join(map(str, s)) if isinstance(s, (list, tuple)) else str(s) for s in df["sites"]]
        if "sites" in df.columns
        else [""] * len(df)
    )
    is_share = objective == "coverage"
    fig = new_figure()
    fig.add_trace(
        go.Scatter(
            x=k,
            y=numeric_column(df, "objective_value"),
            mode="lines+markers",
            name=f"best {objective}" + ("" if is_share else " [ms]"),
            customdata=sites,
            hovertemplate="k = %{x}: %{y:.4g}<br>sites: %{customdata}<extra></extra>",
            line={"width": 3},
        )
    )
    for col, name in (("mean_rtt_ms", "mean RTT [ms]"), ("p90_rtt_ms", "p90 RTT [ms]")):
        if col in df.columns and not (objective == "mean" and col == "mean_rtt_ms"):
            fig.add_trace(
                go.Scatter(
                    x=k,
                    y=pd.to_numeric(df[col]).to_numpy(dtype=float),
                    mode="lines+markers",
                    name=name,
                    line={"dash": "dot"},
                    hovertemplate="k = %{x}: %{y:.1f} ms<extra>" + name + "</extra>",
                )
            )
    fig.update_xaxes(title_text="number of sites k", dtick=1)
    fig.update_yaxes(
        title_text="share of users within the threshold" if is_share else "RTT [ms]",
        tickformat=".0%" if is_share else None,
    )
    base_layout(
        fig,
        title if title is not None else f"Diminishing returns: best {objective} by number of sites",
        height=440,
    )
    return fig


def plot_failover(result: object, *, title: str | None = None) -> go.Figure:
    """N-1 failover: what the users of each chosen site see when that site fails.

    Parameters
    ----------
    result : PlacementResult
        From :func:`cloudgeo.placement.optimize_placement`; uses ``failover`` (one row per
        chosen site with ``affected_mean_rtt_ms_before``/``_after`` [ms], ``weight_share_affected``
        and ``stranded_share`` [fraction 0-1]) and ``summary["mean_rtt_ms"]``.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Grouped bars per failed site: mean RTT of its users before and after failover [ms]
        (text: share of the weight affected; stranded share when > 0), and a dotted line at the
        overall mean RTT with all sites up.

    Raises
    ------
    DataValidationError
        If ``result.failover`` lacks the columns above.
    """
    import plotly.graph_objects as go

    table = require_columns(
        result_attr(result, "failover"),
        ["affected_mean_rtt_ms_before", "affected_mean_rtt_ms_after", "weight_share_affected"],
        source="result.failover",
    )
    sites = [str(i) for i in table.index]
    share = numeric_column(table, "weight_share_affected")
    stranded = (
        numeric_column(table, "stranded_share") if "stranded_share" in table.columns else np.zeros(len(table))
    )
    before = numeric_column(table, "affected_mean_rtt_ms_before")
    after = numeric_column(table, "affected_mean_rtt_ms_after")
    fig = new_figure()
    fig.add_trace(
        go.Bar(
            x=sites,
            y=before,
            name="its users, all sites up [ms]",
            marker_color="#7fa7d6",
            hovertemplate="site %{x} up: its users' mean RTT %{y:.1f} ms<extra></extra>",
        )
    )
    text = [
        f"{s:.0%} of users" + (f", {st:.0%} stranded" if st > 0 else "")
        for s, st in zip(share, stranded, strict=True)
    ]
    fig.add_trace(
        go.Bar(
            x=sites,
            y=after,
            name="its users after it fails [ms]",
            marker_color="#d6541b",
            text=text,
            textposition="outside",
            hovertemplate="site %{x} down: its users' mean RTT %{y:.1f} ms (%{text})<extra></extra>",
        )
    )
    summary = getattr(result, "summary", None)
    if summary is not None and "mean_rtt_ms" in summary:
        overall = float(summary["mean_rtt_ms"])
        fig.add_hline(
            y=overall, line={"dash": "dot"}, annotation_text=f"overall mean, all up: {overall:.0f} ms"
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text="failed site")
    fig.update_yaxes(title_text="mean RTT of the failed site's users [ms]", rangemode="tozero")
    base_layout(fig, title if title is not None else "N-1 failover: RTT when one site fails", height=440)
    return fig
