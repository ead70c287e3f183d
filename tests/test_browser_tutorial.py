"""A tutorial notebook draws its maps offline in JupyterLab (real chromium, no network).

Reuses the browser and JupyterLab fixtures of ``test_browser.py``: the tutorial is copied into
the served folder, run cell by cell through the JupyterLab UI, and its maps must draw land and
markers while every request off the machine is aborted and recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from test_browser import (  # noqa: F401
    MAP_STATE_JS,
    _guarded_page,
    _screenshot,
    browser,
    jupyter_lab,
    run_notebook_until_maps,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TUTORIAL = Path(__file__).resolve().parents[1] / "notebooks" / "01_global_infrastructure.ipynb"


def test_tutorial_maps_draw_offline_in_jupyterlab(browser: Any, jupyter_lab: str, tmp_path: Path) -> None:  # noqa: F811
    # as a reader runs it: stored outputs cleared (untrusted stored outputs never run scripts, so
    # their maps would wait for the first run), then every cell run through the UI
    nb = nbformat.read(TUTORIAL, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, tmp_path / "notebooks" / TUTORIAL.name)
    blocked: list[str] = []
    page = _guarded_page(browser, blocked, height=6000)
    page.set_default_timeout(90_000)
    run_notebook_until_maps(page, f"{jupyter_lab}/lab/tree/{TUTORIAL.name}?reset")
    state = page.evaluate(MAP_STATE_JS)
    geo_without_land = page.evaluate(
        "() => [...document.querySelectorAll('.geo')]"
        ".filter(g => !g.querySelector('.layer.land path')).length"
    )
    errors = page.evaluate(
        "() => [...document.querySelectorAll("
        "'.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"]')]"
        ".map(e => e.textContent)"
    )
    _screenshot(page, tmp_path, "tutorial_01.png")
    assert errors == [], errors
    assert state["plots"] >= 2
    assert state["points"] > 0
    assert geo_without_land == 0
    assert blocked == [], f"the tutorial tried to reach the network: {blocked[:5]}"
