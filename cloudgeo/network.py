"""The routed fibre backbone, under its former name: the code lives in :mod:`cloudgeo.latency.backbone`.

Kept so that ``cloudgeo.network.X`` keeps working for every public name; new code imports from
:mod:`cloudgeo.latency.backbone`.
"""

from __future__ import annotations

from cloudgeo.latency.backbone import (  # noqa: F401 - names outside __all__ stay importable as before
    ATTACH_FACTOR,
    ATTACH_SLACK_KM,
    DIRECT_MAX_KM,
    HUB_COLUMNS,
    LINK_COLUMNS,
    LINK_KINDS,
    Backbone,
    hub_to_sites_trusted_km,
    load_backbone,
    route_hubs,
    routed_distance_km,
    routed_distance_matrix_km,
    routed_matrix_trusted_km,
    routed_pairs_trusted_km,
    routed_to_sites_trusted_km,
)

__all__ = [
    "ATTACH_FACTOR",
    "ATTACH_SLACK_KM",
    "DIRECT_MAX_KM",
    "Backbone",
    "load_backbone",
    "route_hubs",
    "routed_distance_km",
    "routed_distance_matrix_km",
]
