"""The seed article's four AWS architectures as availability models, and their comparison.

:func:`single_instance` (one EC2 instance), :func:`app_and_rds` (app on EC2, data in RDS
Single-AZ), :func:`multi_az` (ELB, instances across AZs, RDS Multi-AZ with failover) and
:func:`multi_region` (a multi-AZ stack per region, active-passive, Route 53 failover), each
evaluated exactly step by step (what every added piece buys) as an :class:`ArchitectureResult`;
:func:`compare_architectures` tabulates them. AZs and regions are shared failure domains.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import html
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cloudgeo._validate import check_fraction, check_int, check_nonnegative, check_positive
from cloudgeo.availability.blocks import (
    GREGORIAN_YEAR_DAYS,
    Component,
    Domain,
    KOfN,
    Series,
    k_of_n,
    parallel,
    series,
)
from cloudgeo.availability.downtime import format_duration
from cloudgeo.availability.exact import single_points_of_failure
from cloudgeo.errors import InvalidInputError, InvalidTypeError

__all__ = [
    "ArchitectureResult",
    "app_and_rds",
    "compare_architectures",
    "multi_az",
    "multi_region",
    "single_instance",
]


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


@dataclass(frozen=True)
class _StackSpec:
    """What one region's multi-AZ stack is made of (counts checked, availabilities as given)."""

    az_count: int
    instances_per_az: int
    instances_needed: int
    instance_availability: float
    database_availability: float
    db_standbys: int
    load_balancer_availability: float
    db_failover_s: float
    db_failovers_per_year: float
    az_availability: float
    year_days: float


@dataclass(frozen=True)
class _RegionStack:
    """The tiers of one region's multi-AZ stack."""

    load_balancer: Component
    web: KOfN
    primary: Component
    database_without_failover: KOfN
    database: KOfN  # with the failover downtime when there is any


def _multi_az_stack(region: Domain, spec: _StackSpec, prefix: str) -> _RegionStack:
    azs = [
        Domain(f"{prefix}AZ {chr(ord('a') + i)}", spec.az_availability, kind="az")
        for i in range(spec.az_count)
    ]
    instances = [
        Component(
            spec.instance_availability, f"{prefix}web {az.name[-1]}{j + 1}", basis="sla", domains=(az, region)
        )
        for az in azs
        for j in range(spec.instances_per_az)
    ]
    web = k_of_n(spec.instances_needed, instances, name=f"{prefix}web tier")
    dbs = [
        Component(
            spec.database_availability,
            f"{prefix}RDS {'primary' if i == 0 else 'standby'} ({azs[i].name[-1]})",
            basis="sla",
            domains=(azs[i], region),
        )
        for i in range(spec.db_standbys + 1)
    ]
    fo: dict[str, Any] = {}
    if spec.db_failovers_per_year > 0 and spec.db_failover_s > 0:
        fo = {
            "failover_s": spec.db_failover_s,
            "failovers_per_year": spec.db_failovers_per_year,
            "year_days": spec.year_days,
        }
    db_tier = parallel(*dbs, name=f"{prefix}RDS Multi-AZ", **fo)
    db_tier_no_fo = parallel(*dbs, name=f"{prefix}RDS Multi-AZ")
    lb = Component(spec.load_balancer_availability, f"{prefix}ELB", basis="sla", domains=(region,))
    return _RegionStack(lb, web, dbs[0], db_tier_no_fo, db_tier)


def _check_stack_tiers(
    database_availability: float,
    load_balancer_availability: float,
    db_failover_s: float,
    db_failovers_per_year: float,
) -> None:
    check_fraction(database_availability, "database_availability")
    check_fraction(load_balancer_availability, "load_balancer_availability")
    check_nonnegative(db_failover_s, "db_failover_s", "s")
    check_nonnegative(db_failovers_per_year, "db_failovers_per_year", "1/yr")


def _multi_az_spec(
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
) -> _StackSpec:
    """Check :func:`multi_az`'s sizes and tiers (in this order) and return the stack to build."""
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
    _check_stack_tiers(
        database_availability, load_balancer_availability, db_failover_s, db_failovers_per_year
    )
    return _StackSpec(
        azc,
        ipa,
        need,
        instance_availability,
        database_availability,
        sb,
        load_balancer_availability,
        db_failover_s,
        db_failovers_per_year,
        az_availability,
        year_days,
    )


def _multi_az_steps(
    spec: _StackSpec, stack: _RegionStack, region: Domain, dns: Component
) -> list[tuple[str, Series | KOfN]]:
    """Return the steps from architecture 2 to the multi-AZ stack (each a whole system)."""
    first_az = stack.primary.domains[0]
    single = Component(spec.instance_availability, "EC2 instance", basis="sla", domains=(first_az, region))
    lb, web = stack.load_balancer, stack.web
    steps: list[tuple[str, Series | KOfN]] = [
        ("app + RDS Single-AZ (architecture 2)", series(dns, single, stack.primary)),
        (
            f"+ ELB and {spec.instances_per_az} instance(s) in each of {spec.az_count} AZs",
            series(dns, lb, web, stack.primary),
        ),
        (
            f"+ RDS standby ({spec.db_standbys}) in another AZ",
            series(dns, lb, web, stack.database_without_failover),
        ),
    ]
    if stack.database is not stack.database_without_failover and stack.database.failover is not None:
        steps.append(
            (
                f"+ DB failover downtime ({spec.db_failovers_per_year:g}/yr x {spec.db_failover_s:g} s)",
                series(dns, lb, web, stack.database),
            )
        )
    return steps


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
    spec = _multi_az_spec(
        az_count=az_count,
        instances_per_az=instances_per_az,
        instances_needed=instances_needed,
        instance_availability=instance_availability,
        database_availability=database_availability,
        db_standbys=db_standbys,
        load_balancer_availability=load_balancer_availability,
        db_failover_s=db_failover_s,
        db_failovers_per_year=db_failovers_per_year,
        az_availability=az_availability,
        year_days=year_days,
    )
    region = Domain("region", region_availability, kind="region")
    stack = _multi_az_stack(region, spec, prefix="")
    dns = Component(dns_availability, "Route 53", basis="sla")
    parameters = {k: v for k, v in dataclasses.asdict(spec).items() if k != "year_days"}
    parameters.update(
        region_availability=region_availability, dns_availability=dns_availability, year_days=year_days
    )
    return _result(
        "multi_az",
        f"3. ELB + instances in {spec.az_count} AZs + RDS Multi-AZ",
        "redundancy across AZs: load balancer with health checks, standby database",
        _multi_az_steps(spec, stack, region, dns),
        year_days,
        parameters,
    )


multi_az.__doc__ = (multi_az.__doc__ or "") + _PRESET_REFERENCES


# spec fields that multi_region fixes (one needed instance, one standby) or lists later
_NOT_MULTI_REGION_PARAMETERS = ("instances_needed", "db_standbys", "az_availability", "year_days")


@dataclass(frozen=True)
class _DnsFailover:
    """Route 53 failover between regions: detection by health checks, then the DNS TTL."""

    health_check_interval_s: float  # [s]
    failure_threshold: int
    dns_ttl_s: float  # [s]
    failovers_per_year: float  # [1/yr]

    @property
    def seconds_per_event(self) -> float:
        """Return the downtime of one failover, ``interval * threshold + TTL``. [s]."""
        return self.health_check_interval_s * self.failure_threshold + self.dns_ttl_s


def _region_stacks(region_count: int, region_availability: float, spec: _StackSpec) -> list[Series]:
    """One multi-AZ stack per region, each region its own failure domain."""
    stacks = []
    for r in range(region_count):
        region = Domain(f"region {r + 1}", region_availability, kind="region")
        stack = _multi_az_stack(region, spec, prefix=f"r{r + 1} ")
        stacks.append(series(stack.load_balancer, stack.web, stack.database, name=f"region {r + 1} stack"))
    return stacks


def _multi_region_steps(
    stacks: list[Series], failover: _DnsFailover, dns: Component, year_days: float
) -> list[tuple[str, Series | KOfN]]:
    """Return the steps from one region through the passive copies and the DNS failover time."""
    regions_no_fo = parallel(*stacks, name="regions")
    regions = parallel(
        *stacks,
        name="regions",
        failover_s=failover.seconds_per_event,
        failovers_per_year=failover.failovers_per_year,
        year_days=year_days,
    )
    hc, ft, ttl = failover.health_check_interval_s, failover.failure_threshold, failover.dns_ttl_s
    per_year = failover.failovers_per_year
    return [
        ("multi-AZ in one region (architecture 3)", series(dns, stacks[0])),
        (f"+ passive copy in {len(stacks) - 1} more region(s)", series(dns, regions_no_fo)),
        (
            f"+ DNS failover downtime ({per_year:g}/yr x ({hc:g} s x {ft} + TTL {ttl:g} s))",
            series(dns, regions),
        ),
    ]


def _multi_region_parameters(
    region_count: int,
    spec: _StackSpec,
    failover: _DnsFailover,
    region_availability: float,
    dns_availability: float,
) -> dict[str, Any]:
    """Return the arguments :func:`multi_region` used, in its signature's order."""
    return {
        "region_count": region_count,
        **{k: v for k, v in dataclasses.asdict(spec).items() if k not in _NOT_MULTI_REGION_PARAMETERS},
        "health_check_interval_s": failover.health_check_interval_s,
        "failure_threshold": failover.failure_threshold,
        "dns_ttl_s": failover.dns_ttl_s,
        "region_failovers_per_year": failover.failovers_per_year,
        "az_availability": spec.az_availability,
        "region_availability": region_availability,
        "dns_availability": dns_availability,
        "year_days": spec.year_days,
    }


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
    _check_stack_tiers(
        database_availability, load_balancer_availability, db_failover_s, db_failovers_per_year
    )
    spec = _StackSpec(
        azc,
        ipa,
        1,
        instance_availability,
        database_availability,
        1,
        load_balancer_availability,
        db_failover_s,
        db_failovers_per_year,
        az_availability,
        year_days,
    )
    stacks = _region_stacks(rc, region_availability, spec)
    failover = _DnsFailover(hc, ft, ttl, region_failovers_per_year)
    parameters = _multi_region_parameters(rc, spec, failover, region_availability, dns_availability)
    return _result(
        "multi_region",
        f"4. {rc} regions active-passive with Route 53 failover",
        "a second region survives region-wide events; DNS failover costs detection + TTL",
        _multi_region_steps(
            stacks, failover, Component(dns_availability, "Route 53", basis="sla"), year_days
        ),
        year_days,
        parameters,
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
