"""Optional exact fast paths; the plain path (bisection + core solver) is their oracle.

Each is switched by a field of :class:`FastPaths` (all on by default; :func:`fast_paths`
switches some off in a ``with`` block, per thread): ``listing`` (bit-mask listing of every
choice at least as good as the greedy one, for small C(n, r)), ``covering`` (branch and bound
listing of the optimal choices for the lowest-mean tie-break), ``swap`` (a heuristic choice,
greedy covering then best swaps, that shows a percentile threshold feasible without the MILP),
``hitting_set`` (constraint generation with a small hitting-set search for ``"worst"``) and
``jump`` (the percentile bisection jumps to the percentile of each choice it meets). With all
off a solve is the plain bisection; the results are the same (tests/test_placement.py).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cloudgeo.placement._types import BoolArray, FloatArray, IntArray, Masks
from cloudgeo.placement.exact.aggregate import _aggregate_users
from cloudgeo.placement.objectives import _QUANTILE_RTOL
from cloudgeo.placement.problem import _cover_sets, _Problem, _value


@dataclass(frozen=True)
class FastPaths:
    """Which exact fast paths run (see the module docstring); all on by default."""

    listing: bool = True
    covering: bool = True
    swap: bool = True
    hitting_set: bool = True
    jump: bool = True


_ACTIVE: contextvars.ContextVar[FastPaths] = contextvars.ContextVar(
    "placement_fast_paths",
    default=FastPaths(),  # noqa: B039 - frozen: never mutated
)


def enabled() -> FastPaths:
    """Return the fast paths switched on in this thread (context)."""
    return _ACTIVE.get()


@contextlib.contextmanager
def fast_paths(**switches: bool) -> Iterator[FastPaths]:
    """Switch fast paths on or off within a ``with`` block (this thread or task only).

    Examples
    --------
    >>> with fast_paths(listing=False, jump=False) as active:
    ...     active.listing
    False
    """
    token = _ACTIVE.set(dataclasses.replace(_ACTIVE.get(), **switches))
    try:
        yield _ACTIVE.get()
    finally:
        _ACTIVE.reset(token)


# the filtered enumeration is tried when the choices of the free sites are at most this many
_FILTER_MAX_COMBOS = 300_000


# ... and gives up (the search / integer program then runs) above this many exact checks
_FILTER_MAX_CHECKS = 16


# ... or above this many optimal choices to break the tie between
_FILTER_MAX_MEMBERS = 512


# missed weight (a fraction of the total) within which the filter's sums are checked exactly
_FILTER_TOL = 1e-9


_COMBO_MASKS: dict[tuple[int, int], npt.NDArray[np.uint64]] = {}


def _combo_masks(n: int, r: int) -> Masks:
    """Every choice of ``r`` of ``n <= 64`` sites as a bit mask (bit j: site j); kept per (n, r)."""
    key = (n, r)
    if key not in _COMBO_MASKS:
        masks = np.zeros(1, dtype=np.uint64)
        last = np.full(1, -1, dtype=np.int64)
        for step in range(r):
            # extend each partial choice by every site after its last one that leaves room
            reps = np.maximum(n - (r - step - 1) - (last + 1), 0)
            start = np.repeat(np.cumsum(reps) - reps, reps)
            last = np.repeat(last, reps) + 1 + (np.arange(int(reps.sum())) - start)
            masks = np.repeat(masks, reps) | (np.uint64(1) << last.astype(np.uint64))
        masks.flags.writeable = False
        _COMBO_MASKS[key] = masks
    return _COMBO_MASKS[key]


def _set_masks(sets: BoolArray) -> Masks:
    """Rows of a boolean matrix (at most 64 columns) as bit masks (bit j: column j)."""
    bits = np.uint64(1) << np.arange(sets.shape[1], dtype=np.uint64)
    masks: Masks = np.bitwise_or.reduce(np.where(sets, bits[None, :], np.uint64(0)), axis=1)
    return masks


def _filter_choices(
    combos: Masks, hard: Masks, sets: Masks, weights: FloatArray, slack: float
) -> tuple[Masks, FloatArray]:
    """Return the choices (bit masks) hitting every ``hard`` set and missing at most ``slack`` weight.

    With the missed weight of each, summed in floating point: choices up to ``_FILTER_TOL`` over
    ``slack`` are kept (callers decide those near ``slack`` exactly). Small hard sets and heavy
    sets go first, so most choices are dropped in the first few passes.
    """
    limit = slack + _FILTER_TOL
    heavy = weights > limit  # a set heavier than the slack must be hit: filtered like a hard set
    hard = np.concatenate([hard, sets[heavy]])
    sets, weights = sets[~heavy], weights[~heavy]
    surv = combos
    for h in hard[np.argsort(np.bitwise_count(hard), kind="stable")]:
        surv = surv[(surv & h) != 0]
        if not len(surv):
            break
    missed = np.zeros(len(surv))
    for i, s in enumerate(np.argsort(-weights, kind="stable")):
        if not len(surv):
            break
        missed += weights[s] * ((surv & sets[s]) == 0)
        if i < 64 or i % 8 == 7:
            keep = missed <= limit
            if not keep.all():
                surv, missed = surv[keep], missed[keep]
    keep = missed <= limit
    return surv[keep], missed[keep]


def _bounded_combos(cover: FloatArray, r: int, need: float, cap: int) -> Masks | None:
    """Return the choices of ``r`` sites whose summed site coverage reaches ``need`` (bit masks).

    A choice covers at most the sum of what its sites cover (the union bound), so the others
    cannot cover ``need``. Built site by site in decreasing coverage, a partial choice dropped
    when even the best sites left cannot bring it to ``need``. None when more than ``cap``
    partial choices, or from the second site on more than an eighth of them, remain at some step
    (the bound prunes too little: list all choices instead).
    """
    n = len(cover)
    order = np.argsort(-cover, kind="stable")
    val = cover[order]
    # best[i][m]: the most that m sites from position i on can add (the m next ones)
    csum = np.concatenate([[0.0], np.cumsum(val)])
    masks = np.zeros(1, dtype=np.uint64)
    last = np.full(1, -1, dtype=np.int64)
    part = np.zeros(1)
    for step in range(r):
        left = r - step - 1  # sites still to add after this one
        reps = np.maximum(n - left - (last + 1), 0)
        start = np.repeat(np.cumsum(reps) - reps, reps)
        pos = np.repeat(last, reps) + 1 + (np.arange(int(reps.sum())) - start)
        part = np.repeat(part, reps) + val[pos]
        masks = np.repeat(masks, reps) | (np.uint64(1) << order[pos].astype(np.uint64))
        keep = part + (csum[pos + 1 + left] - csum[pos + 1]) >= need
        masks, last, part = masks[keep], pos[keep], part[keep]
        if len(masks) > cap or (step >= 1 and 8 * len(masks) > math.comb(n, step + 1)):
            return None  # from the second site on: more than an eighth of the partial choices kept
    return masks


@dataclass(frozen=True)
class _Survivors:
    """Choices (bit masks) that may reach the objective at a threshold.

    With their missed weight and the slack it is compared with.
    """

    masks: Masks
    missed: FloatArray
    slack: float


@dataclass
class _Listing:
    """Choices of the free sites of a problem listed by :func:`_filter_at` (bit masks)."""

    prob: _Problem
    objective: str
    q: float | None
    free_idx: IntArray
    r: int
    combos: Masks

    def at(self, t: float, within: Masks, minimum: float | None = None) -> _Survivors:
        """Return the choices of ``within`` that may reach the objective at ``t`` (a superset).

        With their missed weight and the slack it is compared with (percentiles: users within
        ``t`` at least ``q``; coverage: at least ``minimum``; worst: every user within ``t``).
        """
        prob, must, free = self.prob, self.prob.must, ~self.prob.must
        hard = prob.hard
        sets: BoolArray = np.zeros((0, len(must)), dtype=bool)
        weights: FloatArray = np.zeros(0)
        slack = 0.0
        if self.objective == "worst":
            cover, _ = _cover_sets(prob, t, positive_only=True)
            hard = np.vstack([hard, cover])
        else:
            sets, weights = _cover_sets(prob, t, positive_only=False)
            need = (
                minimum
                if minimum is not None
                else float(self.q if self.q is not None else 0.0) - _QUANTILE_RTOL
            )
            slack = float(weights.sum()) - need
            hit = (sets & must[None, :]).any(axis=1)
            sets, weights = sets[~hit][:, free], weights[~hit]
        hard_r = hard[~(hard & must[None, :]).any(axis=1)][:, free]
        if within is self.combos and len(weights):
            # only the choices whose sites together may cover enough (usually few: p50, coverage)
            site_share: FloatArray = np.asarray(weights @ sets, dtype=np.float64)
            bounded = _bounded_combos(
                site_share, self.r, float(weights.sum()) - slack - 2 * _FILTER_TOL, len(within) // 8
            )
            if bounded is not None:
                within = bounded
        surv, missed = _filter_choices(within, _set_masks(hard_r), _set_masks(sets), weights, slack)
        return _Survivors(surv, missed, slack)

    def choice(self, mask: int) -> BoolArray:
        chosen = self.prob.must.copy()
        chosen[self.free_idx[[j for j in range(len(self.free_idx)) if mask >> j & 1]]] = True
        return chosen

    def value(self, mask: int, t: float) -> float:
        return _value(self.prob, self.choice(mask), self.objective, self.q, t)

    def surely(self, missed: FloatArray, slack: float) -> BoolArray:
        """Choices whose missed weight is below ``slack`` whatever the rounding (no exact check needed)."""
        if self.objective == "worst":  # bit tests only: exact
            return np.ones(len(missed), dtype=bool)
        return np.asarray(missed <= slack - _FILTER_TOL)


def _listing(prob: _Problem, objective: str, q: float | None) -> _Listing:
    free_idx = np.flatnonzero(~prob.must)
    r = prob.k - int(prob.must.sum())
    return _Listing(prob, objective, q, free_idx, r, _combo_masks(len(free_idx), r))


def _least_mean(prob: _Problem, choices: list[BoolArray]) -> BoolArray | None:
    """Return the choice of lowest weighted mean RTT; None for a near tie (the solver then decides).

    A near tie: another choice within the integer program's absolute gap (HiGHS default 1e-6)
    plus 1e-9 relative, where its pick among them is not known.
    """
    if len(choices) == 1:
        return choices[0]
    n = len(prob.site_ids)
    pos = prob.w > 0
    every = bool(pos.all())
    rows = prob.reuse.order_rows() if prob.reuse is not None else None
    cost, _ = _aggregate_users(
        prob.cost if every else prob.cost[pos],
        prob.w if every else prob.w[pos],
        n - prob.k + 1,
        rows if rows is None or every else (rows[0][pos], rows[1]),
    )
    idx = np.array([np.flatnonzero(c) for c in choices], dtype=np.intp)  # choices x k
    means = np.zeros(len(choices))
    step = max(1, 4_000_000 // max(1, len(cost) * idx.shape[1]))
    for start in range(0, len(choices), step):
        block = cost[:, idx[start : start + step]]  # groups x choices x k
        means[start : start + step] = block.min(axis=2).sum(axis=0)
    best = int(np.argmin(means))
    near = np.abs(means - means[best]) <= 2e-6 + 1e-9 * abs(float(means[best]))
    return choices[best] if int(near.sum()) == 1 else None


def _exact_members(
    listing: _Listing, surv: Masks, missed: FloatArray, slack: float, t: float
) -> list[int] | None:
    """Return the listed choices that reach the objective at ``t`` exactly (None: too many to check)."""
    sure = listing.surely(missed, slack)
    unsure = np.flatnonzero(~sure)
    if len(unsure) > _FILTER_MAX_CHECKS:
        return None
    out = [int(m) for m in surv[sure].tolist()]
    for i in unsure:
        v = listing.value(int(surv[i]), t)
        if v <= t:
            out.append(int(surv[i]))
    return out


def _filter_applies(prob: _Problem, side: Sequence[object], time_limit_s: float | None, prefer: str) -> bool:
    n_free = int((~prob.must).sum())
    r = prob.k - int(prob.must.sum())
    return (
        not side
        and time_limit_s is None
        and prefer == "auto"
        and n_free <= 64
        and 0 <= r <= n_free
        and math.comb(n_free, r) <= _FILTER_MAX_COMBOS
    )


def _threshold_by_filter(
    prob: _Problem, objective: str, q: float | None, values: FloatArray, seed: BoolArray
) -> tuple[BoolArray, int] | None:
    """Percentile / worst optimum by listing the choices better than ``seed`` (filtered enumeration).

    Returns (the optimal choice of lowest weighted mean RTT, index of the optimum in ``values``),
    or None (too many choices to check, a near tie in the mean, an optimum not in ``values``):
    the caller then runs its search. The choices within the threshold just below the best value
    known are listed (from those listed before: the lists only shrink); one of them, the one that
    misses the least weight, gives a better value, until none is left. The optimal choices are
    then those of the last list that reach the optimum.
    """
    listing = _listing(prob, objective, q)
    best = _value(prob, seed, objective, q, None)
    h = int(np.searchsorted(values, best))
    if not (h < len(values) and values[h] == best):
        return None
    within = listing.combos  # every choice of value <= values[h]
    while h > 0:
        t = float(values[h - 1])
        found_at = listing.at(t, within)
        surv, missed, slack = found_at.masks, found_at.missed, found_at.slack
        found: float | None = None
        order = np.argsort(missed, kind="stable")
        for count, i in enumerate(order):
            if count >= _FILTER_MAX_CHECKS:
                return None
            v = listing.value(int(surv[i]), t)
            if v <= t:
                found = v
                break
            if listing.surely(missed[i : i + 1], slack)[0]:
                return None  # not expected: the filter's sums disagree with the exact value
        if found is None:
            break
        best = found
        h = int(np.searchsorted(values, best))
        if not (h < len(values) and values[h] == best):
            return None
        within = surv
    found_at = listing.at(best, within)
    surv, missed, slack = found_at.masks, found_at.missed, found_at.slack
    members = _exact_members(listing, surv, missed, slack, best)
    if not members or len(members) > _FILTER_MAX_MEMBERS:
        return None
    chosen = _least_mean(prob, [listing.choice(m) for m in members])
    return None if chosen is None else (chosen, h)


def _coverage_by_filter(
    prob: _Problem, threshold: float, greedy_share: float, prefer: str
) -> tuple[BoolArray, str] | None:
    """Maximal covering by listing the choices that cover at least the greedy share (exact).

    Returns (the maximal-coverage choice of lowest weighted mean RTT, ``"enumeration"``: every
    choice was listed), or None (too many choices to check, a near tie in the mean).
    """
    listing = _listing(prob, "coverage", None)
    found_at = listing.at(threshold, listing.combos, minimum=greedy_share - _QUANTILE_RTOL)
    surv, missed, slack = found_at.masks, found_at.missed, found_at.slack
    if not len(surv):
        return None
    top = int(np.argmin(missed))
    share = listing.value(int(surv[top]), threshold)
    # the maximal-coverage choices: within _QUANTILE_RTOL of the best share
    total = slack + greedy_share - _QUANTILE_RTOL
    slack_best = total - (share - _QUANTILE_RTOL)
    keep = missed <= slack_best + _FILTER_TOL
    surv, missed = surv[keep], missed[keep]
    sure = missed <= slack_best - _FILTER_TOL
    unsure = np.flatnonzero(~sure)
    if len(unsure) > _FILTER_MAX_CHECKS:
        return None
    members = [int(m) for m in surv[sure].tolist()]
    members += [
        int(surv[i]) for i in unsure if listing.value(int(surv[i]), threshold) >= share - _QUANTILE_RTOL
    ]
    if len(members) > _FILTER_MAX_MEMBERS:
        return None
    chosen = _least_mean(prob, [listing.choice(m) for m in members])
    if chosen is None:
        return None
    return chosen, "enumeration"


# limits of the listing of covering choices (beyond them the tie-break goes to the solver)
_COVERING_MAX_NODES = 6_000


_COVERING_MAX_CHOICES = 256


# the listing branches on sites, not sets, when at least this share of the weight may stay unhit
_COVERING_BY_SITES_SHARE = 0.25


def _covering_choices(
    sets: BoolArray, weights: FloatArray, r: int, budget: float, by: str | None = None
) -> BoolArray | None:
    """Every choice of ``r`` columns leaving at most ``budget`` weight of the ``sets`` unhit.

    Rows of the result are the choices (bool, choices x columns); None when the search would
    visit more than ``_COVERING_MAX_NODES`` nodes or list more than ``_COVERING_MAX_CHOICES``.

    A breadth-first branch and bound, vectorised over the open nodes; every choice is reached
    exactly once. A node is dropped when its unhit weight, less the most that its remaining
    picks can hit (the largest sums of unhit weight per allowed column: the union bound),
    exceeds its budget. How a node branches (``by``; default by the budget's share of the
    weight, ``_COVERING_BY_SITES_SHARE``):

    * ``"sets"`` (a small budget): on one unhit set, if its weight exceeds the budget left it
      must be hit (of those, the one with the fewest allowed columns), else the heaviest; a
      child per allowed column of the set hits it with that column and forbids the set's
      columns before it, and when the budget allows, one more child leaves the set unhit and
      forbids all its columns.
    * ``"sites"`` (a large budget, where most sets may stay unhit): on the allowed column that
      hits the most unhit weight, chosen in one child and forbidden in the other.

    On the world cities (34 regions, k 6-10) the median's tie-break (half the weight may stay
    unhit) needs ~150 nodes by sites and over 6,000 by sets; the p99's (1 %) 450-1,700 by
    sets and 3,500-28,000 by sites.
    """
    m, n = sets.shape
    order = np.argsort(-weights, kind="stable")
    sets, weights = np.ascontiguousarray(sets[order]), weights[order]
    sets_f = sets.astype(np.float64)
    chosen = np.zeros((1, n), dtype=bool)
    forbidden = np.zeros((1, n), dtype=bool)
    unhit = np.ones((1, m), dtype=bool)
    left_budget = np.array([budget])
    total = float(weights.sum())
    by_sites = (budget >= _COVERING_BY_SITES_SHARE * total) if by is None else by == "sites"
    found: list[BoolArray] = []
    n_found, visited = 0, 0
    while len(chosen):
        visited += len(chosen)
        if visited > _COVERING_MAX_NODES:
            return None
        left = r - chosen.sum(axis=1)
        unhit_w = np.where(unhit, weights, 0.0)
        missed = unhit_w.sum(axis=1)
        done = left == 0
        if done.any():
            leaves = chosen[done & (missed <= left_budget)]
            found.append(leaves)
            n_found += len(leaves)
        allowed = ~(forbidden | chosen)
        gains = np.where(allowed, unhit_w @ sets_f, 0.0)
        best = np.cumsum(-np.sort(-gains, axis=1), axis=1)
        reach = best[np.arange(len(chosen)), np.clip(left - 1, 0, n - 1)]
        keep = ~done & (missed - reach <= left_budget) & (allowed.sum(axis=1) >= left)
        chosen, forbidden, unhit = chosen[keep], forbidden[keep], unhit[keep]
        left_budget, left, allowed = left_budget[keep], left[keep], allowed[keep]
        open_sets = unhit.any(axis=1)
        for f in np.flatnonzero(~open_sets):  # every set hit: any completion
            free_cols = np.flatnonzero(allowed[f]).tolist()
            n_found += math.comb(len(free_cols), int(left[f]))
            if n_found > _COVERING_MAX_CHOICES:
                return None
            for extra in itertools.combinations(free_cols, int(left[f])):
                row = chosen[f].copy()
                row[list(extra)] = True
                found.append(row[None, :])
        if n_found > _COVERING_MAX_CHOICES:
            return None
        chosen, forbidden, unhit = chosen[open_sets], forbidden[open_sets], unhit[open_sets]
        left_budget, allowed = left_budget[open_sets], allowed[open_sets]
        if not len(chosen):
            break
        nodes = _Nodes(chosen, forbidden, unhit, left_budget)
        if by_sites:  # the column hitting the most unhit weight (the lowest index of ties)
            nodes = _branch_by_site(nodes, sets, gains[keep][open_sets], allowed)
        else:
            nodes = _branch_by_set(nodes, sets, sets_f, weights, allowed)
        chosen, forbidden, unhit, left_budget = nodes.chosen, nodes.forbidden, nodes.unhit, nodes.left_budget
    return np.vstack(found) if found else np.zeros((0, n), dtype=bool)


@dataclass(frozen=True)
class _Nodes:
    """Open nodes of :func:`_covering_choices`: columns chosen and forbidden, sets unhit, budget."""

    chosen: BoolArray
    forbidden: BoolArray
    unhit: BoolArray
    left_budget: FloatArray


def _branch_by_site(nodes: _Nodes, sets: BoolArray, gains: FloatArray, allowed: BoolArray) -> _Nodes:
    """Branch each node on its column hitting the most unhit weight: chosen, or forbidden."""
    chosen, forbidden, unhit = nodes.chosen, nodes.forbidden, nodes.unhit
    col = np.argmax(np.where(allowed, gains, -1.0), axis=1)
    rows = np.arange(len(chosen))
    with_col = chosen.copy()
    with_col[rows, col] = True
    without_col = forbidden.copy()
    without_col[rows, col] = True
    return _Nodes(
        np.vstack([with_col, chosen]),
        np.vstack([forbidden, without_col]),
        np.vstack([unhit & ~sets[:, col].T, unhit]),
        np.concatenate([nodes.left_budget, nodes.left_budget]),
    )


def _branch_by_set(
    nodes: _Nodes, sets: BoolArray, sets_f: FloatArray, weights: FloatArray, allowed: BoolArray
) -> _Nodes:
    """Branch each node on one unhit set: a child per allowed column hitting it.

    One more child leaves the set unhit when the budget allows.
    """
    chosen, forbidden, unhit, left_budget = nodes.chosen, nodes.forbidden, nodes.unhit, nodes.left_budget
    columns = np.arange(sets.shape[1])
    must = unhit & (weights[None, :] > left_budget[:, None])
    n_allowed = allowed.astype(np.float64) @ sets_f.T  # open nodes x sets
    has_must = must.any(axis=1)
    branch = np.where(
        has_must, np.argmin(np.where(must, n_allowed, np.inf), axis=1), np.argmax(unhit, axis=1)
    )
    hits = sets[branch] & allowed
    node, col = np.nonzero(hits)
    hit_chosen = chosen[node]
    hit_chosen[np.arange(len(node)), col] = True
    hit_forbidden = forbidden[node] | (hits[node] & (columns[None, :] < col[:, None]))
    hit_unhit = unhit[node] & ~sets[:, col].T
    skip = np.flatnonzero(~has_must & (weights[branch] <= left_budget))
    skip_unhit = unhit[skip]
    skip_unhit[np.arange(len(skip)), branch[skip]] = False
    return _Nodes(
        np.vstack([hit_chosen, chosen[skip]]),
        np.vstack([hit_forbidden, forbidden[skip] | sets[branch[skip]]]),
        np.vstack([hit_unhit, skip_unhit]),
        np.concatenate([left_budget[node], left_budget[skip] - weights[branch[skip]]]),
    )


def _covering_tie_break(
    prob: _Problem, objective: str, q: float | None, value: float, threshold_ms: float | None = None
) -> BoolArray | None:
    """Return the lowest-mean choice among all whose objective is the optimum ``value``.

    Found by listing those choices (:func:`_covering_choices` on the cover sets): for a
    percentile, every choice whose users within ``value`` reach the percentile's weight; for
    ``"coverage"``, every choice covering the share ``value`` within ``threshold_ms``; for
    ``"worst"``, every choice serving each weighted user within ``value``. Weight sums carry a
    margin for their rounding and a choice near the target is checked by :func:`_value`. The
    mean decides (:func:`_least_mean`). None when the list is too long or the means nearly tie
    (the solver decides then), or with a residency rule.
    """
    if len(prob.hard):
        return None
    must, free = prob.must, ~prob.must
    r = prob.k - int(must.sum())
    threshold = threshold_ms if objective == "coverage" else value
    assert threshold is not None
    sets, weights = _cover_sets(prob, threshold, positive_only=objective == "worst")
    hit = (sets & must[None, :]).any(axis=1)
    sets_r, weights_r = sets[~hit][:, free], weights[~hit]
    rounding = 8.0 * float(np.finfo(np.float64).eps) * len(prob.w)
    if objective == "worst":
        need = budget = 0.0  # every set hit
    else:
        # the covered weight an optimal choice reaches; the rest (less what must covers) may
        # stay unhit
        if objective == "coverage":
            share = value
        else:
            assert q is not None
            share = q
        need = share - _QUANTILE_RTOL
        budget = float(weights_r.sum()) - (need - float(weights[hit].sum())) + rounding
    listed = _covering_choices(sets_r, weights_r, r, budget)
    if listed is None or not len(listed):
        return None
    choices = []
    for row in listed:
        chosen = must.copy()
        chosen[np.flatnonzero(free)[row]] = True
        if objective != "worst":
            covered = float(weights[hit].sum()) + float(weights_r[(sets_r & row[None, :]).any(axis=1)].sum())
            if covered < need - rounding:
                continue
            if covered < need + rounding:  # near the target: the objective's own test
                exact = _value(prob, chosen, objective, q, threshold_ms)
                if (exact < need) if objective == "coverage" else (exact > value):
                    continue
        choices.append(chosen)
    if not choices:
        return None
    return _least_mean(prob, choices)


def _swap_cover(sets: BoolArray, weights: FloatArray, r: int, max_rounds: int = 50) -> IntArray | None:
    """Columns of ``r`` sites covering much weight of the ``sets``: greedy, then best swaps.

    A heuristic (no optimality claim): greedy maximal covering, then while a swap of a chosen
    and an unchosen site covers more weight, the best such swap. Returns the column indices
    (None if ``r`` exceeds the columns). Ties go to the lowest index.
    """
    m, n = sets.shape
    if r > n:
        return None
    if r == 0:
        return np.zeros(0, dtype=np.intp)
    f = sets.astype(np.float64)
    chosen = np.zeros(n, dtype=bool)
    count = np.zeros(m)
    for _ in range(r):
        gain = (weights * (count == 0)) @ f
        gain[chosen] = -1.0
        j = int(np.argmax(gain))
        chosen[j] = True
        count += f[:, j]
    for _ in range(max_rounds):
        once = weights * (count == 1)
        gain = (weights * (count == 0)) @ f  # adding j: the sets nobody covers yet
        loss = once @ f  # removing i: the sets only i covers
        back = (once[:, None] * f).T @ f  # ... of which j covers again
        delta = gain[None, :] - loss[:, None] + back
        delta[~chosen, :] = -np.inf
        delta[:, chosen] = -np.inf
        out, into = (int(x) for x in np.unravel_index(int(np.argmax(delta)), delta.shape))
        if not delta[out, into] > 1e-12 * float(weights.sum()):
            break
        chosen[out], chosen[into] = False, True
        count += f[:, into] - f[:, out]
    return np.flatnonzero(chosen)


class _SearchBudget(Exception):
    """A combinatorial search went over its node budget (the caller falls back)."""


def _hit_all(sets: list[int], r: int, budget: list[int]) -> int | None:
    """Bit mask of at most ``r`` sites hitting every set (bit masks), or None if there is none.

    Exact branching on the smallest set not yet hit: one of its sites must be chosen; the sites
    tried before are forbidden in the later branches. A node with more than ``r`` pairwise
    disjoint sets (a greedy packing, smallest first) is dropped: each needs its own site.
    """
    if not sets:
        return 0
    if r == 0:
        return None
    budget[0] -= 1
    if budget[0] < 0:
        raise _SearchBudget
    # sets that share no site need one site each: more such sets than r sites cannot be hit
    # (a greedy packing, smallest sets first, gives such a family)
    by_size = sorted(sets, key=int.bit_count)
    used, disjoint = 0, 0
    for x in by_size:
        if not x & used:
            used |= x
            disjoint += 1
            if disjoint > r:
                return None
    smallest = by_size[0]
    forbidden = 0
    rest = smallest
    while rest:
        bit = rest & -rest
        rest ^= bit
        sub = [x & ~forbidden for x in sets if not x & bit]
        if all(sub):
            found = _hit_all(sub, r - 1, budget)
            if found is not None:
                return found | bit
        forbidden |= bit
    return None


def _min_worst(
    cost: FloatArray, lower: float, upper: float, hard: BoolArray, must: BoolArray, r: int
) -> tuple[float, BoolArray] | None:
    """Smallest worst RTT of any choice of ``r`` more sites and such a choice (``r`` more sites).

    Exact; None: gave up, or infeasible.

    Constraint generation: the p-center problem is solved on a few users (bisection over their
    RTTs, :func:`_hit_all` at each), the choice checked on every user, and the users it serves
    worse than the few-user optimum added, until the choice is as good on every user. The
    few-user optimum is a lower bound (each of those users' RTT sets stays the same between
    their own RTTs), so then it is the optimum. ``cost`` holds only the users with positive weight;
    ``lower`` is their worst RTT with every site chosen, ``upper`` a feasible worst RTT.
    """
    n = cost.shape[1]
    bits = np.array([1 << j for j in range(n)], dtype=np.uint64)
    free_bits = int(bits[~must].sum()) if (~must).any() else 0
    must_bits = int(bits[must].sum()) if must.any() else 0
    hard_sets = [int(bits[h].sum()) for h in hard if not (int(bits[h].sum()) & must_bits)]
    if any(not (h & free_bits) for h in hard_sets):
        return None
    rowmin = cost.min(axis=1)
    n_init = min(len(cost), 32)
    users = np.argpartition(-rowmin, n_init - 1)[:n_init] if n_init < len(cost) else np.arange(len(cost))
    budget = [200_000]
    best_low = lower
    try:
        for _ in range(50):
            sub = cost[users]
            vals = np.unique(sub[(sub >= best_low) & (sub <= upper)])
            if not len(vals) or vals[0] != best_low:  # the bound is one of these users' RTTs
                return None

            def feasible(t: float, sub: FloatArray = sub) -> int | None:
                masks = ((sub <= t).astype(np.uint64) * bits).sum(axis=1)
                sets = {int(m) for m in masks if not int(m) & must_bits}
                sets.update(hard_sets)
                cleaned = [m & free_bits for m in sets]
                if not all(cleaned):
                    return None
                return _hit_all(sorted(set(cleaned)), r, budget)

            lo, hi = -1, len(vals) - 1
            pick = feasible(float(vals[hi]))
            if pick is None:
                return None
            while hi - lo > 1:
                mid = (lo + hi) // 2
                found = feasible(float(vals[mid]))
                if found is not None:
                    hi, pick = mid, found
                else:
                    lo = mid
            t_sub = float(vals[hi])
            chosen = must.copy()
            chosen[[j for j in range(n) if pick >> j & 1]] = True
            served = cost[:, chosen].min(axis=1)
            worst = float(served.max())
            if worst <= t_sub:
                # fewer than r sites may hit every set: the first free sites fill the choice up
                # (more sites never serve a user worse)
                spare = np.flatnonzero(~chosen)[: r + int(must.sum()) - int(chosen.sum())]
                chosen[spare] = True
                return t_sub, chosen
            # the worst-served users join (up to 32 more); the bound only rises
            bad = np.flatnonzero(served > t_sub)
            if len(bad) > 32:
                bad = bad[np.argpartition(-served[bad], 31)[:32]]
            users = np.union1d(users, bad)
            best_low, upper = t_sub, min(upper, worst)
    except _SearchBudget:
        return None
    return None
