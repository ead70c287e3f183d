"""The availability explorer: architecture and its parameters -> a preset -> plot_availability."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from cloudgeo import _validate as V
from cloudgeo.widgets._base import (
    Explorer,
)


@dataclass(frozen=True)
class AvailabilityState:
    """Control values of :func:`availability_explorer`.

    Parameters
    ----------
    architecture : str
        Preset: ``"single_instance"``, ``"app_and_rds"``, ``"multi_az"`` or ``"multi_region"``.
    az_count : int
        Availability Zones used by the multi-AZ presets. [count]
    instances_per_az : int
        Application instances per AZ (multi-AZ presets). [count]
    failover_s : float
        Downtime per database failover (multi-AZ presets). [s]

    Raises
    ------
    InvalidInputError
        If ``architecture`` is unknown, a count < 1 or ``failover_s`` < 0.
    InvalidTypeError
        If a count is not an integer or ``failover_s`` not a number.
    """

    architecture: str = "multi_az"
    az_count: int = 2
    instances_per_az: int = 1
    failover_s: float = 120.0

    def __post_init__(self) -> None:
        """Check every field."""
        V.check_choice(self.architecture, "architecture", ARCHITECTURES)
        V.check_int(self.az_count, "az_count", minimum=1)
        V.check_int(self.instances_per_az, "instances_per_az", minimum=1)
        V.check_nonnegative(self.failover_s, "failover_s", "s")


ARCHITECTURES: tuple[str, ...] = ("single_instance", "app_and_rds", "multi_az", "multi_region")
"""The seed's four architecture presets in :mod:`cloudgeo.availability`."""


def render_availability(state: AvailabilityState) -> tuple[pd.DataFrame, tuple[go.Figure]]:
    """Return the architecture's steps table and :func:`cloudgeo.plotting.plot_availability` of it."""
    from cloudgeo import availability, plotting

    preset = getattr(availability, state.architecture)
    kwargs: dict[str, Any] = {}
    if state.architecture in ("multi_az", "multi_region"):
        kwargs = {
            "az_count": state.az_count,
            "instances_per_az": state.instances_per_az,
            "db_failover_s": state.failover_s,
        }
    result = preset(**kwargs)
    steps = result.steps.set_index("step")
    fig = plotting.plot_availability(steps, highlight=str(steps.index[-1]), title=result.title)
    return steps, (fig,)


def availability_explorer() -> Explorer:
    """Explore the availability of the seed's architectures: preset, AZs, instances, failover time.

    One call to the chosen preset of :mod:`cloudgeo.availability` (``single_instance``,
    ``app_and_rds``, ``multi_az``, ``multi_region``) and one to
    :func:`cloudgeo.plotting.plot_availability` per change; the table shows how each step of
    the architecture changes availability and downtime. AZ count, instances and failover time
    apply to the multi-AZ presets.

    Returns
    -------
    Explorer
        ``controls`` has ``architecture``, ``az_count``, ``instances_per_az`` and
        ``failover_s``.

    References
    ----------
    AWS Well-Architected Framework, Reliability Pillar, "Availability" (serial and parallel
    dependencies); Amazon RDS User Guide, Multi-AZ failover (typically 60-120 s).
    """
    style = {"description_width": "150px"}
    controls: dict[str, widgets.Widget] = {
        "architecture": widgets.Dropdown(
            options=list(ARCHITECTURES), value="multi_az", description="Architecture", style=style
        ),
        "az_count": widgets.IntSlider(
            value=2, min=2, max=6, description="AZs", continuous_update=False, style=style
        ),
        "instances_per_az": widgets.IntSlider(
            value=1, min=1, max=8, description="Instances per AZ", continuous_update=False, style=style
        ),
        "failover_s": widgets.FloatSlider(
            value=120.0,
            min=0.0,
            max=600.0,
            step=5.0,
            description="DB failover [s]",
            continuous_update=False,
            style=style,
        ),
    }

    def make_state(c: Mapping[str, widgets.Widget]) -> AvailabilityState:
        return AvailabilityState(
            architecture=str(c["architecture"].value),
            az_count=int(c["az_count"].value),
            instances_per_az=int(c["instances_per_az"].value),
            failover_s=float(c["failover_s"].value),
        )

    def caption(state: AvailabilityState, table: pd.DataFrame) -> str:
        return f"{state.architecture}: availability step by step"

    return Explorer(controls, render_availability, make_state, caption=caption, kind="availability")
