"""Shipped data that rots, and user files that lie, fail loudly with a named error (issue 8).

Part 1 copies ``data/`` to a temporary folder, corrupts one file (bad latitude, duplicate id,
truncated or garbled CSV, missing column, deleted file, ...) and runs the loader in a fresh
subprocess with ``CLOUDGEO_DATA_DIR`` pointing at the copy. The loader must raise
:class:`~cloudgeo.errors.DataFileError` (or :class:`~cloudgeo.errors.DataValidationError`) whose
message names the file and the problem -- never a bare ``KeyError``/``UnicodeDecodeError`` and
never a silent success.

Part 2 covers untrusted user files: the library parses data only (an AST scan finds no
pickle/eval/exec/yaml.load/marshal), readers reject files that are not what they claim (HTML,
binary, wrong JSON shape), a large CSV is streamed with a small chunk size without holding it
all in memory, and user-supplied text is escaped in HTML output.
"""

from __future__ import annotations

import ast
import csv
import gc
import io
import json
import shutil
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cloudgeo
from cloudgeo import _data, catalog, measurements
from cloudgeo.errors import CloudGeoError, DataFileError, DataValidationError

PACKAGE_DIR = Path(cloudgeo.__file__).resolve().parent

# ---------------------------------------------------------------------------------------------
# part 1: corrupted shipped data
# ---------------------------------------------------------------------------------------------

LOADERS: dict[str, str] = {
    "regions.csv": "from cloudgeo.catalog import load_regions; load_regions()",
    "edge_locations.csv": "from cloudgeo.catalog import load_edge_locations; load_edge_locations()",
    "storage_classes.csv": "from cloudgeo.catalog import load_storage_classes; load_storage_classes()",
    "slas.csv": "from cloudgeo.catalog import load_slas; load_slas()",
    "availability_zones.csv": (
        "from cloudgeo.catalog import load_availability_zones; load_availability_zones()"
    ),
    "regional_edge_caches.csv": (
        "from cloudgeo.catalog import load_regional_edge_caches; load_regional_edge_caches()"
    ),
    "world_cities.csv": "from cloudgeo.population import load_world_cities; load_world_cities()",
    "country_population.csv": (
        "from cloudgeo.population import load_country_population; load_country_population()"
    ),
    "backbone_hubs.csv": "from cloudgeo.network import load_backbone; load_backbone()",
    "backbone_links.csv": "from cloudgeo.network import load_backbone; load_backbone()",
    "latency_model.json": "from cloudgeo.latency import get_model; get_model('calibrated')",
    "catalog.json": "from cloudgeo.catalog import catalog_date; catalog_date()",
    "airport_overrides.csv": (
        "from cloudgeo.catalog import lookup_edge_location; lookup_edge_location('LUX1')"
    ),
    "edge_network_headline.csv": (
        "from cloudgeo.catalog import edge_network_headline; edge_network_headline()"
    ),
    "enduser_countries.csv": "from cloudgeo.enduser import ingress_table; ingress_table()",
    "enduser_model.json": "from cloudgeo.enduser import ingress_table; ingress_table()",
    "cloudfront_price_classes.csv": (
        "from cloudgeo.price_classes import load_price_classes; load_price_classes()"
    ),
}

# One subprocess runs every case: for each, it forgets every cloudgeo module (so no cache
# survives), points CLOUDGEO_DATA_DIR at that case's folder and calls the loader.
RUNNER = """
import json, os, sys
results = []
for folder, code in json.loads(sys.stdin.read()):
    for mod in [m for m in sys.modules if m == "cloudgeo" or m.startswith("cloudgeo.")]:
        del sys.modules[mod]
    os.environ["CLOUDGEO_DATA_DIR"] = folder
    try:
        exec(code, {})
    except BaseException as exc:  # report whatever came out; the test judges it
        import cloudgeo.errors as E
        results.append({"type": type(exc).__name__, "message": str(exc),
                        "data_error": isinstance(exc, E.DataValidationError)})
    else:
        results.append({"type": None, "message": "", "data_error": False})
print(json.dumps(results))
"""


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_cell(column: str, value: str, row: int = 1) -> Callable[[Path], None]:
    """Set one cell (data row ``row``, 1-based) of a CSV."""

    def corrupt(path: Path) -> None:
        rows = _rows(path)
        rows[row][rows[0].index(column)] = value
        _write_rows(path, rows)

    return corrupt


def drop_column(column: str) -> Callable[[Path], None]:
    def corrupt(path: Path) -> None:
        rows = _rows(path)
        i = rows[0].index(column)
        _write_rows(path, [r[:i] + r[i + 1 :] for r in rows])

    return corrupt


def duplicate_first_row(path: Path) -> None:
    rows = _rows(path)
    _write_rows(path, [*rows, rows[1]])


def truncate_mid_row(path: Path) -> None:
    """Cut the file in the middle of its last row, right after the first field (a partial write)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    head = "\n".join(lines[:-1]) + "\n"
    path.write_text(head + lines[-1].split(",")[0] + ",", encoding="utf-8")


def truncate_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garble(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe\x00" + bytes(range(256)) * 8)


def html_page(path: Path) -> None:
    path.write_text("<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n")


def delete(path: Path) -> None:
    path.unlink()


def json_edit(edit: Callable[[dict[str, object]], None]) -> Callable[[Path], None]:
    def corrupt(path: Path) -> None:
        spec = json.loads(path.read_text(encoding="utf-8"))
        edit(spec)
        path.write_text(json.dumps(spec), encoding="utf-8")

    return corrupt


def _pop(key: str) -> Callable[[dict[str, object]], None]:
    return lambda spec: spec.pop(key)  # type: ignore[func-returns-value]


def _set(key: str, value: object) -> Callable[[dict[str, object]], None]:
    return lambda spec: spec.__setitem__(key, value)


# (file, corruption, words the message must contain besides the file name)
CASES: list[tuple[str, str, Callable[[Path], None], tuple[str, ...]]] = [
    ("regions.csv", "bad latitude", set_cell("lat", "123.5"), ("lat outside", "123.5")),
    ("regions.csv", "swapped lat/lon", set_cell("lat", "-118.4"), ("swapped",)),
    ("regions.csv", "duplicate code", duplicate_first_row, ("duplicate region code",)),
    ("regions.csv", "missing column", drop_column("lat"), ("missing column", "lat")),
    # the cut lands in an unquoted field: the rows left parse, and the AZ table's cross-check catches it
    ("regions.csv", "truncated", truncate_half, ("not in regions.csv",)),
    ("regions.csv", "truncated mid-row", truncate_mid_row, ()),
    ("regions.csv", "garbled", garble, ("could not read",)),
    ("regions.csv", "html", html_page, ("missing column",)),
    ("regions.csv", "deleted", delete, ("missing",)),
    ("regions.csv", "bad date", set_cell("opened", "22/04/2020"), ("opened",)),
    ("edge_locations.csv", "bad latitude", set_cell("lat", "-91"), ("lat outside", "-91")),
    ("edge_locations.csv", "duplicate code", duplicate_first_row, ("duplicate edge code",)),
    ("edge_locations.csv", "missing column", drop_column("lon"), ("missing column", "lon")),
    ("edge_locations.csv", "garbled", garble, ("could not read",)),
    ("edge_locations.csv", "truncated mid-row", truncate_mid_row, ()),
    ("edge_locations.csv", "deleted", delete, ("missing",)),
    ("storage_classes.csv", "percentage", set_cell("durability", "99.999999999"), ("durability",)),
    ("storage_classes.csv", "duplicate id", duplicate_first_row, ("duplicate storage_class",)),
    ("storage_classes.csv", "missing column", drop_column("durability"), ("missing column", "durability")),
    ("storage_classes.csv", "truncated mid-row", truncate_mid_row, ()),
    ("storage_classes.csv", "garbled", garble, ("could not read",)),
    ("storage_classes.csv", "deleted", delete, ("missing",)),
    ("slas.csv", "percentage", set_cell("commitment", "99.99"), ("commitment", "fraction")),
    ("slas.csv", "duplicate id", duplicate_first_row, ("duplicate sla",)),
    ("slas.csv", "missing column", drop_column("commitment"), ("missing column", "commitment")),
    ("slas.csv", "truncated mid-row", truncate_mid_row, ()),
    ("slas.csv", "html", html_page, ("missing column",)),
    ("slas.csv", "deleted", delete, ("missing",)),
    ("availability_zones.csv", "duplicate az", duplicate_first_row, ("duplicate az_name",)),
    ("availability_zones.csv", "unknown region", set_cell("region", "us-east-l"), ("unknown region",)),
    ("availability_zones.csv", "garbled", garble, ("could not read",)),
    ("regional_edge_caches.csv", "bad latitude", set_cell("lat", "95"), ("lat outside",)),
    ("regional_edge_caches.csv", "duplicate id", duplicate_first_row, ("duplicate rec",)),
    ("world_cities.csv", "bad latitude", set_cell("lat", "123.5"), ("lat outside", "123.5")),
    ("world_cities.csv", "duplicate id", duplicate_first_row, ("duplicate",)),
    ("world_cities.csv", "missing column", drop_column("lat"), ("missing column", "lat")),
    ("world_cities.csv", "negative population", set_cell("population", "-5"), ("population",)),
    ("world_cities.csv", "garbled", garble, ("could not read",)),
    ("world_cities.csv", "deleted", delete, ("missing",)),
    ("country_population.csv", "duplicate id", duplicate_first_row, ("duplicate country_code",)),
    ("country_population.csv", "missing column", drop_column("population"), ("missing column",)),
    ("backbone_hubs.csv", "deleted", delete, ("missing",)),
    ("backbone_links.csv", "deleted", delete, ("missing",)),
    ("backbone_hubs.csv", "garbled", garble, ("could not read",)),
    ("backbone_hubs.csv", "html", html_page, ("missing column",)),
    ("backbone_links.csv", "missing column", drop_column("hub_b"), ("missing column", "hub_b")),
    ("backbone_hubs.csv", "duplicate hub", duplicate_first_row, ("duplicate hub",)),
    ("backbone_links.csv", "duplicate link", duplicate_first_row, ("duplicate link",)),
    ("backbone_links.csv", "unknown hub", set_cell("hub_b", "XXX"), ("unknown hub", "XXX")),
    ("backbone_links.csv", "path factor below 1", set_cell("path_factor", "0.9"), ("path_factor",)),
    ("latency_model.json", "truncated", truncate_half, ("not a valid fitted latency model",)),
    ("latency_model.json", "garbled", garble, ("not a valid fitted latency model",)),
    ("latency_model.json", "html", html_page, ("not a valid fitted latency model",)),
    ("latency_model.json", "wrong type", json_edit(_set("stretch", "fast")), ("stretch",)),
    ("latency_model.json", "unknown key", json_edit(_set("strech", 1.1)), ("strech",)),
    ("latency_model.json", "deleted", delete, ("missing",)),
    ("latency_model.json", "missing key", json_edit(_pop("stretch")), ("missing key", "stretch")),
    ("latency_model.json", "not an object", lambda p: p.write_text("[1, 2]"), ("JSON object",)),
    ("catalog.json", "deleted", delete, ("missing",)),
    ("catalog.json", "garbled", garble, ("catalog_date",)),
    ("catalog.json", "html", html_page, ("catalog_date",)),
    ("catalog.json", "missing key", json_edit(_pop("catalog_date")), ("catalog_date",)),
    ("catalog.json", "bad date", json_edit(_set("catalog_date", "04/12/2026")), ("04/12/2026",)),
    ("catalog.json", "not an object", lambda p: p.write_text("[1, 2]"), ("catalog_date",)),
    ("latency_model.json", "below the floor", json_edit(_set("stretch", 0.5)), ("stretch must be >= 1",)),
    ("availability_zones.csv", "bad AZ date", set_cell("opened", "March 2020", row=9), ("opened",)),
    (
        "availability_zones.csv",
        "undated AZ without a reason",
        set_cell("opened_source", ""),
        ("opened_source",),
    ),
    (
        "availability_zones.csv",
        "AZ before its region",
        set_cell("opened", "1999-01-01"),
        ("before its region",),
    ),
    ("airport_overrides.csv", "bad latitude", set_cell("lat", "95"), ("lat outside",)),
    ("airport_overrides.csv", "no source", set_cell("source", ""), ("source",)),
    ("airport_overrides.csv", "duplicate", duplicate_first_row, ("duplicate iata",)),
    ("airport_overrides.csv", "deleted", delete, ("missing",)),
    ("edge_network_headline.csv", "percent", set_cell("value", "7.5e2%"), ("value",)),
    ("edge_network_headline.csv", "missing fact", duplicate_first_row, ("facts must be",)),
    ("edge_network_headline.csv", "bad date", set_cell("stated_on", "17/11/2025"), ("stated_on",)),
    ("edge_network_headline.csv", "deleted", delete, ("missing",)),
    ("enduser_countries.csv", "deleted", delete, ("missing",)),
    ("enduser_countries.csv", "garbled", garble, ("could not read",)),
    ("enduser_countries.csv", "html", html_page, ("missing column",)),
    ("enduser_countries.csv", "missing column", drop_column("hub"), ("missing column", "hub")),
    ("enduser_countries.csv", "duplicate code", duplicate_first_row, ("duplicate country_code",)),
    ("enduser_countries.csv", "bad latitude", set_cell("lat", "123.5"), ("lat outside", "123.5")),
    ("enduser_countries.csv", "negative access", set_cell("access_ms", "-3"), ("access_ms is negative",)),
    ("enduser_countries.csv", "unknown hub", set_cell("hub", "XXX"), ("unknown hub", "XXX")),
    ("enduser_countries.csv", "not a number", set_cell("access_ms", "fast"), ("access_ms is not a finite",)),
    ("enduser_model.json", "deleted", delete, ("missing",)),
    ("enduser_model.json", "garbled", garble, ("not a valid end-user model",)),
    ("enduser_model.json", "not an object", lambda p: p.write_text("[1, 2]"), ("JSON object",)),
    ("enduser_model.json", "missing key", json_edit(_pop("stretch")), ("missing key", "stretch")),
    ("enduser_model.json", "below the floor", json_edit(_set("stretch", 0.5)), ("stretch must be >= 1",)),
    ("cloudfront_price_classes.csv", "deleted", delete, ("missing",)),
    ("cloudfront_price_classes.csv", "garbled", garble, ()),
    ("cloudfront_price_classes.csv", "html", html_page, ("missing column",)),
    ("cloudfront_price_classes.csv", "missing column", drop_column("pricing_region"), ("pricing_region",)),
    ("cloudfront_price_classes.csv", "duplicate country", duplicate_first_row, ("duplicate country_code",)),
    ("cloudfront_price_classes.csv", "unknown class", set_cell("smallest_price_class", "300"), ("'300'",)),
]


def _case_folder(root: Path, name: str) -> Path:
    """A data folder whose files are symlinks to the shipped ones, except ``name``, a real copy."""
    root.mkdir(parents=True)
    for entry in _data.data_dir().iterdir():
        if entry.name == name:
            shutil.copy2(entry, root / name)
        else:
            (root / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
    return root


def _run_loaders(jobs: list[tuple[Path, str]]) -> list[dict[str, object]]:
    payload = json.dumps([[str(folder), code] for folder, code in jobs])
    out = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=payload,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    results: list[dict[str, object]] = json.loads(out.stdout.strip().splitlines()[-1])
    return results


ALL_CASES = [pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in CASES]


@pytest.fixture(scope="module")
def loader_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    """Corrupt one copy per case, then run every loader in a single subprocess."""
    base = tmp_path_factory.mktemp("corrupt")
    jobs: list[tuple[Path, str]] = []
    keys: list[str] = []
    for i, param in enumerate(ALL_CASES):
        name, what, corrupt, _ = param.values
        folder = _case_folder(base / f"case{i}", str(name))
        corrupt(folder / str(name))  # type: ignore[operator]
        assert not (folder / str(name)).is_symlink()
        jobs.append((folder, LOADERS[str(name)]))
        keys.append(f"{name}-{what}")
    intact = _case_folder(base / "intact", "")
    jobs.append((intact, "\n".join(dict.fromkeys(LOADERS.values()))))
    keys.append("intact")
    return dict(zip(keys, _run_loaders(jobs), strict=True))


@pytest.mark.parametrize(("name", "what", "corrupt", "words"), ALL_CASES)
def test_corrupted_shipped_file_gives_named_error(
    loader_results: dict[str, dict[str, object]],
    name: str,
    what: str,
    corrupt: Callable[[Path], None],
    words: tuple[str, ...],
) -> None:
    result = loader_results[f"{name}-{what}"]
    assert result["type"] is not None, f"{name} ({what}): the loader accepted the corrupted file silently"
    assert result["type"] in {"DataFileError", "DataValidationError"}, result
    assert result["data_error"], result
    message = str(result["message"])
    assert name in message, f"the message does not name the file {name}: {message}"
    for word in words:
        assert word in message, f"{word!r} not in: {message}"


def test_intact_copy_loads(loader_results: dict[str, dict[str, object]]) -> None:
    assert loader_results["intact"]["type"] is None, loader_results["intact"]


def test_shipped_files_are_untouched_by_the_corruption_tests(
    loader_results: dict[str, dict[str, object]],
) -> None:
    # the cases write to real copies only; the originals still load in this process
    catalog.load_regions()
    catalog.load_storage_classes()


def test_every_shipped_data_file_has_a_corruption_case() -> None:
    shipped = {p.name for p in _data.data_dir().glob("*") if p.suffix in {".csv", ".json"}}
    shipped.discard("MANIFEST.json")
    covered = {str(p.values[0]) for p in ALL_CASES}
    assert shipped <= covered, f"no corruption test for {sorted(shipped - covered)}"
    assert set(LOADERS) == covered


# ---------------------------------------------------------------------------------------------
# part 2: untrusted user files
# ---------------------------------------------------------------------------------------------

FORBIDDEN_CALLS = {
    ("pickle", "load"),
    ("pickle", "loads"),
    ("pickle", "Unpickler"),
    ("marshal", "load"),
    ("marshal", "loads"),
    ("yaml", "load"),
    ("yaml", "unsafe_load"),
    ("yaml", "full_load"),
    ("shelve", "open"),
    ("dill", "load"),
    ("dill", "loads"),
    ("pd", "read_pickle"),
    ("pandas", "read_pickle"),
}
FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "dill", "cloudpickle"}


def _violations(tree: ast.AST) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in FORBIDDEN_BUILTINS:
                found.append(f"line {node.lineno}: {f.id}(...)")
            if isinstance(f, ast.Attribute):
                if f.attr in {"read_pickle", "eval"}:
                    found.append(f"line {node.lineno}: .{f.attr}(...)")
                elif isinstance(f.value, ast.Name) and (f.value.id, f.attr) in FORBIDDEN_CALLS:
                    found.append(f"line {node.lineno}: {f.value.id}.{f.attr}(...)")
                is_np_load = isinstance(f.value, ast.Name) and f.value.id == "np" and f.attr == "load"
                safe = any(k.arg == "allow_pickle" and _is_false(k.value) for k in node.keywords)
                if is_np_load and not safe:
                    found.append(f"line {node.lineno}: np.load without allow_pickle=False")
        if isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: import {a.name}" for a in node.names if a.name in FORBIDDEN_MODULES
            ]
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in FORBIDDEN_MODULES:
            found.append(f"line {node.lineno}: from {node.module} import ...")
    return found


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def test_library_never_deserialises_code() -> None:
    problems: dict[str, list[str]] = {}
    files = sorted(PACKAGE_DIR.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        found = _violations(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        if found:
            problems[str(path.relative_to(PACKAGE_DIR))] = found
    assert problems == {}, f"code execution / unsafe deserialisation in cloudgeo: {problems}"


def test_ast_scan_catches_what_it_should() -> None:
    bad = "import pickle\nx = eval('1')\nimport yaml\nyaml.load(s)\npd.read_pickle(p)\nnp.load(f)\n"
    assert len(_violations(ast.parse(bad))) == 5
    assert _violations(ast.parse("np.load(f, allow_pickle=False)\nyaml_safe = 1\n")) == []


HTML = "<!DOCTYPE html>\n<html><head><title>Just a moment...</title></head><body>blocked</body></html>\n"
BINARY = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4

USER_READERS: dict[str, Callable[[Path], object]] = {
    "catalog.read_regions": catalog.read_regions,
    "catalog.read_edge_locations": catalog.read_edge_locations,
    "measurements.read_cloudping_json": measurements.read_cloudping_json,
    "measurements.read_gcping_csv": measurements.read_gcping_csv,
    "measurements.read_wondernetwork_csv": measurements.read_wondernetwork_csv,
    "measurements.read_measurements_csv": measurements.read_measurements_csv,
}


@pytest.mark.parametrize("reader", sorted(USER_READERS))
@pytest.mark.parametrize("kind", ["html", "binary", "empty", "json-array", "csv-for-json"])
def test_reader_rejects_file_that_is_not_what_it_claims(tmp_path: Path, reader: str, kind: str) -> None:
    func = USER_READERS[reader]
    is_json = reader.endswith("json")
    path = tmp_path / ("input.json" if is_json else "input.csv")
    if kind == "html":
        path.write_text(HTML)
    elif kind == "binary":
        path.write_bytes(BINARY)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "json-array":
        path.write_text(json.dumps([1, 2, 3]) if is_json else '[{"a": 1}, {"b": 2}]\n')
    else:
        path.write_text("from,to,rtt\nus-east-1,eu-west-1,70\n" if is_json else "a;b;c\n1;2;3\n")
    with pytest.raises((DataFileError, DataValidationError)) as info:
        func(path)
    message = str(info.value)
    assert isinstance(info.value, CloudGeoError)
    assert "input." in message, f"the message does not name the file: {message}"


def test_cloudping_wrong_json_shape_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cloudping.json"
    path.write_text(json.dumps({"data": {"us-east-1": [1, 2]}}))
    with pytest.raises(DataFileError, match=r"cloudping\.json"):
        measurements.read_cloudping_json(path)


@pytest.mark.slow
def test_large_measurements_csv_is_streamed(tmp_path: Path) -> None:
    """A ~20 MB tidy CSV read with a small chunk size never holds the whole text in memory."""
    path = tmp_path / "big.csv"
    rng = np.random.default_rng(8)
    n = 110_000
    regions = np.array(["us-east-1", "eu-west-1", "ap-southeast-1", "sa-east-1", "ap-northeast-1"])
    frame = pd.DataFrame(
        {
            "src": regions[rng.integers(0, 5, n)],
            "dst": regions[rng.integers(0, 5, n)],
            "rtt_ms": rng.uniform(1.0, 300.0, n).round(3),
            "stat": "p50",
            "method": "tcp-connect",
            "one_way": False,
            "source": "synthetic stream test; "
            + "a deliberately long provenance text to make rows wide " * 3,
            "measured_at": "2025-07-01",
        }
    )
    frame = frame[frame["src"] != frame["dst"]]
    frame.to_csv(path, index=False)
    size = path.stat().st_size
    assert size > 15_000_000
    del frame
    gc.collect()
    tracemalloc.start()
    try:
        out = measurements.read_measurements_csv(path, chunksize=5_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(out) > 80_000
    print(f"\nstreamed {size / 1e6:.1f} MB CSV: tracemalloc peak {peak / 1e6:.1f} MB")
    assert peak < 3 * size, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"


def _user_regions() -> pd.DataFrame:
    regions = catalog.load_regions().loc[["us-east-1", "eu-west-1", "ap-southeast-1"]].copy()
    regions["name"] = regions["name"].astype(object)
    regions.loc["us-east-1", "name"] = "<script>alert(1)</script>"
    return regions


def test_plotting_hover_text_escapes_user_names() -> None:
    from cloudgeo import plotting

    fig = plotting.plot_infrastructure_map(regions=_user_regions(), show_edges=False, show_recs=False)
    html = plotting.to_offline_html(fig)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "\\u003cscript\\u003ealert(1)" in html


@pytest.mark.slow
def test_report_escapes_user_region_names(tmp_path: Path) -> None:
    from cloudgeo import report

    out = Path(report.write_report(tmp_path / "r.html", regions=_user_regions()))
    html = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
