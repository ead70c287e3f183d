"""Charts of autoscaling: one run's timeline, several policies side by side.

Each chart takes the result object of its compute module (or a table of the same columns)
and draws it; none computes a model. Re-exported by :mod:`cloudgeo.plotting`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cloudgeo._validate import check_text, require_columns
from cloudgeo.errors import InvalidInputError, InvalidTypeError
from cloudgeo.plotting._common import result_attr
from cloudgeo.plotting.style import (
    QUALITATIVE,
    base_layout,
    new_subplots,
    numeric_column,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["plot_autoscaling", "plot_autoscaling_comparison"]

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


def _add_demand_row(fig: go.Figure, t: pd.Index, num: dict[str, np.ndarray]) -> None:
    """Add row 1 of :func:`plot_autoscaling`: capacity, demand and the unserved demand (filled)."""
    import plotly.graph_objects as go

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


def _add_instances_row(fig: go.Figure, t: pd.Index, num: dict[str, np.ndarray], action: np.ndarray) -> None:
    """Add row 2 of :func:`plot_autoscaling`: running and in-service instances, scaling actions marked."""
    import plotly.graph_objects as go

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


def _add_utilisation_row(
    fig: go.Figure, t: pd.Index, num: dict[str, np.ndarray], alarm: np.ndarray, policy: object
) -> None:
    """Add row 3 of :func:`plot_autoscaling`: utilisation, alarm periods and the policy's thresholds."""
    import plotly.graph_objects as go

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
    check_text(demand_unit, "demand_unit")

    tl = (
        result
        if isinstance(result, pd.DataFrame)
        else result_attr(
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
    _add_demand_row(fig, t, num)
    _add_instances_row(fig, t, num, action)
    _add_utilisation_row(fig, t, num, alarm, policy)
    fig.update_yaxes(title_text=demand_unit, rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="instances", rangemode="tozero", row=2, col=1)
    fig.update_yaxes(title_text="utilisation", tickformat=".0%", rangemode="tozero", row=3, col=1)
    base_layout(fig, title if title is not None else "Autoscaling: capacity follows demand", height=720)
    fig.update_layout(legend={"orientation": "v", "x": 1.02, "y": 1.0, "yanchor": "top"})
    return fig


# --------------------------------------------------------------------------------------------
# Elasticity: policies side by side
# --------------------------------------------------------------------------------------------


def _add_demand_trace(fig: go.Figure, hours: np.ndarray, tl: pd.DataFrame) -> None:
    """Add the demand shared by every policy (row 1 of :func:`plot_autoscaling_comparison`)."""
    import plotly.graph_objects as go

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


def _add_policy_traces(
    fig: go.Figure, hours: np.ndarray, i: int, label: str, result: object, tl: pd.DataFrame
) -> None:
    """Add one policy's capacity, instances and utilisation (one colour, one legend group)."""
    import plotly.graph_objects as go

    summary = getattr(result, "summary", None)
    color = QUALITATIVE[i % len(QUALITATIVE)]
    share = getattr(summary, "unserved_share", None)
    inst_hours = getattr(summary, "instance_hours", None)
    cap_name = f"{label}: capacity" + (f" ({share:.2%} unserved)" if share is not None else "")
    inst_name = f"{label}: instances" + (f" ({inst_hours:,.0f} instance-h)" if inst_hours is not None else "")
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
        tl = result_attr(result, "timeline", "a ScalingResult from cloudgeo.scaling.simulate_autoscaling")
        require_columns(tl, list(_TIMELINE_COLUMNS), source="autoscaling timeline")
        if index is None:
            index = tl.index
            start = pd.Timestamp(index[0])
            # hours since the start as float32: a compact axis (the report embeds every point)
            hours = ((pd.DatetimeIndex(index) - start) / pd.Timedelta(hours=1)).to_numpy(dtype=np.float32)
            _add_demand_trace(fig, hours, tl)
        elif not tl.index.equals(index):
            msg = f"results must share one demand timeline; {label!r} has a different time index."
            raise InvalidInputError(msg)
        _add_policy_traces(fig, hours, i, str(label), result, tl)
    when = start.strftime("%Y-%m-%d %H:%M") if start is not None else ""
    fig.update_xaxes(title_text=f"hours since {when}", dtick=6, row=3, col=1)
    fig.update_yaxes(title_text=demand_unit, rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="instances", rangemode="tozero", row=2, col=1)
    fig.update_yaxes(title_text="utilisation", tickformat=".0%", range=[0, 1.05], row=3, col=1)
    base_layout(fig, title if title is not None else "Autoscaling policies side by side", height=720)
    fig.update_layout(legend={"orientation": "h", "x": 0.0, "y": -0.08, "yanchor": "top"})
    return fig
