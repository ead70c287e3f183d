"""Figures: world maps of AWS infrastructure and users, latency, durability, availability, scaling.

Every ``plot_*`` function takes tidy DataFrames or result objects and returns a
:class:`plotly.graph_objects.Figure`. Nothing is displayed and nothing is written: leave the
figure as the last expression of a notebook cell, write it with :func:`to_offline_html`, or
export it with :func:`export_figure`.

Geo maps need plotly's base map. cloudgeo ships it, so maps draw with no network once
:func:`enable_offline_maps` has run in the notebook (HTML from :func:`to_offline_html` and images
from :func:`export_figure` carry it by themselves).

Modules: :mod:`~cloudgeo.plotting.maps` (infrastructure and user maps),
:mod:`~cloudgeo.plotting.latency_charts` (CDF, RTT matrix), the decision charts
(:mod:`~cloudgeo.plotting.reliability_charts`, :mod:`~cloudgeo.plotting.placement_charts`,
:mod:`~cloudgeo.plotting.scaling_charts`, :mod:`~cloudgeo.plotting.cdn_charts`),
:mod:`~cloudgeo.plotting.offline` (offline maps, self-contained HTML, static export) and
:mod:`~cloudgeo.plotting.style` (colours, geo settings, layout); the user sample drawn on maps
and the read of result attributes are the private ``_common``.
"""

from __future__ import annotations

from cloudgeo.plotting.cdn_charts import plot_hit_ratio_effect, plot_price_class_latency
from cloudgeo.plotting.latency_charts import plot_latency_cdf, plot_rtt_matrix
from cloudgeo.plotting.maps import (
    plot_footprint_growth,
    plot_infrastructure_comparison,
    plot_infrastructure_map,
    plot_user_latency_map,
)
from cloudgeo.plotting.offline import (
    IMAGE_FORMATS,
    OFFLINE_CONFIG,
    enable_offline_maps,
    export_figure,
    export_figures,
    find_chromium,
    geo_assets_script,
    geo_topojson_names,
    to_offline_html,
    topojson_dir,
    vendored_plotlyjs_version,
)
from cloudgeo.plotting.placement_charts import plot_failover, plot_placement, plot_placement_frontier
from cloudgeo.plotting.reliability_charts import plot_availability, plot_durability, plot_ebs_volume_losses
from cloudgeo.plotting.scaling_charts import plot_autoscaling, plot_autoscaling_comparison
from cloudgeo.plotting.style import (
    EDGE_COLOR as EDGE_COLOR,
)
from cloudgeo.plotting.style import (
    EDGE_SIZE_BASE_PX as EDGE_SIZE_BASE_PX,
)
from cloudgeo.plotting.style import (
    EDGE_SIZE_PER_SQRT_POP_PX as EDGE_SIZE_PER_SQRT_POP_PX,
)
from cloudgeo.plotting.style import (
    LAND_COLOR,
    OCEAN_COLOR,
    world_geo_layout,
)
from cloudgeo.plotting.style import (
    QUALITATIVE as QUALITATIVE,
)
from cloudgeo.plotting.style import (
    REC_COLOR as REC_COLOR,
)
from cloudgeo.plotting.style import (
    REC_SIZE_PX as REC_SIZE_PX,
)
from cloudgeo.plotting.style import (
    REGION_COLOR as REGION_COLOR,
)
from cloudgeo.plotting.style import (
    REGION_SIZE_BASE_PX as REGION_SIZE_BASE_PX,
)
from cloudgeo.plotting.style import (
    REGION_SIZE_PER_AZ_PX as REGION_SIZE_PER_AZ_PX,
)
from cloudgeo.plotting.style import (
    RTT_COLORSCALE as RTT_COLORSCALE,
)

__all__ = [
    "IMAGE_FORMATS",
    "LAND_COLOR",
    "OCEAN_COLOR",
    "OFFLINE_CONFIG",
    "enable_offline_maps",
    "export_figure",
    "export_figures",
    "find_chromium",
    "geo_assets_script",
    "geo_topojson_names",
    "plot_autoscaling",
    "plot_autoscaling_comparison",
    "plot_availability",
    "plot_durability",
    "plot_ebs_volume_losses",
    "plot_failover",
    "plot_footprint_growth",
    "plot_hit_ratio_effect",
    "plot_infrastructure_comparison",
    "plot_infrastructure_map",
    "plot_latency_cdf",
    "plot_placement",
    "plot_placement_frontier",
    "plot_price_class_latency",
    "plot_rtt_matrix",
    "plot_user_latency_map",
    "to_offline_html",
    "topojson_dir",
    "vendored_plotlyjs_version",
    "world_geo_layout",
]
