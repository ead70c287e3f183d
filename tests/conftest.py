"""Test-wide setup: no network, offline plotly maps, browser requirement."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

NETBLOCK_DIR = Path(__file__).parent / "netblock"

# Outbound sockets are blocked for this process and, through PYTHONPATH, for every Python
# subprocess the tests start (nbval kernels, the report CLI, the wheel venv).
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(NETBLOCK_DIR), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
)
if "cloudgeo_netblock" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("cloudgeo_netblock", NETBLOCK_DIR / "sitecustomize.py")
    assert _spec is not None
    assert _spec.loader is not None
    _mod = importlib.util.module_from_spec(_spec)
    sys.modules["cloudgeo_netblock"] = _mod
    _spec.loader.exec_module(_mod)  # installs the socket guard in this process

REQUIRE_BROWSER = os.environ.get("CLOUDGEO_REQUIRE_BROWSER", "") == "1"


def chromium_path() -> str | None:
    """Return the chromium executable, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture
def chromium() -> str:
    """Path of a chromium binary; skip (or fail when CLOUDGEO_REQUIRE_BROWSER=1) without one."""
    path = chromium_path()
    if path is None:
        reason = "chromium is not installed (apt-get install -y chromium) - browser test skipped"
        if REQUIRE_BROWSER:
            pytest.fail("CLOUDGEO_REQUIRE_BROWSER=1 but " + reason)
        pytest.skip(reason)
    return path
