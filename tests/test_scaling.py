"""Tests for cloudgeo.scaling: alarm timing, limits, accounting, convergence, invariants, errors.

AWS behaviours checked (Amazon EC2 Auto Scaling User Guide, "Step and simple scaling
policies"): PercentChangeInCapacity results above 1 are rounded down (12.7 -> 12), between 0
and 1 up to 1, and MinAdjustmentMagnitude sets the least change.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudgeo import scaling as s
from cloudgeo.errors import DataValidationError, InvalidInputError, InvalidTypeError


def flat(value: float, periods: int, freq: str = "1min") -> pd.Series:
    index = pd.date_range("2019-07-01", periods=periods, freq=freq)
    return pd.Series(float(value), index=index, name="demand_rps")


def step(before: float, after: float, at: int, periods: int) -> pd.Series:
    demand = flat(before, periods)
    demand.iloc[at:] = after
    return demand


FLEET = s.Fleet(capacity_per_instance=100.0, min_size=2, max_size=10, initial_size=4, warmup_s=180.0)


def test_flat_demand_below_threshold_never_alarms() -> None:
    # 4 instances x 100 rps, 300 rps -> 75 % < 80 %; scale-in threshold 30 % not reached either
    result = s.simulate_autoscaling(flat(300.0, 600), s.StepScalingPolicy(), fleet=FLEET)
    tl = result.timeline
    assert (tl["alarm"] == "").all()
    assert (tl["action"] == 0).all()
    assert (tl["instances"] == 4).all()
    assert tl["utilisation"].to_numpy() == pytest.approx(0.75)
    assert result.summary.scaling_actions == 0
    assert result.summary.unserved_total == 0.0


def test_step_triggers_scale_out_after_evaluation_periods_and_warmup() -> None:
    t0, n_eval = 50, 3
    policy = s.StepScalingPolicy(evaluation_periods=n_eval, adjustment_percent=30, cooldown_s=600)
    result = s.simulate_autoscaling(step(300.0, 600.0, t0, 200), policy, fleet=FLEET)
    tl = result.timeline.reset_index(drop=True)
    fired = int(np.flatnonzero(tl["alarm"] == "scale-out")[0])
    assert fired == t0 + n_eval - 1  # N breaching datapoints: t0, t0+1, t0+2
    first_action = int(np.flatnonzero(tl["action"] != 0)[0])
    assert first_action == fired
    # 30 % of 4 = 1.2 -> rounded down to 1 instance (AWS rounding)
    assert tl.loc[first_action, "action"] == 1
    assert tl.loc[first_action, "instances"] == 4
    assert tl.loc[first_action + 1, "instances"] == 5  # billed from launch
    warm_periods = math.ceil(FLEET.warmup_s / 60.0)
    ready = first_action + 1 + warm_periods
    assert tl.loc[ready - 1, "in_service_instances"] == 4
    assert tl.loc[ready, "in_service_instances"] == 5


def test_adjustment_rounding_and_min_adjustment() -> None:
    fleet = s.Fleet(capacity_per_instance=10.0, min_size=1, max_size=100, initial_size=10, warmup_s=0)
    demand = step(50.0, 10_000.0, 5, 12)
    # 30 % of 10 = 3
    out = s.simulate_autoscaling(demand, s.StepScalingPolicy(evaluation_periods=1), fleet=fleet).timeline
    assert out["action"].iloc[5] == 3
    # 5 % of 10 = 0.5 -> 1 (AWS rounds values between 0 and 1 up to 1); min_adjustment 4 wins
    big = s.StepScalingPolicy(evaluation_periods=1, adjustment_percent=5, min_adjustment=4)
    out2 = s.simulate_autoscaling(demand, big, fleet=fleet).timeline
    assert out2["action"].iloc[5] == 4
    small = s.StepScalingPolicy(evaluation_periods=1, adjustment_percent=5)
    out3 = s.simulate_autoscaling(demand, small, fleet=fleet).timeline
    assert out3["action"].iloc[5] == 1


def test_aws_rounding_examples() -> None:
    # the User Guide's examples: 12.7 -> 12, 0.67 -> 1, -0.67 -> -1, -6.67 -> -6
    assert s._aws_round(12.7) == 12
    assert s._aws_round(0.67) == 1
    assert s._aws_round(-0.67) == -1
    assert s._aws_round(-6.67) == -6
    assert s._aws_round(0.0) == 0


def test_cooldown_spaces_actions() -> None:
    fleet = s.Fleet(capacity_per_instance=10.0, min_size=1, max_size=1000, initial_size=2, warmup_s=0)
    demand = flat(1e6, 60)
    policy = s.StepScalingPolicy(evaluation_periods=1, cooldown_s=300)
    tl = s.simulate_autoscaling(demand, policy, fleet=fleet).timeline
    acts = np.flatnonzero(tl["action"].to_numpy() != 0)
    assert np.all(np.diff(acts) == 5)


def test_max_size_never_exceeded_and_min_size_respected() -> None:
    fleet = s.Fleet(capacity_per_instance=100.0, min_size=3, max_size=7, warmup_s=60)
    demand = pd.concat([flat(10_000.0, 120), flat(1.0, 240)])
    demand.index = pd.date_range("2019-07-01", periods=len(demand), freq="1min")
    result = s.simulate_autoscaling(demand, s.StepScalingPolicy(cooldown_s=60), fleet=fleet)
    tl = result.timeline
    assert tl["instances"].max() == 7
    assert tl["instances"].min() >= 3
    assert tl["instances"].iloc[-1] == 3  # scaled back in to min_size
    assert (tl["alarm"] == "scale-out").any()
    assert (tl["alarm"] == "scale-in").any()
    assert result.summary.max_instances == 7
    assert result.summary.scale_in_actions > 0


def test_instance_hours_equal_sum_over_periods() -> None:
    demand = s.daily_demand(days=2, freq="5min", seed=3)
    result = s.simulate_autoscaling(demand, s.StepScalingPolicy(), fleet=s.Fleet(capacity_per_instance=40))
    expected = float(result.timeline["instances"].sum()) * 300.0 / 3600.0
    assert result.summary.instance_hours == expected
    assert result.summary.period_s == 300.0


def test_target_tracking_converges_on_flat_demand() -> None:
    fleet = s.Fleet(capacity_per_instance=100.0, min_size=1, max_size=100, initial_size=2, warmup_s=120)
    result = s.simulate_autoscaling(
        flat(2000.0, 600), s.TargetTrackingPolicy(target_utilisation=0.5), fleet=fleet
    )
    tail = result.timeline.iloc[-60:]
    assert tail["utilisation"].to_numpy() == pytest.approx(0.5, abs=0.03)
    assert (tail["instances"] == 40).all()
    assert (tail["unserved"] == 0).all()


def test_target_tracking_scales_in_slowly_and_can_be_disabled() -> None:
    fleet = s.Fleet(capacity_per_instance=100.0, min_size=1, max_size=100, initial_size=20, warmup_s=0)
    demand = flat(200.0, 60)
    tl = s.simulate_autoscaling(demand, s.TargetTrackingPolicy(), fleet=fleet).timeline.reset_index(drop=True)
    first_in = int(np.flatnonzero(tl["action"].to_numpy() < 0)[0])
    assert first_in == 14  # 15 low datapoints needed (AWS: 15 within 15 minutes)
    assert tl["instances"].iloc[-1] == 4  # 200 rps at 50 % of 100 rps per instance
    off = s.simulate_autoscaling(demand, s.TargetTrackingPolicy(disable_scale_in=True), fleet=fleet)
    assert off.summary.scaling_actions == 0


def test_scale_in_removes_warming_instances_first() -> None:
    fleet = s.Fleet(capacity_per_instance=100.0, min_size=1, max_size=50, initial_size=4, warmup_s=3600)
    demand = pd.concat([flat(1000.0, 5), flat(10.0, 40)])
    demand.index = pd.date_range("2019-07-01", periods=len(demand), freq="1min")
    policy = s.StepScalingPolicy(evaluation_periods=1, scale_in_evaluation_periods=2, cooldown_s=60)
    tl = s.simulate_autoscaling(demand, policy, fleet=fleet).timeline
    # warming instances never come into service before the run ends; in-service stays at 4
    # until every warming one has been removed
    removed_inservice = tl["in_service_instances"] < 4
    warming = tl["instances"] - tl["in_service_instances"]
    assert not (removed_inservice & (warming.shift(1, fill_value=0) > 0)).any()


def test_contracts_index_kept_input_untouched_repr() -> None:
    demand = s.surge_demand(days=0.5, seed=1, noise=0.1)
    before = demand.copy()
    result = s.simulate_autoscaling(demand, s.StepScalingPolicy())
    pd.testing.assert_series_equal(demand, before)
    assert result.timeline.index.equals(demand.index)
    assert list(result.timeline.columns) == [
        "demand",
        "instances",
        "in_service_instances",
        "capacity",
        "utilisation",
        "served",
        "unserved",
        "alarm",
        "action",
    ]
    html = result._repr_html_()
    assert "instance_hours" in html
    assert "StepScalingPolicy" in html
    assert result.summary.to_series()["periods"] == len(demand)
    with pytest.raises(AttributeError):
        result.summary.periods = 3  # type: ignore[misc]


def test_week_of_minutes_runs() -> None:
    demand = s.daily_demand(days=7, freq="1min", seed=0)
    assert len(demand) == 10_080
    result = s.simulate_autoscaling(demand, s.TargetTrackingPolicy(), fleet=s.Fleet(capacity_per_instance=30))
    assert result.summary.periods == 10_080


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(min_value=0, max_value=5000, allow_nan=False), min_size=1, max_size=200),
    target=st.booleans(),
    warmup=st.sampled_from([0.0, 60.0, 600.0]),
    min_size=st.integers(min_value=0, max_value=3),
    extra=st.integers(min_value=0, max_value=10),
)
def test_invariants_on_random_demand(
    values: list[float], target: bool, warmup: float, min_size: int, extra: int
) -> None:
    demand = pd.Series(values, index=pd.date_range("2020-01-01", periods=len(values), freq="1min"))
    fleet = s.Fleet(
        capacity_per_instance=50.0, min_size=min_size, max_size=min_size + extra + 1, warmup_s=warmup
    )
    policy: s.StepScalingPolicy | s.TargetTrackingPolicy = (
        s.TargetTrackingPolicy(scale_in_evaluation_periods=2)
        if target
        else s.StepScalingPolicy(evaluation_periods=1, scale_in_evaluation_periods=2, cooldown_s=0)
    )
    result = s.simulate_autoscaling(demand, policy, fleet=fleet, period_s=60)
    tl = result.timeline
    np.testing.assert_allclose(tl["served"] + tl["unserved"], tl["demand"], rtol=0, atol=1e-9)
    assert ((tl["utilisation"] >= 0) & (tl["utilisation"] <= 1)).all()
    assert ((tl["instances"] >= fleet.min_size) & (tl["instances"] <= fleet.max_size)).all()
    assert (tl["in_service_instances"] <= tl["instances"]).all()
    assert (tl["unserved"] >= 0).all()
    assert result.summary.instance_hours == pytest.approx(tl["instances"].sum() / 60.0)


# --------------------------------------------------------------------------------------------
# demand generators
# --------------------------------------------------------------------------------------------


def test_daily_demand_shape_and_seed() -> None:
    a = s.daily_demand(days=14, freq="1h", seed=7)
    b = s.daily_demand(days=14, freq="1h", seed=7)
    pd.testing.assert_series_equal(a, b)
    assert a.name == "demand_rps"
    assert len(a) == 14 * 24
    assert (a > 0).all()
    quiet = s.daily_demand(days=7, freq="1h", noise=0, weekend_factor=1.0)
    assert quiet.idxmax().hour == 20
    assert quiet.idxmin().hour == 8
    assert quiet.mean() == pytest.approx(100.0)
    weekend = s.daily_demand(days=7, freq="1h", noise=0, weekend_factor=0.5)
    assert weekend[weekend.index.day_of_week >= 5].mean() == pytest.approx(50.0)


def test_surge_demand_step_ramp_and_duration() -> None:
    d = s.surge_demand(days=1, freq="1h", base_rps=10, multiple=3, surge_after_s=6 * 3600)
    assert d.iloc[5] == 10
    assert d.iloc[6] == 30
    assert d.iloc[-1] == 30
    ramp = s.surge_demand(days=1, freq="1h", base_rps=10, multiple=3, surge_after_s=0, ramp_s=4 * 3600)
    assert ramp.iloc[:5].tolist() == pytest.approx([10, 15, 20, 25, 30])
    short = s.surge_demand(
        days=1, freq="1h", base_rps=10, multiple=3, surge_after_s=3600, surge_duration_s=7200
    )
    assert short.iloc[:5].tolist() == [10, 30, 30, 10, 10]


def test_seasonal_decline() -> None:
    exp = s.seasonal_decline_demand(days=10, freq="1h", daily_amplitude=0, noise=0, final_fraction=0.25)
    assert exp.iloc[0] == pytest.approx(200.0)
    assert exp.iloc[-1] == pytest.approx(50.0)
    mid = exp.iloc[(len(exp) - 1) // 2 : (len(exp) - 1) // 2 + 2].mean()
    assert mid == pytest.approx(100.0, rel=0.01)  # geometric halfway
    lin = s.seasonal_decline_demand(days=10, freq="1h", daily_amplitude=0, noise=0, shape="linear")
    assert lin.iloc[-1] == pytest.approx(60.0)
    assert lin.is_monotonic_decreasing


# --------------------------------------------------------------------------------------------
# errors (every message matched)
# --------------------------------------------------------------------------------------------


def test_demand_errors() -> None:
    pol = s.StepScalingPolicy()
    idx = pd.date_range("2019-07-01", periods=5, freq="1min")
    with pytest.raises(
        InvalidTypeError, match=r"demand must be a pandas Series with a DatetimeIndex, got list"
    ):
        s.simulate_autoscaling([1, 2], pol)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"demand must have a DatetimeIndex .*got RangeIndex"):
        s.simulate_autoscaling(pd.Series([1.0, 2.0]), pol)
    with pytest.raises(InvalidInputError, match=r"demand is empty"):
        s.simulate_autoscaling(pd.Series([], index=pd.DatetimeIndex([]), dtype=float), pol)
    # text is dtype str on pandas 3, object on pandas 2.2
    with pytest.raises(InvalidTypeError, match=r"demand must be numeric .*got dtype (str|object)"):
        s.simulate_autoscaling(pd.Series(list("abcde"), index=idx), pol)
    with pytest.raises(
        InvalidInputError, match=r"single period, so its period cannot be inferred; pass period_s"
    ):
        s.simulate_autoscaling(pd.Series([1.0], index=idx[:1]), pol)
    gap = pd.Series(1.0, index=idx.delete(2))
    with pytest.raises(
        DataValidationError,
        match=r"(?s)must be regular \(one step of 60 s\); it jumps to 2019-07-01 00:03:00",
    ):
        s.simulate_autoscaling(gap, pol)
    unsorted = pd.Series(1.0, index=idx[[0, 2, 1, 3, 4]])
    with pytest.raises(DataValidationError, match=r"(?s)strictly increasing .*not at 2019-07-01 00:01:00"):
        s.simulate_autoscaling(unsorted, pol)
    with pytest.raises(DataValidationError, match=r"(?s)demand is NaN \(missing\) at 2019-07-01 00:02:00"):
        s.simulate_autoscaling(pd.Series([1, 1, np.nan, 1, 1], index=idx), pol)
    with pytest.raises(DataValidationError, match=r"(?s)demand is infinite at 2019-07-01 00:01:00"):
        s.simulate_autoscaling(pd.Series([1, np.inf, 1, 1, 1], index=idx), pol)
    with pytest.raises(
        DataValidationError, match=r"(?s)demand is negative at 2019-07-01 00:03:00, 2019-07-01 00:04:00"
    ):
        s.simulate_autoscaling(pd.Series([1, 1, 1, -1, -2], index=idx), pol)
    with pytest.raises(DataValidationError, match=r"(?s)must be regular \(one step of 30 s\)"):
        s.simulate_autoscaling(pd.Series(1.0, index=idx), pol, period_s=30)
    with pytest.raises(InvalidInputError, match=r"period_s must be > 0 s, got 0"):
        s.simulate_autoscaling(pd.Series(1.0, index=idx), pol, period_s=0)


def test_argument_type_errors() -> None:
    demand = flat(1.0, 5)
    with pytest.raises(
        InvalidTypeError, match=r"policy must be a StepScalingPolicy or TargetTrackingPolicy, got dict"
    ):
        s.simulate_autoscaling(demand, {})  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"fleet must be a Fleet, got int"):
        s.simulate_autoscaling(demand, s.StepScalingPolicy(), fleet=3)  # type: ignore[arg-type]
    with pytest.raises(
        InvalidInputError, match=r"utilisation_objective must be a fraction in \[0, 1\], got 80.*pass 0.8"
    ):
        s.simulate_autoscaling(demand, s.StepScalingPolicy(), utilisation_objective=80)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (
            {"capacity_per_instance": 0},
            InvalidInputError,
            r"capacity_per_instance must be > 0 units/s, got 0",
        ),
        ({"min_size": -1}, InvalidInputError, r"min_size must be >= 0, got -1"),
        ({"max_size": 1.5}, InvalidTypeError, r"max_size must be an integer, got 1.5"),
        (
            {"min_size": 5, "max_size": 3},
            InvalidInputError,
            r"max_size must be >= min_size; got min_size=5, max_size=3",
        ),
        (
            {"initial_size": 50},
            InvalidInputError,
            r"initial_size must be within \[min_size, max_size\] = \[2, 20\]; got 50",
        ),
        ({"warmup_s": -1}, InvalidInputError, r"warmup_s must be >= 0 s, got -1"),
    ],
)
def test_fleet_errors(kwargs: dict[str, object], exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        s.Fleet(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (
            {"alarm_threshold": 80},
            InvalidInputError,
            r"alarm_threshold must be a fraction in \(0, 1\), got 80.*pass 0.8",
        ),
        ({"evaluation_periods": 0}, InvalidInputError, r"evaluation_periods must be >= 1, got 0"),
        (
            {"datapoints_to_alarm": 4},
            InvalidInputError,
            r"datapoints_to_alarm must be <= evaluation_periods \(3\); got 4",
        ),
        ({"adjustment_percent": 0}, InvalidInputError, r"adjustment_percent must be > 0 %, got 0"),
        ({"min_adjustment": 0}, InvalidInputError, r"min_adjustment must be >= 1, got 0"),
        (
            {"scale_in_threshold": 0.9},
            InvalidInputError,
            r"scale_in_threshold must be below alarm_threshold \(0.8\)",
        ),
        (
            {"scale_in_evaluation_periods": 0},
            InvalidInputError,
            r"scale_in_evaluation_periods must be >= 1, got 0",
        ),
        ({"scale_in_percent": 150}, InvalidInputError, r"scale_in_percent must be <= 100 %; got 150"),
        ({"cooldown_s": -5}, InvalidInputError, r"cooldown_s must be >= 0 s, got -5"),
    ],
)
def test_step_policy_errors(kwargs: dict[str, object], exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        s.StepScalingPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (
            {"target_utilisation": 1.0},
            InvalidInputError,
            r"target_utilisation must be a fraction in \(0, 1\), got 1.0",
        ),
        (
            {"scale_out_evaluation_periods": 0},
            InvalidInputError,
            r"scale_out_evaluation_periods must be >= 1",
        ),
        ({"scale_in_evaluation_periods": -1}, InvalidInputError, r"scale_in_evaluation_periods must be >= 1"),
        (
            {"scale_in_tolerance": 1.0},
            InvalidInputError,
            r"scale_in_tolerance must be a fraction in \[0, 1\)",
        ),
        ({"scale_out_cooldown_s": -1}, InvalidInputError, r"scale_out_cooldown_s must be >= 0 s"),
        ({"scale_in_cooldown_s": -1}, InvalidInputError, r"scale_in_cooldown_s must be >= 0 s"),
        ({"disable_scale_in": "yes"}, InvalidTypeError, r"disable_scale_in must be True or False, got 'yes'"),
    ],
)
def test_target_policy_errors(kwargs: dict[str, object], exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        s.TargetTrackingPolicy(**kwargs)  # type: ignore[arg-type]


def test_generator_errors() -> None:
    with pytest.raises(InvalidInputError, match=r"freq must be a time step such as '1min'.*got 'often'"):
        s.daily_demand(freq="often")
    with pytest.raises(InvalidInputError, match=r"freq must be a positive time step; got '0min'"):
        s.daily_demand(freq="0min")
    with pytest.raises(InvalidInputError, match=r"days=0.0001 is shorter than one step of freq='1h'"):
        s.daily_demand(days=0.0001, freq="1h")
    with pytest.raises(InvalidInputError, match=r"days must be > 0 days, got 0"):
        s.daily_demand(days=0)
    with pytest.raises(
        InvalidInputError, match=r"start must be a date or timestamp such as '2019-07-01'; got 'soon'"
    ):
        s.daily_demand("soon")
    with pytest.raises(
        InvalidInputError, match=r"daily_amplitude must be in \[0, 1\) so demand stays positive; got 1"
    ):
        s.daily_demand(daily_amplitude=1.0)
    with pytest.raises(InvalidInputError, match=r"peak_hour must be in \[0, 24\) \[h\]; got 24"):
        s.daily_demand(peak_hour=24)
    with pytest.raises(InvalidInputError, match=r"noise must be >= 0, got -0.1"):
        s.daily_demand(noise=-0.1)
    with pytest.raises(
        InvalidInputError, match=r"surge_after_s must fall inside the series \(< 86400 s\); got 90000"
    ):
        s.surge_demand(surge_after_s=90_000)
    with pytest.raises(InvalidInputError, match=r"multiple must be > 0, got 0"):
        s.surge_demand(multiple=0)
    with pytest.raises(InvalidInputError, match=r"shape must be one of 'exponential', 'linear'; got 'cliff'"):
        s.seasonal_decline_demand(shape="cliff")
    with pytest.raises(InvalidInputError, match=r"final_fraction must be a fraction in \(0, 1\], got 0"):
        s.seasonal_decline_demand(final_fraction=0)
