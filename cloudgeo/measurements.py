"""Readers of measured round-trip times, under their former name: the code lives in :mod:`cloudgeo.io`.

Kept so that ``cloudgeo.measurements.X`` keeps working for every public name; new code imports
from :mod:`cloudgeo.io` (one module per source, the tidy table in :mod:`cloudgeo.io.table`).
"""

from __future__ import annotations

from cloudgeo.io import (  # noqa: F401 - names outside __all__ stay importable as before
    COORDINATE_COLUMNS,
    METHODS,
    TIDY_COLUMNS,
    PathOrBuffer,
    is_valid_stat,
    read_cloudping_json,
    read_gcping_csv,
    read_measurements_csv,
    read_wondernetwork_csv,
    to_round_trip,
    validate_measurements,
)

__all__ = [
    "COORDINATE_COLUMNS",
    "METHODS",
    "TIDY_COLUMNS",
    "is_valid_stat",
    "read_cloudping_json",
    "read_gcping_csv",
    "read_measurements_csv",
    "read_wondernetwork_csv",
    "to_round_trip",
    "validate_measurements",
]
