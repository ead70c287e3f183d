"""Weighted quantiles: the one definition every cloudgeo statistic uses.

The weighted ``q``-quantile of values ``x_i`` with weights ``w_i`` is the smallest ``x`` such
that the weight of values ``<= x`` reaches ``q`` times the total weight (the inverted empirical
CDF; numpy's ``np.quantile(x, q, weights=w, method="inverted_cdf")`` is the reference). An
optional relative tolerance lowers the target by ``rtol`` times the total, so a cumulative
weight that misses it only by rounding still counts. Long arrays locate the quantile's bin by a
weighted count over equal-width bins and sort only that bin (falling back to the full sort when
a cumulative weight is within rounding of the target): the same value, faster.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from cloudgeo._validate import numeric_array
from cloudgeo.errors import DataValidationError, InvalidInputError

__all__ = ["weighted_quantile"]

FloatArray = npt.NDArray[np.float64]

# arrays at least this long get their quantile from weighted bin counts (below: one sort)
_BINNED_MIN = 4096
_BINS = 2048


def weighted_quantile(values: FloatArray, weights: FloatArray, q: float, *, rtol: float = 0.0) -> float:
    """Weighted quantile by the inverted empirical CDF.

    Parameters
    ----------
    values : numpy.ndarray of float
        One-dimensional sample; ``+inf`` is allowed (e.g. an unreachable user), NaN is not. [any]
    weights : numpy.ndarray of float
        Non-negative weights, same length, positive sum. [-]
    q : float
        Quantile. [fraction 0-1]
    rtol : float, default 0
        Relative tolerance on the target weight ``q * total`` (0: numpy's definition exactly). [-]

    Returns
    -------
    float
        The smallest value whose cumulative weight reaches ``q * total - rtol * total``; the
        largest value when none does (only by rounding). [unit of ``values``]

    Raises
    ------
    InvalidInputError
        ``q`` or ``rtol`` outside [0, 1].
    DataValidationError
        Empty or mismatched arrays, NaN values, negative or non-finite weights, zero total weight.

    References
    ----------
    Hyndman, R. J., Fan, Y. (1996). Sample quantiles in statistical packages. The American
    Statistician 50(4), 361-365 (definition 1, the inverted empirical CDF).

    Examples
    --------
    >>> import numpy as np
    >>> weighted_quantile(np.array([10.0, 20.0, 30.0]), np.array([1.0, 1.0, 2.0]), 0.5)
    20.0
    """
    if not (isinstance(q, int | float) and 0.0 <= q <= 1.0):
        msg = f"q must be a quantile between 0 and 1, got {q!r}."
        raise InvalidInputError(msg)
    if not (isinstance(rtol, int | float) and 0.0 <= rtol <= 1.0):
        msg = f"rtol must be between 0 and 1, got {rtol!r}."
        raise InvalidInputError(msg)
    v = _floats(values, "values")
    w = _floats(weights, "weights")
    if v.ndim != 1 or v.shape != w.shape or len(v) == 0:
        msg = f"values and weights must be non-empty 1-d arrays of one length, got {v.shape} and {w.shape}"
        raise DataValidationError("weighted_quantile", [msg])
    if len(v) >= _BINNED_MIN:
        value = _binned_quantile(v, w, float(q), float(rtol))
        if value is not None:
            return value
    return _sorted_quantile(v, w, float(q), float(rtol))


def _floats(value: object, name: str) -> FloatArray:
    """``value`` as a float64 array: float arrays as they are, anything else by the numeric rule."""
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value
    return np.asarray(numeric_array(value, name, expected="an array of numbers"), dtype=np.float64)


def _check(values: FloatArray, weights: FloatArray, total: float) -> None:
    """Raise for NaN values or bad weights (called where a sum or sort would hide them)."""
    problems = []
    if np.isnan(values).any():
        problems.append("values hold NaN")
    if not (math.isfinite(total) and total > 0 and float(weights.min()) >= 0):
        problems.append("weights must be finite, >= 0 and sum to more than 0")
    if problems:
        raise DataValidationError("weighted_quantile", problems)


def _binned_quantile(values: FloatArray, weights: FloatArray, q: float, rtol: float) -> float | None:
    """:func:`_sorted_quantile` from a weighted count over ``_BINS`` equal-width bins.

    The count finds the bin holding the quantile (binning is monotone) and only that bin's
    values are sorted. None (sort instead) when a cumulative weight lies closer to the target
    than the rounding of the sums could move it (n eps of the total, slack 8), and for
    non-finite or constant values: the value is then exactly the sorted definition's.
    """
    lo, hi = float(values.min()), float(values.max())
    if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
        return None  # NaN, inf or constant: the sorted path checks and decides
    bins = ((values - lo) * ((_BINS - 1) / (hi - lo))).astype(np.intp)
    np.minimum(bins, _BINS - 1, out=bins)
    cum = np.cumsum(np.bincount(bins, weights=weights, minlength=_BINS))
    total = float(cum[-1])
    if not (math.isfinite(total) and total > 0 and float(weights.min()) >= 0):
        _check(values, weights, total)
    target = q * total - rtol * total
    margin = 8.0 * float(np.finfo(np.float64).eps) * (len(values) + _BINS) * total
    b = int(np.searchsorted(cum, target, side="left"))
    if b >= _BINS:
        return None
    below = float(cum[b - 1]) if b else 0.0
    if cum[b] - target <= margin or target - below <= margin:
        return None
    idx = np.flatnonzero(bins == b)
    vals = values[idx]
    srt = np.argsort(vals, kind="stable")
    cw = below + np.cumsum(weights[idx][srt])
    at = int(np.searchsorted(cw, target, side="left"))
    if at == len(cw):
        return None
    before = float(cw[at - 1]) if at else below
    if cw[at] - target <= margin or target - before <= margin:
        return None
    return float(vals[srt[at]])


def _sorted_quantile(values: FloatArray, weights: FloatArray, q: float, rtol: float) -> float:
    """:func:`weighted_quantile` by a stable sort of every value (the definition)."""
    order = np.argsort(values, kind="stable")
    cw = np.cumsum(weights[order])
    total = float(cw[-1])
    if np.isnan(values).any() or not (math.isfinite(total) and total > 0 and float(weights.min()) >= 0):
        _check(values, weights, total)
    target = q * total - rtol * total
    # a target of 0 (q = 0) is reached by the first value of positive weight, as in numpy
    idx = int(
        np.searchsorted(cw, target, side="left") if target > 0 else np.searchsorted(cw, 0.0, side="right")
    )
    return float(values[order][min(idx, len(cw) - 1)])
