"""Results never depend on the wall clock: "now" is the catalogue's own date (data/catalog.json)."""

from __future__ import annotations

import ast
import datetime as dt
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import cloudgeo
from cloudgeo import catalog, cli, plotting, report
from cloudgeo.errors import CatalogDateWarning

PACKAGE = Path(cloudgeo.__file__).parent
ROOT = PACKAGE.parent

#: attribute calls that read the wall clock's date or time of day
_CLOCK_ATTRS = {"today", "now", "utcnow", "utcfromtimestamp", "fromtimestamp"}
#: module-level functions that read the wall clock (perf_counter/monotonic time durations only)
_CLOCK_FUNCS = {("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime")}
_CLOCK_STRINGS = {"now", "today"}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _clock_imports(tree: ast.AST) -> set[str]:
    """Local names bound by ``from time import time`` and the like."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            names |= {a.asname or a.name for a in node.names if ("time", a.name) in _CLOCK_FUNCS}
    return names


def _clock_calls(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    bare = _clock_imports(tree)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in called and node.attr in _CLOCK_ATTRS:
            # a clock passed as a callable, e.g. field(default_factory=datetime.date.today)
            if isinstance(node.ctx, ast.Load):
                found.append((node.lineno, _dotted(node)))
            continue
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        parts = name.split(".")
        attr_call = isinstance(node.func, ast.Attribute) and node.func.attr in _CLOCK_ATTRS
        if attr_call or (len(parts) >= 2 and (parts[-2], parts[-1]) in _CLOCK_FUNCS):
            found.append((node.lineno, name))
        elif isinstance(node.func, ast.Name) and node.func.id in bare:
            found.append((node.lineno, f"{name} (from time)"))
        elif parts[-1] in {"Timestamp", "datetime64", "to_datetime", "Period"} and any(
            isinstance(a, ast.Constant) and str(a.value).strip().lower() in _CLOCK_STRINGS for a in node.args
        ):
            found.append((node.lineno, f"{name}('now'/'today')"))
        elif parts[-1] in {"strftime", "ctime", "asctime"} and parts[0] == "time" and len(node.args) < 2:
            found.append((node.lineno, f"{name} (local time of now)"))
    return sorted(found)


def test_ast_finds_the_clock_calls_it_looks_for() -> None:
    # the checker itself: every form it must catch is caught
    src = (
        "import datetime as _dt, time\nimport pandas as pd, numpy as np\n"
        "_dt.date.today()\n_dt.datetime.now()\npd.Timestamp.now()\npd.Timestamp('now')\n"
        "np.datetime64('today')\ntime.time()\npd.to_datetime('now')\ntime.perf_counter()\n"
        "from time import time as _t\n_t()\nf = _dt.date.today\ntime.strftime('%Y')\n"
        "time.strftime('%Y', time.gmtime(0))\nts.strftime('%Y')\n"
    )
    # perf_counter (line 10), an explicit struct_time (15) and a Timestamp's strftime (16) pass;
    # line 15's time.gmtime(0) is a clock-free conversion but is flagged all the same
    assert [line for line, _ in _clock_calls(ast.parse(src))] == [3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15]


def test_no_wall_clock_call_in_the_package() -> None:
    offenders = []
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 15
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offenders += [f"{path.relative_to(ROOT)}:{line}: {name}" for line, name in _clock_calls(tree)]
    hint = "wall-clock calls in cloudgeo/ (use cloudgeo.catalog.catalog_date()):\n"
    assert offenders == [], hint + "\n".join(offenders)


def test_catalog_date_is_recorded_in_data_and_is_the_newest_date_there() -> None:
    recorded = json.loads((ROOT / "data" / "catalog.json").read_text())["catalog_date"]
    day = catalog.catalog_date()
    assert day.isoformat() == recorded
    regions = catalog.load_regions()
    assert pd.to_datetime(regions["opened"]).max().date() <= day
    assert max(catalog.edge_snapshot_dates()) <= day
    assert cloudgeo.catalog_date() == day


def test_as_of_none_is_the_catalogue_date() -> None:
    day = catalog.catalog_date()
    assert catalog.load_regions().equals(catalog.load_regions(as_of=day))
    assert catalog.load_edge_locations().equals(catalog.load_edge_locations(as_of=day))


def test_a_date_after_the_catalogue_warns_naming_its_date() -> None:
    later = catalog.catalog_date() + dt.timedelta(days=1)
    with pytest.warns(CatalogDateWarning, match=catalog.catalog_date().isoformat()):
        after = catalog.load_regions(as_of=later)
    assert after.equals(catalog.load_regions())
    with pytest.warns(UserWarning, match="after the catalogue's date"):
        catalog.load_edge_locations(as_of="2099-01-01")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        catalog.load_regions(as_of=catalog.catalog_date())  # the date itself is silent


def test_cli_says_when_as_of_is_after_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["regions", "--as-of", "2099-01-01", "--format", "csv"]) == 0
    err = capsys.readouterr().err
    assert err.count("cloudgeo: warning:") == 1
    assert catalog.catalog_date().isoformat() in err
    assert cli.main(["regions", "--format", "csv"]) == 0
    assert capsys.readouterr().err == ""


def test_report_warns_once_for_a_later_date() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        html = report.build_report(as_of="2099-01-01")
    dated = [w for w in caught if issubclass(w.category, CatalogDateWarning)]
    assert len(dated) == 1
    assert "2099-01-01" in html


def test_footprint_chart_ends_at_the_catalogue_date() -> None:
    fig = plotting.plot_footprint_growth()
    last = max(pd.Timestamp(x) for trace in fig.data for x in trace.x)
    assert last == pd.Timestamp(catalog.catalog_date())


def test_footprint_azs_travel_in_time() -> None:
    # issue 14: the AZ line counts each AZ from its own opening date, as load_regions does
    fig = plotting.plot_footprint_growth()
    azs = next(t for t in fig.data if str(t.name).startswith("Availability Zones"))
    by_day = {pd.Timestamp(x).date(): int(y) for x, y in zip(azs.x, azs.y, strict=True)}
    end_2019 = int(catalog.load_regions(as_of="2019-12-31")["az_count"].sum())
    assert by_day[dt.date(2019, 12, 31)] == end_2019 == 71
    assert by_day[catalog.catalog_date()] == len(catalog.load_availability_zones()) == 124
    # issue 18: each tick stands on a year-end bar and is labelled with that year (a tick at
    # 1 January put the end-2019 bar above "2020")
    ticks = [pd.Timestamp(v) for v in fig.layout.xaxis.tickvals]
    assert [str(t.year) for t in ticks] == list(fig.layout.xaxis.ticktext)
    assert all(t.date() in by_day for t in ticks)


def test_infrastructure_slider_ends_at_the_catalogue_year() -> None:
    pytest.importorskip("ipywidgets")
    from cloudgeo import widgets

    explorer = widgets.infrastructure_explorer()
    assert explorer.controls["year"].max == catalog.catalog_date().year


_PROBE = (
    "import cloudgeo, json;"
    "from cloudgeo import catalog, plotting;"
    "f = plotting.plot_footprint_growth();"
    "print(json.dumps([catalog.catalog_date().isoformat(), len(catalog.load_regions()),"
    " str(max(x for t in f.data for x in t.x))]))"
)


@pytest.mark.skipif(shutil.which("faketime") is None, reason="Debian's faketime is not installed")
def test_same_results_a_year_and_a_half_later() -> None:
    def run(*prefix: str) -> str:
        cmd = [*prefix, sys.executable, "-c", _PROBE]
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    later = subprocess.run(
        ["faketime", "-f", "+540d", sys.executable, "-c", "import datetime;print(datetime.date.today())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert dt.date.fromisoformat(later) > dt.date.today() + dt.timedelta(days=500)  # faketime works
    assert run("faketime", "-f", "+540d") == run()
