"""CloudFront logs in (issue 19): the formats AWS documents, bad input, round trips and scale paths.

The fixtures in ``tests/cloudfront/`` are hand-built from AWS's documented formats: every field
of the standard log (``standard_all_fields.log``, quoted user agents, IPv6 clients, ``-``
nulls, URL-encoded URIs and queries), a ``#Fields:`` line in a non-default order and subset
(``standard_reordered.log``), the v2 JSON-lines form (``v2.jsonl``) and a real-time log with its
configuration's field list (``realtime.tsv`` + ``realtime_fields.txt``). Larger logs come from
:func:`cloudgeo.io.synthetic_cloudfront_log` (seeded; no data needed, no network).
"""

from __future__ import annotations

import gzip
import json
import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cloudgeo
from cloudgeo import traffic
from cloudgeo.errors import (
    BadLogLinesWarning,
    DataFileError,
    InvalidInputError,
    LogFileNotFoundError,
)
from cloudgeo.io import LogReadResult, read_cloudfront_logs, synthetic_cloudfront_log, write_cloudfront_log

HERE = Path(__file__).parent / "cloudfront"
STANDARD = HERE / "standard_all_fields.log"
REORDERED = HERE / "standard_reordered.log"
V2_JSON = HERE / "v2.jsonl"
REALTIME = HERE / "realtime.tsv"
REALTIME_FIELDS = (HERE / "realtime_fields.txt").read_text().strip().split(",")


@pytest.fixture(scope="module")
def small_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("logs") / "synthetic.log.gz"
    synthetic_cloudfront_log(str(path), lines=20_000, seed=7)
    return path


# --------------------------------------------------------------------------------------------
# the documented formats
# --------------------------------------------------------------------------------------------


def test_standard_log_every_field_typed() -> None:
    df = read_cloudfront_logs(STANDARD, fields="all", client_ip="truncate")
    assert len(df) == 5
    assert str(df["timestamp"].dtype) == "datetime64[ms, UTC]"
    assert df["timestamp"].iloc[0] == pd.Timestamp("2019-12-04T21:02:31Z")
    assert df["edge_code"].tolist()[:3] == ["LAX1-C2", "LAX1-C2", "SEA19-C1"]
    assert df["edge_city"].astype(str).tolist() == [
        "Los Angeles",
        "Los Angeles",
        "Seattle",
        "Frankfurt am Main",
        "Tokyo",
    ]
    assert df[["edge_lat", "edge_lon"]].notna().all().all()
    assert str(df["status"].dtype) == "Int16"
    assert df["status"].tolist() == [200, 200, 304, 206, 502]
    assert df["bytes"].tolist() == [392, 392, 465, 1045619, 0]
    assert df["time_taken_s"].tolist() == [0.001, 0.153, 0.002, 0.097, 0.5]
    assert df["time_to_first_byte_s"].tolist() == [0.001, 0.152, 0.002, 0.006, 0.499]
    # URL-encoded fields are decoded; '-' is a null
    assert df["uri_stem"].iloc[1] == "/café/a b.html"
    assert df["user_agent"].iloc[1] == '"Mozilla/5.0 (quoted agent)"'
    assert df["query"].iloc[1] == "q=café&x=1%2"
    assert pd.isna(df["referer"].iloc[0])
    assert pd.isna(df["cookie"].iloc[0])
    assert df["range_end"].iloc[3] == 1045495
    assert pd.isna(df["range_end"].iloc[0])
    # client addresses kept only truncated: /24 for IPv4, /48 for IPv6
    assert df["client_ip"].tolist() == [
        "192.0.2.0/24",
        "2001:db8:85a3::/48",
        "192.0.2.0/24",
        "203.0.113.0/24",
        "2001:db8::/48",
    ]
    assert df["forwarded_for"].iloc[1] == "198.51.100.0/24, 203.0.113.0/24"
    assert df["detailed_result_type"].iloc[4] == "OriginConnectError"


def test_client_addresses_are_dropped_by_default() -> None:
    df = read_cloudfront_logs(STANDARD, fields="all")
    assert "client_ip" not in df.columns
    assert "forwarded_for" not in df.columns
    with pytest.raises(DataFileError, match="client_ip='truncate'"):
        read_cloudfront_logs(STANDARD, fields=["c-ip"])


def test_default_columns() -> None:
    df = read_cloudfront_logs(STANDARD)
    assert list(df.columns) == [
        "timestamp",
        "edge_code",
        "edge_city",
        "edge_country",
        "edge_lat",
        "edge_lon",
        "result_type",
        "detailed_result_type",
        "status",
        "bytes",
        "time_taken_s",
        "time_to_first_byte_s",
        "protocol",
        "method",
    ]


def test_fields_line_in_another_order_and_subset() -> None:
    full = read_cloudfront_logs(STANDARD, fields="all")
    df = read_cloudfront_logs(REORDERED, fields="all")
    for col in df.columns:
        pd.testing.assert_series_equal(df[col], full[col], check_categorical=False, check_names=True)
    assert "method" not in df.columns  # the file does not have it


def test_gzip_and_plain_read_the_same(tmp_path: Path) -> None:
    gz = tmp_path / "a.log.gz"
    gz.write_bytes(gzip.compress(STANDARD.read_bytes()))
    pd.testing.assert_frame_equal(
        read_cloudfront_logs(gz, fields="all"), read_cloudfront_logs(STANDARD, fields="all")
    )


def test_v2_json_lines_and_parquet_match_the_w3c_form(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    w3c = read_cloudfront_logs(STANDARD, fields="all")
    js = read_cloudfront_logs(V2_JSON, fields="all")
    pd.testing.assert_frame_equal(js, w3c, check_categorical=False)
    # Parquet as v2 writes it: one string column per field, names with underscores
    records = [json.loads(line) for line in V2_JSON.read_text().splitlines()]
    table = pa.table(
        {
            k.replace("-", "_").replace("(", "_").replace(")", "").lower(): [r[k] for r in records]
            for k in records[0]
        }
    )
    pq.write_table(table, tmp_path / "v2.parquet")
    pdf = read_cloudfront_logs(tmp_path / "v2.parquet", fields="all")
    pd.testing.assert_frame_equal(pdf, w3c, check_categorical=False)


def test_v2_json_numbers_and_millisecond_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "v2.jsonl"
    path.write_text(
        json.dumps(
            {
                "timestamp(ms)": 1575493351123,
                "x-edge-location": "IAD89-C3",
                "sc-status": 200,
                "time-to-first-byte": 0.01,
                "c-country": "US",
                "DistributionId": "E1ABC",
            }
        )
        + "\n"
    )
    df = read_cloudfront_logs(path, fields="all")
    assert df["timestamp"].iloc[0] == pd.Timestamp("2019-12-04T21:02:31.123Z")
    assert df["status"].iloc[0] == 200
    assert df["time_to_first_byte_s"].iloc[0] == 0.01
    assert df["client_country"].iloc[0] == "US"
    assert df["distribution_id"].iloc[0] == "E1ABC"


def test_realtime_log_with_its_field_list() -> None:
    df = read_cloudfront_logs(REALTIME, realtime_fields=REALTIME_FIELDS, fields="all")
    assert df["timestamp"].tolist() == [
        pd.Timestamp("2019-12-04T21:02:31.123Z"),
        pd.Timestamp("2019-12-04T21:02:31.987Z"),
    ]
    assert df["edge_city"].astype(str).tolist() == ["Los Angeles", "Frankfurt am Main"]
    assert df["host"].iloc[0] == "d111111abcdef8.cloudfront.net"  # cs-host is cs(Host)
    assert df["uri_stem"].iloc[1] == "/a b.html"
    assert df["user_agent"].iloc[1] == '"quoted"'
    assert df["headers"].iloc[0] == "Host:www.example.com\n"
    assert df["asn"].tolist() == [16509, pd.NA] or (df["asn"].iloc[0] == 16509 and pd.isna(df["asn"].iloc[1]))
    assert "client_ip" not in df.columns


def test_realtime_log_without_its_field_list_is_explained() -> None:
    with pytest.raises(DataFileError, match="realtime_fields"):
        read_cloudfront_logs(REALTIME)


# --------------------------------------------------------------------------------------------
# round trip (property test)
# --------------------------------------------------------------------------------------------

_CODES = ["IAD89-C3", "FRA56-P5", "NRT57-P2", "SEA19-C1", "LAX1-C2", "GRU3"]
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
#: fields AWS does not URL-encode (method, result type, ...): no tab, newline or bare "-"
_PLAIN = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8).filter(lambda t: t != "-")
_FIELDS = [
    "date",
    "time",
    "x-edge-location",
    "sc-bytes",
    "sc-status",
    "cs-method",
    "cs-uri-stem",
    "cs(User-Agent)",
    "x-edge-request-id",
    "time-taken",
    "c-port",
    "time-to-first-byte",
    "x-edge-result-type",
]


@st.composite
def _frames(draw: Any) -> pd.DataFrame:
    n = draw(st.integers(1, 12))
    ints = st.one_of(st.none(), st.integers(-(10**17), 10**17))
    floats = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))
    texts = st.one_of(st.none(), _TEXT)
    secs = draw(st.lists(st.integers(0, 2 * 10**9), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "timestamp": pd.to_datetime(secs, unit="s", utc=True).as_unit("ms"),
            "edge_code": pd.Categorical(draw(st.lists(st.sampled_from(_CODES), min_size=n, max_size=n))),
            "bytes": pd.array(draw(st.lists(ints, min_size=n, max_size=n)), dtype="Int64"),
            "status": pd.array(
                draw(st.lists(st.one_of(st.none(), st.integers(0, 999)), min_size=n, max_size=n)),
                dtype="Int16",
            ),
            "method": pd.Categorical(draw(st.lists(st.one_of(st.none(), _PLAIN), min_size=n, max_size=n))),
            "uri_stem": pd.array(draw(st.lists(texts, min_size=n, max_size=n)), dtype="str"),
            "user_agent": pd.array(draw(st.lists(texts, min_size=n, max_size=n)), dtype="str"),
            "request_id": pd.array(
                draw(
                    st.lists(st.one_of(st.none(), st.text("abcXYZ_=09", min_size=1)), min_size=n, max_size=n)
                ),
                dtype="str",
            ),
            "time_taken_s": np.array(
                [np.nan if v is None else v for v in draw(st.lists(floats, min_size=n, max_size=n))],
                dtype=np.float64,
            ),
            "client_port": pd.array(
                draw(st.lists(st.one_of(st.none(), st.integers(0, 65535)), min_size=n, max_size=n)),
                dtype="Int32",
            ),
            "time_to_first_byte_s": np.array(draw(st.lists(st.floats(0, 1e4), min_size=n, max_size=n))),
            "result_type": pd.Categorical(
                draw(st.lists(st.sampled_from(["Hit", "Miss", "Error"]), min_size=n, max_size=n))
            ),
        }
    )


@given(frame=_frames())
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_write_then_read_is_the_identity(
    frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("rt") / "log.gz"
    write_cloudfront_log(frame, str(path), fields=_FIELDS)
    got = read_cloudfront_logs(path, fields="all").drop(
        columns=["edge_city", "edge_country", "edge_lat", "edge_lon"]
    )
    got = got[frame.columns]
    pd.testing.assert_frame_equal(got, frame, check_categorical=False)


# --------------------------------------------------------------------------------------------
# bad input: clear errors naming file and line, or the bad lines collected beside the good ones
# --------------------------------------------------------------------------------------------


def _with_line(tmp_path: Path, line_no: int, new: str, name: str = "bad.log") -> Path:
    lines = STANDARD.read_text().splitlines()
    lines[line_no - 1] = new
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def test_wrong_field_count_names_file_and_line(tmp_path: Path) -> None:
    short = "\t".join(STANDARD.read_text().splitlines()[3].split("\t")[:-1])
    path = _with_line(tmp_path, 4, short)
    with pytest.raises(
        DataFileError, match=r"(?s)bad\.log.*line 4: expected 33 tab-separated fields.*got 32"
    ):
        read_cloudfront_logs(path)


def test_collect_returns_bad_lines_beside_the_good_ones(tmp_path: Path) -> None:
    lines = STANDARD.read_text().splitlines()
    parts = lines[4].split("\t")
    parts[8] = "2OO"  # sc-status with letters
    lines[4] = "\t".join(parts)
    lines[2] = "only\ttwo"
    path = tmp_path / "bad.log"
    path.write_text("\n".join(lines) + "\n")
    with pytest.warns(BadLogLinesWarning, match=r"2 bad log line\(s\) in 1 file"):
        res = read_cloudfront_logs(path, errors="collect")
    assert isinstance(res, LogReadResult)
    assert len(res.logs) == 3
    assert res.bad_lines["line"].tolist() == [3, 5]
    assert res.bad_lines["file"].tolist() == [str(path)] * 2
    assert "expected 33" in res.bad_lines["reason"].iloc[0]
    assert "sc-status" in res.bad_lines["reason"].iloc[1]
    assert "'2OO'" in res.bad_lines["reason"].iloc[1]
    assert res.bad_lines["text"].iloc[0] == "only\ttwo"
    with pytest.raises(DataFileError, match=r"(?s)line 3: .*line 5: "):
        read_cloudfront_logs(path)


def test_unknown_version(tmp_path: Path) -> None:
    path = _with_line(tmp_path, 1, "#Version: 2.0")
    with pytest.raises(DataFileError, match=r"line 1: unknown W3C log version '2\.0'"):
        read_cloudfront_logs(path)


def test_truncated_gzip(tmp_path: Path, small_log: Path) -> None:
    path = tmp_path / "cut.log.gz"
    data = small_log.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFileError, match=r"(?s)cut\.log\.gz.*line \d+: the gzip stream ends early"):
        read_cloudfront_logs(path)
    with pytest.warns(BadLogLinesWarning):
        res = read_cloudfront_logs(path, errors="collect")
    assert 0 < len(res.logs) < 20_000
    assert res.bad_lines["reason"].str.contains("gzip stream ends early").any()


def test_glob_matching_nothing(tmp_path: Path) -> None:
    with pytest.raises(LogFileNotFoundError, match=r"no log file matches .*nothing-\*\.gz"):
        read_cloudfront_logs(str(tmp_path / "nothing-*.gz"))
    assert issubclass(LogFileNotFoundError, FileNotFoundError)


def test_files_of_different_formats(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"different log formats: w3c .*json"):
        read_cloudfront_logs([STANDARD, V2_JSON])


def test_unknown_edge_code(tmp_path: Path) -> None:
    parts = STANDARD.read_text().splitlines()[2].split("\t")
    parts[2] = "QQX7-C1"  # well-formed, but no catalogue or airport knows QQX
    path = _with_line(tmp_path, 3, "\t".join(parts))
    with pytest.raises(
        DataFileError, match=r"line 3: field x-edge-location: unknown edge-location code 'QQX7-C1'"
    ):
        read_cloudfront_logs(path)
    with pytest.warns(BadLogLinesWarning, match="1 bad log line"):
        res = read_cloudfront_logs(path, errors="collect")
    assert res.bad_lines["line"].tolist() == [3]
    assert len(res.logs) == 4


def test_options_are_checked() -> None:
    with pytest.raises(InvalidInputError, match="engine"):
        read_cloudfront_logs(STANDARD, engine="spark")
    with pytest.raises(InvalidInputError, match="errors"):
        read_cloudfront_logs(STANDARD, errors="ignore")
    with pytest.raises(DataFileError, match="no field"):
        read_cloudfront_logs(STANDARD, fields=["cs-nonsense"])


# --------------------------------------------------------------------------------------------
# engines: chunks, dask, fsspec URLs
# --------------------------------------------------------------------------------------------


def test_chunks_give_the_same_rows_and_traffic(small_log: Path) -> None:
    whole = read_cloudfront_logs(small_log)
    chunks = list(read_cloudfront_logs(small_log, chunksize=3000))
    assert [len(c) for c in chunks] == [3000] * 6 + [2000]
    assert chunks[1].index[0] == 3000
    pd.testing.assert_frame_equal(
        pd.concat([c.astype({"edge_code": str}) for c in chunks]).reset_index(drop=True),
        whole.astype({"edge_code": str}),
        check_categorical=False,
    )
    pd.testing.assert_frame_equal(
        traffic.edge_traffic(read_cloudfront_logs(small_log, chunksize=3000)), traffic.edge_traffic(whole)
    )


def test_dask_engine_matches_pandas(small_log: Path, tmp_path: Path) -> None:
    import dask

    for i in range(3):
        shutil.copy(small_log, tmp_path / f"part-{i}.log.gz")
    pattern = str(tmp_path / "part-*.log.gz")
    ddf = read_cloudfront_logs(pattern, engine="dask")
    assert ddf.npartitions == 3
    with dask.config.set(scheduler="sync"):
        got = ddf.compute()
        t_dask = traffic.edge_traffic(ddf)
    want = read_cloudfront_logs(pattern)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_categorical=False)
    pd.testing.assert_frame_equal(t_dask, traffic.edge_traffic(want))


def test_fsspec_urls_pass_through(small_log: Path) -> None:
    import dask
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.pipe("/cg-test/a.log.gz", small_log.read_bytes())
    fs.pipe("/cg-test/b.log", STANDARD.read_bytes())
    try:
        want = read_cloudfront_logs(small_log)
        got = read_cloudfront_logs("memory://cg-test/a*.gz")
        pd.testing.assert_frame_equal(got, want)
        assert len(read_cloudfront_logs("memory://cg-test/b.log")) == 5
        with dask.config.set(scheduler="sync"):
            ddf = read_cloudfront_logs("memory://cg-test/a*.gz", engine="dask")
            pd.testing.assert_frame_equal(traffic.edge_traffic(ddf), traffic.edge_traffic(want))
    finally:
        fs.rm("/cg-test", recursive=True)


@pytest.mark.slow
def test_distributed_local_cluster_same_results_as_pandas(small_log: Path, tmp_path: Path) -> None:
    """Two worker processes of a dask.distributed LocalCluster give pandas' results, to the row.

    Real processes (``processes=True``): the partitions are read by file name in the workers and
    pickled back, as on a cluster. The cluster listens on 127.0.0.1 only; without ``host``,
    distributed finds the machine's address by opening a UDP socket towards 8.8.8.8, which the
    test suite's network guard refuses. ``user_latency`` on a dask frame runs on the same cluster.
    """
    distributed = pytest.importorskip("distributed")
    for i in range(2):
        shutil.copy(small_log, tmp_path / f"part-{i}.log.gz")
    pattern = str(tmp_path / "part-*.log.gz")
    want = read_cloudfront_logs(pattern)
    users = want[["edge_lat", "edge_lon"]].rename(columns={"edge_lat": "lat", "edge_lon": "lon"}).head(4000)
    sites = cloudgeo.load_regions()
    with (
        warnings.catch_warnings(),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        warnings.simplefilter("ignore", ResourceWarning)
        assert len(client.scheduler_info()["workers"]) == 2
        ddf = read_cloudfront_logs(pattern, engine="dask")
        got = ddf.compute()
        t_dist = traffic.edge_traffic(ddf)
        import dask.dataframe as dd

        ul = cloudgeo.user_latency(dd.from_pandas(users, npartitions=2), sites).compute()
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_categorical=False)
    pd.testing.assert_frame_equal(t_dist, traffic.edge_traffic(want))
    pd.testing.assert_frame_equal(ul, cloudgeo.user_latency(users, sites))


# --------------------------------------------------------------------------------------------
# what the logs tell
# --------------------------------------------------------------------------------------------


def test_edge_traffic_exact_on_the_millisecond_grid() -> None:
    df = read_cloudfront_logs(STANDARD)
    t = traffic.edge_traffic(df)
    la = t.set_index("edge_city").loc["Los Angeles"]
    assert la["requests"] == 2
    assert la["bytes"] == 784
    assert la["hit_ratio"] == 0.5
    assert la["time_taken_p50_s"] == 0.001
    assert la["time_taken_p90_s"] == 0.153
    hourly = traffic.edge_traffic(df, by_hour=True)
    assert hourly["hour"].iloc[0] == pd.Timestamp("2019-12-04T21:00Z")
    assert hourly["requests"].sum() == 5


def test_population_from_logs_feeds_placement(small_log: Path) -> None:
    logs = read_cloudfront_logs(small_log)
    pop = traffic.population_from_logs(logs)
    world = cloudgeo.load_world_cities()
    assert list(pop.columns[: len(world.columns)]) == list(world.columns)
    assert pop.index.name == "city"
    assert pop["weight"].sum() == pytest.approx(len(logs))
    assert (pop["weight"] > 0).all()
    result = cloudgeo.optimize_placement(pop, cloudgeo.load_regions(), 1)
    assert len(result.sites) == 1


def test_compare_cdn_with_logs_recovers_the_known_model(tmp_path: Path) -> None:
    path = tmp_path / "model.log.gz"
    synthetic_cloudfront_log(
        str(path), lines=60_000, seed=3, origin_region="eu-west-1", origin_time_ms=55.0, scale=1.3
    )
    check = traffic.compare_cdn_with_logs(read_cloudfront_logs(path), "eu-west-1")
    assert check.scale == pytest.approx(1.3, abs=0.03)
    assert check.origin_time_ms == pytest.approx(55.0, abs=3.0)
    assert check.edges == 12
    assert check.per_edge["residual_ms"].abs().max() < 3.0


def test_cli_report_with_logs(small_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cloudgeo import cli

    out = tmp_path / "traffic.html"
    code = cli.main(["report", "--logs", str(small_log), "--out", str(out), "--origin", "us-east-1"])
    assert code == 0, capsys.readouterr().err
    html = out.read_text()
    for anchor in ("traffic", "cdn-check", "placement"):
        assert f'<section id="{anchor}">' in html
    assert "Where to place the origin" in html
    assert "cg-logs-placement" in html
    assert cli.main(["report", "--logs", str(tmp_path / "none-*.gz"), "--out", str(out)]) == 2
    assert "no log file matches" in capsys.readouterr().err


def test_readme_example_runs_without_data(tmp_path: Path) -> None:
    """The README's "Your own CloudFront logs" example, on a generated log (no data, no network)."""
    path = synthetic_cloudfront_log(str(tmp_path / "example.log.gz"), lines=5000)
    logs = cloudgeo.read_cloudfront_logs(path)
    per_edge = cloudgeo.edge_traffic(logs)
    users = cloudgeo.population_from_logs(logs)
    check = cloudgeo.compare_cdn_with_logs(logs, "us-east-1", min_misses=5)
    assert per_edge["requests"].sum() == 5000
    assert users["weight"].sum() == pytest.approx(5000)
    assert check.scale == pytest.approx(1.0, abs=0.1)
