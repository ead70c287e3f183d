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
    assert len(html) > 4_000_000  # plotly.js inline


def test_report_div_ids_are_fixed(html: str) -> None:
    ids = re.findall(r'<div id="(cg-[a-z-]+)" class="plotly-graph-div"', html)
    assert ids == [
        "cg-infrastructure",
        "cg-footprint-growth",
        "cg-latency-cdf",
        "cg-latency-map",
        "cg-durability",
        "cg-availability",
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
        "availability",
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
    assert out.stat().st_size > 4_000_000
