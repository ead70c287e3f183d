"""Time a control change of each explorer with the ~34,000 world cities as users.

For each explorer the benchmark changes one control to a value not seen before (the result
cache is cleared first, so the model really runs), and compares that with the explorer's one
compute call alone (the baseline, measured in the same run with the same inputs). The ratio
is the widget's overhead factor: render + plot + FigureWidget update on top of the model.
A revisit of an already-computed control value is timed too (every value is visited once
first, so the model result comes from the explorer's cache: plot + update only).
For the placement explorer the change is also split into compute / plot / widget update. The
explorer validates the RTT matrix and groups the users by their order of regions once, when it
is built (``cloudgeo.placement.prepare_cost``), so its compute share is below the public
call on a DataFrame that the baseline times (which validates and sorts on every call). That
prepared matrix also keeps the greedy's picks per objective (they do not depend on k), which an
uncached k change continues, as in use; the "cold" rows clear those picks too and change the
objective at k 6, 8 and 10, so every part of the model runs.

Run: ``.venv/bin/python benchmarks/bench_widgets.py``
"""

from __future__ import annotations

import dataclasses
import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

from cloudgeo import availability, catalog, durability, latency, placement, widgets

REPEATS = 5
ROUNDS = 3  # uncached visits of each control value


def _best(fn: Callable[[], Any], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _uncached_change(ex: widgets.Explorer, name: str, value: Any) -> float:
    """Time of one change of control ``name`` to ``value``, the explorer's result cache cleared. [s]"""
    if ex.context is not None:
        ex.context.cache.clear()
    t0 = time.perf_counter()
    ex.controls[name].value = value
    elapsed = time.perf_counter() - t0
    assert ex.status.value == "", ex.status.value
    return elapsed


def _change(ex: widgets.Explorer, name: str, values: list[Any]) -> tuple[float, float]:
    """Median time of an uncached change and of a cached revisit. [s]

    Every value is visited ROUNDS times uncached (the machine is noisy: one slow change is
    not the widget's speed); the median is over all of those changes.
    """
    control = ex.controls[name]
    uncached = [_uncached_change(ex, name, v) for _ in range(ROUNDS) for v in values]
    for v in values:  # warm the cache with every value (the uncached pass cleared it)
        control.value = v
    cached = []
    for v in values:
        t0 = time.perf_counter()
        control.value = v
        cached.append(time.perf_counter() - t0)
    return statistics.median(uncached), statistics.median(cached)


def _row(label: str, change_s: float, cached_s: float, compute_s: float) -> None:
    print(
        f"{label:<44} change {1e3 * change_s:8.1f} ms   compute alone {1e3 * compute_s:8.1f} ms   "
        f"ratio {change_s / compute_s:5.2f}   cached revisit {1e3 * cached_s:7.1f} ms"
    )


def _placement_split(ex: widgets.Explorer, k_values: list[int], method: str) -> None:
    """Split an uncached placement change into compute, plot building and FigureWidget update."""
    from cloudgeo import plotting
    from cloudgeo.plotting import style as _plotstyle
    from cloudgeo.widgets._base import replace_figure
    from cloudgeo.widgets.placement import render_placement

    ctx = ex.context
    users, cands = ctx.users("world"), ctx.candidates
    parts: dict[str, list[float]] = {"compute": [], "plot": [], "update": []}
    for k in k_values:
        state = dataclasses.replace(ex.state, k=k, method=method)
        ctx.cache.clear()
        t0 = time.perf_counter()
        with _plotstyle.template_deferred():
            render_placement(state, ctx)  # compute (cached afterwards) + plot
        t1 = time.perf_counter()
        result = ctx.cache.get(dataclasses.astuple(state), lambda: None)
        with _plotstyle.template_deferred():
            fig = plotting.plot_placement(result, users, cands)
        t2 = time.perf_counter()
        replace_figure(ex.figure, fig)
        t3 = time.perf_counter()
        parts["plot"].append(t2 - t1)
        parts["compute"].append((t1 - t0) - (t2 - t1))
        parts["update"].append(t3 - t2)
    text = ", ".join(f"{name} {1e3 * statistics.median(v):.1f} ms" for name, v in parts.items())
    print(f"{f'placement k (mean, {method}) split':<44} {text}")


_OBJECTIVES = (
    ("mean", "greedy"),
    ("p90", "greedy"),
    ("mean", "exact"),
    ("p50", "exact"),
    ("p90", "exact"),
    ("p99", "exact"),
    ("coverage", "exact"),
    ("worst", "exact"),
)
_MORE_OBJECTIVES = (("p99", "greedy"), ("worst", "greedy"), ("p95", "exact"))


def _placement_objectives(
    ex: widgets.Explorer, ks: tuple[int, ...], objectives: tuple[tuple[str, str], ...]
) -> None:
    """Uncached k changes for each objective; the baseline is the mean objective.

    Per k the median of ROUNDS changes to it (:func:`_timed_changes`); the max is over the k.
    """
    ctrl = ex.controls
    rows = []
    for objective, method in objectives:
        ctrl["method"].value = method
        ctrl["objective"].value = objective
        rows.append((objective, method, _timed_changes(ex, "k", list(ks))))
    ctrl["objective"].value = "mean"
    base = {m: statistics.median(t) for o, m, t in rows if o == "mean"}
    for objective, method, times in rows:
        label = f"placement k {ks[0]}-{max(ks)} ({objective}, {method}) uncached"
        print(
            f"{label:<44} median {1e3 * statistics.median(times):6.1f} ms   max {1e3 * max(times):6.1f} ms   "
            f"per k {[round(1e3 * t) for t in times]} ms   ratio to mean ({method}) "
            f"{statistics.median(times) / base[method]:4.2f}"
        )


def main() -> None:
    t0 = time.perf_counter()
    ex = widgets.placement_explorer()
    print(f"placement_explorer() built in {time.perf_counter() - t0:.2f} s (incl. the RTT matrix)")
    ctx = ex.context
    users, cands, cost = ctx.users("world"), ctx.candidates, ctx.cost_ms("world")
    print(f"users: {len(users):,} world cities; candidates: {len(cands)} regions")
    for k_values, objective, method in (([2, 4, 5, 3], "mean", "greedy"), ([2, 4, 5, 3], "mean", "exact")):
        ex.controls["method"].value = method
        ex.controls["objective"].value = objective
        change, cached = _change(ex, "k", k_values)
        compute = statistics.median(
            _best(
                functools.partial(
                    placement.optimize_placement,
                    users,
                    cands,
                    k,
                    objective=objective,
                    method=method,
                    cost_ms=cost,
                ),
                1,
            )
            for k in k_values
        )
        _row(f"placement k ({objective}, {method})", change, cached, compute)
    for method in ("greedy", "exact"):
        _placement_split(ex, [2, 4, 5, 3], method)
    _placement_objectives(ex, (2, 4, 5, 3), _OBJECTIVES)
    print("more regions (k 6-10; exact percentile / worst objectives run several MILPs):")
    _placement_objectives(ex, (6, 8, 10, 7), _OBJECTIVES + _MORE_OBJECTIVES)

    t0 = time.perf_counter()
    lx = widgets.latency_explorer()
    print(f"latency_explorer() built in {time.perf_counter() - t0:.2f} s")
    lctx = lx.context
    access = ["cable", "dsl", "mobile", "fibre"]
    change, cached = _change(lx, "access", access)
    sites = lctx.sites(lx.state)
    compute = statistics.median(
        _best(
            functools.partial(
                latency.user_latency, lctx.users, sites, model=dataclasses.replace(lctx.model, access=a)
            ),
            1,
        )
        for a in access
    )
    _row("latency access (1 region)", change, cached, compute)

    dx = widgets.durability_explorer()
    change, cached = _change(dx, "objects", [1e5, 1e9, 1e11, 1e7])
    compute = _best(lambda: durability.expected_losses(objects=1e9, storage_class="s3-standard"))
    _row("durability objects", change, cached, compute)

    ax = widgets.availability_explorer()
    change, cached = _change(ax, "az_count", [3, 4, 5, 2])
    compute = _best(lambda: availability.multi_az(az_count=3))
    _row("availability az_count", change, cached, compute)

    ix = widgets.infrastructure_explorer()
    change, cached = _change(ix, "year", [2012, 2020, 2024, 2019])
    compute = _best(
        lambda: (catalog.load_regions(as_of="2020-12-31"), catalog.load_edge_locations(as_of="2020-12-31"))
    )
    _row("infrastructure year", change, cached, compute)

    _every_control(ex, lx, dx, ax)
    _cold_objective_changes(ex)


def _timed_changes(ex: widgets.Explorer, name: str, values: list[Any]) -> list[float]:
    """Per value, the median of ROUNDS uncached changes to it (from the value before it). [s]"""
    control = ex.controls[name]
    out = []
    for i, v in enumerate(values):
        times = []
        for _ in range(ROUNDS):
            control.value = values[i - 1]  # start from another value (computed, not timed)
            times.append(_uncached_change(ex, name, v))
        out.append(statistics.median(times))
    control.value = values[-1]
    return out


def _every_control(
    ex: widgets.Explorer, lx: widgets.Explorer, dx: widgets.Explorer, ax: widgets.Explorer
) -> None:
    """Uncached changes of the other controls (world cities; the rows above time k and access).

    The ratio is to the explorer's k / access change row above (same explorer, same run).
    """
    print("every other control (uncached; per value the median of 3 changes; max over the values):")
    ctrl = ex.controls
    ctrl["method"].value, ctrl["k"].value = "exact", 3
    ctrl["objective"].value = "mean"
    base = statistics.median(_timed_changes(ex, "k", [2, 4, 5, 3]))
    objectives = ["p99", "worst", "coverage", "p50", "p90", "p95", "mean"]
    cases: list[tuple[str, str, list[Any], dict[str, Any]]] = [  # control, setting, values, set first
        ("objective", "k=3, exact", objectives, {"k": 3, "method": "exact"}),
        ("method", "p90", ["greedy", "exact"], {"k": 3, "objective": "p90"}),
        ("threshold_ms", "coverage", [30.0, 80.0, 150.0, 50.0], {"objective": "coverage"}),
        ("must_include", "worst", [("sa-east-1",), ("af-south-1", "ap-southeast-2"), ()],
         {"objective": "worst"}),
        ("exclude", "p99", [("us-east-1",), ("us-east-1", "eu-west-1", "ap-south-1"), ()],
         {"objective": "p99"}),
    ]  # fmt: skip
    for control, setting, values, setup in cases:
        for key, value in setup.items():
            ctrl[key].value = value
        times = _timed_changes(ex, control, values)
        _every_row(f"placement {control} ({setting})", times, base, "placement k (mean, exact)")
    ctrl["objective"].value, ctrl["method"].value = "mean", "greedy"

    lbase = statistics.median(_timed_changes(lx, "access", ["cable", "dsl", "mobile", "fibre"]))
    many = ("us-east-1", "eu-west-1", "ap-southeast-1", "sa-east-1", "ap-south-1", "af-south-1")
    _every_row(
        "latency regions (2 and 6 regions)",
        _timed_changes(lx, "regions", [("us-east-1", "eu-west-1"), many, ("us-east-1",)]),
        lbase,
        "latency access",
    )
    _every_row("latency cloudfront", _timed_changes(lx, "cloudfront", [True, False]), lbase, "latency access")
    lx.controls["cloudfront"].value = True
    _every_row(
        "latency access (CloudFront)",
        _timed_changes(lx, "access", ["cable", "dsl", "mobile", "fibre"]),
        lbase,
        "latency access",
    )
    lx.controls["cloudfront"].value = False

    dbase = statistics.median(_timed_changes(dx, "objects", [1e5, 1e9, 1e11, 1e7]))
    classes = [v for _, v in dx.controls["storage_class"].options]
    for name, values in (
        ("storage_class", classes),
        ("years", [10.0, 100.0, 1000.0, 1.0]),
        ("az_loss_probability_per_year", [1e-3, 1e-6, 1e-2, 1e-4]),
    ):
        _every_row(f"durability {name}", _timed_changes(dx, name, values), dbase, "durability objects")

    abase = statistics.median(_timed_changes(ax, "az_count", [3, 4, 5, 2]))
    for name, values in (
        ("architecture", ["single_instance", "app_and_rds", "multi_region", "multi_az"]),
        ("instances_per_az", [2, 4, 1]),
        ("failover_s", [30.0, 600.0, 120.0]),
    ):
        _every_row(f"availability {name}", _timed_changes(ax, name, values), abase, "availability az_count")


def _cold_objective_changes(ex: widgets.Explorer) -> None:
    """Objective changes at k 6, 8, 10 (exact) with the result cache and the kept greedy picks cleared.

    Per (k, objective) the median of ROUNDS changes, each from the mean objective (from p50 for
    the mean itself); the ratio is to the placement k (mean, exact) change row.
    """
    print("cold objective changes (exact; results and kept greedy picks cleared; median of 3):")
    ctrl, ctx = ex.controls, ex.context
    prepared = ctx.prepared_cost("world")
    ctrl["method"].value, ctrl["k"].value, ctrl["objective"].value = "exact", 3, "mean"
    base = statistics.median(_timed_changes(ex, "k", [2, 4, 5, 3]))
    objectives = ["p50", "p90", "p95", "p99", "worst", "coverage", "mean"]
    for k in (6, 8, 10):
        ctrl["k"].value = k
        medians = []
        for objective in objectives:
            times = []
            for _ in range(ROUNDS):
                ctrl["objective"].value = "p50" if objective == "mean" else "mean"
                prepared._paths.clear()  # the greedy starts afresh
                times.append(_uncached_change(ex, "objective", objective))
            medians.append(statistics.median(times))
        per = ", ".join(f"{o} {1e3 * t:.0f}" for o, t in zip(objectives, medians, strict=True))
        print(
            f"  {f'placement objective, k={k}':<42} max {1e3 * max(medians):6.1f} ms   [{per}] ms   "
            f"ratio of max to placement k (mean, exact) {max(medians) / base:4.2f}"
        )
    ctrl["objective"].value, ctrl["method"].value, ctrl["k"].value = "mean", "greedy", 3


def _every_row(label: str, times: list[float], base: float, base_name: str) -> None:
    print(
        f"  {label:<42} median {1e3 * statistics.median(times):6.1f} ms   max {1e3 * max(times):6.1f} ms   "
        f"ratio of max to {base_name} {max(times) / base:4.2f}"
    )


if __name__ == "__main__":
    main()
