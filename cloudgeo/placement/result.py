"""The result of a placement: :class:`PlacementResult`, its summary and its N-1 failover table."""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cloudgeo.errors import (
    InvalidInputError,
    UnknownNameError,
)
from cloudgeo.placement._types import BoolArray, FloatArray, IntArray
from cloudgeo.placement.objectives import _QUANTILE_RTOL, _nearest, _stable_argsort, _weighted_quantile
from cloudgeo.placement.problem import _Prepared, _value

if TYPE_CHECKING:
    from cloudgeo.placement.solve import _Solution


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

    def __repr__(self) -> str:
        """Return a one-line summary (the per-user Series stay out of it, like pandas' reprs)."""
        gap = f", greedy gap {self.greedy_gap:.1%}" if self.greedy_gap else ""
        return (
            f"PlacementResult(k={self.k}, sites={list(self.sites)!r}, objective={self.objective!r}, "
            f"objective_value={self.objective_value:.4g}, method={self.method!r}, gap={self.gap:.3g}, "
            f"users={len(self.assignment):,}{gap})"
        )

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
    k = block.shape[1]
    positive = w > 0
    # every user's best RTT among the chosen sites other than its own (inf with one site)
    second = np.full(len(block), np.inf)
    for q in range(k):
        np.minimum(second, np.where(pos == q, np.inf, block[:, q]), out=second)
    # largest RTT of the weighted users of each site, before the failure
    site_max = np.array(
        [float(base[m].max()) if (m := positive & (pos == q)).any() else -math.inf for q in range(k)]
    )
    state = _Failover(w, pos, base, second, site_max, base_order)
    rows = [state.row(q, sid) for q, sid in enumerate(site_ids)]
    return pd.DataFrame(rows).set_index("failed_site")


@dataclass(frozen=True)
class _After:
    """The mean, p90 and worst RTT of the users served after one site fails [ms]."""

    mean_ms: float
    p90_ms: float
    worst_ms: float


@dataclass(frozen=True, eq=False)
class _Failover:
    """What every failed site's row of the N-1 table shares (see :func:`_failover`)."""

    w: FloatArray
    pos: IntArray
    base: FloatArray  # every user's RTT before the failure [ms]
    second: FloatArray  # every user's best RTT among the other chosen sites [ms]
    site_max: FloatArray  # each site's largest RTT of a weighted user before the failure [ms]
    base_order: IntArray

    @functools.cached_property
    def w_total(self) -> float:
        """Return the total user weight."""
        return float(self.w.sum())

    @functools.cached_property
    def base_finite(self) -> bool:
        """Return whether every user is served before the failure."""
        return bool(np.isfinite(self.base).all())

    @functools.cached_property
    def sorted_base(self) -> tuple[IntArray, FloatArray]:
        """Return the sites and RTTs of the users in the sorted order of their RTTs."""
        return self.pos[self.base_order], self.base[self.base_order]

    @functools.cached_property
    def w_sorted(self) -> FloatArray:
        """Return the users' weights in the sorted order of their RTTs."""
        return self.w[self.base_order]

    def row(self, q: int, sid: Any) -> dict[str, Any]:
        """Return the N-1 row of the failure of chosen site ``q`` (id ``sid``)."""
        w, w_total = self.w, self.w_total
        aff_idx = np.flatnonzero(self.pos == q)
        new_aff = self.second[aff_idx]
        new = self.base.copy()
        new[aff_idx] = new_aff
        ok_aff = np.isfinite(new_aff)
        aff_w = w[aff_idx]
        all_ok = self.base_finite and bool(ok_aff.all())
        stranded = 0.0 if all_ok else float(w[~np.isfinite(new)].sum() / w_total)
        after = self._after(q, new, new_aff, ok_aff, all_ok)
        mean, p90, worst = after.mean_ms, after.p90_ms, after.worst_ms
        aff_ok = aff_idx if all_ok else aff_idx[ok_aff]
        aff_w_sum = aff_w.sum()
        ok_w = aff_w if all_ok else w[aff_ok]
        ok_w_sum = ok_w.sum()
        base_mean = float(w @ self.base / w_total)
        return {
            "failed_site": sid,
            "users_affected": len(aff_idx),
            "weight_share_affected": float(aff_w_sum / w_total),
            "mean_rtt_ms": mean,
            "p90_rtt_ms": p90,
            "worst_rtt_ms": worst,
            "mean_rtt_increase_ms": mean - base_mean if not math.isnan(mean) else math.nan,
            "affected_mean_rtt_ms_before": float(aff_w @ self.base[aff_idx] / aff_w_sum)
            if aff_w_sum > 0
            else math.nan,
            "affected_mean_rtt_ms_after": (
                float(ok_w @ new[aff_ok] / ok_w_sum) if ok_w_sum > 0 else math.nan
            ),
            "stranded_share": stranded,
        }

    def _after(self, q: int, new: FloatArray, new_aff: FloatArray, ok_aff: BoolArray, all_ok: bool) -> _After:
        """Return the mean, p90 and worst RTT [ms] after the failure of site ``q``."""
        w = self.w
        if all_ok:  # nobody stranded: the weights and RTTs as they are
            ww, nv, ww_sum = w, new, self.w_total
        else:
            served_ok = np.isfinite(new)
            ww = np.where(served_ok, w, 0.0)
            nv = np.where(served_ok, new, 0.0)
            ww_sum = ww.sum()
        if not ww_sum > 0:
            return _After(math.nan, math.nan, math.nan)
        mean = float(ww @ nv / ww_sum)
        p90 = self._p90_after(q, new_aff, ok_aff) if self.base_finite else _weighted_quantile(nv, ww, 0.90)
        if all_ok:
            aff_w = w[self.pos == q]
            moved = new_aff[aff_w > 0]
            k = len(self.site_max)
            worst = max(
                float(np.delete(self.site_max, q).max()) if k > 1 else -math.inf,
                float(moved.max()) if len(moved) else -math.inf,
            )
        else:
            ok_pos = np.isfinite(new) & (w > 0)
            worst = float(nv[ok_pos].max()) if ok_pos.any() else math.nan
        return _After(mean, p90, worst)

    def _p90_after(self, q: int, new_aff: FloatArray, ok_aff: BoolArray) -> float:
        """Return the p90 [ms]: unaffected users keep their RTT and their place in the sorted order."""
        pos_sorted, base_sorted = self.sorted_base
        w_sorted = self.w_sorted
        aff_w = self.w[self.pos == q]
        keep = pos_sorted != q
        nv_aff = np.where(ok_aff, new_aff, 0.0)
        order_aff = np.argsort(nv_aff)
        cum_keep = np.cumsum(w_sorted[keep])
        cum_aff = np.cumsum(np.where(ok_aff, aff_w, 0.0)[order_aff])
        total = (float(cum_keep[-1]) if len(cum_keep) else 0.0) + (
            float(cum_aff[-1]) if len(cum_aff) else 0.0
        )
        target = 0.90 * total - _QUANTILE_RTOL * total
        return _first_reaching(base_sorted[keep], cum_keep, nv_aff[order_aff], cum_aff, target)


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
    prepared: _Prepared,
    solution: _Solution,
    *,
    objective: str,
    q: float | None,
    threshold_ms: float | None,
    solve_time_s: float,
    thresholds_ms: Sequence[float],
) -> PlacementResult:
    """Return the public result of ``solution`` (assignment, summary, per-site, failover)."""
    users, cand_ids, full_cost, prob = prepared.users, prepared.cand_ids, prepared.full, prepared.prob
    chosen, method_used, gap, greedy_value = (
        solution.chosen,
        solution.method,
        solution.gap,
        solution.greedy_value,
    )
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
    per_site = _per_site(site_cols, assign_cols, w, served, chosen_ids)
    value = _value(prob, chosen, objective, q, threshold_ms)
    greedy_gap = _greedy_gap(value, greedy_value if method_used != "greedy" else None, objective)
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


def _per_site(
    site_cols: list[int], assign_cols: IntArray, w: FloatArray, served: FloatArray, chosen_ids: list[Any]
) -> pd.DataFrame:
    """Return the users, weight share and mean RTT [ms] of each chosen site."""
    n_users, share, mean_rtt = [], [], []
    for c in site_cols:
        mine = assign_cols == c
        w_mine = w[mine]
        w_sum = w_mine.sum()
        n_users.append(int(mine.sum()))
        share.append(float(w_sum))
        mean_rtt.append(float(w_mine @ served[mine] / w_sum) if w_sum > 0 else math.nan)
    return pd.DataFrame(
        {"users": n_users, "weight_share": share, "mean_rtt_ms": mean_rtt},
        index=pd.Index(chosen_ids, name="site"),
    )


def _greedy_gap(value: float, greedy_value: float | None, objective: str) -> float | None:
    """Return how much worse the greedy choice is, relative to ``value`` (None: no greedy)."""
    if greedy_value is None:
        return None
    if objective == "coverage":
        gap = (value - greedy_value) / value if value > 0 else 0.0
    else:
        gap = (greedy_value - value) / value if value > 0 else 0.0
    return max(0.0, gap)


def _failover_of_block(
    masked: FloatArray, site_cols: list[int], w: FloatArray, ids: list[Any]
) -> pd.DataFrame:
    """:func:`_failover` of the chosen columns of ``masked`` (as :func:`_build_result` serves them)."""
    block = masked[:, site_cols]
    served, pos = _nearest(block)
    return _failover(block, pos, w, ids, served, _stable_argsort(served))
