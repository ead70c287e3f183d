"""Real-browser tests: the offline report and an explorer in JupyterLab, in headless Debian chromium.

Playwright's Python package drives the system chromium (``executable_path=``); never run
``playwright install``. Skipped without chromium unless ``CLOUDGEO_REQUIRE_BROWSER=1``.
Every request the page makes to a host other than the loopback JupyterLab is aborted and
recorded, so a map that silently fetched its base map from cdn.plot.ly would fail here.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = Path(__file__).parent / "browser_notebooks"
SCREENSHOTS = os.environ.get("CLOUDGEO_SCREENSHOT_DIR")  # keep screenshots here when set

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]

# DOM facts of a drawn plotly map: land paths from the topojson and the marker points
MAP_STATE_JS = """() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  return {
    plots: plots.length,
    land: document.querySelectorAll('.layer.land path').length,
    points: document.querySelectorAll('.scattergeo .point').length,
  };
}"""


def _sync_playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the environment
        if os.environ.get("CLOUDGEO_REQUIRE_BROWSER") == "1":
            pytest.fail("CLOUDGEO_REQUIRE_BROWSER=1 but the playwright package is not installed")
        pytest.skip("the playwright Python package is not installed (pip install playwright)")
    return sync_playwright


@pytest.fixture
def browser(chromium: str) -> Iterator[Any]:
    sync_playwright = _sync_playwright()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _guarded_page(browser: Any, blocked: list[str], *, height: int = 1400) -> Any:
    """A page whose requests to anything but file:// and the loopback are aborted and recorded."""
    context = browser.new_context(viewport={"width": 1200, "height": height})

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:", "http://127.0.0.1", "ws://127.0.0.1")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    return context.new_page()


def _screenshot(page: Any, tmp_path: Path, name: str) -> Path:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    return path


# --------------------------------------------------------------------------------------------
# the offline report, opened from disk


def test_report_maps_draw_offline_in_chromium(browser: Any, tmp_path: Path) -> None:
    from cloudgeo.report import write_report

    report = write_report(tmp_path / "report.html")
    blocked: list[str] = []
    errors: list[str] = []
    page = _guarded_page(browser, blocked, height=1000)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(report.as_uri())
    page.wait_for_function(
        "() => document.querySelectorAll('.layer.land path').length > 0"
        " && document.querySelectorAll('.scattergeo .point').length > 0",
        timeout=30_000,
    )
    state = page.evaluate(MAP_STATE_JS)
    n_divs = page.evaluate("() => document.querySelectorAll('div.plotly-graph-div').length")
    shot = _screenshot(page, tmp_path, "report.png")
    assert state["plots"] == n_divs >= 5, state
    assert state["land"] > 0
    assert state["points"] > 0
    # every geo subplot drew land (one land layer per map)
    geo_without_land = page.evaluate(
        "() => [...document.querySelectorAll('.geo')]"
        ".filter(g => !g.querySelector('.layer.land path')).length"
    )
    assert geo_without_land == 0
    assert blocked == [], f"the report tried to reach the network: {blocked[:5]}"
    assert errors == [], errors
    assert shot.stat().st_size > 50_000


SECTION_STATE_JS = """(id) => {
  const sec = document.getElementById(id);
  const divs = [...sec.querySelectorAll('div.plotly-graph-div')];
  return divs.map(d => ({
    id: d.id,
    drawn: d.querySelector('.main-svg') !== null,
    traces: d.querySelectorAll('.scatterlayer .trace, .barlayer .trace').length,
    paths: d.querySelectorAll('.scatterlayer .js-line, .barlayer .point path').length,
  }));
}"""


def test_report_volume_and_elasticity_sections_draw_offline(browser: Any, tmp_path: Path) -> None:
    from cloudgeo.report import write_report

    report = write_report(tmp_path / "report.html")
    size_mb = report.stat().st_size / 1e6
    print(f"report size: {size_mb:.2f} MB ({report.stat().st_size:,} bytes)")
    assert size_mb < 3.0
    blocked: list[str] = []
    errors: list[str] = []
    page = _guarded_page(browser, blocked, height=1000)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(report.as_uri())
    page.wait_for_function(
        "() => [...document.querySelectorAll("
        "'#volume div.plotly-graph-div, #elasticity div.plotly-graph-div')]"
        ".every(d => d.querySelector('.main-svg'))",
        timeout=30_000,
    )
    expected = {
        "volume": {"cg-price-classes", "cg-hit-ratio"},
        "elasticity": {"cg-elasticity-surge", "cg-elasticity-daily-cycle"},
    }
    for section, ids in expected.items():
        state = page.evaluate(SECTION_STATE_JS, section)
        assert {d["id"] for d in state} == ids, state
        for div in state:
            assert div["drawn"], div
            assert div["traces"] >= 2, div
            assert div["paths"] >= 2, div
        shot = page.locator(f"#{section}").screenshot(path=str(_shot_path(tmp_path, f"report-{section}.png")))
        assert len(shot) > 20_000
    # the price-class chart: one bar group per continent, four bars each (direct + 3 classes)
    bars = page.evaluate("() => document.querySelectorAll('#cg-price-classes .barlayer .point').length")
    assert bars >= 4 * 5, bars
    # the elasticity charts: three policies, each with capacity, instances and utilisation lines
    lines = page.evaluate(
        "() => document.querySelectorAll('#cg-elasticity-surge .scatterlayer .js-line').length"
    )
    assert lines >= 1 + 3 * 3, lines
    # a screenshot of every section (kept in CLOUDGEO_SCREENSHOT_DIR when set, for review)
    anchors = page.evaluate("() => [...document.querySelectorAll('section[id]')].map(s => s.id)")
    assert {"volume", "elasticity"} <= set(anchors)
    for anchor in anchors:
        if anchor not in expected:
            page.locator(f"#{anchor}").screenshot(path=str(_shot_path(tmp_path, f"report-{anchor}.png")))
    assert blocked == [], f"the report tried to reach the network: {blocked[:5]}"
    assert errors == [], errors


def _shot_path(tmp_path: Path, name: str) -> Path:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


# --------------------------------------------------------------------------------------------
# an explorer in JupyterLab


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout_s: float = 60.0) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with opener.open(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"jupyter lab did not answer {url} within {timeout_s} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def jupyter_lab(tmp_path: Path) -> Iterator[str]:
    """A JupyterLab server on 127.0.0.1 serving a copy of tests/browser_notebooks; yields its URL."""
    pytest.importorskip("jupyterlab")
    pytest.importorskip("ipykernel")
    root = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, root)
    home = tmp_path / "home"
    env = dict(os.environ)
    dirs = {
        "HOME": home,
        "JUPYTER_CONFIG_DIR": home / ".jupyter",
        "JUPYTER_DATA_DIR": home / ".local/share/jupyter",
        "JUPYTER_RUNTIME_DIR": home / ".local/share/jupyter/runtime",
        "IPYTHONDIR": home / ".ipython",
        "JUPYTERLAB_WORKSPACES_DIR": home / ".jupyter/lab/workspaces",
        "JUPYTERLAB_SETTINGS_DIR": home / ".jupyter/lab/user-settings",
    }
    for key, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[key] = str(path)
    # the kernel ("python3" -> this interpreter) imports this checkout's cloudgeo, network-blocked
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    )
    env.pop("JUPYTER_PATH", None)
    port = _free_port()
    log = tmp_path / "jupyter.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        "--LabApp.expose_app_in_browser=True",
        "--allow-root",
        f"--ServerApp.root_dir={root}",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_http(f"{base}/api/status", proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def run_notebook_until_maps(page: Any, url: str) -> None:
    """Open a notebook in JupyterLab, run every cell through the UI, wait for land and markers."""
    page.goto(url)
    page.wait_for_function(
        "() => window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'"
    )
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        "() => { const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];"
        " return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent)); }"
    )
    page.wait_for_function(
        "() => document.querySelectorAll('.layer.land path').length > 0"
        " && document.querySelectorAll('.scattergeo .point').length > 0"
    )


def test_explorer_in_jupyterlab_updates_map(browser: Any, jupyter_lab: str, tmp_path: Path) -> None:
    blocked: list[str] = []
    page = _guarded_page(browser, blocked, height=2400)
    page.set_default_timeout(60_000)
    # the infrastructure explorer: a map with land and region/edge markers
    run_notebook_until_maps(page, f"{jupyter_lab}/lab/tree/explorer.ipynb?reset")
    errors = page.evaluate(
        "() => [...document.querySelectorAll("
        "'.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"]')]"
        ".map(e => e.textContent)"
    )
    assert errors == [], errors
    explorer = page.locator(".cloudgeo-explorer-infrastructure").first
    before = _explorer_state(explorer)
    _screenshot(page, tmp_path, "lab_before.png")

    # a real UI event: focus the year slider's handle and step back with the keyboard
    handle = explorer.locator(".widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowLeft")
    explorer.locator(".widget-html-content", has_text=str(before["year"] - 3)).first.wait_for()
    page.wait_for_function(
        "([sel, n]) => document.querySelector(sel).querySelectorAll('.scattergeo .point').length !== n",
        arg=[".cloudgeo-explorer-infrastructure", before["points"]],
    )
    after = _explorer_state(explorer)
    _screenshot(page, tmp_path, "lab_after.png")
    assert after["points"] < before["points"], (before, after)
    assert after["land"] > 0
    assert not [u for u in blocked if "plot.ly" in u], blocked


def _explorer_state(explorer: Any) -> dict[str, int]:
    state: dict[str, int] = explorer.evaluate(
        """(el) => ({
          year: Number(el.querySelector('.widget-readout')?.textContent || 'NaN'),
          land: el.querySelectorAll('.layer.land path').length,
          points: el.querySelectorAll('.scattergeo .point').length,
        })"""
    )
    return state
