"""Choose k sites (regions, edge locations) for a user population.

:func:`optimize_placement` picks ``k`` sites out of a table of candidates so that a weighted
population of users sees the best round-trip time under one of these objectives:

``"mean"``
    Weighted mean RTT (the p-median problem, Hakimi 1964; ReVelle & Swain 1970).
``"p50"``, ``"p90"``, ``"p95"``, ``"p99"`` (any ``"pXX"`` with 0 < XX < 100)
    A weighted percentile of the users' RTT (see *Weighted percentile* below).
``"coverage"``
    The weighted share of users within ``threshold_ms`` (maximal covering, Church & ReVelle
    1974); maximised.
``"worst"``
    The largest RTT of any user with positive weight (the p-center problem; unweighted, as is
    traditional).

Every user is served by the chosen site with the lowest RTT that it may use (data residency
can forbid some sites for some users).

Exact method
------------
``method="exact"`` returns a proven optimum. The demand is aggregated without loss: the RTT of a
user under a choice of sites ``S`` is written as a telescoping sum over the user's candidates
sorted by RTT (the *radius formulation* of Elloumi 2010 and García, Labbé & Marín 2011),

    min_{j in S} c_ij = c_i(1) + sum_l (c_i(l+1) - c_i(l)) * [S misses the l nearest of i],

so the objective is a weighted sum over *prefix sets* (the ``l`` nearest candidates of a
user). Users who share a prefix set share a term: with 34 regions and 34,000 cities only about
a thousand distinct sets remain, whatever the number of users. Terms deeper than ``n - k`` vanish
(any ``k`` of ``n`` sites hit every ``n - k + 1`` candidates), so users who rank their nearest
``n - k + 1`` candidates in the same order are served by the same site under every choice and
are merged first (the 34,000 cities rank the AWS regions in under 800 orders). The prefix sets
are built down to a per-user depth taken from the greedy choice and deepened until the optimum
of the truncated (relaxed) problem is priced exactly, which proves it optimal (the iterative
radius formulation of García, Labbé & Marín 2011). The aggregated problem is solved by
vectorised enumeration of all combinations when that is cheap (the combination's sum is a
product of two matrices of half-combinations) and otherwise as an integer program with
``scipy.optimize.milp`` (HiGHS, relative gap 0, its feasibility-jump heuristic off: on these
small covering models it costs more than it saves). Percentile and worst-case objectives are solved
exactly by bisection over the sorted distinct RTTs with an exact covering feasibility problem
at each step; ties between optimal choices are broken by the lowest weighted mean RTT. Without a
time limit the optimal threshold is found with fewer solves and the bisection's result then
reproduced from its own final steps: for ``"worst"`` by constraint generation (the p-center
problem solved exactly on a few users with a small hitting-set search, users served worse added
until the choice is as good on all), for percentiles by jumping to the percentile of each choice
met (the greedy one, each solver's) and trying the threshold just below; a threshold that a
heuristic choice (greedy covering, then best swaps) surely reaches, checked on every user, needs
no solver there, so the MILP only proves the threshold below the optimum infeasible. The
lowest-mean tie-break among the optimal choices (also of ``"coverage"``) lists them when they
are few: a breadth-first branch and bound over the cover sets at the optimum (a set whose weight
exceeds what may stay uncovered must be hit; a node is dropped when even its best remaining
sites, by the union bound, leave too much weight uncovered), vectorised over the open nodes;
when the listing grows too long the MILP decides. The hitting-set search of ``"worst"`` stops
when more pairwise disjoint sets remain than sites. When the choices of
the free sites are few (C(34, 5) = 278,256 bit masks), percentile, worst and coverage optima are
instead found by listing every choice at least as good as the greedy one: choices are filtered
by bit tests against the cover sets at the threshold (hard and heavy sets first, then the
missed weight summed, choices whose sites' summed coverage falls short skipped by the union
bound), those near the target checked exactly, and the optimum and its lowest-mean tie-break
read off the short list (a near tie in the mean, or too long a list, falls back to the search
and the solvers; the method named is the one the bisection's last step would use). The greedy method
evaluates percentile and worst-case options one site row at a time; a percentile's bin is found
by a weighted count over equal-width RTT bins and only that bin's users are sorted, and an option
is skipped when the users now served beyond the best value met show it surely worse. Coverage
options are compared by the weight they add. Options tied on the objective go to the lowest
weighted mean RTT (means, and coverage shares, within the rounding of their sums, 8 eps n
relative, are a tie), then to the lowest candidate index. The greedy's picks do not depend on
``k``: a prepared RTT matrix (the placement explorer's) keeps them, and another ``k`` continues.

Weighted percentile
-------------------
The weighted ``q``-percentile of RTTs ``x_i`` with weights ``w_i`` is the smallest ``x`` such that
the weight of users with ``x_i <= x`` is at least ``q`` times the total weight (the inverted
empirical CDF, numpy's ``method="inverted_cdf"``), with a relative tolerance of 1e-9 on the
comparison. The objective and :attr:`PlacementResult.summary` use this one definition (long
arrays find the quantile's bin by a weighted count and sort only that bin, falling back to the
full sort when a cumulative weight is within rounding of the target: the same value).

References
----------
* Hakimi, S. L. (1964). Optimum locations of switching centers and the absolute centers and
  medians of a graph. Operations Research 12(3), 450-459.
* ReVelle, C. S., Swain, R. W. (1970). Central facilities location. Geographical Analysis 2(1).
* Church, R., ReVelle, C. (1974). The maximal covering location problem. Papers of the
  Regional Science Association 32, 101-118.
* Elloumi, S. (2010). A tighter formulation of the p-median problem. Journal of Combinatorial
  Optimization 19, 69-83.
* García, S., Labbé, M., Marín, A. (2011). Solving large p-median problems with a radius
  formulation. INFORMS Journal on Computing 23(4), 546-556.
* Qiu, L., Padmanabhan, V. N., Voelker, G. M. (2001). On the placement of Web server replicas.
  IEEE INFOCOM 2001 (greedy placement as a baseline).
* Huangfu, Q., Hall, J. A. J. (2018). Parallelizing the dual revised simplex method.
  Mathematical Programming Computation 10, 119-142 (HiGHS, behind ``scipy.optimize.milp``).
"""

from __future__ import annotations

import functools
import html
import itertools
import math
import re
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo._validate import (
    check_choice,
    check_fraction,
    check_int,
    check_positive,
    check_thresholds,
    numeric_array,
    points_arrays,
    require_columns,
)
from cloudgeo.errors import (
    DataValidationError,
    InfeasibleError,
    InvalidInputError,
    InvalidTypeError,
    UnknownNameError,
    UnknownRegionError,
)

__all__ = [
    "OBJECTIVES",
    "PlacementResult",
    "optimize_placement",
    "placement_frontier",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

#: Objective names accepted by :func:`optimize_placement` (any ``"pXX"``, 0 < XX < 100, works too).
OBJECTIVES: tuple[str, ...] = ("mean", "p50", "p90", "p95", "p99", "coverage", "worst")
_METHODS = ("exact", "greedy")
_QUANTILE_RTOL = 1e-9
_DEFAULT_THRESHOLDS_MS: tuple[float, ...] = (20.0, 50.0, 100.0, 150.0)
# enumeration is used when the two half-combination matrices and their product stay this small
_ENUM_MAX_PAIRS = 2_000_000
_ENUM_MAX_FLOPS = 4e9
_ENUM_MAX_CELLS = 4e7
# prefix entries (users x depth) built per round of the radius formulation
_MAX_PREFIX_ENTRIES = 4_000_000
# greedy pick sequences a prepared RTT matrix keeps (objective x sites x must-include choices)
_GREEDY_PATHS = 32


# --------------------------------------------------------------------------------------------
# result


@dataclass(frozen=True, eq=False)
class PlacementResult:
    """The outcome of :func:`optimize_placement`.

    Attributes
    ----------
    sites : list
        Chosen candidate ids, in the order of the candidates table.
    objective : str
        The objective optimised (``"mean"``, ``"p90"``, ``"coverage"``, ``"worst"``, ...).
    objective_value : float
        Value of the objective for ``sites``: RTT for latency objectives [ms]; the weighted share
        of users within ``threshold_ms`` for ``"coverage"`` [fraction 0-1].
    assignment : pandas.Series
        Serving site of every user, aligned with the users' index.
    rtt_ms : pandas.Series
        RTT of every user to its serving site, aligned with the users' index. [ms]
    summary : pandas.Series
        Weighted mean, p50, p90, p95, p99 and worst RTT [ms] and the weighted share within each
        threshold (``share_within_<T>_ms``) [fraction 0-1].
    per_site : pandas.DataFrame
        One row per chosen site: users served, share of the weight, weighted mean RTT of its users
        [ms].
    failover : pandas.DataFrame
        N-1 table, one row per chosen site: what users see if that site fails and its users move
        to the next best chosen site they may use (``users_affected``, ``weight_share_affected``,
        ``mean_rtt_ms``, ``p90_rtt_ms``, ``worst_rtt_ms`` after failover, ``mean_rtt_increase_ms``,
        ``affected_mean_rtt_ms_before``/``_after`` and ``stranded_share``: the weight left with no
        site it may use, excluded from the RTT statistics). [ms, fraction 0-1] Computed on first
        access and kept.
    method : str
        Algorithm that produced ``sites``: ``"enumeration"``, ``"milp"`` or ``"greedy"``.
    gap : float
        Relative optimality gap: 0 for a proven optimum, NaN when not known (greedy). [fraction]
    solve_time_s : float
        Wall time of the optimisation, excluding the latency matrix. [s]
    k : int
        Number of sites chosen.
    threshold_ms : float or None
        Coverage threshold used by ``"coverage"`` and ``min_share``. [ms]
    greedy_objective_value : float or None
        Objective of the greedy solution (computed alongside an exact solve). [ms or fraction]
    greedy_gap : float or None
        Relative excess of the greedy objective over the exact one (for coverage: the relative
        shortfall); 0 when greedy is optimal. [fraction]
    """

    sites: list[Any]
    objective: str
    objective_value: float
    assignment: pd.Series
    rtt_ms: pd.Series
    summary: pd.Series
    per_site: pd.DataFrame
    method: str
    gap: float
    solve_time_s: float
    k: int
    threshold_ms: float | None = None
    greedy_objective_value: float | None = None
    greedy_gap: float | None = None
    _cost_ms: FloatArray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    _columns: tuple[Any, ...] = field(default=(), repr=False)
    # the N-1 table's computation: most callers never look at it
    _failover_of: Callable[[], pd.DataFrame] | None = field(default=None, repr=False)

    @functools.cached_property
    def failover(self) -> pd.DataFrame:
        """N-1 table, one row per chosen site (see the class attributes); computed once."""
        if self._failover_of is None:
            msg = "this PlacementResult was made without its N-1 table; solve the placement again."
            raise InvalidInputError(msg)
        return self._failover_of()

    def failover_assignment(self, site: Any) -> pd.DataFrame:
        """Users moved when ``site`` fails: where they go and what RTT they see.

        Parameters
        ----------
        site : hashable
            One of :attr:`sites`.

        Returns
        -------
        pandas.DataFrame
            Indexed like the users, only the users served by ``site``; columns ``site_before``,
            ``site_after`` (None when no chosen site may serve the user: stranded),
            ``rtt_ms_before`` and ``rtt_ms_after`` (NaN when stranded). [ms]

        Raises
        ------
        UnknownNameError
            If ``site`` is not one of the chosen sites.
        """
        if site not in self.sites:
            raise UnknownNameError("chosen site", site, [str(s) for s in self.sites])
        cols = list(self._columns)
        affected = (self.assignment == site).to_numpy()
        others = [cols.index(s) for s in self.sites if s != site]
        sub = self._cost_ms[affected]
        if others:
            block = sub[:, others]
            pos = np.argmin(block, axis=1)
            after = block[np.arange(len(block)), pos]
            ok = np.isfinite(after)
            to_site = np.array([cols[others[p]] for p in pos], dtype=object)
        else:
            after = np.full(len(sub), np.inf)
            ok = np.zeros(len(sub), dtype=bool)
            to_site = np.full(len(sub), None, dtype=object)
        to_site[~ok] = None
        return pd.DataFrame(
            {
                "site_before": self.assignment[affected],
                "site_after": to_site,
                "rtt_ms_before": self.rtt_ms[affected],
                "rtt_ms_after": np.where(ok, after, np.nan),
            },
            index=self.assignment.index[affected],
        )

    def _repr_html_(self) -> str:
        """Summarise the placement as an HTML table for notebooks."""
        unit = "share" if self.objective == "coverage" else "ms"
        value = f"{self.objective_value:.4f}" if unit == "share" else f"{self.objective_value:.2f} ms"
        gap = (
            "proven optimum" if self.gap == 0 else ("unknown" if math.isnan(self.gap) else f"{self.gap:.2%}")
        )
        rows = [
            ("sites", ", ".join(html.escape(str(s)) for s in self.sites)),
            (f"objective ({html.escape(self.objective)})", value),
            ("method", f"{html.escape(self.method)} (gap: {gap})"),
            ("solve time", f"{self.solve_time_s:.3f} s"),
        ]
        if self.greedy_objective_value is not None and self.greedy_gap is not None:
            rows.append(("greedy", f"{self.greedy_objective_value:.4g} (gap {self.greedy_gap:.2%})"))
        head = "".join(f"<tr><th style='text-align:left'>{k}</th><td>{v}</td></tr>" for k, v in rows)
        summ = "".join(
            f"<tr><th style='text-align:left'>{html.escape(str(k))}</th><td>{v:.4g}</td></tr>"
            for k, v in self.summary.items()
        )
        table = self.failover.to_html(float_format=lambda v: f"{v:.4g}")
        return (
            f"<div><b>PlacementResult</b> (k={self.k})<table>{head}</table>"
            f"<details><summary>summary</summary><table>{summ}</table></details>"
            f"<details><summary>N-1 failover</summary>{table}"
            "</details></div>"
        )


# --------------------------------------------------------------------------------------------
# statistics


# arrays at least this long get their quantile from weighted bin counts (below: one sort)
_QUANTILE_BINNED_MIN = 4096


def _weighted_quantile(values: FloatArray, weights: FloatArray, q: float) -> float:
    """Smallest value whose cumulative weight reaches ``q`` of the total (inverted CDF).

    Long arrays: :func:`_binned_quantile`, the same value without sorting every element.
    """
    if len(values) >= _QUANTILE_BINNED_MIN:
        value = _binned_quantile(values, weights, q)
        if value is not None:
            return value
    return _sorted_quantile(values, weights, q)


def _binned_quantile(values: FloatArray, weights: FloatArray, q: float) -> float | None:
    """:func:`_sorted_quantile` from a weighted count over ``_QUANTILE_BINS`` equal-width bins.

    The count finds the bin holding the quantile (binning is monotone) and only that bin's
    values are sorted. None (sort instead) when a cumulative weight lies closer to the target
    than the rounding of the sums could move it (n eps of the total, slack 8), and for
    non-finite or constant values: the value is then exactly the sorted definition's.
    """
    lo, hi = float(values.min()), float(values.max())
    if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
        return None
    bins = ((values - lo) * ((_QUANTILE_BINS - 1) / (hi - lo))).astype(np.intp)
    np.minimum(bins, _QUANTILE_BINS - 1, out=bins)
    cum = np.cumsum(np.bincount(bins, weights=weights, minlength=_QUANTILE_BINS))
    total = float(cum[-1])
    target = q * total - _QUANTILE_RTOL * total
    margin = 8.0 * float(np.finfo(np.float64).eps) * (len(values) + _QUANTILE_BINS) * total
    b = int(np.searchsorted(cum, target, side="left"))
    if b >= _QUANTILE_BINS:
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


def _sorted_quantile(values: FloatArray, weights: FloatArray, q: float) -> float:
    """:func:`_weighted_quantile` by a stable sort of every value (the definition)."""
    order = _stable_argsort(values)
    cw = np.cumsum(weights[order])
    total = float(cw[-1])
    idx = int(np.searchsorted(cw, q * total - _QUANTILE_RTOL * total, side="left"))
    return float(values[order][min(idx, len(cw) - 1)])


def _weighted_quantile_columns(values: FloatArray, weights: FloatArray, q: float) -> FloatArray:
    """:func:`_weighted_quantile` of every column of ``values`` (users x options)."""
    order = np.argsort(values, axis=0, kind="stable")
    cw = np.cumsum(weights[order], axis=0)
    total = cw[-1]
    idx = (cw < (q * total - _QUANTILE_RTOL * total)[None, :]).sum(axis=0)
    idx = np.minimum(idx, len(values) - 1)
    srt = np.take_along_axis(values, order, axis=0)
    return np.asarray(srt[idx, np.arange(values.shape[1])], dtype=np.float64)


def _quantile_columns_on_grid(served: FloatArray, w: FloatArray, q: float, grid: FloatArray) -> FloatArray:
    """:func:`_weighted_quantile` of every column when all values lie in the sorted ``grid``.

    A vectorised binary search over the grid (the weight within ``t`` grows with ``t``) instead
    of one sort per column.
    """
    total = float(w.sum())
    target = q * total - _QUANTILE_RTOL * total
    lo = np.full(served.shape[1], -1)
    hi = np.full(served.shape[1], len(grid) - 1)
    while (hi - lo > 1).any():
        mid = (lo + hi) // 2
        active = hi - lo > 1
        t = grid[np.where(active, mid, hi)]
        ok = (w @ (served <= t[None, :])) >= target
        hi = np.where(active & ok, mid, hi)
        lo = np.where(active & ~ok, mid, lo)
    return np.asarray(grid[hi], dtype=np.float64)


def _objective_columns(
    served: FloatArray,
    w: FloatArray,
    objective: str,
    q: float | None,
    threshold_ms: float | None,
    grid: FloatArray | None = None,
) -> FloatArray:
    """Objective (lower is better; coverage negated) of each column of ``served`` (users x options)."""
    if objective == "mean":
        return np.asarray(w @ served, dtype=np.float64)
    if objective == "coverage":
        assert threshold_ms is not None
        return -np.asarray(w @ (served <= threshold_ms), dtype=np.float64)
    if objective == "worst":
        return np.asarray(served[w > 0].max(axis=0), dtype=np.float64)
    assert q is not None
    if grid is not None:
        return _quantile_columns_on_grid(served, w, q, grid)
    return _weighted_quantile_columns(served, w, q)


# --------------------------------------------------------------------------------------------
# set representation: rows of a boolean matrix (users/sets x sites), aggregated exactly


def _unique_inverse(keys: npt.NDArray[np.uint64]) -> tuple[npt.NDArray[np.uint64], IntArray]:
    """``np.unique(keys, return_inverse=True)`` by hashing: fast when few keys are distinct.

    :func:`pandas.factorize` labels the keys in one pass; only the distinct keys are then sorted
    and the labels renumbered in that order, so the output is exactly numpy's.
    """
    codes, uniq = pd.factorize(keys)
    uniq_arr = np.asarray(uniq, dtype=np.uint64)
    order = np.argsort(uniq_arr)
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return uniq_arr[order], rank[codes]


def _unique_packed(
    packed: npt.NDArray[np.uint8], weights: FloatArray
) -> tuple[npt.NDArray[np.uint8], FloatArray]:
    """Merge identical packed rows, summing their weights."""
    if len(packed) == 0:
        return packed, weights
    nbytes = packed.shape[1]
    if nbytes <= 8:  # one machine word per row: hash integers, much faster than raw bytes
        padded = np.zeros((len(packed), 8), dtype=np.uint8)
        padded[:, :nbytes] = packed
        keys = padded.view(np.uint64).ravel()
        uniq_keys, inverse = _unique_inverse(keys)
        summed = np.bincount(inverse, weights=weights, minlength=len(uniq_keys)).astype(np.float64)
        rows = uniq_keys.view(np.uint8).reshape(len(uniq_keys), 8)[:, :nbytes]
        return np.ascontiguousarray(rows), summed
    packed = np.ascontiguousarray(packed)
    view = packed.view(np.dtype((np.void, nbytes))).ravel()
    uniq, inverse_void = np.unique(view, return_inverse=True)
    summed = np.bincount(inverse_void.ravel(), weights=weights, minlength=len(uniq)).astype(np.float64)
    rows = np.frombuffer(uniq.tobytes(), dtype=np.uint8).reshape(len(uniq), nbytes)
    return rows, summed


def _packed_bits(n: int) -> npt.NDArray[np.uint64]:
    """Bit of each of ``n`` <= 64 columns in one word laid out like ``np.packbits`` bytes.

    Big-endian bits within each byte, bytes in order: a row's word viewed as 8 bytes is its
    packed row (little-endian words), so words and packed rows sort and merge alike.
    """
    return np.array([1 << (8 * (j // 8) + 7 - j % 8) for j in range(n)], dtype=np.uint64)


def _unpack(rows: npt.NDArray[np.uint8], n: int) -> BoolArray:
    return np.unpackbits(rows, axis=1, count=n).astype(bool) if len(rows) else np.zeros((0, n), dtype=bool)


def _unique_sets(member: BoolArray, weights: FloatArray) -> tuple[BoolArray, FloatArray]:
    """Distinct rows of ``member`` with summed weights (exact aggregation)."""
    rows, summed = _unique_packed(np.packbits(member, axis=1), weights)
    return _unpack(rows, member.shape[1]), summed


def _sorted_costs(cost: FloatArray) -> tuple[IntArray, FloatArray]:
    """Each user's candidates by increasing RTT: (order, sorted RTTs).

    Ties may come in any order: a prefix set is only used where the next RTT is strictly larger
    (a positive term), and there it is ``{j : c_ij < next}`` whatever the order of tied sites.
    """
    order = np.argsort(cost, axis=1)
    return order, np.take_along_axis(cost, order, axis=1)


def _radius_sets(
    order: IntArray, srt: FloatArray, w: FloatArray, depth: IntArray
) -> tuple[BoolArray, FloatArray]:
    """Prefix sets of the radius formulation up to each user's ``depth``, aggregated.

    ``order``/``srt`` come from :func:`_sorted_costs`. Returns the distinct prefix sets and their
    coefficients (the summed weighted RTT steps of the users and levels that share the set).
    """
    n_users, n = order.shape
    nbytes = (n + 7) // 8
    max_depth = int(depth.max()) if n_users else 0
    chunks: list[npt.NDArray[np.uint8]] = []
    coefs: list[FloatArray] = []
    with np.errstate(invalid="ignore"):
        delta = (srt[:, 1 : max_depth + 1] - srt[:, :max_depth]) * w[:, None]
        keep = (np.arange(1, max_depth + 1)[None, :] <= depth[:, None]) & np.isfinite(delta) & (delta != 0)
    if n <= 64 and keep.any():
        # one 64-bit word per set, laid out like np.packbits (big-endian bits within each byte)
        words = np.bitwise_or.accumulate(_packed_bits(n)[order[:, :max_depth]], axis=1)
        keys, inverse = _unique_inverse(words[keep])
        coef = np.bincount(inverse, weights=delta[keep], minlength=len(keys)).astype(np.float64)
        rows = np.ascontiguousarray(keys.view(np.uint8).reshape(len(keys), 8)[:, :nbytes])
        return _unpack(rows, n), coef
    cur = np.zeros((n_users, nbytes), dtype=np.uint8)
    rows_idx = np.arange(n_users)
    for level in range(1, max_depth + 1):
        j = order[:, level - 1]
        cur[rows_idx, j // 8] |= (128 >> (j % 8)).astype(np.uint8)
        kl = keep[:, level - 1]
        if kl.any():
            chunks.append(cur[kl].copy())
            coefs.append(delta[kl, level - 1])
    if not chunks:
        return np.zeros((0, n), dtype=bool), np.zeros(0)
    packed, coef = _unique_packed(np.concatenate(chunks), np.concatenate(coefs))
    return _unpack(packed, n), coef


# --------------------------------------------------------------------------------------------
# the exact core: choose r of n sites minimising a weighted count of missed sets


@dataclass
class _Core:
    chosen: BoolArray | None  # None: infeasible (proven) or nothing found within the time limit
    proven: bool
    bound: float  # lower bound on the objective (same units as value)
    value: float
    method: str


def _combos(n: int, r: int) -> IntArray:
    if r == 0:
        return np.zeros((1, 0), dtype=np.intp)
    return np.array(list(itertools.combinations(range(n), r)), dtype=np.intp).reshape(-1, r)


def _miss_products(miss: FloatArray, combos: IntArray) -> FloatArray:
    """For each set (row) and combination (column): 1 if the combination misses the set."""
    out = np.ones((miss.shape[0], len(combos)))
    for t in range(combos.shape[1]):
        out *= miss[:, combos[:, t]]
    return out


def _solve_core(
    n: int,
    r: int,
    objective: tuple[BoolArray, FloatArray] | None,
    hard: BoolArray,
    covers: Sequence[tuple[BoolArray, FloatArray, float]],
    *,
    time_limit_s: float | None,
    prefer: str = "auto",
) -> _Core:
    """Choose ``r`` of ``n`` columns minimising sum(coef[s] * [chosen misses set s]).

    Subject to: every row of ``hard`` is hit, and for each ``(sets, weights, minimum)`` in
    ``covers`` the weight of hit sets is at least ``minimum``.
    """
    m_total = (len(objective[0]) if objective else 0) + len(hard) + sum(len(c[0]) for c in covers)
    method = _core_method(n, r, m_total, prefer)
    if math.comb(n, r) == 0:
        return _Core(None, True, math.inf, math.inf, "enumeration")
    if method == "enumeration":
        return _enumerate_core(n, r, objective, hard, covers)
    return _milp_core(n, r, objective, hard, covers, time_limit_s=time_limit_s)


def _core_method(n: int, r: int, m_total: int, prefer: str) -> str:
    """Return the solver :func:`_solve_core` uses for ``m_total`` sets: "enumeration" or "milp"."""
    if math.comb(n, r) == 0:
        return "enumeration"
    r1 = (r + 1) // 2
    c1, c2 = math.comb(n, r1), math.comb(n, r - r1)
    use_enum = prefer == "enumeration" or (
        prefer == "auto"
        and c1 * c2 <= _ENUM_MAX_PAIRS
        and m_total * c1 * c2 * 2 <= _ENUM_MAX_FLOPS
        and m_total * (c1 + c2) <= _ENUM_MAX_CELLS
    )
    return "enumeration" if use_enum else "milp"


def _enumerate_core(
    n: int,
    r: int,
    objective: tuple[BoolArray, FloatArray] | None,
    hard: BoolArray,
    covers: Sequence[tuple[BoolArray, FloatArray, float]],
) -> _Core:
    r1 = (r + 1) // 2
    left = _combos(n, r1)
    right = _combos(n, r - r1)
    lmax = left[:, -1] if r1 else np.full(len(left), -1)
    rmin = right[:, 0] if r - r1 else np.full(len(right), n)
    valid = lmax[:, None] < rmin[None, :]

    def missed(sets: BoolArray, weights: FloatArray) -> FloatArray:
        miss = (~sets).astype(np.float64)
        return np.asarray((_miss_products(miss, left) * weights[:, None]).T @ _miss_products(miss, right))

    ok = valid.copy()
    if len(hard):
        ok &= missed(hard, np.ones(len(hard))) < 0.5
    for sets, weights, minimum in covers:
        total = float(weights.sum())
        ok &= (total - missed(sets, weights)) >= minimum
    if not ok.any():
        return _Core(None, True, math.inf, math.inf, "enumeration")
    has_objective = objective is not None and len(objective[0]) > 0
    values = missed(*objective) if objective is not None and has_objective else np.zeros(valid.shape)
    values = np.where(ok, values, np.inf)
    i, j = np.unravel_index(int(np.argmin(values)), values.shape)
    chosen = np.zeros(n, dtype=bool)
    chosen[left[i]] = True
    chosen[right[j]] = True
    best = float(values[i, j])
    return _Core(chosen, True, best, best, "enumeration")


def _milp_core(
    n: int,
    r: int,
    objective: tuple[BoolArray, FloatArray] | None,
    hard: BoolArray,
    covers: Sequence[tuple[BoolArray, FloatArray, float]],
    *,
    time_limit_s: float | None,
) -> _Core:
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    blocks: list[tuple[BoolArray, FloatArray]] = []
    if objective is not None and len(objective[0]):
        blocks.append(objective)
    blocks.extend((sets, weights) for sets, weights, _ in covers)
    n_aux = sum(len(b[0]) for b in blocks)
    n_var = n + n_aux
    c = np.zeros(n_var)
    if objective is not None and len(objective[0]):
        c[n : n + len(objective[0])] = objective[1]
    constraints = []
    offset = n
    cover_rows = []
    for sets, weights in blocks:
        m = len(sets)
        a = sparse.hstack(
            [
                sparse.csr_matrix(sets.astype(np.float64)),
                sparse.csr_matrix((m, offset - n)),
                sparse.identity(m, format="csr"),
                sparse.csr_matrix((m, n_var - offset - m)),
            ]
        )
        constraints.append(LinearConstraint(a, 1.0, np.inf))  # miss_s + sum_{j in s} y_j >= 1
        cover_rows.append((offset, m, weights))
        offset += m
    for (start, m, weights), (_, _, minimum) in zip(
        cover_rows[len(blocks) - len(covers) :], covers, strict=True
    ):
        row = np.zeros(n_var)
        row[start : start + m] = weights
        constraints.append(LinearConstraint(row[None, :], -np.inf, float(weights.sum()) - minimum))
    if len(hard):
        a = sparse.hstack([sparse.csr_matrix(hard.astype(np.float64)), sparse.csr_matrix((len(hard), n_aux))])
        constraints.append(LinearConstraint(a, 1.0, np.inf))
    card = np.zeros(n_var)
    card[:n] = 1.0
    constraints.append(LinearConstraint(card[None, :], r, r))
    integrality = np.zeros(n_var, dtype=np.int64)
    integrality[:n] = 1
    bounds = Bounds(np.zeros(n_var), np.concatenate([np.ones(n), np.full(n_aux, np.inf)]))
    options: dict[str, Any] = {"mip_rel_gap": 0.0}
    if time_limit_s is not None:
        options["time_limit"] = float(time_limit_s)
    res = _run_milp(milp, c, integrality, bounds, constraints, options)
    if res.x is None:
        # status 2: proven infeasible; otherwise (time limit, ...) nothing found
        dual = getattr(res, "mip_dual_bound", None)
        bound = float(dual) if dual is not None and res.status != 2 else -math.inf
        return _Core(None, res.status == 2, bound, math.inf, "milp")
    chosen = np.asarray(res.x[:n] > 0.5)
    value = float(res.fun)
    dual = getattr(res, "mip_dual_bound", None)
    bound = float(dual) if dual is not None and math.isfinite(float(dual)) else -math.inf
    proven = res.status == 0
    return _Core(chosen, proven, value if proven else min(bound, value), value, "milp")


# HiGHS options beyond the ones scipy documents, passed on to HiGHS verbatim (scipy warns that
# it does so). The feasibility-jump primal heuristic (HiGHS >= 1.9) costs more than it saves on
# these small covering models: off, the 72 solves of the world-cities placements (k 2-10, every
# objective) take ~30 % less time, and the solver still closes the gap to 0 (only which of two
# equally good choices is returned can change). Dropped if the HiGHS in scipy lacks the option.
_HIGHS_EXTRA_OPTIONS: dict[str, Any] = {"mip_heuristic_run_feasibility_jump": False}


def _run_milp(
    milp: Callable[..., Any],
    c: FloatArray,
    integrality: npt.NDArray[np.int64],
    bounds: Any,
    constraints: list[Any],
    options: dict[str, Any],
) -> Any:
    """``scipy.optimize.milp`` with :data:`_HIGHS_EXTRA_OPTIONS` when this HiGHS knows them.

    An extra option this HiGHS does not know (scipy warns and skips it, or fails to set it) is
    dropped for the later solves; scipy's other warnings pass on as they are.
    """
    from scipy.optimize import OptimizeWarning

    def run(extra: dict[str, Any]) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = milp(
                c,
                integrality=integrality,
                bounds=bounds,
                constraints=constraints,
                options={**options, **extra},
            )
        for w in caught:
            text = str(w.message)
            if "Unrecognized options detected" in text and all(repr(key) not in text for key in options):
                # about the extra options only: passed on verbatim (RuntimeWarning), or unknown to
                # this HiGHS and skipped (OptimizeWarning): then not passed again
                if issubclass(w.category, OptimizeWarning):
                    for key in [key for key in extra if repr(key) in text]:
                        _HIGHS_EXTRA_OPTIONS.pop(key, None)
                continue
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return res

    if not _HIGHS_EXTRA_OPTIONS:
        return run({})
    try:
        return run(dict(_HIGHS_EXTRA_OPTIONS))
    except (AttributeError, ValueError, TypeError):
        res = run({})  # raises again if the extra options were not the cause
        _HIGHS_EXTRA_OPTIONS.clear()  # a HiGHS that cannot take them: not tried again
        return res


def _warm_solvers() -> None:
    """Run the MILP path once on a tiny problem (its first call pays imports and solver setup).

    For interactive callers (the placement explorer) that prefer paying it when built.
    """
    sets = np.array([[True, False], [False, True]])
    _milp_core(2, 1, (sets, np.array([1.0, 2.0])), np.zeros((0, 2), dtype=bool), [], time_limit_s=None)


# --------------------------------------------------------------------------------------------
# problem setup


@dataclass
class _Problem:
    cost: FloatArray  # users x allowed sites; inf where residency forbids
    w: FloatArray  # user weights normalised to sum 1
    site_ids: list[Any]  # allowed site ids (columns of cost)
    must: BoolArray  # over allowed sites
    hard: BoolArray  # residency sets (rows) over allowed sites
    hard_names: list[str]
    k: int
    # each user's allowed sites by increasing RTT (an argsort of cost's rows) as (row of each
    # user, distinct rows), when known without sorting (a prepared _CostMatrix); None: sort
    order_rows: Callable[[], tuple[IntArray, IntArray]] | None = None
    # the cost's columns as contiguous rows (sites x users) and the row of each allowed site,
    # when kept by a prepared _CostMatrix (no residency rule); None: transpose when needed
    transposed: Callable[[], tuple[FloatArray, IntArray]] | None = None
    # _cover_sets results by (threshold, positive_only): the solvers ask for some more than once
    cover_cache: dict[tuple[float, bool], tuple[BoolArray, FloatArray]] = field(default_factory=dict)
    # the greedy's picks so far for (objective, q, threshold_ms) on this problem whatever its k,
    # kept by a prepared _CostMatrix (no residency rule); None: not kept
    greedy_path: Callable[[tuple[Any, ...]], list[int]] | None = None
    # each site row of ``transposed`` sorted: (users by increasing RTT, the RTTs in that order),
    # kept by a prepared _CostMatrix; None: not known
    site_orders: Callable[[], tuple[IntArray, FloatArray]] | None = None


@dataclass(frozen=True, eq=False)
class _CostMatrix:
    """A validated users x candidates RTT matrix [ms] and what every placement on it reuses.

    Made by :func:`_prepare_cost` for callers that solve many placements on one matrix (the
    placement explorer, :func:`placement_frontier`). It holds its own read-only copy of the
    RTTs, so changing the caller's frame afterwards changes nothing here. The users' candidate
    orders (an argsort of the rows, kept as the few distinct rows and each user's row) are
    computed on first use by the exact mean solver and kept.
    """

    values: FloatArray  # read-only, users x candidates
    users_index: pd.Index
    candidate_ids: tuple[Any, ...]
    _rows: list[tuple[IntArray, IntArray]] = field(default_factory=list, repr=False)
    _t: list[FloatArray] = field(default_factory=list, repr=False)
    _paths: list[tuple[tuple[Any, ...], FloatArray, list[int]]] = field(default_factory=list, repr=False)
    _sorted: list[tuple[IntArray, FloatArray]] = field(default_factory=list, repr=False)

    def greedy_path(self, key: tuple[Any, ...], w: FloatArray) -> list[int]:
        """Return the greedy's picks so far for ``key`` and user weights ``w`` (a list it extends).

        The greedy's picks do not depend on ``k`` (it stops after ``k``), so a placement with
        another ``k`` but the same objective, sites, must-include sites and weights starts from
        the picks already made. The last ``_GREEDY_PATHS`` keys are kept.
        """
        for known, known_w, picks in self._paths:
            if known == key and (known_w is w or np.array_equal(known_w, w)):
                return picks
        new: list[int] = []
        self._paths.append((key, w.copy(), new))
        del self._paths[:-_GREEDY_PATHS]
        return new

    def transposed(self) -> FloatArray:
        """Return the RTTs as contiguous site rows (candidates x users), read-only; computed once."""
        if not self._t:
            t = _transposed(self.values)
            t.flags.writeable = False
            self._t.append(t)
        return self._t[0]

    def site_orders(self) -> tuple[IntArray, FloatArray]:
        """Each candidate's users by increasing RTT and those RTTs (rows as :meth:`transposed`); once."""
        if not self._sorted:
            t = self.transposed()
            order = np.argsort(t, axis=1, kind="stable")
            srt = np.take_along_axis(t, order, axis=1)
            order.flags.writeable = False
            srt.flags.writeable = False
            self._sorted.append((order, srt))
        return self._sorted[0]

    def order_rows(self) -> tuple[IntArray, IntArray]:
        """Each user's candidates by increasing RTT, as (row of each user, distinct rows); once."""
        if not self._rows:
            order = np.argsort(self.values, axis=1)
            labels, count = _row_labels(order)
            first = np.zeros(count, dtype=np.intp)
            first[labels[::-1]] = np.arange(len(labels))[::-1]
            distinct = order[first]
            labels.flags.writeable = False
            distinct.flags.writeable = False
            self._rows.append((labels, distinct))
        return self._rows[0]


def _prepare_cost(
    users: pd.DataFrame,
    candidates: pd.DataFrame,
    cost_ms: pd.DataFrame | None,
    model: str | None = None,
    stat: str = "p50",
) -> _CostMatrix:
    """Validate and copy an RTT matrix once (same checks and errors as :func:`optimize_placement`)."""
    arr = _cost_matrix(users, candidates, cost_ms, model, stat)
    arr.flags.writeable = False
    return _CostMatrix(arr, users.index, tuple(candidates.index))


def _allowed_order(full_order: IntArray, allowed_pos: IntArray, n_cand: int) -> IntArray:
    """Argsort of ``cost[:, allowed_pos]`` rows from the argsort of the full rows."""
    new_pos = np.full(n_cand, -1, dtype=np.intp)
    new_pos[allowed_pos] = np.arange(len(allowed_pos))
    mapped = new_pos[full_order]
    return np.asarray(mapped[mapped >= 0].reshape(len(full_order), len(allowed_pos)), dtype=np.intp)


def _lookup(ids: Iterable[Any], options: list[Any], what: str, region_index: bool) -> list[Any]:
    if isinstance(ids, str) or not isinstance(ids, Iterable):
        msg = f"{what} must be a list of candidate ids, got {ids!r}; wrap a single id in a list: [{ids!r}]."
        raise InvalidTypeError(msg)
    out = []
    known = set(options)
    for i in ids:
        if i not in known:
            if region_index:
                raise UnknownRegionError(i, [str(o) for o in options])
            kind = f"candidate site id in {what}"
            raise UnknownNameError(kind, i, [str(o) for o in options])
        if i not in out:
            out.append(i)
    return out


def _parse_objective(objective: object) -> tuple[str, float | None]:
    if isinstance(objective, str):
        if objective in ("mean", "coverage", "worst"):
            return objective, None
        m = re.fullmatch(r"p(\d+(?:\.\d+)?)", objective)
        if m and 0 < float(m.group(1)) < 100:
            return objective, float(m.group(1)) / 100.0
    msg = (
        f"objective must be one of {', '.join(repr(o) for o in OBJECTIVES)} "
        f"(or any 'pXX' percentile with 0 < XX < 100); got {objective!r}."
    )
    raise InvalidInputError(msg)


def _cost_matrix(
    users: pd.DataFrame,
    candidates: pd.DataFrame,
    cost_ms: pd.DataFrame | None,
    model: str | None,
    stat: str,
) -> FloatArray:
    cand_ids = list(candidates.index)
    if cost_ms is None:
        points_arrays(candidates, source="candidates")
        points_arrays(users, source="users", weight=None)
        from cloudgeo.latency import user_rtt_matrix_ms

        src = user_rtt_matrix_ms(users[["lat", "lon"]], candidates[["lat", "lon"]], model=model, stat=stat)
        arr = np.asarray(src.to_numpy(), dtype=np.float64)
    else:
        if not isinstance(cost_ms, pd.DataFrame):
            msg = f"cost_ms must be a pandas DataFrame (users x candidates), got {type(cost_ms).__name__}."
            raise InvalidTypeError(msg)
        problems = []
        same = cost_ms.index.equals(users.index)
        if not same and (cost_ms.index.has_duplicates or set(cost_ms.index) != set(users.index)):
            problems.append(
                "its index must hold exactly the users' index labels "
                f"(got {len(cost_ms)} rows for {len(users)} users)"
            )
        missing = [c for c in cand_ids if c not in cost_ms.columns]
        if missing:
            problems.append(f"columns missing for candidate(s) {missing[:5]}")
        if problems:
            raise DataValidationError("cost_ms", problems)
        src = cost_ms.loc[:, cand_ids] if same else cost_ms.reindex(index=users.index, columns=cand_ids)
        try:
            arr = np.asarray(src.to_numpy(), dtype=np.float64)
        except (TypeError, ValueError):
            raise DataValidationError("cost_ms", ["values must be numeric RTTs in ms"]) from None
    if np.may_share_memory(arr, src.to_numpy()):
        # possibly a view of the caller's frame: the result keeps the matrix, so it gets its own
        # copy (the solvers and the result then share this one private array)
        arr = arr.copy()
    # one pass each for the usual case (min/max are NaN if any value is NaN); count only on error
    low, high = (float(arr.min()), float(arr.max())) if arr.size else (0.0, 0.0)
    if low >= 0 and math.isfinite(high):
        return arr
    bad = ~np.isfinite(arr)
    if bad.any():
        raise DataValidationError(
            "cost_ms" if cost_ms is not None else "latency matrix",
            [f"{int(bad.sum())} RTT value(s) are NaN or infinite; every user-site RTT must be finite [ms]"],
        )
    raise DataValidationError(
        "cost_ms" if cost_ms is not None else "latency matrix",
        [f"{int((arr < 0).sum())} RTT value(s) are negative; RTTs must be >= 0 ms"],
    )


def _prepare(
    users: object,
    candidates: object,
    k: object,
    *,
    objective: str,
    model: str | None,
    stat: str,
    must_include: Iterable[Any],
    exclude: Iterable[Any],
    residency: Mapping[str, Iterable[Any]] | None,
    cost_ms: pd.DataFrame | _CostMatrix | None,
) -> tuple[_Problem, FloatArray, pd.DataFrame, list[Any], FloatArray]:
    if not isinstance(users, pd.DataFrame):
        msg = (
            "users must be a pandas DataFrame with lat, lon (and optional weight) columns, "
            f"got {type(users).__name__}."
        )
        raise InvalidTypeError(msg)
    if not isinstance(candidates, pd.DataFrame):
        msg = (
            "candidates must be a pandas DataFrame indexed by site id with lat, lon columns, "
            f"got {type(candidates).__name__}."
        )
        raise InvalidTypeError(msg)
    if len(users) == 0:
        raise DataValidationError("users", ["the table is empty; pass at least one user row"])
    if len(candidates) == 0:
        raise DataValidationError("candidates", ["the table is empty; pass at least one candidate site"])
    if candidates.index.has_duplicates:
        dup = list(candidates.index[candidates.index.duplicated()][:5])
        raise DataValidationError("candidates", [f"duplicate site id(s) in the index: {dup}"])
    if "weight" in users.columns:
        if cost_ms is None:
            points_arrays(users, source="users", weight="weight")
        w_raw = np.asarray(numeric_array(users["weight"], "users weight"), dtype=np.float64)
        if cost_ms is not None and not (np.isfinite(w_raw).all() and w_raw.min() >= 0 and w_raw.sum() > 0):
            # the weights alone (coordinates are not needed with an RTT matrix); the shared
            # validator words the error
            frame = pd.DataFrame({"lat": 0.0, "lon": 0.0, "weight": w_raw}, index=users.index)
            points_arrays(frame, source="users", weight="weight")
    else:
        w_raw = np.ones(len(users))
    k_int = check_int(k, "k", minimum=1)
    cand_ids = list(candidates.index)
    if k_int > len(cand_ids):
        msg = (
            f"k={k_int} is larger than the number of candidate sites ({len(cand_ids)}); "
            f"pass k <= {len(cand_ids)}."
        )
        raise InvalidInputError(msg)
    region_index = candidates.index.name == "region"
    must = _lookup(must_include, cand_ids, "must_include", region_index)
    excl = _lookup(exclude, cand_ids, "exclude", region_index)
    both = [s for s in must if s in excl]
    if both:
        msg = f"site(s) {both} are both in must_include and in exclude; remove them from one of the two."
        raise InvalidInputError(msg)
    if len(must) > k_int:
        msg = (
            f"must_include binds: it names {len(must)} sites ({must}) but k={k_int}; "
            f"raise k to at least {len(must)} or shorten must_include."
        )
        raise InfeasibleError(msg)
    allowed_ids = [c for c in cand_ids if c not in excl]
    if k_int > len(allowed_ids):
        msg = (
            f"exclude binds: {len(excl)} of {len(cand_ids)} candidates are excluded, leaving "
            f"{len(allowed_ids)} sites for k={k_int}; lower k or exclude fewer sites."
        )
        raise InfeasibleError(msg)
    full_rows: Callable[[], tuple[IntArray, IntArray]] | None = None
    if isinstance(cost_ms, _CostMatrix):
        if cost_ms.candidate_ids != tuple(cand_ids) or not (
            cost_ms.users_index is users.index or cost_ms.users_index.equals(users.index)
        ):
            msg = "the prepared RTT matrix was made for other users or candidates; prepare it again."
            raise InvalidInputError(msg)
        full = cost_ms.values  # read-only, shared by every result made from it
        full_rows = cost_ms.order_rows
    else:
        full = _cost_matrix(users, candidates, cost_ms, model, stat)
    col = {c: i for i, c in enumerate(cand_ids)}
    allowed_pos = np.array([col[c] for c in allowed_ids], dtype=np.intp)
    # full is private to this call (see _cost_matrix) or read-only: without exclusions it is
    # the cost itself until a residency rule writes inf into a copy
    cost = full if len(allowed_ids) == len(cand_ids) else full[:, allowed_pos]
    hard_rows: list[BoolArray] = []
    hard_names: list[str] = []
    if residency:
        if not isinstance(residency, Mapping):
            msg = (
                "residency must be a mapping country code -> list of site ids, "
                f"got {type(residency).__name__}."
            )
            raise InvalidTypeError(msg)
        require_columns(users, ["country_code"], source="users (residency needs a country_code column)")
        cc = users["country_code"].astype(str).to_numpy()
        for country, sites in residency.items():
            ids = _lookup(sites, cand_ids, f"residency[{country!r}]", region_index)
            rows = cc == str(country)
            ok = np.array([c in ids for c in allowed_ids], dtype=bool)
            if not rows.any():
                continue
            if not ok.any():
                msg = (
                    f"residency binds: users in {country} may only be served from {ids}, "
                    f"but all of them are excluded; allow at least one of them."
                )
                raise InfeasibleError(msg)
            if cost is full:
                cost = full.copy()
            cost[np.ix_(rows, ~ok)] = np.inf
            hard_rows.append(ok)
            hard_names.append(f"{country} -> {[c for c in allowed_ids if c in ids]}")
    must_mask = np.array([c in must for c in allowed_ids], dtype=bool)
    hard = np.array(hard_rows, dtype=bool).reshape(len(hard_rows), len(allowed_ids))
    w = w_raw / w_raw.sum()
    order_rows: Callable[[], tuple[IntArray, IntArray]] | None = None
    if full_rows is not None and not hard_rows:  # residency inf changes the orders: sort then
        known = full_rows
        if len(allowed_ids) == len(cand_ids):
            order_rows = known
        else:

            def order_rows() -> tuple[IntArray, IntArray]:
                row_of_user, distinct = known()
                return row_of_user, _allowed_order(distinct, allowed_pos, len(cand_ids))

    prob = _Problem(cost, w, allowed_ids, must_mask, hard, hard_names, k_int, order_rows)
    if isinstance(cost_ms, _CostMatrix) and not hard_rows:
        # what the prepared matrix keeps for every placement on it (residency rules change the
        # costs: not then)
        prepared, sites = cost_ms, (tuple(allowed_ids), tuple(np.flatnonzero(must_mask).tolist()))

        def transposed() -> tuple[FloatArray, IntArray]:
            return prepared.transposed(), allowed_pos

        def greedy_path(key: tuple[Any, ...]) -> list[int]:
            return prepared.greedy_path((*key, *sites), w)

        prob.transposed, prob.greedy_path, prob.site_orders = transposed, greedy_path, prepared.site_orders
    return prob, full, users, cand_ids, w_raw


# --------------------------------------------------------------------------------------------
# solvers


def _nearest(block: FloatArray) -> tuple[FloatArray, IntArray]:
    """Row minimum of ``block`` and its column, the first one on a tie (as ``np.argmin``).

    One pass per column: for the few columns of a placement ~2x faster than ``np.argmin``.
    """
    served = block[:, 0].copy()
    pos = np.zeros(len(block), dtype=np.intp)
    for p in range(1, block.shape[1]):
        col = block[:, p]
        better = col < served
        np.copyto(served, col, where=better)
        pos[better] = p
    return served, pos


def _served_rows(prob: _Problem, chosen: BoolArray) -> FloatArray:
    """Each user's RTT to its nearest chosen site (``_served(prob.cost, chosen)[0]``).

    From the prepared matrix's contiguous site rows when it keeps them (no residency rule).
    """
    if prob.transposed is None:
        return _served(prob.cost, chosen)[0]
    cost_t, rows = prob.transposed()
    idx = rows[np.flatnonzero(chosen)]
    served: FloatArray = cost_t[idx[0]].copy()
    for i in idx[1:]:
        np.minimum(served, cost_t[i], out=served)
    return served


def _served(cost: FloatArray, chosen: BoolArray) -> tuple[FloatArray, IntArray]:
    idx = np.flatnonzero(chosen)
    served, pos = _nearest(cost[:, idx])
    return served, idx[pos]


def _value(
    prob: _Problem, chosen: BoolArray, objective: str, q: float | None, threshold_ms: float | None
) -> float:
    served = _served_rows(prob, chosen)
    if objective == "mean":
        pos = prob.w > 0
        return float(prob.w[pos] @ served[pos])
    if objective == "coverage":
        assert threshold_ms is not None
        return float(prob.w @ (served <= threshold_ms))
    if objective == "worst":
        return float(served[prob.w > 0].max())
    assert q is not None
    return _weighted_quantile(served, prob.w, q)


def _check_residency(prob: _Problem, time_limit_s: float | None) -> None:
    """Raise InfeasibleError when no choice of k sites meets every residency rule."""
    if not len(prob.hard):
        return
    n = len(prob.site_ids)
    hard = prob.hard[~(prob.hard & prob.must[None, :]).any(axis=1)][:, ~prob.must]
    r = prob.k - int(prob.must.sum())
    if not len(hard):
        return
    core = _solve_core(n - int(prob.must.sum()), r, None, hard, [], time_limit_s=time_limit_s)
    if core.chosen is not None:
        return
    # how many sites would the rules need?
    need = r
    while need < hard.shape[1]:
        need += 1
        if _solve_core(hard.shape[1], need, None, hard, [], time_limit_s=time_limit_s).chosen is not None:
            break
    must_note = f" plus the {int(prob.must.sum())} must_include site(s)" if prob.must.any() else ""
    msg = (
        f"residency binds: the rules {'; '.join(prob.hard_names)} need at least {need} site(s)"
        f"{must_note}, but k={prob.k}; raise k or relax residency."
    )
    raise InfeasibleError(msg)


def _transposed(a: FloatArray, block: int = 256) -> FloatArray:
    """C-contiguous copy of ``a.T``, copied in row blocks that stay in cache (~4x faster)."""
    out = np.empty((a.shape[1], a.shape[0]))
    for start in range(0, a.shape[0], block):
        out[:, start : start + block] = a[start : start + block].T
    return out


_QUANTILE_BINS = 2048


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
        out = np.full(len(options), np.inf)
        order = (
            np.argsort(self.previous[options], kind="stable")
            if prune and self.previous is not None
            else np.arange(len(options))
        )
        best = math.inf
        beyond: IntArray | None = None  # users now served beyond the best value met
        if self.q is None:
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
            self._remember(options, out)
            return out
        cur_bin = self.cur_bin
        assert cur_bin is not None
        w, target = self.w, self.target
        row = np.empty(len(cur))
        brow = np.empty(len(cur), dtype=np.int16)
        unsure = []
        within = 0.0  # weight now served within the best value met
        w_beyond = w  # the weights of the users beyond it
        w_out = w  # the same for every user, 0 for those within (with site orders)
        orders = self.site_orders() if prune and self.site_orders is not None else None
        for i in order:
            j = options[i]
            jr = self.rows[j]
            if beyond is not None:
                # the users site j serves within the best value are a prefix of its order: summed
                # there when shorter than the list of users beyond it
                near = (
                    int(np.searchsorted(orders[1][jr], best, side="right"))
                    if orders is not None
                    else len(cur)
                )
                if orders is not None and near <= len(beyond):
                    gained = float(w_out[orders[0][jr, :near]].sum())
                else:
                    gained = float(w_beyond @ (self.cost_t[jr, beyond] <= best))
                if within + gained < target - self.margin:
                    continue  # its percentile is surely above the best value
            np.minimum(cur_bin, self.bins_t[jr], out=brow)
            cum = np.cumsum(np.bincount(brow, weights=w, minlength=_QUANTILE_BINS))
            b = min(int(np.searchsorted(cum, target, side="left")), _QUANTILE_BINS - 1)
            below = float(cum[b - 1]) if b else 0.0
            idx = np.flatnonzero(brow == b)
            vals = np.minimum(cur[idx], self.cost_t[jr, idx], out=row[: len(idx)])
            srt = np.argsort(vals, kind="stable")
            cw = below + np.cumsum(w[idx][srt])
            at = int(np.searchsorted(cw, target, side="left"))
            if at == len(cw):
                unsure.append(i)
                continue
            out[i] = vals[srt[at]]
            before = float(cw[at - 1]) if at else below
            if cw[at] - target <= self.margin or target - before <= self.margin:
                unsure.append(i)
            elif prune and self.added and out[i] < best:
                best = float(out[i])
                beyond = np.flatnonzero(cur > best)
                if orders is None and 4 * len(beyond) > 3 * len(cur):
                    beyond = None  # the test by users beyond would cost about what it saves
                else:
                    w_beyond = w[beyond]
                    within = float(self.total - w_beyond.sum())
                    if orders is not None:
                        w_out = np.where(cur > best, w, 0.0)
        if unsure:
            if self.grid is None:
                self.grid = np.unique(self.cost)
            served = np.minimum(cur[:, None], self.cost[:, options])
            out[unsure] = _quantile_columns_on_grid(served, w, self.q, self.grid)[unsure]
        self._remember(options, out)
        return out

    def _remember(self, options: IntArray, out: FloatArray) -> None:
        """Keep this step's values (skipped options: their last value) to order the next step."""
        if self.previous is None:
            self.previous = np.full(self.cost.shape[1], np.inf)
        evaluated = np.isfinite(out)
        self.previous[options[evaluated]] = out[evaluated]


def _greedy(prob: _Problem, objective: str, q: float | None, threshold_ms: float | None) -> BoolArray | None:
    """Add sites one at a time (from must_include), each the best next site; None if residency unmet."""
    # only residency rules put inf in the cost (validated finite otherwise)
    is_finite = np.isfinite(prob.cost) if len(prob.hard) else None
    if is_finite is None or is_finite.all():  # the usual case: no copy needed
        cost = prob.cost
    else:
        finite = prob.cost[is_finite]
        penalty = 10.0 * float(finite.max() if finite.size else 1.0) + 1000.0
        cost = np.where(is_finite, prob.cost, penalty)
    chosen = prob.must.copy()
    # the picks made before on this problem with another k (a prepared matrix keeps them)
    path = prob.greedy_path((objective, q, threshold_ms)) if prob.greedy_path is not None else None
    if path is not None and len(path) >= prob.k - int(chosen.sum()):
        chosen[path[: prob.k - int(chosen.sum())]] = True
        return chosen  # no residency rule here (see _prepare): nothing more to check
    if path:
        chosen[path] = True
    cur = cost[:, chosen].min(axis=1) if chosen.any() else np.full(len(cost), np.inf)
    transposed = prob.transposed() if prob.transposed is not None and cost is prob.cost else None
    fast = (
        _GreedyColumns(cost, prob.w, objective, q, transposed, prob.site_orders)
        if objective == "worst" or q is not None
        else None
    )
    if fast is not None:
        for j in np.flatnonzero(chosen):
            fast.add(int(j))
    # coverage: the users within the threshold of each site
    covered: list[IntArray] | None = None
    if objective == "coverage" and threshold_ms is not None:
        if transposed is not None:
            cost_t, t_rows = transposed
            covered = [np.flatnonzero(cost_t[t_rows[j]] <= threshold_ms) for j in range(cost.shape[1])]
        else:
            covered = [np.flatnonzero(col) for col in (cost <= threshold_ms).T]
    site_rows: list[tuple[FloatArray, IntArray]] = []

    def site_row(j: int) -> FloatArray:
        """Site ``j``'s RTTs as a contiguous row (of the prepared matrix, or a transposed copy)."""
        if not site_rows:
            site_rows.append(
                transposed if transposed is not None else (_transposed(cost), np.arange(cost.shape[1]))
            )
        cost_t, t_rows = site_rows[0]
        site: FloatArray = cost_t[t_rows[j]]
        return site

    # one site's column at a time, contiguous: a row buffer that stays in cache instead of a
    # users x options matrix per step
    row = np.empty(len(cost))

    # means closer than the rounding of their sums are a tie (then the lowest index): the pick
    # never depends on how a sum was rounded
    mean_rtol = 8.0 * float(np.finfo(np.float64).eps) * len(cost)

    def least_mean(cur: FloatArray, options: IntArray, tied: IntArray) -> int:
        """Position in ``options`` of the tied option of least weighted mean RTT once added."""
        if len(tied) == 1:
            return int(tied[0])
        means = np.empty(len(tied))
        for i, t in enumerate(tied):
            np.minimum(cur, site_row(int(options[t])), out=row)
            means[i] = prob.w @ row
        lowest = float(means.min())
        return int(tied[np.flatnonzero(means <= lowest + mean_rtol * abs(lowest))[0]])

    while int(chosen.sum()) < prob.k:
        options = np.flatnonzero(~chosen)
        unmet = np.zeros(len(options))
        if len(prob.hard):
            hit = np.asarray(prob.hard[:, chosen].any(axis=1), dtype=bool)
            unmet = (~(hit[:, None] | prob.hard[:, options])).sum(axis=0)
        if objective == "mean":
            mean = np.empty(len(options))
            for i, j in enumerate(options):
                np.minimum(cur, site_row(int(j)), out=row)
                mean[i] = prob.w @ row
            pick = int(np.lexsort((options, mean, unmet))[0])
        elif fast is not None or covered is not None:
            if fast is not None:
                # options surely worse than the best are skipped (not with a residency rule:
                # there the fewest unmet rules come first)
                primary = fast.columns(cur, options, prune=not len(prob.hard))
                first = np.flatnonzero(unmet == unmet.min())
                first = first[primary[first] == primary[first].min()]
            else:  # coverage: the weight each option adds within the threshold (the users not yet)
                assert covered is not None
                w_beyond = np.where(cur > threshold_ms, prob.w, 0.0)
                primary = -np.array([w_beyond[covered[j]].sum() for j in options])
                first = np.flatnonzero(unmet == unmet.min())
                # gains closer than the rounding of their sums are a tie (the mean decides)
                first = first[primary[first] <= primary[first].min() + mean_rtol * float(prob.w.sum())]
            pick = least_mean(cur, options, first)  # tied on the objective: the mean decides
        else:
            served = np.minimum(cur[:, None], cost[:, options])
            primary = _objective_columns(served, prob.w, objective, q, threshold_ms)
            pick = int(np.lexsort((options, prob.w @ served, primary, unmet))[0])
        best = options[pick]
        chosen[best] = True
        if path is not None:
            path.append(int(best))
        cur = np.minimum(cur, cost[:, best])
        if fast is not None:
            fast.add(int(best))
    if len(prob.hard) and not prob.hard[:, chosen].any(axis=1).all():
        return None
    return chosen


def _solve_mean(
    prob: _Problem,
    covers: Sequence[tuple[BoolArray, FloatArray, float]],
    hard_extra: BoolArray | None,
    time_limit_s: float | None,
    prefer: str,
    seed: BoolArray | None = None,
) -> tuple[BoolArray | None, bool, float, str]:
    """Exact weighted-mean minimisation (radius formulation), with optional cover/hard constraints.

    Returns (chosen, proven, lower bound on the mean, method).

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
    rows = prob.order_rows() if prob.order_rows is not None else None
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
            return None, core.proven, const + core.bound, core.method
        chosen = must.copy()
        chosen[np.flatnonzero(free)[core.chosen]] = True
        served, _ = _served(cost, chosen)
        true_value = float(w @ served)
        relaxed = const + core.value
        truncated = depth < full_depth
        if not truncated.any() or true_value <= relaxed + 1e-9 * max(1.0, abs(relaxed)):
            return chosen, core.proven, const + core.bound, core.method
        # some users are served beyond their truncated depth: deepen those and solve again
        rank = _ranks(srt, served)
        grow = truncated & (rank > depth)
        if not grow.any():
            return chosen, core.proven, const + core.bound, core.method
        depth = np.where(grow, np.minimum(full_depth, np.maximum(2 * depth + 1, rank)), depth)


def _row_labels(rows: npt.NDArray[np.integer[Any]]) -> tuple[IntArray, int]:
    """Label identical rows of a small-integer matrix 0, 1, ... (exact; hashing, no sort of rows)."""
    n_rows, width = rows.shape
    if width == 0:
        return np.zeros(n_rows, dtype=np.intp), 1
    small = np.uint8 if int(rows.max()) < 256 else np.uint16
    itemsize = np.dtype(small).itemsize
    per_word = 8 // itemsize
    packed = np.zeros((n_rows, -(-width // per_word) * per_word), dtype=small)
    packed[:, :width] = rows
    words = packed.view(np.uint64)
    codes, uniq = pd.factorize(words[:, 0])
    labels = np.asarray(codes, dtype=np.int64)
    count = len(uniq)
    for i in range(1, words.shape[1]):
        sub, sub_uniq = pd.factorize(words[:, i])
        # count * len(sub_uniq) <= n_rows ** 2: fits int64 for any table that fits in memory
        codes, uniq = pd.factorize((labels * len(sub_uniq) + sub).astype(np.uint64))
        labels = np.asarray(codes, dtype=np.int64)
        count = len(uniq)
    return np.asarray(labels, dtype=np.intp), count


def _aggregate_users(
    cost: FloatArray, w: FloatArray, width: int, order_rows: tuple[IntArray, IntArray] | None = None
) -> tuple[FloatArray, FloatArray]:
    """Merge users whose ``width`` nearest candidates come in the same order (exact for k sites).

    With ``width = n - k + 1`` any k of the n candidates include one of those nearest sites, so
    every user of such a group is served by the same site, the first chosen one in their shared
    order, under every choice of k sites. The group's weighted RTT is then the column of the
    weighted sums of its users' RTTs: returns that matrix (groups x candidates, each row sorted
    in the group's order as a sum of sorted rows) and unit weights. World cities share few
    orders (34,000 cities, under a thousand groups for the AWS regions).
    """
    if len(cost) < 2 or width < 1:
        return cost * w[:, None], np.ones(len(cost))
    from scipy import sparse

    if order_rows is None:
        labels, count = _row_labels(np.argsort(cost, axis=1)[:, :width])
    else:  # the users' orders are known as rows of a small table: group those rows
        row_of_user, distinct = order_rows
        coarse, _ = _row_labels(distinct[:, :width])
        codes, uniq = pd.factorize(coarse[row_of_user])
        labels, count = np.asarray(codes, dtype=np.intp), len(uniq)
    if count == len(cost):
        return cost * w[:, None], np.ones(len(cost))
    member = sparse.csr_matrix((w, (labels, np.arange(len(cost)))), shape=(count, len(cost)))
    return np.asarray(member @ cost, dtype=np.float64), np.ones(count)


def _ranks(srt: FloatArray, served: FloatArray) -> IntArray:
    """Count each user's candidates strictly nearer than its served RTT (the levels it pays)."""
    return np.asarray((srt < served[:, None]).sum(axis=1), dtype=np.intp)


def _cover_sets(prob: _Problem, threshold: float, *, positive_only: bool) -> tuple[BoolArray, FloatArray]:
    """Distinct sets of sites within ``threshold`` of the users with weight, and their weights.

    Computed once per problem and threshold (callers never modify the arrays).
    """
    key = (float(threshold), positive_only)
    if key not in prob.cover_cache:
        prob.cover_cache[key] = _cover_sets_of(prob, threshold, positive_only=positive_only)
    return prob.cover_cache[key]


def _cover_sets_of(prob: _Problem, threshold: float, *, positive_only: bool) -> tuple[BoolArray, FloatArray]:
    pos = prob.w > 0
    every = bool(pos.all())  # no copy of the matrix when every user counts
    weights = (prob.w if every else prob.w[pos]) if not positive_only else np.ones(int(pos.sum()))
    n = len(prob.site_ids)
    if prob.site_orders is not None and prob.transposed is not None and n <= 64:
        # each site's users within the threshold are a prefix of its RTT order: their bit is set
        # in one word per user, laid out as np.packbits lays the bytes (so the same sets, in the
        # same order, as from the users x sites comparison)
        order, srt = prob.site_orders()
        _, rows = prob.transposed()
        bits = _packed_bits(n)
        keys = np.zeros(len(prob.w), dtype=np.uint64)
        for j in range(n):
            near = int(np.searchsorted(srt[rows[j]], threshold, side="right"))
            keys[order[rows[j], :near]] |= bits[j]
        uniq, inverse = _unique_inverse(keys if every else keys[pos])
        summed = np.bincount(inverse, weights=weights, minlength=len(uniq)).astype(np.float64)
        packed = np.ascontiguousarray(uniq.view(np.uint8).reshape(len(uniq), 8)[:, : (n + 7) // 8])
        return _unpack(packed, n), summed
    member = (prob.cost if every else prob.cost[pos]) <= threshold
    return _unique_sets(member, weights)


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


# --------------------------------------------------------------------------------------------
# exact choices within a threshold by filtered enumeration (few sites, few choices left)

# the filtered enumeration is tried when the choices of the free sites are at most this many
_FILTER_MAX_COMBOS = 300_000
# ... and gives up (the search / integer program then runs) above this many exact checks
_FILTER_MAX_CHECKS = 16
# ... or above this many optimal choices to break the tie between
_FILTER_MAX_MEMBERS = 512
# missed weight (a fraction of the total) within which the filter's sums are checked exactly
_FILTER_TOL = 1e-9
Masks = npt.NDArray[np.uint64]
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


@dataclass
class _Listing:
    """Choices of the free sites of a problem listed by :func:`_filter_at` (bit masks)."""

    prob: _Problem
    objective: str
    q: float | None
    free_idx: IntArray
    r: int
    combos: Masks

    def at(self, t: float, within: Masks, minimum: float | None = None) -> tuple[Masks, FloatArray, float]:
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
        return surv, missed, slack

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
    rows = prob.order_rows() if prob.order_rows is not None else None
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
        surv, missed, slack = listing.at(t, within)
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
    surv, missed, slack = listing.at(best, within)
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
    surv, missed, slack = listing.at(threshold, listing.combos, minimum=greedy_share - _QUANTILE_RTOL)
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
    heuristic = objective != "worst" and not side and time_limit_s is None and not len(prob.hard)
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
    if seed is not None and _filter_applies(prob, side, time_limit_s, prefer):
        # every choice better than the seed listed exactly: the optimum and its mean tie-break
        # at once (an enumeration of the choices, so named)
        listed = _threshold_by_filter(prob, objective, q, values, seed)
        if listed is not None:
            return listed[0], True, float(values[listed[1]]), "enumeration", True
    if objective == "worst" and not side and time_limit_s is None and len(free) <= 64:
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
    if objective != "worst" and not side and time_limit_s is None:
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
    columns = np.arange(n)
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
        if by_sites:  # the column hitting the most unhit weight (the lowest index of ties)
            gains = gains[keep][open_sets]
            col = np.argmax(np.where(allowed, gains, -1.0), axis=1)
            rows = np.arange(len(chosen))
            with_col = chosen.copy()
            with_col[rows, col] = True
            without_col = forbidden.copy()
            without_col[rows, col] = True
            chosen = np.vstack([with_col, chosen])
            forbidden = np.vstack([forbidden, without_col])
            unhit = np.vstack([unhit & ~sets[:, col].T, unhit])
            left_budget = np.concatenate([left_budget, left_budget])
            continue
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
        chosen = np.vstack([hit_chosen, chosen[skip]])
        forbidden = np.vstack([hit_forbidden, forbidden[skip] | sets[branch[skip]]])
        unhit = np.vstack([hit_unhit, skip_unhit])
        left_budget = np.concatenate([left_budget[node], left_budget[skip] - weights[branch[skip]]])
    return np.vstack(found) if found else np.zeros((0, n), dtype=bool)


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
        if greedy_value is not None and _filter_applies(prob, side, time_limit_s, prefer):
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
            if not side and time_limit_s is None
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
    tb = _covering_tie_break(prob, objective, q, t_star) if not side and time_limit_s is None else None
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


def _infeasible(prob: _Problem) -> InfeasibleError:
    parts = []
    if prob.must.any():
        parts.append(f"must_include={[s for s, m in zip(prob.site_ids, prob.must, strict=True) if m]}")
    if len(prob.hard):
        parts.append(f"residency ({'; '.join(prob.hard_names)})")
    what = " and ".join(parts) if parts else "the constraints"
    return InfeasibleError(f"no choice of k={prob.k} sites satisfies {what}; relax them or raise k.")


# --------------------------------------------------------------------------------------------
# reporting


def _stable_argsort(x: FloatArray) -> IntArray:
    """``np.argsort(x, kind="stable")``: the fast default sort, then tied runs put in index order."""
    order = np.argsort(x)
    srt = x[order]
    tie = srt[1:] == srt[:-1]
    if not tie.any():
        return order
    starts = np.flatnonzero(tie & ~np.concatenate(([False], tie[:-1])))
    if len(starts) > 32:  # many tied runs: one sort of (run, index) keys
        run = np.concatenate(([0], np.cumsum(~tie)))
        return order[np.argsort(run * len(x) + order)]
    ends = np.flatnonzero(tie & ~np.concatenate((tie[1:], [False]))) + 2
    for start, end in zip(starts, ends, strict=True):
        order[start:end].sort()
    return order


def _stats(
    served: FloatArray, w: FloatArray, thresholds_ms: Sequence[float], order: IntArray
) -> dict[str, float]:
    """Summary statistics of ``served``; ``order`` is its stable argsort."""
    pos = w > 0
    srt = served[order]
    cw = np.cumsum(w[order])
    total = float(cw[-1])
    out = {"mean_rtt_ms": float(w[pos] @ served[pos] / w[pos].sum())}
    for q in (0.50, 0.90, 0.95, 0.99):
        idx = int(np.searchsorted(cw, q * total - _QUANTILE_RTOL * total, side="left"))
        out[f"p{round(q * 100)}_rtt_ms"] = float(srt[min(idx, len(srt) - 1)])
    out["worst_rtt_ms"] = float(served[pos].max())
    for t in thresholds_ms:
        out[f"share_within_{t:g}_ms"] = float(w @ (served <= t) / w.sum())
    return out


def _first_reaching(
    values_a: FloatArray, cum_a: FloatArray, values_b: FloatArray, cum_b: FloatArray, target: float
) -> float:
    """Smallest value of two sorted samples whose weight at or below it reaches ``target``.

    ``cum_a``/``cum_b`` are the cumulative weights of the sorted ``values_a``/``values_b``. This is
    :func:`_weighted_quantile` of the union (the inverted CDF: the smallest ``x`` with
    ``W(x) >= target``, ``W(x)`` the weight of values ``<= x``) without sorting the union: for
    the i-th value of one sample, its own cumulative weight plus the other sample's weight at or
    below it grows with i, so a binary search per sample finds its first value that reaches the
    target; the answer is the smaller of the two. Returns the largest value if none reaches it.
    """
    best = math.inf
    for vals, cum, other_vals, other_cum in (
        (values_a, cum_a, values_b, cum_b),
        (values_b, cum_b, values_a, cum_a),
    ):
        lo, hi = 0, len(vals)
        while lo < hi:
            mid = (lo + hi) // 2
            j = int(np.searchsorted(other_vals, vals[mid], side="right"))
            reached = float(cum[mid]) + (float(other_cum[j - 1]) if j else 0.0)
            if reached >= target:
                hi = mid
            else:
                lo = mid + 1
        if lo < len(vals):
            best = min(best, float(vals[lo]))
    if math.isinf(best):  # only by rounding when target is about the total weight
        best = max(float(v[-1]) for v in (values_a, values_b) if len(v))
    return best


def _failover(
    block: FloatArray,
    pos: IntArray,
    w: FloatArray,
    site_ids: list[Any],
    base: FloatArray,
    base_order: IntArray,
) -> pd.DataFrame:
    """N-1 table from ``block`` (users x chosen sites, RTTs) and each user's site ``pos`` in it.

    ``base`` is every user's RTT before the failure, ``base_order`` its stable argsort. Only the
    failed site's users change RTT (to the best of the other columns, computed once for all), so
    the p90 after failover comes from the sorted RTTs of the others (a subsequence of
    ``base_order``) and the sorted new RTTs of the moved users (:func:`_first_reaching`) instead
    of a sort of every user per failed site; the worst RTT from per-site maxima.
    """
    rows = []
    k = block.shape[1]
    w_total = w.sum()
    base_mean = float(w @ base / w_total)
    base_finite = bool(np.isfinite(base).all())
    positive = w > 0
    # every user's best RTT among the chosen sites other than its own (inf with one site)
    second = np.full(len(block), np.inf)
    for q in range(k):
        np.minimum(second, np.where(pos == q, np.inf, block[:, q]), out=second)
    # largest RTT of the weighted users of each site, before the failure
    site_max = np.array(
        [float(base[m].max()) if (m := positive & (pos == q)).any() else -math.inf for q in range(k)]
    )
    # base in sorted order, once: each failed site keeps the others' subsequence
    pos_sorted = pos[base_order]
    base_sorted = base[base_order]
    w_sorted = w[base_order]
    for q, sid in enumerate(site_ids):
        aff_idx = np.flatnonzero(pos == q)
        new_aff = second[aff_idx]
        new = base.copy()
        new[aff_idx] = new_aff
        ok_aff = np.isfinite(new_aff)
        aff_w = w[aff_idx]
        all_ok = base_finite and bool(ok_aff.all())
        if all_ok:  # nobody stranded: the weights and RTTs as they are
            stranded = 0.0
            ww, nv, ww_sum = w, new, w_total
        else:
            served_ok = np.isfinite(new)
            stranded = float(w[~served_ok].sum() / w_total)
            ww = np.where(served_ok, w, 0.0)
            nv = np.where(served_ok, new, 0.0)
            ww_sum = ww.sum()
        if ww_sum > 0:
            mean = float(ww @ nv / ww_sum)
            if base_finite:
                # unaffected users keep their RTT and their place in the sorted order of base
                keep = pos_sorted != q
                nv_aff = np.where(ok_aff, new_aff, 0.0)
                order_aff = np.argsort(nv_aff)
                cum_keep = np.cumsum(w_sorted[keep])
                cum_aff = np.cumsum(np.where(ok_aff, aff_w, 0.0)[order_aff])
                total = (float(cum_keep[-1]) if len(cum_keep) else 0.0) + (
                    float(cum_aff[-1]) if len(cum_aff) else 0.0
                )
                target = 0.90 * total - _QUANTILE_RTOL * total
                p90 = _first_reaching(base_sorted[keep], cum_keep, nv_aff[order_aff], cum_aff, target)
            else:
                p90 = _weighted_quantile(nv, ww, 0.90)
            if all_ok:
                moved = new_aff[aff_w > 0]
                worst = max(
                    float(np.delete(site_max, q).max()) if k > 1 else -math.inf,
                    float(moved.max()) if len(moved) else -math.inf,
                )
            else:
                ok_pos = served_ok & positive
                worst = float(nv[ok_pos].max()) if ok_pos.any() else math.nan
        else:
            mean = p90 = worst = math.nan
        aff_ok = aff_idx if all_ok else aff_idx[ok_aff]
        aff_w_sum = aff_w.sum()
        ok_w = aff_w if all_ok else w[aff_ok]
        ok_w_sum = ok_w.sum()
        rows.append(
            {
                "failed_site": sid,
                "users_affected": len(aff_idx),
                "weight_share_affected": float(aff_w_sum / w_total),
                "mean_rtt_ms": mean,
                "p90_rtt_ms": p90,
                "worst_rtt_ms": worst,
                "mean_rtt_increase_ms": mean - base_mean if not math.isnan(mean) else math.nan,
                "affected_mean_rtt_ms_before": float(aff_w @ base[aff_idx] / aff_w_sum)
                if aff_w_sum > 0
                else math.nan,
                "affected_mean_rtt_ms_after": (
                    float(ok_w @ new[aff_ok] / ok_w_sum) if ok_w_sum > 0 else math.nan
                ),
                "stranded_share": stranded,
            }
        )
    return pd.DataFrame(rows).set_index("failed_site")


def _object_array(values: Sequence[Any]) -> npt.NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _id_series(ids: Sequence[Any], cols: IntArray, index: pd.Index, name: str) -> pd.Series:
    """``pd.Series(ids[cols])`` without inferring the dtype of one object per user.

    The dtype is inferred from the distinct ids used (the same values, so the same dtype) and the
    users' values are taken from that small array.
    """
    counts = np.bincount(cols, minlength=len(ids))
    used = np.flatnonzero(counts)
    remap = np.zeros(len(ids), dtype=np.intp)
    remap[used] = np.arange(len(used))
    small: pd.Series = pd.Series(_object_array([ids[int(c)] for c in used]))
    return pd.Series(small.array.take(remap[cols]), index=index, name=name)


def _build_result(
    users: pd.DataFrame,
    cand_ids: list[Any],
    full_cost: FloatArray,
    prob: _Problem,
    chosen: BoolArray,
    objective: str,
    q: float | None,
    threshold_ms: float | None,
    method_used: str,
    gap: float,
    greedy_value: float | None,
    solve_time_s: float,
    thresholds_ms: Sequence[float],
) -> PlacementResult:
    col = {c: i for i, c in enumerate(cand_ids)}
    chosen_ids = [s for s, c in zip(prob.site_ids, chosen, strict=True) if c]
    # full matrix with residency-forbidden entries as inf, columns = all candidates; without
    # residency rules prob.cost holds the very values of full_cost (a private array of this call)
    if len(prob.hard):
        masked = full_cost.copy()
        allowed_cols = np.array([col[s] for s in prob.site_ids], dtype=np.intp)
        masked[:, allowed_cols] = prob.cost
    else:
        masked = full_cost
    site_cols = [col[s] for s in chosen_ids]
    block = masked[:, site_cols]
    served, pos = _nearest(block)
    assign_cols = np.array(site_cols, dtype=np.intp)[pos]
    w = prob.w
    assignment = _id_series(cand_ids, assign_cols, users.index, "site")
    rtt = pd.Series(served, index=users.index, name="rtt_ms")
    thr = list(thresholds_ms)
    if threshold_ms is not None and threshold_ms not in thr:
        thr.append(threshold_ms)
    order = _stable_argsort(served)
    summary = pd.Series(_stats(served, w, thr, order), name="value")
    n_users, share, mean_rtt = [], [], []
    for c in site_cols:
        mine = assign_cols == c
        w_mine = w[mine]
        w_sum = w_mine.sum()
        n_users.append(int(mine.sum()))
        share.append(float(w_sum))
        mean_rtt.append(float(w_mine @ served[mine] / w_sum) if w_sum > 0 else math.nan)
    per_site = pd.DataFrame(
        {"users": n_users, "weight_share": share, "mean_rtt_ms": mean_rtt},
        index=pd.Index(chosen_ids, name="site"),
    )
    value = _value(prob, chosen, objective, q, threshold_ms)
    greedy_gap: float | None = None
    if greedy_value is not None and method_used != "greedy":
        if objective == "coverage":
            greedy_gap = (value - greedy_value) / value if value > 0 else 0.0
        else:
            greedy_gap = (greedy_value - value) / value if value > 0 else 0.0
        greedy_gap = max(0.0, greedy_gap)
    return PlacementResult(
        sites=chosen_ids,
        objective=objective,
        objective_value=value,
        assignment=assignment,
        rtt_ms=rtt,
        summary=summary,
        per_site=per_site,
        method=method_used,
        gap=gap,
        solve_time_s=solve_time_s,
        k=prob.k,
        threshold_ms=threshold_ms,
        greedy_objective_value=greedy_value if method_used != "greedy" else None,
        greedy_gap=greedy_gap,
        _cost_ms=masked,
        _columns=tuple(cand_ids),
        _failover_of=functools.partial(_failover_of_block, masked, site_cols, w, chosen_ids),
    )


def _failover_of_block(
    masked: FloatArray, site_cols: list[int], w: FloatArray, ids: list[Any]
) -> pd.DataFrame:
    """:func:`_failover` of the chosen columns of ``masked`` (as :func:`_build_result` serves them)."""
    block = masked[:, site_cols]
    served, pos = _nearest(block)
    return _failover(block, pos, w, ids, served, _stable_argsort(served))


# --------------------------------------------------------------------------------------------
# public API


def optimize_placement(
    users: pd.DataFrame,
    candidates: pd.DataFrame,
    k: int,
    *,
    objective: str = "mean",
    model: str | None = None,
    stat: str = "p50",
    method: str = "exact",
    must_include: Iterable[Any] = (),
    exclude: Iterable[Any] = (),
    residency: Mapping[str, Iterable[Any]] | None = None,
    threshold_ms: float | None = None,
    min_share: float | None = None,
    cost_ms: pd.DataFrame | None = None,
    thresholds_ms: Sequence[float] = _DEFAULT_THRESHOLDS_MS,
    time_limit_s: float | None = None,
) -> PlacementResult:
    """Choose ``k`` candidate sites that serve a weighted user population best.

    Parameters
    ----------
    users : pandas.DataFrame
        One row per user location with ``lat``, ``lon`` columns, an optional ``weight`` column
        (non-negative; missing means 1) and, for ``residency``, a ``country_code`` column. Rows
        of weight 0 are served and reported but do not count in any objective. [deg, -]
    candidates : pandas.DataFrame
        Candidate sites indexed by site id (e.g. region code) with ``lat``, ``lon`` columns
        (not needed when ``cost_ms`` is given). [deg]
    k : int
        Number of sites to choose (1 <= k <= number of candidates). [-]
    objective : str, default "mean"
        ``"mean"`` (weighted mean RTT, p-median), ``"p50"``/``"p90"``/``"p95"``/``"p99"`` (any
        ``"pXX"``: weighted percentile, inverted-CDF definition, see the module notes),
        ``"coverage"`` (maximise the weighted share within ``threshold_ms``) or ``"worst"``
        (minimise the largest RTT of any user with positive weight, p-center). [-]
    model : str, optional
        Latency model passed to :func:`cloudgeo.latency.user_rtt_matrix_ms` (``None``: its calibrated
        default; ``"physics"``: straight-fibre great-circle floor). Ignored with ``cost_ms``. [-]
    stat : str, default "p50"
        Statistic of the latency model passed to :func:`cloudgeo.latency.user_rtt_matrix_ms`. [-]
    method : str, default "exact"
        ``"exact"`` (proven optimum: vectorised enumeration or HiGHS integer program on exactly
        aggregated demand) or ``"greedy"`` (add the best next site one at a time). [-]
    must_include : iterable of site ids
        Sites that must be chosen (regions you already run). [-]
    exclude : iterable of site ids
        Sites that may not be chosen (e.g. opt-in regions you cannot use). [-]
    residency : mapping of str to iterable of site ids, optional
        Data residency: ``{"DE": ["eu-central-1", ...]}`` means users whose ``country_code`` is
        ``"DE"`` may only be served from those sites; at least one of them is then chosen. [-]
    threshold_ms : float, optional
        RTT threshold of ``"coverage"`` and of ``min_share``. [ms]
    min_share : float, optional
        Side constraint: at least this weighted share of users within ``threshold_ms``.
        [fraction 0-1]
    cost_ms : pandas.DataFrame, optional
        Precomputed RTT matrix, users x candidates (index = users' index, columns = candidate
        ids); skips the latency model. Values must be finite and >= 0. [ms]
    thresholds_ms : float or sequence of float, default (20, 50, 100, 150)
        Thresholds reported as ``share_within_<T>_ms`` in the summary; one number means one
        threshold. [ms]
    time_limit_s : float, optional
        Time limit of each integer program (HiGHS). When hit, the best solution found is
        returned with its proven relative ``gap``. [s]

    Returns
    -------
    PlacementResult
        Chosen sites, objective value [ms or fraction], assignment, summary, per-site table,
        N-1 failover table, method, gap, solve time [s] and, for exact solves, the greedy
        objective and its gap.

    Raises
    ------
    InvalidInputError
        Bad ``k`` (< 1 or more than the candidates), unknown ``objective``/``method``, missing
        ``threshold_ms``, a site both in ``must_include`` and ``exclude``.
    UnknownNameError
        A site id in ``must_include``/``exclude``/``residency`` is not a candidate
        (:class:`UnknownRegionError` when the candidates are indexed by ``region``).
    DataValidationError
        Empty users or candidates, negative or NaN weights, bad coordinates, a bad ``cost_ms``.
    InfeasibleError
        The constraints cannot all be met; the message names the binding one
        (``must_include``, ``exclude``, ``residency`` or ``min_share``).

    Notes
    -----
    Aggregation keeps the optimum exact: users sharing a prefix set of the radius formulation
    share one term, so identical users (and users with identical RTT rows) are merged without
    loss. The HiGHS integer programs run with a relative gap of 0 (HiGHS's default absolute gap
    of 1e-6 applies: ties closer than a nanosecond of mean RTT are ties).

    References
    ----------
    Hakimi (1964); ReVelle & Swain (1970); Church & ReVelle (1974); Elloumi (2010); García,
    Labbé & Marín (2011); Qiu, Padmanabhan & Voelker (2001). See the module docstring.

    Examples
    --------
    >>> import pandas as pd
    >>> users = pd.DataFrame({"lat": [50.1, 40.7], "lon": [8.7, -74.0], "weight": [1.0, 2.0]})
    >>> sites = pd.DataFrame({"lat": [50.1, 38.9], "lon": [8.7, -77.4]}, index=["fra", "iad"])
    >>> cost = pd.DataFrame([[0.0, 66.0], [61.0, 4.0]], index=users.index, columns=sites.index)
    >>> optimize_placement(users, sites, 1, cost_ms=cost).sites
    ['iad']
    """
    return _optimize(
        users,
        candidates,
        k,
        objective=objective,
        model=model,
        stat=stat,
        method=method,
        must_include=must_include,
        exclude=exclude,
        residency=residency,
        threshold_ms=threshold_ms,
        min_share=min_share,
        cost_ms=cost_ms,
        thresholds_ms=thresholds_ms,
        time_limit_s=time_limit_s,
    )


def _optimize(
    users: pd.DataFrame,
    candidates: pd.DataFrame,
    k: int,
    *,
    objective: str = "mean",
    model: str | None = None,
    stat: str = "p50",
    method: str = "exact",
    must_include: Iterable[Any] = (),
    exclude: Iterable[Any] = (),
    residency: Mapping[str, Iterable[Any]] | None = None,
    threshold_ms: float | None = None,
    min_share: float | None = None,
    cost_ms: pd.DataFrame | _CostMatrix | None = None,
    thresholds_ms: Sequence[float] = _DEFAULT_THRESHOLDS_MS,
    time_limit_s: float | None = None,
) -> PlacementResult:
    """:func:`optimize_placement`, also on a prepared RTT matrix (:func:`_prepare_cost`)."""
    obj, q = _parse_objective(objective)
    check_choice(method, "method", _METHODS)
    thr: float | None = None
    if threshold_ms is not None:
        thr = check_positive(threshold_ms, "threshold_ms", "ms")
    if obj == "coverage" and thr is None:
        msg = (
            "objective='coverage' needs threshold_ms (the RTT that counts as covered), e.g. threshold_ms=50."
        )
        raise InvalidInputError(msg)
    share: float | None = None
    if min_share is not None:
        share = check_fraction(min_share, "min_share")
        if thr is None:
            msg = "min_share needs threshold_ms (the RTT the share must be within), e.g. threshold_ms=50."
            raise InvalidInputError(msg)
    thresholds_ms = check_thresholds(thresholds_ms)  # one number means one threshold
    if time_limit_s is not None:
        check_positive(time_limit_s, "time_limit_s", "s")
    prob, full, users_df, cand_ids, _ = _prepare(
        users,
        candidates,
        k,
        objective=obj,
        model=model,
        stat=stat,
        must_include=must_include,
        exclude=exclude,
        residency=residency,
        cost_ms=cost_ms,
    )
    t1 = time.perf_counter()
    _check_residency(prob, time_limit_s)
    chosen, used, gap, greedy_value = _solve(prob, obj, q, thr, share, method, time_limit_s, "auto")
    solve_time = time.perf_counter() - t1
    return _build_result(
        users_df,
        cand_ids,
        full,
        prob,
        chosen,
        obj,
        q,
        thr,
        used,
        gap,
        greedy_value,
        solve_time,
        thresholds_ms,
    )


def placement_frontier(
    users: pd.DataFrame,
    candidates: pd.DataFrame,
    k_max: int,
    *,
    objective: str = "mean",
    model: str | None = None,
    stat: str = "p50",
    method: str = "exact",
    must_include: Iterable[Any] = (),
    exclude: Iterable[Any] = (),
    residency: Mapping[str, Iterable[Any]] | None = None,
    threshold_ms: float | None = None,
    cost_ms: pd.DataFrame | None = None,
    time_limit_s: float | None = None,
) -> pd.DataFrame:
    """Best objective for every number of sites k = 1 .. ``k_max``.

    The latency matrix is computed once. Rows start at the smallest ``k`` the constraints allow
    (``len(must_include)``, and enough sites for ``residency``).

    Parameters
    ----------
    users, candidates, objective, model, stat, method, must_include, exclude, residency, threshold_ms
        As in :func:`optimize_placement`.
    cost_ms, time_limit_s
        As in :func:`optimize_placement`.
    k_max : int
        Largest number of sites (at most the number of allowed candidates). [-]

    Returns
    -------
    pandas.DataFrame
        Indexed by ``k``; columns ``objective_value`` (never worse as k grows: never increasing
        for latency objectives [ms], never decreasing for coverage [fraction]), ``sites`` (list
        of ids), ``method``, ``gap``, ``mean_rtt_ms``, ``p90_rtt_ms``, ``greedy_objective_value``.

    Raises
    ------
    InvalidInputError, UnknownNameError, DataValidationError, InfeasibleError
        As :func:`optimize_placement`; InfeasibleError when no k <= ``k_max`` is feasible.

    References
    ----------
    See :func:`optimize_placement`.
    """
    k_max_int = check_int(k_max, "k_max", minimum=1)
    must_include = list(must_include) if not isinstance(must_include, str) else must_include
    exclude = list(exclude) if not isinstance(exclude, str) else exclude
    obj, _ = _parse_objective(objective)
    check_choice(method, "method", _METHODS)
    if not isinstance(users, pd.DataFrame) or not isinstance(candidates, pd.DataFrame):
        _prepare(
            users,
            candidates,
            1,
            objective=obj,
            model=model,
            stat=stat,
            must_include=(),
            exclude=(),
            residency=None,
            cost_ms=cost_ms,
        )
    assert isinstance(users, pd.DataFrame)
    assert isinstance(candidates, pd.DataFrame)
    # validate once with k = k_max (raises for k_max > candidates, unknown ids, ...)
    prob, full, _, cand_ids, _ = _prepare(
        users,
        candidates,
        k_max_int,
        objective=obj,
        model=model,
        stat=stat,
        must_include=must_include,
        exclude=exclude,
        residency=residency,
        cost_ms=cost_ms,
    )
    _check_residency(prob, time_limit_s)
    full.flags.writeable = False  # a private copy, validated once and shared by every k
    cost = _CostMatrix(full, users.index, tuple(cand_ids))
    k_start = max(1, int(prob.must.sum()))
    rows = []
    prev: PlacementResult | None = None
    for kk in range(k_start, k_max_int + 1):
        try:
            res = _optimize(
                users,
                candidates,
                kk,
                objective=obj,
                method=method,
                must_include=must_include,
                exclude=exclude,
                residency=residency,
                threshold_ms=threshold_ms,
                cost_ms=cost,
                time_limit_s=time_limit_s,
            )
        except InfeasibleError:
            if prev is None and kk < k_max_int:
                continue
            raise
        if prev is not None and _worse(res.objective_value, prev.objective_value, obj):
            res = _extend(prev, users, candidates, kk, obj, exclude, residency, threshold_ms, cost, res)
        rows.append(
            {
                "k": kk,
                "objective_value": res.objective_value,
                "sites": list(res.sites),
                "method": res.method,
                "gap": res.gap,
                "mean_rtt_ms": float(res.summary["mean_rtt_ms"]),
                "p90_rtt_ms": float(res.summary["p90_rtt_ms"]),
                "greedy_objective_value": res.greedy_objective_value,
            }
        )
        prev = res
    return pd.DataFrame(rows).set_index("k")


def _worse(a: float, b: float, objective: str) -> bool:
    return a < b if objective == "coverage" else a > b


def _extend(
    prev: PlacementResult,
    users: pd.DataFrame,
    candidates: pd.DataFrame,
    k: int,
    objective: str,
    exclude: Iterable[Any],
    residency: Mapping[str, Iterable[Any]] | None,
    threshold_ms: float | None,
    cost: _CostMatrix,
    fallback: PlacementResult,
) -> PlacementResult:
    """Keep the frontier monotone when a time-limited solve came back worse than k-1 plus one site."""
    res = _optimize(
        users,
        candidates,
        k,
        objective=objective,
        method="greedy",
        must_include=list(prev.sites),
        exclude=exclude,
        residency=residency,
        threshold_ms=threshold_ms,
        cost_ms=cost,
    )
    return res if _worse(fallback.objective_value, res.objective_value, objective) else fallback
