"""cloudgeo: the geography of AWS infrastructure in a notebook.

Regions, Availability Zones and CloudFront edge locations (now and at any past date), user
latency, S3 durability, the availability of architectures, placement for a user population
and autoscaling, as pandas DataFrames and plotly figures.

Submodules are imported lazily on first use so that ``import cloudgeo`` stays cheap; it never
imports ipywidgets and makes no network call. Widgets live in :mod:`cloudgeo.widgets`.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_SUBMODULES = (
    "availability",
    "catalog",
    "cli",
    "durability",
    "errors",
    "geodesy",
    "io",
    "latency",
    "measurements",
    "network",
    "placement",
    "plotting",
    "population",
    "report",
    "scaling",
    "enduser",
    "ripe_atlas",
    "traffic",
)

# public name -> submodule that defines it (the curated flat API)
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(
        [
            "load_regions",
            "get_regions",
            "load_availability_zones",
            "load_edge_locations",
            "lookup_edge_location",
            "load_regional_edge_caches",
            "load_storage_classes",
            "load_slas",
            "catalog_date",
        ],
        "catalog",
    ),
    **dict.fromkeys(["load_world_cities", "country_weights", "from_points"], "population"),
    **dict.fromkeys(
        ["read_cloudping_json", "read_gcping_csv", "read_wondernetwork_csv", "read_measurements_csv"],
        "measurements",
    ),
    **dict.fromkeys(["great_circle_km", "distance_matrix_km", "nearest_sites"], "geodesy"),
    **dict.fromkeys(
        [
            "rtt_ms",
            "region_rtt_ms",
            "rtt_matrix_ms",
            "user_latency",
            "latency_summary",
            "cdn_ttfb_ms",
            "calibrate",
        ],
        "latency",
    ),
    **dict.fromkeys(["expected_losses", "erasure_coding_loss"], "durability"),
    **dict.fromkeys(["Component", "series", "parallel", "k_of_n", "downtime"], "availability"),
    **dict.fromkeys(["optimize_placement", "placement_frontier"], "placement"),
    **dict.fromkeys(["simulate_autoscaling"], "scaling"),
    **dict.fromkeys(["plot_infrastructure_map", "enable_offline_maps", "export_figure"], "plotting"),
    **dict.fromkeys(["write_report"], "report"),
    **dict.fromkeys(["check_catalog", "edge_network_headline"], "catalog"),
    **dict.fromkeys(["country_rtt_ms", "path_breakdown", "ingress_hub"], "latency"),
    **dict.fromkeys(["read_ripe_atlas"], "ripe_atlas"),
    **dict.fromkeys(["read_cloudfront_logs", "write_cloudfront_log", "synthetic_cloudfront_log"], "traffic"),
    **dict.fromkeys(["edge_traffic", "population_from_logs", "compare_cdn_with_logs"], "traffic"),
}

__all__ = sorted([*_SUBMODULES, *_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    """Import submodules and re-exported functions on first access (PEP 562)."""
    if name in _SUBMODULES:
        return importlib.import_module(f"cloudgeo.{name}")
    if name in _EXPORTS:
        module = importlib.import_module(f"cloudgeo.{_EXPORTS[name]}")
        return getattr(module, name)
    msg = f"module 'cloudgeo' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    """List the public API."""
    return sorted(__all__)
