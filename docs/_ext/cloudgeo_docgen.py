"""Generate the API pages and the tutorial copies before Sphinx reads the sources.

The API reference is built from the public modules (every ``cloudgeo.<name>`` without a
leading underscore) and their ``__all__``, never from file paths, so it follows modules that
move into subpackages. The tutorials are copied from ``notebooks/`` with their stored outputs;
plotly figures get an offline HTML rendering (vendored base maps, the page-wide plotly.js) and
live-widget views, which need a kernel, keep only their text form.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import pkgutil
import re
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
API_DIR = DOCS / "api"
TUTORIAL_DIR = DOCS / "tutorials"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def public_modules() -> list[str]:
    """Return the names of cloudgeo's public modules and subpackages (``cloudgeo.<name>``)."""
    import cloudgeo

    return sorted(m.name for m in pkgutil.iter_modules(cloudgeo.__path__) if not m.name.startswith("_"))


def public_names(module: str) -> list[str]:
    """Return the public API of ``cloudgeo.<module>``: its ``__all__`` (required)."""
    mod = importlib.import_module(f"cloudgeo.{module}")
    names = getattr(mod, "__all__", None)
    if names is None:
        msg = f"cloudgeo.{module} has no __all__: a public module must state its public API."
        raise RuntimeError(msg)
    return list(names)


def kind(obj: Any) -> str:
    """Return the autodoc directive for ``obj``."""
    if inspect.ismodule(obj):
        return "module"
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if inspect.isroutine(obj):
        return "function"
    return "data"


def _title(text: str) -> str:
    return f"{text}\n{'=' * len(text)}\n"


@functools.cache
def _attr_docs() -> dict[tuple[str, str], list[str]]:
    """Return the ``#:`` doc comments of every cloudgeo module: (module, name) -> lines."""
    from sphinx.pycode import ModuleAnalyzer

    import cloudgeo

    docs: dict[tuple[str, str], list[str]] = {}
    modules = ["cloudgeo"] + [m.name for m in pkgutil.walk_packages(cloudgeo.__path__, "cloudgeo.")]
    for mod in modules:
        if mod.endswith("__main__"):
            continue
        found = ModuleAnalyzer.for_module(mod).find_attr_docs()
        for (scope, name), lines in found.items():
            if not scope:
                docs[(mod, name)] = [ln for ln in lines if ln.strip()]
    return docs


def data_doc(obj: Any, name: str) -> list[str]:
    """Return the ``#:`` comment documenting the module-level constant ``obj`` (``[]`` if none)."""
    for (mod, attr), lines in _attr_docs().items():
        if attr == name and getattr(importlib.import_module(mod), attr, None) is obj:
            return lines
    return []


def _summary_table(module: str, names: list[str]) -> list[str]:
    mod = importlib.import_module(f"cloudgeo.{module}")
    lines = [".. list-table::\n   :widths: 35 65\n   :class: cg-summary\n"]
    for n in names:
        obj = getattr(mod, n)
        k = kind(obj)
        if k == "module":
            continue
        role = {"class": "class", "exception": "exc", "function": "func"}.get(k, "data")
        text = " ".join(data_doc(obj, n)) if k == "data" else _summary(obj)
        lines.append(f"   * - :{role}:`~cloudgeo.{module}.{n}`\n     - {text or ' '}")
    return [*lines, ""]


def _module_page(module: str) -> str:
    full = f"cloudgeo.{module}"
    mod = importlib.import_module(full)
    names = public_names(module)
    lines = [_title(f"``{full}``"), f".. automodule:: {full}\n   :no-members:\n"]
    lines.append(f".. currentmodule:: {full}\n")
    if names:
        lines += _summary_table(module, names)
    for n in names:
        obj = getattr(mod, n)
        k = kind(obj)
        if k == "module":
            lines.append(f"* submodule :mod:`{obj.__name__}`\n")
        elif k in {"class", "exception"} and home_module(n, obj) != module:
            # re-exported: one full entry (autodoc's canonical name) lives on the home page
            home = home_module(n, obj)
            role = "exc" if k == "exception" else "class"
            lines.append(f".. py:{k}:: {n}\n   :module: {full}\n")
            lines.append(f"   The same {k} as :{role}:`cloudgeo.{home}.{n}` (documented there).\n")
        elif k in {"class", "exception"}:
            lines.append(f".. auto{k}:: {full}.{n}\n   :members:\n   :show-inheritance:\n")
        elif k == "function":
            lines.append(f".. autofunction:: {full}.{n}\n")
        else:
            doc = data_doc(obj, n)
            lines.append(f".. py:data:: {n}\n   :module: {full}\n   :type: {type(obj).__name__}\n")
            lines += [f"   {ln}" for ln in doc] + [""]
    return "\n".join(lines) + "\n"


def home_module(name: str, obj: Any) -> str:
    """Return the public module that documents ``obj`` (prefer the one that defines it)."""
    homes = [m for m in public_modules() if name in public_names(m)]
    homes = [m for m in homes if getattr(importlib.import_module(f"cloudgeo.{m}"), name) is obj]
    if not homes:
        msg = f"cloudgeo.{name} is in cloudgeo.__all__ but in no public module's __all__."
        raise RuntimeError(msg)
    owner = str(getattr(obj, "__module__", ""))
    defining = [m for m in homes if owner == f"cloudgeo.{m}" or owner.startswith(f"cloudgeo.{m}.")]
    return (defining or homes)[0]


def _summary(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ")
    return first.replace("|", "\\|")


def _flat_page() -> str:
    import cloudgeo

    lines = [
        _title("The flat ``cloudgeo`` API"),
        ".. automodule:: cloudgeo\n   :no-members:\n",
        "Every name below is importable as ``cloudgeo.<name>``; the link leads to the module "
        "that defines it, where it is documented.\n",
        ".. list-table::\n   :header-rows: 1\n   :widths: 30 70\n",
        "   * - name\n     - what it is",
    ]
    for name in cloudgeo.__all__:
        if name == "__version__":
            lines.append(f"   * - ``__version__``\n     - the installed version (``{cloudgeo.__version__}``)")
            continue
        obj = getattr(cloudgeo, name)
        if kind(obj) == "module":
            lines.append(f"   * - :mod:`{name} <cloudgeo.{name}>`\n     - {_summary(obj)}")
            continue
        home = home_module(name, obj)
        role = {"class": "class", "exception": "exc", "function": "func"}.get(kind(obj), "data")
        lines.append(f"   * - :{role}:`{name} <cloudgeo.{home}.{name}>`\n     - {_summary(obj)}")
    return "\n".join(lines) + "\n"


def write_api(out: Path = API_DIR) -> list[str]:
    """Write ``api/index.rst``, ``api/cloudgeo.rst`` and one page per public module."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    modules = public_modules()
    (out / "cloudgeo.rst").write_text(_flat_page(), encoding="utf-8")
    for m in modules:
        (out / f"{m}.rst").write_text(_module_page(m), encoding="utf-8")
    toc = "\n".join(f"   {m}" for m in ["cloudgeo", *modules])
    index = (
        _title("API reference")
        + "\nOne page per public module, generated from the modules' ``__all__`` and their "
        "numpydoc docstrings. Units are given in brackets.\n\n" + f".. toctree::\n   :maxdepth: 1\n\n{toc}\n"
    )
    (out / "index.rst").write_text(index, encoding="utf-8")
    return modules


def _offline_figure_html(fig: dict[str, Any], div_id: str) -> str:
    from cloudgeo.plotting import to_offline_html

    layout = fig.setdefault("layout", {})
    layout.pop("width", None)  # fit the page's column instead of a notebook's fixed width
    layout["autosize"] = True
    return to_offline_html(
        {"figure": fig},
        full_html=False,
        include_plotlyjs=False,
        div_ids={"figure": div_id},
        config={"responsive": True},
    )


def _convert_outputs(nb: dict[str, Any], stem: str) -> None:
    count = 0
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not data:
                continue
            if PLOTLY_MIME in data:
                count += 1
                data["text/html"] = _offline_figure_html(data.pop(PLOTLY_MIME), f"{stem}-fig{count}")
            if WIDGET_MIME in data:
                data.pop(WIDGET_MIME)  # a live widget needs a kernel; keep its text form
                data.setdefault("text/plain", "(an interactive widget: run the notebook to use it)")


def write_tutorials(out: Path = TUTORIAL_DIR) -> list[str]:
    """Copy ``notebooks/*.ipynb`` with offline renderings of their stored outputs."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    stems = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb.get("metadata", {}).pop("widgets", None)
        _convert_outputs(nb, path.stem.replace("_", "-"))
        (out / path.name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
        stems.append(path.stem)
    toc = "\n".join(f"   {s}" for s in stems)
    index = (
        _title("Tutorials")
        + "\nThe notebooks in ``notebooks/``, shown with their stored outputs (they are run and "
        "checked by the test suite). Interactive widgets need a running kernel: open the notebook "
        "in JupyterLab (``make lab``) to use them.\n\n" + f".. toctree::\n   :maxdepth: 1\n\n{toc}\n"
    )
    (out / "index.rst").write_text(index, encoding="utf-8")
    return stems


def _copy_plotlyjs(static: Path) -> None:
    from plotly.offline import get_plotlyjs

    static.mkdir(parents=True, exist_ok=True)
    target = static / "plotly.min.js"
    text = "window.PlotlyConfig = {MathJaxConfig: 'local'};\n" + get_plotlyjs()
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


_CSS = """/* cloudgeo docs: wide pages for wide figures and tables */
.bd-page-width { max-width: 100%; }
.bd-main .bd-content .bd-article-container { max-width: 100%; }
.cg-figure { overflow-x: auto; }
table.cg-summary td:first-child { white-space: nowrap; }
"""


_JS = """// cloudgeo docs: figures drawn while the page was laid out take the column's final width
window.addEventListener("load", function () {
  document.querySelectorAll(".plotly-graph-div").forEach(function (div) {
    if (window.Plotly && div.data) { window.Plotly.Plots.resize(div); }
  });
});
"""


def generate(app: Any = None) -> None:
    """Write the generated sources (Sphinx ``builder-inited`` hook)."""
    write_api()
    write_tutorials()
    static = DOCS / "_generated_static"
    _copy_plotlyjs(static)
    (static / "cloudgeo.css").write_text(_CSS, encoding="utf-8")
    (static / "cloudgeo.js").write_text(_JS, encoding="utf-8")


def _math_inline(self: Any, node: Any) -> None:
    self.body.append(self.starttag(node, "code", "", CLASS="math notranslate"))
    self.body.append(self.encode(node.astext()))
    self.body.append("</code>")
    raise _skip_node()


def _math_block(self: Any, node: Any) -> None:
    self.body.append(self.starttag(node, "pre", "", CLASS="math notranslate"))
    self.body.append(self.encode(node.astext()))
    self.body.append("</pre>")
    raise _skip_node()


def _skip_node() -> Exception:
    from docutils import nodes

    return nodes.SkipNode()


_CITATION = re.compile(r"^\.\. \[(\d+)\] (.*)$")


def module_references_as_list(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Show a module docstring's reference list as a bullet list (``autodoc-process-docstring``).

    A module docstring's References are the bibliography of the models the module implements;
    its prose does not cite them one by one, so as citations docutils would report each as
    unreferenced. Function and class docstrings keep numpydoc's citations.
    """
    if what != "module":
        return
    in_item = False
    for i, line in enumerate(lines):
        m = _CITATION.match(line)
        if m:
            lines[i] = f"* [{m.group(1)}] {m.group(2)}"
            in_item = True
        elif in_item and line.startswith("   "):
            lines[i] = line[1:]
        else:
            in_item = False


def setup(app: Any) -> dict[str, Any]:
    """Register the generator and an offline math renderer (LaTeX source as code) with Sphinx."""
    app.connect("builder-inited", generate)
    app.connect("autodoc-process-docstring", module_references_as_list, priority=400)
    app.add_html_math_renderer("cloudgeo_plain", (_math_inline, None), (_math_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
