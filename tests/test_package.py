"""Package-level contracts: lazy, cheap import; the flat API; the layering rule."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import module_lists
import pytest

import cloudgeo

PACKAGE = Path(cloudgeo.__file__).parent
COMPUTE = module_lists.COMPUTE_MODULES
PRESENTATION = (
    "plotly",
    "ipywidgets",
    "anywidget",
    "cloudgeo.plotting",
    "cloudgeo.widgets",
    "cloudgeo.report",
)


def test_every_flat_export_resolves() -> None:
    for name in cloudgeo.__all__:
        assert getattr(cloudgeo, name) is not None, name


def test_unknown_attribute_is_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'cloudgeo' has no attribute 'nope'"):
        cloudgeo.nope  # noqa: B018


def test_dir_lists_public_api() -> None:
    assert "load_regions" in dir(cloudgeo)
    assert "widgets" not in cloudgeo.__all__


@pytest.mark.parametrize("module", [*COMPUTE, *module_lists.COMPUTE_SUBPACKAGES])
def test_compute_modules_never_import_presentation_libraries(module: str) -> None:
    path = PACKAGE / module
    files = sorted(path.rglob("*.py")) if path.is_dir() else [PACKAGE / f"{module}.py"]
    imported: list[str] = []
    for node in (n for f in files for n in ast.walk(ast.parse(f.read_text()))):
        if isinstance(node, ast.Import):
            imported += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
    bad = [m for m in imported if m.startswith(PRESENTATION)]
    assert bad == [], f"cloudgeo.{module} imports {bad}"


@pytest.mark.parametrize("module", COMPUTE)
def test_every_module_declares_all(module: str) -> None:
    mod = importlib.import_module(f"cloudgeo.{module}")
    assert mod.__all__
    for name in mod.__all__:
        assert hasattr(mod, name), f"cloudgeo.{module}.__all__ lists missing {name}"


def test_import_is_lazy_and_never_imports_widgets() -> None:
    code = (
        "import sys, cloudgeo\n"
        "mods = ('ipywidgets', 'plotly', 'scipy', 'cloudgeo.catalog')\n"
        "print(sorted(m for m in mods if m in sys.modules))\n"
        "cloudgeo.load_regions()\n"
        "print('ipywidgets' in sys.modules, 'plotly' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, second = out.stdout.strip().splitlines()
    assert first == "[]"
    assert second == "False False"


def test_version_is_written_in_one_place() -> None:
    import tomllib

    root = PACKAGE.parent
    meta = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in meta["project"], "the version lives in cloudgeo/__init__.py only"
    assert "version" in meta["project"]["dynamic"]
    source = meta["tool"]["hatch"]["version"]["path"]
    assert (root / source).resolve() == Path(cloudgeo.__file__).resolve()
    # hatch's regex source: exactly one `__version__ = "..."` assignment, equal to the runtime value
    found = re.findall(r'^__version__\s*=\s*["\']([^"\']+)["\']', (root / source).read_text(), re.MULTILINE)
    assert found == [cloudgeo.__version__]
    assert re.fullmatch(r"\d+\.\d+\.\d+([.-]?(a|b|rc|dev|post)\d*)*", cloudgeo.__version__)
    # nothing else in the package or the docs writes the number down
    pattern = re.compile(re.escape(cloudgeo.__version__))
    others = [
        p.relative_to(root)
        for p in [*(root / "cloudgeo").rglob("*.py"), root / "pyproject.toml", *(root / "docs").glob("*.py")]
        if p.resolve() != Path(cloudgeo.__file__).resolve()
        and p.exists()
        and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert others == []


@pytest.mark.parametrize(
    ("former", "home"),
    [
        ("network", "cloudgeo.latency.backbone"),
        ("enduser", "cloudgeo.latency.enduser"),
        ("measurements", "cloudgeo.io"),
        ("ripe_atlas", "cloudgeo.io.ripe_atlas"),
    ],
)
def test_former_modules_reexport_their_new_homes(former: str, home: str) -> None:
    """The pre-issue-16 modules keep every public name, as the very objects of their new home."""
    old = importlib.import_module(f"cloudgeo.{former}")
    new = importlib.import_module(home)
    public = [n for n in vars(old) if not n.startswith("_") and n != "annotations"]
    assert set(old.__all__) <= set(public)
    for name in public:
        assert getattr(old, name) is getattr(new, name), f"cloudgeo.{former}.{name}"
