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
import warnings
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
    LikelyRadiansWarning,
    NotNumericError,
)

__all__ = [
    "check_fraction",
    "check_int",
    "check_nonnegative",
    "check_number",
    "check_positive",
    "check_probability_per_year",
    "check_bool",
    "check_seed",
    "check_text",
    "check_thresholds",
    "check_choice",
    "coordinate_problems",
    "numeric_array",
    "numeric_reason",
    "parse_date",
    "points_arrays",
    "raise_if_problems",
    "require_columns",
    "country_codes",
    "require_unique_index",
    "warn_if_radians",
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
    columns = list(columns)
    bad = [c for c in columns if not isinstance(c, str)]
    if bad:
        msg = f"{source}: column names must be strings, got {bad[0]!r} ({type(bad[0]).__name__})."
        raise InvalidTypeError(msg)
    if isinstance(df.columns, pd.MultiIndex):
        msg = (
            f"{source} has MultiIndex columns {list(df.columns)[:5]}; flatten them first "
            "(e.g. df.columns = ['_'.join(map(str, c)) for c in df.columns])."
        )
        raise DataValidationError(source, [msg])
    dup = sorted({str(c) for c in columns if c in df.columns and int((df.columns == c).sum()) > 1})
    if dup:
        raise DataValidationError(
            source, [f"duplicate column(s) {dup}; keep one of each (df.loc[:, ~df.columns.duplicated()])"]
        )
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


def _as_float(
    values: object, name: str, source: str, what: str = "decimal degrees"
) -> npt.NDArray[np.float64]:
    arr, why = numeric_reason(values)
    if arr is None:
        msg = f"{source}: column {name!r} must be numeric ({what}), could not convert: {why}"
        raise DataValidationError(source, [msg])
    return arr


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
    la = _as_float(df[lat], lat, source)
    lo = _as_float(df[lon], lon, source)
    problems = coordinate_problems(la, lo, df.index, lat_name=lat, lon_name=lon)
    w = None
    if weight is not None:
        w = _as_float(df[weight], weight, source, "non-negative weights")
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
    warn_if_radians(la, lo, source=source)
    return la, lo, w


#: Rows a table needs before "every point within +-pi/2, +-pi of (0, 0)" is taken as a sign of
#: radians (fewer points there are plausible: toy tables, a few sites in the Gulf of Guinea). [-]
RADIANS_MIN_ROWS = 12


def warn_if_radians(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], *, source: str) -> None:
    """Warn (:class:`~cloudgeo.errors.LikelyRadiansWarning`) if coordinates look like radians.

    That is: at least :data:`RADIANS_MIN_ROWS` points, all with ``|lat| <= pi/2`` and
    ``|lon| <= pi``, not all whole numbers, and spread out (at least 3 distinct values and a
    range of 0.05 or more in each coordinate, as real users are).
    """
    if lat.size < RADIANS_MIN_ROWS:
        return
    if not (np.all(np.abs(lat) <= math.pi / 2) and np.all(np.abs(lon) <= math.pi)):
        return
    if np.all(lat == np.round(lat)) and np.all(lon == np.round(lon)):
        return
    for x in (lat, lon):
        if np.unique(x).size < 3 or float(np.ptp(x)) < 0.05:
            return
    msg = (
        f"{source}: all {lat.size} coordinates lie within +-{math.pi / 2:.4f} (lat) and "
        f"+-{math.pi:.4f} (lon) of (0, 0); they look like radians. cloudgeo expects decimal "
        "degrees: convert with numpy.degrees(...)."
    )
    warnings.warn(msg, LikelyRadiansWarning, stacklevel=3)


def require_unique_index(df: pd.DataFrame, *, source: str) -> None:
    """Raise a :class:`DataValidationError` naming repeated row labels of ``df``."""
    if not df.index.is_unique:
        dup = list(dict.fromkeys(df.index[df.index.duplicated()].tolist()))
        shown = ", ".join(repr(x) for x in dup[:_MAX_LISTED]) + (" ..." if len(dup) > _MAX_LISTED else "")
        raise DataValidationError(
            source, [f"row labels must be unique, {shown} repeat(s); drop duplicates or reset_index()"]
        )


def check_number(value: object, name: str) -> float:
    """Return ``value`` as a finite float or raise naming ``name`` (booleans and time spans refused)."""
    if isinstance(value, bool | np.timedelta64) or not isinstance(value, numbers.Real):
        msg = f"{name} must be a real number, got {value!r} ({type(value).__name__})."
        raise InvalidTypeError(msg)
    try:
        v = float(value)
    except OverflowError:  # an int beyond 1.8e308
        v = math.inf
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
    """Return ``value`` as an int (>= ``minimum``) or raise naming ``name`` (booleans refused)."""
    if isinstance(value, bool | np.timedelta64) or not isinstance(value, numbers.Integral):
        msg = f"{name} must be an integer, got {value!r} ({type(value).__name__})."
        raise InvalidTypeError(msg)
    v = int(value)
    if minimum is not None and v < minimum:
        msg = f"{name} must be >= {minimum}, got {v}."
        raise InvalidInputError(msg)
    return v


def check_thresholds(value: object, name: str = "thresholds_ms") -> list[float]:
    """Return RTT thresholds [ms] as a list of floats >= 0; one number means one threshold.

    Raises
    ------
    InvalidTypeError
        For text or a non-iterable that is not a number.
    InvalidInputError
        For a negative, NaN or infinite threshold.
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = [value]
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"{name} must be a number or a sequence of numbers [ms], got {value!r}."
        raise InvalidTypeError(msg)
    return [check_nonnegative(t, name, "ms") for t in value]


def check_text(value: object, name: str, *, optional: bool = False) -> Any:
    """Return ``value`` if it is a string (or ``None`` when ``optional``), else raise naming ``name``."""
    if (optional and value is None) or isinstance(value, str):
        return value
    msg = f"{name} must be a string{' or None' if optional else ''}, got {value!r} ({type(value).__name__})."
    raise InvalidTypeError(msg)


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` if it is ``True`` or ``False`` (numpy booleans too), else raise naming ``name``."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    msg = f"{name} must be True or False, got {value!r} ({type(value).__name__})."
    raise InvalidTypeError(msg)


def check_seed(value: object, name: str = "seed", *, allow_generator: bool = False) -> Any:
    """Return a random seed: ``None``, a non-negative integer or (if allowed) a Generator.

    Raises
    ------
    InvalidTypeError
        For floats, text, booleans and other objects.
    InvalidInputError
        For a negative integer.
    """
    if value is None or (allow_generator and isinstance(value, np.random.Generator)):
        return value
    if isinstance(value, bool | np.bool_ | np.timedelta64) or not isinstance(value, numbers.Integral):
        what = "a non-negative integer" + (", a numpy Generator" if allow_generator else "") + " or None"
        msg = f"{name} must be {what}, got {value!r} ({type(value).__name__})."
        raise InvalidTypeError(msg)
    if int(value) < 0:
        msg = f"{name} must be a non-negative integer, got {value!r}."
        raise InvalidInputError(msg)
    return int(value)


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
    if value is pd.NaT:  # a datetime subclass that is no date
        msg = f"{name} is NaT (a missing date); pass a date in ISO format YYYY-MM-DD (e.g. '2019-12-31')."
        raise CatalogDateError(msg)
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


# --------------------------------------------------------------------------------------------
# the one numeric coercion rule (coordinates, counts, RTTs, weights, ...)
# --------------------------------------------------------------------------------------------


def _wrong_kind(x: object) -> str | None:
    """Name the kind of a scalar that is not a number (``None`` for numbers and missing values)."""
    if isinstance(x, np.timedelta64 | _dt.timedelta):
        return "a time span"
    if isinstance(x, np.datetime64 | _dt.date):
        return "a date"
    if isinstance(x, str | bytes):
        return "text"
    if isinstance(x, bool | np.bool_):
        return "a boolean"
    if isinstance(x, complex | np.complexfloating):
        return "a complex number"
    if x is None or x is pd.NA or isinstance(x, numbers.Real):
        return None
    return f"a {type(x).__name__}"


def _kind_of_dtype(dtype: Any) -> str | None:
    """Name the kind of a dtype that does not hold plain numbers (``None`` for numeric dtypes)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_bool_dtype(dtype):
        return "a boolean"
    if pd.api.types.is_complex_dtype(dtype):
        return "a complex number"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "a time span"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "a date"
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return "text"
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        return None  # object arrays are checked element by element
    return f"dtype {dtype}"


def numeric_reason(value: object) -> tuple[npt.NDArray[np.float64] | None, str]:
    """Apply the numeric coercion rule: return ``(floats, "")`` or ``(None, why not)``.

    Accepted: Python and numpy integers and floats, arrays/lists/Series of them (numpy, nullable
    ``Int64``/``Float64`` and pyarrow-backed dtypes); missing values (``None``, ``pd.NA``, NaN)
    become NaN for the caller's finiteness check. Refused, however they are wrapped: text
    (numpy would parse ``"0"`` as 0.0), booleans, time spans, dates and complex numbers.
    """
    if isinstance(value, pd.DataFrame):
        return None, "a DataFrame (pass one column)"
    if isinstance(value, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        why = _kind_of_dtype(value.dtype)
        if why is not None:
            return None, f"{why} (dtype {value.dtype})"
        if not pd.api.types.is_object_dtype(value.dtype):
            try:
                return np.asarray(value.to_numpy(dtype=np.float64, na_value=np.nan)), ""
            except (TypeError, ValueError) as exc:
                return None, f"not convertible to float ({exc})"
        value = np.asarray(value, dtype=object)
    if not isinstance(value, np.ndarray):
        why = _wrong_kind(value)
        if why is not None and not isinstance(value, list | tuple):
            return None, why
        try:
            value = np.asarray(value, dtype=object) if isinstance(value, list | tuple) else np.asarray(value)
        except (TypeError, ValueError):
            return None, "a ragged or nested sequence"
    arr: npt.NDArray[Any] = value
    if arr.dtype.kind == "O":
        for x in arr.ravel():
            why = _wrong_kind(x)
            if why is not None:
                return None, f"{why} ({x!r})"
        try:
            arr = np.array(
                [np.nan if (x is None or x is pd.NA) else x for x in arr.ravel()], dtype=np.float64
            )
        except OverflowError:
            return None, "a number beyond the float range (~1.8e308)"
        return arr.reshape(value.shape), ""
    why = _kind_of_dtype(arr.dtype)
    if why is not None or arr.dtype.kind not in "iuf":
        return None, f"{why or 'not a number'} (dtype {arr.dtype})"
    return np.asarray(arr, dtype=np.float64), ""


def numeric_array(value: object, name: str, *, expected: str = "a number or an array of numbers") -> Any:
    """Return ``value`` as a float array (0-d for a scalar) under the one numeric coercion rule.

    Raises
    ------
    NotNumericError
        For text, booleans, time spans, dates or complex numbers (see :func:`numeric_reason`),
        naming ``name``, what came in and what is ``expected``.
    """
    arr, why = numeric_reason(value)
    if arr is None:
        if isinstance(value, pd.Series | pd.Index | pd.api.extensions.ExtensionArray | np.ndarray):
            shown = f"a {type(value).__name__}"
        else:
            shown = repr(value)
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
        msg = f"{name} must be {expected}, got {shown}: {why} is not a number."
        raise NotNumericError(msg)
    return arr
