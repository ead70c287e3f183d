"""The greedy method: add the best next site one at a time (Qiu, Padmanabhan & Voelker 2001).

Percentile and worst-case options are evaluated one site row at a time (a percentile's bin is
found by a weighted count over equal-width RTT bins and only that bin's users are sorted; an
option is skipped when the users it would serve beyond the best value met show it surely
worse); coverage options by the weight they add. Ties on the objective go to the lowest
weighted mean RTT (within the rounding of the sums, 8 eps n relative), then to the lowest
candidate index. The picks do not depend on ``k``: a prepared matrix keeps them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cloudgeo.placement._types import BoolArray, FloatArray, IntArray
from cloudgeo.placement.cost import _transposed
from cloudgeo.placement.objectives import _QUANTILE_RTOL, _objective_columns, _quantile_columns_on_grid
from cloudgeo.placement.problem import _Problem

_QUANTILE_BINS = 2048


@dataclass
class _Bound:
    """The best percentile met in a greedy step and the users served beyond it (for pruning)."""

    w_beyond: FloatArray  # the weights of the users beyond it
    w_out: FloatArray  # the same for every user, 0 for those within (with site orders)
    best: float = math.inf
    beyond: IntArray | None = None  # users now served beyond the best value met
    within: float = 0.0  # weight now served within the best value met


class _GreedyColumns:
    """Objective of ``min(cur, c_j)`` for each option ``j`` of a greedy step, one option at a time.

    For ``"worst"`` (an exact maximum) and the percentiles; equal to :func:`_objective_columns`
    on the users x options matrix of those minima, without that matrix. A percentile uses
    equal-width RTT bins (``_QUANTILE_BINS``; monotone, so the bin of ``min(cur, c_j)`` is the
    smaller of the two bins): per option one weighted bin count finds the bin holding the
    quantile and only the users in that bin are sorted. A cumulative weight closer to the target
    than the rounding of either summation could move it is decided again by
    :func:`_quantile_columns_on_grid` itself (never on real data), so the value is the same
    smallest RTT whose weight within reaches the target.
    """

    def __init__(
        self,
        cost: FloatArray,
        w: FloatArray,
        objective: str,
        q: float | None,
        transposed: tuple[FloatArray, IntArray] | None = None,
        site_orders: Callable[[], tuple[IntArray, FloatArray]] | None = None,
    ) -> None:
        self.cost = cost
        # rows as cost_t's: each site's users by increasing RTT (a prepared matrix's), on demand
        self.site_orders = site_orders if transposed is not None else None
        self.w = w
        self.q = q
        pos = w > 0
        self.pos: BoolArray | None = None if pos.all() else pos
        # site j of cost is row rows[j] of cost_t (a prepared matrix's rows, or a transposed copy)
        self.cost_t, self.rows = (
            transposed if transposed is not None else (_transposed(cost), np.arange(cost.shape[1]))
        )
        self.cur_bin: npt.NDArray[np.int16] | None = None
        self.grid: FloatArray | None = None
        self.previous: FloatArray | None = None  # each site's value at the last step
        self.added = 0
        self.total = float(w.sum())
        if q is None:  # worst: the maximum over the users with positive weight
            if self.pos is not None:
                self.cost_t = np.ascontiguousarray(self.cost_t[self.rows][:, self.pos])
                self.rows = np.arange(cost.shape[1])
            return
        total = float(w.sum())
        self.target = q * total - _QUANTILE_RTOL * total
        # bins of every RTT in cost_t (any monotone binning gives the same quantiles)
        lo, hi = float(self.cost_t.min()), float(self.cost_t.max())
        self.lo = lo
        self.scale = (_QUANTILE_BINS - 1) / (hi - lo) if hi > lo else 0.0
        self.bins_t = np.empty(self.cost_t.shape, dtype=np.int16)
        for i in np.unique(self.rows):
            self.bins_t[i] = np.minimum((self.cost_t[i] - lo) * self.scale, _QUANTILE_BINS - 1)
        # bound on the rounding of both summations (sequential and BLAS): n * eps * total, slack 8
        self.margin = 8.0 * float(np.finfo(np.float64).eps) * (len(w) + _QUANTILE_BINS) * total
        self.cur_bin = np.full(len(w), _QUANTILE_BINS - 1, dtype=np.int16)

    def add(self, j: int) -> None:
        """Site ``j`` joins the chosen ones (``cur`` becomes ``min(cur, c_j)``)."""
        self.added += 1
        if self.cur_bin is not None:
            np.minimum(self.cur_bin, self.bins_t[self.rows[j]], out=self.cur_bin)

    def columns(self, cur: FloatArray, options: IntArray, prune: bool = False) -> FloatArray:
        """Objective of ``min(cur, c_j)`` for each ``j`` in ``options``.

        With ``prune``, an option surely worse than the best one met so far is not evaluated:
        its entry is ``inf`` (the lowest value and every option tied with it stay exact). The
        options go best first by their values in the previous call. A percentile is at most
        ``x`` exactly when the weight within ``x`` reaches the target; adding ``j`` moves only
        the users now served beyond ``x``, so counting those that ``j`` serves within ``x``
        decides it (skipped when short of the target by more than the rounding margin). With a
        prepared matrix's site orders those users are a prefix of ``j``'s order, summed when
        shorter than the list of users beyond ``x``; without, the test runs only while at most
        three quarters of the users are beyond ``x`` (else it costs about what it saves). The
        worst RTT is at most ``x`` when ``j`` serves within ``x`` every user now beyond it.
        """
        order = (
            np.argsort(self.previous[options], kind="stable")
            if prune and self.previous is not None
            else np.arange(len(options))
        )
        if self.q is None:
            out = self._worst_columns(cur, options, order, prune)
        else:
            out = self._percentile_columns(cur, options, order, prune)
        self._remember(options, out)
        return out

    def _worst_columns(self, cur: FloatArray, options: IntArray, order: IntArray, prune: bool) -> FloatArray:
        out = np.full(len(options), np.inf)
        best = math.inf
        beyond: IntArray | None = None  # users now served beyond the best value met
        cur_pos = cur if self.pos is None else cur[self.pos]
        row = np.empty(len(cur_pos))
        for i in order:
            site = self.cost_t[self.rows[options[i]]]
            if beyond is not None and not bool((site[beyond] <= best).all()):
                continue  # some user stays beyond the best value: surely worse
            np.minimum(cur_pos, site, out=row)
            out[i] = row.max()
            if prune and out[i] < best:
                best = float(out[i])
                beyond = np.flatnonzero(cur_pos > best)
        return out

    def _percentile_columns(
        self, cur: FloatArray, options: IntArray, order: IntArray, prune: bool
    ) -> FloatArray:
        out = np.full(len(options), np.inf)
        bound = _Bound(w_beyond=self.w, w_out=self.w)
        row = np.empty(len(cur))
        brow = np.empty(len(cur), dtype=np.int16)
        unsure = []
        orders = self.site_orders() if prune and self.site_orders is not None else None
        for i in order:
            jr = int(self.rows[options[i]])
            if bound.beyond is not None and self._surely_above(jr, bound, orders):
                continue  # its percentile is surely above the best value
            value, sure = self._binned_quantile(cur, jr, row, brow)
            if value is None:
                unsure.append(i)
                continue
            out[i] = value
            if not sure:
                unsure.append(i)
            elif prune and self.added and value < bound.best:
                self._tighten(bound, cur, value, orders is not None)
        if unsure:
            if self.grid is None:
                self.grid = np.unique(self.cost)
            served = np.minimum(cur[:, None], self.cost[:, options])
            assert self.q is not None
            out[unsure] = _quantile_columns_on_grid(served, self.w, self.q, self.grid)[unsure]
        return out

    def _surely_above(self, jr: int, bound: _Bound, orders: tuple[IntArray, FloatArray] | None) -> bool:
        """Return whether site row ``jr`` surely leaves the percentile above ``bound.best``.

        The users site ``jr`` serves within the best value are a prefix of its order: summed
        there when shorter than the list of users beyond it.
        """
        beyond = bound.beyond
        assert beyond is not None
        near = int(np.searchsorted(orders[1][jr], bound.best, side="right")) if orders is not None else 0
        if orders is not None and near <= len(beyond):
            gained = float(bound.w_out[orders[0][jr, :near]].sum())
        else:
            gained = float(bound.w_beyond @ (self.cost_t[jr, beyond] <= bound.best))
        return bound.within + gained < self.target - self.margin

    def _binned_quantile(
        self, cur: FloatArray, jr: int, row: FloatArray, brow: npt.NDArray[np.int16]
    ) -> tuple[float | None, bool]:
        """Return the percentile of ``min(cur, site row jr)`` and whether it is clear of the rounding.

        None when the bin count cannot place it (decided again on the grid).
        """
        assert self.cur_bin is not None
        w, target = self.w, self.target
        np.minimum(self.cur_bin, self.bins_t[jr], out=brow)
        cum = np.cumsum(np.bincount(brow, weights=w, minlength=_QUANTILE_BINS))
        b = min(int(np.searchsorted(cum, target, side="left")), _QUANTILE_BINS - 1)
        below = float(cum[b - 1]) if b else 0.0
        idx = np.flatnonzero(brow == b)
        vals = np.minimum(cur[idx], self.cost_t[jr, idx], out=row[: len(idx)])
        srt = np.argsort(vals, kind="stable")
        cw = below + np.cumsum(w[idx][srt])
        at = int(np.searchsorted(cw, target, side="left"))
        if at == len(cw):
            return None, False
        before = float(cw[at - 1]) if at else below
        sure = not (cw[at] - target <= self.margin or target - before <= self.margin)
        return float(vals[srt[at]]), sure

    def _tighten(self, bound: _Bound, cur: FloatArray, value: float, with_orders: bool) -> None:
        """Make ``value`` the best value met and list the users now served beyond it."""
        bound.best = value
        beyond = np.flatnonzero(cur > value)
        if not with_orders and 4 * len(beyond) > 3 * len(cur):
            bound.beyond = None  # the test by users beyond would cost about what it saves
            return
        bound.beyond = beyond
        bound.w_beyond = self.w[beyond]
        bound.within = float(self.total - bound.w_beyond.sum())
        if with_orders:
            bound.w_out = np.where(cur > value, self.w, 0.0)

    def _remember(self, options: IntArray, out: FloatArray) -> None:
        """Keep this step's values (skipped options: their last value) to order the next step."""
        if self.previous is None:
            self.previous = np.full(self.cost.shape[1], np.inf)
        evaluated = np.isfinite(out)
        self.previous[options[evaluated]] = out[evaluated]


def _greedy(prob: _Problem, objective: str, q: float | None, threshold_ms: float | None) -> BoolArray | None:
    """Add sites one at a time (from must_include), each the best next site; None if residency unmet."""
    cost = _penalised_cost(prob)
    chosen = prob.must.copy()
    # the picks made before on this problem with another k (a prepared matrix keeps them)
    key = (objective, q, threshold_ms)
    path = list(prob.reuse.greedy_picks(key)) if prob.reuse is not None else None
    if path is not None and len(path) >= prob.k - int(chosen.sum()):
        chosen[path[: prob.k - int(chosen.sum())]] = True
        return chosen  # no residency rule here (see _prepare): nothing more to check
    if path:
        chosen[path] = True
    cur = cost[:, chosen].min(axis=1) if chosen.any() else np.full(len(cost), np.inf)
    transposed = prob.reuse.transposed() if prob.reuse is not None and cost is prob.cost else None
    step = _GreedyStep(prob, objective, q, threshold_ms, cost, transposed)
    if step.fast is not None:
        for j in np.flatnonzero(chosen):
            step.fast.add(int(j))
    while int(chosen.sum()) < prob.k:
        options = np.flatnonzero(~chosen)
        unmet = np.zeros(len(options))
        if len(prob.hard):
            hit = np.asarray(prob.hard[:, chosen].any(axis=1), dtype=bool)
            unmet = (~(hit[:, None] | prob.hard[:, options])).sum(axis=0)
        best = options[step.pick(cur, options, unmet)]
        chosen[best] = True
        if path is not None:
            path.append(int(best))
        cur = np.minimum(cur, cost[:, best])
        if step.fast is not None:
            step.fast.add(int(best))
    if prob.reuse is not None and path is not None:
        prob.reuse.record_greedy_picks(key, tuple(path))  # a copy: other threads extend their own
    if len(prob.hard) and not prob.hard[:, chosen].any(axis=1).all():
        return None
    return chosen


def _penalised_cost(prob: _Problem) -> FloatArray:
    """Return the RTTs with the residency rules' inf replaced by a large finite penalty [ms]."""
    # only residency rules put inf in the cost (validated finite otherwise)
    is_finite = np.isfinite(prob.cost) if len(prob.hard) else None
    if is_finite is None or is_finite.all():  # the usual case: no copy needed
        return prob.cost
    finite = prob.cost[is_finite]
    penalty = 10.0 * float(finite.max() if finite.size else 1.0) + 1000.0
    return np.where(is_finite, prob.cost, penalty)


class _GreedyStep:
    """How one greedy run ranks the options of a step (one site's column at a time)."""

    def __init__(
        self,
        prob: _Problem,
        objective: str,
        q: float | None,
        threshold_ms: float | None,
        cost: FloatArray,
        transposed: tuple[FloatArray, IntArray] | None,
    ) -> None:
        self.prob, self.objective, self.q, self.threshold_ms = prob, objective, q, threshold_ms
        self.cost, self.transposed = cost, transposed
        self.fast = (
            _GreedyColumns(
                cost, prob.w, objective, q, transposed, prob.reuse.site_orders if prob.reuse else None
            )
            if objective == "worst" or q is not None
            else None
        )
        # a row buffer that stays in cache instead of a users x options matrix per step
        self.row = np.empty(len(cost))
        # means closer than the rounding of their sums are a tie (then the lowest index): the
        # pick never depends on how a sum was rounded
        self.mean_rtol = 8.0 * float(np.finfo(np.float64).eps) * len(cost)

    @functools.cached_property
    def site_rows(self) -> tuple[FloatArray, IntArray]:
        """Return the sites' RTTs as contiguous rows (the prepared matrix's, or a transposed copy)."""
        if self.transposed is not None:
            return self.transposed
        return _transposed(self.cost), np.arange(self.cost.shape[1])

    @functools.cached_property
    def covered(self) -> list[IntArray] | None:
        """Return the users within the threshold of each site (coverage only)."""
        if self.objective != "coverage" or self.threshold_ms is None:
            return None
        if self.transposed is not None:
            cost_t, t_rows = self.transposed
            return [np.flatnonzero(cost_t[t_rows[j]] <= self.threshold_ms) for j in range(self.cost.shape[1])]
        return [np.flatnonzero(col) for col in (self.cost <= self.threshold_ms).T]

    def site_row(self, j: int) -> FloatArray:
        """Return site ``j``'s RTTs as a contiguous row."""
        cost_t, t_rows = self.site_rows
        site: FloatArray = cost_t[t_rows[j]]
        return site

    def least_mean(self, cur: FloatArray, options: IntArray, tied: IntArray) -> int:
        """Return the position in ``options`` of the tied option of least weighted mean RTT once added."""
        if len(tied) == 1:
            return int(tied[0])
        means = np.empty(len(tied))
        for i, t in enumerate(tied):
            np.minimum(cur, self.site_row(int(options[t])), out=self.row)
            means[i] = self.prob.w @ self.row
        lowest = float(means.min())
        return int(tied[np.flatnonzero(means <= lowest + self.mean_rtol * abs(lowest))[0]])

    def pick(self, cur: FloatArray, options: IntArray, unmet: FloatArray | IntArray) -> int:
        """Return the position in ``options`` of the best next site (fewest unmet rules first)."""
        prob = self.prob
        if self.objective == "mean":
            mean = np.empty(len(options))
            for i, j in enumerate(options):
                np.minimum(cur, self.site_row(int(j)), out=self.row)
                mean[i] = prob.w @ self.row
            return int(np.lexsort((options, mean, unmet))[0])
        if self.fast is not None:
            # options surely worse than the best are skipped (not with a residency rule: there
            # the fewest unmet rules come first)
            primary = self.fast.columns(cur, options, prune=not len(prob.hard))
            first = np.flatnonzero(unmet == unmet.min())
            first = first[primary[first] == primary[first].min()]
            return self.least_mean(cur, options, first)  # tied on the objective: the mean decides
        covered = self.covered
        if covered is not None:  # coverage: the weight each option adds within the threshold
            assert self.threshold_ms is not None
            w_beyond = np.where(cur > self.threshold_ms, prob.w, 0.0)
            primary = -np.array([w_beyond[covered[j]].sum() for j in options])
            first = np.flatnonzero(unmet == unmet.min())
            # gains closer than the rounding of their sums are a tie (the mean decides)
            first = first[primary[first] <= primary[first].min() + self.mean_rtol * float(prob.w.sum())]
            return self.least_mean(cur, options, first)
        served = np.minimum(cur[:, None], self.cost[:, options])
        primary = _objective_columns(served, prob.w, self.objective, self.q, self.threshold_ms)
        return int(np.lexsort((options, prob.w @ served, primary, unmet))[0])
