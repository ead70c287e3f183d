"""Availability of architectures: components, failure domains, exact composition, presets.

Building blocks
---------------
* :class:`Component` -- one part with an availability (a fraction 0-1) given directly, from
  MTBF/MTTR (steady state ``A = MTBF / (MTBF + MTTR)``) or from an AWS SLA (a *contract floor*,
  not a measured availability). A component may sit in shared failure domains.
* :class:`Domain` -- a shared failure domain (an Availability Zone, a region): when it is down,
  every component placed in it is down.
* :func:`series`, :func:`parallel`, :func:`k_of_n` -- compositions that nest freely. Each has
  ``.availability`` and ``.unavailability``, evaluated **exactly**: a component or domain used in
  several places is one random variable, not several (see :func:`importance` for the method).
* :func:`parallel` / :func:`k_of_n` take ``beta=`` (beta-factor common-cause failure) and
  ``failover_s=`` / ``failovers_per_year=`` (downtime while traffic moves to a survivor);
  :func:`with_failover` attaches failover downtime to any block.

Results and checks
------------------
* :func:`downtime`, :func:`downtime_table` -- downtime budgets with an explicit year length.
* :func:`importance`, :func:`single_points_of_failure` -- Birnbaum/criticality importance and
  the parts whose failure alone takes the system down.
* :func:`monte_carlo` -- a vectorised alternating-renewal simulation that checks the exact value.
* :func:`single_instance`, :func:`app_and_rds`, :func:`multi_az`, :func:`multi_region` -- the
  seed article's four architectures; :func:`compare_architectures` tabulates them.

Exact evaluation (method)
-------------------------
Every leaf of the block tree is up iff its component and all of its domains are up. A *basic
event* (component, domain, hidden common-cause event or failover event) that occurs in more
than one leaf is *shared*. The system is evaluated by conditioning (factoring) on the up/down
states of all ``r`` shared events -- ``2**r`` states, enumerated at once as numpy arrays. Given
those states, every remaining event occurs exactly once in the tree, so series, parallel and
k-of-n are evaluated exactly bottom-up (k-of-n by the Poisson-binomial recursion). The result is
the weighted sum over the states. Availability and unavailability are carried separately
(with ``log1p``/``expm1``), so many nines keep their precision. ``max_shared`` (default 20)
bounds the enumeration; beyond it use :func:`monte_carlo`.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import KW_ONLY, InitVar, dataclass, field
from functools import cached_property, partial
from typing import Any, Literal, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import (
    check_choice,
    check_fraction,
    check_int,
    check_nonnegative,
    check_positive,
    check_seed,
)
from cloudgeo.errors import InvalidInputError, InvalidTypeError

__all__ = [
    "ArchitectureResult",
    "Component",
    "Domain",
    "KOfN",
    "MonteCarloResult",
    "Parallel",
    "Series",
    "app_and_rds",
    "compare_architectures",
    "downtime",
    "downtime_table",
    "failover_unavailability",
    "format_duration",
    "importance",
    "k_of_n",
    "monte_carlo",
    "multi_az",
    "multi_region",
    "parallel",
    "series",
    "single_instance",
    "single_points_of_failure",
    "with_failover",
]

#: Mean Gregorian year used by uptime.is and by default here. [d]
GREGORIAN_YEAR_DAYS = 365.2425
_BASES = ("given", "mtbf-mttr", "sla", "failover")
_PERIODS = ("year", "month", "week", "day")
_MONTHS = ("average", "30-day")
_DISTRIBUTIONS = ("exponential", "lognormal")

FloatArray: TypeAlias = npt.NDArray[np.float64]


# ----------------------------------------------------------------------------------------------
# Basic events
# ----------------------------------------------------------------------------------------------


def _fraction(value: object, name: str) -> float:
    return check_fraction(value, name)


@dataclass(frozen=True, eq=False)
class Domain:
    """A shared failure domain (an Availability Zone, a region).

    Components placed in a domain are all down while it is down. Domains are compared by
    identity: the same ``Domain`` object used in several places is one random variable.

    Parameters
    ----------
    name : str
        Label, e.g. ``"us-east-1a"`` or ``"AZ a"``.
    availability : float
        Probability the domain is up (long-run fraction of time). [fraction 0-1]
    kind : str, default "domain"
        Free label such as ``"az"`` or ``"region"``, shown in tables.
    mttr_hours : float, optional
        Mean duration of an outage, used only by :func:`monte_carlo` (which otherwise uses its
        ``default_mttr_hours``). [h]
    """

    name: str
    availability: float
    kind: str = "domain"
    mttr_hours: float | None = None

    def __post_init__(self) -> None:
        """Validate the fields."""
        if not isinstance(self.name, str) or not self.name:
            msg = f"Domain name must be a non-empty string, got {self.name!r}."
            raise InvalidTypeError(msg)
        object.__setattr__(self, "availability", _fraction(self.availability, "Domain availability"))
        if self.mttr_hours is not None:
            object.__setattr__(self, "mttr_hours", check_positive(self.mttr_hours, "mttr_hours", "h"))

    @property
    def unavailability(self) -> float:
        """Probability the domain is down. [fraction 0-1]."""
        return 1.0 - self.availability


@dataclass(frozen=True, eq=False)
class Component:
    """One part of an architecture (an instance, a database, a load balancer, DNS).

    Components are compared by identity: the same object used in several places of a system
    is one random variable (it is up or down everywhere at once).

    Parameters
    ----------
    availability : float
        Steady-state probability of being up. A percentage (``99.9``) is rejected with a hint
        to pass the fraction (``0.999``). [fraction 0-1]
    name : str, optional
        Label used in tables; defaults to ``component-<n>`` at evaluation time.
    basis : {"given", "mtbf-mttr", "sla", "failover"}, default "given"
        Where the availability comes from. ``"sla"`` marks a contractual floor (monthly, with
        service credits below it), not a measured or designed-for availability.
    mtbf_hours, mttr_hours : float, optional
        Mean time between failures and mean time to repair (MTTR includes detection). With
        only ``mttr_hours``, :func:`monte_carlo` derives the MTBF from the availability. [h]
    domains : tuple of Domain, default ()
        Shared failure domains the component sits in (it is down while any of them is down).
    in_domain : Domain, optional
        Shorthand for ``domains=(in_domain,)``; added to ``domains``.
    source : str, default ""
        Provenance of the figure (SLA page and date, measurement, assumption).

    Notes
    -----
    Steady state ``A = MTBF / (MTBF + MTTR)``; MTTR includes the time to detect (MTTD).

    References
    ----------
    AWS whitepaper "Availability and Beyond: Understanding and improving the resilience of
    distributed systems on AWS", section "Understanding availability".
    https://docs.aws.amazon.com/whitepapers/latest/availability-and-beyond-improving-resilience/
    """

    availability: float
    name: str | None = None
    _: KW_ONLY
    basis: str = "given"
    mtbf_hours: float | None = None
    mttr_hours: float | None = None
    domains: tuple[Domain, ...] = ()
    source: str = ""
    in_domain: InitVar[Domain | None] = None
    unavailability: float = field(init=False, repr=False)

    def __post_init__(self, in_domain: Domain | None) -> None:
        """Validate the fields and compute the unavailability."""
        a = _fraction(self.availability, "Component availability")
        object.__setattr__(self, "availability", a)
        if self.name is not None and not isinstance(self.name, str):
            msg = f"Component name must be a string or None, got {self.name!r}."
            raise InvalidTypeError(msg)
        check_choice(self.basis, "basis", _BASES)
        doms = self.domains
        if isinstance(doms, Domain):
            doms = (doms,)
        if not isinstance(doms, Iterable):
            msg = f"domains must be a tuple of Domain objects, got {doms!r}."
            raise InvalidTypeError(msg)
        doms = tuple(doms) + ((in_domain,) if in_domain is not None else ())
        for d in doms:
            if not isinstance(d, Domain):
                msg = (
                    f"domains must contain Domain objects (e.g. Domain('AZ a', 0.9995)), "
                    f"got {d!r} ({type(d).__name__})."
                )
                raise InvalidTypeError(msg)
        object.__setattr__(self, "domains", tuple(dict.fromkeys(doms)))
        u = 1.0 - a
        if self.mtbf_hours is not None:
            object.__setattr__(self, "mtbf_hours", check_positive(self.mtbf_hours, "mtbf_hours", "h"))
        if self.mttr_hours is not None:
            mttr = check_nonnegative(self.mttr_hours, "mttr_hours", "h")
            object.__setattr__(self, "mttr_hours", mttr)
            if mttr == 0 and a < 1:
                msg = (
                    f"mttr_hours is 0 but availability is {a!r} < 1: a component that fails must "
                    "take time to repair. Pass mttr_hours > 0 or availability=1."
                )
                raise InvalidInputError(msg)
        if self.mtbf_hours is not None and self.mttr_hours is not None:
            u = self.mttr_hours / (self.mtbf_hours + self.mttr_hours)
            implied = self.mtbf_hours / (self.mtbf_hours + self.mttr_hours)
            if not math.isclose(implied, a, rel_tol=1e-9, abs_tol=1e-12):
                msg = (
                    f"Component availability {a!r} disagrees with mtbf_hours={self.mtbf_hours!r} and "
                    f"mttr_hours={self.mttr_hours!r}, which give MTBF / (MTBF + MTTR) = {implied!r}. "
                    "Give the availability alone (with mttr_hours for monte_carlo), or use "
                    "Component.from_mtbf(mtbf_hours=..., mttr_hours=...)."
                )
                raise InvalidInputError(msg)
        object.__setattr__(self, "unavailability", u)

    @classmethod
    def from_mtbf(
        cls,
        *,
        mtbf_hours: float,
        mttr_hours: float,
        name: str | None = None,
        domains: tuple[Domain, ...] = (),
        in_domain: Domain | None = None,
    ) -> Component:
        """Build a component from its mean time between failures and mean time to repair.

        Parameters
        ----------
        mtbf_hours : float
            Mean time between failures (mean up time), > 0. [h]
        mttr_hours : float
            Mean time to repair including detection, >= 0. [h]
        name : str, optional
            Label.
        domains, in_domain
            Shared failure domains, as for :class:`Component`.

        Returns
        -------
        Component
            With ``basis="mtbf-mttr"`` and ``availability = MTBF / (MTBF + MTTR)``. [fraction 0-1]

        References
        ----------
        AWS "Availability and Beyond", understanding-availability (A = MTBF/(MTBF+MTTR)).

        Examples
        --------
        >>> round(Component.from_mtbf(mtbf_hours=50, mttr_hours=10).availability, 4)
        0.8333
        """
        mtbf = check_positive(mtbf_hours, "mtbf_hours", "h")
        mttr = check_nonnegative(mttr_hours, "mttr_hours", "h")
        return cls(
            mtbf / (mtbf + mttr),
            name,
            basis="mtbf-mttr",
            mtbf_hours=mtbf,
            mttr_hours=mttr,
            domains=domains,
            in_domain=in_domain,
        )

    @classmethod
    def from_sla(
        cls,
        sla_id: str,
        *,
        name: str | None = None,
        domains: tuple[Domain, ...] = (),
        in_domain: Domain | None = None,
        mttr_hours: float | None = None,
    ) -> Component:
        """Build a component whose availability is an AWS SLA commitment from the catalogue.

        The figure is a **contract floor** (monthly, with service credits if missed), not a
        measured or designed-for availability; real services usually do better, so products of
        SLAs are order-of-magnitude estimates.

        Parameters
        ----------
        sla_id : str
            SLA id in :func:`cloudgeo.catalog.load_slas`, e.g. ``"rds-multi-az"``, ``"ec2-instance"``.
        name : str, optional
            Label; defaults to ``sla_id``.
        domains, in_domain
            Shared failure domains, as for :class:`Component`.
        mttr_hours : float, optional
            Assumed repair time for :func:`monte_carlo`. [h]

        Returns
        -------
        Component
            With ``basis="sla"`` and the SLA's provenance in ``source``.

        Raises
        ------
        UnknownNameError
            If the id is not in the catalogue (the message suggests close matches).
        """
        from cloudgeo import catalog

        row = catalog.get_sla(sla_id)
        parts = [f"SLA floor {sla_id}"]
        for key in ("measured", "last_updated", "source"):
            if key in row.index and pd.notna(row[key]):
                value = row[key]
                if isinstance(value, _dt.datetime | pd.Timestamp):
                    value = value.date().isoformat()
                parts.append(f"{key}: {value}")
        return cls(
            float(row["commitment"]),
            name if name is not None else sla_id,
            basis="sla",
            domains=domains,
            in_domain=in_domain,
            mttr_hours=mttr_hours,
            source="; ".join(parts),
        )

    def availability_at(self, t_hours: float | npt.ArrayLike) -> float | FloatArray:
        """Time-dependent availability of a repairable component that starts up at ``t = 0``.

        ``A(t) = mu/(lambda+mu) + lambda/(lambda+mu) * exp(-(lambda+mu) t)`` with
        ``lambda = 1/MTBF`` and ``mu = 1/MTTR`` (two-state Markov model, exponential times).

        Parameters
        ----------
        t_hours : float or array_like
            Time since the component was started (up), >= 0. [h]

        Returns
        -------
        float or numpy.ndarray
            Point availability at each time. [fraction 0-1]

        Raises
        ------
        InvalidInputError
            If the component has no MTTR (give ``mttr_hours``) or a time is negative.

        References
        ----------
        Standard two-state Markov availability; e.g. fiabilipy ``Component.availability(t)``
        (pythonhosted.org/fiabilipy).

        Notes
        -----
        A component with availability 0 has MTBF 0: ``A(0) = 1`` and ``A(t) = 0`` for ``t > 0``.
        """
        if self.mttr_hours is None:
            msg = (
                f"availability_at needs a repair time, but component {self.name!r} has none. "
                "Build it with Component.from_mtbf(...) or pass mttr_hours=."
            )
            raise InvalidInputError(msg)
        t = np.asarray(t_hours, dtype=np.float64)
        if np.any(~np.isfinite(t)) or np.any(t < 0):
            msg = f"t_hours must be finite and >= 0 [h], got {t_hours!r}."
            raise InvalidInputError(msg)
        if self.unavailability == 0.0:
            out = np.ones_like(t)
        elif self.availability == 0.0:
            # never up: it fails the instant it starts (MTBF = 0), so A(t) = 0 for t > 0
            out = np.where(t == 0.0, 1.0, 0.0)
        else:
            mttr = self.mttr_hours
            mtbf = mttr * self.availability / self.unavailability
            lam, mu = 1.0 / mtbf, 1.0 / mttr
            s = lam + mu
            out = mu / s + lam / s * np.exp(-s * t)
        return float(out) if out.ndim == 0 else out


# ----------------------------------------------------------------------------------------------
# Blocks
# ----------------------------------------------------------------------------------------------


class _Evaluable:
    """Mixin: exact availability of a block (see module docstring)."""

    @cached_property
    def _exact(self) -> tuple[float, float]:
        return _exact(_compile(self))  # type: ignore[arg-type]

    @property
    def availability(self) -> float:
        """Exact availability of the block. [fraction 0-1]."""
        # summing state probabilities can overshoot by an ulp (1.0000000000000002): keep [0, 1]
        return min(1.0, max(0.0, self._exact[0]))

    @property
    def unavailability(self) -> float:
        """Exact unavailability (computed directly, not as ``1 - availability``). [fraction 0-1]."""
        return min(1.0, max(0.0, self._exact[1]))


@dataclass(frozen=True, eq=False)
class Series(_Evaluable):
    """Hard dependencies: up iff every part is up. Build with :func:`series`."""

    parts: tuple[Part, ...]
    name: str | None = None

    def __post_init__(self) -> None:
        _check_block_parts(self.parts, "Series")
        _check_block_fields(self)


@dataclass(frozen=True, eq=False)
class KOfN(_Evaluable):
    """Up iff at least ``k`` of the parts are up. Build with :func:`k_of_n` or :func:`parallel`.

    ``beta`` is the beta-factor of a common-cause failure; ``failover`` a hidden series
    component carrying failover downtime.
    """

    k: int
    parts: tuple[Part, ...]
    name: str | None = None
    beta: float | None = None
    failover: Component | None = None

    def __post_init__(self) -> None:
        _check_block_parts(self.parts, type(self).__name__)
        k = check_int(self.k, "k")
        if not 1 <= k <= len(self.parts):
            msg = f"k must be between 1 and n = {len(self.parts)} (the number of parts), got k = {k}."
            raise InvalidInputError(msg)
        _check_block_fields(self)


def _check_block_parts(parts: object, what: str) -> None:
    """Direct construction of a block checks what :func:`series`/:func:`k_of_n` check."""
    if not isinstance(parts, tuple) or not parts:
        msg = f"{what} needs a non-empty tuple of parts, got {parts!r}. Build blocks with series/parallel."
        raise InvalidInputError(msg)
    for i, p in enumerate(parts, 1):
        if not isinstance(p, Component | Domain | Series | KOfN):
            msg = (
                f"{what} part {i} must be a Component, Domain or a block from series/parallel/k_of_n, "
                f"got {p!r} ({type(p).__name__}). Wrap availabilities with series(...) or Component(...)."
            )
            raise InvalidTypeError(msg)


def _check_block_fields(block: Series | KOfN) -> None:
    if block.name is not None and not isinstance(block.name, str):
        msg = f"{type(block).__name__} name must be a string or None, got {block.name!r}."
        raise InvalidTypeError(msg)
    if isinstance(block, KOfN):
        if block.beta is not None:
            object.__setattr__(block, "beta", check_fraction(block.beta, "beta"))
        if block.failover is not None and not isinstance(block.failover, Component):
            got = f"{block.failover!r} ({type(block.failover).__name__})"
            msg = f"failover must be a Component or None, got {got}."
            raise InvalidTypeError(msg)


@dataclass(frozen=True, eq=False)
class Parallel(KOfN):
    """Redundancy: up iff at least one part is up (1-of-n). Build with :func:`parallel`."""


Block: TypeAlias = Series | KOfN
Part: TypeAlias = Component | Domain | Series | KOfN


class _HasAvailability(Protocol):
    @property
    def availability(self) -> float: ...


def _as_part(p: object, i: int) -> Part:
    if isinstance(p, Component | Domain | Series | KOfN):
        return p
    if isinstance(p, bool) or not isinstance(p, int | float | np.floating | np.integer):
        msg = (
            f"part {i} must be a Component, Domain, a block from series/parallel/k_of_n or an "
            f"availability fraction, got {p!r} ({type(p).__name__})."
        )
        raise InvalidTypeError(msg)
    return Component(_fraction(p, f"part {i} availability"))


def _as_parts(parts: Iterable[object], what: str) -> tuple[Part, ...]:
    out = tuple(_as_part(p, i + 1) for i, p in enumerate(parts))
    if not out:
        msg = f"{what} needs at least one part, got none. Pass components, e.g. {what}(a, b)."
        raise InvalidInputError(msg)
    return out


def failover_unavailability(
    events_per_year: float, seconds_per_event: float, *, year_days: float = GREGORIAN_YEAR_DAYS
) -> float:
    """Unavailability caused by failovers: ``events/yr * seconds per event / seconds per year``.

    Parameters
    ----------
    events_per_year : float
        Failover events a year, >= 0. [1/yr]
    seconds_per_event : float
        Downtime per event (detection + switch + DNS TTL ...), >= 0. [s]
    year_days : float, default 365.2425
        Year length (365 reproduces figures computed with a 365-day year). [d]

    Returns
    -------
    float
        Fraction of time down because of failovers. [fraction 0-1]

    Examples
    --------
    >>> f"{failover_unavailability(1, 90 + 60, year_days=365):.4g}"
    '4.756e-06'
    """
    n = check_nonnegative(events_per_year, "events_per_year", "1/yr")
    s = check_nonnegative(seconds_per_event, "seconds_per_event", "s")
    y = check_positive(year_days, "year_days", "d") * 86400.0
    u = n * s / y
    if u > 1:
        msg = (
            f"failovers take {n * s:g} s a year, more than the year ({y:g} s): events_per_year "
            f"{n!r} x seconds_per_event {s!r}. Check the units (events per year, seconds per event)."
        )
        raise InvalidInputError(msg)
    return u


def _failover_component(
    events_per_year: float, seconds_per_event: float, year_days: float, name: str | None
) -> Component:
    u = failover_unavailability(events_per_year, seconds_per_event, year_days=year_days)
    label = f"{name} failover" if name else "failover"
    return Component(
        1.0 - u,
        label,
        basis="failover",
        mttr_hours=seconds_per_event / 3600.0 if seconds_per_event > 0 else None,
        source=f"{events_per_year:g} failovers/yr x {seconds_per_event:g} s (year {year_days:g} d)",
    )


def series(*parts: Part | float, name: str | None = None) -> Series:
    """Hard dependencies: the system is up only if every part is up.

    Parameters
    ----------
    *parts : Component, Domain, block or float
        Parts; a float is a new anonymous component with that availability. [fraction 0-1]
    name : str, optional
        Label of the block.

    Returns
    -------
    Series
        With ``.availability`` (independent parts: ``prod A_i``). [fraction 0-1]

    References
    ----------
    AWS Well-Architected Reliability Pillar, "Calculating availability with hard dependencies".

    Examples
    --------
    >>> round(series(0.9999, 0.9999, 0.9999).availability, 8)
    0.99970003
    """
    return Series(_as_parts(parts, "series"), name)


def _group(
    k: int,
    parts: tuple[Part, ...],
    *,
    name: str | None,
    beta: float | None,
    failover_s: float | None,
    failovers_per_year: float | None,
    year_days: float,
    cls: type[KOfN],
) -> KOfN:
    b = None
    if beta is not None:
        b = check_fraction(beta, "beta", open_high=True)
        for i, p in enumerate(parts, 1):
            if not isinstance(p, Component):
                msg = (
                    f"beta= applies to a group of Components, but part {i} is a "
                    f"{type(p).__name__}. Put beta on the group of leaf components (e.g. the "
                    "instances), or model the shared cause as a Domain."
                )
                raise InvalidInputError(msg)
    fo = None
    if failover_s is not None or failovers_per_year is not None:
        if failover_s is None or failovers_per_year is None:
            msg = (
                f"failover needs both failover_s and failovers_per_year, got failover_s="
                f"{failover_s!r}, failovers_per_year={failovers_per_year!r}."
            )
            raise InvalidInputError(msg)
        fo = _failover_component(
            check_nonnegative(failovers_per_year, "failovers_per_year", "1/yr"),
            check_nonnegative(failover_s, "failover_s", "s"),
            check_positive(year_days, "year_days", "d"),
            name,
        )
    return cls(k, parts, name, b, fo)


def parallel(
    *parts: Part | float,
    beta: float | None = None,
    failover_s: float | None = None,
    failovers_per_year: float | None = None,
    year_days: float = GREGORIAN_YEAR_DAYS,
    name: str | None = None,
) -> Parallel:
    """Redundant parts: the system is up if at least one part is up.

    Parameters
    ----------
    *parts : Component, Domain, block or float
        Redundant parts; a float is a new anonymous component. [fraction 0-1]
    beta : float, optional
        Beta-factor of a common-cause failure that takes every part down at once, in [0, 1)
        (typical 0.01-0.10). Parts must be Components. See Notes. [fraction 0-1]
    failover_s : float, optional
        Downtime per failover event while traffic moves to a survivor. [s]
    failovers_per_year : float, optional
        Failover events a year (needed with ``failover_s``). [1/yr]
    year_days : float, default 365.2425
        Year length used to convert failover seconds into unavailability. [d]
    name : str, optional
        Label of the block (used for its hidden common-cause and failover events).

    Returns
    -------
    Parallel
        With ``.availability`` (independent parts: ``1 - prod(1 - A_i)``). [fraction 0-1]

    Notes
    -----
    **Beta factor (exact form used).** With ``U_i`` each part's own unavailability and
    ``q = beta * min_i U_i``, a hidden common-cause event (down with probability ``q``) is put in
    series with every part, and each part keeps an independent residual unavailability
    ``U_i' = (U_i - q) / (1 - q)``, so every part alone still has exactly its availability
    ``A_i = (1 - q)(1 - U_i')``. For n identical parts in 1-of-n,
    ``U_sys = q + (1 - q) * U'^n``, which equals the usual approximation
    ``((1 - beta) U)^n + beta U`` to first order (A-10: U = 0.001, n = 2, beta = 0.05 gives
    A = 0.99994909745 vs 0.9999490975). The common-cause event is one random variable, also
    when the parts appear elsewhere in the system.

    **Failover.** A hidden event with unavailability ``events/yr * s / s per year``
    (:func:`failover_unavailability`) is put in series with the group: failovers are treated
    as independent of the parts' states (the usual additive approximation, in product form).

    References
    ----------
    AWS Well-Architected Reliability Pillar, "Calculating availability with redundant
    components"; IEC 61508-6 Annex D (beta-factor model); RDS user guide, Multi-AZ failover
    (typically 60-120 s).

    Examples
    --------
    >>> round(parallel(0.999, 0.999).availability, 6)
    0.999999
    >>> round(parallel(0.999, 0.999, beta=0.05).availability, 10)
    0.9999490975
    """
    ps = _as_parts(parts, "parallel")
    g = _group(
        1,
        ps,
        name=name,
        beta=beta,
        failover_s=failover_s,
        failovers_per_year=failovers_per_year,
        year_days=year_days,
        cls=Parallel,
    )
    assert isinstance(g, Parallel)
    return g


def k_of_n(
    k: int,
    parts: Sequence[Part | float],
    *,
    beta: float | None = None,
    failover_s: float | None = None,
    failovers_per_year: float | None = None,
    year_days: float = GREGORIAN_YEAR_DAYS,
    name: str | None = None,
) -> KOfN:
    """Up iff at least ``k`` of the ``n`` parts are up (success logic, not "k fail").

    Parameters
    ----------
    k : int
        Parts needed, ``1 <= k <= n``.
    parts : sequence of Component, Domain, block or float
        The ``n`` parts. [fraction 0-1]
    beta, failover_s, failovers_per_year, year_days, name
        As for :func:`parallel` (a common-cause event takes all parts down). [see parallel]

    Returns
    -------
    KOfN
        With ``.availability``; identical independent parts give
        ``sum_{i=k..n} C(n,i) p^i (1-p)^(n-i)``. [fraction 0-1]

    Notes
    -----
    AWS's spares approximation ``1 - C(n, s+1)(1 - a)^(s+1)`` (n parts, s spares) is the
    leading term of the exact ``k_of_n(n - s, ...)``.

    References
    ----------
    AWS whitepaper "Availability and Beyond", availability-with-redundancy (spares).

    Examples
    --------
    >>> round(k_of_n(2, [0.97] * 3).availability, 6)
    0.997354
    """
    if isinstance(parts, Component | Domain | Series | KOfN | str) or not isinstance(parts, Iterable):
        msg = f"k_of_n takes k and a sequence of parts, e.g. k_of_n(2, [a, b, c]); got parts={parts!r}."
        raise InvalidTypeError(msg)
    ps = _as_parts(parts, "k_of_n")
    kk = check_int(k, "k")
    if kk < 1 or kk > len(ps):
        msg = f"k must be between 1 and n = {len(ps)} (the number of parts), got k = {kk}."
        raise InvalidInputError(msg)
    return _group(
        kk,
        ps,
        name=name,
        beta=beta,
        failover_s=failover_s,
        failovers_per_year=failovers_per_year,
        year_days=year_days,
        cls=KOfN,
    )


def with_failover(
    part: Part,
    *,
    seconds_per_event: float,
    events_per_year: float,
    year_days: float = GREGORIAN_YEAR_DAYS,
    name: str | None = None,
) -> Series:
    """Attach failover downtime to any block (a series with a hidden failover event).

    Parameters
    ----------
    part : Component, Domain or block
        The redundant group (or anything) whose failovers cost downtime.
    seconds_per_event : float
        Downtime per failover. [s]
    events_per_year : float
        Failovers a year. [1/yr]
    year_days : float, default 365.2425
        Year length. [d]
    name : str, optional
        Label of the failover event (``"<name> failover"``).

    Returns
    -------
    Series
        ``series(part, failover)``. [-]
    """
    p = _as_part(part, 1)
    if name is not None and not isinstance(name, str):
        msg = f"name must be a string or None, got {name!r} ({type(name).__name__})."
        raise InvalidTypeError(msg)
    label = name if name is not None else getattr(p, "name", None)
    fo = _failover_component(
        check_nonnegative(events_per_year, "events_per_year", "1/yr"),
        check_nonnegative(seconds_per_event, "seconds_per_event", "s"),
        check_positive(year_days, "year_days", "d"),
        label,
    )
    return Series((p, fo), name)


# ----------------------------------------------------------------------------------------------
# Compilation to basic events and exact evaluation
# ----------------------------------------------------------------------------------------------


@dataclass
class _Var:
    label: str
    kind: str  # component | domain | failover | common-cause
    basis: str
    availability: float
    unavailability: float
    mttr_hours: float | None
    obj: object


Node: TypeAlias = tuple[Any, ...]


@dataclass
class _Compiled:
    vars: list[_Var]
    tree: Node


def _fold(
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


def _tree_children(node: Node) -> Sequence[Any]:
    return () if node[0] == "leaf" else node[2]


def _compile(system: Part) -> _Compiled:
    if not isinstance(system, Component | Domain | Series | KOfN):
        msg = (
            f"system must be a Component, Domain or a block from series/parallel/k_of_n, "
            f"got {system!r} ({type(system).__name__})."
        )
        raise InvalidTypeError(msg)
    # pass 1: beta groups
    ccf_of: dict[int, tuple[KOfN, float]] = {}
    groups: list[KOfN] = []
    seen_blocks: set[int] = set()

    stack: list[Part] = [system]  # pre-order, left to right, without recursion
    while stack:
        p = stack.pop()
        if isinstance(p, Series | KOfN):
            if id(p) in seen_blocks:
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

    vars_: list[_Var] = []
    index: dict[int, int] = {}
    counter = {"component": 0}

    def var_for(obj: object, make: Callable[[], _Var]) -> int:
        key = id(obj)
        if key not in index:
            index[key] = len(vars_)
            vars_.append(make())
        return index[key]

    ccf_var: dict[int, int] = {}
    for g in groups:
        members = [c for c in g.parts if isinstance(c, Component)]
        q = ccf_of[id(members[0])][1]
        mttrs = [c.mttr_hours for c in members]
        mttr = float(np.mean(mttrs)) if all(m is not None for m in mttrs) else None  # type: ignore[arg-type]
        label = f"common cause ({g.name})" if g.name else "common cause"
        ccf_var[id(g)] = len(vars_)
        vars_.append(_Var(label, "common-cause", "beta", 1 - q, q, mttr, g))

    def comp_var(c: Component) -> _Var:
        counter["component"] += 1
        label = c.name if c.name else f"component-{counter['component']}"
        a, u = c.availability, c.unavailability
        if id(c) in ccf_of:
            q = ccf_of[id(c)][1]
            u = (u - q) / (1.0 - q)
            a = c.availability / (1.0 - q)
        kind = "failover" if c.basis == "failover" else "component"
        return _Var(label, kind, c.basis, a, u, c.mttr_hours, c)

    def dom_var(d: Domain) -> _Var:
        return _Var(d.name, "domain", d.kind, d.availability, d.unavailability, d.mttr_hours, d)

    def build(p: Part, built: list[Node]) -> Node:
        if isinstance(p, Domain):
            return ("leaf", (var_for(p, partial(dom_var, p)),))
        if isinstance(p, Component):
            ids = [var_for(p, partial(comp_var, p))]
            ids += [var_for(d, partial(dom_var, d)) for d in p.domains]
            if id(p) in ccf_of:
                ids.append(ccf_var[id(ccf_of[id(p)][0])])
            return ("leaf", tuple(dict.fromkeys(ids)))
        if isinstance(p, Series):
            return ("kofn", len(p.parts), tuple(built))
        node: Node = ("kofn", p.k, tuple(built))
        if p.failover is not None:
            node = ("kofn", 2, (node, build(p.failover, [])))
        return node

    tree = _fold(system, _block_children, build)
    # unique labels
    seen: dict[str, int] = {}
    for v in vars_:
        n = seen.get(v.label, 0) + 1
        seen[v.label] = n
        if n > 1:
            v.label = f"{v.label} #{n}"
    return _Compiled(vars_, tree)


def _occurrences(tree: Node, counts: dict[int, int]) -> None:
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
    return _fold(tree, _tree_children, partial(_eval_node, a=a, u=u))  # type: ignore[no-any-return]


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


def _exact(
    comp: _Compiled, overrides: dict[int, tuple[float, float]] | None = None, max_shared: int = 20
) -> tuple[float, float]:
    counts: dict[int, int] = {}
    _occurrences(comp.tree, counts)
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


def _system_obj(system: object) -> Part:
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
    Both conditional availabilities are computed exactly by the conditioning method of the
    module docstring. For a component in a beta group, the row is its independent part; the
    group's ``common cause`` event has its own row.

    References
    ----------
    Birnbaum, Z. W. (1969), "On the importance of different components in a multicomponent
    system", Multivariate Analysis II, 581-592.
    """
    comp = _compile(_system_obj(system))
    check_int(max_shared, "max_shared", minimum=0)
    _, u_sys = _exact(comp, max_shared=max_shared)
    rows = []
    spofs = set(_spof_indices(comp, max_shared))
    for i, v in enumerate(comp.vars):
        a_up, _ = _exact(comp, {i: (1.0, 0.0)}, max_shared)
        a_dn, _ = _exact(comp, {i: (0.0, 1.0)}, max_shared)
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


def _spof_indices(comp: _Compiled, max_shared: int) -> list[int]:
    out = []
    all_up = dict.fromkeys(range(len(comp.vars)), (1.0, 0.0))
    for i, v in enumerate(comp.vars):
        if v.kind in ("failover", "common-cause"):
            continue
        ov = dict(all_up)
        ov[i] = (0.0, 1.0)
        a, _ = _exact(comp, ov, max_shared)
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
    >>> web = Component(0.995, "web")
    >>> single_points_of_failure(series(Component(0.9999, "lb"), parallel(web, Component(0.995, "web2"))))
    ('lb',)
    """
    comp = _compile(_system_obj(system))
    check_int(max_shared, "max_shared", minimum=0)
    return tuple(comp.vars[i].label for i in _spof_indices(comp, max_shared))


# ----------------------------------------------------------------------------------------------
# Downtime budgets
# ----------------------------------------------------------------------------------------------


def _availability_of(value: object, name: str = "availability") -> float:
    if isinstance(value, Component | Domain | Series | KOfN | ArchitectureResult | MonteCarloResult):
        return float(value.availability)
    return check_fraction(value, name)


_MAX_YEAR_DAYS = 1000.0  # a "year" longer than this is a unit mistake (and overflows timedelta)


def _period_seconds(period: str, year_days: float, month: str) -> float:
    check_choice(period, "period", _PERIODS)
    check_choice(month, "month", _MONTHS)
    y = check_positive(year_days, "year_days", "d")
    if y > _MAX_YEAR_DAYS:
        msg = f"year_days must be at most {_MAX_YEAR_DAYS:g} days (365.2425 normally), got {year_days!r}."
        raise InvalidInputError(msg)
    if period == "year":
        return y * 86400.0
    if period == "month":
        return y * 86400.0 / 12.0 if month == "average" else 30 * 86400.0
    if period == "week":
        return 7 * 86400.0
    return 86400.0


def downtime(
    availability: float | _HasAvailability,
    *,
    period: Literal["year", "month", "week", "day"] = "year",
    year_days: float = GREGORIAN_YEAR_DAYS,
    month: Literal["average", "30-day"] = "average",
) -> _dt.timedelta:
    """Return the expected (or allowed) downtime in a period: ``(1 - A) * period length``.

    Parameters
    ----------
    availability : float or object with ``.availability``
        Availability (a block or result is accepted too). [fraction 0-1]
    period : {"year", "month", "week", "day"}, default "year"
        Budget period.
    year_days : float, default 365.2425
        Year length: 365.2425 (mean Gregorian year, as uptime.is) or 365 (AWS's table). [d]
    month : {"average", "30-day"}, default "average"
        A month is ``year/12`` ("average") or 30 days (as many SLA calculators). [-]

    Returns
    -------
    datetime.timedelta
        Downtime (microsecond resolution). [s]

    References
    ----------
    AWS Well-Architected Reliability Pillar, availability table (365-day year); uptime.is API
    (365.2425-day year: 99.9 % -> 31 556.952 s a year, 8 h 45 m 57 s).

    Examples
    --------
    >>> downtime(0.999).total_seconds()
    31556.952
    >>> format_duration(downtime(0.999, period="week"))
    '10m 4.8s'
    """
    a = _availability_of(availability)
    seconds = _period_seconds(period, year_days, month)
    return _dt.timedelta(seconds=(1.0 - a) * seconds)


def format_duration(value: _dt.timedelta | float) -> str:
    """Format a duration like ``3d 15h 36m``, ``8h 45m 57s`` or ``10m 4.8s``.

    Parameters
    ----------
    value : datetime.timedelta or float
        Duration (a float is seconds). [s]

    Returns
    -------
    str
        Days, hours, minutes and seconds (seconds to 0.1 s, trailing zeros dropped). [-]

    Raises
    ------
    InvalidTypeError
        If ``value`` is neither a timedelta nor a real number.
    InvalidInputError
        If the duration is NaN, infinite or negative.
    """
    s = (
        value.total_seconds()
        if isinstance(value, _dt.timedelta)
        else check_nonnegative(value, "duration", "s")
    )
    if s < 0:
        msg = f"duration must be >= 0 s, got {value!r}."
        raise InvalidInputError(msg)
    s = round(s, 1)
    if s == 0:
        return "0s"
    d, rem = divmod(s, 86400.0)
    h, rem = divmod(rem, 3600.0)
    m, sec = divmod(rem, 60.0)
    out = []
    if d:
        out.append(f"{int(d)}d")
    if h:
        out.append(f"{int(h)}h")
    if m:
        out.append(f"{int(m)}m")
    sec = round(sec, 1)
    if sec:
        out.append(f"{sec:.1f}".rstrip("0").rstrip(".") + "s")
    return " ".join(out)


def downtime_table(
    availabilities: Iterable[float] | pd.Series,
    *,
    year_days: float = GREGORIAN_YEAR_DAYS,
    month: Literal["average", "30-day"] = "average",
) -> pd.DataFrame:
    """Downtime budgets per year, month, week and day for several availabilities.

    Parameters
    ----------
    availabilities : iterable of float or pandas.Series
        Availabilities; a Series keeps its index. [fraction 0-1]
    year_days : float, default 365.2425
        Year length. [d]
    month : {"average", "30-day"}, default "average"
        Month convention. [-]

    Returns
    -------
    pandas.DataFrame
        Columns ``availability`` [fraction 0-1], ``nines`` (``-log10(1 - A)``) [-],
        ``downtime_per_{year,month,week,day}_s`` [s] and ``..._text`` (e.g. ``"8h 45m 57s"``).

    Examples
    --------
    >>> downtime_table([0.999])["downtime_per_year_text"].iloc[0]
    '8h 45m 57s'
    """
    if isinstance(availabilities, pd.Series):
        index = availabilities.index
        values = list(availabilities.to_numpy())
    else:
        if isinstance(availabilities, str) or not isinstance(availabilities, Iterable):
            msg = f"availabilities must be a sequence of fractions, got {availabilities!r}."
            raise InvalidTypeError(msg)
        values = list(availabilities)
        index = pd.RangeIndex(len(values))
    if not values:
        msg = "availabilities is empty; pass at least one availability, e.g. [0.999, 0.9999]."
        raise InvalidInputError(msg)
    a = np.array([check_fraction(v, f"availabilities[{i}]") for i, v in enumerate(values)])
    out = pd.DataFrame({"availability": a}, index=index)
    with np.errstate(divide="ignore"):
        out["nines"] = -np.log10(1.0 - a)
    for p in _PERIODS:
        secs = (1.0 - a) * _period_seconds(p, year_days, month)
        out[f"downtime_per_{p}_s"] = secs
        out[f"downtime_per_{p}_text"] = [format_duration(float(s)) for s in secs]
    return out


# ----------------------------------------------------------------------------------------------
# Monte Carlo
# ----------------------------------------------------------------------------------------------

Intervals: TypeAlias = tuple[FloatArray, FloatArray]


def _draw(rng: np.random.Generator, mean: float, n: int, distribution: str, sigma: float) -> FloatArray:
    if distribution == "exponential":
        return rng.exponential(mean, n)
    mu = math.log(mean) - 0.5 * sigma * sigma
    return rng.lognormal(mu, sigma, n)


def _down_intervals(
    rng: np.random.Generator,
    a: float,
    u: float,
    mttr: float,
    horizon: float,
    distribution: str,
    sigma: float,
) -> Intervals:
    """Down intervals of one alternating renewal process on ``[0, horizon)``."""
    empty = np.empty(0)
    if u <= 0.0:
        return empty, empty
    if a <= 0.0:
        return np.array([0.0]), np.array([horizon])
    mtbf = mttr * a / u
    starts: list[FloatArray] = []
    ends: list[FloatArray] = []
    t = 0.0
    if rng.random() < u:  # start in the stationary state
        d0 = float(_draw(rng, mttr, 1, distribution, sigma)[0])
        starts.append(np.array([0.0]))
        ends.append(np.array([d0]))
        t = d0
    while t < horizon:
        n = int((horizon - t) / (mtbf + mttr) * 1.02 + 6.0 * math.sqrt((horizon - t) / (mtbf + mttr)) + 16)
        cyc = t + np.cumsum(
            _draw(rng, mtbf, n, distribution, sigma) + (dn := _draw(rng, mttr, n, distribution, sigma))
        )
        starts.append(cyc - dn)
        ends.append(cyc)
        t = float(cyc[-1])
    s = np.concatenate(starts)
    e = np.concatenate(ends)
    keep = s < horizon
    return s[keep], np.minimum(e[keep], horizon)


def _overlaps(a: Intervals, b: Intervals) -> npt.NDArray[np.bool_]:
    """Mask of the intervals of ``a`` that overlap some interval of ``b`` (both sorted, disjoint)."""
    j = np.searchsorted(b[1], a[0], side="right")  # first b interval ending after a's start
    ok = j < b[0].size
    out = np.zeros(a[0].size, dtype=bool)
    out[ok] = b[0][j[ok]] < a[1][ok]
    return out


def _count_at_least(sets: list[Intervals], m: int) -> Intervals:
    """Return the times covered by at least ``m`` of the interval sets (each sorted and disjoint)."""
    sets = [s for s in sets if s[0].size]
    if m > len(sets):
        return np.empty(0), np.empty(0)
    if len(sets) == 1:
        return sets[0]
    if m == 1:
        # union: sort intervals by start, merge overlapping runs with a running max of the ends
        st = np.concatenate([x[0] for x in sets])
        en = np.concatenate([x[1] for x in sets])
        order = np.argsort(st, kind="stable")
        st, en = st[order], en[order]
        reach = np.maximum.accumulate(en)
        new_run = np.empty(st.size, dtype=bool)
        new_run[0] = True
        new_run[1:] = st[1:] > reach[:-1]
        first = np.flatnonzero(new_run)
        last = np.append(first[1:], st.size) - 1
        return st[first], reach[last]
    if m >= 2:
        # an interval can only matter if it overlaps another set (all other sets when m == n);
        # pruning first keeps the sort small for redundant groups
        masks = []
        for i, si in enumerate(sets):
            hits = [_overlaps(si, sj) for j, sj in enumerate(sets) if j != i]
            masks.append(np.logical_and.reduce(hits) if m == len(sets) else np.logical_or.reduce(hits))
        sets = [(si[0][mk], si[1][mk]) for si, mk in zip(sets, masks, strict=True)]
        sets = [s for s in sets if s[0].size]
        if m > len(sets):
            return np.empty(0), np.empty(0)
    times = np.concatenate([x for s in sets for x in s])
    delta = np.concatenate([np.full(s[j].size, 1 - 2 * j, dtype=np.int8) for s in sets for j in (0, 1)])
    order = np.lexsort((delta, times))  # at equal times, ends (-1) before starts (+1)
    t = times[order]
    above = np.cumsum(delta[order], dtype=np.int32) >= m
    prev = np.empty_like(above)
    prev[0] = False
    prev[1:] = above[:-1]
    s = t[above & ~prev]
    e = t[~above & prev]
    keep = e > s
    return s[keep], e[keep]


def _mc_tree(tree: Node, var_sets: dict[int, Intervals]) -> Intervals:
    def node_down(node: Node, sets: list[Intervals]) -> Intervals:
        if node[0] == "leaf":
            return _count_at_least([var_sets[v] for v in node[1]], 1)
        return _count_at_least(sets, len(node[2]) - node[1] + 1)

    return _fold(tree, _tree_children, node_down)  # type: ignore[no-any-return]


def _cumulative_down(s: FloatArray, e: FloatArray, x: FloatArray) -> FloatArray:
    """Total down time in ``[0, x)`` for each x."""
    cum = np.concatenate([[0.0], np.cumsum(e - s)])
    i = np.searchsorted(s, x, side="right")
    over = np.where(i > 0, np.maximum(e[np.maximum(i - 1, 0)] - x, 0.0) if e.size else 0.0, 0.0)
    return np.asarray(cum[i] - over, dtype=np.float64)


@dataclass(frozen=True)
class MonteCarloResult:
    """Result of :func:`monte_carlo`.

    Attributes
    ----------
    availability : float
        Simulated availability (mean over runs). [fraction 0-1]
    ci_low, ci_high : float
        Normal-approximation confidence interval of the mean over runs. [fraction 0-1]
    confidence : float
        Confidence level of the interval. [fraction 0-1]
    std_error : float
        Standard error of the mean. [fraction 0-1]
    exact_availability : float
        The exact value for comparison (NaN if the system has too many shared parts). [fraction 0-1]
    agrees : bool
        Whether the exact value lies inside the interval.
    n_runs : int
        Independent runs (batches). [-]
    years : float
        Simulated years per run. [yr]
    component_years : float
        Basic events x runs x years simulated. [yr]
    distribution : str
        Up/down time distribution.
    failures : int
        System outages simulated. [-]
    downtime_per_year_h : float
        Mean simulated downtime a year. [h]
    run_availability : numpy.ndarray
        Availability of each run. [fraction 0-1]
    elapsed_s : float
        Wall time of the simulation. [s]
    """

    availability: float
    ci_low: float
    ci_high: float
    confidence: float
    std_error: float
    exact_availability: float
    agrees: bool
    n_runs: int
    years: float
    component_years: float
    distribution: str
    failures: int
    downtime_per_year_h: float
    run_availability: FloatArray = field(repr=False)
    elapsed_s: float = field(repr=False)

    def _repr_html_(self) -> str:
        ok = "inside" if self.agrees else "OUTSIDE"
        return (
            "<div><b>Monte Carlo availability</b>"
            f"<table><tr><td>simulated</td><td>{self.availability:.9f}</td></tr>"
            f"<tr><td>{self.confidence:.0%} CI</td><td>[{self.ci_low:.9f}, {self.ci_high:.9f}]</td></tr>"
            f"<tr><td>exact</td><td>{self.exact_availability:.9f} ({ok} the interval)</td></tr>"
            f"<tr><td>runs x years</td><td>{self.n_runs} x {self.years:g} "
            f"({self.component_years:,.0f} component-years, {html.escape(self.distribution)})</td></tr>"
            f"<tr><td>outages</td><td>{self.failures}</td></tr>"
            f"<tr><td>downtime a year</td><td>{self.downtime_per_year_h:.3f} h</td></tr></table></div>"
        )


MAX_SIMULATED_OUTAGES = 20_000_000
"""Largest expected number of simulated outages :func:`monte_carlo` accepts (~1 GB of arrays). [-]"""


def _check_simulation_size(comp: _Compiled, horizon_h: float, mttr_default: float) -> None:
    """Refuse a simulation whose expected outage count (horizon * U / MTTR per event) is too big."""
    expected = 0.0
    for v in comp.vars:
        if v.unavailability > 0.0 and v.availability > 0.0:
            mttr = v.mttr_hours if v.mttr_hours else mttr_default
            expected += horizon_h * v.unavailability / mttr
    if not expected <= MAX_SIMULATED_OUTAGES:
        msg = (
            f"monte_carlo would simulate about {expected:.3g} outages (n_runs x years x failure rate), "
            f"more than the bound of {MAX_SIMULATED_OUTAGES:,} (about 1 GB of arrays). Lower years or "
            "n_runs, or use the exact .availability."
        )
        raise InvalidInputError(msg)


def monte_carlo(
    system: Part | ArchitectureResult,
    *,
    years: float = 1.0,
    n_runs: int = 1000,
    seed: int | None = None,
    distribution: Literal["exponential", "lognormal"] = "exponential",
    default_mttr_hours: float = 1.0,
    lognormal_sigma: float = 1.0,
    confidence: float = 0.95,
    year_days: float = GREGORIAN_YEAR_DAYS,
) -> MonteCarloResult:
    """Simulate up/down histories and estimate availability with a confidence interval.

    Every basic event (component, domain, failover, common cause) is an alternating renewal
    process: up for a time with mean MTBF, down for a time with mean MTTR, starting in its
    stationary state. The system's down periods follow from interval algebra on the sample
    paths (union for series, intersection for parallel, "at least n-k+1 down" for k-of-n), so
    shared components and domains are shared sample paths. Fully vectorised with numpy.

    Parameters
    ----------
    system : Component, Domain, block or ArchitectureResult
        The system.
    years : float, default 1.0
        Length of each run. [yr]
    n_runs : int, default 1000
        Independent runs (at least 2); the interval comes from the spread between runs. [-]
    seed : int, optional
        Random seed (a non-negative integer).
    distribution : {"exponential", "lognormal"}, default "exponential"
        Distribution of up and down times (both with the given means).
    default_mttr_hours : float, default 1.0
        Repair time assumed for parts given only as an availability (no ``mttr_hours``); the
        MTBF then follows as ``MTTR * A / (1 - A)``. It changes the spread of the estimate, not
        its expected value (steady-state availability depends only on the MTBF/MTTR ratio). [h]
    lognormal_sigma : float, default 1.0
        Shape (sigma of the log) of the lognormal distribution. [-]
    confidence : float, default 0.95
        Confidence level of the interval. [fraction 0-1]
    year_days : float, default 365.2425
        Year length. [d]

    Returns
    -------
    MonteCarloResult
        Simulated availability, interval, exact value and whether they agree.

    Notes
    -----
    The runs are laid end to end on one time axis, each process is simulated over the whole
    axis and cut into runs (batch means); with runs much longer than repair times the runs are
    practically independent. With lognormal times the first cycle is not in equilibrium, a bias
    of order MTTR / (n_runs * years) that is negligible here.
    """
    t0 = time.perf_counter()
    obj = _system_obj(system)
    yrs = check_positive(years, "years", "yr")
    runs = check_int(n_runs, "n_runs", minimum=2)
    check_choice(distribution, "distribution", _DISTRIBUTIONS)
    mttr_default = check_positive(default_mttr_hours, "default_mttr_hours", "h")
    sigma = check_positive(lognormal_sigma, "lognormal_sigma")
    conf = check_fraction(confidence, "confidence", open_low=True, open_high=True)
    run_h = yrs * check_positive(year_days, "year_days", "d") * 24.0
    comp = _compile(obj)
    seed = check_seed(seed)
    horizon = runs * run_h
    _check_simulation_size(comp, horizon, mttr_default)
    rng = np.random.default_rng(seed)
    counts: dict[int, int] = {}
    _occurrences(comp.tree, counts)
    var_sets: dict[int, Intervals] = {}
    for i, v in enumerate(comp.vars):
        mttr = v.mttr_hours if v.mttr_hours else mttr_default
        var_sets[i] = _down_intervals(
            rng, v.availability, v.unavailability, mttr, horizon, distribution, sigma
        )
    s, e = _mc_tree(comp.tree, var_sets)
    edges = np.arange(runs + 1, dtype=np.float64) * run_h
    cum = _cumulative_down(s, e, edges)
    down = np.clip(np.diff(cum), 0.0, run_h)  # removes float rounding (~1e-12 h) only
    run_a = 1.0 - down / run_h
    mean = float(run_a.mean())
    se = float(run_a.std(ddof=1) / math.sqrt(runs))
    z = statistics.NormalDist().inv_cdf(0.5 + conf / 2.0)
    try:
        exact = _exact(comp)[0]
    except InvalidInputError:
        exact = float("nan")
    lo, hi = mean - z * se, mean + z * se
    return MonteCarloResult(
        availability=mean,
        ci_low=lo,
        ci_high=hi,
        confidence=conf,
        std_error=se,
        exact_availability=exact,
        agrees=bool(lo <= exact <= hi),
        n_runs=runs,
        years=yrs,
        component_years=len(comp.vars) * runs * yrs,
        distribution=distribution,
        failures=int(s.size),
        downtime_per_year_h=float(down.sum() / (runs * yrs)),
        run_availability=run_a,
        elapsed_s=time.perf_counter() - t0,
    )


# ----------------------------------------------------------------------------------------------
# Presets: the seed article's architectures
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchitectureResult:
    """One architecture evaluated exactly.

    Attributes
    ----------
    name : str
        Short name (``"single_instance"``, ...).
    title : str
        One-line description.
    adds : str
        What this architecture adds over the previous one.
    availability : float
        Exact availability. [fraction 0-1]
    unavailability : float
        Exact unavailability. [fraction 0-1]
    downtime_per_year : datetime.timedelta
        Expected downtime a year. [s]
    single_points_of_failure : tuple of str
        Parts whose failure alone takes the system down.
    steps : pandas.DataFrame
        What each added piece buys: ``step``, ``availability`` [fraction 0-1],
        ``downtime_per_year_h`` [h], ``delta_availability`` [fraction 0-1],
        ``delta_downtime_per_year_h`` [h] (NaN on the first row: no previous step).
    system : Series or KOfN
        The block tree (evaluate, simulate, inspect).
    parameters : dict
        The arguments used.
    """

    name: str
    title: str
    adds: str
    availability: float
    unavailability: float
    downtime_per_year: _dt.timedelta
    single_points_of_failure: tuple[str, ...]
    steps: pd.DataFrame = field(repr=False)
    system: Series | KOfN = field(repr=False)
    parameters: dict[str, Any] = field(repr=False)

    @property
    def downtime_per_year_h(self) -> float:
        """Expected downtime a year. [h]."""
        return self.downtime_per_year.total_seconds() / 3600.0

    def _repr_html_(self) -> str:
        spof = ", ".join(html.escape(s) for s in self.single_points_of_failure) or "none"
        steps = self.steps.to_html(index=False, float_format=lambda x: f"{x:.9g}")
        return (
            f"<div><b>{html.escape(self.title)}</b> ({html.escape(self.name)})"
            f"<table><tr><td>availability</td><td>{self.availability:.9f}</td></tr>"
            f"<tr><td>downtime a year</td><td>{format_duration(self.downtime_per_year)}</td></tr>"
            f"<tr><td>single points of failure</td><td>{spof}</td></tr>"
            f"<tr><td>adds</td><td>{html.escape(self.adds)}</td></tr></table>{steps}</div>"
        )


def _result(
    name: str,
    title: str,
    adds: str,
    steps: list[tuple[str, Series | KOfN]],
    year_days: float,
    parameters: dict[str, Any],
) -> ArchitectureResult:
    rows = []
    prev_a = prev_d = float("nan")
    for label, sysm in steps:
        a = sysm.availability
        d = sysm.unavailability * year_days * 24.0
        rows.append((label, a, d, a - prev_a, d - prev_d))
        prev_a, prev_d = a, d
    table = pd.DataFrame(
        rows,
        columns=[
            "step",
            "availability",
            "downtime_per_year_h",
            "delta_availability",
            "delta_downtime_per_year_h",
        ],
    )
    final = steps[-1][1]
    return ArchitectureResult(
        name=name,
        title=title,
        adds=adds,
        availability=final.availability,
        unavailability=final.unavailability,
        downtime_per_year=_dt.timedelta(seconds=final.unavailability * year_days * 86400.0),
        single_points_of_failure=single_points_of_failure(final),
        steps=table,
        system=final,
        parameters=parameters,
    )


def _check_common(
    instance_availability: float,
    az_availability: float,
    region_availability: float,
    dns_availability: float,
    year_days: float,
) -> None:
    check_fraction(instance_availability, "instance_availability")
    check_fraction(az_availability, "az_availability")
    check_fraction(region_availability, "region_availability")
    check_fraction(dns_availability, "dns_availability")
    check_positive(year_days, "year_days", "d")


_PRESET_REFERENCES = """
    References
    ----------
    * EC2 SLA, aws.amazon.com/compute/sla (version of 2022-05-05): Instance-level 99.5 %,
      Region-level 99.99 %.
    * RDS SLA, aws.amazon.com/rds/sla (2024-01-22): Single-DB instance 99.5 %, Multi-AZ 99.95 %.
    * Elastic Load Balancing SLA, aws.amazon.com/elasticloadbalancing/sla (2022-07-25): 99.99 %.
    * Route 53 SLA: 100 % (cloudonaut.io AWS SLA table, 2019; terms updated 2022-08-29).
    * RDS user guide, Concepts.MultiAZ.Failover: failovers typically complete in 60-120 s.
    * Route 53 HealthCheckConfig: RequestInterval 30 s (default), FailureThreshold 3.
    * AZ and region availabilities are illustrative assumptions: AWS publishes no outage rates.
      0.9995 (about 4.4 h a year) per AZ and 0.9999 (about 53 min a year) per region.

    SLA figures are contract floors, not measured availabilities.
"""


def single_instance(
    *,
    instance_availability: float = 0.995,
    az_availability: float = 0.9995,
    region_availability: float = 0.9999,
    dns_availability: float = 1.0,
    year_days: float = GREGORIAN_YEAR_DAYS,
) -> ArchitectureResult:
    """Architecture 1: one EC2 instance runs the app and holds the data; Route 53 answers DNS.

    Parameters
    ----------
    instance_availability : float, default 0.995
        EC2 instance (EC2 Instance-level SLA 99.5 %). [fraction 0-1]
    az_availability : float, default 0.9995
        Availability Zone as a failure domain (assumption). [fraction 0-1]
    region_availability : float, default 0.9999
        Region as a failure domain (assumption). [fraction 0-1]
    dns_availability : float, default 1.0
        Route 53 (SLA 100 %). [fraction 0-1]
    year_days : float, default 365.2425
        Year length for downtime. [d]

    Returns
    -------
    ArchitectureResult
        Availability, downtime, single points of failure, steps, system.
    """
    _check_common(instance_availability, az_availability, region_availability, dns_availability, year_days)
    region = Domain("region", region_availability, kind="region")
    az = Domain("AZ a", az_availability, kind="az")
    inst = Component(instance_availability, "EC2 instance", basis="sla", domains=(az, region))
    dns = Component(dns_availability, "Route 53", basis="sla")
    steps: list[tuple[str, Series | KOfN]] = [
        ("EC2 instance in one AZ (app + data)", series(inst)),
        ("+ Route 53 DNS in front", series(dns, inst)),
    ]
    return _result(
        "single_instance",
        "1. One EC2 instance behind Route 53",
        "the starting point: one server holds app and data",
        steps,
        year_days,
        {
            "instance_availability": instance_availability,
            "az_availability": az_availability,
            "region_availability": region_availability,
            "dns_availability": dns_availability,
            "year_days": year_days,
        },
    )


single_instance.__doc__ = (single_instance.__doc__ or "") + _PRESET_REFERENCES


def app_and_rds(
    *,
    instance_availability: float = 0.995,
    database_availability: float = 0.995,
    same_az: bool = True,
    az_availability: float = 0.9995,
    region_availability: float = 0.9999,
    dns_availability: float = 1.0,
    year_days: float = GREGORIAN_YEAR_DAYS,
) -> ArchitectureResult:
    """Architecture 2: the app on one EC2 instance, the data in RDS (Single-AZ).

    Parameters
    ----------
    instance_availability : float, default 0.995
        EC2 instance (EC2 Instance-level SLA 99.5 %). [fraction 0-1]
    database_availability : float, default 0.995
        RDS Single-DB instance (RDS SLA 99.5 %). [fraction 0-1]
    same_az : bool, default True
        Whether the database sits in the instance's AZ (else in a second AZ, which adds a
        second AZ dependency).
    az_availability, region_availability, dns_availability, year_days
        As for :func:`single_instance`. [fraction 0-1], [d]

    Returns
    -------
    ArchitectureResult
        Moving the data to a managed database adds a series dependency: on its own it lowers
        availability; the gain comes with the standby in architecture 3.
    """
    _check_common(instance_availability, az_availability, region_availability, dns_availability, year_days)
    check_fraction(database_availability, "database_availability")
    if not isinstance(same_az, bool):
        msg = f"same_az must be True or False, got {same_az!r}."
        raise InvalidTypeError(msg)
    region = Domain("region", region_availability, kind="region")
    az_a = Domain("AZ a", az_availability, kind="az")
    az_db = az_a if same_az else Domain("AZ b", az_availability, kind="az")
    inst = Component(instance_availability, "EC2 instance", basis="sla", domains=(az_a, region))
    db = Component(database_availability, "RDS Single-AZ", basis="sla", domains=(az_db, region))
    dns = Component(dns_availability, "Route 53", basis="sla")
    steps: list[tuple[str, Series | KOfN]] = [
        ("one EC2 instance (architecture 1)", series(dns, inst)),
        ("+ data moved to RDS Single-AZ", series(dns, inst, db)),
    ]
    return _result(
        "app_and_rds",
        "2. App on EC2, data in RDS Single-AZ",
        "managed database (backups, patching); one more series dependency",
        steps,
        year_days,
        {
            "instance_availability": instance_availability,
            "database_availability": database_availability,
            "same_az": same_az,
            "az_availability": az_availability,
            "region_availability": region_availability,
            "dns_availability": dns_availability,
            "year_days": year_days,
        },
    )


app_and_rds.__doc__ = (app_and_rds.__doc__ or "") + _PRESET_REFERENCES


def _multi_az_stack(
    region: Domain,
    *,
    az_count: int,
    instances_per_az: int,
    instances_needed: int,
    instance_availability: float,
    database_availability: float,
    db_standbys: int,
    load_balancer_availability: float,
    db_failover_s: float,
    db_failovers_per_year: float,
    az_availability: float,
    year_days: float,
    prefix: str,
) -> tuple[Component, KOfN, Component, KOfN, KOfN]:
    azs = [Domain(f"{prefix}AZ {chr(ord('a') + i)}", az_availability, kind="az") for i in range(az_count)]
    instances = [
        Component(
            instance_availability, f"{prefix}web {az.name[-1]}{j + 1}", basis="sla", domains=(az, region)
        )
        for az in azs
        for j in range(instances_per_az)
    ]
    web = k_of_n(instances_needed, instances, name=f"{prefix}web tier")
    dbs = [
        Component(
            database_availability,
            f"{prefix}RDS {'primary' if i == 0 else 'standby'} ({azs[i].name[-1]})",
            basis="sla",
            domains=(azs[i], region),
        )
        for i in range(db_standbys + 1)
    ]
    fo: dict[str, Any] = {}
    if db_failovers_per_year > 0 and db_failover_s > 0:
        fo = {
            "failover_s": db_failover_s,
            "failovers_per_year": db_failovers_per_year,
            "year_days": year_days,
        }
    db_tier = parallel(*dbs, name=f"{prefix}RDS Multi-AZ", **fo)
    db_tier_no_fo = parallel(*dbs, name=f"{prefix}RDS Multi-AZ")
    lb = Component(load_balancer_availability, f"{prefix}ELB", basis="sla", domains=(region,))
    return lb, web, dbs[0], db_tier_no_fo, db_tier


def multi_az(
    *,
    az_count: int = 2,
    instances_per_az: int = 1,
    instances_needed: int = 1,
    instance_availability: float = 0.995,
    database_availability: float = 0.995,
    db_standbys: int = 1,
    load_balancer_availability: float = 0.9999,
    db_failover_s: float = 120.0,
    db_failovers_per_year: float = 4.0,
    az_availability: float = 0.9995,
    region_availability: float = 0.9999,
    dns_availability: float = 1.0,
    year_days: float = GREGORIAN_YEAR_DAYS,
) -> ArchitectureResult:
    """Architecture 3: ELB + instances across AZs + RDS Multi-AZ (primary/standby, failover).

    The system is up iff DNS, the load balancer, at least ``instances_needed`` instances and
    one database copy are up, with every instance and database copy conditional on its AZ and
    on the region (AZ-correlated, evaluated exactly), minus DB failover downtime.

    Parameters
    ----------
    az_count : int, default 2
        Availability Zones used (2 or more; the seed article uses 2, most regions have 3). [-]
    instances_per_az : int, default 1
        EC2 instances in each AZ. [-]
    instances_needed : int, default 1
        Instances needed to carry the load (k of the k-of-n web tier). [-]
    instance_availability : float, default 0.995
        Each EC2 instance (EC2 Instance-level SLA 99.5 %). [fraction 0-1]
    database_availability : float, default 0.995
        Each database copy (RDS Single-DB SLA 99.5 %). [fraction 0-1]
    db_standbys : int, default 1
        Standby copies in further AZs (1: Multi-AZ instance; 2: Multi-AZ DB cluster). [-]
    load_balancer_availability : float, default 0.9999
        Multi-AZ ELB (ELB SLA 99.99 %). [fraction 0-1]
    db_failover_s : float, default 120.0
        Downtime per database failover (RDS docs: typically 60-120 s; Multi-AZ DB clusters
        typically under 35 s). [s]
    db_failovers_per_year : float, default 4.0
        Database failovers a year (illustrative assumption: patching, instance and AZ events). [1/yr]
    az_availability, region_availability, dns_availability, year_days
        As for :func:`single_instance`. [fraction 0-1], [d]

    Returns
    -------
    ArchitectureResult
        With steps from architecture 2 through ELB + instances, the standby and failover time.
    """
    _check_common(instance_availability, az_availability, region_availability, dns_availability, year_days)
    azc = check_int(az_count, "az_count", minimum=2)
    ipa = check_int(instances_per_az, "instances_per_az", minimum=1)
    need = check_int(instances_needed, "instances_needed", minimum=1)
    if need > azc * ipa:
        msg = (
            f"instances_needed = {need} exceeds the {azc * ipa} instances deployed "
            f"(az_count {azc} x instances_per_az {ipa}); deploy more or need fewer."
        )
        raise InvalidInputError(msg)
    sb = check_int(db_standbys, "db_standbys", minimum=1)
    if sb + 1 > azc:
        msg = f"db_standbys = {sb} needs {sb + 1} AZs for primary and standbys, but az_count is {azc}."
        raise InvalidInputError(msg)
    check_fraction(database_availability, "database_availability")
    check_fraction(load_balancer_availability, "load_balancer_availability")
    check_nonnegative(db_failover_s, "db_failover_s", "s")
    check_nonnegative(db_failovers_per_year, "db_failovers_per_year", "1/yr")
    region = Domain("region", region_availability, kind="region")
    lb, web, primary, db_no_fo, db_tier = _multi_az_stack(
        region,
        az_count=azc,
        instances_per_az=ipa,
        instances_needed=need,
        instance_availability=instance_availability,
        database_availability=database_availability,
        db_standbys=sb,
        load_balancer_availability=load_balancer_availability,
        db_failover_s=db_failover_s,
        db_failovers_per_year=db_failovers_per_year,
        az_availability=az_availability,
        year_days=year_days,
        prefix="",
    )
    dns = Component(dns_availability, "Route 53", basis="sla")
    first_az = primary.domains[0]
    single = Component(instance_availability, "EC2 instance", basis="sla", domains=(first_az, region))
    steps: list[tuple[str, Series | KOfN]] = [
        ("app + RDS Single-AZ (architecture 2)", series(dns, single, primary)),
        (f"+ ELB and {ipa} instance(s) in each of {azc} AZs", series(dns, lb, web, primary)),
        (f"+ RDS standby ({sb}) in another AZ", series(dns, lb, web, db_no_fo)),
    ]
    if db_tier is not db_no_fo and db_tier.failover is not None:
        steps.append(
            (
                f"+ DB failover downtime ({db_failovers_per_year:g}/yr x {db_failover_s:g} s)",
                series(dns, lb, web, db_tier),
            )
        )
    return _result(
        "multi_az",
        f"3. ELB + instances in {azc} AZs + RDS Multi-AZ",
        "redundancy across AZs: load balancer with health checks, standby database",
        steps,
        year_days,
        {
            "az_count": azc,
            "instances_per_az": ipa,
            "instances_needed": need,
            "instance_availability": instance_availability,
            "database_availability": database_availability,
            "db_standbys": sb,
            "load_balancer_availability": load_balancer_availability,
            "db_failover_s": db_failover_s,
            "db_failovers_per_year": db_failovers_per_year,
            "az_availability": az_availability,
            "region_availability": region_availability,
            "dns_availability": dns_availability,
            "year_days": year_days,
        },
    )


multi_az.__doc__ = (multi_az.__doc__ or "") + _PRESET_REFERENCES


def multi_region(
    *,
    region_count: int = 2,
    az_count: int = 2,
    instances_per_az: int = 1,
    instance_availability: float = 0.995,
    database_availability: float = 0.995,
    load_balancer_availability: float = 0.9999,
    db_failover_s: float = 120.0,
    db_failovers_per_year: float = 4.0,
    health_check_interval_s: float = 30.0,
    failure_threshold: int = 3,
    dns_ttl_s: float = 60.0,
    region_failovers_per_year: float = 1.0,
    az_availability: float = 0.9995,
    region_availability: float = 0.9999,
    dns_availability: float = 1.0,
    year_days: float = GREGORIAN_YEAR_DAYS,
) -> ArchitectureResult:
    """Architecture 4: a multi-AZ stack in each of two regions, active-passive, Route 53 failover.

    Each region runs architecture 3 (without its own DNS); the regions are independent failure
    domains; Route 53 sends traffic to the secondary when health checks fail, which costs
    ``health_check_interval_s * failure_threshold + dns_ttl_s`` per failover.

    Parameters
    ----------
    region_count : int, default 2
        Regions (one active, the others passive). [-]
    az_count, instances_per_az, instance_availability, database_availability,
    load_balancer_availability, db_failover_s, db_failovers_per_year
        Each region's stack, as for :func:`multi_az`. [see multi_az]
    health_check_interval_s : float, default 30.0
        Route 53 health-check request interval (default 30 s; 10 s "fast"). [s]
    failure_threshold : int, default 3
        Consecutive failed checks before the endpoint is declared unhealthy (default 3). [-]
    dns_ttl_s : float, default 60.0
        TTL of the failover record: how long clients keep the old answer. [s]
    region_failovers_per_year : float, default 1.0
        Region failovers a year (illustrative assumption). [1/yr]
    az_availability, region_availability, dns_availability, year_days
        As for :func:`single_instance`. [fraction 0-1], [d]

    Returns
    -------
    ArchitectureResult
        With steps from one region through the passive copy and the DNS failover time.
    """
    _check_common(instance_availability, az_availability, region_availability, dns_availability, year_days)
    rc = check_int(region_count, "region_count", minimum=2)
    azc = check_int(az_count, "az_count", minimum=2)
    ipa = check_int(instances_per_az, "instances_per_az", minimum=1)
    ft = check_int(failure_threshold, "failure_threshold", minimum=1)
    hc = check_positive(health_check_interval_s, "health_check_interval_s", "s")
    ttl = check_nonnegative(dns_ttl_s, "dns_ttl_s", "s")
    check_nonnegative(region_failovers_per_year, "region_failovers_per_year", "1/yr")
    check_fraction(database_availability, "database_availability")
    check_fraction(load_balancer_availability, "load_balancer_availability")
    check_nonnegative(db_failover_s, "db_failover_s", "s")
    check_nonnegative(db_failovers_per_year, "db_failovers_per_year", "1/yr")
    stacks = []
    for r in range(rc):
        region = Domain(f"region {r + 1}", region_availability, kind="region")
        lb, web, _, _, db_tier = _multi_az_stack(
            region,
            az_count=azc,
            instances_per_az=ipa,
            instances_needed=1,
            instance_availability=instance_availability,
            database_availability=database_availability,
            db_standbys=1,
            load_balancer_availability=load_balancer_availability,
            db_failover_s=db_failover_s,
            db_failovers_per_year=db_failovers_per_year,
            az_availability=az_availability,
            year_days=year_days,
            prefix=f"r{r + 1} ",
        )
        stacks.append(series(lb, web, db_tier, name=f"region {r + 1} stack"))
    dns = Component(dns_availability, "Route 53", basis="sla")
    per_event = hc * ft + ttl
    regions_no_fo = parallel(*stacks, name="regions")
    regions = parallel(
        *stacks,
        name="regions",
        failover_s=per_event,
        failovers_per_year=region_failovers_per_year,
        year_days=year_days,
    )
    steps: list[tuple[str, Series | KOfN]] = [
        ("multi-AZ in one region (architecture 3)", series(dns, stacks[0])),
        (f"+ passive copy in {rc - 1} more region(s)", series(dns, regions_no_fo)),
        (
            f"+ DNS failover downtime ({region_failovers_per_year:g}/yr x ({hc:g} s x {ft} + TTL {ttl:g} s))",
            series(dns, regions),
        ),
    ]
    return _result(
        "multi_region",
        f"4. {rc} regions active-passive with Route 53 failover",
        "a second region survives region-wide events; DNS failover costs detection + TTL",
        steps,
        year_days,
        {
            "region_count": rc,
            "az_count": azc,
            "instances_per_az": ipa,
            "instance_availability": instance_availability,
            "database_availability": database_availability,
            "load_balancer_availability": load_balancer_availability,
            "db_failover_s": db_failover_s,
            "db_failovers_per_year": db_failovers_per_year,
            "health_check_interval_s": hc,
            "failure_threshold": ft,
            "dns_ttl_s": ttl,
            "region_failovers_per_year": region_failovers_per_year,
            "az_availability": az_availability,
            "region_availability": region_availability,
            "dns_availability": dns_availability,
            "year_days": year_days,
        },
    )


multi_region.__doc__ = (multi_region.__doc__ or "") + _PRESET_REFERENCES


def compare_architectures(*results: ArchitectureResult) -> pd.DataFrame:
    """One row per architecture: availability, downtime a year and what it adds.

    Parameters
    ----------
    *results : ArchitectureResult
        Results to compare; none means the four presets with their default parameters.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``architecture`` (the preset name); columns ``title``, ``availability``
        [fraction 0-1], ``nines`` [-], ``downtime_per_year_h`` [h], ``downtime_per_year_text``,
        ``delta_downtime_per_year_h`` (vs the previous row) [h], ``single_points_of_failure``
        (comma-separated), ``adds``.

    Examples
    --------
    >>> list(compare_architectures().index)
    ['single_instance', 'app_and_rds', 'multi_az', 'multi_region']
    """
    for i, r in enumerate(results):
        if not isinstance(r, ArchitectureResult):
            msg = (
                f"compare_architectures takes ArchitectureResult objects (from single_instance(), "
                f"multi_az(), ...); argument {i + 1} is {type(r).__name__}."
            )
            raise InvalidTypeError(msg)
    res = results or (single_instance(), app_and_rds(), multi_az(), multi_region())
    rows = []
    prev = float("nan")
    for r in res:
        d = r.downtime_per_year_h
        rows.append(
            {
                "architecture": r.name,
                "title": r.title,
                "availability": r.availability,
                "nines": -math.log10(r.unavailability) if r.unavailability > 0 else math.inf,
                "downtime_per_year_h": d,
                "downtime_per_year_text": format_duration(r.downtime_per_year),
                "delta_downtime_per_year_h": d - prev,
                "single_points_of_failure": ", ".join(r.single_points_of_failure),
                "adds": r.adds,
            }
        )
        prev = d
    return pd.DataFrame(rows).set_index("architecture")
