"""Latency: round trips between sites, from end users to their site, and through CloudFront.

The public API; every name is importable as ``cloudgeo.latency.X``:

* :mod:`~cloudgeo.latency.model` - :class:`LatencyModel` (overhead + stretch x 2 d / v over the
  great circle or the routed backbone), the presets and the distance -> RTT formula;
* :mod:`~cloudgeo.latency.pairs` - RTT between points or regions (:func:`rtt_ms`,
  :func:`region_rtt_ms`, :func:`rtt_matrix_ms`);
* :mod:`~cloudgeo.latency.users` - end users to their serving site (:func:`user_latency`,
  :func:`user_rtt_matrix_ms`, :func:`latency_summary`, :func:`weighted_quantile`);
* :mod:`~cloudgeo.latency.calibration` - fitting a model on measurements (:func:`calibrate`);
* :mod:`~cloudgeo.latency.cdn` - time to first byte through CloudFront (:func:`cdn_ttfb_ms`);
* :mod:`~cloudgeo.latency.enduser` - the end-user internet path model (per-country access,
  ingress hubs: :func:`country_rtt_ms`, :func:`path_breakdown`; also ``cloudgeo.enduser``);
* :mod:`~cloudgeo.latency.backbone` - the routed fibre backbone between hub cities
  (:func:`~cloudgeo.latency.backbone.load_backbone`; also ``cloudgeo.network``), imported on
  first use.

Every function returns a round-trip time unless ``one_way=True``; results carry the statistic
(``p50`` median or ``p90``) in their name or ``attrs``.
"""

from __future__ import annotations

from cloudgeo.latency.calibration import CalibrationResult, calibrate, compare_with_measurements
from cloudgeo.latency.cdn import cdn_summary, cdn_ttfb_breakdown_ms, cdn_ttfb_ms
from cloudgeo.latency.enduser import (
    PathBreakdown,
    access_rtt_ms,
    countries_at,
    country_rtt_ms,
    ingress_hub,
    ingress_table,
    path_breakdown,
)
from cloudgeo.latency.model import (  # noqa: F401 - names outside __all__ stay importable as before
    ACCESS_RTT_MS,
    C_KM_S,
    FIBRE_INDEX,
    MAX_DISTANCE_KM,
    N_SETUP_RTTS,
    ROUTINGS,
    STATS,
    FloatArray,
    LatencyModel,
    fibre_speed_km_s,
    get_model,
    model_from_dict,
    model_names,
    model_to_dict,
    rtt_from_distance_ms,
)
from cloudgeo.latency.pairs import region_rtt_ms, rtt_matrix_ms, rtt_ms
from cloudgeo.latency.users import (  # noqa: F401 - names outside __all__ stay importable as before
    RTT_CANDIDATES,
    SELECTS,
    latency_summary,
    user_latency,
    user_rtt_matrix_ms,
    weighted_quantile,
)

__all__ = [
    "ACCESS_RTT_MS",
    "C_KM_S",
    "FIBRE_INDEX",
    "CalibrationResult",
    "LatencyModel",
    "PathBreakdown",
    "access_rtt_ms",
    "calibrate",
    "cdn_summary",
    "cdn_ttfb_breakdown_ms",
    "cdn_ttfb_ms",
    "compare_with_measurements",
    "countries_at",
    "country_rtt_ms",
    "fibre_speed_km_s",
    "get_model",
    "ingress_hub",
    "ingress_table",
    "latency_summary",
    "model_names",
    "path_breakdown",
    "region_rtt_ms",
    "rtt_from_distance_ms",
    "rtt_matrix_ms",
    "rtt_ms",
    "user_latency",
    "user_rtt_matrix_ms",
    "weighted_quantile",
]
