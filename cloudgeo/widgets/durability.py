"""The durability explorer: storage class, objects, years -> expected_losses -> plot_durability."""

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
class DurabilityState:
    """Control values of :func:`durability_explorer`.

    Parameters
    ----------
    storage_class : str
        Catalogue id of the storage class, e.g. ``"s3-standard"``.
    objects : int
        Number of objects stored. [count]
    years : float
        Horizon. [years]
    az_loss_probability_per_year : float
        Probability that the Availability Zone is destroyed in a year; used by classes that
        keep data in one AZ (``lost_if_az_destroyed`` in the catalogue). [1/year]

    Raises
    ------
    UnknownNameError
        If ``storage_class`` is not in :func:`cloudgeo.catalog.load_storage_classes`.
    InvalidInputError, InvalidTypeError
        If ``objects`` or ``years`` is not > 0, or the AZ-loss probability not in [0, 1].
    """

    storage_class: str = "s3-standard"
    objects: int = 10_000_000
    years: float = 1.0
    az_loss_probability_per_year: float = 1e-4

    def __post_init__(self) -> None:
        """Check every field against the storage-class catalogue and its domain."""
        from cloudgeo import catalog
        from cloudgeo.errors import UnknownNameError

        classes = catalog.load_storage_classes().index
        if not isinstance(self.storage_class, str) or self.storage_class not in classes:
            raise UnknownNameError("storage class", self.storage_class, classes)
        V.check_positive(self.objects, "objects")
        V.check_positive(self.years, "years", "years")
        V.check_fraction(self.az_loss_probability_per_year, "az_loss_probability_per_year")


def render_durability(state: DurabilityState) -> tuple[pd.DataFrame, tuple[go.Figure]]:
    """Return the expected losses table and :func:`cloudgeo.plotting.plot_durability` for ``state``."""
    from cloudgeo import catalog, durability, plotting

    one_zone = bool(catalog.get_storage_class(state.storage_class)["lost_if_az_destroyed"])
    result: Any
    if one_zone:
        result = durability.one_zone_loss(
            objects=state.objects,
            storage_class=state.storage_class,
            az_loss_probability_per_year=state.az_loss_probability_per_year,
            years=state.years,
        )
    else:
        result = durability.expected_losses(
            objects=state.objects, storage_class=state.storage_class, years=state.years
        )
    q = float(getattr(result, "loss_probability_per_year", getattr(result, "annual_loss_probability", 0.0)))
    name = str(catalog.get_storage_class(state.storage_class)["name"])
    rows = {state.storage_class: (name, q)}
    rows.setdefault("s3-standard", ("S3 Standard (reference)", 1e-11))
    data = pd.DataFrame(
        {"name": [v[0] for v in rows.values()], "loss_probability_per_year": [v[1] for v in rows.values()]},
        index=pd.Index(list(rows), name="storage_class"),
    )
    fig = plotting.plot_durability(
        data, objects=state.objects, years=state.years, highlight=state.storage_class
    )
    table = result.to_frame().T.rename(columns={0: state.storage_class})
    return table, (fig,)


def durability_explorer() -> Explorer:
    """Explore expected object losses by storage class, object count, horizon and AZ-loss probability.

    One call to :func:`cloudgeo.durability.expected_losses` (or, for classes stored in one
    Availability Zone, :func:`cloudgeo.durability.one_zone_loss`) and one to
    :func:`cloudgeo.plotting.plot_durability` per change.

    Returns
    -------
    Explorer
        ``controls`` has ``storage_class``, ``objects``, ``years`` and
        ``az_loss_probability_per_year``.

    References
    ----------
    Amazon S3 User Guide, "Data protection in Amazon S3" (99.999999999 % designed durability:
    10,000,000 objects -> one loss every 10,000 years on average).
    """
    from cloudgeo import catalog

    classes = catalog.load_storage_classes()
    options = [(f"{row['name']} ({code})", str(code)) for code, row in classes.iterrows()]
    style = {"description_width": "150px"}
    controls: dict[str, widgets.Widget] = {
        "storage_class": widgets.Dropdown(
            options=options, value="s3-standard", description="Storage class", style=style
        ),
        "objects": widgets.FloatLogSlider(
            value=1e7,
            base=10,
            min=3,
            max=12,
            step=1,
            description="Objects",
            continuous_update=False,
            style=style,
            readout_format=".0e",
        ),
        "years": widgets.FloatLogSlider(
            value=1.0,
            base=10,
            min=0,
            max=4,
            step=1,
            description="Horizon [years]",
            continuous_update=False,
            style=style,
            readout_format=".0f",
        ),
        "az_loss_probability_per_year": widgets.FloatLogSlider(
            value=1e-4,
            base=10,
            min=-7,
            max=-1,
            step=1,
            description="AZ loss [1/year]",
            continuous_update=False,
            style=style,
            readout_format=".0e",
        ),
    }

    def make_state(c: Mapping[str, widgets.Widget]) -> DurabilityState:
        return DurabilityState(
            storage_class=str(c["storage_class"].value),
            objects=round(float(c["objects"].value)),
            years=float(c["years"].value),
            az_loss_probability_per_year=float(c["az_loss_probability_per_year"].value),
        )

    def caption(state: DurabilityState, table: pd.DataFrame) -> str:
        return f"{state.storage_class}: {state.objects:,} objects over {state.years:g} year(s)"

    return Explorer(controls, render_durability, make_state, caption=caption, kind="durability")
