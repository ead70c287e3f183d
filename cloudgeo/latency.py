"""Latency models: physics floor, rule of thumb and a backbone model calibrated on AWS data.

Round-trip time (RTT) between two sites::

    RTT = overhead_ms + stretch * 2 * d / v_fibre          (+ access_rtt_ms for end users)

with ``v_fibre = c / fibre_index`` and ``d`` the great-circle distance (``routing=
"great-circle"``) or the routed distance over the shipped backbone (``routing="backbone"``,
:mod:`cloudgeo.network`, plus ``hop_penalty_km`` for each backbone link traversed; short
hops up to ``short_haul_km`` are great circle x ``attach_factor``). Two sites in the same AWS
region have the intra-region RTT.

Presets (``model=`` strings, :func:`get_model`):

* ``"physics"`` - straight fibre along the great circle, no overhead: the floor no real RTT
  goes below.
* ``"rule-of-thumb"`` - stretch 2.1 on the great circle (Bozkurt et al. 2018).
* ``"calibrated"`` (the default, ``model=None``) - backbone routing with overhead and stretch
  fitted separately for p50 and p90 on AWS inter-region round trips (``data/latency_model.json``,
  written by ``scripts/fit_latency.py``); its routing choices (``short_haul_km`` 1000 km,
  ``hop_penalty_km`` 100 km) were selected by leave-one-region-out error.

Every function returns a round-trip time unless ``one_way=True``; results carry the statistic
(``p50`` median or ``p90``) in their name or ``attrs``.

References
----------
.. [1] SI definition of the metre: c = 299 792.458 km/s.
.. [2] Group index of SMF-28-class fibre 1.4682 (vendor and OTDR figures for SMF-28-class fibre, 1.467-1.468).
.. [3] Bozkurt, I. N. et al. (2018). "Dissecting Latency in the Internet's Fiber
   Infrastructure". arXiv:1811.10737 (stretch 2.1; conduit paths 1.3).
.. [4] FCC, Measuring Broadband America (early report, as quoted by J. Scott,
   blog.josephscott.org/tag/webperf): access RTT fibre 24 ms, cable 32 ms, DSL 49 ms.
.. [5] OpenSignal, Mobile Network Experience report, USA, Sep-Dec 2018 (as reported by Inside
   Towers): the best US operator's average 3G/4G latency "below 60 milliseconds" -> mobile 60 ms.
.. [6] Amazon CloudFront Developer Guide, "How CloudFront delivers content" and "Regional edge
   caches" (request path edge -> regional edge cache -> origin).
"""

from __future__ import annotations

import dataclasses
import functools
import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._data import data_path
from cloudgeo._validate import (
    check_bool,
    check_choice,
    check_fraction,
    check_int,
    check_nonnegative,
    check_number,
    check_thresholds,
    coordinate_problems,
    numeric_array,
    points_arrays,
    raise_if_problems,
    require_columns,
    require_unique_index,
)
from cloudgeo.errors import (
    DataFileError,
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
    UnknownNameError,
)
from cloudgeo.geodesy import EARTH_RADIUS_KM, chord_to_km, great_circle_trusted_km, unit_vectors_trusted

if TYPE_CHECKING:
    from cloudgeo.network import Backbone

__all__ = [
    "ACCESS_RTT_MS",
    "C_KM_S",
    "FIBRE_INDEX",
    "CalibrationResult",
    "LatencyModel",
    "calibrate",
    "cdn_summary",
    "cdn_ttfb_breakdown_ms",
    "cdn_ttfb_ms",
    "compare_with_measurements",
    "fibre_speed_km_s",
    "get_model",
    "latency_summary",
    "model_names",
    "region_rtt_ms",
    "rtt_from_distance_ms",
    "rtt_matrix_ms",
    "rtt_ms",
    "user_latency",
    "user_rtt_matrix_ms",
    "weighted_quantile",
    "PathBreakdown",
    "access_rtt_ms",
    "countries_at",
    "country_rtt_ms",
    "ingress_hub",
    "ingress_table",
    "path_breakdown",
]

FloatArray = npt.NDArray[np.float64]

#: Speed of light in vacuum (exact, SI). [km/s]
C_KM_S = 299_792.458
#: Group index of standard single-mode (SMF-28 class) fibre, vendor/OTDR figures 1.467-1.468. [-]
FIBRE_INDEX = 1.4682

#: Access ("last-mile") round-trip time by technology. [ms]
#: fibre/cable/dsl: FCC Measuring Broadband America (early report) as quoted by J. Scott;
#: mobile: OpenSignal US 2018 (best operator's 3G/4G average below 60 ms);
#: datacentre: 0 (a server inside a data centre network; the intra-region RTT covers the rest).
ACCESS_RTT_MS: Mapping[str, float] = {
    "fibre": 24.0,
    "cable": 32.0,
    "dsl": 49.0,
    "mobile": 60.0,
    "datacentre": 0.0,
}
ROUTINGS = ("great-circle", "backbone")
STATS = ("p50", "p90")
#: Round trips to set up a viewer connection before the request: TCP (1) + TLS 1.2 (2) or TLS 1.3
#: (1); a reused (kept-alive) connection needs none.
#: Sources: RFC 9293 (TCP), RFC 8446 (TLS 1.3), Grigorik 2013 (TLS 1.2).
N_SETUP_RTTS = {"1.2": 3, "1.3": 2, "reused": 0}
#: Longest path distance accepted: ten times Earth's circumference (2 pi R, IUGG mean radius);
#: no fibre route comes near it, so anything longer is a unit or data error. [km]
MAX_DISTANCE_KM = 10 * 2 * np.pi * EARTH_RADIUS_KM

_SHORTER_THAN_GC = (
    "a path is never shorter than the great circle, so the RTT would fall below the physics floor"
)
_WHY_AT_LEAST_ONE = {
    "fibre_index": "light in fibre is not faster than in vacuum (glass fibre is about 1.47)",
    "stretch": _SHORTER_THAN_GC,
    "stretch_p90": _SHORTER_THAN_GC,
    "attach_factor": _SHORTER_THAN_GC,
}


def _frozen(value: Any) -> Any:
    """Return ``value`` with every mapping a read-only MappingProxyType and lists as tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _thawed(value: Any) -> Any:
    """Return a plain (JSON-ready) copy of a value frozen by :func:`_frozen`."""
    if isinstance(value, Mapping):
        return {k: _thawed(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    return value


def _check_at_least_one(value: object, name: str) -> float:
    """Return ``value`` as a finite float >= 1 or raise naming ``name`` and why 1 is the floor."""
    v = check_number(value, name)
    if v < 1.0:
        msg = f"{name} must be >= 1, got {value!r}: {_WHY_AT_LEAST_ONE[name]}."
        raise InvalidInputError(msg)
    return v


def fibre_speed_km_s(fibre_index: float = FIBRE_INDEX) -> float:
    """Speed of light in fibre, c / n.

    Parameters
    ----------
    fibre_index : float, default 1.4682
        Group index of the fibre. [-]

    Returns
    -------
    float
        Propagation speed; 204 190.48 km/s for n = 1.4682. [km/s]

    Raises
    ------
    InvalidInputError
        If ``fibre_index`` is not finite or below 1 (faster than light in vacuum).
    InvalidTypeError
        If ``fibre_index`` is not a number.

    References
    ----------
    SI c = 299 792.458 km/s (exact); n = 1.4682 (SMF-28-class group index).
    """
    return C_KM_S / _check_at_least_one(fibre_index, "fibre_index")


@dataclass(frozen=True)
class LatencyModel:
    """Parameters of an RTT model (frozen; build variants with :func:`dataclasses.replace`).

    Attributes
    ----------
    name : str
        Label shown in results.
    fibre_index : float, default 1.4682
        Group index of fibre, >= 1; speed = c / fibre_index. [-]
    stretch : float, default 1.0
        Multiplier on the (great-circle or routed) distance for p50 (median) RTT, >= 1. [-]
    overhead_ms : float, default 0.0
        Fixed RTT overhead for p50 (switching, serialisation, the measuring endpoint). [ms]
    stretch_p90 : float or None
        Stretch for the p90 RTT (>= 1); ``None`` means the p50 value. [-]
    overhead_p90_ms : float or None
        Overhead for the p90 RTT; ``None`` means the p50 value. [ms]
    intra_region_rtt_ms : float, default 0.0
        RTT between two endpoints in the same AWS region, p50. [ms]
    intra_region_rtt_p90_ms : float or None
        Same, p90; ``None`` means the p50 value. [ms]
    routing : {"great-circle", "backbone"}
        Distance used: the great circle or the routed distance over the shipped backbone.
    access : {"fibre", "cable", "dsl", "mobile", "datacentre"}
        End users' access technology; its RTT (:data:`ACCESS_RTT_MS`) is added by
        :func:`user_latency` and :func:`cdn_ttfb_ms` only, never between sites.
    access_rtt_ms : float or None
        Override of the access RTT (``None``: the table value of ``access``). [ms]
    attach_factor : float, default 1.3
        Path factor of point-to-hub legs and short hops, >= 1 (Bozkurt et al. 2018). [-]
    short_haul_km : float, default 500
        Pairs at most this far apart are routed directly (great circle x ``attach_factor``)
        instead of over the backbone (backbone routing only). [km]
    n_attach : int, default 3
        Number of nearest backbone hubs a point may attach to (>= 1).
    hop_penalty_km : float, default 0
        Distance equivalent of the transit delay at each backbone link a route traverses
        (switching, regeneration, the exchange at each hub), added to the routed distance per
        link and used when choosing the route (:func:`cloudgeo.network.load_backbone`). The
        calibrated model's value was selected by leave-one-region-out error
        (``benchmarks/bench_latency_accuracy.py``). [km]
    provenance : Mapping
        Where the parameters come from (fitted models); not compared. Stored read-only
        (a ``types.MappingProxyType``, nested mappings too), as models are shared.

    Every parameter is checked when the model is built: stretches, the fibre index and the
    attach factor must be >= 1 and times >= 0, so no model predicts an RTT below the physics
    floor; an :class:`~cloudgeo.errors.InvalidInputError` names the field and the value.
    """

    name: str = "custom"
    fibre_index: float = FIBRE_INDEX
    stretch: float = 1.0
    overhead_ms: float = 0.0
    stretch_p90: float | None = None
    overhead_p90_ms: float | None = None
    intra_region_rtt_ms: float = 0.0
    intra_region_rtt_p90_ms: float | None = None
    routing: str = "great-circle"
    access: str = "datacentre"
    access_rtt_ms: float | None = None
    attach_factor: float = 1.3
    short_haul_km: float = 500.0
    n_attach: int = 3
    hop_penalty_km: float = 0.0
    provenance: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        """Validate every parameter (errors name the field, the value and the valid range)."""
        if not isinstance(self.name, str):
            msg = f"name must be a str, got {self.name!r} ({type(self.name).__name__})."
            raise InvalidTypeError(msg)
        _check_at_least_one(self.fibre_index, "fibre_index")
        _check_at_least_one(self.stretch, "stretch")
        if self.stretch_p90 is not None:
            _check_at_least_one(self.stretch_p90, "stretch_p90")
        check_nonnegative(self.overhead_ms, "overhead_ms", "ms")
        check_nonnegative(self.intra_region_rtt_ms, "intra_region_rtt_ms", "ms")
        for name in ("overhead_p90_ms", "intra_region_rtt_p90_ms", "access_rtt_ms"):
            value = getattr(self, name)
            if value is not None:
                check_nonnegative(value, name, "ms")
        check_choice(self.routing, "routing", ROUTINGS)
        check_choice(self.access, "access", tuple(ACCESS_RTT_MS))
        _check_at_least_one(self.attach_factor, "attach_factor")
        check_nonnegative(self.short_haul_km, "short_haul_km", "km")
        check_int(self.n_attach, "n_attach", minimum=1)
        check_nonnegative(self.hop_penalty_km, "hop_penalty_km", "km")
        if not isinstance(self.provenance, Mapping):
            msg = f"provenance must be a mapping (dict), got {type(self.provenance).__name__}."
            raise InvalidTypeError(msg)
        # models are shared (get_model caches the fitted one): provenance is frozen (issue 17)
        object.__setattr__(self, "provenance", _frozen(self.provenance))

    @property
    def fibre_speed_km_s(self) -> float:
        """Speed of light in the fibre [km/s]."""
        return C_KM_S / self.fibre_index

    @property
    def user_access_rtt_ms(self) -> float:
        """Access RTT added for end users [ms]."""
        return float(self.access_rtt_ms if self.access_rtt_ms is not None else ACCESS_RTT_MS[self.access])

    def stat_params(self, stat: str) -> tuple[float, float, float]:
        """Return ``(stretch, overhead_ms, intra_region_rtt_ms)`` for ``stat`` ("p50"/"p90").

        Parameters
        ----------
        stat : {"p50", "p90"}
            Statistic of the RTT distribution.

        Returns
        -------
        tuple of float
            Stretch [-], overhead [ms] and intra-region RTT [ms].
        """
        check_choice(stat, "stat", STATS)
        if stat == "p50":
            return self.stretch, self.overhead_ms, self.intra_region_rtt_ms
        return (
            self.stretch if self.stretch_p90 is None else self.stretch_p90,
            self.overhead_ms if self.overhead_p90_ms is None else self.overhead_p90_ms,
            self.intra_region_rtt_ms
            if self.intra_region_rtt_p90_ms is None
            else self.intra_region_rtt_p90_ms,
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{f.name}</th>"
            f"<td>{html.escape(repr(getattr(self, f.name)))}</td></tr>"
            for f in dataclasses.fields(self)
            if f.name != "provenance"
        )
        return f"<table><caption>LatencyModel</caption>{rows}</table>"


# --------------------------------------------------------------------------------------------
# presets
# --------------------------------------------------------------------------------------------

_PHYSICS = LatencyModel(name="physics")
_RULE_OF_THUMB = LatencyModel(name="rule-of-thumb", stretch=2.1)


@functools.lru_cache(maxsize=1)
def _calibrated() -> LatencyModel:
    name = "latency_model.json"
    path = data_path(name)
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise DataFileError(
            name, [f"not a valid fitted latency model: could not read {path}: {exc}"]
        ) from None
    if not isinstance(spec, dict):
        raise DataFileError(
            name, [f"not a valid fitted latency model: expected a JSON object, got {type(spec).__name__}"]
        )
    missing = sorted({f.name for f in dataclasses.fields(LatencyModel)} - set(spec))
    if missing:
        raise DataFileError(
            name,
            [
                f"not a valid fitted latency model: missing key(s) {missing}; a fitted model gives every "
                "parameter (rewrite it with scripts/fit_latency.py or reinstall cloudgeo)"
            ],
        )
    try:
        return model_from_dict(spec)
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFileError(name, [f"not a valid fitted latency model: {exc}"]) from None


def model_names() -> list[str]:
    """Names of the preset models accepted by ``model=``.

    Returns
    -------
    list of str
        ``["calibrated", "physics", "rule-of-thumb"]``.
    """
    return ["calibrated", "physics", "rule-of-thumb"]


def get_model(name: str | LatencyModel | None = None) -> LatencyModel:
    """Return a preset latency model by name (``None``: the default ``"calibrated"``).

    Parameters
    ----------
    name : str, LatencyModel or None
        ``"physics"``, ``"rule-of-thumb"`` or ``"calibrated"``; a :class:`LatencyModel` is
        returned unchanged.

    Returns
    -------
    LatencyModel
        The model.

    Raises
    ------
    UnknownNameError
        If the name is not a preset (the message lists the options).
    InvalidTypeError
        If ``name`` is neither a string, a LatencyModel nor None.

    References
    ----------
    physics: c / 1.4682 along the great circle (R = 6371.0088 km);
    rule-of-thumb: Bozkurt et al. (2018) arXiv:1811.10737;
    calibrated: ``data/latency_model.json`` (sources CP2025-07, CP2025-05, IM2019-06).
    """
    if name is None or (isinstance(name, str) and name == "calibrated"):
        return _calibrated()
    if isinstance(name, LatencyModel):
        return name
    if not isinstance(name, str):
        msg = (
            f"model must be a preset name ({', '.join(model_names())}), a LatencyModel or None; got {name!r}."
        )
        raise InvalidTypeError(msg)
    if name == "physics":
        return _PHYSICS
    if name == "rule-of-thumb":
        return _RULE_OF_THUMB
    raise UnknownNameError("latency model", name, model_names())


def model_to_dict(model: LatencyModel) -> dict[str, Any]:
    """Serialise a model's parameters (and provenance) to a JSON-ready dict."""
    out = {f.name: getattr(model, f.name) for f in dataclasses.fields(model)}
    out["provenance"] = _thawed(model.provenance)
    return out


def model_from_dict(spec: Mapping[str, Any]) -> LatencyModel:
    """Build a :class:`LatencyModel` from a dict written by :func:`model_to_dict`."""
    names = {f.name for f in dataclasses.fields(LatencyModel)}
    unknown = sorted(set(spec) - names)
    if unknown:
        msg = f"unknown latency-model field(s) {unknown}; known: {sorted(names)}"
        raise KeyError(msg)
    return LatencyModel(**dict(spec))


# --------------------------------------------------------------------------------------------
# core arithmetic
# --------------------------------------------------------------------------------------------


def rtt_from_distance_ms(
    distance_km: Any,
    *,
    model: str | LatencyModel | None = None,
    stat: str = "p50",
    access: bool = False,
    one_way: bool = False,
) -> Any:
    """RTT for a given (already routed) fibre distance: overhead + stretch * 2 d / v.

    Parameters
    ----------
    distance_km : float or array-like
        Path distance (great circle or routed). [km]
    model : str, LatencyModel or None
        Model (default ``"calibrated"``).
    stat : {"p50", "p90"}
        Statistic.
    access : bool, default False
        Add the model's user access RTT.
    one_way : bool, default False
        Return half the RTT.

    Returns
    -------
    float or numpy.ndarray
        RTT (or one-way time if ``one_way``). [ms]

    Raises
    ------
    InvalidInputError
        If a distance is not numeric, NaN, infinite, negative or longer than
        :data:`MAX_DISTANCE_KM` (ten times Earth's circumference, 400 301 km).

    References
    ----------
    RTT = t_access + overhead + stretch * 2 d / v, as in SLAC PingER's directness
    metric and Bozkurt et al. (2018), arXiv:1811.10737.
    """
    m = get_model(model)
    stretch, overhead, _ = m.stat_params(stat)
    d = numeric_array(distance_km, "distance_km", expected="a number or an array of numbers [km]")
    if not np.all(np.isfinite(d)) or np.any(d < 0):
        msg = f"distance_km must be finite and >= 0, got {distance_km!r}."
        raise InvalidInputError(msg)
    if np.any(d > MAX_DISTANCE_KM):
        shown = ", ".join(f"{x:g}" for x in np.atleast_1d(d)[np.atleast_1d(d) > MAX_DISTANCE_KM][:5])
        msg = (
            f"distance_km must be at most {MAX_DISTANCE_KM:,.0f} km (ten times Earth's circumference), "
            f"got {shown}: no route on Earth is that long; is the unit metres instead of km?"
        )
        raise InvalidInputError(msg)
    rtt = overhead + stretch * 2.0 * d / (m.fibre_speed_km_s / 1000.0)
    if check_bool(access, "access"):
        rtt = rtt + m.user_access_rtt_ms
    if check_bool(one_way, "one_way"):
        rtt = rtt / 2.0
    return float(rtt) if rtt.ndim == 0 else rtt


def _backbone(m: LatencyModel) -> Backbone:
    from cloudgeo.network import load_backbone

    return load_backbone(m.hop_penalty_km)


def _path_km_pairs(
    m: LatencyModel, sa: FloatArray, so: FloatArray, da: FloatArray, do: FloatArray
) -> FloatArray:
    gc = great_circle_trusted_km(sa, so, da, do)
    if m.routing == "great-circle":
        return gc
    from cloudgeo.network import routed_pairs_trusted_km

    return routed_pairs_trusted_km(sa, so, da, do, _backbone(m), m.n_attach, m.attach_factor, m.short_haul_km)


def _path_km_matrix(
    m: LatencyModel, aa: FloatArray, ao: FloatArray, ba: FloatArray, bo: FloatArray
) -> FloatArray:
    if m.routing == "great-circle":
        return great_circle_trusted_km(aa[:, None], ao[:, None], ba[None, :], bo[None, :])
    from cloudgeo.network import routed_matrix_trusted_km

    return routed_matrix_trusted_km(
        aa, ao, ba, bo, _backbone(m), m.n_attach, m.attach_factor, m.short_haul_km
    )


def _rtt_of_path(m: LatencyModel, path_km: FloatArray, stat: str) -> FloatArray:
    stretch, overhead, _ = m.stat_params(stat)
    out: FloatArray = overhead + stretch * 2.0 * path_km / (m.fibre_speed_km_s / 1000.0)
    return out


# --------------------------------------------------------------------------------------------
# inputs: points and region codes
# --------------------------------------------------------------------------------------------


def _points(obj: object, source: str) -> tuple[FloatArray, FloatArray, pd.Index | None, bool]:
    """Return ``(lat, lon, index, scalar)`` for a (lat, lon) tuple or a DataFrame."""
    if isinstance(obj, pd.DataFrame):
        la, lo, _ = points_arrays(obj, source=source)
        return la, lo, obj.index, False
    if isinstance(obj, tuple) and len(obj) == 2:
        la = np.atleast_1d(numeric_array(obj[0], f"{source} lat", expected="numeric decimal degrees"))
        lo = np.atleast_1d(numeric_array(obj[1], f"{source} lon", expected="numeric decimal degrees"))
        if la.shape != (1,) or lo.shape != (1,):
            msg = f"{source} must be a (lat, lon) tuple of numbers [deg], got {obj!r}."
            raise InvalidTypeError(msg)
        raise_if_problems(source, coordinate_problems(la, lo, pd.Index([0])))
        return la, lo, None, True
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
    sa, so, si, s_scalar = _points(src, "src")
    da, do, di, d_scalar = _points(dst, "dst")
    if not s_scalar and not d_scalar and len(sa) != len(da):
        msg = f"src has {len(sa)} rows but dst has {len(da)}; pass row-aligned tables of equal length."
        raise InvalidInputError(msg)
    sa, so, da, do = np.broadcast_arrays(sa, so, da, do)
    rtt = _rtt_of_path(m, _path_km_pairs(m, sa, so, da, do), stat)
    if check_bool(one_way, "one_way"):
        rtt = rtt / 2.0
    if s_scalar and d_scalar:
        return float(rtt[0])
    index = si if si is not None else di
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


def _table_or_codes(
    obj: object, name: str
) -> tuple[FloatArray, FloatArray, pd.Index, npt.NDArray[Any] | None]:
    if isinstance(obj, pd.DataFrame):
        la, lo, _ = points_arrays(obj, source=name)
        return la, lo, obj.index, None
    codes, _ = _as_codes(obj, name)
    if codes.size == 0:
        raise DataValidationError(name, ["no region codes given; pass at least one"])
    la, lo = _region_coords(list(codes))
    return la, lo, pd.Index(codes, name="region"), codes


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
    aa, ao, ai, ac = _table_or_codes(a, "a")
    if b is None:
        ba, bo, bi, bc = aa, ao, ai, ac
    else:
        ba, bo, bi, bc = _table_or_codes(b, "b")
    rtt = _rtt_of_path(m, _path_km_matrix(m, aa, ao, ba, bo), stat)
    if ac is not None and bc is not None:
        same = ac[:, None] == bc[None, :]
        rtt = np.where(same, m.stat_params(stat)[2], rtt)
    out = pd.DataFrame(rtt, index=ai.copy(), columns=pd.Index(bi).copy())
    _result_attrs(out, m, stat, False)
    return out


def user_rtt_matrix_ms(
    users: pd.DataFrame,
    sites: object,
    *,
    model: str | LatencyModel | None = None,
    stat: str = "p50",
) -> pd.DataFrame:
    """RTT every user sees to every site, including the access term.

    The same round trip :func:`user_latency` reports for a user's site (backbone models: the
    per-country end-user terms of :mod:`cloudgeo.enduser`; great-circle models:
    :func:`rtt_matrix_ms` plus the model's access RTT), for all sites at once; this is the cost
    matrix of :func:`cloudgeo.placement.optimize_placement`.

    Parameters
    ----------
    users : pandas.DataFrame
        End users with ``lat``, ``lon`` (index labels the rows) [deg] and optionally
        ``country_code`` (ISO-2; default the nearest shipped city's country).
    sites : pandas.DataFrame or sequence of str
        Sites with ``lat``, ``lon`` (index labels the columns) or region codes. [deg]
    model : str, LatencyModel or None
        Default ``"calibrated"``; its ``access`` technology sets the last-mile term
        (``"physics"`` has none).
    stat : {"p50", "p90"}
        Statistic.

    Returns
    -------
    pandas.DataFrame
        Round-trip times including the access RTT, shape (len(users), len(sites)). [ms]

    Raises
    ------
    UnknownRegionError, DataValidationError, InvalidTypeError
        On unknown codes, bad coordinates or wrong types.
    UnknownNameError, InvalidInputError
        On unknown, retired or malformed ``country_code`` values (NaN: DataValidationError).
    """
    m = get_model(model)
    if not isinstance(users, pd.DataFrame):
        msg = f"users must be a pandas DataFrame with lat, lon columns, got {type(users).__name__}."
        raise InvalidTypeError(msg)
    out = rtt_matrix_ms(users, sites, model=m, stat=stat)
    if m.routing == "backbone":
        from cloudgeo.enduser import user_terms

        la, lo, _ = points_arrays(users, source="users")
        sa, so, _, _ = _table_or_codes(sites, "sites")
        terms = user_terms(users, m)
        path = _path_km_matrix(m, la, lo, sa, so)
        rows = np.flatnonzero(terms.hub >= 0)
        if rows.size:
            from cloudgeo.enduser import site_countries

            leg, per_hub, k, _ = _hub_legs(m, terms.hub[rows], la[rows], lo[rows], sa, so)
            # a site in the user's own country is also reached directly (domestic traffic)
            home = terms.country[rows, None] == site_countries(sa, so)[None, :]
            via = leg[:, None] + per_hub[k]
            path[rows] = np.where(home, np.minimum(path[rows], via), via)
        stretch, _, intra = m.stat_params(stat)
        rtt = path * (terms.stretch * stretch / m.stretch * 2.0 / (m.fibre_speed_km_s / 1000.0))
        rtt += intra + terms.access_ms[:, None]
        out.iloc[:, :] = rtt
        out.attrs["access_rtt_ms"] = "per country (cloudgeo.enduser)"
        return out
    access = m.user_access_rtt_ms
    if access:
        out += access
    out.attrs["access_rtt_ms"] = access
    return out


def _hub_legs(
    m: LatencyModel, hub: npt.NDArray[np.intp], la: FloatArray, lo: FloatArray, sa: FloatArray, so: FloatArray
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.intp], FloatArray]:
    """Hub legs of users whose traffic enters the backbone at ingress hub ``hub``.

    Returns the leg user -> hub [km] (great circle x attach factor), the route from each used
    hub to every site [km] (shape (used hubs, sites)), each user's row in it, and the users'
    unit vectors (for distances to their sites).
    """
    from cloudgeo.network import routed_matrix_trusted_km

    bb = _backbone(m)
    used = np.flatnonzero(np.bincount(hub, minlength=len(bb.hubs)))
    row_of = np.full(len(bb.hubs), -1, dtype=np.intp)
    row_of[used] = np.arange(used.size)
    k = row_of[hub]
    hl = bb.hubs["lat"].to_numpy(dtype=np.float64)[used]
    ho = bb.hubs["lon"].to_numpy(dtype=np.float64)[used]
    per_hub = routed_matrix_trusted_km(hl, ho, sa, so, bb, m.n_attach, m.attach_factor, m.short_haul_km)
    uv = unit_vectors_trusted(la, lo)
    leg = m.attach_factor * _chord_km(uv, unit_vectors_trusted(hl, ho)[k])
    return leg, per_hub, k, uv


def _serve_hub_users(
    m: LatencyModel,
    terms: Any,
    la: FloatArray,
    lo: FloatArray,
    sites: tuple[FloatArray, FloatArray, npt.NDArray[np.intp]],
    select: str,
    out: tuple[npt.NDArray[np.intp], FloatArray, FloatArray],
) -> None:
    """Serve the users whose traffic enters the backbone at an ingress hub, in place.

    A hub user's best site is the one its hub reaches fastest (``select="distance"``: its
    nearest site), unless a site in its own country is faster directly
    (:func:`_serve_domestic`). Rows go in chunks of ``_CHUNK`` (bounded temporaries).
    ``out`` is ``(idx, gc, path)`` holding the direct search's results.
    """
    sa, so, site_cc = sites
    idx, gc, path = out
    sv = unit_vectors_trusted(sa, so)
    cache: dict[int, _Routing] = {}
    hub_rows = np.flatnonzero(terms.hub >= 0)
    for start in range(0, hub_rows.size, _CHUNK):
        rows = hub_rows[start : start + _CHUNK]
        leg, per_hub, k, uv = _hub_legs(m, terms.hub[rows], la[rows], lo[rows], sa, so)
        # a hub user's traffic enters the backbone at the hub: its best site is the hub's
        pick = idx[rows] if select == "distance" else np.argmin(per_hub, axis=1)[k]
        via = leg + per_hub[k, pick]
        keep = _serve_domestic(
            m, rows, terms.country[rows], site_cc, la, lo, (sa, so), select, out, via, cache
        )
        hub = ~keep
        rows, pick = rows[hub], pick[hub]
        idx[rows] = pick
        path[rows] = via[hub]
        gc[rows] = _chord_km(uv[hub], sv[pick])


def _serve_domestic(
    m: LatencyModel,
    rows: npt.NDArray[np.intp],
    user_cc: npt.NDArray[np.intp],
    site_cc: npt.NDArray[np.intp],
    la: FloatArray,
    lo: FloatArray,
    sites: tuple[FloatArray, FloatArray],
    select: str,
    direct: tuple[npt.NDArray[np.intp], FloatArray, FloatArray],
    via_km: FloatArray,
    cache: dict[int, _Routing],
) -> npt.NDArray[np.bool_]:
    """Which hub users (``rows``) reach a site in their own country faster directly.

    Domestic traffic stays in the country (:func:`cloudgeo.enduser.site_countries`). ``direct``
    (``idx, gc, path`` over all users) holds the direct search's result for every hub user whose
    country ``user_cc`` has a site (``select="distance"``: the nearest site, for every user);
    a user whose best direct site is abroad but shorter than its hub path is searched again
    among its own country's sites (rare; updated in place). Returns, per row, whether its
    direct path to a domestic site is shorter than its hub path ``via_km``
    (``select="distance"``: only if the nearest site is domestic). ``cache`` keeps the
    per-country routings between calls.
    """
    from scipy.spatial import cKDTree

    idx, gc, path = direct
    home = np.isin(user_cc, site_cc[site_cc >= 0])
    at_home = site_cc[idx[rows]] == user_cc
    if select == "rtt":
        # the best direct site is abroad (rare): a domestic one is no shorter, so it can beat
        # the hub path only if the foreign one does
        again = home & ~at_home & (path[rows] < via_km)
        for c in np.unique(user_cc[again]):
            sub = rows[again & (user_cc == c)]
            own = np.flatnonzero(site_cc == c)
            if int(c) not in cache:
                cache[int(c)] = _routing(m, sites[0][own], sites[1][own])
            rt_c = cache[int(c)]
            i, gc[sub], path[sub] = _direct_paths(
                m, rt_c, cKDTree(rt_c.site_vectors), la[sub], lo[sub], select
            )
            idx[sub] = own[i]
        at_home = home & (at_home | again)
    keep: npt.NDArray[np.bool_] = home & at_home & (path[rows] < via_km)
    return keep


def _chord_km(a: FloatArray, b: FloatArray) -> FloatArray:
    """Great circle [km] between rows of unit vectors (via the chord)."""
    d = a - b
    return chord_to_km(np.sqrt(np.einsum("ij,ij->i", d, d)))


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


def _measurement_geometry(
    df: pd.DataFrame, m: LatencyModel
) -> tuple[FloatArray, npt.NDArray[np.bool_], FloatArray]:
    """Great circle [km], same-site mask and path time term 2 p / v [ms] of measurement rows."""
    sa, so, da, do = _measurement_points(df)
    gc = great_circle_trusted_km(sa, so, da, do)
    same = (df["src"].astype(str).to_numpy() == df["dst"].astype(str).to_numpy()) | (gc < 1.0)
    path = np.where(same, 0.0, _path_km_pairs(m, sa, so, da, do))
    return gc, same, 2.0 * path / (m.fibre_speed_km_s / 1000.0)


def _measurement_points(df: pd.DataFrame) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    coord_cols = ["src_lat", "src_lon", "dst_lat", "dst_lon"]
    if all(c in df.columns for c in coord_cols):
        sa = df["src_lat"].to_numpy(dtype=float)
        so = df["src_lon"].to_numpy(dtype=float)
        da = df["dst_lat"].to_numpy(dtype=float)
        do = df["dst_lon"].to_numpy(dtype=float)
        problems = coordinate_problems(sa, so, df.index, lat_name="src_lat", lon_name="src_lon")
        problems += coordinate_problems(da, do, df.index, lat_name="dst_lat", lon_name="dst_lon")
        raise_if_problems("measurements", problems)
        return sa, so, da, do
    sa, so = _region_coords([str(x) for x in df["src"]])
    da, do = _region_coords([str(x) for x in df["dst"]])
    return sa, so, da, do


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
    gc, same, x = _measurement_geometry(df, template)
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
    rows = {}
    for stat in STATS:
        sel = (stats_arr == stat) & ~same
        if sel.any():
            e = out["abs_pct_error"].to_numpy()[sel]
            rows[stat] = {
                "n": int(sel.sum()),
                "median_abs_pct_error": float(np.median(e)),
                "p90_abs_pct_error": float(np.quantile(e, 0.9)),
                "max_abs_pct_error": float(e.max()),
                "below_floor": int((pred[sel] < floor[sel] - 1e-9).sum()),
            }
    return CalibrationResult(
        model=fitted, residuals=pd.DataFrame.from_dict(rows, orient="index"), predictions=out
    )


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
    gc, same, x = _measurement_geometry(df, m)
    pred = _predict_rows(m, stats_arr, same, x)
    floor = 2.0 * gc / (fibre_speed_km_s(m.fibre_index) / 1000.0)
    return df.assign(
        measured_ms=rtt,
        modelled_ms=pred,
        error_ms=pred - rtt,
        error_pct=100.0 * (pred - rtt) / rtt,
        physics_floor_ms=floor,
    )


# --------------------------------------------------------------------------------------------
# users to the nearest site
# --------------------------------------------------------------------------------------------


_CHUNK = 262_144
#: Sites per backbone hub (those with the shortest route from the hub) whose RTT
#: ``select="rtt"`` evaluates for a user whose nearest site might be beaten; users this does
#: not settle are evaluated against every site, so the choice is exact whatever the value (it
#: only trades speed; 1 settled every world city against the regions and the edge locations). [-]
RTT_CANDIDATES = 1
#: How :func:`user_latency` and :func:`cdn_ttfb_ms` choose a site: lowest RTT or shortest
#: great-circle distance.
SELECTS = ("rtt", "distance")
#: Rows per block when a user is evaluated against every site (bounds the block's memory).
_FALLBACK_CELLS = 1 << 20


def _site_labels(labels: npt.NDArray[Any], idx: npt.NDArray[np.intp]) -> Any:
    """Site ids as a categorical (cheap for millions of users) when the ids are unique."""
    if pd.Index(labels).is_unique:
        return pd.Categorical.from_codes(idx, categories=pd.Index(labels))
    return labels[idx]


@dataclass(frozen=True)
class _Routing:
    """What the lowest-RTT choice needs besides the users (backbone models).

    ``hub_to_site_km[h, s]`` is the routed distance from hub ``h`` to site ``s`` and
    ``hub_order[h]`` the sites by that distance, nearest first (at most ``RTT_CANDIDATES + 1``).
    """

    site_vectors: FloatArray
    backbone: Backbone
    hub_to_site_km: FloatArray
    hub_order: npt.NDArray[np.intp]


def _routing(m: LatencyModel, site_lat: FloatArray, site_lon: FloatArray) -> _Routing:
    from cloudgeo.network import hub_to_sites_trusted_km

    bb = _backbone(m)
    hub_site = hub_to_sites_trusted_km(bb, site_lat, site_lon, m.n_attach, m.attach_factor)
    depth = min(RTT_CANDIDATES + 1, hub_site.shape[1])
    order = np.argsort(hub_site, axis=1, kind="stable")[:, :depth].astype(np.intp)
    return _Routing(unit_vectors_trusted(site_lat, site_lon), bb, hub_site, order)


def _site_paths(
    m: LatencyModel,
    rt: _Routing,
    vec: FloatArray,
    hu: npt.NDArray[np.intp],
    du: FloatArray,
    cand: npt.NDArray[np.intp],
) -> tuple[FloatArray, FloatArray]:
    """Great circle [km] and path [km] from each user (row) to its candidate sites (columns).

    The arithmetic of :func:`user_rtt_matrix_ms`: great circle x attach factor up to the short
    haul, beyond it the shortest way over the user's attachment hubs ``hu`` (``du`` km away).
    """
    af = m.attach_factor
    diff = vec[:, None, :] - rt.site_vectors[cand]
    g = chord_to_km(np.sqrt(np.einsum("ijk,ijk->ij", diff, diff)))
    routed = np.full(cand.shape, np.inf)
    for p in range(hu.shape[1]):
        np.minimum(routed, du[:, p, None] * af + rt.hub_to_site_km[hu[:, p, None], cand], out=routed)
    path: FloatArray = np.where(g <= m.short_haul_km, g * af, np.maximum(routed, g))
    return g, path


def _select_lowest_rtt(
    m: LatencyModel,
    rt: _Routing,
    la: FloatArray,
    lo: FloatArray,
    vec: FloatArray,
    idx: npt.NDArray[np.intp],
    gc: FloatArray,
    path: FloatArray,
) -> None:
    """Serve users whose nearest site might be beaten from their shortest-path site (in place).

    ``idx`` and ``gc`` hold the nearest site and its distance on entry (``idx`` = number of sites
    and ``gc`` = inf where no site lies within the short haul); on return ``idx``,
    ``gc`` and ``path`` hold the shortest-path site, its distance and its path for every user
    (exact; the argument is in :func:`user_latency`).
    """
    af, sh = m.attach_factor, m.short_haul_km
    n_sites = rt.site_vectors.shape[0]
    found = idx < n_sites  # the bounded tree query found a site within the short haul
    np.multiply(gc, af, out=path)
    # users whose nearest site is a short hop with a path within settle_km * af are settled:
    # any other site is either a short hop too (path g x af, g >= the nearest's) or beyond the
    # short haul, where a route is never shorter than min(af x g, g + hop_penalty_km) (the
    # same hub at both ends: both attach legs, >= af x g; otherwise at least one backbone link,
    # >= g + one penalty), which exceeds min(af x sh, sh + hop_penalty_km)
    settle_km = min(sh, (sh + m.hop_penalty_km) / af)
    open_ = np.flatnonzero(~(gc <= settle_km))  # includes users with no site within the short haul
    if open_.size == 0:
        return
    v = vec[open_]
    hu, du = rt.backbone.attach(la[open_], lo[open_], m.n_attach, v)
    k = min(RTT_CANDIDATES, n_sites)
    # candidates: the nearest site (if within the short haul; beyond it every site is routed,
    # so it needs no special place) and, per attachment hub, the k sites closest to that hub
    hub_cand = rt.hub_order[hu, :k].reshape(open_.size, -1)
    near = found[open_]
    best = np.empty(open_.size)
    best_idx = np.empty(open_.size, dtype=np.intp)
    best_km = np.empty(open_.size)
    for rows, with_nearest in ((np.flatnonzero(near), True), (np.flatnonzero(~near), False)):
        if rows.size == 0:
            continue
        hc = hub_cand[rows]
        if with_nearest:  # the nearest site first: equal paths keep the nearer site
            cand = np.concatenate([idx[open_[rows], None], hc], axis=1)
        else:
            cand = hc if hc.shape[1] else np.zeros((rows.size, 1), dtype=np.intp)
        g, cp = _site_paths(m, rt, v[rows], hu[rows], du[rows], cand)
        if with_nearest:
            g[:, 0] = gc[open_[rows]]  # the tree's distance to the nearest site (no re-rounding)
        j = np.argmin(cp, axis=1)
        r = np.arange(rows.size)
        best[rows], best_idx[rows], best_km[rows] = cp[r, j], cand[r, j], g[r, j]
    if k < n_sites:
        # a site outside the candidates is a short hop (path >= the nearest site's, a
        # candidate) or routed over some hub p no shorter than du_p x attach_factor + the
        # distance from hub p to its (k+1)-th closest site; if that bound is below the best
        # path found, evaluate every site for the user
        bound = np.full(open_.size, np.inf)
        for p in range(hu.shape[1]):
            nxt = rt.hub_order[hu[:, p], k]
            np.minimum(bound, du[:, p] * af + rt.hub_to_site_km[hu[:, p], nxt], out=bound)
        unsettled = np.flatnonzero(bound < best)
        rows_per_block = max(1, _FALLBACK_CELLS // n_sites)
        every = np.arange(n_sites, dtype=np.intp)
        for start in range(0, unsettled.size, rows_per_block):
            u = unsettled[start : start + rows_per_block]
            all_cand = np.broadcast_to(every, (u.size, n_sites))
            ag, ap = _site_paths(m, rt, v[u], hu[u], du[u], all_cand)
            jj = np.argmin(ap, axis=1)
            rr = np.arange(u.size)
            better = ap[rr, jj] < best[u]
            ub = u[better]
            best[ub] = ap[rr, jj][better]
            best_idx[ub] = jj[better]
            best_km[ub] = ag[rr, jj][better]
    idx[open_] = best_idx
    gc[open_] = best_km
    path[open_] = best


def _direct_paths(
    m: LatencyModel, rt: _Routing | None, tree: Any, la: FloatArray, lo: FloatArray, select: str
) -> tuple[npt.NDArray[np.intp], FloatArray, FloatArray]:
    """Return the serving site, great circle [km] and path [km] of users routed from where they are."""
    n = len(la)
    idx = np.empty(n, dtype=np.intp)
    gc = np.empty(n, dtype=np.float64)
    path = np.empty(n, dtype=np.float64)
    if rt is not None:
        from cloudgeo.network import routed_to_sites_trusted_km

        # chord of the short haul, a hair longer so that rounding never drops a site at the limit
        bound_chord = 2.0 * np.sin(min(m.short_haul_km / EARTH_RADIUS_KM, np.pi) / 2.0) * (1 + 1e-9) + 1e-12
    for start in range(0, n, _CHUNK):  # chunks bound the temporaries (memory)
        sl = slice(start, start + _CHUNK)
        vec = unit_vectors_trusted(la[sl], lo[sl])
        if rt is not None and select == "rtt":
            # only a nearest site within the short haul matters (beyond it every site is routed
            # and found through the backbone hubs): a bounded query prunes the tree search
            chord, i = tree.query(vec, k=1, distance_upper_bound=bound_chord)
            idx[sl] = i
            hit = np.isfinite(chord)
            gc[sl] = np.inf
            gc[sl][hit] = chord_to_km(chord[hit])
            _select_lowest_rtt(m, rt, la[sl], lo[sl], vec, idx[sl], gc[sl], path[sl])
            continue
        chord, i = tree.query(vec, k=1)
        idx[sl] = i
        d = chord_to_km(chord, out=gc[sl])
        if rt is None:
            # great-circle routing: the RTT rises with the distance, the nearest site is the fastest
            path[sl] = d
            continue
        # short hops: great circle x attach_factor; longer ones over the backbone
        np.multiply(d, m.attach_factor, out=path[sl])
        far = np.flatnonzero(d > m.short_haul_km)
        if far.size:
            rows = far + start
            path[rows] = routed_to_sites_trusted_km(
                la[rows],
                lo[rows],
                d[far],
                i[far],
                rt.hub_to_site_km,
                rt.backbone,
                m.n_attach,
                m.attach_factor,
                vec[far],
            )
    return idx, gc, path


def _user_latency_frame(
    users: pd.DataFrame, sites: pd.DataFrame, m: LatencyModel, stat: str, tree: Any, labels: Any, select: str
) -> pd.DataFrame:
    has_w = "weight" in users.columns
    la, lo, w = points_arrays(users, source="users", weight="weight" if has_w else None, allow_empty=True)
    n = len(la)
    backbone = m.routing == "backbone"
    rt = None
    if backbone:
        from cloudgeo.enduser import user_terms

        terms = user_terms(users, m)
        rt = _routing(m, sites["lat"].to_numpy(dtype=float), sites["lon"].to_numpy(dtype=float))
    hubs = backbone and bool((terms.hub >= 0).any())
    if hubs:
        from cloudgeo.enduser import site_countries

        sa = sites["lat"].to_numpy(dtype=float)
        so = sites["lon"].to_numpy(dtype=float)
        site_cc = site_countries(sa, so)
    if hubs and select == "rtt":
        # direct search: users routed from where they are, and hub users whose country has a
        # site (domestic traffic may be faster directly); other hub users are served below
        search = np.flatnonzero((terms.hub < 0) | np.isin(terms.country, site_cc[site_cc >= 0]))
        found = _direct_paths(m, rt, tree, la[search], lo[search], select)
        # the full arrays only after the search (peak memory)
        idx = np.zeros(n, dtype=np.intp)
        gc = np.empty(n, dtype=np.float64)
        path = np.empty(n, dtype=np.float64)
        idx[search], gc[search], path[search] = found
        del found, search
    else:
        idx, gc, path = _direct_paths(m, rt, tree, la, lo, select)
    stretch, overhead, intra = m.stat_params(stat)
    rtt = path
    if backbone:
        # end-user terms (cloudgeo.enduser): per-country access, ingress hub, end-user stretch
        if hubs:
            _serve_hub_users(m, terms, la, lo, (sa, so, site_cc), select, (idx, gc, path))
        rtt *= terms.stretch * stretch / m.stretch * 2.0 / (m.fibre_speed_km_s / 1000.0)
        rtt += intra
        rtt += terms.access_ms
    else:
        rtt *= stretch * 2.0 / (m.fibre_speed_km_s / 1000.0)
        rtt += overhead + m.user_access_rtt_ms
    cols: dict[str, Any] = {"site": _site_labels(labels, idx), "distance_km": gc, "rtt_ms": rtt}
    if has_w:
        cols["weight"] = w
    return pd.DataFrame(cols, index=users.index.copy())


def _dask_dataframe() -> Any:
    try:
        import dask.dataframe as dd
    except ImportError:  # pragma: no cover - dask is an optional dependency
        return None
    return dd


def user_latency(
    users: Any,
    sites: pd.DataFrame,
    *,
    model: str | LatencyModel | None = None,
    stat: str = "p50",
    select: str = "rtt",
) -> Any:
    """Each user's serving site (lowest RTT by default) and the RTT to it, including the access term.

    Backbone models (the default ``"calibrated"``) use the end-user path model
    (:mod:`cloudgeo.enduser`): RTT = access of the user's country (``country_code`` column, or
    the nearest shipped city's country; none at sea: the model's generic access) for the
    technology ``model.access`` (``model.access_rtt_ms`` overrides it) + the end-user stretch x 2 p / v +
    the intra-region RTT of the site, where the path p is the great circle x ``attach_factor``
    for hops up to ``short_haul_km`` and the backbone route beyond - or, for a country whose
    traffic enters the backbone at a distant ingress hub, the leg to that hub plus the route
    from it (such users are served by the site their hub reaches fastest). Great-circle models
    keep ``overhead + stretch x 2 d / v + access``. It is the RTT :func:`user_rtt_matrix_ms`
    gives for the same user and site, and the total of :func:`path_breakdown`.

    Site choice (``select``):

    * ``"rtt"`` (default) - the site with the lowest RTT, as traffic is steered in practice
      (CloudFront routes a viewer to the edge location that serves it best, normally the
      lowest-latency one; Route 53 latency-based routing answers with the lowest-latency
      region). With backbone routing this is often not the nearest site: a site a little
      farther away but on a direct backbone route can be faster.
    * ``"distance"`` - the nearest site by great-circle distance (the behaviour before the
      ``select`` option), e.g. to compare with a proximity rule.

    ``select="rtt"`` is exact (ties aside: equal RTTs keep the nearer site) and nearly as fast
    as ``"distance"``. The RTT rises with the path length p, so the lowest-RTT site is the
    shortest-path site, found in three steps:

    1. The nearest site within ``short_haul_km`` by a k-d tree (a bounded query: farther sites
       are all routed over the backbone and found in step 2). A user whose nearest site is at
       most ``min(short_haul_km, (short_haul_km + hop_penalty_km) / attach_factor)`` away is
       settled (most users): every other site is either a short hop too (p = g x
       ``attach_factor`` with g >= g1) or beyond the short haul, where a route is never
       shorter than ``min(attach_factor x g, g + hop_penalty_km)`` (both attachment legs to
       one hub, or at least one backbone link) with g > ``short_haul_km``.
    2. Otherwise the candidates are the nearest site (if within the short haul) plus, for each
       backbone hub the user attaches to, the :data:`RTT_CANDIDATES` sites with the shortest
       hub-to-site route; their paths come from the same vectorised arithmetic as
       :func:`user_rtt_matrix_ms` and the shortest wins. A routed path is ``min over hubs h of
       (attach leg to h + route h -> site)``, so the global minimum over all routed sites is
       reached through some hub's closest sites.
    3. Exactness check: any site outside the candidates is a short hop (no better than the
       nearest site, a candidate) or has a path >= ``min over h of (attach leg to h + route
       from h to its (RTT_CANDIDATES + 1)-th closest site)``. A user whose best candidate is
       not below that bound is settled; the others (none among the 33 961 world cities
       against the AWS regions or the edge locations) are evaluated against every site, in
       blocks that bound the memory.

    Great-circle models need no search: their RTT rises with the distance, so the nearest site
    is the fastest.

    Parameters
    ----------
    users : pandas.DataFrame or dask.dataframe.DataFrame
        ``lat``, ``lon`` [deg], optionally ``weight`` (users represented by each row) and
        ``country_code`` (ISO-2, any letter case; "" for none).
    sites : pandas.DataFrame
        Sites with ``lat``, ``lon`` indexed by site id (regions, edge locations, ...). [deg]
    model : str, LatencyModel or None
        Default ``"calibrated"``.
    stat : {"p50", "p90"}
        Statistic; with ``select="rtt"`` it also picks the site (the p90 choice can differ).
    select : {"rtt", "distance"}
        Serve each user from the lowest-RTT site (default) or the great-circle-nearest one.

    Returns
    -------
    pandas.DataFrame or dask.dataframe.DataFrame
        Aligned with ``users`` (index kept): ``site`` (the chosen site),
        ``distance_km`` (great circle to it) [km], ``rtt_ms`` (round trip) [ms], and ``weight``
        when ``users`` has one. A dask input gives a dask DataFrame computed partition by
        partition.

    Raises
    ------
    DataValidationError, InvalidTypeError
        On bad coordinates or weights (rows named), missing columns, empty sites.
    InvalidInputError
        If ``stat`` or ``select`` is not one of the options (the message lists them).

    References
    ----------
    Access RTTs: FCC MBA (fibre/cable/DSL), OpenSignal 2018 (mobile); see module references.
    Site choice: Amazon CloudFront Developer Guide, "How CloudFront delivers content" (requests
    are routed to the edge location that can best serve them, typically the lowest-latency
    one); Amazon Route 53 Developer Guide, "Latency-based routing".
    """
    from scipy.spatial import cKDTree

    m = get_model(model)
    check_choice(stat, "stat", STATS)
    check_choice(select, "select", SELECTS)
    ls, os_, _ = points_arrays(sites, source="sites")
    require_unique_index(sites, source="sites")  # a label must name one site
    tree = cKDTree(unit_vectors_trusted(ls, os_))
    labels = np.asarray(sites.index)
    if not isinstance(users, pd.DataFrame):
        dd = _dask_dataframe()
        if dd is not None and isinstance(users, dd.DataFrame):
            require_columns(users._meta, ["lat", "lon"], source="users")
            meta_cols: dict[str, Any] = {
                "site": pd.Series(_site_labels(labels, np.zeros(0, dtype=np.intp))),
                "distance_km": pd.Series([], dtype="float64"),
                "rtt_ms": pd.Series([], dtype="float64"),
            }
            if "weight" in users.columns:
                meta_cols["weight"] = pd.Series([], dtype="float64")
            meta = pd.DataFrame(meta_cols, index=users._meta.index)
            return users.map_partitions(_user_latency_frame, sites, m, stat, tree, labels, select, meta=meta)
        msg = f"users must be a pandas or dask DataFrame with lat, lon columns, got {type(users).__name__}."
        raise InvalidTypeError(msg)
    if len(users) == 0:
        raise DataValidationError("users", ["the table is empty; pass at least one row"])
    return _user_latency_frame(users, sites, m, stat, tree, labels, select)


def weighted_quantile(values: Any, q: Any, *, weights: Any = None) -> Any:
    """Weighted quantile by the inverted empirical CDF.

    The q-quantile is the smallest value whose cumulative weight share is >= q (numpy's
    ``method="inverted_cdf"``; with equal weights this is the classic lower empirical quantile,
    e.g. the median of 1, 2, 3, 4 is 2).

    Parameters
    ----------
    values : array-like
        Sample values.
    q : float or array-like
        Quantile(s) in [0, 1]. [-]
    weights : array-like, optional
        Non-negative weights (default: equal).

    Returns
    -------
    float or numpy.ndarray
        The quantile(s), in the unit of ``values``.

    Raises
    ------
    InvalidInputError
        If values, ``q`` or weights are not numeric, values are empty or NaN, ``q`` is outside
        [0, 1] or NaN, a weight is negative, NaN or infinite, or all weights are zero.

    References
    ----------
    Hyndman, R. J. and Fan, Y. (1996). "Sample quantiles in statistical packages". The American
    Statistician 50 (4), 361-365 (definition 1, inverted empirical CDF).
    """
    v = _float_array(values, "values")
    qa = _float_array(q, "q")
    if v.ndim != 1:
        msg = f"weighted_quantile: values must be one-dimensional, got shape {v.shape}."
        raise InvalidInputError(msg)
    if v.size == 0:
        raise InvalidInputError("weighted_quantile: values are empty; pass at least one value.")
    nan = np.isnan(v)
    if nan.any():
        msg = (
            f"weighted_quantile: values contain NaN at position(s) {np.flatnonzero(nan)[:5].tolist()}; "
            "drop or fill missing values first (NaN is never ignored silently)."
        )
        raise InvalidInputError(msg)
    if np.any(np.isnan(qa) | (qa < 0) | (qa > 1)):
        msg = f"q must be in [0, 1], got {q!r}."
        raise InvalidInputError(msg)
    w = np.ones_like(v) if weights is None else _float_array(weights, "weights")
    if w.shape != v.shape:
        msg = f"weights have shape {w.shape} but values have {v.shape}; pass one weight per value."
        raise InvalidInputError(msg)
    bad_w = ~np.isfinite(w)
    if bad_w.any():
        msg = (
            f"weights must be finite; NaN or infinite weight(s) {w[bad_w][:5].tolist()} at position(s) "
            f"{np.flatnonzero(bad_w)[:5].tolist()}."
        )
        raise InvalidInputError(msg)
    neg = w < 0
    if neg.any():
        msg = (
            f"weights must be >= 0; negative weight(s) {w[neg][:5].tolist()} at position(s) "
            f"{np.flatnonzero(neg)[:5].tolist()}."
        )
        raise InvalidInputError(msg)
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cw = np.cumsum(w)
    total = cw[-1]
    if not total > 0:
        raise InvalidInputError("weights sum to zero; at least one weight must be positive.")
    pos = np.searchsorted(cw, qa * total - 1e-12 * total, side="left")
    res = v[np.clip(pos, 0, v.size - 1)]
    return float(res) if res.ndim == 0 else res


def _float_array(value: object, name: str) -> FloatArray:
    """Return ``value`` as a float array or raise a NotNumericError naming ``name``."""
    arr: FloatArray = numeric_array(value, name)  # the one numeric coercion rule
    return arr


def _summary_weights(df: pd.DataFrame) -> FloatArray:
    """Return the ``weight`` column as finite, non-negative floats with a positive sum, or raise."""
    w = _float_array(df["weight"], "weight")
    bad = ~np.isfinite(w) | (np.nan_to_num(w) < 0)
    if bad.any():
        shown = ", ".join(repr(float(x)) for x in w[bad][:5])
        raise DataValidationError("user_latency_df", [f"weight must be finite and >= 0, got {shown}"])
    if not (w > 0).any():
        raise DataValidationError("user_latency_df", ["weight sums to zero; at least one must be positive"])
    return w


def latency_summary(
    user_latency_df: pd.DataFrame,
    *,
    thresholds_ms: float | Sequence[float] = (50, 100),
    column: str = "rtt_ms",
) -> pd.Series:
    """Weighted p50/p90/p99 and the share of users within each RTT threshold.

    Parameters
    ----------
    user_latency_df : pandas.DataFrame
        Output of :func:`user_latency` (or any table with ``column`` and optional ``weight``).
    thresholds_ms : float or sequence of float, default (50, 100)
        RTT thresholds; a single number means one threshold (``50`` is ``[50]``). [ms]
    column : str, default "rtt_ms"
        Column to summarise (e.g. ``"ttfb_ms"`` for :func:`cdn_ttfb_ms`). [ms]

    Returns
    -------
    pandas.Series
        ``n_rows``, ``total_weight``, ``mean_ms``, ``p50_ms``, ``p90_ms``, ``p99_ms`` [ms]
        (weighted, inverted-CDF definition, see :func:`weighted_quantile`) and
        ``share_within_<t>_ms`` (weighted fraction 0-1 with value <= t). [ms]

    Notes
    -----
    Weights are divided by their largest value before summing, so weights near the float limit
    (1e308) give finite means and shares; a total weight beyond the float range is refused.
    """
    df = require_columns(user_latency_df, [column], source="user_latency_df")
    v = _float_array(df[column], column)
    if v.size == 0:
        raise DataValidationError("user_latency_df", ["the table is empty; pass at least one row"])
    if not np.isfinite(v).all():
        raise DataValidationError("user_latency_df", [f"{column} has NaN or infinite values"])
    negative = v < 0
    if negative.any():
        shown = ", ".join(f"{x:g}" for x in v[negative][:5])
        raise DataValidationError(
            "user_latency_df", [f"{column} has negative round-trip times ({shown}); RTTs must be >= 0 ms"]
        )
    w = _summary_weights(df) if "weight" in df.columns else np.ones_like(v)
    thresholds = check_thresholds(thresholds_ms)  # one number means one threshold
    scale = float(w.max())
    w = w / scale  # weights near 1e308 would overflow the sums below
    total = float(w.sum()) * scale
    if not math.isfinite(total):
        msg = "user_latency_df weights sum beyond the float range (~1.8e308); divide them by a common factor."
        raise InvalidInputError(msg)
    qs = weighted_quantile(v, [0.5, 0.9, 0.99], weights=w)
    out: dict[str, float] = {
        "n_rows": float(v.size),
        "total_weight": total,
        "mean_ms": float(np.sum(v * w) / w.sum()),
        "p50_ms": float(qs[0]),
        "p90_ms": float(qs[1]),
        "p99_ms": float(qs[2]),
    }
    for t in thresholds:
        out[f"share_within_{t:g}_ms"] = float(w[v <= t].sum() / w.sum())
    s = pd.Series(out, name=column)
    s.attrs.update({"quantity": column, "quantile_definition": "inverted empirical CDF (Hyndman-Fan 1)"})
    return s


# --------------------------------------------------------------------------------------------
# CDN request path
# --------------------------------------------------------------------------------------------


def cdn_ttfb_breakdown_ms(
    rtt_user_edge_ms: Any,
    rtt_edge_rec_ms: Any,
    rtt_rec_origin_ms: Any,
    *,
    edge_hit_ratio: float = 0.9,
    rec_hit_ratio: float = 0.8,
    tls: str = "1.3",
    origin_time_ms: float = 0.0,
) -> dict[str, Any]:
    """Time to first byte through a CDN from the three leg RTTs.

    ``TTFB = n_setup RTT_ue + RTT_ue + (1 - h_edge) [RTT_e->rec + (1 - h_rec)(RTT_rec->o +
    t_origin)]`` with ``n_setup = 1 (TCP) + {2 TLS 1.2 | 1 TLS 1.3}`` and 0 for a reused
    connection (no TCP or TLS handshake); the edge keeps
    warm connections to the REC and origin (one RTT per leg).

    Parameters
    ----------
    rtt_user_edge_ms, rtt_edge_rec_ms, rtt_rec_origin_ms : float or array-like
        Round-trip times of the three legs. [ms]
    edge_hit_ratio, rec_hit_ratio : float
        Cache hit ratios at the edge and at the regional edge cache (0-1). [-]
    tls : {"1.2", "1.3", "reused"}
        Handshake with the viewer.
    origin_time_ms : float, default 0
        Origin processing time. [ms]

    Returns
    -------
    dict
        ``hit_ms``, ``rec_hit_ms``, ``miss_ms`` (double miss) and ``ttfb_ms`` (expected). [ms]

    Raises
    ------
    InvalidInputError
        If a leg RTT is not numeric, NaN, infinite or negative (the bad values are shown), the
        legs' shapes do not broadcast, a hit ratio is not a fraction or ``tls`` is unknown.

    References
    ----------
    RFC 9293 (TCP), RFC 8446 (TLS 1.3), Grigorik (2013) (TLS 1.2, two round trips); CloudFront
    Developer Guide (How CloudFront delivers content; regional edge caches).
    """
    h_e = check_fraction(edge_hit_ratio, "edge_hit_ratio")
    h_r = check_fraction(rec_hit_ratio, "rec_hit_ratio")
    check_choice(tls, "tls", tuple(N_SETUP_RTTS))
    t_o = check_nonnegative(origin_time_ms, "origin_time_ms", "ms")
    n_setup = N_SETUP_RTTS[tls]
    ue = _leg_rtt(rtt_user_edge_ms, "rtt_user_edge_ms")
    er = _leg_rtt(rtt_edge_rec_ms, "rtt_edge_rec_ms")
    ro = _leg_rtt(rtt_rec_origin_ms, "rtt_rec_origin_ms")
    try:
        np.broadcast_shapes(ue.shape, er.shape, ro.shape)
    except ValueError:
        msg = (
            f"the leg RTTs have shapes {ue.shape}, {er.shape}, {ro.shape} that do not broadcast; "
            "pass arrays of equal length or scalars."
        )
        raise InvalidInputError(msg) from None
    hit = (n_setup + 1) * ue
    rec_hit = hit + er
    miss = rec_hit + ro + t_o
    ttfb = hit + (1 - h_e) * (er + (1 - h_r) * (ro + t_o))

    def _out(x: Any) -> Any:
        return float(x) if np.ndim(x) == 0 else x

    return {"hit_ms": _out(hit), "rec_hit_ms": _out(rec_hit), "miss_ms": _out(miss), "ttfb_ms": _out(ttfb)}


def _leg_rtt(value: object, name: str) -> FloatArray:
    """Return a leg RTT as a float array, finite and >= 0, or raise showing the bad values."""
    arr = _float_array(value, name)
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(arr) & (arr >= 0))
    if bad.any():
        shown = ", ".join(repr(float(x)) for x in np.atleast_1d(arr)[np.atleast_1d(bad)][:5])
        msg = (
            f"{name} must be finite and >= 0 ms, got {shown}: a round-trip time is never negative or missing."
        )
        raise InvalidInputError(msg)
    return arr


def cdn_ttfb_ms(
    users: pd.DataFrame,
    origin_region: str,
    *,
    edge_hit_ratio: float = 0.9,
    rec_hit_ratio: float = 0.8,
    tls: str = "1.3",
    model: str | LatencyModel | None = None,
    edges: pd.DataFrame | None = None,
    recs: pd.DataFrame | None = None,
    origin_time_ms: float = 0.0,
    stat: str = "p50",
    select: str = "rtt",
) -> pd.DataFrame:
    """Compute the expected time to first byte per user through CloudFront and direct to the origin.

    User -> edge location (with the access term), edge -> regional edge cache (REC), REC ->
    origin region; see :func:`cdn_ttfb_breakdown_ms` for the formula. By default
    (``select="rtt"``) each user is served by its lowest-RTT edge (as :func:`user_latency`,
    exact) and each edge fetches from its lowest-RTT REC (all edge-REC pairs are evaluated);
    ``select="distance"`` takes the great-circle-nearest edge and REC instead.

    Parameters
    ----------
    users : pandas.DataFrame
        ``lat``, ``lon`` [deg], optional ``weight``.
    origin_region : str
        Region code of the origin (e.g. ``"us-east-1"``).
    edge_hit_ratio, rec_hit_ratio : float
        Hit ratios (0-1). [-]
    tls : {"1.2", "1.3", "reused"}
        Viewer handshake.
    model : str, LatencyModel or None
        Latency model (default ``"calibrated"``).
    edges, recs : pandas.DataFrame, optional
        Edge locations and RECs (``lat``, ``lon``); default from :mod:`cloudgeo.catalog`. [deg]
    origin_time_ms : float, default 0
        Origin processing time. [ms]
    stat : {"p50", "p90"}
        Statistic of the leg RTTs (with ``select="rtt"`` it also picks edge and REC).
    select : {"rtt", "distance"}
        Choose the edge and the REC by lowest RTT (default) or by great-circle distance.

    Returns
    -------
    pandas.DataFrame
        Aligned with ``users``: ``edge``, ``rec``, ``rtt_user_edge_ms``, ``rtt_edge_rec_ms``,
        ``rtt_rec_origin_ms``, ``hit_ms``, ``rec_hit_ms``, ``miss_ms``, ``ttfb_ms`` (expected),
        ``direct_ttfb_ms`` (= (n_setup + 1) x RTT user -> origin, no CDN) [ms], and ``weight``
        when given.

    Raises
    ------
    UnknownRegionError
        If ``origin_region`` is unknown.
    InvalidInputError
        If ``stat``, ``select``, ``tls`` or a hit ratio is not valid (the message says which).

    References
    ----------
    Amazon CloudFront Developer Guide, "How CloudFront delivers content" (viewers are routed
    to the edge location that can best serve them, typically the lowest-latency one) and
    "Regional edge caches".
    """
    from cloudgeo import catalog

    m = get_model(model)
    check_choice(stat, "stat", STATS)
    check_choice(select, "select", SELECTS)
    if not isinstance(origin_region, str):
        msg = f"origin_region must be a region code (str), got {origin_region!r}."
        raise InvalidTypeError(msg)
    origin = catalog.get_regions([origin_region])
    edges = catalog.load_edge_locations() if edges is None else edges
    recs = catalog.load_regional_edge_caches() if recs is None else recs
    for table, what in ((edges, "edges"), (recs, "recs")):
        if isinstance(table, pd.DataFrame):
            require_unique_index(table, source=what)
    ue = user_latency(users, edges, model=m, stat=stat, select=select)
    edge_lat = edges["lat"].to_numpy(dtype=float)
    edge_lon = edges["lon"].to_numpy(dtype=float)
    # every used edge -> its REC (computed once per edge)
    used = pd.Index(pd.unique(ue["site"]))
    epos = edges.index.get_indexer(used)
    e_tbl = pd.DataFrame({"lat": edge_lat[epos], "lon": edge_lon[epos]}, index=used)
    if select == "rtt":
        rl, ro_, _ = points_arrays(recs, source="recs")
        all_rtt = _rtt_of_path(
            m, _path_km_matrix(m, e_tbl["lat"].to_numpy(), e_tbl["lon"].to_numpy(), rl, ro_), stat
        )
        rpos = np.argmin(all_rtt, axis=1)
        e_rec = pd.DataFrame({"site": np.asarray(recs.index)[rpos]}, index=used)
        e_rec_rtt = all_rtt[np.arange(len(used)), rpos]
    else:
        from cloudgeo.geodesy import nearest_sites

        e_rec = nearest_sites(e_tbl, recs)
        rpos = recs.index.get_indexer(pd.Index(e_rec["site"]))
    r_lat = recs["lat"].to_numpy(dtype=float)[rpos]
    r_lon = recs["lon"].to_numpy(dtype=float)[rpos]
    if select != "rtt":
        e_rec_rtt = _rtt_of_path(
            m, _path_km_pairs(m, e_tbl["lat"].to_numpy(), e_tbl["lon"].to_numpy(), r_lat, r_lon), stat
        )
    o_lat = float(origin["lat"].iloc[0])
    o_lon = float(origin["lon"].iloc[0])
    rec_o = _rtt_of_path(
        m, _path_km_pairs(m, r_lat, r_lon, np.full_like(r_lat, o_lat), np.full_like(r_lon, o_lon)), stat
    )
    same_region = np.asarray(e_rec["site"].astype(str)) == origin_region
    rec_o = np.where(same_region, m.stat_params(stat)[2], rec_o)
    edge_to_row = used.get_indexer(pd.Index(ue["site"]))
    er = e_rec_rtt[edge_to_row]
    ro = rec_o[edge_to_row]
    parts = cdn_ttfb_breakdown_ms(
        ue["rtt_ms"].to_numpy(),
        er,
        ro,
        edge_hit_ratio=edge_hit_ratio,
        rec_hit_ratio=rec_hit_ratio,
        tls=tls,
        origin_time_ms=origin_time_ms,
    )
    la, lo, _ = points_arrays(users, source="users")
    direct = _rtt_of_path(
        m, _path_km_pairs(m, la, lo, np.full_like(la, o_lat), np.full_like(lo, o_lon)), stat
    )
    direct = direct + m.user_access_rtt_ms
    n_setup = N_SETUP_RTTS[tls]
    out = pd.DataFrame(
        {
            "edge": ue["site"].to_numpy(),
            "rec": np.asarray(e_rec["site"])[edge_to_row],
            "rtt_user_edge_ms": ue["rtt_ms"].to_numpy(),
            "rtt_edge_rec_ms": er,
            "rtt_rec_origin_ms": ro,
            "hit_ms": parts["hit_ms"],
            "rec_hit_ms": parts["rec_hit_ms"],
            "miss_ms": parts["miss_ms"],
            "ttfb_ms": parts["ttfb_ms"],
            "direct_ttfb_ms": (n_setup + 1) * direct + check_nonnegative(origin_time_ms, "origin_time_ms"),
        },
        index=users.index.copy(),
    )
    if "weight" in ue.columns:
        out["weight"] = ue["weight"].to_numpy()
    out.attrs.update(
        {"quantity": "time to first byte", "unit": "ms", "stat": stat, "model": m.name, "tls": tls}
    )
    return out


def cdn_summary(cdn_df: pd.DataFrame, *, thresholds_ms: Sequence[float] = (100, 200)) -> pd.DataFrame:
    """Weighted summary of :func:`cdn_ttfb_ms`: through the CDN vs direct to the origin.

    Parameters
    ----------
    cdn_df : pandas.DataFrame
        Output of :func:`cdn_ttfb_ms`.
    thresholds_ms : sequence of float, default (100, 200)
        TTFB thresholds. [ms]

    Returns
    -------
    pandas.DataFrame
        Columns ``cdn`` and ``direct``; rows as in :func:`latency_summary`. [ms]
    """
    return pd.DataFrame(
        {
            "cdn": latency_summary(cdn_df, thresholds_ms=thresholds_ms, column="ttfb_ms"),
            "direct": latency_summary(cdn_df, thresholds_ms=thresholds_ms, column="direct_ttfb_ms"),
        }
    )


# end-user path model (re-exported; cloudgeo.enduser owns it)
from cloudgeo.enduser import (  # noqa: E402
    PathBreakdown,
    access_rtt_ms,
    countries_at,
    country_rtt_ms,
    ingress_hub,
    ingress_table,
    path_breakdown,
)
