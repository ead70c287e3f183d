"""The bad-input table (issue 8): every public entry point, fed wrong input, raises a named error.

Each row calls one public callable with one kind of bad input (wrong type, NaN/inf, out-of-range
or swapped coordinates, empty frame, duplicate id, unknown code, percentage where a fraction
belongs, malformed or out-of-catalogue date, ...) and asserts

* the exact error class from :mod:`cloudgeo.errors` (always a ``CloudGeoError`` and also the
  fitting builtin ``ValueError``/``KeyError``/``TypeError``), and
* a message matching a pattern that names the bad value and what is expected.

``test_every_public_callable_has_a_row`` enumerates ``cloudgeo.__all__`` (the lazy flat API) and
every public module's ``__all__`` and fails if a callable has no row here; the exemption list
is explicit and commented. Rows marked ``BUG`` document bad input that an in-progress module
does not reject yet (strict xfail: they fail loudly once fixed, so the marker gets removed).
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import module_lists
import numpy as np
import pandas as pd
import pytest

import cloudgeo
from cloudgeo import availability as A
from cloudgeo import catalog as C
from cloudgeo import durability as D
from cloudgeo import geodesy as G
from cloudgeo import latency as L
from cloudgeo import measurements as M
from cloudgeo import network as N
from cloudgeo import placement as PL
from cloudgeo import population as P
from cloudgeo import price_classes as PC
from cloudgeo import report as R
from cloudgeo import scaling as S
from cloudgeo import stats as ST
from cloudgeo.errors import (
    CatalogDateError,
    CloudGeoError,
    DataFileError,
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
    NotNumericError,
    UnknownEdgeLocationError,
    UnknownNameError,
    UnknownRegionError,
)

PUBLIC_MODULES = (*module_lists.PUBLIC_MODULES, "cli")

NAN = float("nan")
INF = float("inf")


def _pts(lat: list[float], lon: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"lat": lat, "lon": lon})


GOOD = _pts([14.6, 1.35], [121.0, 103.8])
BAD_LAT = _pts([95.0], [3.0])
SWAPPED = _pts([-122.3], [47.6])  # Seattle given as (lon, lat)
NAN_PTS = _pts([NAN], [3.0])
INF_PTS = _pts([10.0], [INF])
EMPTY = _pts([], [])
DUP_REGIONS = pd.DataFrame({"code": ["eu-x-1", "eu-x-1"], "lat": [1.0, 2.0], "lon": [1.0, 2.0]})


def _regions() -> pd.DataFrame:
    return C.load_regions().loc[["us-east-1", "eu-west-1", "ap-southeast-1"]]


def _demand() -> pd.Series:
    return S.daily_demand(days=1, freq="5min", seed=1)


def _fig() -> Any:
    from cloudgeo import plotting

    return plotting.plot_availability()


def _widgets() -> Any:
    return importlib.import_module("cloudgeo.widgets")


def _plotting() -> Any:
    return importlib.import_module("cloudgeo.plotting")


@dataclass(frozen=True)
class Row:
    entry: str  # "module.name"
    case: str
    call: Callable[[], object]
    error: type[Exception]
    match: str
    bug: str = ""  # non-empty: known bug (strict xfail)


class CliExit(Exception):
    """The CLI returned a non-zero status (the text is its stderr)."""


def _cli_exit(argv: list[str]) -> object:
    import contextlib
    import io

    from cloudgeo import cli

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(argv)
    if code != 0:
        raise CliExit(f"exit {code}: {err.getvalue().strip()}")
    return code


ROWS: list[Row] = []


def row(
    entry: str, case: str, error: type[Exception], match: str, call: Callable[[], object], bug: str = ""
) -> None:
    ROWS.append(Row(entry, case, call, error, match, bug))


# ---- catalog ---------------------------------------------------------------------------------
row(
    "catalog.load_regions",
    "date wrong format",
    CatalogDateError,
    r"ISO format YYYY-MM-DD.*'31/12/2019'",
    lambda: C.load_regions(as_of="31/12/2019"),
)
row(
    "catalog.load_regions",
    "date before catalogue",
    CatalogDateError,
    r"1999-01-01 is before the first AWS region",
    lambda: C.load_regions(as_of="1999-01-01"),
)
row(
    "catalog.load_regions",
    "int date",
    CatalogDateError,
    r"got 20191231",
    lambda: C.load_regions(as_of=20191231),
)
row(
    "catalog.load_regions",
    "unknown partition",
    UnknownNameError,
    r"unknown partition 'aws-xx'.*Valid values",
    lambda: C.load_regions(partitions="aws-xx"),
)
row(
    "catalog.load_regions",
    "non-bool flag",
    InvalidTypeError,
    r"include_unannounced must be True or False, got 'yes'",
    lambda: C.load_regions(include_unannounced="yes"),
)  # type: ignore[arg-type]
row(
    "catalog.get_regions",
    "typo code",
    UnknownRegionError,
    r"'us-east-l'.*Did you mean 'us-east-1'",
    lambda: C.get_regions("us-east-l"),
)
row(
    "catalog.get_regions",
    "wrong type",
    InvalidTypeError,
    r"codes must be a string or a sequence.*int",
    lambda: C.get_regions(5),
)  # type: ignore[arg-type]
row(
    "catalog.get_regions",
    "date wrong format",
    CatalogDateError,
    r"'2019/12/31'",
    lambda: C.get_regions("us-east-1", as_of="2019/12/31"),
)
row("catalog.get_sla", "unknown id", UnknownNameError, r"unknown SLA 'ec2'", lambda: C.get_sla("ec2"))
row(
    "catalog.get_sla", "wrong type", InvalidTypeError, r"SLA id must be a string, got 3", lambda: C.get_sla(3)
)  # type: ignore[arg-type]
row(
    "catalog.get_storage_class",
    "typo",
    UnknownNameError,
    r"'s3-standrd'.*Did you mean 's3-standard'",
    lambda: C.get_storage_class("s3-standrd"),
)
row(
    "catalog.get_storage_class",
    "None",
    InvalidTypeError,
    r"storage class id must be a string, got None",
    lambda: C.get_storage_class(None),
)  # type: ignore[arg-type]
row(
    "catalog.load_availability_zones",
    "unknown region",
    UnknownRegionError,
    r"unknown region code 'xx-1'",
    lambda: C.load_availability_zones(regions="xx-1"),
)
row(
    "catalog.load_availability_zones",
    "month 13",
    CatalogDateError,
    r"'2019-13-01'",
    lambda: C.load_availability_zones(as_of="2019-13-01"),
)
row(
    "catalog.load_edge_locations",
    "before first list",
    CatalogDateError,
    r"2000-01-01 is before the first shipped edge",
    lambda: C.load_edge_locations(as_of="2000-01-01"),
)
row(
    "catalog.load_edge_locations",
    "not a date",
    CatalogDateError,
    r"got 'nope'",
    lambda: C.load_edge_locations(as_of="nope"),
)
row(
    "catalog.lookup_edge_location",
    "unknown code",
    UnknownEdgeLocationError,
    r"unknown edge-location code 'XYZ99'",
    lambda: C.lookup_edge_location("XYZ99"),
)
row(
    "catalog.lookup_edge_location",
    "malformed",
    InvalidInputError,
    r"malformed edge-location code\(s\) \[''\]; expected 3 letters",
    lambda: C.lookup_edge_location(""),
)
row(
    "catalog.lookup_edge_location",
    "wrong type",
    InvalidTypeError,
    r"codes must be a string or a list.*got int",
    lambda: C.lookup_edge_location(12),
)
row(
    "catalog.read_regions",
    "missing file",
    DataFileError,
    r"could not read /nonexistent/regions\.csv",
    lambda: C.read_regions("/nonexistent/regions.csv"),
)
row(
    "catalog.read_regions",
    "wrong type",
    InvalidTypeError,
    r"path must be a file path.*got int",
    lambda: C.read_regions(5),
)  # type: ignore[arg-type]
row(
    "catalog.read_edge_locations",
    "missing file",
    DataFileError,
    r"could not read /nonexistent/edges\.csv",
    lambda: C.read_edge_locations("/nonexistent/edges.csv"),
)
row(
    "catalog.read_edge_locations",
    "wrong type",
    InvalidTypeError,
    r"path must be a file path.*got NoneType",
    lambda: C.read_edge_locations(None),
)  # type: ignore[arg-type]
row(
    "catalog.validate_regions",
    "duplicate ids",
    DataValidationError,
    r"duplicate region code\(s\): \['eu-x-1'\]",
    lambda: C.validate_regions(DUP_REGIONS),
)
row(
    "catalog.validate_regions",
    "swapped lat/lon",
    DataValidationError,
    r"values -122\.3.*swapped",
    lambda: C.validate_regions(SWAPPED.assign(code=["x-1"])),
)
row(
    "catalog.validate_regions",
    "not a frame",
    InvalidTypeError,
    r"regions must be a pandas DataFrame, got list",
    lambda: C.validate_regions([1, 2]),
)  # type: ignore[arg-type]
row(
    "catalog.validate_edge_locations",
    "lon out of range",
    DataValidationError,
    r"lon outside \[-180, 180\].*200",
    lambda: C.validate_edge_locations(pd.DataFrame({"iata": ["AMS"], "lat": [1.0], "lon": [200.0]})),
)
row(
    "catalog.validate_edge_locations",
    "not a frame",
    InvalidTypeError,
    r"must be a pandas DataFrame, got str",
    lambda: C.validate_edge_locations("x"),
)  # type: ignore[arg-type]

# ---- population ------------------------------------------------------------------------------
row(
    "population.country_weights",
    "unknown code",
    UnknownNameError,
    r"'XX'",
    lambda: P.country_weights({"XX": 1.0}),
)
row(
    "population.country_weights",
    "negative weight",
    DataValidationError,
    r"'PH' must be finite and >= 0, got -1",
    lambda: P.country_weights({"PH": -1.0}),
)
row(
    "population.country_weights",
    "NaN weight",
    DataValidationError,
    r"'PH' must be finite and >= 0, got nan",
    lambda: P.country_weights({"PH": NAN}),
)
row(
    "population.country_weights",
    "empty",
    InvalidInputError,
    r"weights is empty",
    lambda: P.country_weights({}),
)
row(
    "population.country_weights",
    "wrong type",
    InvalidTypeError,
    r"weights must be a mapping.*got list",
    lambda: P.country_weights([1, 2]),
)  # type: ignore[arg-type]
row(
    "population.from_points",
    "lat out of range",
    DataValidationError,
    r"lat outside \[-90, 90\].*95",
    lambda: P.from_points(BAD_LAT),
)
row(
    "population.from_points",
    "swapped",
    DataValidationError,
    r"-122\.3.*are lat and lon swapped",
    lambda: P.from_points(SWAPPED),
)
row("population.from_points", "NaN", DataValidationError, r"lat is NaN", lambda: P.from_points(NAN_PTS))
row("population.from_points", "inf", DataValidationError, r"lon is infinite", lambda: P.from_points(INF_PTS))
row(
    "population.from_points",
    "empty frame",
    DataValidationError,
    r"the table is empty",
    lambda: P.from_points(EMPTY),
)
row(
    "population.from_points",
    "negative weight",
    DataValidationError,
    r"w is negative in row\(s\) 0",
    lambda: P.from_points(GOOD.assign(w=[-1.0, 1.0]), weight="w"),
)
row(
    "population.load_world_cities",
    "below the extract",
    InvalidInputError,
    r"min_population must be >= 15000.*got 10",
    lambda: P.load_world_cities(min_population=10),
)
row(
    "population.load_world_cities",
    "float",
    InvalidTypeError,
    r"min_population must be an integer, got 1\.5",
    lambda: P.load_world_cities(min_population=1.5),
)  # type: ignore[arg-type]

# ---- measurements ----------------------------------------------------------------------------
row(
    "measurements.read_cloudping_json",
    "missing file",
    DataFileError,
    r"'/nonexistent\.json'.*no such file",
    lambda: M.read_cloudping_json("/nonexistent.json"),
)
row(
    "measurements.read_cloudping_json",
    "wrong type",
    InvalidTypeError,
    r"expected a file path or an open file, got int",
    lambda: M.read_cloudping_json(5),
)  # type: ignore[arg-type]
row(
    "measurements.read_gcping_csv",
    "a frame",
    InvalidTypeError,
    r"expected a file path.*got DataFrame",
    lambda: M.read_gcping_csv(pd.DataFrame()),
)  # type: ignore[arg-type]
row(
    "measurements.read_gcping_csv",
    "missing file",
    DataFileError,
    r"'/nonexistent\.csv'.*no such file",
    lambda: M.read_gcping_csv("/nonexistent.csv"),
)
row(
    "measurements.read_wondernetwork_csv",
    "bad option",
    InvalidInputError,
    r"unknown_servers must be one of 'raise', 'drop'; got 'ignore'",
    lambda: M.read_wondernetwork_csv("/nonexistent.csv", unknown_servers="ignore"),
)
row(
    "measurements.read_wondernetwork_csv",
    "missing file",
    DataFileError,
    r"no such file",
    lambda: M.read_wondernetwork_csv("/nonexistent.csv"),
)
row(
    "measurements.read_measurements_csv",
    "missing file",
    DataFileError,
    r"'/nonexistent\.csv'.*no such file",
    lambda: M.read_measurements_csv("/nonexistent.csv"),
)
row(
    "measurements.to_round_trip",
    "not a frame",
    InvalidTypeError,
    r"must be a pandas DataFrame, got list",
    lambda: M.to_round_trip([1]),
)  # type: ignore[arg-type]
row(
    "measurements.to_round_trip",
    "missing columns",
    DataValidationError,
    r"missing column\(s\) \['src'",
    lambda: M.to_round_trip(pd.DataFrame({"a": [1]})),
)
row(
    "measurements.validate_measurements",
    "missing columns",
    DataValidationError,
    r"missing column\(s\).*present: \['a'\]",
    lambda: M.validate_measurements(pd.DataFrame({"a": [1]})),
)
row(
    "measurements.validate_measurements",
    "not a frame",
    InvalidTypeError,
    r"got int",
    lambda: M.validate_measurements(5),
)  # type: ignore[arg-type]

# ---- geodesy ---------------------------------------------------------------------------------
row(
    "geodesy.great_circle_km",
    "lat out of range",
    DataValidationError,
    r"lat outside \[-90, 90\].*95",
    lambda: G.great_circle_km(95, 0, 0, 0),
)
row(
    "geodesy.great_circle_km",
    "NaN",
    DataValidationError,
    r"lat is NaN",
    lambda: G.great_circle_km(NAN, 0, 0, 0),
)
row(
    "geodesy.great_circle_km",
    "string",
    NotNumericError,
    r"lat1 must be numeric decimal degrees, got 'a'",
    lambda: G.great_circle_km("a", 0, 0, 0),
)
row(
    "geodesy.great_circle_km",
    "negative radius",
    InvalidInputError,
    r"radius_km must be > 0 km, got -1",
    lambda: G.great_circle_km(0, 0, 0, 0, radius_km=-1),
)
row(
    "geodesy.great_circle_km",
    "shape mismatch",
    InvalidInputError,
    r"mismatched lengths",
    lambda: G.great_circle_km([1, 2], [1, 2, 3], [0], [0]),
)
row("geodesy.geodesic_km", "lat out of range", DataValidationError, r"95", lambda: G.geodesic_km(95, 0, 0, 0))
row("geodesy.geodesic_km", "string", NotNumericError, r"got 'x'", lambda: G.geodesic_km("x", 0, 0, 0))
row(
    "geodesy.distance_matrix_km",
    "not a frame",
    InvalidTypeError,
    r"a must be a pandas DataFrame, got list",
    lambda: G.distance_matrix_km([1]),
)  # type: ignore[arg-type]
row(
    "geodesy.distance_matrix_km",
    "empty",
    DataValidationError,
    r"b failed validation.*empty",
    lambda: G.distance_matrix_km(GOOD, EMPTY),
)
row(
    "geodesy.nearest_sites",
    "swapped sites",
    DataValidationError,
    r"sites failed.*swapped",
    lambda: G.nearest_sites(GOOD, SWAPPED),
)
row(
    "geodesy.nearest_sites",
    "k too large",
    InvalidInputError,
    r"k=5 is larger than the number of sites \(2\)",
    lambda: G.nearest_sites(GOOD, GOOD, k=5),
)
row(
    "geodesy.nearest_sites",
    "k float",
    InvalidTypeError,
    r"k must be an integer, got 1\.5",
    lambda: G.nearest_sites(GOOD, GOOD, k=1.5),
)  # type: ignore[arg-type]
row("geodesy.unit_vectors", "string", NotNumericError, r"'a'", lambda: G.unit_vectors("a", 0))  # type: ignore[arg-type]
row(
    "geodesy.unit_vectors",
    "lat out of range",
    DataValidationError,
    r"95",
    lambda: G.unit_vectors(95, 0),
)

# ---- network ---------------------------------------------------------------------------------
row(
    "network.route_hubs",
    "lat out of range",
    DataValidationError,
    r"source point.*95",
    lambda: N.route_hubs((95, 0), (0, 0)),
)
row(
    "network.route_hubs",
    "n_attach 0",
    InvalidInputError,
    r"n_attach must be >= 1, got 0",
    lambda: N.route_hubs((0, 0), (0, 0), n_attach=0),
)
row(
    "network.route_hubs",
    "string point",
    InvalidTypeError,
    r"'x'",
    lambda: N.route_hubs("x", (0, 0)),  # type: ignore[arg-type]
)
row(
    "network.routed_distance_km",
    "NaN",
    DataValidationError,
    r"lat is NaN",
    lambda: N.routed_distance_km(NAN, 0, 0, 0),
)
row(
    "network.routed_distance_km",
    "negative option",
    InvalidInputError,
    r"direct_max_km must be >= 0 km, got -5",
    lambda: N.routed_distance_km(0, 0, 0, 0, direct_max_km=-5),
)
row(
    "network.routed_distance_km",
    "string",
    NotNumericError,
    r"'x'",
    lambda: N.routed_distance_km("x", 0, 0, 0),
)
row(
    "network.routed_distance_matrix_km",
    "lat out of range",
    DataValidationError,
    r"points a.*95",
    lambda: N.routed_distance_matrix_km([95], [0], [0], [0]),
)
row(
    "network.Backbone",
    "not frames",
    InvalidTypeError,
    r"hubs",
    lambda: N.Backbone(1, 2, 3, 4),  # type: ignore[arg-type]
)

# ---- latency ---------------------------------------------------------------------------------
row(
    "latency.calibrate",
    "missing columns",
    DataValidationError,
    r"missing column\(s\) \['src'",
    lambda: L.calibrate(pd.DataFrame({"a": [1]})),
)
row("latency.calibrate", "not a frame", InvalidTypeError, r"got list", lambda: L.calibrate([1]))  # type: ignore[arg-type]
row(
    "latency.cdn_summary",
    "missing columns",
    DataValidationError,
    r"missing column\(s\) \['ttfb_ms'\]",
    lambda: L.cdn_summary(pd.DataFrame()),
)
row(
    "latency.cdn_ttfb_breakdown_ms",
    "percentage",
    InvalidInputError,
    r"edge_hit_ratio.*got 90.*pass 0\.9",
    lambda: L.cdn_ttfb_breakdown_ms(10, 20, 30, edge_hit_ratio=90),
)
row(
    "latency.cdn_ttfb_breakdown_ms",
    "unknown tls",
    InvalidInputError,
    r"tls must be one of '1\.2', '1\.3', 'reused'; got '1\.4'",
    lambda: L.cdn_ttfb_breakdown_ms(10, 20, 30, tls="1.4"),
)
row(
    "latency.cdn_ttfb_breakdown_ms",
    "negative RTT",
    InvalidInputError,
    r"-10",
    lambda: L.cdn_ttfb_breakdown_ms(-10, 20, 30),
)
row(
    "latency.cdn_ttfb_breakdown_ms",
    "NaN RTT",
    InvalidInputError,
    r"nan",
    lambda: L.cdn_ttfb_breakdown_ms(NAN, 20, 30),
)
row(
    "latency.cdn_ttfb_ms",
    "typo origin",
    UnknownRegionError,
    r"'us-east-l'.*Did you mean 'us-east-1'",
    lambda: L.cdn_ttfb_ms(GOOD, "us-east-l"),
)
row(
    "latency.cdn_ttfb_ms",
    "bad users",
    DataValidationError,
    r"users failed.*95",
    lambda: L.cdn_ttfb_ms(BAD_LAT, "us-east-1"),
)
row(
    "latency.cdn_ttfb_ms",
    "percentage-ish",
    InvalidInputError,
    r"rec_hit_ratio.*got 1\.5",
    lambda: L.cdn_ttfb_ms(GOOD, "us-east-1", rec_hit_ratio=1.5),
)
row(
    "latency.cdn_ttfb_ms",
    "unknown select",
    InvalidInputError,
    r"select must be one of 'rtt', 'distance'; got 'RTT'",
    lambda: L.cdn_ttfb_ms(GOOD, "us-east-1", select="RTT"),
)
row(
    "latency.fibre_speed_km_s",
    "NaN",
    InvalidInputError,
    r"fibre_index must be finite, got nan",
    lambda: L.fibre_speed_km_s(NAN),
)
row(
    "latency.fibre_speed_km_s",
    "string",
    InvalidTypeError,
    r"got '1\.5' \(str\)",
    lambda: L.fibre_speed_km_s("1.5"),
)  # type: ignore[arg-type]
row(
    "latency.fibre_speed_km_s",
    "faster than light",
    InvalidInputError,
    r"0\.5",
    lambda: L.fibre_speed_km_s(0.5),
)
row(
    "latency.get_model",
    "typo",
    UnknownNameError,
    r"'calibratd'.*Did you mean 'calibrated'",
    lambda: L.get_model("calibratd"),
)
row("latency.get_model", "wrong type", InvalidTypeError, r"got 5", lambda: L.get_model(5))  # type: ignore[arg-type]
row(
    "latency.latency_summary",
    "NaN",
    DataValidationError,
    r"rtt_ms has NaN",
    lambda: L.latency_summary(pd.DataFrame({"rtt_ms": [1.0, NAN]})),
)
row(
    "latency.latency_summary",
    "negative threshold",
    InvalidInputError,
    r"thresholds_ms must be >= 0 ms, got -5",
    lambda: L.latency_summary(pd.DataFrame({"rtt_ms": [1.0]}), thresholds_ms=[-5]),
)
row(
    "latency.region_rtt_ms",
    "typo",
    UnknownRegionError,
    r"us-east-l.*Did you mean 'us-east-1'",
    lambda: L.region_rtt_ms("us-east-l", "eu-west-1"),
)
row(
    "latency.region_rtt_ms",
    "unknown stat",
    InvalidInputError,
    r"stat must be one of 'p50', 'p90'; got 'p99'",
    lambda: L.region_rtt_ms("us-east-1", "eu-west-1", stat="p99"),
)
row(
    "latency.region_rtt_ms",
    "wrong type",
    InvalidTypeError,
    r"src_codes must be a region code.*got 5",
    lambda: L.region_rtt_ms(5, "eu-west-1"),
)  # type: ignore[arg-type]
row(
    "latency.rtt_from_distance_ms",
    "negative",
    InvalidInputError,
    r"distance_km must be finite and >= 0, got -5",
    lambda: L.rtt_from_distance_ms(-5),
)
row("latency.rtt_from_distance_ms", "NaN", InvalidInputError, r"got nan", lambda: L.rtt_from_distance_ms(NAN))
row(
    "latency.rtt_from_distance_ms",
    "string",
    NotNumericError,
    r"'x'",
    lambda: L.rtt_from_distance_ms("x"),
)
row("latency.rtt_matrix_ms", "typo", UnknownRegionError, r"us-east-l", lambda: L.rtt_matrix_ms(["us-east-l"]))
row("latency.rtt_matrix_ms", "bad frame", DataValidationError, r"95", lambda: L.rtt_matrix_ms(BAD_LAT))
_URM = "latency.user_rtt_matrix_ms"
row(_URM, "typo", UnknownRegionError, r"us-east-l", lambda: L.user_rtt_matrix_ms(GOOD, ["us-east-l"]))
row(_URM, "bad frame", DataValidationError, r"95", lambda: L.user_rtt_matrix_ms(BAD_LAT, ["us-east-1"]))
row(_URM, "wrong type", InvalidTypeError, r"got list", lambda: L.user_rtt_matrix_ms([1], ["us-east-1"]))
row(
    "latency.rtt_ms",
    "lat out of range",
    DataValidationError,
    r"src failed.*95",
    lambda: L.rtt_ms((95, 0), (0, 0)),
)
row(
    "latency.rtt_ms",
    "region code",
    InvalidTypeError,
    r"src must be a \(lat, lon\) tuple.*got str",
    lambda: L.rtt_ms("us-east-1", "eu-west-1"),
)
row(
    "latency.rtt_ms",
    "unknown stat",
    InvalidInputError,
    r"got 'mean'",
    lambda: L.rtt_ms((0, 0), (1, 1), stat="mean"),
)
row(
    "latency.user_latency",
    "empty sites",
    DataValidationError,
    r"sites failed.*empty",
    lambda: L.user_latency(GOOD, EMPTY),
)
row(
    "latency.user_latency",
    "wrong type",
    InvalidTypeError,
    r"users must be a pandas or dask DataFrame.*got int",
    lambda: L.user_latency(5, _regions()),
)
row(
    "latency.user_latency",
    "unknown select",
    InvalidInputError,
    r"select must be one of 'rtt', 'distance'; got 'nearest'",
    lambda: L.user_latency(GOOD, _regions(), select="nearest"),
)
row(
    "latency.weighted_quantile",
    "percent q",
    InvalidInputError,
    r"q must be in \[0, 1\], got 50",
    lambda: L.weighted_quantile([1, 2], 50),
)
row(
    "latency.weighted_quantile",
    "empty",
    InvalidInputError,
    r"values are empty",
    lambda: L.weighted_quantile([], 0.5),
)
row(
    "latency.weighted_quantile",
    "NaN value",
    InvalidInputError,
    r"nan|NaN",
    lambda: L.weighted_quantile([1, 2, NAN], 0.5),
)
row(
    "latency.weighted_quantile",
    "negative weight",
    InvalidInputError,
    r"negative",
    lambda: L.weighted_quantile([1, 2], 0.5, weights=[-1, 1]),
)
row(
    "latency.LatencyModel",
    "NaN stretch",
    InvalidInputError,
    r"stretch must be finite, got nan",
    lambda: L.LatencyModel(stretch=NAN),
)
row(
    "latency.LatencyModel",
    "unknown routing",
    InvalidInputError,
    r"routing must be one of.*got 'teleport'",
    lambda: L.LatencyModel(routing="teleport"),
)
row(
    "latency.LatencyModel",
    "stretch < 1",
    InvalidInputError,
    r"stretch.*0\.5",
    lambda: L.LatencyModel(stretch=0.5),
)
row(
    "latency.LatencyModel",
    "fibre_index < 1",
    InvalidInputError,
    r"fibre_index.*0\.5",
    lambda: L.LatencyModel(fibre_index=0.5),
)

_CWM = {"src": ["us-east-1"], "dst": ["eu-west-1"], "rtt_ms": [70.0], "stat": ["p50"], "one_way": [False]}
row(
    "latency.compare_with_measurements",
    "missing columns",
    DataValidationError,
    r"missing column",
    lambda: L.compare_with_measurements(pd.DataFrame({"a": [1]})),
)
row(
    "latency.compare_with_measurements",
    "typo region",
    UnknownRegionError,
    r"us-east-l",
    lambda: L.compare_with_measurements(pd.DataFrame({**_CWM, "src": ["us-east-l"]})),
)
row(
    "latency.compare_with_measurements",
    "negative RTT",
    DataValidationError,
    r"rtt_ms",
    lambda: L.compare_with_measurements(pd.DataFrame({**_CWM, "rtt_ms": [-70.0]})),
)

# ---- durability ------------------------------------------------------------------------------
row(
    "durability.cross_region_replication_loss",
    "percentage",
    InvalidInputError,
    r"region_loss_probabilities\[1\].*got 2",
    lambda: D.cross_region_replication_loss(region_loss_probabilities=[1e-3, 2]),
)
row(
    "durability.cross_region_replication_loss",
    "one region",
    InvalidInputError,
    r"needs at least two regions",
    lambda: D.cross_region_replication_loss(region_loss_probabilities=[1e-3]),
)
row(
    "durability.cross_region_replication_loss",
    "string",
    InvalidTypeError,
    r"got 'ab'",
    lambda: D.cross_region_replication_loss(region_loss_probabilities="ab"),
)  # type: ignore[arg-type]
row(
    "durability.durability_from_nines",
    "negative",
    InvalidInputError,
    r"n must be >= 0, got -1",
    lambda: D.durability_from_nines(-1),
)
row(
    "durability.durability_from_nines",
    "string",
    InvalidTypeError,
    r"got '11' \(str\)",
    lambda: D.durability_from_nines("11"),
)  # type: ignore[arg-type]
row(
    "durability.ebs_expected_failures",
    "negative",
    InvalidInputError,
    r"volumes must be >= 0, got -1",
    lambda: D.ebs_expected_failures(volumes=-1),
)
row(
    "durability.ebs_expected_failures",
    "unknown type",
    UnknownNameError,
    r"'ebs-gp9'.*Did you mean 'ebs-gp3'",
    lambda: D.ebs_expected_failures(volumes=10, volume_type="ebs-gp9"),
)
row(
    "durability.erasure_coding_loss",
    "zero shards",
    InvalidInputError,
    r"data_shards must be >= 1, got 0",
    lambda: D.erasure_coding_loss(
        data_shards=0, parity_shards=3, shard_failure_rate_per_year=0.01, replace_days=1
    ),
)
row(
    "durability.erasure_coding_loss",
    "unknown model",
    InvalidInputError,
    r"model must be one of 'backblaze'.*got 'magic'",
    lambda: D.erasure_coding_loss(
        data_shards=17, parity_shards=3, shard_failure_rate_per_year=0.01, replace_days=1, model="magic"
    ),
)
row(
    "durability.erasure_coding_loss",
    "float shards",
    InvalidTypeError,
    r"data_shards must be an integer, got 17\.5",
    lambda: D.erasure_coding_loss(
        data_shards=17.5, parity_shards=3, shard_failure_rate_per_year=0.01, replace_days=1
    ),
)  # type: ignore[arg-type]
row(
    "durability.expected_losses",
    "percentage",
    InvalidInputError,
    r"got 99\.999999999.*pass 0\.99999999999",
    lambda: D.expected_losses(objects=10, durability=99.999999999),
)
row(
    "durability.expected_losses",
    "unknown class",
    UnknownNameError,
    r"'s3-standrd'",
    lambda: D.expected_losses(objects=10, storage_class="s3-standrd"),
)
row(
    "durability.expected_losses",
    "NaN objects",
    InvalidInputError,
    r"objects must be finite",
    lambda: D.expected_losses(objects=NAN, durability=0.9),
)
row(
    "durability.expected_losses",
    "negative years",
    InvalidInputError,
    r"years must be >= 0, got -1",
    lambda: D.expected_losses(objects=10, durability=0.9, years=-1),
)
row(
    "durability.expected_losses",
    "two models",
    InvalidInputError,
    r"give exactly one of.*got durability, storage_class",
    lambda: D.expected_losses(objects=10, durability=0.9, storage_class="s3-standard"),
)
row(
    "durability.format_one_in",
    "NaN",
    InvalidInputError,
    r"x must be a count >= 0 or inf, got nan",
    lambda: D.format_one_in(NAN),
)
row("durability.format_one_in", "string", InvalidTypeError, r"got 'x' \(str\)", lambda: D.format_one_in("x"))  # type: ignore[arg-type]
row(
    "durability.loss_probability_from_durability",
    "percentage",
    InvalidInputError,
    r"got 99\.9.*pass 0\.999",
    lambda: D.loss_probability_from_durability(99.9),
)
row(
    "durability.nines",
    "both",
    InvalidInputError,
    r"give exactly one of durability, loss_probability",
    lambda: D.nines(0.9, loss_probability=0.1),
)
row(
    "durability.nines",
    "negative",
    InvalidInputError,
    r"loss_probability must be a fraction in \[0, 1\], got -0\.1",
    lambda: D.nines(loss_probability=-0.1),
)
row(
    "durability.one_zone_loss",
    "percentage",
    InvalidInputError,
    r"az_loss_probability_per_year.*got 2",
    lambda: D.one_zone_loss(objects=10, az_loss_probability_per_year=2, storage_class="s3-one-zone-ia"),
)
row(
    "durability.one_zone_loss",
    "no model",
    InvalidInputError,
    r"give exactly one of",
    lambda: D.one_zone_loss(objects=10, az_loss_probability_per_year=1e-4),
)
row(
    "durability.replication_loss",
    "zero copies",
    InvalidInputError,
    r"copies must be >= 1, got 0",
    lambda: D.replication_loss(copies=0, failure_rate_per_year=0.01, replace_days=1),
)
row(
    "durability.shard_failure_rate_from_drive_afr",
    "unknown option",
    InvalidInputError,
    r"afr_is must be one of 'rate', 'probability'; got 'odd'",
    lambda: D.shard_failure_rate_from_drive_afr(0.01, afr_is="odd"),
)
row(
    "durability.shard_failure_rate_from_drive_afr",
    "NaN",
    InvalidInputError,
    r"nan",
    lambda: D.shard_failure_rate_from_drive_afr(NAN),
)

# ---- availability ----------------------------------------------------------------------------
row(
    "availability.Component",
    "percentage",
    InvalidInputError,
    r"got 99\.9.*pass 0\.999",
    lambda: A.Component(99.9),
)
row("availability.Component", "NaN", InvalidInputError, r"must be finite, got nan", lambda: A.Component(NAN))
row("availability.Component", "string", InvalidTypeError, r"got 'x' \(str\)", lambda: A.Component("x"))  # type: ignore[arg-type]
row(
    "availability.Component",
    "unknown basis",
    InvalidInputError,
    r"basis must be one of.*got 'guess'",
    lambda: A.Component(0.9, basis="guess"),
)
row(
    "availability.Domain",
    "out of range",
    InvalidInputError,
    r"Domain availability.*got 1\.5",
    lambda: A.Domain("az", 1.5),
)
row(
    "availability.Series",
    "no parts",
    InvalidInputError,
    r"Series needs a non-empty tuple of parts, got \(\)",
    lambda: A.Series(()),
)
row(
    "availability.KOfN",
    "k > n",
    InvalidInputError,
    r"between 1 and n = 1.*got k = 5",
    lambda: A.KOfN(5, (A.Component(0.9),)),
)
row(
    "availability.Parallel",
    "k = 0",
    InvalidInputError,
    r"got k = 0",
    lambda: A.Parallel(0, (A.Component(0.9),)),
)
row(
    "availability.app_and_rds",
    "percentage",
    InvalidInputError,
    r"instance_availability.*got 99\.5.*pass 0\.995",
    lambda: A.app_and_rds(instance_availability=99.5),
)
row(
    "availability.compare_architectures",
    "wrong type",
    InvalidTypeError,
    r"argument 1 is int",
    lambda: A.compare_architectures(1),
)  # type: ignore[arg-type]
row("availability.downtime", "out of range", InvalidInputError, r"got 1\.5", lambda: A.downtime(1.5))
row(
    "availability.downtime",
    "unknown period",
    InvalidInputError,
    r"period must be one of.*got 'decade'",
    lambda: A.downtime(0.99, period="decade"),
)  # type: ignore[arg-type]
row(
    "availability.downtime_table",
    "percentage inside",
    InvalidInputError,
    r"availabilities\[1\].*got 1\.5",
    lambda: A.downtime_table([0.99, 1.5]),
)
row(
    "availability.downtime_table",
    "empty",
    InvalidInputError,
    r"availabilities is empty",
    lambda: A.downtime_table([]),
)
row(
    "availability.failover_unavailability",
    "negative",
    InvalidInputError,
    r"events_per_year must be >= 0.*got -1",
    lambda: A.failover_unavailability(-1, 10),
)
row(
    "availability.failover_unavailability",
    "more than a year",
    InvalidInputError,
    r"more than the year",
    lambda: A.failover_unavailability(1e9, 1e9),
)
row(
    "availability.format_duration",
    "NaN",
    InvalidInputError,
    r"duration must be finite, got nan",
    lambda: A.format_duration(NAN),
)
row(
    "availability.format_duration",
    "negative",
    InvalidInputError,
    r"duration must be >= 0 s, got -5",
    lambda: A.format_duration(-5),
)
row(
    "availability.importance",
    "wrong type",
    InvalidTypeError,
    r"system must be a Component.*got 5",
    lambda: A.importance(5),
)  # type: ignore[arg-type]
row(
    "availability.k_of_n",
    "k > n",
    InvalidInputError,
    r"k must be between 1 and n = 2.*got k = 3",
    lambda: A.k_of_n(3, [0.9, 0.9]),
)
row(
    "availability.k_of_n",
    "beta percent",
    InvalidInputError,
    r"beta.*got 2",
    lambda: A.k_of_n(1, [0.9, 0.9], beta=2),
)
row(
    "availability.monte_carlo",
    "zero runs",
    InvalidInputError,
    r"n_runs must be >= 2, got 0",
    lambda: A.monte_carlo(A.series(0.9), n_runs=0),
)
row(
    "availability.monte_carlo",
    "unknown distribution",
    InvalidInputError,
    r"got 'weibull'",
    lambda: A.monte_carlo(A.series(0.9), distribution="weibull"),
)  # type: ignore[arg-type]
row(
    "availability.multi_az",
    "one AZ",
    InvalidInputError,
    r"az_count must be >= 2, got 0",
    lambda: A.multi_az(az_count=0),
)
row(
    "availability.multi_az",
    "need > deployed",
    InvalidInputError,
    r"instances_needed = 5 exceeds the 2 instances",
    lambda: A.multi_az(instances_needed=5),
)
row(
    "availability.multi_region",
    "zero regions",
    InvalidInputError,
    r"region_count must be >= 2, got 0",
    lambda: A.multi_region(region_count=0),
)
row(
    "availability.parallel",
    "percentage part",
    InvalidInputError,
    r"part 2 availability.*got 99",
    lambda: A.parallel(0.9, 99),
)
row(
    "availability.parallel",
    "string part",
    InvalidTypeError,
    r"part 2 must be a Component.*got 'x'",
    lambda: A.parallel(0.9, "x"),
)  # type: ignore[arg-type]
row(
    "availability.parallel",
    "no parts",
    InvalidInputError,
    r"parallel needs at least one part",
    lambda: A.parallel(),
)
row(
    "availability.series",
    "NaN part",
    InvalidInputError,
    r"part 2 availability must be finite, got nan",
    lambda: A.series(0.9, NAN),
)
row("availability.series", "None part", InvalidTypeError, r"got None", lambda: A.series(0.9, None))  # type: ignore[arg-type]
row(
    "availability.single_instance",
    "out of range",
    InvalidInputError,
    r"az_availability.*got 2",
    lambda: A.single_instance(az_availability=2),
)
row(
    "availability.single_points_of_failure",
    "wrong type",
    InvalidTypeError,
    r"got 5 \(int\)",
    lambda: A.single_points_of_failure(5),
)  # type: ignore[arg-type]
row(
    "availability.with_failover",
    "negative seconds",
    InvalidInputError,
    r"seconds_per_event must be >= 0 s, got -1",
    lambda: A.with_failover(A.series(0.9), seconds_per_event=-1, events_per_year=1),
)

# ---- placement -------------------------------------------------------------------------------
row(
    "placement.optimize_placement",
    "k = 0",
    InvalidInputError,
    r"k must be >= 1, got 0",
    lambda: PL.optimize_placement(GOOD, _regions(), 0),
)
row(
    "placement.optimize_placement",
    "unknown objective",
    InvalidInputError,
    r"objective must be one of 'mean'.*",
    lambda: PL.optimize_placement(GOOD, _regions(), 2, objective="median-ish"),
)
row(
    "placement.optimize_placement",
    "bad users",
    DataValidationError,
    r"users failed.*95",
    lambda: PL.optimize_placement(BAD_LAT, _regions(), 2),
)
row(
    "placement.optimize_placement",
    "empty candidates",
    DataValidationError,
    r"candidates failed.*empty",
    lambda: PL.optimize_placement(GOOD, EMPTY, 1),
)
row(
    "placement.optimize_placement",
    "unknown must_include",
    UnknownRegionError,
    r"'us-east-l'",
    lambda: PL.optimize_placement(GOOD, _regions(), 2, must_include=["us-east-l"]),
)
row(
    "placement.optimize_placement",
    "not a frame",
    InvalidTypeError,
    r"users must be a pandas DataFrame.*got list",
    lambda: PL.optimize_placement([1], _regions(), 1),
)  # type: ignore[arg-type]
row(
    "placement.placement_frontier",
    "k_max 0",
    InvalidInputError,
    r"k_max must be >= 1, got 0",
    lambda: PL.placement_frontier(GOOD, _regions(), 0),
)
row(
    "placement.placement_frontier",
    "swapped candidates",
    DataValidationError,
    r"swapped",
    lambda: PL.placement_frontier(GOOD, SWAPPED, 1),
)

# ---- scaling ---------------------------------------------------------------------------------
row(
    "scaling.Fleet",
    "negative capacity",
    InvalidInputError,
    r"capacity_per_instance must be > 0.*got -1",
    lambda: S.Fleet(capacity_per_instance=-1),
)
row(
    "scaling.Fleet",
    "min > max",
    InvalidInputError,
    r"max_size must be >= min_size; got min_size=5, max_size=2",
    lambda: S.Fleet(min_size=5, max_size=2),
)
row(
    "scaling.StepScalingPolicy",
    "percentage",
    InvalidInputError,
    r"alarm_threshold.*got 80.*pass 0\.8",
    lambda: S.StepScalingPolicy(alarm_threshold=80),
)
row(
    "scaling.TargetTrackingPolicy",
    "percentage",
    InvalidInputError,
    r"target_utilisation.*got 50.*pass 0\.5",
    lambda: S.TargetTrackingPolicy(target_utilisation=50),
)
row(
    "scaling.daily_demand",
    "US date",
    InvalidInputError,
    r"start must be a date.*got '01/07/2019'",
    lambda: S.daily_demand(start="01/07/2019"),
)
row(
    "scaling.daily_demand",
    "NaN",
    InvalidInputError,
    r"mean_rps must be finite, got nan",
    lambda: S.daily_demand(mean_rps=NAN),
)
row(
    "scaling.daily_demand",
    "bad freq",
    InvalidInputError,
    r"freq must be a time step.*got '1 fortnight'",
    lambda: S.daily_demand(freq="1 fortnight"),
)
row(
    "scaling.seasonal_decline_demand",
    "percentage",
    InvalidInputError,
    r"final_fraction.*got 30.*pass 0\.3",
    lambda: S.seasonal_decline_demand(final_fraction=30),
)
row(
    "scaling.seasonal_decline_demand",
    "unknown shape",
    InvalidInputError,
    r"got 'linearish'",
    lambda: S.seasonal_decline_demand(shape="linearish"),
)
row(
    "scaling.surge_demand",
    "negative multiple",
    InvalidInputError,
    r"multiple must be > 0, got -1",
    lambda: S.surge_demand(multiple=-1),
)
row(
    "scaling.simulate_autoscaling",
    "no DatetimeIndex",
    InvalidTypeError,
    r"demand must have a DatetimeIndex.*got RangeIndex",
    lambda: S.simulate_autoscaling(pd.Series([1.0, 2.0]), S.StepScalingPolicy()),
)
row(
    "scaling.simulate_autoscaling",
    "NaN demand",
    DataValidationError,
    r"demand is NaN",
    lambda: S.simulate_autoscaling(_demand().where(lambda s: s.index.minute != 5), S.StepScalingPolicy()),
)
row(
    "scaling.simulate_autoscaling",
    "wrong policy",
    InvalidTypeError,
    r"policy must be a StepScalingPolicy.*got str",
    lambda: S.simulate_autoscaling(_demand(), "policy"),
)  # type: ignore[arg-type]
row(
    "scaling.simulate_autoscaling",
    "percentage",
    InvalidInputError,
    r"utilisation_objective.*got 80",
    lambda: S.simulate_autoscaling(_demand(), S.StepScalingPolicy(), utilisation_objective=80),
)

# ---- plotting --------------------------------------------------------------------------------
row(
    "plotting.enable_offline_maps",
    "unknown map",
    InvalidInputError,
    r"no vendored base map 'moon'",
    lambda: _plotting().enable_offline_maps(names=("moon",)),
)
row(
    "plotting.export_figure",
    "not a figure",
    InvalidTypeError,
    r"fig must be a plotly.*got str",
    lambda: _plotting().export_figure("notafig", "/tmp/x.png"),
)
row(
    "plotting.export_figure",
    "unknown format",
    InvalidInputError,
    r"format must be one of png.*got 'bmp'",
    lambda: _plotting().export_figure(_fig(), "/tmp/x.bmp"),
)
row(
    "plotting.export_figures",
    "not a figure",
    InvalidTypeError,
    r"figure 'a' must be a plotly.*got int",
    lambda: _plotting().export_figures({"a": 1}, "/tmp/x"),
)
row(
    "plotting.geo_assets_script",
    "unknown map",
    InvalidInputError,
    r"'moon'",
    lambda: _plotting().geo_assets_script(names=("moon",)),
)
row(
    "plotting.geo_topojson_names",
    "not a figure",
    InvalidTypeError,
    r"got int",
    lambda: _plotting().geo_topojson_names(5),
)
row(
    "plotting.plot_autoscaling",
    "wrong type",
    InvalidTypeError,
    r"ScalingResult",
    lambda: _plotting().plot_autoscaling(5),
)
row(
    "plotting.plot_availability",
    "missing column",
    DataValidationError,
    r"missing column\(s\) \['availability'\]",
    lambda: _plotting().plot_availability(pd.DataFrame({"x": [1]})),
)
row(
    "plotting.plot_durability",
    "wrong type",
    InvalidTypeError,
    r"got int",
    lambda: _plotting().plot_durability(5),
)
row(
    "plotting.plot_durability",
    "negative objects",
    InvalidInputError,
    r"objects must be > 0, got -5",
    lambda: _plotting().plot_durability(objects=-5),
)
row(
    "plotting.plot_failover",
    "wrong type",
    InvalidTypeError,
    r"result has no 'failover'",
    lambda: _plotting().plot_failover(5),
)
row(
    "plotting.plot_footprint_growth",
    "empty frame",
    DataValidationError,
    r"missing column\(s\) \['opened', 'az_count'\]",
    lambda: _plotting().plot_footprint_growth(regions=pd.DataFrame()),
)
row(
    "plotting.plot_infrastructure_comparison",
    "date format",
    CatalogDateError,
    r"'31/12/2019'",
    lambda: _plotting().plot_infrastructure_comparison(("31/12/2019",)),
)
row(
    "plotting.plot_infrastructure_map",
    "bad regions",
    DataValidationError,
    r"regions failed.*95",
    lambda: _plotting().plot_infrastructure_map(regions=BAD_LAT),
)
row(
    "plotting.plot_infrastructure_map",
    "date",
    CatalogDateError,
    r"'2019-31-12'",
    lambda: _plotting().plot_infrastructure_map(as_of="2019-31-12"),
)
row(
    "plotting.plot_latency_cdf",
    "missing column",
    DataValidationError,
    r"missing column\(s\) \['rtt_ms'\]",
    lambda: _plotting().plot_latency_cdf(pd.DataFrame({"x": [1]})),
)
row(
    "plotting.plot_latency_cdf",
    "wrong type",
    InvalidTypeError,
    r"got int",
    lambda: _plotting().plot_latency_cdf(5),
)
row(
    "plotting.plot_placement",
    "wrong type",
    InvalidTypeError,
    r"result has no 'sites'",
    lambda: _plotting().plot_placement(5, GOOD, GOOD),
)
row(
    "plotting.plot_placement_frontier",
    "empty",
    DataValidationError,
    r"missing column\(s\) \['objective_value'\]",
    lambda: _plotting().plot_placement_frontier(pd.DataFrame()),
)
row(
    "plotting.plot_rtt_matrix",
    "empty",
    DataValidationError,
    r"the matrix is empty",
    lambda: _plotting().plot_rtt_matrix(pd.DataFrame()),
)
row(
    "plotting.plot_rtt_matrix",
    "negative/NaN RTT",
    DataValidationError,
    r"-5|negative|NaN",
    lambda: _plotting().plot_rtt_matrix(pd.DataFrame([[1.0, -5.0], [NAN, 0.0]])),
)
row(
    "plotting.plot_user_latency_map",
    "empty",
    DataValidationError,
    r"missing column\(s\) \['rtt_ms', 'site'\]",
    lambda: _plotting().plot_user_latency_map(pd.DataFrame()),
)
row(
    "plotting.to_offline_html",
    "wrong type",
    InvalidTypeError,
    r"figures must be a plotly Figure or a mapping.*got list",
    lambda: _plotting().to_offline_html([]),
)
row(
    "plotting.world_geo_layout",
    "unknown key",
    InvalidInputError,
    r"bogus",
    lambda: _plotting().world_geo_layout(bogus=1),
)

# ---- report, cli -----------------------------------------------------------------------------
row(
    "report.build_report",
    "typo region",
    UnknownRegionError,
    r"'us-east-l'",
    lambda: R.build_report(regions=["us-east-l"]),
)
row(
    "report.build_report",
    "date format",
    CatalogDateError,
    r"'31/12/2019'",
    lambda: R.build_report(as_of="31/12/2019"),
)
row(
    "report.build_report",
    "k = 0",
    InvalidInputError,
    r"placement_k must be >= 1, got 0",
    lambda: R.build_report(placement_k=0),
)
row(
    "report.report_figures",
    "not a date",
    CatalogDateError,
    r"then must be a date.*got 'nope'",
    lambda: R.report_figures(then="nope"),
)
row(
    "report.write_report",
    "bad regions frame",
    DataValidationError,
    r"95",
    lambda: R.write_report("/tmp/cloudgeo-bad-input.html", regions=BAD_LAT),
)
row(
    "report.write_report",
    "path wrong type",
    InvalidTypeError,
    r"got int",
    lambda: R.write_report(5),  # type: ignore[arg-type]
)
row(
    "cli.main",
    "date wrong format",
    CliExit,
    r"exit 2: cloudgeo: error: as_of must be a date in ISO.*'31/12/2019'",
    lambda: _cli_exit(["regions", "--as-of", "31/12/2019"]),
)
row(
    "cli.main",
    "unknown subcommand",
    CliExit,
    r"exit 2: .*invalid choice: 'regoins'",
    lambda: _cli_exit(["regoins"]),
)

# ---- widgets ---------------------------------------------------------------------------------
row(
    "widgets.infrastructure_explorer",
    "string year",
    InvalidTypeError,
    r"start_year",
    lambda: _widgets().infrastructure_explorer(start_year="2006"),
)
row(
    "widgets.infrastructure_explorer",
    "before first region",
    InvalidInputError,
    r"1990",
    lambda: _widgets().infrastructure_explorer(start_year=1990),
)
row(
    "widgets.latency_explorer",
    "bad users",
    DataValidationError,
    r"95",
    lambda: _widgets().latency_explorer(users=BAD_LAT),
)
row(
    "widgets.latency_explorer",
    "typo region",
    UnknownRegionError,
    r"us-east-l",
    lambda: _widgets().latency_explorer(initial_regions=["us-east-l"]),
)
row(
    "widgets.placement_explorer",
    "not a frame",
    InvalidTypeError,
    r"got list",
    lambda: _widgets().placement_explorer(users=[1]),
)
row(
    "widgets.Explorer",
    "render not callable",
    InvalidTypeError,
    r"render",
    lambda: _widgets().Explorer({}, 5, 5),
)
row(
    "widgets.DurabilityState",
    "negative objects",
    InvalidInputError,
    r"-1",
    lambda: _widgets().DurabilityState(objects=-1),
)
row(
    "widgets.AvailabilityState",
    "unknown architecture",
    InvalidInputError,
    r"'x'",
    lambda: _widgets().AvailabilityState(architecture="x"),
)
row(
    "widgets.PlacementState",
    "k = 0",
    InvalidInputError,
    r"k",
    lambda: _widgets().PlacementState(k=0),
)
row(
    "widgets.LatencyState",
    "unknown access",
    InvalidInputError,
    r"'x'",
    lambda: _widgets().LatencyState(access="x"),
)
row(
    "widgets.InfrastructureState",
    "year 1900",
    InvalidInputError,
    r"1900",
    lambda: _widgets().InfrastructureState(year=1900),
)

row(
    "catalog.check_catalog",
    "nothing to compare",
    InvalidInputError,
    r"pass botocore=True or data_dir=FOLDER",
    lambda: C.check_catalog(botocore=False),
)
row(
    "catalog.check_catalog",
    "folder without partitions.json",
    DataFileError,
    r"partitions\.json",
    lambda: C.check_catalog(data_dir=Path("/nonexistent-cloudgeo-folder")),
)
row(
    "catalog.check_catalog",
    "non-bool flag",
    InvalidTypeError,
    r"botocore must be True or False, got 'yes'",
    lambda: C.check_catalog(botocore="yes"),  # type: ignore[arg-type]
)
row(
    "catalog.load_regions",
    "non-bool announced flag",
    InvalidTypeError,
    r"include_announced must be True or False, got 1",
    lambda: C.load_regions(include_announced=1),  # type: ignore[arg-type]
)
row(
    "catalog.get_regions",
    "announced, not open",
    CatalogDateError,
    r"'sa-west-1'.*announced but not open.*include_announced=True",
    lambda: C.get_regions("sa-west-1"),
)


# ---- end-user model and RIPE Atlas (issue 15) -------------------------------------------------
row(
    "latency.country_rtt_ms",
    "unknown code",
    UnknownNameError,
    r"unknown country code 'XQ'",
    lambda: L.country_rtt_ms("XQ", "DE"),
)
row(
    "latency.country_rtt_ms",
    "retired code",
    InvalidInputError,
    r"'AN' is a retired.*CW",
    lambda: L.country_rtt_ms("AN", "DE"),
)
row(
    "latency.country_rtt_ms",
    "alpha-3 code",
    InvalidInputError,
    r"'DEU' is not an ISO 3166-1 alpha-2",
    lambda: L.country_rtt_ms("DEU", "FR"),
)
row(
    "latency.country_rtt_ms",
    "NaN code",
    DataValidationError,
    r"missing \(NaN/None\) country code",
    lambda: L.country_rtt_ms([NAN], ["FR"]),
)
row(
    "latency.country_rtt_ms",
    "int code",
    InvalidTypeError,
    r"ISO 3166-1 alpha-2 code.*got int",
    lambda: L.country_rtt_ms(276, "FR"),
)
row(
    "latency.country_rtt_ms",
    "unknown stat",
    InvalidInputError,
    r"stat.*'p50'",
    lambda: L.country_rtt_ms("DE", "FR", stat="p50"),
)
row(
    "latency.access_rtt_ms",
    "unknown technology",
    InvalidInputError,
    r"technology.*'5g'",
    lambda: L.access_rtt_ms("DE", technology="5g"),
)
row("latency.access_rtt_ms", "unknown code", UnknownNameError, r"'QQ'", lambda: L.access_rtt_ms("QQ"))
row(
    "latency.ingress_hub",
    "list not str",
    InvalidTypeError,
    r"country must be an ISO-2 code \(str\)",
    lambda: L.ingress_hub(["DE"]),
)  # type: ignore[arg-type]
row("latency.ingress_hub", "unknown code", UnknownNameError, r"'QQ'", lambda: L.ingress_hub("QQ"))
row(
    "latency.countries_at",
    "lat out of range",
    DataValidationError,
    r"95",
    lambda: L.countries_at([95.0], [3.0]),
)
row(
    "latency.path_breakdown",
    "user not a tuple",
    InvalidTypeError,
    r"user must be a \(lat, lon\) tuple",
    lambda: L.path_breakdown([1.0, 2.0], "eu-west-1"),
)  # type: ignore[arg-type]
row(
    "latency.path_breakdown",
    "unknown region",
    UnknownRegionError,
    r"eu-west-9",
    lambda: L.path_breakdown((1.0, 2.0), "eu-west-9"),
)
row(
    "latency.path_breakdown",
    "lat out of range",
    DataValidationError,
    r"95",
    lambda: L.path_breakdown((95.0, 2.0), "eu-west-1"),
)
row(
    "latency.path_breakdown",
    "unknown country",
    UnknownNameError,
    r"'QQ'",
    lambda: L.path_breakdown((1.0, 2.0), "eu-west-1", country="QQ"),
)
row(
    "ripe_atlas.read_ripe_atlas",
    "traceroute result",
    DataFileError,
    r"type 'traceroute'.*ping results only",
    lambda: _ripe().read_ripe_atlas(
        [{"type": "traceroute", "prb_id": 1, "msm_id": 1, "timestamp": 0, "fw": 5000}],
        probes=[{"id": 1, "latitude": 0.0, "longitude": 0.0}],
    ),
)
row(
    "ripe_atlas.read_ripe_atlas",
    "int results",
    InvalidTypeError,
    r"path, a file object or parsed JSON",
    lambda: _ripe().read_ripe_atlas(5, probes=[]),
)  # type: ignore[arg-type]


def _ripe() -> Any:
    return importlib.import_module("cloudgeo.ripe_atlas")


row(
    "placement.prepare_cost",
    "users not a frame",
    InvalidTypeError,
    r"users must be a pandas DataFrame",
    lambda: PL.prepare_cost([1], _regions()),  # type: ignore[arg-type]
)
row(
    "placement.CostMatrix",
    "made by hand, wrong shape",
    InvalidTypeError,
    r"prepare_cost",
    lambda: PL.CostMatrix(np.zeros((2, 2)), pd.RangeIndex(3), ("a", "b")),
)
row(
    "placement.optimize_placement",
    "residency country no user has (ISO-3)",
    UnknownNameError,
    r"'DEU'",
    lambda: PL.optimize_placement(
        pd.DataFrame({"lat": [50.0], "lon": [8.0], "country_code": ["DE"]}),
        _regions(),
        1,
        residency={"DEU": ["eu-west-1"]},
    ),
)
row(
    "stats.weighted_quantile",
    "NaN value",
    DataValidationError,
    r"NaN",
    lambda: ST.weighted_quantile(np.array([np.nan]), np.ones(1), 0.5),
)


# ---- issue 17: silent wrong answers and obscure errors, one row per kind -------------------------
row(
    "population.country_weights",
    "NaN population",
    DataValidationError,
    r"population is NaN \(missing\)",
    lambda: P.country_weights(
        {"US": 1.0},
        cities=pd.DataFrame({"lat": [40.7], "lon": [-74.0], "country_code": ["US"], "population": [NAN]}),
    ),
)
row(
    "population.country_weights",
    "negative population",
    DataValidationError,
    r"population is negative",
    lambda: P.country_weights(
        {"US": 1.0},
        cities=pd.DataFrame({"lat": [40.7], "lon": [-74.0], "country_code": ["US"], "population": [-5.0]}),
    ),
)
row(
    "population.from_points",
    "would overwrite weight",
    InvalidInputError,
    r"already has column\(s\) \['weight'\]",
    lambda: P.from_points(GOOD.assign(weight=[1.0, 2.0])),
)
row(
    "population.from_points",
    "duplicate columns",
    DataValidationError,
    r"duplicate column\(s\) \['lat'\]",
    lambda: P.from_points(pd.DataFrame([[1.0, 2.0, 3.0]], columns=["lat", "lat", "lon"])),
)
row(
    "measurements.read_cloudping_json",
    "duplicate key",
    DataFileError,
    r"duplicate key 'eu-west-1'",
    lambda: M.read_cloudping_json(_io().StringIO('{"us-east-1": {"eu-west-1": 70, "eu-west-1": 80}}')),
)
row(
    "measurements.read_cloudping_json",
    "nested 5000 deep",
    DataFileError,
    r"nested 5000 levels deep",
    lambda: M.read_cloudping_json(_io().StringIO("[" * 5000 + "]" * 5000)),
)
row(
    "latency.latency_summary",
    "weights sum beyond float range",
    InvalidInputError,
    r"beyond the float range",
    lambda: L.latency_summary(pd.DataFrame({"rtt_ms": [1.0, 2.0], "weight": [1e308, 1e308]})),
)
row(
    "latency.latency_summary",
    "thresholds as text",
    InvalidTypeError,
    r"thresholds_ms must be a number or a sequence",
    lambda: L.latency_summary(pd.DataFrame({"rtt_ms": [1.0]}), thresholds_ms="50"),  # type: ignore[arg-type]
)
row(
    "latency.cdn_ttfb_ms",
    "duplicate edge labels",
    DataValidationError,
    r"(?s)edges failed.*row labels must be unique",
    lambda: L.cdn_ttfb_ms(GOOD, "us-east-1", edges=pd.concat([C.load_edge_locations().head(2)] * 2)),
)
row(
    "durability.expected_losses",
    "objects/years shapes",
    InvalidInputError,
    r"do not broadcast",
    lambda: D.expected_losses(objects=[1, 2, 3], years=[1, 2], durability=0.9),
)
row(
    "durability.erasure_coding_loss",
    "20,000 data shards",
    InvalidInputError,
    r"data_shards \+ parity_shards must be <= 1,000",
    lambda: D.erasure_coding_loss(
        data_shards=20000, parity_shards=10, shard_failure_rate_per_year=0.01, replace_days=1.0
    ),
)
row(
    "availability.Component",
    "availability disagrees with MTBF/MTTR",
    InvalidInputError,
    r"disagrees with mtbf_hours",
    lambda: A.Component(0.99, mtbf_hours=10, mttr_hours=10),
)
row(
    "availability.KOfN",
    "child is a float",
    InvalidTypeError,
    r"KOfN part 1 must be a Component",
    lambda: A.KOfN(1, (0.9,)),  # type: ignore[arg-type]
)
row(
    "availability.monte_carlo",
    "a billion years",
    InvalidInputError,
    r"outages.*bound",
    lambda: A.monte_carlo(A.series(0.9, 0.9), years=1e9),
)
row(
    "availability.monte_carlo",
    "negative seed",
    InvalidInputError,
    r"seed must be a non-negative integer",
    lambda: A.monte_carlo(A.series(0.9, 0.9), seed=-1),
)
row(
    "catalog.load_regions",
    "as_of NaT",
    CatalogDateError,
    r"as_of is NaT",
    lambda: C.load_regions(as_of=pd.NaT),
)
row(
    "catalog.load_regions",
    "no partitions",
    InvalidInputError,
    r"partitions is empty",
    lambda: C.load_regions(partitions=[]),
)
row(
    "scaling.daily_demand",
    "a billion days",
    InvalidInputError,
    r"more than the bound of 10,000,000",
    lambda: S.daily_demand(days=1e9),
)
row(
    "geodesy.great_circle_km",
    "boolean coordinate",
    NotNumericError,
    r"lat1 must be numeric decimal degrees, got True: a boolean",
    lambda: G.great_circle_km(True, 0, 0, 0),
)
row(
    "durability.expected_losses",
    "timedelta objects",
    NotNumericError,
    r"objects must be a number.*a time span",
    lambda: D.expected_losses(objects=pd.Timedelta(1), durability=0.9),  # type: ignore[arg-type]
)
row(
    "latency.cdn_ttfb_breakdown_ms",
    "complex RTT",
    NotNumericError,
    r"rtt_user_edge_ms must be a number.*a complex number",
    lambda: L.cdn_ttfb_breakdown_ms(1 + 0j, 1, 1),
)
row(
    "cli.main",
    "report --regions ''",
    CliExit,
    r"--regions got no region code",
    lambda: _cli_exit(["report", "--regions", ""]),
)


def _io() -> Any:
    import io

    return io


# ---- price classes and the volume / elasticity charts (issue 18) -------------------------------
row(
    "price_classes.edges_in_price_class",
    "unknown class",
    InvalidInputError,
    r"PriceClass_300",
    lambda: PC.edges_in_price_class("PriceClass_300"),
)
row(
    "price_classes.user_continents",
    "unknown country",
    DataValidationError,
    r"ZZ",
    lambda: PC.user_continents(pd.DataFrame({"country_code": ["ZZ"]})),
)
row(
    "price_classes.price_class_latency",
    "typo origin",
    UnknownRegionError,
    r"us-east-l",
    lambda: PC.price_class_latency(
        pd.DataFrame({"lat": [1.0], "lon": [2.0], "country_code": ["SG"]}), "us-east-l"
    ),
)
row(
    "plotting.plot_price_class_latency",
    "not a result",
    InvalidTypeError,
    r"PriceClassLatency",
    lambda: _plotting().plot_price_class_latency(pd.DataFrame()),
)
row(
    "plotting.plot_hit_ratio_effect",
    "missing column",
    DataValidationError,
    r"cloudfront_ms",
    lambda: _plotting().plot_hit_ratio_effect(pd.DataFrame({"direct_ms": [1.0]})),
)
row(
    "plotting.plot_autoscaling_comparison",
    "empty mapping",
    InvalidTypeError,
    r"non-empty dict",
    lambda: _plotting().plot_autoscaling_comparison({}),
)

row(
    "plotting.plot_ebs_volume_losses",
    "zero volumes",
    InvalidInputError,
    r"volumes must be > 0",
    lambda: _plotting().plot_ebs_volume_losses(volumes=0),
)

row(
    "population.country_weights",
    "UK for GB",
    UnknownNameError,
    r"'UK'\. Did you mean 'GB'\?.*load_country_population\(\)",
    lambda: P.country_weights({"UK": 1}),
)
row(
    "catalog.get_regions",
    "typo names the full list",
    UnknownRegionError,
    r"include_unannounced=True.*`cloudgeo regions`",
    lambda: C.get_regions("us-east-l"),
)


# ---- CloudFront logs (issue 19) ----------------------------------------------------------------
_CF = Path(__file__).parent / "cloudfront"


def _cgio() -> Any:
    return importlib.import_module("cloudgeo.io")


def _traffic() -> Any:
    return importlib.import_module("cloudgeo.traffic")


def _cf_logs() -> pd.DataFrame:
    out: pd.DataFrame = _cgio().read_cloudfront_logs(_CF / "standard_all_fields.log")
    return out


row(
    "traffic.read_cloudfront_logs",
    "glob matches nothing",
    cloudgeo.errors.LogFileNotFoundError,
    r"no log file matches '/nonexistent/\*\.gz'",
    lambda: _cgio().read_cloudfront_logs("/nonexistent/*.gz"),
)
row(
    "traffic.read_cloudfront_logs",
    "paths not a path",
    InvalidTypeError,
    r"paths must be a path, a glob or a list of them, got float",
    lambda: _cgio().read_cloudfront_logs(3.5),
)
row(
    "traffic.read_cloudfront_logs",
    "unknown engine",
    InvalidInputError,
    r"engine.*'spark'",
    lambda: _cgio().read_cloudfront_logs(_CF / "standard_all_fields.log", engine="spark"),
)
row(
    "traffic.read_cloudfront_logs",
    "two formats in one call",
    InvalidInputError,
    r"different log formats",
    lambda: _cgio().read_cloudfront_logs([_CF / "standard_all_fields.log", _CF / "v2.jsonl"]),
)
row(
    "traffic.write_cloudfront_log",
    "missing column",
    InvalidInputError,
    r"frame lacks column\(s\) \['bytes'\]",
    lambda: _cgio().write_cloudfront_log(
        _cf_logs().drop(columns="bytes"), "/tmp/cg-x.log", fields=["sc-bytes"]
    ),
)
row(
    "traffic.write_cloudfront_log",
    "frame not a frame",
    InvalidTypeError,
    r"frame must be a pandas DataFrame",
    lambda: _cgio().write_cloudfront_log([1, 2], "/tmp/cg-x.log"),  # type: ignore[arg-type]
)
row(
    "traffic.synthetic_cloudfront_log",
    "zero lines",
    InvalidInputError,
    r"lines must be >= 1",
    lambda: _cgio().synthetic_cloudfront_log("/tmp/cg-x.log", lines=0),
)
row(
    "traffic.edge_traffic",
    "frame without edge columns",
    DataValidationError,
    r"edge_city",
    lambda: _traffic().edge_traffic(pd.DataFrame({"x": [1]})),
)
row(
    "traffic.edge_traffic",
    "missing edge city",
    DataValidationError,
    r"edge_city.*missing values",
    lambda: _traffic().edge_traffic(_cf_logs().assign(edge_city=None)),
)
row(
    "traffic.edge_traffic",
    "not a frame",
    InvalidTypeError,
    r"logs must be a pandas or dask DataFrame.*got int",
    lambda: _traffic().edge_traffic(5),
)
row(
    "traffic.population_from_logs",
    "min_population below the shipped floor",
    InvalidInputError,
    r"min_population.*15000",
    lambda: _traffic().population_from_logs(_cf_logs(), min_population=10),
)
row(
    "traffic.compare_cdn_with_logs",
    "too few misses to fit",
    DataValidationError,
    r"the fit needs two",
    lambda: _traffic().compare_cdn_with_logs(_cf_logs(), "us-east-1"),
)
row(
    "traffic.compare_cdn_with_logs",
    "unknown origin",
    UnknownRegionError,
    r"us-east-l",
    lambda: _traffic().compare_cdn_with_logs(_cf_logs(), "us-east-l", min_misses=1),
)
row(
    "traffic.miss_fetch_legs_ms",
    "origin not a string",
    InvalidTypeError,
    r"origin_region must be a region code",
    lambda: _traffic().miss_fetch_legs_ms(GOOD, 5),  # type: ignore[arg-type]
)
row(
    "report.build_logs_report",
    "glob matches nothing",
    cloudgeo.errors.LogFileNotFoundError,
    r"no log file matches",
    lambda: R.build_logs_report("/nonexistent/*.gz"),
)
row(
    "report.write_logs_report",
    "path wrong type",
    InvalidTypeError,
    r"got int",
    lambda: R.write_logs_report(5, _cf_logs()),  # type: ignore[arg-type]
)


# Callables in __all__ that take no user input, or are result containers the library builds
# itself (their fields come from a computation, not from a user), or are covered by another row.
EXEMPT: dict[str, str] = {
    "catalog.catalog_date": "no input",
    "catalog.edge_snapshot_dates": "no input",
    "catalog.load_regional_edge_caches": "no input",
    "catalog.load_slas": "no input",
    "catalog.load_storage_classes": "no input",
    "population.load_country_population": "no input",
    "network.load_backbone": "no input",
    "latency.model_names": "no input",
    "measurements.is_valid_stat": "a predicate: bad input gives False (test_predicate_says_false)",
    "latency.CalibrationResult": "result container built by calibrate()",
    "durability.CrossRegionResult": "result container",
    "durability.EBSFailureResult": "result container",
    "durability.ErasureCodingResult": "result container",
    "durability.LossResult": "result container",
    "durability.OneZoneResult": "result container",
    "availability.ArchitectureResult": "result container built by the presets",
    "availability.MonteCarloResult": "result container built by monte_carlo()",
    "placement.PlacementResult": "result container built by optimize_placement()",
    "scaling.ScalingResult": "result container built by simulate_autoscaling()",
    "scaling.ScalingSummary": "result container",
    "plotting.find_chromium": "no input",
    "plotting.topojson_dir": "no input",
    "plotting.vendored_plotlyjs_version": "no input",
    "widgets.availability_explorer": "no input",
    "widgets.durability_explorer": "no input",
    "catalog.edge_network_headline": "no input",
    "catalog.EdgeNetworkHeadline": "result container built by edge_network_headline()",
    "latency.ingress_table": "no input",
    "latency.PathBreakdown": "result container built by path_breakdown()",
    "enduser.ingress_table": "no input",
    "enduser.PathBreakdown": "result container built by path_breakdown()",
    "enduser.country_rtt_ms": "same object as latency.country_rtt_ms (re-exported); its rows cover it",
    "enduser.access_rtt_ms": "same object as latency.access_rtt_ms (re-exported); its rows cover it",
    "enduser.ingress_hub": "same object as latency.ingress_hub (re-exported); its rows cover it",
    "enduser.countries_at": "same object as latency.countries_at (re-exported); its rows cover it",
    "enduser.path_breakdown": "same object as latency.path_breakdown (re-exported); its rows cover it",
    "ripe_atlas.ProbeDropWarning": "a warning class (raised by read_ripe_atlas)",
    "price_classes.load_price_classes": "no input",
    "price_classes.PriceClassLatency": "result container built by price_class_latency()",
    "report.bundled_trace_types": "no input",
    "traffic.LogReadResult": "result container built by read_cloudfront_logs(errors='collect')",
    "traffic.CdnLogComparison": "result container built by compare_cdn_with_logs()",
}


def _public_callables() -> dict[str, object]:
    """Every callable reachable from a public ``__all__``: 'module.name' -> object."""
    found: dict[str, object] = {}
    for mod_name in PUBLIC_MODULES:
        mod = importlib.import_module(f"cloudgeo.{mod_name}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if callable(obj):
                found[f"{mod_name}.{name}"] = obj
    for name in cloudgeo.__all__:
        obj = getattr(cloudgeo, name)
        if callable(obj) and not inspect.ismodule(obj):
            owner = cloudgeo._EXPORTS[name]
            assert getattr(importlib.import_module(f"cloudgeo.{owner}"), name) is obj
            found.setdefault(f"{owner}.{name}", obj)
    return found


def _marks(r: Row) -> list[pytest.MarkDecorator]:
    return [pytest.mark.xfail(strict=True, reason=r.bug)] if r.bug else []


@pytest.mark.parametrize("r", [pytest.param(r, id=f"{r.entry}-{r.case}", marks=_marks(r)) for r in ROWS])
def test_bad_input_raises_named_error(r: Row) -> None:
    with pytest.raises(Exception) as info:  # noqa: PT011 - the type is checked below, precisely
        r.call()
    exc = info.value
    if r.error is CliExit:
        assert isinstance(exc, CliExit)
        assert re.search(r.match, str(exc), flags=re.DOTALL), f"{r.match!r} not in {exc}"
        return
    assert type(exc) is r.error, (
        f"{r.entry} ({r.case}): expected {r.error.__name__}, got {type(exc).__name__}: {exc}"
    )
    assert isinstance(exc, CloudGeoError)
    assert isinstance(exc, ValueError | KeyError | TypeError)  # LogFileNotFoundError: also ValueError
    assert re.search(r.match, str(exc), flags=re.DOTALL), f"{r.entry} ({r.case}): {r.match!r} not in {exc}"


def test_every_public_callable_has_a_row(capsys: pytest.CaptureFixture[str]) -> None:
    public = _public_callables()
    rows = {r.entry for r in ROWS}
    unknown = sorted(rows - set(public))
    assert unknown == [], f"rows for names that are not public: {unknown}"
    stale = sorted(set(EXEMPT) - set(public))
    assert stale == [], f"exemptions for names that are not public: {stale}"
    missing = sorted(set(public) - rows - set(EXEMPT))
    assert missing == [], f"public callables without a bad-input row: {missing}"
    both = sorted(rows & set(EXEMPT))
    assert both == [], f"exempt but also in the table: {both}"
    flat = [n for n in cloudgeo.__all__ if n in cloudgeo._EXPORTS]
    with capsys.disabled():
        print(
            f"\nbad-input table: {len(ROWS)} rows over {len(rows)} entry points "
            f"({sum(1 for r in ROWS if r.bug)} rows document known bugs); "
            f"{len(public)} public callables ({len(flat)} in the flat cloudgeo API), "
            f"{len(EXEMPT)} exempt (no input / result containers)"
        )


def test_flat_api_routes_bad_input_to_the_same_errors() -> None:
    with pytest.raises(UnknownRegionError, match="us-east-l"):
        cloudgeo.get_regions("us-east-l")
    with pytest.raises(InvalidInputError, match=r"pass 0\.999"):
        cloudgeo.series(0.9, 99.9)
    with pytest.raises(DataValidationError, match="swapped"):
        cloudgeo.from_points(SWAPPED)
    with pytest.raises(CatalogDateError, match="2019/12/31"):
        cloudgeo.load_regions(as_of="2019/12/31")


def test_predicate_says_false() -> None:
    for bad in (None, 5, "p101", "mean-ish", NAN, ["p50"]):
        assert M.is_valid_stat(bad) is False
    assert M.is_valid_stat("p50") is True


def test_errors_are_catchable_as_builtins() -> None:
    for exc_type, builtin in (
        (UnknownRegionError, KeyError),
        (InvalidTypeError, TypeError),
        (InvalidInputError, ValueError),
        (DataValidationError, ValueError),
        (CatalogDateError, ValueError),
    ):
        assert issubclass(exc_type, CloudGeoError)
        assert issubclass(exc_type, builtin)


_ = (dt, math, np, Path)
