"""The core problem as an integer program: ``scipy.optimize.milp`` (HiGHS; Huangfu & Hall 2018).

Relative gap 0; HiGHS's feasibility-jump heuristic is off (on these small covering models it
costs more than it saves).
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from cloudgeo.placement._types import BoolArray, FloatArray
from cloudgeo.placement.exact.aggregate import _Core


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
    constraints = _set_constraints(n, n_var, blocks, covers)
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


def _set_constraints(
    n: int,
    n_var: int,
    blocks: list[tuple[BoolArray, FloatArray]],
    covers: Sequence[tuple[BoolArray, FloatArray, float]],
) -> list[Any]:
    """Return each set's row (miss_s + sum_{j in s} y_j >= 1) and each cover's weight limit."""
    from scipy import sparse
    from scipy.optimize import LinearConstraint

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
        constraints.append(LinearConstraint(a, 1.0, np.inf))
        cover_rows.append((offset, m, weights))
        offset += m
    for (start, m, weights), (_, _, minimum) in zip(
        cover_rows[len(blocks) - len(covers) :], covers, strict=True
    ):
        row = np.zeros(n_var)
        row[start : start + m] = weights
        constraints.append(LinearConstraint(row[None, :], -np.inf, float(weights.sum()) - minimum))
    return constraints


# HiGHS options beyond the ones scipy documents, passed on to HiGHS verbatim (scipy warns that
# it does so). The feasibility-jump primal heuristic (HiGHS >= 1.9) costs more than it saves on
# these small covering models: off, the 72 solves of the world-cities placements (k 2-10, every
# objective) take ~30 % less time, and the solver still closes the gap to 0 (only which of two
# equally good choices is returned can change). Left out if the HiGHS in scipy lacks the option
# (see _highs_extra_options).
_HIGHS_EXTRA_OPTIONS: Mapping[str, Any] = MappingProxyType({"mip_heuristic_run_feasibility_jump": False})


@functools.cache
def _highs_extra_options() -> Mapping[str, Any]:
    """Return the extra HiGHS options this scipy/HiGHS accepts, found once by a one-variable solve.

    An option it does not know (scipy warns that it skips it, or fails to set it) is left out;
    the answer is kept for the process (read-only).
    """
    from scipy.optimize import Bounds, LinearConstraint, OptimizeWarning, milp

    accepted: dict[str, Any] = dict(_HIGHS_EXTRA_OPTIONS)
    constraint = LinearConstraint(np.ones((1, 1)), 1.0, np.inf)
    probe: Any = milp  # the extra options are not in scipy's typed option set
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            probe(
                np.ones(1),
                integrality=np.ones(1, dtype=np.int64),
                bounds=Bounds(np.zeros(1), np.ones(1)),
                constraints=[constraint],
                options=accepted,
            )
    except (AttributeError, ValueError, TypeError):
        return MappingProxyType({})
    for w in caught:
        if issubclass(w.category, OptimizeWarning) and "Unrecognized options" in str(w.message):
            for key in [key for key in accepted if repr(key) in str(w.message)]:
                del accepted[key]
    return MappingProxyType(accepted)


def _run_milp(
    milp: Callable[..., Any],
    c: FloatArray,
    integrality: npt.NDArray[np.int64],
    bounds: Any,
    constraints: list[Any],
    options: dict[str, Any],
) -> Any:
    """``scipy.optimize.milp`` with the extra HiGHS options this HiGHS accepts.

    scipy warns that it passes them to HiGHS verbatim: that warning (about them only) is not
    passed on; every other warning is.
    """
    extra = _highs_extra_options()
    with warnings.catch_warnings():
        if extra:
            listed = re.escape(f"Unrecognized options detected: {set(extra)!r}")
            warnings.filterwarnings("ignore", message=listed, category=RuntimeWarning)
        return milp(
            c,
            integrality=integrality,
            bounds=bounds,
            constraints=constraints,
            options={**options, **extra},
        )


def _warm_solvers() -> None:
    """Run the MILP path once on a tiny problem (its first call pays imports and solver setup).

    For interactive callers (the placement explorer) that prefer paying it when built.
    """
    sets = np.array([[True, False], [False, True]])
    _milp_core(2, 1, (sets, np.array([1.0, 2.0])), np.zeros((0, 2), dtype=bool), [], time_limit_s=None)
