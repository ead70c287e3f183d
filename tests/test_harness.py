"""The bad-input harness (issue 17): a generator, not a list.

Every public callable (each public module's ``__all__`` plus ``cli.main``) gets a valid base
call (:data:`BASES`). Hypothesis then replaces ONE argument of it with a value drawn from the
hostile strategies (:data:`STRATEGIES`: numbers near the float limits, NaN/inf, None/pd.NA,
wrong scalar types, nullable and pyarrow-backed dtypes, empty, one row, duplicate labels,
MultiIndex columns, text where a number belongs, ...) and checks:

* a call that returns gives a documented, finite result (no NaN in float results or in the
  ``*_ms``/``*_km``/``weight`` columns of tables);
* a call that raises raises a ``CloudGeoError`` that is also the right builtin (``ValueError``,
  ``KeyError``, ``TypeError`` or ``ImportError``);
* nothing else escapes (any other exception fails the example, with the call shown).

Fixed seed (``derandomize=True``) and a bounded example count per callable. The counts of
callables, strategies, examples and escapes are printed at the end of the module and written as
JSON to ``$CLOUDGEO_HARNESS_SUMMARY`` when set (``scripts/harness_report.py`` does that).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import inspect
import io
import json
import math
import os
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import module_lists
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudgeo import availability as A
from cloudgeo import catalog as C
from cloudgeo import durability as D
from cloudgeo import latency as L
from cloudgeo import network as N
from cloudgeo import placement as PL
from cloudgeo import scaling as S
from cloudgeo.errors import CloudGeoError

PUBLIC = (*module_lists.PUBLIC_MODULES, "cli")
RIGHT_BUILTINS = (ValueError, KeyError, TypeError, ImportError)

# Not driven by the harness (each is exercised by its own tests): they start Chromium or build
# the whole report, seconds per call, which would blow the harness's time budget.
NOT_DRIVEN: dict[str, str] = {
    "plotting.export_figure": "starts headless Chromium (tests/test_export.py)",
    "plotting.export_figures": "starts headless Chromium (tests/test_export.py)",
    "report.build_report": "builds the whole report (tests/test_report.py)",
    "report.report_figures": "builds the whole report (tests/test_report.py)",
    "report.write_report": "builds the whole report (tests/test_report.py)",
    "report.build_logs_report": "builds the whole logs report (tests/test_cloudfront_logs.py)",
    "report.write_logs_report": "builds the whole logs report (tests/test_cloudfront_logs.py)",
    "traffic.synthetic_cloudfront_log": "writes `lines` log lines: hostile sizes run for minutes "
    "(tests/test_cloudfront_logs.py)",
}
#: Examples per callable (fewer for the slow ones: plots, widgets, placement, Monte Carlo).
EXAMPLES = 20
SLOW = {"plotting", "widgets"}
SLOW_CALLABLES = {
    "placement.optimize_placement",
    "placement.placement_frontier",
    "availability.monte_carlo",
    "latency.cdn_ttfb_ms",
    "latency.calibrate",
    "latency.compare_with_measurements",
    "measurements.read_wondernetwork_csv",
    "traffic.compare_cdn_with_logs",
    "traffic.population_from_logs",
    "traffic.read_cloudfront_logs",
    "traffic.write_cloudfront_log",
}
#: Result containers: their constructors store what the library computed, without validating
#: it, so a NaN field given to them directly is not a wrong answer (still: nothing may escape).
RESULT_CONTAINERS = {
    "availability.ArchitectureResult",
    "availability.MonteCarloResult",
    "durability.CrossRegionResult",
    "durability.EBSFailureResult",
    "durability.ErasureCodingResult",
    "durability.LossResult",
    "durability.OneZoneResult",
    "latency.CalibrationResult",
    "placement.PlacementResult",
    "catalog.EdgeNetworkHeadline",
    "latency.PathBreakdown",
    "enduser.PathBreakdown",
    "price_classes.PriceClassLatency",
    "scaling.ScalingResult",
    "scaling.ScalingSummary",
    "traffic.LogReadResult",
    "traffic.CdnLogComparison",
}
STATS: Counter[str] = Counter()


# --------------------------------------------------------------------------------------------
# valid inputs
# --------------------------------------------------------------------------------------------


def _users() -> pd.DataFrame:
    return pd.DataFrame(
        {"lat": [14.6, 1.35, 51.5, -33.9, 40.7], "lon": [121.0, 103.8, -0.12, 151.2, -74.0]},
        index=pd.Index(["mnl", "sin", "lon", "syd", "nyc"], name="user"),
    ).assign(weight=[3.0, 1.0, 2.0, 1.0, 5.0])


def _regions() -> pd.DataFrame:
    return C.load_regions().loc[["us-east-1", "eu-west-1", "ap-southeast-1"]]


def _meas() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "src": ["us-east-1", "eu-west-1", "ap-southeast-1"],
            "dst": ["eu-west-1", "ap-southeast-1", "us-east-1"],
            "rtt_ms": [70.0, 160.0, 220.0],
            "stat": ["p50", "p50", "p50"],
            "method": ["tcp-connect"] * 3,
            "one_way": [False] * 3,
        }
    )


_TIDY_CSV = "src,dst,rtt_ms,stat,method,one_way\nus-east-1,eu-west-1,70,p50,icmp,false\n"


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.init}


def _placement() -> PL.PlacementResult:
    return PL.optimize_placement(_users(), _regions(), 1)


def _scaling() -> S.ScalingResult:
    return S.simulate_autoscaling(S.daily_demand(days=1, freq="1h", seed=1), S.TargetTrackingPolicy())


def _ul() -> pd.DataFrame:
    out: pd.DataFrame = L.user_latency(_users(), _regions())
    return out


_LOG_DIR: list[str] = []


def traffic_module() -> Any:
    return importlib.import_module("cloudgeo.traffic")


def _log_path() -> str:
    """A small seeded synthetic CloudFront log (written once per session)."""
    import tempfile

    from cloudgeo.io import synthetic_cloudfront_log

    if not _LOG_DIR:
        _LOG_DIR.append(tempfile.mkdtemp(prefix="cloudgeo-harness-"))
    path = f"{_LOG_DIR[0]}/small.log.gz"
    if not os.path.exists(path):
        synthetic_cloudfront_log(path, lines=400, seed=1)
    return path


def _logs() -> pd.DataFrame:
    from cloudgeo.io import read_cloudfront_logs

    out: pd.DataFrame = read_cloudfront_logs(_log_path())
    return out


def _go() -> Any:
    return importlib.import_module("plotly.graph_objects")


def _plotting() -> Any:
    return importlib.import_module("cloudgeo.plotting")


def _mod(name: str) -> Any:
    return importlib.import_module(f"cloudgeo.{name}")


def _tagged_users() -> pd.DataFrame:
    return _users().assign(country_code=["PH", "SG", "GB", "AU", "US"])


def _price_classes() -> Any:
    return _mod("price_classes").price_class_latency(_tagged_users())


def _ripe_rows() -> list[dict[str, Any]]:
    return [
        {
            "fw": 5080, "type": "ping", "prb_id": 1, "msm_id": 7, "timestamp": 1743206400,
            "dst_name": "t", "dst_addr": "192.0.2.1", "from": "203.0.113.1", "proto": "ICMP",
            "af": 4, "size": 48, "result": [{"rtt": 12.5}, {"rtt": 13.0}],
        }
    ]  # fmt: skip


# name -> () -> (positional args, keyword args); callables without required parameters default
# to no arguments. Built lazily, once per callable.
BASES: dict[str, Callable[[], tuple[tuple[Any, ...], dict[str, Any]]]] = {
    "catalog.get_regions": lambda: ((), {"codes": "us-east-1"}),
    "catalog.EdgeNetworkHeadline": lambda: ((), _fields(C.edge_network_headline())),
    "latency.PathBreakdown": lambda: ((), _fields(L.path_breakdown((1.29, 36.82), "eu-west-1"))),
    "enduser.PathBreakdown": lambda: ((), _fields(L.path_breakdown((1.29, 36.82), "eu-west-1"))),
    "latency.access_rtt_ms": lambda: ((), {"country": "KE"}),
    "enduser.access_rtt_ms": lambda: ((), {"country": "KE"}),
    "latency.countries_at": lambda: ((), {"lat": [50.1, -1.29], "lon": [8.7, 36.82]}),
    "enduser.countries_at": lambda: ((), {"lat": [50.1, -1.29], "lon": [8.7, 36.82]}),
    "latency.country_rtt_ms": lambda: ((), {"src": ["AF", "CZ"], "dst": ["TJ", "SK"]}),
    "enduser.country_rtt_ms": lambda: ((), {"src": ["AF", "CZ"], "dst": ["TJ", "SK"]}),
    "latency.ingress_hub": lambda: ((), {"country": "TJ"}),
    "enduser.ingress_hub": lambda: ((), {"country": "TJ"}),
    "latency.path_breakdown": lambda: ((), {"user": (-1.29, 36.82), "site": "eu-west-1"}),
    "enduser.path_breakdown": lambda: ((), {"user": (-1.29, 36.82), "site": "eu-west-1"}),
    "placement.CostMatrix": lambda: ((), _fields(PL.prepare_cost(_users(), _regions()))),
    "placement.prepare_cost": lambda: ((), {"users": _users(), "candidates": _regions()}),
    "plotting.plot_autoscaling_comparison": lambda: ((), {"results": {"target tracking": _scaling()}}),
    "plotting.plot_hit_ratio_effect": lambda: (
        (),
        {
            "frame": pd.DataFrame(
                {"cloudfront_ms": [90.0, 40.0], "direct_ms": [120.0, 120.0]}, index=[0.0, 1.0]
            )
        },
    ),
    "plotting.plot_price_class_latency": lambda: ((), {"result": _price_classes()}),
    "price_classes.PriceClassLatency": lambda: ((), _fields(_price_classes())),
    "price_classes.edges_in_price_class": lambda: ((), {"price_class": "PriceClass_100"}),
    "price_classes.price_class_latency": lambda: ((), {"users": _tagged_users()}),
    "price_classes.user_continents": lambda: ((), {"users": _tagged_users()}),
    "ripe_atlas.read_ripe_atlas": lambda: (
        (),
        {"results": _ripe_rows(), "probes": [{"id": 1, "latitude": 10.0, "longitude": 20.0}]},
    ),
    "stats.weighted_quantile": lambda: (
        (),
        {"values": [1.0, 2.0, 3.0], "weights": [1.0, 1.0, 2.0], "q": 0.5},
    ),
    "catalog.get_sla": lambda: ((), {"sla": str(C.load_slas().index[0])}),
    "catalog.get_storage_class": lambda: ((), {"storage_class": "s3-standard"}),
    "catalog.lookup_edge_location": lambda: ((), {"codes": str(C.load_edge_locations().index[0])}),
    "catalog.read_edge_locations": lambda: ((), {"path": "missing-edges.csv"}),
    "catalog.read_regions": lambda: ((), {"path": "missing-regions.csv"}),
    "catalog.validate_edge_locations": lambda: ((), {"df": C.load_edge_locations().head(3)}),
    "catalog.validate_regions": lambda: ((), {"df": _regions()}),
    "population.country_weights": lambda: ((), {"weights": {"US": 1.0, "GB": 2.0}}),
    "population.from_points": lambda: ((), {"df": _users()[["lat", "lon"]]}),
    "measurements.is_valid_stat": lambda: ((), {"stat": "p50"}),
    "measurements.read_cloudping_json": lambda: (
        (),
        {"path_or_buffer": io.StringIO('{"us-east-1": {"eu-west-1": 70.5}}')},
    ),
    "measurements.read_gcping_csv": lambda: (
        (),
        {"path": io.StringIO("us-east1,https://x,24800000,false\n")},
    ),
    "measurements.read_measurements_csv": lambda: ((), {"path": io.StringIO(_TIDY_CSV)}),
    "measurements.read_wondernetwork_csv": lambda: ((), {"path": "missing-pings.csv"}),
    "measurements.to_round_trip": lambda: ((), {"df": _meas()}),
    "measurements.validate_measurements": lambda: ((), {"df": _meas()}),
    "geodesy.distance_matrix_km": lambda: ((), {"a": _users(), "b": _regions()}),
    "geodesy.geodesic_km": lambda: ((), {"lat1": 40.7, "lon1": -74.0, "lat2": 51.5, "lon2": -0.1}),
    "geodesy.great_circle_km": lambda: ((), {"lat1": 40.7, "lon1": -74.0, "lat2": 51.5, "lon2": -0.1}),
    "geodesy.nearest_sites": lambda: ((), {"points": _users(), "sites": _regions()}),
    "geodesy.unit_vectors": lambda: ((), {"lat": 10.0, "lon": 20.0}),
    "network.Backbone": lambda: ((), _fields(N.load_backbone())),
    "network.route_hubs": lambda: ((), {"src": (40.7, -74.0), "dst": (51.5, -0.1)}),
    "network.routed_distance_km": lambda: (
        (),
        {"src_lat": 40.7, "src_lon": -74.0, "dst_lat": 51.5, "dst_lon": -0.1},
    ),
    "network.routed_distance_matrix_km": lambda: (
        (),
        {"a_lat": [40.7], "a_lon": [-74.0], "b_lat": [51.5, 1.3], "b_lon": [-0.1, 103.8]},
    ),
    "latency.CalibrationResult": lambda: (
        (),
        {"model": L.LatencyModel(), "residuals": pd.DataFrame(), "predictions": pd.DataFrame()},
    ),
    "latency.calibrate": lambda: ((), {"measurements": _meas()}),
    "latency.cdn_summary": lambda: ((), {"cdn_df": L.cdn_ttfb_ms(_users(), "us-east-1")}),
    "latency.cdn_ttfb_breakdown_ms": lambda: (
        (),
        {"rtt_user_edge_ms": 10.0, "rtt_edge_rec_ms": 20.0, "rtt_rec_origin_ms": 30.0},
    ),
    "latency.cdn_ttfb_ms": lambda: ((), {"users": _users(), "origin_region": "us-east-1"}),
    "latency.compare_with_measurements": lambda: ((), {"measurements": _meas()}),
    "latency.latency_summary": lambda: ((), {"user_latency_df": _ul()}),
    "latency.region_rtt_ms": lambda: ((), {"src_codes": "us-east-1", "dst_codes": ["eu-west-1"]}),
    "latency.rtt_from_distance_ms": lambda: ((), {"distance_km": 1000.0}),
    "latency.rtt_matrix_ms": lambda: ((), {"a": _regions()}),
    "latency.rtt_ms": lambda: ((), {"src": (40.7, -74.0), "dst": (51.5, -0.1)}),
    "latency.user_latency": lambda: ((), {"users": _users(), "sites": _regions()}),
    "latency.user_rtt_matrix_ms": lambda: ((), {"users": _users(), "sites": _regions()}),
    "latency.weighted_quantile": lambda: ((), {"values": [1.0, 2.0, 3.0], "q": 0.5}),
    "durability.CrossRegionResult": lambda: (
        (),
        _fields(D.cross_region_replication_loss(region_loss_probabilities=[0.01, 0.02])),
    ),
    "durability.EBSFailureResult": lambda: ((), _fields(D.ebs_expected_failures(volumes=10))),
    "durability.ErasureCodingResult": lambda: (
        (),
        _fields(
            D.erasure_coding_loss(
                data_shards=4, parity_shards=2, shard_failure_rate_per_year=0.01, replace_days=1
            )
        ),
    ),
    "durability.LossResult": lambda: ((), _fields(D.expected_losses(objects=10, durability=0.9))),
    "durability.OneZoneResult": lambda: (
        (),
        _fields(D.one_zone_loss(objects=10, az_loss_probability_per_year=0.001, durability=0.999)),
    ),
    "durability.cross_region_replication_loss": lambda: ((), {"region_loss_probabilities": [0.01, 0.02]}),
    "durability.durability_from_nines": lambda: ((), {"n": 11}),
    "durability.ebs_expected_failures": lambda: ((), {"volumes": 10}),
    "durability.erasure_coding_loss": lambda: (
        (),
        {"data_shards": 17, "parity_shards": 3, "shard_failure_rate_per_year": 0.00405, "replace_days": 6.5},
    ),
    "durability.expected_losses": lambda: ((), {"objects": 10, "durability": 0.9}),
    "durability.format_one_in": lambda: ((), {"x": 1e6}),
    "durability.loss_probability_from_durability": lambda: ((), {"durability": 0.999}),
    "durability.nines": lambda: ((), {"durability": 0.999}),
    "durability.one_zone_loss": lambda: (
        (),
        {"objects": 10, "az_loss_probability_per_year": 0.001, "durability": 0.999},
    ),
    "durability.replication_loss": lambda: (
        (),
        {"copies": 3, "failure_rate_per_year": 0.01, "replace_days": 1.0},
    ),
    "durability.shard_failure_rate_from_drive_afr": lambda: ((), {"drive_afr": 0.01}),
    "availability.ArchitectureResult": lambda: ((), _fields(A.single_instance())),
    "availability.Component": lambda: ((), {"availability": 0.99, "mttr_hours": 1.0}),
    "availability.Domain": lambda: ((), {"name": "az-a", "availability": 0.999}),
    "availability.KOfN": lambda: ((), {"k": 1, "parts": (A.Component(0.9), A.Component(0.9))}),
    "availability.MonteCarloResult": lambda: (
        (),
        _fields(A.monte_carlo(A.series(0.9, 0.99), n_runs=3, seed=1)),
    ),
    "availability.Parallel": lambda: ((), {"k": 1, "parts": (A.Component(0.9), A.Component(0.9))}),
    "availability.Series": lambda: ((), {"parts": (A.Component(0.9),)}),
    "availability.downtime": lambda: ((), {"availability": 0.999}),
    "availability.downtime_table": lambda: ((), {"availabilities": [0.99, 0.999]}),
    "availability.failover_unavailability": lambda: ((), {"events_per_year": 2.0, "seconds_per_event": 30.0}),
    "availability.format_duration": lambda: ((), {"value": 3600.0}),
    "availability.importance": lambda: ((), {"system": A.series(0.9, 0.99)}),
    "availability.k_of_n": lambda: ((), {"k": 1, "parts": [0.9, 0.9, 0.99]}),
    "availability.monte_carlo": lambda: ((), {"system": A.series(0.9, 0.99), "n_runs": 3, "seed": 1}),
    "availability.parallel": lambda: ((0.9, 0.9), {}),
    "availability.series": lambda: ((0.9, 0.99), {}),
    "availability.single_points_of_failure": lambda: ((), {"system": A.series(0.9, 0.99)}),
    "availability.with_failover": lambda: (
        (),
        {"part": A.Component(0.9), "seconds_per_event": 30.0, "events_per_year": 2.0},
    ),
    "placement.PlacementResult": lambda: ((), _fields(_placement())),
    "placement.optimize_placement": lambda: ((), {"users": _users(), "candidates": _regions(), "k": 1}),
    "placement.placement_frontier": lambda: ((), {"users": _users(), "candidates": _regions(), "k_max": 2}),
    "scaling.ScalingResult": lambda: ((), _fields(_scaling())),
    "scaling.ScalingSummary": lambda: ((), _fields(_scaling().summary)),
    "scaling.simulate_autoscaling": lambda: (
        (),
        {"demand": S.daily_demand(days=1, freq="1h", seed=1), "policy": S.TargetTrackingPolicy()},
    ),
    "scaling.daily_demand": lambda: ((), {"days": 1.0, "freq": "1h", "seed": 1}),
    "scaling.surge_demand": lambda: ((), {"days": 0.5, "freq": "10min", "seed": 1}),
    "scaling.seasonal_decline_demand": lambda: ((), {"days": 2.0, "freq": "1h", "seed": 1}),
    "plotting.geo_topojson_names": lambda: ((), {"fig": _plotting().plot_infrastructure_map()}),
    "plotting.plot_autoscaling": lambda: ((), {"result": _scaling()}),
    "plotting.plot_failover": lambda: ((), {"result": _placement()}),
    "plotting.plot_infrastructure_comparison": lambda: ((), {"as_of_dates": ["2019-12-31"]}),
    "plotting.plot_latency_cdf": lambda: ((), {"results": {"three regions": _ul()}}),
    "plotting.plot_placement": lambda: (
        (),
        {"result": _placement(), "users": _users(), "candidates": _regions()},
    ),
    "plotting.plot_placement_frontier": lambda: (
        (),
        {"frontier_df": PL.placement_frontier(_users(), _regions(), 2)},
    ),
    "plotting.plot_rtt_matrix": lambda: ((), {"matrix_ms": L.rtt_matrix_ms(_regions())}),
    "plotting.plot_user_latency_map": lambda: ((), {"user_latency_df": _ul()}),
    "plotting.to_offline_html": lambda: ((), {"figures": [_plotting().world_geo_layout()]}),
    "widgets.Explorer": lambda: (
        (),
        {
            "controls": {},
            "render": lambda *a, **k: (pd.DataFrame(), (_go().Figure(),)),
            "make_state": lambda *a, **k: None,
        },
    ),
    "widgets.latency_explorer": lambda: ((), {"initial_regions": ["us-east-1"]}),
    "cli.main": lambda: ((), {"argv": ["regions", "--format", "csv"]}),
    "traffic.read_cloudfront_logs": lambda: ((), {"paths": _log_path()}),
    "traffic.write_cloudfront_log": lambda: (
        (),
        {"frame": _logs(), "path": f"{_LOG_DIR[0]}/out.log", "fields": ["date", "time", "x-edge-location"]},
    ),
    "traffic.LogReadResult": lambda: ((), {"logs": _logs(), "bad_lines": pd.DataFrame()}),
    "traffic.edge_traffic": lambda: ((), {"logs": _logs()}),
    "traffic.population_from_logs": lambda: ((), {"logs": _logs()}),
    "traffic.compare_cdn_with_logs": lambda: (
        (),
        {"logs": _logs(), "origin_region": "us-east-1", "min_misses": 3},
    ),
    "traffic.miss_fetch_legs_ms": lambda: (
        (),
        {"edges": _users()[["lat", "lon"]], "origin_region": "us-east-1"},
    ),
    "traffic.CdnLogComparison": lambda: (
        (),
        _fields(traffic_module().compare_cdn_with_logs(_logs(), "us-east-1", min_misses=3)),
    ),
}


def _public() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for mod_name in PUBLIC:
        mod = importlib.import_module(f"cloudgeo.{mod_name}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if callable(obj):
                found[f"{mod_name}.{name}"] = obj
    return found


CALLABLES = _public()
DRIVEN = sorted(set(CALLABLES) - set(NOT_DRIVEN))
_BASE_CACHE: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}


def _base(name: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    if name not in _BASE_CACHE:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _BASE_CACHE[name] = BASES[name]() if name in BASES else ((), {})
    args, kwargs = _BASE_CACHE[name]
    return args, dict(kwargs)


# --------------------------------------------------------------------------------------------
# hostile values
# --------------------------------------------------------------------------------------------

NAN = float("nan")
INF = float("inf")


def _frame_variants(df: pd.DataFrame) -> list[Any]:
    num = [c for c in df.columns if pd.api.types.is_float_dtype(df[c].dtype)]
    out: list[Any] = [df.iloc[:0], df.iloc[:1], pd.concat([df, df.iloc[:1]])]
    mi = df.copy()
    mi.columns = pd.MultiIndex.from_tuples([(str(c), "x") for c in df.columns])
    out.append(mi)
    out.append(df.convert_dtypes())
    out.append(df.convert_dtypes(dtype_backend="pyarrow"))
    for col in dict.fromkeys(num[:1] + num[-1:]):  # first and last numeric column (lat, weight)
        out.append(df.assign(**{col: np.nan}))
        out.append(df.assign(**{col: 1e308}))
        out.append(df.assign(**{col: pd.Series([pd.NA] * len(df), index=df.index, dtype=object)}))
        out.append(df.assign(**{col: df[col].astype(str)}))
    if num:
        col = num[0]
        dup = df.copy()
        dup.columns = [col if c == num[-1] else c for c in df.columns]
        out.append(dup)
    return out


STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "float_limits": st.sampled_from([1e308, -1e308, 1.7976931348623157e308, 5e-324, -5e-324, -0.0, 0.0]),
    "nan_inf": st.sampled_from([NAN, INF, -INF, np.float64(NAN)]),
    "missing": st.sampled_from([None, pd.NA, pd.NaT]),
    "big_ints": st.sampled_from([10**400, -(10**400), 2**63, -1, 0, np.int64(-1), np.uint8(255)]),
    "wrong_scalars": st.sampled_from(
        [True, np.bool_(False), 1 + 2j, pd.Timedelta(1), dt.timedelta(days=1), np.timedelta64(1, "s"), b"x"]
    ),
    "text": st.sampled_from(
        ["", "x", "1", "nan", "us-east-l", "\u202e<img src=x onerror=alert(1)>", "X" * 300]
    ),
    "floats": st.floats(allow_nan=True, allow_infinity=True),
    "sequences": st.sampled_from([[], (), [NAN], [None], [1, "a"], [[1, 2], [3]], {"a": 1}, set()]),
    "nullable_arrays": st.sampled_from(
        [
            pd.array([1, None], dtype="Int64"),
            pd.array([0.5, None], dtype="Float64"),
            pd.array([True, None], dtype="boolean"),
            pd.Series([1.0, None], dtype="float64[pyarrow]"),
            pd.Series(["a", None], dtype="string[pyarrow]"),
        ]
    ),
    "arrays": st.sampled_from(
        [np.array([]), np.array([NAN]), np.array([1e308, 1e308]), np.array([[1.0, 2.0]]), np.array(["a"])]
    ),
    "frames": st.sampled_from(
        [
            pd.DataFrame(),
            pd.DataFrame({"lat": [NAN], "lon": [0.0]}),
            pd.DataFrame({"lat": [1.0], "lon": [2.0]}, index=pd.MultiIndex.from_tuples([("a", 1)])),
            pd.DataFrame([[1.0, 2.0]], columns=["lat", "lat"]),
        ]
    ),
    "objects": st.sampled_from([object(), print, int, Ellipsis]),
}
#: Strategies built from the base value itself (variants of a frame, scaled numbers, ...).
DERIVED = ("frame_variants", "number_scaled")


def _hostile(base: Any) -> st.SearchStrategy[tuple[str, Any]]:
    options = [st.tuples(st.just(k), s) for k, s in STRATEGIES.items()]
    if isinstance(base, pd.DataFrame) and len(base.columns):
        options.append(st.tuples(st.just("frame_variants"), st.sampled_from(_frame_variants(base))))
    if isinstance(base, int | float) and not isinstance(base, bool):
        scaled = [base * 1e300, base * -1.0, base + 0.5, -base - 1, base * 1e-300]
        options.append(st.tuples(st.just("number_scaled"), st.sampled_from(scaled)))
    return st.one_of(options)


# --------------------------------------------------------------------------------------------
# the checks
# --------------------------------------------------------------------------------------------


def _nan_in(out: Any) -> str | None:
    """Name a NaN in a result that should be finite (None if there is none)."""
    if isinstance(out, float) and math.isnan(out):
        return "the result is NaN"
    if dataclasses.is_dataclass(out) and not isinstance(out, type):
        for f in dataclasses.fields(out):
            v = getattr(out, f.name, None)
            if isinstance(v, float) and math.isnan(v):
                return f"field {f.name} is NaN"
    if isinstance(out, pd.DataFrame):
        for c in out.columns:
            if isinstance(c, str) and (c.endswith(("_ms", "_km")) or c == "weight"):
                col = out[c]
                if pd.api.types.is_numeric_dtype(col.dtype) and bool(col.isna().any()):
                    return f"column {c} has NaN"
    return None


def _call(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[str, str]:
    """Call and classify: ('ok'|'error'|'escape', detail)."""
    fn = CALLABLES[name]
    for v in (*args, *kwargs.values()):
        if isinstance(v, io.StringIO):
            v.seek(0)  # readers consume their buffer; every call reads it from the start
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # warnings are part of a result, not an escape
        try:
            out = fn(*args, **kwargs)
        except CloudGeoError as exc:
            if isinstance(exc, RIGHT_BUILTINS):
                return "error", type(exc).__name__
            return "escape", f"{type(exc).__name__} is a CloudGeoError but not a fitting builtin: {exc}"
        except Exception as exc:  # classifying what escaped is the point
            return "escape", f"{type(exc).__name__}: {str(exc)[:300]}"
    nan = None if name in RESULT_CONTAINERS else _nan_in(out)
    if nan is not None:
        return "escape", f"returned silently wrong output: {nan}"
    return "ok", type(out).__name__


def _settings(name: str) -> settings:
    slow = name.split(".")[0] in SLOW or name in SLOW_CALLABLES
    return settings(
        max_examples=5 if slow else EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def _parameters(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[tuple[str, Any]]:
    """The arguments a draw may replace: ('#i', positional) or (keyword, value)."""
    fn = CALLABLES[name]
    slots: list[tuple[str, Any]] = [(f"#{i}", a) for i, a in enumerate(args)]
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return slots
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name.startswith("_"):
            continue
        if p.name in kwargs:
            slots.append((p.name, kwargs[p.name]))
        elif p.default is not inspect.Parameter.empty:
            slots.append((p.name, p.default))
    return slots


@pytest.fixture(scope="module", autouse=True)
def _summary(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    summary = {
        "callables": len(CALLABLES),
        "driven": len(DRIVEN),
        "not_driven": NOT_DRIVEN,
        "strategies": len(STRATEGIES) + len(DERIVED),
        "examples": STATS["examples"],
        "returned": STATS["ok"],
        "raised_cloudgeo_error": STATS["error"],
        "escapes": STATS["escape"],
        "base_calls_valid": STATS["base_ok"],
    }
    line = (
        f"harness: {summary['callables']} public callables ({summary['driven']} driven, "
        f"{len(NOT_DRIVEN)} not driven), {summary['strategies']} strategies, {summary['examples']} "
        f"examples ({summary['returned']} returned, {summary['raised_cloudgeo_error']} raised a "
        f"CloudGeoError), {summary['escapes']} escapes; {summary['base_calls_valid']} valid base calls"
    )
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("")
        reporter.write_line(line)
    target = os.environ.get("CLOUDGEO_HARNESS_SUMMARY")
    if target:
        with open(target, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, indent=1)


def test_every_public_callable_is_driven_or_says_why() -> None:
    assert set(NOT_DRIVEN) <= set(CALLABLES), sorted(set(NOT_DRIVEN) - set(CALLABLES))
    stale = sorted(set(BASES) - set(CALLABLES))
    assert stale == [], f"bases for names that are not public: {stale}"
    for name in DRIVEN:
        try:
            sig = inspect.signature(CALLABLES[name])
        except (TypeError, ValueError):
            continue
        required = [
            p.name
            for p in sig.parameters.values()
            if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
        assert not required or name in BASES, f"{name} needs a base call in BASES (requires {required})"


@pytest.mark.parametrize("name", DRIVEN)
def test_harness(name: str) -> None:
    args, kwargs = _base(name)
    kind, detail = _call(name, args, dict(kwargs))
    assert kind != "escape", f"{name} base call: {detail}"
    STATS["base_ok"] += kind == "ok"
    slots = _parameters(name, args, kwargs)
    if not slots:
        return

    @_settings(name)
    @given(st.data())
    def run(data: st.DataObject) -> None:
        slot, base_value = data.draw(st.sampled_from(slots), label="argument")
        strategy, value = data.draw(_hostile(base_value), label="hostile value")
        a, k = list(args), dict(kwargs)
        if slot.startswith("#"):
            a[int(slot[1:])] = value
        else:
            k[slot] = value
        kind, detail = _call(name, tuple(a), k)
        STATS["examples"] += 1
        STATS[kind] += 1
        STATS[f"strategy:{strategy}"] += 1
        shown = repr(value).replace("\n", " ")[:200]
        assert kind != "escape", f"{name}({slot}={shown}) [{strategy}]: {detail}"

    run()
