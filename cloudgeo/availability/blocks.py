"""Building blocks of an availability model: basic events and their compositions.

* :class:`Component` -- one part with an availability (a fraction 0-1) given directly, from
  MTBF/MTTR (steady state ``A = MTBF / (MTBF + MTTR)``) or from an AWS SLA (a *contract floor*,
  not a measured availability). A component may sit in shared failure domains.
* :class:`Domain` -- a shared failure domain (an Availability Zone, a region): when it is down,
  every component placed in it is down.
* :func:`series`, :func:`parallel`, :func:`k_of_n` -- compositions that nest freely. Each has
  ``.availability`` and ``.unavailability``, evaluated exactly by
  :mod:`cloudgeo.availability.exact` (a part used in several places is one random variable).
* :func:`parallel` / :func:`k_of_n` take ``beta=`` (beta-factor common-cause failure) and
  ``failover_s=`` / ``failovers_per_year=`` (downtime while traffic moves to a survivor);
  :func:`with_failover` attaches failover downtime to any block.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import KW_ONLY, InitVar, dataclass, field
from functools import cached_property
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import (
    check_choice,
    check_fraction,
    check_int,
    check_nonnegative,
    check_positive,
)
from cloudgeo.errors import InvalidInputError, InvalidTypeError

__all__ = [
    "GREGORIAN_YEAR_DAYS",
    "Block",
    "Component",
    "Domain",
    "KOfN",
    "Parallel",
    "Part",
    "Series",
    "failover_unavailability",
    "k_of_n",
    "parallel",
    "series",
    "with_failover",
]

#: Mean Gregorian year used by uptime.is and by default here. [d]
GREGORIAN_YEAR_DAYS = 365.2425
_BASES = ("given", "mtbf-mttr", "sla", "failover")

FloatArray: TypeAlias = npt.NDArray[np.float64]


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


class _Evaluable:
    """Mixin: exact availability of a block (see :mod:`cloudgeo.availability.exact`)."""

    @cached_property
    def _exact(self) -> tuple[float, float]:
        from cloudgeo.availability.exact import compile_system, evaluate

        return evaluate(compile_system(self))  # type: ignore[arg-type]

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
