"""The documentation generator and the site checker behind ``make docs``.

``make docs`` builds the site with warnings as errors and runs ``docs/check_site.py`` on it;
these tests pin the two halves without a full Sphinx build: the generated sources document every
public name, tutorial figures are rendered without the network, and the checker catches what
it is there to catch.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

pytest.importorskip("sphinx", reason="the docs extra is not installed (pip install -e '.[docs]')")

import check_site  # noqa: E402
import cloudgeo_docgen as gen  # noqa: E402

import cloudgeo  # noqa: E402


def test_public_modules_are_found_by_name_not_by_file() -> None:
    modules = gen.public_modules()
    assert {"catalog", "latency", "placement", "plotting", "widgets", "errors"} <= set(modules)
    assert not [m for m in modules if m.startswith("_")]
    for name in cloudgeo.__all__:
        obj = getattr(cloudgeo, name)
        if gen.kind(obj) == "module":
            assert name in modules


def test_generated_api_pages_document_every_public_name(tmp_path: Path) -> None:
    modules = gen.write_api(tmp_path)
    directives = {"function": "autofunction", "class": "autoclass", "exception": "autoexception"}
    count = 0
    for module in modules:
        page = (tmp_path / f"{module}.rst").read_text(encoding="utf-8")
        assert f".. automodule:: cloudgeo.{module}" in page
        mod = importlib.import_module(f"cloudgeo.{module}")
        for name in gen.public_names(module):
            k = gen.kind(getattr(mod, name))
            if k == "module":
                expected = f":mod:`{getattr(mod, name).__name__}`"
            elif k == "data":
                expected = f".. py:data:: {name}\n   :module: cloudgeo.{module}\n"
            elif k in {"class", "exception"} and gen.home_module(name, getattr(mod, name)) != module:
                expected = f".. py:{k}:: {name}\n   :module: cloudgeo.{module}\n"
            else:
                expected = f".. {directives[k]}:: cloudgeo.{module}.{name}\n"
            assert expected in page, (module, name)
            count += 1
    flat = (tmp_path / "cloudgeo.rst").read_text(encoding="utf-8")
    for name in cloudgeo.__all__:
        if name != "__version__" and gen.kind(getattr(cloudgeo, name)) != "module":
            home = gen.home_module(name, getattr(cloudgeo, name))
            assert f"<cloudgeo.{home}.{name}>`" in flat, name
    assert count > 200
    index = (tmp_path / "index.rst").read_text(encoding="utf-8")
    assert all(f"   {m}\n" in index for m in ["cloudgeo", *modules])


def test_constants_keep_their_doc_comment() -> None:
    from cloudgeo import placement

    doc = " ".join(gen.data_doc(placement.OBJECTIVES, "OBJECTIVES"))
    assert "Objective names" in doc


def test_tutorial_figures_are_drawn_without_the_network() -> None:
    fig = {"data": [{"type": "scattergeo", "lat": [1.0], "lon": [2.0]}], "layout": {"height": 300}}
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "outputs": [
                    {"output_type": "display_data", "data": {gen.PLOTLY_MIME: fig}},
                    {
                        "output_type": "display_data",
                        "data": {gen.WIDGET_MIME: {"model_id": "x"}, "text/plain": "Explorer()"},
                    },
                ],
            }
        ]
    }
    gen._convert_outputs(nb, "t")
    figure, widget = nb["cells"][0]["outputs"]
    html = figure["data"]["text/html"]
    assert gen.PLOTLY_MIME not in figure["data"]
    assert "Plotly.newPlot(" in html
    assert 'id="t-fig1"' in html
    assert "PlotlyGeoAssets" in html  # the vendored base map, not a fetch from the CDN
    assert "<script src=" not in html
    assert widget["data"] == {"text/plain": "Explorer()"}


def test_every_tutorial_is_copied(tmp_path: Path) -> None:
    stems = gen.write_tutorials(tmp_path)
    assert len(stems) == len(list((ROOT / "notebooks").glob("*.ipynb"))) >= 8
    for stem in stems:
        nb = json.loads((tmp_path / f"{stem}.ipynb").read_text(encoding="utf-8"))
        mimes = {k for c in nb["cells"] for o in c.get("outputs", []) for k in o.get("data", {})}
        assert gen.PLOTLY_MIME not in mimes
        assert gen.WIDGET_MIME not in mimes


def test_checker_flags_remote_scripts_styles_and_fonts_only(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        '<script src="https://cdn.example/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.example/f.css">'
        '<script src="_static/local.js"></script>'
        '<a href="https://example.org/">a link a reader follows</a>',
        encoding="utf-8",
    )
    (tmp_path / "s.css").write_text(
        "@font-face { src: url(https://fonts.example/f.woff2); } .x { background: url(img.png); }",
        encoding="utf-8",
    )
    problems = check_site.offline_problems(tmp_path)
    assert len(problems) == 3, problems
    assert not any("example.org" in p or "local.js" in p for p in problems)


def test_checker_flags_a_public_name_without_an_anchor(tmp_path: Path) -> None:
    from sphinx.util.inventory import InventoryFile

    class _Env:  # the two things InventoryFile.dump reads from a Sphinx environment
        def __init__(self) -> None:
            self.config = type("C", (), {"project": "cloudgeo", "version": "0"})()
            self.domains = type("D", (), {"sorted": lambda _self: []})()

    site = tmp_path
    (site / "api").mkdir()
    (site / "api" / "cloudgeo.html").write_text("", encoding="utf-8")
    try:
        InventoryFile.dump(site / "objects.inv", _Env(), None)  # type: ignore[arg-type]
    except Exception as exc:  # pragma: no cover - a Sphinx without this signature
        pytest.skip(f"cannot write an empty inventory with this Sphinx: {exc}")
    problems = check_site.api_problems(site)
    assert "module cloudgeo.placement has no anchor" in problems
    assert any(p.startswith("cloudgeo.placement.optimize_placement has no anchor") for p in problems)
