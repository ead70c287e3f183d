"""Availability of architectures: components, failure domains, exact composition, presets.

The public API (``cloudgeo.availability.X``):

* :mod:`~cloudgeo.availability.blocks` -- :class:`Component`, :class:`Domain` and the blocks
  :func:`series`, :func:`parallel`, :func:`k_of_n`, :func:`with_failover`,
  :func:`failover_unavailability`;
* :mod:`~cloudgeo.availability.exact` -- exact evaluation by conditioning on shared events,
  :func:`importance`, :func:`single_points_of_failure`;
* :mod:`~cloudgeo.availability.montecarlo` -- :func:`monte_carlo`, a simulation that checks it;
* :mod:`~cloudgeo.availability.downtime` -- :func:`downtime`, :func:`downtime_table`,
  :func:`format_duration`;
* :mod:`~cloudgeo.availability.presets` -- the seed article's architectures
  (:func:`single_instance`, :func:`app_and_rds`, :func:`multi_az`, :func:`multi_region`) and
  :func:`compare_architectures`.
"""

from __future__ import annotations

from cloudgeo.availability.blocks import (
    GREGORIAN_YEAR_DAYS as GREGORIAN_YEAR_DAYS,
)
from cloudgeo.availability.blocks import (
    Block as Block,
)
from cloudgeo.availability.blocks import (
    Component,
    Domain,
    KOfN,
    Parallel,
    Series,
    failover_unavailability,
    k_of_n,
    parallel,
    series,
    with_failover,
)
from cloudgeo.availability.blocks import (
    FloatArray as FloatArray,
)
from cloudgeo.availability.blocks import (
    Part as Part,
)
from cloudgeo.availability.downtime import downtime, downtime_table, format_duration
from cloudgeo.availability.exact import Node as Node
from cloudgeo.availability.exact import importance, single_points_of_failure
from cloudgeo.availability.montecarlo import MAX_SIMULATED_OUTAGES as MAX_SIMULATED_OUTAGES
from cloudgeo.availability.montecarlo import Intervals as Intervals
from cloudgeo.availability.montecarlo import MonteCarloResult, monte_carlo
from cloudgeo.availability.presets import (
    ArchitectureResult,
    app_and_rds,
    compare_architectures,
    multi_az,
    multi_region,
    single_instance,
)

__all__ = [
    "ArchitectureResult",
    "Component",
    "Domain",
    "KOfN",
    "MonteCarloResult",
    "Parallel",
    "Series",
    "app_and_rds",
    "compare_architectures",
    "downtime",
    "downtime_table",
    "failover_unavailability",
    "format_duration",
    "importance",
    "k_of_n",
    "monte_carlo",
    "multi_az",
    "multi_region",
    "parallel",
    "series",
    "single_instance",
    "single_points_of_failure",
    "with_failover",
]
