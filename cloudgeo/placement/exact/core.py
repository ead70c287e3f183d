"""The aggregated core problem's solver: vectorised enumeration when cheap, else the MILP.

Enumeration sums each combination's missed weight as a product of two matrices of
half-combinations; the size limits (``_ENUM_MAX_*``) choose between the two.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from cloudgeo.placement._types import BoolArray, FloatArray, IntArray
from cloudgeo.placement.exact.aggregate import _Core
from cloudgeo.placement.exact.milp import _milp_core

# enumeration is used when the two half-combination matrices and their product stay this small
_ENUM_MAX_PAIRS = 2_000_000


_ENUM_MAX_FLOPS = 4e9


_ENUM_MAX_CELLS = 4e7


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
