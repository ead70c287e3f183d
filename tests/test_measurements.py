"""Tests for cloudgeo.measurements: each reader on small files written in the real format.

Formats (structure only; the figures below are made up or rounded, not copied data sets):
- cloudping.co API reply: ``{"metadata": {"percentile": "p_50", "timeframe": "1Y",
  "unit": "milliseconds"}, "data": {src: {dst: ms}}}`` (as served by cloudping.co and saved
  e.g. in oaustegard/oaustegard.github.io ``web-utilities/aws-ping-p50-1y.json``).
- gcping ``-csv``: ``region,endpoint,duration_ns,error`` per request, no header, followed by the
  text report; ``-csv-cum``: ``region,latency_ns,errors`` (GoogleCloudPlatform/gcping worker.go).
- WonderNetwork grouped pings ``source,destination,min,avg,max,mdev`` and servers
  ``id,name,title,location,state,country,state_abbv,continent,latitude,longitude,selected,,,11``
  (sm86/geo-latency-data).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cloudgeo import measurements as m
from cloudgeo.errors import DataFileError, DataValidationError, InvalidInputError, InvalidTypeError

# --------------------------------------------------------------------------------------------
# fixtures: files in the real formats
# --------------------------------------------------------------------------------------------

CLOUDPING = {
    "metadata": {"percentile": "p_50", "timeframe": "1Y", "unit": "milliseconds"},
    "data": {
        "us-east-1": {"us-east-1": 5.3, "eu-west-1": 69.6, "ap-south-1": 192.3},
        "eu-west-1": {"us-east-1": 69.5, "eu-west-1": 2.9, "ap-south-1": 125.9},
        "ap-south-1": {"us-east-1": 189.7, "eu-west-1": 125.5, "ap-south-1": 3.0},
    },
}

GCPING_REQUESTS = """\
us-east1,us-east1-abc.a.run.app,30000000,false
us-east1,us-east1-abc.a.run.app,20000000,false
europe-west1,europe-west1-abc.a.run.app,90000000,false
us-east1,us-east1-abc.a.run.app,40000000,false
us-east1,us-east1-abc.a.run.app,10000000,false
europe-west1,europe-west1-abc.a.run.app,70000000,true
europe-west1,europe-west1-abc.a.run.app,80000000,false
 1.  [us-east1]      30ms
 2.  [europe-west1]  90ms  (1 errors)
"""

GCPING_CUM = """\
region,latency_ns,errors
us-west2,24831978,0
us-east1,87213011,1
"""

WN_SERVERS = """\
id,name,title,location,state,country,state_abbv,continent,latitude,longitude,selected,,,11
1,Melbourne,Melbourne,Melbourne,Victoria,Australia,VIC,4,-37.7833,144.9667,1,,,
4,Paris,Paris,Paris,Ile-de-France,France,IDF,3,48.8742,2.347,,,,
6,Tokyo,Tokyo,Tokyo,Tokyo,Japan,,3,35.6833,139.7667,1,,,
"""

WN_PINGS = """\
source,destination,min,avg,max,mdev
1,1,0.014,0.027,0.137,0.025
1,4,280.0,280.3,281.4,0.69
1,6,143.6,143.9,145.0,0.52
4,1,279.9,280.4,283.0,0.7
4,6,215.1,215.6,216.2,0.5
6,1,143.5,143.8,144.9,0.5
6,4,215.0,215.4,217.0,0.6
"""

WN_PAIRS = """\
src_server_id,src_city,src_country,src_lat,src_lon,src_nearest_aws_region,dst_server_id,dst_city,dst_country,dst_lat,dst_lon,dst_nearest_aws_region,rtt_min_ms,rtt_avg_ms,rtt_max_ms,gc_distance_km
1,Melbourne,Australia,-37.7833,144.9667,ap-southeast-4,4,Paris,France,48.8742,2.347,eu-west-3,280.0,280.3,281.4,16790.0
1,Melbourne,Australia,-37.7833,144.9667,ap-southeast-4,6,Tokyo,Japan,35.6833,139.7667,ap-northeast-1,143.6,143.9,145.0,8187.0
"""

TIDY = """\
src,dst,rtt_ms,stat,method,one_way,src_lat,src_lon,dst_lat,dst_lon,source
a,b,10.5,p50,icmp,false,1.0,2.0,3.0,4.0,mine
b,a,11.0,avg,tcp-connect,true,3.0,4.0,1.0,2.0,mine
a,c,20.0,p99.9,http,0,1.0,2.0,5.0,6.0,mine
c,a,21.0,min,udp,yes,5.0,6.0,1.0,2.0,mine
c,b,22.0,max,https,no,5.0,6.0,3.0,4.0,mine
"""

HTML = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body></body></html>\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def tidy_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "src": ["a", "b"],
            "dst": ["b", "a"],
            "rtt_ms": [10.0, 5.0],
            "stat": ["p50", "avg"],
            "method": ["icmp", "tcp-connect"],
            "one_way": [False, True],
        },
        index=[10, 20],
    )


# --------------------------------------------------------------------------------------------
# cloudping
# --------------------------------------------------------------------------------------------


def test_cloudping_reads_every_pair(tmp_path: Path) -> None:
    path = write(tmp_path, "p50.json", json.dumps(CLOUDPING))
    df = m.read_cloudping_json(path)
    assert len(df) == 9
    assert list(df.columns[:6]) == list(m.TIDY_COLUMNS)
    row = df[(df.src == "us-east-1") & (df.dst == "eu-west-1")].iloc[0]
    assert row.rtt_ms == 69.6
    assert row.stat == "p50"
    assert row.method == "tcp-connect"
    assert not row.one_way
    assert row.source == "cloudping.co (timeframe 1Y)"
    assert df["one_way"].dtype == bool
    # directional: a->b and b->a are separate rows
    back = df[(df.src == "eu-west-1") & (df.dst == "us-east-1")].iloc[0]
    assert back.rtt_ms == 69.5


def test_cloudping_bare_object_and_buffer() -> None:
    df = m.read_cloudping_json(io.StringIO(json.dumps(CLOUDPING["data"])), stat="p90")
    assert set(df.stat) == {"p90"}
    assert set(df.source) == {"cloudping.co"}
    df2 = m.read_cloudping_json(io.BytesIO(json.dumps(CLOUDPING["data"]).encode()))
    assert set(df2.stat) == {"p50"}


def test_cloudping_stat_from_metadata() -> None:
    doc = {**CLOUDPING, "metadata": {"percentile": "p_90", "unit": "milliseconds"}}
    df = m.read_cloudping_json(io.StringIO(json.dumps(doc)))
    assert set(df.stat) == {"p90"}
    with pytest.raises(
        DataFileError, match=r"stat='p50' was requested but the file's metadata says percentile 'p_90'"
    ):
        m.read_cloudping_json(io.StringIO(json.dumps(doc)), stat="p50")


def test_cloudping_null_is_left_out_with_warning() -> None:
    doc = {"data": {"us-east-1": {"eu-west-1": 69.6, "ap-south-1": None}}}
    with pytest.warns(
        UserWarning, match=r"1 pair\(s\) have no value \(null\) and were left out: us-east-1->ap-south-1"
    ):
        df = m.read_cloudping_json(io.StringIO(json.dumps(doc)))
    assert len(df) == 1


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (HTML, r"(?s)cloudping JSON file .*found HTML/XML markup starting '<!DOCTYPE html>'"),
        ("[1, 2, 3]", r"(?s)expected a JSON object mapping source region.*found a JSON array \(list\)"),
        ("{not json", r"found text that is not valid JSON"),
        ('{"a": {"b": NaN}}', r"not valid JSON \(non-standard JSON constant NaN\)"),
        ('{"data": [1]}', r'(?s)expected "data" to be a JSON object.*found a JSON array'),
        ('{"data": {}, "metadata": 3}', r'expected "metadata" to be a JSON object; found a JSON number'),
        ('{"a": [1, 2]}', r"entry 'a' must be an object of destination -> RTT ms; found a JSON array"),
        ('{"a": {"b": "12"}}', r"value for 'a' -> 'b' must be a number of ms; found '12'"),
        ('{"a": {"b": true}}', r"value for 'a' -> 'b' must be a number of ms; found True"),
        ("{}", r"found no measurements in it"),
        ("", r"found an empty file"),
        ('{"metadata": {"unit": "seconds"}, "data": {"a": {"b": 1}}}', r"metadata gives unit 'seconds'"),
        (
            '{"metadata": {"percentile": "best"}, "data": {"a": {"b": 1}}}',
            r"metadata percentile 'best' is not a known",
        ),
    ],
)
def test_cloudping_rejects_bad_files(tmp_path: Path, text: str, match: str) -> None:
    path = write(tmp_path, "reply.json", text)
    with pytest.raises(DataFileError, match=match):
        m.read_cloudping_json(path)


def test_cloudping_error_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "page.json", HTML)
    with pytest.raises(DataFileError, match=r"(?s)cloudping JSON file '.*page\.json' failed validation"):
        m.read_cloudping_json(path)


def test_cloudping_binary_and_size_limits(tmp_path: Path) -> None:
    path = tmp_path / "bin.json"
    path.write_bytes(b"\x1f\x8b\x08\x00\x00\x00")
    with pytest.raises(DataFileError, match=r"expected UTF-8 JSON text; found undecodable bytes"):
        m.read_cloudping_json(path)
    path.write_bytes(b"{\x00}")
    with pytest.raises(DataFileError, match=r"found binary data \(NUL bytes\)"):
        m.read_cloudping_json(path)
    big = write(tmp_path, "big.json", json.dumps(CLOUDPING))
    with pytest.raises(DataFileError, match=r"larger than max_bytes=10; a cloudping reply is about 50 kB"):
        m.read_cloudping_json(big, max_bytes=10)


def test_cloudping_bad_values_are_validation_errors() -> None:
    doc = {"a": {"b": 0, "c": -3.0, "d": 1e999}}
    with pytest.raises(DataValidationError, match=r"rtt_ms must be > 0 ms; found 0, -3") as info:
        m.read_cloudping_json(io.StringIO(json.dumps(doc).replace("Infinity", "1e999")))
    assert any("infinite" in p for p in info.value.problems)


def test_cloudping_argument_errors(tmp_path: Path) -> None:
    with pytest.raises(
        DataFileError, match=r"(?s)cloudping JSON file '.*nope\.json' failed validation.*no such file"
    ):
        m.read_cloudping_json(tmp_path / "nope.json")
    with pytest.raises(InvalidTypeError, match=r"expected a file path or an open file, got int"):
        m.read_cloudping_json(42)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"got 'median' \(the median is 'p50'\)"):
        m.read_cloudping_json(io.StringIO("{}"), stat="median")


# --------------------------------------------------------------------------------------------
# gcping
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunksize", [2, 100_000])
def test_gcping_per_request_median_like_gcping(tmp_path: Path, chunksize: int) -> None:
    path = write(tmp_path, "gcping.csv", GCPING_REQUESTS)
    df = m.read_gcping_csv(path, chunksize=chunksize).set_index("dst")
    # us-east1: 10, 20, 30, 40 ms -> gcping takes durations[len/2] = 30 ms (upper middle)
    assert df.loc["us-east1", "rtt_ms"] == pytest.approx(30.0)
    assert df.loc["us-east1", "n_samples"] == 4
    # europe-west1: the failed request (70 ms) is left out; 80, 90 -> upper middle 90
    assert df.loc["europe-west1", "rtt_ms"] == pytest.approx(90.0)
    assert df.loc["europe-west1", "n_errors"] == 1
    assert set(df["src"]) == {"client"}
    assert set(df["method"]) == {"http"}
    assert set(df["stat"]) == {"p50"}


@pytest.mark.parametrize(("stat", "expected"), [("avg", 25.0), ("min", 10.0), ("max", 40.0)])
def test_gcping_other_stats(tmp_path: Path, stat: str, expected: float) -> None:
    path = write(tmp_path, "gcping.csv", GCPING_REQUESTS)
    df = m.read_gcping_csv(path, stat=stat, chunksize=3).set_index("dst")
    assert df.loc["us-east1", "rtt_ms"] == pytest.approx(expected)
    assert df.loc["us-east1", "stat"] == stat


def test_gcping_cumulative_and_coordinates(tmp_path: Path) -> None:
    path = write(tmp_path, "cum.csv", GCPING_CUM)
    df = m.read_gcping_csv(path, src="laptop-manila", src_lat=14.58, src_lon=120.98)
    assert list(df["dst"]) == ["us-west2", "us-east1"]
    assert df["rtt_ms"].tolist() == pytest.approx([24.831978, 87.213011])
    assert df["src"].tolist() == ["laptop-manila"] * 2
    assert df["src_lat"].tolist() == [14.58, 14.58]
    with pytest.raises(
        InvalidInputError, match=r"(?s)stat='avg' is not available from .*gcping -csv-cum output"
    ):
        m.read_gcping_csv(path, stat="avg")


def test_gcping_all_failed_region_warns(tmp_path: Path) -> None:
    text = "a,x,1000000,false\nb,y,2000000,true\n"
    path = write(tmp_path, "g.csv", text)
    with pytest.warns(UserWarning, match=r"every request failed for 1 region\(s\), which were left out: b"):
        df = m.read_gcping_csv(path)
    assert df["dst"].tolist() == ["a"]
    path2 = write(tmp_path, "g2.csv", "b,y,2000000,true\n")
    with pytest.raises(DataFileError, match=r"every request in the file failed"):
        m.read_gcping_csv(path2)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (HTML, r"(?s)gcping CSV file .*found HTML/XML markup"),
        (
            "region,endpoint,duration\nus,x,1\n",
            r"(?s)expected gcping CSV output.*found a first line \['region'",
        ),
        (
            "us-east1,x,1,false\nus-east1,x,fast,false\n",
            r"lines 2 have no integer duration_ns \(first field\(s\) \['us-east1'\]\)",
        ),
        ("us-east1,x,100,maybe\n", r"(?s)error must be true/false .*found \['maybe'\] on line\(s\) 1"),
        ("a,b,c,d,e,f\n", r"(?s)expected gcping CSV output.*found a first line"),
        ("", r"found an empty file"),
    ],
)
def test_gcping_rejects_bad_files(tmp_path: Path, text: str, match: str) -> None:
    path = write(tmp_path, "g.csv", text)
    with pytest.raises(DataFileError, match=match):
        m.read_gcping_csv(path)


def test_gcping_argument_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "g.csv", GCPING_REQUESTS)
    with pytest.raises(InvalidInputError, match=r"stat must be one of 'p50', 'avg', 'min', 'max'; got 'p90'"):
        m.read_gcping_csv(path, stat="p90")
    with pytest.raises(InvalidInputError, match=r"give both src_lat and src_lon or neither"):
        m.read_gcping_csv(path, src_lat=1.0)
    with pytest.raises(InvalidInputError, match=r"(?s)src_lat must be in \[-90, 90\].*got \(120.98, 14.58\)"):
        m.read_gcping_csv(path, src_lat=120.98, src_lon=14.58)
    with pytest.raises(InvalidInputError, match=r"src must be a non-empty label"):
        m.read_gcping_csv(path, src="")
    with pytest.raises(InvalidInputError, match=r"chunksize must be >= 1, got 0"):
        m.read_gcping_csv(path, chunksize=0)


def test_gcping_ragged_line_is_a_file_error(tmp_path: Path) -> None:
    path = write(tmp_path, "g.csv", "us-east1,x,100,false\nus-east1,x,100,false,extra,more\n")
    with pytest.raises(DataFileError, match=r"could not be parsed as CSV"):
        m.read_gcping_csv(path)


# --------------------------------------------------------------------------------------------
# WonderNetwork
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunksize", [2, 100_000])
def test_wondernetwork_pings_and_servers(tmp_path: Path, chunksize: int) -> None:
    pings = write(tmp_path, "pings.csv", WN_PINGS)
    servers = write(tmp_path, "servers.csv", WN_SERVERS)
    df = m.read_wondernetwork_csv(pings, servers=servers, chunksize=chunksize)
    assert len(df) == 6  # the self-ping 1->1 is left out by default
    row = df[(df.src == "Melbourne") & (df.dst == "Paris")].iloc[0]
    assert row.rtt_ms == 280.3
    assert row.stat == "avg"
    assert row.method == "icmp"
    assert (row.src_lat, row.src_lon, row.dst_lat, row.dst_lon) == (-37.7833, 144.9667, 48.8742, 2.347)
    assert row.src_country == "Australia"
    assert row.src_server_id == 1
    assert row.dst_server_id == 4
    m.validate_measurements(df)


def test_wondernetwork_stats_and_self(tmp_path: Path) -> None:
    pings = write(tmp_path, "pings.csv", WN_PINGS)
    servers = write(tmp_path, "servers.csv", WN_SERVERS)
    df = m.read_wondernetwork_csv(pings, servers=servers, stat=["min", "max"], include_self=True)
    assert len(df) == 14
    assert set(df.stat) == {"min", "max"}
    loop = df[(df.src == "Melbourne") & (df.dst == "Melbourne") & (df.stat == "min")]
    assert loop.rtt_ms.tolist() == [0.014]


def test_wondernetwork_unknown_servers(tmp_path: Path) -> None:
    pings = write(tmp_path, "pings.csv", WN_PINGS + "1,295,200.0,201.0,202.0,0.5\n")
    servers = write(tmp_path, "servers.csv", WN_SERVERS)
    with pytest.raises(
        DataFileError, match=r"1 ping row\(s\) name server id\(s\) not in the servers file: 295"
    ):
        m.read_wondernetwork_csv(pings, servers=servers)
    with pytest.warns(UserWarning, match=r"not in the servers file: 295; these pings were left out"):
        df = m.read_wondernetwork_csv(pings, servers=servers, unknown_servers="drop")
    assert len(df) == 6


def test_wondernetwork_pairs_file(tmp_path: Path) -> None:
    path = write(tmp_path, "pairs.csv", WN_PAIRS)
    df = m.read_wondernetwork_csv(path, stat="min", chunksize=1)
    assert df["src"].tolist() == ["Melbourne", "Melbourne"]
    assert df["rtt_ms"].tolist() == [280.0, 143.6]
    assert df["dst_lat"].tolist() == [48.8742, 35.6833]


@pytest.mark.parametrize(
    ("pings", "servers", "match"),
    [
        (HTML, WN_SERVERS, r"(?s)WonderNetwork pings CSV file .*found HTML/XML markup"),
        ("source,destination,avg\n1,4,3\n", WN_SERVERS, r"missing \['min', 'max'\]; found columns"),
        (WN_PINGS, "id,title\n1,a\n", r"(?s)servers CSV file .*missing \['latitude', 'longitude'\]"),
        (WN_PINGS, "id,latitude,longitude\n1,0,0\n", r"missing \['title \(or name\)'\]"),
        (
            WN_PINGS,
            WN_SERVERS + "4,Paris2,Paris2,x,x,France,,3,1,1,,,,\n",
            r"server id\(s\) listed more than once: 4",
        ),
        (WN_PINGS, WN_SERVERS + "x,Bad,Bad,x,x,X,,3,1,1,,,,\n", r"id must be an integer; bad on line\(s\) 5"),
        ("source,destination,min,avg,max,mdev\n1,four,1,2,3,0\n", WN_SERVERS, r"must be integer server ids"),
        (
            "source,destination,min,avg,max,mdev\n1,4,1,fast,3,0\n",
            WN_SERVERS,
            r"column 'avg' is not a number",
        ),
        ("source,destination,min,avg,max,mdev\n1,1,1,2,3,0\n", WN_SERVERS, r"found no pings between known"),
    ],
)
def test_wondernetwork_rejects_bad_files(tmp_path: Path, pings: str, servers: str, match: str) -> None:
    p = write(tmp_path, "pings.csv", pings)
    s = write(tmp_path, "servers.csv", servers)
    with pytest.raises(DataFileError, match=match):
        m.read_wondernetwork_csv(p, servers=s)


def test_wondernetwork_bad_server_coordinates(tmp_path: Path) -> None:
    p = write(tmp_path, "pings.csv", WN_PINGS)
    s = write(tmp_path, "servers.csv", WN_SERVERS.replace("-37.7833,144.9667", "144.9667,-37.7833"))
    with pytest.raises(DataValidationError, match=r"(?s)latitude outside \[-90, 90\] in row\(s\) 2.*swapped"):
        m.read_wondernetwork_csv(p, servers=s)


def test_wondernetwork_pairs_errors(tmp_path: Path) -> None:
    p = write(tmp_path, "pings.csv", WN_PINGS)
    with pytest.raises(DataFileError, match=r"this looks like the original pings file: pass servers="):
        m.read_wondernetwork_csv(p)
    with pytest.raises(InvalidInputError, match=r"(?s)stat must be one of 'avg', 'min', 'max' .*got 'mdev'"):
        m.read_wondernetwork_csv(p, stat="mdev")
    with pytest.raises(InvalidInputError, match=r"stat must name at least one of"):
        m.read_wondernetwork_csv(p, stat=[])
    with pytest.raises(
        InvalidInputError, match=r"unknown_servers must be one of 'raise', 'drop'; got 'skip'"
    ):
        m.read_wondernetwork_csv(p, unknown_servers="skip")
    with pytest.raises(InvalidTypeError, match=r"include_self must be True or False, got 1"):
        m.read_wondernetwork_csv(p, include_self=1)  # type: ignore[arg-type]
    header_only = write(tmp_path, "pairs.csv", WN_PAIRS.splitlines()[0] + "\n")
    with pytest.raises(DataFileError, match=r"found no pairs"):
        m.read_wondernetwork_csv(header_only)


# --------------------------------------------------------------------------------------------
# plain tidy CSV, validation, round trip
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunksize", [2, 100_000])
def test_read_measurements_csv(tmp_path: Path, chunksize: int) -> None:
    path = write(tmp_path, "tidy.csv", TIDY)
    df = m.read_measurements_csv(path, chunksize=chunksize)
    assert len(df) == 5
    assert df["one_way"].tolist() == [False, True, False, True, False]
    assert df["stat"].tolist() == ["p50", "avg", "p99.9", "min", "max"]
    assert df["src_lat"].dtype == float
    assert list(df.index) == list(range(5))


def test_read_measurements_csv_round_trips_through_to_csv(tmp_path: Path) -> None:
    df = tidy_frame()
    path = tmp_path / "out.csv"
    df.to_csv(path, index=False)
    back = m.read_measurements_csv(path)
    pd.testing.assert_frame_equal(back, df.reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize(
    ("text", "exc", "match"),
    [
        (HTML, DataFileError, r"(?s)measurements CSV file .*found HTML/XML markup"),
        (
            "src,dst,rtt\na,b,1\n",
            DataFileError,
            r"missing \['rtt_ms', 'stat', 'method', 'one_way'\]; found columns",
        ),
        (
            TIDY.replace("false,1.0", "nope,1.0"),
            DataFileError,
            r"(?s)one_way must be true/false .*found \['nope'\] on line\(s\) 2",
        ),
        (TIDY.replace("10.5", "ten"), DataValidationError, r"rtt_ms is not a number on line\(s\) 2"),
        (TIDY.replace("10.5", ""), DataValidationError, r"rtt_ms is missing \(NaN\) on line\(s\) 2"),
        (TIDY.replace("p50", "median"), DataValidationError, r"found 'median' \(the median is 'p50'\)"),
        (
            TIDY.replace("icmp", "ping"),
            DataValidationError,
            r"(?s)method must be one of 'icmp'.*found 'ping'",
        ),
        (TIDY.splitlines()[0] + "\n", DataFileError, r"found a header but no rows"),
    ],
)
def test_read_measurements_csv_errors(tmp_path: Path, text: str, exc: type[Exception], match: str) -> None:
    path = write(tmp_path, "tidy.csv", text)
    with pytest.raises(exc, match=match):
        m.read_measurements_csv(path)


def test_validate_collects_every_problem() -> None:
    df = pd.DataFrame(
        {
            "src": ["a", "", "c"],
            "dst": ["b", "a", None],
            "rtt_ms": [np.inf, -1.0, "x"],
            "stat": ["p50", "p100", "average"],
            "method": ["icmp", "tcp", "http"],
            "one_way": [True, "yes", False],
            "src_lat": [95.0, 0.0, 0.0],
            "src_lon": [0.0, 0.0, 0.0],
            "dst_lat": [0.0, 0.0, 0.0],
        }
    )
    with pytest.raises(DataValidationError) as info:
        m.validate_measurements(df, source="my table")
    text = str(info.value)
    assert text.startswith("my table failed validation with")
    for part in (
        "src must be a non-empty string; bad in row(s) 1",
        "dst must be a non-empty string; bad in row(s) 2",
        "rtt_ms is not a number in row(s) 2",
        "rtt_ms is infinite in row(s) 0",
        "rtt_ms must be > 0 ms; found -1 in row(s) 1",
        "'average', 'p100'",
        "(the mean is 'avg')",
        "method must be one of",
        "found 'tcp'",
        "one_way must be a boolean",
        "src_lat outside [-90, 90] in row(s) 0",
        "column 'dst_lat' is present without 'dst_lon'",
    ):
        assert part in text, part


def test_validate_contract() -> None:
    df = tidy_frame()
    assert m.validate_measurements(df) is df
    with pytest.raises(InvalidTypeError, match=r"measurements must be a pandas DataFrame, got list"):
        m.validate_measurements([1, 2])  # type: ignore[arg-type]
    with pytest.raises(
        DataValidationError, match=r"(?s)missing column\(s\) \['stat'\].*A measurement table needs"
    ):
        m.validate_measurements(df.drop(columns="stat"))
    with pytest.raises(DataValidationError, match=r"rtt_ms is missing \(NaN\) in row\(s\) 20"):
        m.validate_measurements(df.assign(rtt_ms=[1.0, np.nan]))


@pytest.mark.parametrize("stat", ["min", "avg", "max", "p1", "p50", "p90", "p99", "p99.9", "p99.99"])
def test_valid_stats(stat: str) -> None:
    assert m.is_valid_stat(stat)


@pytest.mark.parametrize("stat", ["p0", "p100", "p", "median", "P50", "p050", 50, None])
def test_invalid_stats(stat: object) -> None:
    assert not m.is_valid_stat(stat)


def test_to_round_trip_doubles_one_way_and_labels() -> None:
    df = tidy_frame()
    before = df.copy()
    out = m.to_round_trip(df)
    pd.testing.assert_frame_equal(df, before)  # input untouched
    assert list(out.index) == [10, 20]  # index kept
    assert out["rtt_ms"].tolist() == [10.0, 10.0]
    assert out["one_way"].tolist() == [False, False]
    assert out["from_one_way"].tolist() == [False, True]
    again = m.to_round_trip(out)  # idempotent: nothing is one-way any more
    assert again["rtt_ms"].tolist() == [10.0, 10.0]
    assert again["from_one_way"].tolist() == [False, True]


def test_to_round_trip_validates() -> None:
    with pytest.raises(DataValidationError, match=r"to_round_trip input failed validation"):
        m.to_round_trip(tidy_frame().assign(rtt_ms=[-1.0, 2.0]))


def test_readers_feed_validation_consistently(tmp_path: Path) -> None:
    """Every reader's output passes validation and has the tidy columns first."""
    frames = [
        m.read_cloudping_json(write(tmp_path, "c.json", json.dumps(CLOUDPING))),
        m.read_gcping_csv(write(tmp_path, "g.csv", GCPING_REQUESTS)),
        m.read_wondernetwork_csv(
            write(tmp_path, "p.csv", WN_PINGS), servers=write(tmp_path, "s.csv", WN_SERVERS)
        ),
        m.read_wondernetwork_csv(write(tmp_path, "pairs.csv", WN_PAIRS)),
        m.read_measurements_csv(write(tmp_path, "t.csv", TIDY)),
    ]
    for df in frames:
        assert list(df.columns[:6]) == list(m.TIDY_COLUMNS)
        m.validate_measurements(df)
        assert df["one_way"].dtype == bool
