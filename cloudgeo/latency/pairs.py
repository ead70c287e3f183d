"""Round-trip times between sites: points, regions and their matrices (no access term).

Owns :func:`rtt_ms` (point pairs), :func:`region_rtt_ms` (region codes, element-wise) and
:func:`rtt_matrix_ms` (every pair of two tables), plus the input readers they share with the
rest of :mod:`cloudgeo.latency` (points, region codes, result ``attrs``). The model they apply
is :class:`~cloudgeo.latency.model.LatencyModel` (overhead + stretch x 2 d / v over the great
circle or the routed backbone); two sites in the same region have the intra-region RTT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import (
    check_bool,
    check_choice,
    coordinate_problems,
    numeric_array,
    points_arrays,
    raise_if_problems,
)
from cloudgeo.errors import (
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
)
from cloudgeo.latency.model import (
    STATS,
    FloatArray,
    LatencyModel,
    _path_km_matrix,
    _path_km_pairs,
    _rtt_of_path,
    get_model,
)

__all__ = [
    "region_rtt_ms",
    "rtt_matrix_ms",
    "rtt_ms",
]

# --------------------------------------------------------------------------------------------
# inputs: points and region codes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Points:
    """Points given as a (lat, lon) tuple (``scalar``) or a DataFrame (its ``index``)."""

    lat: FloatArray  # [deg]
    lon: FloatArray  # [deg]
    index: pd.Index | None
    scalar: bool


def _points(obj: object, source: str) -> _Points:
    """Read a (lat, lon) tuple or a DataFrame with lat, lon columns."""
    if isinstance(obj, pd.DataFrame):
        la, lo, _ = points_arrays(obj, source=source)
        return _Points(la, lo, obj.index, False)
    if isinstance(obj, tuple) and len(obj) == 2:
        la = np.atleast_1d(numeric_array(obj[0], f"{source} lat", expected="numeric decimal degrees"))
        lo = np.atleast_1d(numeric_array(obj[1], f"{source} lon", expected="numeric decimal degrees"))
        if la.shape != (1,) or lo.shape != (1,):
            msg = f"{source} must be a (lat, lon) tuple of numbers [deg], got {obj!r}."
            raise InvalidTypeError(msg)
        raise_if_problems(source, coordinate_problems(la, lo, pd.Index([0])))
        return _Points(la, lo, None, True)
    msg = (
        f"{source} must be a (lat, lon) tuple or a DataFrame with lat, lon columns; got {type(obj).__name__}."
    )
    raise InvalidTypeError(msg)


def _region_coords(codes: Sequence[str]) -> tuple[FloatArray, FloatArray]:
    from cloudgeo import catalog

    codes = [str(c) for c in codes]  # np.str_ would show as np.str_('...') in error messages
    uniq = list(dict.fromkeys(codes))
    table = catalog.get_regions(uniq)
    pos = {c: i for i, c in enumerate(uniq)}
    idx = np.fromiter((pos[c] for c in codes), dtype=np.intp, count=len(codes))
    return table["lat"].to_numpy(dtype=float)[idx], table["lon"].to_numpy(dtype=float)[idx]


def _as_codes(codes: object, name: str) -> tuple[npt.NDArray[np.str_], bool]:
    if isinstance(codes, str):
        return np.array([codes]), True
    try:
        items = list(codes)  # type: ignore[call-overload]
    except TypeError:
        msg = f"{name} must be a region code or a sequence of region codes, got {codes!r}."
        raise InvalidTypeError(msg) from None
    bad = [c for c in items if not isinstance(c, str)]
    if bad:
        msg = f"{name} must hold region codes (str); got {bad[:5]!r}."
        raise InvalidTypeError(msg)
    return np.array(items, dtype=str), False


def _result_attrs(obj: pd.Series | pd.DataFrame, m: LatencyModel, stat: str, one_way: bool) -> None:
    obj.attrs.update(
        {
            "quantity": "one-way time" if one_way else "round-trip time",
            "unit": "ms",
            "stat": stat,
            "model": m.name,
        }
    )


# --------------------------------------------------------------------------------------------
# public RTT functions
# --------------------------------------------------------------------------------------------


def rtt_ms(
    src: object,
    dst: object,
    *,
    model: str | LatencyModel | None = None,
    stat: str = "p50",
    one_way: bool = False,
) -> Any:
    """RTT between points (site to site, no access term), row by row.

    Parameters
    ----------
    src, dst : tuple or pandas.DataFrame
        ``(lat, lon)`` tuples or DataFrames with ``lat``, ``lon`` (row-aligned; a tuple is
        broadcast against a DataFrame). [deg]
    model : str, LatencyModel or None
        ``"physics"``, ``"rule-of-thumb"``, ``"calibrated"`` (default) or a model.
    stat : {"p50", "p90"}
        Statistic of the RTT distribution.
    one_way : bool, default False
        Return the one-way time (RTT / 2) instead.

    Returns
    -------
    float or pandas.Series
        A float for two tuples; otherwise a Series named ``rtt_ms`` (``one_way_ms``) with the
        index of the DataFrame argument and ``attrs`` naming the statistic. [ms]

    Raises
    ------
    InvalidInputError, DataValidationError, InvalidTypeError
        On bad coordinates, mismatched lengths or wrong types.

    References
    ----------
    Bozkurt et al. (2018), arXiv:1811.10737; model presets in :func:`get_model`.
    """
    m = get_model(model)
    check_choice(stat, "stat", STATS)
    s = _points(src, "src")
    d = _points(dst, "dst")
    if not s.scalar and not d.scalar and len(s.lat) != len(d.lat):
        msg = f"src has {len(s.lat)} rows but dst has {len(d.lat)}; pass row-aligned tables of equal length."
        raise InvalidInputError(msg)
    sa, so, da, do = np.broadcast_arrays(s.lat, s.lon, d.lat, d.lon)
    rtt = _rtt_of_path(m, _path_km_pairs(m, sa, so, da, do), stat)
    if check_bool(one_way, "one_way"):
        rtt = rtt / 2.0
    if s.scalar and d.scalar:
        return float(rtt[0])
    index = s.index if s.index is not None else d.index
    out = pd.Series(
        rtt, index=index.copy() if index is not None else None, name="one_way_ms" if one_way else "rtt_ms"
    )
    _result_attrs(out, m, stat, one_way)
    return out


def region_rtt_ms(
    src_codes: str | Sequence[str],
    dst_codes: str | Sequence[str],
    *,
    stat: str = "p50",
    model: str | LatencyModel | None = None,
) -> FloatArray:
    """RTT between AWS regions by code, pair by pair (a single code is broadcast).

    Parameters
    ----------
    src_codes, dst_codes : str or sequence of str
        Region codes (e.g. ``"us-east-1"``), equal length or one of them a single code.
    stat : {"p50", "p90"}
        Statistic of the RTT distribution.
    model : str, LatencyModel or None
        Default ``"calibrated"``; ``"physics"`` gives the floor.

    Returns
    -------
    numpy.ndarray
        Round-trip times (same-region pairs: the model's intra-region RTT). [ms]

    Raises
    ------
    UnknownRegionError
        For an unknown code (from :func:`cloudgeo.catalog.get_regions`).
    InvalidInputError
        If the code lists have different lengths.
    """
    m = get_model(model)
    check_choice(stat, "stat", STATS)
    s, _ = _as_codes(src_codes, "src_codes")
    d, _ = _as_codes(dst_codes, "dst_codes")
    if len(s) != len(d) and len(s) != 1 and len(d) != 1:
        msg = f"src_codes has {len(s)} codes but dst_codes has {len(d)}; pass equal lengths or one code."
        raise InvalidInputError(msg)
    s, d = np.broadcast_arrays(s, d)
    if s.size == 0:
        return np.zeros(0)
    sa, so = _region_coords(list(s))
    da, do = _region_coords(list(d))
    rtt = _rtt_of_path(m, _path_km_pairs(m, sa, so, da, do), stat)
    same = s == d
    if same.any():
        rtt = np.where(same, m.stat_params(stat)[2], rtt)
    out: FloatArray = np.asarray(rtt, dtype=np.float64)
    return out


@dataclass(frozen=True)
class _Sites:
    """Sites given as a table (its index) or as region codes (``codes``, index ``region``)."""

    lat: FloatArray  # [deg]
    lon: FloatArray  # [deg]
    index: pd.Index
    codes: npt.NDArray[Any] | None


def _table_or_codes(obj: object, name: str) -> _Sites:
    """Read a table with lat, lon columns or a sequence of region codes."""
    if isinstance(obj, pd.DataFrame):
        la, lo, _ = points_arrays(obj, source=name)
        return _Sites(la, lo, obj.index, None)
    codes, _ = _as_codes(obj, name)
    if codes.size == 0:
        raise DataValidationError(name, ["no region codes given; pass at least one"])
    la, lo = _region_coords(list(codes))
    return _Sites(la, lo, pd.Index(codes, name="region"), codes)


def rtt_matrix_ms(
    a: object,
    b: object = None,
    *,
    model: str | LatencyModel | None = None,
    stat: str = "p50",
) -> pd.DataFrame:
    """RTT between every point of ``a`` and every point of ``b`` (site to site).

    Vectorised: backbone routes use hub-to-hub shortest paths precomputed once and the nearest
    ``n_attach`` hubs of each point (34 000 x 34 takes well under a second).

    Parameters
    ----------
    a : pandas.DataFrame or sequence of str
        Points with ``lat``, ``lon`` (index labels the rows) or region codes. [deg]
    b : pandas.DataFrame or sequence of str, optional
        Same for the columns; default ``a``. [deg]
    model : str, LatencyModel or None
        Default ``"calibrated"``.
    stat : {"p50", "p90"}
        Statistic.

    Returns
    -------
    pandas.DataFrame
        Round-trip times, shape (len(a), len(b)); ``attrs`` name the statistic and model. Equal
        region codes give the intra-region RTT. [ms]

    Raises
    ------
    UnknownRegionError, DataValidationError, InvalidTypeError
        On unknown codes, bad coordinates or wrong types.
    """
    m = get_model(model)
    check_choice(stat, "stat", STATS)
    sa = _table_or_codes(a, "a")
    sb = sa if b is None else _table_or_codes(b, "b")
    rtt = _rtt_of_path(m, _path_km_matrix(m, sa.lat, sa.lon, sb.lat, sb.lon), stat)
    if sa.codes is not None and sb.codes is not None:
        same = sa.codes[:, None] == sb.codes[None, :]
        rtt = np.where(same, m.stat_params(stat)[2], rtt)
    out = pd.DataFrame(rtt, index=sa.index.copy(), columns=pd.Index(sb.index).copy())
    _result_attrs(out, m, stat, False)
    return out
