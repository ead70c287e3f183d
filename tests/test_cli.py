"""Tests of the cloudgeo command line (cloudgeo.cli.main)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cloudgeo.cli import main


def test_regions_csv_as_of_2019(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regions", "--as-of", "2019-12-31", "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(df) == 22


def test_regions_partition_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regions", "--partition", "aws-cn", "--partition", "aws-us-gov"]) == 0
    out = capsys.readouterr().out
    assert "cn-north-1" in out
    assert "us-gov-west-1" in out
    assert "us-east-1 " not in out


def test_regions_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regions", "--format", "json", "--partition", "aws"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 34
    assert rows[0]["region"] == rows[0]["code"]


def test_edges(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["edges", "--as-of", "2019-12-31", "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(df) == 78
    assert df["pops"].sum() == 199
    assert main(["edges"]) == 0
    assert "BCN" in capsys.readouterr().out


def test_lookup_edge(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup-edge", "IAD12", "FRA56-C1", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in rows] == ["IAD12", "FRA56-C1"]
    assert rows[0]["city"] == "Washington"
    assert main(["lookup-edge", "IAD12"]) == 0
    assert "Washington" in capsys.readouterr().out


def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup-edge", "NOPE"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("cloudgeo: error: malformed edge-location code(s) ['NOPE']")
    assert main(["regions", "--as-of", "2001-01-01"]) == 2
    assert "before the first AWS region opened" in capsys.readouterr().err
    assert main(["edges", "--as-of", "12/31/2019"]) == 2
    assert "as_of must be a date in ISO format" in capsys.readouterr().err
    assert main(["regions", "--partition", "aws-gov"]) == 2
    assert "unknown partition 'aws-gov'. Did you mean 'aws-us-gov'" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "the following arguments are required: COMMAND (see cloudgeo --help)" in capsys.readouterr().err
    assert main(["regions", "--format", "xml"]) == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for cmd in ("regions", "edges", "lookup-edge"):
        assert cmd in out


def test_python_dash_m() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "cloudgeo", "lookup-edge", "IAD12", "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "Washington" in out.stdout


def test_check_against_installed_botocore(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("botocore 1.44.5 (")
    assert "no differences" in out


def test_check_reports_differences_and_bad_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = {"partitions": [{"id": "aws", "regions": {"us-east-1": {"description": "US East (Virginia)"}}}]}
    (tmp_path / "partitions.json").write_text(json.dumps(doc))
    assert main(["check", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for word in ("difference(s)", "name_differs", "not_in_botocore"):
        assert word in out
    assert main(["check", "--data-dir", str(tmp_path), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("code,partition,kind")
    assert main(["check", "--data-dir", str(tmp_path / "nope")]) == 2
    assert "partitions.json" in capsys.readouterr().err


def test_regions_table_says_what_it_leaves_out(capsys: pytest.CaptureFixture[str]) -> None:
    # issue 14/18: announced regions are left out by default and the table says how to include
    # them; the footer explains 39 open regions against the 42 codes of the region table
    assert main(["regions"]) == 0
    out = capsys.readouterr().out
    assert "39 regions open on the date asked." in out
    assert "2 announced but not open yet (me-west-1, sa-west-1); --include-announced lists them" in out
    assert "us-south-1" in out
    assert "42 codes" in out
    assert "\nme-west-1 " not in out
    assert main(["regions", "--include-announced"]) == 0
    out = capsys.readouterr().out
    assert "\nme-west-1 " in out
    assert "Left out" not in out
    assert main(["regions", "--include-announced", "--format", "csv"]) == 0
    csv = capsys.readouterr().out
    assert len(csv.strip().splitlines()) == 1 + 41
