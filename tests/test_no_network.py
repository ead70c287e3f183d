"""No network, anywhere (issue 8): cloudgeo never even attempts a non-loopback connection.

The guard in ``tests/netblock/sitecustomize.py`` refuses outbound connections and name lookups;
with ``CLOUDGEO_NETLOG=<file>`` it also appends every refused attempt to that file, so a library
that caught the refusal and carried on would still be caught here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NETBLOCK = REPO / "tests" / "netblock"


def _guarded_env(log: Path) -> dict[str, str]:
    paths = [str(NETBLOCK), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "CLOUDGEO_NETLOG": str(log)}


def _attempts(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_netlog_records_refused_attempts(tmp_path: Path) -> None:
    """The log works: a subprocess that tries to connect out and to resolve a name is recorded."""
    log = tmp_path / "net.log"
    code = (
        "import socket\n"
        "for attempt in (lambda: socket.socket().connect(('203.0.113.7', 443)),\n"
        "                lambda: socket.getaddrinfo('aws.amazon.com', 443)):\n"
        "    try:\n"
        "        attempt()\n"
        "    except OSError as exc:\n"
        "        print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=_guarded_env(log), capture_output=True, text=True, check=True
    )
    assert out.stdout.count("network blocked") == 2
    lines = _attempts(log)
    assert len(lines) == 2
    assert "203.0.113.7" in lines[0]
    assert "aws.amazon.com" in lines[1]


def test_guard_is_active_in_subprocesses(tmp_path: Path) -> None:
    code = "import socket; print(socket.socket.connect.__module__, socket.getaddrinfo.__module__)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=_guarded_env(tmp_path / "net.log"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["sitecustomize", "sitecustomize"]


@pytest.mark.slow
def test_report_cli_runs_offline_and_never_tries_the_network(tmp_path: Path) -> None:
    log = tmp_path / "net.log"
    report = tmp_path / "out" / "report.html"
    report.parent.mkdir()
    env = _guarded_env(log)
    imported = subprocess.run(
        [sys.executable, "-c", "import cloudgeo; import cloudgeo.catalog; print(cloudgeo.__version__)"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert imported.returncode == 0, imported.stderr
    out = subprocess.run(
        [sys.executable, "-m", "cloudgeo", "report", "--out", str(report)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert report.is_file()
    assert report.stat().st_size > 100_000
    assert str(report) in out.stdout
    assert _attempts(log) == [], f"network attempted: {_attempts(log)}"
    html = report.read_text(encoding="utf-8")
    # the page itself loads nothing from the network: no external script, stylesheet or topojson
    assert '<script src="http' not in html
    assert 'rel="stylesheet" href="http' not in html
    assert "cdn.plot.ly" not in html.split("<script", 1)[0]


def test_library_calls_in_process_never_attempt_the_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exercise loaders, lookups, models and figures with the in-process guard logging attempts."""
    log = tmp_path / "net.log"
    monkeypatch.setenv("CLOUDGEO_NETLOG", str(log))
    assert socket.socket.connect.__module__ in {"cloudgeo_netblock", "sitecustomize"}

    import cloudgeo
    from cloudgeo import availability, catalog, durability, latency, plotting, population

    catalog.load_regions(as_of="2019-12-31")
    catalog.load_edge_locations()
    catalog.load_regional_edge_caches()
    catalog.load_storage_classes()
    catalog.load_slas()
    # a code missing from the shipped lists falls back to airportsdata (offline data)
    catalog.lookup_edge_location(["IAD12", "MNL50", "ZRH50"])
    population.load_world_cities(min_population=1_000_000)
    users = population.country_weights({"PH": 1.0, "SG": 1.0})
    sites = catalog.load_regions().loc[["ap-southeast-1", "us-east-1"]]
    latency.user_latency(users, sites)
    cloudgeo.rtt_ms((14.6, 121.0), (1.35, 103.8))
    durability.expected_losses(objects=10_000_000, storage_class="s3-standard", years=10_000)
    availability.multi_az()
    plotting.enable_offline_maps()
    html = plotting.to_offline_html(plotting.plot_infrastructure_map(as_of="2019-12-31"))
    assert "<html" in html
    assert _attempts(log) == [], f"network attempted: {_attempts(log)}"
