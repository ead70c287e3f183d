"""The latency model: distance -> round-trip time, its parameters and the shipped presets.

Round-trip time (RTT) between two sites::

    RTT = overhead_ms + stretch * 2 * d / v_fibre          (+ access_rtt_ms for end users)

with ``v_fibre = c / fibre_index`` and ``d`` the great-circle distance (``routing=
"great-circle"``) or the routed distance over the backbone (``routing="backbone"``,
:mod:`cloudgeo.latency.backbone`, plus ``hop_penalty_km`` per link; hops up to
``short_haul_km`` are great circle x ``attach_factor``). Presets (:func:`get_model`):
``"physics"`` (straight fibre, no overhead: the floor), ``"rule-of-thumb"`` (stretch 2.1 [3]) and
``"calibrated"`` (the default: backbone routing fitted on AWS inter-region round trips,
``data/latency_model.json``, written by ``scripts/fit_latency.py``).

References
----------
.. [1] SI definition of the metre: c = 299 792.458 km/s.
.. [2] Group index of SMF-28-class fibre 1.4682 (vendor and OTDR figures, 1.467-1.468).
.. [3] Bozkurt, I. N. et al. (2018). "Dissecting Latency in the Internet's Fiber
   Infrastructure". arXiv:1811.10737 (stretch 2.1; conduit paths 1.3).
.. [4] FCC, Measuring Broadband America (early report, via J. Scott): access RTT fibre 24 ms,
   cable 32 ms, DSL 49 ms. [5] OpenSignal, Mobile Network Experience, USA 2018: mobile 60 ms.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from cloudgeo._data import data_path
from cloudgeo._validate import (
    check_bool,
    check_choice,
    check_int,
    check_nonnegative,
    check_number,
    numeric_array,
)
from cloudgeo.errors import (
    DataFileError,
    InvalidInputError,
    InvalidTypeError,
    UnknownNameError,
)
from cloudgeo.geodesy import EARTH_RADIUS_KM, great_circle_trusted_km

if TYPE_CHECKING:
    from cloudgeo.latency.backbone import Backbone


__all__ = [
    "ACCESS_RTT_MS",
    "C_KM_S",
    "FIBRE_INDEX",
    "MAX_DISTANCE_KM",
    "N_SETUP_RTTS",
    "ROUTINGS",
    "STATS",
    "LatencyModel",
    "fibre_speed_km_s",
    "get_model",
    "model_from_dict",
    "model_names",
    "model_to_dict",
    "rtt_from_distance_ms",
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
    from cloudgeo.latency.backbone import load_backbone

    return load_backbone(m.hop_penalty_km)


def _path_km_pairs(
    m: LatencyModel, sa: FloatArray, so: FloatArray, da: FloatArray, do: FloatArray
) -> FloatArray:
    gc = great_circle_trusted_km(sa, so, da, do)
    if m.routing == "great-circle":
        return gc
    from cloudgeo.latency.backbone import routed_pairs_trusted_km

    return routed_pairs_trusted_km(sa, so, da, do, _backbone(m), m.n_attach, m.attach_factor, m.short_haul_km)


def _path_km_matrix(
    m: LatencyModel, aa: FloatArray, ao: FloatArray, ba: FloatArray, bo: FloatArray
) -> FloatArray:
    if m.routing == "great-circle":
        return great_circle_trusted_km(aa[:, None], ao[:, None], ba[None, :], bo[None, :])
    from cloudgeo.latency.backbone import routed_matrix_trusted_km

    return routed_matrix_trusted_km(
        aa, ao, ba, bo, _backbone(m), m.n_attach, m.attach_factor, m.short_haul_km
    )


def _rtt_of_path(m: LatencyModel, path_km: FloatArray, stat: str) -> FloatArray:
    stretch, overhead, _ = m.stat_params(stat)
    out: FloatArray = overhead + stretch * 2.0 * path_km / (m.fibre_speed_km_s / 1000.0)
    return out
