"""cloudgeo: the geography of AWS infrastructure in a notebook.

Regions, Availability Zones and CloudFront edge locations (now and at any past date), user
latency, S3 durability, the availability of architectures, placement for a user population
and autoscaling, as pandas DataFrames and plotly figures.

Submodules are imported lazily on first use so that ``import cloudgeo`` stays cheap; it never
imports ipywidgets and makes no network call. Widgets live in :mod:`cloudgeo.widgets`.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_SUBMODULES = (
    "availability",
    "catalog",
    "cli",
    "durability",
    "errors",
    "geodesy",
    "latency",
    "measurements",
    "network",
    "placement",
    "plotting",
    "population",
    "report",
    "scaling",
)

# public name -> submodule that defines it (the curated flat API)
_EXPORTS: dict[str, str] = {}

__all__ = sorted([*_SUBMODULES, *_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    """Import submodules and re-exported functions on first access (PEP 562)."""
    if name in _SUBMODULES:
        return importlib.import_module(f"cloudgeo.{name}")
    if name in _EXPORTS:
        module = importlib.import_module(f"cloudgeo.{_EXPORTS[name]}")
        return getattr(module, name)
    msg = f"module 'cloudgeo' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    """List the public API."""
    return sorted(__all__)
