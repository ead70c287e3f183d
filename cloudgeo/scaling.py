"""Autoscaling simulation: a CloudWatch alarm and a scaling policy following a traffic series.

Owns the model of how Amazon EC2 Auto Scaling reacts to load one metric period at a time
(:func:`simulate_autoscaling`: load shared by in-service instances, an M-of-N CloudWatch alarm
on the average utilisation, a step or target-tracking policy with cooldowns, warm-up; the
model, its timing convention and simplifications are in its Notes), the policies and the group
(:class:`StepScalingPolicy`, :class:`TargetTrackingPolicy`, :class:`Fleet`), the results
(:class:`ScalingResult`, :class:`ScalingSummary`) and synthetic demand series
(:func:`daily_demand`, :func:`surge_demand`, :func:`seasonal_decline_demand`).

References
----------
AWS, *Amazon EC2 Auto Scaling User Guide*: "Step and simple scaling policies" (adjustment
types ``PercentChangeInCapacity``, ``MinAdjustmentMagnitude``, rounding of fractional
adjustments), "Scaling cooldowns" (default cooldown 300 s), "Set the default instance warmup",
"Target tracking scaling policies". AWS, *Amazon CloudWatch User Guide*: "Using Amazon
CloudWatch alarms" (period, evaluation periods, datapoints to alarm). AWS, *Amazon EC2 User
Guide*: basic monitoring every 5 minutes, detailed monitoring every 1 minute. AWS,
*Application Auto Scaling User Guide*: target tracking cooldowns default to 300 s.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any, Union, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import (
    check_choice,
    check_fraction,
    check_int,
    check_nonnegative,
    check_number,
    check_positive,
    check_seed,
    nonfinite_problems,
    raise_if_problems,
)
from cloudgeo.errors import InvalidInputError, InvalidTypeError

__all__ = [
    "Fleet",
    "ScalingResult",
    "ScalingSummary",
    "StepScalingPolicy",
    "TargetTrackingPolicy",
    "daily_demand",
    "seasonal_decline_demand",
    "simulate_autoscaling",
    "surge_demand",
]

_LISTED = 3


# --------------------------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fleet:
    """An Auto Scaling group of identical instances.

    Parameters
    ----------
    capacity_per_instance : float, default 100.0
        Demand one instance serves at 100 % utilisation, in the demand's units (e.g. requests/s
        at full CPU). Illustrative default; measure yours with a load test. [units/s]
    min_size : int, default 2
        Minimum group size (two instances in two Availability Zones, as in the seed's
        highly available setup). [instances]
    max_size : int, default 20
        Maximum group size. [instances]
    initial_size : int, optional
        Instances in service at the start; ``None`` means ``min_size``. [instances]
    warmup_s : float, default 300.0
        Time from launch until a new instance serves load (boot, application start, health
        checks). 300 s matches AWS's default cooldown, which step scaling falls back to when
        no warm-up is set. [s]

    References
    ----------
    AWS, *Amazon EC2 Auto Scaling User Guide*, "Set the default instance warmup for an Auto
    Scaling group" and "Scaling cooldowns" (default 300 s).
    """

    capacity_per_instance: float = 100.0
    min_size: int = 2
    max_size: int = 20
    initial_size: int | None = None
    warmup_s: float = 300.0

    def __post_init__(self) -> None:
        """Validate the parameters."""
        check_positive(self.capacity_per_instance, "capacity_per_instance", "units/s")
        lo = check_int(self.min_size, "min_size", minimum=0)
        hi = check_int(self.max_size, "max_size", minimum=1)
        if hi < lo:
            msg = f"max_size must be >= min_size; got min_size={lo}, max_size={hi}."
            raise InvalidInputError(msg)
        if self.initial_size is not None:
            n = check_int(self.initial_size, "initial_size", minimum=0)
            if not lo <= n <= hi:
                msg = f"initial_size must be within [min_size, max_size] = [{lo}, {hi}]; got {n}."
                raise InvalidInputError(msg)
        check_nonnegative(self.warmup_s, "warmup_s", "s")

    @property
    def start_size(self) -> int:
        """Return the instances in service at the start of the simulation [instances]."""
        return self.min_size if self.initial_size is None else self.initial_size


@dataclass(frozen=True)
class StepScalingPolicy:
    """A CloudWatch alarm on average utilisation with a percentage step out and in.

    The seed's policy: when average CPU is above 80 %, add 30 % capacity. A second alarm
    removes capacity when utilisation stays low.

    Parameters
    ----------
    alarm_threshold : float, default 0.80
        Scale out when utilisation is above this (``GreaterThanThreshold``). [fraction]
    evaluation_periods : int, default 3
        N: metric periods the scale-out alarm looks at. [periods]
    datapoints_to_alarm : int, optional
        M: breaching periods among the N needed for ALARM; ``None`` means N. [periods]
    adjustment_percent : float, default 30.0
        ``PercentChangeInCapacity`` added on scale-out, of the current desired capacity;
        fractional results round as AWS does (above 1 down, between 0 and 1 up to 1). [%]
    min_adjustment : int, default 1
        ``MinAdjustmentMagnitude``: the least number of instances a step changes. [instances]
    scale_in_threshold : float or None, default 0.30
        Scale in when utilisation is below this (``LessThanThreshold``); ``None`` disables
        scale-in. [fraction]
    scale_in_evaluation_periods : int, default 15
        N for the scale-in alarm (all must breach); long, so the group scales in slowly. [periods]
    scale_in_percent : float, default 20.0
        Capacity removed on scale-in, as a percentage of the current desired capacity. [%]
    cooldown_s : float, default 300.0
        After an action, no further action for this long (the group's default cooldown, 300 s;
        set 0 to model pure step scaling, which relies on warm-up instead). [s]

    References
    ----------
    AWS, *Amazon EC2 Auto Scaling User Guide*, "Step and simple scaling policies"
    (``PercentChangeInCapacity``, ``MinAdjustmentMagnitude``, rounding) and "Scaling
    cooldowns" (default 300 s); *Amazon CloudWatch User Guide*, "Evaluating an alarm"
    (evaluation periods, datapoints to alarm).
    """

    alarm_threshold: float = 0.80
    evaluation_periods: int = 3
    datapoints_to_alarm: int | None = None
    adjustment_percent: float = 30.0
    min_adjustment: int = 1
    scale_in_threshold: float | None = 0.30
    scale_in_evaluation_periods: int = 15
    scale_in_percent: float = 20.0
    cooldown_s: float = 300.0

    def __post_init__(self) -> None:
        """Validate the parameters."""
        high = check_fraction(self.alarm_threshold, "alarm_threshold", open_low=True, open_high=True)
        n = check_int(self.evaluation_periods, "evaluation_periods", minimum=1)
        if self.datapoints_to_alarm is not None:
            m = check_int(self.datapoints_to_alarm, "datapoints_to_alarm", minimum=1)
            if m > n:
                msg = f"datapoints_to_alarm must be <= evaluation_periods ({n}); got {m}."
                raise InvalidInputError(msg)
        check_positive(self.adjustment_percent, "adjustment_percent", "%")
        check_int(self.min_adjustment, "min_adjustment", minimum=1)
        if self.scale_in_threshold is not None:
            low = check_fraction(self.scale_in_threshold, "scale_in_threshold", open_low=True, open_high=True)
            if low >= high:
                msg = (
                    f"scale_in_threshold must be below alarm_threshold ({high:g}) so the two alarms "
                    f"cannot fire together; got {low:g}."
                )
                raise InvalidInputError(msg)
        check_int(self.scale_in_evaluation_periods, "scale_in_evaluation_periods", minimum=1)
        pct = check_positive(self.scale_in_percent, "scale_in_percent", "%")
        if pct > 100:
            msg = f"scale_in_percent must be <= 100 %; got {pct:g}."
            raise InvalidInputError(msg)
        check_nonnegative(self.cooldown_s, "cooldown_s", "s")


@dataclass(frozen=True)
class TargetTrackingPolicy:
    """Keep average utilisation near a target: scale out fast, scale in slowly.

    Target tracking creates two alarms: a high one (metric above the target for 3 of 3
    one-minute datapoints) and a low one (below the target for 15 of 15). On the high alarm
    the desired capacity becomes ``ceil(in_service x utilisation / target)``; on the low alarm
    it shrinks to the same formula. Because utilisation saturates at 100 %, an overloaded group
    may need several steps to catch up, as on AWS.

    Parameters
    ----------
    target_utilisation : float, default 0.5
        The metric's target value. [fraction]
    scale_out_evaluation_periods : int, default 3
        Periods above target before scaling out (AWS: 3 datapoints in 3 minutes). [periods]
    scale_in_evaluation_periods : int, default 15
        Periods below the low threshold before scaling in (AWS: 15 in 15 minutes). [periods]
    scale_in_tolerance : float, default 0.1
        The low alarm's threshold is ``target x (1 - scale_in_tolerance)``: AWS sets it
        somewhat below the target so the group does not flap (cloudgeo's choice of 10 %). [fraction]
    scale_out_cooldown_s : float, default 300.0
        No further scale-out for this long after one (Application Auto Scaling default). [s]
    scale_in_cooldown_s : float, default 300.0
        No scale-in for this long after any action (Application Auto Scaling default). [s]
    disable_scale_in : bool, default False
        Never scale in. [-]

    References
    ----------
    AWS, *Amazon EC2 Auto Scaling User Guide*, "Target tracking scaling policies";
    *Application Auto Scaling User Guide*, "Target tracking scaling policies" (cooldown
    defaults of 300 s).
    """

    target_utilisation: float = 0.5
    scale_out_evaluation_periods: int = 3
    scale_in_evaluation_periods: int = 15
    scale_in_tolerance: float = 0.1
    scale_out_cooldown_s: float = 300.0
    scale_in_cooldown_s: float = 300.0
    disable_scale_in: bool = False

    def __post_init__(self) -> None:
        """Validate the parameters."""
        check_fraction(self.target_utilisation, "target_utilisation", open_low=True, open_high=True)
        check_int(self.scale_out_evaluation_periods, "scale_out_evaluation_periods", minimum=1)
        check_int(self.scale_in_evaluation_periods, "scale_in_evaluation_periods", minimum=1)
        check_fraction(self.scale_in_tolerance, "scale_in_tolerance", open_high=True)
        check_nonnegative(self.scale_out_cooldown_s, "scale_out_cooldown_s", "s")
        check_nonnegative(self.scale_in_cooldown_s, "scale_in_cooldown_s", "s")
        if not isinstance(self.disable_scale_in, bool):
            msg = f"disable_scale_in must be True or False, got {self.disable_scale_in!r}."
            raise InvalidTypeError(msg)


Policy = Union[StepScalingPolicy, TargetTrackingPolicy]  # noqa: UP007 (runtime alias)


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScalingSummary:
    """Figures of one autoscaling run.

    Attributes
    ----------
    periods : int
        Number of metric periods simulated. [periods]
    period_s : float
        Length of one period. [s]
    instance_hours : float
        Sum over periods of ``instances x period_s / 3600`` (instances warming up included:
        they are billed). [instance-h]
    utilisation_objective : float
        The utilisation above which a period counts as "hot". [fraction]
    share_periods_above_objective : float
        Share of periods with utilisation above the objective. [fraction]
    mean_utilisation : float
        Mean utilisation over the periods. [fraction]
    demand_total : float
        Total demand, ``sum(demand x period_s)`` (e.g. requests). [units]
    unserved_total : float
        Demand the in-service capacity could not serve. [units]
    unserved_share : float
        ``unserved_total / demand_total`` (0 when there is no demand). [fraction]
    scale_out_actions, scale_in_actions, scaling_actions : int
        Number of capacity changes out, in and in total. [-]
    max_instances, min_instances : int
        Largest and smallest instance count. [instances]
    """

    periods: int
    period_s: float
    instance_hours: float
    utilisation_objective: float
    share_periods_above_objective: float
    mean_utilisation: float
    demand_total: float
    unserved_total: float
    unserved_share: float
    scale_out_actions: int
    scale_in_actions: int
    scaling_actions: int
    max_instances: int
    min_instances: int

    def to_series(self) -> pd.Series:
        """Return the figures as a :class:`pandas.Series` indexed by name [-]."""
        return pd.Series(asdict(self), dtype=object)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(_fmt(v))}</td></tr>"
            for k, v in asdict(self).items()
        )
        return f"<table>{rows}</table>"


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


@dataclass(frozen=True, eq=False)
class ScalingResult:
    """Outcome of :func:`simulate_autoscaling`.

    Attributes
    ----------
    timeline : pandas.DataFrame
        One row per period, indexed like the demand: ``demand`` [units/s], ``instances``
        (running, billed) [instances], ``in_service_instances`` (past warm-up) [instances],
        ``capacity`` [units/s], ``utilisation`` [fraction], ``served`` and ``unserved``
        [units/s], ``alarm`` (``"scale-out"``, ``"scale-in"`` or ``""``: the alarm state after
        evaluating this period) and ``action`` (instances added, negative when removed, at the
        end of this period) [instances].
    summary : ScalingSummary
        Aggregate figures.
    policy : StepScalingPolicy or TargetTrackingPolicy
        The policy simulated.
    fleet : Fleet
        The group simulated.
    """

    timeline: pd.DataFrame
    summary: ScalingSummary
    policy: Policy
    fleet: Fleet = field(repr=False)

    def _repr_html_(self) -> str:
        name = type(self.policy).__name__
        return (
            f"<div><b>Autoscaling run</b> ({html.escape(name)}, {self.summary.periods} periods of "
            f"{self.summary.period_s:g} s)</div>{self.summary._repr_html_()}"
        )


# --------------------------------------------------------------------------------------------
# simulation
# --------------------------------------------------------------------------------------------


def _timestamps(index: pd.Index, mask: npt.NDArray[np.bool_]) -> str:
    picked = index[mask]
    shown = ", ".join(str(ts) for ts in picked[:_LISTED])
    more = len(picked) - min(len(picked), _LISTED)
    return shown + (f" (+{more} more)" if more > 0 else "")


def _check_demand_series(demand: object) -> pd.Series:
    """Return ``demand`` if it is a non-empty numeric Series on a DatetimeIndex (else raise)."""
    if not isinstance(demand, pd.Series):
        msg = f"demand must be a pandas Series with a DatetimeIndex, got {type(demand).__name__}."
        raise InvalidTypeError(msg)
    if not isinstance(demand.index, pd.DatetimeIndex):
        msg = (
            f"demand must have a DatetimeIndex (one timestamp per metric period), got "
            f"{type(demand.index).__name__}. Use pd.Series(values, index=pd.date_range(...))."
        )
        raise InvalidTypeError(msg)
    if len(demand) == 0:
        msg = "demand is empty; pass at least one period."
        raise InvalidInputError(msg)
    if demand.dtype == bool or not pd.api.types.is_numeric_dtype(demand.dtype):
        msg = f"demand must be numeric (a rate such as requests/s), got dtype {demand.dtype}."
        raise InvalidTypeError(msg)
    return demand


def _demand_period(demand: pd.Series, period_s: float | None) -> tuple[float, list[str]]:
    """Return the period [s] (given or the most common step) and the problems of the index."""
    index = cast(pd.DatetimeIndex, demand.index)  # checked by _check_demand_series
    problems: list[str] = []
    stamps = index.as_unit("ns").asi8
    steps = np.diff(stamps)
    order_bad = np.concatenate([[False], steps <= 0])
    if order_bad.any():
        problems.append(
            "the index must be strictly increasing (sorted, no duplicates); it is not at "
            f"{_timestamps(index, order_bad)}. Sort it and drop duplicates first."
        )
    if period_s is not None:
        period = check_positive(period_s, "period_s", "s")
    elif len(demand) >= 2 and (steps > 0).any():
        values, counts = np.unique(steps[steps > 0], return_counts=True)
        period = float(values[np.argmax(counts)]) / 1e9
    elif len(demand) >= 2:
        period = 0.0  # ordering problem already reported
    else:
        msg = "demand has a single period, so its period cannot be inferred; pass period_s."
        raise InvalidInputError(msg)
    if not order_bad.any() and len(demand) >= 2:
        expected_ns = round(period * 1e9)
        gap = np.concatenate([[False], steps != expected_ns])
        if gap.any():
            first = int(np.flatnonzero(gap)[0])
            problems.append(
                f"the index must be regular (one step of {period:g} s); it jumps to "
                f"{_timestamps(index, gap)} (first jump: {index[first - 1]} -> {index[first]}, "
                f"{steps[first - 1] / 1e9:g} s). Fill gaps (e.g. demand.asfreq('{period:g}s')) "
                "and decide how to fill them explicitly."
            )
    return period, problems


def _demand_value_problems(
    values: npt.NDArray[np.float64], index: pd.Index, period: float, *, index_ok: bool
) -> list[str]:
    """Return the problems of the demand values: not finite, negative, or overflowing totals.

    The totals are checked only when nothing else is wrong (``index_ok`` and the values).
    """
    problems = nonfinite_problems("demand", values, lambda mask: f"at {_timestamps(index, mask)}")
    with np.errstate(invalid="ignore"):
        neg = values < 0
    if neg.any():
        problems.append(f"demand is negative at {_timestamps(index, neg)}; demand is a rate >= 0")
    if index_ok and not problems:
        with np.errstate(over="ignore"):
            total = float(np.sum(values)) * period
        if not np.isfinite(total):
            problems.append(
                "demand x period summed over the run exceeds the float range (~1.8e308), so the "
                "summary totals would be infinite; express demand in larger units (e.g. thousands/s)"
            )
    return problems


def _demand_arrays(demand: object, period_s: float | None) -> tuple[npt.NDArray[np.float64], float]:
    """Validate the demand series; return its values and the period length [s]."""
    series = _check_demand_series(demand)
    period, problems = _demand_period(series, period_s)
    values = series.to_numpy(dtype=float, na_value=np.nan)
    problems += _demand_value_problems(values, series.index, period, index_ok=not problems)
    raise_if_problems("demand", problems)
    return values, period


def _aws_round(x: float) -> int:
    """Round a fractional adjustment as EC2 Auto Scaling does (towards zero, but never to 0)."""
    if x >= 1:
        return math.floor(x)
    if x > 0:
        return 1
    if x <= -1:
        return math.ceil(x)
    if x < 0:
        return -1
    return 0


@dataclass(frozen=True)
class _Rules:
    """The group and policy of one run in metric periods (what the per-period loop reads)."""

    capacity_per_instance: float  # [units/s]
    min_size: int
    max_size: int
    warmup_periods: int
    high_threshold: float  # scale-out alarm above this utilisation [fraction]
    out_periods: int  # evaluation periods of the scale-out alarm
    out_datapoints: int  # breaching datapoints among them that raise it
    low_threshold: float  # scale-in alarm below this utilisation (-1: never) [fraction]
    in_periods: int  # evaluation periods (all breaching) of the scale-in alarm
    cooldown_out: int  # [periods]
    cooldown_in: int  # [periods]
    cooldown_in_after_out: int  # [periods]
    step: bool  # step scaling (percent adjustments) rather than target tracking
    out_percent: float
    in_percent: float
    min_adjustment: int


def _periods(seconds: float, period: float) -> int:
    """Return the whole metric periods covering ``seconds``, at least 1."""
    return max(1, math.ceil(float(seconds) / period - 1e-9))


def _policy_rules(policy: Policy, period: float) -> dict[str, Any]:
    """Return the alarm, cooldown and adjustment fields of :class:`_Rules` for ``policy``."""
    if isinstance(policy, StepScalingPolicy):
        n_out = int(policy.evaluation_periods)
        cd = _periods(policy.cooldown_s, period)
        return {
            "high_threshold": float(policy.alarm_threshold),
            "out_periods": n_out,
            "out_datapoints": int(policy.datapoints_to_alarm or n_out),
            "low_threshold": -1.0 if policy.scale_in_threshold is None else float(policy.scale_in_threshold),
            "in_periods": int(policy.scale_in_evaluation_periods),
            "cooldown_out": cd,
            "cooldown_in": cd,
            "cooldown_in_after_out": cd,
            "step": True,
            "out_percent": float(policy.adjustment_percent),
            "in_percent": float(policy.scale_in_percent),
            "min_adjustment": int(policy.min_adjustment),
        }
    target = float(policy.target_utilisation)
    cd_in = _periods(policy.scale_in_cooldown_s, period)
    return {
        "high_threshold": target,
        "out_periods": int(policy.scale_out_evaluation_periods),
        "out_datapoints": int(policy.scale_out_evaluation_periods),
        "low_threshold": -1.0
        if policy.disable_scale_in
        else target * (1.0 - float(policy.scale_in_tolerance)),
        "in_periods": int(policy.scale_in_evaluation_periods),
        "cooldown_out": _periods(policy.scale_out_cooldown_s, period),
        "cooldown_in": cd_in,
        "cooldown_in_after_out": cd_in,
        "step": False,
        "out_percent": 0.0,
        "in_percent": 0.0,
        "min_adjustment": 0,
    }


def _rules(policy: Policy, fleet: Fleet, period: float) -> _Rules:
    return _Rules(
        capacity_per_instance=float(fleet.capacity_per_instance),
        min_size=int(fleet.min_size),
        max_size=int(fleet.max_size),
        warmup_periods=math.ceil(float(fleet.warmup_s) / period - 1e-9),
        **_policy_rules(policy, period),
    )


@dataclass(frozen=True)
class _Trace:
    """Per-period arrays of one run, filled in by :func:`_simulate`."""

    instances: npt.NDArray[np.int64]
    in_service: npt.NDArray[np.int64]
    utilisation: npt.NDArray[np.float64]
    served: npt.NDArray[np.float64]
    action: npt.NDArray[np.int64]
    alarm: npt.NDArray[np.object_]

    @classmethod
    def empty(cls, n: int) -> _Trace:
        """Return the arrays of an ``n``-period run (actions 0, alarms "")."""
        return cls(
            np.empty(n, dtype=np.int64),
            np.empty(n, dtype=np.int64),
            np.empty(n, dtype=float),
            np.empty(n, dtype=float),
            np.zeros(n, dtype=np.int64),
            np.full(n, "", dtype=object),
        )


def _scale_out_count(instances: int, in_service: int, u: float, rules: _Rules) -> int:
    """Return the instances a scale-out adds (<= 0: none), capped at the group's maximum."""
    if rules.step:
        new = instances + max(_aws_round(instances * rules.out_percent / 100.0), rules.min_adjustment)
    else:
        new = math.ceil(max(in_service, 1) * u / rules.high_threshold - 1e-9)
    return min(new, rules.max_size) - instances


def _scale_in_count(instances: int, in_service: int, u: float, rules: _Rules) -> int:
    """Return the instances a scale-in removes (<= 0: none), never below the group's minimum."""
    if rules.step:
        new = instances - max(-_aws_round(-instances * rules.in_percent / 100.0), rules.min_adjustment)
    else:
        new = math.ceil(in_service * u / rules.high_threshold - 1e-9)
    return instances - max(new, rules.min_size)


def _cancel_warming(pending: deque[list[int]], count: int) -> int:
    """Remove up to ``count`` warming instances, newest first; return how many were removed."""
    taken = 0
    while count > taken and pending:
        take = min(count - taken, pending[-1][1])
        pending[-1][1] -= take
        taken += take
        if pending[-1][1] == 0:
            pending.pop()
    return taken


def _simulate(values: npt.NDArray[np.float64], rules: _Rules, start_size: int) -> _Trace:
    """Run the group period by period (alarms on sliding windows, cooldowns, warm-up)."""
    n = len(values)
    trace = _Trace.empty(n)
    instances_a, in_service_a, util_a, served_a = (
        trace.instances,
        trace.in_service,
        trace.utilisation,
        trace.served,
    )
    cap, high_thr, low_thr = rules.capacity_per_instance, rules.high_threshold, rules.low_threshold
    n_out, m_out, n_in = rules.out_periods, rules.out_datapoints, rules.in_periods
    in_service = start_size
    pending: deque[list[int]] = deque()  # [ready_period, count], oldest first
    n_pending = 0
    high_flags, low_flags = [False] * n, [False] * n  # breaching periods of the alarm windows
    high_count = low_count = 0
    next_out = next_in = 0  # first period at which an action is allowed
    for t, d in enumerate(values.tolist()):
        while pending and pending[0][0] <= t:
            _, count = pending.popleft()
            in_service += count
            n_pending -= count
        instances = in_service + n_pending
        capacity = in_service * cap
        served = d if d <= capacity else capacity
        u = served / capacity if capacity > 0 else (1.0 if d > 0 else 0.0)
        instances_a[t], in_service_a[t], util_a[t], served_a[t] = instances, in_service, u, served
        h, lw = u > high_thr, u < low_thr
        high_flags[t], low_flags[t] = h, lw
        high_count += h
        low_count += lw
        if t >= n_out and high_flags[t - n_out]:
            high_count -= 1
        if t >= n_in and low_flags[t - n_in]:
            low_count -= 1
        if t + 1 >= n_out and high_count >= m_out:
            trace.alarm[t] = "scale-out"
            added = (
                _scale_out_count(instances, in_service, u, rules)
                if t >= next_out and instances < rules.max_size
                else 0
            )
            if added > 0:
                n_pending += added
                pending.append([t + 1 + rules.warmup_periods, added])
                trace.action[t] = added
                next_out, next_in = t + rules.cooldown_out, max(next_in, t + rules.cooldown_in_after_out)
        elif t + 1 >= n_in and low_count >= n_in:
            trace.alarm[t] = "scale-in"
            removed = (
                _scale_in_count(instances, in_service, u, rules)
                if t >= next_in and instances > rules.min_size
                else 0
            )
            if removed > 0:
                trace.action[t] = -removed
                warming = _cancel_warming(pending, removed)  # warming instances go first
                n_pending, in_service = n_pending - warming, in_service - (removed - warming)
                next_in, next_out = t + rules.cooldown_in, max(next_out, t + 1)
    return trace


def _timeline(values: npt.NDArray[np.float64], trace: _Trace, rules: _Rules, index: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "demand": values,
            "instances": trace.instances,
            "in_service_instances": trace.in_service,
            "capacity": (trace.in_service * rules.capacity_per_instance).astype(float),
            "utilisation": trace.utilisation,
            "served": trace.served,
            "unserved": values - trace.served,
            "alarm": pd.array(trace.alarm, dtype="string"),
            "action": trace.action,
        },
        index=index.copy(),
    )


def _summary(
    values: npt.NDArray[np.float64], trace: _Trace, period: float, objective: float
) -> ScalingSummary:
    hours = period / 3600.0
    demand_total = float(values.sum() * period)
    unserved_total = float((values - trace.served).sum() * period)
    action = trace.action
    return ScalingSummary(
        periods=len(values),
        period_s=period,
        instance_hours=float(trace.instances.sum() * hours),
        utilisation_objective=objective,
        share_periods_above_objective=float(np.mean(trace.utilisation > objective)),
        mean_utilisation=float(trace.utilisation.mean()),
        demand_total=demand_total,
        unserved_total=unserved_total,
        unserved_share=unserved_total / demand_total if demand_total > 0 else 0.0,
        scale_out_actions=int((action > 0).sum()),
        scale_in_actions=int((action < 0).sum()),
        scaling_actions=int((action != 0).sum()),
        max_instances=int(trace.instances.max()),
        min_instances=int(trace.instances.min()),
    )


def simulate_autoscaling(
    demand: pd.Series,
    policy: Policy,
    *,
    fleet: Fleet | None = None,
    period_s: float | None = None,
    utilisation_objective: float = 0.8,
) -> ScalingResult:
    """Simulate an Auto Scaling group following ``demand`` under ``policy``.

    The model and its timing convention are in the Notes below.

    Parameters
    ----------
    demand : pandas.Series
        Demand rate per metric period (e.g. requests/s averaged over the period), on a regular
        :class:`pandas.DatetimeIndex`; no gaps, NaN or negative values. [units/s]
    policy : StepScalingPolicy or TargetTrackingPolicy
        The scaling policy. [-]
    fleet : Fleet, optional
        The group; default ``Fleet()``. [-]
    period_s : float, optional
        Metric period; inferred from the index when omitted (and checked against it when
        given). [s]
    utilisation_objective : float, default 0.8
        Utilisation above which a period counts as too hot in the summary. [fraction]

    Returns
    -------
    ScalingResult
        ``timeline`` (indexed like ``demand``) and ``summary``. [-]

    Raises
    ------
    InvalidTypeError
        If ``demand`` is not a numeric Series with a DatetimeIndex, or ``policy`` / ``fleet``
        have the wrong type.
    DataValidationError
        If the index is unsorted, duplicated or irregular, or values are NaN, infinite or
        negative (the first offending timestamps are named).

    Notes
    -----
    The model follows how Amazon EC2 Auto Scaling reacts to load, one metric period at a time:

    1. **Load.** Each period carries a demand rate (e.g. requests/s). Instances that are *in
       service* (launched and past their warm-up) share it; the fleet serves at most
       ``in_service x capacity_per_instance`` and the rest is *unserved*. The metric is the
       fleet's average utilisation (the analogue of ``CPUUtilization`` averaged over the group):
       ``served / capacity``, a fraction in [0, 1].
    2. **Alarm.** A CloudWatch alarm compares the metric of each period with a threshold and goes
       to ALARM when *M out of the last N* datapoints breach it ("datapoints to alarm" out of
       "evaluation periods"). One metric period here is one step of the demand series (EC2 basic
       monitoring publishes every 300 s, detailed monitoring every 60 s: resample the demand to
       match).
    3. **Policy.** While the alarm is in ALARM and no cooldown is running, the policy changes the
       desired capacity: a :class:`StepScalingPolicy` by a percentage of the current capacity
       (``PercentChangeInCapacity``, at least ``MinAdjustmentMagnitude`` instances); a
       :class:`TargetTrackingPolicy` to the capacity that brings the metric back to its target
       (quickly out, slowly in). Capacity stays within the group's min and max size.
    4. **Warm-up.** New instances are billed from launch but serve load only after the warm-up.
       Scale-in removes instances that are still warming up first (they carry no load), then
       in-service ones.

    Timing convention: the metric of period ``t`` is evaluated at the end of period ``t``; an action
    there changes ``instances`` from period ``t + 1`` and ``in_service_instances`` from period
    ``t + 1 + ceil(warmup_s / period_s)``. With a step in demand at period ``t0`` that breaches at
    once, an N-of-N alarm fires at ``t0 + N - 1``.

    Simplifications (documented, deliberate): one metric, one step per direction, no
    Availability-Zone rebalancing, no instance failures, no launch failures, identical instances,
    and step scaling modelled with the cooldown of simple scaling (set ``cooldown_s=0`` for pure
    step scaling, which relies on warm-up alone).

    References
    ----------
    AWS, *Amazon EC2 Auto Scaling User Guide* and *Amazon CloudWatch User Guide* (see the
    module docstring).
    """
    if not isinstance(policy, (StepScalingPolicy, TargetTrackingPolicy)):
        msg = f"policy must be a StepScalingPolicy or TargetTrackingPolicy, got {type(policy).__name__}."
        raise InvalidTypeError(msg)
    fleet = Fleet() if fleet is None else fleet
    if not isinstance(fleet, Fleet):
        msg = f"fleet must be a Fleet, got {type(fleet).__name__}."
        raise InvalidTypeError(msg)
    objective = check_fraction(utilisation_objective, "utilisation_objective")
    values, period = _demand_arrays(demand, period_s)
    rules = _rules(policy, fleet, period)
    trace = _simulate(values, rules, fleet.start_size)
    timeline = _timeline(values, trace, rules, demand.index)
    summary = _summary(values, trace, period, objective)
    return ScalingResult(timeline=timeline, summary=summary, policy=policy, fleet=fleet)


# --------------------------------------------------------------------------------------------
# demand generators
# --------------------------------------------------------------------------------------------


#: Most periods the demand generators produce (19 years of minutes; 80 MB per float column). [-]
MAX_PERIODS = 10_000_000


def _time_axis(start: str | pd.Timestamp, days: float, freq: str) -> tuple[pd.DatetimeIndex, float]:
    span_days = check_positive(days, "days", "days")
    if not isinstance(freq, str):
        msg = f"freq must be a time step string such as '1min', '5min' or '1h'; got {freq!r}."
        raise InvalidTypeError(msg)
    try:
        step = pd.to_timedelta(freq)
    except (TypeError, ValueError):
        msg = f"freq must be a time step such as '1min', '5min' or '1h'; got {freq!r}."
        raise InvalidInputError(msg) from None
    step_s = step.total_seconds()
    if not step_s > 0:
        msg = f"freq must be a positive time step; got {freq!r}."
        raise InvalidInputError(msg)
    periods = round(span_days * 86400.0 / step_s)
    if periods > MAX_PERIODS:
        msg = (
            f"days={span_days:g} at freq={freq!r} gives {periods:,} periods, more than the bound of "
            f"{MAX_PERIODS:,} (about 80 MB per column); pass fewer days or a coarser freq."
        )
        raise InvalidInputError(msg)
    if periods < 1:
        msg = f"days={span_days:g} is shorter than one step of freq={freq!r}; nothing to generate."
        raise InvalidInputError(msg)
    try:
        if isinstance(start, str):  # ISO only: '01/07/2019' must not silently become 7 January
            _dt.datetime.fromisoformat(start.strip())
        t0 = pd.Timestamp(start)
    except (TypeError, ValueError):
        msg = f"start must be a date or timestamp such as '2019-07-01'; got {start!r}."
        raise InvalidInputError(msg) from None
    if pd.isna(t0):
        msg = f"start must be a date or timestamp such as '2019-07-01'; got {start!r}."
        raise InvalidInputError(msg)
    try:
        return pd.date_range(t0, periods=periods, freq=step), step_s
    except pd.errors.OutOfBoundsDatetime:
        msg = (
            f"start={start!r} plus days={span_days:g} ends after the last date pandas can hold "
            f"({pd.Timestamp.max.date()}); pass fewer days or an earlier start."
        )
        raise InvalidInputError(msg) from None


def _daily_shape(index: pd.DatetimeIndex, amplitude: float, peak_hour: float) -> npt.NDArray[np.float64]:
    hours = index.hour.to_numpy() + index.minute.to_numpy() / 60.0 + index.second.to_numpy() / 3600.0
    return 1.0 + amplitude * np.cos(2.0 * np.pi * (hours - peak_hour) / 24.0)


def _noise(n: int, sigma: float, seed: int | np.random.Generator | None) -> npt.NDArray[np.float64]:
    seed = check_seed(seed, allow_generator=True)
    if sigma == 0:
        return np.ones(n)
    rng = np.random.default_rng(seed)
    # log-normal with mean 1: multiplicative noise that never makes demand negative
    return np.exp(sigma * rng.standard_normal(n) - 0.5 * sigma * sigma)


def _check_amplitude(value: object, name: str) -> float:
    a = check_number(value, name)
    if not 0 <= a < 1:
        msg = f"{name} must be in [0, 1) so demand stays positive; got {a:g}."
        raise InvalidInputError(msg)
    return a


def _check_hour(value: object) -> float:
    h = check_number(value, "peak_hour")
    if not 0 <= h < 24:
        msg = f"peak_hour must be in [0, 24) [h]; got {h:g}."
        raise InvalidInputError(msg)
    return h


def daily_demand(
    start: str | pd.Timestamp = "2019-07-01",
    *,
    days: float = 7.0,
    freq: str = "1min",
    mean_rps: float = 100.0,
    daily_amplitude: float = 0.5,
    peak_hour: float = 20.0,
    weekend_factor: float = 0.8,
    noise: float = 0.05,
    seed: int | np.random.Generator | None = None,
) -> pd.Series:
    """Synthetic demand with a daily cycle, a weekly (weekend) level and noise.

    ``demand = mean_rps x (1 + daily_amplitude x cos(2 pi (hour - peak_hour) / 24))
    x weekend_factor (Saturday, Sunday) x noise``, where the noise is log-normal with mean 1.

    Parameters
    ----------
    start : str or pandas.Timestamp, default "2019-07-01"
        First timestamp (a Monday by default). [-]
    days : float, default 7.0
        Length. [days]
    freq : str, default "1min"
        Step (the metric period). [-]
    mean_rps : float, default 100.0
        Weekday mean demand. [requests/s]
    daily_amplitude : float, default 0.5
        Relative daily swing, in [0, 1). [fraction]
    peak_hour : float, default 20.0
        Hour of the daily peak (of the index's clock). [h]
    weekend_factor : float, default 0.8
        Multiplier on Saturdays and Sundays. [-]
    noise : float, default 0.05
        Standard deviation of the log noise (about the relative noise). [-]
    seed : int or numpy.random.Generator, optional
        Seed for :func:`numpy.random.default_rng`. [-]

    Returns
    -------
    pandas.Series
        Demand named ``demand_rps`` on a regular DatetimeIndex. [requests/s]
    """
    index, _ = _time_axis(start, days, freq)
    mean = check_positive(mean_rps, "mean_rps", "requests/s")
    amp = _check_amplitude(daily_amplitude, "daily_amplitude")
    peak = _check_hour(peak_hour)
    weekend = check_positive(weekend_factor, "weekend_factor")
    sigma = check_nonnegative(noise, "noise")
    level = np.where(index.day_of_week.to_numpy() >= 5, weekend, 1.0)
    values = mean * _daily_shape(index, amp, peak) * level * _noise(len(index), sigma, seed)
    return pd.Series(values, index=index, name="demand_rps")


def surge_demand(
    start: str | pd.Timestamp = "2019-07-01",
    *,
    days: float = 1.0,
    freq: str = "1min",
    base_rps: float = 100.0,
    multiple: float = 5.0,
    surge_after_s: float | None = None,
    ramp_s: float = 0.0,
    surge_duration_s: float | None = None,
    noise: float = 0.0,
    seed: int | np.random.Generator | None = None,
) -> pd.Series:
    """Make a flat baseline that suddenly surges to a multiple of itself (a launch, a hype, news).

    Parameters
    ----------
    start : str or pandas.Timestamp, default "2019-07-01"
        First timestamp. [-]
    days : float, default 1.0
        Length. [days]
    freq : str, default "1min"
        Step (the metric period). [-]
    base_rps : float, default 100.0
        Demand before the surge. [requests/s]
    multiple : float, default 5.0
        Demand during the surge as a multiple of ``base_rps``. [-]
    surge_after_s : float, optional
        When the surge starts, counted from ``start``; default half-way. [s]
    ramp_s : float, default 0.0
        Time to climb linearly from the baseline to the surge level; 0 is a step. [s]
    surge_duration_s : float, optional
        How long the surge level holds before demand steps back to the baseline (the ramp
        included); default until the end. [s]
    noise : float, default 0.0
        Standard deviation of log-normal, mean-1 multiplicative noise. [-]
    seed : int or numpy.random.Generator, optional
        Seed for :func:`numpy.random.default_rng`. [-]

    Returns
    -------
    pandas.Series
        Demand named ``demand_rps`` on a regular DatetimeIndex. [requests/s]
    """
    index, step_s = _time_axis(start, days, freq)
    base = check_positive(base_rps, "base_rps", "requests/s")
    mult = check_positive(multiple, "multiple")
    span_s = len(index) * step_s
    at = span_s / 2 if surge_after_s is None else check_nonnegative(surge_after_s, "surge_after_s", "s")
    if at >= span_s:
        msg = f"surge_after_s must fall inside the series (< {span_s:g} s); got {at:g}."
        raise InvalidInputError(msg)
    ramp = check_nonnegative(ramp_s, "ramp_s", "s")
    hold = math.inf if surge_duration_s is None else check_positive(surge_duration_s, "surge_duration_s", "s")
    sigma = check_nonnegative(noise, "noise")
    t = np.arange(len(index)) * step_s - at
    frac = np.clip(t / ramp, 0.0, 1.0) if ramp > 0 else (t >= 0).astype(float)
    frac = np.where((t >= 0) & (t < hold), frac, 0.0)
    values = base * (1.0 + (mult - 1.0) * frac) * _noise(len(index), sigma, seed)
    return pd.Series(values, index=index, name="demand_rps")


def seasonal_decline_demand(
    start: str | pd.Timestamp = "2019-09-01",
    *,
    days: float = 28.0,
    freq: str = "1h",
    initial_rps: float = 200.0,
    final_fraction: float = 0.3,
    shape: str = "exponential",
    daily_amplitude: float = 0.3,
    peak_hour: float = 20.0,
    noise: float = 0.05,
    seed: int | np.random.Generator | None = None,
) -> pd.Series:
    """Demand that declines over weeks (end of a season or campaign), with a daily cycle.

    The trend falls from ``initial_rps`` to ``final_fraction x initial_rps`` at the end,
    exponentially (a constant relative decline per day) or linearly.

    Parameters
    ----------
    start : str or pandas.Timestamp, default "2019-09-01"
        First timestamp. [-]
    days : float, default 28.0
        Length. [days]
    freq : str, default "1h"
        Step (the metric period). [-]
    initial_rps : float, default 200.0
        Trend level at the start. [requests/s]
    final_fraction : float, default 0.3
        Trend level at the end as a fraction of the start, in (0, 1]. [fraction]
    shape : {"exponential", "linear"}, default "exponential"
        Form of the decline. [-]
    daily_amplitude : float, default 0.3
        Relative daily swing, in [0, 1). [fraction]
    peak_hour : float, default 20.0
        Hour of the daily peak. [h]
    noise : float, default 0.05
        Standard deviation of log-normal, mean-1 multiplicative noise. [-]
    seed : int or numpy.random.Generator, optional
        Seed for :func:`numpy.random.default_rng`. [-]

    Returns
    -------
    pandas.Series
        Demand named ``demand_rps`` on a regular DatetimeIndex. [requests/s]
    """
    index, _ = _time_axis(start, days, freq)
    initial = check_positive(initial_rps, "initial_rps", "requests/s")
    final = check_fraction(final_fraction, "final_fraction", open_low=True)
    check_choice(shape, "shape", ("exponential", "linear"))
    amp = _check_amplitude(daily_amplitude, "daily_amplitude")
    peak = _check_hour(peak_hour)
    sigma = check_nonnegative(noise, "noise")
    x = np.linspace(0.0, 1.0, len(index)) if len(index) > 1 else np.zeros(1)
    trend = final**x if shape == "exponential" else 1.0 - (1.0 - final) * x
    values = initial * trend * _daily_shape(index, amp, peak) * _noise(len(index), sigma, seed)
    return pd.Series(values, index=index, name="demand_rps")
