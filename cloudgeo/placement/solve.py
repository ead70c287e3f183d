"""Method dispatch: which solver answers a placement problem (greedy, exact mean, exact threshold).

Owns :func:`_solve`, which runs the greedy (as a bound and for ``greedy_gap``), then the exact
solver for the objective, and the lowest-mean tie-break among optimal choices.
"""

from __future__ import annotations

import math

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


def _solve(
    prob: _Problem,
    objective: str,
    q: float | None,
    threshold_ms: float | None,
    min_share: float | None,
    method: str,
    time_limit_s: float | None,
    prefer: str,
) -> tuple[BoolArray, str, float, float | None]:
    """Return (chosen, method used, gap, greedy objective value)."""
    greedy = _greedy(prob, objective, q, threshold_ms)
    greedy_value = _value(prob, greedy, objective, q, threshold_ms) if greedy is not None else None
    side: list[tuple[BoolArray, FloatArray, float]] = []
    if min_share is not None:
        assert threshold_ms is not None
        best_cov, share, _, _ = _max_coverage(prob, threshold_ms, time_limit_s, prefer)
        if best_cov is None or share < min_share - _QUANTILE_RTOL:
            msg = (
                f"min_share binds: at most {share:.4f} of the user weight can be within "
                f"threshold_ms={threshold_ms:g} ms with k={prob.k} sites (asked for {min_share:g}); "
                "raise k or threshold_ms, or lower min_share."
            )
            raise InfeasibleError(msg)
        sets, weights = _cover_sets(prob, threshold_ms, positive_only=False)
        side = [(sets, weights, min_share - _QUANTILE_RTOL)]
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
        return greedy, "greedy", math.nan, greedy_value
    if objective == "mean":
        chosen, proven, bound, used = _solve_mean(prob, side, None, time_limit_s, prefer, greedy)
        if chosen is None or (
            not proven
            and greedy_value is not None
            and greedy_value < _value(prob, chosen, "mean", None, None)
        ):
            if proven or greedy is None:
                raise _infeasible(prob)
            chosen, used = greedy, "greedy"  # time limit hit: the greedy solution is better
        value = _value(prob, chosen, "mean", None, None)
        gap = 0.0 if proven else _relative_gap(value, bound)
        return chosen, used, gap, greedy_value
    if objective == "coverage":
        assert threshold_ms is not None
        if (
            greedy_value is not None
            and enabled().listing
            and _filter_applies(prob, side, time_limit_s, prefer)
        ):
            fast = _coverage_by_filter(prob, threshold_ms, greedy_value, prefer)
            if fast is not None:
                return fast[0], fast[1], 0.0, greedy_value
        chosen, share, proven, used = _max_coverage(prob, threshold_ms, time_limit_s, prefer)
        if chosen is None or (not proven and greedy_value is not None and greedy_value > share):
            if proven or greedy is None or greedy_value is None:
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
            tb, _, _, _ = _solve_mean(
                prob, [(sets, weights, share - _QUANTILE_RTOL)], None, time_limit_s, prefer, chosen
            )
        if tb is not None and _value(prob, tb, "coverage", None, threshold_ms) >= share - _QUANTILE_RTOL:
            chosen = tb
        return chosen, used, 0.0 if proven else math.nan, greedy_value
    # percentile / worst: bisection, then tie-break by the mean
    upper = greedy_value if greedy_value is not None else float(prob.cost[np.isfinite(prob.cost)].max())
    chosen, proven, bound, used, final = _solve_threshold(
        prob, objective, q, upper, side, time_limit_s, prefer, seed=greedy
    )
    if chosen is None:
        if proven or greedy is None:
            raise _infeasible(prob)
        chosen, used = greedy, "greedy"  # time limit hit before any threshold was proven feasible
    if final:  # already the lowest-mean optimal choice
        return chosen, used, 0.0, greedy_value
    t_star = _value(prob, chosen, objective, q, None)
    # the lowest-mean optimal choice: listed when the optimal choices are few, else a MILP
    listable = not side and time_limit_s is None and enabled().covering
    tb = _covering_tie_break(prob, objective, q, t_star) if listable else None
    if tb is None and objective == "worst":
        sets, _ = _cover_sets(prob, t_star, positive_only=True)
        tb, _, _, _ = _solve_mean(prob, side, sets, time_limit_s, prefer, chosen)
    elif tb is None:
        assert q is not None
        sets, weights = _cover_sets(prob, t_star, positive_only=False)
        tb, _, _, _ = _solve_mean(
            prob, [*side, (sets, weights, q - _QUANTILE_RTOL)], None, time_limit_s, prefer, chosen
        )
    if tb is not None and _value(prob, tb, objective, q, None) <= t_star:
        chosen = tb
    gap = 0.0 if proven else _relative_gap(t_star, bound)
    return chosen, used, gap, greedy_value


def _relative_gap(value: float, bound: float) -> float:
    """(value - lower bound) / value; NaN when no finite bound is known."""
    if not math.isfinite(bound):
        return math.nan
    return max(0.0, (value - bound) / value) if value > 0 else 0.0
