"""Issue 17: one numeric coercion rule, no silent wrong answers, clear errors for odd input."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cloudgeo import _validate as V
from cloudgeo import durability as D
from cloudgeo import geodesy as G
from cloudgeo import latency as L
from cloudgeo import measurements as M
from cloudgeo import population as P
from cloudgeo.errors import (
    CloudGeoError,
    DataFileError,
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
    LikelyRadiansWarning,
    NotNumericError,
)

NOT_NUMBERS = [
    pytest.param("40.7", id="str"),
    pytest.param(b"1", id="bytes"),
    pytest.param(True, id="bool"),
    pytest.param(np.bool_(False), id="np.bool"),
    pytest.param(pd.Timedelta(1), id="Timedelta"),
    pytest.param(dt.timedelta(seconds=1), id="timedelta"),
    pytest.param(np.timedelta64(1, "s"), id="timedelta64"),
    pytest.param(1 + 0j, id="complex"),
    pytest.param(pd.Timestamp(0), id="Timestamp"),
    pytest.param([1.0, "2"], id="list-with-str"),
    pytest.param([1.0, True], id="list-with-bool"),
    pytest.param(np.array([True]), id="bool-array"),
    pytest.param(np.array([1 + 1j]), id="complex-array"),
    pytest.param(pd.Series(["1"]), id="str-series"),
    pytest.param(pd.Series([True], dtype="boolean"), id="nullable-bool"),
    pytest.param(pd.Series([True], dtype="bool[pyarrow]"), id="pyarrow-bool"),
    pytest.param(pd.Series(pd.to_timedelta([1], unit="s")), id="timedelta-series"),
    pytest.param(pd.Series(pd.Categorical([1.0])), id="categorical"),
]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_the_one_numeric_rule_refuses_non_numbers(value: object) -> None:
    with pytest.raises(NotNumericError, match=r"x must be a number.*is not a number"):
        V.numeric_array(value, "x")
    err = NotNumericError("m")
    assert isinstance(err, CloudGeoError)
    assert isinstance(err, TypeError)
    assert isinstance(err, ValueError)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, [3.0]),
        (np.float32(2.5), [2.5]),
        ([1, 2], [1.0, 2.0]),
        (pd.Series([1, None], dtype="Int64"), [1.0, np.nan]),
        (pd.Series([1.5], dtype="float64[pyarrow]"), [1.5]),
        (pd.Series([1, pd.NA], dtype=object), [1.0, np.nan]),
        (np.array([1, 2], dtype=np.uint8), [1.0, 2.0]),
    ],
)
def test_the_numeric_rule_accepts_numbers_missing_is_nan(value: object, expected: list[float]) -> None:
    np.testing.assert_array_equal(np.atleast_1d(V.numeric_array(value, "x")), expected)


@pytest.mark.parametrize("value", NOT_NUMBERS[:9])
def test_every_entry_point_uses_the_rule(value: Any) -> None:
    for call in (
        lambda: G.great_circle_km(value, 0, 0, 0),
        lambda: G.unit_vectors(value, 0),
        lambda: D.expected_losses(objects=value, durability=0.9),
        lambda: D.expected_losses(objects=1, durability=0.9, years=[value]),
        lambda: L.cdn_ttfb_breakdown_ms(value, 1, 1),
        lambda: L.rtt_from_distance_ms(value),
        lambda: L.weighted_quantile([value], 0.5),
    ):
        with pytest.raises(NotNumericError):
            call()
    with pytest.raises(InvalidTypeError):  # scalar parameters: check_number, same kinds refused
        V.check_number(value, "x")
    frame = pd.DataFrame({"lat": [value], "lon": [0.0]})
    with pytest.raises(DataValidationError, match=r"column 'lat' must be numeric"):
        P.from_points(frame)
    with pytest.raises(NotNumericError, match=r"rtt_ms must be"):
        L.latency_summary(pd.DataFrame({"rtt_ms": [value]}))


def test_check_int_refuses_timedelta64() -> None:
    with pytest.raises(InvalidTypeError, match="n must be an integer"):
        V.check_int(np.timedelta64(3, "s"), "n")


def test_latency_summary_scales_weights_near_the_float_limit() -> None:
    df = pd.DataFrame({"rtt_ms": [10.0, 30.0], "weight": [1e308, 1e308 / 3]})
    s = L.latency_summary(df, thresholds_ms=[20])
    assert np.isfinite(s.to_numpy()).all()
    assert s["mean_ms"] == pytest.approx(15.0)
    assert s["share_within_20_ms"] == pytest.approx(0.75)
    assert s["total_weight"] == pytest.approx(1e308 * (4 / 3))
    with pytest.raises(InvalidInputError, match="beyond the float range"):
        L.latency_summary(pd.DataFrame({"rtt_ms": [1.0, 2.0], "weight": [1e308, 1e308]}))


def test_latency_summary_checks_its_weights() -> None:
    base = pd.DataFrame({"rtt_ms": [1.0, 2.0]})
    with pytest.raises(DataValidationError, match=r"weight must be finite and >= 0, got nan"):
        L.latency_summary(base.assign(weight=pd.array([1, pd.NA], dtype=object)))
    with pytest.raises(DataValidationError, match=r"weight must be finite and >= 0, got -1.0"):
        L.latency_summary(base.assign(weight=[1.0, -1.0]))
    with pytest.raises(DataValidationError, match=r"sums to zero"):
        L.latency_summary(base.assign(weight=[0.0, 0.0]))


def test_latency_summary_takes_one_threshold_as_a_number() -> None:
    df = pd.DataFrame({"rtt_ms": [10.0, 60.0]})
    s = L.latency_summary(df, thresholds_ms=50)
    assert s["share_within_50_ms"] == 0.5
    assert [k for k in s.index if k.startswith("share")] == ["share_within_50_ms"]
    with pytest.raises(InvalidTypeError, match="thresholds_ms must be a number or a sequence"):
        L.latency_summary(df, thresholds_ms="50")  # type: ignore[arg-type]


def test_tables_refuse_duplicate_and_multiindex_columns() -> None:
    with pytest.raises(DataValidationError, match=r"duplicate column\(s\) \['lat'\]"):
        P.from_points(pd.DataFrame([[1.0, 2.0, 3.0]], columns=["lat", "lat", "lon"]))
    mi = pd.DataFrame([[1.0, 2.0]], columns=pd.MultiIndex.from_tuples([("lat", "a"), ("lon", "b")]))
    with pytest.raises(DataValidationError, match="MultiIndex columns"):
        P.from_points(mi)


def _cities(pop: list[object]) -> pd.DataFrame:
    return pd.DataFrame(
        {"lat": [40.7, 34.1, 51.5], "lon": [-74.0, -118.2, -0.1], "country_code": ["US", "US", "GB"]}
    ).assign(population=pd.Series(pop, dtype=object))


@pytest.mark.parametrize(
    ("pop", "match"),
    [
        ([8e6, np.nan, 9e6], r"population is NaN \(missing\) in row\(s\) \[1\]"),
        ([8e6, None, 9e6], r"population is NaN"),
        ([8e6, -4e6, 9e6], r"population is negative in row\(s\) \[1\]"),
        ([8e6, np.inf, 9e6], r"population is infinite"),
        ([8e6, "4e6", 9e6], r"population must be numeric.*text"),
        ([8e6, True, 9e6], r"population must be numeric.*boolean"),
    ],
)
def test_country_weights_refuses_bad_populations(pop: list[object], match: str) -> None:
    with pytest.raises(DataValidationError, match=match):
        P.country_weights({"US": 1.0}, cities=_cities(pop))


def test_country_weights_refuses_text_and_boolean_weights() -> None:
    cities = _cities([8e6, 4e6, 9e6])
    for bad in ("0.5", True):
        with pytest.raises(DataValidationError, match=r"weight of 'US' is not a number"):
            P.country_weights({"US": bad}, cities=cities)  # type: ignore[dict-item]
    out = P.country_weights({"US": 3.0}, cities=cities)
    assert out["weight"].tolist() == [2.0, 1.0]


def test_from_points_does_not_overwrite_columns() -> None:
    df = pd.DataFrame({"lat": [1.0], "lon": [2.0], "weight": [5.0]})
    with pytest.raises(InvalidInputError, match=r"already has column\(s\) \['weight'\]"):
        P.from_points(df)
    assert P.from_points(df, weight="weight")["weight"].tolist() == [5.0]
    both = pd.DataFrame({"latitude": [1.0], "lat": [9.0], "lon": [2.0]})
    with pytest.raises(InvalidInputError, match=r"\['lat'\].*lat='latitude'"):
        P.from_points(both, lat="latitude")
    w2 = pd.DataFrame({"lat": [1.0], "lon": [2.0], "users": [3.0], "weight": [1.0]})
    with pytest.raises(InvalidInputError, match=r"\['weight'\]"):
        P.from_points(w2, weight="users")


def test_cloudping_json_refuses_duplicate_keys_naming_them() -> None:
    dup_dst = '{"us-east-1": {"eu-west-1": 70, "eu-west-1": 80}}'
    with pytest.raises(DataFileError, match=r"duplicate key 'eu-west-1'"):
        M.read_cloudping_json(io.StringIO(dup_dst))
    dup_src = '{"us-east-1": {"eu-west-1": 70}, "us-east-1": {"eu-west-1": 80}}'
    with pytest.raises(DataFileError, match=r"duplicate key 'us-east-1'"):
        M.read_cloudping_json(io.StringIO(dup_src))


def test_cloudping_json_refuses_deep_nesting_without_recursion() -> None:
    with pytest.raises(DataFileError, match=r"nested 5000 levels deep \(at most 32\)"):
        M.read_cloudping_json(io.StringIO("[" * 5000 + "]" * 5000))
    brackets_in_text = '{"us-east-1": {"eu-west-1": 70}, "note": "' + "[" * 100 + '"}'
    with pytest.raises(DataFileError, match=r"entry 'note'"):  # the string's brackets do not count
        M.read_cloudping_json(io.StringIO(brackets_in_text))


_TIDY = "src,dst,rtt_ms,stat,method,one_way\n"
_OK = "us-east-1,eu-west-1,70,p50,icmp,false\n"


@pytest.mark.parametrize(
    ("bad_row", "error", "match"),
    [
        (
            "us-east-1,eu-west-1,x,p50,icmp,false\n",
            DataValidationError,
            r"rtt_ms is not a number on line\(s\) 6$",
        ),
        ("us-east-1,eu-west-1,70,p50,icmp,maybe\n", DataFileError, r"found \['maybe'\] on line\(s\) 6$"),
        ("us-east-1,eu-west-1,-5,p50,icmp,false\n", DataValidationError, r"found -5 on line\(s\) 6$"),
        ("us-east-1,eu-west-1,5,p50,icmpx,false\n", DataValidationError, r"'icmpx' on line\(s\) 6$"),
    ],
)
def test_tidy_csv_errors_name_file_lines_after_blank_lines(
    bad_row: str, error: type[Exception], match: str, tmp_path: Path
) -> None:
    text = _TIDY + "\n" + _OK + "\n\n" + bad_row  # header 1, blank 2, ok 3, blanks 4-5, bad 6
    for source in (io.StringIO(text), _write(tmp_path / "m.csv", text)):
        with pytest.raises(error, match=match):
            M.read_measurements_csv(source)
    assert len(M.read_measurements_csv(io.StringIO(_TIDY + "\n" + _OK + "\n" + _OK))) == 2


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _radians_users(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    deg = pd.DataFrame({"lat": rng.uniform(-60, 70, n), "lon": rng.uniform(-180, 180, n)})
    return pd.DataFrame({"lat": np.radians(deg["lat"]), "lon": np.radians(deg["lon"])})


def test_coordinates_that_all_look_like_radians_warn() -> None:
    with pytest.warns(LikelyRadiansWarning, match=r"users: all 50 coordinates .* look like radians"):
        L.user_latency(_radians_users(50), _two_sites())
    with pytest.warns(LikelyRadiansWarning, match=r"points: all 50"):
        P.from_points(_radians_users(50))


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"lat": [0.5, 1.0, -0.3], "lon": [0.1, 0.2, 2.0]}),  # too few rows to tell
        pd.DataFrame({"lat": [0.0, 1.0] * 10, "lon": [1.0, 0.0] * 10}),  # whole numbers: a toy grid
        pd.DataFrame({"lat": [0.5] * 20, "lon": np.linspace(-1, 1, 20)}),  # one latitude
        pd.DataFrame({"lat": np.linspace(-50, 60, 20), "lon": np.linspace(-1, 1, 20)}),  # degrees
    ],
)
def test_tables_that_need_not_be_radians_do_not_warn(frame: pd.DataFrame) -> None:
    P.from_points(frame)  # filterwarnings=error: a warning fails the test


def _two_sites() -> pd.DataFrame:
    return pd.DataFrame({"lat": [39.0, 53.3], "lon": [-77.5, -6.3]}, index=["us-east-1", "eu-west-1"])


def test_cdn_ttfb_refuses_duplicate_edge_and_cache_labels() -> None:
    from cloudgeo import catalog as C

    users = pd.DataFrame({"lat": [40.7, 51.5], "lon": [-74.0, -0.1]})
    edges = C.load_edge_locations()
    dup = pd.concat([edges.head(3), edges.head(2)])
    with pytest.raises(DataValidationError, match=r"(?s)edges failed.*row labels must be unique"):
        L.cdn_ttfb_ms(users, "us-east-1", edges=dup)
    recs = C.load_regional_edge_caches()
    with pytest.raises(DataValidationError, match=r"(?s)recs failed.*row labels must be unique"):
        L.cdn_ttfb_ms(users, "us-east-1", recs=pd.concat([recs, recs.head(1)]))
    with pytest.raises(DataValidationError, match=r"(?s)sites failed.*'a'"):
        L.user_latency(users, _two_sites().set_axis(["a", "a"]))


def test_point_tuples_use_the_numeric_rule() -> None:
    for bad in (("40.7", 0.0), (True, 0.0), (0.0, 1j)):
        with pytest.raises(NotNumericError):
            L.rtt_ms(bad, (1.0, 1.0))


def test_placement_weights_with_pd_na_are_a_clear_error() -> None:
    from cloudgeo import catalog as C
    from cloudgeo import placement as PL

    users = pd.DataFrame({"lat": [40.7, 51.5], "lon": [-74.0, -0.1]})
    sites = C.load_regions().loc[["us-east-1", "eu-west-1"]]
    with pytest.raises(DataValidationError, match=r"weight is NaN or infinite in row\(s\) 1"):
        PL.optimize_placement(users.assign(weight=pd.array([1, pd.NA], dtype=object)), sites, 1)
    with pytest.raises(DataValidationError, match=r"weight is NaN"):
        L.user_latency(users.assign(weight=pd.array([1, pd.NA], dtype=object)), sites)
