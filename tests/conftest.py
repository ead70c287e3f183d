"""Shared fixtures: the chromium requirement for browser and export tests.

The network guard is installed by the repository's top-level ``conftest.py``.
"""

from __future__ import annotations

import os
import shutil

import pytest

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
