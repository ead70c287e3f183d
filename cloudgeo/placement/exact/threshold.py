"""Exact percentile and worst-case optima by bisection over the distinct RTTs.

Each step is an exact covering feasibility problem (is there a choice with the weight within
the threshold at least ``q``?); maximal coverage is the same core problem at one threshold.
Ties between optimal choices are broken by the lowest weighted mean RTT.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from cloudgeo.placement._types import BoolArray, FloatArray
from cloudgeo.placement.exact.core import _core_method, _solve_core
from cloudgeo.placement.exact.fastpaths import (
    _filter_applies,
    _min_worst,
    _swap_cover,
    _threshold_by_filter,
    enabled,
)
from cloudgeo.placement.objectives import _QUANTILE_RTOL, _weighted_quantile
from cloudgeo.placement.problem import _cover_sets, _Problem, _served_rows, _value


def _max_coverage(
    prob: _Problem, threshold: float, time_limit_s: float | None, prefer: str
) -> tuple[BoolArray | None, float, bool, str]:
    """Exact maximal covering: (chosen, covered share, proven, method)."""
    sets, weights = _cover_sets(prob, threshold, positive_only=False)
    never = ~sets.any(axis=1)
    must, free = prob.must, ~prob.must
    hit = (sets & must[None, :]).any(axis=1)
    keep = ~hit & ~never
    hard = prob.hard[~(prob.hard & must[None, :]).any(axis=1)][:, free]
    core = _solve_core(
        int(free.sum()),
        prob.k - int(must.sum()),
        (sets[keep][:, free], weights[keep]),
        hard,
        [],
        time_limit_s=time_limit_s,
        prefer=prefer,
    )
    if core.chosen is None:
        return None, 0.0, core.proven, core.method
    chosen = must.copy()
    chosen[np.flatnonzero(free)[core.chosen]] = True
    served = _served_rows(prob, chosen)
    return chosen, float(prob.w @ (served <= threshold)), core.proven, core.method


def _solve_threshold(
    prob: _Problem,
    objective: str,
    q: float | None,
    upper: float,
    side: Sequence[tuple[BoolArray, FloatArray, float]],
    time_limit_s: float | None,
    prefer: str,
    seed: BoolArray | None = None,
) -> tuple[BoolArray | None, bool, float, str, bool]:
    """Bisection over the distinct RTTs for the percentile / worst objectives.

    At each threshold ``t`` an exact covering problem decides whether some choice of sites
    reaches the percentile within ``t`` (maximal covering) or serves every user within ``t``
    (set covering, for ``"worst"``). Returns (chosen at the smallest feasible threshold,
    proven, lower bound, method).

    Without a time limit the smallest feasible threshold is found faster and the result is the
    bisection's own: its final threshold is solved by the same call and the solver named is the
    one of its last step. For ``"worst"`` the optimum comes from :func:`_min_worst`; for a
    percentile the search jumps to the percentile of the choices it meets (``seed`` too) when
    their covered weight clears the target by more than any rounding or solver tolerance.
    """
    pos = prob.w > 0
    cost = prob.cost if pos.all() else prob.cost[pos]
    lower = _value(prob, np.ones(len(prob.site_ids), dtype=bool), objective, q, None)
    # the distinct finite RTTs in [lower, upper] (the band only: no sort of the whole matrix)
    values = np.unique(cost[(cost >= lower) & (cost <= upper) & np.isfinite(cost)])
    must, free = prob.must, ~prob.must
    r = prob.k - int(must.sum())

    def reduce(sets: BoolArray, weights: FloatArray, minimum: float) -> tuple[BoolArray, FloatArray, float]:
        hit = (sets & must[None, :]).any(axis=1)
        return sets[~hit][:, free], weights[~hit], minimum - float(weights[hit].sum())

    Problem = tuple[tuple[BoolArray, FloatArray] | None, BoolArray, list[tuple[BoolArray, FloatArray, float]]]

    def build(t: float) -> Problem | None:
        """Build the covering problem at ``t`` (None: infeasible without solving)."""
        covers = [reduce(*s) for s in side]
        hard = prob.hard
        objective_sets: tuple[BoolArray, FloatArray] | None = None
        if objective == "worst":
            sets, _ = _cover_sets(prob, t, positive_only=True)
            if not sets.any(axis=1).all():
                return None
            hard = np.vstack([hard, sets])
        else:
            sets, weights = _cover_sets(prob, t, positive_only=False)
            red, red_w, _ = reduce(sets, weights, 0.0)
            objective_sets = (red, red_w)
        hard_r = hard[~(hard & must[None, :]).any(axis=1)][:, free]
        if hard_r.shape[0] and not hard_r.any(axis=1).all():
            return None
        return objective_sets, hard_r, covers

    def method_at(t: float) -> str:
        if (
            objective != "worst"
            and not len(prob.hard)
            and _core_method(int(free.sum()), r, 0, prefer) == "milp"
        ):
            return "milp"  # too many pairs to enumerate, whatever the sets: no need to build them
        built = build(t)
        if built is None:
            return "enumeration"
        objective_sets, hard_r, covers = built
        m_total = (
            (len(objective_sets[0]) if objective_sets else 0) + len(hard_r) + sum(len(c[0]) for c in covers)
        )
        return _core_method(int(free.sum()), r, m_total, prefer)

    # percentile thresholds solved by MILP (no side constraint, residency rule or time limit):
    # a feasible threshold is first tried with a heuristic choice (see attempt_core)
    fast = enabled()
    heuristic = (
        objective != "worst" and not side and time_limit_s is None and not len(prob.hard) and fast.swap
    )
    # covered weight that surely passes the test at t whatever the rounding and the MILP's
    # absolute gap (HiGHS default 1e-6)
    sure_margin = 2e-6 + 8.0 * float(np.finfo(np.float64).eps) * len(prob.w)

    def attempt_core(t: float) -> tuple[BoolArray | None, bool, str, BoolArray | None]:
        """(chosen if feasible, proof, method, the solver's choice whether feasible or not).

        The method is the solver the threshold's covering problem goes to, also when a heuristic
        choice already shows the threshold feasible (then no solver runs).
        """
        built = build(t)
        if built is None:
            return None, True, "enumeration", None
        objective_sets, hard_r, covers = built
        if heuristic and objective_sets is not None:
            m_total = len(objective_sets[0]) + len(hard_r) + sum(len(c[0]) for c in covers)
            method = _core_method(int(free.sum()), r, m_total, prefer)
            if method == "milp":
                # a choice that surely reaches the percentile at t needs no solver (a proof of
                # infeasibility does): found by greedy covering and swaps, checked exactly
                found = _swap_cover(objective_sets[0], objective_sets[1], r)
                if found is not None:
                    chosen = must.copy()
                    chosen[np.flatnonzero(free)[found]] = True
                    assert q is not None
                    served = _served_rows(prob, chosen)
                    if float(prob.w @ (served <= t)) >= q - _QUANTILE_RTOL + sure_margin:
                        return chosen, True, method, chosen
        core = _solve_core(
            int(free.sum()), r, objective_sets, hard_r, covers, time_limit_s=time_limit_s, prefer=prefer
        )
        if core.chosen is None:
            return None, core.proven, core.method, None
        chosen = must.copy()
        chosen[np.flatnonzero(free)[core.chosen]] = True
        if objective != "worst":
            assert q is not None
            served = _served_rows(prob, chosen)
            if float(prob.w @ (served <= t)) < q - _QUANTILE_RTOL:
                return None, core.proven, core.method, chosen
        return chosen, True, core.method, chosen

    def attempt(t: float) -> tuple[BoolArray | None, bool, str]:
        chosen, proof, method, _ = attempt_core(t)
        return chosen, proof, method

    if not len(values):
        return None, True, math.inf, "enumeration", False
    if seed is not None and fast.listing and _filter_applies(prob, side, time_limit_s, prefer):
        # every choice better than the seed listed exactly: the optimum and its mean tie-break
        # at once (an enumeration of the choices, so named)
        listed = _threshold_by_filter(prob, objective, q, values, seed)
        if listed is not None:
            return listed[0], True, float(values[listed[1]]), "enumeration", True
    if objective == "worst" and not side and time_limit_s is None and len(free) <= 64 and fast.hitting_set:
        # the optimum and a choice reaching it, found by constraint generation on few users; the
        # method named is the one of the bisection's last step (the tie-break by the mean then
        # decides among the optimal choices, whichever one this is)
        found_worst = _min_worst(cost, lower, float(values[-1]), prob.hard, must, r)
        if found_worst is not None:
            t_opt, chosen_opt = found_worst
            h_opt = int(np.searchsorted(values, t_opt))
            if h_opt < len(values) and values[h_opt] == t_opt:
                last = _last_bisection_step(len(values), h_opt)
                return chosen_opt, True, t_opt, method_at(float(values[last])), False
    if objective != "worst" and not side and time_limit_s is None and fast.jump:
        assert q is not None

        def jump(chosen: BoolArray | None, lo: int, hi: int) -> tuple[int, bool] | None:
            """(index of ``chosen``'s percentile strictly inside (lo, hi), surely feasible there)."""
            if chosen is None:
                return None
            served = _served_rows(prob, chosen)
            v = _weighted_quantile(served, prob.w, q)
            j = int(np.searchsorted(values, v))
            if not (lo < j < hi and values[j] == v):
                return None
            return j, float(prob.w @ (served <= v)) >= q - _QUANTILE_RTOL + sure_margin

        runs: dict[int, tuple[BoolArray | None, bool, str]] = {}
        lo, hi = -1, len(values) - 1
        pending: int | None = None  # a choice's percentile, to try next
        found = jump(seed, lo, len(values))
        sure = found is not None and found[1]
        if found is not None and sure:
            hi = found[0]
        else:  # the bisection's own first step
            pending = None if found is None else found[0]
            ok, proof, meth, _ = attempt_core(float(values[hi]))
            runs[hi] = (ok, proof, meth)
            sure = ok is not None and proof
        probe = True  # after a step down, first try the threshold just below: usually the optimum
        while sure and hi - lo > 1:
            if pending is not None and lo < pending < hi:
                mid = pending
            else:
                mid = hi - 1 if probe else (lo + hi) // 2
            pending = None
            ok, proof, meth, core_choice = attempt_core(float(values[mid]))
            runs[mid] = (ok, proof, meth)
            if not proof:
                break
            if ok is not None:
                hi, probe = mid, True
            else:
                lo, probe = mid, False
            found = jump(core_choice, lo, hi)
            if found is not None and found[1]:
                hi, probe = found[0], True
            elif found is not None:
                pending = found[0]
        else:
            if sure:
                if hi not in runs:
                    runs[hi] = attempt(float(values[hi]))
                chosen_hi, _, method_hi = runs[hi]
                last = _last_bisection_step(len(values), hi)
                if chosen_hi is not None:
                    method = (
                        method_hi
                        if last == hi
                        else runs[last][2]
                        if last in runs
                        else method_at(float(values[last]))
                    )
                    return chosen_hi, True, float(values[hi]), method, False
    lo, hi = -1, len(values) - 1
    best: BoolArray | None = None
    proven_all, method = True, "enumeration"
    bound = lower
    first = True
    while hi - lo > 1 or first:
        mid = hi if first else (lo + hi) // 2
        chosen, proof, method = attempt(float(values[mid]))
        if chosen is not None:
            hi, best = mid, chosen
        else:
            proven_all &= proof
            if first:
                return None, proof, bound, method, False
            if proof:
                bound = max(bound, float(values[mid]))
            lo = mid
        first = False
    return best, proven_all, bound if not proven_all else float(values[hi]), method, False


def _last_bisection_step(n_values: int, h_opt: int) -> int:
    """Return the last index :func:`_solve_threshold`'s bisection tries if ``h_opt`` is the first feasible."""
    lo, hi = -1, n_values - 1
    last = hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        last = mid
        if mid >= h_opt:
            hi = mid
        else:
            lo = mid
    return last
