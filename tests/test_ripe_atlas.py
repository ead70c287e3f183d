"""read_ripe_atlas on hand-built files in RIPE Atlas's documented formats (tests/ripe_atlas/)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cloudgeo import catalog, latency, measurements
from cloudgeo.errors import DataFileError, InvalidTypeError
from cloudgeo.ripe_atlas import ProbeDropWarning, read_ripe_atlas

HERE = Path(__file__).parent / "ripe_atlas"
RESULTS = HERE / "ping_results.json"
NDJSON = HERE / "ping_results.ndjson"
PROBES = HERE / "probes_archive.json"


def targets() -> dict[str, tuple[float, float]]:
    r = catalog.get_regions(["eu-central-1", "af-south-1"])
    return {str(c): (float(r.at[c, "lat"]), float(r.at[c, "lon"])) for c in r.index}


def read(src: Any = RESULTS, **kw: Any) -> pd.DataFrame:
    with pytest.warns(
        ProbeDropWarning, match=r"dropped 1 result\(s\) of 1 probe\(s\).*9999.*1 result\(s\) with no reply"
    ):
        return read_ripe_atlas(src, probes=kw.pop("probes", PROBES), **kw)


def test_json_list_and_ndjson_agree_and_are_tidy() -> None:
    a = read(RESULTS)
    b = read(NDJSON)
    pd.testing.assert_frame_equal(a, b)
    measurements.validate_measurements(a)
    assert set(a["stat"]) == {"min", "avg", "max", "p50", "p90"}
    assert set(a["probe_id"]) == {1001, 1002, 1003}  # 9999 is not in the probe table
    ke = a[(a["probe_id"] == 1001) & (a["dst"] == "eu-central-1")].set_index("stat")
    # two results of three replies each: min/max/mean over all six replies
    assert ke.at["min", "rtt_ms"] == pytest.approx(129.8)
    assert ke.at["max", "rtt_ms"] == pytest.approx(133.5)
    assert ke.at["avg", "rtt_ms"] == pytest.approx((130.2 + 131.0 + 129.8 + 133.5 + 130.9 + 131.4) / 6)
    assert ke.at["p50", "n_samples"] == 6
    assert ke.at["p50", "country_code"] == "KE"
    assert ke.at["p50", "src_lat"] == pytest.approx(-1.2865)
    assert (a["method"] == "icmp").all()
    assert not a["one_way"].any()


def test_parsed_list_buffer_and_api_probe_form() -> None:
    rows = json.loads(RESULTS.read_text())
    api = {
        "results": [
            {
                "id": p["id"],
                "country_code": p["country_code"],
                "geometry": {"type": "Point", "coordinates": [p["longitude"], p["latitude"]]},
            }
            for p in json.loads(PROBES.read_text())["objects"]
        ]
    }
    a = read(rows, probes=api)
    b = read(io.StringIO(NDJSON.read_text()), probes=io.BytesIO(PROBES.read_bytes()))
    pd.testing.assert_frame_equal(a, b)


def test_calibrate_on_its_output() -> None:
    df = read(RESULTS, targets=targets())
    res = latency.calibrate(df[df["stat"].isin(["p50", "p90"])])
    assert res.model.stretch >= 1.0
    assert res.model.intra_region_rtt_ms == pytest.approx(2.1, abs=0.2)  # probes beside the target
    cmp = latency.compare_with_measurements(df[df["stat"] == "p50"], model=res.model)
    assert len(cmp) > 0


def _one(**change: Any) -> list[dict[str, Any]]:
    row: dict[str, Any] = json.loads(RESULTS.read_text())[0]
    row.update(change)
    return [{k: v for k, v in row.items() if v is not None}]


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        (_one(type="traceroute"), "type 'traceroute'.*ping results only"),
        (_one(type=None), "type '<missing>'"),
        (_one(prb_id=None), r"result 1 lacks the field\(s\) \['prb_id'\]"),
        (_one(timestamp=None), r"lacks the field\(s\) \['timestamp'\]"),
        (_one(prb_id="abc"), "not a valid RIPE Atlas ping result"),
        (_one(msm_id="x"), r"msm_id='x' \(integer ids\)"),
        (_one(result="oops"), "'result' must be a list of reply objects"),
        (_one(result=[{"rtt": "fast"}]), "not a valid RIPE Atlas ping result"),
        (_one(dst_name=None, dst_addr=None), "neither dst_name nor dst_addr"),
        ([[1, 2]], "not a JSON object"),
    ],
)
def test_bad_results(rows: list[Any], match: str) -> None:
    with pytest.raises(DataFileError, match=match):
        read_ripe_atlas(rows, probes=PROBES)


def test_bad_files(tmp_path: Path) -> None:
    html = tmp_path / "page.json"
    html.write_text("<html>Error 502</html>")
    with pytest.raises(DataFileError, match=r"(?s)page.json.*JSON list or NDJSON"):
        read_ripe_atlas(html, probes=PROBES)
    broken = tmp_path / "broken.ndjson"
    broken.write_text(NDJSON.read_text().splitlines()[0] + "\n{not json\n")
    with pytest.raises(DataFileError, match="line 2 is not a JSON object"):
        read_ripe_atlas(broken, probes=PROBES)
    with pytest.raises(DataFileError, match="'objects' or 'results'"):
        read_ripe_atlas(RESULTS, probes={"probes": []})
    with pytest.raises(DataFileError, match="has no 'id'"):
        read_ripe_atlas(RESULTS, probes=[{"latitude": 1.0}])
    with pytest.raises(DataFileError, match="could not read"):
        read_ripe_atlas(tmp_path / "missing.json", probes=PROBES)
    with pytest.raises(InvalidTypeError, match="path, a file object or parsed JSON"):
        read_ripe_atlas(42, probes=PROBES)  # type: ignore[arg-type]
    with pytest.warns(ProbeDropWarning), pytest.raises(DataFileError, match="not in targets"):
        read_ripe_atlas(RESULTS, probes=PROBES, targets={"eu-central-1": (50.0, 8.0)})


def test_probe_without_coordinates_is_a_counted_drop() -> None:
    probes = json.loads(PROBES.read_text())
    probes["objects"][0]["latitude"] = None
    probes["objects"][0]["longitude"] = None
    with pytest.warns(ProbeDropWarning, match=r"dropped 4 result\(s\) of 2 probe\(s\).*1001"):
        out = read_ripe_atlas(RESULTS, probes=probes)
    assert 1001 not in set(out["probe_id"])


def test_compressed_daily_dump(tmp_path: Path) -> None:
    # the daily dumps are published bzip2-compressed (ping-<date>T<hour>.bz2); gzip also works
    import bz2
    import gzip

    plain = read(NDJSON)
    dump = tmp_path / "ping-2025-03-29T0000.bz2"
    dump.write_bytes(bz2.compress(NDJSON.read_bytes()))
    pd.testing.assert_frame_equal(read(dump), plain)
    pd.testing.assert_frame_equal(read(io.BytesIO(gzip.compress(NDJSON.read_bytes()))), plain)
    broken = tmp_path / "cut.bz2"
    broken.write_bytes(bz2.compress(NDJSON.read_bytes())[:50])
    with pytest.raises(DataFileError, match="could not read"):
        read_ripe_atlas(broken, probes=PROBES)


def test_result_without_packets_or_measurement_id() -> None:
    # RIPE's required fields: a result without "result" or "msm_id" is a clear error, not a drop
    with pytest.raises(DataFileError, match=r"result 1 lacks the field\(s\) \['result'\]"):
        read_ripe_atlas(_one(result=None), probes=PROBES)
    with pytest.raises(DataFileError, match=r"lacks the field\(s\) \['msm_id'\]"):
        read_ripe_atlas(_one(msm_id=None), probes=PROBES)
