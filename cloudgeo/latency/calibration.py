"""Fitting a latency model on measured round trips, and comparing a model with measurements.

Owns :func:`calibrate` (overhead and stretch of :class:`~cloudgeo.latency.model.LatencyModel`
fitted separately for p50 and p90 by least absolute relative error, routing choices kept) and
:func:`compare_with_measurements`. Input: the tidy measurement table of :mod:`cloudgeo.io`.
"""

from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import (
    coordinate_problems,
    raise_if_problems,
    require_columns,
)
from cloudgeo.errors import (
    DataValidationError,
)
from cloudgeo.geodesy import great_circle_trusted_km
from cloudgeo.latency.model import (
    STATS,
    FloatArray,
    LatencyModel,
    _path_km_pairs,
    fibre_speed_km_s,
    get_model,
)
from cloudgeo.latency.pairs import _region_coords

__all__ = [
    "CalibrationResult",
    "calibrate",
    "compare_with_measurements",
]


# --------------------------------------------------------------------------------------------
# calibration
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationResult:
    """Outcome of :func:`calibrate`.

    Attributes
    ----------
    model : LatencyModel
        The fitted model.
    residuals : pandas.DataFrame
        Per statistic (index ``p50``, ``p90``): ``n`` pairs, ``median_abs_pct_error``,
        ``p90_abs_pct_error``, ``max_abs_pct_error`` [%], ``below_floor`` (count of
        predictions below the physics floor).
    predictions : pandas.DataFrame
        The fitted rows with ``predicted_ms`` and ``abs_pct_error`` [%].
    """

    model: LatencyModel
    residuals: pd.DataFrame
    predictions: pd.DataFrame = field(repr=False)

    def _repr_html_(self) -> str:
        return f"<b>CalibrationResult</b> for {html.escape(repr(self.model.name))}" + str(
            self.residuals.to_html()
        )


@dataclass(frozen=True)
class _Geometry:
    """Per measurement row: great circle [km], same site, and the path time term 2 p / v [ms]."""

    gc_km: FloatArray
    same_site: npt.NDArray[np.bool_]
    path_ms: FloatArray


def _measurement_geometry(df: pd.DataFrame, m: LatencyModel) -> _Geometry:
    """Great circle, same-site mask and path time term of measurement rows under ``m``'s routing."""
    ends = _measurement_points(df)
    sa, so, da, do = ends.src_lat, ends.src_lon, ends.dst_lat, ends.dst_lon
    gc = great_circle_trusted_km(sa, so, da, do)
    same = (df["src"].astype(str).to_numpy() == df["dst"].astype(str).to_numpy()) | (gc < 1.0)
    path = np.where(same, 0.0, _path_km_pairs(m, sa, so, da, do))
    return _Geometry(gc, same, 2.0 * path / (m.fibre_speed_km_s / 1000.0))


@dataclass(frozen=True)
class _Ends:
    """Coordinates of both ends of each measurement row [deg]."""

    src_lat: FloatArray
    src_lon: FloatArray
    dst_lat: FloatArray
    dst_lon: FloatArray


def _measurement_points(df: pd.DataFrame) -> _Ends:
    """Both ends of each row: its coordinate columns if given, else its region codes' locations."""
    coord_cols = ["src_lat", "src_lon", "dst_lat", "dst_lon"]
    if all(c in df.columns for c in coord_cols):
        sa = df["src_lat"].to_numpy(dtype=float)
        so = df["src_lon"].to_numpy(dtype=float)
        da = df["dst_lat"].to_numpy(dtype=float)
        do = df["dst_lon"].to_numpy(dtype=float)
        problems = coordinate_problems(sa, so, df.index, lat_name="src_lat", lon_name="src_lon")
        problems += coordinate_problems(da, do, df.index, lat_name="dst_lat", lon_name="dst_lon")
        raise_if_problems("measurements", problems)
        return _Ends(sa, so, da, do)
    sa, so = _region_coords([str(x) for x in df["src"]])
    da, do = _region_coords([str(x) for x in df["dst"]])
    return _Ends(sa, so, da, do)


def _fit_line(x: FloatArray, y: FloatArray, *, iterations: int = 50) -> tuple[float, float]:
    """Fit y ~ a + b x minimising the sum of absolute relative errors (IRLS), a >= 0, b >= 1."""
    from scipy.optimize import lsq_linear

    design = np.column_stack([np.ones_like(x), x])
    w = 1.0 / y
    coef = np.array([0.0, 1.0])
    for _ in range(iterations):
        sol = lsq_linear(design * w[:, None], y * w, bounds=([0.0, 1.0], [np.inf, np.inf]))
        coef = sol.x
        r = np.abs(design @ coef - y) / y
        w = 1.0 / (y * np.sqrt(np.maximum(r, 1e-4)))
    # the solver keeps the bounds up to rounding; hold them exactly (LatencyModel requires them)
    return max(float(coef[0]), 0.0), max(float(coef[1]), 1.0)


def calibrate(
    measurements: pd.DataFrame,
    *,
    model: str | LatencyModel | None = None,
) -> CalibrationResult:
    """Fit overhead and stretch (p50 and p90 separately) and the intra-region RTT to measurements.

    Every row must have ``stat`` ``"p50"`` or ``"p90"``, the statistics the model predicts;
    other statistics (e.g. ICMP ``min``/``avg``) are rejected with an error telling you to select
    the p50/p90 rows first (as :func:`compare_with_measurements` does), never silently dropped.
    At least one p50 row is needed. One-way rows are doubled. Same-endpoint rows (``src == dst`` or zero
    distance) give the intra-region RTT (their median); the others are fitted to
    ``RTT = overhead + stretch * 2 d / v`` with ``d`` per the template model's routing, by
    least absolute *relative* error (iteratively reweighted least squares), with
    ``overhead >= 0`` and ``stretch >= 1`` so no prediction falls below the physics floor.

    Parameters
    ----------
    measurements : pandas.DataFrame
        Tidy table with ``src, dst, rtt_ms, stat, method, one_way``; ``src``/``dst`` are region
        codes unless ``src_lat, src_lon, dst_lat, dst_lon`` are present; ``stat`` is ``"p50"``
        or ``"p90"``. [ms]
    model : str, LatencyModel or None
        Template whose routing, fibre index and attachment settings are kept (default
        ``"calibrated"``; ``"physics"`` gives the best straight-line fit).

    Returns
    -------
    CalibrationResult
        Fitted model and residual statistics. [%]

    Raises
    ------
    DataValidationError
        On missing columns, an empty table, statistics other than p50/p90, non-positive RTTs or
        no p50 row.
    UnknownRegionError
        For an unknown region code.
    """
    df = require_columns(measurements, ["src", "dst", "rtt_ms", "stat", "one_way"], source="measurements")
    template = get_model(model)
    if len(df) == 0:
        raise DataValidationError("measurements", ["the table is empty; pass at least one measured p50 row"])
    _check_model_stats(df)
    if not (df["stat"].astype(str) == "p50").any():
        raise DataValidationError(
            "measurements",
            [
                f"no rows with stat 'p50' (stats present: {sorted(set(map(str, df['stat'])))}); the "
                "median round trip is needed to fit the model, p90 rows alone are not enough"
            ],
        )
    rtt = _measured_rtt_ms(df)
    geo = _measurement_geometry(df, template)
    gc, same, x = geo.gc_km, geo.same_site, geo.path_ms
    params: dict[str, tuple[float, float, float]] = {}
    stats_arr = df["stat"].astype(str).to_numpy()
    for stat in STATS:
        sel = (stats_arr == stat) & ~same
        intra_sel = (stats_arr == stat) & same
        if not sel.any():
            continue
        a, b = _fit_line(x[sel], rtt[sel])
        intra = float(np.median(rtt[intra_sel])) if intra_sel.any() else a
        params[stat] = (b, a, intra)
    p50 = params["p50"]
    p90 = params.get("p90")
    fitted = dataclasses.replace(
        template,
        name=template.name if template.name not in ("physics", "rule-of-thumb") else f"{template.name}-fit",
        stretch=p50[0],
        overhead_ms=p50[1],
        intra_region_rtt_ms=p50[2],
        stretch_p90=None if p90 is None else p90[0],
        overhead_p90_ms=None if p90 is None else p90[1],
        intra_region_rtt_p90_ms=None if p90 is None else p90[2],
    )
    pred = _predict_rows(fitted, stats_arr, same, x)
    floor = 2.0 * gc / (fibre_speed_km_s(template.fibre_index) / 1000.0)
    out = df.assign(rtt_ms=rtt, predicted_ms=pred, abs_pct_error=100.0 * np.abs(pred - rtt) / rtt)
    residuals = _residuals(out["abs_pct_error"].to_numpy(), pred, floor, stats_arr, same)
    return CalibrationResult(model=fitted, residuals=residuals, predictions=out)


def _residuals(
    err_pct: FloatArray,
    pred: FloatArray,
    floor: FloatArray,
    stats: npt.NDArray[Any],
    same: npt.NDArray[np.bool_],
) -> pd.DataFrame:
    """Per statistic: absolute % errors of the rows between two sites [%], predictions below the floor."""
    rows = {}
    for stat in STATS:
        sel = (stats == stat) & ~same
        if sel.any():
            e = err_pct[sel]
            rows[stat] = {
                "n": int(sel.sum()),
                "median_abs_pct_error": float(np.median(e)),
                "p90_abs_pct_error": float(np.quantile(e, 0.9)),
                "max_abs_pct_error": float(e.max()),
                "below_floor": int((pred[sel] < floor[sel] - 1e-9).sum()),
            }
    return pd.DataFrame.from_dict(rows, orient="index")


def _predict_rows(
    m: LatencyModel, stats: npt.NDArray[Any], same: npt.NDArray[np.bool_], x: FloatArray
) -> FloatArray:
    """Model RTT per measurement row: intra-region RTT for same-site rows, else overhead + stretch * x."""
    pred = np.empty_like(x)
    for stat in STATS:
        sel = stats == stat
        if sel.any():
            st, ov, intra = m.stat_params(stat)
            pred[sel] = np.where(same[sel], intra, ov + st * x[sel])
    return pred


def _check_model_stats(df: pd.DataFrame) -> npt.NDArray[Any]:
    """Return the ``stat`` column as str; raise if a row has a statistic the model does not predict."""
    stats_arr = df["stat"].astype(str).to_numpy()
    other = ~np.isin(stats_arr, STATS)
    if other.any():
        raise DataValidationError(
            "measurements",
            [
                f"stat {sorted(set(stats_arr[other]))} in row(s) {list(df.index[other][:5])}: the model "
                f"predicts only {list(STATS)}; select those rows (df[df['stat'].isin({list(STATS)})])"
            ],
        )
    return stats_arr


def _measured_rtt_ms(df: pd.DataFrame) -> FloatArray:
    rtt = df["rtt_ms"].to_numpy(dtype=float) * np.where(df["one_way"].astype(bool).to_numpy(), 2.0, 1.0)
    bad = ~(np.isfinite(rtt) & (rtt > 0))
    if bad.any():
        raise DataValidationError(
            "measurements", [f"rtt_ms must be finite and > 0; bad in row(s) {list(df.index[bad][:5])}"]
        )
    return rtt


def compare_with_measurements(
    measurements: pd.DataFrame,
    *,
    model: str | LatencyModel | None = None,
) -> pd.DataFrame:
    """Put the model's RTT beside each measured RTT, with the error and the physics floor.

    Parameters
    ----------
    measurements : pandas.DataFrame
        Tidy table (``src, dst, rtt_ms, stat, one_way``), e.g. from
        :func:`cloudgeo.measurements.read_cloudping_json`; ``src``/``dst`` are region codes
        unless ``src_lat, src_lon, dst_lat, dst_lon`` are present. One-way rows are doubled.
        ``stat`` must be ``"p50"`` or ``"p90"``, the statistics the model predicts. [ms]
    model : str, LatencyModel or None
        Model to compare (default: the calibrated model).

    Returns
    -------
    pandas.DataFrame
        The input's rows and index with ``measured_ms`` (round trip) [ms], ``modelled_ms`` [ms],
        ``error_ms`` (modelled - measured) [ms], ``error_pct`` (relative to measured) [%] and
        ``physics_floor_ms`` (straight fibre along the great circle) [ms].

    Raises
    ------
    DataValidationError
        On missing columns, non-positive RTTs, or statistics the model does not predict.
    UnknownRegionError
        For an unknown region code.
    """
    df = require_columns(measurements, ["src", "dst", "rtt_ms", "stat", "one_way"], source="measurements")
    m = get_model(model)
    stats_arr = _check_model_stats(df)
    rtt = _measured_rtt_ms(df)
    geo = _measurement_geometry(df, m)
    gc, same, x = geo.gc_km, geo.same_site, geo.path_ms
    pred = _predict_rows(m, stats_arr, same, x)
    floor = 2.0 * gc / (fibre_speed_km_s(m.fibre_index) / 1000.0)
    return df.assign(
        measured_ms=rtt,
        modelled_ms=pred,
        error_ms=pred - rtt,
        error_pct=100.0 * (pred - rtt) / rtt,
        physics_floor_ms=floor,
    )
