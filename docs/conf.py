"""Sphinx configuration for the cloudgeo documentation (built offline by ``make docs``)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))
(HERE / "_generated_static").mkdir(exist_ok=True)  # filled by cloudgeo_docgen at builder-inited

import cloudgeo  # noqa: E402

project = "cloudgeo"
author = "cloudgeo developers"
copyright = "cloudgeo developers"
version = release = cloudgeo.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",
    "sphinx_design",
    "cloudgeo_docgen",
]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"

# autodoc / numpydoc: the signatures keep their annotations; numpydoc renders the sections
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# the tutorials: stored outputs only, never executed here
nb_execution_mode = "off"
nb_output_stderr = "show"
nb_merge_streams = True

# offline: no intersphinx, no remote fonts, scripts or math renderer
html_theme = "pydata_sphinx_theme"
html_title = f"cloudgeo {release}"
html_static_path = ["_generated_static"]
html_js_files = ["plotly.min.js", "cloudgeo.js"]
html_css_files = ["cloudgeo.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_show_sourcelink = False
html_copy_source = False
html_math_renderer = "cloudgeo_plain"  # no MathJax download: LaTeX shown as code
