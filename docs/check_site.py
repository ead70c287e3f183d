"""Check a built documentation site: every public name has an anchor; nothing loads from the web.

Run by ``make docs`` after ``sphinx-build``::

    python docs/check_site.py docs/_build/html

Exit status 1 (with the list of problems) when a public module or name has no entry in the
site's ``objects.inv``, a flat ``cloudgeo.<name>`` is not linked from the flat API page, a
tutorial page is missing or shows a plotly figure without drawing it, or any page or stylesheet
references a script, style, font or image by an ``http(s)://`` URL.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cloudgeo_docgen as gen

# resources a browser fetches by itself (not <a href> links, which a reader follows)
_REMOTE_TAG = re.compile(
    r"<(?:script|link|img|iframe|source|embed|object)\b[^>]*?\b(?:src|href|data)\s*=\s*[\"']?(?:https?:)?//",
    re.IGNORECASE,
)
_REMOTE_CSS = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])(?:https?:)?//", re.IGNORECASE)


def inventory_names(site: Path) -> set[str]:
    """Return the Python object names in the site's ``objects.inv``."""
    from sphinx.util.inventory import InventoryFile

    with (site / "objects.inv").open("rb") as f:
        inv = InventoryFile.load(f, "", lambda base, uri: uri)
    names: set[str] = set()
    for role, entries in inv.items():
        if role.startswith("py:"):
            names.update(entries)
    return names


def api_problems(site: Path) -> list[str]:
    """Public modules and names without an anchor, and flat names not linked to one."""
    import cloudgeo

    names = inventory_names(site)
    problems: list[str] = []
    checked = 0
    for module in gen.public_modules():
        full = f"cloudgeo.{module}"
        if full not in names:
            problems.append(f"module {full} has no anchor")
        for name in gen.public_names(module):
            obj = getattr(importlib.import_module(full), name)
            target = obj.__name__ if gen.kind(obj) == "module" else f"{full}.{name}"
            checked += 1
            if target not in names:
                problems.append(f"{full}.{name} has no anchor (expected {target} in objects.inv)")
    flat_page = (site / "api" / "cloudgeo.html").read_text(encoding="utf-8")
    for name in cloudgeo.__all__:
        if name == "__version__":
            continue
        obj = getattr(cloudgeo, name)
        if gen.kind(obj) == "module":
            target = f"cloudgeo.{name}"
            link = f"{name}.html#module-cloudgeo.{name}"
        else:
            target = f"cloudgeo.{gen.home_module(name, obj)}.{name}"
            link = f"#{target}"
        checked += 1
        if target not in names:
            problems.append(f"cloudgeo.{name}: {target} has no anchor")
        if link not in flat_page:
            problems.append(f"cloudgeo.{name}: the flat API page does not link {link}")
    print(f"API: {checked} public names checked, {len(problems)} without an anchor or link")
    return problems


def offline_problems(site: Path) -> list[str]:
    """Pages and stylesheets that would fetch a script, style, font or image from the web."""
    problems: list[str] = []
    files = [*site.rglob("*.html"), *site.rglob("*.css")]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        pattern = _REMOTE_CSS if path.suffix == ".css" else _REMOTE_TAG
        for m in pattern.finditer(text):
            end = text.find(">" if path.suffix == ".html" else ")", m.end())
            snippet = text[m.start() : (end + 1 if end >= 0 else m.end() + 60)][:200].replace("\n", " ")
            problems.append(f"{path.relative_to(site)}: remote resource {snippet!r}")
    print(f"offline: {len(files)} HTML/CSS files scanned, {len(problems)} remote references")
    return problems


def tutorial_problems(site: Path) -> list[str]:
    """Missing tutorial pages and plotly figures that are not drawn."""
    import json

    problems: list[str] = []
    notebooks = sorted((gen.ROOT / "notebooks").glob("*.ipynb"))
    figures = 0
    for nb_path in notebooks:
        page = site / "tutorials" / f"{nb_path.stem}.html"
        if not page.exists():
            problems.append(f"tutorial {nb_path.name} has no page")
            continue
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        want = sum(
            gen.PLOTLY_MIME in out.get("data", {}) for cell in nb["cells"] for out in cell.get("outputs", [])
        )
        got = page.read_text(encoding="utf-8").count("Plotly.newPlot(")
        figures += got
        if got != want:
            problems.append(f"tutorial {nb_path.name}: {got} figures drawn, {want} stored")
    print(f"tutorials: {len(notebooks)} pages, {figures} plotly figures drawn offline")
    return problems


def main(argv: list[str]) -> int:
    """Check the site in ``argv[0]`` (default ``docs/_build/html``)."""
    site = Path(argv[0] if argv else Path(__file__).resolve().parent / "_build" / "html")
    problems = [*api_problems(site), *offline_problems(site), *tutorial_problems(site)]
    for p in problems:
        print("  -", p)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
