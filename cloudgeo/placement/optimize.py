"""The main entry point, :func:`optimize_placement`: k sites for a weighted user population.

Objectives: ``"mean"`` (weighted mean RTT, the p-median problem, Hakimi 1964; ReVelle & Swain
1970); ``"pXX"`` (a weighted percentile, the inverted empirical CDF of :mod:`cloudgeo.stats`
with a relative tolerance of 1e-9); ``"coverage"`` (weighted share within ``threshold_ms``,
maximal covering, Church & ReVelle 1974); ``"worst"`` (largest RTT of any user with positive
weight, the p-center problem). Every user is served by the chosen site with the lowest RTT it
may use (data residency can forbid sites for some users). ``method="exact"`` proves the optimum
on exactly aggregated demand (the radius formulation of Elloumi 2010 and García, Labbé & Marín
2011: see :mod:`cloudgeo.placement.exact`); ``"greedy"`` adds one site at a time.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from cloudgeo._validate import (
    check_choice,
    check_fraction,
    check_positive,
    check_thresholds,
)
from cloudgeo.errors import (
    InvalidInputError,
)
from cloudgeo.placement.cost import CostMatrix
from cloudgeo.placement.objectives import _parse_objective
from cloudgeo.placement.problem import _DEFAULT_THRESHOLDS_MS, _METHODS, _check_residency, _prepare
from cloudgeo.placement.result import PlacementResult, _build_result
from cloudgeo.placement.solve import _solve


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
    cost_ms: pd.DataFrame | CostMatrix | None = None,
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
    cost_ms : pandas.DataFrame or CostMatrix, optional
        Precomputed RTT matrix, users x candidates (index = users' index, columns = candidate
        ids); skips the latency model. Values must be finite and >= 0. A :class:`CostMatrix`
        from :func:`prepare_cost` (made for these users and candidates) is validated once and
        reused across solves. [ms]
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
    prepared = _prepare(
        users, candidates, k, objective=obj, model=model, stat=stat, must_include=must_include,
        exclude=exclude, residency=residency, cost_ms=cost_ms,
    )  # fmt: skip
    t1 = time.perf_counter()
    _check_residency(prepared.prob, time_limit_s)
    solution = _solve(prepared.prob, obj, q, thr, share, method, time_limit_s, "auto")
    solve_time = time.perf_counter() - t1
    return _build_result(
        prepared, solution, objective=obj, q=q, threshold_ms=thr, solve_time_s=solve_time,
        thresholds_ms=thresholds_ms,
    )  # fmt: skip
