"""Public exception hierarchy of cloudgeo.

Every error cloudgeo raises for bad input is a :class:`CloudGeoError` and also the builtin
that fits (``ValueError``, ``KeyError``, ``TypeError`` or ``ImportError``), so both
``except cloudgeo.errors.CloudGeoError`` and ``except ValueError`` work.

Messages say what was wrong, what came in, and what to do.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = [
    "CatalogDateError",
    "CatalogDateWarning",
    "CloudGeoError",
    "DataFileError",
    "DataValidationError",
    "InfeasibleError",
    "InvalidInputError",
    "InvalidTypeError",
    "BadLogLinesWarning",
    "LikelyRadiansWarning",
    "LogFileNotFoundError",
    "MissingDependencyError",
    "NotNumericError",
    "UnknownEdgeLocationError",
    "UnknownNameError",
    "UnknownRegionError",
    "close_matches",
]


class CloudGeoError(Exception):
    """Base class of every error raised by cloudgeo."""


class InvalidInputError(CloudGeoError, ValueError):
    """A parameter or input value is out of its domain (NaN, negative, out of range, ...)."""


class InvalidTypeError(CloudGeoError, TypeError):
    """A parameter has the wrong type (for example a string where a number belongs)."""


class NotNumericError(InvalidTypeError, InvalidInputError):
    """Text, a boolean, a time span, a date or a complex number was given where a number belongs.

    Raised by the one numeric coercion rule (coordinates, counts, RTTs, weights). It is a
    ``TypeError`` (the value has the wrong type) and also a ``ValueError`` (as ``float("x")``
    raises), so either ``except`` works.
    """


class DataValidationError(InvalidInputError):
    """A table (shipped or user-supplied) failed validation.

    All problems found are collected and listed in the message; they are also available as
    the ``problems`` attribute (a tuple of strings).
    """

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        shown = list(self.problems[:20])
        more = len(self.problems) - len(shown)
        lines = "\n".join(f"  - {p}" for p in shown)
        if more > 0:
            lines += f"\n  - ... and {more} more problem(s)"
        msg = f"{source} failed validation with {len(self.problems)} problem(s):\n{lines}"
        super().__init__(msg)


class DataFileError(DataValidationError):
    """A shipped or user data file is missing, corrupted or not in the format it claims."""


class CatalogDateError(InvalidInputError):
    """A date is malformed or outside the range the catalogue covers."""


class CatalogDateWarning(UserWarning):
    """A date after the catalogue's own date was given: results show the catalogue as of its date."""


class LikelyRadiansWarning(UserWarning):
    """Every coordinate of a table lies within +-pi/2 (lat) and +-pi (lon): probably radians.

    cloudgeo takes decimal degrees; convert with ``numpy.degrees`` (or ignore the warning if
    the points really are all in the Gulf of Guinea).
    """


class InfeasibleError(InvalidInputError):
    """The constraints of a decision problem cannot all be met; the message names the binding one."""


class LogFileNotFoundError(CloudGeoError, FileNotFoundError, ValueError):
    """A log path, glob or URL matches no file (a ``FileNotFoundError`` and a ``ValueError``)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        msg = (
            f"no log file matches {pattern!r}; check the path or glob (a glob needs * or ?, a "
            "folder needs a pattern such as 'logs/*.gz')."
        )
        super().__init__(msg)


class BadLogLinesWarning(UserWarning):
    """Log lines were set aside (``errors="collect"``); the message gives the count."""


class MissingDependencyError(CloudGeoError, ImportError):
    """An optional package or system program needed for this feature is not installed."""


def close_matches(name: str, options: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` options that look like ``name`` (case-insensitive).

    Parameters
    ----------
    name : str
        What the user typed.
    options : iterable of str
        The valid names.
    n : int, default 3
        Maximum number of suggestions.

    Returns
    -------
    list of str
        Close matches, best first, in their original spelling.
    """
    opts = list(options)
    lowered = {o.lower(): o for o in opts}
    typed = str(name).lower()
    # characters people confuse when typing codes: l/1, o/0, i/1
    lookalike = str.maketrans({"l": "1", "i": "1", "o": "0"})
    same = [o for low, o in lowered.items() if low.translate(lookalike) == typed.translate(lookalike)]
    hits = difflib.get_close_matches(typed, list(lowered), n=n, cutoff=0.6)
    ranked = same + [lowered[h] for h in hits if lowered[h] not in same]
    return ranked[:n]


class UnknownNameError(CloudGeoError, KeyError):
    """A name or code is not in the catalogue; the message suggests close matches.

    Parameters
    ----------
    kind : str
        What was looked up, e.g. ``"region code"`` or ``"storage class"``.
    name : str
        The unknown name as given.
    options : iterable of str
        The valid names (used for suggestions and, when few, listed in full).
    listing : str, optional
        Where the full list is (a function or command), named when the options are many.
    suggest : iterable of str, optional
        Suggestions to offer first (e.g. ``GB`` for the common but non-ISO ``UK``).
    """

    listing = "the catalogue"

    def __init__(
        self,
        kind: str,
        name: object,
        options: Iterable[str],
        *,
        listing: str | None = None,
        suggest: Iterable[str] = (),
    ) -> None:
        opts = sorted({str(o) for o in options})
        self.kind = kind
        self.name = name
        first = [str(x) for x in suggest]
        self.suggestions = [*first, *(m for m in close_matches(str(name), opts) if m not in first)]
        msg = f"unknown {kind} {name!r}."
        if self.suggestions:
            msg += " Did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        if len(opts) <= 12:
            msg += " Valid values: " + ", ".join(opts) + "."
        else:
            msg += f" There are {len(opts)} valid values; for the full list see {listing or self.listing}."
        self.message = msg
        super().__init__(msg)

    def __str__(self) -> str:
        """Return the plain message (``KeyError`` would otherwise quote it)."""
        return self.message


class UnknownRegionError(UnknownNameError):
    """An AWS region code is not in the catalogue (e.g. ``us-east-l`` for ``us-east-1``)."""

    # the count of valid codes includes regions not open yet and codes only announced, so
    # it can exceed what `cloudgeo regions` lists for one date
    listing = (
        "cloudgeo.load_regions(include_unannounced=True) (load_regions() and the `cloudgeo "
        "regions` command list fewer: only the regions open on a date, by default the catalogue's)"
    )

    def __init__(self, name: object, options: Iterable[str]) -> None:
        super().__init__("region code", name, options)


class UnknownEdgeLocationError(UnknownNameError):
    """An edge-location code is not known to the catalogue nor to ``airportsdata``."""

    listing = "cloudgeo.load_edge_locations() or the `cloudgeo edges` command"

    def __init__(self, name: object, options: Iterable[str]) -> None:
        super().__init__("edge-location code", name, options)
