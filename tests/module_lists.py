"""The package's modules by layer, shared by the tests that walk every public callable."""

from __future__ import annotations

#: Compute modules: no plotly or ipywidgets imports (DESIGN.md layers).
COMPUTE_MODULES = (
    "catalog",
    "population",
    "measurements",
    "geodesy",
    "network",
    "latency",
    "durability",
    "availability",
    "placement",
    "scaling",
    "enduser",
    "ripe_atlas",
    "stats",
    "price_classes",
    "traffic",
)
#: Compute subpackages whose public names the modules above re-export (``cloudgeo.io`` behind
#: ``measurements`` and ``ripe_atlas``): checked for layering; their callables are walked
#: through the re-exporting modules.
COMPUTE_SUBPACKAGES = ("io",)
#: Every module with a public ``__all__`` of library functions.
PUBLIC_MODULES = (*COMPUTE_MODULES, "plotting", "report", "widgets")
