"""Readers of measured round-trip times, one module per source, all returning the tidy table.

The public API; every name is importable as ``cloudgeo.io.X``:

* :mod:`~cloudgeo.io.table` - the tidy measurement table (``src``, ``dst``, ``rtt_ms``,
  ``stat``, ``method``, ``one_way``): :func:`validate_measurements`, :func:`to_round_trip`;
* :mod:`~cloudgeo.io.cloudping` - cloudping.co's JSON matrix (:func:`read_cloudping_json`);
* :mod:`~cloudgeo.io.gcping` - gcping's CSV output (:func:`read_gcping_csv`);
* :mod:`~cloudgeo.io.wondernetwork` - WonderNetwork ping tables (:func:`read_wondernetwork_csv`);
* :mod:`~cloudgeo.io.ripe_atlas` - RIPE Atlas ping results (:func:`read_ripe_atlas`);
* :mod:`~cloudgeo.io.tidy_csv` - a CSV already in the tidy form (:func:`read_measurements_csv`);
* :mod:`~cloudgeo.io.cloudfront` - CloudFront access logs, standard, v2 and real-time
  (:func:`read_cloudfront_logs`, pandas in bounded chunks or dask; :func:`write_cloudfront_log`;
  :class:`LogReadResult`); :mod:`~cloudgeo.io.synthetic` - a seeded log in the real format
  (:func:`synthetic_cloudfront_log`).

Files are untrusted: parsed as data only, never ``pickle`` or ``eval``; a file that is not what
it claims is refused with a :class:`~cloudgeo.errors.DataFileError` naming the file, what was
expected and what was found. CSVs are read in chunks.
"""

from __future__ import annotations

from cloudgeo.io._files import PathOrBuffer
from cloudgeo.io.cloudfront import LogReadResult, read_cloudfront_logs, write_cloudfront_log
from cloudgeo.io.cloudping import read_cloudping_json
from cloudgeo.io.gcping import read_gcping_csv
from cloudgeo.io.ripe_atlas import RIPE_STATS, ProbeDropWarning, read_ripe_atlas
from cloudgeo.io.synthetic import synthetic_cloudfront_log
from cloudgeo.io.table import (
    COORDINATE_COLUMNS,
    METHODS,
    TIDY_COLUMNS,
    is_valid_stat,
    to_round_trip,
    validate_measurements,
)
from cloudgeo.io.tidy_csv import read_measurements_csv
from cloudgeo.io.wondernetwork import read_wondernetwork_csv

__all__ = [
    "COORDINATE_COLUMNS",
    "METHODS",
    "RIPE_STATS",
    "TIDY_COLUMNS",
    "LogReadResult",
    "PathOrBuffer",
    "ProbeDropWarning",
    "is_valid_stat",
    "read_cloudfront_logs",
    "read_cloudping_json",
    "read_gcping_csv",
    "read_measurements_csv",
    "read_ripe_atlas",
    "read_wondernetwork_csv",
    "synthetic_cloudfront_log",
    "to_round_trip",
    "validate_measurements",
    "write_cloudfront_log",
]
