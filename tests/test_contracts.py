"""Inputs are never mutated; indexes are kept (issue 8).

Every public function that takes a DataFrame (or Series) gets frames with a non-default index
(strings, shuffled integers) and an extra column; a deep copy taken before the call must equal
the input after it, and outputs aligned row-for-row with an input keep its index.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import module_lists
import numpy as np
import pandas as pd
import pytest

from cloudgeo import availability as A
from cloudgeo import catalog as C
from cloudgeo import durability as D
from cloudgeo import geodesy as G
from cloudgeo import latency as L
from cloudgeo import measurements as M
from cloudgeo import placement as PL
from cloudgeo import population as P
from cloudgeo import price_classes as PCL
from cloudgeo import scaling as S
from cloudgeo import traffic as TR


def users_str_index() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lat": [14.6, 1.35, 51.5, -33.9, 40.7],
            "lon": [121.0, 103.8, -0.12, 151.2, -74.0],
            "weight": [3.0, 1.0, 2.0, 1.0, 5.0],
            "note": ["manila", "singapore", "london", "sydney", "new york"],
        },
        index=pd.Index(["u-mnl", "u-sin", "u-lon", "u-syd", "u-nyc"], name="user"),
    )


def users_shuffled_int() -> pd.DataFrame:
    df = users_str_index()
    df.index = pd.Index([42, 7, 1000, 3, 99], name="uid")
    return df


def regions_extra() -> pd.DataFrame:
    r = C.load_regions(as_of="2019-12-31").loc[["us-east-1", "eu-west-1", "ap-southeast-1", "ap-northeast-1"]]
    return r.assign(my_note="kept")


def measurements_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "src": ["us-east-1", "eu-west-1", "ap-southeast-1"],
            "dst": ["eu-west-1", "ap-southeast-1", "us-east-1"],
            "rtt_ms": [70.0, 160.0, 220.0],
            "stat": ["p50", "p50", "p50"],
            "method": ["tcp-connect"] * 3,
            "one_way": [False, False, False],
            "extra": ["x", "y", "z"],
        },
        index=pd.Index(["m-a", "m-b", "m-c"], name="meas"),
    )


@dataclass
class Case:
    name: str
    call: Callable[..., Any]
    inputs: Callable[[], tuple[Any, ...]]
    # (output -> object with an index, which input's index it must equal)
    aligned: list[tuple[Callable[[Any], Any], int]] = field(default_factory=list)


def _frame_of(out: Any) -> Any:
    return out


def _assignment(out: Any) -> Any:
    return out.assignment


def _rtt(out: Any) -> Any:
    return out.rtt_ms


CASES: list[Case] = []
for label, make_users in (("str-index", users_str_index), ("shuffled-int-index", users_shuffled_int)):
    CASES += [
        Case(
            f"population.from_points[{label}]",
            lambda u: P.from_points(u, weight="weight"),
            lambda m=make_users: (m(),),
            [(_frame_of, 0)],
        ),
        Case(
            f"geodesy.distance_matrix_km[{label}]",
            G.distance_matrix_km,
            lambda m=make_users: (m(), regions_extra()),
            [(_frame_of, 0)],
        ),
        Case(
            f"geodesy.nearest_sites[{label}]",
            lambda u, s: G.nearest_sites(u, s, k=2),
            lambda m=make_users: (m(), regions_extra()),
            [(_frame_of, 0)],
        ),
        Case(
            f"latency.user_latency[{label}]",
            L.user_latency,
            lambda m=make_users: (m(), regions_extra()),
            [(_frame_of, 0)],
        ),
        Case(
            f"latency.rtt_matrix_ms[{label}]",
            L.rtt_matrix_ms,
            lambda m=make_users: (m(), regions_extra()),
            [(_frame_of, 0)],
        ),
        Case(
            f"latency.user_rtt_matrix_ms[{label}]",
            L.user_rtt_matrix_ms,
            lambda m=make_users: (m(), regions_extra()),
            [(_frame_of, 0)],
        ),
        Case(
            f"latency.cdn_ttfb_ms[{label}]",
            lambda u: L.cdn_ttfb_ms(u, "us-east-1"),
            lambda m=make_users: (m(),),
            [(_frame_of, 0)],
        ),
        Case(
            f"placement.prepare_cost[{label}]",
            lambda u, c: PL.prepare_cost(u, c, model="physics"),
            lambda m=make_users: (m(), regions_extra()),
            [(lambda out: pd.Series(0, index=out.users_index), 0)],
        ),
        Case(
            f"placement.optimize_placement[{label}]",
            lambda u, c: PL.optimize_placement(u, c, 2, model="physics"),
            lambda m=make_users: (m(), regions_extra()),
            [(_assignment, 0), (_rtt, 0)],
        ),
    ]

CASES += [
    Case(
        "durability.cross_region_replication_loss",
        lambda q: D.cross_region_replication_loss(region_loss_probabilities=q, correlation=0.1),
        lambda: (pd.Series([1e-6, 2e-6], index=["us-east-1", "eu-west-1"]),),
    ),
    Case(
        "latency.latency_summary",
        lambda d: L.latency_summary(d),
        lambda: (L.user_latency(users_str_index(), regions_extra()).assign(extra=1),),
    ),
    Case(
        "latency.cdn_summary",
        lambda d: L.cdn_summary(d),
        lambda: (L.cdn_ttfb_ms(users_str_index(), "us-east-1").assign(extra=1),),
    ),
    Case("latency.calibrate", lambda d: L.calibrate(d), lambda: (measurements_frame(),)),
    Case(
        "latency.compare_with_measurements",
        lambda d: L.compare_with_measurements(d),
        lambda: (measurements_frame(),),
        [(_frame_of, 0)],
    ),
    Case("measurements.validate_measurements", M.validate_measurements, lambda: (measurements_frame(),)),
    Case("measurements.to_round_trip", M.to_round_trip, lambda: (measurements_frame(),), [(_frame_of, 0)]),
    Case("catalog.validate_regions", C.validate_regions, lambda: (regions_extra(),)),
    Case(
        "catalog.validate_edge_locations",
        C.validate_edge_locations,
        lambda: (C.load_edge_locations().head(5).assign(extra=1),),
    ),
    Case(
        "population.country_weights",
        lambda w, c: P.country_weights(w, cities=c),
        lambda: (
            pd.Series({"PH": 2.0, "SG": 1.0}),
            P.load_world_cities(min_population=500_000).assign(extra=1),
        ),
    ),
    Case(
        "placement.placement_frontier",
        lambda u, c: PL.placement_frontier(u, c, 2, model="physics"),
        lambda: (users_shuffled_int(), regions_extra()),
    ),
    Case(
        "availability.downtime_table",
        A.downtime_table,
        lambda: (pd.Series([0.99, 0.999], index=["two nines", "three nines"]),),
        [(_frame_of, 0)],
    ),
    Case(
        "scaling.simulate_autoscaling",
        lambda d: S.simulate_autoscaling(d, S.StepScalingPolicy()).timeline,
        lambda: (S.daily_demand(days=0.5, freq="5min", seed=3),),
        [(_frame_of, 0)],
    ),
]


def _plot_cases() -> list[Case]:
    from cloudgeo import plotting as PT

    ul = L.user_latency(users_str_index(), regions_extra())
    res = PL.optimize_placement(users_str_index(), regions_extra(), 2, model="physics")
    return [
        Case(
            "plotting.plot_infrastructure_map",
            lambda r: PT.plot_infrastructure_map(regions=r, show_edges=False),
            lambda: (regions_extra(),),
        ),
        Case(
            "plotting.plot_footprint_growth",
            lambda r: PT.plot_footprint_growth(regions=r),
            lambda: (regions_extra(),),
        ),
        Case(
            "plotting.plot_user_latency_map",
            lambda d, u: PT.plot_user_latency_map(d, users=u),
            lambda: (ul.assign(extra=1), users_str_index()),
        ),
        Case(
            "plotting.plot_latency_cdf",
            lambda d: PT.plot_latency_cdf(d, weight=None),
            lambda: (ul.assign(extra=1),),
        ),
        Case("plotting.plot_rtt_matrix", PT.plot_rtt_matrix, lambda: (L.rtt_matrix_ms(regions_extra()),)),
        Case(
            "plotting.plot_availability",
            PT.plot_availability,
            lambda: (A.downtime_table([0.99, 0.999]).assign(extra=1),),
        ),
        Case(
            "plotting.plot_placement",
            lambda u, c: PT.plot_placement(res, u, c),
            lambda: (users_str_index(), regions_extra()),
        ),
        Case(
            "plotting.plot_placement_frontier",
            PT.plot_placement_frontier,
            lambda: (PL.placement_frontier(users_str_index(), regions_extra(), 2, model="physics"),),
        ),
    ]


def _check(case: Case) -> None:
    inputs = case.inputs()
    before = copy.deepcopy(inputs)
    out = case.call(*inputs)
    for got, want in zip(inputs, before, strict=True):
        if isinstance(want, pd.DataFrame):
            pd.testing.assert_frame_equal(got, want)
        elif isinstance(want, pd.Series):
            pd.testing.assert_series_equal(got, want)
    for getter, i in case.aligned:
        aligned = getter(out)
        pd.testing.assert_index_equal(aligned.index, inputs[i].index, check_names=False)


def _with_countries() -> pd.DataFrame:
    return users_str_index().assign(country_code=["PH", "SG", "GB", "AU", "US"])


CASES += [
    Case(
        "price_classes.edges_in_price_class",
        lambda e: PCL.edges_in_price_class("PriceClass_200", e),
        lambda: (C.load_edge_locations().head(8).assign(extra=1),),
    ),
    Case(
        "price_classes.user_continents", PCL.user_continents, lambda: (_with_countries(),), [(_frame_of, 0)]
    ),
    Case(
        "price_classes.price_class_latency",
        lambda u: PCL.price_class_latency(u, "us-east-1").table,
        lambda: (_with_countries(),),
    ),
]


def _cf_logs() -> pd.DataFrame:
    from pathlib import Path

    from cloudgeo.io import read_cloudfront_logs

    path = Path(__file__).parent / "cloudfront" / "standard_all_fields.log"
    logs: pd.DataFrame = read_cloudfront_logs(path)
    return logs.set_axis(pd.Index([f"r{i}" for i in range(len(logs))], name="req"))


def _write_log(frame: pd.DataFrame) -> str:
    import tempfile

    from cloudgeo.io import write_cloudfront_log

    path = tempfile.mktemp(suffix=".log")
    return write_cloudfront_log(frame, path, fields=["date", "time", "x-edge-location"])


CASES += [
    Case("traffic.edge_traffic", TR.edge_traffic, lambda: (_cf_logs(),)),
    Case("traffic.population_from_logs", TR.population_from_logs, lambda: (_cf_logs(),)),
    Case(
        "traffic.compare_cdn_with_logs",
        lambda logs: TR.compare_cdn_with_logs(logs, "us-east-1", min_misses=1),
        lambda: (_cf_logs().assign(result_type="Miss"),),
    ),
    Case(
        "traffic.miss_fetch_legs_ms",
        lambda e: TR.miss_fetch_legs_ms(e, "us-east-1"),
        lambda: (users_str_index(),),
        [(_frame_of, 0)],
    ),
    Case("traffic.write_cloudfront_log", _write_log, lambda: (_cf_logs(),)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_input_untouched_and_index_kept(case: Case) -> None:
    _check(case)


def test_plotting_inputs_untouched() -> None:
    for case in _plot_cases():
        _check(case)


def test_report_and_widgets_leave_user_frames_untouched(tmp_path: Any) -> None:
    from cloudgeo import report, widgets

    regions = regions_extra()
    users = users_str_index()
    before_r, before_u = regions.copy(deep=True), users.copy(deep=True)
    report.report_figures(regions=regions)
    widgets.latency_explorer(users=users, regions=regions)
    widgets.placement_explorer(users=users, candidates=regions)
    pd.testing.assert_frame_equal(regions, before_r)
    pd.testing.assert_frame_equal(users, before_u)


def test_every_frame_taking_compute_function_has_a_contract_case() -> None:
    """Public compute functions with a DataFrame parameter must appear above."""
    import importlib
    import inspect

    covered = {c.name.split("[")[0] for c in CASES}
    exempt = {
        "geodesy.distance_matrix_km",  # covered (name check below uses the same key)
        "latency.rtt_ms",  # accepts a frame only as an alternative to a (lat, lon) tuple; see below
    }
    missing = []
    for mod_name in module_lists.COMPUTE_MODULES:
        mod = importlib.import_module(f"cloudgeo.{mod_name}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if not inspect.isfunction(obj):
                continue
            hints = " ".join(str(p.annotation) for p in inspect.signature(obj).parameters.values())
            if "DataFrame" in hints or "pd.Series" in hints:
                key = f"{mod_name}.{name}"
                if key not in covered and key not in exempt:
                    missing.append(key)
    assert missing == [], f"add a contract case for {missing}"


def test_rtt_ms_with_frames_keeps_index() -> None:
    u = users_shuffled_int()
    before = u.copy(deep=True)
    out = L.rtt_ms(u, (1.35, 103.8))
    pd.testing.assert_frame_equal(u, before)
    if isinstance(out, pd.Series | pd.DataFrame):
        pd.testing.assert_index_equal(out.index, u.index, check_names=False)
    else:
        assert np.asarray(out).shape[0] == len(u)
