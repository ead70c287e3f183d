"""Figures for the model and decision layers: durability, availability, placement, autoscaling.

Re-exported by :mod:`cloudgeo.plotting` (use it from there).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cloudgeo._plotcommon import check_max_points, sample_rows
from cloudgeo._plotstyle import (
    QUALITATIVE,
    REGION_COLOR,
    RTT_COLORSCALE,
    base_layout,
    labels,
    labels_of,
    new_figure,
    new_subplots,
    numeric_column,
    users_trace,
    world_geo_layout,
)
from cloudgeo._plotstyle import col as column
from cloudgeo._validate import check_text, points_arrays, raise_if_problems, require_columns
from cloudgeo.errors import InvalidInputError, InvalidTypeError

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "plot_autoscaling",
    "plot_autoscaling_comparison",
    "plot_availability",
    "plot_durability",
    "plot_ebs_volume_losses",
    "plot_failover",
    "plot_hit_ratio_effect",
    "plot_placement",
    "plot_placement_frontier",
    "plot_price_class_latency",
]

#: The seed article's S3 claim: 10 million objects at 11 nines lose one object every 10,000 years.
SEED_OBJECTS = 10_000_000
SEED_DURABILITY = 0.99999999999

# --------------------------------------------------------------------------------------------
# Durability
# --------------------------------------------------------------------------------------------


def _durability_groups(data: object) -> list[tuple[str, float, list[str], list[str]]]:
    """(label, durability, ids, names) per distinct durability, most durable first."""
    if data is None or (isinstance(data, Sequence) and not isinstance(data, str)):
        from cloudgeo import catalog

        table = catalog.load_storage_classes()
        if data is None and "service" in table.columns:
            # object storage only: EBS durability is per volume, see plot_ebs_volume_losses
            table = table[table["service"] == "S3"]
        if data is not None:
            wanted = [str(x) for x in data]
            unknown = [x for x in wanted if x not in table.index]
            if unknown:
                from cloudgeo.errors import UnknownNameError

                raise UnknownNameError("storage class", unknown[0], table.index)
            table = table.loc[wanted]
    elif isinstance(data, pd.DataFrame):
        table = data
    else:
        msg = (
            "data must be None, a list of storage-class ids or a DataFrame with a durability "
            f"column, got {type(data).__name__}."
        )
        raise InvalidTypeError(msg)
    if "durability" in table.columns:
        d = numeric_column(table, "durability")
    elif "loss_probability_per_year" in table.columns:
        d = 1.0 - numeric_column(table, "loss_probability_per_year")
    else:
        require_columns(table, ["durability"], source="durability table")
        d = np.zeros(0)
    bad = ~np.isfinite(d) | (d <= 0) | (d >= 1)
    if len(d) == 0 or bad.any():
        shown = [str(i) for i in table.index[bad]] if len(d) else []
        raise_if_problems(
            "durability table", [f"durability must be in (0, 1) for every row; bad rows: {shown}"]
        )
    ids = [str(i) for i in table.index]
    names = labels(table, "name")
    groups: dict[float, tuple[list[str], list[str]]] = {}
    for i, n, v in zip(ids, names, d, strict=True):
        groups.setdefault(float(v), ([], []))[0].append(i)
        groups[float(v)][1].append(n)
    out = []
    for v in sorted(groups, reverse=True):
        gid, gnames = groups[v]
        nines = -math.log10(1.0 - v)
        listed = ", ".join(gnames[:3]) + (f" +{len(gnames) - 3} more" if len(gnames) > 3 else "")
        out.append((f"{v:.12g} ({nines:.1f} nines): {listed}", v, gid, gnames))
    return out


def _table_value(data: object, column: str) -> float | None:
    if isinstance(data, pd.DataFrame) and column in data.columns:
        values = pd.to_numeric(data[column]).dropna().unique()
        if len(values) == 1:
            return float(values[0])
    return None


_DASHES = ("solid", "dash", "dot", "dashdot", "longdash")


def plot_durability(
    data: object = None,
    *,
    objects: float | None = None,
    years: float | None = None,
    highlight: str | None = None,
    title: str | None = None,
) -> go.Figure:
    """Plot expected object losses and the probability of losing anything, per storage class.

    Left: expected losses in ``years`` against the number of stored objects (log-log). Right:
    probability of losing at least one of ``objects`` objects against the horizon in years
    (log-log). Classes with the same designed durability share one line. The seed article's
    claim (10 million objects at 11 nines: one loss every 10,000 years) is marked.

    Parameters
    ----------
    data : None, sequence of str or pandas.DataFrame
        ``None``: every S3 storage class of ``cloudgeo.catalog.load_storage_classes()`` (EBS
        durability is per volume: :func:`plot_ebs_volume_losses` draws it); a list of
        catalogue ids; or a table indexed by class with ``durability`` (or
        ``loss_probability_per_year``) and optionally ``name``, ``objects``, ``years``
        columns (a single value in ``objects``/``years`` is used when the arguments are not
        given). [fraction]
    objects : float, optional
        Stored objects for the right panel and the left panel's marker; default the table's
        ``objects`` or 10 million. [count]
    years : float, optional
        Horizon of the left panel; default the table's ``years`` or 1. [yr]
    highlight : str, optional
        Storage-class id or name whose line is drawn bold (others faded).
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Two panels; per durability group one line in each (``legendgroup`` shared), plus the
        seed marker.

    Raises
    ------
    DataValidationError
        If a durability is not in (0, 1).
    UnknownNameError
        If a storage-class id is not in the catalogue.

    References
    ----------
    Expected losses ``N q T`` and ``P(any loss) = 1 - (1 - q)^(N T)`` from
    :func:`cloudgeo.durability.expected_losses`; the seed figure is from the Amazon S3 FAQ
    ("if you store 10,000,000 objects ... expect to incur a loss of a single object once every
    10,000 years").
    """
    import plotly.graph_objects as go

    from cloudgeo import durability
    from cloudgeo._validate import check_positive

    check_text(highlight, "highlight", optional=True)
    groups = _durability_groups(data)
    n_obj = check_positive(
        objects if objects is not None else (_table_value(data, "objects") or SEED_OBJECTS), "objects"
    )
    horizon = check_positive(
        years if years is not None else (_table_value(data, "years") or 1.0), "years", "yr"
    )
    grid_objects = np.logspace(3, 12, 91)
    grid_years = np.logspace(-1, 4, 101)
    fig = new_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            f"expected objects lost in {horizon:g} year(s)",
            f"probability of losing at least one of {n_obj:,.0f} objects",
        ),
        horizontal_spacing=0.1,
    )
    for i, (label, d, ids, names) in enumerate(groups):
        bold = highlight is None or highlight in ids or highlight in names
        # dashes tell apart lines that coincide (e.g. every group at P(any loss) = 1)
        style = {
            "color": QUALITATIVE[i % len(QUALITATIVE)],
            "width": 3 if highlight and bold else 2,
            "dash": _DASHES[i % len(_DASHES)],
        }
        opacity = 1.0 if bold else 0.3
        left = durability.expected_losses(objects=grid_objects, durability=d, years=horizon)
        right = durability.expected_losses(objects=n_obj, durability=d, years=grid_years)
        fig.add_trace(
            go.Scatter(
                x=grid_objects,
                y=np.asarray(left.expected_losses, dtype=float),
                mode="lines",
                name=label,
                legendgroup=label,
                line=style,
                opacity=opacity,
                hovertemplate="%{x:.3g} objects: %{y:.3g} expected losses<extra>" + label + "</extra>",
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=grid_years,
                y=np.asarray(right.probability_any_loss, dtype=float),
                mode="lines",
                name=label,
                legendgroup=label,
                showlegend=False,
                line=style,
                opacity=opacity,
                hovertemplate="%{x:.3g} years: P(any loss) = %{y:.3g}<extra>" + label + "</extra>",
            ),
            row=1,
            col=2,
        )
    seed = durability.expected_losses(objects=SEED_OBJECTS, durability=SEED_DURABILITY, years=horizon)
    fig.add_trace(
        go.Scatter(
            x=[SEED_OBJECTS],
            y=[float(seed.expected_losses)],
            mode="markers+text",
            name="seed: 10 M objects, 11 nines",
            marker={"symbol": "x", "size": 12, "color": "black"},
            text=["one loss per 10,000 years"],
            textposition="top left",
            hovertemplate="10 million objects at 11 nines: %{y:.3g} losses in "
            + f"{horizon:g}"
            + " year(s)<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.update_xaxes(type="log", title_text="stored objects [count]", exponentformat="power", row=1, col=1)
    fig.update_yaxes(type="log", title_text="expected losses [objects]", exponentformat="power", row=1, col=1)
    fig.update_xaxes(type="log", title_text="horizon [years]", dtick=1, row=1, col=2)
    fig.update_yaxes(
        type="log", title_text="probability of any loss", exponentformat="power", dtick=1, row=1, col=2
    )
    base_layout(
        fig, title if title is not None else "How much data to expect to lose, by storage class", height=520
    )
    fig.update_layout(legend={"orientation": "v", "y": -0.15, "yanchor": "top", "x": 0.0})
    fig.update_layout(margin={"b": 160})
    return fig


def plot_ebs_volume_losses(
    table: pd.DataFrame | None = None, *, volumes: float = 1000.0, title: str | None = None
) -> go.Figure:
    """Plot the EBS volumes a fleet expects to lose a year, per volume type.

    EBS durability is an annual failure rate (AFR) per volume, not per object: a fleet of
    ``N`` volumes loses ``N x AFR`` volumes a year on average. Each band spans AWS's published
    AFR range (e.g. 0.1 % to 0.2 % for gp3); volume types with the same range share one band.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        Indexed by volume type with ``name``, ``annual_failure_rate_low`` and
        ``annual_failure_rate_high`` [fraction a year]; default the EBS rows of
        ``cloudgeo.catalog.load_storage_classes()``.
    volumes : float, default 1000
        Fleet size marked on each band. [count]
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Per AFR range a filled band (low and high line) of expected volumes lost a year
        against the fleet size (log-log) [volumes/yr], and a marker at ``volumes``.

    Raises
    ------
    DataValidationError
        If a column is missing or a rate is not in (0, 1).
    InvalidInputError
        If ``volumes`` is not > 0.

    References
    ----------
    Amazon EBS User Guide, "Amazon EBS volume types" (annual failure rate 0.1 % - 0.2 % for
    gp2, gp3, io1, st1 and sc1; 0.001 % for io2 Block Express), as shipped in
    ``data/storage_classes.csv``.
    """
    import plotly.graph_objects as go

    from cloudgeo._validate import check_positive

    if table is None:
        from cloudgeo import catalog

        table = catalog.load_storage_classes()
        table = table[table["service"] == "EBS"]
    if not isinstance(table, pd.DataFrame):
        msg = f"table must be a DataFrame of EBS volume types, got {type(table).__name__}."
        raise InvalidTypeError(msg)
    require_columns(table, ["annual_failure_rate_low", "annual_failure_rate_high"], source="EBS table")
    n_vol = check_positive(volumes, "volumes")
    low = numeric_column(table, "annual_failure_rate_low")
    high = numeric_column(table, "annual_failure_rate_high")
    bad = ~np.isfinite(low) | ~np.isfinite(high) | (low <= 0) | (high >= 1) | (low > high)
    if len(low) == 0 or bad.any():
        raise_if_problems(
            "EBS table",
            [
                "annual failure rates must satisfy 0 < low <= high < 1; "
                f"bad rows: {list(table.index[bad]) or 'the table is empty'}"
            ],
        )
    names = labels(table, "name")
    groups: dict[tuple[float, float], list[str]] = {}
    for lo, hi, name in zip(low, high, names, strict=True):
        groups.setdefault((float(lo), float(hi)), []).append(name)
    fleet = np.logspace(0, 6, 61)
    fig = new_figure()
    for i, ((lo, hi), members) in enumerate(sorted(groups.items(), reverse=True)):
        color = QUALITATIVE[(i + 3) % len(QUALITATIVE)]
        short = ", ".join(m.split(" (")[0] for m in members)
        label = f"AFR {100 * lo:g} %" + (f" - {100 * hi:g} %" if hi > lo else "") + f": {short}"
        fig.add_trace(
            go.Scatter(
                x=fleet, y=fleet * lo, mode="lines", line={"color": color, "width": 1},
                legendgroup=label, showlegend=False, hoverinfo="skip",
            )
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=fleet,
                y=fleet * hi,
                mode="lines",
                name=label,
                legendgroup=label,
                line={"color": color, "width": 2},
                fill="tonexty",
                hovertemplate="%{x:,.0f} volumes: up to %{y:.3g} lost a year<extra>" + short + "</extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[n_vol],
                y=[n_vol * hi],
                mode="markers+text",
                marker={"color": color, "size": 9},
                text=[
                    f"{n_vol:,.0f} volumes: {n_vol * lo:.2g}"
                    + (f"-{n_vol * hi:.2g}" if hi > lo else "")
                    + " a year"
                ],
                textposition="top left",
                legendgroup=label,
                showlegend=False,
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(type="log", title_text="volumes in the fleet [count]", exponentformat="power", dtick=1)
    fig.update_yaxes(type="log", title_text="volumes lost a year [count/yr]", exponentformat="power", dtick=1)
    base_layout(fig, title if title is not None else "EBS: volumes a fleet loses a year", height=440)
    return fig


# --------------------------------------------------------------------------------------------
# Availability
# --------------------------------------------------------------------------------------------


def _downtime_hours(table: pd.DataFrame) -> np.ndarray:
    if "downtime_per_year_h" in table.columns:
        return numeric_column(table, "downtime_per_year_h")
    if "downtime_per_year" in table.columns:
        col = table["downtime_per_year"]
        if pd.api.types.is_timedelta64_dtype(col) or isinstance(col.iloc[0], pd.Timedelta):
            return np.asarray(pd.to_timedelta(col).dt.total_seconds(), dtype=float) / 3600.0
        return pd.to_numeric(col).to_numpy(dtype=float) / 3600.0  # seconds
    avail = numeric_column(table, "availability")
    return (1.0 - avail) * 365.25 * 24.0


def _fmt_hours(h: float) -> str:
    if h >= 48:
        return f"{h / 24:.1f} days"
    if h >= 1:
        return f"{h:.1f} h"
    if h * 60 >= 1:
        return f"{h * 60:.1f} min"
    return f"{h * 3600:.0f} s"


def plot_availability(
    table: pd.DataFrame | None = None,
    *,
    highlight: str | None = None,
    title: str | None = None,
) -> go.Figure:
    """Availability (as nines) and downtime a year of architectures, and what each step buys.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        One row per architecture (index or ``architecture`` column), with ``availability``
        [fraction 0-1] and optionally ``title``, ``downtime_per_year_h`` [h] or
        ``downtime_per_year`` (timedelta, or seconds) [s], ``adds``, ``single_points_of_failure``;
        default ``cloudgeo.availability.compare_architectures()`` (the seed's four presets).
        Downtime defaults to ``(1 - availability) x 365.25 d``.
    highlight : str, optional
        Architecture (index label) drawn in a strong colour.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Left: nines ``-log10(1 - availability)`` per architecture (text: availability in %);
        right: downtime a year on a log axis (text: the downtime and the change from the
        previous row).

    Raises
    ------
    DataValidationError
        If ``availability`` is missing or outside [0, 1].
    """
    import plotly.graph_objects as go

    check_text(highlight, "highlight", optional=True)

    if table is None:
        from cloudgeo import availability

        table = availability.compare_architectures()
    require_columns(table, ["availability"], source="availability table")
    if "architecture" in table.columns:
        table = table.set_index("architecture")
    avail = numeric_column(table, "availability")
    if not np.all((avail >= 0) & (avail <= 1)):
        raise_if_problems("availability table", ["availability must be a fraction in [0, 1] in every row"])
    ids = [str(i) for i in table.index]
    names = labels(table, "title") if "title" in table.columns else ids
    hours = _downtime_hours(table)
    with np.errstate(divide="ignore"):
        nines = np.where(avail < 1, -np.log10(1 - avail), np.inf)
    adds = labels(table, "adds") if "adds" in table.columns else [""] * len(ids)
    spofs = labels(table, "single_points_of_failure") if "single_points_of_failure" in table.columns else None
    colors = [REGION_COLOR if (highlight is None or i == highlight) else "#c9c9c9" for i in ids]
    delta = [""] + [f" ({_sign_hours(hours[j] - hours[j - 1])})" for j in range(1, len(ids))]
    hover = []
    for j in range(len(ids)):
        lines = [
            f"<b>{names[j]}</b>",
            f"availability: {100 * avail[j]:.4f} %",
            f"downtime: {_fmt_hours(hours[j])} a year",
        ]
        if adds[j]:
            lines.append(f"adds: {adds[j]}")
        if spofs is not None:
            lines.append(f"single points of failure: {spofs[j] or 'none'}")
        hover.append("<br>".join(lines))
    fig = new_subplots(
        rows=1,
        cols=2,
        subplot_titles=("availability [nines]", "downtime a year (log scale)"),
        horizontal_spacing=0.08,
    )
    fig.add_trace(
        go.Bar(
            x=names,
            y=nines,
            marker_color=colors,
            text=[_fmt_percent(a) for a in avail],
            textposition="outside",
            hovertext=hover,
            hoverinfo="text",
            name="availability [nines]",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            x=names,
            y=hours,
            marker_color=colors,
            text=[_fmt_hours(h) + d for h, d in zip(hours, delta, strict=True)],
            textposition="outside",
            hovertext=hover,
            hoverinfo="text",
            name="downtime [h/yr]",
            showlegend=False,
        ),
        row=1,
        col=2,
    )
    fig.update_yaxes(title_text="nines = -log10(1 - availability)", rangemode="tozero", row=1, col=1)
    # one labelled tick per power of ten (no cluttered minor labels)
    fig.update_yaxes(type="log", title_text="downtime a year [h]", dtick=1, row=1, col=2)
    fig.update_xaxes(tickangle=-20)
    base_layout(
        fig,
        title if title is not None else "What each step buys: availability of the architectures",
        height=520,
    )
    return fig


def _fmt_percent(a: float) -> str:
    """Availability in percent with enough digits to show its nines (0.999995 -> 99.9995 %)."""
    decimals = 1 if a >= 1 or a <= 0 else min(9, max(1, math.ceil(-math.log10(1 - a) - 1e-9) - 1))
    return f"{100 * a:.{decimals}f} %"


def _sign_hours(h: float) -> str:
    return ("+" if h > 0 else "−") + _fmt_hours(abs(h))


# --------------------------------------------------------------------------------------------
# Placement
# --------------------------------------------------------------------------------------------


_PLACEMENT_RESULT = "the PlacementResult from cloudgeo.placement.optimize_placement"


def _attr(result: object, name: str, expected: str = _PLACEMENT_RESULT) -> Any:
    if not hasattr(result, name):
        msg = f"result has no {name!r} (got {type(result).__name__}); pass {expected}."
        raise InvalidTypeError(msg)
    return getattr(result, name)


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
    import plotly.graph_objects as go

    sites = list(_attr(result, "sites"))
    assignment = _attr(result, "assignment")
    rtt = getattr(result, "rtt_ms", None)
    n_max = check_max_points(max_points)
    has_weight = isinstance(users, pd.DataFrame) and "weight" in users.columns
    lat, lon, w = points_arrays(users, source="users", weight="weight" if has_weight else None)
    clat, clon, _ = points_arrays(candidates, source="candidates")
    if not assignment.index.equals(users.index):
        msg = "result.assignment is not aligned with users; pass the users given to optimize_placement."
        raise InvalidInputError(msg)
    rows = sample_rows(len(users), n_max, w, seed=0)
    chosen = candidates.index.isin(sites)
    cand_names = labels(candidates, "name")
    fig = new_figure()
    # the serving sites as codes into their distinct ids (one pass over the users)
    site_code, site_uniq = pd.factorize(assignment, use_na_sentinel=False)
    served = np.asarray([str(x) for x in site_uniq], dtype=object)[site_code[rows]].tolist()
    user_rtt = pd.to_numeric(rtt).to_numpy(dtype=float)[rows] if rtt is not None else None
    ws = w[rows] if w is not None else None
    size = 4.0 + 12.0 * np.sqrt(ws / ws.max()) if ws is not None and ws.max() > 0 else np.full(len(rows), 5.0)
    name_col = column(users, "name", "city")
    # built from plain Python lists in one pass and handed to plotly as an array (validating
    # long lists of str is slow): this runs on every widget update
    names = labels_of(name_col.iloc[rows]) if name_col is not None else None
    heads = [f"<b>{n}</b><br>" for n in names] if names is not None else [""] * len(rows)
    if user_rtt is not None:
        rtts = user_rtt.tolist()
        hover_col = [
            f"{h}served by {x}<br>RTT: {t:.1f} ms" for h, x, t in zip(heads, served, rtts, strict=True)
        ]
    else:
        hover_col = [f"{h}served by {x}" for h, x in zip(heads, served, strict=True)]
    hover = np.array(hover_col, dtype=str)
    marker: dict[str, Any] = {"size": size, "opacity": 0.75}
    if user_rtt is not None:
        marker.update(
            color=user_rtt, colorscale=RTT_COLORSCALE, cmin=0.0, colorbar={"title": {"text": "RTT [ms]"}}
        )
    else:
        palette = {s: QUALITATIVE[i % len(QUALITATIVE)] for i, s in enumerate(map(str, sites))}
        marker["color"] = np.array([palette.get(s, "#444") for s in served], dtype=str)
    fig.add_trace(users_trace(lat[rows], lon[rows], marker, hover))
    fig.add_trace(
        go.Scattergeo(
            lat=clat[~chosen],
            lon=clon[~chosen],
            mode="markers",
            name=f"candidates not chosen ({int((~chosen).sum())})",
            marker={"size": 7, "color": "#9a9a9a", "symbol": "circle-open"},
            text=[str(i) for i in candidates.index[~chosen]],
            hovertext=[
                f"{i} {n}"
                for i, n in zip(
                    candidates.index[~chosen], np.asarray(cand_names, dtype=object)[~chosen], strict=True
                )
            ],
            hoverinfo="text",
        )
    )
    served_w = np.bincount(site_code, weights=w, minlength=len(site_uniq))
    share = dict(
        zip(site_uniq, (served_w / (float(w.sum()) if w is not None else len(users))).tolist(), strict=True)
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
                for i, n in zip(
                    candidates.index[chosen], np.asarray(cand_names, dtype=object)[chosen], strict=True
                )
            ],
            hoverinfo="text",
        )
    )
    objective = str(getattr(result, "objective", "objective"))
    value = float(getattr(result, "objective_value", float("nan")))
    unit = "" if objective == "coverage" else " ms"
    text = (
        title
        if title is not None
        else f"{len(sites)} sites chosen ({objective} = {value:.4g}{unit}): {', '.join(map(str, sites))}"
    )
    if len(rows) < len(users):
        text += f" (showing a random sample of {len(rows):,} of {len(users):,} users, seed 0)"
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
        _attr(result, "failover"),
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


# --------------------------------------------------------------------------------------------
# Autoscaling
# --------------------------------------------------------------------------------------------

_TIMELINE_COLUMNS = (
    "demand",
    "capacity",
    "served",
    "unserved",
    "instances",
    "in_service_instances",
    "utilisation",
)


def plot_autoscaling(
    result: object, *, demand_unit: str = "requests/s", title: str | None = None
) -> go.Figure:
    """Autoscaling timeline: demand vs capacity, instances, utilisation with alarms and actions.

    Parameters
    ----------
    result : ScalingResult or pandas.DataFrame
        From :func:`cloudgeo.scaling.simulate_autoscaling` (its ``timeline`` is used; the
        policy's ``alarm_threshold``/``scale_in_threshold`` or ``target_utilisation`` draw the
        guide lines), or a timeline DataFrame indexed by time with ``demand``, ``capacity``,
        ``served``, ``unserved`` [units/s], ``instances``, ``in_service_instances``
        [instances], ``utilisation`` [fraction], ``alarm`` and ``action``.
    demand_unit : str, default "requests/s"
        Unit of demand and capacity for the axis label.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Three rows sharing the time axis: (1) demand, capacity and unserved demand (filled);
        (2) running and in-service instances (steps) with scaling actions marked; (3)
        utilisation [fraction] with alarm periods marked and the policy thresholds.

    Raises
    ------
    DataValidationError
        If the timeline lacks a column above.
    """
    import plotly.graph_objects as go

    check_text(demand_unit, "demand_unit")

    tl = (
        result
        if isinstance(result, pd.DataFrame)
        else _attr(
            result,
            "timeline",
            "the ScalingResult from cloudgeo.scaling.simulate_autoscaling (or its timeline DataFrame)",
        )
    )
    require_columns(tl, [*_TIMELINE_COLUMNS, "alarm", "action"], source="autoscaling timeline")
    policy = getattr(result, "policy", None)
    t = tl.index
    num = {c: pd.to_numeric(tl[c]).to_numpy(dtype=float) for c in _TIMELINE_COLUMNS}
    action = numeric_column(tl, "action")
    alarm = tl["alarm"].astype(str).to_numpy()
    fig = new_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.05,
        row_heights=[0.45, 0.3, 0.25],
        subplot_titles=(f"demand and capacity [{demand_unit}]", "instances", "average utilisation"),
    )
    fig.add_trace(
        go.Scatter(
            x=t, y=num["capacity"], name="capacity (in service)", line={"shape": "hv", "color": "#2ca02c"}
        ),
        row=1,
        col=1,
    )
    fig.add_trace(go.Scatter(x=t, y=num["demand"], name="demand", line={"color": "#1f77b4"}), row=1, col=1)
    fig.add_trace(
        go.Scatter(
            x=t,
            y=num["unserved"],
            name=f"unserved ({num['unserved'].sum() / max(num['demand'].sum(), 1e-300):.2%} of demand)",
            fill="tozeroy",
            line={"color": "#d62728", "width": 1},
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=t,
            y=num["instances"],
            name="instances running (billed)",
            line={"shape": "hv", "color": "#7f7f7f"},
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=t,
            y=num["in_service_instances"],
            name="instances in service",
            line={"shape": "hv", "color": "#2ca02c"},
        ),
        row=2,
        col=1,
    )
    acted = action != 0
    fig.add_trace(
        go.Scatter(
            x=t[acted],
            y=num["instances"][acted],
            mode="markers",
            name=f"scaling actions ({int(acted.sum())})",
            marker={
                "symbol": np.where(action[acted] > 0, "triangle-up", "triangle-down"),
                "size": 10,
                "color": "black",
            },
            customdata=action[acted],
            hovertemplate="%{x}: %{customdata:+.0f} instances<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(x=t, y=num["utilisation"], name="utilisation", line={"color": "#9467bd"}), row=3, col=1
    )
    for state, color in (("scale-out", "#d62728"), ("scale-in", "#1f77b4")):
        on = alarm == state
        fig.add_trace(
            go.Scatter(
                x=t[on],
                y=num["utilisation"][on],
                mode="markers",
                name=f"{state} alarm ({int(on.sum())} periods)",
                marker={"size": 5, "color": color},
            ),
            row=3,
            col=1,
        )
    for attr, label in (
        ("alarm_threshold", "scale-out alarm"),
        ("scale_in_threshold", "scale-in alarm"),
        ("target_utilisation", "target"),
    ):
        value = getattr(policy, attr, None)
        if value is not None:
            fig.add_hline(
                y=float(value),
                line={"dash": "dot", "color": "#555"},
                annotation_text=f"{label} {float(value):.0%}",
                row=3,
                col=1,
            )
    fig.update_yaxes(title_text=demand_unit, rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="instances", rangemode="tozero", row=2, col=1)
    fig.update_yaxes(title_text="utilisation", tickformat=".0%", rangemode="tozero", row=3, col=1)
    base_layout(fig, title if title is not None else "Autoscaling: capacity follows demand", height=720)
    fig.update_layout(legend={"orientation": "v", "x": 1.02, "y": 1.0, "yanchor": "top"})
    return fig


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

    table = _attr(result, "table", "the PriceClassLatency from cloudgeo.price_classes.price_class_latency")
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


# --------------------------------------------------------------------------------------------
# Elasticity: policies side by side
# --------------------------------------------------------------------------------------------


def plot_autoscaling_comparison(
    results: object, *, demand_unit: str = "requests/s", title: str | None = None
) -> go.Figure:
    """Several autoscaling runs on the same demand: instances, utilisation and unserved demand.

    Parameters
    ----------
    results : mapping of str to ScalingResult
        Label -> result of :func:`cloudgeo.scaling.simulate_autoscaling` (same demand).
    demand_unit : str, default "requests/s"
        Unit of demand for the axis labels.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Three rows sharing the time axis: (1) demand and each run's in-service capacity
        [units/s]; (2) instances running per run (steps; instance-hours in the legend); (3)
        utilisation per run [fraction]; unserved demand is the gap in row 1 (share in the
        legend).

    Raises
    ------
    InvalidTypeError
        If ``results`` is not a non-empty mapping of results with a ``timeline``.
    """
    import plotly.graph_objects as go

    if not isinstance(results, dict) or not results:
        msg = "results must be a non-empty dict of label -> ScalingResult."
        raise InvalidTypeError(msg)
    check_text(demand_unit, "demand_unit")
    fig = new_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        row_heights=[0.4, 0.35, 0.25],
        subplot_titles=(
            f"demand and capacity in service [{demand_unit}]",
            "instances running",
            "utilisation",
        ),
    )
    start: pd.Timestamp | None = None
    index: pd.Index | None = None
    hours = np.zeros(0, dtype=np.float32)
    for i, (label, result) in enumerate(results.items()):
        tl = _attr(result, "timeline", "a ScalingResult from cloudgeo.scaling.simulate_autoscaling")
        require_columns(tl, list(_TIMELINE_COLUMNS), source="autoscaling timeline")
        if index is None:
            index = tl.index
            start = pd.Timestamp(index[0])
            # hours since the start as float32: a compact axis (the report embeds every point)
            hours = ((pd.DatetimeIndex(index) - start) / pd.Timedelta(hours=1)).to_numpy(dtype=np.float32)
            fig.add_trace(
                go.Scatter(
                    x=hours,
                    y=tl["demand"].to_numpy(dtype=np.float32),
                    name="demand",
                    line={"color": "#222", "width": 1},
                    hovertemplate="%{x:.2f} h: %{y:,.0f}<extra>demand</extra>",
                ),
                row=1,
                col=1,
            )
        elif not tl.index.equals(index):
            msg = f"results must share one demand timeline; {label!r} has a different time index."
            raise InvalidInputError(msg)
        summary = getattr(result, "summary", None)
        color = QUALITATIVE[i % len(QUALITATIVE)]
        share = getattr(summary, "unserved_share", None)
        inst_hours = getattr(summary, "instance_hours", None)
        cap_name = f"{label}: capacity" + (f" ({share:.2%} unserved)" if share is not None else "")
        inst_name = f"{label}: instances" + (
            f" ({inst_hours:,.0f} instance-h)" if inst_hours is not None else ""
        )
        fig.add_trace(
            go.Scatter(
                x=hours,
                y=tl["capacity"].to_numpy(dtype=np.float32),
                name=cap_name,
                line={"shape": "hv", "color": color},
                legendgroup=str(label),
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=hours,
                y=tl["instances"].to_numpy(dtype=np.int16),
                name=inst_name,
                line={"shape": "hv", "color": color},
                legendgroup=str(label),
            ),
            row=2,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=hours,
                y=tl["utilisation"].to_numpy(dtype=np.float32),
                name=f"{label}: utilisation",
                line={"color": color, "width": 1},
                legendgroup=str(label),
                showlegend=False,
            ),
            row=3,
            col=1,
        )
    when = start.strftime("%Y-%m-%d %H:%M") if start is not None else ""
    fig.update_xaxes(title_text=f"hours since {when}", dtick=6, row=3, col=1)
    fig.update_yaxes(title_text=demand_unit, rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="instances", rangemode="tozero", row=2, col=1)
    fig.update_yaxes(title_text="utilisation", tickformat=".0%", range=[0, 1.05], row=3, col=1)
    base_layout(fig, title if title is not None else "Autoscaling policies side by side", height=720)
    fig.update_layout(legend={"orientation": "h", "x": 0.0, "y": -0.08, "yanchor": "top"})
    return fig
