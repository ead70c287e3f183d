"""The placement explorer: k, objective, method and constraints -> optimize_placement -> plot_placement.

The users and candidates are validated and their RTT matrix prepared once, when the explorer
is built (``placement.prepare_cost``); every control change is one solve on it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from cloudgeo import _validate as V
from cloudgeo.widgets._base import (
    LRU,
    Explorer,
    check_users,
    codes_tuple,
    control_values,
)


@dataclass(frozen=True)
class PlacementState:
    """Control values of :func:`placement_explorer`.

    Parameters
    ----------
    population : str
        ``"world"`` (the shipped world cities), ``"user"`` (the points given to the explorer)
        or a country mix, a key of :data:`PLACEMENT_MIXES` (cities weighted by
        :func:`cloudgeo.population.country_weights`).
    k : int
        Number of regions to place. [count]
    objective : str
        Objective of :func:`cloudgeo.placement.optimize_placement` (``"mean"``, ``"p95"``, ...).
    method : {"exact", "greedy"}
        Solver: the proven optimum (default; within the explorer's 100 ms budget, see
        ``benchmarks/bench_widgets.py``) or greedy (its gap to the optimum is shown).
    threshold_ms : float
        RTT threshold of the ``"coverage"`` objective. [ms]
    must_include : tuple of str
        Region codes that must be chosen.
    exclude : tuple of str
        Region codes that may not be chosen.

    Raises
    ------
    InvalidInputError
        If a choice is unknown, ``k`` < 1 or ``threshold_ms`` <= 0.
    InvalidTypeError
        If ``k`` is not an integer or the code lists are not sequences of str.
    """

    population: str = "world"
    k: int = 3
    objective: str = "mean"
    method: str = "exact"
    threshold_ms: float = 50.0
    must_include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Check every field (a list of codes is stored as a tuple)."""
        V.check_choice(self.population, "population", ("world", "user", *PLACEMENT_MIXES))
        V.check_int(self.k, "k", minimum=1)
        V.check_choice(self.objective, "objective", _placement_objectives())
        V.check_choice(self.method, "method", ("greedy", "exact"))
        V.check_positive(self.threshold_ms, "threshold_ms", "ms")
        object.__setattr__(self, "must_include", codes_tuple(self.must_include, "must_include"))
        object.__setattr__(self, "exclude", codes_tuple(self.exclude, "exclude"))


#: Country mixes offered by the placement explorer's Users control: key -> (label, weights).
#: Weights are shares of users per ISO 3166-1 alpha-2 country (illustrative audiences).
PLACEMENT_MIXES: dict[str, tuple[str, dict[str, float]]] = {
    "us-br": ("Country mix: US 90 %, Brazil 10 %", {"US": 0.9, "BR": 0.1}),
    "europe": ("Country mix: Europe (DE, FR, GB, IT, ES)", {"DE": 1, "FR": 1, "GB": 1, "IT": 1, "ES": 1}),
    "apac": ("Country mix: Asia-Pacific (JP, IN, SG, AU, PH)", {"JP": 1, "IN": 1, "SG": 1, "AU": 1, "PH": 1}),
    "global-saas": (
        "Country mix: US 40 %, EU 30 %, Asia 20 %, rest 10 %",
        {"US": 40, "DE": 10, "GB": 10, "FR": 10, "JP": 8, "IN": 7, "SG": 5, "BR": 5, "AU": 3, "ZA": 2},
    ),
}


def _placement_objectives() -> tuple[str, ...]:
    from cloudgeo import placement

    return tuple(str(o) for o in placement.OBJECTIVES)


def _default_candidates() -> pd.DataFrame:
    from cloudgeo import catalog

    regions = catalog.load_regions()
    return regions[regions["partition"] == "aws"]


class PlacementContext:
    """What does not depend on the controls: populations, candidates, RTT matrices, results."""

    def __init__(self, users: pd.DataFrame | None, candidates: pd.DataFrame | None) -> None:
        self._user_users = users
        self.candidates = _default_candidates() if candidates is None else candidates
        self._world: pd.DataFrame | None = None
        self._mixes: dict[str, pd.DataFrame] = {}
        self._cost: dict[str, pd.DataFrame] = {}
        self._prepared: dict[str, Any] = {}
        self.cache = LRU()

    def users(self, population: str) -> pd.DataFrame:
        """Return the users of a population choice (loaded once)."""
        if population == "user" and self._user_users is not None:
            return self._user_users
        if population in PLACEMENT_MIXES:
            if population not in self._mixes:
                from cloudgeo import population as pop

                self._mixes[population] = pop.country_weights(PLACEMENT_MIXES[population][1])
            return self._mixes[population]
        if self._world is None:
            from cloudgeo import population as pop

            self._world = pop.load_world_cities()
        return self._world

    def cost_ms(self, population: str) -> pd.DataFrame:
        """Return the users x candidates RTT matrix, computed once per population [ms]."""
        if population not in self._cost:
            from cloudgeo import latency

            users = self.users(population)
            self._cost[population] = latency.user_rtt_matrix_ms(
                users[["lat", "lon"]], self.candidates[["lat", "lon"]]
            )
        return self._cost[population]

    def prepared_cost(self, population: str) -> Any:
        """Return the RTT matrix validated once, with its per-user site order (placement's own copy)."""
        if population not in self._prepared:
            from cloudgeo import placement

            prepared = placement.prepare_cost(
                self.users(population), self.candidates, self.cost_ms(population)
            )
            prepared.warm_up()  # site orders, site rows, the MILP's first-call setup: now, not on a change
            self._prepared[population] = prepared
        return self._prepared[population]


def render_placement(state: PlacementState, ctx: PlacementContext) -> tuple[pd.DataFrame, tuple[go.Figure]]:
    """Return the per-site table and :func:`cloudgeo.plotting.plot_placement` for ``state``."""
    from cloudgeo import placement, plotting

    users = ctx.users(state.population)
    cost = ctx.prepared_cost(state.population)

    def compute() -> Any:
        # optimize_placement on the RTT matrix the context validated (and sorted) once
        return placement.optimize_placement(
            users,
            ctx.candidates,
            state.k,
            objective=state.objective,
            method=state.method,
            threshold_ms=state.threshold_ms if state.objective == "coverage" else None,
            must_include=state.must_include,
            exclude=state.exclude,
            cost_ms=cost,
        )

    result = ctx.cache.get(dataclasses.astuple(state), compute)
    fig = plotting.plot_placement(result, users, ctx.candidates)
    table = result.per_site.copy()
    if "name" in ctx.candidates.columns:
        table.insert(0, "name", ctx.candidates["name"].reindex(table.index))
    table.attrs["value"] = float(result.objective_value)
    table.attrs["note"] = _placement_note(state, result, ctx)
    return table, (fig,)


def _placement_note(state: PlacementState, result: Any, ctx: PlacementContext) -> str:
    """Return the objective reached and, for the greedy solver, its gap to the proven optimum."""

    def fmt(v: float) -> str:
        if state.objective == "coverage":
            return f"{v:.1%} of users within {state.threshold_ms:g} ms"
        return f"{v:.4g} ms"

    text = f"objective {state.objective}: {fmt(result.objective_value)}"
    if state.method == "greedy":
        exact = render_placement(dataclasses.replace(state, method="exact"), ctx)[0]
        value = float(exact.attrs["value"])
        if result.objective_value != value:
            gap = abs(result.objective_value - value) / value if value else 0.0
            text += f"; the exact optimum is {fmt(value)} (greedy is {gap:.1%} worse)"
        else:
            text += " (the exact optimum too)"
    return text


def _placement_controls(
    population_options: list[tuple[str, str]], codes: list[str]
) -> dict[str, widgets.Widget]:
    """Build the placement controls (population first, in display order)."""
    style = {"description_width": "110px"}
    controls: dict[str, widgets.Widget] = {
        "population": widgets.Dropdown(
            options=population_options, value=population_options[0][1], description="Users", style=style
        ),
        "k": widgets.IntSlider(
            value=min(3, len(codes)),
            min=1,
            max=max(1, min(10, len(codes))),
            description="Regions",
            continuous_update=False,
            style=style,
        ),
        "objective": widgets.Dropdown(
            options=list(_placement_objectives()), value="mean", description="Objective", style=style
        ),
        "method": widgets.Dropdown(
            options=[("exact (optimal)", "exact"), ("greedy (fast; gap shown)", "greedy")],
            value="exact",
            description="Solver",
            style=style,
        ),
        "threshold_ms": widgets.FloatSlider(
            value=50.0,
            min=5.0,
            max=300.0,
            step=5.0,
            description="Coverage [ms]",
            continuous_update=False,
            style=style,
        ),
        "must_include": widgets.SelectMultiple(
            options=codes, value=(), rows=6, description="Must include", style=style
        ),
        "exclude": widgets.SelectMultiple(
            options=codes, value=(), rows=6, description="Exclude", style=style
        ),
    }
    return controls


def _placement_state(c: Mapping[str, widgets.Widget]) -> PlacementState:
    """Read the placement controls."""
    return PlacementState(
        population=str(c["population"].value),
        k=int(c["k"].value),
        objective=str(c["objective"].value),
        method=str(c["method"].value),
        threshold_ms=float(c["threshold_ms"].value),
        must_include=control_values(c["must_include"]),
        exclude=control_values(c["exclude"]),
    )


def _placement_caption(state: PlacementState, table: pd.DataFrame) -> str:
    note = table.attrs.get("note", f"objective {state.objective}")
    return f"{state.k} region(s) chosen by {state.method} search; {note}"


def placement_explorer(users: pd.DataFrame | None = None, candidates: pd.DataFrame | None = None) -> Explorer:
    """Choose k regions for a user population and see the map, the sites and the latency.

    Controls: population (world cities, the country mixes of :data:`PLACEMENT_MIXES` or the
    ``users`` given), number of regions, objective, solver (exact by default; greedy shows its
    gap to the proven optimum in the caption), coverage threshold (shown for the coverage
    objective only), must-include and exclude regions. One call to
    :func:`cloudgeo.placement.optimize_placement` and one to
    :func:`cloudgeo.plotting.plot_placement` per change. The users x candidates RTT matrix
    (:func:`cloudgeo.latency.user_rtt_matrix_ms`) is computed once per population and passed as
    ``cost_ms``; results are cached per control combination.

    With the ~34,000 world cities a change redraws in under 0.1 s on a 2-core machine
    (``benchmarks/bench_widgets.py`` prints every control, k 2-10 and cold objective changes).
    The slowest changes, 0.06-0.09 s, switch the exact solver to a new percentile or worst-case
    objective with six to ten regions: the greedy start is computed afresh, then the threshold
    proof and the tie-break by the mean run. A k change reuses the greedy's earlier picks.

    Parameters
    ----------
    users : DataFrame, optional
        User points with ``lat``, ``lon`` and optionally ``weight`` columns. When given, the
        population control starts on these users. [deg]
    candidates : DataFrame, optional
        Candidate sites (``lat``, ``lon``, indexed by code). Default: the current regions of
        the standard ``aws`` partition from :func:`cloudgeo.catalog.load_regions`. [deg]

    Returns
    -------
    Explorer
        The widget; ``controls`` has ``population``, ``k``, ``objective``, ``method``,
        ``threshold_ms``, ``must_include`` and ``exclude``; ``result`` is the per-site table
        (users, weight share and mean RTT of each chosen region) and ``status`` says why a
        combination is infeasible.

    Raises
    ------
    InvalidTypeError, DataValidationError
        If ``users`` or ``candidates`` is not a DataFrame or has missing/bad coordinates or
        weights.

    References
    ----------
    Hakimi, S. L. (1964), "Optimum locations of switching centers and the absolute centers
    and medians of a graph", Operations Research 12(3) - the p-median problem solved by
    :func:`cloudgeo.placement.optimize_placement`.
    """
    if users is not None:
        check_users(users)
    if candidates is not None:
        V.points_arrays(candidates, source="candidates")
    ctx = PlacementContext(users, candidates)
    codes = [str(c) for c in ctx.candidates.index]
    population_options = [("World cities", "world")] + [
        (label, key) for key, (label, _) in PLACEMENT_MIXES.items()
    ]
    if users is not None:
        population_options.insert(0, (f"Your users ({len(users):,} points)", "user"))
    controls = _placement_controls(population_options, codes)
    explorer = Explorer(
        controls,
        lambda s: render_placement(s, ctx),
        _placement_state,
        caption=_placement_caption,
        kind="placement",
        context=ctx,
    )
    threshold = controls["threshold_ms"]

    def show_threshold(change: Mapping[str, Any] | None = None) -> None:
        # the coverage threshold only matters to the coverage objective
        threshold.layout.display = None if controls["objective"].value == "coverage" else "none"

    controls["objective"].observe(show_threshold, names="value")
    show_threshold()
    return explorer
