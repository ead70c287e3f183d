"""Downtime budgets: the downtime an availability allows per year, month, week and day.

``downtime = (1 - A) * period``, with an explicit year length (365.2425 days, the mean
Gregorian year as uptime.is uses, or 365 as AWS's table) and month convention (a twelfth of the
year, or 30 days as many SLA calculators).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from cloudgeo._validate import check_choice, check_fraction, check_nonnegative, check_positive
from cloudgeo.availability.blocks import GREGORIAN_YEAR_DAYS, Component, Domain, KOfN, Series
from cloudgeo.errors import InvalidInputError, InvalidTypeError

__all__ = ["downtime", "downtime_table", "format_duration"]

_PERIODS = ("year", "month", "week", "day")
_MONTHS = ("average", "30-day")


class _HasAvailability(Protocol):
    @property
    def availability(self) -> float: ...


def _availability_of(value: object, name: str = "availability") -> float:
    from cloudgeo.availability.montecarlo import MonteCarloResult
    from cloudgeo.availability.presets import ArchitectureResult

    if isinstance(value, Component | Domain | Series | KOfN | ArchitectureResult | MonteCarloResult):
        return float(value.availability)
    return check_fraction(value, name)


_MAX_YEAR_DAYS = 1000.0  # a "year" longer than this is a unit mistake (and overflows timedelta)


def _period_seconds(period: str, year_days: float, month: str) -> float:
    check_choice(period, "period", _PERIODS)
    check_choice(month, "month", _MONTHS)
    y = check_positive(year_days, "year_days", "d")
    if y > _MAX_YEAR_DAYS:
        msg = f"year_days must be at most {_MAX_YEAR_DAYS:g} days (365.2425 normally), got {year_days!r}."
        raise InvalidInputError(msg)
    if period == "year":
        return y * 86400.0
    if period == "month":
        return y * 86400.0 / 12.0 if month == "average" else 30 * 86400.0
    if period == "week":
        return 7 * 86400.0
    return 86400.0


def downtime(
    availability: float | _HasAvailability,
    *,
    period: Literal["year", "month", "week", "day"] = "year",
    year_days: float = GREGORIAN_YEAR_DAYS,
    month: Literal["average", "30-day"] = "average",
) -> _dt.timedelta:
    """Return the expected (or allowed) downtime in a period: ``(1 - A) * period length``.

    Parameters
    ----------
    availability : float or object with ``.availability``
        Availability (a block or result is accepted too). [fraction 0-1]
    period : {"year", "month", "week", "day"}, default "year"
        Budget period.
    year_days : float, default 365.2425
        Year length: 365.2425 (mean Gregorian year, as uptime.is) or 365 (AWS's table). [d]
    month : {"average", "30-day"}, default "average"
        A month is ``year/12`` ("average") or 30 days (as many SLA calculators). [-]

    Returns
    -------
    datetime.timedelta
        Downtime (microsecond resolution). [s]

    References
    ----------
    AWS Well-Architected Reliability Pillar, availability table (365-day year); uptime.is API
    (365.2425-day year: 99.9 % -> 31 556.952 s a year, 8 h 45 m 57 s).

    Examples
    --------
    >>> downtime(0.999).total_seconds()
    31556.952
    >>> format_duration(downtime(0.999, period="week"))
    '10m 4.8s'
    """
    a = _availability_of(availability)
    seconds = _period_seconds(period, year_days, month)
    return _dt.timedelta(seconds=(1.0 - a) * seconds)


def format_duration(value: _dt.timedelta | float) -> str:
    """Format a duration like ``3d 15h 36m``, ``8h 45m 57s`` or ``10m 4.8s``.

    Parameters
    ----------
    value : datetime.timedelta or float
        Duration (a float is seconds). [s]

    Returns
    -------
    str
        Days, hours, minutes and seconds (seconds to 0.1 s, trailing zeros dropped). [-]

    Raises
    ------
    InvalidTypeError
        If ``value`` is neither a timedelta nor a real number.
    InvalidInputError
        If the duration is NaN, infinite or negative.
    """
    s = (
        value.total_seconds()
        if isinstance(value, _dt.timedelta)
        else check_nonnegative(value, "duration", "s")
    )
    if s < 0:
        msg = f"duration must be >= 0 s, got {value!r}."
        raise InvalidInputError(msg)
    s = round(s, 1)
    if s == 0:
        return "0s"
    d, rem = divmod(s, 86400.0)
    h, rem = divmod(rem, 3600.0)
    m, sec = divmod(rem, 60.0)
    out = []
    if d:
        out.append(f"{int(d)}d")
    if h:
        out.append(f"{int(h)}h")
    if m:
        out.append(f"{int(m)}m")
    sec = round(sec, 1)
    if sec:
        out.append(f"{sec:.1f}".rstrip("0").rstrip(".") + "s")
    return " ".join(out)


def downtime_table(
    availabilities: Iterable[float] | pd.Series,
    *,
    year_days: float = GREGORIAN_YEAR_DAYS,
    month: Literal["average", "30-day"] = "average",
) -> pd.DataFrame:
    """Downtime budgets per year, month, week and day for several availabilities.

    Parameters
    ----------
    availabilities : iterable of float or pandas.Series
        Availabilities; a Series keeps its index. [fraction 0-1]
    year_days : float, default 365.2425
        Year length. [d]
    month : {"average", "30-day"}, default "average"
        Month convention. [-]

    Returns
    -------
    pandas.DataFrame
        Columns ``availability`` [fraction 0-1], ``nines`` (``-log10(1 - A)``) [-],
        ``downtime_per_{year,month,week,day}_s`` [s] and ``..._text`` (e.g. ``"8h 45m 57s"``).

    Examples
    --------
    >>> downtime_table([0.999])["downtime_per_year_text"].iloc[0]
    '8h 45m 57s'
    """
    if isinstance(availabilities, pd.Series):
        index = availabilities.index
        values = list(availabilities.to_numpy())
    else:
        if isinstance(availabilities, str) or not isinstance(availabilities, Iterable):
            msg = f"availabilities must be a sequence of fractions, got {availabilities!r}."
            raise InvalidTypeError(msg)
        values = list(availabilities)
        index = pd.RangeIndex(len(values))
    if not values:
        msg = "availabilities is empty; pass at least one availability, e.g. [0.999, 0.9999]."
        raise InvalidInputError(msg)
    a = np.array([check_fraction(v, f"availabilities[{i}]") for i, v in enumerate(values)])
    out = pd.DataFrame({"availability": a}, index=index)
    with np.errstate(divide="ignore"):
        out["nines"] = -np.log10(1.0 - a)
    for p in _PERIODS:
        secs = (1.0 - a) * _period_seconds(p, year_days, month)
        out[f"downtime_per_{p}_s"] = secs
        out[f"downtime_per_{p}_text"] = [format_duration(float(s)) for s in secs]
    return out
