"""Static export never phones home (issue 17): kaleido's Chromium starts with background
networking, component updates, sync, metrics and name resolution switched off, and without
MathJax from a CDN. Proved twice: an export inside a network namespace with no interface but
loopback (``unshare -n``), and an export under ``strace -f -e trace=connect`` that fails on any
connect outside loopback and Unix sockets.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cloudgeo
from cloudgeo import _offline, plotting

REQUIRE_BROWSER = os.environ.get("CLOUDGEO_REQUIRE_BROWSER", "") == "1"
ROOT = Path(cloudgeo.__file__).resolve().parents[1]

#: Chromium's IPv6 route check (net/dns/host_resolver_manager.cc, kIPv6ProbeAddress): a UDP
#: socket connect()ed to a public address only to read back the local address the kernel would
#: route from. It sends no datagram; in a namespace without a route it fails harmlessly (the
#: unshare test below). No switch of Chromium 156 turns it off, so it is the one exception.
IPV6_ROUTE_PROBE = ("AF_INET6", "2001:4860:4860::8888", 443)

_EXPORT = """
import sys
import plotly.graph_objects as go
from cloudgeo import plotting
fig = go.Figure(go.Scattergeo(lat=[48.86], lon=[2.35], mode="markers"))
fig.update_layout(geo=plotting.world_geo_layout(), width=400, height=250, title="Paris")
out = plotting.export_figure(fig, sys.argv[1])
print(out.stat().st_size)
"""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is not installed (apt-get install -y {name}; .ci/run installs it)"
        if REQUIRE_BROWSER:
            pytest.fail("CLOUDGEO_REQUIRE_BROWSER=1 but " + reason)
        pytest.skip(reason)
    return path


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def test_export_starts_chromium_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # without a browser: the options handed to kaleido carry the switches and no MathJax CDN
    seen: dict[str, Any] = {}

    def fake_calc(fig: object, **kwargs: Any) -> bytes:
        seen.update(kwargs)
        return b"\x89PNG fake"

    kaleido = pytest.importorskip("kaleido")
    monkeypatch.setattr(kaleido, "calc_fig_sync", fake_calc)
    monkeypatch.setattr(_offline, "_server_running", lambda _k: False)
    monkeypatch.setenv("BROWSER_PATH", sys.executable)
    import plotly.graph_objects as go

    plotting.export_figure(go.Figure(go.Bar(y=[1])), tmp_path / "a.png")
    kopts = seen["kopts"]
    assert kopts["mathjax"] is False
    assert kopts["path"] == sys.executable
    flags = _offline.BROWSER_OFFLINE_FLAGS
    for flag in ("--disable-background-networking", "--disable-component-update", "--disable-sync"):
        assert flag in flags
    assert "--metrics-recording-only" in flags
    assert any(f.startswith("--host-resolver-rules=MAP * ~NOTFOUND") for f in flags)
    cls = kopts["browser_cls"]
    assert cls.get_cli.__qualname__.endswith("_OfflineChromium.get_cli")


@pytest.mark.browser
def test_export_works_with_no_network_at_all(chromium: str, tmp_path: Path) -> None:
    unshare = _tool("unshare")
    probe = subprocess.run([unshare, "-n", "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"unshare -n is not permitted here (needs CAP_SYS_ADMIN): {probe.stderr.strip()}")
    out = tmp_path / "paris.png"
    run = subprocess.run(
        [unshare, "-n", sys.executable, "-c", _EXPORT, str(out)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 5_000  # the base map is drawn, not a blank image


_CONNECT = re.compile(r"connect\(\d+, \{sa_family=(AF_\w+)(.*?)\}")
_PORT = re.compile(r"sin6?_port=htons\((\d+)\)")
_ADDR = re.compile(r'inet_(?:addr|pton)\((?:AF_INET6, )?"([^"]+)"')


def _outside_connects(trace: str) -> list[str]:
    bad = []
    for line in trace.splitlines():
        m = _CONNECT.search(line)
        if m is None:
            continue
        family, rest = m.group(1), m.group(2)
        if family in ("AF_UNIX", "AF_LOCAL", "AF_NETLINK"):
            continue
        addr = _ADDR.search(rest)
        port = _PORT.search(rest)
        host = addr.group(1) if addr else "?"
        if host.startswith("127.") or host in ("::1", "::ffff:127.0.0.1"):
            continue
        if (family, host, int(port.group(1)) if port else -1) == IPV6_ROUTE_PROBE:
            continue
        bad.append(line.strip())
    return bad


def test_trace_parser_flags_what_it_must() -> None:
    trace = "\n".join(
        [
            '1 connect(3, {sa_family=AF_UNIX, sun_path="/tmp/x"}, 110) = 0',
            '1 connect(4, {sa_family=AF_INET, sin_port=htons(9222), '
            'sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
            '1 connect(5, {sa_family=AF_INET, sin_port=htons(53), '
            'sin_addr=inet_addr("10.255.255.53")}, 16) = 0',
            '1 connect(6, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
            'inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0',
            '1 connect(7, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), '
            'inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0',
            '1 connect(8, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("142.250.1.1")}, 16 '
            "<unfinished ...>",
        ]
    )
    assert [b.split("(")[1].split(",")[0] for b in _outside_connects(trace)] == ["5", "7", "8"]


@pytest.mark.browser
def test_export_connects_nowhere_but_loopback(chromium: str, tmp_path: Path) -> None:
    strace = _tool("strace")
    log = tmp_path / "connect.log"
    out = tmp_path / "paris.png"
    cmd = [strace, "-f", "-qq", "-e", "trace=connect", "-e", "signal=none", "-o", str(log)]
    run = subprocess.run(
        [*cmd, sys.executable, "-c", _EXPORT, str(out)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=240,
        check=False,
    )
    if run.returncode != 0 and "PTRACE" in run.stderr.upper():
        pytest.skip(f"strace cannot trace here: {run.stderr.strip()[:200]}")
    assert run.returncode == 0, run.stderr[-3000:]
    assert out.stat().st_size > 5_000
    trace = log.read_text(encoding="utf-8", errors="replace")
    assert "connect(" in trace  # the trace did record the browser's (Unix-socket) connects
    bad = _outside_connects(trace)
    assert bad == [], f"{len(bad)} connect(s) outside loopback/Unix sockets:\n" + "\n".join(bad[:20])
