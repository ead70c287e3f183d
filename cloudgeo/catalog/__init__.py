"""The catalogue of AWS's global infrastructure: regions, AZs, edge locations, storage, SLAs.

The public API; every name is importable as ``cloudgeo.catalog.X``:

* :mod:`~cloudgeo.catalog.regions` - regions and Availability Zones at any date
  (:func:`load_regions`, :func:`get_regions`, :func:`load_availability_zones`);
* :mod:`~cloudgeo.catalog.edges` - CloudFront edge locations (dated lists), regional edge
  caches and the network's headline figures (:func:`load_edge_locations`,
  :func:`load_regional_edge_caches`, :func:`edge_network_headline`);
* :mod:`~cloudgeo.catalog.lookup` - CloudFront log codes to edge locations
  (:func:`lookup_edge_location`);
* :mod:`~cloudgeo.catalog.services` - storage classes and SLAs;
* :mod:`~cloudgeo.catalog.check` - the freshness check against botocore (:func:`check_catalog`).

Every loader parses and validates its shipped file (``data/*.csv``, provenance in
``data/SOURCES.md``) once, caches the parsed table and returns a fresh copy on each call.
Shipped and user tables go through the same validation, which collects every problem and raises
one :class:`~cloudgeo.errors.DataValidationError`; a broken shipped file raises
:class:`~cloudgeo.errors.DataFileError`. ``as_of=`` (ISO string, date or Timestamp; ``None``:
the catalogue's own date, :func:`catalog_date`, never the wall clock) selects the regions open
and the newest edge list published on that date.
"""

from __future__ import annotations

from cloudgeo._asof import catalog_date, resolve_as_of  # noqa: F401 - resolve_as_of: importable as before
from cloudgeo.catalog import edges, lookup, regions, services
from cloudgeo.catalog.check import EXCLUDED_PARTITION_PREFIX, check_catalog
from cloudgeo.catalog.edges import (
    EDGE_CODE_PATTERN,
    EdgeNetworkHeadline,
    edge_network_headline,
    edge_snapshot_dates,
    load_edge_locations,
    load_regional_edge_caches,
    read_edge_locations,
    validate_edge_locations,
)
from cloudgeo.catalog.lookup import lookup_edge_location
from cloudgeo.catalog.regions import (
    DEFAULT_PARTITIONS,
    FIRST_REGION_DATE,
    PARTITIONS,
    get_regions,
    load_availability_zones,
    load_regions,
    read_regions,
    validate_regions,
)
from cloudgeo.catalog.services import get_sla, get_storage_class, load_slas, load_storage_classes

__all__ = [
    "DEFAULT_PARTITIONS",
    "EDGE_CODE_PATTERN",
    "EXCLUDED_PARTITION_PREFIX",
    "FIRST_REGION_DATE",
    "PARTITIONS",
    "EdgeNetworkHeadline",
    "catalog_date",
    "check_catalog",
    "edge_network_headline",
    "edge_snapshot_dates",
    "get_regions",
    "get_sla",
    "get_storage_class",
    "load_availability_zones",
    "load_edge_locations",
    "load_regional_edge_caches",
    "load_regions",
    "load_slas",
    "load_storage_classes",
    "lookup_edge_location",
    "read_edge_locations",
    "read_regions",
    "validate_edge_locations",
    "validate_regions",
]


def _clear_caches() -> None:
    """Forget every parsed shipped table (used by tests that swap the data folder)."""
    for fn in (regions._regions_all, regions._opened_dates, regions._azs_all, edges._edges_all,
               lookup._country_names, edges._recs_all, services._storage_all, services._slas_all,
               lookup._airports, edges._headline):  # fmt: skip
        fn.cache_clear()
