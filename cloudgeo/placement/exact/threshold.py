"""Exact percentile and worst-case optima by bisection over the distinct RTTs.

Each step is an exact covering feasibility problem (is there a choice with the weight within
the threshold at least ``q``?); maximal coverage is the same core problem at one threshold.
Ties between optimal choices are broken by the lowest weighted mean RTT.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cloudgeo.placement._types import BoolArray, FloatArray, IntArray
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

_SideCovers = Sequence[tuple[BoolArray, FloatArray, float]]


@dataclass(frozen=True)
class _Coverage:
    """A maximal covering answer: the choice (None: none found), its covered share [-]."""

    chosen: BoolArray | None
    share: float
    proven: bool
    method: str


@dataclass(frozen=True)
class _Threshold:
    """A bisection's answer: the choice at the smallest feasible threshold (None: none found).

    ``bound`` is a lower bound on the objective [ms]; ``final``: already the lowest-mean
    optimal choice (no tie-break needed).
    """

    chosen: BoolArray | None
    proven: bool
    bound: float
    method: str
    final: bool = False


@dataclass(frozen=True)
class _Step:
    """One threshold tried: the choice if feasible, the proof, the solver and its own choice."""

    chosen: BoolArray | None
    proven: bool
    method: str
    solver_choice: BoolArray | None


@dataclass(frozen=True)
class _Covering:
    """The covering problem at one threshold over the free sites (see :meth:`_Search.build`)."""

    objective_sets: tuple[BoolArray, FloatArray] | None
    hard: BoolArray
    covers: list[tuple[BoolArray, FloatArray, float]]

    @property
    def n_sets(self) -> int:
        """Return the number of sets the core solver sees."""
        own = len(self.objective_sets[0]) if self.objective_sets else 0
        return own + len(self.hard) + sum(len(c[0]) for c in self.covers)


def _max_coverage(prob: _Problem, threshold: float, time_limit_s: float | None, prefer: str) -> _Coverage:
    """Exact maximal covering of the user weight within ``threshold`` [ms]."""
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
        return _Coverage(None, 0.0, core.proven, core.method)
    chosen = must.copy()
    chosen[np.flatnonzero(free)[core.chosen]] = True
    served = _served_rows(prob, chosen)
    return _Coverage(chosen, float(prob.w @ (served <= threshold)), core.proven, core.method)


@dataclass(frozen=True, eq=False)
class _Search:
    """One percentile / worst bisection: the problem, the distinct RTTs [ms] and the solvers."""

    prob: _Problem
    objective: str
    q: float | None
    side: _SideCovers
    time_limit_s: float | None
    prefer: str
    values: FloatArray

    @functools.cached_property
    def free(self) -> BoolArray:
        """Return the sites not forced in."""
        return ~self.prob.must

    @functools.cached_property
    def r(self) -> int:
        """Return how many free sites a choice takes."""
        return self.prob.k - int(self.prob.must.sum())

    @functools.cached_property
    def plain(self) -> bool:
        """Return whether the search has no side constraint and no time limit."""
        return not self.side and self.time_limit_s is None

    @functools.cached_property
    def heuristic(self) -> bool:
        """Return whether a feasible percentile threshold is first tried with a heuristic choice."""
        return self.objective != "worst" and self.plain and not len(self.prob.hard) and enabled().swap

    @functools.cached_property
    def sure_margin(self) -> float:
        """Return the covered weight that surely passes the test at t.

        Whatever the rounding and the MILP's absolute gap (HiGHS default 1e-6).
        """
        return 2e-6 + 8.0 * float(np.finfo(np.float64).eps) * len(self.prob.w)

    def _hit(self, sets: BoolArray) -> BoolArray:
        return np.asarray((sets & self.prob.must[None, :]).any(axis=1))

    def build(self, t: float) -> _Covering | None:
        """Build the covering problem at ``t`` (None: infeasible without solving)."""
        covers = []
        for sets, weights, minimum in self.side:
            hit = self._hit(sets)
            covers.append((sets[~hit][:, self.free], weights[~hit], minimum - float(weights[hit].sum())))
        hard = self.prob.hard
        objective_sets: tuple[BoolArray, FloatArray] | None = None
        if self.objective == "worst":
            sets, _ = _cover_sets(self.prob, t, positive_only=True)
            if not sets.any(axis=1).all():
                return None
            hard = np.vstack([hard, sets])
        else:
            sets, weights = _cover_sets(self.prob, t, positive_only=False)
            hit = self._hit(sets)
            objective_sets = (sets[~hit][:, self.free], weights[~hit])
        hard_r = hard[~self._hit(hard)][:, self.free]
        if hard_r.shape[0] and not hard_r.any(axis=1).all():
            return None
        return _Covering(objective_sets, hard_r, covers)

    def method_at(self, t: float) -> str:
        """Return the solver the covering problem at ``t`` goes to."""
        n_free = int(self.free.sum())
        if (
            self.objective != "worst"
            and not len(self.prob.hard)
            and _core_method(n_free, self.r, 0, self.prefer) == "milp"
        ):
            return "milp"  # too many pairs to enumerate, whatever the sets: no need to build them
        built = self.build(t)
        if built is None:
            return "enumeration"
        return _core_method(n_free, self.r, built.n_sets, self.prefer)

    def _with_must(self, free_choice: BoolArray | IntArray) -> BoolArray:
        chosen = self.prob.must.copy()
        chosen[np.flatnonzero(self.free)[free_choice]] = True
        return chosen

    def _heuristic_step(self, t: float, built: _Covering) -> _Step | None:
        """Return a choice that surely reaches the percentile at ``t``, found with no solver.

        Greedy covering and swaps, checked exactly; tried when the covering problem would go to
        the MILP (None: not tried or not found).
        """
        assert built.objective_sets is not None
        assert self.q is not None
        method = _core_method(int(self.free.sum()), self.r, built.n_sets, self.prefer)
        if method != "milp":
            return None
        found = _swap_cover(built.objective_sets[0], built.objective_sets[1], self.r)
        if found is None:
            return None
        chosen = self._with_must(found)
        served = _served_rows(self.prob, chosen)
        if float(self.prob.w @ (served <= t)) >= self.q - _QUANTILE_RTOL + self.sure_margin:
            return _Step(chosen, True, method, chosen)
        return None

    def attempt(self, t: float) -> _Step:
        """Decide whether some choice reaches the objective within ``t`` [ms].

        The method is the solver the threshold's covering problem goes to, also when a heuristic
        choice already shows the threshold feasible (then no solver runs).
        """
        built = self.build(t)
        if built is None:
            return _Step(None, True, "enumeration", None)
        if self.heuristic and built.objective_sets is not None:
            step = self._heuristic_step(t, built)
            if step is not None:
                return step
        core = _solve_core(
            int(self.free.sum()),
            self.r,
            built.objective_sets,
            built.hard,
            built.covers,
            time_limit_s=self.time_limit_s,
            prefer=self.prefer,
        )
        if core.chosen is None:
            return _Step(None, core.proven, core.method, None)
        chosen = self._with_must(core.chosen)
        if self.objective != "worst":
            assert self.q is not None
            served = _served_rows(self.prob, chosen)
            if float(self.prob.w @ (served <= t)) < self.q - _QUANTILE_RTOL:
                return _Step(None, core.proven, core.method, chosen)
        return _Step(chosen, True, core.method, chosen)

    def jump(self, chosen: BoolArray | None, lo: int, hi: int) -> tuple[int, bool] | None:
        """(index of ``chosen``'s percentile strictly inside (lo, hi), surely feasible there)."""
        if chosen is None:
            return None
        assert self.q is not None
        served = _served_rows(self.prob, chosen)
        v = _weighted_quantile(served, self.prob.w, self.q)
        j = int(np.searchsorted(self.values, v))
        if not (lo < j < hi and self.values[j] == v):
            return None
        return j, float(self.prob.w @ (served <= v)) >= self.q - _QUANTILE_RTOL + self.sure_margin


def _solve_threshold(
    prob: _Problem,
    objective: str,
    q: float | None,
    upper: float,
    side: _SideCovers,
    time_limit_s: float | None,
    prefer: str,
    seed: BoolArray | None = None,
) -> _Threshold:
    """Bisection over the distinct RTTs for the percentile / worst objectives.

    At each threshold ``t`` an exact covering problem decides whether some choice of sites
    reaches the percentile within ``t`` (maximal covering) or serves every user within ``t``
    (set covering, for ``"worst"``); the answer is the choice at the smallest feasible one.

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
    if not len(values):
        return _Threshold(None, True, math.inf, "enumeration")
    search = _Search(prob, objective, q, side, time_limit_s, prefer, values)
    fast = enabled()
    if seed is not None and fast.listing and _filter_applies(prob, side, time_limit_s, prefer):
        # every choice better than the seed listed exactly: the optimum and its mean tie-break
        # at once (an enumeration of the choices, so named)
        listed = _threshold_by_filter(prob, objective, q, values, seed)
        if listed is not None:
            return _Threshold(listed[0], True, float(values[listed[1]]), "enumeration", final=True)
    answer: _Threshold | None = None
    if objective == "worst" and search.plain and len(search.free) <= 64 and fast.hitting_set:
        answer = _worst_by_hitting_set(search, cost, lower)
    elif objective != "worst" and search.plain and fast.jump:
        answer = _percentile_by_jumps(search, seed)
    return answer if answer is not None else _bisect(search, lower)


def _worst_by_hitting_set(search: _Search, cost: FloatArray, lower: float) -> _Threshold | None:
    """Return the optimum and a choice reaching it, by constraint generation on few users.

    The method named is the one of the bisection's last step (the tie-break by the mean then
    decides among the optimal choices, whichever one this is).
    """
    values, prob = search.values, search.prob
    found = _min_worst(cost, lower, float(values[-1]), prob.hard, prob.must, search.r)
    if found is None:
        return None
    t_opt, chosen_opt = found
    h_opt = int(np.searchsorted(values, t_opt))
    if not (h_opt < len(values) and values[h_opt] == t_opt):
        return None
    last = _last_bisection_step(len(values), h_opt)
    return _Threshold(chosen_opt, True, t_opt, search.method_at(float(values[last])))


def _percentile_by_jumps(search: _Search, seed: BoolArray | None) -> _Threshold | None:
    """Run the bisection, jumping to the percentile of each choice it meets (None: give up)."""
    values = search.values
    runs: dict[int, _Step] = {}
    lo, hi = -1, len(values) - 1
    pending: int | None = None  # a choice's percentile, to try next
    found = search.jump(seed, lo, len(values))
    if found is not None and found[1]:
        hi = found[0]
    else:  # the bisection's own first step
        pending = None if found is None else found[0]
        runs[hi] = search.attempt(float(values[hi]))
        if runs[hi].chosen is None or not runs[hi].proven:
            return None
    probe = True  # after a step down, first try the threshold just below: usually the optimum
    while hi - lo > 1:
        if pending is not None and lo < pending < hi:  # noqa: SIM108 - a ternary would hide the rule
            mid = pending
        else:
            mid = hi - 1 if probe else (lo + hi) // 2
        pending = None
        step = runs[mid] = search.attempt(float(values[mid]))
        if not step.proven:
            return None
        if step.chosen is not None:
            hi, probe = mid, True
        else:
            lo, probe = mid, False
        found = search.jump(step.solver_choice, lo, hi)
        if found is not None and found[1]:
            hi, probe = found[0], True
        elif found is not None:
            pending = found[0]
    if hi not in runs:
        runs[hi] = search.attempt(float(values[hi]))
    chosen_hi = runs[hi].chosen
    if chosen_hi is None:
        return None
    last = _last_bisection_step(len(values), hi)
    method = runs[last].method if last in runs else search.method_at(float(values[last]))
    return _Threshold(chosen_hi, True, float(values[hi]), method)


def _bisect(search: _Search, lower: float) -> _Threshold:
    """Run the plain bisection (the oracle of the faster searches; the only one with a time limit)."""
    values = search.values
    lo, hi = -1, len(values) - 1
    best: BoolArray | None = None
    proven_all, method = True, "enumeration"
    bound = lower
    first = True
    while hi - lo > 1 or first:
        mid = hi if first else (lo + hi) // 2
        step = search.attempt(float(values[mid]))
        method = step.method
        if step.chosen is not None:
            hi, best = mid, step.chosen
        else:
            proven_all &= step.proven
            if first:
                return _Threshold(None, step.proven, bound, method)
            if step.proven:
                bound = max(bound, float(values[mid]))
            lo = mid
        first = False
    return _Threshold(best, proven_all, bound if not proven_all else float(values[hi]), method)


def _last_bisection_step(n_values: int, h_opt: int) -> int:
    """Return the last index :func:`_bisect` tries if ``h_opt`` is the first feasible."""
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
