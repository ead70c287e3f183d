"""One validation path for shipped and user-supplied data and for scalar parameters.

Table checks collect every problem and raise one :class:`~cloudgeo.errors.DataValidationError`
listing them; scalar checks raise :class:`~cloudgeo.errors.InvalidInputError` (or
:class:`~cloudgeo.errors.InvalidTypeError`) naming the parameter, the value received and what
is expected.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo.errors import (
    CatalogDateError,
    DataValidationError,
    InvalidInputError,
    InvalidTypeError,
)

__all__ = [
    "check_fraction",
    "check_int",
    "check_nonnegative",
    "check_number",
    "check_positive",
    "check_probability_per_year",
    "check_choice",
    "coordinate_problems",
    "parse_date",
    "points_arrays",
    "raise_if_problems",
    "require_columns",
    "country_codes",
]

_MAX_LISTED = 5


def _rows(index: Sequence[Any] | pd.Index, mask: npt.NDArray[np.bool_]) -> str:
    labels = list(np.asarray(index)[mask][:_MAX_LISTED])
    more = int(mask.sum()) - len(labels)
    text = ", ".join(repr(x.item() if hasattr(x, "item") else x) for x in labels)
    return text + (f" (+{more} more)" if more > 0 else "")


def raise_if_problems(source: str, problems: Sequence[str]) -> None:
    """Raise one :class:`DataValidationError` listing ``problems`` if there are any."""
    if problems:
        raise DataValidationError(source, problems)


def require_columns(df: object, columns: Iterable[str], *, source: str) -> pd.DataFrame:
    """Check that ``df`` is a DataFrame with ``columns``; return it unchanged.

    Raises
    ------
    InvalidTypeError
        If ``df`` is not a :class:`pandas.DataFrame`.
    DataValidationError
        If columns are missing (all missing columns are listed).
    """
    if not isinstance(df, pd.DataFrame):
        msg = f"{source} must be a pandas DataFrame, got {type(df).__name__}."
        raise InvalidTypeError(msg)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataValidationError(
            source,
            [
                f"missing column(s) {missing}; present: {list(map(str, df.columns))}. "
                "Rename your columns or pass the column names as arguments."
            ],
        )
    return df


def _as_float(values: object, name: str, source: str) -> npt.NDArray[np.float64]:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"{source}: column {name!r} must be numeric (decimal degrees), could not convert: {exc}"
        raise DataValidationError(source, [msg]) from None


def coordinate_problems(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    index: Sequence[Any] | pd.Index,
    *,
    lat_name: str = "lat",
    lon_name: str = "lon",
) -> list[str]:
    """List every coordinate problem: NaN, infinite, out of range, likely swapped lat/lon."""
    problems: list[str] = []
    for name, arr, bound in ((lat_name, lat, 90.0), (lon_name, lon, 180.0)):
        problems += nonfinite_problems(name, arr, lambda mask: f"in row(s) {_rows(index, mask)}")
        with np.errstate(invalid="ignore"):
            out = np.isfinite(arr) & (np.abs(arr) > bound)
        if out.any():
            hint = ""
            if name == lat_name:
                with np.errstate(invalid="ignore"):
                    swapped = out & (np.abs(lon) <= 90.0)
                if swapped.any():
                    hint = (
                        f"; these look like longitudes: are {lat_name} and {lon_name} swapped? "
                        "cloudgeo expects (lat, lon)"
                    )
            shown = ", ".join(f"{v:g}" for v in arr[out][:_MAX_LISTED])
            problems.append(
                f"{name} outside [-{bound:g}, {bound:g}] in row(s) {_rows(index, out)} (values {shown}){hint}"
            )
    return problems


def points_arrays(
    points: object,
    *,
    source: str = "points",
    lat: str = "lat",
    lon: str = "lon",
    weight: str | None = None,
    allow_empty: bool = False,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
    """Validate a table of points and return ``(lat, lon, weight)`` as float arrays.

    Parameters
    ----------
    points : pandas.DataFrame
        Table with latitude and longitude columns (decimal degrees, WGS-84).
    source : str
        Name used in error messages (e.g. ``"users"``).
    lat, lon : str
        Column names of latitude and longitude.
    weight : str, optional
        Column with non-negative finite weights; ``None`` means no weight column.
    allow_empty : bool, default False
        Whether an empty table is acceptable.

    Returns
    -------
    tuple of numpy.ndarray
        Latitudes [deg], longitudes [deg] and weights (or ``None``).

    Raises
    ------
    InvalidTypeError, DataValidationError
        On a wrong type, missing columns, empty input, or any bad coordinate or weight.
    """
    cols = [lat, lon] + ([weight] if weight is not None else [])
    df = require_columns(points, cols, source=source)
    if len(df) == 0 and not allow_empty:
        raise DataValidationError(source, ["the table is empty; pass at least one row"])
    la = _as_float(df[lat].to_numpy(), lat, source)
    lo = _as_float(df[lon].to_numpy(), lon, source)
    problems = coordinate_problems(la, lo, df.index, lat_name=lat, lon_name=lon)
    w = None
    if weight is not None:
        w = _as_float(df[weight].to_numpy(), weight, source)
        bad = ~np.isfinite(w)
        if bad.any():
            problems.append(f"{weight} is NaN or infinite in row(s) {_rows(df.index, bad)}")
        with np.errstate(invalid="ignore"):
            neg = np.isfinite(w) & (w < 0)
        if neg.any():
            problems.append(f"{weight} is negative in row(s) {_rows(df.index, neg)}; weights must be >= 0")
        if not problems and len(w) and float(w.sum()) <= 0.0:
            problems.append(f"{weight} sums to zero; at least one weight must be positive")
    raise_if_problems(source, problems)
    return la, lo, w


def check_number(value: object, name: str) -> float:
    """Return ``value`` as a finite float or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{name} must be a real number, got {value!r} ({type(value).__name__})."
        raise InvalidTypeError(msg)
    v = float(value)
    if not math.isfinite(v):
        msg = f"{name} must be finite, got {value!r}."
        raise InvalidInputError(msg)
    return v


def check_positive(value: object, name: str, unit: str = "") -> float:
    """Return ``value`` as a float > 0 or raise naming ``name`` (``unit`` is shown)."""
    v = check_number(value, name)
    if v <= 0:
        msg = f"{name} must be > 0{(' ' + unit) if unit else ''}, got {value!r}."
        raise InvalidInputError(msg)
    return v


def check_nonnegative(value: object, name: str, unit: str = "") -> float:
    """Return ``value`` as a float >= 0 or raise naming ``name`` (``unit`` is shown)."""
    v = check_number(value, name)
    if v < 0:
        msg = f"{name} must be >= 0{(' ' + unit) if unit else ''}, got {value!r}."
        raise InvalidInputError(msg)
    return v


def check_int(value: object, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int (>= ``minimum``) or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        msg = f"{name} must be an integer, got {value!r} ({type(value).__name__})."
        raise InvalidTypeError(msg)
    v = int(value)
    if minimum is not None and v < minimum:
        msg = f"{name} must be >= {minimum}, got {v}."
        raise InvalidInputError(msg)
    return v


def check_fraction(value: object, name: str, *, open_low: bool = False, open_high: bool = False) -> float:
    """Return ``value`` as a fraction in [0, 1] or raise.

    A value in (1, 100] is reported as a likely percentage (``99.9`` instead of ``0.999``).
    """
    v = check_number(value, name)
    low_bad = v <= 0 if open_low else v < 0
    high_bad = v >= 1 if open_high else v > 1
    if low_bad or high_bad:
        lo = "(0" if open_low else "[0"
        hi = "1)" if open_high else "1]"
        msg = f"{name} must be a fraction in {lo}, {hi}, got {value!r}."
        if 1 < v <= 100:
            typed = Decimal(repr(v))
            fraction = format((typed / 100).normalize(), "f")
            msg += (
                f" It looks like a percentage: pass {fraction} instead of {format(typed.normalize(), 'f')}."
            )
        raise InvalidInputError(msg)
    return v


def check_probability_per_year(value: object, name: str) -> float:
    """Return an annual probability in [0, 1] (alias of :func:`check_fraction`)."""
    return check_fraction(value, name)


def check_choice(value: object, name: str, options: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``options`` or raise listing them."""
    if not isinstance(value, str) or value not in options:
        msg = f"{name} must be one of {', '.join(repr(o) for o in options)}; got {value!r}."
        raise InvalidInputError(msg)
    return value


def parse_date(value: object, name: str = "as_of") -> _dt.date:
    """Parse an ISO date (``"2019-12-31"``), ``datetime.date`` or ``pandas.Timestamp``.

    Raises
    ------
    CatalogDateError
        If the value is not a date in ISO format ``YYYY-MM-DD``.
    """
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    msg = (
        f"{name} must be a date in ISO format YYYY-MM-DD (e.g. '2019-12-31') or a "
        f"datetime.date, got {value!r}."
    )
    raise CatalogDateError(msg)


def nonfinite_problems(
    name: str, values: npt.NDArray[np.float64], where: Callable[[npt.NDArray[np.bool_]], str]
) -> list[str]:
    """List NaN and infinite entries of ``values``; ``where(mask)`` names them (rows, times)."""
    problems: list[str] = []
    nan = np.isnan(values)
    if nan.any():
        problems.append(f"{name} is NaN (missing) {where(nan)}")
    inf = np.isinf(values)
    if inf.any():
        problems.append(f"{name} is infinite {where(inf)}")
    return problems


def country_codes(values: object) -> npt.NDArray[np.str_]:
    """Normalise country codes the one way cloudgeo compares them: ``str``, stripped, upper case.

    Parameters
    ----------
    values : scalar or array-like
        Codes as given (ISO 3166-1 alpha-2 expected, any case, surrounding spaces allowed).

    Returns
    -------
    numpy.ndarray of str
        The normalised codes (one-dimensional; a scalar gives one element).
    """
    arr = np.atleast_1d(np.asarray(pd.Series(np.atleast_1d(np.asarray(values, dtype=object))).astype(str)))
    return np.char.upper(np.char.strip(arr.astype(str)))
