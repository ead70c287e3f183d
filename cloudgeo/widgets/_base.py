"""The explorer base: controls -> frozen state -> one compute and one plot call -> outputs.

:class:`Explorer` lays out the controls, a status line, a table and the figure widgets, and
re-renders on every control change; :class:`LRU` caches results by control values;
:func:`replace_figure` updates a FigureWidget in place (only what changed is re-validated and
sent). The checks shared by the explorer factories live here too.

References
----------
ipywidgets 8 documentation, "Widget Events" (observers, ``continuous_update``).
plotly.py documentation, "Interactive Data Analysis with FigureWidget ipywidgets"
(``FigureWidget.batch_update``).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cloudgeo import _validate as V
from cloudgeo.errors import CloudGeoError, InvalidTypeError

__all__ = [
    "CACHE_SIZE",
    "LRU",
    "Explorer",
    "check_bool",
    "check_explorer_args",
    "check_users",
    "codes_tuple",
    "control_values",
    "replace_figure",
    "same_json",
    "table_html",
]

CACHE_SIZE = 32


class LRU:
    """A tiny least-recently-used cache of computed values (keyed by control values)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
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


def table_html(df: pd.DataFrame, *, caption: str = "", float_format: str = "{:,.2f}") -> str:
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


def same_json(a: Any, b: Any) -> bool:
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
        return isinstance(b, dict) and a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return (
            isinstance(b, list | tuple)
            and len(a) == len(b)
            and all(same_json(x, y) for x, y in zip(a, b, strict=True))
        )
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):
        return False


def replace_figure(target: go.FigureWidget, new: go.Figure, *, keep_template: bool = False) -> None:
    """Make ``target`` show ``new`` (traces and layout) in one front-end update.

    When ``new`` has as many traces of the same types, each trace is updated in place and the
    layout is updated without re-validating the template (re-assigning a whole layout
    deep-copies the template: ~70 ms for a map). Only the top-level properties that changed are
    re-validated and sent (a map of 5,000 users keeps its coordinates while their colours
    change). Properties that ``target`` has and ``new`` lacks are removed, so nothing of the
    previous figure survives. Otherwise the traces are replaced. ``new``'s template is applied
    only if it differs from ``target``'s, and never with ``keep_template`` (``new`` was built
    under :func:`cloudgeo.plotting.style.template_deferred`, without a template of its own).
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
                changed = {key: v for key, v in props.items() if not same_json(v, old.get(key))}
                if changed:
                    a.update(changed, overwrite=True)
        else:
            target.data = ()
            target.add_traces(list(new.data))
        for key in old_lay:
            if key not in lay and key != "template":
                target.layout[key] = None
        changed_lay = {key: v for key, v in lay.items() if not same_json(v, old_lay.get(key))}
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
        check_explorer_args(controls, render, make_state, n_figures, caption)
        self.controls: dict[str, widgets.Widget] = dict(controls)
        self._render = render
        self._make_state = make_state
        self._caption = caption
        self.context = context
        from cloudgeo.plotting.style import TEMPLATE

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
        from cloudgeo.plotting.style import template_deferred

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
        self.table.value = table_html(table, caption=caption)
        for target, new in zip(self.figures, figures, strict=True):
            replace_figure(target, new, keep_template=True)


def check_explorer_args(
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


def codes_tuple(value: object, name: str) -> tuple[str, ...]:
    """Return a sequence of codes as a tuple of str (a single str is an error, not a sequence)."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        msg = f"{name} must be a tuple or list of codes, got {type(value).__name__}: {value!r}."
        raise InvalidTypeError(msg)
    bad = [v for v in value if not isinstance(v, str)]
    if bad:
        msg = f"{name} must hold code strings; not strings: {bad!r}."
        raise InvalidTypeError(msg)
    return tuple(value)


def check_bool(value: object, name: str) -> None:
    if not isinstance(value, bool):
        msg = f"{name} must be True or False, got {type(value).__name__}: {value!r}."
        raise InvalidTypeError(msg)


def check_users(users: object) -> None:
    """Validate a user-points frame (coordinates and, when present, the weight column)."""
    has_weight = isinstance(users, pd.DataFrame) and "weight" in users.columns
    V.points_arrays(users, source="users", weight="weight" if has_weight else None)


def control_values(control: widgets.Widget) -> tuple[str, ...]:
    return tuple(str(v) for v in control.value)
