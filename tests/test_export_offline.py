"""Static export never phones home: Chromium starts with the offline flags (issue 17).

Three proofs: the launcher kaleido is given puts :data:`CHROMIUM_OFFLINE_FLAGS` before
kaleido's own; an export traced with ``strace -f`` connects and sends to nothing but loopback,
Unix and netlink sockets; an export in a network namespace with no network at all
(``unshare -rn``) still writes its image.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cloudgeo.plotting import offline

REPO = Path(__file__).resolve().parents[1]
REQUIRE_BROWSER = os.environ.get("CLOUDGEO_REQUIRE_BROWSER", "") == "1"

EXPORT = (
    "import sys; import pandas as pd; import plotly.graph_objects as go\n"
    "from cloudgeo import plotting\n"
    "fig = go.Figure(go.Scattergeo(lat=[48.1], lon=[11.6], mode='markers'))\n"
    "fig.update_layout(geo=plotting.world_geo_layout(), width=400, height=200)\n"
    "plotting.export_figure(fig, sys.argv[1])\n"
)

# Chromium's host resolver asks the kernel for a route to a public IPv6 address (a UDP
# connect(), which sends no packet) to learn whether IPv6 is reachable; no flag turns it off.
_ROUTE_PROBE = re.compile(r'AF_INET6, sin6_port=htons\(443\).*"2001:4860:4860::8888"')
_LOOPBACK = re.compile(r'inet_addr\("127\.|"::1"')


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        reason = f"{name} is not installed (apt-get install -y {name}) - export network test skipped"
        if REQUIRE_BROWSER:
            pytest.fail("CLOUDGEO_REQUIRE_BROWSER=1 but " + reason)
        pytest.skip(reason)
    return found


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


def test_launcher_puts_the_offline_flags_first(tmp_path: Path) -> None:
    browser = tmp_path / "my chrome"
    browser.write_text('#!/bin/sh\necho "$@"\n', encoding="utf-8")
    browser.chmod(0o700)
    launcher = offline.chromium_launcher(str(browser))
    assert offline.chromium_launcher(str(browser)) == launcher  # one per browser and process
    out = subprocess.run([launcher, "--kaleido-flag"], capture_output=True, text=True, check=True).stdout
    assert out.split() == [*" ".join(offline.CHROMIUM_OFFLINE_FLAGS).split(), "--kaleido-flag"]
    for flag in ("--disable-background-networking", "--disable-component-update", "--disable-sync"):
        assert flag in offline.CHROMIUM_OFFLINE_FLAGS
    assert "--metrics-recording-only" in offline.CHROMIUM_OFFLINE_FLAGS


def test_export_under_strace_reaches_no_network(chromium: str, tmp_path: Path) -> None:
    strace = _tool("strace")
    log = tmp_path / "strace.log"
    out = tmp_path / "map.png"
    cmd = [strace, "-f", "-qq", "-e", "trace=connect,sendto,sendmsg,sendmmsg", "-o", str(log)]
    subprocess.run([*cmd, sys.executable, "-c", EXPORT, str(out)], env=_env(), check=True, timeout=600)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    calls = [line for line in log.read_text(errors="replace").splitlines() if "(" in line]
    assert [c for c in calls if "AF_UNIX" in c], "strace saw no socket calls at all: the trace did not work"
    # every call with an internet address (connect, or a send with a destination) is local
    inet = [c for c in calls if "AF_INET" in c]
    assert [c for c in inet if not _LOOPBACK.search(c) and not _ROUTE_PROBE.search(c)] == []
    assert [c for c in inet if "htons(53)" in c] == []  # no DNS query, not even to a local resolver


def test_export_works_without_any_network(chromium: str, tmp_path: Path) -> None:
    unshare = _tool("unshare")
    probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"unshare -rn is not permitted here ({probe.stderr.decode(errors='replace').strip()})")
    out = tmp_path / "map.png"
    subprocess.run(
        [unshare, "-rn", sys.executable, "-c", EXPORT, str(out)], env=_env(), check=True, timeout=600
    )
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
