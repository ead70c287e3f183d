"""Choose k sites (regions, edge locations) for a weighted user population.

Public API:

* :func:`optimize_placement` - the best ``k`` sites under an objective (``OBJECTIVES``).
* :func:`placement_frontier` - the best objective for every ``k`` up to ``k_max``.
* :class:`PlacementResult` - what a solve returns.
* :func:`prepare_cost` and :class:`CostMatrix` - validate an RTT matrix once and solve many
  placements on it (thread-safe; what the placement explorer does).

Layout: ``problem`` (validated inputs), ``cost`` (the prepared matrix), ``objectives`` (values
of a choice), ``greedy``, ``exact/`` (aggregated core problems: enumeration, MILP, p-median,
bisection for percentiles and worst case, and the optional ``fastpaths``), ``solve`` (method
dispatch), ``result`` (the result and its N-1 table), ``optimize`` and ``frontier`` (the public
entry points). The models and references are in :func:`optimize_placement`'s docstring.
"""

from __future__ import annotations

from cloudgeo.placement.cost import CostMatrix, prepare_cost
from cloudgeo.placement.frontier import placement_frontier
from cloudgeo.placement.objectives import OBJECTIVES
from cloudgeo.placement.optimize import optimize_placement
from cloudgeo.placement.result import PlacementResult

__all__ = [
    "OBJECTIVES",
    "PlacementResult",
    "optimize_placement",
    "placement_frontier",
    "CostMatrix",
    "prepare_cost",
]
