"""Charts of durability and availability: expected losses, EBS volume losses, architectures.

Each chart takes the result object of its compute module (or a table of the same columns)
and draws it; none computes a model. Re-exported by :mod:`cloudgeo.plotting`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cloudgeo._validate import check_text, raise_if_problems, require_columns
from cloudgeo.errors import InvalidTypeError
from cloudgeo.plotting.style import (
    QUALITATIVE,
    REGION_COLOR,
    base_layout,
    labels,
    new_figure,
    new_subplots,
    numeric_column,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "SEED_DURABILITY",
    "SEED_OBJECTS",
    "plot_availability",
    "plot_durability",
    "plot_ebs_volume_losses",
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


@dataclass(frozen=True)
class _DurabilityGrid:
    """The x values of the two durability panels."""

    n_objects: float  # objects stored, for the right panel [count]
    objects: np.ndarray  # left panel [count]
    years: np.ndarray  # right panel [yr]


def _add_durability_lines(
    fig: go.Figure,
    i: int,
    label: str,
    d: float,
    *,
    bold: bool,
    emphasise: bool,
    grid: _DurabilityGrid,
    horizon: float,
) -> None:
    """Add one storage group's two lines: expected losses by size, P(any loss) by horizon."""
    import plotly.graph_objects as go

    from cloudgeo import durability

    # dashes tell apart lines that coincide (e.g. every group at P(any loss) = 1)
    style = {
        "color": QUALITATIVE[i % len(QUALITATIVE)],
        "width": 3 if emphasise else 2,
        "dash": _DASHES[i % len(_DASHES)],
    }
    opacity = 1.0 if bold else 0.3
    left = durability.expected_losses(objects=grid.objects, durability=d, years=horizon)
    right = durability.expected_losses(objects=grid.n_objects, durability=d, years=grid.years)
    fig.add_trace(
        go.Scatter(
            x=grid.objects,
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
            x=grid.years,
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


def _add_seed_marker(fig: go.Figure, horizon: float) -> None:
    """Mark the seed's case: 10 million objects at 11 nines."""
    import plotly.graph_objects as go

    from cloudgeo import durability

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
    from cloudgeo._validate import check_positive

    check_text(highlight, "highlight", optional=True)
    groups = _durability_groups(data)
    n_obj = check_positive(
        objects if objects is not None else (_table_value(data, "objects") or SEED_OBJECTS), "objects"
    )
    horizon = check_positive(
        years if years is not None else (_table_value(data, "years") or 1.0), "years", "yr"
    )
    grid = _DurabilityGrid(n_obj, np.logspace(3, 12, 91), np.logspace(-1, 4, 101))
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
        _add_durability_lines(
            fig, i, label, d, bold=bold, emphasise=bool(highlight and bold), grid=grid, horizon=horizon
        )
    _add_seed_marker(fig, horizon)
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


def _ebs_groups(table: pd.DataFrame) -> dict[tuple[float, float], list[str]]:
    """Group the volume types by their (low, high) annual failure rate, after checking them."""
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
    return groups


def _add_afr_band(
    fig: go.Figure, fleet: np.ndarray, n_vol: float, color: str, afr: tuple[float, float], members: list[str]
) -> None:
    """Add one AFR range: the band of volumes lost a year by fleet size, and the given fleet."""
    import plotly.graph_objects as go

    lo, hi = afr
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
    groups = _ebs_groups(table)
    fleet = np.logspace(0, 6, 61)
    fig = new_figure()
    for i, ((lo, hi), members) in enumerate(sorted(groups.items(), reverse=True)):
        _add_afr_band(fig, fleet, n_vol, QUALITATIVE[(i + 3) % len(QUALITATIVE)], (lo, hi), members)
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


def _availability_hover(
    table: pd.DataFrame, names: list[str], avail: np.ndarray, hours: np.ndarray
) -> list[str]:
    """Return each architecture's hover text: availability, downtime, what it adds, its SPOFs."""
    ids = [str(i) for i in table.index]
    adds = labels(table, "adds") if "adds" in table.columns else [""] * len(ids)
    spofs = labels(table, "single_points_of_failure") if "single_points_of_failure" in table.columns else None
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
    return hover


def _add_availability_bars(
    fig: go.Figure,
    names: list[str],
    colors: list[str],
    hover: list[str],
    avail: np.ndarray,
    hours: np.ndarray,
) -> None:
    """Add the nines (left) and the downtime a year with its change (right) as bars."""
    import plotly.graph_objects as go

    with np.errstate(divide="ignore"):
        nines = np.where(avail < 1, -np.log10(1 - avail), np.inf)
    delta = [""] + [f" ({_sign_hours(hours[j] - hours[j - 1])})" for j in range(1, len(names))]
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
    colors = [REGION_COLOR if (highlight is None or i == highlight) else "#c9c9c9" for i in ids]
    hover = _availability_hover(table, names, avail, hours)
    fig = new_subplots(
        rows=1,
        cols=2,
        subplot_titles=("availability [nines]", "downtime a year (log scale)"),
        horizontal_spacing=0.08,
    )
    _add_availability_bars(fig, names, colors, hover, avail, hours)
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
