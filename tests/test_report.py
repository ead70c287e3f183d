"""The offline HTML report and the ``cloudgeo report`` command."""

from __future__ import annotations

import html as html_module
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cloudgeo import report
from cloudgeo.cli import main
from cloudgeo.errors import CatalogDateError, InvalidInputError, InvalidTypeError, UnknownRegionError

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2025-06-30"  # a fixed date keeps the report deterministic

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def html() -> str:
    return report.build_report(as_of=AS_OF)


def _text(html: str) -> str:
    body = html.split("<body>", 1)[1]
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_report_tells_the_story(html: str) -> None:
    text = _text(html)
    for title in (
        "The infrastructure, then and now",
        "How fast the world's users reach the application",
        "S3 durability",
        "Availability of the four architectures",
        "A recommended placement",
        "Volume: S3 behind CloudFront",
        "Elasticity: the step policy beside target tracking",
    ):
        assert title in text
    # AWS at the end of 2019: 22 regions, more than 180 edge locations (seed article)
    assert "AWS had 22 regions" in text
    found = re.search(r"CloudFront had (\d+) edge locations", text)
    assert found is not None
    pops_2019 = int(found.group(1))
    assert pops_2019 > 180
    # S3 User Guide: 10,000,000 objects -> one object every 10,000 years
    assert "10,000,000 objects" in text
    assert "one object every 10,000 years" in text
    for arch in ("single_instance", "app_and_rds", "multi_az", "multi_region"):
        assert arch in text
    assert "Philippines" in text


def test_report_shows_the_placement_summary(html: str) -> None:
    from cloudgeo import catalog, placement, population

    # the same call as the report's placement section (k=3, mean objective, standard partition)
    candidates = catalog.load_regions(as_of=AS_OF)
    candidates = candidates[candidates["partition"] == "aws"]
    result = placement.optimize_placement(population.load_world_cities(), candidates, 3, objective="mean")
    section = html.split('<section id="placement">', 1)[1].split("</section>", 1)[0]
    text = _text("<body>" + section)
    summary = result.summary
    for key, label in (
        ("mean_rtt_ms", "weighted mean RTT [ms]"),
        ("p50_rtt_ms", "weighted median (p50) RTT [ms]"),
        ("p90_rtt_ms", "weighted p90 RTT [ms]"),
        ("p99_rtt_ms", "weighted p99 RTT [ms]"),
    ):
        assert f"{label} {summary[key]:,.1f}" in text, key
    shares = [k for k in summary.index if str(k).startswith("share_within_")]
    assert shares
    for key in shares:
        threshold = str(key).removeprefix("share_within_").removesuffix("_ms")
        assert f"users within {threshold} ms [%] {100 * summary[key]:,.1f}" in text, key


def test_placement_summary_frame_labels_units() -> None:
    summary = pd.Series({"p90_rtt_ms": 87.25, "share_within_50_ms": 0.5, "new_stat": 2.0}, name="value")
    frame = report._placement_summary_frame(summary)
    assert list(frame.index) == ["weighted p90 RTT [ms]", "users within 50 ms [%]", "new_stat"]
    assert frame["value"].tolist() == [87.25, 50.0, 2.0]
    assert summary.tolist() == [87.25, 0.5, 2.0]  # input untouched


def test_report_is_self_contained(html: str) -> None:
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=[\"']https?:", html)
    assert "cdn.plot.ly/plotly" not in html  # no CDN plotly.js
    assert html.count('id="cloudgeo-geo-assets"') == 1
    assert html.count('window.PlotlyGeoAssets.topojson["world_110m"] = {') == 1
    assert html.count("Plotly.newPlot(") >= 7
    # the base map is in place before the first plot, plotly.js is inlined once
    assets = html.index('id="cloudgeo-geo-assets"')
    first_plot = html.index("Plotly.newPlot(")
    assert assets < first_plot
    assert html.count("window.Plotly") >= 1
    assert len(re.findall(r"/\*! For license information please see plotly", html)) <= 1
    # the partial plotly.js bundle (data/plotlyjs) is inlined, not the full 4.8 MB one
    assert "cloudgeo partial bundle of plotly.js" in html
    assert len(html.encode("utf-8")) < 3_000_000


def test_report_div_ids_are_fixed(html: str) -> None:
    ids = re.findall(r'<div id="(cg-[a-z-]+)" class="plotly-graph-div"', html)
    assert ids == [
        "cg-infrastructure",
        "cg-footprint-growth",
        "cg-latency-cdf",
        "cg-latency-map",
        "cg-durability",
        "cg-ebs-volumes",
        "cg-availability",
        "cg-price-classes",
        "cg-hit-ratio",
        "cg-elasticity-surge",
        "cg-elasticity-daily-cycle",
        "cg-placement",
    ]
    assert not re.search(r'id="[0-9a-f]{8}-[0-9a-f]{4}-', html)


def test_report_escapes_user_text() -> None:
    evil = '<script>alert("cloudgeo")</script>'
    sites = pd.DataFrame(
        {"name": [evil, "Frankfurt"], "lat": [38.9, 50.1], "lon": [-77.0, 8.7]},
        index=pd.Index(["evil-1", "eu-central-1"], name="code"),
    )
    out = report.build_report(regions=sites, as_of=AS_OF, title=f"Report {evil}")
    assert evil not in out
    assert "&lt;script&gt;alert(&quot;cloudgeo&quot;)&lt;/script&gt;" in out


def test_write_report_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sub" / "r.html"
    code = main(["report", "--out", str(out), "--as-of", AS_OF, "--regions", "us-east-1", "eu-central-1"])
    assert code == 0
    printed = capsys.readouterr().out.strip()
    assert Path(printed) == out.resolve()
    text = out.read_text(encoding="utf-8")
    assert "eu-central-1" in text
    assert "us-east-1 (US East (N. Virginia))" in text


def test_cli_default_out_is_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--as-of", AS_OF]) == 0
    assert Path(capsys.readouterr().out.strip()) == (tmp_path / "cloudgeo-report.html").resolve()


def test_cli_figures_dir_exports_each_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cloudgeo import plotting

    calls: list[tuple[str, str]] = []

    def fake_export(
        figures: dict[str, object], folder: object, *, format: str = "png", **kw: object
    ) -> dict[str, Path]:
        calls.extend((name, format) for name in figures)
        return {name: Path(str(folder)) / f"{name}.{format}" for name in figures}

    monkeypatch.setattr(plotting, "export_figures", fake_export)
    figs = ["--figures-dir", str(tmp_path / "figs"), "--format", "svg"]
    code = main(["report", "--out", str(tmp_path / "r.html"), "--as-of", AS_OF, *figs])
    assert code == 0
    assert [c[0] for c in calls] == [
        "infrastructure",
        "footprint-growth",
        "latency-cdf",
        "latency-map",
        "durability",
        "ebs-volumes",
        "availability",
        "price-classes",
        "hit-ratio",
        "elasticity-surge",
        "elasticity-daily-cycle",
        "placement",
    ]
    assert {c[1] for c in calls} == {"svg"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--regions", "us-east-l"], r"unknown region code 'us-east-l'.*us-east-1"),
        (["report", "--as-of", "2019-13-45"], r"as_of must be a date in ISO format"),
        (["report", "--format", "svg"], r"--format needs --figures-dir"),
        (["report", "--figures-dir", "x", "--format", "gif"], r"invalid choice: 'gif'"),
        # a valid code that opened after --as-of: say when it opened (not "did you mean")
        (
            ["report", "--as-of", "2019-12-31", "--regions", "af-south-1"],
            r"region 'af-south-1' opened on 2020-04-22; as_of=2019-12-31 is before that",
        ),
    ],
)
def test_cli_bad_input_exit_2(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert re.search(message, err), err
    assert not (tmp_path / "r.html").exists()


def test_cli_unwritable_out_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["report", "--as-of", AS_OF, "--out", str(blocker / "r.html")]) == 2
    assert "cannot write the report to" in capsys.readouterr().err


def test_build_report_errors() -> None:
    with pytest.raises(UnknownRegionError, match=r"unknown region code 'mars-1'"):
        report.build_report(regions=("mars-1",), as_of=AS_OF)
    with pytest.raises(InvalidInputError, match=r"regions is empty"):
        report.build_report(regions=(), as_of=AS_OF)
    with pytest.raises(InvalidTypeError, match=r"regions must be a sequence of region codes or a DataFrame"):
        report.build_report(regions="us-east-1", as_of=AS_OF)
    with pytest.raises(InvalidInputError, match=r"regions frame is missing column\(s\) lon"):
        report.build_report(regions=pd.DataFrame({"lat": [1.0]}, index=["x"]), as_of=AS_OF)
    with pytest.raises(InvalidInputError, match=r"regions frame is empty"):
        report.build_report(regions=pd.DataFrame({"lat": [], "lon": []}), as_of=AS_OF)
    with pytest.raises(CatalogDateError, match=r"then must be a date in ISO format"):
        report.build_report(then="last year", as_of=AS_OF)
    with pytest.raises(InvalidInputError, match=r"placement_k must be >= 1"):
        report.build_report(placement_k=0, as_of=AS_OF)
    with pytest.raises(InvalidInputError, match=r"format must be one of 'png', 'svg'; got 'gif'"):
        report.write_report("x.html", format="gif")
    with pytest.raises(InvalidTypeError, match=r"path must be a str or os.PathLike file path, got int: 5"):
        report.write_report(5)  # type: ignore[arg-type]
    with pytest.raises(
        InvalidTypeError, match=r"figures_dir must be a str or os.PathLike file path, got list: \[\]"
    ):
        report.write_report("x.html", figures_dir=[])  # type: ignore[arg-type]


def test_report_subprocess_offline(tmp_path: Path) -> None:
    # conftest puts tests/netblock on PYTHONPATH: any outbound connection would raise
    out = tmp_path / "offline.html"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    assert "netblock" in env["PYTHONPATH"]
    proc = subprocess.run(
        [sys.executable, "-m", "cloudgeo", "report", "--out", str(out), "--as-of", AS_OF],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()) == out.resolve()
    assert "network blocked" not in proc.stderr
    size = out.stat().st_size
    print(f"report size: {size / 1e6:.2f} MB ({size:,} bytes)")
    assert 1_000_000 < size < 3_000_000  # plotly.js (partial bundle) inline, under 3 MB


def test_every_report_figure_uses_only_bundled_trace_types() -> None:
    import json

    from plotly.offline import get_plotlyjs_version

    meta = json.loads((ROOT / "data" / "plotlyjs" / "VERSION.json").read_text(encoding="utf-8"))
    assert meta["plotlyjs_version"] == get_plotlyjs_version()  # rebuild the bundle when plotly moves
    bundled = report.bundled_trace_types()
    assert bundled == set(meta["traces"])
    figures = report.report_figures(as_of=AS_OF)
    used = {str(t.type) for fig in figures.values() for t in fig.data}
    assert used, "the report draws no traces"
    assert used <= bundled, f"trace types missing from data/plotlyjs: {sorted(used - bundled)}"


def test_bundle_checksum_matches_version_json() -> None:
    import hashlib
    import json

    folder = ROOT / "data" / "plotlyjs"
    meta = json.loads((folder / "VERSION.json").read_text(encoding="utf-8"))
    bundle = (folder / meta["file"]).read_bytes()
    assert hashlib.sha256(bundle).hexdigest() == meta["sha256"]
    assert b"cloudgeo partial bundle of plotly.js v" + meta["plotlyjs_version"].encode() in bundle[:200]
    assert "MIT License" in (folder / "LICENSE.plotly.js").read_text(encoding="utf-8")


def test_report_falls_back_to_full_plotlyjs_for_unbundled_traces() -> None:
    import plotly.graph_objects as go

    section = report._Section("x", "x")
    section.figures["cg-x"] = go.Figure(go.Heatmap(z=[[1, 2], [3, 4]]))
    assert len(report._plotlyjs([section])) > 3_000_000  # the full plotly.js
    section.figures["cg-x"] = go.Figure(go.Bar(x=[1], y=[2]))
    assert len(report._plotlyjs([section])) < 2_000_000


def test_report_tables_use_reader_labels_and_formats(html: str) -> None:
    text = _text(html)
    for raw in (
        "mean_ms",
        "downtime_per_year_text",
        "single_points_of_failure",
        "share_within_",
        "distance_km",
    ):
        assert raw not in text, raw
    for label in ("mean RTT [ms]", "users within 50 ms [%]", "downtime a year", "single points of failure"):
        assert label in text, label
    assert not re.search(r"\b\d\.\d{5}\b", text.split("Availability of the four")[1].split("What each")[0])
    assert report._column_label("direct_ttfb_ms") == "direct ttfb [ms]"
    assert report._column_label("share_within_150_ms") == "users within 150 ms [%]"


def test_report_says_which_question_each_philippines_number_answers(html: str) -> None:
    text = _text(html)
    assert "how far is the nearest region?" in text
    assert "single instance in Singapore (ap-southeast-1)" in text
    assert "multi_az(az_count=3)" in text


def test_price_class_takeaway_comes_from_the_numbers(html: str) -> None:
    text = _text(html)
    assert "PriceClass_100 is enough for Europe, North America" in text
    assert "served by the lowest-latency edge inside it" in text
    classes = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
    table = pd.DataFrame(
        {"PriceClass_100": [90.0, 351.6], "PriceClass_200": [90.5, 391.7], "PriceClass_All": [90.0, 391.7]},
        index=pd.Index(["Europe", "Ocean <b>"], name="group"),
    )
    said = report._price_class_takeaway(table, classes)
    assert said.startswith("PriceClass_100 is enough for Europe, Ocean &lt;b&gt;")
    assert "PriceClass_200 +40.1 ms over PriceClass_100" in said
    assert "Europe (PriceClass_200 +0.5 ms over PriceClass_100)" in said  # small, still said
    assert "lowest latency to the viewer" in said
    plain = report._price_class_takeaway(
        table.assign(PriceClass_200=[89.0, 300.0], PriceClass_All=[88.0, 200.0]), classes
    )
    assert plain == (
        "Europe gain from PriceClass_200; Ocean &lt;b&gt; gain from PriceClass_All "
        "(within 1 ms of the fastest class)."
    )


def test_report_latency_by_country_group_and_access_term(html: str) -> None:
    # issue 15: the share of users within 20/50/100 ms by country group, and the access term
    text = _text(html)
    assert "The access term is the last-mile round trip" in text
    assert "RIPE Atlas" in text
    assert "country group (continent)" in text
    for t in (20, 50, 100):
        assert f"CloudFront: within {t} ms [%]" in text
    for group in ("Africa", "Asia", "Europe", "North America", "Oceania", "South America"):
        assert group in text
    # with per-country access, some users are within 20 ms of an edge (was 0.0 % everywhere)
    row = re.search(r"Europe (\d+\.\d) ((?:\d+\.\d ){9})", text)
    assert row is not None
    shares = [float(x) for x in row.group(2).split()]
    assert shares[6] > 0.0  # CloudFront, within 20 ms
    assert shares[6] <= shares[7] <= shares[8] <= 100.0


def test_infrastructure_quotes_aws_headline_edge_figures_beside_the_list() -> None:
    # issue 14: nobody may take the 638 listed PoPs for the whole network
    import datetime as dt

    from cloudgeo import catalog

    sec = report._infrastructure_section(catalog.catalog_date(), dt.date(2019, 12, 31))
    text = _text("<body>" + " ".join(sec.paragraphs))
    assert "2025-05-04: 638 PoPs in 107 cities" in text
    assert "750+ PoPs in 440+ cities" in text
    assert "1,140+ embedded PoPs" in text
    assert "AWS News Blog, 2025-11-17" in text
    before = report._infrastructure_section(dt.date(2025, 6, 30), dt.date(2019, 12, 31))
    assert "750+" not in " ".join(before.paragraphs)  # not quoted before AWS stated it
