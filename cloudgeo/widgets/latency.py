"""The latency explorer: regions, CloudFront and access -> user latency -> plot_latency_cdf.

Per-site latency tables of the users are computed once and cached in the context.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from cloudgeo import _validate as V
from cloudgeo.errors import InvalidInputError, UnknownRegionError
from cloudgeo.widgets._base import (
    LRU,
    Explorer,
    check_bool,
    check_users,
    codes_tuple,
    control_values,
)


@dataclass(frozen=True)
class LatencyState:
    """Control values of :func:`latency_explorer`.

    Parameters
    ----------
    regions : tuple of str
        Region codes serving the users (each user goes to the nearest one).
    cloudfront : bool
        Serve through CloudFront: users go to the nearest edge location instead.
    access : str
        Access ("last-mile") technology of the users, a key of
        :data:`cloudgeo.latency.ACCESS_RTT_MS` (e.g. ``"fibre"``).

    Raises
    ------
    InvalidInputError
        If ``access`` is unknown.
    InvalidTypeError
        If ``regions`` is not a sequence of str or ``cloudfront`` not a bool.
    """

    regions: tuple[str, ...] = ("us-east-1",)
    cloudfront: bool = False
    access: str = "fibre"

    def __post_init__(self) -> None:
        """Check every field (a list of regions is stored as a tuple)."""
        object.__setattr__(self, "regions", codes_tuple(self.regions, "regions"))
        check_bool(self.cloudfront, "cloudfront")
        V.check_choice(self.access, "access", _access_options())


def _access_options() -> tuple[str, ...]:
    from cloudgeo import latency

    return tuple(str(a) for a in latency.ACCESS_RTT_MS)


class LatencyContext:
    """What does not depend on the controls: users, regions, edges and per-site tables."""

    def __init__(self, users: pd.DataFrame | None, regions: pd.DataFrame | None) -> None:
        from cloudgeo import catalog, latency, population

        self.users = population.load_world_cities() if users is None else users
        self.regions = catalog.load_regions() if regions is None else regions
        self.model = latency.get_model(None)
        self._edges: pd.DataFrame | None = None
        self.cache = LRU()

    def edges(self) -> pd.DataFrame:
        """Return the current edge locations (loaded once)."""
        if self._edges is None:
            from cloudgeo import catalog

            self._edges = catalog.load_edge_locations()
        return self._edges

    def sites(self, state: LatencyState) -> pd.DataFrame:
        """Return the sites the users reach: edges with CloudFront, else the chosen regions."""
        if state.cloudfront:
            return self.edges()
        if not state.regions:
            msg = "no region selected; select at least one region (or switch CloudFront on)."
            raise InvalidInputError(msg)
        return self.regions.loc[list(state.regions)]


def _latency_label(state: LatencyState) -> str:
    if state.cloudfront:
        return f"CloudFront edge, {state.access}"
    return f"{', '.join(state.regions)}, {state.access}"


def render_latency(
    state: LatencyState, ctx: LatencyContext
) -> tuple[pd.DataFrame, tuple[go.Figure, go.Figure]]:
    """Return the latency summary, the users' map and their RTT distribution (CDF)."""
    from cloudgeo import latency, plotting

    sites = ctx.sites(state)
    model = dataclasses.replace(ctx.model, access=state.access)
    df: pd.DataFrame = ctx.cache.get(
        dataclasses.astuple(state), lambda: latency.user_latency(ctx.users, sites, model=model)
    )
    label = _latency_label(state)
    table = latency.latency_summary(df).to_frame(label).T
    fig_map = plotting.plot_user_latency_map(df, users=ctx.users, sites=sites)
    fig_cdf = plotting.plot_latency_cdf({label: df})
    return table, (fig_map, fig_cdf)


def latency_explorer(
    users: pd.DataFrame | None = None,
    *,
    regions: pd.DataFrame | None = None,
    initial_regions: Sequence[str] = ("us-east-1",),
) -> Explorer:
    """Pick regions, CloudFront on/off and the access technology; see the users' latency.

    One call to :func:`cloudgeo.latency.user_latency` per change (cached per control
    combination) and one plot per output: the users map
    (:func:`cloudgeo.plotting.plot_user_latency_map`) and the latency CDF
    (:func:`cloudgeo.plotting.plot_latency_cdf`); the table holds the percentiles from
    :func:`cloudgeo.latency.latency_summary`. With CloudFront on, each user goes to the
    nearest edge location (a cache hit) instead of the selected regions.

    Parameters
    ----------
    users : DataFrame, optional
        User points (``lat``, ``lon``, optional ``weight``). Default: the shipped world
        cities weighted by population. [deg]
    regions : DataFrame, optional
        Regions to choose from (``lat``, ``lon``, indexed by code). Default:
        :func:`cloudgeo.catalog.load_regions`. [deg]
    initial_regions : sequence of str, default ("us-east-1",)
        Regions selected at start (empty: the first region of ``regions``).

    Returns
    -------
    Explorer
        ``controls`` has ``regions``, ``cloudfront`` and ``access``; ``figures`` holds the map
        and the CDF.

    Raises
    ------
    InvalidTypeError, DataValidationError
        If ``users`` or ``regions`` is not a DataFrame or has missing/bad coordinates or
        weights, or ``initial_regions`` is not a sequence of codes.
    UnknownRegionError
        If a code in ``initial_regions`` is not among ``regions``.

    References
    ----------
    Latency model and access-technology terms: :class:`cloudgeo.latency.LatencyModel` and
    :data:`cloudgeo.latency.ACCESS_RTT_MS` (FCC Measuring Broadband America).
    """
    if users is not None:
        check_users(users)
    if regions is not None:
        V.points_arrays(regions, source="regions")
    wanted = codes_tuple(initial_regions, "initial_regions")
    ctx = LatencyContext(users, regions)
    codes = [str(c) for c in ctx.regions.index]
    for code in wanted:
        if code not in codes:
            raise UnknownRegionError(code, codes)
    style = {"description_width": "110px"}
    start = wanted or tuple(codes[:1])
    controls: dict[str, widgets.Widget] = {
        "regions": widgets.SelectMultiple(
            options=codes, value=start, rows=8, description="Regions", style=style
        ),
        "cloudfront": widgets.Checkbox(value=False, description="CloudFront (nearest edge)", indent=False),
        "access": widgets.Dropdown(
            options=list(_access_options()), value="fibre", description="Access", style=style
        ),
    }

    def make_state(c: Mapping[str, widgets.Widget]) -> LatencyState:
        return LatencyState(
            regions=control_values(c["regions"]),
            cloudfront=bool(c["cloudfront"].value),
            access=str(c["access"].value),
        )

    def caption(state: LatencyState, table: pd.DataFrame) -> str:
        return "Users' round-trip time: " + _latency_label(state)

    return Explorer(
        controls,
        lambda s: render_latency(s, ctx),
        make_state,
        n_figures=2,
        caption=caption,
        kind="latency",
        context=ctx,
    )
