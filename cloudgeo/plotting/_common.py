"""Helpers shared by the chart modules of :mod:`cloudgeo.plotting` (maps and decisions).

Owns the seeded, weight-proportional sample of users drawn on a map, the check of the
``max_points`` argument and the read of a result's attribute, so that no chart module imports
another.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from cloudgeo._validate import check_int
from cloudgeo.errors import InvalidTypeError

__all__ = ["check_max_points", "result_attr", "sample_rows"]


_PLACEMENT_RESULT = "the PlacementResult from cloudgeo.placement.optimize_placement"


def result_attr(result: object, name: str, expected: str = _PLACEMENT_RESULT) -> Any:
    """Return ``result.<name>``, or raise InvalidTypeError saying which result to pass."""
    if not hasattr(result, name):
        msg = f"result has no {name!r} (got {type(result).__name__}); pass {expected}."
        raise InvalidTypeError(msg)
    return getattr(result, name)


def check_max_points(max_points: object) -> int:
    """Return ``max_points`` as an int >= 1 or raise InvalidInputError / InvalidTypeError."""
    return check_int(max_points, "max_points", minimum=1)


# the last few samples drawn: (n, max_points, seed, a copy of the weights, rows), newest last
_SAMPLES: list[tuple[int, int, int, np.ndarray | None, np.ndarray]] = []
_SAMPLES_KEPT = 4
_LOCK = threading.Lock()  # widgets may redraw from several threads


def sample_rows(n: int, max_points: int, weights: np.ndarray | None, seed: int) -> np.ndarray:
    """Return the rows to draw: all if n <= max_points, else a seeded weight-proportional sample.

    A sample is a pure function of its arguments; the last few are kept (with a copy of their
    weights, compared exactly) because a widget redraws the same users on every change and
    drawing 5,000 of 34,000 without replacement takes ~2.5 ms. The rows are read-only.
    """
    if n <= max_points:
        return np.arange(n)
    with _LOCK:
        return _cached_sample(n, max_points, weights, seed)


def _cached_sample(n: int, max_points: int, weights: np.ndarray | None, seed: int) -> np.ndarray:
    for i, (n_k, m_k, s_k, w_k, rows_k) in enumerate(_SAMPLES):
        if (n_k, m_k, s_k) == (n, max_points, seed) and (
            (w_k is None and weights is None)
            or (w_k is not None and weights is not None and np.array_equal(w_k, weights))
        ):
            _SAMPLES.append(_SAMPLES.pop(i))
            return rows_k
    rng = np.random.default_rng(seed)
    p = None
    if weights is not None and float(weights.sum()) > 0 and int((weights > 0).sum()) >= max_points:
        p = weights / weights.sum()
    rows = np.sort(rng.choice(n, size=max_points, replace=False, p=p))
    rows.setflags(write=False)
    _SAMPLES.append((n, max_points, seed, None if weights is None else weights.copy(), rows))
    del _SAMPLES[:-_SAMPLES_KEPT]
    return rows
