"""The test run itself cannot reach the network (issue 8: no network, anywhere)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest


def test_outbound_connection_is_blocked_in_process() -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(OSError, match="network blocked"):
            s.connect(("93.184.216.34", 80))
    finally:
        s.close()


def test_name_lookup_is_blocked_in_process() -> None:
    with pytest.raises(OSError, match="network blocked"):
        socket.getaddrinfo("cdn.plot.ly", 443)


def test_loopback_is_allowed() -> None:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        cli.connect(srv.getsockname())
    finally:
        cli.close()
        srv.close()


def test_subprocesses_inherit_the_guard() -> None:
    code = (
        "import socket\n"
        "s = socket.socket()\n"
        "try:\n"
        "    s.connect(('8.8.8.8', 53))\n"
        "except OSError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy(), check=True
    )
    assert "network blocked" in out.stdout
