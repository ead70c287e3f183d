"""The placement frontier: the best objective for every number of sites k = 1 .. k_max."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from cloudgeo._validate import (
    check_choice,
    check_int,
)
from cloudgeo.errors import (
    InfeasibleError,
)
from cloudgeo.placement.cost import CostMatrix
from cloudgeo.placement.objectives import _parse_objective
from cloudgeo.placement.optimize import optimize_placement
from cloudgeo.placement.problem import _METHODS, _check_residency, _prepare
from cloudgeo.placement.result import PlacementResult


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
    common: dict[str, Any] = {"objective": obj, "model": model, "stat": stat, "cost_ms": cost_ms}
    if not isinstance(users, pd.DataFrame) or not isinstance(candidates, pd.DataFrame):
        _prepare(users, candidates, 1, must_include=(), exclude=(), residency=None, **common)
    assert isinstance(users, pd.DataFrame)
    assert isinstance(candidates, pd.DataFrame)
    # validate once with k = k_max (raises for k_max > candidates, unknown ids, ...)
    prepared = _prepare(
        users,
        candidates,
        k_max_int,
        must_include=must_include,
        exclude=exclude,
        residency=residency,
        **common,
    )
    prob, full = prepared.prob, prepared.full
    _check_residency(prob, time_limit_s)
    full.flags.writeable = False  # a private copy, validated once and shared by every k
    cost = CostMatrix(full, users.index, tuple(prepared.cand_ids))
    k_start = max(1, int(prob.must.sum()))
    rows = []
    prev: PlacementResult | None = None
    for kk in range(k_start, k_max_int + 1):
        try:
            res = optimize_placement(
                users, candidates, kk, objective=obj, method=method, must_include=must_include,
                exclude=exclude, residency=residency, threshold_ms=threshold_ms, cost_ms=cost,
                time_limit_s=time_limit_s,
            )  # fmt: skip
        except InfeasibleError:
            if prev is None and kk < k_max_int:
                continue
            raise
        if prev is not None and _worse(res.objective_value, prev.objective_value, obj):
            res = _extend(prev, users, candidates, kk, obj, exclude, residency, threshold_ms, cost, res)
        rows.append(_frontier_row(kk, res))
        prev = res
    return pd.DataFrame(rows).set_index("k")


def _frontier_row(k: int, res: PlacementResult) -> dict[str, Any]:
    return {
        "k": k,
        "objective_value": res.objective_value,
        "sites": list(res.sites),
        "method": res.method,
        "gap": res.gap,
        "mean_rtt_ms": float(res.summary["mean_rtt_ms"]),
        "p90_rtt_ms": float(res.summary["p90_rtt_ms"]),
        "greedy_objective_value": res.greedy_objective_value,
    }


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
    cost: CostMatrix,
    fallback: PlacementResult,
) -> PlacementResult:
    """Keep the frontier monotone when a time-limited solve came back worse than k-1 plus one site."""
    res = optimize_placement(
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
