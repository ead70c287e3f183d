"""Monte Carlo check of the exact availability: alternating renewal processes on one time axis.

Every basic event (component, domain, failover, common cause) is up for a time with mean MTBF
and down for a time with mean MTTR (exponential or lognormal), starting in its stationary
state. The system's down periods follow from interval algebra on the sample paths (union for
series, intersection for parallel, "at least n-k+1 down" for k-of-n), so shared components and
domains are shared sample paths. The runs are batches of one long path (batch means).
"""

from __future__ import annotations

import html
import math
import statistics
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from cloudgeo._validate import check_choice, check_fraction, check_int, check_positive, check_seed
from cloudgeo.availability.blocks import GREGORIAN_YEAR_DAYS, FloatArray, Part
from cloudgeo.availability.exact import (
    CompiledSystem,
    Node,
    as_system,
    compile_system,
    evaluate,
    fold,
    tree_children,
)
from cloudgeo.errors import InvalidInputError

if TYPE_CHECKING:
    from cloudgeo.availability.presets import ArchitectureResult

__all__ = ["MAX_SIMULATED_OUTAGES", "Intervals", "MonteCarloResult", "monte_carlo"]

_DISTRIBUTIONS = ("exponential", "lognormal")

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

    return fold(tree, tree_children, node_down)  # type: ignore[no-any-return]


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


def _check_simulation_size(comp: CompiledSystem, horizon_h: float, mttr_default: float) -> None:
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
    obj = as_system(system)
    settings = _settings(
        years, n_runs, distribution, default_mttr_hours, lognormal_sigma, confidence, year_days
    )
    comp = compile_system(obj)
    seed = check_seed(seed)
    runs, run_h = settings.runs, settings.run_h
    horizon = runs * run_h
    _check_simulation_size(comp, horizon, settings.mttr_default)
    s, e = _system_down_intervals(comp, horizon, settings, np.random.default_rng(seed))
    edges = np.arange(runs + 1, dtype=np.float64) * run_h
    cum = _cumulative_down(s, e, edges)
    down = np.clip(np.diff(cum), 0.0, run_h)  # removes float rounding (~1e-12 h) only
    run_a = 1.0 - down / run_h
    mean = float(run_a.mean())
    se = float(run_a.std(ddof=1) / math.sqrt(runs))
    z = statistics.NormalDist().inv_cdf(0.5 + settings.confidence / 2.0)
    try:
        exact = evaluate(comp)[0]
    except InvalidInputError:
        exact = float("nan")
    lo, hi = mean - z * se, mean + z * se
    return MonteCarloResult(
        availability=mean,
        ci_low=lo,
        ci_high=hi,
        confidence=settings.confidence,
        std_error=se,
        exact_availability=exact,
        agrees=bool(lo <= exact <= hi),
        n_runs=runs,
        years=settings.years,
        component_years=len(comp.vars) * runs * settings.years,
        distribution=distribution,
        failures=int(s.size),
        downtime_per_year_h=float(down.sum() / (runs * settings.years)),
        run_availability=run_a,
        elapsed_s=time.perf_counter() - t0,
    )


@dataclass(frozen=True)
class _Settings:
    """The checked settings of one :func:`monte_carlo` call."""

    years: float  # [yr]
    runs: int
    distribution: str
    mttr_default: float  # [h]
    sigma: float
    confidence: float  # [fraction 0-1]
    run_h: float  # length of one run [h]


def _settings(
    years: object,
    n_runs: object,
    distribution: object,
    default_mttr_hours: object,
    lognormal_sigma: object,
    confidence: object,
    year_days: object,
) -> _Settings:
    yrs = check_positive(years, "years", "yr")
    runs = check_int(n_runs, "n_runs", minimum=2)
    check_choice(distribution, "distribution", _DISTRIBUTIONS)
    mttr_default = check_positive(default_mttr_hours, "default_mttr_hours", "h")
    sigma = check_positive(lognormal_sigma, "lognormal_sigma")
    conf = check_fraction(confidence, "confidence", open_low=True, open_high=True)
    run_h = yrs * check_positive(year_days, "year_days", "d") * 24.0
    return _Settings(yrs, runs, str(distribution), mttr_default, sigma, conf, run_h)


def _system_down_intervals(
    comp: CompiledSystem, horizon: float, settings: _Settings, rng: np.random.Generator
) -> Intervals:
    """Simulate every basic event on ``[0, horizon)`` and return the system's down intervals."""
    var_sets: dict[int, Intervals] = {}
    for i, v in enumerate(comp.vars):
        mttr = v.mttr_hours if v.mttr_hours else settings.mttr_default
        var_sets[i] = _down_intervals(
            rng, v.availability, v.unavailability, mttr, horizon, settings.distribution, settings.sigma
        )
    return _mc_tree(comp.tree, var_sets)
