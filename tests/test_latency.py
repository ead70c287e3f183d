"""Tests of cloudgeo.latency (MODELS.md 1.1-1.7, test vectors L-01..L-06, L-10)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudgeo import catalog, latency
from cloudgeo.errors import (
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
    UnknownNameError,
    UnknownRegionError,
)

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
    np.testing.assert_allclose(
        m.loc["us-east-1", "eu-west-1"], latency.region_rtt_ms("us-east-1", "eu-west-1")[0]
    )
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
    assert res.residuals.loc["p50", "median_abs_pct_error"] < 0.1
    assert res.residuals.loc["p50", "n"] == n


def test_calibrate_errors() -> None:
    bad = pd.DataFrame(
        {"src": ["us-east-1"], "dst": ["eu-west-1"], "rtt_ms": [70.0], "stat": ["avg"], "one_way": [False]}
    )
    with pytest.raises(DataValidationError, match="no rows with stat 'p50'"):
        latency.calibrate(bad)
    with pytest.raises(DataValidationError, match="missing column"):
        latency.calibrate(bad.drop(columns="rtt_ms"))
    neg = bad.assign(stat="p50", rtt_ms=-1.0)
    with pytest.raises(DataValidationError, match="finite and > 0"):
        latency.calibrate(neg)


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
    # same as the pairwise model plus the access term
    cal = latency.get_model()
    sp = sites.loc[list(out["site"].astype(str)), ["lat", "lon"]].set_axis(users.index)
    expect = latency.rtt_ms(users[["lat", "lon"]], sp) + cal.user_access_rtt_ms
    np.testing.assert_allclose(out["rtt_ms"], expect, rtol=1e-9)
    phys = latency.user_latency(users, sites, model="physics")
    assert (out["rtt_ms"] >= phys["rtt_ms"]).all()


def test_user_latency_dask_equals_pandas(users: pd.DataFrame) -> None:
    import dask
    import dask.dataframe as dd

    sites = catalog.load_edge_locations()
    ddf = dd.from_pandas(users, npartitions=4)
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
