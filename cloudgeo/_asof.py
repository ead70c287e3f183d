"""What "now" means in cloudgeo: the catalogue's own date, never the wall clock.

The shipped catalogue records the date it describes in ``data/catalog.json``. Every
``as_of=None`` in the library means that date, so results are the same on any day they are
computed. A later date is accepted (the catalogue knows nothing newer) with a
:class:`~cloudgeo.errors.CatalogDateWarning` naming the catalogue's date.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import warnings

from cloudgeo._data import data_path
from cloudgeo._validate import parse_date
from cloudgeo.errors import CatalogDateWarning, DataFileError

__all__ = ["catalog_date", "resolve_as_of"]


@functools.cache
def catalog_date() -> _dt.date:
    """Return the date the shipped catalogue describes (``data/catalog.json``).

    Returns
    -------
    datetime.date
        The catalogue's own date: what ``as_of=None`` means everywhere in cloudgeo. [date]

    Raises
    ------
    DataFileError
        If ``data/catalog.json`` is missing or has no valid ``catalog_date``.

    Examples
    --------
    >>> from cloudgeo.catalog import catalog_date
    >>> catalog_date().isoformat()
    '2026-12-04'
    """
    path = data_path("catalog.json")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))["catalog_date"]
        return _dt.date.fromisoformat(str(raw))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataFileError("catalog.json", [f"no valid 'catalog_date' in {path}: {exc}"]) from None


def resolve_as_of(value: object, name: str = "as_of") -> _dt.date:
    """Parse an ``as_of`` argument; ``None`` is :func:`catalog_date`.

    Parameters
    ----------
    value : str, datetime.date, pandas.Timestamp or None
        The date asked for (ISO ``YYYY-MM-DD``). [date]
    name : str, default "as_of"
        The argument's name, for messages.

    Returns
    -------
    datetime.date
        The date. A date after :func:`catalog_date` is returned unchanged, with a
        :class:`~cloudgeo.errors.CatalogDateWarning` (results show the catalogue as of its date).

    Raises
    ------
    CatalogDateError
        If ``value`` is not a date.
    """
    latest = catalog_date()
    if value is None:
        return latest
    day = parse_date(value, name)
    if day > latest:
        warnings.warn(
            f"{name}={day.isoformat()} is after the catalogue's date {latest.isoformat()}: the "
            f"shipped data knows nothing newer, so results show AWS as of {latest.isoformat()}. "
            "Pass as_of=None for the catalogue's date or update cloudgeo for newer data.",
            CatalogDateWarning,
            stacklevel=3,
        )
    return day
