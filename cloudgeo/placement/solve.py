"""Method dispatch: which solver answers a placement problem (greedy, exact mean, exact threshold).

Owns :func:`_solve`, which runs the greedy (as a bound and for ``greedy_gap``), then the exact
solver for the objective, and the lowest-mean tie-break among optimal choices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cloudgeo.errors import (
    InfeasibleError,
)
from cloudgeo.placement._types import BoolArray, FloatArray
from cloudgeo.placement.exact.fastpaths import (
    _coverage_by_filter,
    _covering_tie_break,
    _filter_applies,
    enabled,
)
from cloudgeo.placement.exact.median import _solve_mean
from cloudgeo.placement.exact.threshold import _max_coverage, _solve_threshold
from cloudgeo.placement.greedy import _greedy
from cloudgeo.placement.objectives import _QUANTILE_RTOL
from cloudgeo.placement.problem import _cover_sets, _infeasible, _Problem, _value

_Side = list[tuple[BoolArray, FloatArray, float]]


@dataclass(frozen=True)
class _Solution:
    """A solved placement: the sites chosen, the method used, the relative gap [-].

    ``greedy_value`` is the greedy choice's objective value (None when the greedy could not meet
    the constraints).
    """

    chosen: BoolArray
    method: str
    gap: float
    greedy_value: float | None


@dataclass(frozen=True)
class _Task:
    """What :func:`_solve` was asked (the problem and its options)."""

    prob: _Problem
    objective: str
    q: float | None
    threshold_ms: float | None
    time_limit_s: float | None
    prefer: str


def _solve(
    prob: _Problem,
    objective: str,
    q: float | None,
    threshold_ms: float | None,
    min_share: float | None,
    method: str,
    time_limit_s: float | None,
    prefer: str,
) -> _Solution:
    """Solve ``prob`` for ``objective`` by ``method`` ("greedy" or "exact")."""
    task = _Task(prob, objective, q, threshold_ms, time_limit_s, prefer)
    greedy = _greedy(prob, objective, q, threshold_ms)
    greedy_value = _value(prob, greedy, objective, q, threshold_ms) if greedy is not None else None
    side: _Side = []
    if min_share is not None:
        side = _min_share_side(task, min_share)
        greedy_ok = (
            greedy is not None
            and _value(prob, greedy, "coverage", None, threshold_ms) >= min_share - _QUANTILE_RTOL
        )
        if not greedy_ok:
            greedy, greedy_value = None, None
    if method == "greedy":
        if greedy is None:
            msg = (
                "the greedy method could not meet the constraints (residency"
                f"{' or min_share' if min_share is not None else ''}); use method='exact'."
            )
            raise InfeasibleError(msg)
        return _Solution(greedy, "greedy", math.nan, greedy_value)
    if objective == "mean":
        return _exact_mean(task, side, greedy, greedy_value)
    if objective == "coverage":
        return _exact_coverage(task, side, greedy, greedy_value)
    return _exact_threshold(task, side, greedy, greedy_value)


def _min_share_side(task: _Task, min_share: float) -> _Side:
    """Return the ``min_share`` side constraint (an error naming the best share if it cannot hold)."""
    prob, threshold_ms = task.prob, task.threshold_ms
    assert threshold_ms is not None
    best = _max_coverage(prob, threshold_ms, task.time_limit_s, task.prefer)
    if best.chosen is None or best.share < min_share - _QUANTILE_RTOL:
        msg = (
            f"min_share binds: at most {best.share:.4f} of the user weight can be within "
            f"threshold_ms={threshold_ms:g} ms with k={prob.k} sites (asked for {min_share:g}); "
            "raise k or threshold_ms, or lower min_share."
        )
        raise InfeasibleError(msg)
    sets, weights = _cover_sets(prob, threshold_ms, positive_only=False)
    return [(sets, weights, min_share - _QUANTILE_RTOL)]


def _exact_mean(task: _Task, side: _Side, greedy: BoolArray | None, greedy_value: float | None) -> _Solution:
    prob = task.prob
    mean = _solve_mean(prob, side, None, task.time_limit_s, task.prefer, greedy)
    chosen, used = mean.chosen, mean.method
    if chosen is None or (
        not mean.proven
        and greedy_value is not None
        and greedy_value < _value(prob, chosen, "mean", None, None)
    ):
        if mean.proven or greedy is None:
            raise _infeasible(prob)
        chosen, used = greedy, "greedy"  # time limit hit: the greedy solution is better
    value = _value(prob, chosen, "mean", None, None)
    gap = 0.0 if mean.proven else _relative_gap(value, mean.bound)
    return _Solution(chosen, used, gap, greedy_value)


def _exact_coverage(
    task: _Task, side: _Side, greedy: BoolArray | None, greedy_value: float | None
) -> _Solution:
    prob, threshold_ms, time_limit_s, prefer = task.prob, task.threshold_ms, task.time_limit_s, task.prefer
    assert threshold_ms is not None
    if greedy_value is not None and enabled().listing and _filter_applies(prob, side, time_limit_s, prefer):
        fast = _coverage_by_filter(prob, threshold_ms, greedy_value, prefer)
        if fast is not None:
            return _Solution(fast[0], fast[1], 0.0, greedy_value)
    cov = _max_coverage(prob, threshold_ms, time_limit_s, prefer)
    chosen, share, used = cov.chosen, cov.share, cov.method
    if chosen is None or (not cov.proven and greedy_value is not None and greedy_value > share):
        if cov.proven or greedy is None or greedy_value is None:
            raise _infeasible(prob)
        chosen, share, used = greedy, greedy_value, "greedy"  # time limit hit
    # tie-break: lowest mean among the maximal-coverage choices (listed when few, else a MILP)
    tb = (
        _covering_tie_break(prob, "coverage", None, share, threshold_ms)
        if not side and time_limit_s is None and enabled().covering
        else None
    )
    if tb is None:
        sets, weights = _cover_sets(prob, threshold_ms, positive_only=False)
        tb = _solve_mean(
            prob, [(sets, weights, share - _QUANTILE_RTOL)], None, time_limit_s, prefer, chosen
        ).chosen
    if tb is not None and _value(prob, tb, "coverage", None, threshold_ms) >= share - _QUANTILE_RTOL:
        chosen = tb
    return _Solution(chosen, used, 0.0 if cov.proven else math.nan, greedy_value)


def _exact_threshold(
    task: _Task, side: _Side, greedy: BoolArray | None, greedy_value: float | None
) -> _Solution:
    """Percentile / worst: bisection, then tie-break by the mean."""
    prob, objective, q, time_limit_s, prefer = (
        task.prob,
        task.objective,
        task.q,
        task.time_limit_s,
        task.prefer,
    )
    upper = greedy_value if greedy_value is not None else float(prob.cost[np.isfinite(prob.cost)].max())
    found = _solve_threshold(prob, objective, q, upper, side, time_limit_s, prefer, seed=greedy)
    chosen, used = found.chosen, found.method
    if chosen is None:
        if found.proven or greedy is None:
            raise _infeasible(prob)
        chosen, used = greedy, "greedy"  # time limit hit before any threshold was proven feasible
    if found.final:  # already the lowest-mean optimal choice
        return _Solution(chosen, used, 0.0, greedy_value)
    t_star = _value(prob, chosen, objective, q, None)
    # the lowest-mean optimal choice: listed when the optimal choices are few, else a MILP
    listable = not side and time_limit_s is None and enabled().covering
    tb = _covering_tie_break(prob, objective, q, t_star) if listable else None
    if tb is None and objective == "worst":
        sets, _ = _cover_sets(prob, t_star, positive_only=True)
        tb = _solve_mean(prob, side, sets, time_limit_s, prefer, chosen).chosen
    elif tb is None:
        assert q is not None
        sets, weights = _cover_sets(prob, t_star, positive_only=False)
        covers = [*side, (sets, weights, q - _QUANTILE_RTOL)]
        tb = _solve_mean(prob, covers, None, time_limit_s, prefer, chosen).chosen
    if tb is not None and _value(prob, tb, objective, q, None) <= t_star:
        chosen = tb
    gap = 0.0 if found.proven else _relative_gap(t_star, found.bound)
    return _Solution(chosen, used, gap, greedy_value)


def _relative_gap(value: float, bound: float) -> float:
    """(value - lower bound) / value; NaN when no finite bound is known."""
    if not math.isfinite(bound):
        return math.nan
    return max(0.0, (value - bound) / value) if value > 0 else 0.0
