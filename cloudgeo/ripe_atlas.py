"""The RIPE Atlas reader, under its former name: the code lives in :mod:`cloudgeo.io.ripe_atlas`.

Kept so that ``cloudgeo.ripe_atlas.X`` keeps working for every public name; new code imports
from :mod:`cloudgeo.io`.
"""

from __future__ import annotations

from cloudgeo.io import PathOrBuffer  # noqa: F401 - outside __all__, importable as before
from cloudgeo.io.ripe_atlas import (  # noqa: F401 - names outside __all__ stay importable as before
    RIPE_STATS,
    ProbeDropWarning,
    read_ripe_atlas,
)

__all__ = ["ProbeDropWarning", "read_ripe_atlas"]
