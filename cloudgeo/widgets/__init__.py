"""Interactive explorers: controls wired to one compute call and one plot call.

Each ``*_explorer`` factory returns an :class:`ipywidgets.VBox` subclass holding

* ``controls`` - a dict of the input widgets by name (set ``.value`` to drive it),
* ``figure`` - a :class:`plotly.graph_objects.FigureWidget` with the main plot,
* ``table`` - an :class:`ipywidgets.HTML` with the numbers behind the plot,
* ``status`` - an :class:`ipywidgets.HTML` that shows a validation error instead of a blank cell,
* ``result`` - the table of the last successful render (a DataFrame).

The factories never call ``display()``; leave the explorer as the last expression of a cell.
Every explorer follows the same split (:mod:`cloudgeo.widgets._base`): the control values
form a small frozen *state* dataclass, a pure ``render_*(state, context)`` function in the
explorer's module turns the state into ``(table, figure)`` with exactly one compute call and
one plot call, and the widget only maps controls -> state -> render -> outputs. What does not
depend on a control (catalogues, the user population, per-site latency tables) is computed once
and cached in the context, so a change with 34,000 world cities as users stays interactive.

This module imports :mod:`ipywidgets`; ``import cloudgeo`` never imports it. Use it as
``from cloudgeo import widgets``. In JupyterLab without internet, run
:func:`cloudgeo.plotting.enable_offline_maps` once per page so the maps draw their land.
"""

from __future__ import annotations

from cloudgeo.widgets._base import Explorer
from cloudgeo.widgets.availability import ARCHITECTURES, AvailabilityState, availability_explorer
from cloudgeo.widgets.durability import DurabilityState, durability_explorer
from cloudgeo.widgets.infrastructure import FIRST_YEAR as FIRST_YEAR
from cloudgeo.widgets.infrastructure import InfrastructureState, infrastructure_explorer
from cloudgeo.widgets.latency import LatencyState, latency_explorer
from cloudgeo.widgets.placement import PLACEMENT_MIXES, PlacementState, placement_explorer

__all__ = [
    "ARCHITECTURES",
    "AvailabilityState",
    "DurabilityState",
    "Explorer",
    "InfrastructureState",
    "LatencyState",
    "PLACEMENT_MIXES",
    "PlacementState",
    "availability_explorer",
    "durability_explorer",
    "infrastructure_explorer",
    "latency_explorer",
    "placement_explorer",
]
