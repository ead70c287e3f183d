"""The infrastructure explorer: a year -> the catalogue as of its end -> plot_infrastructure_map."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from cloudgeo import _validate as V
from cloudgeo.errors import InvalidInputError
from cloudgeo.widgets._base import (
    Explorer,
)


@dataclass(frozen=True)
class InfrastructureState:
    """Control values of :func:`infrastructure_explorer`.

    Parameters
    ----------
    year : int
        Show the footprint as of 31 December of this year (the catalogue's date,
        :func:`cloudgeo.catalog.catalog_date`, for its year); from
        2006 (AWS's first region) to the catalogue's year. [year]

    Raises
    ------
    InvalidInputError
        If ``year`` is before 2006 or after the catalogue's year.
    InvalidTypeError
        If ``year`` is not an integer.
    """

    year: int = 2019

    def __post_init__(self) -> None:
        """Check that the year is an integer within the catalogue's span."""
        _check_year(self.year, "year")


FIRST_YEAR = 2006
"""Year AWS's first region (us-east-1) opened: the catalogue's earliest date."""


def _check_year(value: object, name: str) -> int:
    year = V.check_int(value, name)
    this_year = _catalog_year()
    if not FIRST_YEAR <= year <= this_year:
        msg = f"{name} must be between {FIRST_YEAR} (AWS's first region opened) and {this_year}, got {year}."
        raise InvalidInputError(msg)
    return year


def _catalog_year() -> int:
    """Return the catalogue's own year (the slider's end), never the wall clock's."""
    from cloudgeo import catalog

    return catalog.catalog_date().year


def _as_of(year: int) -> _dt.date:
    from cloudgeo import catalog

    latest = catalog.catalog_date()
    return latest if year >= latest.year else _dt.date(year, 12, 31)


def render_infrastructure(state: InfrastructureState) -> tuple[pd.DataFrame, tuple[go.Figure]]:
    """Return the footprint counts and :func:`cloudgeo.plotting.plot_infrastructure_map` at the year's end."""
    from cloudgeo import catalog, plotting

    as_of = _as_of(state.year)
    regions = catalog.load_regions(as_of=as_of)
    # CloudFront lists are shipped from the first snapshot on; earlier years show regions only
    has_edges = as_of >= catalog.edge_snapshot_dates()[0]
    edges = catalog.load_edge_locations(as_of=as_of) if has_edges else None
    fig = plotting.plot_infrastructure_map(
        as_of=as_of, regions=regions, edges=edges, show_edges=has_edges, show_recs=False
    )
    table = pd.DataFrame(
        {
            "regions": [len(regions)],
            "availability_zones": [int(regions["az_count"].sum())],
            "edge_locations": [len(edges) if edges is not None else "-"],
            "edge_pops": [int(edges["pops"].sum()) if edges is not None else "-"],
        },
        index=pd.Index([as_of.isoformat()], name="as_of"),
    )
    return table, (fig,)


def infrastructure_explorer(*, start_year: int = 2006) -> Explorer:
    """Slide through the AWS footprint (regions, AZs, edge locations) year by year since 2006.

    Parameters
    ----------
    start_year : int, default 2006
        First year of the slider (AWS's first region, us-east-1, opened in 2006). [year]

    Returns
    -------
    Explorer
        ``controls`` has ``year``.

    Raises
    ------
    InvalidTypeError
        If ``start_year`` is not an integer.
    InvalidInputError
        If ``start_year`` is before 2006 or after the catalogue's year
        (:func:`cloudgeo.catalog.catalog_date`).

    References
    ----------
    Opening dates: the shipped region and edge-location catalogue (``data/SOURCES.md``).
    """
    start_year = _check_year(start_year, "start_year")
    this_year = _catalog_year()
    controls: dict[str, widgets.Widget] = {
        "year": widgets.IntSlider(
            value=min(max(2019, start_year), this_year),
            min=start_year,
            max=this_year,
            step=1,
            description="As of year",
            continuous_update=False,
            style={"description_width": "120px"},
        )
    }

    def make_state(c: Mapping[str, widgets.Widget]) -> InfrastructureState:
        return InfrastructureState(year=int(c["year"].value))

    def caption(state: InfrastructureState, table: pd.DataFrame) -> str:
        return f"AWS footprint at {_as_of(state.year).isoformat()}"

    return Explorer(controls, render_infrastructure, make_state, caption=caption, kind="infrastructure")
