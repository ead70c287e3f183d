"""Interactive explorers: controls wired to one compute call and one plot call.

Each ``*_explorer`` factory returns an :class:`ipywidgets.VBox` subclass holding

* ``controls`` - a dict of the input widgets by name (set ``.value`` to drive it),
* ``figure`` - a :class:`plotly.graph_objects.FigureWidget` with the main plot,
* ``table`` - an :class:`ipywidgets.HTML` with the numbers behind the plot,
* ``status`` - an :class:`ipywidgets.HTML` that shows a validation error instead of a blank cell,
* ``result`` - the table of the last successful render (a DataFrame).

The factories never call ``display()``; leave the explorer as the last expression of a cell.
Every explorer follows the same split: the control values form a small frozen *state*
dataclass, a pure ``_render_*(state, context)`` function turns the state into ``(table,
figure)`` with exactly one compute call and one plot call, and the widget only maps controls
-> state -> render -> outputs. What does not depend on a control (shipped catalogues, the
user population, per-site latency tables) is computed once and cached in the context, so a
control change with 34,000 world cities as users stays interactive.

This module imports :mod:`ipywidgets`; ``import cloudgeo`` never imports it. Use it as
``from cloudgeo import widgets``. In JupyterLab without internet, run
:func:`cloudgeo.plotting.enable_offline_maps` once per page so the maps draw their land.

References
----------
ipywidgets 8 documentation, "Widget Events" (observers, ``continuous_update``).
plotly.py documentation, "Interactive Data Analysis with FigureWidget ipywidgets"
(``FigureWidget.batch_update``).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import html
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cloudgeo import _validate as V
from cloudgeo.errors import CloudGeoError, InvalidInputError, InvalidTypeError, UnknownRegionError

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

_CACHE_SIZE = 32


class _LRU:
    """A tiny least-recently-used cache of computed values (keyed by control values)."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self._size = size
        self._items: dict[Hashable, Any] = {}

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """Return the cached value for ``key``, computing it with ``make()`` on a miss."""
        value = self._items.pop(key) if key in self._items else make()
        self._items[key] = value
        while len(self._items) > self._size:
            self._items.pop(next(iter(self._items)))
        return value

    def clear(self) -> None:
        """Forget every cached value."""
        self._items.clear()


def _table_html(df: pd.DataFrame, *, caption: str = "", float_format: str = "{:,.2f}") -> str:
    """Render a small table as escaped HTML (user text in it is escaped)."""
    body = df.to_html(
        escape=True,
        border=0,
        classes="cloudgeo-table",
        float_format=float_format.format,
        na_rep="",
    )
    cap = f"<div><b>{html.escape(caption)}</b></div>" if caption else ""
    return cap + body


def _same(a: Any, b: Any) -> bool:
    """Whether two plotly JSON values (dicts, lists, numpy arrays, scalars) are equal."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and a.dtype == b.dtype
            and bool(np.array_equal(a, b))
        )
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return (
            isinstance(b, list | tuple)
            and len(a) == len(b)
            and all(_same(x, y) for x, y in zip(a, b, strict=True))
        )
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):
        return False


def _replace_figure(target: go.FigureWidget, new: go.Figure, *, keep_template: bool = False) -> None:
    """Make ``target`` show ``new`` (traces and layout) in one front-end update.

    When ``new`` has as many traces of the same types, each trace is updated in place and the
    layout is updated without re-validating the template (re-assigning a whole layout
    deep-copies the template: ~70 ms for a map). Only the top-level properties that changed are
    re-validated and sent (a map of 5,000 users keeps its coordinates while their colours
    change). Properties that ``target`` has and ``new`` lacks are removed, so nothing of the
    previous figure survives. Otherwise the traces are replaced. ``new``'s template is applied
    only if it differs from ``target``'s, and never with ``keep_template`` (``new`` was built
    under :func:`cloudgeo._plotstyle.template_deferred`, without a template of its own).
    """
    lay = new.layout.to_plotly_json()
    template = lay.pop("template", None)
    old_lay = target.layout.to_plotly_json()
    same = len(target.data) == len(new.data) and all(
        a.type == b.type for a, b in zip(target.data, new.data, strict=True)
    )
    with target.batch_update():
        if same:
            for a, b in zip(target.data, new.data, strict=True):
                props = b.to_plotly_json()
                props.pop("type", None)
                props.pop("uid", None)
                old = a.to_plotly_json()
                for key in old:
                    if key not in props and key not in ("type", "uid"):
                        a[key] = None
                changed = {key: v for key, v in props.items() if not _same(v, old.get(key))}
                if changed:
                    a.update(changed, overwrite=True)
        else:
            target.data = ()
            target.add_traces(list(new.data))
        for key in old_lay:
            if key not in lay and key != "template":
                target.layout[key] = None
        changed_lay = {key: v for key, v in lay.items() if not _same(v, old_lay.get(key))}
        if changed_lay:
            target.layout.update(changed_lay, overwrite=True)
        if not keep_template and template is not None and template != old_lay.get("template"):
            target.layout.template = template


class Explorer(widgets.VBox):  # type: ignore[misc]
    """A control panel, a status line, a table and one or more figures (base of every explorer).

    Parameters
    ----------
    controls : dict of str to ipywidgets.Widget
        The input widgets by name, in display order.
    render : callable
        ``render(state) -> (table, figures)`` where ``figures`` is a tuple of
        :class:`plotly.graph_objects.Figure`, one per figure widget.
    make_state : callable
        ``make_state(controls) -> state``, reading the control values.
    n_figures : int, default 1
        Number of figure widgets (``figure`` is the first, ``figures`` holds all).
    caption : callable, optional
        ``caption(state, table) -> str`` - a one-line summary shown above the table (plain text,
        escaped).
    kind : str, default "explorer"
        Short name; the widget gets the CSS classes ``cloudgeo-explorer`` and
        ``cloudgeo-explorer-<kind>``.
    context : object, optional
        What the render function caches (data, RTT matrices, results); kept as ``context``.

    Raises
    ------
    InvalidTypeError
        If ``controls`` is not a mapping of name to widget, ``render``, ``make_state`` or
        ``caption`` is not callable, or ``n_figures`` is not an integer.
    InvalidInputError
        If ``n_figures`` < 1.

    Notes
    -----
    Attributes ``controls``, ``figure``, ``figures``, ``table``, ``status``, ``state`` and
    ``result`` are what tests and notebooks poke at. Render errors from cloudgeo (bad
    combinations of controls, e.g. more must-include regions than regions to place) are shown
    in ``status`` and keep the previous figure.
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.Widget],
        render: Callable[[Any], tuple[pd.DataFrame, tuple[go.Figure, ...]]],
        make_state: Callable[[Mapping[str, widgets.Widget]], Any],
        *,
        n_figures: int = 1,
        caption: Callable[[Any, pd.DataFrame], str] | None = None,
        kind: str = "explorer",
        context: Any = None,
    ) -> None:
        _check_explorer_args(controls, render, make_state, n_figures, caption)
        self.controls: dict[str, widgets.Widget] = dict(controls)
        self._render = render
        self._make_state = make_state
        self._caption = caption
        self.context = context
        from cloudgeo._plotstyle import TEMPLATE

        self.figures: tuple[go.FigureWidget, ...] = tuple(
            go.FigureWidget(layout={"template": TEMPLATE}) for _ in range(n_figures)
        )
        self.figure: go.FigureWidget = self.figures[0]
        self.table = widgets.HTML(value="")
        self.status = widgets.HTML(value="")
        self.state: Any = None
        self.result: pd.DataFrame | None = None
        panel = widgets.HBox(
            [widgets.VBox(list(self.controls.values())), self.table],
            layout=widgets.Layout(align_items="flex-start", grid_gap="24px"),
        )
        super().__init__(children=[panel, self.status, *self.figures])
        self.add_class("cloudgeo-explorer")
        self.add_class(f"cloudgeo-explorer-{kind}")
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()

    def _on_change(self, change: Mapping[str, Any]) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read the controls, render, and update the table and figures."""
        from cloudgeo._plotstyle import template_deferred

        try:
            state = self._make_state(self.controls)
            # the figure widgets carry the template already: skip re-applying it per figure
            with template_deferred():
                table, figures = self._render(state)
        except CloudGeoError as exc:
            self.status.value = (
                '<div class="cloudgeo-error" style="color:#b00020">'
                f"{html.escape(str(exc))} (the figure still shows the previous choice)</div>"
            )
            return
        self.state = state
        self.result = table
        self.status.value = ""
        caption = self._caption(state, table) if self._caption else ""
        self.table.value = _table_html(table, caption=caption)
        for target, new in zip(self.figures, figures, strict=True):
            _replace_figure(target, new, keep_template=True)


def _check_explorer_args(
    controls: object, render: object, make_state: object, n_figures: object, caption: object
) -> None:
    if not isinstance(controls, Mapping):
        msg = f"controls must be a mapping of name to ipywidgets widget, got {type(controls).__name__}."
        raise InvalidTypeError(msg)
    bad = [str(k) for k, w in controls.items() if not isinstance(w, widgets.ValueWidget)]
    if bad:
        msg = f"controls must map names to ipywidgets value widgets (with .value); not widgets: {bad}."
        raise InvalidTypeError(msg)
    for name, fn in (("render", render), ("make_state", make_state)):
        if not callable(fn):
            msg = f"{name} must be callable, got {type(fn).__name__}: {fn!r}."
            raise InvalidTypeError(msg)
    if caption is not None and not callable(caption):
        msg = f"caption must be callable or None, got {type(caption).__name__}: {caption!r}."
        raise InvalidTypeError(msg)
    V.check_int(n_figures, "n_figures", minimum=1)


def _codes_tuple(value: object, name: str) -> tuple[str, ...]:
    """Return a sequence of codes as a tuple of str (a single str is an error, not a sequence)."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        msg = f"{name} must be a tuple or list of codes, got {type(value).__name__}: {value!r}."
        raise InvalidTypeError(msg)
    bad = [v for v in value if not isinstance(v, str)]
    if bad:
        msg = f"{name} must hold code strings; not strings: {bad!r}."
        raise InvalidTypeError(msg)
    return tuple(value)


def _check_bool(value: object, name: str) -> None:
    if not isinstance(value, bool):
        msg = f"{name} must be True or False, got {type(value).__name__}: {value!r}."
        raise InvalidTypeError(msg)


def _check_users(users: object) -> None:
    """Validate a user-points frame (coordinates and, when present, the weight column)."""
    has_weight = isinstance(users, pd.DataFrame) and "weight" in users.columns
    V.points_arrays(users, source="users", weight="weight" if has_weight else None)


def _values(control: widgets.Widget) -> tuple[str, ...]:
    return tuple(str(v) for v in control.value)


# --------------------------------------------------------------------------------------------
# placement


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
        object.__setattr__(self, "must_include", _codes_tuple(self.must_include, "must_include"))
        object.__setattr__(self, "exclude", _codes_tuple(self.exclude, "exclude"))


#: Country mixes offered by the placement explorer's Users control: key -> (label, weights).
#: Weights are shares of users per ISO 3166-1 alpha-2 country (illustrative audiences).
PLACEMENT_MIXES: dict[str, tuple[str, dict[str, float]]] = {
    "us-br": ("Country mix: US 90 %, Brazil 10 %", {"US": 0.9, "BR": 0.1}),
    "us-jp": ("Country mix: US 90 %, Japan 10 % (p90 example of tutorial 07)", {"US": 0.9, "JP": 0.1}),
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


class _PlacementContext:
    """What does not depend on the controls: populations, candidates, RTT matrices, results."""

    def __init__(self, users: pd.DataFrame | None, candidates: pd.DataFrame | None) -> None:
        self._user_users = users
        self.candidates = _default_candidates() if candidates is None else candidates
        self._world: pd.DataFrame | None = None
        self._mixes: dict[str, pd.DataFrame] = {}
        self._cost: dict[str, pd.DataFrame] = {}
        self._prepared: dict[str, Any] = {}
        self.cache = _LRU()

    def users(self, population: str) -> pd.DataFrame:
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


def _render_placement(state: PlacementState, ctx: _PlacementContext) -> tuple[pd.DataFrame, tuple[go.Figure]]:
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


def _placement_note(state: PlacementState, result: Any, ctx: _PlacementContext) -> str:
    """Return the objective reached and, for the greedy solver, its gap to the proven optimum."""

    def fmt(v: float) -> str:
        if state.objective == "coverage":
            return f"{v:.1%} of users within {state.threshold_ms:g} ms"
        return f"{v:.4g} ms"

    text = f"objective {state.objective}: {fmt(result.objective_value)}"
    if state.method == "greedy":
        exact = _render_placement(dataclasses.replace(state, method="exact"), ctx)[0]
        value = float(exact.attrs["value"])
        if result.objective_value != value:
            gap = abs(result.objective_value - value) / value if value else 0.0
            text += f"; the exact optimum is {fmt(value)} (greedy is {gap:.1%} worse)"
        else:
            text += " (the exact optimum too)"
    return text


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
        _check_users(users)
    if candidates is not None:
        V.points_arrays(candidates, source="candidates")
    ctx = _PlacementContext(users, candidates)
    codes = [str(c) for c in ctx.candidates.index]
    population_options = [("World cities", "world")] + [
        (label, key) for key, (label, _) in PLACEMENT_MIXES.items()
    ]
    if users is not None:
        population_options.insert(0, (f"Your users ({len(users):,} points)", "user"))
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

    def make_state(c: Mapping[str, widgets.Widget]) -> PlacementState:
        return PlacementState(
            population=str(c["population"].value),
            k=int(c["k"].value),
            objective=str(c["objective"].value),
            method=str(c["method"].value),
            threshold_ms=float(c["threshold_ms"].value),
            must_include=_values(c["must_include"]),
            exclude=_values(c["exclude"]),
        )

    def caption(state: PlacementState, table: pd.DataFrame) -> str:
        note = table.attrs.get("note", f"objective {state.objective}")
        return f"{state.k} region(s) chosen by {state.method} search; {note}"

    explorer = Explorer(
        controls,
        lambda s: _render_placement(s, ctx),
        make_state,
        caption=caption,
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


# --------------------------------------------------------------------------------------------
# latency


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
        object.__setattr__(self, "regions", _codes_tuple(self.regions, "regions"))
        _check_bool(self.cloudfront, "cloudfront")
        V.check_choice(self.access, "access", _access_options())


def _access_options() -> tuple[str, ...]:
    from cloudgeo import latency

    return tuple(str(a) for a in latency.ACCESS_RTT_MS)


class _LatencyContext:
    def __init__(self, users: pd.DataFrame | None, regions: pd.DataFrame | None) -> None:
        from cloudgeo import catalog, latency, population

        self.users = population.load_world_cities() if users is None else users
        self.regions = catalog.load_regions() if regions is None else regions
        self.model = latency.get_model(None)
        self._edges: pd.DataFrame | None = None
        self.cache = _LRU()

    def edges(self) -> pd.DataFrame:
        if self._edges is None:
            from cloudgeo import catalog

            self._edges = catalog.load_edge_locations()
        return self._edges

    def sites(self, state: LatencyState) -> pd.DataFrame:
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


def _render_latency(
    state: LatencyState, ctx: _LatencyContext
) -> tuple[pd.DataFrame, tuple[go.Figure, go.Figure]]:
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
        _check_users(users)
    if regions is not None:
        V.points_arrays(regions, source="regions")
    wanted = _codes_tuple(initial_regions, "initial_regions")
    ctx = _LatencyContext(users, regions)
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
            regions=_values(c["regions"]),
            cloudfront=bool(c["cloudfront"].value),
            access=str(c["access"].value),
        )

    def caption(state: LatencyState, table: pd.DataFrame) -> str:
        return "Users' round-trip time: " + _latency_label(state)

    return Explorer(
        controls,
        lambda s: _render_latency(s, ctx),
        make_state,
        n_figures=2,
        caption=caption,
        kind="latency",
        context=ctx,
    )


# --------------------------------------------------------------------------------------------
# durability


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


def _render_durability(state: DurabilityState) -> tuple[pd.DataFrame, tuple[go.Figure]]:
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

    return Explorer(controls, _render_durability, make_state, caption=caption, kind="durability")


# --------------------------------------------------------------------------------------------
# availability


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


def _render_availability(state: AvailabilityState) -> tuple[pd.DataFrame, tuple[go.Figure]]:
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

    return Explorer(controls, _render_availability, make_state, caption=caption, kind="availability")


# --------------------------------------------------------------------------------------------
# infrastructure


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


def _render_infrastructure(state: InfrastructureState) -> tuple[pd.DataFrame, tuple[go.Figure]]:
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

    return Explorer(controls, _render_infrastructure, make_state, caption=caption, kind="infrastructure")
