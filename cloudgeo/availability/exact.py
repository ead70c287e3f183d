"""Exact evaluation of a block tree: compilation to basic events, conditioning, importance.

Every leaf of the block tree is up iff its component and all of its domains are up. A *basic
event* (component, domain, hidden common-cause event or failover event) that occurs in more
than one leaf is *shared*. The system is evaluated by conditioning (factoring) on the up/down
states of all ``r`` shared events -- ``2**r`` states, enumerated at once as numpy arrays. Given
those states, every remaining event occurs exactly once in the tree, so series, parallel and
k-of-n are evaluated exactly bottom-up (k-of-n by the Poisson-binomial recursion). The result is
the weighted sum over the states. Availability and unavailability are carried separately
(with ``log1p``/``expm1``), so many nines keep their precision. ``max_shared`` (default 20)
bounds the enumeration; beyond it use :func:`~cloudgeo.availability.monte_carlo`.

:func:`importance` (Birnbaum/criticality) and :func:`single_points_of_failure` condition the
same evaluation on each basic event in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd

from cloudgeo._validate import check_int
from cloudgeo.availability.blocks import Component, Domain, KOfN, Part, Series
from cloudgeo.errors import InvalidInputError, InvalidTypeError

if TYPE_CHECKING:
    from cloudgeo.availability.presets import ArchitectureResult

__all__ = [
    "BasicEvent",
    "CompiledSystem",
    "Node",
    "as_system",
    "compile_system",
    "evaluate",
    "fold",
    "importance",
    "occurrences",
    "single_points_of_failure",
    "tree_children",
]


@dataclass
class BasicEvent:
    """One random variable of a compiled system (a component, domain, failover or common cause).

    ``availability`` and ``unavailability`` are the event's own [fraction 0-1]; for a component
    in a beta group they are its independent residual part. ``mttr_hours`` [h] is used by the
    Monte Carlo simulation. ``label`` is unique within the system.
    """

    label: str
    kind: str  # component | domain | failover | common-cause
    basis: str
    availability: float
    unavailability: float
    mttr_hours: float | None
    obj: object


Node: TypeAlias = tuple[Any, ...]


@dataclass
class CompiledSystem:
    """A block tree reduced to numbered basic events.

    ``tree`` nodes are ``("leaf", (event, ...))`` (up iff every event is up) or
    ``("kofn", k, (child, ...))`` (up iff at least k children are up).
    """

    vars: list[BasicEvent]
    tree: Node


def fold(
    root: Any, children: Callable[[Any], Sequence[Any]], combine: Callable[[Any, list[Any]], Any]
) -> Any:
    """Post-order evaluation without recursion (systems may be nested thousands deep).

    ``children(node)`` lists a node's children (left to right); ``combine(node, results)``
    builds the node's result from its children's. Shared nodes (same object) are computed once.
    """
    done: dict[int, Any] = {}
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        key = id(node)
        if key in done:
            continue
        kids = children(node)
        if ready or not kids:
            done[key] = combine(node, [done[id(c)] for c in kids])
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(kids))
    return done[id(root)]


def _block_children(p: object) -> Sequence[Any]:
    return p.parts if isinstance(p, Series | KOfN) else ()


def tree_children(node: Node) -> Sequence[Any]:
    """Return the children of a compiled tree node (none for a leaf)."""
    return () if node[0] == "leaf" else node[2]


@dataclass(frozen=True)
class _BetaGroups:
    """The beta (common-cause) groups of a system, in pre-order."""

    groups: list[KOfN]
    of_component: dict[int, tuple[KOfN, float]]  # id(component) -> (its group, q = beta * min U)


def _beta_groups(system: Part) -> _BetaGroups:
    """Find every beta group (pre-order, left to right, without recursion)."""
    ccf_of: dict[int, tuple[KOfN, float]] = {}
    groups: list[KOfN] = []
    seen_blocks: set[int] = set()
    stack: list[Part] = [system]
    while stack:
        p = stack.pop()
        if not isinstance(p, Series | KOfN) or id(p) in seen_blocks:
            continue
        seen_blocks.add(id(p))
        if isinstance(p, KOfN) and p.beta is not None:
            groups.append(p)
            q = p.beta * min(c.unavailability for c in p.parts if isinstance(c, Component))
            for c in p.parts:
                prev = ccf_of.get(id(c))
                if prev is not None and prev[0] is not p:
                    msg = (
                        f"component {getattr(c, 'name', None)!r} is in two beta (common-cause) "
                        "groups; a component may belong to one beta group only."
                    )
                    raise InvalidInputError(msg)
                ccf_of[id(c)] = (p, q)
        stack.extend(reversed(p.parts))
    return _BetaGroups(groups, ccf_of)


class _EventBuilder:
    """Numbers the basic events of one system in the order they are met and builds its tree.

    The hidden common-cause events come first (one per beta group), then every component and
    domain as the post-order walk over the blocks first meets it.
    """

    def __init__(self, beta: _BetaGroups) -> None:
        self.events: list[BasicEvent] = []
        self._index: dict[int, int] = {}
        self._components = 0
        self._beta = beta
        self._ccf_event: dict[int, int] = {}
        for g in beta.groups:
            members = [c for c in g.parts if isinstance(c, Component)]
            q = beta.of_component[id(members[0])][1]
            mttrs = [c.mttr_hours for c in members]
            mttr = float(np.mean(mttrs)) if all(m is not None for m in mttrs) else None  # type: ignore[arg-type]
            label = f"common cause ({g.name})" if g.name else "common cause"
            self._ccf_event[id(g)] = len(self.events)
            self.events.append(BasicEvent(label, "common-cause", "beta", 1 - q, q, mttr, g))

    def _event_for(self, obj: object, make: Callable[[], BasicEvent]) -> int:
        key = id(obj)
        if key not in self._index:
            self._index[key] = len(self.events)
            self.events.append(make())
        return self._index[key]

    def _component_event(self, c: Component) -> BasicEvent:
        self._components += 1
        label = c.name if c.name else f"component-{self._components}"
        a, u = c.availability, c.unavailability
        if id(c) in self._beta.of_component:
            q = self._beta.of_component[id(c)][1]
            u = (u - q) / (1.0 - q)
            a = c.availability / (1.0 - q)
        kind = "failover" if c.basis == "failover" else "component"
        return BasicEvent(label, kind, c.basis, a, u, c.mttr_hours, c)

    @staticmethod
    def _domain_event(d: Domain) -> BasicEvent:
        return BasicEvent(d.name, "domain", d.kind, d.availability, d.unavailability, d.mttr_hours, d)

    def build(self, p: Part, built: list[Node]) -> Node:
        """Return the tree node of ``p`` given its children's nodes (``fold``'s combine)."""
        if isinstance(p, Domain):
            return ("leaf", (self._event_for(p, partial(self._domain_event, p)),))
        if isinstance(p, Component):
            ids = [self._event_for(p, partial(self._component_event, p))]
            ids += [self._event_for(d, partial(self._domain_event, d)) for d in p.domains]
            if id(p) in self._beta.of_component:
                ids.append(self._ccf_event[id(self._beta.of_component[id(p)][0])])
            return ("leaf", tuple(dict.fromkeys(ids)))
        if isinstance(p, Series):
            return ("kofn", len(p.parts), tuple(built))
        node: Node = ("kofn", p.k, tuple(built))
        if p.failover is not None:
            node = ("kofn", 2, (node, self.build(p.failover, [])))
        return node


def _make_labels_unique(events: list[BasicEvent]) -> None:
    seen: dict[str, int] = {}
    for v in events:
        n = seen.get(v.label, 0) + 1
        seen[v.label] = n
        if n > 1:
            v.label = f"{v.label} #{n}"


def compile_system(system: Part) -> CompiledSystem:
    """Reduce a block tree to numbered basic events and a tree over them.

    Parameters
    ----------
    system : Component, Domain or block
        The system.

    Returns
    -------
    CompiledSystem
        Its basic events (each shared object once) and the event tree.

    Raises
    ------
    InvalidTypeError
        If ``system`` is not a component, domain or block.
    InvalidInputError
        If a component is in two beta groups.
    """
    if not isinstance(system, Component | Domain | Series | KOfN):
        msg = (
            f"system must be a Component, Domain or a block from series/parallel/k_of_n, "
            f"got {system!r} ({type(system).__name__})."
        )
        raise InvalidTypeError(msg)
    builder = _EventBuilder(_beta_groups(system))
    tree = fold(system, _block_children, builder.build)
    _make_labels_unique(builder.events)
    return CompiledSystem(builder.events, tree)


def occurrences(tree: Node, counts: dict[int, int]) -> None:
    """Add to ``counts`` how many leaves each basic event of ``tree`` occurs in."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if node[0] == "leaf":
            for v in node[1]:
                counts[v] = counts.get(v, 0) + 1
        else:
            stack.extend(node[2])


def _eval_tree(tree: Node, a: dict[int, Any], u: dict[int, Any]) -> tuple[Any, Any]:
    """Return (A, U) of a tree; ``a``/``u`` map variable -> scalar or state array."""
    return fold(tree, tree_children, partial(_eval_node, a=a, u=u))  # type: ignore[no-any-return]


def _eval_node(
    tree: Node, res: list[tuple[Any, Any]], *, a: dict[int, Any], u: dict[int, Any]
) -> tuple[Any, Any]:
    """Return (A, U) of one node given its children's (A, U) in ``res``."""
    if tree[0] == "leaf":
        av: Any = 1.0
        log_up: Any = 0.0
        for v in tree[1]:
            av = av * a[v]
            log_up = log_up + np.log1p(-u[v])
        return av, -np.expm1(log_up)
    k = tree[1]
    n = len(res)
    if k == n:  # series
        av = 1.0
        log_up = 0.0
        for ai, ui in res:
            av = av * ai
            log_up = log_up + np.log1p(-ui)
        return av, -np.expm1(log_up)
    if k == 1:  # parallel
        uv: Any = 1.0
        log_dn: Any = 0.0
        for ai, ui in res:
            uv = uv * ui
            log_dn = log_dn + np.log1p(-ai)
        return -np.expm1(log_dn), uv
    # Poisson-binomial recursion over the number of parts up
    dist: list[Any] = [1.0] + [0.0] * n
    for i, (ai, ui) in enumerate(res, 1):
        new = [dist[0] * ui]
        for j in range(1, i + 1):
            new.append(dist[j] * ui + dist[j - 1] * ai)
        dist = new + [0.0] * (n - i)
    up = sum(dist[k:])
    down = sum(dist[:k])
    return up, down


def evaluate(
    comp: CompiledSystem, overrides: dict[int, tuple[float, float]] | None = None, max_shared: int = 20
) -> tuple[float, float]:
    """Return the exact (availability, unavailability) of a compiled system [fraction 0-1].

    ``overrides`` maps event index -> (A, U) to condition on (1, 0: up; 0, 1: down). Raises
    :class:`~cloudgeo.errors.InvalidInputError` beyond ``max_shared`` shared events.
    """
    counts: dict[int, int] = {}
    occurrences(comp.tree, counts)
    shared = [v for v, c in counts.items() if c > 1]
    if len(shared) > max_shared:
        names = ", ".join(comp.vars[v].label for v in shared[:8])
        msg = (
            f"exact evaluation would enumerate 2^{len(shared)} states of shared components/"
            f"domains ({names}, ...), more than max_shared = {max_shared}. Use monte_carlo(system) "
            "or reduce the number of shared parts."
        )
        raise InvalidInputError(msg)
    base_a = {i: v.availability for i, v in enumerate(comp.vars)}
    base_u = {i: v.unavailability for i, v in enumerate(comp.vars)}
    if overrides:
        for i, (ai, ui) in overrides.items():
            base_a[i], base_u[i] = ai, ui
    a: dict[int, Any] = dict(base_a)
    u: dict[int, Any] = dict(base_u)
    n_states = 1 << len(shared)
    idx = np.arange(n_states, dtype=np.int64)
    weight: Any = np.ones(n_states)
    for j, v in enumerate(shared):
        bit = ((idx >> j) & 1).astype(bool)
        a[v] = bit.astype(np.float64)
        u[v] = (~bit).astype(np.float64)
        weight = weight * np.where(bit, base_a[v], base_u[v])
    with np.errstate(divide="ignore"):
        av, uv = _eval_tree(comp.tree, a, u)
    av = np.broadcast_to(np.asarray(av, dtype=np.float64), (n_states,))
    uv = np.broadcast_to(np.asarray(uv, dtype=np.float64), (n_states,))
    return float(np.sum(weight * av)), float(np.sum(weight * uv))


def as_system(system: object) -> Part:
    """Return the block tree of a part or of an :class:`ArchitectureResult` (else raise)."""
    from cloudgeo.availability.presets import ArchitectureResult

    if isinstance(system, ArchitectureResult):
        return system.system
    if isinstance(system, Component | Domain | Series | KOfN):
        return system
    msg = (
        f"system must be a Component, Domain, a block from series/parallel/k_of_n or an "
        f"ArchitectureResult, got {system!r} ({type(system).__name__})."
    )
    raise InvalidTypeError(msg)


def importance(system: Part | ArchitectureResult, *, max_shared: int = 20) -> pd.DataFrame:
    """Rank every basic event (component, domain, failover, common cause) by importance.

    Parameters
    ----------
    system : Component, Domain, block or ArchitectureResult
        The system.
    max_shared : int, default 20
        Largest number of shared events to enumerate exactly.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``label``; columns ``kind`` (component, domain, failover, common-cause),
        ``basis``, ``availability`` [fraction 0-1], ``birnbaum`` (``dA_sys/dA_i =
        A(sys | i up) - A(sys | i down)``) [-], ``criticality`` (``birnbaum * U_i / U_sys``,
        the share of system unavailability attributable to i) [-], ``single_point_of_failure``
        (bool), sorted by ``birnbaum`` descending.

    Notes
    -----
    Both conditional availabilities are computed exactly by the conditioning method of
    :mod:`cloudgeo.availability.exact`. For a component in a beta group, the row is its independent part; the
    group's ``common cause`` event has its own row.

    References
    ----------
    Birnbaum, Z. W. (1969), "On the importance of different components in a multicomponent
    system", Multivariate Analysis II, 581-592.
    """
    comp = compile_system(as_system(system))
    check_int(max_shared, "max_shared", minimum=0)
    _, u_sys = evaluate(comp, max_shared=max_shared)
    rows = []
    spofs = set(_spof_indices(comp, max_shared))
    for i, v in enumerate(comp.vars):
        a_up, _ = evaluate(comp, {i: (1.0, 0.0)}, max_shared)
        a_dn, _ = evaluate(comp, {i: (0.0, 1.0)}, max_shared)
        ib = a_up - a_dn
        crit = ib * v.unavailability / u_sys if u_sys > 0 else 0.0
        rows.append((v.label, v.kind, v.basis, v.availability, ib, crit, i in spofs))
    df = pd.DataFrame(
        rows,
        columns=[
            "label",
            "kind",
            "basis",
            "availability",
            "birnbaum",
            "criticality",
            "single_point_of_failure",
        ],
    ).set_index("label")
    return df.sort_values("birnbaum", ascending=False, kind="stable")


def _spof_indices(comp: CompiledSystem, max_shared: int) -> list[int]:
    out = []
    all_up = dict.fromkeys(range(len(comp.vars)), (1.0, 0.0))
    for i, v in enumerate(comp.vars):
        if v.kind in ("failover", "common-cause"):
            continue
        ov = dict(all_up)
        ov[i] = (0.0, 1.0)
        a, _ = evaluate(comp, ov, max_shared)
        if a < 0.5:
            out.append(i)
    return out


def single_points_of_failure(system: Part | ArchitectureResult, *, max_shared: int = 20) -> tuple[str, ...]:
    """Components and domains whose failure alone takes the system down.

    Parameters
    ----------
    system : Component, Domain, block or ArchitectureResult
        The system.
    max_shared : int, default 20
        Largest number of shared events to enumerate exactly.

    Returns
    -------
    tuple of str
        Labels (as in :func:`importance`), in the order they appear in the system. Hidden
        failover and common-cause events are modelling devices and are not listed. [-]

    Examples
    --------
    >>> from cloudgeo.availability import Component, parallel, series
    >>> web = Component(0.995, "web")
    >>> single_points_of_failure(series(Component(0.9999, "lb"), parallel(web, Component(0.995, "web2"))))
    ('lb',)
    """
    comp = compile_system(as_system(system))
    check_int(max_shared, "max_shared", minimum=0)
    return tuple(comp.vars[i].label for i in _spof_indices(comp, max_shared))
