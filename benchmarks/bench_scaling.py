"""Benchmark: simulate_autoscaling on one week of 1-minute demand (10,080 periods).

Baseline (same run): a bare Python loop over the same values computing served demand and
utilisation for a fixed fleet - the least work any per-period state machine must do. The
ratio shows the cost of the alarm windows, policy and warm-up bookkeeping on top of it.

Run: .venv/bin/python benchmarks/bench_scaling.py
"""

from __future__ import annotations

import time

from cloudgeo import scaling


def _best(fn: object, repeat: int = 7) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    """Print the timing of the simulation and of the baseline loop, and their ratio."""
    demand = scaling.daily_demand(days=7, freq="1min", seed=0)
    values = demand.to_numpy().tolist()
    fleet = scaling.Fleet(capacity_per_instance=30.0, max_size=50)

    def baseline() -> None:
        capacity = 4 * 30.0
        total = 0.0
        for d in values:
            served = d if d <= capacity else capacity
            total += served / capacity

    step_s = _best(lambda: scaling.simulate_autoscaling(demand, scaling.StepScalingPolicy(), fleet=fleet))
    target_s = _best(
        lambda: scaling.simulate_autoscaling(demand, scaling.TargetTrackingPolicy(), fleet=fleet)
    )
    base_s = _best(baseline)
    print(f"periods: {len(demand):,}")
    print(f"baseline bare loop          : {base_s * 1e3:8.2f} ms")
    print(f"step scaling simulation     : {step_s * 1e3:8.2f} ms  ({step_s / base_s:5.1f}x baseline)")
    print(f"target tracking simulation  : {target_s * 1e3:8.2f} ms  ({target_s / base_s:5.1f}x baseline)")


if __name__ == "__main__":
    main()
