"""The end-user internet path model, under its former name: the code lives in :mod:`cloudgeo.latency.enduser`.

Kept so that ``cloudgeo.enduser.X`` keeps working for every public name; new code imports from
:mod:`cloudgeo.latency.enduser` (or the curated names from :mod:`cloudgeo.latency`).
"""

from __future__ import annotations

from cloudgeo.latency.enduser import (  # noqa: F401 - names outside __all__ stay importable as before
    CANDIDATE_HUBS,
    COUNTRIES_FILE,
    MAX_CITY_KM,
    MODEL_FILE,
    REFERENCE_TECHNOLOGY,
    REGIONAL_FACTOR,
    RETIRED_CODES,
    STATS,
    PathBreakdown,
    UserTerms,
    access_rtt_ms,
    countries_at,
    country_rtt_ms,
    ingress_hub,
    ingress_table,
    path_breakdown,
    user_terms,
)

__all__ = [
    "CANDIDATE_HUBS",
    "REGIONAL_FACTOR",
    "RETIRED_CODES",
    "PathBreakdown",
    "access_rtt_ms",
    "countries_at",
    "country_rtt_ms",
    "ingress_hub",
    "ingress_table",
    "path_breakdown",
]
