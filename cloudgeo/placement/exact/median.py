"""Exact p-median (objective ``"mean"``) by the iterative radius formulation.

The RTT of a user under sites ``S`` is a telescoping sum over its candidates sorted by RTT
(Elloumi 2010; García, Labbé & Marín 2011), so users sharing a prefix set share a term. Prefix
sets are built down to a per-user depth taken from the greedy choice and deepened until the
optimum of the truncated problem is priced exactly, which proves it optimal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cloudgeo.placement._types import BoolArray, FloatArray
from cloudgeo.placement.exact.aggregate import _aggregate_users, _radius_sets, _ranks, _sorted_costs
from cloudgeo.placement.exact.core import _solve_core
from cloudgeo.placement.objectives import _served
from cloudgeo.placement.problem import _Problem

# prefix entries (users x depth) built per round of the radius formulation
_MAX_PREFIX_ENTRIES = 4_000_000


@dataclass(frozen=True)
class _Mean:
    """An exact mean answer: the choice (None: none found), a lower bound on the mean [ms]."""

    chosen: BoolArray | None
    proven: bool
    bound: float
    method: str


def _solve_mean(
    prob: _Problem,
    covers: Sequence[tuple[BoolArray, FloatArray, float]],
    hard_extra: BoolArray | None,
    time_limit_s: float | None,
    prefer: str,
    seed: BoolArray | None = None,
) -> _Mean:
    """Exact weighted-mean minimisation (radius formulation), with optional cover/hard constraints.

    Each user's prefix sets are built only down to a depth; dropping the deeper (non-negative)
    terms gives a relaxation: relaxed(S) <= mean(S) for every choice S. When the relaxed optimum
    S* has mean(S*) = relaxed(S*), then mean(S*) = relaxed(S*) <= relaxed(S) <= mean(S) for all
    S, so S* is optimal; otherwise the users served beyond their depth are deepened and the
    problem solved again (depth only grows, up to the full depth: this ends). ``seed`` (e.g. the
    greedy choice) only sets the first depths, to the rank of each user's second-nearest seed
    site: few sets are built and, on the world cities, one solve is usually enough.
    Users are first merged exactly (:func:`_aggregate_users`).
    """
    n = len(prob.site_ids)
    pos = prob.w > 0
    every = bool(pos.all())
    rows = prob.reuse.order_rows() if prob.reuse is not None else None
    cost, w = _aggregate_users(
        prob.cost if every else prob.cost[pos],
        prob.w if every else prob.w[pos],
        n - prob.k + 1,
        rows if rows is None or every else (rows[0][pos], rows[1]),
    )
    order, srt = _sorted_costs(cost)
    if len(prob.hard):
        full_depth = np.minimum(np.isfinite(srt).sum(axis=1), n - prob.k).astype(np.intp)
    else:  # no residency rule: every RTT is finite
        full_depth = np.full(len(cost), n - prob.k, dtype=np.intp)
    depth = np.minimum(full_depth, max(2, _MAX_PREFIX_ENTRIES // max(1, len(cost))))
    if seed is not None and seed.any():
        # the rank of each user's second-nearest seed site: prices exactly the seed and every
        # choice that differs from it by the user's own serving site (one swap away)
        block = cost[:, np.flatnonzero(seed)]
        second = block[:, 0] if block.shape[1] == 1 else np.partition(block, 1, axis=1)[:, 1]
        depth = np.minimum(depth, _ranks(srt, second))
    hard = prob.hard if hard_extra is None else np.vstack([prob.hard, hard_extra])
    must = prob.must
    free = ~must
    r = prob.k - int(must.sum())
    const = float(w @ srt[:, 0])
    hard_r = hard[~(hard & must[None, :]).any(axis=1)][:, free]
    covers_r = []
    for cs, cw, minimum in covers:
        hit = (cs & must[None, :]).any(axis=1)
        covers_r.append((cs[~hit][:, free], cw[~hit], minimum - float(cw[hit].sum())))
    while True:
        sets, coef = _radius_sets(order, srt, w, depth)
        keep = ~(sets & must[None, :]).any(axis=1)
        obj = (sets[keep][:, free], coef[keep])
        core = _solve_core(
            int(free.sum()), r, obj, hard_r, covers_r, time_limit_s=time_limit_s, prefer=prefer
        )
        if core.chosen is None:
            return _Mean(None, core.proven, const + core.bound, core.method)
        chosen = must.copy()
        chosen[np.flatnonzero(free)[core.chosen]] = True
        served, _ = _served(cost, chosen)
        true_value = float(w @ served)
        relaxed = const + core.value
        truncated = depth < full_depth
        if not truncated.any() or true_value <= relaxed + 1e-9 * max(1.0, abs(relaxed)):
            return _Mean(chosen, core.proven, const + core.bound, core.method)
        # some users are served beyond their truncated depth: deepen those and solve again
        rank = _ranks(srt, served)
        grow = truncated & (rank > depth)
        if not grow.any():
            return _Mean(chosen, core.proven, const + core.bound, core.method)
        depth = np.where(grow, np.minimum(full_depth, np.maximum(2 * depth + 1, rank)), depth)
