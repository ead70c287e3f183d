"""Tests of cloudgeo.latency (MODELS.md 1.1-1.7, test vectors L-01..L-06, L-10)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudgeo import catalog, latency
from cloudgeo.errors import (
    DataFileError,
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
    UnknownNameError,
    UnknownRegionError,
)
from cloudgeo.latency import model as latency_model
from cloudgeo.latency import users as latency_users

NYC = (40.7128, -74.0060)
LONDON = (51.5074, -0.1278)
PHYS = latency.get_model("physics")


def test_l01_fibre_speed() -> None:
    assert latency.fibre_speed_km_s(1.4682) == pytest.approx(204_190.48, abs=0.01)  # MODELS.md L-01


def test_l03_l04_nyc_london() -> None:
    assert latency.rtt_ms(NYC, LONDON, model="physics") == pytest.approx(54.56, abs=0.01)  # L-03
    assert latency.rtt_ms(NYC, LONDON, model="rule-of-thumb") == pytest.approx(114.57, abs=0.01)  # L-04
    assert latency.rtt_ms(NYC, LONDON, model="physics", one_way=True) == pytest.approx(27.28, abs=0.01)


def test_l05_hpbn_table() -> None:
    # MODELS.md L-05: HPBN NY-London 5585 km, v = c/1.5 -> 18.6 (vacuum) / 27.9 (fibre) one way, 55.9 RTT
    vacuum = latency.LatencyModel(name="vacuum", fibre_index=1.0)
    hpbn = latency.LatencyModel(name="hpbn", fibre_index=1.5)
    assert latency.rtt_from_distance_ms(5585, model=vacuum, one_way=True) == pytest.approx(18.6, abs=0.05)
    assert latency.rtt_from_distance_ms(5585, model=hpbn, one_way=True) == pytest.approx(27.9, abs=0.05)
    assert latency.rtt_from_distance_ms(5585, model=hpbn) == pytest.approx(55.9, abs=0.05)


def test_l06_km_per_ms() -> None:
    assert 1 / latency.rtt_from_distance_ms(1.0, model="physics") == pytest.approx(102.1, abs=0.05)
    assert 1 / latency.rtt_from_distance_ms(1.0, model="rule-of-thumb") == pytest.approx(48.6, abs=0.05)


def test_l10_cdn_worked_example() -> None:
    # MODELS.md 1.7 / L-10: 300 km + 10 ms access, 1500 km, 4000 km, straight fibre n = 1.4682
    m = dataclasses.replace(PHYS, access_rtt_ms=10.0)
    ue = latency.rtt_from_distance_ms(300, model=m, access=True)
    er = latency.rtt_from_distance_ms(1500, model=m)
    ro = latency.rtt_from_distance_ms(4000, model=m)
    assert (ue, er, ro) == pytest.approx((12.938, 14.692, 39.179), abs=5e-4)
    out = latency.cdn_ttfb_breakdown_ms(ue, er, ro, tls="1.3")
    assert out["hit_ms"] == pytest.approx(38.815, abs=5e-4)
    assert out["rec_hit_ms"] == pytest.approx(53.507, abs=5e-4)
    assert out["miss_ms"] == pytest.approx(92.687, abs=5e-4)
    assert out["ttfb_ms"] == pytest.approx(41.068, abs=5e-4)
    tls12 = latency.cdn_ttfb_breakdown_ms(ue, er, ro, tls="1.2")
    assert (tls12["hit_ms"], tls12["rec_hit_ms"], tls12["miss_ms"]) == pytest.approx(
        (51.754, 66.446, 105.625), abs=1e-3
    )
    reused = latency.cdn_ttfb_breakdown_ms(ue, er, ro, tls="reused")
    assert reused["hit_ms"] == pytest.approx(12.938, abs=5e-4)


def test_presets_and_unknown_model() -> None:
    cal = latency.get_model()
    assert cal.name == "calibrated"
    assert cal.routing == "backbone"
    assert latency.get_model(None) is cal
    assert cal.provenance["sources"]
    with pytest.raises(UnknownNameError, match="physics"):
        latency.get_model("phisics")
    with pytest.raises(InvalidTypeError, match="preset name"):
        latency.get_model(3)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="routing must be one of"):
        latency.LatencyModel(routing="road")


def test_region_rtt_same_region_floor_and_errors() -> None:
    rtt = latency.region_rtt_ms("us-east-1", ["us-east-1", "eu-west-1"])
    assert rtt[0] == pytest.approx(latency.get_model().intra_region_rtt_ms)
    assert 60 < rtt[1] < 90
    floor = latency.region_rtt_ms("us-east-1", ["us-east-1", "eu-west-1"], model="physics")
    assert floor[0] == 0.0
    assert rtt[1] > floor[1]
    p90 = latency.region_rtt_ms("us-east-1", "eu-west-1", stat="p90")
    assert p90[0] >= rtt[1]
    with pytest.raises(UnknownRegionError, match="us-east-1"):
        latency.region_rtt_ms("us-east-l", "eu-west-1")
    with pytest.raises(InvalidInputError, match="equal lengths"):
        latency.region_rtt_ms(["us-east-1", "eu-west-1"], ["us-east-1", "eu-west-1", "sa-east-1"])
    with pytest.raises(InvalidInputError, match="stat must be one of"):
        latency.region_rtt_ms("us-east-1", "eu-west-1", stat="p99")


def test_rtt_matrix_codes_and_frames() -> None:
    codes = ["us-east-1", "eu-west-1", "ap-southeast-1"]
    m = latency.rtt_matrix_ms(codes)
    assert list(m.index) == codes
    assert list(m.columns) == codes
    assert m.attrs["stat"] == "p50"
    assert m.attrs["quantity"] == "round-trip time"
    np.testing.assert_allclose(np.diag(m.to_numpy()), latency.get_model().intra_region_rtt_ms)
    np.testing.assert_allclose(m.to_numpy()[0, 1], latency.region_rtt_ms("us-east-1", "eu-west-1")[0])
    pts = catalog.get_regions(codes)[["lat", "lon"]]
    users = pd.DataFrame({"lat": [10.0, -20.0], "lon": [100.0, 30.0]}, index=["a", "b"])
    m2 = latency.rtt_matrix_ms(users, pts)
    assert m2.shape == (2, 3)
    assert list(m2.index) == ["a", "b"]
    with pytest.raises(DataValidationError, match="no region codes"):
        latency.rtt_matrix_ms([])


latitudes = st.floats(-80.0, 80.0)
longitudes = st.floats(-180.0, 180.0)


@settings(max_examples=60, deadline=None)
@given(latitudes, longitudes, latitudes, longitudes)
def test_never_below_physics_floor(a: float, b: float, c: float, d: float) -> None:
    floor = latency.rtt_ms((a, b), (c, d), model="physics")
    for model in (None, "rule-of-thumb"):
        for stat in ("p50", "p90"):
            assert latency.rtt_ms((a, b), (c, d), model=model, stat=stat) >= floor - 1e-9


def test_rtt_ms_frames_and_errors() -> None:
    src = pd.DataFrame({"lat": [NYC[0], 0.0], "lon": [NYC[1], 0.0]}, index=["x", "y"])
    out = latency.rtt_ms(src, LONDON, model="physics")
    assert list(out.index) == ["x", "y"]
    assert out.name == "rtt_ms"
    assert out.attrs["stat"] == "p50"
    with pytest.raises(InvalidInputError, match="equal length"):
        latency.rtt_ms(src, src.iloc[:1])
    with pytest.raises(DataValidationError, match="look like longitudes"):
        latency.rtt_ms((100.0, 10.0), LONDON)
    with pytest.raises(InvalidTypeError, match=r"\(lat, lon\) tuple"):
        latency.rtt_ms([1, 2], LONDON)


def test_calibrate_recovers_synthetic_parameters() -> None:
    truth = latency.LatencyModel(
        name="truth",
        routing="great-circle",
        stretch=1.37,
        overhead_ms=6.0,
        stretch_p90=1.5,
        overhead_p90_ms=9.0,
    )
    rng = np.random.default_rng(0)
    n = 80
    la1, lo1 = rng.uniform(-50, 60, n), rng.uniform(-180, 180, n)
    la2, lo2 = rng.uniform(-50, 60, n), rng.uniform(-180, 180, n)
    rows = []
    for stat in ("p50", "p90"):
        src = pd.DataFrame({"lat": la1, "lon": lo1})
        dst = pd.DataFrame({"lat": la2, "lon": lo2})
        y = latency.rtt_ms(src, dst, model=truth, stat=stat).to_numpy()
        rows.append(
            pd.DataFrame(
                {"src": [f"s{i}" for i in range(n)], "dst": [f"d{i}" for i in range(n)], "rtt_ms": y,
                 "stat": stat, "method": "tcp-connect", "one_way": False,
                 "src_lat": la1, "src_lon": lo1, "dst_lat": la2, "dst_lon": lo2}
            )
        )  # fmt: skip
    res = latency.calibrate(pd.concat(rows, ignore_index=True), model=latency.LatencyModel(name="fit"))
    assert res.model.stretch == pytest.approx(1.37, rel=1e-3)
    assert res.model.overhead_ms == pytest.approx(6.0, abs=0.05)
    assert res.model.stretch_p90 == pytest.approx(1.5, rel=1e-3)
    assert res.model.overhead_p90_ms == pytest.approx(9.0, abs=0.05)
    assert res.residuals["median_abs_pct_error"].to_numpy()[0] < 0.1
    assert res.residuals.loc["p50", "n"] == n


def test_calibrate_errors() -> None:
    bad = pd.DataFrame(
        {"src": ["us-east-1"], "dst": ["eu-west-1"], "rtt_ms": [70.0], "stat": ["avg"], "one_way": [False]}
    )
    # statistics the model does not predict are rejected, as in compare_with_measurements
    with pytest.raises(
        DataValidationError,
        match=r"stat \['avg'\] in row\(s\) \[0\]: the model predicts only \['p50', 'p90'\]; select",
    ):
        latency.calibrate(bad)
    with pytest.raises(DataValidationError, match=r"no rows with stat 'p50'.*p90 rows alone are not enough"):
        latency.calibrate(bad.assign(stat="p90"))
    with pytest.raises(DataValidationError, match="the table is empty"):
        latency.calibrate(bad.iloc[:0])
    with pytest.raises(DataValidationError, match="missing column"):
        latency.calibrate(bad.drop(columns="rtt_ms"))
    neg = bad.assign(stat="p50", rtt_ms=-1.0)
    with pytest.raises(DataValidationError, match="finite and > 0"):
        latency.calibrate(neg)


def test_calibrate_does_not_drop_other_stats_silently() -> None:
    rows = pd.DataFrame(
        {
            "src": ["us-east-1", "us-east-1", "eu-west-1"],
            "dst": ["eu-west-1", "eu-west-1", "ap-southeast-1"],
            "rtt_ms": [70.0, 66.0, 160.0],
            "stat": ["p50", "min", "p50"],
            "one_way": [False, False, False],
        },
        index=["a", "b", "c"],
    )
    with pytest.raises(DataValidationError, match=r"stat \['min'\] in row\(s\) \['b'\]"):
        latency.calibrate(rows)
    fit = latency.calibrate(rows[rows["stat"].isin(["p50", "p90"])])
    assert list(fit.predictions.index) == ["a", "c"]
    assert fit.model.stretch >= 1.0
    assert fit.model.overhead_ms >= 0.0


@pytest.fixture
def users() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 500
    return pd.DataFrame(
        {"lat": rng.uniform(-50, 65, n), "lon": rng.uniform(-180, 180, n), "weight": rng.uniform(0, 5, n)},
        index=pd.Index(np.arange(1000, 1000 + n), name="uid"),
    )


def test_user_latency_contract(users: pd.DataFrame) -> None:
    sites = catalog.load_regions(partitions="aws")
    before = users.copy()
    out = latency.user_latency(users, sites)
    pd.testing.assert_frame_equal(users, before)
    assert out.index.equals(users.index)
    assert list(out.columns) == ["site", "distance_km", "rtt_ms", "weight"]
    # the sum of the end-user terms (cloudgeo.enduser.path_breakdown) of each user's site
    for uid in users.index[:40]:
        lat, lon = float(users.at[uid, "lat"]), float(users.at[uid, "lon"])
        site = sites.loc[out.at[uid, "site"]]
        pb = latency.path_breakdown((lat, lon), (float(site["lat"]), float(site["lon"])))
        assert out.at[uid, "rtt_ms"] == pytest.approx(pb.total_ms, rel=1e-9)
    # and the lowest RTT of the user's row of the matrix
    mat = latency.user_rtt_matrix_ms(users[["lat", "lon"]], sites)
    np.testing.assert_allclose(out["rtt_ms"], mat.min(axis=1), rtol=1e-9)
    phys = latency.user_latency(users, sites, model="physics")
    assert (out["rtt_ms"] >= phys["rtt_ms"]).all()


def test_user_latency_dask_equals_pandas(users: pd.DataFrame) -> None:
    import dask
    import dask.dataframe as dd

    sites = catalog.load_edge_locations()
    ddf = dd.from_pandas(users, npartitions=4)  # type: ignore[no-untyped-call,unused-ignore]
    with dask.config.set(scheduler="synchronous"):
        got = latency.user_latency(ddf, sites).compute()
    want = latency.user_latency(users, sites)
    pd.testing.assert_frame_equal(got, want, check_categorical=False)


def test_user_latency_errors(users: pd.DataFrame) -> None:
    sites = catalog.load_regions(partitions="aws")
    with pytest.raises(DataValidationError, match="weight is negative"):
        latency.user_latency(users.assign(weight=-1.0), sites)
    with pytest.raises(DataValidationError, match="empty"):
        latency.user_latency(users.iloc[:0], sites)
    with pytest.raises(InvalidTypeError, match="pandas or dask DataFrame"):
        latency.user_latency([(1, 2)], sites)
    with pytest.raises(DataValidationError, match="missing column"):
        latency.user_latency(users.rename(columns={"lat": "latitude"}), sites)


def test_weighted_quantile_definition() -> None:
    assert latency.weighted_quantile([1, 2, 3, 4], 0.5) == 2.0  # inverted CDF: lower median
    assert latency.weighted_quantile([1, 2, 3, 4], 0.5, weights=[0, 0, 1, 1]) == 3.0
    with pytest.raises(InvalidInputError, match=r"q must be in \[0, 1\]"):
        latency.weighted_quantile([1, 2], 50)


def test_latency_summary() -> None:
    df = pd.DataFrame({"rtt_ms": [10.0, 60.0, 120.0], "weight": [2.0, 1.0, 1.0]})
    s = latency.latency_summary(df)
    assert s["p50_ms"] == 10.0
    assert s["share_within_50_ms"] == pytest.approx(0.5)
    assert s["share_within_100_ms"] == pytest.approx(0.75)
    with pytest.raises(DataValidationError, match="missing column"):
        latency.latency_summary(df.rename(columns={"rtt_ms": "x"}))


def test_cdn_ttfb_ms(users: pd.DataFrame) -> None:
    out = latency.cdn_ttfb_ms(users.head(50), "us-east-1")
    assert out.index.equals(users.head(50).index)
    for c in (
        "edge",
        "rec",
        "rtt_user_edge_ms",
        "rtt_edge_rec_ms",
        "rtt_rec_origin_ms",
        "ttfb_ms",
        "direct_ttfb_ms",
    ):
        assert c in out.columns
    assert (out["hit_ms"] <= out["ttfb_ms"] + 1e-9).all()
    assert (out["ttfb_ms"] <= out["miss_ms"] + 1e-9).all()
    summary = latency.cdn_summary(out)
    assert list(summary.columns) == ["cdn", "direct"]
    with pytest.raises(UnknownRegionError, match="us-east-1"):
        latency.cdn_ttfb_ms(users.head(5), "us-east-9")
    with pytest.raises(InvalidInputError, match="edge_hit_ratio must be a fraction"):
        latency.cdn_ttfb_ms(users.head(5), "us-east-1", edge_hit_ratio=90)
    with pytest.raises(InvalidInputError, match="tls must be one of"):
        latency.cdn_ttfb_ms(users.head(5), "us-east-1", tls="1.1")


def test_compare_with_measurements_columns_index_and_floor() -> None:
    from cloudgeo.errors import DataValidationError

    meas = pd.DataFrame(
        {
            "src": ["us-east-1", "eu-west-1", "us-east-1"],
            "dst": ["eu-west-1", "us-east-1", "us-east-1"],
            "rtt_ms": [68.0, 34.0, 3.0],
            "stat": ["p50", "p50", "p50"],
            "method": ["tcp-connect"] * 3,
            "one_way": [False, True, False],
        },
        index=["a", "b", "c"],
    )
    before = meas.copy()
    out = latency.compare_with_measurements(meas)
    pd.testing.assert_frame_equal(meas, before)
    assert list(out.index) == ["a", "b", "c"]
    assert out.loc["b", "measured_ms"] == 68.0  # one-way doubled
    modelled = latency.region_rtt_ms(["us-east-1"], ["eu-west-1"])[0]
    assert out.loc["a", "modelled_ms"] == pytest.approx(modelled)
    assert out.loc["a", "error_pct"] == pytest.approx(100 * (modelled - 68.0) / 68.0)
    assert (out["modelled_ms"] >= out["physics_floor_ms"]).all()
    assert out.loc["c", "physics_floor_ms"] == 0.0
    with pytest.raises(DataValidationError, match=r"the model predicts only \['p50', 'p90'\]"):
        latency.compare_with_measurements(meas.assign(stat=["avg", "p50", "p50"]))


def test_model_parameters_respect_the_physics_floor() -> None:
    with pytest.raises(InvalidInputError, match=r"stretch must be >= 1, got 0\.5: a path is never shorter"):
        latency.LatencyModel(stretch=0.5)
    with pytest.raises(InvalidInputError, match=r"stretch_p90 must be >= 1, got 0\.9"):
        latency.LatencyModel(stretch_p90=0.9)
    with pytest.raises(
        InvalidInputError, match=r"fibre_index must be >= 1, got 0\.5: light in fibre is not faster"
    ):
        latency.LatencyModel(fibre_index=0.5)
    with pytest.raises(InvalidInputError, match=r"attach_factor must be >= 1, got 0\.8"):
        latency.LatencyModel(attach_factor=0.8)
    with pytest.raises(InvalidInputError, match=r"overhead_ms must be >= 0 ms, got -1"):
        latency.LatencyModel(overhead_ms=-1.0)
    with pytest.raises(InvalidInputError, match=r"overhead_p90_ms must be >= 0 ms, got -2"):
        latency.LatencyModel(overhead_p90_ms=-2.0)
    with pytest.raises(InvalidInputError, match=r"access_rtt_ms must be >= 0 ms, got -3"):
        latency.LatencyModel(access_rtt_ms=-3.0)
    with pytest.raises(InvalidInputError, match=r"short_haul_km must be >= 0 km, got -1"):
        latency.LatencyModel(short_haul_km=-1.0)
    with pytest.raises(InvalidInputError, match=r"n_attach must be >= 1, got 0"):
        latency.LatencyModel(n_attach=0)
    with pytest.raises(InvalidInputError, match=r"hop_penalty_km must be >= 0 km, got -1"):
        latency.LatencyModel(hop_penalty_km=-1.0)
    with pytest.raises(InvalidTypeError, match=r"n_attach must be an integer, got 2\.5"):
        latency.LatencyModel(n_attach=2.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"stretch must be a real number, got 'fast'"):
        latency.LatencyModel(stretch="fast")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"name must be a str, got 5"):
        latency.LatencyModel(name=5)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"provenance must be a mapping \(dict\), got list"):
        latency.LatencyModel(provenance=[])  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="stretch must be >= 1"):
        dataclasses.replace(latency.get_model(), stretch=0.99)
    # the limits themselves are valid: light in vacuum along the great circle
    vacuum = latency.LatencyModel(fibre_index=1.0, stretch=1.0, attach_factor=1.0)
    assert vacuum.fibre_speed_km_s == latency.C_KM_S


def test_fibre_speed_never_faster_than_light() -> None:
    assert latency.fibre_speed_km_s(1.0) == latency.C_KM_S
    with pytest.raises(InvalidInputError, match=r"fibre_index must be >= 1, got 0\.5"):
        latency.fibre_speed_km_s(0.5)
    with pytest.raises(InvalidInputError, match=r"fibre_index must be >= 1, got 0"):
        latency.fibre_speed_km_s(0)


def test_cdn_breakdown_rejects_negative_and_missing_rtts() -> None:
    with pytest.raises(InvalidInputError, match=r"rtt_user_edge_ms must be finite and >= 0 ms, got -10\.0"):
        latency.cdn_ttfb_breakdown_ms(-10, 20, 30)
    with pytest.raises(InvalidInputError, match=r"rtt_user_edge_ms must be finite and >= 0 ms, got nan"):
        latency.cdn_ttfb_breakdown_ms(float("nan"), 20, 30)
    with pytest.raises(InvalidInputError, match=r"rtt_edge_rec_ms must be finite and >= 0 ms, got inf"):
        latency.cdn_ttfb_breakdown_ms(10, np.inf, 30)
    with pytest.raises(
        InvalidInputError, match=r"rtt_rec_origin_ms must be finite and >= 0 ms, got -1\.0, nan"
    ):
        latency.cdn_ttfb_breakdown_ms([10, 10, 10], [20, 20, 20], [30, -1, np.nan])
    with pytest.raises(
        InvalidInputError, match=r"rtt_user_edge_ms must be a number or an array of numbers, got 'x'"
    ):
        latency.cdn_ttfb_breakdown_ms("x", 20, 30)
    with pytest.raises(InvalidInputError, match=r"shapes \(2,\), \(3,\), \(\) that do not broadcast"):
        latency.cdn_ttfb_breakdown_ms([1, 2], [1, 2, 3], 30)
    zero = latency.cdn_ttfb_breakdown_ms(0, 0, 0)
    assert zero == {"hit_ms": 0.0, "rec_hit_ms": 0.0, "miss_ms": 0.0, "ttfb_ms": 0.0}


def test_weighted_quantile_rejects_nan_and_negative_weights() -> None:
    with pytest.raises(InvalidInputError, match=r"values contain NaN at position\(s\) \[2\]"):
        latency.weighted_quantile([1, 2, np.nan], 0.5)
    with pytest.raises(InvalidInputError, match=r"negative weight\(s\) \[-1\.0\] at position\(s\) \[0\]"):
        latency.weighted_quantile([1, 2], 0.5, weights=[-1, 1])
    with pytest.raises(
        InvalidInputError, match=r"NaN or infinite weight\(s\) \[nan\] at position\(s\) \[1\]"
    ):
        latency.weighted_quantile([1, 2], 0.5, weights=[1, np.nan])
    with pytest.raises(InvalidInputError, match=r"q must be in \[0, 1\], got nan"):
        latency.weighted_quantile([1, 2], np.nan)
    with pytest.raises(
        InvalidInputError, match=r"values must be a number or an array of numbers, got \['a'\]"
    ):
        latency.weighted_quantile(["a"], 0.5)
    with pytest.raises(InvalidInputError, match=r"values must be one-dimensional, got shape \(2, 2\)"):
        latency.weighted_quantile([[1, 2], [3, 4]], 0.5)
    with pytest.raises(InvalidInputError, match="weights sum to zero"):
        latency.weighted_quantile([1, 2], 0.5, weights=[0, 0])


def test_rtt_from_distance_rejects_non_numbers_and_absurd_distances() -> None:
    with pytest.raises(
        InvalidInputError, match=r"distance_km must be a number or an array of numbers \[km\], got 'x'"
    ):
        latency.rtt_from_distance_ms("x")
    with pytest.raises(
        InvalidInputError, match=r"at most 400,302 km \(ten times Earth's circumference\), got 8\.2e\+307"
    ):
        latency.rtt_from_distance_ms(8.2e307)
    with pytest.raises(InvalidInputError, match=r"got 5e\+06: no route on Earth is that long"):
        latency.rtt_from_distance_ms([1.0, 5e6])
    # 10 x 2 pi R is still a distance (the physics floor: 2 d / (c / 1.4682))
    longest = latency.MAX_DISTANCE_KM
    assert longest == pytest.approx(20 * np.pi * 6371.0088)
    floor_ms = 2 * longest / latency.fibre_speed_km_s() * 1000
    assert latency.rtt_from_distance_ms(longest, model="physics") == pytest.approx(floor_ms)


def test_unknown_region_message_shows_the_plain_code() -> None:
    for call in (
        lambda: latency.region_rtt_ms("us-east-l", "eu-west-1"),
        lambda: latency.region_rtt_ms(["eu-west-1"], list(np.array(["us-east-l"]))),
        lambda: latency.rtt_matrix_ms(["us-east-l"]),
    ):
        with pytest.raises(
            UnknownRegionError, match=r"^unknown region code 'us-east-l'\. Did you mean 'us-east-1'"
        ) as info:
            call()
        assert "np.str_" not in str(info.value)


def test_fitted_model_file_must_give_every_parameter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = latency.model_to_dict(latency.get_model())
    spec.pop("stretch")
    (tmp_path / "latency_model.json").write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setattr(latency_model, "data_path", lambda name: tmp_path / name)
    with pytest.raises(
        DataFileError, match=r"(?s)latency_model\.json failed.*missing key\(s\) \['stretch'\]"
    ):
        latency_model._calibrated.__wrapped__()
    (tmp_path / "latency_model.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(
        DataFileError, match=r"(?s)latency_model\.json failed.*expected a JSON object, got list"
    ):
        latency_model._calibrated.__wrapped__()
    (tmp_path / "latency_model.json").write_text(json.dumps({**spec, "stretch": 0.5}), encoding="utf-8")
    with pytest.raises(
        DataFileError, match=r"(?s)latency_model\.json failed.*stretch must be >= 1, got 0\.5"
    ):
        latency_model._calibrated.__wrapped__()


def test_user_rtt_matrix_adds_access_and_matches_user_latency() -> None:
    users = pd.DataFrame(
        {"lat": [14.5995, 48.8566, -33.87], "lon": [120.9842, 2.3522, 151.21]}, index=["m", "p", "s"]
    )
    sites = catalog.get_regions(["ap-southeast-1", "eu-west-3", "us-east-1"])
    # great-circle models: the site-to-site RTT plus the model's one access term
    rot = latency.get_model("rule-of-thumb")
    base = latency.rtt_matrix_ms(users, sites, model=rot)
    plain = latency.user_rtt_matrix_ms(users, sites, model=rot)
    np.testing.assert_allclose(plain.to_numpy(), base.to_numpy() + rot.user_access_rtt_ms)
    assert plain.attrs["access_rtt_ms"] == rot.user_access_rtt_ms
    # the calibrated (backbone) model: per-country end-user terms (path_breakdown sums them)
    user = latency.user_rtt_matrix_ms(users, sites)
    for u in users.index:
        for s in sites.index:
            pb = latency.path_breakdown((users.at[u, "lat"], users.at[u, "lon"]), s)
            assert user.at[u, s] == pytest.approx(pb.total_ms, rel=1e-9)
    nearest = latency.user_latency(users, sites)
    for label, site in zip(nearest.index, nearest["site"].astype(str), strict=True):
        assert nearest.loc[label, "rtt_ms"] == pytest.approx(user.loc[label, site])
    physics = latency.user_rtt_matrix_ms(users, sites, model="physics")
    np.testing.assert_allclose(
        physics.to_numpy(), latency.rtt_matrix_ms(users, sites, model="physics").to_numpy()
    )
    with pytest.raises(
        InvalidTypeError, match="users must be a pandas DataFrame with lat, lon columns, got list"
    ):
        latency.user_rtt_matrix_ms([1, 2], sites)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# site choice: lowest RTT (select="rtt", default) vs great-circle nearest (select="distance")
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world_cities() -> pd.DataFrame:
    from cloudgeo import population

    cities = population.load_world_cities()[["lat", "lon"]]
    return cities.iloc[::7]  # ~4 900 cities on every continent, keeps the matrix small


def _assert_lowest_rtt(out: pd.DataFrame, matrix: pd.DataFrame) -> None:
    """The chosen site has the row-minimum RTT (ties aside) and rtt_ms equals that minimum."""
    row_min = matrix.min(axis=1).to_numpy()
    got = matrix.columns.get_indexer(pd.Index(out["site"].astype(object)))
    chosen = matrix.to_numpy()[np.arange(len(matrix)), got]
    np.testing.assert_allclose(out["rtt_ms"].to_numpy(), row_min, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(chosen, row_min, rtol=1e-12, atol=1e-9)
    unique_min = (np.isclose(matrix.to_numpy(), row_min[:, None], rtol=1e-12, atol=1e-9)).sum(axis=1) == 1
    want = matrix.idxmin(axis=1).to_numpy()
    np.testing.assert_array_equal(out["site"].astype(object).to_numpy()[unique_min], want[unique_min])


@pytest.mark.parametrize("stat", ["p50", "p90"])
def test_user_latency_picks_the_lowest_rtt_region(world_cities: pd.DataFrame, stat: str) -> None:
    sites = catalog.load_regions(partitions="aws")
    out = latency.user_latency(world_cities, sites, stat=stat)
    matrix = latency.user_rtt_matrix_ms(world_cities, sites, stat=stat)
    _assert_lowest_rtt(out, matrix)
    # the lowest-RTT region is often not the nearest one (the reason for select="rtt")
    near = latency.user_latency(world_cities, sites, stat=stat, select="distance")
    moved = out["site"].astype(object) != near["site"].astype(object)
    assert moved.mean() > 0.05
    assert (out["rtt_ms"] <= near["rtt_ms"] + 1e-9).all()
    assert (out["rtt_ms"][moved] < near["rtt_ms"][moved]).all()
    assert (out["distance_km"][moved] > near["distance_km"][moved]).all()


def test_user_latency_picks_the_lowest_rtt_edge(world_cities: pd.DataFrame) -> None:
    sites = catalog.load_edge_locations()
    out = latency.user_latency(world_cities, sites)
    _assert_lowest_rtt(out, latency.user_rtt_matrix_ms(world_cities, sites))


def test_user_latency_exact_when_every_user_falls_back(
    world_cities: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    # with no per-hub candidates the bound check sends users to the every-site evaluation
    monkeypatch.setattr(latency_users, "RTT_CANDIDATES", 0)
    monkeypatch.setattr(latency_users, "_FALLBACK_CELLS", 500)  # several small blocks
    sites = catalog.load_regions(partitions="aws")
    users = world_cities.iloc[::4]
    out = latency.user_latency(users, sites)
    _assert_lowest_rtt(out, latency.user_rtt_matrix_ms(users, sites))


def test_user_latency_distance_is_great_circle_nearest(world_cities: pd.DataFrame) -> None:
    from cloudgeo.geodesy import distance_matrix_km

    sites = catalog.load_regions(partitions="aws")
    users = world_cities.iloc[::3]
    out = latency.user_latency(users, sites, select="distance")
    dist = distance_matrix_km(users, sites)
    np.testing.assert_array_equal(out["site"].astype(object).to_numpy(), dist.idxmin(axis=1).to_numpy())
    np.testing.assert_allclose(out["distance_km"].to_numpy(), dist.min(axis=1).to_numpy(), atol=1e-6)
    # RTT to the nearest region, from the same model as the matrix
    matrix = latency.user_rtt_matrix_ms(users, sites)
    pos = matrix.columns.get_indexer(pd.Index(out["site"].astype(object)))
    np.testing.assert_allclose(out["rtt_ms"], matrix.to_numpy()[np.arange(len(users)), pos], rtol=1e-12)
    # the default choice reports the great circle to its own site
    rtt = latency.user_latency(users, sites)
    pos = dist.columns.get_indexer(pd.Index(rtt["site"].astype(object)))
    np.testing.assert_allclose(rtt["distance_km"], dist.to_numpy()[np.arange(len(users)), pos], atol=1e-6)


def test_great_circle_models_choose_the_same_site_either_way(world_cities: pd.DataFrame) -> None:
    # with great-circle routing the RTT rises with the distance: nearest == lowest RTT
    sites = catalog.load_regions(partitions="aws")
    for model in ("physics", "rule-of-thumb"):
        a = latency.user_latency(world_cities, sites, model=model)
        b = latency.user_latency(world_cities, sites, model=model, select="distance")
        pd.testing.assert_frame_equal(a, b)


def test_user_latency_dask_equals_pandas_both_selects(world_cities: pd.DataFrame) -> None:
    import dask
    import dask.dataframe as dd

    sites = catalog.load_regions(partitions="aws")
    users = world_cities.iloc[::5]
    ddf = dd.from_pandas(users, npartitions=3)  # type: ignore[no-untyped-call,unused-ignore]
    for select in ("rtt", "distance"):
        with dask.config.set(scheduler="synchronous"):
            got = latency.user_latency(ddf, sites, select=select).compute()
        want = latency.user_latency(users, sites, select=select)
        pd.testing.assert_frame_equal(got, want, check_categorical=False)


def test_user_latency_bad_select(users: pd.DataFrame) -> None:
    sites = catalog.load_regions(partitions="aws")
    with pytest.raises(InvalidInputError, match=r"select must be one of 'rtt', 'distance'; got 'fastest'"):
        latency.user_latency(users, sites, select="fastest")
    with pytest.raises(InvalidInputError, match=r"select must be one of 'rtt', 'distance'; got None"):
        latency.user_latency(users, sites, select=None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"select must be one of 'rtt', 'distance'; got 'near'"):
        latency.cdn_ttfb_ms(users.head(3), "us-east-1", select="near")


def test_cdn_ttfb_picks_the_lowest_rtt_edge_and_rec(world_cities: pd.DataFrame) -> None:
    users = world_cities.iloc[::10]
    edges = catalog.load_edge_locations()
    recs = catalog.load_regional_edge_caches()
    out = latency.cdn_ttfb_ms(users, "us-east-1")
    ue = latency.user_rtt_matrix_ms(users, edges)
    np.testing.assert_allclose(out["rtt_user_edge_ms"], ue.min(axis=1), rtol=1e-12)
    assert (out["edge"].to_numpy() == ue.idxmin(axis=1).to_numpy()).all()
    er = latency.rtt_matrix_ms(edges.loc[pd.Index(pd.unique(out["edge"]))], recs)
    np.testing.assert_allclose(out["rtt_edge_rec_ms"], er.min(axis=1).loc[out["edge"]].to_numpy(), rtol=1e-12)
    assert (out["rec"].to_numpy() == er.idxmin(axis=1).loc[out["edge"]].to_numpy()).all()
    # select="distance": the nearest edge and the REC nearest to it
    from cloudgeo.geodesy import nearest_sites

    near = latency.cdn_ttfb_ms(users, "us-east-1", select="distance")
    assert (near["edge"].to_numpy() == nearest_sites(users, edges)["site"].to_numpy()).all()
    e_tbl = edges.loc[near["edge"], ["lat", "lon"]]
    assert (near["rec"].to_numpy() == nearest_sites(e_tbl, recs)["site"].to_numpy()).all()
    assert (out["rtt_user_edge_ms"] <= near["rtt_user_edge_ms"] + 1e-9).all()
    # the direct path does not depend on the choice
    np.testing.assert_array_equal(out["direct_ttfb_ms"], near["direct_ttfb_ms"])


def test_latency_summary_rejects_negative_rtt() -> None:
    with pytest.raises(
        DataValidationError, match=r"rtt_ms has negative round-trip times \(-1\); RTTs must be >= 0 ms"
    ):
        latency.latency_summary(pd.DataFrame({"rtt_ms": [1.0, -1.0]}))


def test_hop_penalty_raises_routed_rtts_only() -> None:
    """The per-link transit penalty adds time on backbone routes, never on short hops or the floor."""
    base = latency.LatencyModel(name="b", routing="backbone", stretch=1.0, short_haul_km=500.0)
    hop = dataclasses.replace(base, hop_penalty_km=100.0)
    src, dst = ["eu-west-1", "us-east-1", "ap-northeast-1"], ["ap-southeast-2", "us-east-2", "ap-northeast-3"]
    plain, penal = latency.region_rtt_ms(src, dst, model=base), latency.region_rtt_ms(src, dst, model=hop)
    v_km_ms = latency.C_KM_S / latency.FIBRE_INDEX / 1000.0
    # Dublin-Sydney crosses several links: at least one penalty (2 x 100 km of fibre time) more
    assert penal[0] >= plain[0] + 2 * 100.0 / v_km_ms - 1e-9
    # Virginia-Ohio (about 470 km) and Tokyo-Osaka (about 400 km) are short hops: unchanged
    assert penal[1] == pytest.approx(plain[1])
    assert penal[2] == pytest.approx(plain[2])
    floor = latency.region_rtt_ms(src, dst, model="physics")
    assert (penal >= floor).all()


def test_shipped_model_documents_its_routing_choices() -> None:
    m = latency.get_model("calibrated")
    assert m.routing == "backbone"
    assert m.hop_penalty_km == 100.0
    assert m.short_haul_km == 1000.0
    assert m.provenance["fitted_by"].startswith("scripts/fit_latency.py")


@pytest.mark.parametrize(("short_haul_km", "hop_penalty_km"), [(300.0, 0.0), (1000.0, 100.0), (500.0, 400.0)])
@pytest.mark.parametrize("site_kind", ["regions", "edges"])
def test_user_latency_exact_for_any_short_haul_and_hop_penalty(
    world_cities: pd.DataFrame, short_haul_km: float, hop_penalty_km: float, site_kind: str
) -> None:
    # the settle rule and the bounded nearest-site query depend on both parameters
    m = dataclasses.replace(latency.get_model(), short_haul_km=short_haul_km, hop_penalty_km=hop_penalty_km)
    sites = (
        catalog.load_regions(partitions="aws") if site_kind == "regions" else catalog.load_edge_locations()
    )
    users = world_cities.iloc[::5]
    out = latency.user_latency(users, sites, model=m)
    _assert_lowest_rtt(out, latency.user_rtt_matrix_ms(users, sites, model=m))
