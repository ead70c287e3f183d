"""Latency charts: the share of users within each RTT (CDF) and region-to-region RTT matrices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cloudgeo._validate import check_thresholds, require_columns
from cloudgeo.errors import InvalidInputError, InvalidTypeError
from cloudgeo.plotting.style import QUALITATIVE, base_layout, new_figure, new_subplots, numeric_column
from cloudgeo.stats import weighted_quantile

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["plot_latency_cdf", "plot_rtt_matrix"]


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


def _rtt_and_weights(df: pd.DataFrame, label: object, weight: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Return one table's RTTs [ms] and weights (ones when unweighted), checked."""
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
    return rtt, w


def _cdf_layout(fig: go.Figure, guides: list[float], title: str | None) -> None:
    """Lay out the CDF with a dotted vertical guide and label at each threshold [ms].

    The guides are plain shapes + annotations (what add_vline makes, without its per-call
    subplot bookkeeping: ~20 ms each, on every widget update).
    """
    base_layout(
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
    fig = new_figure()
    for i, (label, df) in enumerate(frames.items()):
        rtt, w = _rtt_and_weights(df, label, weight)
        weighted = weight is not None and weight in df.columns
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
    _cdf_layout(fig, check_thresholds(thresholds_ms), title)
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


def _rtt_values(matrix_ms: pd.DataFrame) -> np.ndarray:
    """Return the matrix as floats [ms], after checking its cells (numeric, plausible RTTs)."""
    from cloudgeo._validate import raise_if_problems

    try:
        z = np.asarray(matrix_ms.to_numpy(dtype=float), dtype=float)
    except (TypeError, ValueError):
        raise_if_problems("matrix_ms", ["values must be numeric RTTs [ms]"])
        raise
    if z.size == 0:
        raise_if_problems("matrix_ms", ["the matrix is empty"])
    raise_if_problems("matrix_ms", _rtt_cell_problems(z, matrix_ms.index, matrix_ms.columns))
    return z


def _model_error_figure(model: go.Heatmap, z: np.ndarray, meas: pd.DataFrame, title: str | None) -> go.Figure:
    """Return the modelled matrix beside its error against the measured pairs [%]."""
    import plotly.graph_objects as go

    rows = [str(i) for i in meas.index]
    cols = [str(c) for c in meas.columns]
    m = meas.to_numpy(dtype=float)
    overlap = np.isfinite(m) & np.isfinite(z) & (m > 0)
    if not overlap.any():
        msg = (
            "measured shares no (from, to) pair with matrix_ms; labels must match (matrix "
            f"rows {rows[:3]}..., columns {cols[:3]}...)."
        )
        raise InvalidInputError(msg)
    err = np.where(overlap, 100.0 * (z - m) / np.where(overlap, m, 1.0), np.nan)
    fig = new_subplots(rows=1, cols=2, subplot_titles=("modelled RTT [ms]", "model error vs measured [%]"))
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
    base_layout(fig, title if title is not None else default, height=560)
    return fig


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

    if measured is not None and not isinstance(measured, pd.DataFrame):
        msg = f"measured must be a pandas DataFrame of measurements or None, got {type(measured).__name__}."
        raise InvalidTypeError(msg)
    if not isinstance(matrix_ms, pd.DataFrame):
        msg = f"matrix_ms must be a pandas DataFrame, got {type(matrix_ms).__name__}."
        raise InvalidTypeError(msg)
    z = _rtt_values(matrix_ms)
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
        fig = new_figure(model)
        fig.update_yaxes(autorange="reversed", title_text="from")
        fig.update_xaxes(title_text="to")
        base_layout(
            fig, title if title is not None else "Modelled round-trip time between sites [ms]", height=560
        )
        return fig
    return _model_error_figure(
        model, z, _as_matrix(measured).reindex(index=matrix_ms.index, columns=matrix_ms.columns), title
    )
